/* merkle: RFC 9162 tree hashing, proofs and the append frontier (contract in
 * merkle.h).
 *
 * A subtree met by the RFC's recursion over [0, size) always starts at a multiple
 * of the smallest power of two >= its width, so its hash is the fold, right to
 * left, of the perfect subtrees named by the bits of its width: popcount(width)
 * reads, none shared with another subtree of the same proof. That is why no memo
 * is needed to read each node at most once per call.
 *
 * Hashing uses libcrypto's SHA256_Init/Update/Final on a context on the stack:
 * merkle_node runs once per appended leaf and its contract has no error return.
 * In OpenSSL 3.0 every EVP_DigestInit_ex2 frees and reallocates the provider's
 * context (one malloc per hash, measured with valgrind) and can fail, and SHA256()
 * fetches the algorithm on each call; these functions are deprecated since 3.0
 * but present in every 3.x, allocate nothing, cannot fail, and are the fastest
 * (SHA-NI assembly where the CPU has it). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "ledger/merkle.h"
#include <openssl/sha.h>
#include <string.h>

void merkle_empty_root(uint8_t out[MERKLE_HASH])
{
    /* SHA-256 of zero bytes, a constant: no reason to hash it on every call. */
    static const uint8_t empty[MERKLE_HASH] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
                                               0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
                                               0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
                                               0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
    memcpy(out, empty, MERKLE_HASH);
}

void merkle_node(const uint8_t l[MERKLE_HASH], const uint8_t r[MERKLE_HASH],
                 uint8_t out[MERKLE_HASH])
{
    /* One update of the whole input; out may be l or r (the folds below hash in
     * place): both are read before out is written. */
    uint8_t in[1 + 2 * MERKLE_HASH];
    in[0] = 0x01; /* RFC 9162 2.1.1: an inner node, never confused with a leaf */
    memcpy(in + 1, l, MERKLE_HASH);
    memcpy(in + 1 + MERKLE_HASH, r, MERKLE_HASH);
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, in, sizeof in);
    SHA256_Final(out, &c);
}

/* Largest power of two strictly below w (w >= 2): where RFC 9162 splits. */
static uint64_t split(uint64_t w)
{
    return (uint64_t)1 << (63 - __builtin_clzll(w - 1));
}

/* MTH of leaves [lo, lo + w), w >= 1, lo aligned as said at the top. */
static int range_hash(const merkle_reader *r, uint64_t lo, uint64_t w, uint8_t out[MERKLE_HASH])
{
    uint64_t end = lo + w;
    uint8_t piece[MERKLE_HASH];
    for (int first = 1; w; w &= w - 1, first = 0) {
        int level = __builtin_ctzll(w);
        end -= (uint64_t)1 << level;
        int rc = r->node(r->ctx, level, end >> level, first ? out : piece);
        if (rc) return rc;
        if (!first) merkle_node(piece, out, out);
    }
    return 0;
}

int merkle_root(const merkle_reader *r, uint64_t size, uint8_t out[MERKLE_HASH])
{
    if (size == 0) {
        merkle_empty_root(out);
        return 0;
    }
    return range_hash(r, 0, size, out);
}

static void reverse(merkle_proof *p)
{
    uint8_t t[MERKLE_HASH];
    for (size_t i = 0, j = p->n; i + 1 < j; i++, j--) {
        memcpy(t, p->h[i], MERKLE_HASH);
        memcpy(p->h[i], p->h[j - 1], MERKLE_HASH);
        memcpy(p->h[j - 1], t, MERKLE_HASH);
    }
}

int merkle_inclusion(const merkle_reader *r, uint64_t index, uint64_t size, merkle_proof *out)
{
    if (index >= size) return -1;
    /* Walks down from the root, so siblings come root-first; the RFC wants them
     * leaf-first. At most ceil(log2 size) <= 64 of them. */
    uint64_t lo = 0, w = size;
    out->n = 0;
    while (w > 1) {
        uint64_t k = split(w);
        int rc;
        if (index - lo < k) {
            rc = range_hash(r, lo + k, w - k, out->h[out->n]);
            w = k;
        } else {
            rc = range_hash(r, lo, k, out->h[out->n]);
            lo += k;
            w -= k;
        }
        if (rc) {
            out->n = 0;
            return rc;
        }
        out->n++;
    }
    reverse(out);
    return 0;
}

