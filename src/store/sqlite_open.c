/* sqlite_open: make a new ledger file, or open one (to write, or read-only) and
 * check that it is a habeas ledger this version understands. Never creates a file
 * when asked to open one.
 *
 * Pragmas (docs/storage.md): 16 KiB pages (batched appends measured ~45% faster than
 * with 4 KiB); WAL, so readers never block the writer and a crash mid-batch leaves
 * only uncommitted frames that recovery ignores; synchronous=FULL, so COMMIT returns
 * only once the WAL is on disk. */
#include "store/sqlite_internal.h"
#include "store/sqlite_readahead.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/hbtime.h"

#define BUSY_TIMEOUT_MS 10000

static const char SCHEMA[] =
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, body BLOB NOT NULL, hash BLOB NOT NULL);"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    /* Append-only in SQL too, so a stray UPDATE from a SQL shell fails loudly. */
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events BEGIN "
    "SELECT RAISE(ABORT, 'the habeas log is append-only: events cannot be changed'); END;"
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events BEGIN "
    "SELECT RAISE(ABORT, 'the habeas log is append-only: events cannot be deleted'); END;";

/* Per-connection settings (journal_mode=WAL is stored in the file itself). */
static int configure(sqlite_store *s, hb_err *err)
{
    return sqlite_exec(s, "PRAGMA synchronous=FULL; PRAGMA cache_size=" SQLITE_READ_CACHE, err,
                       "configuring the connection");
}

/* Runs a one-row, one-column query into out ("" when no row). */
static int query_text(sqlite_store *s, const char *sql, char *out, size_t cap, hb_err *err)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sqlite_fail(s, err, "reading the ledger's settings");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sqlite_fail(s, err, "reading the ledger's settings");
    return 0;
}

