/* http log: GET /v1/log/head, /v1/log/proof/inclusion and /v1/log/proof/consistency
 * in-process through http_dispatch on a temporary ledger holding
 * examples/minimal.jsonl.
 *
 * The builders' exact shapes and base64 on hand-made values; the head's shape,
 * its checkpoint verifying with the ledger's verifier key and naming the same
 * size and root; every inclusion proof (each seq at each size) and every
 * consistency proof (each pair of sizes) verifying with merkle_verify_*, leaf
 * hashes equal to GET /v1/events's, roots agreeing across the three routes; every
 * refused parameter with its slug, field and expected, the log unchanged; every
 * role, the public included, allowed; and after a POST /v1/events batch, the new
 * head's size, signature, and proofs linking it to the old head. */
#include "testutil.h"
#include "http_call.h"
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/app.h"
#include "http/routes.h"
#include "http/tokens.h"
#include "ledger/leaf.h"
#include "ledger/log.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "views/views.h"

static int64_t EVENTS;

static int setup(void **ctx)
{
    (void)ctx;
    hc_open("log.db", &EVENTS);
    return 0;
}

static int teardown(void **ctx)
{
    (void)ctx;
    hc_close();
    return 0;
}

/* A GET as the public that must answer 200 with JSON. */
static reply get_ok(const char *path, const char *query)
{
    reply r = call_as(ROLE_PUBLIC, "GET", path, query, NULL);
    if (r.status != 200) fail_msg("GET %s?%s: %d %s", path, query ? query : "", r.status, r.text);
    assert_string_equal(r.ctype, "application/json");
    assert_non_null(r.j);
    return r;
}

/* The object's keys, in order, joined by ",". */
static void keys_of(json_t *o, char *out, size_t n)
{
    size_t at = 0;
    const char *k;
    json_t *v;
    out[0] = '\0';
    json_object_foreach(o, k, v)
    {
        int w = snprintf(out + at, n - at, "%s%s", at ? "," : "", k);
        at += w > 0 ? (size_t)w : 0;
        if (at >= n) break;
    }
}

/* A standard-base64 hash field into out; fails the test unless it is exactly 32 bytes. */
static void b64_hash(json_t *v, uint8_t out[32])
{
    const char *s = json_string_value(v);
    if (!s) fail_msg("not a string hash");
    assert_int_equal(strlen(s), 44);
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, 32, s, strlen(s), NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) ||
        got != 32 || *end)
        fail_msg("not standard base64 of 32 bytes: %s", s);
}

static void proof_of(json_t *a, merkle_proof *p)
{
    assert_true(json_is_array(a));
    p->n = json_array_size(a);
    assert_true(p->n <= MERKLE_MAX_DEPTH);
    for (size_t i = 0; i < p->n; i++)
        b64_hash(json_array_get(a, i), p->h[i]);
}

static int64_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v)) fail_msg("%s is not an integer", k);
    return json_integer_value(v);
}

/* ------------------------------------------------------------------ views */

