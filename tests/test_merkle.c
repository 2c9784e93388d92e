/* merkle: src/ledger/merkle.c against a reference written straight from RFC 9162's
 * recursive definitions (MTH 2.1.1, PATH 2.1.3.1, PROOF/SUBPROOF 2.1.4.1) and
 * verifiers written a second time from 2.1.3.2 and 2.1.4.2, none of it sharing
 * code with merkle.c.
 *
 * For every size 1..N: roots, every leaf's inclusion proof, every consistency
 * proof m..n, each compared with the reference, verified by both verifiers, and
 * rejected by both once tampered with. A counting reader checks that only
 * perfect subtrees inside the tree are read, each once per call, O(log n) of
 * them. Then the frontier, reader failures, refused arguments, sizes near 2^64,
 * and the RFC 6962 test vectors. */
#include "testutil.h"
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/leaf.h"
#include "ledger/merkle.h"

enum { N = 300, FAIL = 77 };

/* ---- the reference ----------------------------------------------------------- */

/* Its own EVP context, not merkle.c's code; libcrypto's SHA-256 itself is pinned
 * by the RFC 6962 vectors below and cross-checked with libsodium's. */
static EVP_MD_CTX *ref_ctx; /* freed by teardown */
static EVP_MD *ref_md;      /* freed by teardown */

static void ref_node(const uint8_t l[32], const uint8_t r[32], uint8_t out[32])
{
    static const uint8_t one = 0x01;
    unsigned int len = 0;
    assert_true(EVP_DigestInit_ex2(ref_ctx, ref_md, NULL) && EVP_DigestUpdate(ref_ctx, &one, 1) &&
                EVP_DigestUpdate(ref_ctx, l, 32) && EVP_DigestUpdate(ref_ctx, r, 32) &&
                EVP_DigestFinal_ex(ref_ctx, out, &len) && len == 32);
}

static int setup(void **st)
{
    (void)st;
    ref_ctx = EVP_MD_CTX_new();
    ref_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    return ref_ctx && ref_md ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    EVP_MD_CTX_free(ref_ctx);
    EVP_MD_free(ref_md);
    return 0;
}

/* Leaf hashes d[0..n) and a memo of MTH over [lo, hi): a pure function, so the
 * memo only saves time (the RFC recursion recomputes subtrees n times over). */
typedef struct {
    size_t n;
    uint8_t (*d)[32];    /* owned, tree_free */
    uint8_t (*memo)[32]; /* (n + 1)^2 entries; owned, tree_free */
    bool *have;          /* owned, tree_free */
} tree;

static tree tree_new(size_t n)
{
    tree t = {n, calloc(n ? n : 1, 32), calloc((n + 1) * (n + 1), 32),
              calloc((n + 1) * (n + 1), sizeof(bool))};
    assert_non_null(t.d);
    assert_non_null(t.memo);
    assert_non_null(t.have);
    return t;
}

static void tree_free(tree *t)
{
    free(t->d);
    free(t->memo);
    free(t->have);
}

