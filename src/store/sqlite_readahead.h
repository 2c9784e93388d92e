/* sqlite_readahead: an SQLite VFS over the default one that serves a long run
 * of forward page reads of the main database file from large reads.
 *
 * A scan of the events table in seq order reads its leaf pages nearly in file
 * order, one 4 KiB pread each: at 10M events, ~820,000 system calls, each
 * costing more than the copy it makes on a virtual machine. Once a connection
 * has read SQLITE_RA_RUN pages in a row, each just after the last (within
 * SQLITE_RA_GAP bytes), the VFS reads SQLITE_RA_WINDOW bytes at once and serves
 * the following pages from them; a read anywhere else goes straight to the file
 * as before, so random reads (proofs, lookups) cost nothing more.
 *
 * Stale data is impossible by construction: the window is dropped whenever the
 * connection takes or drops a lock (each read transaction takes one: the shared
 * memory read lock in WAL mode, the file lock otherwise) and whenever it writes
 * or truncates. Within one read transaction the pages SQLite reads from the
 * database file do not change (a checkpoint never copies frames a reader might
 * need, and a writer waits for readers in rollback mode), so a window read in it
 * is as good as reading each page when asked.
 *
 * Every other file (journal, WAL, temp) and every other method pass straight
 * through. */
#ifndef HB_SQLITE_READAHEAD_H
#define HB_SQLITE_READAHEAD_H
#include <stdbool.h>
#include <stdint.h>
#include "util/err.h"

#define SQLITE_RA_VFS "habeas-readahead"
#define SQLITE_RA_WINDOW (256 * 1024)
#define SQLITE_RA_RUN 8
#define SQLITE_RA_GAP (64 * 1024)

/* Registers the VFS (once per process; not the default), over the VFS that is
 * the default when first called. 0, or an SQLite error code. Thread-safe. */
int sqlite_readahead_register(void);

/* Whether read-only connections use the VFS, from $HABEAS_READAHEAD: unset,
 * empty or "1" yes, "0" no (to compare, or to rule it out). 0, or HB_EINPUT
 * for any other value (err says which work). */
int sqlite_readahead_env(bool *on, hb_err *err);

/* Counters of the process's readahead files closed so far, for tests and the
 * bench: reads of a main database file, how many the window answered, and how
 * many times it was filled. */
typedef struct {
    uint64_t reads, hits, fills;
} sqlite_ra_stats;
void sqlite_readahead_stats(sqlite_ra_stats *out);
#endif
