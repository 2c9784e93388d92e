/* http api: the /v1 read and write endpoints in-process through http_dispatch on
 * a temporary ledger holding examples/minimal.jsonl, with an admin token.
 *
 * Every route's success shape; POST of one event and of an array (201 with the
 * seqs, then readable); a refused batch (422 with every message, nothing stored);
 * malformed JSON (400); a blocked approval (422 naming the person); a type the
 * role may not post (403, nothing stored); GET /v1/events paging and its bad
 * parameters; 404s; the JSON is the CLI's (the binary run on the same file); and
 * four reader threads beside a writer. */
#include "testutil.h"
#include "http_call.h"
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/app.h"
#include "http/routes.h"
#include "http/tokens.h"
#include "ledger/ledger.h"

#ifndef HB_SOURCE_DIR
#define HB_SOURCE_DIR "."
#endif

static int setup(void **ctx)
{
    (void)ctx;
    hc_open("api.db", NULL);
    return 0;
}

static int teardown(void **ctx)
{
    (void)ctx;
    hc_close();
    return 0;
}

static reply call(const char *method, const char *path, const char *query, const char *body)
{
    return call_as(ROLE_ADMIN, method, path, query, body);
}

static void assert_problem(const reply *r, int status, const char *slug)
{
    if (r->status != status) fprintf(stderr, "got %d: %s\n", r->status, r->text);
    assert_int_equal(r->status, status);
    assert_string_equal(r->ctype, "application/problem+json");
    char type[160];
    snprintf(type, sizeof type, "https://habeas.invalid/problems/%s", slug);
    assert_string_equal(json_string_value(json_object_get(r->j, "type")), type);
    assert_int_equal(json_integer_value(json_object_get(r->j, "status")), status);
}

static void assert_ok(const reply *r, int status)
{
    if (r->status != status) fprintf(stderr, "got %d: %s\n", r->status, r->text);
    assert_int_equal(r->status, status);
    assert_string_equal(r->ctype, "application/json");
    assert_non_null(r->j);
}

static int64_t log_size(void)
{
    reply r = call("GET", "/v1/events", "from=1&limit=1", NULL);
    assert_ok(&r, 200);
    int64_t n = json_integer_value(json_object_get(r.j, "size"));
    reply_free(&r);
    return n;
}

/* Does some message in the problem's "errors" contain every needle? */
static bool errors_mention(const reply *r, const char *a, const char *b)
{
    json_t *errs = json_object_get(r->j, "errors"), *m;
    size_t i;
    json_array_foreach(errs, i, m)
    {
        const char *s = json_string_value(m);
        if (s && strstr(s, a) && (!b || strstr(s, b))) return true;
    }
    return false;
}

/* The CLI's JSON for args on the same ledger file. */
static json_t *cli_json(const char *args)
{
    char *out = NULL;
    int rc = tu_sh(&out, 0, "'%s' %s --json --db '%s'", tu_habeas(), args, DB);
    assert_true(rc == 0 || rc == 1);
    json_t *j = json_loads(out ? out : "", 0, NULL);
    if (!j) fprintf(stderr, "habeas %s: %s\n", args, out ? out : "(nothing)");
    free(out);
    assert_non_null(j);
    return j;
}

/* The HTTP body equals the CLI's document (keys "at" dropped when volatile). */
static void assert_same_as_cli(const char *path, const char *query, const char *args, bool drop_at)
{
    reply r = call("GET", path, query, NULL);
    assert_ok(&r, 200);
    json_t *cli = cli_json(args);
    if (drop_at) {
        json_object_del(cli, "at");
        json_object_del(r.j, "at");
    }
    if (!json_equal(cli, r.j)) {
        char *a = json_dumps(cli, JSON_COMPACT), *b = json_dumps(r.j, JSON_COMPACT);
        fprintf(stderr, "%s differs from `habeas %s`:\n  http %.400s\n  cli  %.400s\n", path, args,
                b, a);
        free(a);
        free(b);
    }
    assert_true(json_equal(cli, r.j));
    json_decref(cli);
    reply_free(&r);
}

/* ------------------------------------------------------------------ reads */

