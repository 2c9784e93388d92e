/* store: the one storage interface. Only store/ knows SQL.
 *
 * A store keeps the log as rows (seq, body, hash): body is the record's canonical
 * bytes, hash its RFC 9162 leaf hash. Seqs run 1, 2, 3 ... with no gaps; append
 * refuses anything else. Writes happen inside begin/commit; commit returns only
 * once the rows are durable (SQLite: WAL with synchronous=FULL). A crash before
 * commit returns leaves none of the transaction's rows.
 *
 * URIs: a file path (SQLite, the default), or postgres://... (a later backend
 * behind the same ops table). */
#ifndef HB_STORE_H
#define HB_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

typedef struct store store;

typedef struct {
    int64_t seq;
    const uint8_t *body;
    size_t len;
    const uint8_t *hash; /* 32 bytes */
} store_row;

/* Returns 0 to go on, non-zero to stop the scan (that value is returned). */
typedef int (*store_row_fn)(void *ctx, const store_row *row);

/* API tokens and the access log live beside the event log, never in it: they
 * are not facts about custody. Roles and times are plain text here (the store
 * does not know the API's roles); times are "YYYY-MM-DDThh:mm:ss.uuuuuuZ". */
typedef struct {
    int64_t id;
    char role[16];
    char name[128];
    char created_at[28], revoked_at[28]; /* revoked_at "" while the token is valid */
} store_token;

typedef struct {
    int64_t id; /* assigned by access_append */
    char at[28];
    int64_t token_id;
    char token_name[128];
    char role[16];
    char what[16];   /* "person" */
    char which[256]; /* the record's id */
} store_access;

/* The Merkle tree's stored nodes (ledger/merkle.h): perfect subtree (level,
 * index), for levels >= STORE_TREE_MIN_LEVEL only; lower ones are computed from
 * at most 2^STORE_TREE_MIN_LEVEL leaf hashes (one range read), which keeps the
 * table at 1/16 of the log's rows. Written in the same transaction as the events
 * they cover. */
#define STORE_TREE_MIN_LEVEL 4
typedef struct {
    int level;
    int64_t index;
    uint8_t hash[32];
} store_node;

/* One range of nodes of one level for tree_range: set level, from, n and out
 * (room for n hashes); tree_range sets got and bad_len. */
typedef struct {
    int level;
    int64_t from;
    size_t n;
    uint8_t (*out)[32];
    size_t got;  /* nodes stored from `from` on, without a gap */
    int bad_len; /* -1, or the length of node from + got's stored hash when that
                  * (not 32 bytes: a hand-edited file) is what ended the span */
} store_tree_span;

/* A signed tree head as stored: the checkpoint (note.h) and the figures in it. */
#define STORE_NOTE_MAX 4096
typedef struct {
    int64_t id; /* assigned by head_append, increasing */
    int64_t size;
    uint8_t root[32];
    char timestamp[28];        /* "YYYY-MM-DDThh:mm:ss.uuuuuuZ" */
    char note[STORE_NOTE_MAX]; /* the signed checkpoint, NUL-terminated */
} store_head;
typedef int (*store_head_fn)(void *ctx, const store_head *h);

typedef enum {
    STORE_OPEN = 0,   /* the ledger must exist */
    STORE_CREATE = 1, /* create a new, empty ledger; refuse if one exists */
    /* Read-only: a second connection to an existing ledger for readers that run
     * beside the writer (the API's record reads). Sees every commit made before
     * each read starts; never changes the file (no schema upgrade); begin and
     * every other write fail with HB_EINTERNAL saying it is read-only. */
    STORE_READ = 2,
} store_mode;

