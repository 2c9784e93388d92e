/* api_events: POST /v1/events (one event or an array, all or nothing) and
 * GET /v1/events (the stored records from a seq, for followers). docs/api.md.
 *
 * A POST is decoded with the CLI's decoder and messages, authorised per event
 * type, then appended through one ledger batch under the app's write lock: the
 * 201 goes out only once the batch is durable; any refusal leaves the log, the
 * state and the findings as they were. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/app.h"
#include "http/authz.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "model/codec.h"
#include "model/jsonr.h"
#include "util/arena.h"

#define API_MAX_ERRORS 100 /* messages kept in a refusal; all are counted */
#define API_MAX_EVENTS 100000
#define EVENTS_DEFAULT_LIMIT 1000
#define EVENTS_MAX_LIMIT 10000

/* api_records.c: serialises reads of the log through the ledger's one store
 * connection (SQLite statements cannot be stepped by two threads at once). */

#define PROBLEM_BASE "https://habeas.invalid/problems/"

/* A problem with the refusal's messages: "errors" (the first API_MAX_ERRORS, in
 * order) and "errors_total". Always 0, like http_problem. */
static int refused(http_resp *out, const hb_errlist *errs, const char *fmt, size_t n)
{
    char detail[256];
    snprintf(detail, sizeof detail, fmt, n, n == 1 ? "" : "s");
    json_t *list = json_array();
    for (size_t i = 0; list && i < errs->n; i++)
        json_array_append_new(list, json_string(errs->msgs[i]));
    json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:o, s:I}", "type", PROBLEM_BASE "events-refused",
                          "title", "Events refused", "status", 422, "detail", detail, "errors",
                          list, "errors_total", (json_int_t)errs->total);
    out->content_type = "application/problem+json";
    http_json(out, 422, j);
    return 0;
}

/* The events of a request: decoded into one arena (they point into it). */
typedef struct {
    event *ev; /* malloc'd */
    size_t n, cap;
    arena a;
    hb_errlist errs;
    size_t bad; /* events refused by the decoder */
    bool array; /* the body was an array: messages say "events[i]" */
} posted;

static int posted_add(posted *p, const char *s, size_t n, const char *where)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        event *ev = realloc(p->ev, cap * sizeof *ev);
        if (!ev) return HB_EINTERNAL;
        p->ev = ev;
        p->cap = cap;
    }
    /* A refused event is kept too: its type, when known, is still authorised
     * first, so a role learns it may not post a type before it learns the shape. */
    int rc = event_decode(s, n, &p->a, &p->ev[p->n], &p->errs, where);
    if (rc == HB_EINPUT) {
        p->bad++;
        rc = 0;
    }
    if (!rc) p->n++;
    return rc;
}

/* Walks a top-level array, decoding each element by its own bytes so that each
 * message says which element ("events[3]: transfer.proposed.persons[1]: ...").
 * 0; HB_EINPUT when the body is not JSON (r says where); HB_EINTERNAL. */
static int decode_array(posted *p, const char *body, size_t len, jsonr *r)
{
    jsonr_init(r, body, len);
    if (jsonr_array_begin(r)) return HB_EINPUT;
    int more;
    for (size_t i = 0; (more = jsonr_element(r)) == 1; i++) {
        if (i >= API_MAX_EVENTS) {
            jsonr_fail(r, "too many events in one request (at most 100000)");
            return HB_EINPUT;
        }
        jsonr_peek(r);
        size_t start = r->pos;
        if (jsonr_skip(r)) return HB_EINPUT;
        char where[32];
        snprintf(where, sizeof where, "events[%zu]", i);
        if (posted_add(p, body + start, r->pos - start, where)) return HB_EINTERNAL;
    }
    return more < 0 || jsonr_finish(r) ? HB_EINPUT : 0;
}

static int decode_body(posted *p, const http_req *req, http_resp *out)
{
    const char *body = req->body ? req->body : "";
    size_t len = req->body ? req->body_len : 0;
    jsonr r;
    jsonr_init(&r, body, len);
    jsonr_kind k = jsonr_peek(&r);
    int rc = 0;
    if (k == JV_ARRAY) {
        p->array = true;
        rc = decode_array(p, body, len, &r);
    } else if (k == JV_OBJECT) {
        rc = jsonr_skip(&r) || jsonr_finish(&r) ? HB_EINPUT : 0;
        if (!rc && posted_add(p, body, len, "event")) rc = HB_EINTERNAL;
    } else if (k != JV_NONE) {
        return http_problem(out, 422, "events-refused", "Events refused", "body",
                            "an event object or an array of events",
                            "the body is JSON but neither an event object nor an array of them");
    } else {
        rc = HB_EINPUT;
    }
    if (rc == HB_EINPUT)
        return http_problem(out, 400, "invalid-json", "Invalid JSON", "body",
                            "one event object or a JSON array of events",
                            "the body is not valid JSON: %s at byte %zu",
                            r.why ? r.why : "empty body", r.at);
    if (rc)
        return http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                            "out of memory decoding the events");
    if (!p->n)
        return http_problem(out, 422, "events-refused", "Events refused", "body",
                            "at least one event", "an empty array holds no event to append");
    return 0;
}

/* Every event's type must be one the caller's role may post; the first that is
 * not is named with the roles that may. */
