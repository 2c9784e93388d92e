/* bench_proofs: latency of inclusion and consistency proofs on a real ledger.
 *
 *   bench_proofs --db FILE [--samples N] [--warmup N] [--seed N]
 *
 * Opens the ledger read-only (STORE_READ, as a server thread does), then draws
 * N random (seq, size) pairs, 1 <= seq <= size <= log size, and times
 * log_prove on each, then N random (first, second) pairs, 1 <= first <= second
 * <= log size, and times log_consistent on each. Every proof is checked with
 * merkle_verify_* outside the timed part, and the first 100 of each kind also
 * against log_root and the stored leaf hash: a wrong proof fails the bench.
 * Store reads per proof are counted by wrapping the store's ops table, less the
 * tree_get calls the shared node cache answered (counted apart). The timed
 * proofs start once the cache's preload, if the warm-up set it off, is done: the
 * figures are a serving process's steady state. Prints mean, p50, p99 and max per
 * kind and the goal (p99 under 100 us) marked met or MISSED, then the node
 * cache's size, fill and preload time ($HABEAS_TREE_CACHE sets its size; 0 turns
 * it off, to compare), the connection's page cache and the process's resident
 * memory. --page-cache sets the connection's SQLite page cache, to measure what
 * it buys. With no arguments it prints its usage and exits 0, so running every
 * bench_* blindly is harmless. Exit 0, 1 when a proof is wrong or the ledger
 * cannot be read, 2 for bad usage. See docs/bench.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ledger/log.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

#define GOAL_P99_US 100.0
#define CHECKED 100 /* proofs of each kind also checked against log_root */

static const char USAGE[] =
    "usage: bench_proofs --db FILE [--samples N] [--warmup N] [--seed N] [--page-cache KIB]\n"
    "\n"
    "Times log_prove (inclusion) and log_consistent (consistency) on random seqs and\n"
    "sizes of the ledger FILE, read-only, and prints mean, p50, p99 and max against\n"
    "the goal p99 < 100 us, and the store reads per proof.\n"
    "\n"
    "  --samples N   proofs of each kind (default 10000)\n"
    "  --warmup N    proofs of each kind first, not timed (default 1000)\n"
    "  --seed N      seed of the random draws (default 1)\n"
    "  --page-cache KIB  the connection's SQLite page cache (default: what a\n"
    "                read-only connection takes once it reads tree nodes, 8 MiB)\n";

/* Store reads, counted by wrapping the ops a proof can use. One thread only. */
static const struct store_ops *real;
static struct store_ops counting;
static unsigned long reads;
static const struct sqlite_node_cache *ncache; /* the connection's, to count hits */
static double preload_wait_s;                  /* how long the timed part waited for the preload */
static sqlite3 *bench_db;                      /* the connection's, for its page cache misses */

/* Pages the connection has read from the file (SQLite page cache misses). */
static unsigned long page_reads(void)
{
    int cur = 0, hi = 0;
    sqlite3_db_status(bench_db, SQLITE_DBSTATUS_CACHE_MISS, &cur, &hi, 0);
    return (unsigned long)cur;
}

/* Reads that reached SQLite so far: op calls less node cache hits. */
static unsigned long sql_reads(void)
{
    return reads - (unsigned long)ncache->hits;
}

static unsigned long cache_hits(void)
{
    return (unsigned long)ncache->hits;
}

static int c_tree_get(store *s, int level, int64_t index, uint8_t out[32], bool *found, hb_err *e)
{
    reads++;
    return real->tree_get(s, level, index, out, found, e);
}
static int c_leaf_hashes(store *s, int64_t from, size_t n, uint8_t (*out)[32], size_t *got,
                         hb_err *e)
{
    reads++;
    return real->leaf_hashes(s, from, n, out, got, e);
}
static int c_size(store *s, int64_t *n, hb_err *e)
{
    reads++;
    return real->size(s, n, e);
}
static int c_scan(store *s, int64_t from, int64_t to, store_row_fn fn, void *ctx, hb_err *e)
{
    reads++;
    return real->scan(s, from, to, fn, ctx, e);
}
static int c_meta_get(store *s, const char *k, char **v, hb_err *e)
{
    reads++;
    return real->meta_get(s, k, v, e);
}
static int c_head_latest(store *s, store_head *h, bool *found, hb_err *e)
{
    reads++;
    return real->head_latest(s, h, found, e);
}

