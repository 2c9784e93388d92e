/* hash_batch (src/ledger/hash_batch.h): every digest it writes is libcrypto's
 * SHA-256 of the queued bytes, on each engine ($HABEAS_HASH), for every message
 * length 0..1100 (one to 18 SHA-256 blocks and every padding case), random
 * contents, batches of 1 to 40 messages (below and above the size where the
 * multi-buffer engine takes over), messages queued into the array their digests
 * are written to (verify hashes a tree level in place), and batches that
 * outgrow the first scratch buffer while queued. A bad $HABEAS_HASH is refused
 * by name; when libipsec-mb was built in and the CPU can run it, it is the
 * default engine, so the default runs of verify's tests go through it. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "testutil.h"
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/hash_batch.h"
#include "ledger/leaf.h"
#include "ledger/merkle.h"

#define MAX_LEN 1100
#define MAX_BATCH 40

/* The engines to run every case on: libcrypto always, and libipsec-mb when it
 * can run here (else "auto" is libcrypto again, which does no harm). */
static const char *const ENGINES[] = {"openssl", "auto"};
#define NENGINES (sizeof ENGINES / sizeof ENGINES[0])

static hash_batch *batch_on(const char *engine)
{
    setenv("HABEAS_HASH", engine, 1);
    hash_batch *b = NULL; /* freed by the caller */
    hb_err e = {0};
    if (hash_batch_new(&b, &e)) fail_msg("hash_batch_new (%s): %s", engine, e.msg);
    unsetenv("HABEAS_HASH");
    return b;
}

static void fill_random(uint8_t *p, size_t n, unsigned *seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(rand_r(seed) >> 7);
}

static void sha256_ref(const uint8_t *p, size_t n, uint8_t out[32])
{
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, p, n);
    SHA256_Final(out, &c);
}

/* Every length 0..MAX_LEN, in batches of size messages, half of them queued
 * with hash_batch_add and half written into hash_batch_slot. */
static void every_length_in_batches_of(hash_batch *b, size_t size, unsigned *seed)
{
    uint8_t(*msgs)[MAX_LEN] = malloc(MAX_BATCH * sizeof *msgs); /* freed below */
    uint8_t got[MAX_BATCH][32], want[MAX_BATCH][32];
    size_t lens[MAX_BATCH];
    assert_non_null(msgs);
    for (size_t len = 0; len <= MAX_LEN;) {
        size_t n = 0;
        for (; n < size && len <= MAX_LEN; n++, len++) {
            lens[n] = len;
            fill_random(msgs[n], len, seed);
            sha256_ref(msgs[n], len, want[n]);
            memset(got[n], 0xee, 32);
            if (n % 2) {
                uint8_t *p = hash_batch_slot(b, len, got[n]);
                assert_non_null(p);
                memcpy(p, msgs[n], len);
            } else {
                assert_int_equal(hash_batch_add(b, msgs[n], len, got[n]), 0);
            }
            /* Copied when queued: changing the caller's bytes changes nothing. */
            memset(msgs[n], 0x5a, len);
        }
        assert_int_equal(hash_batch_count(b), n);
        hash_batch_run(b);
        assert_int_equal(hash_batch_count(b), 0);
        for (size_t i = 0; i < n; i++)
            if (memcmp(got[i], want[i], 32) != 0)
                fail_msg("%s: length %zu in a batch of %zu: digest differs from libcrypto's",
                         hash_batch_engine(b), lens[i], size);
    }
    free(msgs);
}

static void digests_are_sha256_for_every_length_and_batch_size(void **st)
{
    (void)st;
    for (size_t k = 0; k < NENGINES; k++) {
        hash_batch *b = batch_on(ENGINES[k]);
        unsigned seed = 1234 + (unsigned)k;
        for (size_t size = 1; size <= MAX_BATCH; size++)
            every_length_in_batches_of(b, size, &seed);
        hash_batch_free(b);
    }
}

/* A tree level hashed in place, as verify does: node j's parent written to
 * nodes[j] while later messages read nodes[2j'] and nodes[2j' + 1]. */
static void a_level_hashed_in_place_matches_merkle_node(void **st)
{
    (void)st;
    enum { N = 1024 };
    for (size_t k = 0; k < NENGINES; k++) {
        hash_batch *b = batch_on(ENGINES[k]);
        uint8_t got[N][32], want[N][32];
        unsigned seed = 99;
        fill_random(&got[0][0], sizeof got, &seed);
        memcpy(want, got, sizeof got);
        for (size_t count = N; count >= 2; count /= 2) {
            for (size_t j = 0; j < count / 2; j++) {
                uint8_t *p = hash_batch_slot(b, 65, got[j]);
                assert_non_null(p);
                p[0] = 0x01;
                memcpy(p + 1, got[2 * j], 64);
                merkle_node(want[2 * j], want[2 * j + 1], want[j]);
            }
            hash_batch_run(b);
            assert_memory_equal(got, want, 32 * (count / 2));
        }
        hash_batch_free(b);
    }
}

