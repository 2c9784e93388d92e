/* util: hash map, time and date parsing, arena, buffer and error list. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/hbtime.h"
#include "util/map.h"

static void map_put_get_del(void **st)
{
    (void)st;
    map m = MAP_INIT;
    enum { N = 20000 };
    static char keys[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "P-%06d", i);
        assert_int_equal(map_put(&m, keys[i], strlen(keys[i]), (uint32_t)i), 0);
    }
    assert_int_equal(m.n, N);
    uint32_t v;
    for (int i = 0; i < N; i++) {
        assert_true(map_get(&m, keys[i], strlen(keys[i]), &v));
        assert_int_equal(v, i);
    }
    assert_false(map_get(&m, "P-X", 3, &v));
    /* Delete every third key: the rest must stay reachable (backward shift). */
    for (int i = 0; i < N; i += 3)
        assert_true(map_del(&m, keys[i], strlen(keys[i])));
    assert_false(map_del(&m, keys[0], strlen(keys[0])));
    for (int i = 0; i < N; i++) {
        int found = map_get(&m, keys[i], strlen(keys[i]), &v);
        assert_int_equal(found, i % 3 != 0);
        if (found) assert_int_equal(v, i);
    }
    assert_int_equal(map_put(&m, keys[1], strlen(keys[1]), 7), 0);
    assert_true(map_get(&m, keys[1], strlen(keys[1]), &v));
    assert_int_equal(v, 7);
    map_free(&m);
}

static void map_delete_in_collision_runs(void **st)
{
    (void)st;
    /* A small table forces long probe runs that wrap around the end. */
    map m = MAP_INIT;
    static char keys[40][8];
    for (int i = 0; i < 40; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        map_put(&m, keys[i], strlen(keys[i]), (uint32_t)i);
    }
    for (int i = 39; i >= 0; i -= 2)
        map_del(&m, keys[i], strlen(keys[i]));
    for (int i = 0; i < 40; i++) {
        uint32_t v;
        assert_int_equal(map_get(&m, keys[i], strlen(keys[i]), &v), i % 2 == 0);
    }
    map_free(&m);
}

static int64_t t(const char *s)
{
    int64_t us;
    const char *why;
    assert_int_equal(hbtime_parse(s, strlen(s), &us, &why), 0);
    return us;
}

static void time_parse_valid(void **st)
{
    (void)st;
    assert_int_equal(t("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(t("2025-03-15T17:25:00-04:00"), t("2025-03-15T21:25:00Z"));
    assert_int_equal(t("2025-03-15T21:25:00.5Z") - t("2025-03-15T21:25:00Z"), 500000);
    assert_int_equal(t("2025-03-15T21:25:00.123456789+00:00") - t("2025-03-15T21:25:00Z"), 123456);
    assert_int_equal(t("2024-02-29T23:59:59+05:30"), t("2024-02-29T18:29:59Z"));
    char out[28];
    hbtime_format_utc(t("2025-03-15T17:25:00.25-04:00"), out);
    assert_string_equal(out, "2025-03-15T21:25:00.250000Z");
}

static void time_parse_invalid(void **st)
{
    (void)st;
    const char *bad[] = {"2025-03-15T17:25:00",
                         "2025-03-15 17:25:00Z",
                         "2025-03-15t17:25:00Z",
                         "2025-03-15T17:25:00z",
                         "2025-02-29T00:00:00Z",
                         "2025-03-15T24:00:00Z",
                         "2025-03-15T17:60:00Z",
                         "2025-03-15T17:25:60Z",
                         "2025-03-15T17:25:00+0400",
                         "2025-03-15T17:25:00.Z",
                         "2025-3-15T17:25:00Z",
                         "2025-03-15T17:25:00+24:00",
                         "2025-03-15T17:25:00.1234567890Z",
                         ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t us;
        const char *why = NULL;
        if (hbtime_parse(bad[i], strlen(bad[i]), &us, &why) == 0) fail_msg("accepted %s", bad[i]);
        assert_non_null(why);
    }
}

static void date_parse_format(void **st)
{
    (void)st;
    int32_t d;
    const char *why;
    assert_int_equal(hbdate_parse("1970-01-01", 10, &d, &why), 0);
    assert_int_equal(d, 0);
    assert_int_equal(hbdate_parse("2024-02-29", 10, &d, &why), 0);
    char out[11];
    hbdate_format(d, out);
    assert_string_equal(out, "2024-02-29");
    assert_int_equal(hbdate_parse("1900-02-29", 10, &d, &why), -1);
    assert_int_equal(hbdate_parse("2025-13-01", 10, &d, &why), -1);
    assert_int_equal(hbdate_parse("2025-04-31", 10, &d, &why), -1);
    assert_int_equal(hbdate_parse("0000-01-01", 10, &d, &why), -1);
    assert_int_equal(hbdate_parse("2025-1-01", 9, &d, &why), -1);
    assert_int_equal(hbdate_parse("2025/01/01", 10, &d, &why), -1);
    assert_int_equal(hbtime_date(t("2025-03-15T23:30:00-04:00")),
                     hbtime_date(t("2025-03-16T03:30:00Z")));
}

static void arena_and_buf(void **st)
{
    (void)st;
    arena a;
    arena_init(&a, 128);
    char *s = arena_strndup(&a, "hello", 5);
    assert_string_equal(s, "hello");
    void *big = arena_alloc(&a, 1000); /* larger than a block */
    assert_non_null(big);
    assert_int_equal((uintptr_t)arena_alloc(&a, 3) % 8, 0);
    arena_reset(&a);
    assert_int_equal(a.used_total, 0);
    assert_non_null(arena_alloc(&a, 16));
    arena_free(&a);

    buf b = BUF_INIT;
    buf_puts(&b, "seq ");
    buf_put_int(&b, -42);
    buf_printf(&b, " %s", "x");
    assert_string_equal(b.p, "seq -42 x");
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%0300d", i);
    assert_int_equal(b.len, 9 + 300000);
    buf_clear(&b);
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void errlist_limits(void **st)
{
    (void)st;
    hb_errlist l;
    errlist_init(&l, 2);
    errlist_add(&l, "f.jsonl:3", "unit.certified.capacity", "expected %s", "an integer");
    errlist_add(&l, NULL, NULL, "plain");
    errlist_add(&l, "f.jsonl:9", "x", "dropped but counted");
    assert_int_equal(l.n, 2);
    assert_int_equal(l.total, 3);
    assert_string_equal(l.msgs[0], "f.jsonl:3: unit.certified.capacity: expected an integer");
    assert_string_equal(l.msgs[1], "plain");
    errlist_free(&l);
    hb_err e;
    assert_int_equal(hb_fail(&e, HB_EINPUT, "no %s", "ledger"), HB_EINPUT);
    assert_string_equal(e.msg, "no ledger");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(map_put_get_del),   cmocka_unit_test(map_delete_in_collision_runs),
        cmocka_unit_test(time_parse_valid),  cmocka_unit_test(time_parse_invalid),
        cmocka_unit_test(date_parse_format), cmocka_unit_test(arena_and_buf),
        cmocka_unit_test(errlist_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
