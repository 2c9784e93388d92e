/* log: the read side of the transparency log (log.h): key path, verifier key,
 * heads, roots and proofs, over any connection to the ledger's database.
 *
 * The tree is read through log_reader: perfect subtrees of level >=
 * STORE_TREE_MIN_LEVEL are stored nodes; lower ones span at most one block of 16
 * leaves and are hashed up from one leaf_hashes read, so a proof costs O(log n)
 * point reads plus at most two block reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/log_internal.h"

#define BLOCK ((int64_t)1 << STORE_TREE_MIN_LEVEL)

void log_key_path(const char *uri, char *out, size_t n)
{
    const char *env = getenv("HABEAS_KEY_FILE");
    if (env && *env)
        snprintf(out, n, "%s", env);
    else
        snprintf(out, n, "%s.key", uri);
}

int log_vkey(store *st, note_vkey *out, hb_err *err)
{
    char *vkey = NULL, *origin = NULL; /* malloc'd by the store: freed below */
    int rc = store_meta_get(st, "vkey", &vkey, err);
    if (!rc) rc = store_meta_get(st, "origin", &origin, err);
    if (!rc && (!vkey || !origin))
        rc = hb_fail(err, HB_EINPUT,
                     "%s has no verifier key: it was written before signed tree heads existed "
                     "and has not been opened for writing since (open it once for writing, "
                     "e.g. with `habeas import`, to give it a key and its first signed head)",
                     st->uri);
    if (!rc) {
        hb_err why = {0};
        if (note_vkey_parse(vkey, strlen(vkey), out, &why))
            rc = hb_fail(err, HB_EINPUT,
                         "%s: the verifier key in its meta table does not parse: %s (the file "
                         "was altered outside habeas)",
                         st->uri, why.msg);
        else if (strcmp(out->name, origin) != 0)
            rc = hb_fail(err, HB_EINPUT,
                         "%s: the verifier key is named \"%s\" but the log's origin is \"%s\" "
                         "(the file was altered outside habeas)",
                         st->uri, out->name, origin);
    }
    free(vkey);
    free(origin);
    return rc;
}

/* log_head inside the caller's snapshot. */
static int head_in(store *st, store_head *out, hb_err *err)
{
    bool found;
    int rc = store_head_latest(st, out, &found, err);
    if (rc) return rc;
    if (!found)
        return hb_fail(err, HB_EINPUT,
                       "%s has no signed tree head: it was written before signed heads existed "
                       "(open it once for writing, e.g. with `habeas import`, to sign one)",
                       st->uri);
    return 0;
}

int log_head(store *st, store_head *out, hb_err *err)
{
    int rc = store_read_begin(st, err);
    if (rc) return rc;
    rc = head_in(st, out, err);
    store_read_end(st);
    return rc;
}

int log_size(store *st, int64_t *out, hb_err *err)
{
    return store_size(st, out, err);
}

/* The cached block holds at least the leaves [from, from + n) (seqs). */
static int read_block(log_reader_ctx *c, int64_t from, size_t n)
{
    int64_t start = (from - 1) / BLOCK * BLOCK + 1;
    if (c->block_from == start && from + (int64_t)n <= start + (int64_t)c->block_n) return 0;
    c->block_from = 0;
    size_t got;
    int rc = store_leaf_hashes(c->st, start, (size_t)BLOCK, c->block, &got, c->err);
    if (rc) return rc;
    c->block_from = start;
    c->block_n = got;
    if (from + (int64_t)n <= start + (int64_t)got) return 0;
    return hb_fail(c->err, HB_EINTERNAL,
                   "%s: the Merkle tree needs the leaves of seqs %lld..%lld but the log ends at "
                   "seq %lld",
                   c->st->uri, (long long)from, (long long)(from + (int64_t)n - 1),
                   (long long)(start + (int64_t)got - 1));
}

static int reader_node(void *ctx, int level, uint64_t index, uint8_t out[MERKLE_HASH])
{
    log_reader_ctx *c = ctx;
    int64_t first = (int64_t)(index << level) + 1; /* seq of its first leaf */
    if (level >= STORE_TREE_MIN_LEVEL) {
        bool found;
        int rc = store_tree_get(c->st, level, (int64_t)index, out, &found, c->err);
        if (rc) return rc;
        if (found) return 0;
        return hb_fail(c->err, HB_EINTERNAL,
                       "%s: the Merkle tree node (level %d, index %llu) covering seqs "
                       "%lld..%lld is not stored (the file was damaged or altered outside "
                       "habeas: run `habeas verify`)",
                       c->st->uri, level, (unsigned long long)index, (long long)first,
                       (long long)(first + ((int64_t)1 << level) - 1));
    }
    size_t n = (size_t)1 << level;
    int rc = read_block(c, first, n);
    if (rc) return rc;
    uint8_t h[1 << STORE_TREE_MIN_LEVEL][32];
    memcpy(h, c->block[first - c->block_from], n * 32);
    for (; n > 1; n /= 2)
        for (size_t i = 0; i < n / 2; i++)
            merkle_node(h[2 * i], h[2 * i + 1], h[i]);
    memcpy(out, h[0], 32);
    return 0;
}