struct store_ops {
    int (*begin)(store *s, hb_err *err);
    int (*append)(store *s, const store_row *rows, size_t n, hb_err *err);
    int (*commit)(store *s, hb_err *err);
    int (*rollback)(store *s, hb_err *err);
    int (*size)(store *s, int64_t *last_seq, hb_err *err);
    /* Rows with from <= seq <= to (to < 0: to the end), in seq order. */
    int (*scan)(store *s, int64_t from, int64_t to, store_row_fn fn, void *ctx, hb_err *err);
    /* Small key/value settings (schema version, ledger id ...). *val is malloc'd
     * (caller frees) or NULL when absent. */
    int (*meta_get)(store *s, const char *key, char **val, hb_err *err);
    int (*meta_set)(store *s, const char *key, const char *val, hb_err *err);
    /* Tokens, found by the SHA-256 of their secret (the secret is never stored).
     * token_insert sets t->id; HB_EINPUT when a valid token already has that name. */
    int (*token_insert)(store *s, const uint8_t hash[32], store_token *t, hb_err *err);
    int (*token_by_hash)(store *s, const uint8_t hash[32], store_token *t, bool *found,
                         hb_err *err);
    /* Every token, revoked ones too, in id order: *out malloc'd (caller frees). */
    int (*token_list)(store *s, store_token **out, size_t *n, hb_err *err);
    /* Marks token id revoked at `at`; *changed false when it was already revoked
     * or does not exist. */
    int (*token_revoke)(store *s, int64_t id, const char *at, bool *changed, hb_err *err);
    /* The access log: append-only; appends a[0..n) in one transaction (the server
     * groups concurrent readers' entries) and sets each a[i].id. Written without
     * an fsync per commit (docs/storage.md), unlike the event log. */
    int (*access_append)(store *s, store_access *a, size_t n, hb_err *err);
    /* Entries with id >= from, at most limit, in id order: *out malloc'd (caller frees). */
    int (*access_list)(store *s, int64_t from, size_t limit, store_access **out, size_t *n,
                       hb_err *err);
    /* Tree nodes, inside begin/commit (with the events they cover). */
    int (*tree_put)(store *s, const store_node *nodes, size_t n, hb_err *err);
    /* *found false when the node is not stored. */
    int (*tree_get)(store *s, int level, int64_t index, uint8_t out[32], bool *found, hb_err *err);
    /* Several ranges of stored nodes in one call (verify reads every stored node
     * of a block of leaves at once): for each span, the nodes (level, from) ..
     * (level, from + n - 1) in order into out; got how many of them are stored
     * from `from` on without a gap: the first one missing, or stored with a hash
     * that is not 32 bytes (bad_len), ends the span. 0, or HB_EINTERNAL on a
     * storage failure or a span out of range. */
    int (*tree_range)(store *s, store_tree_span *spans, size_t n, hb_err *err);
    /* Leaf hashes of seqs from .. from+n-1, in order, into out; *got how many exist
     * (fewer at the end of the log). */
    int (*leaf_hashes)(store *s, int64_t from, size_t n, uint8_t (*out)[32], size_t *got,
                       hb_err *err);
    /* Signed tree heads: append-only (SQL triggers refuse UPDATE and DELETE), inside
     * begin/commit. head_append sets h->id. */
    int (*head_append)(store *s, store_head *h, hb_err *err);
    /* The head with the largest id; *found false when there is none. */
    int (*head_latest)(store *s, store_head *h, bool *found, hb_err *err);
    /* Every head in id order; fn returns non-zero to stop (returned). */
    int (*head_scan)(store *s, store_head_fn fn, void *ctx, hb_err *err);
    /* A read snapshot for a group of reads on one connection: every read between
     * read_begin and read_end sees the ledger as it was at read_begin (commits made
     * by others meanwhile are seen after read_end), and the group pays for one
     * transaction, not one per read (SQLite: file locks taken and dropped once).
     * Works on STORE_READ connections. Inside begin/commit (a write transaction)
     * both are no-ops: the write transaction already is one snapshot. A pair inside
     * another pair joins the outer snapshot (the outermost read_end ends it); begin
     * inside a snapshot fails with HB_EINTERNAL. read_end never fails: it ends the
     * snapshot and returns 0; call it once for every read_begin that returned 0,
     * on every path. Keep snapshots short: a writer's WAL cannot be checkpointed
     * past an open one. */
    int (*read_begin)(store *s, hb_err *err);
    int (*read_end)(store *s);
    void (*close)(store *s);
};

