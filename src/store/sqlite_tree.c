/* sqlite_tree: the Merkle tree's stored nodes and the signed tree heads, in
 * their own tables beside the event log (docs/storage.md), and the leaf-hash
 * range read the tree is computed from.
 *
 * A node (level, index) is one row of tree(id, hash) with id = level << 48 |
 * index (level < 64, index < 2^48): a plain rowid, so a lookup is one B-tree
 * search with no second index. 2^48 leaves is far beyond any log habeas keeps.
 *
 * Both tables are append-only (SQL triggers). A writable open adds them to a
 * ledger made before them; a read-only connection never changes the file, so on
 * such a ledger tree_get finds nothing and there is no head, until a writer's
 * open adds the tables (statements are prepared on first use and retried while
 * a table is missing). Writes happen only inside begin/commit.
 *
 * Node cache: every proof reads the nodes near the top of the tree, so the
 * connections of a process to one file share the nodes they read in one
 * tree_cache (tree_cache.h: sized by $HABEAS_TREE_CACHE, in bytes). A committed
 * node never changes (the table is append-only), so a cached one is good for as
 * long as the cache lives. What may not go in is a node written in a transaction
 * still open: a rollback would leave it in the cache though gone from the file.
 * Another connection never sees such a node (SQLite's snapshots), and the one
 * that wrote it fills the cache only from reads outside a write transaction
 * (they see committed rows only), never from tree_put; so the cache needs no hook
 * on rollback. The preload (tree_preload below) reads through its own read-only
 * connection, which sees committed rows only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "store/sqlite_internal.h"

#define TREE_INDEX_BITS 48
#define TREE_LEVELS 64

static const char TREE_SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS tree(id INTEGER PRIMARY KEY, hash BLOB NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS tree_append_only_update BEFORE UPDATE ON tree BEGIN "
    "SELECT RAISE(ABORT, 'the habeas Merkle tree is append-only: nodes cannot be changed'); "
    "END;"
    "CREATE TRIGGER IF NOT EXISTS tree_append_only_delete BEFORE DELETE ON tree BEGIN "
    "SELECT RAISE(ABORT, 'the habeas Merkle tree is append-only: nodes cannot be deleted'); "
    "END;"
    "CREATE TABLE IF NOT EXISTS heads(id INTEGER PRIMARY KEY, size INTEGER NOT NULL, "
    "root BLOB NOT NULL, timestamp TEXT NOT NULL, note TEXT NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS heads_append_only_update BEFORE UPDATE ON heads BEGIN "
    "SELECT RAISE(ABORT, 'the habeas tree heads are append-only: heads cannot be changed'); "
    "END;"
    "CREATE TRIGGER IF NOT EXISTS heads_append_only_delete BEFORE DELETE ON heads BEGIN "
    "SELECT RAISE(ABORT, 'the habeas tree heads are append-only: heads cannot be deleted'); "
    "END;";

static const char HEAD_COLS[] = "SELECT id, size, root, timestamp, note FROM heads ";

/* Counts how many of the named tables (a quoted, comma-separated SQL list) exist. */
static int count_tables(sqlite_store *s, const char *names, int *n)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN (%s)", names);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int sqlite_tree_tables(sqlite_store *s, hb_err *err)
{
    int n;
    if (count_tables(s, "'tree','heads'", &n))
        return sqlite_fail(s, err, "looking for the Merkle tree tables");
    if (n == 2) return 0; /* the common case takes no write lock */
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, TREE_SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int code = sqlite3_extended_errcode(s->db) & 0xff;
        int rc = sqlite_fail(s, err, "adding the Merkle tree and tree head tables");
        if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        /* A read-only file of an older ledger still opens for reading (like the
         * token tables): reads find no node and no head, writes fail saying why. */
        return code == SQLITE_READONLY ? 0 : rc;
    }
    return 0;
}

