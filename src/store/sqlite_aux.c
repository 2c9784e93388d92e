/* sqlite_aux: API tokens and the access log, in their own tables beside the
 * event log (docs/storage.md). Statements are prepared on first use, so a command
 * that never touches tokens pays nothing for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/sqlite_internal.h"

#define TOKEN_CACHE_NS 1000000000ll /* a CLI revocation is seen within a second */

static const char AUX_SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS tokens(id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, "
    "role TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);"
    /* A name picks one valid token (`habeas token revoke NAME`); a revoked
     * token's name may be given to a new one. */
    "CREATE UNIQUE INDEX IF NOT EXISTS tokens_valid_name ON tokens(name) "
    "WHERE revoked_at IS NULL;"
    "CREATE TRIGGER IF NOT EXISTS tokens_kept BEFORE DELETE ON tokens BEGIN "
    "SELECT RAISE(ABORT, 'habeas tokens are revoked, never deleted'); END;"
    "CREATE TABLE IF NOT EXISTS access_log(id INTEGER PRIMARY KEY, at TEXT NOT NULL, "
    "token_id INTEGER NOT NULL, token_name TEXT NOT NULL, role TEXT NOT NULL, "
    "what TEXT NOT NULL, which TEXT NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS access_log_append_only_update BEFORE UPDATE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only: entries cannot be changed'); "
    "END;"
    "CREATE TRIGGER IF NOT EXISTS access_log_append_only_delete BEFORE DELETE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only: entries cannot be deleted'); "
    "END;";

static int count_aux_tables(sqlite_store *s, int *n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                           "name IN ('tokens','access_log')",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int sqlite_aux_tables(sqlite_store *s, hb_err *err)
{
    int n;
    if (count_aux_tables(s, &n)) return sqlite_fail(s, err, "looking for the token tables");
    if (n == 2) return 0; /* the common case takes no write lock */
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, AUX_SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int code = sqlite3_extended_errcode(s->db) & 0xff;
        if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        /* A read-only copy of an older ledger still opens for reading; tokens
         * then fail when used, saying why. */
        if (code == SQLITE_READONLY) return 0;
        return sqlite_fail(s, err, "adding the token and access log tables");
    }
    return 0;
}

int sqlite_sync_full(sqlite_store *s, hb_err *err)
{
    if (!s->sync_normal) return 0;
    if (sqlite_exec(s, "PRAGMA synchronous=FULL", err, "configuring the connection"))
        return HB_EINTERNAL;
    s->sync_normal = false;
    return 0;
}

void sqlite_aux_finalize(sqlite_store *s)
{
    sqlite3_stmt *all[] = {s->tins, s->thash, s->tlist, s->trev, s->ains, s->alist};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
}

static int prep(sqlite_store *s, sqlite3_stmt **st, const char *sql, hb_err *err)
{
    if (*st) return 0;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return sqlite_fail(s, err, "preparing a token or access log statement");
    return 0;
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(dst, cap, "%s", v ? (const char *)v : "");
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct sqlite_token_slot *slot_of(sqlite_store *s, const uint8_t hash[32])
{
    size_t n = sizeof s->tcache / sizeof s->tcache[0];
    return &s->tcache[(hash[0] | (size_t)hash[1] << 8) % n];
}

static void cache_clear(sqlite_store *s)
{
    memset(s->tcache, 0, sizeof s->tcache);
}

static const char TOKEN_COLS[] = "SELECT id, role, name, created_at, revoked_at FROM tokens ";

static void token_row(sqlite3_stmt *st, store_token *t)
{
    t->id = sqlite3_column_int64(st, 0);
    copy_col(t->role, sizeof t->role, st, 1);
    copy_col(t->name, sizeof t->name, st, 2);
    copy_col(t->created_at, sizeof t->created_at, st, 3);
    copy_col(t->revoked_at, sizeof t->revoked_at, st, 4);
}

int sqlite_token_insert(store *stp, const uint8_t hash[32], store_token *t, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    cache_clear(s);
    if (sqlite_sync_full(s, err) ||
        prep(s, &s->tins,
             "INSERT INTO tokens(hash, role, name, created_at) VALUES (?1, ?2, ?3, ?4)", err))
        return HB_EINTERNAL;
    sqlite3_bind_blob(s->tins, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_text(s->tins, 2, t->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->tins, 3, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->tins, 4, t->created_at, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->tins);
    int ext = sqlite3_extended_errcode(s->db);
    sqlite3_reset(s->tins);
    if (rc == SQLITE_DONE) {
        t->id = sqlite3_last_insert_rowid(s->db);
        return 0;
    }
    if (ext == SQLITE_CONSTRAINT_UNIQUE && sqlite3_errmsg(s->db) &&
        strstr(sqlite3_errmsg(s->db), "tokens.name"))
        return hb_fail(err, HB_EINPUT,
                       "a valid token is already named \"%s\": pick another name, or revoke "
                       "that one first",
                       t->name);
    return sqlite_fail(s, err, "storing a token");
}

int sqlite_token_by_hash(store *stp, const uint8_t hash[32], store_token *t, bool *found,
                         hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    *found = false;
    struct sqlite_token_slot *slot = slot_of(s, hash);
    int64_t now = mono_ns();
    if (slot->until_ns > now && !memcmp(slot->hash, hash, 32)) {
        *t = slot->t;
        *found = true;
        return 0;
    }
    if (prep(s, &s->thash,
             "SELECT id, role, name, created_at, revoked_at FROM tokens WHERE hash = ?1", err))
        return HB_EINTERNAL;
    sqlite3_bind_blob(s->thash, 1, hash, 32, SQLITE_STATIC);
    int rc = sqlite3_step(s->thash);
    if (rc == SQLITE_ROW) {
        token_row(s->thash, t);
        *found = true;
        memcpy(slot->hash, hash, 32);
        slot->t = *t;
        slot->until_ns = now + TOKEN_CACHE_NS;
    }
    sqlite3_reset(s->thash);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sqlite_fail(s, err, "looking up a token");
    return 0;
}

/* Grows *v (elements of size sz) to hold one more; 0 or -1. */
static int grow(void **v, size_t sz, size_t n, size_t *cap)
{
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, c * sz);
    if (!p) return -1;
    *v = p;
    *cap = c;
    return 0;
}

int sqlite_token_list(store *stp, store_token **out, size_t *n, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    *out = NULL;
    *n = 0;
    char sql[128];
    snprintf(sql, sizeof sql, "%sORDER BY id", TOKEN_COLS);
    if (prep(s, &s->tlist, sql, err)) return HB_EINTERNAL;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s->tlist)) == SQLITE_ROW) {
        if (grow((void **)out, sizeof **out, *n, &cap)) {
            rc = SQLITE_NOMEM;
            break;
        }
        token_row(s->tlist, &(*out)[(*n)++]);
    }
    sqlite3_reset(s->tlist);
    if (rc == SQLITE_DONE) return 0;
    free(*out);
    *out = NULL;
    *n = 0;
    if (rc == SQLITE_NOMEM) return hb_fail(err, HB_EINTERNAL, "out of memory");
    return sqlite_fail(s, err, "listing tokens");
}