static void count_reads(store *st)
{
    real = st->ops;
    counting = *real;
    counting.tree_get = c_tree_get;
    counting.leaf_hashes = c_leaf_hashes;
    counting.size = c_size;
    counting.scan = c_scan;
    counting.meta_get = c_meta_get;
    counting.head_latest = c_head_latest;
    st->ops = &counting;
}

static uint64_t rng_state;
static uint64_t rnd(uint64_t n) /* uniform enough in [0, n) for n << 2^64 */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (rng_state * 0x2545F4914F6CDD1DULL) % n;
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

typedef struct {
    double *ns;         /* one per sample; owned, freed at the end of main */
    unsigned long *rd;  /* store reads per sample that reached SQLite; owned */
    unsigned long *hit; /* node cache hits per sample; owned */
    unsigned long *pg;  /* pages read from the file per sample; owned */
    size_t n;
} stats;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts s->ns; returns p99 in us. */
static double report(const char *what, stats *s)
{
    double sum = 0;
    unsigned long rsum = 0, rmax = 0, hsum = 0, psum = 0;
    for (size_t i = 0; i < s->n; i++) {
        sum += s->ns[i];
        rsum += s->rd[i];
        hsum += s->hit[i];
        psum += s->pg[i];
        if (s->rd[i] > rmax) rmax = s->rd[i];
    }
    qsort(s->ns, s->n, sizeof s->ns[0], cmp_double);
    size_t i99 = (s->n * 99 + 99) / 100 - 1; /* the smallest value with 99 % at or below */
    double p50 = s->ns[s->n / 2] / 1e3, p99 = s->ns[i99] / 1e3;
    printf("  %-12s %9.1f %9.1f %9.1f %9.1f %12.1f %6lu %8.1f %6.2f   %-8s %s\n", what,
           sum / (double)s->n / 1e3, p50, p99, s->ns[s->n - 1] / 1e3, (double)rsum / (double)s->n,
           rmax, (double)hsum / (double)s->n, (double)psum / (double)s->n, "< 100 us",
           p99 < GOAL_P99_US ? "met" : "MISSED");
    return p99;
}

/* Before the first timed proof: the preload, once started, runs to its end. */
static void settle(void)
{
    if (!ncache->shared) return;
    double t0 = now_ns();
    tree_cache_preload_wait(ncache->shared);
    preload_wait_s = (now_ns() - t0) / 1e9;
}

/* The process's resident memory in KiB (VmRSS), or -1. */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kib) == 1) break;
    if (f) fclose(f);
    return kib;
}

/* The shared node cache's size, fill and preload; the page cache; memory. */
static void cache_report(store *st, long rss_open)
{
    const struct sqlite_node_cache *c = ncache;
    long rss = rss_kib(); /* before tree_cache_stats, which reads every set */
    if (c->shared) {
        tree_cache_info in;
        tree_cache_stats(c->shared, -1, &in);
        printf("  node cache (shared by the process's connections to the file): %zu entries "
               "(%.1f MiB), %zu filled; preload %s: %llu nodes offered in %.2f s (the timed "
               "part waited %.2f s)\n",
               in.entries, (double)in.bytes / 1048576.0, in.filled,
               in.preload == 2 ? "done"
               : in.preload    ? "running"
                               : "not started",
               (unsigned long long)in.preloaded, in.preload_secs, preload_wait_s);
    } else {
        printf("  node cache: off\n");
    }
    printf("  this connection: %llu tree_get answered by the node cache, %llu by SQLite\n",
           (unsigned long long)c->hits, (unsigned long long)c->sql);
    int cur = 0, hi = 0;
    sqlite3_db_status(((sqlite_store *)st)->db, SQLITE_DBSTATUS_CACHE_USED, &cur, &hi, 0);
    printf("  SQLite page cache of the connection: %.1f MiB used; process resident memory %.1f "
           "MiB (%.1f MiB after opening the ledger)\n",
           (double)cur / 1048576.0, (double)rss / 1024.0, (double)rss_open / 1024.0);
}

static int fail(const char *what, const hb_err *e)
{
    fprintf(stderr, "bench_proofs: %s: %s\n", what, e->msg);
    return 1;
}

