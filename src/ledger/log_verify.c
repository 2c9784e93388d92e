/* log_verify: the stored tree and the signed heads against the leaf hashes
 * (log.h), in pieces that verify.c runs on several threads in the same pass as
 * the records, and log_verify, which runs them on one.
 *
 * Heads are read first (one per committed batch: few, but there may be
 * thousands) and checked one by one in id order for what needs no tree
 * (signature, checkpoint, origin, sizes); a copy sorted by size, plus the log's
 * own size as a last entry, drives the roots.
 *
 * RFC 9162's root of n leaves folds, right to left, the perfect subtrees named by
 * the bits of n. With blocks of 2^11 aligned leaves, the subtrees of 2^11 leaves
 * or more are block roots or above, and the smaller ones all lie in the block
 * holding seq n, where they fold into one hash, the head's part. So a block
 * hashes its own levels 1..11 once, in place, comparing the stored nodes of
 * levels >= STORE_TREE_MIN_LEVEL (one tree_range call) and taking each of its
 * heads' part as the levels go up; the top then hashes the ~n/2^11 block roots
 * up and finishes every root from them and the parts. Each leaf is hashed into
 * the tree once, as by the merkle_frontier of the single pass this replaces. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/leaf.h"
#include "ledger/log_internal.h"

/* Stored nodes inside a block: levels STORE_TREE_MIN_LEVEL .. LOG_BLOCK_LEVEL. */
#define BLOCK_SPANS (LOG_BLOCK_LEVEL - STORE_TREE_MIN_LEVEL + 1)
#define BLOCK_STORED (((size_t)2 << (LOG_BLOCK_LEVEL - STORE_TREE_MIN_LEVEL)) - 1)

typedef struct {
    int64_t id, size; /* id INT64_MAX: the log's end, not a head */
    uint8_t root[32]; /* the head's */
    uint8_t part[32]; /* the fold of its subtrees inside its block (size % LOG_BLOCK != 0) */
} head_fig;

struct log_check {
    note_vkey v;
    int64_t size, last_size; /* the log's; the last head's so far */
    head_fig *figs;          /* by size then id, the log's end last; malloc'd */
    size_t n, cap;           /* heads; figs holds n + 1 */
    int64_t nfull;           /* full blocks: size / LOG_BLOCK */
    uint8_t (*roots)[32];    /* their roots, set by log_check_block; malloc'd */
    hb_err *err;
};

void log_fail_init(log_fail *f)
{
    f->pos = INT64_MAX;
    f->kind = 0;
    f->rc = 0;
    f->err.code = 0;
    f->err.msg[0] = '\0';
}

bool log_fail_before(const log_fail *f, int64_t pos, int kind)
{
    return pos < f->pos || (pos == f->pos && kind < f->kind);
}

int log_fail_set(log_fail *f, int64_t pos, int kind, int rc, const char *fmt, ...)
{
    if (!log_fail_before(f, pos, kind)) return rc;
    f->pos = pos;
    f->kind = kind;
    f->rc = rc;
    f->err.code = rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err.msg, sizeof f->err.msg, fmt, ap);
    va_end(ap);
    return rc;
}

static int head_fail(log_check *c, const store_head *h, const char *why, const char *detail)
{
    return hb_fail(c->err, HB_ERULE, "head #%lld (size %lld): %s%s", (long long)h->id,
                   (long long)h->size, why, detail);
}

static int add_fig(log_check *c, int64_t id, int64_t size, const uint8_t root[32])
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        head_fig *p = realloc(c->figs, cap * sizeof *p);
        if (!p) return hb_fail(c->err, HB_EINTERNAL, "out of memory reading the tree heads");
        c->figs = p;
        c->cap = cap;
    }
    head_fig *f = &c->figs[c->n++];
    f->id = id;
    f->size = size;
    memcpy(f->root, root, 32);
    return 0;
}

/* Everything about one head that needs no tree; keeps its figures for later. */
static int check_head(void *ctx, const store_head *h)
{
    log_check *c = ctx;
    size_t len = strlen(h->note), text_len;
    hb_err why = {0};
    if (note_verify(&c->v, h->note, len, &text_len, &why))
        return head_fail(c, h, "its signed note does not verify with the ledger's key: ", why.msg);
    note_checkpoint cp;
    if (note_checkpoint_parse(h->note, text_len, &cp, &why))
        return head_fail(c, h, "its checkpoint does not parse: ", why.msg);
    if (strcmp(cp.origin, c->v.name) != 0)
        return head_fail(c, h, "its checkpoint names another log: ", cp.origin);
    if ((int64_t)cp.size != h->size || memcmp(cp.root, h->root, 32) != 0)
        return head_fail(c, h,
                         "its stored size or root differs from its signed checkpoint (the "
                         "heads table was altered)",
                         "");
    if (h->size > c->size) {
        char d[128];
        snprintf(d, sizeof d, " (%lld): events were removed, or the head altered",
                 (long long)c->size);
        return head_fail(c, h, "its size is over the log's", d);
    }
    if (h->size < c->last_size) {
        char d[128];
        snprintf(d, sizeof d, " (%lld): a log never shrinks, so the heads were altered",
                 (long long)c->last_size);
        return head_fail(c, h, "its size is below the previous head's", d);
    }
    c->last_size = h->size;
    return add_fig(c, h->id, h->size, h->root);
}

