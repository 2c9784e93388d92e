/* tree_cache: the process-wide Merkle tree node cache (src/store/tree_cache.h)
 * on its own (sharing by file and size, placement, level priority, seqlocked
 * reads under concurrent writes) and through the store under threads: readers
 * proving on their own STORE_READ connections while a writer appends, every
 * proof checked against the roots the writer's frontier gave. Meant to run
 * under ASan/UBSan, and clean under -fsanitize=thread too. */
#include "testutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ledger/log.h"
#include "ledger/merkle.h"
#include "store/sqlite_internal.h"
#include "store/store.h"
#include "store/tree_cache.h"

static int64_t id_of(int level, uint64_t index)
{
    return (int64_t)level << 48 | (int64_t)index;
}

/* The hash the tests give node id: distinct per id, every byte used. */
static void hash_of(int64_t id, uint8_t out[32])
{
    uint64_t x = (uint64_t)id;
    for (int k = 0; k < 4; k++) {
        x += 0x9E3779B97F4A7C15ULL;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        memcpy(out + 8 * k, &z, 8);
    }
}

static void put(tree_cache *c, int level, uint64_t index)
{
    uint8_t h[32];
    hash_of(id_of(level, index), h);
    tree_cache_put(c, id_of(level, index), h);
}

/* True when (level, index) is cached, and then with its hash. */
static bool has(tree_cache *c, int level, uint64_t index)
{
    uint8_t h[32], want[32];
    if (!tree_cache_get(c, id_of(level, index), h)) return false;
    hash_of(id_of(level, index), want);
    assert_memory_equal(h, want, 32);
    return true;
}

static size_t filled(tree_cache *c, int level)
{
    tree_cache_info in;
    tree_cache_stats(c, level, &in);
    return in.filled;
}

static void shared_by_file_and_size(void **st)
{
    (void)st;
    tree_cache *a, *a2, *other_file, *other_size, *none;
    tree_cache_acquire(1, 2, 1024, "/nonexistent", NULL, &a);
    tree_cache_acquire(1, 2, 1024, "/elsewhere", NULL, &a2);
    tree_cache_acquire(1, 3, 1024, "/nonexistent", NULL, &other_file);
    tree_cache_acquire(1, 2, 2048, "/nonexistent", NULL, &other_size);
    tree_cache_acquire(1, 2, 255, "/nonexistent", NULL, &none);
    assert_non_null(a);
    assert_ptr_equal(a, a2);
    assert_non_null(other_file);
    assert_non_null(other_size);
    assert_ptr_not_equal(a, other_file);
    assert_ptr_not_equal(a, other_size);
    assert_null(none);                                    /* less than one set: off */
    assert_int_equal(tree_cache_entries(a), 18);          /* 4 sets: 3, an odd number */
    assert_int_equal(tree_cache_entries(other_size), 42); /* 8 sets: 7 */
    put(a, 5, 1);
    assert_true(has(a2, 5, 1));
    assert_false(has(other_file, 5, 1));
    assert_false(has(other_size, 5, 1));
    tree_cache_release(a);
    assert_true(has(a2, 5, 1)); /* one reference left */
    tree_cache_release(a2);
    tree_cache_release(other_file);
    tree_cache_release(other_size);
    tree_cache_release(NULL);
    tree_cache_acquire(1, 2, 1024, "/nonexistent", NULL, &a);
    assert_false(has(a, 5, 1)); /* the last release freed it: a new one */
    assert_int_equal(filled(a, -1), 0);
    tree_cache_release(a);
}

static void keys_hashes_and_misses(void **st)
{
    (void)st;
    tree_cache *c;
    tree_cache_acquire(7, 7, 64 << 10, "/nonexistent", NULL, &c);
    assert_non_null(c);
    const struct {
        int level;
        uint64_t index;
    } nodes[] = {{4, 0},
                 {4, 1},
                 {5, 0},
                 {0, 3},
                 {3, 9},
                 {20, 12345},
                 {47, 1},
                 {63, 0},
                 {4, ((uint64_t)1 << 48) - 1},
                 {63, ((uint64_t)1 << 48) - 1}};
    size_t n = sizeof nodes / sizeof nodes[0];
    for (size_t i = 0; i < n; i++)
        assert_false(has(c, nodes[i].level, nodes[i].index));
    for (size_t i = 0; i < n; i++)
        put(c, nodes[i].level, nodes[i].index);
    for (size_t i = 0; i < n; i++)
        assert_true(has(c, nodes[i].level, nodes[i].index));
    assert_false(has(c, 4, 2));
    assert_false(has(c, 6, 0));
    /* Putting a node again (the preload offers nodes already read) keeps one entry. */
    for (size_t i = 0; i < n; i++)
        put(c, nodes[i].level, nodes[i].index);
    assert_int_equal(filled(c, -1), n);
    tree_cache_release(c);
}