static void test_views_shapes(void **ctx)
{
    (void)ctx;
    static const char *ZERO_TO_31 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static const char *ALL_FF = "//////////////////////////////////////////8=";
    store_head h = {.id = 7, .size = 12};
    for (int i = 0; i < 32; i++)
        h.root[i] = (uint8_t)i;
    snprintf(h.timestamp, sizeof h.timestamp, "2025-03-15T21:00:00.000123Z");
    snprintf(h.note, sizeof h.note, "o/1\n12\n%s\ntimestamp x\n\n\xe2\x80\x94 o/1 AAAA\n",
             ZERO_TO_31);
    json_t *j = views_log_head(&h);
    char *s = json_dumps(j, JSON_COMPACT);
    char want[1024];
    snprintf(want, sizeof want,
             "{\"size\":12,\"root_hash\":\"%s\",\"timestamp\":\"2025-03-15T21:00:00.000123Z\","
             "\"checkpoint\":\"o/1\\n12\\n%s\\ntimestamp x\\n\\n\xe2\x80\x94 o/1 AAAA\\n\"}",
             ZERO_TO_31, ZERO_TO_31);
    assert_string_equal(s, want);
    free(s);
    json_decref(j);

    log_inclusion in = {.seq = 5, .size = 9};
    memset(in.leaf, 0xff, 32);
    for (int i = 0; i < 32; i++)
        in.root[i] = (uint8_t)i;
    in.proof.n = 2;
    memset(in.proof.h[0], 0xff, 32);
    memcpy(in.proof.h[1], in.root, 32);
    j = views_log_inclusion(&in);
    s = json_dumps(j, JSON_COMPACT);
    snprintf(want, sizeof want,
             "{\"seq\":5,\"leaf_index\":4,\"tree_size\":9,\"leaf_hash\":\"%s\",\"root_hash\":"
             "\"%s\",\"proof\":[\"%s\",\"%s\"]}",
             ALL_FF, ZERO_TO_31, ALL_FF, ZERO_TO_31);
    assert_string_equal(s, want);
    free(s);
    json_decref(j);

    log_consistency co = {.first = 3, .second = 3};
    memcpy(co.first_root, in.root, 32);
    memset(co.second_root, 0xff, 32);
    j = views_log_consistency(&co); /* an empty proof is an empty array */
    s = json_dumps(j, JSON_COMPACT);
    snprintf(want, sizeof want,
             "{\"first\":3,\"second\":3,\"first_root\":\"%s\",\"second_root\":\"%s\","
             "\"proof\":[]}",
             ZERO_TO_31, ALL_FF);
    assert_string_equal(s, want);
    free(s);
    json_decref(j);
}

/* ------------------------------------------------------------------ head */

/* The head now, checked: shape, checkpoint signed by the ledger's key and
 * naming the same size, root and time; *size and root filled. */
static void head_now(int64_t *size, uint8_t root[32])
{
    reply r = get_ok("/v1/log/head", NULL);
    char keys[128];
    keys_of(r.j, keys, sizeof keys);
    assert_string_equal(keys, "size,root_hash,timestamp,checkpoint");
    *size = jint(r.j, "size");
    b64_hash(json_object_get(r.j, "root_hash"), root);
    const char *note = json_string_value(json_object_get(r.j, "checkpoint"));
    const char *ts = json_string_value(json_object_get(r.j, "timestamp"));
    assert_non_null(note);
    assert_non_null(ts);

    store *st;
    hb_err err = {0};
    note_vkey v;
    assert_int_equal(store_open(DB, STORE_READ, &st, &err), 0);
    assert_int_equal(log_vkey(st, &v, &err), 0);
    uint8_t want[32];
    assert_int_equal(log_root(st, *size, want, &err), 0);
    store_close(st);
    assert_memory_equal(root, want, 32);

    size_t text_len;
    if (note_verify(&v, note, strlen(note), &text_len, &err))
        fail_msg("the served checkpoint does not verify: %s\n%s", err.msg, note);
    note_checkpoint cp;
    assert_int_equal(note_checkpoint_parse(note, text_len, &cp, &err), 0);
    assert_string_equal(cp.origin, v.name);
    assert_int_equal(cp.size, (uint64_t)*size);
    assert_memory_equal(cp.root, root, 32);
    char line[64];
    snprintf(line, sizeof line, "\ntimestamp %s\n", ts);
    assert_non_null(strstr(note, line));
    reply_free(&r);
}

static void test_head(void **ctx)
{
    (void)ctx;
    int64_t size;
    uint8_t root[32];
    head_now(&size, root);
    assert_int_equal(size, EVENTS);
    /* Every role may read it: transparency needs no token. */
    for (int role = 0; role < ROLE__COUNT; role++) {
        reply r = call_as((http_role)role, "GET", "/v1/log/head", NULL, NULL);
        assert_int_equal(r.status, 200);
        reply_free(&r);
        r = call_as((http_role)role, "GET", "/v1/log/proof/inclusion", "seq=1", NULL);
        assert_int_equal(r.status, 200);
        reply_free(&r);
        r = call_as((http_role)role, "GET", "/v1/log/proof/consistency", "first=1&second=2", NULL);
        assert_int_equal(r.status, 200);
        reply_free(&r);
    }
    reply r = call_as(ROLE_ADMIN, "POST", "/v1/log/head", NULL, "{}");
    assert_int_equal(r.status, 405);
    reply_free(&r);
}

