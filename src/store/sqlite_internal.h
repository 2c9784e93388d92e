/* sqlite_internal: the SQLite backend's connection, shared by its files
 * (sqlite_open.c makes or checks the file; sqlite.c runs the store ops;
 * sqlite_aux.c tokens and the access log; sqlite_tree.c tree nodes and heads). */
#ifndef HB_SQLITE_INTERNAL_H
#define HB_SQLITE_INTERNAL_H
#include <sqlite3.h>
#include <stdbool.h>
#include "store/store.h"
#include "store/tree_cache.h"

#define SQLITE_LEDGER_FORMAT "habeas-ledger"
#define SQLITE_SCHEMA_VERSION 1
/* Page cache sizes (KiB, negative as SQLite wants them). Measured on the bench
 * machine: a full scan runs 2-3x faster with a small cache (the pages stay in the
 * CPU's caches), while appends gain a little from a larger one. */
#define SQLITE_READ_CACHE "-2000"
#define SQLITE_WRITE_CACHE "-16384"
/* A read-only connection that reads tree nodes serves proofs (verify and the
 * views never call tree_get): from its first tree_get on it keeps this many KiB,
 * which hold the events table's interior pages (~1.8 MiB at 10M events) beside
 * the leaf pages proofs read. Measured at 10M events (bench_proofs, pages read
 * from the file per proof): 2 MiB 3.7, 4 MiB 3.2, 8 MiB 2.8, 16 MiB 2.6, 64 MiB
 * 2.5 (the floor: the leaf pages of two random blocks of 16 leaf hashes). */
#define SQLITE_PROOF_CACHE "-8192"

typedef struct {
    store base; /* first, so a store * is a sqlite_store * */
    sqlite3 *db;
    bool readahead;     /* read-only: through the readahead VFS ($HABEAS_READAHEAD) */
    sqlite3_stmt *ins;  /* INSERT one row; prepared once, reused by every append */
    sqlite3_stmt *scan; /* SELECT a seq range */
    sqlite3_stmt *max;  /* SELECT MAX(seq) */
    sqlite3_stmt *mget, *mset;
    /* Tokens and the access log (sqlite_aux.c), prepared on first use. */
    sqlite3_stmt *tins, *thash, *tlist, *trev, *ains, *alist;
    /* Tree nodes, leaf hashes and tree heads (sqlite_tree.c), prepared on first use. */
    sqlite3_stmt *nput, *nget, *leaves, *hins, *hlast, *hscan;
    /* The tree node cache this connection shares with the others of the process
     * to the same file (sqlite_tree.c, tree_cache.h). */
    struct sqlite_node_cache {
        tree_cache *shared; /* NULL: off; released by sqlite_tree_finalize */
        size_t budget;      /* its size in bytes, from $HABEAS_TREE_CACHE at open */
        uint64_t hits, sql; /* this connection's tree_get answered by it, and by SQLite */
        bool proof_pages;   /* the page cache is SQLITE_PROOF_CACHE (read-only only) */
    } ncache;
    bool hscanning;   /* head_scan is stepping: a nested one prepares its own */
    bool sync_normal; /* the access log's no-fsync mode is on (sqlite_aux.c) */
    /* Tokens recently found by hash: a lookup in SQLite costs ~17 us (file locks),
     * paid by every API request. Entries live 1 s; writes here clear them. */
    struct sqlite_token_slot {
        uint8_t hash[32];
        store_token t;
        int64_t until_ns; /* 0: empty */
    } tcache[64];
    bool scanning; /* scan is stepping: a nested scan prepares its own */
    bool in_tx;
    bool read_only; /* opened with STORE_READ */
    /* Read snapshot (read_begin/read_end): how many pairs are open, and whether the
     * outermost one ran BEGIN (so its read_end must COMMIT). */
    int read_depth;
    bool read_began;
    /* Last seq, tracked inside a write transaction so append checks are free, and
     * fixed inside a read snapshot (read at read_begin) so size is free there. */
    int64_t last;
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
/* Creates the tokens and access_log tables when missing, so ledgers made before
 * them gain them on open. 0 or HB_EINTERNAL. */
int sqlite_aux_tables(sqlite_store *s, hb_err *err);
/* Back to synchronous=FULL before an event-log transaction. 0 or HB_EINTERNAL. */
int sqlite_sync_full(sqlite_store *s, hb_err *err);
void sqlite_aux_finalize(sqlite_store *s);
int sqlite_token_insert(store *st, const uint8_t hash[32], store_token *t, hb_err *err);
int sqlite_token_by_hash(store *st, const uint8_t hash[32], store_token *t, bool *found,
                         hb_err *err);
int sqlite_token_list(store *st, store_token **out, size_t *n, hb_err *err);
int sqlite_token_revoke(store *st, int64_t id, const char *at, bool *changed, hb_err *err);
int sqlite_access_append(store *st, store_access *a, size_t n, hb_err *err);
int sqlite_access_list(store *st, int64_t from, size_t limit, store_access **out, size_t *n,
                       hb_err *err);
/* Creates the tree and heads tables when missing, so ledgers made before them
 * gain them on open. 0 or HB_EINTERNAL. */
int sqlite_tree_tables(sqlite_store *s, hb_err *err);
/* Reads the node cache's budget from $HABEAS_TREE_CACHE (tree_cache_budget),
 * before the file is opened. 0, or HB_EINPUT when the variable is not a size. */
int sqlite_tree_cache_init(sqlite_store *s, hb_err *err);
/* Joins the node cache of the opened file (a no-op when the budget is 0 or the
 * file cannot be stat'ed: reads then all go to SQLite). */
void sqlite_tree_cache_attach(sqlite_store *s);
/* Finalizes the tree statements and releases the node cache. */
void sqlite_tree_finalize(sqlite_store *s);
int sqlite_tree_put(store *st, const store_node *nodes, size_t n, hb_err *err);
int sqlite_tree_get(store *st, int level, int64_t index, uint8_t out[32], bool *found, hb_err *err);
/* store.h tree_range (sqlite_tree_range.c). */
int sqlite_tree_range(store *st, store_tree_span *spans, size_t n, hb_err *err);
int sqlite_leaf_hashes(store *st, int64_t from, size_t n, uint8_t (*out)[32], size_t *got,
                       hb_err *err);
int sqlite_head_append(store *st, store_head *h, hb_err *err);
int sqlite_head_latest(store *st, store_head *h, bool *found, hb_err *err);
int sqlite_head_scan(store *st, store_head_fn fn, void *ctx, hb_err *err);
#endif