/* Puts every stored node (level >= 4) of a tree of n leaves, lowest levels first
 * (the order that most tests level priority) or highest first. Returns how many. */
static size_t put_tree(tree_cache *c, uint64_t n, bool top_down)
{
    size_t count = 0;
    for (int k = 0; k < 60; k++) {
        int level = top_down ? 63 - k : 4 + k;
        if (level < 4 || level > 63) continue;
        for (uint64_t i = 0; level < 64 && (i + 1) << level <= n; i++, count++)
            put(c, level, i);
    }
    return count;
}

/* 64 KiB: 255 sets, 1530 entries. A tree of 12,000 leaves has 1,493 stored
 * nodes: all fit, whatever the order (no two compete for one entry). */
static void a_tree_that_fits_is_held_whole(void **st)
{
    (void)st;
    for (int order = 0; order < 2; order++) {
        tree_cache *c;
        tree_cache_acquire(8, (ino_t)order, 64 << 10, "/nonexistent", NULL, &c);
        assert_int_equal(tree_cache_entries(c), 1530);
        size_t n = put_tree(c, 12000, order);
        assert_int_equal(n, 1493);
        assert_int_equal(filled(c, -1), n);
        for (int level = 4; level < 14; level++)
            for (uint64_t i = 0; (i + 1) << level <= 12000; i++)
                assert_true(has(c, level, i));
        tree_cache_release(c);
    }
}

/* A tree of 40,000 leaves (4,995 stored nodes) in 1,530 entries: whatever the
 * order, the cache ends with every node of levels 6 and up (1,245: at most 5 a
 * set), level 5 in the 285 entries left, and no level 4 (level priority). */
static void a_bigger_tree_keeps_its_top(void **st)
{
    (void)st;
    for (int order = 0; order < 2; order++) {
        tree_cache *c;
        tree_cache_acquire(9, (ino_t)order, 64 << 10, "/nonexistent", NULL, &c);
        assert_int_equal(put_tree(c, 40000, order), 4995);
        assert_int_equal(filled(c, -1), 1530);
        for (int level = 6; level < 16; level++)
            for (uint64_t i = 0; (i + 1) << level <= 40000; i++)
                assert_true(has(c, level, i));
        assert_int_equal(filled(c, 7), 312);
        assert_int_equal(filled(c, 6), 625);
        assert_int_equal(filled(c, 5), 1530 - 308 - 312 - 625);
        assert_int_equal(filled(c, 4), 0);
        tree_cache_release(c);
    }
}

/* Threads putting and getting in 3 sets at once: every hit gives the node's own
 * hash (a torn or mixed read would not), and hits do happen. */
typedef struct {
    tree_cache *c;
    uint64_t seed;
    atomic_ulong *hits, *wrong;
} hammer_arg;

static void *hammer(void *p)
{
    hammer_arg *a = p;
    uint64_t x = a->seed;
    unsigned long hits = 0, wrong = 0;
    for (int i = 0; i < 500000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int level = 4 + (int)(x % 7);
        uint64_t index = (x >> 8) % 30;
        if ((x >> 40) & 1) {
            put(a->c, level, index);
            continue;
        }
        uint8_t h[32], want[32];
        if (!tree_cache_get(a->c, id_of(level, index), h)) continue;
        hash_of(id_of(level, index), want);
        hits++;
        wrong += memcmp(h, want, 32) != 0;
    }
    atomic_fetch_add(a->hits, hits);
    atomic_fetch_add(a->wrong, wrong);
    return NULL;
}

static void concurrent_puts_and_gets_never_tear(void **st)
{
    (void)st;
    tree_cache *c;
    tree_cache_acquire(10, 10, 1024, "/nonexistent", NULL, &c);
    atomic_ulong hits = 0, wrong = 0;
    enum { T = 4 };
    pthread_t t[T];
    hammer_arg args[T];
    for (int i = 0; i < T; i++) {
        args[i] = (hammer_arg){c, 0x1234567ULL * (uint64_t)(i + 1), &hits, &wrong};
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &args[i]), 0);
    }
    for (int i = 0; i < T; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&wrong), 0);
    assert_true(atomic_load(&hits) > 1000);
    tree_cache_release(c);
}

/* ---- Proofs on 4 reader threads while a writer appends ---- */

