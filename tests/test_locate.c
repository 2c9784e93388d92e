/* The public locator in-process: GET /v1/locate through http_dispatch over a
 * temporary ledger. Matching (accents, case, one or both family names, given
 * names in any order, birth date), exclusions, at most 20 results, every error,
 * the disclosure limit (every result has exactly the listed fields), statuses,
 * the rate limit, that a refused import leaves the name index as it was, and
 * that the index (words, pairs, birth dates, word hashes) finds exactly what a
 * plain scan of every person finds. */
#include "testutil.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/app.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "ledger/ledger.h"
#include "rules/locate.h"
#include "util/buf.h"

static const char FIXTURE[] =
    "{\"type\":\"facility.registered\",\"at\":\"2025-03-01T08:00:00Z\",\"facility\":\"F-US\","
    "\"name\":\"Example Processing Center\",\"country\":\"US\",\"kind\":\"detention_center\","
    "\"design_capacity\":200,\"contact\":\"+1 555 0100\"}\n"
    "{\"type\":\"facility.registered\",\"at\":\"2025-03-01T08:00:00Z\",\"facility\":\"F-SV\","
    "\"name\":\"Centro Ejemplo\",\"country\":\"SV\",\"kind\":\"prison\",\"design_capacity\":2000}\n"
    "{\"type\":\"unit.certified\",\"at\":\"2025-03-01T08:00:00Z\",\"facility\":\"F-US\",\"unit\":"
    "\"D-1\",\"kind\":\"dormitory\",\"capacity\":100,\"floor_area_m2\":400,\"beds\":100}\n"
    "{\"type\":\"agreement.signed\",\"at\":\"2025-03-02T10:00:00Z\",\"agreement\":\"AG-1\","
    "\"sending_state\":\"US\",\"receiving_state\":\"SV\",\"facilities\":[\"F-SV\"],\"starts\":"
    "\"2025-03-03\",\"ends\":\"2026-03-02\",\"fee\":{\"amount\":2500000,\"currency\":\"USD\","
    "\"persons\":1,\"days\":365},\"baseline_cost\":{\"amount\":6000000,\"currency\":\"USD\","
    "\"per\":\"person_year\"},\"conditions\":{\"require_final_conviction\":false,"
    "\"allow_sending_state_nationals\":false,\"require_consent\":false,\"nationalities\":\"any\","
    "\"max_persons\":10,\"min_sentence_remaining_days\":0}}\n";

static buf fixture;

static void person(const char *id, const char *given, const char *family, const char *born,
                   const char *cc, bool admit)
{
    buf_printf(&fixture,
               "{\"type\":\"person.registered\",\"at\":\"2025-03-03T09:00:00Z\",\"person\":\"%s\","
               "\"given_names\":\"%s\",\"family_names\":\"%s\",\"aliases\":[\"El Secreto\"],"
               "\"birth_date\":\"%s\",\"birth_country\":\"%s\",\"nationalities\":[\"%s\"],"
               "\"identifiers\":{\"a_number\":\"A-%s\"}}\n",
               id, given, family, born, cc, cc, id);
    if (admit)
        buf_printf(&fixture,
                   "{\"type\":\"custody.admitted\",\"at\":\"2025-03-03T10:00:00Z\",\"person\":"
                   "\"%s\",\"facility\":\"F-US\",\"unit\":\"D-1\",\"basis\":{\"kind\":"
                   "\"immigration\",\"reference\":\"CASE-%s\",\"review_by\":\"2025-06-01\"}}\n",
                   id, id);
}

static void line(const char *s)
{
    buf_puts(&fixture, s);
    buf_putc(&fixture, '\n');
}