static int authorise(const http_call *c, const posted *p, http_resp *out)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->ev[i].type == EV__COUNT || authz_event(p->ev[i].type, c->role)) continue;
        char roles[128];
        authz_event_roles(p->ev[i].type, roles, sizeof roles);
        const char *type = event_type_name(p->ev[i].type);
        char field[32];
        snprintf(field, sizeof field, p->array ? "events[%zu].type" : "type", i);
        return http_problem(out, 403, "event-forbidden", "Forbidden", field, roles,
                            "the %s role may not post %s events (allowed: %s); nothing was stored",
                            http_role_name(c->role), type ? type : "?", roles);
    }
    return 0;
}

static json_t *seqs_json(int64_t first, int64_t last)
{
    json_t *a = json_array();
    for (int64_t s = first; a && s <= last; s++)
        if (json_array_append_new(a, json_integer(s))) {
            json_decref(a);
            return NULL;
        }
    return json_pack("{s:I, s:I, s:o}", "first", (json_int_t)first, "last", (json_int_t)last,
                     "seqs", a);
}

/* One batch under the write lock: every event staged (all messages collected),
 * then a durable commit, or nothing. */
static int append(http_call *c, posted *p, http_resp *out)
{
    http_app *app = c->app;
    hb_err err = {0};
    ledger_batch *b = NULL;
    int64_t first = 0, last = 0;
    size_t bad = 0;
    http_app_write(app);
    int rc = ledger_batch_begin(app->l, c->actor, &b, &err);
    if (rc) b = NULL;
    for (size_t i = 0; !rc && i < p->n; i++) {
        char where[32];
        snprintf(where, sizeof where, p->array ? "events[%zu]" : "event", i);
        rc = ledger_batch_add(b, &p->ev[i], &p->errs, where);
        if (rc == HB_EINPUT) {
            bad++;
            rc = 0;
        }
    }
    if (!rc && !bad)
        rc = ledger_batch_commit(b, &first, &last, &err);
    else if (b)
        ledger_batch_abort(b);
    http_app_write_end(app);
    if (bad) return refused(out, &p->errs, "%zu event%s refused: nothing was stored", bad);
    if (rc)
        return http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                            "the events could not be stored: %s", err.msg);
    if (app->metrics) metrics_events(app->metrics, last - first + 1);
    json_t *j = seqs_json(first, last);
    return j ? http_json(out, 201, j) : HB_EINTERNAL;
}

int api_events_post(http_call *c, http_resp *out)
{
    posted p = {0};
    arena_init(&p.a, 64 * 1024);
    errlist_init(&p.errs, API_MAX_ERRORS);
    int rc = decode_body(&p, c->req, out);
    if (!rc && !out->status) rc = authorise(c, &p, out);
    if (!rc && !out->status && p.bad)
        rc = refused(out, &p.errs, "%zu event%s refused: nothing was stored", p.bad);
    if (!rc && !out->status) rc = append(c, &p, out);
    errlist_free(&p.errs);
    arena_free(&p.a);
    free(p.ev);
    return rc;
}

/* ------------------------------------------------------------------ GET */

typedef struct {
    json_t *records;
    buf line;
} export_ctx;

static int export_one(void *ctx, const record *r)
{
    export_ctx *x = ctx;
    buf_clear(&x->line);
    if (record_export(&x->line, r)) return HB_EINTERNAL;
    json_t *j = json_loadb(x->line.p, x->line.len, 0, NULL);
    return j && !json_array_append_new(x->records, j) ? 0 : HB_EINTERNAL;
}

/* Records [from, from + n), read under the read lock through a pooled read-only
 * connection (app.h). */
static int read_records(http_app *app, int64_t from, int64_t n, json_t *records, hb_err *err)
{
    int64_t *seqs = malloc((size_t)(n ? n : 1) * sizeof *seqs);
    if (!seqs) return hb_fail(err, HB_EINTERNAL, "out of memory");
    for (int64_t i = 0; i < n; i++)
        seqs[i] = from + i;
    export_ctx x = {records, BUF_INIT};
    store *st;
    int rc = http_app_reader(app, &st, err);
    if (!rc) rc = ledger_read_from(app->l, st, seqs, (size_t)n, export_one, &x, err);
    http_app_reader_end(app, st);
    buf_free(&x.line);
    free(seqs);
    return rc;
}

int api_events_get(http_call *c, http_resp *out)
{
    int64_t from, limit;
    if (http_query_int(c->req, out, "from", 1, 1, INT64_MAX / 2, &from) ||
        http_query_int(c->req, out, "limit", EVENTS_DEFAULT_LIMIT, 1, EVENTS_MAX_LIMIT, &limit))
        return 0;
    json_t *records = json_array();
    if (!records) return HB_EINTERNAL;
    hb_err err = {0};
    http_app_read(c->app);
    int64_t size = ledger_size(c->app->l);
    int64_t n = from > size ? 0 : size - from + 1 < limit ? size - from + 1 : limit;
    int rc = n ? read_records(c->app, from, n, records, &err) : 0;
    http_app_read_end(c->app);
    if (rc) {
        json_decref(records);
        return http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                            "cannot read the log: %s", err.msg[0] ? err.msg : "out of memory");
    }
    int64_t next = from + n;
    return http_json(out, 200,
                     json_pack("{s:o, s:o, s:I}", "records", records, "next",
                               next <= size ? json_integer(next) : json_null(), "size",
                               (json_int_t)size));
}
