/* http meta: /healthz, /v1/openapi.json and /metrics, in-process through
 * http_dispatch on a temporary ledger holding examples/minimal.jsonl.
 *
 * The OpenAPI document must describe exactly the route table (every routed
 * (method, path) documented, every documented one routed), each operation its
 * error responses as problem details, and what it serves must be docs/openapi.json
 * byte for byte. /metrics must count what was dispatched and be valid
 * Prometheus text. */
#include "testutil.h"
#include <jansson.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/app.h"
#include "http/authz.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "ledger/ledger.h"
#include "util/hbtime.h"

#ifndef HB_SOURCE_DIR
#define HB_SOURCE_DIR "."
#endif

static http_app *APP;
static int64_t EVENTS;

static int setup(void **ctx)
{
    (void)ctx;
    APP = tu_example_app("meta.db", &EVENTS);
    return 0;
}

static int teardown(void **ctx)
{
    (void)ctx;
    http_app_close(APP);
    return 0;
}

static void call(const char *method, const char *path, http_resp *out)
{
    http_req req = {.method = method, .path = path, .client = "127.0.0.1"};
    http_resp_init(out);
    http_dispatch(APP, &req, out);
}

static json_t *body_json(const http_resp *r)
{
    json_error_t e;
    json_t *j = json_loadb(r->body.p, r->body.len, 0, &e);
    if (!j) fail_msg("body is not JSON (%s): %.200s", e.text, r->body.p);
    return j;
}

static void test_healthz(void **ctx)
{
    (void)ctx;
    http_resp r;
    call("GET", "/healthz", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "application/json");
    json_t *j = body_json(&r);
    assert_int_equal(json_object_size(j), 3);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    assert_true(json_is_integer(json_object_get(j, "events")));
    assert_int_equal(json_integer_value(json_object_get(j, "events")), EVENTS);
    assert_true(EVENTS > 0);
    json_t *up = json_object_get(j, "uptime_s");
    assert_true(json_is_integer(up) && json_integer_value(up) >= 0);
    json_decref(j);
    http_resp_free(&r);
}

/* The document as served; the caller decrefs. */
static json_t *openapi(void)
{
    http_resp r;
    call("GET", "/v1/openapi.json", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "application/json");
    size_t len;
    char *file = tu_read(HB_SOURCE_DIR "/docs/openapi.json", &len);
    assert_non_null(file);
    /* Served = source: a stale build would fail here, not mislead a client. */
    assert_int_equal(r.body.len, len);
    assert_memory_equal(r.body.p, file, len);
    free(file);
    json_t *j = body_json(&r);
    http_resp_free(&r);
    return j;
}

static void lower(const char *s, char *out, size_t n)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    out[i] = '\0';
}

static const char *const METHODS[] = {"get", "post", "put", "delete", "patch", "head", "options"};

static void test_openapi_is_31(void **ctx)
{
    (void)ctx;
    json_t *doc = openapi();
    const char *v = json_string_value(json_object_get(doc, "openapi"));
    assert_non_null(v);
    assert_true(!strncmp(v, "3.1.", 4));
    assert_non_null(json_object_get(json_object_get(doc, "info"), "title"));
    json_t *bearer = json_object_get(
        json_object_get(json_object_get(doc, "components"), "securitySchemes"), "bearer");
    assert_string_equal(json_string_value(json_object_get(bearer, "scheme")), "bearer");
    json_decref(doc);
}