struct store {
    const struct store_ops *ops;
    char uri[512];
};

/* Opens the backend the URI names. On error *out is NULL and err says what to do
 * ("no ledger at X: run `habeas init --db X` first"). Owner calls store_close. */
int store_open(const char *uri, store_mode mode, store **out, hb_err *err);
void store_close(store *s);

static inline int store_begin(store *s, hb_err *e)
{
    return s->ops->begin(s, e);
}
static inline int store_append(store *s, const store_row *r, size_t n, hb_err *e)
{
    return s->ops->append(s, r, n, e);
}
static inline int store_commit(store *s, hb_err *e)
{
    return s->ops->commit(s, e);
}
static inline int store_rollback(store *s, hb_err *e)
{
    return s->ops->rollback(s, e);
}
static inline int store_size(store *s, int64_t *n, hb_err *e)
{
    return s->ops->size(s, n, e);
}
static inline int store_scan(store *s, int64_t from, int64_t to, store_row_fn fn, void *ctx,
                             hb_err *e)
{
    return s->ops->scan(s, from, to, fn, ctx, e);
}
static inline int store_meta_get(store *s, const char *k, char **v, hb_err *e)
{
    return s->ops->meta_get(s, k, v, e);
}
static inline int store_meta_set(store *s, const char *k, const char *v, hb_err *e)
{
    return s->ops->meta_set(s, k, v, e);
}

static inline int store_token_insert(store *s, const uint8_t h[32], store_token *t, hb_err *e)
{
    return s->ops->token_insert(s, h, t, e);
}
static inline int store_token_by_hash(store *s, const uint8_t h[32], store_token *t, bool *found,
                                      hb_err *e)
{
    return s->ops->token_by_hash(s, h, t, found, e);
}
static inline int store_token_list(store *s, store_token **out, size_t *n, hb_err *e)
{
    return s->ops->token_list(s, out, n, e);
}
static inline int store_token_revoke(store *s, int64_t id, const char *at, bool *changed, hb_err *e)
{
    return s->ops->token_revoke(s, id, at, changed, e);
}
static inline int store_access_append(store *s, store_access *a, size_t n, hb_err *e)
{
    return s->ops->access_append(s, a, n, e);
}
static inline int store_access_list(store *s, int64_t from, size_t limit, store_access **out,
                                    size_t *n, hb_err *e)
{
    return s->ops->access_list(s, from, limit, out, n, e);
}

static inline int store_tree_put(store *s, const store_node *n, size_t k, hb_err *e)
{
    return s->ops->tree_put(s, n, k, e);
}
static inline int store_tree_get(store *s, int level, int64_t index, uint8_t out[32], bool *found,
                                 hb_err *e)
{
    return s->ops->tree_get(s, level, index, out, found, e);
}
static inline int store_tree_range(store *s, store_tree_span *spans, size_t n, hb_err *e)
{
    return s->ops->tree_range(s, spans, n, e);
}
static inline int store_leaf_hashes(store *s, int64_t from, size_t n, uint8_t (*out)[32],
                                    size_t *got, hb_err *e)
{
    return s->ops->leaf_hashes(s, from, n, out, got, e);
}
static inline int store_head_append(store *s, store_head *h, hb_err *e)
{
    return s->ops->head_append(s, h, e);
}
static inline int store_head_latest(store *s, store_head *h, bool *found, hb_err *e)
{
    return s->ops->head_latest(s, h, found, e);
}
static inline int store_head_scan(store *s, store_head_fn fn, void *ctx, hb_err *e)
{
    return s->ops->head_scan(s, fn, ctx, e);
}
static inline int store_read_begin(store *s, hb_err *e)
{
    return s->ops->read_begin(s, e);
}
static inline int store_read_end(store *s)
{
    return s->ops->read_end(s);
}

/* Backend constructors (store.c dispatches on the URI). */
int store_sqlite_open(const char *path, store_mode mode, store **out, hb_err *err);
#endif