void sqlite_tree_finalize(sqlite_store *s)
{
    sqlite3_stmt *all[] = {s->nput, s->nget, s->leaves, s->hins, s->hlast, s->hscan};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    tree_cache_release(s->ncache.shared);
    s->ncache.shared = NULL;
}

int sqlite_tree_cache_init(sqlite_store *s, hb_err *err)
{
    return tree_cache_budget(&s->ncache.budget, err);
}

#define PRELOAD_BATCH 4096

/* tree_cache_loader: offers the cache the stored nodes from the top of the tree
 * down (ids sort by level, then index), as many as it has entries: full sets
 * refuse lower nodes, so scanning further fills no more. Batches of
 * PRELOAD_BATCH rows, each its own read transaction, so the scan never holds a
 * snapshot (and the WAL) for long. Errors end it quietly: it is only an
 * optimisation, and the point reads report what is wrong. */
static void tree_preload(tree_cache *c, const char *path, dev_t dev, ino_t ino)
{
    sqlite3 *db = NULL;      /* closed below */
    sqlite3_stmt *st = NULL; /* finalized below */
    struct stat f;
    /* The file is opened by sqlite3_open_v2; checked after it, the path naming
     * the cache's file means the connection reads that file, not one put in its
     * place since the cache was made. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
        stat(path, &f) == 0 && f.st_dev == dev && f.st_ino == ino &&
        sqlite3_busy_timeout(db, 1000) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT id, hash FROM tree WHERE id >= ?1 AND id < ?2 ORDER BY id "
                           "DESC LIMIT ?3",
                           -1, &st, NULL) == SQLITE_OK) {
        uint64_t left = tree_cache_entries(c);
        int64_t below = INT64_MAX;
        sqlite3_bind_int64(st, 1, (int64_t)STORE_TREE_MIN_LEVEL << TREE_INDEX_BITS);
        while (left && !tree_cache_stopping(c)) {
            int64_t n = left < PRELOAD_BATCH ? (int64_t)left : PRELOAD_BATCH, got = 0;
            sqlite3_bind_int64(st, 2, below);
            sqlite3_bind_int64(st, 3, n);
            while (sqlite3_step(st) == SQLITE_ROW) {
                below = sqlite3_column_int64(st, 0);
                if (sqlite3_column_bytes(st, 1) == 32)
                    tree_cache_put(c, below, sqlite3_column_blob(st, 1));
                got++;
            }
            sqlite3_reset(st);
            tree_cache_preloaded(c, (uint64_t)got);
            left -= (uint64_t)got;
            if (got < n) break;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

void sqlite_tree_cache_attach(sqlite_store *s)
{
    struct stat f;
    if (stat(s->base.uri, &f) == 0)
        tree_cache_acquire(f.st_dev, f.st_ino, s->ncache.budget, s->base.uri, tree_preload,
                           &s->ncache.shared);
}

/* True when this connection sees only committed rows: it holds no write
 * transaction (in_tx is ours; txn_state also catches one begun by hand). */
static bool sees_committed(sqlite_store *s)
{
    return !s->in_tx && sqlite3_txn_state(s->db, NULL) != SQLITE_TXN_WRITE;
}

/* Prepares *st on first use. When preparing fails because `table` does not
 * exist (a read-only connection to an older ledger), sets *absent and returns 0
 * with *st still NULL, so a later call tries again. absent may be NULL for
 * statements whose table must exist. */
static int prep(sqlite_store *s, sqlite3_stmt **st, const char *sql, const char *table,
                bool *absent, hb_err *err)
{
    if (absent) *absent = false;
    if (*st) return 0;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK)
        return 0;
    hb_err why = {0};
    sqlite_fail(s, &why, "preparing a Merkle tree statement");
    char quoted[32];
    snprintf(quoted, sizeof quoted, "'%s'", table);
    int n = 1;
    if (absent && count_tables(s, quoted, &n) == 0 && n == 0) {
        *absent = true;
        return 0;
    }
    return hb_fail(err, HB_EINTERNAL, "%s", why.msg);
}