static void reads_have_their_shapes(void **st)
{
    (void)st;
    reply r = call("GET", "/v1/persons/P-EX-1", NULL, NULL);
    assert_ok(&r, 200);
    assert_string_equal(json_string_value(json_object_get(r.j, "person")), "P-EX-1");
    assert_string_equal(json_string_value(json_object_get(r.j, "given_names")), "José Ángel");
    assert_true(json_is_object(json_object_get(r.j, "custody")));
    assert_true(json_is_array(json_object_get(r.j, "history")));
    reply_free(&r);

    r = call("GET", "/v1/facilities", NULL, NULL);
    assert_ok(&r, 200);
    json_t *list = json_object_get(r.j, "facilities");
    assert_int_equal(json_array_size(list), 2);
    json_t *us = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(us, "facility")), "F-EX-US");
    assert_int_equal(json_integer_value(json_object_get(us, "capacity")), 80);
    assert_int_equal(json_integer_value(json_object_get(us, "design_capacity")), 200);
    assert_true(json_is_integer(json_object_get(us, "held")));
    reply_free(&r);

    r = call("GET", "/v1/facilities/F-EX-SV", NULL, NULL);
    assert_ok(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.j, "units")), 1);
    reply_free(&r);

    r = call("GET", "/v1/transfers/T-EX-1", NULL, NULL);
    assert_ok(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.j, "persons")), 2);
    reply_free(&r);

    r = call("GET", "/v1/transfers/T-EX-1/check", "at=2025-03-06T12:00:00-05:00", NULL);
    assert_ok(&r, 200);
    assert_string_equal(json_string_value(json_object_get(r.j, "at")), "2025-03-06T12:00:00-05:00");
    assert_int_equal(json_array_size(json_object_get(r.j, "persons")), 2);
    reply_free(&r);

    r = call("GET", "/v1/findings", "severity=low", NULL);
    assert_ok(&r, 200);
    assert_true(json_is_array(json_object_get(r.j, "findings")));
    assert_true(json_is_object(json_object_get(r.j, "counts")));
    reply_free(&r);

    r = call("GET", "/v1/reports/costs", "agreement=AG-EX&at=2025-12-31", NULL);
    assert_ok(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.j, "agreements")), 1);
    reply_free(&r);

    r = call("GET", "/v1/reports/occupancy", "facility=F-EX-US", NULL);
    assert_ok(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.j, "facilities")), 1);
    reply_free(&r);
}

static void reads_equal_the_cli(void **st)
{
    (void)st;
    assert_same_as_cli("/v1/persons/P-EX-1", "limit=0", "person P-EX-1 --limit 0", false);
    assert_same_as_cli("/v1/persons/P-EX-2", NULL, "person P-EX-2", false);
    assert_same_as_cli("/v1/facilities/F-EX-US", "limit=3", "facility F-EX-US --limit 3", false);
    assert_same_as_cli("/v1/transfers/T-EX-1", NULL, "transfer T-EX-1", false);
    assert_same_as_cli("/v1/transfers/T-EX-1/check", "at=2025-03-06T12:00:00-05:00",
                       "check transfer T-EX-1 --at 2025-03-06T12:00:00-05:00", false);
    assert_same_as_cli("/v1/transfers/T-EX-1/check", NULL, "check transfer T-EX-1", true);
    assert_same_as_cli("/v1/findings", "at=2026-01-01T00:00:00Z",
                       "report findings --at 2026-01-01T00:00:00Z", false);
    assert_same_as_cli("/v1/findings",
                       "at=2026-01-01T00:00:00Z&facility=F-EX-SV&severity=medium&current=true",
                       "report findings --at 2026-01-01T00:00:00Z --facility F-EX-SV "
                       "--severity medium --current",
                       false);
    assert_same_as_cli("/v1/reports/costs", "at=2025-12-31", "report costs --at 2025-12-31", false);
    assert_same_as_cli("/v1/reports/occupancy", NULL, "report occupancy", true);
}

