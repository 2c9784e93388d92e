/* log_verify: the stored tree and the signed heads against the events (log.h).
 *
 * One pass over the leaf hashes in seq order through a merkle_frontier: each
 * perfect subtree it completes at a stored level is compared with the stored
 * node, and each head's root with the frontier's root as the pass reaches the
 * head's size. Heads are read first (there are few: one per batch) and checked
 * one by one in id order for what needs no tree (signature, checkpoint, origin,
 * sizes); a copy sorted by size drives the root comparisons, since sizes are only
 * known to never go down once the first check has passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/leaf.h"
#include "ledger/log_internal.h"

#define READ_LEAVES 4096

typedef struct {
    int64_t id, size;
    uint8_t root[32];
} head_fig;

typedef struct {
    store *st;
    const note_vkey *v;
    int64_t log_size, last_size;
    head_fig *heads; /* malloc'd, freed by log_verify */
    size_t n, cap;
    hb_err *err;
} heads_ctx;

static int head_fail(heads_ctx *c, const store_head *h, const char *why, const char *detail)
{
    return hb_fail(c->err, HB_ERULE, "head #%lld (size %lld): %s%s", (long long)h->id,
                   (long long)h->size, why, detail);
}

/* Everything about one head that needs no tree; keeps its figures for later. */
static int check_head(void *ctx, const store_head *h)
{
    heads_ctx *c = ctx;
    size_t len = strlen(h->note), text_len;
    hb_err why = {0};
    if (note_verify(c->v, h->note, len, &text_len, &why))
        return head_fail(c, h, "its signed note does not verify with the ledger's key: ", why.msg);
    note_checkpoint cp;
    if (note_checkpoint_parse(h->note, text_len, &cp, &why))
        return head_fail(c, h, "its checkpoint does not parse: ", why.msg);
    if (strcmp(cp.origin, c->v->name) != 0)
        return head_fail(c, h, "its checkpoint names another log: ", cp.origin);
    if ((int64_t)cp.size != h->size || memcmp(cp.root, h->root, 32) != 0)
        return head_fail(c, h,
                         "its stored size or root differs from its signed checkpoint (the "
                         "heads table was altered)",
                         "");
    if (h->size > c->log_size) {
        char d[128];
        snprintf(d, sizeof d, " (%lld): events were removed, or the head altered",
                 (long long)c->log_size);
        return head_fail(c, h, "its size is over the log's", d);
    }
    if (h->size < c->last_size) {
        char d[128];
        snprintf(d, sizeof d, " (%lld): a log never shrinks, so the heads were altered",
                 (long long)c->last_size);
        return head_fail(c, h, "its size is below the previous head's", d);
    }
    c->last_size = h->size;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        head_fig *p = realloc(c->heads, cap * sizeof *p);
        if (!p) return hb_fail(c->err, HB_EINTERNAL, "out of memory reading the tree heads");
        c->heads = p;
        c->cap = cap;
    }
    head_fig *f = &c->heads[c->n++];
    f->id = h->id;
    f->size = h->size;
    memcpy(f->root, h->root, 32);
    return 0;
}