/* The test: the documented (method, path) set equals the routed one. */
static void test_openapi_matches_routes(void **ctx)
{
    (void)ctx;
    json_t *doc = openapi(), *paths = json_object_get(doc, "paths");
    assert_true(json_is_object(paths));
    const http_route *t = routes_table();
    for (int i = 0; i < R__COUNT; i++) {
        char m[16];
        lower(t[i].method, m, sizeof m);
        json_t *item = json_object_get(paths, t[i].pattern);
        if (!item || !json_object_get(item, m))
            fail_msg("route %s %s is not documented in docs/openapi.json", t[i].method,
                     t[i].pattern);
    }
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item)
    {
        for (size_t k = 0; k < sizeof METHODS / sizeof *METHODS; k++) {
            if (!json_object_get(item, METHODS[k])) continue;
            bool routed = false;
            for (int i = 0; i < R__COUNT; i++) {
                char m[16];
                lower(t[i].method, m, sizeof m);
                routed |= !strcmp(t[i].pattern, path) && !strcmp(m, METHODS[k]);
            }
            if (!routed)
                fail_msg("docs/openapi.json documents %s %s, which is not routed", METHODS[k],
                         path);
        }
    }
    json_decref(doc);
}

/* Follows a local "$ref" ("#/components/responses/E404"); fails on a dangling one. */
static json_t *deref(json_t *doc, json_t *x)
{
    const char *ref = json_string_value(json_object_get(x, "$ref"));
    if (!ref) return x;
    assert_true(!strncmp(ref, "#/", 2));
    char where[256];
    snprintf(where, sizeof where, "%s", ref + 2);
    json_t *at = doc;
    for (char *save = NULL, *seg = strtok_r(where, "/", &save); seg;
         seg = strtok_r(NULL, "/", &save))
        at = json_object_get(at, seg);
    if (!at) fail_msg("dangling $ref %s", ref);
    return at;
}

static void check_refs(json_t *doc, json_t *x)
{
    if (json_is_array(x)) {
        size_t i;
        json_t *v;
        json_array_foreach(x, i, v) check_refs(doc, v);
    } else if (json_is_object(x)) {
        deref(doc, x);
        const char *k;
        json_t *v;
        json_object_foreach(x, k, v) check_refs(doc, v);
    }
}

static void check_errors(json_t *doc, const http_route *rt, json_t *op)
{
    json_t *resp = json_object_get(op, "responses");
    int errors = 0, ok = 0;
    const char *code;
    json_t *r;
    json_object_foreach(resp, code, r)
    {
        if (code[0] == '2') ok++;
        if (code[0] != '4' && code[0] != '5') continue;
        errors++;
        json_t *media =
            json_object_get(json_object_get(deref(doc, r), "content"), "application/problem+json");
        if (!media) fail_msg("%s %s: %s is not a problem+json", rt->method, rt->pattern, code);
        json_t *schema = deref(doc, json_object_get(media, "schema"));
        assert_non_null(json_object_get(json_object_get(schema, "properties"), "type"));
    }
    if (!ok || !json_object_get(resp, "405") || !json_object_get(resp, "500"))
        fail_msg("%s %s: needs a 2xx, 405 and 500 response", rt->method, rt->pattern);
    /* Any route may meet a bad token, and a route for some roles only the public. */
    if (!json_object_get(resp, "401")) fail_msg("%s %s: documents no 401", rt->method, rt->pattern);
    assert_true(errors >= 3);
}

/* {name} segments are declared as path parameters, and nothing else is. */
static void check_path_params(const http_route *rt, json_t *op)
{
    int in_path = 0, in_pattern = 0;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(op, "parameters"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "in")), "path")) continue;
        char want[64];
        snprintf(want, sizeof want, "{%s}", json_string_value(json_object_get(p, "name")));
        if (!strstr(rt->pattern, want))
            fail_msg("%s %s: path parameter %s is not in the path", rt->method, rt->pattern, want);
        in_path++;
    }
    for (const char *s = rt->pattern; (s = strchr(s, '{')); s++)
        in_pattern++;
    assert_int_equal(in_path, in_pattern);
}

/* x-roles names roles, and (once authz.c holds its table rather than the
 * allow-all placeholder) exactly those authz_route allows. */