static void unknown_ids_are_404(void **st)
{
    (void)st;
    static const struct {
        const char *path, *query, *slug;
    } cases[] = {
        {"/v1/persons/P-NOPE", NULL, "person-not-found"},
        {"/v1/facilities/F-NOPE", NULL, "facility-not-found"},
        {"/v1/transfers/T-NOPE", NULL, "transfer-not-found"},
        {"/v1/transfers/T-NOPE/check", NULL, "transfer-not-found"},
        {"/v1/transfers/T-EX-1/check", "at=2025-03-01T00:00:00Z", "transfer-not-as-of"},
        {"/v1/findings", "facility=F-NOPE", "facility-not-found"},
        {"/v1/reports/costs", "agreement=AG-NOPE", "agreement-not-found"},
        {"/v1/reports/costs", "agreement=AG-EX&at=2025-01-01", "agreement-not-as-of"},
        {"/v1/reports/occupancy", "facility=F-NOPE", "facility-not-found"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        reply r = call("GET", cases[i].path, cases[i].query, NULL);
        assert_problem(&r, 404, cases[i].slug);
        reply_free(&r);
    }
}

static void bad_parameters_are_400(void **st)
{
    (void)st;
    static const struct {
        const char *path, *query, *field;
    } cases[] = {
        {"/v1/transfers/T-EX-1/check", "at=2025-03-06", "at"},
        {"/v1/transfers/T-EX-1/check", "at=yesterday", "at"},
        {"/v1/persons/P-EX-1", "limit=-1", "limit"},
        {"/v1/findings", "severity=grave", "severity"},
        {"/v1/findings", "since=2025", "since"},
        {"/v1/findings", "current=maybe", "current"},
        {"/v1/reports/costs", "at=31/12/2025", "at"},
        {"/v1/events", "from=0", "from"},
        {"/v1/events", "from=x", "from"},
        {"/v1/events", "limit=10001", "limit"},
        {"/v1/events", "limit=0", "limit"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        reply r = call("GET", cases[i].path, cases[i].query, NULL);
        assert_problem(&r, 400, "invalid-parameter");
        assert_string_equal(json_string_value(json_object_get(r.j, "field")), cases[i].field);
        reply_free(&r);
    }
}

static void events_page(void **st)
{
    (void)st;
    int64_t size = log_size();
    assert_true(size >= 3);
    reply r = call("GET", "/v1/events", "from=2&limit=2", NULL);
    assert_ok(&r, 200);
    json_t *recs = json_object_get(r.j, "records");
    assert_int_equal(json_array_size(recs), 2);
    json_t *first = json_array_get(recs, 0);
    assert_int_equal(json_integer_value(json_object_get(first, "seq")), 2);
    assert_string_equal(json_string_value(json_object_get(first, "actor")), "test");
    assert_true(json_is_object(json_object_get(first, "event")));
    assert_int_equal(strlen(json_string_value(json_object_get(first, "hash"))), 64);
    assert_true(json_is_string(json_object_get(first, "recorded_at")));
    assert_int_equal(json_integer_value(json_object_get(r.j, "next")), 4);
    reply_free(&r);

    char q[64];
    snprintf(q, sizeof q, "from=%lld", (long long)size);
    r = call("GET", "/v1/events", q, NULL);
    assert_ok(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.j, "records")), 1);
    assert_true(json_is_null(json_object_get(r.j, "next")));
    reply_free(&r);

    snprintf(q, sizeof q, "from=%lld", (long long)size + 5);
    r = call("GET", "/v1/events", q, NULL);
    assert_ok(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.j, "records")), 0);
    assert_true(json_is_null(json_object_get(r.j, "next")));
    reply_free(&r);

    /* the same lines as `habeas export` */
    char *out = NULL;
    assert_int_equal(tu_sh(&out, 0, "'%s' export --db '%s' | sed -n 2p", tu_habeas(), DB), 0);
    json_t *line = json_loads(out, 0, NULL);
    free(out);
    r = call("GET", "/v1/events", "from=2&limit=1", NULL);
    assert_true(json_equal(line, json_array_get(json_object_get(r.j, "records"), 0)));
    json_decref(line);
    reply_free(&r);
}

/* ------------------------------------------------------------------ writes */

