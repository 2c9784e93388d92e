/* sqlite: the store ops over one SQLite connection (see sqlite_open.c for the file). */
#include "store/sqlite_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sqlite_fail(sqlite_store *s, hb_err *err, const char *what)
{
    int code = sqlite3_extended_errcode(s->db) & 0xff;
    const char *hint =
        code == SQLITE_BUSY || code == SQLITE_LOCKED
            ? " (another process is writing to this ledger; try again when it is done)"
        : code == SQLITE_FULL ? " (the disk is full)"
        : code == SQLITE_READONLY && s->read_only
            ? " (this connection was opened read-only, to read the log beside the writer)"
        : code == SQLITE_READONLY ? " (the file or its folder is read-only)"
                                  : "";
    return hb_fail(err, HB_EINTERNAL, "%s: storage error while %s: %s%s", s->base.uri, what,
                   sqlite3_errmsg(s->db), hint);
}

int sqlite_exec(sqlite_store *s, const char *sql, hb_err *err, const char *what)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) return sqlite_fail(s, err, what);
    return 0;
}

static int prep(sqlite_store *s, const char *sql, sqlite3_stmt **st, hb_err *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return sqlite_fail(s, err, "preparing a statement");
    return 0;
}

static const char SQL_SCAN[] =
    "SELECT seq, body, hash FROM events WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq";

int sqlite_prepare(sqlite_store *s, hb_err *err)
{
    if (prep(s, "INSERT INTO events(seq, body, hash) VALUES (?1, ?2, ?3)", &s->ins, err) ||
        prep(s, SQL_SCAN, &s->scan, err) ||
        prep(s, "SELECT COALESCE(MAX(seq), 0) FROM events", &s->max, err) ||
        prep(s, "SELECT value FROM meta WHERE key = ?1", &s->mget, err) ||
        prep(s,
             "INSERT INTO meta(key, value) VALUES (?1, ?2) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
             &s->mset, err))
        return HB_EINTERNAL;
    return 0;
}

static int query_last(sqlite_store *s, int64_t *last, hb_err *err)
{
    int rc = sqlite3_step(s->max);
    if (rc == SQLITE_ROW) *last = sqlite3_column_int64(s->max, 0);
    sqlite3_reset(s->max);
    return rc == SQLITE_ROW ? 0 : sqlite_fail(s, err, "reading the log's size");
}

static int sq_begin(store *st, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (s->in_tx)
        return hb_fail(err, HB_EINTERNAL, "%s: a write transaction is already open", s->base.uri);
    if (s->read_only)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: cannot write through a read-only connection (opened to read the "
                       "log beside the writer)",
                       s->base.uri);
    if (s->read_depth)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: cannot start a write transaction inside a read snapshot (end the "
                       "snapshot with store_read_end first): a bug in the caller",
                       s->base.uri);
    if (sqlite_sync_full(s, err)) return HB_EINTERNAL;
    /* IMMEDIATE takes the write lock now, so a second writer waits (busy_timeout) or
     * fails here, never at commit after all the work. */
    /* A bigger page cache for the write; scans prefer the small one (sqlite_internal.h). */
    sqlite3_exec(s->db, "PRAGMA cache_size=" SQLITE_WRITE_CACHE, NULL, NULL, NULL);
    if (sqlite_exec(s, "BEGIN IMMEDIATE", err, "starting a write transaction")) return HB_EINTERNAL;
    if (query_last(s, &s->last, err)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return HB_EINTERNAL;
    }
    s->in_tx = true;
    return 0;
}

static int sq_append(store *st, const store_row *rows, size_t n, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (!s->in_tx)
        return hb_fail(err, HB_EINTERNAL, "%s: append outside a write transaction", s->base.uri);
    for (size_t i = 0; i < n; i++) {
        const store_row *r = &rows[i];
        if (r->seq != s->last + 1)
            return hb_fail(err, HB_EINTERNAL,
                           "%s: refusing to append seq %lld: the next seq is %lld (the log "
                           "has no gaps)",
                           s->base.uri, (long long)r->seq, (long long)(s->last + 1));
        sqlite3_bind_int64(s->ins, 1, r->seq);
        sqlite3_bind_blob(s->ins, 2, r->body, (int)r->len, SQLITE_STATIC);
        sqlite3_bind_blob(s->ins, 3, r->hash, 32, SQLITE_STATIC);
        int rc = sqlite3_step(s->ins);
        sqlite3_reset(s->ins);
        if (rc != SQLITE_DONE) {
            char what[64];
            snprintf(what, sizeof what, "appending seq %lld", (long long)r->seq);
            return sqlite_fail(s, err, what);
        }
        s->last = r->seq;
    }
    return 0;
}

static int sq_commit(store *st, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (!s->in_tx)
        return hb_fail(err, HB_EINTERNAL, "%s: commit outside a write transaction", s->base.uri);
    if (sqlite_exec(s, "COMMIT", err, "committing")) return HB_EINTERNAL;
    s->in_tx = false;
    sqlite3_exec(s->db, "PRAGMA cache_size=" SQLITE_READ_CACHE, NULL, NULL, NULL);
    return 0;
}

