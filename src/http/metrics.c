/* metrics: request counters and latency histograms as relaxed C11 atomics, so
 * the request path never takes a lock; the gauges that describe the ledger are
 * read from the app under its read lock when /metrics is rendered. */
#include "http/metrics.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include "http/app.h"
#include "http/routes.h"
#include "util/hbtime.h"

/* Exact statuses the API sends; anything else counts as "other". A fixed set
 * keeps the counter table static and the label set bounded. */
static const int STATUSES[] = {200, 201, 400, 401, 403, 404, 405, 413, 422, 429, 500, 501};
#define N_STATUS ((int)(sizeof STATUSES / sizeof STATUSES[0]) + 1)
#define N_ROUTE (R__COUNT + 1) /* the last one: unmatched */

/* Upper bounds in microseconds, 100 µs to 1 s, the last bucket being +Inf. */
static const int64_t BOUNDS_US[] = {100,   250,   500,    1000,   2500,   5000,   10000,
                                    25000, 50000, 100000, 250000, 500000, 1000000};
#define N_BOUND ((int)(sizeof BOUNDS_US / sizeof BOUNDS_US[0]))

typedef atomic_uint_fast64_t counter;

struct http_metrics {
    counter requests[N_ROUTE][N_STATUS];
    counter buckets[N_ROUTE][N_BOUND + 1]; /* not cumulative: rendering sums them */
    counter sum_us[N_ROUTE];
    counter events;
};

http_metrics *metrics_new(void)
{
    /* calloc zeroes the counters: all-zero bits is a valid zero for the
     * lock-free atomic integers of every platform we build on. */
    return calloc(1, sizeof(http_metrics));
}

void metrics_free(http_metrics *m)
{
    free(m);
}

static int status_index(int status)
{
    for (int i = 0; i < N_STATUS - 1; i++)
        if (STATUSES[i] == status) return i;
    return N_STATUS - 1;
}

static int bucket_index(int64_t micros)
{
    int b = 0;
    while (b < N_BOUND && micros > BOUNDS_US[b])
        b++;
    return b;
}

void metrics_request(http_metrics *m, int route, int status, int64_t micros)
{
    if (!m) return;
    int r = route >= 0 && route < R__COUNT ? route : R__COUNT;
    if (micros < 0) micros = 0;
    atomic_fetch_add_explicit(&m->requests[r][status_index(status)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->buckets[r][bucket_index(micros)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_us[r], (uint_fast64_t)micros, memory_order_relaxed);
}

void metrics_events(http_metrics *m, int64_t n)
{
    if (m && n > 0) atomic_fetch_add_explicit(&m->events, (uint_fast64_t)n, memory_order_relaxed);
}

static uint64_t load(counter *c)
{
    return (uint64_t)atomic_load_explicit(c, memory_order_relaxed);
}

static const char *route_label(int r)
{
    return r < R__COUNT ? routes_table()[r].pattern : "unmatched";
}

static int render_requests(http_metrics *m, buf *out)
{
    int rc = buf_puts(out, "# HELP habeas_http_requests_total HTTP requests answered, by route "
                           "pattern and status.\n"
                           "# TYPE habeas_http_requests_total counter\n");
    for (int r = 0; r < N_ROUTE && !rc; r++)
        for (int s = 0; s < N_STATUS && !rc; s++) {
            uint64_t n = load(&m->requests[r][s]);
            if (!n) continue; /* zero series would be 13 lines per route */
            char status[8];
            if (s < N_STATUS - 1)
                snprintf(status, sizeof status, "%d", STATUSES[s]);
            else
                snprintf(status, sizeof status, "other");
            rc = buf_printf(out, "habeas_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                            route_label(r), status, (unsigned long long)n);
        }
    return rc;
}

/* One route's histogram. Counts are read bucket by bucket while requests may
 * still land, so _count is the sum of the buckets read (never less than +Inf). */
static int render_histogram_route(http_metrics *m, int r, buf *out)
{
    const char *name = "habeas_http_request_duration_seconds";
    uint64_t cum = 0;
    int rc = 0;
    for (int b = 0; b <= N_BOUND && !rc; b++) {
        cum += load(&m->buckets[r][b]);
        char le[24];
        if (b < N_BOUND)
            snprintf(le, sizeof le, "%g", (double)BOUNDS_US[b] / 1e6);
        else
            snprintf(le, sizeof le, "+Inf");
        rc = buf_printf(out, "%s_bucket{route=\"%s\",le=\"%s\"} %llu\n", name, route_label(r), le,
                        (unsigned long long)cum);
    }
    if (!rc)
        rc = buf_printf(out, "%s_sum{route=\"%s\"} %.6f\n%s_count{route=\"%s\"} %llu\n", name,
                        route_label(r), (double)load(&m->sum_us[r]) / 1e6, name, route_label(r),
                        (unsigned long long)cum);
    return rc;
}

static int render_histograms(http_metrics *m, buf *out)
{
    int rc = buf_puts(out, "# HELP habeas_http_request_duration_seconds Time from routing to the "
                           "response being made, by route pattern.\n"
                           "# TYPE habeas_http_request_duration_seconds histogram\n");
    for (int r = 0; r < N_ROUTE && !rc; r++)
        rc = render_histogram_route(m, r, out);
    return rc;
}

/* Findings standing or raised as of now, per severity; the caller holds the read lock. */
static void count_findings(const findings *f, int64_t now, uint64_t n[SEV__COUNT])
{
    for (int s = 0; s < SEV__COUNT; s++)
        n[s] = 0;
    size_t total = f ? findings_count(f) : 0;
    for (size_t i = 0; i < total; i++) {
        const finding *x = findings_at(f, i);
        if (findings_active(x, now) && x->severity < SEV__COUNT) n[x->severity]++;
    }
}

static int render_app(http_app *a, buf *out)
{
    int64_t now = hbtime_now();
    uint64_t sev[SEV__COUNT];
    http_app_read(a);
    int64_t size = a->l ? ledger_size(a->l) : 0;
    count_findings(a->f, now, sev);
    http_app_read_end(a);
    int rc = buf_printf(out,
                        "# HELP habeas_log_size The last seq of the ledger: events in the log.\n"
                        "# TYPE habeas_log_size gauge\nhabeas_log_size %lld\n"
                        "# HELP habeas_findings Findings raised and not cleared as of now, by "
                        "severity.\n# TYPE habeas_findings gauge\n",
                        (long long)size);
    for (int s = 0; s < SEV__COUNT && !rc; s++)
        rc = buf_printf(out, "habeas_findings{severity=\"%s\"} %llu\n",
                        findings_severity_name((finding_severity)s), (unsigned long long)sev[s]);
    if (!rc)
        rc = buf_printf(out,
                        "# HELP habeas_uptime_seconds Seconds since this server opened the "
                        "ledger.\n# TYPE habeas_uptime_seconds gauge\nhabeas_uptime_seconds %lld\n",
                        (long long)((now - a->started_us) / 1000000));
    return rc;
}

int metrics_render(http_metrics *m, http_app *a, buf *out)
{
    int rc = 0;
    if (m) rc = render_requests(m, out);
    if (m && !rc) rc = render_histograms(m, out);
    if (m && !rc)
        rc = buf_printf(out,
                        "# HELP habeas_events_appended_total Events appended through this server "
                        "since it started.\n# TYPE habeas_events_appended_total counter\n"
                        "habeas_events_appended_total %llu\n",
                        (unsigned long long)load(&m->events));
    if (!rc && a) rc = render_app(a, out);
    return rc ? HB_EINTERNAL : 0;
}