static void check_roles(const http_route *rt, json_t *op)
{
    json_t *roles = json_object_get(op, "x-roles");
    if (!json_is_array(roles) || !json_array_size(roles))
        fail_msg("%s %s: no x-roles", rt->method, rt->pattern);
    bool listed[ROLE__COUNT] = {0};
    size_t i;
    json_t *v;
    json_array_foreach(roles, i, v)
    {
        int r = http_role_of(json_string_value(v));
        if (r < 0) fail_msg("%s %s: unknown role in x-roles", rt->method, rt->pattern);
        listed[r] = true;
    }
    if (authz_route(R_EVENTS_POST, ROLE_PUBLIC)) return; /* the placeholder */
    for (int r = 0; r < ROLE__COUNT; r++)
        if (listed[r] != authz_route(rt->id, (http_role)r))
            fail_msg("%s %s: x-roles %s %s but authz.c %s it", rt->method, rt->pattern,
                     listed[r] ? "lists" : "leaves out", http_role_name((http_role)r),
                     authz_route(rt->id, (http_role)r) ? "allows" : "refuses");
}

/* POST /v1/events: x-event-roles names, for every event type of the catalogue,
 * exactly the roles authz_event allows (once authz.c is not the placeholder). */
static void check_event_roles(json_t *op)
{
    json_t *table = json_object_get(op, "x-event-roles");
    assert_int_equal(json_object_size(table), EV__COUNT);
    bool placeholder = authz_route(R_EVENTS_POST, ROLE_PUBLIC);
    for (int t = 0; t < EV__COUNT; t++) {
        json_t *roles = json_object_get(table, event_type_name((event_type)t));
        if (!json_is_array(roles)) fail_msg("x-event-roles has no %s", event_type_name(t));
        bool listed[ROLE__COUNT] = {0};
        size_t i;
        json_t *v;
        json_array_foreach(roles, i, v)
        {
            int r = http_role_of(json_string_value(v));
            assert_true(r > ROLE_PUBLIC);
            listed[r] = true;
        }
        for (int r = 0; r < ROLE__COUNT && !placeholder; r++)
            if (listed[r] != authz_event((event_type)t, (http_role)r))
                fail_msg("x-event-roles[%s] and authz.c differ on %s", event_type_name(t),
                         http_role_name((http_role)r));
    }
}

static void test_openapi_operations(void **ctx)
{
    (void)ctx;
    json_t *doc = openapi(), *paths = json_object_get(doc, "paths");
    check_refs(doc, doc);
    const http_route *t = routes_table();
    for (int i = 0; i < R__COUNT; i++) {
        char m[16];
        lower(t[i].method, m, sizeof m);
        json_t *op = json_object_get(json_object_get(paths, t[i].pattern), m);
        assert_non_null(op);
        assert_non_null(json_object_get(op, "operationId"));
        check_errors(doc, &t[i], op);
        check_path_params(&t[i], op);
        check_roles(&t[i], op);
        if (t[i].id != R_EVENTS_POST) continue;
        assert_non_null(json_object_get(op, "requestBody"));
        check_event_roles(op);
    }
    json_decref(doc);
}

/* Every line is a comment (# HELP / # TYPE) or a sample "name{labels} value"
 * whose family was typed first. */