static void build_fixture(void)
{
    buf_puts(&fixture, FIXTURE);
    person("P-1", "José Ángel", "García Pérez", "1990-04-23", "VE", true);
    line("{\"type\":\"allegation.recorded\",\"at\":\"2025-03-03T11:00:00Z\",\"person\":\"P-1\","
         "\"kind\":\"gang_affiliation\",\"source\":\"tattoo\",\"detail\":\"SECRET-ALLEGATION\"}");
    person("P-2", "María", "García López", "1985-01-01", "VE", true);
    person("P-3", "Pedro", "García", "1980-06-30", "VE", true);
    line(
        "{\"type\":\"transfer.proposed\",\"at\":\"2025-03-06T08:00:00Z\",\"transfer\":\"T-1\","
        "\"from_facility\":\"F-US\",\"to_facility\":\"F-SV\",\"agreement\":\"AG-1\",\"authority\":"
        "\"Treaty\",\"persons\":[\"P-2\",\"P-3\"],\"departure_planned\":\"2025-03-07T10:00:00Z\"}");
    line("{\"type\":\"transfer.departed\",\"at\":\"2025-03-07T10:05:00Z\",\"transfer\":\"T-1\","
         "\"persons\":[\"P-2\",\"P-3\"]}");
    line("{\"type\":\"transfer.arrived\",\"at\":\"2025-03-07T13:40:00Z\",\"transfer\":\"T-1\","
         "\"persons\":[\"P-3\"]}");
    person("P-4", "Ana", "Núñez", "1991-02-03", "VE", true);
    line("{\"type\":\"custody.released\",\"at\":\"2025-03-10T09:00:00Z\",\"person\":\"P-4\","
         "\"reason\":\"dismissed\",\"released_to\":\"family\"}");
    person("P-5", "Luis", "Garcia", "1970-12-12", "VE", true);
    line("{\"type\":\"custody.died\",\"at\":\"2025-03-11T04:30:00Z\",\"person\":\"P-5\","
         "\"cause\":\"unknown\"}");
    person("P-6", "Carlos", "García", "1988-08-08", "CO", true);
    person("P-7", "José", "García", "1999-09-09", "VE", false);
    person("P-8", "José Ángel", "García Pérez", "1992-02-02", "VE", true);
    person("P-9", "Łukasz", "Wałęsa-Øster", "1975-05-05", "PL", true);
    /* Released after a move: the locator shows the facility left, not the first. */
    person("P-10", "Elena", "Quispe", "1993-03-03", "PE", true);
    line("{\"type\":\"unit.certified\",\"at\":\"2025-03-12T07:00:00Z\",\"facility\":\"F-SV\","
         "\"unit\":\"C-1\",\"kind\":\"cell\",\"capacity\":4,\"floor_area_m2\":16,\"beds\":4}");
    line("{\"type\":\"custody.moved\",\"at\":\"2025-03-12T08:00:00Z\",\"person\":\"P-10\","
         "\"facility\":\"F-SV\",\"unit\":\"C-1\"}");
    line("{\"type\":\"custody.released\",\"at\":\"2025-03-13T09:00:00Z\",\"person\":\"P-10\","
         "\"reason\":\"dismissed\",\"released_to\":\"family\"}");
    for (int i = 0; i < 25; i++) {
        char id[16];
        snprintf(id, sizeof id, "P-R%02d", i);
        person(id, "Juan", "Rodríguez", "1980-01-01", "VE", true);
    }
}

static const char *db_path;

static void import_into(ledger *l, const char *data, int want)
{
    hb_err e;
    hb_errlist errs;
    errlist_init(&errs, 5);
    int64_t first, last;
    int rc = ledger_import(l, "t.jsonl", data, strlen(data), "test", &errs, &first, &last, &e);
    if (rc != want)
        fail_msg("import: rc %d, wanted %d: %s", rc, want, errs.n ? errs.msgs[0] : e.msg);
    errlist_free(&errs);
}

static void import(const char *path, const char *data, int want)
{
    ledger *l;
    hb_err e;
    if (ledger_open(path, STORE_OPEN, &l, &e)) fail_msg("open: %s", e.msg);
    import_into(l, data, want);
    ledger_close(l);
}