/* Leaf hashes queued on a batch are leaf_hash's. */
static void queued_leaf_hashes_are_leaf_hash(void **st)
{
    (void)st;
    for (size_t k = 0; k < NENGINES; k++) {
        hash_batch *b = batch_on(ENGINES[k]);
        uint8_t body[600], got[64][32], want[64][32];
        unsigned seed = 7;
        for (size_t i = 0; i < 64; i++) {
            size_t len = i * 9;
            fill_random(body, len, &seed);
            leaf_hash(body, len, want[i]);
            assert_int_equal(leaf_hash_add(b, body, len, got[i]), 0);
        }
        hash_batch_run(b);
        assert_memory_equal(got, want, sizeof want);
        hash_batch_free(b);
    }
}

/* Past the first scratch buffer (64 KiB) and entry array (256) while messages
 * are queued: each is still hashed from its own bytes. Freeing a batch with
 * messages queued frees them (ASan would see a leak). */
static void batches_that_outgrow_their_buffers(void **st)
{
    (void)st;
    enum { N = 1000, BIG = 200 * 1000 };
    for (size_t k = 0; k < NENGINES; k++) {
        hash_batch *b = batch_on(ENGINES[k]);
        uint8_t *big = malloc(BIG);                  /* freed below */
        uint8_t(*got)[32] = malloc(N * sizeof *got); /* freed below */
        uint8_t(*want)[32] = malloc(N * sizeof *want);
        assert_true(big && got && want);
        unsigned seed = 5;
        for (size_t i = 0; i < N; i++) {
            size_t len = i % 100 == 0 ? BIG - i : i % 300;
            fill_random(big, len, &seed);
            sha256_ref(big, len, want[i]);
            assert_int_equal(hash_batch_add(b, big, len, got[i]), 0);
        }
        hash_batch_run(b);
        assert_memory_equal(got, want, N * sizeof *got);
        for (size_t i = 0; i < 50; i++)
            assert_int_equal(hash_batch_add(b, big, 1000, got[i]), 0);
        hash_batch_free(b);
        free(big);
        free(got);
        free(want);
    }
}

static void the_engine_is_chosen_by_habeas_hash(void **st)
{
    (void)st;
    hash_batch *b = batch_on("openssl");
    assert_string_equal(hash_batch_engine(b), "openssl");
    hash_batch_free(b);

    const char *bad[] = {"OpenSSL", "ipsec", "sha256", " "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("HABEAS_HASH", bad[i], 1);
        hb_err e = {0};
        static char sentinel;
        b = (hash_batch *)&sentinel; /* must be set to NULL */
        assert_int_equal(hash_batch_new(&b, &e), HB_EINPUT);
        assert_null(b);
        if (!strstr(e.msg, "HABEAS_HASH is '") ||
            !strstr(e.msg, "it must be unset, 'auto', 'openssl' or 'ipsec-mb'"))
            fail_msg("HABEAS_HASH=%s: %s", bad[i], e.msg);
    }

    /* Built in and runnable: the default, and ipsec-mb gets it; else ipsec-mb
     * is refused saying why, and the default is libcrypto. */
    bool runnable = false;
#ifdef HB_HAVE_IPSEC_MB
    __builtin_cpu_init();
    runnable = __builtin_cpu_supports("avx2");
#endif
    setenv("HABEAS_HASH", "ipsec-mb", 1);
    hb_err e = {0};
    int rc = hash_batch_new(&b, &e);
    if (runnable) {
        assert_int_equal(rc, 0);
        assert_string_equal(hash_batch_engine(b), "ipsec-mb");
        hash_batch_free(b);
    } else {
        assert_int_equal(rc, HB_EINPUT);
        if (!strstr(e.msg, "HABEAS_HASH=ipsec-mb, but libipsec-mb "))
            fail_msg("HABEAS_HASH=ipsec-mb: %s", e.msg);
    }
    for (int i = 0; i < 3; i++) {
        if (i == 0) unsetenv("HABEAS_HASH");
        if (i == 1) setenv("HABEAS_HASH", "", 1);
        if (i == 2) setenv("HABEAS_HASH", "auto", 1);
        assert_int_equal(hash_batch_new(&b, &e), 0);
        assert_string_equal(hash_batch_engine(b), runnable ? "ipsec-mb" : "openssl");
        hash_batch_free(b);
    }
    unsetenv("HABEAS_HASH");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digests_are_sha256_for_every_length_and_batch_size),
        cmocka_unit_test(a_level_hashed_in_place_matches_merkle_node),
        cmocka_unit_test(queued_leaf_hashes_are_leaf_hash),
        cmocka_unit_test(batches_that_outgrow_their_buffers),
        cmocka_unit_test(the_engine_is_chosen_by_habeas_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