/* Also compares with log_root and the stored leaf: the proof is of the right tree. */
static int check_inclusion(store *st, const log_inclusion *p, bool deep)
{
    hb_err e = {0};
    if (!merkle_verify_inclusion(p->leaf, (uint64_t)p->seq - 1, (uint64_t)p->size, &p->proof,
                                 p->root)) {
        fprintf(stderr,
                "bench_proofs: the inclusion proof of seq %lld in size %lld does not verify\n",
                (long long)p->seq, (long long)p->size);
        return 1;
    }
    if (!deep) return 0;
    uint8_t root[32], leaf[1][32];
    size_t got = 0;
    if (log_root(st, p->size, root, &e)) return fail("log_root", &e);
    if (store_leaf_hashes(st, p->seq, 1, leaf, &got, &e)) return fail("reading a leaf hash", &e);
    if (got != 1 || memcmp(leaf[0], p->leaf, 32) != 0 || memcmp(root, p->root, 32) != 0) {
        fprintf(stderr,
                "bench_proofs: the inclusion proof of seq %lld in size %lld names another "
                "leaf or root than the log holds\n",
                (long long)p->seq, (long long)p->size);
        return 1;
    }
    return 0;
}

static int check_consistency(store *st, const log_consistency *p, bool deep)
{
    hb_err e = {0};
    if (!merkle_verify_consistency((uint64_t)p->first, (uint64_t)p->second, p->first_root,
                                   p->second_root, &p->proof)) {
        fprintf(stderr, "bench_proofs: the consistency proof from %lld to %lld does not verify\n",
                (long long)p->first, (long long)p->second);
        return 1;
    }
    if (!deep) return 0;
    uint8_t a[32], b[32];
    if (log_root(st, p->first, a, &e) || log_root(st, p->second, b, &e))
        return fail("log_root", &e);
    if (memcmp(a, p->first_root, 32) != 0 || memcmp(b, p->second_root, 32) != 0) {
        fprintf(stderr,
                "bench_proofs: the consistency proof from %lld to %lld names other roots "
                "than the log has\n",
                (long long)p->first, (long long)p->second);
        return 1;
    }
    return 0;
}

/* The store's counters when a timed call starts; sample_end files its figures. */
typedef struct {
    unsigned long reads, hits, pages;
    double t0;
} sample;

static sample sample_begin(void)
{
    sample b = {sql_reads(), cache_hits(), page_reads(), 0};
    b.t0 = now_ns();
    return b;
}

/* Call k of the timed part, or nothing while warming up (k < 0). */
static void sample_end(const sample *b, double t, stats *s, long k)
{
    if (k < 0) return;
    s->ns[k] = t - b->t0;
    s->rd[k] = sql_reads() - b->reads;
    s->hit[k] = cache_hits() - b->hits;
    s->pg[k] = page_reads() - b->pages;
}

/* warmup + n inclusion proofs; the last n timed into s. */
static int run_inclusion(store *st, int64_t size, size_t warmup, size_t n, stats *s)
{
    log_inclusion p;
    for (size_t i = 0; i < warmup + n; i++) {
        hb_err e = {0};
        int64_t sz = 1 + (int64_t)rnd((uint64_t)size);
        int64_t seq = 1 + (int64_t)rnd((uint64_t)sz);
        if (i == warmup) settle();
        sample b = sample_begin();
        int rc = log_prove(st, seq, sz, &p, &e);
        double t = now_ns();
        sample_end(&b, t, s, (long)i - (long)warmup);
        if (rc) return fail("log_prove", &e);
        if (check_inclusion(st, &p, i < CHECKED)) return 1;
    }
    s->n = n;
    return 0;
}

static int run_consistency(store *st, int64_t size, size_t warmup, size_t n, stats *s)
{
    log_consistency p;
    for (size_t i = 0; i < warmup + n; i++) {
        hb_err e = {0};
        int64_t first = 1 + (int64_t)rnd((uint64_t)size);
        int64_t second = first + (int64_t)rnd((uint64_t)(size - first + 1));
        if (i == warmup) settle();
        sample b = sample_begin();
        int rc = log_consistent(st, first, second, &p, &e);
        double t = now_ns();
        sample_end(&b, t, s, (long)i - (long)warmup);
        if (rc) return fail("log_consistent", &e);
        if (check_consistency(st, &p, i < CHECKED)) return 1;
    }
    s->n = n;
    return 0;
}