static int is_not_a_db(sqlite_store *s)
{
    return (sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_NOTADB;
}

/* 0 when the file is a habeas ledger of a schema we read; HB_EINPUT (err says what the
 * file is instead) or HB_EINTERNAL. */
static int identify(sqlite_store *s, hb_err *err)
{
    const char *p = s->base.uri;
    char val[64], tables[16];
    if (query_text(s, "SELECT count(*) FROM sqlite_master WHERE name IN ('events','meta')", tables,
                   sizeof tables, err)) {
        if (is_not_a_db(s))
            return hb_fail(err, HB_EINPUT,
                           "%s is not a habeas ledger: it is not an SQLite "
                           "database",
                           p);
        return HB_EINTERNAL;
    }
    if (strcmp(tables, "2") != 0 ||
        query_text(s, "SELECT value FROM meta WHERE key='format'", val, sizeof val, err) ||
        strcmp(val, SQLITE_LEDGER_FORMAT) != 0)
        return hb_fail(err, HB_EINPUT, "%s is an SQLite database but not a habeas ledger", p);
    if (query_text(s, "SELECT value FROM meta WHERE key='schema_version'", val, sizeof val, err))
        return HB_EINTERNAL;
    char *end;
    long v = strtol(val, &end, 10);
    if (!val[0] || *end || v < 1)
        return hb_fail(err, HB_EINPUT, "%s: invalid schema_version \"%s\" in its meta table", p,
                       val);
    if (v > SQLITE_SCHEMA_VERSION)
        return hb_fail(err, HB_EINPUT,
                       "%s uses ledger schema version %ld, newer than this habeas understands "
                       "(%d): open it with a newer habeas",
                       p, v, SQLITE_SCHEMA_VERSION);
    return 0;
}

static sqlite_store *store_new(const char *path, hb_err *err)
{
    sqlite_store *s = calloc(1, sizeof *s);
    if (!s) {
        hb_fail(err, HB_EINTERNAL, "out of memory");
        return NULL;
    }
    s->base.ops = &sqlite_ops;
    snprintf(s->base.uri, sizeof s->base.uri, "%s", path);
    return s;
}

static int db_connect(sqlite_store *s, int flags, hb_err *err)
{
    /* Read-only connections read ahead on scans (sqlite_readahead.h); without
     * the VFS they read page by page, as the writer does. */
    const char *vfs = NULL;
    if ((flags & SQLITE_OPEN_READONLY) && s->readahead && sqlite_readahead_register() == SQLITE_OK)
        vfs = SQLITE_RA_VFS;
    if (sqlite3_open_v2(s->base.uri, &s->db, flags | SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK) {
        if (!s->db) return hb_fail(err, HB_EINTERNAL, "out of memory");
        return hb_fail(err, HB_EINTERNAL, "%s: cannot open: %s (check the file's permissions)",
                       s->base.uri, sqlite3_errmsg(s->db));
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    return 0;
}

/* 0 when p names a file (never creates one); HB_EINPUT saying what is there instead. */
static int check_file(const char *p, hb_err *err)
{
    struct stat stt;
    if (stat(p, &stt) != 0) {
        if (errno == ENOENT)
            return hb_fail(err, HB_EINPUT, "no ledger at %s: create one with `habeas init --db %s`",
                           p, p);
        return hb_fail(err, HB_EINPUT, "%s: cannot open: %s", p, strerror(errno));
    }
    if (S_ISDIR(stt.st_mode))
        return hb_fail(err, HB_EINPUT, "%s is a folder, not a ledger file", p);
    return 0;
}

static int open_existing(sqlite_store *s, hb_err *err)
{
    if (check_file(s->base.uri, err)) return HB_EINPUT;
    int rc = db_connect(s, SQLITE_OPEN_READWRITE, err);
    if (!rc) rc = identify(s, err);
    if (!rc) rc = configure(s, err);
    if (rc) return rc;
    char mode[16];
    if (query_text(s, "PRAGMA journal_mode=WAL", mode, sizeof mode, err)) return HB_EINTERNAL;
    return 0;
}

/* A reader beside the writer: the file must already be in WAL mode (every ledger
 * is, from init), since only then does a reader see each commit without blocking
 * the writer. Nothing is written: no pragma that changes the file, no aux or tree
 * tables. */
static int open_read(sqlite_store *s, hb_err *err)
{
    if (check_file(s->base.uri, err)) return HB_EINPUT;
    s->read_only = true;
    char mode[16];
    int rc = db_connect(s, SQLITE_OPEN_READONLY, err);
    if (!rc) rc = identify(s, err);
    if (!rc) rc = configure(s, err);
    if (!rc) rc = query_text(s, "PRAGMA journal_mode", mode, sizeof mode, err);
    if (!rc && strcmp(mode, "wal") != 0)
        rc = hb_fail(err, HB_EINTERNAL,
                     "%s: cannot read beside the writer: the ledger is not in write-ahead "
                     "logging mode (journal mode %s)",
                     s->base.uri, mode);
    return rc;
}

/* Explains an existing file that init must not overwrite. */
static int refuse_existing(sqlite_store *s, hb_err *err)
{
    const char *p = s->base.uri;
    hb_err why = {0};
    if (identify(s, &why) == 0)
        return hb_fail(err, HB_EINPUT,
                       "a ledger already exists at %s: use it as it is (--db %s), or give init "
                       "a new path",
                       p, p);
    return hb_fail(err, HB_EINPUT,
                   "%s already exists (%s): refusing to overwrite it; give init a new path", p,
                   why.code == HB_EINPUT ? "not a habeas ledger" : why.msg);
}

static int write_schema(sqlite_store *s, hb_err *err)
{
    char tables[16], created[28], sql[256];
    hbtime_format_utc(hbtime_now(), created);
    snprintf(sql, sizeof sql,
             "INSERT INTO meta(key, value) VALUES ('format', '%s'), ('schema_version', '%d'), "
             "('created_at', '%s')",
             SQLITE_LEDGER_FORMAT, SQLITE_SCHEMA_VERSION, created);
    if (sqlite_exec(s, "BEGIN IMMEDIATE", err, "creating the ledger")) return HB_EINTERNAL;
    /* Checked inside the write lock: two inits racing on one empty file cannot both win. */
    int rc = query_text(s, "SELECT count(*) FROM sqlite_master", tables, sizeof tables, err);
    if (!rc && strcmp(tables, "0") != 0) rc = refuse_existing(s, err);
    if (!rc) rc = sqlite_exec(s, SCHEMA, err, "creating the ledger's tables");
    if (!rc) rc = sqlite_exec(s, sql, err, "creating the ledger's settings");
    if (!rc) rc = sqlite_exec(s, "COMMIT", err, "creating the ledger");
    if (rc) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* A new file is made 0600 first: the ledger holds personal data (SQLite gives its
 * -wal and -shm files the same mode). An existing empty file (e.g. from mktemp) is used. */
static int create_new(sqlite_store *s, bool *made, hb_err *err)
{
    const char *p = s->base.uri;
    *made = false;
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
        close(fd);
        *made = true;
    } else if (errno != EEXIST) {
        return hb_fail(err, HB_EINPUT, "cannot create %s: %s", p, strerror(errno));
    }
    if (db_connect(s, SQLITE_OPEN_READWRITE, err)) return HB_EINTERNAL;
    char mode[16];
    if (!*made) {
        char tables[16];
        hb_err ignored;
        if (query_text(s, "SELECT count(*) FROM sqlite_master", tables, sizeof tables, &ignored) ||
            strcmp(tables, "0") != 0)
            return refuse_existing(s, err);
    }
    /* page_size must precede the first table; it is fixed once WAL is on. */
    if (sqlite_exec(s, "PRAGMA page_size=16384", err, "creating the ledger") ||
        query_text(s, "PRAGMA journal_mode=WAL", mode, sizeof mode, err))
        return HB_EINTERNAL;
    if (strcmp(mode, "wal") != 0)
        return hb_fail(err, HB_EINTERNAL, "%s: cannot use write-ahead logging (journal mode %s)", p,
                       mode);
    if (configure(s, err)) return HB_EINTERNAL;
    return write_schema(s, err);
}

static void remove_files(const char *p)
{
    char side[600];
    unlink(p);
    snprintf(side, sizeof side, "%s-wal", p);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", p);
    unlink(side);
}

int store_sqlite_open(const char *path, store_mode mode, store **out, hb_err *err)
{
    *out = NULL;
    sqlite_store *s = store_new(path, err);
    if (!s) return HB_EINTERNAL;
    bool made = false;
    /* First: a bad $HABEAS_TREE_CACHE or $HABEAS_READAHEAD refuses the open
     * before any file is made. */
    int rc = sqlite_tree_cache_init(s, err);
    if (!rc) rc = sqlite_readahead_env(&s->readahead, err);
    if (!rc)
        rc = mode == STORE_CREATE ? create_new(s, &made, err)
             : mode == STORE_READ ? open_read(s, err)
                                  : open_existing(s, err);
    if (!rc && mode != STORE_READ) rc = sqlite_aux_tables(s, err);
    if (!rc && mode != STORE_READ) rc = sqlite_tree_tables(s, err);
    if (!rc) rc = sqlite_prepare(s, err);
    if (!rc) sqlite_tree_cache_attach(s);
    if (rc) {
        sqlite_ops.close(&s->base);
        if (made) remove_files(path);
        return rc;
    }
    *out = &s->base;
    return 0;
}