/* RFC 9162 2.1.1: the largest power of two smaller than n. */
static uint64_t ref_k(uint64_t n)
{
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

static void ref_mth(tree *t, size_t lo, size_t hi, uint8_t out[32])
{
    if (hi == lo) {
        crypto_hash_sha256(out, (const uint8_t *)"", 0);
        return;
    }
    if (hi - lo == 1) {
        memcpy(out, t->d[lo], 32);
        return;
    }
    size_t at = lo * (t->n + 1) + hi;
    if (!t->have[at]) {
        size_t k = ref_k(hi - lo);
        uint8_t l[32], r[32];
        ref_mth(t, lo, lo + k, l);
        ref_mth(t, lo + k, hi, r);
        ref_node(l, r, t->memo[at]);
        t->have[at] = true;
    }
    memcpy(out, t->memo[at], 32);
}

static void append(merkle_proof *p, const uint8_t h[32])
{
    assert_true(p->n < MERKLE_MAX_DEPTH);
    memcpy(p->h[p->n++], h, 32);
}

/* PATH(m, D[lo:hi]), appended to p in the RFC's order. */
static void ref_path(tree *t, size_t m, size_t lo, size_t hi, merkle_proof *p)
{
    if (hi - lo <= 1) return;
    size_t k = ref_k(hi - lo);
    uint8_t h[32];
    if (m < k) {
        ref_path(t, m, lo, lo + k, p);
        ref_mth(t, lo + k, hi, h);
    } else {
        ref_path(t, m - k, lo + k, hi, p);
        ref_mth(t, lo, lo + k, h);
    }
    append(p, h);
}

/* SUBPROOF(m, D[lo:hi], b). */
static void ref_subproof(tree *t, size_t m, size_t lo, size_t hi, bool b, merkle_proof *p)
{
    uint8_t h[32];
    if (m == hi - lo) {
        if (!b) {
            ref_mth(t, lo, hi, h);
            append(p, h);
        }
        return;
    }
    size_t k = ref_k(hi - lo);
    if (m <= k) {
        ref_subproof(t, m, lo, lo + k, b, p);
        ref_mth(t, lo + k, hi, h);
    } else {
        ref_subproof(t, m - k, lo + k, hi, false, p);
        ref_mth(t, lo, lo + k, h);
    }
    append(p, h);
}

/* ---- the verifiers, written again from RFC 9162 2.1.3.2 and 2.1.4.2 -------- */

static bool iv_inclusion(const uint8_t leaf[32], uint64_t index, uint64_t size,
                         const uint8_t (*path)[32], size_t n, const uint8_t root[32])
{
    if (index >= size) return false;    /* step 1 */
    uint64_t fn = index, sn = size - 1; /* step 2 */
    uint8_t r[32];
    memcpy(r, leaf, 32);                 /* step 3 */
    for (size_t i = 0; i < n; i++) {     /* step 4 */
        if (sn == 0) return false;       /* 4a */
        if ((fn & 1) == 1 || fn == sn) { /* 4b */
            ref_node(path[i], r, r);     /* 4b i */
            if ((fn & 1) == 0)           /* 4b ii */
                while (!((fn & 1) == 1 || fn == 0)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            ref_node(r, path[i], r);
        }
        fn >>= 1; /* 4c */
        sn >>= 1;
    }
    return sn == 0 && memcmp(r, root, 32) == 0; /* step 5 */
}

static bool iv_consistency(uint64_t first, uint64_t second, const uint8_t first_hash[32],
                           const uint8_t second_hash[32], const uint8_t (*proof)[32], size_t n)
{
    /* The RFC's algorithm is for 0 < first < second; merkle.h adds that a head is
     * consistent with itself by an empty proof. */
    if (first == 0 || first > second) return false;
    if (first == second) return n == 0 && memcmp(first_hash, second_hash, 32) == 0;
    if (n == 0) return false; /* step 1 */
    uint8_t path[MERKLE_MAX_DEPTH + 2][32];
    assert_true(n <= MERKLE_MAX_DEPTH + 1);
    size_t len = 0;
    if ((first & (first - 1)) == 0) memcpy(path[len++], first_hash, 32); /* step 2 */
    memcpy(path[len], proof, n * 32);
    len += n;
    uint64_t fn = first - 1, sn = second - 1; /* step 3 */
    while ((fn & 1) == 1) {                   /* step 4 */
        fn >>= 1;
        sn >>= 1;
    }
    uint8_t fr[32], sr[32];
    memcpy(fr, path[0], 32); /* step 5 */
    memcpy(sr, path[0], 32);
    bool ok = true;
    for (size_t i = 1; i < len && ok; i++) { /* step 6 */
        if (sn == 0) {                       /* 6a */
            ok = false;
            break;
        }
        if ((fn & 1) == 1 || fn == sn) { /* 6b */
            ref_node(path[i], fr, fr);
            ref_node(path[i], sr, sr);
            if ((fn & 1) == 0)
                while (!((fn & 1) == 1 || fn == 0)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            ref_node(sr, path[i], sr);
        }
        fn >>= 1; /* 6c */
        sn >>= 1;
    }
    return ok && memcmp(fr, first_hash, 32) == 0 && memcmp(sr, second_hash, 32) == 0 &&
           sn == 0; /* step 7 */
}

/* ---- a reader over a tree that counts and checks its reads ------------------- */

typedef struct {
    tree *t;
    uint64_t limit; /* leaves in the tree of the call: nothing beyond may be read */
    int reads;
    int fail_at; /* the read (1-based) that fails with FAIL; 0 none */
    int seen_level[256];
    uint64_t seen_index[256];
} counting;

static int counting_node(void *ctx, int level, uint64_t index, uint8_t out[32])
{
    counting *c = ctx;
    c->reads++;
    if (c->fail_at == c->reads) return FAIL;
    assert_true(c->reads <= 256);
    assert_true(level >= 0 && level < 16);
    assert_true((index + 1) << level <= c->limit);
    for (int i = 0; i < c->reads - 1; i++)
        if (c->seen_level[i] == level && c->seen_index[i] == index)
            fail_msg("node (%d, %llu) read twice in one call", level, (unsigned long long)index);
    c->seen_level[c->reads - 1] = level;
    c->seen_index[c->reads - 1] = index;
    ref_mth(c->t, (size_t)(index << level), (size_t)((index + 1) << level), out);
    return 0;
}

static merkle_reader counting_reader(counting *c, tree *t, uint64_t limit)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->limit = limit;
    return (merkle_reader){c, counting_node};
}

static int ceil_log2(uint64_t n)
{
    int d = 0;
    while (((uint64_t)1 << d) < n)
        d++;
    return d;
}

static tree leaves_tree(size_t n)
{
    tree t = tree_new(n);
    for (size_t i = 0; i < n; i++) {
        char data[32];
        int len = snprintf(data, sizeof data, "custody record %zu", i);
        assert_int_equal(leaf_hash(data, (size_t)len, t.d[i]), 0);
    }
    return t;
}

static void assert_proof_equal(const merkle_proof *a, const merkle_proof *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        assert_memory_equal(a->h[i], b->h[i], 32);
}

/* ---- tests -------------------------------------------------------------------- */

static void node_and_empty_root(void **st)
{
    (void)st;
    uint8_t a[32], b[32], want[32], got[32], empty[32];
    for (int i = 0; i < 32; i++) {
        a[i] = (uint8_t)i;
        b[i] = (uint8_t)(200 - i);
    }
    ref_node(a, b, want);
    merkle_node(a, b, got);
    assert_memory_equal(got, want, 32);
    uint8_t in[65] = {0x01}; /* and a second SHA-256 implementation agrees */
    memcpy(in + 1, a, 32);
    memcpy(in + 33, b, 32);
    crypto_hash_sha256(want, in, sizeof in);
    assert_memory_equal(got, want, 32);
    ref_node(b, a, want);
    merkle_node(b, a, got);
    assert_memory_equal(got, want, 32);
    /* out may be either input: the folds hash in place. */
    uint8_t l[32], r[32];
    memcpy(l, a, 32);
    memcpy(r, b, 32);
    ref_node(a, b, want);
    merkle_node(l, r, l);
    assert_memory_equal(l, want, 32);
    memcpy(l, a, 32);
    merkle_node(l, r, r);
    assert_memory_equal(r, want, 32);
    crypto_hash_sha256(empty, (const uint8_t *)"", 0);
    merkle_empty_root(got);
    assert_memory_equal(got, empty, 32);
}

static void *hash_in_thread(void *arg)
{
    uint8_t *h = arg;
    merkle_node(h, h + 32, h + 64);
    return NULL;
}

static void node_in_threads(void **st)
{
    (void)st;
    /* merkle_node keeps no state: threads hashing at once each get their own hash. */
    uint8_t buf[4][96], want[32];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        memset(buf[i], i + 1, 32);
        memset(buf[i] + 32, 100 + i, 32);
        assert_int_equal(pthread_create(&th[i], NULL, hash_in_thread, buf[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        ref_node(buf[i], buf[i] + 32, want);
        assert_memory_equal(buf[i] + 64, want, 32);
    }
}

static void roots(void **st)
{
    (void)st;
    tree t = leaves_tree(N);
    counting c;
    uint8_t got[32], want[32];
    merkle_reader r = counting_reader(&c, &t, 0);
    assert_int_equal(merkle_root(&r, 0, got), 0);
    assert_int_equal(c.reads, 0);
    ref_mth(&t, 0, 0, want);
    assert_memory_equal(got, want, 32);
    for (uint64_t n = 1; n <= N; n++) {
        r = counting_reader(&c, &t, n);
        assert_int_equal(merkle_root(&r, n, got), 0);
        ref_mth(&t, 0, n, want);
        assert_memory_equal(got, want, 32);
        assert_int_equal(c.reads, __builtin_popcountll(n));
    }
    tree_free(&t);
}

/* Both verifiers must refuse. */
static void reject_inclusion(const uint8_t leaf[32], uint64_t index, uint64_t size,
                             const merkle_proof *p, const uint8_t root[32])
{
    assert_false(merkle_verify_inclusion(leaf, index, size, p, root));
    assert_false(iv_inclusion(leaf, index, size, (const uint8_t(*)[32])p->h, p->n, root));
}

static void inclusion_tampered(tree *t, uint64_t i, uint64_t n, const merkle_proof *good,
                               const uint8_t root[32])
{
    merkle_proof p = *good;
    uint8_t other[32];
    for (size_t j = 0; j < p.n; j++) {
        p.h[j][j % 32] ^= (uint8_t)(1 << (j % 8));
        reject_inclusion(t->d[i], i, n, &p, root);
        p.h[j][j % 32] ^= (uint8_t)(1 << (j % 8));
    }
    if (p.n > 0) {
        p.n--; /* the last hash dropped */
        reject_inclusion(t->d[i], i, n, &p, root);
        p = *good; /* the first hash dropped */
        memmove(p.h[0], p.h[1], (p.n - 1) * 32);
        p.n--;
        reject_inclusion(t->d[i], i, n, &p, root);
    }
    p = *good; /* a hash added at the end, then at the front */
    memcpy(p.h[p.n++], root, 32);
    reject_inclusion(t->d[i], i, n, &p, root);
    p = *good;
    memmove(p.h[1], p.h[0], p.n * 32);
    memcpy(p.h[0], t->d[i], 32);
    p.n++;
    reject_inclusion(t->d[i], i, n, &p, root);
    if (i + 1 < n) reject_inclusion(t->d[i], i + 1, n, good, root);
    if (i > 0) reject_inclusion(t->d[i], i - 1, n, good, root);
    if (n > 1) reject_inclusion(t->d[(i + 1) % n], i, n, good, root);
    /* Another size, with that size's true root. */
    if (n + 1 <= t->n) {
        ref_mth(t, 0, n + 1, other);
        reject_inclusion(t->d[i], i, n + 1, good, other);
    }
    if (n - 1 > i) {
        ref_mth(t, 0, n - 1, other);
        reject_inclusion(t->d[i], i, n - 1, good, other);
    }
    memcpy(other, root, 32);
    other[31] ^= 1;
    reject_inclusion(t->d[i], i, n, good, other);
}

static void inclusion_every_leaf(void **st)
{
    (void)st;
    tree t = leaves_tree(N);
    counting c;
    for (uint64_t n = 1; n <= N; n++) {
        uint8_t root[32];
        ref_mth(&t, 0, n, root);
        for (uint64_t i = 0; i < n; i++) {
            merkle_proof got, want = {0};
            merkle_reader r = counting_reader(&c, &t, n);
            assert_int_equal(merkle_inclusion(&r, i, n, &got), 0);
            ref_path(&t, i, 0, n, &want);
            assert_proof_equal(&got, &want);
            /* One read per sibling but the right-edge one, which costs at most
             * ceil(log2 n) more. */
            assert_true(c.reads <= 2 * ceil_log2(n));
            assert_true(c.reads <= 2 * 64);
            assert_true(merkle_verify_inclusion(t.d[i], i, n, &got, root));
            assert_true(iv_inclusion(t.d[i], i, n, (const uint8_t(*)[32])got.h, got.n, root));
            inclusion_tampered(&t, i, n, &got, root);
        }
    }
    tree_free(&t);
}

static void reject_consistency(uint64_t m, uint64_t n, const uint8_t rm[32], const uint8_t rn[32],
                               const merkle_proof *p)
{
    assert_false(merkle_verify_consistency(m, n, rm, rn, p));
    assert_false(iv_consistency(m, n, rm, rn, (const uint8_t(*)[32])p->h, p->n));
}

static void consistency_tampered(tree *t, uint64_t m, uint64_t n, const merkle_proof *good,
                                 const uint8_t rm[32], const uint8_t rn[32])
{
    merkle_proof p = *good;
    uint8_t other[32];
    for (size_t j = 0; j < p.n; j++) {
        p.h[j][(j * 7) % 32] ^= (uint8_t)(0x80 >> (j % 8));
        reject_consistency(m, n, rm, rn, &p);
        p.h[j][(j * 7) % 32] ^= (uint8_t)(0x80 >> (j % 8));
    }
    if (p.n > 0) {
        p.n--;
        reject_consistency(m, n, rm, rn, &p);
        p = *good;
        memmove(p.h[0], p.h[1], (p.n - 1) * 32);
        p.n--;
        reject_consistency(m, n, rm, rn, &p);
        p = *good;
        memmove(p.h[1], p.h[0], p.n * 32); /* the first hash twice */
        p.n++;
        reject_consistency(m, n, rm, rn, &p);
    }
    p = *good;
    memcpy(p.h[p.n++], rm, 32);
    reject_consistency(m, n, rm, rn, &p);
    p = *good;
    memcpy(p.h[p.n++], rn, 32);
    reject_consistency(m, n, rm, rn, &p);
    /* Other sizes, each with its true root. */
    if (m > 1) {
        ref_mth(t, 0, m - 1, other);
        reject_consistency(m - 1, n, other, rn, good);
    }
    if (m + 1 <= n) {
        ref_mth(t, 0, m + 1, other);
        reject_consistency(m + 1, n, other, rn, good);
    }
    if (n - 1 >= m) {
        ref_mth(t, 0, n - 1, other);
        reject_consistency(m, n - 1, rm, other, good);
    }
    if (n + 1 <= t->n) {
        ref_mth(t, 0, n + 1, other);
        reject_consistency(m, n + 1, rm, other, good);
    }
    if (m != n) reject_consistency(m, n, rn, rm, good); /* roots swapped */
    memcpy(other, rm, 32);
    other[0] ^= 0x40;
    reject_consistency(m, n, other, rn, good);
    memcpy(other, rn, 32);
    other[0] ^= 0x40;
    reject_consistency(m, n, rm, other, good);
}

static void consistency_every_pair(void **st)
{
    (void)st;
    tree t = leaves_tree(N);
    counting c;
    for (uint64_t n = 1; n <= N; n++) {
        uint8_t rn[32];
        ref_mth(&t, 0, n, rn);
        for (uint64_t m = 1; m <= n; m++) {
            uint8_t rm[32];
            ref_mth(&t, 0, m, rm);
            merkle_proof got, want = {0};
            merkle_reader r = counting_reader(&c, &t, n);
            assert_int_equal(merkle_consistency(&r, m, n, &got), 0);
            ref_subproof(&t, m, 0, n, true, &want);
            assert_proof_equal(&got, &want);
            /* As inclusion, plus the subtree the old tree ends on. */
            assert_true(c.reads <= 2 * ceil_log2(n) + 1);
            assert_true(c.reads <= 2 * 64);
            assert_true(merkle_verify_consistency(m, n, rm, rn, &got));
            assert_true(iv_consistency(m, n, rm, rn, (const uint8_t(*)[32])got.h, got.n));
            consistency_tampered(&t, m, n, &got, rm, rn);
        }
    }
    tree_free(&t);
}

static void refused_arguments(void **st)
{
    (void)st;
    tree t = leaves_tree(8);
    counting c;
    merkle_reader r = counting_reader(&c, &t, 8);
    merkle_proof p, before;
    memset(&p, 0xab, sizeof p);
    before = p;
    /* -1 before any read, and the proof left as it was. */
    assert_int_equal(merkle_inclusion(&r, 8, 8, &p), -1);
    assert_int_equal(merkle_inclusion(&r, 0, 0, &p), -1);
    assert_int_equal(merkle_inclusion(&r, UINT64_MAX, 3, &p), -1);
    assert_int_equal(merkle_consistency(&r, 0, 8, &p), -1);
    assert_int_equal(merkle_consistency(&r, 5, 4, &p), -1);
    assert_int_equal(merkle_consistency(&r, 0, 0, &p), -1);
    assert_int_equal(merkle_consistency(&r, 1, ((uint64_t)1 << 63) + 1, &p), -1);
    assert_int_equal(c.reads, 0);
    assert_memory_equal(&p, &before, sizeof p);

    uint8_t root[32], root4[32];
    ref_mth(&t, 0, 8, root);
    ref_mth(&t, 0, 4, root4);
    merkle_proof empty = {0};
    assert_true(merkle_verify_consistency(8, 8, root, root, &empty));
    assert_true(iv_consistency(8, 8, root, root, NULL, 0));
    assert_false(merkle_verify_consistency(8, 8, root, root4, &empty));
    assert_false(merkle_verify_consistency(0, 8, root4, root, &empty));
    assert_false(merkle_verify_consistency(4, 8, root4, root, &empty));
    assert_false(merkle_verify_consistency(8, 4, root, root4, &empty));
    r = counting_reader(&c, &t, 8);
    assert_int_equal(merkle_inclusion(&r, 3, 8, &p), 0);
    assert_true(merkle_verify_inclusion(t.d[3], 3, 8, &p, root));
    assert_false(merkle_verify_inclusion(t.d[3], 8, 8, &p, root));
    assert_false(merkle_verify_inclusion(t.d[3], 3, 0, &p, root));
    /* A corrupt count is refused, not read past (ASan): sizes big enough for the
     * RFC loops to run that far. */
    memset(&p, 0, sizeof p);
    p.n = MERKLE_MAX_DEPTH + 1;
    assert_false(merkle_verify_inclusion(t.d[3], 0, UINT64_MAX, &p, root));
    assert_false(merkle_verify_consistency(3, UINT64_MAX, root4, root, &p));
    assert_false(merkle_verify_consistency(4, UINT64_MAX, root4, root, &p));
    tree_free(&t);
}

static void reader_errors(void **st)
{
    (void)st;
    /* Every read of every call fails once: the reader's code comes back as is, and
     * no proof is left half made. */
    tree t = leaves_tree(40);
    counting c;
    uint8_t h[32];
    merkle_frontier f, before;
    for (uint64_t n = 1; n <= 40; n++) {
        merkle_reader r = counting_reader(&c, &t, n);
        assert_int_equal(merkle_root(&r, n, h), 0);
        for (int k = 1, reads = c.reads; k <= reads; k++) {
            r = counting_reader(&c, &t, n);
            c.fail_at = k;
            assert_int_equal(merkle_root(&r, n, h), FAIL);
            assert_int_equal(c.reads, k);
        }
        merkle_frontier_init(&f);
        for (uint64_t i = 0; i < 3; i++)
            assert_int_equal(merkle_frontier_push(&f, t.d[i], NULL, NULL), 0);
        before = f;
        for (int k = 1; k <= __builtin_popcountll(n); k++) {
            r = counting_reader(&c, &t, n);
            c.fail_at = k;
            assert_int_equal(merkle_frontier_load(&f, &r, n), FAIL);
            assert_int_equal(f.size, 3);
            assert_memory_equal(f.full[0], before.full[0], 32);
            assert_memory_equal(f.full[1], before.full[1], 32);
        }
        for (uint64_t i = 0; i < n; i++) {
            merkle_proof p;
            r = counting_reader(&c, &t, n);
            assert_int_equal(merkle_inclusion(&r, i, n, &p), 0);
            for (int k = 1, reads = c.reads; k <= reads; k++) {
                r = counting_reader(&c, &t, n);
                c.fail_at = k;
                assert_int_equal(merkle_inclusion(&r, i, n, &p), FAIL);
                assert_int_equal(p.n, 0);
            }
        }
        for (uint64_t m = 1; m <= n; m++) {
            merkle_proof p;
            r = counting_reader(&c, &t, n);
            assert_int_equal(merkle_consistency(&r, m, n, &p), 0);
            for (int k = 1, reads = c.reads; k <= reads; k++) {
                r = counting_reader(&c, &t, n);
                c.fail_at = k;
                assert_int_equal(merkle_consistency(&r, m, n, &p), FAIL);
                assert_int_equal(p.n, 0);
            }
        }
    }
    tree_free(&t);
}

typedef struct {
    tree *t;
    uint64_t size; /* after the push under way */
    int calls, last_level, fail_at;
    bool emitted[16][N]; /* (level, index) given by emit */
} emits;

static int on_emit(void *ctx, int level, uint64_t index, const uint8_t h[32])
{
    emits *e = ctx;
    e->calls++;
    assert_true(level >= 1 && level < 16);
    assert_true(level > e->last_level); /* increasing level */
    e->last_level = level;
    /* The subtree ends at the leaf just pushed, and is emitted once ever. */
    assert_true((index + 1) << level == e->size);
    assert_false(e->emitted[level][index]);
    e->emitted[level][index] = true;
    uint8_t want[32];
    ref_mth(e->t, (size_t)(index << level), (size_t)((index + 1) << level), want);
    assert_memory_equal(h, want, 32);
    return e->calls == e->fail_at ? 9 : 0;
}

static void frontier(void **st)
{
    (void)st;
    tree t = leaves_tree(N);
    static emits e;
    memset(&e, 0, sizeof e);
    e.t = &t;
    merkle_frontier f;
    merkle_frontier_init(&f);
    uint8_t got[32], want[32];
    merkle_frontier_root(&f, got);
    merkle_empty_root(want);
    assert_memory_equal(got, want, 32);
    for (uint64_t n = 1; n <= N; n++) {
        e.size = n;
        e.calls = 0;
        e.last_level = 0;
        assert_int_equal(merkle_frontier_push(&f, t.d[n - 1], on_emit, &e), 0);
        assert_int_equal(f.size, n);
        assert_int_equal(e.calls, __builtin_ctzll(n)); /* every completed subtree */
        merkle_frontier_root(&f, got);
        ref_mth(&t, 0, n, want);
        assert_memory_equal(got, want, 32);
        /* Rebuilt from the reader: the same frontier, popcount(n) reads. */
        counting c;
        merkle_reader r = counting_reader(&c, &t, n);
        merkle_frontier g;
        memset(&g, 0, sizeof g);
        assert_int_equal(merkle_frontier_load(&g, &r, n), 0);
        assert_int_equal(c.reads, __builtin_popcountll(n));
        assert_int_equal(g.size, n);
        for (int k = 0; k < 64; k++)
            if (n >> k & 1) assert_memory_equal(g.full[k], f.full[k], 32);
        /* Continuing from the loaded one gives the same roots. */
        if (n < N) {
            merkle_frontier a = f;
            assert_int_equal(merkle_frontier_push(&g, t.d[n], NULL, NULL), 0);
            assert_int_equal(merkle_frontier_push(&a, t.d[n], NULL, NULL), 0);
            uint8_t ra[32], rg[32];
            merkle_frontier_root(&a, ra);
            merkle_frontier_root(&g, rg);
            assert_memory_equal(ra, rg, 32);
        }
    }
    /* Every perfect subtree of level >= 1 inside 300 leaves was emitted. */
    for (int level = 1; level < 16; level++)
        for (uint64_t i = 0; ((i + 1) << level) <= N; i++)
            assert_true(e.emitted[level][i]);
    tree_free(&t);
}

static void frontier_emit_error(void **st)
{
    (void)st;
    tree t = leaves_tree(16);
    static emits e;
    memset(&e, 0, sizeof e);
    e.t = &t;
    merkle_frontier f;
    merkle_frontier_init(&f);
    for (uint64_t n = 1; n <= 15; n++)
        assert_int_equal(merkle_frontier_push(&f, t.d[n - 1], NULL, NULL), 0);
    /* Leaf 16 completes levels 1..4; emit fails on the second: its code comes
     * back, emit is not called again, and the frontier has moved on anyway. */
    e.size = 16;
    e.fail_at = 2;
    assert_int_equal(merkle_frontier_push(&f, t.d[15], on_emit, &e), 9);
    assert_int_equal(e.calls, 2);
    assert_int_equal(f.size, 16);
    uint8_t got[32], want[32];
    merkle_frontier_root(&f, got);
    ref_mth(&t, 0, 16, want);
    assert_memory_equal(got, want, 32);
    tree_free(&t);
}

/* ---- sizes near 2^64: every leaf the same hash, so node (level, i) is u[level]
 * for every i and the tree is real, however large. */

static uint8_t u[65][32];

typedef struct {
    uint64_t limit;
    int reads, seen_level[256];
    uint64_t seen_index[256];
} uniform;

static int uniform_node(void *ctx, int level, uint64_t index, uint8_t out[32])
{
    uniform *c = ctx;
    assert_true(c->reads < 256);
    assert_true(level >= 0 && level < 64);
    /* (index + 1) << level <= limit, without overflow */
    assert_true(index < (c->limit >> level));
    for (int i = 0; i < c->reads; i++)
        assert_false(c->seen_level[i] == level && c->seen_index[i] == index);
    c->seen_level[c->reads] = level;
    c->seen_index[c->reads++] = index;
    memcpy(out, u[level], 32);
    return 0;
}

static merkle_reader uniform_reader(uniform *c, uint64_t limit)
{
    memset(c, 0, sizeof *c);
    c->limit = limit;
    return (merkle_reader){c, uniform_node};
}

static void huge_sizes(void **st)
{
    (void)st;
    memset(u[0], 0x5a, 32);
    for (int k = 1; k <= 64; k++)
        ref_node(u[k - 1], u[k - 1], u[k]);
    const uint64_t top = (uint64_t)1 << 63;
    const uint64_t sizes[] = {
        UINT64_MAX,          UINT64_MAX - 1, top + 1, top, top - 1, top - 2, 0x5555555555555555ULL,
        (1ULL << 40) + 12345};
    uniform c;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t n = sizes[s];
        uint8_t root[32];
        merkle_reader r = uniform_reader(&c, n);
        assert_int_equal(merkle_root(&r, n, root), 0);
        assert_int_equal(c.reads, __builtin_popcountll(n));
        const uint64_t idx[] = {0, 1, n / 3, n / 2, n - 2, n - 1};
        for (size_t j = 0; j < sizeof idx / sizeof idx[0]; j++) {
            merkle_proof p;
            r = uniform_reader(&c, n);
            assert_int_equal(merkle_inclusion(&r, idx[j], n, &p), 0);
            assert_true(c.reads <= 2 * 64);
            assert_true(p.n <= MERKLE_MAX_DEPTH);
            assert_true(merkle_verify_inclusion(u[0], idx[j], n, &p, root));
            assert_true(iv_inclusion(u[0], idx[j], n, (const uint8_t(*)[32])p.h, p.n, root));
        }
        if (n > top) continue;
        const uint64_t ms[] = {1, 2, 3, n / 3, n / 2 + 1, n - 1, n};
        for (size_t j = 0; j < sizeof ms / sizeof ms[0]; j++) {
            merkle_proof p;
            uint8_t rm[32];
            r = uniform_reader(&c, ms[j]);
            assert_int_equal(merkle_root(&r, ms[j], rm), 0);
            r = uniform_reader(&c, n);
            assert_int_equal(merkle_consistency(&r, ms[j], n, &p), 0);
            assert_true(c.reads <= 2 * 64);
            assert_true(merkle_verify_consistency(ms[j], n, rm, root, &p));
            assert_true(iv_consistency(ms[j], n, rm, root, (const uint8_t(*)[32])p.h, p.n));
        }
    }
    /* The longest consistency proof that fits: 64 hashes. */
    merkle_proof p;
    merkle_reader r = uniform_reader(&c, top);
    assert_int_equal(merkle_consistency(&r, top - 1, top, &p), 0);
    assert_int_equal(p.n, 64);

    /* The frontier up to the last size it can hold. */
    merkle_frontier f;
    uint8_t got[32], want[32];
    r = uniform_reader(&c, top - 1);
    assert_int_equal(merkle_frontier_load(&f, &r, top - 1), 0);
    assert_int_equal(merkle_frontier_push(&f, u[0], NULL, NULL), 0);
    assert_memory_equal(f.full[63], u[63], 32);
    merkle_frontier_root(&f, got);
    assert_memory_equal(got, u[63], 32);
    r = uniform_reader(&c, UINT64_MAX - 1);
    assert_int_equal(merkle_frontier_load(&f, &r, UINT64_MAX - 1), 0);
    assert_int_equal(merkle_frontier_push(&f, u[0], NULL, NULL), 0);
    merkle_frontier_root(&f, got);
    r = uniform_reader(&c, UINT64_MAX);
    assert_int_equal(merkle_root(&r, UINT64_MAX, want), 0);
    assert_memory_equal(got, want, 32);
    merkle_frontier before = f;
    assert_int_equal(merkle_frontier_push(&f, u[0], NULL, NULL), -1);
    assert_memory_equal(&f, &before, sizeof f);
}

/* ---- RFC 6962 test vectors ----------------------------------------------------
 * From google/trillian, merkle/log_verifier_test.go (the classic eight CT test
 * leaves, with roots for sizes 1..8, inclusion and consistency proofs); there
 * leaf numbers are 1-based, here indexes are 0-based. */

static void unhex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void proof_from(merkle_proof *p, const char *const *hex, size_t n)
{
    p->n = n;
    for (size_t i = 0; i < n; i++)
        unhex(hex[i], p->h[i], 32);
}

static void rfc6962_vectors(void **st)
{
    (void)st;
    static const char *const data[8] = {"",
                                        "00",
                                        "10",
                                        "2021",
                                        "3031",
                                        "40414243",
                                        "5051525354555657",
                                        "606162636465666768696a6b6c6d6e6f"};
    static const char *const roots_hex[8] = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    static const struct {
        uint64_t index, size;
        size_t n;
        const char *h[3];
    } incl[] = {
        {0,
         8,
         3,
         {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
        {5,
         8,
         3,
         {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
        {1,
         5,
         3,
         {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    };
    static const struct {
        uint64_t m, n;
        size_t len;
        const char *h[3];
    } cons[] = {
        {1,
         8,
         3,
         {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
        {6,
         8,
         3,
         {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {2,
         5,
         2,
         {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
        {1, 1, 0, {0}},
    };
    tree t = tree_new(8);
    for (int i = 0; i < 8; i++) {
        uint8_t raw[16];
        size_t len = strlen(data[i]) / 2;
        unhex(data[i], raw, len);
        assert_int_equal(leaf_hash(raw, len, t.d[i]), 0);
    }
    uint8_t roots[8][32], got[32];
    counting c;
    for (uint64_t n = 1; n <= 8; n++) {
        unhex(roots_hex[n - 1], roots[n - 1], 32);
        merkle_reader r = counting_reader(&c, &t, n);
        assert_int_equal(merkle_root(&r, n, got), 0);
        assert_memory_equal(got, roots[n - 1], 32);
    }
    for (size_t v = 0; v < sizeof incl / sizeof incl[0]; v++) {
        merkle_proof want, p;
        proof_from(&want, incl[v].h, incl[v].n);
        merkle_reader r = counting_reader(&c, &t, incl[v].size);
        assert_int_equal(merkle_inclusion(&r, incl[v].index, incl[v].size, &p), 0);
        assert_proof_equal(&p, &want);
        assert_true(merkle_verify_inclusion(t.d[incl[v].index], incl[v].index, incl[v].size, &want,
                                            roots[incl[v].size - 1]));
    }
    for (size_t v = 0; v < sizeof cons / sizeof cons[0]; v++) {
        merkle_proof want, p;
        proof_from(&want, cons[v].h, cons[v].len);
        merkle_reader r = counting_reader(&c, &t, cons[v].n);
        assert_int_equal(merkle_consistency(&r, cons[v].m, cons[v].n, &p), 0);
        assert_proof_equal(&p, &want);
        assert_true(merkle_verify_consistency(cons[v].m, cons[v].n, roots[cons[v].m - 1],
                                              roots[cons[v].n - 1], &want));
    }
    tree_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(node_and_empty_root),
        cmocka_unit_test(node_in_threads),
        cmocka_unit_test(rfc6962_vectors),
        cmocka_unit_test(roots),
        cmocka_unit_test(inclusion_every_leaf),
        cmocka_unit_test(consistency_every_pair),
        cmocka_unit_test(refused_arguments),
        cmocka_unit_test(reader_errors),
        cmocka_unit_test(frontier),
        cmocka_unit_test(frontier_emit_error),
        cmocka_unit_test(huge_sizes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