static const char PERSON_4[] =
    "{\"type\":\"person.registered\",\"at\":\"2025-04-01T09:00:00-05:00\",\"person\":\"P-EX-4\","
    "\"given_names\":\"Ana\",\"family_names\":\"Ruiz\",\"birth_date\":\"1991-02-03\","
    "\"birth_country\":\"SV\",\"nationalities\":[\"SV\"]}";

static void post_one_then_read(void **st)
{
    (void)st;
    int64_t before = log_size();
    reply r = call_as(ROLE_RECORDS, "POST", "/v1/events", NULL, PERSON_4);
    assert_ok(&r, 201);
    assert_int_equal(json_integer_value(json_object_get(r.j, "first")), before + 1);
    assert_int_equal(json_integer_value(json_object_get(r.j, "last")), before + 1);
    assert_int_equal(json_array_size(json_object_get(r.j, "seqs")), 1);
    reply_free(&r);
    r = call("GET", "/v1/persons/P-EX-4", NULL, NULL);
    assert_ok(&r, 200);
    assert_string_equal(json_string_value(json_object_get(r.j, "family_names")), "Ruiz");
    reply_free(&r);
    r = call("GET", "/v1/events", "from=1&limit=10000", NULL);
    json_t *last = json_array_get(json_object_get(r.j, "records"), (size_t)before);
    assert_string_equal(json_string_value(json_object_get(last, "actor")), "token:api records");
    reply_free(&r);
}

static void post_array_then_read(void **st)
{
    (void)st;
    int64_t before = log_size();
    const char *body =
        "[{\"type\":\"person.registered\",\"at\":\"2025-04-02T09:00:00-05:00\",\"person\":"
        "\"P-EX-5\",\"given_names\":\"Luis\",\"family_names\":\"Mora\",\"birth_date\":"
        "\"1988-08-08\",\"birth_country\":\"VE\",\"nationalities\":[\"VE\"]},\n"
        " {\"type\":\"custody.admitted\",\"at\":\"2025-04-02T10:00:00-05:00\",\"person\":"
        "\"P-EX-5\",\"facility\":\"F-EX-US\",\"unit\":\"D-1\",\"basis\":{\"kind\":"
        "\"immigration\",\"reference\":\"INA 236(a)\",\"review_by\":\"2025-06-01\"}}]";
    reply r = call("POST", "/v1/events", NULL, body);
    assert_ok(&r, 201);
    json_t *seqs = json_object_get(r.j, "seqs");
    assert_int_equal(json_array_size(seqs), 2);
    assert_int_equal(json_integer_value(json_array_get(seqs, 0)), before + 1);
    assert_int_equal(json_integer_value(json_array_get(seqs, 1)), before + 2);
    reply_free(&r);
    r = call("GET", "/v1/persons/P-EX-5", NULL, NULL);
    assert_ok(&r, 200);
    json_t *cust = json_object_get(r.j, "custody");
    assert_string_equal(json_string_value(json_object_get(cust, "state")), "held");
    assert_string_equal(json_string_value(json_object_get(cust, "facility")), "F-EX-US");
    reply_free(&r);
}