/* 0 when a write may go ahead; HB_EINTERNAL naming `what` otherwise. */
static int check_write(sqlite_store *s, const char *what, hb_err *err)
{
    if (s->read_only)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: cannot write %s through a read-only connection (opened to read the "
                       "log beside the writer)",
                       s->base.uri, what);
    if (!s->in_tx)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: %s written outside a write transaction (they go in the same "
                       "transaction as the events they cover)",
                       s->base.uri, what);
    return 0;
}

static int node_id(sqlite_store *s, int level, int64_t index, int64_t *id, hb_err *err)
{
    if (level < 0 || level >= TREE_LEVELS || index < 0 || index >= (int64_t)1 << TREE_INDEX_BITS)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: Merkle tree node (level %d, index %lld) is out of range (level "
                       "0..%d, index 0..2^%d-1): a bug in the caller",
                       s->base.uri, level, (long long)index, TREE_LEVELS - 1, TREE_INDEX_BITS);
    *id = (int64_t)level << TREE_INDEX_BITS | index;
    return 0;
}

/* Reads node id into out; *found false when absent (table missing too). */
static int node_read(sqlite_store *s, int64_t id, uint8_t out[32], bool *found, hb_err *err)
{
    *found = false;
    bool absent;
    if (prep(s, &s->nget, "SELECT hash FROM tree WHERE id = ?1", "tree", &absent, err))
        return HB_EINTERNAL;
    if (absent) return 0;
    sqlite3_bind_int64(s->nget, 1, id);
    int rc = sqlite3_step(s->nget), len = 0;
    if (rc == SQLITE_ROW) {
        len = sqlite3_column_bytes(s->nget, 0);
        if (len == 32) memcpy(out, sqlite3_column_blob(s->nget, 0), 32);
    }
    sqlite3_reset(s->nget);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sqlite_fail(s, err, "reading a Merkle tree node");
    if (rc == SQLITE_ROW && len != 32)
        return hb_fail(err, HB_ERULE,
                       "Merkle tree node (level %d, index %lld): the stored hash has %d bytes, "
                       "not 32",
                       (int)(id >> TREE_INDEX_BITS),
                       (long long)(id & (((int64_t)1 << TREE_INDEX_BITS) - 1)), len);
    *found = rc == SQLITE_ROW;
    return 0;
}

/* A node already stored: fine when it holds the same hash (putting it again
 * changes nothing), an error when it differs. */
static int node_again(sqlite_store *s, const store_node *nd, int64_t id, hb_err *err)
{
    uint8_t have[32];
    bool found;
    int rc = node_read(s, id, have, &found, err);
    if (rc) return rc;
    if (found && !memcmp(have, nd->hash, 32)) return 0;
    return hb_fail(err, HB_EINTERNAL,
                   "%s: Merkle tree node (level %d, index %lld) is already stored with a "
                   "different hash: the stored tree disagrees with the log (run `habeas verify`)",
                   s->base.uri, nd->level, (long long)nd->index);
}

int sqlite_tree_put(store *stp, const store_node *nodes, size_t n, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    if (check_write(s, "Merkle tree nodes", err) ||
        prep(s, &s->nput, "INSERT INTO tree(id, hash) VALUES (?1, ?2)", "tree", NULL, err))
        return HB_EINTERNAL;
    for (size_t i = 0; i < n; i++) {
        const store_node *nd = &nodes[i];
        int64_t id = 0;
        if (node_id(s, nd->level, nd->index, &id, err)) return HB_EINTERNAL;
        sqlite3_bind_int64(s->nput, 1, id);
        sqlite3_bind_blob(s->nput, 2, nd->hash, 32, SQLITE_STATIC);
        int rc = sqlite3_step(s->nput);
        int ext = sqlite3_extended_errcode(s->db);
        sqlite3_reset(s->nput);
        if (rc == SQLITE_DONE) continue;
        if (ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
            if (node_again(s, nd, id, err)) return HB_EINTERNAL;
            continue;
        }
        char what[96];
        snprintf(what, sizeof what, "storing Merkle tree node (level %d, index %lld)", nd->level,
                 (long long)nd->index);
        return sqlite_fail(s, err, what);
    }
    return 0;
}