void log_reader_init(log_reader_ctx *c, store *st, hb_err *err, merkle_reader *out)
{
    c->st = st;
    c->err = err;
    c->block_from = 0;
    c->block_n = 0;
    out->ctx = c;
    out->node = reader_node;
}

/* The reader of one root or proof: a log_reader that remembers the last two
 * nodes it gave at each level >= 1, and the last two blocks of leaves. A root
 * reads the right edge of the tree (one node per set bit of the size) and the
 * proof after it reads the same nodes again for its right-hand siblings; a
 * consistency proof reads the edges of both sizes. Without the node memo, each
 * low stored node on the edge the shared node cache does not hold would be read
 * from SQLite twice, and each node under level 4 hashed up from its leaves
 * twice. An inclusion proof needs two blocks, its leaf's and the one at the right
 * edge, in the order leaf, edge, leaf, edge: with one block kept (log_reader),
 * that is four range reads of the events table (~16 us each at 10M events), with
 * two it is two. */
typedef struct {
    log_reader_ctx base;
    uint64_t used[2]; /* bit L of used[w]: slot w of level L holds a node */
    struct {
        uint64_t index;
        uint8_t h[MERKLE_HASH];
    } slot[MERKLE_MAX_DEPTH][2];
    uint64_t next; /* bit L: the slot of level L the next new node takes */
    /* The block base held before its last one (spare_from 0: none). */
    int64_t spare_from;
    size_t spare_n;
    uint8_t spare[1 << STORE_TREE_MIN_LEVEL][32];
} proof_reader;

/* Swaps the block base holds with the spare one. */
static void swap_blocks(proof_reader *p)
{
    uint8_t tmp[1 << STORE_TREE_MIN_LEVEL][32];
    memcpy(tmp, p->spare, sizeof tmp);
    memcpy(p->spare, p->base.block, sizeof tmp);
    memcpy(p->base.block, tmp, sizeof tmp);
    int64_t from = p->spare_from;
    size_t n = p->spare_n;
    p->spare_from = p->base.block_from;
    p->spare_n = p->base.block_n;
    p->base.block_from = from;
    p->base.block_n = n;
}

/* A node under level 4 through reader_node, with the block it needs in base:
 * the spare swapped in when it holds it. When neither holds it, the swap has put
 * the older block in base, where reader_node reads the new one over it. */
static int low_node(proof_reader *p, int level, uint64_t index, uint8_t out[MERKLE_HASH])
{
    int64_t start = (int64_t)(index << level) / BLOCK * BLOCK + 1;
    if (p->base.block_from != start) swap_blocks(p);
    return reader_node(&p->base, level, index, out);
}

static int proof_node(void *ctx, int level, uint64_t index, uint8_t out[MERKLE_HASH])
{
    proof_reader *p = ctx;
    if (level == 0) return low_node(p, level, index, out); /* a copy */
    uint64_t bit = (uint64_t)1 << level;
    for (int w = 0; w < 2; w++)
        if ((p->used[w] & bit) && p->slot[level][w].index == index) {
            memcpy(out, p->slot[level][w].h, MERKLE_HASH);
            return 0;
        }
    int rc = level < STORE_TREE_MIN_LEVEL ? low_node(p, level, index, out)
                                          : reader_node(&p->base, level, index, out);
    if (rc) return rc;
    int w = (p->next & bit) != 0;
    p->next ^= bit;
    p->used[w] |= bit;
    p->slot[level][w].index = index;
    memcpy(p->slot[level][w].h, out, MERKLE_HASH);
    return 0;
}

static void proof_reader_init(proof_reader *p, store *st, hb_err *err, merkle_reader *out)
{
    log_reader_init(&p->base, st, err, out);
    p->used[0] = p->used[1] = p->next = 0;
    p->spare_from = 0;
    p->spare_n = 0;
    out->ctx = p;
    out->node = proof_node;
}