static int setup(void **st)
{
    (void)st;
    build_fixture();
    db_path = strdup(tu_path(tu_tmpdir(), "locate.db"));
    ledger *l;
    hb_err e;
    if (ledger_open(db_path, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    ledger_close(l);
    import(db_path, fixture.p, 0);
    return 0;
}

static http_app *open_app(int rate)
{
    http_config c;
    http_config_default(&c);
    c.db = db_path;
    c.locate_rate = rate;
    http_app *a;
    hb_err e;
    if (http_app_open(&c, &a, &e)) fail_msg("app: %s", e.msg);
    return a;
}

/* GET /v1/locate with name=value pairs (NULL-ended); the parsed body. */
static json_t *get_from(http_app *a, const char *client, int want, ...)
{
    http_param q[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, want);
    for (const char *k; (k = va_arg(ap, const char *)) && n < 8;)
        q[n++] = (http_param){k, va_arg(ap, const char *)};
    va_end(ap);
    http_req r = {
        .method = "GET", .path = "/v1/locate", .query = q, .n_query = n, .client = client};
    http_resp out;
    http_resp_init(&out);
    http_dispatch(a, &r, &out);
    if (out.status != want) fail_msg("status %d, wanted %d: %s", out.status, want, out.body.p);
    assert_string_equal(out.content_type,
                        want == 200 ? "application/json" : "application/problem+json");
    json_error_t je;
    json_t *j = json_loadb(out.body.p, out.body.len, 0, &je);
    assert_non_null(j);
    if (want == 429) assert_true(out.retry_after >= 1);
    http_resp_free(&out);
    return j;
}
#define get(a, want, ...) get_from(a, "192.0.2.1", want, __VA_ARGS__, (const char *)NULL)

static bool keys_exactly(json_t *o, const char *const *keys, size_t n)
{
    if (!json_is_object(o) || json_object_size(o) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(o, keys[i])) return false;
    return true;
}

/* The disclosure limit: nothing but these fields can appear, whatever is stored. */
static json_t *results(json_t *body)
{
    static const char *const TOP[] = {"results"};
    static const char *const HIT[] = {"given_names", "family_names", "birth_year",
                                      "status",      "facility",     "since"};
    static const char *const FAC[] = {"name", "country", "contact"};
    assert_true(keys_exactly(body, TOP, 1));
    json_t *arr = json_object_get(body, "results"), *h;
    size_t i;
    json_array_foreach(arr, i, h)
    {
        assert_true(keys_exactly(h, HIT, 6));
        json_t *f = json_object_get(h, "facility");
        assert_true(json_is_null(f) || keys_exactly(f, FAC, 3));
        assert_true(json_is_string(json_object_get(h, "since")));
    }
    char *all = json_dumps(body, 0);
    assert_null(strstr(all, "SECRET"));
    assert_null(strstr(all, "El Secreto"));
    assert_null(strstr(all, "A-P-"));
    assert_null(strstr(all, "CASE-"));
    assert_null(strstr(all, "D-1"));
    free(all);
    return arr;
}

static size_t count(http_app *a, const char *family, const char *given, const char *cc,
                    const char *born)
{
    json_t *j = born ? get(a, 200, "family", family, "given", given, "birth_country", cc,
                           "birth_date", born)
                     : get(a, 200, "family", family, "given", given, "birth_country", cc);
    size_t n = json_array_size(results(j));
    json_decref(j);
    return n;
}

static void matching(void **st)
{
    (void)st;
    http_app *a = open_app(0);
    /* The García example: one family name, both in any order, given in any order. */
    assert_int_equal(count(a, "garcia", "jose", "VE", NULL), 2); /* P-1, P-8 (P-7 never held) */
    assert_int_equal(count(a, "garcia perez", "", "VE", NULL), 2);
    assert_int_equal(count(a, "Pérez GARCÍA", "", "VE", NULL), 2);
    assert_int_equal(count(a, "", "angel jose", "VE", NULL), 2);
    assert_int_equal(count(a, "garcia", "jose angel", "VE", NULL), 2);
    assert_int_equal(count(a, "garcia-perez", "JOSÉ", "VE", NULL), 2);
    assert_int_equal(count(a, "garcia lopez", "", "VE", NULL), 1);
    assert_int_equal(count(a, "garcia perez", "maria", "VE", NULL), 0);
    /* Every García born in VE and ever held: P-1 P-2 P-3 P-5 P-8. */
    assert_int_equal(count(a, "garcia", "", "VE", NULL), 5);
    assert_int_equal(count(a, "garcia", "", "CO", NULL), 1);
    assert_int_equal(count(a, "garcia", "", "MX", NULL), 0);
    /* Birth date narrows. */
    assert_int_equal(count(a, "garcia perez", "jose", "VE", "1990-04-23"), 1);
    assert_int_equal(count(a, "garcia perez", "jose", "VE", "1990-04-24"), 0);
    /* Letters with no decomposition, a hyphenated family name. */
    assert_int_equal(count(a, "walesa oster", "lukasz", "PL", NULL), 1);
    assert_int_equal(count(a, "WAŁĘSA", "", "PL", NULL), 1);
    assert_int_equal(count(a, "smith", "", "VE", NULL), 0);
    assert_int_equal(count(a, "garc", "", "VE", NULL), 0); /* whole words only */
    /* At most 20. */
    assert_int_equal(count(a, "rodriguez", "juan", "VE", NULL), LOCATE_MAX);
    http_app_close(a);
}

static json_t *only(http_app *a, const char *family, const char *cc)
{
    json_t *j = get(a, 200, "family", family, "birth_country", cc);
    json_t *arr = results(j);
    assert_int_equal(json_array_size(arr), 1);
    json_t *h = json_incref(json_array_get(arr, 0));
    json_decref(j);
    return h;
}

static void expect_hit(json_t *h, const char *status, const char *fac, const char *contact,
                       const char *since)
{
    assert_string_equal(json_string_value(json_object_get(h, "status")), status);
    json_t *f = json_object_get(h, "facility");
    assert_string_equal(json_string_value(json_object_get(f, "name")), fac);
    if (contact)
        assert_string_equal(json_string_value(json_object_get(f, "contact")), contact);
    else
        assert_true(json_is_null(json_object_get(f, "contact")));
    assert_string_equal(json_string_value(json_object_get(h, "since")), since);
    json_decref(h);
}

static void statuses(void **st)
{
    (void)st;
    http_app *a = open_app(0);
    json_t *h = only(a, "garcia lopez", "VE"); /* in transit */
    assert_string_equal(json_string_value(json_object_get(h, "given_names")), "María");
    assert_string_equal(json_string_value(json_object_get(h, "family_names")), "García López");
    assert_int_equal(json_integer_value(json_object_get(h, "birth_year")), 1985);
    expect_hit(h, "transferred", "Centro Ejemplo", NULL, "2025-03-07T10:05:00Z");
    h = only(a, "garcia", "CO");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(h, "facility"), "country")), "US");
    expect_hit(h, "in_custody", "Example Processing Center", "+1 555 0100", "2025-03-03T10:00:00Z");
    json_t *j = get(a, 200, "family", "garcia", "given", "pedro", "birth_country", "VE");
    expect_hit(json_incref(json_array_get(results(j), 0)), "transferred", "Centro Ejemplo", NULL,
               "2025-03-07T13:40:00Z"); /* arrived abroad under the agreement */
    json_decref(j);
    expect_hit(only(a, "nunez", "VE"), "released", "Example Processing Center", "+1 555 0100",
               "2025-03-10T09:00:00Z");
    expect_hit(only(a, "quispe", "PE"), "released", "Centro Ejemplo", NULL, "2025-03-13T09:00:00Z");
    j = get(a, 200, "family", "garcia", "given", "luis", "birth_country", "VE");
    expect_hit(json_incref(json_array_get(results(j), 0)), "deceased", "Example Processing Center",
               "+1 555 0100", "2025-03-11T04:30:00Z");
    json_decref(j);
    http_app_close(a);
}

