/* bench_import: import, replay and memory figures against the goals, in one run.
 *
 *   bench_import [--events N] [--dir DIR] [--seed N]
 *
 * (a) import: events/s through ledger_import into a fresh ledger, wall time
 *     including the durable commit;
 * (b) baseline: the same stored rows (seq, body, hash) inserted with a prepared
 *     statement in one transaction into a fresh SQLite file with the store's
 *     pragmas: what the disk and SQLite alone allow;
 * (c) import / baseline;
 * (d) replay: events/s of ledger_open on the ledger just written;
 * (e) memory per person: state_memory() and the RSS growth across ledger_open.
 * See docs/bench.md. Exit 0 unless something fails functionally (a missed goal is
 * reported, not an error). sqlite3 is used directly here for the baseline only. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/synth_bulk.h"
#include "ledger/ledger.h"

#define GOAL_IMPORT 300000.0    /* events/s */
#define GOAL_RATIO 0.50         /* of the raw SQLite baseline */
#define GOAL_REPLAY 1000000.0   /* events/s */
#define GOAL_STATE_BYTES 1024.0 /* per person */

typedef struct {
    size_t events;
    uint64_t seed;
    const char *dir;
    char tmp[512]; /* the folder we made (removed at the end), or "" */
    char ledger_path[600], baseline_path[600];
} bench;

typedef struct {
    int64_t seq;
    size_t off, len; /* body at data + off, its hash right after */
} row_ref;

