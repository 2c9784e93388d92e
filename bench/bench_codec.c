/* bench_codec: event_decode, event_canonical and record_decode + record_canonical
 * against jansson's json_loadb on the same line, in the same process, so the ratio
 * holds whatever the machine. Usage: bench_codec [seconds per measure, default 1]. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "model/codec.h"

static const char EVENT[] =
    "{\"type\":\"custody.admitted\",\"at\":\"2025-03-15T17:25:00-04:00\",\"person\":\"P-000123\","
    "\"facility\":\"F-CECOT\",\"unit\":\"F-CECOT-M1\",\"basis\":{\"kind\":\"agreement\","
    "\"reference\":\"AGR-2025-01\",\"until\":\"2026-03-15\",\"review_by\":\"2025-09-15\"}}";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef int (*step_fn)(void *ctx);

/* Runs fn in batches until `secs` have passed; returns calls per second. */
static double rate(step_fn fn, void *ctx, double secs)
{
    long calls = 0;
    double start = now(), t;
    do {
        for (int i = 0; i < 1000; i++) {
            if (fn(ctx)) {
                fprintf(stderr, "bench_codec: step failed\n");
                exit(3);
            }
        }
        calls += 1000;
    } while ((t = now()) - start < secs);
    return (double)calls / (t - start);
}

typedef struct {
    const char *line;
    size_t n;
    arena a;
    buf out;
    event ev;
    record rec;
} bench;

static int step_decode(void *ctx)
{
    bench *b = ctx;
    arena_reset(&b->a);
    return event_decode(b->line, b->n, &b->a, &b->ev, NULL, NULL);
}

static int step_canonical(void *ctx)
{
    bench *b = ctx;
    buf_clear(&b->out);
    return event_canonical(&b->out, &b->ev);
}

static int step_record(void *ctx)
{
    bench *b = ctx;
    arena_reset(&b->a);
    int rc = record_decode(b->line, b->n, &b->a, &b->rec, NULL, NULL);
    buf_clear(&b->out);
    return rc ? rc : record_canonical(&b->out, &b->rec);
}

static int step_jansson(void *ctx)
{
    bench *b = ctx;
    json_error_t e;
    json_t *j = json_loadb(b->line, b->n, 0, &e);
    if (!j) return 1;
    json_decref(j);
    return 0;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    if (secs <= 0) secs = 1.0;
    bench b = {EVENT, sizeof EVENT - 1, {0}, BUF_INIT, {0}, {0}};
    arena_init(&b.a, 0);
    if (step_decode(&b)) {
        fprintf(stderr, "bench_codec: the sample event does not decode\n");
        return 3;
    }
    double dec = rate(step_decode, &b, secs);
    double can = rate(step_canonical, &b, secs);
    /* The stored form of the same event, as replay reads it. */
    record r = {.seq = 1, .actor = {"cli:bench", 9}, .ev = b.ev};
    r.recorded_at.text = (hb_str){"2025-03-15T21:30:00.000001Z", 27};
    buf line = BUF_INIT;
    if (record_canonical(&line, &r)) return 3;
    bench br = {line.p, line.len, {0}, BUF_INIT, {0}, {0}};
    arena_init(&br.a, 0);
    double rec = rate(step_record, &br, secs);
    double jan = rate(step_jansson, &b, secs);
    double janr = rate(step_jansson, &br, secs);
    printf("event (%zu bytes): decode %.0f/s  canonical %.0f/s  jansson json_loadb %.0f/s  "
           "decode/jansson %.2fx\n",
           b.n, dec, can, jan, dec / jan);
    printf("record (%zu bytes): decode+canonical %.0f/s  jansson json_loadb %.0f/s  "
           "ratio %.2fx\n",
           br.n, rec, janr, rec / janr);
    buf_free(&line);
    buf_free(&b.out);
    buf_free(&br.out);
    arena_free(&b.a);
    arena_free(&br.a);
    return 0;
}
