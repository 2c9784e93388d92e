/* model: the RFC 8785 canonical form. Numbers as ECMAScript writes them (the RFC's
 * own examples), strings escaped as the RFC says, keys in UTF-16 order, and the
 * property the ledger's hashes rest on: canonical(decode(line)) is a fixed point,
 * whatever the key order, whitespace or escaping of the line. */
#include "testutil.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"
#include "test_model_examples.h"

static arena A;

static int setup(void **st)
{
    (void)st;
    arena_init(&A, 0);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    arena_free(&A);
    return 0;
}

static double from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static void want_number(double v, const char *want)
{
    buf b = BUF_INIT;
    assert_int_equal(canon_number(&b, v), 0);
    if (strcmp(b.p, want) != 0) fail_msg("%.17g: got %s, want %s", v, b.p, want);
    buf_free(&b);
}

/* RFC 8785 appendix B, by IEEE 754 bit pattern. */
static const struct {
    uint64_t bits;
    const char *text;
} RFC_NUMBERS[] = {
    {0x0000000000000000ull, "0"},
    {0x8000000000000000ull, "0"},
    {0x0000000000000001ull, "5e-324"},
    {0x8000000000000001ull, "-5e-324"},
    {0x7fefffffffffffffull, "1.7976931348623157e+308"},
    {0xffefffffffffffffull, "-1.7976931348623157e+308"},
    {0x4340000000000000ull, "9007199254740992"},
    {0xc340000000000000ull, "-9007199254740992"},
    {0x4430000000000000ull, "295147905179352830000"},
    {0x44b52d02c7e14af5ull, "9.999999999999997e+22"},
    {0x44b52d02c7e14af6ull, "1e+23"},
    {0x44b52d02c7e14af7ull, "1.0000000000000001e+23"},
    {0x444b1ae4d6e2ef4eull, "999999999999999700000"},
    {0x444b1ae4d6e2ef4full, "999999999999999900000"},
    {0x444b1ae4d6e2ef50ull, "1e+21"},
    {0x3eb0c6f7a0b5ed8cull, "9.999999999999997e-7"},
    {0x3eb0c6f7a0b5ed8dull, "0.000001"},
    {0x41b3de4355555553ull, "333333333.3333332"},
    {0x41b3de4355555554ull, "333333333.33333325"},
    {0x41b3de4355555555ull, "333333333.3333333"},
    {0x41b3de4355555556ull, "333333333.3333334"},
    {0x41b3de4355555557ull, "333333333.33333343"},
    {0xbecbf647612f3696ull, "-0.0000033333333333333333"},
    {0x43143ff3c1cb0959ull, "1424953923781206.2"},
};