typedef struct {
    uint8_t *data;
    size_t len, cap;
    row_ref *v;
    size_t n, ncap;
} rows;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Resident set size in bytes, from /proc/self/statm (second field, in pages). */
static size_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (!f) return 0;
    if (fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    fclose(f);
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static const char *verdict(int met)
{
    return met ? "met" : "MISSED";
}

static int fail(const char *what, const hb_err *err)
{
    fprintf(stderr, "bench_import: %s: %s\n", what, err && err->msg[0] ? err->msg : "failed");
    return 1;
}

static void remove_db(const char *path)
{
    char p[700];
    const char *suffix[] = {"", "-wal", "-shm", "-journal", ".key"};
    for (int i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static void cleanup(bench *b)
{
    remove_db(b->ledger_path);
    remove_db(b->baseline_path);
    if (b->tmp[0] && rmdir(b->tmp) != 0)
        fprintf(stderr, "bench_import: cannot remove %s: %s\n", b->tmp, strerror(errno));
}

static int usage(const char *msg)
{
    if (msg) fprintf(stderr, "bench_import: %s\n", msg);
    fprintf(msg ? stderr : stdout,
            "usage: bench_import [--events N] [--dir DIR] [--seed N]\n"
            "  --events N  events to generate and import (default 1000000, >= 100)\n"
            "  --dir DIR   where to write the ledger and the baseline file (default: a new\n"
            "              folder under $TMPDIR or /tmp); the files are removed at the end\n"
            "  --seed N    seed of the synthetic data (default 1)\n");
    return msg ? 2 : 0;
}

static int parse(bench *b, int argc, char **argv)
{
    static const struct option lo[] = {{"events", required_argument, NULL, 'n'},
                                       {"dir", required_argument, NULL, 'd'},
                                       {"seed", required_argument, NULL, 's'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    b->events = 1000000;
    b->seed = 1;
    int c;
    char *end;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        if (c == 'h') return usage(NULL) - 1; /* -1: stop, exit 0 */
        if (c == 'd') {
            b->dir = optarg;
            continue;
        }
        if (c != 'n' && c != 's') {
            char msg[300];
            snprintf(msg, sizeof msg, "unknown option or missing value: \"%s\"",
                     optind - 1 < argc ? argv[optind - 1] : "?");
            return usage(msg);
        }
        errno = 0;
        unsigned long long v = strtoull(optarg, &end, 10);
        if (errno || *end || end == optarg || (c == 'n' && v < 100))
            return usage(c == 'n' ? "--events needs an integer >= 100" : "--seed needs an integer");
        if (c == 'n')
            b->events = (size_t)v;
        else
            b->seed = v;
    }
    if (optind < argc) return usage("unexpected argument");
    return 0;
}

static int make_dir(bench *b)
{
    if (!b->dir) {
        const char *t = getenv("TMPDIR");
        snprintf(b->tmp, sizeof b->tmp, "%s/bench-import-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(b->tmp)) {
            fprintf(stderr, "bench_import: cannot create %s: %s\n", b->tmp, strerror(errno));
            b->tmp[0] = '\0';
            return 1;
        }
        b->dir = b->tmp;
    }
    snprintf(b->ledger_path, sizeof b->ledger_path, "%s/bench-ledger.db", b->dir);
    snprintf(b->baseline_path, sizeof b->baseline_path, "%s/bench-baseline.db", b->dir);
    remove_db(b->ledger_path);
    remove_db(b->baseline_path);
    return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return 1;
    *p = q;
    *cap = c;
    return 0;
}

/* Copies each stored row (body then its 32-byte hash) into r. */
static int keep_row(void *ctx, const store_row *row)
{
    rows *r = ctx;
    if (grow((void **)&r->data, &r->cap, r->len + row->len + 32, 1) ||
        grow((void **)&r->v, &r->ncap, r->n + 1, sizeof *r->v))
        return 1;
    r->v[r->n++] = (row_ref){row->seq, r->len, row->len};
    memcpy(r->data + r->len, row->body, row->len);
    memcpy(r->data + r->len + row->len, row->hash, 32);
    r->len += row->len + 32;
    return 0;
}

static void rows_free(rows *r)
{
    free(r->data);
    free(r->v);
}

/* The store's settings (src/store/sqlite_open.c): page_size before the first
 * table, WAL, synchronous=FULL, a 64 MiB cache. */
static int baseline_insert(const char *path, const rows *r, double *secs)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_open(path, &db) == SQLITE_OK &&
             sqlite3_exec(db,
                          "PRAGMA page_size=16384; PRAGMA journal_mode=WAL;"
                          "PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
                          "CREATE TABLE events(seq INTEGER PRIMARY KEY, body BLOB NOT NULL,"
                          " hash BLOB NOT NULL);",
                          NULL, NULL, NULL) == SQLITE_OK;
    double t0 = now_s();
    ok = ok &&
         sqlite3_prepare_v2(db, "INSERT INTO events(seq, body, hash) VALUES (?1, ?2, ?3)", -1, &st,
                            NULL) == SQLITE_OK &&
         sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < r->n; i++) {
        const uint8_t *body = r->data + r->v[i].off;
        sqlite3_bind_int64(st, 1, r->v[i].seq);
        sqlite3_bind_blob(st, 2, body, (int)r->v[i].len, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, body + r->v[i].len, 32, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE && sqlite3_reset(st) == SQLITE_OK;
    }
    ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    *secs = now_s() - t0;
    if (!ok) fprintf(stderr, "bench_import: baseline: %s\n", db ? sqlite3_errmsg(db) : "no memory");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok ? 0 : 1;
}

typedef struct {
    synth_bulk_stats gen;
    size_t text_bytes;
    double gen_s, import_s, replay_s, baseline_s;
    int64_t replayed;
    size_t state_bytes, state_persons, rss_growth;
} figures;

/* (a): generate, then one ledger_import into a fresh ledger. */
static int run_import(const bench *b, figures *f)
{
    synth_w w;
    synth_w_init(&w);
    double t0 = now_s();
    if (synth_bulk(&w, b->seed, b->events, &f->gen)) {
        synth_w_free(&w);
        return fail("generating events", NULL);
    }
    f->gen_s = now_s() - t0;
    f->text_bytes = w.b.len;
    ledger *l = NULL;
    hb_err err = {0};
    if (ledger_open(b->ledger_path, STORE_CREATE, &l, &err)) {
        synth_w_free(&w);
        return fail("creating the ledger", &err);
    }
    hb_errlist errs;
    errlist_init(&errs, 5);
    int64_t first = 0, last = 0;
    t0 = now_s();
    int rc = ledger_import(l, "bench", w.b.p, w.b.len, "bench", &errs, &first, &last, &err);
    f->import_s = now_s() - t0;
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "bench_import: %s\n", errs.msgs[i]);
    if (rc)
        fail("import", &err);
    else if ((size_t)(last - first + 1) != f->gen.events)
        rc = fail("import: wrong count", NULL);
    errlist_free(&errs);
    ledger_close(l);
    synth_w_free(&w);
    return rc ? 1 : 0;
}

/* (d) and (e): reopen (replay), measure, and keep the stored rows for (b). */
static int run_replay(const bench *b, figures *f, rows *r)
{
#ifdef __GLIBC__
    malloc_trim(0); /* hand the import's freed memory back, so RSS growth is the replay's */
#endif
    size_t rss0 = rss_bytes();
    ledger *l = NULL;
    hb_err err = {0};
    double t0 = now_s();
    if (ledger_open(b->ledger_path, STORE_OPEN, &l, &err)) return fail("reopening", &err);
    f->replay_s = now_s() - t0;
    size_t rss1 = rss_bytes();
    f->rss_growth = rss1 > rss0 ? rss1 - rss0 : 0;
    const state *s = ledger_state(l);
    f->state_bytes = state_memory(s);
    f->state_persons = state_count_persons(s);
    f->replayed = ledger_size(l);
    int rc = 0;
    if ((size_t)f->replayed != f->gen.events) rc = fail("replay: wrong count", NULL);
    if (!rc && store_scan(ledger_store(l), 1, -1, keep_row, r, &err))
        rc = fail("reading the stored rows", &err);
    ledger_close(l);
    return rc;
}

static const char *grouped(double v, char out[32])
{
    char d[32];
    int n = snprintf(d, sizeof d, "%.0f", v), j = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) out[j++] = ',';
        out[j++] = d[i];
    }
    out[j] = '\0';
    return out;
}