static int sq_rollback(store *st, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    s->in_tx = false;
    /* A failed COMMIT may already have ended the transaction. */
    int rc = sqlite3_get_autocommit(s->db) ? 0 : sqlite_exec(s, "ROLLBACK", err, "rolling back");
    sqlite3_exec(s->db, "PRAGMA cache_size=" SQLITE_READ_CACHE, NULL, NULL, NULL);
    return rc;
}

/* Deferred BEGIN takes no lock until the first read, so reading the size right
 * away pins the snapshot at read_begin (and makes every size inside it free). */
static int sq_read_begin(store *st, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (s->in_tx) return 0;
    if (s->read_depth++) return 0;
    s->read_began = false;
    /* Not in autocommit outside a write transaction: someone else's transaction
     * (none today); join it rather than fail, and leave it to its owner. */
    if (!sqlite3_get_autocommit(s->db)) return 0;
    if (sqlite_exec(s, "BEGIN", err, "starting a read snapshot") || query_last(s, &s->last, err)) {
        if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->read_depth = 0;
        return HB_EINTERNAL;
    }
    s->read_began = true;
    return 0;
}

static int sq_read_end(store *st)
{
    sqlite_store *s = (sqlite_store *)st;
    if (s->in_tx || s->read_depth == 0 || --s->read_depth) return 0;
    /* A read transaction has nothing to lose: when COMMIT fails (it should not),
     * ROLLBACK ends it all the same. */
    if (s->read_began && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK &&
        !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->read_began = false;
    return 0;
}

static int sq_size(store *st, int64_t *last, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (s->in_tx || s->read_began) {
        *last = s->last;
        return 0;
    }
    return query_last(s, last, err);
}

/* Steps st over its rows; the caller binds and resets. */
static int scan_rows(sqlite_store *s, sqlite3_stmt *st, store_row_fn fn, void *ctx, hb_err *err)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_row row;
        row.seq = sqlite3_column_int64(st, 0);
        row.body = sqlite3_column_blob(st, 1);
        row.len = (size_t)sqlite3_column_bytes(st, 1);
        row.hash = sqlite3_column_blob(st, 2);
        int hlen = sqlite3_column_bytes(st, 2);
        /* Only a hand-edited file gets here; HB_ERULE, like any other tampering. */
        if (hlen != 32)
            return hb_fail(err, HB_ERULE, "seq %lld: the stored hash has %d bytes, not 32",
                           (long long)row.seq, hlen);
        if (!row.body) row.body = (const uint8_t *)"";
        int stop = fn(ctx, &row);
        if (stop) return stop;
    }
    return rc == SQLITE_DONE ? 0 : sqlite_fail(s, err, "reading the log");
}

static int sq_scan(store *stp, int64_t from, int64_t to, store_row_fn fn, void *ctx, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    sqlite3_stmt *st = s->scan;
    /* A callback that reads the log again (nested scan) gets its own statement. */
    if (s->scanning && sqlite3_prepare_v2(s->db, SQL_SCAN, -1, &st, NULL) != SQLITE_OK)
        return sqlite_fail(s, err, "preparing a statement");
    bool own = st != s->scan;
    if (!own) s->scanning = true;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to < 0 ? INT64_MAX : to);
    int rc = scan_rows(s, st, fn, ctx, err);
    if (own) {
        sqlite3_finalize(st);
    } else {
        sqlite3_reset(st);
        s->scanning = false;
    }
    return rc;
}

static int sq_meta_get(store *st, const char *key, char **val, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    *val = NULL;
    sqlite3_bind_text(s->mget, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->mget);
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s->mget, 0);
        *val = strdup(v ? v : "");
        if (!*val) rc = SQLITE_NOMEM;
    }
    sqlite3_reset(s->mget);
    if (rc == SQLITE_NOMEM) return hb_fail(err, HB_EINTERNAL, "out of memory");
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sqlite_fail(s, err, "reading settings");
    return 0;
}

static int sq_meta_set(store *st, const char *key, const char *val, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_bind_text(s->mset, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->mset, 2, val, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->mset);
    sqlite3_reset(s->mset);
    return rc == SQLITE_DONE ? 0 : sqlite_fail(s, err, "writing settings");
}

static void sq_close(store *st)
{
    sqlite_store *s = (sqlite_store *)st;
    if (s->in_tx || s->read_began) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_stmt *all[] = {s->ins, s->scan, s->max, s->mget, s->mset};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    sqlite_aux_finalize(s);
    sqlite_tree_finalize(s);
    sqlite3_close(s->db);
    free(s);
}

const struct store_ops sqlite_ops = {
    .begin = sq_begin,
    .append = sq_append,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .size = sq_size,
    .scan = sq_scan,
    .meta_get = sq_meta_get,
    .meta_set = sq_meta_set,
    .token_insert = sqlite_token_insert,
    .token_by_hash = sqlite_token_by_hash,
    .token_list = sqlite_token_list,
    .token_revoke = sqlite_token_revoke,
    .access_append = sqlite_access_append,
    .access_list = sqlite_access_list,
    .tree_put = sqlite_tree_put,
    .tree_get = sqlite_tree_get,
    .tree_range = sqlite_tree_range,
    .leaf_hashes = sqlite_leaf_hashes,
    .head_append = sqlite_head_append,
    .head_latest = sqlite_head_latest,
    .head_scan = sqlite_head_scan,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .close = sq_close,
};