static void refused_batch_stores_nothing(void **st)
{
    (void)st;
    int64_t before = log_size();
    /* element 0 fine, 1 a bad type of field, 2 an unknown person: every message */
    const char *body =
        "[{\"type\":\"person.registered\",\"at\":\"2025-04-03T09:00:00-05:00\",\"person\":"
        "\"P-EX-6\",\"given_names\":\"Eva\",\"family_names\":\"Paz\",\"birth_date\":"
        "\"1990-01-01\",\"birth_country\":\"SV\",\"nationalities\":[\"SV\"]},"
        "{\"type\":\"unit.certified\",\"at\":\"2025-04-03T09:00:00-05:00\",\"facility\":"
        "\"F-EX-US\",\"unit\":\"D-9\",\"kind\":\"cell\",\"capacity\":\"12\",\"floor_area_m2\":"
        "10,\"beds\":2},"
        "{\"type\":\"custody.moved\",\"at\":\"2025-04-03T10:00:00-05:00\",\"person\":"
        "\"P-NOBODY\",\"facility\":\"F-EX-US\",\"unit\":\"D-1\"}]";
    reply r = call("POST", "/v1/events", NULL, body);
    assert_problem(&r, 422, "events-refused");
    assert_true(errors_mention(&r, "events[1]", "capacity"));
    assert_int_equal(json_integer_value(json_object_get(r.j, "errors_total")), 1);
    reply_free(&r);
    /* shape fine, references not: the batch's messages */
    const char *body2 =
        "[{\"type\":\"person.registered\",\"at\":\"2025-04-03T09:00:00-05:00\",\"person\":"
        "\"P-EX-6\",\"given_names\":\"Eva\",\"family_names\":\"Paz\",\"birth_date\":"
        "\"1990-01-01\",\"birth_country\":\"SV\",\"nationalities\":[\"SV\"]},"
        "{\"type\":\"custody.moved\",\"at\":\"2025-04-03T10:00:00-05:00\",\"person\":"
        "\"P-NOBODY\",\"facility\":\"F-EX-US\",\"unit\":\"D-1\"},"
        "{\"type\":\"custody.moved\",\"at\":\"2025-04-03T10:00:00-05:00\",\"person\":"
        "\"P-EX-6\",\"facility\":\"F-NOWHERE\",\"unit\":\"D-1\"}]";
    r = call("POST", "/v1/events", NULL, body2);
    assert_problem(&r, 422, "events-refused");
    assert_true(errors_mention(&r, "events[1]", "P-NOBODY"));
    assert_true(errors_mention(&r, "events[2]", "F-NOWHERE"));
    reply_free(&r);
    assert_int_equal(log_size(), before);
    r = call("GET", "/v1/persons/P-EX-6", NULL, NULL);
    assert_problem(&r, 404, "person-not-found");
    reply_free(&r);
}

static void malformed_json_is_400(void **st)
{
    (void)st;
    int64_t before = log_size();
    static const char *const bodies[] = {"", "{", "[{\"type\":}]", "[1,]", "{} x", "\xff"};
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        reply r = call("POST", "/v1/events", NULL, bodies[i]);
        assert_problem(&r, 400, "invalid-json");
        assert_string_equal(json_string_value(json_object_get(r.j, "field")), "body");
        reply_free(&r);
    }
    reply r = call("POST", "/v1/events", NULL, "\"an event\"");
    assert_problem(&r, 422, "events-refused");
    reply_free(&r);
    r = call("POST", "/v1/events", NULL, "[]");
    assert_problem(&r, 422, "events-refused");
    reply_free(&r);
    r = call("POST", "/v1/events", NULL, "{\"type\":\"person.registered\"}");
    assert_problem(&r, 422, "events-refused");
    assert_true(errors_mention(&r, "event: ", "person.registered"));
    reply_free(&r);
    assert_int_equal(log_size(), before);
}

static void blocked_approval_is_422(void **st)
{
    (void)st;
    int64_t before = log_size();
    /* P-EX-3 holds withholding of removal to SV: the approval is gated */
    const char *body =
        "[{\"type\":\"transfer.proposed\",\"at\":\"2025-04-05T08:00:00-05:00\",\"transfer\":"
        "\"T-EX-2\",\"from_facility\":\"F-EX-US\",\"to_facility\":\"F-EX-SV\",\"agreement\":"
        "\"AG-EX\",\"authority\":\"Example Transfer Treaty, art. 3\",\"persons\":[\"P-EX-3\"],"
        "\"departure_planned\":\"2025-04-06T10:00:00-05:00\"},"
        "{\"type\":\"transfer.approved\",\"at\":\"2025-04-05T09:00:00-05:00\",\"transfer\":"
        "\"T-EX-2\",\"persons\":[\"P-EX-3\"]}]";
    reply r = call("POST", "/v1/events", NULL, body);
    assert_problem(&r, 422, "events-refused");
    assert_true(errors_mention(&r, "P-EX-3", "NON_REFOULEMENT"));
    reply_free(&r);
    assert_int_equal(log_size(), before);
    r = call("GET", "/v1/transfers/T-EX-2", NULL, NULL);
    assert_problem(&r, 404, "transfer-not-found");
    reply_free(&r);
}