static void check_exposition(const char *text)
{
    regex_t sample, help, type;
    assert_int_equal(regcomp(&sample,
                             "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\""
                             "(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? "
                             "(-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|\\+Inf|NaN)$",
                             REG_EXTENDED),
                     0);
    assert_int_equal(regcomp(&help, "^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&type, "^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$",
                             REG_EXTENDED),
                     0);
    char typed[1024] = " ";
    char *copy = strdup(text);
    assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        regmatch_t m[2];
        if (!regexec(&type, line, 2, m, 0)) {
            snprintf(typed + strlen(typed), sizeof typed - strlen(typed), "%.*s ",
                     (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
            continue;
        }
        if (!regexec(&help, line, 0, NULL, 0)) continue;
        if (regexec(&sample, line, 2, m, 0)) fail_msg("not an exposition line: %s", line);
        char name[128];
        snprintf(name, sizeof name, " %.*s ", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
        char *suffix = NULL;
        if (!strstr(typed, name)) {
            /* histogram samples: family_bucket, _sum, _count */
            for (const char *s = "_bucket \0_sum \0_count \0"; *s; s += strlen(s) + 1)
                if (strlen(name) > strlen(s) && !strcmp(name + strlen(name) - strlen(s), s))
                    suffix = name + strlen(name) - strlen(s);
            if (suffix) strcpy(suffix, " ");
            if (!suffix || !strstr(typed, name)) fail_msg("sample before its # TYPE: %s", line);
        }
    }
    free(copy);
    regfree(&sample);
    regfree(&help);
    regfree(&type);
}

/* The value of the sample line that starts with prefix ("name{labels} "), or -1. */
static double sample(const char *text, const char *prefix)
{
    for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
        if (!strncmp(s, prefix, strlen(prefix))) return strtod(s + strlen(prefix), NULL);
    return -1;
}

static int64_t active_findings(void)
{
    int64_t n = 0;
    int64_t now = hbtime_now();
    for (size_t i = 0; i < findings_count(APP->f); i++)
        n += findings_active(findings_at(APP->f, i), now);
    return n;
}

static void test_metrics(void **ctx)
{
    (void)ctx;
    http_resp r;
    /* Counters are cumulative over the app: read before, compare after. */
    call("GET", "/metrics", &r);
    double h0 = sample(r.body.p, "habeas_http_requests_total{route=\"/healthz\",status=\"200\"} ");
    double n404 =
        sample(r.body.p, "habeas_http_requests_total{route=\"unmatched\",status=\"404\"} ");
    double n405 =
        sample(r.body.p, "habeas_http_requests_total{route=\"unmatched\",status=\"405\"} ");
    double c0 = sample(r.body.p, "habeas_http_request_duration_seconds_count{route=\"/healthz\"} ");
    double ev0 = sample(r.body.p, "habeas_events_appended_total ");
    http_resp_free(&r);
    for (int i = 0; i < 3; i++) {
        call("GET", "/healthz", &r);
        http_resp_free(&r);
    }
    call("GET", "/no/such/route", &r);
    assert_int_equal(r.status, 404);
    http_resp_free(&r);
    call("POST", "/healthz", &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(r.allow, "GET");
    http_resp_free(&r);
    metrics_events(APP->metrics, 4);

    call("GET", "/metrics", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    const char *t = r.body.p;
    check_exposition(t);
    assert_true(sample(t, "habeas_http_requests_total{route=\"/healthz\",status=\"200\"} ") ==
                (h0 < 0 ? 0 : h0) + 3);
    assert_true(sample(t, "habeas_http_requests_total{route=\"unmatched\",status=\"404\"} ") ==
                (n404 < 0 ? 0 : n404) + 1);
    assert_true(sample(t, "habeas_http_requests_total{route=\"unmatched\",status=\"405\"} ") ==
                (n405 < 0 ? 0 : n405) + 1);
    assert_true(sample(t, "habeas_http_requests_total{route=\"/metrics\",status=\"200\"} ") >= 1);
    double count = sample(t, "habeas_http_request_duration_seconds_count{route=\"/healthz\"} ");
    assert_true(count == c0 + 3);
    assert_true(sample(t, "habeas_http_request_duration_seconds_bucket{route=\"/healthz\","
                          "le=\"+Inf\"} ") == count);
    assert_true(sample(t, "habeas_http_request_duration_seconds_sum{route=\"/healthz\"} ") >= 0);
    assert_true(sample(t, "habeas_events_appended_total ") == ev0 + 4);
    assert_true(sample(t, "habeas_log_size ") == (double)EVENTS);
    assert_true(sample(t, "habeas_uptime_seconds ") >= 0);
    double sev = 0;
    const char *names[] = {"critical", "high", "medium", "low"};
    for (int s = 0; s < 4; s++) {
        char p[64];
        snprintf(p, sizeof p, "habeas_findings{severity=\"%s\"} ", names[s]);
        double v = sample(t, p);
        assert_true(v >= 0);
        sev += v;
    }
    assert_true(sev == (double)active_findings());
    /* every route has its histogram, buckets cumulative */
    for (int i = 0; i < R__COUNT; i++) {
        char p[160];
        snprintf(p, sizeof p, "habeas_http_request_duration_seconds_bucket{route=\"%s\",le=\"1\"} ",
                 routes_table()[i].pattern);
        assert_true(sample(t, p) >= 0);
    }
    http_resp_free(&r);
}

static void test_metrics_buckets_and_statuses(void **ctx)
{
    (void)ctx;
    http_metrics *m = metrics_new();
    assert_non_null(m);
    metrics_request(m, R_LOCATE, 200, 100);     /* on a bound: in le=0.0001 */
    metrics_request(m, R_LOCATE, 200, 101);     /* just over: le=0.00025 */
    metrics_request(m, R_LOCATE, 429, 2000000); /* 2 s: +Inf only */
    metrics_request(m, R_LOCATE, 418, 5000);    /* not in the set: other */
    metrics_request(m, -1, 404, 10);
    metrics_request(m, R__COUNT + 7, 404, 10); /* out of range: unmatched too */
    buf b = BUF_INIT;
    assert_int_equal(metrics_render(m, NULL, &b), 0);
    check_exposition(b.p);
    const char *h = "habeas_http_request_duration_seconds_bucket{route=\"/v1/locate\",le=";
    char p[160];
    struct {
        const char *le;
        double n;
    } want[] = {{"0.0001", 1}, {"0.00025", 2}, {"0.005", 3}, {"1", 3}, {"+Inf", 4}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        snprintf(p, sizeof p, "%s\"%s\"} ", h, want[i].le);
        if (sample(b.p, p) != want[i].n) fail_msg("%s: %g, want %g", p, sample(b.p, p), want[i].n);
    }
    assert_true(sample(b.p, "habeas_http_request_duration_seconds_sum{route=\"/v1/locate\"} ") ==
                2.005201);
    assert_true(sample(b.p, "habeas_http_requests_total{route=\"/v1/locate\",status=\"other\"} ") ==
                1);
    assert_true(sample(b.p, "habeas_http_requests_total{route=\"/v1/locate\",status=\"429\"} ") ==
                1);
    assert_true(sample(b.p, "habeas_http_requests_total{route=\"unmatched\",status=\"404\"} ") ==
                2);
    /* without an app, the ledger's gauges are left out, not made up */
    assert_null(strstr(b.p, "habeas_log_size"));
    buf_free(&b);
    metrics_free(m);
}

static void *hammer(void *m)
{
    for (int i = 0; i < 20000; i++) {
        metrics_request(m, R_PERSON_GET, 200, i % 3000);
        metrics_events(m, 1);
    }
    return NULL;
}

/* Lock-free counting loses nothing under concurrent requests. */
static void test_metrics_concurrent(void **ctx)
{
    (void)ctx;
    http_metrics *m = metrics_new();
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, hammer, m), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    buf b = BUF_INIT;
    assert_int_equal(metrics_render(m, NULL, &b), 0);
    assert_true(
        sample(b.p, "habeas_http_requests_total{route=\"/v1/persons/{id}\",status=\"200\"} ") ==
        80000);
    assert_true(
        sample(b.p, "habeas_http_request_duration_seconds_count{route=\"/v1/persons/{id}\"} ") ==
        80000);
    assert_true(sample(b.p, "habeas_events_appended_total ") == 80000);
    buf_free(&b);
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_openapi_is_31),
        cmocka_unit_test(test_openapi_matches_routes),
        cmocka_unit_test(test_openapi_operations),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_metrics_buckets_and_statuses),
        cmocka_unit_test(test_metrics_concurrent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