/* 0 when 1 <= lo <= hi <= the log's size; else HB_EINPUT, err saying `what` (a
 * sentence naming lo and hi) cannot be done and why. */
static int check_range(store *st, const char *what, int64_t lo, int64_t hi, hb_err *err)
{
    int64_t n;
    int rc = store_size(st, &n, err);
    if (rc) return rc;
    if (lo >= 1 && lo <= hi && hi <= n) return 0;
    return hb_fail(err, HB_EINPUT, "%s: %s (the log holds %lld leaves)", what,
                   lo < 1    ? "the first must be at least 1"
                   : lo > hi ? "the first is over the second"
                             : "the second is over the log's size",
                   (long long)n);
}

/* The public reads below each run as one read snapshot (store_read_begin): one
 * transaction instead of one per store read, which is most of a proof's cost,
 * and figures (size, nodes, head) that agree with each other. The *_in bodies
 * run inside it and may return anywhere. */

static int root_in(store *st, int64_t size, uint8_t out[32], hb_err *err)
{
    int64_t n;
    int rc = store_size(st, &n, err);
    if (rc) return rc;
    if (size < 0 || size > n)
        return hb_fail(err, HB_EINPUT,
                       "no tree of size %lld: the log holds %lld leaves (ask for 0..%lld)",
                       (long long)size, (long long)n, (long long)n);
    proof_reader c;
    merkle_reader r;
    proof_reader_init(&c, st, err, &r);
    return merkle_root(&r, (uint64_t)size, out);
}

int log_root(store *st, int64_t size, uint8_t out[32], hb_err *err)
{
    int rc = store_read_begin(st, err);
    if (rc) return rc;
    rc = root_in(st, size, out, err);
    store_read_end(st);
    return rc;
}

static int prove_in(store *st, int64_t seq, int64_t size, log_inclusion *out, hb_err *err)
{
    int rc;
    if (size == 0) {
        /* Big (a 4 KiB note): on the heap. Freed below. */
        store_head *h = malloc(sizeof *h);
        if (!h) return hb_fail(err, HB_EINTERNAL, "out of memory");
        rc = head_in(st, h, err);
        size = h->size;
        free(h);
        if (rc) return rc;
    }
    char what[96];
    snprintf(what, sizeof what, "no inclusion proof of seq %lld in the tree of size %lld",
             (long long)seq, (long long)size);
    if ((rc = check_range(st, what, seq, size, err))) return rc;
    proof_reader c;
    merkle_reader r;
    proof_reader_init(&c, st, err, &r);
    out->seq = seq;
    out->size = size;
    if ((rc = proof_node(&c, 0, (uint64_t)(seq - 1), out->leaf))) return rc;
    if ((rc = merkle_root(&r, (uint64_t)size, out->root))) return rc;
    if ((rc = merkle_inclusion(&r, (uint64_t)(seq - 1), (uint64_t)size, &out->proof)) < 0)
        return hb_fail(err, HB_EINTERNAL, "%s: %s: refused by the Merkle code", st->uri, what);
    return rc;
}

int log_prove(store *st, int64_t seq, int64_t size, log_inclusion *out, hb_err *err)
{
    int rc = store_read_begin(st, err);
    if (rc) return rc;
    rc = prove_in(st, seq, size, out, err);
    store_read_end(st);
    return rc;
}

static int consistent_in(store *st, int64_t first, int64_t second, log_consistency *out,
                         hb_err *err)
{
    char what[96];
    snprintf(what, sizeof what, "no consistency proof from size %lld to size %lld",
             (long long)first, (long long)second);
    int rc = check_range(st, what, first, second, err);
    if (rc) return rc;
    proof_reader c;
    merkle_reader r;
    proof_reader_init(&c, st, err, &r);
    out->first = first;
    out->second = second;
    if ((rc = merkle_root(&r, (uint64_t)first, out->first_root))) return rc;
    if ((rc = merkle_root(&r, (uint64_t)second, out->second_root))) return rc;
    if ((rc = merkle_consistency(&r, (uint64_t)first, (uint64_t)second, &out->proof)) < 0)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: consistency from %lld to %lld: refused by the Merkle code", st->uri,
                       (long long)first, (long long)second);
    return rc;
}

int log_consistent(store *st, int64_t first, int64_t second, log_consistency *out, hb_err *err)
{
    int rc = store_read_begin(st, err);
    if (rc) return rc;
    rc = consistent_in(st, first, second, out, err);
    store_read_end(st);
    return rc;
}
