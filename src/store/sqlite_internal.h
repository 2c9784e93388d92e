/* sqlite_internal: the SQLite backend's connection, shared by its two files
 * (sqlite_open.c makes or checks the file; sqlite.c runs the store ops). */
#ifndef HB_SQLITE_INTERNAL_H
#define HB_SQLITE_INTERNAL_H
#include <sqlite3.h>
#include <stdbool.h>
#include "store/store.h"

#define SQLITE_LEDGER_FORMAT "habeas-ledger"
#define SQLITE_SCHEMA_VERSION 1
/* Page cache sizes (KiB, negative as SQLite wants them). Measured on the bench
 * machine: a full scan runs 2-3x faster with a small cache (the pages stay in the
 * CPU's caches), while appends gain a little from a larger one. */
#define SQLITE_READ_CACHE "-2000"
#define SQLITE_WRITE_CACHE "-16384"

typedef struct {
    store base; /* first, so a store * is a sqlite_store * */
    sqlite3 *db;
    sqlite3_stmt *ins;  /* INSERT one row; prepared once, reused by every append */
    sqlite3_stmt *scan; /* SELECT a seq range */
    sqlite3_stmt *max;  /* SELECT MAX(seq) */
    sqlite3_stmt *mget, *mset;
    bool scanning; /* scan is stepping: a nested scan prepares its own */
    bool in_tx;
    int64_t last; /* last seq, tracked inside a transaction so append checks are free */
} sqlite_store;

/* Formats "<uri>: storage error while <what>: <sqlite message>" into err (with a
 * hint when another process holds the lock); returns HB_EINTERNAL. */
int sqlite_fail(sqlite_store *s, hb_err *err, const char *what);
/* Run SQL with no result rows. 0 or HB_EINTERNAL (what names the step). */
int sqlite_exec(sqlite_store *s, const char *sql, hb_err *err, const char *what);
/* The ops table (sqlite.c), set by sqlite_open.c on a ready connection. */
extern const struct store_ops sqlite_ops;
/* Prepare the statements the ops reuse. 0 or HB_EINTERNAL. */
int sqlite_prepare(sqlite_store *s, hb_err *err);
#endif
