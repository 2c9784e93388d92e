/* hash_batch: queued SHA-256 messages hashed by libipsec-mb's job API, or by
 * libcrypto (hash_batch.h).
 *
 * Messages are copied end to end into one growing scratch buffer and named by
 * offset, so growing it (realloc) never leaves a queued job pointing at freed
 * memory: jobs are made only in hash_batch_run, once nothing moves any more.
 *
 * libipsec-mb runs a job as soon as every SIMD lane holds one, and a flush runs
 * a partly filled set at the cost of a full one: a batch of fewer than
 * MIN_JOBS messages costs more than libcrypto hashing them one by one, so
 * libcrypto does. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "ledger/hash_batch.h"
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#ifdef HB_HAVE_IPSEC_MB
/* Without it the header's pre-0.53 names (SHA1, ...) clash with openssl/sha.h. */
#define NO_COMPAT_IMB_API_053
#include <intel-ipsec-mb.h>
#endif

/* Measured on the build machine (AMD EPYC, AVX-512 and SHA-NI), per 282-byte
 * message: batches of 4 cost 318 ns against libcrypto's 235, of 12 154 ns, of
 * 16 134 ns; 65-byte nodes break even with libcrypto from 16 on. */
#define MIN_JOBS 16

typedef struct {
    size_t off, len; /* the message: scratch[off .. off + len) */
    uint8_t *out;
} entry;

struct hash_batch {
    uint8_t *scratch; /* the queued messages end to end; malloc'd */
    size_t used, cap;
    entry *e; /* malloc'd */
    size_t n, ecap;
#ifdef HB_HAVE_IPSEC_MB
    IMB_MGR *mgr; /* NULL: libcrypto; freed with free_mb_mgr */
#endif
};

static void sha256(const uint8_t *msg, size_t len, uint8_t out[32])
{
    /* SHA256_* as merkle.c says: no allocation, no failure, SHA-NI. */
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, msg, len);
    SHA256_Final(out, &c);
}

#ifdef HB_HAVE_IPSEC_MB
/* A manager for this thread, or NULL when the library cannot serve here. */
static IMB_MGR *mgr_new(void)
{
    IMB_MGR *m = alloc_mb_mgr(0); /* freed by free_mb_mgr */
    if (!m) return NULL;
    IMB_ARCH arch = IMB_ARCH_NONE;
    init_mb_mgr_auto(m, &arch);
    /* Below AVX2 the library hashed no faster than libcrypto here (SSE with
     * SHA-NI: 0.99x), so there is nothing to gain from a second engine. */
    if (imb_get_errno(m) != 0 || arch < IMB_ARCH_AVX2) {
        free_mb_mgr(m);
        return NULL;
    }
    return m;
}
#endif

/* The next size up from cap (least when 0) that holds need. */
static size_t grown(size_t cap, size_t need, size_t least)
{
    size_t c = cap ? cap : least;
    while (c < need)
        c *= 2;
    return c;
}

/* Room for `bytes` more message bytes and one more entry; false when out of
 * memory (b unchanged but for a larger allocation). */
static bool reserve(hash_batch *b, size_t bytes)
{
    if (bytes > SIZE_MAX / 4 - b->used) return false;
    if (b->used + bytes > b->cap || !b->scratch) {
        size_t c = grown(b->cap, b->used + bytes, 64 * 1024);
        uint8_t *p = realloc(b->scratch, c);
        if (!p) return false;
        b->scratch = p;
        b->cap = c;
    }
    if (b->n + 1 > b->ecap) {
        size_t c = grown(b->ecap, b->n + 1, 256);
        entry *p = realloc(b->e, c * sizeof *p);
        if (!p) return false;
        b->e = p;
        b->ecap = c;
    }
    return true;
}

/* The engine $HABEAS_HASH asks for: 0 auto, 1 openssl, 2 ipsec-mb, -1 bad. */
static int wanted_engine(const char *v)
{
    if (!v || !*v || strcmp(v, "auto") == 0) return 0;
    if (strcmp(v, "openssl") == 0) return 1;
    if (strcmp(v, "ipsec-mb") == 0) return 2;
    return -1;
}