static int by_size(const void *a, const void *b)
{
    const head_fig *x = a, *y = b;
    if (x->size != y->size) return x->size < y->size ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Compares every head of size f->size (the next ones in sorted order). */
static int check_roots(heads_ctx *c, size_t *next, const merkle_frontier *f)
{
    if (*next >= c->n || c->heads[*next].size != (int64_t)f->size) return 0;
    uint8_t root[32];
    merkle_frontier_root(f, root);
    for (; *next < c->n && c->heads[*next].size == (int64_t)f->size; ++*next) {
        const head_fig *h = &c->heads[*next];
        if (memcmp(h->root, root, 32) == 0) continue;
        char want[65], got[65];
        hex32(root, want);
        hex32(h->root, got);
        return hb_fail(c->err, HB_ERULE,
                       "head #%lld (size %lld): its root %s is not the root of the first "
                       "%lld events (%s): the head or the events were altered",
                       (long long)h->id, (long long)h->size, got, (long long)h->size, want);
    }
    return 0;
}

typedef struct {
    store *st;
    hb_err *err;
} node_ctx;

static int check_node(void *ctx, int level, uint64_t index, const uint8_t h[MERKLE_HASH])
{
    if (level < STORE_TREE_MIN_LEVEL) return 0;
    node_ctx *c = ctx;
    uint8_t have[32];
    bool found;
    int rc = store_tree_get(c->st, level, (int64_t)index, have, &found, c->err);
    if (rc) return rc;
    if (found && memcmp(have, h, 32) == 0) return 0;
    long long first = (long long)(index << level) + 1;
    return hb_fail(c->err, HB_ERULE,
                   "the Merkle tree node covering seqs %lld..%lld does not match the events "
                   "(level %d, index %llu: %s)",
                   first, first + (1ll << level) - 1, level, (unsigned long long)index,
                   found ? "the stored hash differs from the one the events give"
                         : "it is not stored");
}

/* The pass over the leaves; leaves is a scratch block of READ_LEAVES. */
static int stream(heads_ctx *c, uint8_t (*leaves)[32], uint8_t root[32])
{
    merkle_frontier f;
    merkle_frontier_init(&f);
    size_t next = 0;
    int rc = check_roots(c, &next, &f);
    node_ctx nc = {c->st, c->err};
    for (int64_t from = 1; !rc && from <= c->log_size; from += READ_LEAVES) {
        size_t got;
        if ((rc = store_leaf_hashes(c->st, from, READ_LEAVES, leaves, &got, c->err))) break;
        size_t want = (size_t)(c->log_size - from + 1);
        if (want > READ_LEAVES) want = READ_LEAVES;
        if (got < want)
            return hb_fail(c->err, HB_ERULE, "seq %lld: missing from the log, which holds %lld",
                           (long long)(from + (int64_t)got), (long long)c->log_size);
        for (size_t i = 0; !rc && i < got; i++) {
            rc = merkle_frontier_push(&f, leaves[i], check_node, &nc);
            if (!rc) rc = check_roots(c, &next, &f);
        }
    }
    if (!rc) merkle_frontier_root(&f, root);
    return rc;
}

static int verify_in(store *st, int64_t *heads, uint8_t root[32], hb_err *err)
{
    note_vkey v;
    int rc = log_vkey(st, &v, err);
    if (rc) return rc;
    heads_ctx c = {.st = st, .v = &v, .err = err};
    if ((rc = store_size(st, &c.log_size, err))) return rc;
    rc = store_head_scan(st, check_head, &c, err);
    uint8_t(*leaves)[32] = NULL; /* the read block: freed below */
    if (!rc && !(leaves = malloc(READ_LEAVES * sizeof *leaves)))
        rc = hb_fail(err, HB_EINTERNAL, "out of memory");
    if (!rc && c.last_size < c.log_size)
        rc = hb_fail(err, HB_ERULE,
                     "seqs %lld..%lld are under no signed head (the newest covers %lld events): "
                     "they were stored outside habeas",
                     (long long)c.last_size + 1, (long long)c.log_size, (long long)c.last_size);
    if (!rc) {
        if (c.n) qsort(c.heads, c.n, sizeof *c.heads, by_size);
        rc = stream(&c, leaves, root);
    }
    if (!rc) *heads = (int64_t)c.n;
    free(leaves);
    free(c.heads);
    return rc;
}

/* One read snapshot for the whole pass: the heads, the size and every node and
 * leaf are of one state of the ledger (a writer may append meanwhile), and the
 * ~n/8 node reads share one transaction instead of taking the file locks each. */
int log_verify(store *st, int64_t *heads, uint8_t root[32], hb_err *err)
{
    *heads = 0;
    int rc = store_read_begin(st, err);
    if (rc) return rc;
    rc = verify_in(st, heads, root, err);
    store_read_end(st);
    return rc;
}