static void forbidden_type_is_403(void **st)
{
    (void)st;
    int64_t before = log_size();
    /* court may place holds but not register persons: one forbidden event refuses all */
    const char *body = "[{\"type\":\"hold.placed\",\"at\":\"2025-04-05T08:00:00-05:00\",\"hold\":"
                       "\"H-EX-9\",\"kind\":\"court_order\",\"issued_by\":\"Court\",\"case\":"
                       "\"1\",\"effective_from\":\"2025-04-05T08:00:00-05:00\",\"scope\":{"
                       "\"persons\":[\"P-EX-3\"]}},";
    char *full = malloc(strlen(body) + sizeof PERSON_4 + 2);
    sprintf(full, "%s%s]", body, PERSON_4);
    reply r = call_as(ROLE_COURT, "POST", "/v1/events", NULL, full);
    free(full);
    assert_problem(&r, 403, "event-forbidden");
    assert_non_null(strstr(json_string_value(json_object_get(r.j, "detail")), "person.registered"));
    assert_string_equal(json_string_value(json_object_get(r.j, "field")), "events[1].type");
    reply_free(&r);
    /* authorised before validation: an incomplete event of a forbidden type is 403 */
    r = call_as(ROLE_RECORDS, "POST", "/v1/events", NULL, "{\"type\":\"facility.registered\"}");
    assert_problem(&r, 403, "event-forbidden");
    assert_string_equal(json_string_value(json_object_get(r.j, "field")), "type");
    reply_free(&r);
    assert_int_equal(log_size(), before);
}

/* ------------------------------------------------------------------ threads */

#define READERS 4
#define ROUNDS 40

static void *reader(void *arg)
{
    (void)arg;
    static const char *const paths[] = {"/v1/persons/P-EX-1",   "/v1/facilities/F-EX-US",
                                        "/v1/transfers/T-EX-1", "/v1/events",
                                        "/v1/facilities",       "/v1/findings"};
    int bad = 0;
    for (int i = 0; i < ROUNDS * 3; i++) {
        reply r = call("GET", paths[i % 6], NULL, NULL);
        bad += r.status != 200;
        reply_free(&r);
    }
    return (void *)(intptr_t)bad;
}

static void readers_beside_a_writer(void **st)
{
    (void)st;
    int64_t before = log_size();
    pthread_t t[READERS];
    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, reader, NULL), 0);
    for (int i = 0; i < ROUNDS; i++) {
        char body[1024];
        snprintf(
            body, sizeof body,
            "[{\"type\":\"person.registered\",\"at\":\"2025-05-01T09:00:00Z\",\"person\":"
            "\"P-T-%d\",\"given_names\":\"T\",\"family_names\":\"T\",\"birth_date\":"
            "\"1990-01-01\",\"birth_country\":\"SV\",\"nationalities\":[\"SV\"]},"
            "{\"type\":\"custody.admitted\",\"at\":\"2025-05-01T10:00:00Z\",\"person\":"
            "\"P-T-%d\",\"facility\":\"F-EX-US\",\"unit\":\"D-1\",\"basis\":{\"kind\":\"pretrial\","
            "\"reference\":\"x\",\"review_by\":\"2025-06-01\"}}]",
            i, i);
        reply r = call("POST", "/v1/events", NULL, body);
        if (r.status != 201) fprintf(stderr, "%s\n", r.text);
        assert_int_equal(r.status, 201);
        reply_free(&r);
    }
    for (int i = 0; i < READERS; i++) {
        void *bad;
        pthread_join(t[i], &bad);
        assert_int_equal((intptr_t)bad, 0);
    }
    assert_int_equal(log_size(), before + 2 * ROUNDS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_have_their_shapes),
        cmocka_unit_test(reads_equal_the_cli),
        cmocka_unit_test(unknown_ids_are_404),
        cmocka_unit_test(bad_parameters_are_400),
        cmocka_unit_test(events_page),
        cmocka_unit_test(post_one_then_read),
        cmocka_unit_test(post_array_then_read),
        cmocka_unit_test(refused_batch_stores_nothing),
        cmocka_unit_test(malformed_json_is_400),
        cmocka_unit_test(blocked_approval_is_422),
        cmocka_unit_test(forbidden_type_is_403),
        cmocka_unit_test(readers_beside_a_writer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