static void numbers_rfc8785(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof RFC_NUMBERS / sizeof RFC_NUMBERS[0]; i++)
        want_number(from_bits(RFC_NUMBERS[i].bits), RFC_NUMBERS[i].text);
    buf b = BUF_INIT;
    assert_int_equal(canon_number(&b, NAN), HB_EINPUT);
    assert_int_equal(canon_number(&b, INFINITY), HB_EINPUT);
    assert_int_equal(canon_number(&b, -INFINITY), HB_EINPUT);
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void numbers_from_text(void **st)
{
    (void)st;
    const struct {
        const char *in, *out;
    } cases[] = {
        {"1e21", "1e+21"},
        {"1e20", "100000000000000000000"},
        {"0.000001", "0.000001"},
        {"1e-7", "1e-7"},
        {"1.5e-7", "1.5e-7"},
        {"0.0000012", "0.0000012"},
        {"333333333.33333329", "333333333.3333333"},
        {"9007199254740991", "9007199254740991"},
        {"1152921504606846976", "1152921504606847000"},
        {"100", "100"},
        {"-1.5", "-1.5"},
        {"0.1", "0.1"},
        {"35.5", "35.5"},
        {"1E+2", "100"},
        {"-0.0", "0"},
        {"123456789012345680000", "123456789012345680000"},
        {"1.25e22", "1.25e+22"},
        {"4.35", "4.35"},
        {"0.3", "0.3"},
        {"2.2250738585072014e-308", "2.2250738585072014e-308"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        want_number(strtod(cases[i].in, NULL), cases[i].out);
}

static void want_string(const char *in, size_t n, const char *want)
{
    buf b = BUF_INIT;
    assert_int_equal(canon_string(&b, in, n), 0);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.p, want, b.len);
    buf_free(&b);
}

static void strings(void **st)
{
    (void)st;
    want_string("", 0, "\"\"");
    want_string(NULL, 0, "\"\"");
    want_string("plain", 5, "\"plain\"");
    want_string("\"\\/", 3, "\"\\\"\\\\/\"");
    want_string("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
    want_string("\x00\x01\x1f\x7f", 4, "\"\\u0000\\u0001\\u001f\x7f\"");
    want_string("\xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8", 12,
                "\"\xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8\"");
    want_string("a long run of plain text, then \x1b and more plain text", 52,
                "\"a long run of plain text, then \\u001b and more plain text\"");
    /* invalid UTF-8 has no canonical form; the buffer is left as it was */
    buf b = BUF_INIT;
    buf_puts(&b, "x");
    assert_int_equal(canon_string(&b, "ab\xff", 3), HB_EINPUT);
    assert_int_equal(canon_string(&b, "\xed\xa0\x80", 3), HB_EINPUT);
    assert_int_equal(canon_string(&b, "\xc0\xaf", 2), HB_EINPUT);
    assert_int_equal(b.len, 1);
    assert_string_equal(b.p, "x");
    buf_free(&b);
}

/* decode line, canonicalise; fails the test on refusal. Returns malloc'd bytes. */
static char *canon_of(const char *line, size_t n)
{
    event ev;
    hb_errlist errs;
    errlist_init(&errs, 10);
    arena_reset(&A);
    int rc = event_decode(line, n, &A, &ev, &errs, "t");
    if (rc) {
        printf("line: %.*s\n", (int)n, line);
        for (size_t i = 0; i < errs.n; i++)
            printf("  %s\n", errs.msgs[i]);
        fail_msg("refused");
    }
    errlist_free(&errs);
    buf b = BUF_INIT;
    assert_int_equal(event_canonical(&b, &ev), 0);
    return b.p;
}

static void exact_bytes(void **st)
{
    (void)st;
    char *line = tex_line(&EXAMPLES[EV_CUSTODY_ADMITTED], NULL, NULL, NULL, 0, NULL);
    char *c = canon_of(line, strlen(line));
    assert_string_equal(c,
                        "{\"at\":\"2025-03-15T17:25:00-04:00\",\"basis\":{\"kind\":\"agreement\","
                        "\"reference\":\"AGR-US-SV-2025\",\"review_by\":\"2025-09-15\",\"until\":"
                        "\"2026-03-15\"},\"facility\":\"F-CECOT\",\"person\":\"P-000123\",\"type\":"
                        "\"custody.admitted\",\"unit\":\"F-CECOT-M1-C07\"}");
    free(line);
    free(c);
    /* times byte for byte, dates regenerated, escapes resolved, numbers normalised */
    const char *in =
        "{ \"value\" : 1.50E1, \"metric\":\"occupants\", \"type\":\"condition.observed\","
        "\"at\":\"2025-03-15T17:25:00.500+01:00\",\"facility\":\"F\\u002d1\"}";
    c = canon_of(in, strlen(in));
    assert_string_equal(c,
                        "{\"at\":\"2025-03-15T17:25:00.500+01:00\",\"facility\":\"F-1\","
                        "\"metric\":\"occupants\",\"type\":\"condition.observed\",\"value\":15}");
    free(c);
    in = "{\"type\":\"status.recorded\",\"at\":\"2025-01-01T00:00:00Z\",\"person\":\"P\","
         "\"jurisdiction\":\"US\",\"status\":\"none\",\"valid_from\":\"\\u0032025-03-01\","
         "\"source\":\"a\\u00e9\\n\"}";
    c = canon_of(in, strlen(in));
    assert_string_equal(
        c, "{\"at\":\"2025-01-01T00:00:00Z\",\"jurisdiction\":\"US\",\"person\":\"P\","
           "\"source\":\"a\xc3\xa9\\n\",\"status\":\"none\",\"type\":\"status.recorded\","
           "\"valid_from\":\"2025-03-01\"}");
    free(c);
}

static void keys_in_utf16_order(void **st)
{
    (void)st;
    /* RFC 8785 sec. 3.2.3's own example, as identifier schemes. */
    const char *in =
        "{\"type\":\"person.registered\",\"at\":\"2025-01-01T00:00:00Z\",\"person\":\"P\","
        "\"given_names\":\"G\",\"family_names\":\"F\",\"identifiers\":{"
        "\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet "
        "With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":"
        "\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}}";
    char *c = canon_of(in, strlen(in));
    const char *want =
        "{\"at\":\"2025-01-01T00:00:00Z\",\"family_names\":\"F\",\"given_names\":\"G\","
        "\"identifiers\":{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
        "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
        "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With "
        "Dagesh\"},\"person\":\"P\",\"type\":\"person.registered\"}";
    assert_string_equal(c, want);
    char *again = canon_of(c, strlen(c));
    assert_string_equal(again, want);
    free(c);
    free(again);
}

/* Shuffles the keys of every object of j (recursively) with a fixed generator. */
static json_t *shuffled(json_t *j, unsigned *seed)
{
    if (json_is_array(j)) {
        json_t *a = json_array();
        for (size_t i = 0; i < json_array_size(j); i++)
            json_array_append_new(a, shuffled(json_array_get(j, i), seed));
        return a;
    }
    if (!json_is_object(j)) return json_incref(j);
    const char *keys[32];
    size_t n = 0;
    for (void *it = json_object_iter(j); it && n < 32; it = json_object_iter_next(j, it))
        keys[n++] = json_object_iter_key(it);
    for (size_t i = n; i > 1; i--) {
        *seed = *seed * 1103515245u + 12345u;
        size_t r = (*seed >> 16) % i;
        const char *t = keys[i - 1];
        keys[i - 1] = keys[r];
        keys[r] = t;
    }
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, keys[i], shuffled(json_object_get(j, keys[i]), seed));
    return o;
}

/* The property the ledger rests on, over every example (full and minimal), each
 * also re-serialised with shuffled keys, indentation and \u escapes. */
static void canonical_is_a_fixed_point(void **st)
{
    (void)st;
    unsigned seed = 12345;
    for (int t = 0; t < EV__COUNT; t++) {
        for (int minimal = 0; minimal <= 1; minimal++) {
            char *line = tex_line(&EXAMPLES[t], NULL, NULL, NULL, minimal, NULL);
            char *c = canon_of(line, strlen(line));
            char *c2 = canon_of(c, strlen(c));
            assert_string_equal(c, c2);
            json_error_t e;
            json_t *j = json_loads(line, 0, &e);
            assert_non_null(j);
            for (int round = 0; round < 8; round++) {
                json_t *s = shuffled(j, &seed);
                size_t flags = JSON_PRESERVE_ORDER | JSON_INDENT(round % 4) |
                               (round & 1 ? JSON_ENSURE_ASCII : 0);
                char *other = json_dumps(s, flags);
                char *c3 = canon_of(other, strlen(other));
                if (strcmp(c, c3) != 0) fail_msg("%s\n%s\n%s", other, c, c3);
                free(other);
                free(c3);
                json_decref(s);
            }
            json_decref(j);
            free(line);
            free(c);
            free(c2);
        }
    }
}

#define HASH_HEX "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void records_and_exports(void **st)
{
    (void)st;
    char *line = tex_line(&EXAMPLES[EV_CUSTODY_MOVED], NULL, NULL, NULL, 0, NULL);
    record r;
    memset(&r, 0, sizeof r);
    assert_int_equal(event_decode(line, strlen(line), &A, &r.ev, NULL, NULL), 0);
    free(line);
    r.seq = 7;
    r.actor = (hb_str){"cli:alice", 9};
    r.recorded_at.text = (hb_str){"2025-03-20T12:00:00.000001Z", 27};
    for (int i = 0; i < 32; i++)
        r.hash[i] = (uint8_t)((i % 16) * 0x11);
    buf b = BUF_INIT;
    assert_int_equal(record_canonical(&b, &r), 0);
    const char *ev = "{\"at\":\"2025-03-20T06:00:00-06:00\",\"facility\":\"F-CECOT\",\"person\":"
                     "\"P-000123\",\"type\":\"custody.moved\",\"unit\":\"F-CECOT-M2-C01\"}";
    char want[1024];
    snprintf(
        want, sizeof want,
        "{\"actor\":\"cli:alice\",\"event\":%s,\"recorded_at\":\"2025-03-20T12:00:00.000001Z\","
        "\"seq\":7}",
        ev);
    assert_string_equal(b.p, want);
    buf_clear(&b);
    assert_int_equal(record_export(&b, &r), 0);
    snprintf(want, sizeof want,
             "{\"actor\":\"cli:alice\",\"event\":%s,\"hash\":\"" HASH_HEX "\","
             "\"recorded_at\":\"2025-03-20T12:00:00.000001Z\",\"seq\":7}",
             ev);
    assert_string_equal(b.p, want);

    /* export -> decode -> export is the identity, and the hash comes back */
    record back;
    hb_errlist errs;
    errlist_init(&errs, 10);
    assert_int_equal(record_decode(b.p, b.len, &A, &back, &errs, "t"), 0);
    errlist_free(&errs);
    assert_true(back.has_hash);
    assert_memory_equal(back.hash, r.hash, 32);
    assert_int_equal(back.seq, 7);
    buf b2 = BUF_INIT;
    assert_int_equal(record_export(&b2, &back), 0);
    assert_string_equal(b.p, b2.p);
    buf_clear(&b2);
    assert_int_equal(record_canonical(&b2, &back), 0);
    assert_null(strstr(b2.p, "hash"));

    /* incomplete records have no canonical form; the buffer is untouched */
    buf_clear(&b);
    back.actor.p = NULL;
    assert_int_equal(record_canonical(&b, &back), HB_EINPUT);
    back.actor = (hb_str){"a", 1};
    back.seq = 0;
    assert_int_equal(record_export(&b, &back), HB_EINPUT);
    assert_int_equal(b.len, 0);
    buf_free(&b);
    buf_free(&b2);
}

/* Writers elsewhere (the demo) build events by hand: absent fields are left out,
 * maps are sorted, and what cannot be canonical is refused. */
static void hand_built_events(void **st)
{
    (void)st;
    event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = EV_PERSON_REGISTERED;
    ev.at.text = (hb_str){"2025-01-01T00:00:00Z", 20};
    ev_person_registered *p = &ev.u.person_registered;
    p->person = (hb_str){"P-1", 3};
    p->given_names = (hb_str){"Ana", 3};
    p->family_names = (hb_str){"Diaz", 4};
    p->aliases.n = -1;
    p->birth_date = HB_DATE_ABSENT;
    p->nationalities.n = -1;
    hb_kv kv[3] = {{{"z", 1}, {"3", 1}}, {{"a", 1}, {"1", 1}}, {{"m", 1}, {"2", 1}}};
    p->identifiers = (hb_kvs){kv, 3};
    buf b = BUF_INIT;
    assert_int_equal(event_canonical(&b, &ev), 0);
    assert_string_equal(b.p, "{\"at\":\"2025-01-01T00:00:00Z\",\"family_names\":\"Diaz\","
                             "\"given_names\":\"Ana\",\"identifiers\":{\"a\":\"1\",\"m\":\"2\","
                             "\"z\":\"3\"},\"person\":\"P-1\",\"type\":\"person.registered\"}");
    char *again = canon_of(b.p, b.len);
    assert_string_equal(again, b.p);
    free(again);

    buf_clear(&b);
    buf_puts(&b, "keep");
    kv[2].key = kv[0].key; /* a repeated key */
    assert_int_equal(event_canonical(&b, &ev), HB_EINPUT);
    assert_string_equal(b.p, "keep");
    kv[2].key = (hb_str){"m", 1};
    p->given_names = (hb_str){"A\xff", 2};
    assert_int_equal(event_canonical(&b, &ev), HB_EINPUT);
    assert_string_equal(b.p, "keep");
    ev.type = EV__COUNT;
    assert_int_equal(event_canonical(&b, &ev), HB_EINPUT);

    memset(&ev, 0, sizeof ev);
    ev.type = EV_FACILITY_REGISTERED;
    ev.at.text = (hb_str){"2025-01-01T00:00:00Z", 20};
    ev.u.facility_registered.kind = 7; /* out of range */
    ev.u.facility_registered.design_capacity = -1;
    assert_int_equal(event_canonical(&b, &ev), HB_EINPUT);
    assert_string_equal(b.p, "keep");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_rfc8785),
        cmocka_unit_test(numbers_from_text),
        cmocka_unit_test(strings),
        cmocka_unit_test(exact_bytes),
        cmocka_unit_test(keys_in_utf16_order),
        cmocka_unit_test(canonical_is_a_fixed_point),
        cmocka_unit_test(records_and_exports),
        cmocka_unit_test(hand_built_events),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