static int by_size(const void *a, const void *b)
{
    const head_fig *x = a, *y = b;
    if (x->size != y->size) return x->size < y->size ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int read_heads(store *st, log_check *c)
{
    int rc = log_vkey(st, &c->v, c->err);
    if (!rc) rc = store_size(st, &c->size, c->err);
    if (!rc) rc = store_head_scan(st, check_head, c, c->err);
    if (!rc && c->last_size < c->size)
        rc = hb_fail(c->err, HB_ERULE,
                     "seqs %lld..%lld are under no signed head (the newest covers %lld events): "
                     "they were stored outside habeas",
                     (long long)c->last_size + 1, (long long)c->size, (long long)c->last_size);
    return rc;
}

int log_check_open(store *st, log_check **out, int64_t *size, int64_t *heads, hb_err *err)
{
    *out = NULL;
    *size = *heads = 0;
    log_check *c = calloc(1, sizeof *c); /* freed by log_check_free */
    if (!c) return hb_fail(err, HB_EINTERNAL, "out of memory");
    c->err = err;
    /* One snapshot: the heads and the size are of one state of the ledger. */
    int rc = store_read_begin(st, err);
    if (rc) {
        free(c);
        return rc;
    }
    rc = read_heads(st, c);
    store_read_end(st);
    uint8_t none[32] = {0};
    if (!rc) rc = add_fig(c, INT64_MAX, c->size, none);
    if (!rc) {
        c->n--; /* the log's end is no head */
        qsort(c->figs, c->n + 1, sizeof *c->figs, by_size);
        c->nfull = c->size / LOG_BLOCK;
        if (c->nfull && !(c->roots = malloc((size_t)c->nfull * sizeof *c->roots)))
            rc = hb_fail(err, HB_EINTERNAL, "out of memory for %lld block roots",
                         (long long)c->nfull);
    }
    c->err = NULL;
    if (rc) {
        log_check_free(c);
        return rc;
    }
    *out = c;
    *size = c->size;
    *heads = (int64_t)c->n;
    return 0;
}

void log_check_free(log_check *c)
{
    if (!c) return;
    free(c->figs);
    free(c->roots);
    free(c);
}

/* The first fig whose size is over `size`. */
static size_t figs_after(const log_check *c, int64_t size)
{
    size_t lo = 0, hi = c->n + 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->figs[mid].size <= size)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Folds level `level` of a subtree walk into *part: the node of that level named
 * by bit `level` of r (a size counted from the walk's start), when it is set.
 * nodes are that level's hashes from the start. Bits are taken lowest first, so
 * the fold runs right to left as RFC 9162 wants. */
static void fold_level(uint8_t part[32], int64_t r, int level, const uint8_t (*nodes)[32])
{
    if (!((r >> level) & 1)) return;
    const uint8_t *node = nodes[(r >> (level + 1)) << 1];
    if (level == __builtin_ctzll((unsigned long long)r))
        memcpy(part, node, 32);
    else
        merkle_node(node, part, part);
}

/* Notes the first node of span sp whose stored form differs from have[], if any. */
static void compare_span(const store_tree_span *sp, const uint8_t (*have)[32], log_fail *f)
{
    size_t i = 0;
    while (i < sp->got && memcmp(sp->out[i], have[i], 32) == 0)
        i++;
    if (i == sp->n) return;
    int64_t index = sp->from + (int64_t)i;
    long long first = (long long)(index << sp->level) + 1;
    char why[96];
    if (i < sp->got)
        snprintf(why, sizeof why, "the stored hash differs from the one the events give");
    else if (sp->bad_len >= 0)
        snprintf(why, sizeof why, "the stored hash has %d bytes, not 32", sp->bad_len);
    else
        snprintf(why, sizeof why, "it is not stored");
    log_fail_set(f, (index + 1) << sp->level, 1 + sp->level, HB_ERULE,
                 "the Merkle tree node covering seqs %lld..%lld does not match the events "
                 "(level %d, index %lld: %s)",
                 first, first + (1ll << sp->level) - 1, sp->level, (long long)index, why);
}

/* nodes[j] = the parent of nodes[2j] and nodes[2j + 1], for j < pairs: one
 * level up, in place. On hb the level is one batch (hash_batch copies each
 * message as it is queued, so no parent overwrites a child before it is read). */
static void level_up(hash_batch *hb, uint8_t (*nodes)[32], size_t pairs)
{
    size_t j = 0;
    for (; hb && j < pairs; j++) {
        uint8_t *p = hash_batch_slot(hb, 1 + 2 * MERKLE_HASH, nodes[j]);
        if (!p) break; /* out of memory: the rest one at a time */
        p[0] = 0x01;   /* RFC 9162 2.1.1: an inner node, as merkle_node */
        memcpy(p + 1, nodes[2 * j], 2 * MERKLE_HASH);
    }
    /* The queued parents first: each lands at an index below every child left
     * to read, as in merkle_node's pass in place. */
    if (hb) hash_batch_run(hb);
    for (; j < pairs; j++)
        merkle_node(nodes[2 * j], nodes[2 * j + 1], nodes[j]);
}

int log_check_block(log_check *c, store *st, int64_t k, uint8_t (*leaves)[32], size_t m,
                    hash_batch *hb, log_fail *f)
{
    int64_t base = k * LOG_BLOCK; /* leaves before the block */
    uint8_t stored[BLOCK_STORED][32];
    store_tree_span sp[BLOCK_SPANS];
    size_t ns = 0, used = 0;
    for (int level = STORE_TREE_MIN_LEVEL; level <= LOG_BLOCK_LEVEL && m >> level; level++) {
        sp[ns] = (store_tree_span){
            .level = level, .from = base >> level, .n = m >> level, .out = stored + used};
        used += m >> level;
        ns++;
    }
    hb_err e = {0};
    if (store_tree_range(st, sp, ns, &e))
        return log_fail_set(f, base + 1, LOG_FAIL_STORAGE, HB_EINTERNAL, "%s", e.msg);
    /* The heads whose part lies here: sizes base + 1 .. base + m, not ending a block. */
    size_t h0 = figs_after(c, base), h1 = figs_after(c, base + (int64_t)m);
    for (int level = 0, s = 0;; level++) {
        size_t count = m >> level;
        for (size_t h = h0; h < h1; h++)
            if (c->figs[h].size % LOG_BLOCK)
                fold_level(c->figs[h].part, c->figs[h].size - base, level,
                           (const uint8_t(*)[32])leaves);
        if (level >= STORE_TREE_MIN_LEVEL && count)
            compare_span(&sp[s++], (const uint8_t(*)[32])leaves, f);
        if (level == LOG_BLOCK_LEVEL || count < 2) break;
        level_up(hb, leaves, count / 2);
    }
    if (m == (size_t)LOG_BLOCK) memcpy(c->roots[k], leaves[0], 32);
    return f->pos == INT64_MAX ? 0 : f->rc;
}

/* The tree from the blocks up: level[j] holds the nodes of level
 * LOG_BLOCK_LEVEL + j (level[0] the block roots). */
typedef struct {
    const uint8_t (*level[MERKLE_MAX_DEPTH])[32];
} top_tree;

/* The root of the first `size` leaves, from the top tree and the fig's part. */
static void fig_root(const top_tree *t, const head_fig *h, uint8_t out[32])
{
    int64_t q = h->size / LOG_BLOCK, r = h->size % LOG_BLOCK;
    if (h->size == 0) {
        merkle_empty_root(out);
        return;
    }
    bool have = r != 0;
    if (have) memcpy(out, h->part, 32);
    for (int j = 0; q >> j; j++) {
        if (!((q >> j) & 1)) continue;
        const uint8_t *node = t->level[j][(q >> (j + 1)) << 1];
        if (have)
            merkle_node(node, out, out);
        else
            memcpy(out, node, 32);
        have = true;
    }
}

static int check_roots(const log_check *c, const top_tree *t, int64_t limit, log_fail *f,
                       uint8_t root[32])
{
    for (size_t i = 0; i < c->n + 1 && c->figs[i].size < limit; i++) {
        const head_fig *h = &c->figs[i];
        uint8_t want[32];
        fig_root(t, h, want);
        if (i == c->n) {
            memcpy(root, want, 32);
            break;
        }
        if (memcmp(h->root, want, 32) == 0) continue;
        char w[65], got[65];
        hex32(want, w);
        hex32(h->root, got);
        return log_fail_set(f, h->size, LOG_FAIL_HEAD, HB_ERULE,
                            "head #%lld (size %lld): its root %s is not the root of the first "
                            "%lld events (%s): the head or the events were altered",
                            (long long)h->id, (long long)h->size, got, (long long)h->size, w);
    }
    return 0;
}

int log_check_top(log_check *c, store *st, int64_t limit, log_fail *f, uint8_t root[32])
{
    int64_t k = (limit - 1) / LOG_BLOCK; /* full blocks known good */
    if (k > c->nfull) k = c->nfull;
    top_tree t = {.level[0] = (const uint8_t(*)[32])c->roots};
    /* Levels above the blocks: fewer than k nodes in all. */
    uint8_t(*up)[32] = NULL;     /* freed below */
    uint8_t(*stored)[32] = NULL; /* freed below */
    store_tree_span sp[MERKLE_MAX_DEPTH];
    size_t ns = 0;
    if (k >= 2 && (!(up = malloc((size_t)k * sizeof *up)) ||
                   !(stored = malloc((size_t)k * sizeof *stored)))) {
        free(up);
        return log_fail_set(f, 1, LOG_FAIL_STORAGE, HB_EINTERNAL,
                            "out of memory for the Merkle tree above %lld blocks", (long long)k);
    }
    size_t used = 0;
    for (int j = 1; k >> j; j++) {
        uint8_t(*lv)[32] = up + used;
        const uint8_t(*below)[32] = t.level[j - 1];
        for (int64_t i = 0; i < k >> j; i++)
            merkle_node(below[2 * i], below[2 * i + 1], lv[i]);
        t.level[j] = (const uint8_t(*)[32])lv;
        sp[ns++] = (store_tree_span){
            .level = LOG_BLOCK_LEVEL + j, .from = 0, .n = (size_t)(k >> j), .out = stored + used};
        used += (size_t)(k >> j);
    }
    hb_err e = {0};
    int rc = store_tree_range(st, sp, ns, &e);
    if (rc) {
        log_fail_set(f, 1, LOG_FAIL_STORAGE, rc, "%s", e.msg);
    } else {
        for (size_t s = 0; s < ns; s++)
            compare_span(&sp[s], t.level[s + 1], f);
        check_roots(c, &t, limit, f, root);
    }
    free(up);
    free(stored);
    return f->pos == INT64_MAX ? 0 : f->rc;
}

/* The leaves block by block through st alone; the first failure in f. */
static void check_blocks(log_check *c, store *st, int64_t size, uint8_t (*leaves)[32], log_fail *f)
{
    for (int64_t k = 0; k * LOG_BLOCK < size && f->pos == INT64_MAX; k++) {
        int64_t from = k * LOG_BLOCK + 1;
        size_t want = (size_t)(size - from + 1 < LOG_BLOCK ? size - from + 1 : LOG_BLOCK), got = 0;
        hb_err e = {0};
        int rc = store_leaf_hashes(st, from, want, leaves, &got, &e);
        if (rc)
            log_fail_set(f, from + (int64_t)got,
                         rc == HB_ERULE ? LOG_FAIL_RECORD : LOG_FAIL_STORAGE, rc, "%s", e.msg);
        else if (got < want)
            log_fail_set(f, from + (int64_t)got, LOG_FAIL_RECORD, HB_ERULE,
                         "seq %lld: missing from the log, which holds %lld",
                         (long long)(from + (int64_t)got), (long long)size);
        log_check_block(c, st, k, leaves, got, NULL, f);
    }
}

/* One read snapshot for the whole pass: the heads, the size and every node and
 * leaf are of one state of the ledger (a writer may append meanwhile). */
int log_verify(store *st, int64_t *heads, uint8_t root[32], hb_err *err)
{
    *heads = 0;
    int rc = store_read_begin(st, err);
    if (rc) return rc;
    log_check *c = NULL; /* freed below */
    int64_t size = 0, n = 0;
    uint8_t(*leaves)[32] = NULL; /* one block's: freed below */
    rc = log_check_open(st, &c, &size, &n, err);
    if (!rc && !(leaves = malloc(LOG_BLOCK * sizeof *leaves)))
        rc = hb_fail(err, HB_EINTERNAL, "out of memory");
    if (!rc) {
        log_fail f;
        log_fail_init(&f);
        check_blocks(c, st, size, leaves, &f);
        log_check_top(c, st, f.pos == INT64_MAX ? size + 1 : f.pos, &f, root);
        if (f.pos != INT64_MAX) {
            *err = f.err;
            rc = f.rc;
        }
    }
    if (!rc) *heads = n;
    free(leaves);
    log_check_free(c);
    store_read_end(st);
    return rc;
}