int sqlite_token_revoke(store *stp, int64_t id, const char *at, bool *changed, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    *changed = false;
    cache_clear(s);
    if (sqlite_sync_full(s, err) ||
        prep(s, &s->trev, "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
             err))
        return HB_EINTERNAL;
    sqlite3_bind_int64(s->trev, 1, id);
    sqlite3_bind_text(s->trev, 2, at, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->trev);
    sqlite3_reset(s->trev);
    if (rc != SQLITE_DONE) return sqlite_fail(s, err, "revoking a token");
    *changed = sqlite3_changes(s->db) == 1;
    return 0;
}

/* The access log is written on every read of a person's record, so an fsync per
 * entry would cap reads at the disk's fsync rate. WAL with synchronous=NORMAL
 * keeps each entry atomic and safe from a process crash; a power loss may lose
 * the entries since the last checkpoint (docs/storage.md). */
static int sync_normal(sqlite_store *s, hb_err *err)
{
    if (s->sync_normal) return 0;
    if (sqlite_exec(s, "PRAGMA synchronous=NORMAL", err, "configuring the connection"))
        return HB_EINTERNAL;
    s->sync_normal = true;
    return 0;
}

static int access_insert(sqlite_store *s, store_access *a, hb_err *err)
{
    sqlite3_bind_text(s->ains, 1, a->at, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->ains, 2, a->token_id);
    sqlite3_bind_text(s->ains, 3, a->token_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->ains, 4, a->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->ains, 5, a->what, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->ains, 6, a->which, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->ains);
    sqlite3_reset(s->ains);
    if (rc != SQLITE_DONE) return sqlite_fail(s, err, "appending to the access log");
    a->id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

int sqlite_access_append(store *stp, store_access *a, size_t n, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    if (s->in_tx)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: the access log is written on its own connection, not inside an "
                       "event-log transaction",
                       s->base.uri);
    if (sync_normal(s, err) ||
        prep(s, &s->ains,
             "INSERT INTO access_log(at, token_id, token_name, role, what, which) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
             err))
        return HB_EINTERNAL;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return sqlite_fail(s, err, "starting an access-log transaction");
    for (size_t i = 0; i < n; i++)
        if (access_insert(s, &a[i], err)) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return HB_EINTERNAL;
        }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = sqlite_fail(s, err, "committing the access log");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return 0;
}

static void access_row(sqlite3_stmt *st, store_access *a)
{
    a->id = sqlite3_column_int64(st, 0);
    copy_col(a->at, sizeof a->at, st, 1);
    a->token_id = sqlite3_column_int64(st, 2);
    copy_col(a->token_name, sizeof a->token_name, st, 3);
    copy_col(a->role, sizeof a->role, st, 4);
    copy_col(a->what, sizeof a->what, st, 5);
    copy_col(a->which, sizeof a->which, st, 6);
}

int sqlite_access_list(store *stp, int64_t from, size_t limit, store_access **out, size_t *n,
                       hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    *out = NULL;
    *n = 0;
    if (prep(s, &s->alist,
             "SELECT id, at, token_id, token_name, role, what, which FROM access_log "
             "WHERE id >= ?1 ORDER BY id LIMIT ?2",
             err))
        return HB_EINTERNAL;
    sqlite3_bind_int64(s->alist, 1, from);
    sqlite3_bind_int64(s->alist, 2, (sqlite3_int64)limit);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s->alist)) == SQLITE_ROW) {
        if (grow((void **)out, sizeof **out, *n, &cap)) {
            rc = SQLITE_NOMEM;
            break;
        }
        access_row(s->alist, &(*out)[(*n)++]);
    }
    sqlite3_reset(s->alist);
    if (rc == SQLITE_DONE) return 0;
    free(*out);
    *out = NULL;
    *n = 0;
    if (rc == SQLITE_NOMEM) return hb_fail(err, HB_EINTERNAL, "out of memory");
    return sqlite_fail(s, err, "reading the access log");
}
