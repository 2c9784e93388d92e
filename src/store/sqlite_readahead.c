/* sqlite_readahead: large reads for forward scans (sqlite_readahead.h). */
#include "store/sqlite_readahead.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    sqlite3_file base;  /* pMethods: ra_methods; first, as SQLite requires */
    sqlite3_file *sub;  /* the underlying VFS's file, in the same allocation */
    bool main_db;       /* only the main database file reads ahead */
    uint8_t *win;       /* SQLITE_RA_WINDOW bytes once a run is seen; malloc'd, freed at close */
    sqlite3_int64 woff; /* the window holds the file's bytes woff .. woff + wlen */
    size_t wlen;        /* 0: no window */
    sqlite3_int64 next; /* where the last read ended */
    int run;            /* forward reads in a row */
    sqlite_ra_stats st; /* added to the process's at close */
} ra_file;

static sqlite3_vfs ra_vfs;
static sqlite3_vfs *sub_vfs;
static int own_size; /* sizeof(ra_file) rounded up: where the underlying file starts */
static int register_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t total_reads, total_hits, total_fills;

static sqlite3_file *sub_of(sqlite3_file *f)
{
    return ((ra_file *)f)->sub;
}

static void drop_window(ra_file *f)
{
    f->wlen = 0;
    f->run = 0;
}

/* Reads the window at off; false when the file ends before off + amt (the
 * caller then reads directly, and the window stays empty). */
static bool fill(ra_file *f, sqlite3_int64 off, int amt)
{
    if (!f->win && !(f->win = malloc(SQLITE_RA_WINDOW))) return false;
    int rc = f->sub->pMethods->xRead(f->sub, f->win, SQLITE_RA_WINDOW, off);
    size_t len = SQLITE_RA_WINDOW;
    if (rc == SQLITE_IOERR_SHORT_READ) {
        sqlite3_int64 size;
        if (f->sub->pMethods->xFileSize(f->sub, &size) != SQLITE_OK || size - off < amt)
            return false;
        len = (size_t)(size - off);
    } else if (rc != SQLITE_OK) {
        return false;
    }
    f->woff = off;
    f->wlen = len;
    f->st.fills++;
    return true;
}

static int ra_read(sqlite3_file *file, void *out, int amt, sqlite3_int64 off)
{
    ra_file *f = (ra_file *)file;
    if (!f->main_db) return f->sub->pMethods->xRead(f->sub, out, amt, off);
    f->st.reads++;
    bool forward = off >= f->next && off - f->next <= SQLITE_RA_GAP;
    f->run = forward ? f->run + 1 : 0;
    f->next = off + amt;
    if (amt > 0 && amt <= SQLITE_RA_WINDOW / 4) {
        bool in = f->wlen && off >= f->woff && off + amt <= f->woff + (sqlite3_int64)f->wlen;
        if (!in && f->run >= SQLITE_RA_RUN) in = fill(f, off, amt);
        if (in) {
            memcpy(out, f->win + (off - f->woff), (size_t)amt);
            f->st.hits++;
            return SQLITE_OK;
        }
    }
    return f->sub->pMethods->xRead(f->sub, out, amt, off);
}

static int ra_close(sqlite3_file *file)
{
    ra_file *f = (ra_file *)file;
    int rc = f->sub->pMethods ? f->sub->pMethods->xClose(f->sub) : SQLITE_OK;
    free(f->win);
    f->win = NULL;
    atomic_fetch_add(&total_reads, f->st.reads);
    atomic_fetch_add(&total_hits, f->st.hits);
    atomic_fetch_add(&total_fills, f->st.fills);
    return rc;
}

/* The methods below change what the file holds, or begin or end a transaction:
 * each drops the window first. */
static int ra_write(sqlite3_file *file, const void *p, int amt, sqlite3_int64 off)
{
    drop_window((ra_file *)file);
    return sub_of(file)->pMethods->xWrite(sub_of(file), p, amt, off);
}

static int ra_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    drop_window((ra_file *)file);
    return sub_of(file)->pMethods->xTruncate(sub_of(file), size);
}

static int ra_lock(sqlite3_file *file, int lock)
{
    drop_window((ra_file *)file);
    return sub_of(file)->pMethods->xLock(sub_of(file), lock);
}

static int ra_unlock(sqlite3_file *file, int lock)
{
    drop_window((ra_file *)file);
    return sub_of(file)->pMethods->xUnlock(sub_of(file), lock);
}

static int ra_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
    drop_window((ra_file *)file);
    return sub_of(file)->pMethods->xShmLock(sub_of(file), offset, n, flags);
}

static int ra_shm_unmap(sqlite3_file *file, int del)
{
    drop_window((ra_file *)file);
    return sub_of(file)->pMethods->xShmUnmap(sub_of(file), del);
}

static int ra_file_control(sqlite3_file *file, int op, void *arg)
{
    drop_window((ra_file *)file);
    return sub_of(file)->pMethods->xFileControl(sub_of(file), op, arg);
}

/* Pure pass-through. */
static int ra_sync(sqlite3_file *file, int flags)
{
    return sub_of(file)->pMethods->xSync(sub_of(file), flags);
}