static int parse_count(const char *s, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || *s == '-') return -1;
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    size_t samples = 10000, warmup = 1000, seed = 1, page_kib = 0;
    static const struct option longs[] = {{"db", required_argument, 0, 'd'},
                                          {"samples", required_argument, 0, 'n'},
                                          {"warmup", required_argument, 0, 'w'},
                                          {"seed", required_argument, 0, 's'},
                                          {"page-cache", required_argument, 0, 'p'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    if (argc == 1) {
        fputs(USAGE, stdout);
        return 0;
    }
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'n':
            bad = parse_count(optarg, &samples) || samples == 0;
            break;
        case 'w':
            bad = parse_count(optarg, &warmup);
            break;
        case 's':
            bad = parse_count(optarg, &seed);
            break;
        case 'p':
            bad = parse_count(optarg, &page_kib) || page_kib == 0 || page_kib > (1u << 30);
            break;
        case 'h':
            fputs(USAGE, stdout);
            return 0;
        default:
            bad = 1;
        }
        if (bad) {
            fprintf(stderr, "bench_proofs: bad value for an option\n%s", USAGE);
            return 2;
        }
    }
    if (!db || optind != argc) {
        fprintf(stderr, "bench_proofs: --db FILE is required, and nothing else\n%s", USAGE);
        return 2;
    }
    rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)seed;
    if (!rng_state) rng_state = 1;

    store *st = NULL; /* closed at the end */
    hb_err e = {0};
    if (store_open(db, STORE_READ, &st, &e)) return fail("opening the ledger", &e);
    long rss_open = rss_kib();
    bench_db = ((sqlite_store *)st)->db;
    if (page_kib) {
        /* The first tree_get sets a proof connection's own size: read one first. */
        uint8_t h[32];
        bool found;
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size=-%zu", page_kib);
        if (store_tree_get(st, 63, 0, h, &found, &e) ||
            sqlite3_exec(bench_db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            store_close(st);
            fprintf(stderr, "bench_proofs: cannot set the page cache to %zu KiB\n", page_kib);
            return 1;
        }
    }
    int64_t size = 0;
    if (log_size(st, &size, &e)) {
        store_close(st);
        return fail("log_size", &e);
    }
    if (size < 1) {
        store_close(st);
        fprintf(stderr, "bench_proofs: %s holds no events: nothing to prove\n", db);
        return 1;
    }
    count_reads(st);
    /* store_open gave a SQLite connection: its node cache is counted from here. */
    ncache = &((sqlite_store *)st)->ncache;
    printf("bench_proofs: %s, %lld events, %zu proofs of each kind after %zu untimed (seed %zu)\n",
           db, (long long)size, samples, warmup, seed);

    /* Freed at the end of main. */
    stats inc = {calloc(samples, sizeof(double)), calloc(samples, sizeof(unsigned long)),
                 calloc(samples, sizeof(unsigned long)), calloc(samples, sizeof(unsigned long)), 0};
    stats con = {calloc(samples, sizeof(double)), calloc(samples, sizeof(unsigned long)),
                 calloc(samples, sizeof(unsigned long)), calloc(samples, sizeof(unsigned long)), 0};
    int rc = 1;
    if (!inc.ns || !inc.rd || !inc.hit || !inc.pg || !con.ns || !con.rd || !con.hit || !con.pg) {
        fprintf(stderr, "bench_proofs: out of memory\n");
    } else if (!run_inclusion(st, size, warmup, samples, &inc) &&
               !run_consistency(st, size, warmup, samples, &con)) {
        printf("\n  %-12s %9s %9s %9s %9s %12s %6s %8s %6s   %s\n", "proof (us)", "mean", "p50",
               "p99", "max", "reads/proof", "max", "cached", "pages", "goal p99");
        report("inclusion", &inc);
        report("consistency", &con);
        printf("  every proof verified; the first %d of each kind also against log_root\n",
               CHECKED);
        cache_report(st, rss_open);
        rc = 0;
    }
    free(inc.ns), free(inc.rd), free(inc.hit), free(inc.pg);
    free(con.ns), free(con.rd), free(con.hit), free(con.pg);
    st->ops = real;
    store_close(st);
    return rc;
}