int hash_batch_new(hash_batch **out, hb_err *err)
{
    *out = NULL;
    const char *v = getenv("HABEAS_HASH");
    int want = wanted_engine(v);
    if (want < 0)
        return hb_fail(err, HB_EINPUT,
                       "HABEAS_HASH is '%s': it must be unset, 'auto', 'openssl' or 'ipsec-mb' "
                       "(the SHA-256 engine verify uses); unset it to let habeas choose",
                       v);
    hash_batch *b = calloc(1, sizeof *b); /* freed by hash_batch_free */
    /* Room from the start: a slot of zero bytes is then never NULL. */
    if (!b || !reserve(b, 1)) {
        hash_batch_free(b);
        return hb_fail(err, HB_EINTERNAL, "out of memory for a hash batch");
    }
#ifdef HB_HAVE_IPSEC_MB
    if (want != 1) b->mgr = mgr_new();
    bool have = b->mgr != NULL;
#else
    bool have = false;
#endif
    if (want == 2 && !have) {
        hash_batch_free(b);
        return hb_fail(err, HB_EINPUT,
                       "HABEAS_HASH=ipsec-mb, but libipsec-mb %s: unset HABEAS_HASH to use "
                       "libcrypto",
#ifdef HB_HAVE_IPSEC_MB
                       "cannot run here (it needs a CPU with AVX2 or better, and memory)"
#else
                       "was not found when habeas was built (install libipsec-mb-dev and "
                       "rebuild)"
#endif
        );
    }
    *out = b;
    return 0;
}

void hash_batch_free(hash_batch *b)
{
    if (!b) return;
#ifdef HB_HAVE_IPSEC_MB
    if (b->mgr) free_mb_mgr(b->mgr);
#endif
    free(b->scratch);
    free(b->e);
    free(b);
}

const char *hash_batch_engine(const hash_batch *b)
{
#ifdef HB_HAVE_IPSEC_MB
    if (b->mgr) return "ipsec-mb";
#endif
    (void)b;
    return "openssl";
}

size_t hash_batch_count(const hash_batch *b)
{
    return b->n;
}

uint8_t *hash_batch_slot(hash_batch *b, size_t len, uint8_t out[32])
{
    /* A zero-length message still gets a valid pointer: hash_batch_new made
     * the scratch. */
    if (!reserve(b, len)) return NULL;
    b->e[b->n++] = (entry){.off = b->used, .len = len, .out = out};
    uint8_t *p = b->scratch + b->used;
    b->used += len;
    return p;
}

int hash_batch_add(hash_batch *b, const void *msg, size_t len, uint8_t out[32])
{
    uint8_t *p = hash_batch_slot(b, len, out);
    if (!p) return HB_EINTERNAL;
    if (len) memcpy(p, msg, len);
    return 0;
}

#ifdef HB_HAVE_IPSEC_MB
/* A job the library handed back: its digest is in place unless it failed. */
static void job_done(const hash_batch *b, IMB_JOB *j)
{
    const entry *e = j->user_data;
    if (j->status != IMB_STATUS_COMPLETED) sha256(b->scratch + e->off, e->len, e->out);
}

static void run_ipsec(hash_batch *b)
{
    IMB_MGR *m = b->mgr;
    for (size_t i = 0; i < b->n; i++) {
        entry *e = &b->e[i];
        IMB_JOB *j = IMB_GET_NEXT_JOB(m);
        j->src = b->scratch + e->off;
        j->hash_start_src_offset_in_bytes = 0;
        j->msg_len_to_hash_in_bytes = e->len;
        j->auth_tag_output = e->out;
        j->auth_tag_output_len_in_bytes = 32;
        j->hash_alg = IMB_AUTH_SHA_256;
        j->cipher_mode = IMB_CIPHER_NULL;
        j->cipher_direction = IMB_DIR_ENCRYPT;
        j->chain_order = IMB_ORDER_HASH_CIPHER;
        j->user_data = e;
        /* Submitting may complete earlier jobs: take them all, so the queue
         * never fills and every digest is accounted for. */
        for (j = IMB_SUBMIT_JOB_NOCHECK(m); j; j = IMB_GET_COMPLETED_JOB(m))
            job_done(b, j);
    }
    for (IMB_JOB *j; (j = IMB_FLUSH_JOB(m));)
        job_done(b, j);
}
#endif

void hash_batch_run(hash_batch *b)
{
#ifdef HB_HAVE_IPSEC_MB
    if (b->mgr && b->n >= MIN_JOBS) {
        run_ipsec(b);
        b->n = b->used = 0;
        return;
    }
#endif
    for (size_t i = 0; i < b->n; i++)
        sha256(b->scratch + b->e[i].off, b->e[i].len, b->e[i].out);
    b->n = b->used = 0;
}