enum { EVENTS = 6000, FIRST = 300, BATCH = 37, READERS = 4, MIN_PROOFS = 300 };

static uint8_t leaves[EVENTS + 1][32], roots[EVENTS + 1][32];

/* Appends seqs from..to with their stored nodes, in one transaction. */
static int append_batch(store *w, merkle_frontier *f, int from, int to, tu_emitted *em, hb_err *e)
{
    em->n = 0;
    int rc = store_begin(w, e);
    for (int i = from; !rc && i <= to; i++) {
        store_row r = {i, (const uint8_t *)"{}", 2, leaves[i]};
        rc = store_append(w, &r, 1, e);
        if (!rc) merkle_frontier_push(f, leaves[i], tu_emit_node, em);
    }
    if (!rc) rc = store_tree_put(w, em->nodes, em->n, e);
    if (!rc) return store_commit(w, e);
    store_rollback(w, e);
    return rc;
}

typedef struct {
    store *st; /* the thread's own STORE_READ connection; closed by the test */
    uint64_t seed;
    atomic_bool *writing;
    unsigned long proofs;
    int64_t largest; /* the largest size proved in */
    char fail[1200]; /* the first failure, "" when none */
} reader_arg;

static uint64_t next(uint64_t *x, uint64_t n)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x % n;
}

/* One inclusion and one consistency proof within the log's current size, each
 * checked against the frontier's roots. 0, or -1 with a->fail set. */
static int prove_once(reader_arg *a, uint64_t *x)
{
    hb_err e = {0};
    int64_t size = 0;
    if (log_size(a->st, &size, &e)) {
        snprintf(a->fail, sizeof a->fail, "log_size: %s", e.msg);
        return -1;
    }
    int64_t sz = 1 + (int64_t)next(x, (uint64_t)size), seq = 1 + (int64_t)next(x, (uint64_t)sz);
    log_inclusion in;
    if (log_prove(a->st, seq, sz, &in, &e)) {
        snprintf(a->fail, sizeof a->fail, "log_prove(%lld, %lld): %s", (long long)seq,
                 (long long)sz, e.msg);
        return -1;
    }
    if (memcmp(in.root, roots[sz], 32) || memcmp(in.leaf, leaves[seq], 32) ||
        !merkle_verify_inclusion(in.leaf, (uint64_t)seq - 1, (uint64_t)sz, &in.proof, roots[sz])) {
        snprintf(a->fail, sizeof a->fail, "inclusion of %lld in %lld: wrong", (long long)seq,
                 (long long)sz);
        return -1;
    }
    int64_t first = 1 + (int64_t)next(x, (uint64_t)sz);
    log_consistency co;
    if (log_consistent(a->st, first, sz, &co, &e)) {
        snprintf(a->fail, sizeof a->fail, "log_consistent(%lld, %lld): %s", (long long)first,
                 (long long)sz, e.msg);
        return -1;
    }
    if (memcmp(co.first_root, roots[first], 32) || memcmp(co.second_root, roots[sz], 32) ||
        !merkle_verify_consistency((uint64_t)first, (uint64_t)sz, roots[first], roots[sz],
                                   &co.proof)) {
        snprintf(a->fail, sizeof a->fail, "consistency %lld -> %lld: wrong", (long long)first,
                 (long long)sz);
        return -1;
    }
    if (sz > a->largest) a->largest = sz;
    return 0;
}

static void *reader(void *p)
{
    reader_arg *a = p;
    uint64_t x = a->seed;
    while (atomic_load(a->writing) || a->proofs < MIN_PROOFS) {
        if (prove_once(a, &x)) break;
        a->proofs++;
    }
    return NULL;
}