int merkle_consistency(const merkle_reader *r, uint64_t m, uint64_t n, merkle_proof *out)
{
    /* Over 2^63 leaves the proof could need 65 hashes; the log's seqs are int64. */
    if (m == 0 || m > n || n > (uint64_t)1 << 63) return -1;
    /* SUBPROOF as a loop: one sibling per level, root-first, then (unless the old
     * tree is a left-edge perfect subtree, b = true in the RFC) the subtree the
     * old tree ends on, which the RFC puts first. */
    uint64_t lo = 0, w = n, mm = m;
    int whole = 1;
    out->n = 0;
    while (mm != w) {
        uint64_t k = split(w);
        int rc;
        if (mm <= k) {
            rc = range_hash(r, lo + k, w - k, out->h[out->n]);
            w = k;
        } else {
            rc = range_hash(r, lo, k, out->h[out->n]);
            lo += k;
            w -= k;
            mm -= k;
            whole = 0;
        }
        if (rc) {
            out->n = 0;
            return rc;
        }
        out->n++;
    }
    reverse(out);
    if (!whole) {
        uint8_t h[MERKLE_HASH];
        int rc = range_hash(r, lo, w, h);
        if (rc) {
            out->n = 0;
            return rc;
        }
        memmove(out->h[1], out->h[0], out->n * MERKLE_HASH);
        memcpy(out->h[0], h, MERKLE_HASH);
        out->n++;
    }
    return 0;
}

bool merkle_verify_inclusion(const uint8_t leaf[MERKLE_HASH], uint64_t index, uint64_t size,
                             const merkle_proof *p, const uint8_t root[MERKLE_HASH])
{
    if (index >= size || p->n > MERKLE_MAX_DEPTH) return false;
    uint64_t fn = index, sn = size - 1;
    uint8_t h[MERKLE_HASH];
    memcpy(h, leaf, MERKLE_HASH);
    for (size_t i = 0; i < p->n; i++) {
        if (sn == 0) return false;
        if ((fn & 1) || fn == sn) {
            merkle_node(p->h[i], h, h);
            while (fn && !(fn & 1)) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node(h, p->h[i], h);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(h, root, MERKLE_HASH) == 0;
}

bool merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t root_m[MERKLE_HASH],
                               const uint8_t root_n[MERKLE_HASH], const merkle_proof *p)
{
    if (m == 0 || m > n || p->n > MERKLE_MAX_DEPTH) return false;
    if (m == n) return p->n == 0 && memcmp(root_m, root_n, MERKLE_HASH) == 0;
    if (p->n == 0) return false;
    /* The RFC prepends root_m when m is a power of two; read it in place instead
     * of copying the proof. */
    size_t pre = (m & (m - 1)) == 0, len = p->n + pre;
#define PATH(i) ((i) < pre ? root_m : p->h[(i)-pre])
    uint64_t fn = m - 1, sn = n - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    uint8_t fr[MERKLE_HASH], sr[MERKLE_HASH];
    memcpy(fr, PATH(0), MERKLE_HASH);
    memcpy(sr, PATH(0), MERKLE_HASH);
    for (size_t i = 1; i < len; i++) {
        const uint8_t *c = PATH(i);
        if (sn == 0) return false;
        if ((fn & 1) || fn == sn) {
            merkle_node(c, fr, fr);
            merkle_node(c, sr, sr);
            while (fn && !(fn & 1)) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node(sr, c, sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
#undef PATH
    return sn == 0 && memcmp(fr, root_m, MERKLE_HASH) == 0 && memcmp(sr, root_n, MERKLE_HASH) == 0;
}

void merkle_frontier_init(merkle_frontier *f)
{
    f->size = 0;
}

int merkle_frontier_push(merkle_frontier *f, const uint8_t leaf[MERKLE_HASH],
                         int (*emit)(void *ctx, int level, uint64_t index,
                                     const uint8_t h[MERKLE_HASH]),
                         void *ctx)
{
    /* full[] has no slot for a 2^64-leaf subtree; never reached by an int64 log. */
    if (f->size == UINT64_MAX) return -1;
    uint64_t s = f->size;
    uint8_t h[MERKLE_HASH];
    memcpy(h, leaf, MERKLE_HASH);
    int level = 0, rc = 0;
    /* Each set low bit of s is a perfect subtree the new leaf completes. */
    while (s >> level & 1) {
        merkle_node(f->full[level], h, h);
        level++;
        if (emit && rc == 0) rc = emit(ctx, level, s >> level, h);
    }
    memcpy(f->full[level], h, MERKLE_HASH);
    f->size = s + 1;
    return rc;
}

void merkle_frontier_root(const merkle_frontier *f, uint8_t out[MERKLE_HASH])
{
    uint64_t s = f->size;
    if (s == 0) {
        merkle_empty_root(out);
        return;
    }
    memcpy(out, f->full[__builtin_ctzll(s)], MERKLE_HASH);
    for (s &= s - 1; s; s &= s - 1)
        merkle_node(f->full[__builtin_ctzll(s)], out, out);
}

int merkle_frontier_load(merkle_frontier *f, const merkle_reader *r, uint64_t size)
{
    /* Filled aside so that a failed read leaves *f as it was. */
    merkle_frontier t;
    t.size = size;
    uint64_t end = size;
    for (uint64_t s = size; s; s &= s - 1) {
        int level = __builtin_ctzll(s);
        end -= (uint64_t)1 << level;
        int rc = r->node(r->ctx, level, end >> level, t.full[level]);
        if (rc) return rc;
    }
    f->size = size;
    for (uint64_t s = size; s; s &= s - 1)
        memcpy(f->full[__builtin_ctzll(s)], t.full[__builtin_ctzll(s)], MERKLE_HASH);
    return 0;
}
