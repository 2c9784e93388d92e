/* bench_locate: the public locator in process, without HTTP, on a real ledger.
 *
 *   bench_locate --db FILE --queries FILE [--rounds N]
 *
 * FILE.locate.txt as bench_http.sh writes it (one /v1/locate?... line per
 * query). Each query is parsed, searched and its answer written; each step is
 * timed alone. Baseline in the same run: the same answers built as a jansson
 * tree and dumped (what the server did before it wrote the bytes directly).
 * Prints mean, p50 and p99 per step and the ratio writer / jansson. See
 * docs/bench.md. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ledger/ledger.h"
#include "rules/locate.h"

typedef struct {
    char *family, *given, *cc, *date; /* owned */
} query;

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* A percent-decoded copy of s[0..n) (caller frees). */
static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; out && i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i] == '+' ? ' ' : s[i];
        }
    }
    if (out) *o = '\0';
    return out;
}

static void parse_line(char *line, query *q)
{
    memset(q, 0, sizeof *q);
    char *p = strchr(line, '?');
    for (char *kv = p ? p + 1 : line; kv && *kv;) {
        char *amp = strchr(kv, '&'), *eq = strchr(kv, '=');
        size_t len = amp ? (size_t)(amp - kv) : strlen(kv);
        if (eq && (size_t)(eq - kv) < len) {
            char **dst = !strncmp(kv, "family=", 7)           ? &q->family
                         : !strncmp(kv, "given=", 6)          ? &q->given
                         : !strncmp(kv, "birth_country=", 14) ? &q->cc
                         : !strncmp(kv, "birth_date=", 11)    ? &q->date
                                                              : NULL;
            if (dst) *dst = decode(eq + 1, len - (size_t)(eq + 1 - kv));
        }
        kv = amp ? amp + 1 : NULL;
    }
}

static query *load(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 1024;
    query *v = malloc(cap * sizeof *v);
    char line[2048];
    *n = 0;
    while (v && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (*n == cap) {
            query *w = realloc(v, (cap *= 2) * sizeof *v);
            if (!w) break;
            v = w;
        }
        parse_line(line, &v[(*n)++]);
    }
    fclose(f);
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *ns, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ns[i];
    qsort(ns, n, sizeof *ns, cmp_double);
    printf("  %-28s mean %8.2f us   p50 %8.2f us   p99 %8.2f us\n", what, sum / (double)n / 1e3,
           ns[n / 2] / 1e3, ns[n * 99 / 100] / 1e3);
}

static double total(const double *ns, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ns[i];
    return sum;
}

typedef struct {
    double *parse, *search, *write, *tree;
    size_t n, hits, errors;
} timings;

static void run_one(const state *s, const query *q, timings *t)
{
    locate_query lq;
    locate_fault f;
    locate_result r;
    double t0 = now_ns();
    if (locate_query_parse(q->family, q->given, q->cc, q->date, &lq, &f)) {
        t->errors++;
        return;
    }
    double t1 = now_ns();
    locate_search(s, &lq, &r);
    double t2 = now_ns();
    buf b = BUF_INIT;
    locate_write(&b, &r);
    double t3 = now_ns();
    json_t *j = locate_json(&r);
    char *d = json_dumps(j, JSON_COMPACT);
    double t4 = now_ns();
    if (!d || strcmp(d, b.p)) t->errors++;
    free(d);
    json_decref(j);
    buf_free(&b);
    locate_query_free(&lq);
    t->parse[t->n] = t1 - t0;
    t->search[t->n] = t2 - t1;
    t->write[t->n] = t3 - t2;
    t->tree[t->n] = t4 - t3;
    t->hits += r.n;
    t->n++;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *qpath = NULL;
    int rounds = 3, c;
    static const struct option LONG[] = {{"db", required_argument, NULL, 'd'},
                                         {"queries", required_argument, NULL, 'q'},
                                         {"rounds", required_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    while ((c = getopt_long(argc, argv, "", LONG, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'q')
            qpath = optarg;
        else if (c == 'r')
            rounds = atoi(optarg);
        else
            return 2;
    }
    if (!db || !qpath || rounds < 1) {
        fprintf(stderr, "usage: bench_locate --db FILE --queries FILE [--rounds N]\n");
        return 2;
    }
    size_t nq;
    query *qs = load(qpath, &nq);
    if (!qs || !nq) {
        fprintf(stderr, "bench_locate: cannot read queries from %s\n", qpath);
        return 1;
    }
    ledger *l;
    hb_err e;
    if (ledger_open(db, STORE_OPEN, &l, &e)) {
        fprintf(stderr, "bench_locate: %s: %s\n", db, e.msg);
        return 1;
    }
    size_t cap = nq * (size_t)rounds;
    timings t = {malloc(cap * sizeof(double)),
                 malloc(cap * sizeof(double)),
                 malloc(cap * sizeof(double)),
                 malloc(cap * sizeof(double)),
                 0,
                 0,
                 0};
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < nq; i++)
            run_one(ledger_state(l), &qs[i], &t);
    printf("bench_locate: %zu queries x %d rounds, %.2f results each on average\n", nq, rounds,
           t.n ? (double)t.hits / (double)t.n : 0.0);
    double w = total(t.write, t.n), j = total(t.tree, t.n);
    report("parse (normalise)", t.parse, t.n);
    report("search", t.search, t.n);
    report("write the answer", t.write, t.n);
    report("baseline: jansson tree+dump", t.tree, t.n);
    printf("  writer / jansson time        %.3f (%.1fx faster)\n", w / j, j / w);
    if (t.errors) printf("  %zu queries refused or answered differently\n", t.errors);
    ledger_close(l);
    for (size_t i = 0; i < nq; i++)
        free(qs[i].family), free(qs[i].given), free(qs[i].cc), free(qs[i].date);
    free(qs);
    free(t.parse), free(t.search), free(t.write), free(t.tree);
    return t.errors ? 1 : 0;
}