/* ------------------------------------------------------------------ proofs */

/* The leaf hashes GET /v1/events gives (hex), seq 1..n into leaves[seq - 1]. */
static void leaves_from_events(int64_t n, uint8_t (*leaves)[32])
{
    reply r = call_as(ROLE_ADMIN, "GET", "/v1/events", "from=1&limit=10000", NULL);
    assert_int_equal(r.status, 200);
    json_t *recs = json_object_get(r.j, "records");
    assert_true((int64_t)json_array_size(recs) >= n);
    for (int64_t i = 0; i < n; i++) {
        const char *hex =
            json_string_value(json_object_get(json_array_get(recs, (size_t)i), "hash"));
        assert_non_null(hex);
        assert_int_equal(unhex32(hex, strlen(hex), leaves[i]), 0);
    }
    reply_free(&r);
}

/* The inclusion proof of seq at size (0: no size given), verified; root filled. */
static void inclusion(int64_t seq, int64_t size, const uint8_t leaf[32], uint8_t root[32])
{
    char q[64];
    if (size)
        snprintf(q, sizeof q, "seq=%lld&size=%lld", (long long)seq, (long long)size);
    else
        snprintf(q, sizeof q, "seq=%lld", (long long)seq);
    reply r = get_ok("/v1/log/proof/inclusion", q);
    char keys[128];
    keys_of(r.j, keys, sizeof keys);
    assert_string_equal(keys, "seq,leaf_index,tree_size,leaf_hash,root_hash,proof");
    assert_int_equal(jint(r.j, "seq"), seq);
    assert_int_equal(jint(r.j, "leaf_index"), seq - 1);
    int64_t tree = jint(r.j, "tree_size");
    if (size) assert_int_equal(tree, size);
    uint8_t got_leaf[32];
    merkle_proof p;
    b64_hash(json_object_get(r.j, "leaf_hash"), got_leaf);
    b64_hash(json_object_get(r.j, "root_hash"), root);
    proof_of(json_object_get(r.j, "proof"), &p);
    assert_memory_equal(got_leaf, leaf, 32);
    if (!merkle_verify_inclusion(leaf, (uint64_t)seq - 1, (uint64_t)tree, &p, root))
        fail_msg("inclusion of %lld at %lld does not verify: %s", (long long)seq, (long long)tree,
                 r.text);
    if (p.n) { /* and a changed proof does not: the check above means something */
        p.h[0][0] ^= 1;
        assert_false(merkle_verify_inclusion(leaf, (uint64_t)seq - 1, (uint64_t)tree, &p, root));
    }
    reply_free(&r);
}

static void consistency(int64_t m, int64_t n, const uint8_t root_m[32], const uint8_t root_n[32])
{
    char q[64];
    snprintf(q, sizeof q, "first=%lld&second=%lld", (long long)m, (long long)n);
    reply r = get_ok("/v1/log/proof/consistency", q);
    char keys[128];
    keys_of(r.j, keys, sizeof keys);
    assert_string_equal(keys, "first,second,first_root,second_root,proof");
    assert_int_equal(jint(r.j, "first"), m);
    assert_int_equal(jint(r.j, "second"), n);
    uint8_t a[32], b[32];
    merkle_proof p;
    b64_hash(json_object_get(r.j, "first_root"), a);
    b64_hash(json_object_get(r.j, "second_root"), b);
    proof_of(json_object_get(r.j, "proof"), &p);
    assert_memory_equal(a, root_m, 32);
    assert_memory_equal(b, root_n, 32);
    if (m == n) assert_int_equal(p.n, 0);
    if (!merkle_verify_consistency((uint64_t)m, (uint64_t)n, a, b, &p))
        fail_msg("consistency %lld -> %lld does not verify: %s", (long long)m, (long long)n,
                 r.text);
    reply_free(&r);
}