/* "343,210 events/s" */
static const char *rate(double v, const char *unit, char out[48])
{
    char g[32];
    snprintf(out, 48, "%s %s", grouped(v, g), unit);
    return out;
}

static void report(const bench *b, const figures *f)
{
    char g1[32], g2[32], g3[32], r1[48];
    double import_rate = (double)f->gen.events / f->import_s;
    double base_rate = (double)f->gen.events / f->baseline_s;
    double ratio = import_rate / base_rate;
    double replay_rate = (double)f->replayed / f->replay_s;
    double persons = f->state_persons ? (double)f->state_persons : 1;
    double per_person = (double)f->state_bytes / persons;
    printf("bench_import: %s events, %s persons, %zu facilities, %s units (seed %" PRIu64 ")\n",
           grouped((double)f->gen.events, g1), grouped((double)f->gen.persons, g2),
           f->gen.facilities, grouped((double)f->gen.units, g3), b->seed);
    printf("  generated %.1f MB of JSON Lines in %.2f s; files in %s\n\n",
           (double)f->text_bytes / 1e6, f->gen_s, b->dir);
    printf("  %-28s %-24s %s\n", "figure", "measured", "goal");
    printf("  %-28s %-24s %-24s %s\n", "(a) import", rate(import_rate, "events/s", r1),
           ">= 300,000 events/s", verdict(import_rate >= GOAL_IMPORT));
    printf("  %-28s %s events in %.2f s, durable commit included\n", "",
           grouped((double)f->gen.events, g2), f->import_s);
    printf("  %-28s %-24s %s\n", "(b) baseline, raw SQLite", rate(base_rate, "rows/s", r1),
           "(reference)");
    printf("  %-28s %s rows in %.2f s: prepared INSERT, one transaction\n", "",
           grouped((double)f->gen.events, g2), f->baseline_s);
    snprintf(g3, sizeof g3, "%.1f %%", ratio * 100);
    printf("  %-28s %-24s %-24s %s\n", "(c) import / baseline", g3, ">= 50 %",
           verdict(ratio >= GOAL_RATIO));
    printf("  %-28s %-24s %-24s %s\n", "(d) replay (ledger_open)",
           rate(replay_rate, "events/s", r1), ">= 1,000,000 events/s",
           verdict(replay_rate >= GOAL_REPLAY));
    printf("  %-28s %s events in %.2f s\n", "", grouped((double)f->replayed, g2), f->replay_s);
    snprintf(g3, sizeof g3, "%.0f B", per_person);
    printf("  %-28s %-24s %-24s %s\n", "(e) state per person", g3, "<= 1,024 B",
           verdict(per_person <= GOAL_STATE_BYTES));
    printf("  %-28s state_memory %.1f MB / %s persons\n", "", (double)f->state_bytes / 1e6,
           grouped(persons, g2));
    snprintf(g3, sizeof g3, "%.0f B", (double)f->rss_growth / persons);
    printf("  %-28s %-24s %s\n", "    RSS growth per person", g3, "(reference)");
    printf("  %-28s +%.1f MB across ledger_open (state, allocator, SQLite cache)\n", "",
           (double)f->rss_growth / 1e6);
}

int main(int argc, char **argv)
{
    bench b = {0};
    int rc = parse(&b, argc, argv);
    if (rc) return rc < 0 ? 0 : rc;
    if (make_dir(&b)) return 1;
    figures f = {0};
    rows r = {0};
    rc = run_import(&b, &f);
    if (!rc) rc = run_replay(&b, &f, &r);
    if (!rc) rc = baseline_insert(b.baseline_path, &r, &f.baseline_s);
    if (!rc && r.n != f.gen.events) rc = fail("baseline: wrong row count", NULL);
    if (!rc) report(&b, &f);
    rows_free(&r);
    cleanup(&b);
    return rc;
}