static void problem_is(json_t *j, const char *slug, const char *field)
{
    char want[160];
    snprintf(want, sizeof want, "https://habeas.invalid/problems/%s", slug);
    assert_string_equal(json_string_value(json_object_get(j, "type")), want);
    if (field) assert_string_equal(json_string_value(json_object_get(j, "field")), field);
    assert_non_null(json_object_get(j, "detail"));
    json_decref(j);
}

static void errors(void **st)
{
    (void)st;
    http_app *a = open_app(0);
    problem_is(get(a, 400, "family", "garcia"), "locate-birth-country-required", "birth_country");
    problem_is(get(a, 400, "family", "garcia", "birth_country", ""),
               "locate-birth-country-required", "birth_country");
    problem_is(get(a, 400, "family", "garcia", "birth_country", "ve"),
               "locate-birth-country-invalid", "birth_country");
    problem_is(get(a, 400, "family", "garcia", "birth_country", "VEN"),
               "locate-birth-country-invalid", "birth_country");
    problem_is(get(a, 400, "family", "garcia", "birth_country", "VE", "birth_date", "1990-13-01"),
               "locate-birth-date-invalid", "birth_date");
    problem_is(get(a, 400, "family", "garcia", "birth_country", "VE", "birth_date", "1990"),
               "locate-birth-date-invalid", "birth_date");
    problem_is(get(a, 400, "birth_country", "VE"), "locate-name-required", NULL);
    problem_is(get(a, 400, "family", " - ' ", "given", "", "birth_country", "VE"),
               "locate-name-required", NULL);
    problem_is(get(a, 400, "family", "garcia", "birth_country", "VE", "person", "P-1"),
               "locate-unknown-parameter", "person");
    problem_is(get(a, 400, "family", "garcia", "birth_country", "VE", "family", "perez"),
               "locate-repeated-parameter", "family");
    problem_is(get(a, 400, "family", "a b c d e f g h i", "birth_country", "VE"),
               "locate-name-too-long", "family");
    problem_is(get(a, 400, "given", "Jos\xc3", "birth_country", "VE"), "locate-name-invalid",
               "given");
    http_app_close(a);
}

static void rate_limit(void **st)
{
    (void)st;
    http_app *a = open_app(3);
    for (int i = 0; i < 3; i++)
        json_decref(get_from(a, "198.51.100.7", 200, "family", "garcia", "birth_country", "VE",
                             (const char *)NULL));
    problem_is(get_from(a, "198.51.100.7", 429, "family", "garcia", "birth_country", "VE",
                        (const char *)NULL),
               "locate-rate-limited", NULL);
    /* bad requests count too, and are refused the same way */
    problem_is(get_from(a, "198.51.100.7", 429, "nothing", "x", (const char *)NULL),
               "locate-rate-limited", NULL);
    json_decref(get_from(a, "2001:db8::1", 200, "family", "garcia", "birth_country", "VE",
                         (const char *)NULL));
    http_app_close(a);
}

