/* api_log: the transparency log over HTTP (docs/transparency.md "HTTP",
 * docs/api.md): the newest signed head, an inclusion proof and a consistency
 * proof, as src/views/ builds them. Public: they reveal hashes, sizes and the
 * signed checkpoint, never a record.
 *
 * Parameters are strict, like the locator's: each route takes only its own,
 * each at most once, each a positive decimal integer; anything else is 400
 * log-bad-parameter naming the field. A well-formed number outside the log is
 * 400 log-out-of-range (not 404: the route exists and the client asked for a
 * tree that does not, the same kind of fault as a malformed number), naming
 * the field and the range that fits. A ledger with no signed head at all (one
 * written before heads existed and never opened with its key since) is 404
 * log-no-head.
 *
 * Locking: none of the app's. These routes read only the tree, the heads and the
 * log size through a pooled read-only connection; all three are append-only and
 * written in the transaction that commits the events they cover, so a committed
 * size's nodes never change and the size read first only grows. Appends are not
 * held up by proofs, and a bound checked against it still holds when the proof
 * is read. */
#include <stdio.h>
#include <string.h>
#include "http/app.h"
#include "http/routes.h"
#include "ledger/log.h"
#include "views/views.h"

typedef struct {
    const char *name;
    bool required;
    const char *what; /* for "missing" messages: what the number is */
    bool given;
    int64_t v;
} log_param;

/* A positive decimal integer that fits int64_t: digits only, no sign. */
static bool positive(const char *s, int64_t *v)
{
    if (!*s) return false;
    uint64_t x = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        x = x * 10 + (uint64_t)(*p - '0');
        if (x > (uint64_t)INT64_MAX) return false;
    }
    *v = (int64_t)x;
    return x > 0;
}

/* The names of ps, for messages: "seq and size", "no query parameters". */
static void names(const log_param *ps, size_t n, char *out, size_t cap)
{
    if (!n) {
        snprintf(out, cap, "no query parameters");
        return;
    }
    size_t at = 0;
    for (size_t i = 0; i < n && at < cap; i++) {
        int w = snprintf(out + at, cap - at, "%s%s",
                         i == 0       ? ""
                         : i + 1 == n ? " and "
                                      : ", ",
                         ps[i].name);
        at += w > 0 ? (size_t)w : 0;
    }
}

/* Fills ps from the query. true after setting a 400 log-bad-parameter. */
static bool bad_params(const http_req *r, http_resp *out, log_param *ps, size_t n)
{
    char known[64];
    names(ps, n, known, sizeof known);
    for (size_t i = 0; i < r->n_query; i++) {
        const http_param *q = &r->query[i];
        size_t k = 0;
        while (k < n && strcmp(q->name, ps[k].name) != 0)
            k++;
        if (k == n || !ps) { /* !ps: a route without parameters (n is 0) */
            http_problem(out, 400, "log-bad-parameter", "Invalid log parameter", q->name, known,
                         "unknown query parameter \"%.64s\": this route takes %s", q->name, known);
            return true;
        }
        if (ps[k].given) {
            http_problem(out, 400, "log-bad-parameter", "Invalid log parameter", ps[k].name,
                         "each parameter at most once", "%s is given more than once", ps[k].name);
            return true;
        }
        ps[k].given = true;
        if (!positive(q->value, &ps[k].v)) {
            http_problem(out, 400, "log-bad-parameter", "Invalid log parameter", ps[k].name,
                         "a positive integer",
                         "%s: expected a positive integer (1, 2, ...), "
                         "found \"%.40s\"",
                         ps[k].name, q->value);
            return true;
        }
    }
    for (size_t k = 0; k < n; k++)
        if (ps[k].required && !ps[k].given) {
            http_problem(out, 400, "log-bad-parameter", "Invalid log parameter", ps[k].name,
                         "a positive integer", "%s is required: %s", ps[k].name, ps[k].what);
            return true;
        }
    return false;
}

/* 400 log-out-of-range: field's value v is not in [1, max]; against says what max is. */
static int out_of_range(http_resp *out, const char *field, int64_t v, int64_t max,
                        const char *against)
{
    if (max < 1)
        return http_problem(out, 400, "log-out-of-range", "Outside the log", field,
                            "nothing yet: the log is empty",
                            "%s %lld: the log is empty, so there is nothing to prove yet; append "
                            "events first",
                            field, (long long)v);
    char expected[64];
    snprintf(expected, sizeof expected, "an integer from 1 to %lld", (long long)max);
    return http_problem(out, 400, "log-out-of-range", "Outside the log", field, expected,
                        "%s %lld is over %s (%lld): ask for %s", field, (long long)v, against,
                        (long long)max, expected);
}