int sqlite_tree_get(store *stp, int level, int64_t index, uint8_t out[32], bool *found, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    *found = false;
    if (s->read_only && !s->ncache.proof_pages) {
        /* Only a bigger cache: failing to get it changes no answer. */
        sqlite3_exec(s->db, "PRAGMA cache_size=" SQLITE_PROOF_CACHE, NULL, NULL, NULL);
        s->ncache.proof_pages = true;
    }
    int64_t id = 0;
    if (node_id(s, level, index, &id, err)) return HB_EINTERNAL;
    tree_cache *c = s->ncache.shared;
    if (c && tree_cache_get(c, id, out)) {
        s->ncache.hits++;
        *found = true;
        return 0;
    }
    s->ncache.sql++;
    int rc = node_read(s, id, out, found, err);
    if (!rc && *found && c && sees_committed(s)) {
        tree_cache_put(c, id, out);
        tree_cache_miss(c);
    }
    return rc;
}

int sqlite_leaf_hashes(store *stp, int64_t from, size_t n, uint8_t (*out)[32], size_t *got,
                       hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    *got = 0;
    if (from < 1)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: leaf hashes asked from seq %lld: seqs start at 1 (a bug in the "
                       "caller)",
                       s->base.uri, (long long)from);
    if (n == 0) return 0;
    if (prep(s, &s->leaves,
             "SELECT seq, hash FROM events WHERE seq >= ?1 AND seq < ?2 ORDER BY seq", "events",
             NULL, err))
        return HB_EINTERNAL;
    int64_t end = n > (size_t)(INT64_MAX - from) ? INT64_MAX : from + (int64_t)n;
    sqlite3_bind_int64(s->leaves, 1, from);
    sqlite3_bind_int64(s->leaves, 2, end);
    int rc, len = 32;
    int64_t seq = 0;
    while ((rc = sqlite3_step(s->leaves)) == SQLITE_ROW) {
        seq = sqlite3_column_int64(s->leaves, 0);
        len = sqlite3_column_bytes(s->leaves, 1);
        if (seq != from + (int64_t)*got || len != 32) break;
        memcpy(out[*got], sqlite3_column_blob(s->leaves, 1), 32);
        ++*got;
    }
    sqlite3_reset(s->leaves);
    /* Only a hand-edited file gets to the two HB_ERULEs (as in scan): the log
     * has no gaps and every hash is 32 bytes. */
    if (rc == SQLITE_ROW && seq != from + (int64_t)*got)
        return hb_fail(err, HB_ERULE, "seq %lld is missing from the log (the next stored is %lld)",
                       (long long)(from + (int64_t)*got), (long long)seq);
    if (rc == SQLITE_ROW)
        return hb_fail(err, HB_ERULE, "seq %lld: the stored hash has %d bytes, not 32",
                       (long long)seq, len);
    if (rc != SQLITE_DONE) return sqlite_fail(s, err, "reading leaf hashes");
    return 0;
}