static int ra_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    return sub_of(file)->pMethods->xFileSize(sub_of(file), size);
}

static int ra_check_reserved(sqlite3_file *file, int *out)
{
    return sub_of(file)->pMethods->xCheckReservedLock(sub_of(file), out);
}

static int ra_sector_size(sqlite3_file *file)
{
    return sub_of(file)->pMethods->xSectorSize(sub_of(file));
}

static int ra_device(sqlite3_file *file)
{
    return sub_of(file)->pMethods->xDeviceCharacteristics(sub_of(file));
}

static int ra_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **pp)
{
    return sub_of(file)->pMethods->xShmMap(sub_of(file), region, size, extend, pp);
}

static void ra_shm_barrier(sqlite3_file *file)
{
    sub_of(file)->pMethods->xShmBarrier(sub_of(file));
}

/* Memory-mapped reads would bypass the window and its rules: refused, so SQLite
 * reads (habeas never turns mmap on; this keeps it so). */
static int ra_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **pp)
{
    (void)file;
    (void)off;
    (void)amt;
    *pp = NULL;
    return SQLITE_OK;
}

static int ra_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
    (void)file;
    (void)off;
    (void)p;
    return SQLITE_OK;
}

static const sqlite3_io_methods ra_methods = {
    .iVersion = 3,
    .xClose = ra_close,
    .xRead = ra_read,
    .xWrite = ra_write,
    .xTruncate = ra_truncate,
    .xSync = ra_sync,
    .xFileSize = ra_file_size,
    .xLock = ra_lock,
    .xUnlock = ra_unlock,
    .xCheckReservedLock = ra_check_reserved,
    .xFileControl = ra_file_control,
    .xSectorSize = ra_sector_size,
    .xDeviceCharacteristics = ra_device,
    .xShmMap = ra_shm_map,
    .xShmLock = ra_shm_lock,
    .xShmBarrier = ra_shm_barrier,
    .xShmUnmap = ra_shm_unmap,
    .xFetch = ra_fetch,
    .xUnfetch = ra_unfetch,
};

static int ra_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                   int *out_flags)
{
    (void)vfs;
    ra_file *f = (ra_file *)file;
    memset(f, 0, sizeof *f);
    f->sub = (sqlite3_file *)((char *)f + own_size);
    f->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    int rc = sub_vfs->xOpen(sub_vfs, name, f->sub, flags, out_flags);
    /* SQLite calls xClose whenever pMethods is set, even after a failed open. */
    f->base.pMethods = f->sub->pMethods ? &ra_methods : NULL;
    return rc;
}

/* The VFS methods that are not about one file go to the underlying VFS. */
static int ra_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return sub_vfs->xDelete(sub_vfs, name, sync_dir);
}

static int ra_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return sub_vfs->xAccess(sub_vfs, name, flags, out);
}

static int ra_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return sub_vfs->xFullPathname(sub_vfs, name, n, out);
}

static int ra_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return sub_vfs->xRandomness(sub_vfs, n, out);
}

static int ra_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return sub_vfs->xSleep(sub_vfs, us);
}

static int ra_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return sub_vfs->xCurrentTime(sub_vfs, out);
}

static int ra_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return sub_vfs->xGetLastError ? sub_vfs->xGetLastError(sub_vfs, n, out) : 0;
}

static int ra_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return sub_vfs->xCurrentTimeInt64(sub_vfs, out);
}

static void register_once(void)
{
    sub_vfs = sqlite3_vfs_find(NULL);
    if (!sub_vfs || sub_vfs->iVersion < 2 || !sub_vfs->xCurrentTimeInt64) {
        register_rc = SQLITE_ERROR;
        return;
    }
    /* Rounded up so that the underlying file, placed after ours, stays aligned. */
    own_size = (int)((sizeof(ra_file) + 15) / 16 * 16);
    ra_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = own_size + sub_vfs->szOsFile,
        .mxPathname = sub_vfs->mxPathname,
        .zName = SQLITE_RA_VFS,
        .xOpen = ra_open,
        .xDelete = ra_delete,
        .xAccess = ra_access,
        .xFullPathname = ra_full_pathname,
        .xRandomness = ra_randomness,
        .xSleep = ra_sleep,
        .xCurrentTime = ra_current_time,
        .xGetLastError = ra_last_error,
        .xCurrentTimeInt64 = ra_current_time_int64,
    };
    register_rc = sqlite3_vfs_register(&ra_vfs, 0);
}

int sqlite_readahead_register(void)
{
    pthread_once(&once, register_once);
    return register_rc;
}

int sqlite_readahead_env(bool *on, hb_err *err)
{
    const char *v = getenv("HABEAS_READAHEAD");
    *on = !v || !*v || strcmp(v, "1") == 0;
    if (*on || strcmp(v, "0") == 0) return 0;
    return hb_fail(err, HB_EINPUT,
                   "HABEAS_READAHEAD is '%s': it must be unset, 1 (scans read ahead) or 0 (every "
                   "page read alone)",
                   v);
}

void sqlite_readahead_stats(sqlite_ra_stats *out)
{
    out->reads = atomic_load(&total_reads);
    out->hits = atomic_load(&total_hits);
    out->fills = atomic_load(&total_fills);
}