static void test_proofs(void **ctx)
{
    (void)ctx;
    int64_t n;
    uint8_t head_root[32];
    head_now(&n, head_root);
    assert_true(n >= 2);
    uint8_t(*leaves)[32] = calloc((size_t)n, 32);    /* freed below */
    uint8_t(*roots)[32] = calloc((size_t)n + 1, 32); /* roots[k]: of the first k; freed below */
    assert_non_null(leaves);
    assert_non_null(roots);
    leaves_from_events(n, leaves);
    for (int64_t size = 1; size <= n; size++)
        for (int64_t seq = 1; seq <= size; seq++) {
            uint8_t root[32];
            inclusion(seq, size, leaves[seq - 1], root);
            /* every proof at one size names the same root */
            if (seq == 1) memcpy(roots[size], root, 32);
            assert_memory_equal(root, roots[size], 32);
        }
    assert_memory_equal(roots[n], head_root, 32);
    for (int64_t seq = 1; seq <= n; seq++) { /* no size: the head's */
        uint8_t root[32];
        inclusion(seq, 0, leaves[seq - 1], root);
        assert_memory_equal(root, head_root, 32);
    }
    for (int64_t m = 1; m <= n; m++)
        for (int64_t k = m; k <= n; k++)
            consistency(m, k, roots[m], roots[k]);
    free(leaves);
    free(roots);
}

/* ------------------------------------------------------------------ errors */

typedef struct {
    const char *path, *query;
    const char *slug, *field;
    const char *detail_has; /* a phrase the detail must hold */
} bad_case;

static void test_errors(void **ctx)
{
    (void)ctx;
    int64_t n;
    uint8_t root[32];
    head_now(&n, root);
    char over[32], over2[64], at_n[64];
    snprintf(over, sizeof over, "seq=%lld", (long long)n + 1);
    snprintf(over2, sizeof over2, "seq=1&size=%lld", (long long)n + 1);
    snprintf(at_n, sizeof at_n, "first=1&second=%lld", (long long)n + 1);
    char range_n[64];
    snprintf(range_n, sizeof range_n, "an integer from 1 to %lld", (long long)n);
    const char *I = "/v1/log/proof/inclusion", *C = "/v1/log/proof/consistency";
    const bad_case cases[] = {
        {"/v1/log/head", "x=1", "log-bad-parameter", "x", "takes no query parameters"},
        {I, NULL, "log-bad-parameter", "seq", "seq is required"},
        {I, "size=3", "log-bad-parameter", "seq", "seq is required"},
        {I, "seq=0", "log-bad-parameter", "seq", "positive integer"},
        {I, "seq=-1", "log-bad-parameter", "seq", "found \"-1\""},
        {I, "seq=+1", "log-bad-parameter", "seq", "positive integer"},
        {I, "seq=", "log-bad-parameter", "seq", "positive integer"},
        {I, "seq=1x", "log-bad-parameter", "seq", "found \"1x\""},
        {I, "seq= 1", "log-bad-parameter", "seq", "positive integer"},
        {I, "seq=1.0", "log-bad-parameter", "seq", "positive integer"},
        {I, "seq=9223372036854775808", "log-bad-parameter", "seq", "positive integer"},
        {I, "seq=1&size=0", "log-bad-parameter", "size", "positive integer"},
        {I, "seq=1&seq=2", "log-bad-parameter", "seq", "more than once"},
        {I, "seq=1&limit=2", "log-bad-parameter", "limit", "takes seq and size"},
        {I, over, "log-out-of-range", "seq", range_n},
        {I, over2, "log-out-of-range", "size", range_n},
        {I, "seq=3&size=2", "log-out-of-range", "seq", "an integer from 1 to 2"},
        {I, "seq=9223372036854775807", "log-out-of-range", "seq", range_n},
        {C, NULL, "log-bad-parameter", "first", "first is required"},
        {C, "first=1", "log-bad-parameter", "second", "second is required"},
        {C, "second=2", "log-bad-parameter", "first", "first is required"},
        {C, "first=0&second=2", "log-bad-parameter", "first", "positive integer"},
        {C, "first=1&second=two", "log-bad-parameter", "second", "found \"two\""},
        {C, "first=1&second=2&seq=1", "log-bad-parameter", "seq", "takes first and second"},
        {C, "first=3&second=2", "log-out-of-range", "first", "an integer from 1 to 2"},
        {C, at_n, "log-out-of-range", "second", range_n},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const bad_case *c = &cases[i];
        reply r = call_as(ROLE_PUBLIC, "GET", c->path, c->query, NULL);
        char type[160];
        snprintf(type, sizeof type, "https://habeas.invalid/problems/%s", c->slug);
        const char *got_type = json_string_value(json_object_get(r.j, "type"));
        const char *field = json_string_value(json_object_get(r.j, "field"));
        const char *expected = json_string_value(json_object_get(r.j, "expected"));
        const char *detail = json_string_value(json_object_get(r.j, "detail"));
        if (r.status != 400 || strcmp(r.ctype, "application/problem+json") || !got_type ||
            strcmp(got_type, type) || !field || strcmp(field, c->field) || !expected || !detail ||
            !strstr(detail, c->detail_has) || !strstr(detail, c->field))
            fail_msg("GET %s?%s: wanted 400 %s on %s saying [%s], got %d %s", c->path,
                     c->query ? c->query : "", c->slug, c->field, c->detail_has, r.status, r.text);
        if (!strcmp(c->slug, "log-out-of-range") && strstr(c->detail_has, "integer from"))
            assert_string_equal(expected, c->detail_has);
        reply_free(&r);
    }
    /* Refused reads changed nothing. */
    int64_t n2;
    uint8_t root2[32];
    head_now(&n2, root2);
    assert_int_equal(n2, n);
    assert_memory_equal(root2, root, 32);
}