int sqlite_head_append(store *stp, store_head *h, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    if (check_write(s, "tree heads", err)) return HB_EINTERNAL;
    if (h->size < 0 || !memchr(h->timestamp, '\0', sizeof h->timestamp) ||
        !memchr(h->note, '\0', sizeof h->note))
        return hb_fail(err, HB_EINTERNAL,
                       "%s: refusing a tree head with size %lld or an unterminated timestamp "
                       "or note (a bug in the caller)",
                       s->base.uri, (long long)h->size);
    if (prep(s, &s->hins, "INSERT INTO heads(size, root, timestamp, note) VALUES (?1, ?2, ?3, ?4)",
             "heads", NULL, err))
        return HB_EINTERNAL;
    sqlite3_bind_int64(s->hins, 1, h->size);
    sqlite3_bind_blob(s->hins, 2, h->root, 32, SQLITE_STATIC);
    sqlite3_bind_text(s->hins, 3, h->timestamp, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->hins, 4, h->note, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->hins);
    sqlite3_reset(s->hins);
    if (rc != SQLITE_DONE) return sqlite_fail(s, err, "storing a tree head");
    h->id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

/* One heads row into h; HB_ERULE when a hand-edited row does not fit. */
static int head_row(sqlite3_stmt *st, store_head *h, hb_err *err)
{
    h->id = sqlite3_column_int64(st, 0);
    h->size = sqlite3_column_int64(st, 1);
    const char *ts = (const char *)sqlite3_column_text(st, 3);
    int tlen = sqlite3_column_bytes(st, 3);
    const char *note = (const char *)sqlite3_column_text(st, 4);
    int nlen = sqlite3_column_bytes(st, 4);
    int rlen = sqlite3_column_bytes(st, 2);
    if (rlen != 32 || tlen >= (int)sizeof h->timestamp || nlen >= (int)sizeof h->note)
        return hb_fail(err, HB_ERULE,
                       "tree head %lld: stored root of %d bytes (32 expected), timestamp of %d "
                       "or note of %d bytes (at most %zu and %zu)",
                       (long long)h->id, rlen, tlen, nlen, sizeof h->timestamp - 1,
                       sizeof h->note - 1);
    /* NOT NULL columns: NULL here only when SQLite ran out of memory. */
    if (!ts || !note)
        return hb_fail(err, HB_EINTERNAL, "out of memory reading tree head %lld", (long long)h->id);
    memcpy(h->root, sqlite3_column_blob(st, 2), 32);
    snprintf(h->timestamp, sizeof h->timestamp, "%s", ts);
    snprintf(h->note, sizeof h->note, "%s", note);
    return 0;
}

int sqlite_head_latest(store *stp, store_head *h, bool *found, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    *found = false;
    char sql[96];
    snprintf(sql, sizeof sql, "%sORDER BY id DESC LIMIT 1", HEAD_COLS);
    bool absent;
    if (prep(s, &s->hlast, sql, "heads", &absent, err)) return HB_EINTERNAL;
    if (absent) return 0;
    int rc = sqlite3_step(s->hlast), bad = 0;
    if (rc == SQLITE_ROW) bad = head_row(s->hlast, h, err);
    sqlite3_reset(s->hlast);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sqlite_fail(s, err, "reading tree heads");
    if (bad) return bad;
    *found = rc == SQLITE_ROW;
    return 0;
}

static int scan_heads(sqlite_store *s, sqlite3_stmt *st, store_head_fn fn, void *ctx, hb_err *err)
{
    /* Big (the note is up to 4 KiB): on the heap. Freed below. */
    store_head *h = malloc(sizeof *h);
    if (!h) return hb_fail(err, HB_EINTERNAL, "out of memory");
    int rc, stop = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        stop = head_row(st, h, err);
        if (!stop) stop = fn(ctx, h);
        if (stop) break;
    }
    free(h);
    if (stop) return stop;
    return rc == SQLITE_DONE ? 0 : sqlite_fail(s, err, "reading tree heads");
}

int sqlite_head_scan(store *stp, store_head_fn fn, void *ctx, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    char sql[96];
    snprintf(sql, sizeof sql, "%sORDER BY id", HEAD_COLS);
    bool absent;
    if (prep(s, &s->hscan, sql, "heads", &absent, err)) return HB_EINTERNAL;
    if (absent) return 0;
    sqlite3_stmt *st = s->hscan;
    /* A callback that scans the heads again gets its own statement. */
    if (s->hscanning && sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sqlite_fail(s, err, "preparing a tree head statement");
    bool own = st != s->hscan;
    if (!own) s->hscanning = true;
    int rc = scan_heads(s, st, fn, ctx, err);
    if (own) {
        sqlite3_finalize(st);
    } else {
        sqlite3_reset(st);
        s->hscanning = false;
    }
    return rc;
}