/* The 500 (or, for an HB_EINPUT the bounds above should have caught, the 400)
 * for a failed log read. Returns the handler's result. */
static int read_failed(http_resp *out, int rc, const hb_err *err)
{
    if (rc == HB_EINPUT) {
        http_problem(out, 400, "log-out-of-range", "Outside the log", NULL, NULL, "%s", err->msg);
        return 0;
    }
    http_problem(out, 500, "internal", "Internal error", NULL, NULL, "cannot read the log: %s",
                 err->code ? err->msg : "out of memory");
    return HB_EINTERNAL;
}

/* err's message names the database file: not for the public, so it is left out. */
static int no_head(http_resp *out)
{
    return http_problem(out, 404, "log-no-head", "No signed head", NULL, NULL,
                        "the ledger has no signed tree head yet: it was written before signed "
                        "heads existed and has not been opened with its key since; its operator "
                        "signs one by opening it for writing with the key file readable (e.g. "
                        "restarting `habeas serve`)");
}

int api_log_head(http_call *c, http_resp *out)
{
    if (bad_params(c->req, out, NULL, 0)) return 0;
    store *st;
    hb_err err = {0};
    store_head h;
    if (http_app_reader(c->app, &st, &err)) return read_failed(out, HB_EINTERNAL, &err);
    int rc = log_head(st, &h, &err);
    http_app_reader_end(c->app, st);
    if (rc == HB_EINPUT) return no_head(out);
    if (rc) return read_failed(out, rc, &err);
    return http_json(out, 200, views_log_head(&h));
}

int api_log_inclusion(http_call *c, http_resp *out)
{
    log_param ps[] = {{"seq", true, "the seq of the record to prove", false, 0},
                      {"size", false, NULL, false, 0}};
    if (bad_params(c->req, out, ps, 2)) return 0;
    int64_t seq = ps[0].v, size = ps[1].v, have = 0;
    store *st;
    hb_err err = {0};
    store_head h;
    if (http_app_reader(c->app, &st, &err)) return read_failed(out, HB_EINTERNAL, &err);
    /* One snapshot for the request: the size, the head and the proof agree. */
    int rc = store_read_begin(st, &err);
    if (!rc) rc = log_size(st, &have, &err);
    bool headless = false;
    if (!rc && !ps[1].given) {
        rc = log_head(st, &h, &err);
        headless = rc == HB_EINPUT;
        size = h.size;
    }
    log_inclusion p;
    if (rc || headless) {
        /* answered below */
    } else if (size > have) {
        out_of_range(out, "size", size, have, "the log's size");
    } else if (seq > size) {
        out_of_range(out, "seq", seq, size,
                     ps[1].given ? "the size asked for" : "the size of the newest signed head");
    } else {
        rc = log_prove(st, seq, size, &p, &err);
    }
    store_read_end(st);
    http_app_reader_end(c->app, st);
    if (headless) return no_head(out);
    if (rc) return read_failed(out, rc, &err);
    if (out->status) return 0;
    return http_json(out, 200, views_log_inclusion(&p));
}

int api_log_consistency(http_call *c, http_resp *out)
{
    log_param ps[] = {{"first", true, "the size of the older tree", false, 0},
                      {"second", true, "the size of the newer tree", false, 0}};
    if (bad_params(c->req, out, ps, 2)) return 0;
    int64_t first = ps[0].v, second = ps[1].v, have = 0;
    store *st;
    hb_err err = {0};
    if (http_app_reader(c->app, &st, &err)) return read_failed(out, HB_EINTERNAL, &err);
    int rc = store_read_begin(st, &err); /* one snapshot: the size and the proof agree */
    if (!rc) rc = log_size(st, &have, &err);
    log_consistency p;
    if (rc) {
        /* answered below */
    } else if (second > have) {
        out_of_range(out, "second", second, have, "the log's size");
    } else if (first > second) {
        out_of_range(out, "first", first, second, "second");
    } else {
        rc = log_consistent(st, first, second, &p, &err);
    }
    store_read_end(st);
    http_app_reader_end(c->app, st);
    if (rc) return read_failed(out, rc, &err);
    if (out->status) return 0;
    return http_json(out, 200, views_log_consistency(&p));
}