/* ------------------------------------------------------------------ after an append */

static void test_after_post(void **ctx)
{
    (void)ctx;
    int64_t old_n;
    uint8_t old_root[32];
    head_now(&old_n, old_root);
    const char *batch =
        "[{\"type\":\"person.registered\",\"at\":\"2025-06-01T10:00:00Z\",\"person\":\"P-LOG-1\","
        "\"given_names\":\"Ana\",\"family_names\":\"Log\",\"nationalities\":[\"VE\"]},"
        "{\"type\":\"person.registered\",\"at\":\"2025-06-01T10:01:00Z\",\"person\":\"P-LOG-2\","
        "\"given_names\":\"Bea\",\"family_names\":\"Log\",\"nationalities\":[\"VE\"]}]";
    reply r = call_as(ROLE_RECORDS, "POST", "/v1/events", NULL, batch);
    if (r.status != 201) fail_msg("POST: %d %s", r.status, r.text);
    assert_int_equal(jint(r.j, "last"), old_n + 2);
    reply_free(&r);

    int64_t n;
    uint8_t root[32];
    head_now(&n, root); /* verifies the new checkpoint with log_vkey */
    assert_int_equal(n, old_n + 2);
    assert_memory_not_equal(root, old_root, 32);
    consistency(old_n, n, old_root, root);
    uint8_t(*leaves)[32] = calloc((size_t)n, 32); /* freed below */
    assert_non_null(leaves);
    leaves_from_events(n, leaves);
    uint8_t got[32];
    inclusion(n, 0, leaves[n - 1], got);
    assert_memory_equal(got, root, 32);
    inclusion(n - 1, n, leaves[n - 2], got);
    assert_memory_equal(got, root, 32);
    /* the old size is still provable, with the old root */
    inclusion(1, old_n, leaves[0], got);
    assert_memory_equal(got, old_root, 32);
    free(leaves);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_views_shapes), cmocka_unit_test(test_head),
        cmocka_unit_test(test_proofs),       cmocka_unit_test(test_errors),
        cmocka_unit_test(test_after_post),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