static void ratelimit_refills(void **st)
{
    (void)st;
    /* Unit level, with a clock: 3 a minute is one every 20 s after a burst of 3. */
    http_app *a = open_app(3);
    ratelimit *r = a->locate_limit;
    int ra;
    int64_t t = 1000000000;
    for (int i = 0; i < 3; i++)
        assert_true(ratelimit_take(r, "203.0.113.5", t, &ra));
    assert_false(ratelimit_take(r, "203.0.113.5", t, &ra));
    assert_int_equal(ra, 20);
    assert_false(ratelimit_take(r, "203.0.113.5", t + 19000000, &ra));
    assert_int_equal(ra, 1);
    assert_true(ratelimit_take(r, "203.0.113.5", t + 20000000, &ra));
    assert_false(ratelimit_take(r, "203.0.113.5", t + 20000000, &ra));
    /* many addresses: the table stays bounded and each new one starts full */
    char addr[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(addr, sizeof addr, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        assert_true(ratelimit_take(r, addr, t + 21000000, &ra));
    }
    http_app_close(a);
    ratelimit *off = ratelimit_new(0);
    for (int i = 0; i < 1000; i++)
        assert_true(ratelimit_take(off, "203.0.113.5", t, &ra));
    ratelimit_free(off);
}

static const char REFUSED[] =
    "{\"type\":\"person.registered\",\"at\":\"2025-03-03T09:00:00Z\",\"person\":\"P-Z\","
    "\"given_names\":\"Emiliano\",\"family_names\":\"Zapata García\",\"aliases\":[],"
    "\"birth_date\":\"1979-08-08\",\"birth_country\":\"VE\",\"nationalities\":[\"VE\"],"
    "\"identifiers\":{}}\n"
    "{\"type\":\"custody.admitted\",\"at\":\"2025-03-03T10:00:00Z\",\"person\":\"P-Z\","
    "\"facility\":\"F-NOWHERE\",\"unit\":\"D-1\",\"basis\":{\"kind\":\"immigration\","
    "\"reference\":\"X\",\"review_by\":\"2025-06-01\"}}\n";

static const char LATER[] =
    "{\"type\":\"person.registered\",\"at\":\"2025-03-03T09:00:00Z\",\"person\":\"P-Y\","
    "\"given_names\":\"Ximena\",\"family_names\":\"Yáñez García\",\"aliases\":[],"
    "\"birth_date\":\"1979-08-08\",\"birth_country\":\"VE\",\"nationalities\":[\"VE\"],"
    "\"identifiers\":{}}\n";

static uint32_t key_count(const state *s, const char *kind_tok)
{
    uint32_t n;
    state_names_find(s, "VE", kind_tok[0], kind_tok + 1, strlen(kind_tok + 1), &n);
    return n;
}

static void reg(buf *b, const char *id, const char *given, const char *family)
{
    buf_printf(b,
               "{\"type\":\"person.registered\",\"at\":\"2025-03-03T09:00:00Z\",\"person\":"
               "\"%s\",\"given_names\":\"%s\",\"family_names\":\"%s\",\"aliases\":[],"
               "\"birth_date\":\"1979-08-08\",\"birth_country\":\"VE\",\"nationalities\":"
               "[\"VE\"],\"identifiers\":{}}\n",
               id, given, family);
}

/* A refused batch of several registrations gives back every person's run of
 * hashes: the next batch's persons find their own, not the refused ones'. */
static void rollback_gives_back_hashes(void **st)
{
    (void)st;
    const char *path = tu_path(tu_tmpdir(), "rbh.db");
    ledger *l;
    hb_err e;
    if (ledger_open(path, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    buf b = BUF_INIT;
    reg(&b, "P-A", "Uno Dos Tres", "Cuatro Cinco");
    reg(&b, "P-B", "Seis", "Siete");
    buf_puts(&b, "{\"type\":\"custody.released\",\"at\":\"2025-03-03T10:00:00Z\","
                 "\"person\":\"P-NONE\",\"reason\":\"x\",\"released_to\":\"x\"}\n");
    import_into(l, b.p, HB_EINPUT);
    buf_clear(&b);
    reg(&b, "P-C", "Ocho", "Nueve");
    reg(&b, "P-D", "Diez", "Once");
    import_into(l, b.p, 0);
    buf_free(&b);
    const state *s = ledger_state(l);
    assert_int_equal(state_count_persons(s), 2);
    size_t n;
    const uint64_t *h = state_name_hashes(s, 1, &n);
    assert_int_equal(n, 2);
    assert_true(h[0] == names_token_hash('f', "once", 4));
    assert_true(h[1] == names_token_hash('g', "diez", 4));
    ledger_close(l);
}

/* In the live state (no reopen): a refused batch whose first line registered a
 * person leaves no trace in the index, and a later batch reuses what it gave back. */
static void rollback_leaves_index(void **st)
{
    (void)st;
    const char *path = tu_path(tu_tmpdir(), "rb.db");
    ledger *l;
    hb_err e;
    if (ledger_open(path, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    import_into(l, fixture.p, 0);
    const state *s = ledger_state(l);
    assert_int_equal(key_count(s, "fgarcia"), 6);
    import_into(l, REFUSED, HB_EINPUT);
    s = ledger_state(l);
    assert_int_equal(key_count(s, "fzapata"), 0);
    assert_int_equal(key_count(s, "gemiliano"), 0);
    assert_int_equal(key_count(s, "fgarcia"), 6);
    uint32_t n;
    state_names_find_pair(s, "VE", "zapata", 6, "emiliano", 8, &n);
    assert_int_equal(n, 0);
    state_names_find_date(s, "VE", 3506, &n); /* 1979-08-08 */
    assert_int_equal(n, 0);
    size_t nh, persons = state_count_persons(s);
    state_name_hashes(s, (uint32_t)persons, &nh);
    assert_int_equal(nh, 0); /* the refused person's hashes are gone */
    locate_query q;
    locate_fault f;
    locate_result r;
    assert_int_equal(locate_query_parse("garcia", NULL, "VE", NULL, &q, &f), 0);
    assert_int_equal(locate_search(s, &q, &r), 0);
    assert_int_equal(r.n, 5);
    import_into(l, LATER, 0);
    s = ledger_state(l);
    assert_int_equal(key_count(s, "fzapata"), 0);
    assert_int_equal(key_count(s, "fyanez"), 1);
    assert_int_equal(key_count(s, "gximena"), 1);
    assert_int_equal(key_count(s, "fgarcia"), 7);
    state_names_find_pair(s, "VE", "garcia", 6, "ximena", 6, &n);
    assert_int_equal(n, 1);
    state_names_find_date(s, "VE", 3506, &n);
    assert_int_equal(n, 1);
    /* The new person's hashes start where the refused one's did. */
    const uint64_t *h = state_name_hashes(s, (uint32_t)persons, &nh);
    assert_int_equal(nh, 3);
    assert_true(h[0] == names_token_hash('f', "yanez", 5));
    assert_true(h[1] == names_token_hash('f', "garcia", 6));
    assert_true(h[2] == names_token_hash('g', "ximena", 6));
    assert_int_equal(locate_search(s, &q, &r), 0);
    assert_int_equal(r.n, 5); /* Yáñez García was never held */
    locate_query_free(&q);
    ledger_close(l);
}

static uint32_t key_of(const state *s, const char *kind_tok, uint32_t *n)
{
    return state_names_find(s, "VE", kind_tok[0], kind_tok + 1, strlen(kind_tok + 1), n);
}

static uint32_t index_of(const state *s, const char *id)
{
    const st_person *p = state_person(s, id);
    for (uint32_t i = 0; i < state_count_persons(s); i++)
        if (state_person_at(s, i) == p) return i;
    fail_msg("no person %s", id);
    return ST_NONE;
}

/* A key of one person keeps that person and no list; the second person makes
 * the list (the first moves into it, with their real filter). A refused batch
 * that made a list, or grew one, gives back only the counts: the key is again
 * a key of one, and the next batch reuses the list with nothing of the
 * refused persons left in it. */
static void lists_follow_rollback(void **st)
{
    (void)st;
    const char *path = tu_path(tu_tmpdir(), "lists.db");
    ledger *l;
    hb_err e;
    if (ledger_open(path, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    buf b = BUF_INIT;
    reg(&b, "P-A", "Uno", "Raro");
    reg(&b, "P-B", "Dos", "Comun");
    reg(&b, "P-C", "Tres", "Comun");
    import_into(l, b.p, 0);
    const state *s = ledger_state(l);
    uint32_t n, a = index_of(s, "P-A"), c = index_of(s, "P-C");
    st_name_post one;
    const st_name_post *v = state_name_posts(s, key_of(s, "fraro", &n), &one);
    assert_int_equal(n, 1);
    assert_ptr_equal(v, &one);
    assert_int_equal(v[0].person, a);
    assert_int_equal(v[0].bloom, UINT32_MAX);
    v = state_name_posts(s, key_of(s, "fcomun", &n), &one);
    assert_int_equal(n, 2);
    assert_ptr_not_equal(v, &one);
    assert_int_equal(v[0].person, index_of(s, "P-B"));
    assert_int_equal(v[1].person, c);
    assert_int_equal(v[1].bloom, state_name_bloom(names_token_hash('f', "comun", 5)) |
                                     state_name_bloom(names_token_hash('g', "tres", 4)));
    buf_clear(&b);
    reg(&b, "P-D", "Cuatro", "Raro");
    reg(&b, "P-E", "Cinco", "Comun");
    buf_puts(&b, "{\"type\":\"custody.released\",\"at\":\"2025-03-03T10:00:00Z\","
                 "\"person\":\"P-NONE\",\"reason\":\"x\",\"released_to\":\"x\"}\n");
    import_into(l, b.p, HB_EINPUT);
    s = ledger_state(l);
    v = state_name_posts(s, key_of(s, "fraro", &n), &one);
    assert_int_equal(n, 1);
    assert_ptr_equal(v, &one);
    assert_int_equal(v[0].person, a);
    v = state_name_posts(s, key_of(s, "fcomun", &n), &one);
    assert_int_equal(n, 2);
    assert_int_equal(v[1].person, c);
    key_of(s, "gcuatro", &n);
    assert_int_equal(n, 0);
    buf_clear(&b);
    reg(&b, "P-F", "Seis", "Raro");
    import_into(l, b.p, 0);
    buf_free(&b);
    s = ledger_state(l);
    uint32_t f = index_of(s, "P-F");
    assert_int_equal(f, c + 1); /* the refused persons' places are taken again */
    v = state_name_posts(s, key_of(s, "fraro", &n), &one);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].person, a);
    assert_int_equal(v[0].bloom, state_name_bloom(names_token_hash('f', "raro", 4)) |
                                     state_name_bloom(names_token_hash('g', "uno", 3)));
    assert_int_equal(v[1].person, f);
    ledger_close(l);
}

/* --- The index against a plain scan ------------------------------------------
 * Persons drawn from a small vocabulary (so tokens, pairs and dates are shared
 * by many), queried with random parts of their names; locate_search must give
 * exactly what normalising every person's names and comparing gives, newest
 * first. Catches a key that misses someone, a chain that is not the shortest
 * but wrong, and a hash check that accepts or refuses wrongly. */

static const char *const FAMS[] = {"García", "Garcia", "Pérez", "López", "Núñez",
                                   "Wałęsa", "Øster",  "Díaz",  "Ruiz",  "Mora"};
static const char *const GIVS[] = {"José", "Ángel",  "María", "Ana",
                                   "Luis", "Łukasz", "Pedro", "Eva"};
static const char *const DATES[] = {"1980-01-01", "1990-04-23", "1975-05-05"};
static const char *const CCS[] = {"VE", "CO"};

static uint64_t rng_state = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* One or two words of a list, joined by sep. */
static void words(char *out, size_t cap, const char *const *v, unsigned n, const char *sep)
{
    unsigned a = rnd(n), b = rnd(n);
    if (rnd(2))
        snprintf(out, cap, "%s", v[a]);
    else
        snprintf(out, cap, "%s%s%s", v[a], sep, v[b]);
}

static bool ref_has_all(const char *name, const char *query)
{
    char *pn = NULL, *qn = NULL;
    if (!query || !*query) return true;
    assert_int_equal(names_normalise(query, strlen(query), &qn), 0);
    if (name) assert_int_equal(names_normalise(name, strlen(name), &pn), 0);
    names_tok pt[NAMES_MAX_TOKENS], qt[NAMES_MAX_TOKENS];
    size_t np = pn ? names_tokens(pn, pt, NAMES_MAX_TOKENS) : 0;
    size_t nq = names_tokens(qn, qt, NAMES_MAX_TOKENS);
    bool ok = true;
    for (size_t i = 0; i < nq && ok; i++) {
        ok = false;
        for (size_t j = 0; j < np && !ok; j++)
            ok = pt[j].n == qt[i].n && !memcmp(pt[j].p, qt[i].p, qt[i].n);
    }
    free(pn);
    free(qn);
    return ok;
}

static size_t ref_search(const state *s, const char *fam, const char *giv, const char *cc,
                         int32_t date, const st_person **out)
{
    size_t n = 0;
    for (size_t i = state_count_persons(s); i-- > 0 && n < LOCATE_MAX;) {
        const st_person *p = state_person_at(s, (uint32_t)i);
        if (p->custody == CUST_NEVER || strcmp(p->birth_country.cc, cc) != 0) continue;
        if (date != HB_DATE_ABSENT && p->birth_date != date) continue;
        if (ref_has_all(p->family_names, fam) && ref_has_all(p->given_names, giv)) out[n++] = p;
    }
    return n;
}

static void crowd(buf *b, int n)
{
    buf_puts(b, FIXTURE);
    buf_puts(b, "{\"type\":\"facility.registered\",\"at\":\"2025-03-01T08:00:00Z\",\"facility\":"
                "\"F-BIG\",\"name\":\"Big\",\"country\":\"US\",\"kind\":\"detention_center\","
                "\"design_capacity\":5000}\n"
                "{\"type\":\"unit.certified\",\"at\":\"2025-03-01T08:00:00Z\",\"facility\":"
                "\"F-BIG\",\"unit\":\"B\",\"kind\":\"dormitory\",\"capacity\":5000,"
                "\"floor_area_m2\":20000,\"beds\":5000}\n");
    for (int i = 0; i < n; i++) {
        char fam[64], giv[64];
        words(fam, sizeof fam, FAMS, 10, i % 3 ? " " : "-");
        words(giv, sizeof giv, GIVS, 8, " ");
        const char *cc = CCS[rnd(2)];
        buf_printf(b,
                   "{\"type\":\"person.registered\",\"at\":\"2025-03-03T09:00:00Z\",\"person\":"
                   "\"P-C%d\",\"given_names\":\"%s\",\"family_names\":\"%s\",\"aliases\":[],"
                   "\"birth_date\":\"%s\",\"birth_country\":\"%s\",\"nationalities\":[\"%s\"],"
                   "\"identifiers\":{}}\n",
                   i, giv, fam, DATES[rnd(3)], cc, cc);
        if (rnd(10))
            buf_printf(b,
                       "{\"type\":\"custody.admitted\",\"at\":\"2025-03-03T10:00:00Z\",\"person\":"
                       "\"P-C%d\",\"facility\":\"F-BIG\",\"unit\":\"B\",\"basis\":{\"kind\":"
                       "\"immigration\",\"reference\":\"C-%d\",\"review_by\":\"2025-06-01\"}}\n",
                       i, i);
    }
}

/* The HTTP answer (written directly) is the CLI's tree, compact, byte for byte. */
static void same_bytes(const locate_result *r)
{
    buf b = BUF_INIT;
    assert_int_equal(locate_write(&b, r), 0);
    json_t *j = locate_json(r);
    char *want = json_dumps(j, JSON_COMPACT);
    assert_string_equal(b.p, want);
    free(want);
    json_decref(j);
    buf_free(&b);
}

static void index_agrees_with_scan(void **st)
{
    (void)st;
    buf b = BUF_INIT;
    crowd(&b, 1500);
    const char *path = tu_path(tu_tmpdir(), "crowd.db");
    ledger *l;
    hb_err e;
    if (ledger_open(path, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    import_into(l, b.p, 0);
    buf_free(&b);
    const state *s = ledger_state(l);
    size_t nonempty = 0;
    for (int k = 0; k < 3000; k++) {
        char fam[64] = "", giv[64] = "";
        unsigned what = rnd(3); /* family only, given only, both */
        if (what != 1) words(fam, sizeof fam, FAMS, 10, rnd(2) ? " " : "-");
        if (what != 0) words(giv, sizeof giv, GIVS, 8, " ");
        const char *cc = CCS[rnd(2)], *date = rnd(2) ? DATES[rnd(3)] : NULL;
        locate_query q;
        locate_fault f;
        locate_result r;
        assert_int_equal(locate_query_parse(fam, giv, cc, date, &q, &f), 0);
        assert_int_equal(locate_search(s, &q, &r), 0);
        const st_person *want[LOCATE_MAX];
        size_t n = ref_search(s, fam, giv, cc, q.birth_date, want);
        if (r.n != n)
            fail_msg("family \"%s\" given \"%s\" %s %s: %zu results, the scan %zu", fam, giv, cc,
                     date ? date : "-", r.n, n);
        for (size_t i = 0; i < n; i++)
            assert_ptr_equal(r.hit[i].person, want[i]);
        same_bytes(&r);
        nonempty += n > 0;
        locate_query_free(&q);
    }
    assert_true(nonempty > 1000); /* the queries do find people */
    ledger_close(l);
}

/* Each person's token hashes are those of their normalised tokens, repeats once. */
static void person_hashes(void **st)
{
    (void)st;
    ledger *l;
    hb_err e;
    if (ledger_open(db_path, STORE_OPEN, &l, &e)) fail_msg("open: %s", e.msg);
    const state *s = ledger_state(l);
    const st_person *p = state_person(s, "P-9"); /* Łukasz Wałęsa-Øster */
    uint32_t pi = UINT32_MAX;
    for (uint32_t i = 0; i < state_count_persons(s); i++)
        if (state_person_at(s, i) == p) pi = i;
    size_t n;
    const uint64_t *h = state_name_hashes(s, pi, &n);
    assert_int_equal(n, 3);
    assert_true(h[0] == names_token_hash('f', "walesa", 6));
    assert_true(h[1] == names_token_hash('f', "oster", 5));
    assert_true(h[2] == names_token_hash('g', "lukasz", 6));
    assert_true(names_token_hash('g', "walesa", 6) != h[0]); /* the kind counts */
    uint32_t count;
    state_names_find_pair(s, "VE", "garcia", 6, "jose", 4, &count);
    assert_int_equal(count, 3);                   /* P-1, P-7, P-8 */
    state_names_find_date(s, "VE", 3652, &count); /* 1980-01-01 */
    assert_int_equal(count, 25);
    ledger_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matching),
        cmocka_unit_test(statuses),
        cmocka_unit_test(errors),
        cmocka_unit_test(rate_limit),
        cmocka_unit_test(ratelimit_refills),
        cmocka_unit_test(rollback_leaves_index),
        cmocka_unit_test(rollback_gives_back_hashes),
        cmocka_unit_test(lists_follow_rollback),
        cmocka_unit_test(index_agrees_with_scan),
        cmocka_unit_test(person_hashes),
    };
    int rc = cmocka_run_group_tests(tests, setup, NULL);
    buf_free(&fixture);
    return rc;
}