static void proofs_while_appending(const char *budget)
{
    merkle_frontier f;
    merkle_frontier_init(&f);
    for (int i = 1; i <= EVENTS; i++) {
        memset(leaves[i], 0x5a, 32);
        memcpy(leaves[i], &i, sizeof i);
        merkle_frontier_push(&f, leaves[i], NULL, NULL);
        merkle_frontier_root(&f, roots[i]);
    }
    char path[512];
    snprintf(path, sizeof path, "%s", tu_path(tu_tmpdir(), "ledger.db"));
    if (budget) setenv("HABEAS_TREE_CACHE", budget, 1);
    store *w = NULL;
    hb_err e = {0};
    assert_int_equal(store_open(path, STORE_CREATE, &w, &e), 0);
    tu_emitted em = {calloc(EVENTS, sizeof(store_node)), 0}; /* freed below */
    assert_non_null(em.nodes);
    merkle_frontier_init(&f);
    assert_int_equal(append_batch(w, &f, 1, FIRST, &em, &e), 0);

    atomic_bool writing = true;
    reader_arg args[READERS];
    pthread_t t[READERS];
    for (int i = 0; i < READERS; i++) {
        args[i] =
            (reader_arg){.seed = 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1), .writing = &writing};
        assert_int_equal(store_open(path, STORE_READ, &args[i].st, &e), 0);
        assert_ptr_equal(((sqlite_store *)args[i].st)->ncache.shared,
                         ((sqlite_store *)w)->ncache.shared);
    }
    unsetenv("HABEAS_TREE_CACHE");
    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, reader, &args[i]), 0);
    int rc = 0;
    for (int from = FIRST + 1; !rc && from <= EVENTS; from += BATCH) {
        int to = from + BATCH - 1 > EVENTS ? EVENTS : from + BATCH - 1;
        rc = append_batch(w, &f, from, to, &em, &e);
    }
    atomic_store(&writing, false);
    for (int i = 0; i < READERS; i++)
        pthread_join(t[i], NULL);
    free(em.nodes);
    assert_int_equal(rc, 0);
    unsigned long proofs = 0;
    uint64_t hits = 0;
    tree_cache *c = ((sqlite_store *)w)->ncache.shared;
    for (int i = 0; i < READERS; i++) {
        if (args[i].fail[0]) fail_msg("reader %d: %s", i, args[i].fail);
        proofs += args[i].proofs;
        hits += ((sqlite_store *)args[i].st)->ncache.hits;
        assert_true(args[i].largest > FIRST); /* it saw the log grow */
    }
    print_message("HABEAS_TREE_CACHE=%s: %lu proofs checked on %d threads, %llu cache hits\n",
                  budget ? budget : "(default)", proofs, READERS, (unsigned long long)hits);
    assert_true(hits > 0);
    tree_cache_preload_wait(c);
    tree_cache_info in;
    tree_cache_stats(c, -1, &in);
    assert_int_equal(in.preload, 2); /* the readers set it off, beside the writer */
    for (int i = 0; i < READERS; i++)
        store_close(args[i].st);
    store_close(w);
}

static void proofs_on_threads_while_a_writer_appends(void **st)
{
    (void)st;
    proofs_while_appending(NULL);
}

/* 1 KiB: 18 entries, evicting all the time, puts meeting in the same sets. */
static void proofs_on_threads_with_a_tiny_cache(void **st)
{
    (void)st;
    proofs_while_appending("1K");
}

/* The last connection closing while the preload runs stops and joins it. */
static void closing_during_the_preload(void **st)
{
    (void)st;
    char path[512];
    snprintf(path, sizeof path, "%s", tu_path(tu_tmpdir(), "ledger.db"));
    store *w = NULL;
    hb_err e = {0};
    assert_int_equal(store_open(path, STORE_CREATE, &w, &e), 0);
    enum { N = 1 << 17 };
    store_node *nodes = calloc(N, sizeof *nodes); /* freed below */
    assert_non_null(nodes);
    for (int i = 0; i < N; i++) {
        nodes[i].level = 4 + i % 3;
        nodes[i].index = i / 3;
        hash_of(id_of(nodes[i].level, (uint64_t)nodes[i].index), nodes[i].hash);
    }
    assert_int_equal(store_begin(w, &e), 0);
    assert_int_equal(store_tree_put(w, nodes, N, &e), 0);
    assert_int_equal(store_commit(w, &e), 0);
    store_close(w);
    for (int round = 0; round < 3; round++) {
        store *r = NULL;
        assert_int_equal(store_open(path, STORE_READ, &r, &e), 0);
        for (int i = 0; i < TREE_CACHE_PRELOAD_AFTER; i++) {
            uint8_t h[32];
            bool found = false;
            assert_int_equal(store_tree_get(r, nodes[i].level, nodes[i].index, h, &found, &e), 0);
            assert_true(found);
            assert_memory_equal(h, nodes[i].hash, 32);
        }
        if (round) usleep(2000 * (useconds_t)round); /* at once (round 0), or a little later */
        store_close(r);
    }
    free(nodes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_by_file_and_size),
        cmocka_unit_test(keys_hashes_and_misses),
        cmocka_unit_test(a_tree_that_fits_is_held_whole),
        cmocka_unit_test(a_bigger_tree_keeps_its_top),
        cmocka_unit_test(concurrent_puts_and_gets_never_tear),
        cmocka_unit_test(proofs_on_threads_while_a_writer_appends),
        cmocka_unit_test(proofs_on_threads_with_a_tiny_cache),
        cmocka_unit_test(closing_during_the_preload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
