/* ledger: import (all or nothing, every error reported), replay on open, export ->
 * restore byte-identical, restore's refusals, verify against tampering, reads. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/leaf.h"
#include "ledger/ledger.h"
#include "model/codec.h"
#include "util/buf.h"

/* Batch k: persons P-k-0 .. admitted to F-1, a third moved, a fifth released.
 * Batch 0 also registers F-1 and its ten units. Valid after any earlier batches. */
static void gen_batch(buf *b, int k, int persons)
{
    if (k == 0) {
        buf_puts(b, "{\"type\":\"facility.registered\",\"at\":\"2025-01-01T08:00:00Z\","
                    "\"facility\":\"F-1\",\"name\":\"Centro 1\",\"country\":\"SV\","
                    "\"kind\":\"prison\",\"design_capacity\":40000}\n");
        for (int u = 1; u <= 10; u++)
            buf_printf(b,
                       "{\"type\":\"unit.certified\",\"at\":\"2025-01-01T09:00:00-06:00\","
                       "\"facility\":\"F-1\",\"unit\":\"U-%d\",\"kind\":\"cell\","
                       "\"capacity\":100,\"floor_area_m2\":80.5,\"beds\":100}\n",
                       u);
    }
    for (int i = 0; i < persons; i++) {
        buf_printf(b,
                   "{\"type\":\"person.registered\",\"at\":\"2025-02-01T10:00:00Z\","
                   "\"person\":\"P-%d-%d\",\"given_names\":\"Jos\xc3\xa9 \xc3\x81ngel\","
                   "\"family_names\":\"Garc\xc3\xad"
                   "a P\xc3\xa9rez\",\"birth_date\":"
                   "\"1990-05-0%d\",\"nationalities\":[\"VE\"]}\n",
                   k, i, 1 + i % 9);
        buf_printf(b,
                   "{\"type\":\"custody.admitted\",\"at\":\"2025-02-02T10:00:00Z\","
                   "\"person\":\"P-%d-%d\",\"facility\":\"F-1\",\"unit\":\"U-%d\","
                   "\"basis\":{\"kind\":\"sentence\",\"reference\":\"C-%d-%d\","
                   "\"until\":\"2030-01-01\"}}\n",
                   k, i, 1 + i % 10, k, i);
        if (i % 3 == 0)
            buf_printf(b,
                       "{\"type\":\"custody.moved\",\"at\":\"2025-02-03T10:00:00Z\","
                       "\"person\":\"P-%d-%d\",\"facility\":\"F-1\",\"unit\":\"U-%d\"}\n",
                       k, i, 1 + (i + 1) % 10);
        if (i % 5 == 0)
            buf_printf(b,
                       "{\"type\":\"custody.released\",\"at\":\"2025-02-04T10:00:00Z\","
                       "\"person\":\"P-%d-%d\",\"reason\":\"sentence served\"}\n",
                       k, i);
    }
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static ledger *open_l(const char *path, store_mode mode)
{
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(path, mode, &l, &e)) fail_msg("open %s: %s", path, e.msg);
    return l;
}

static int import_s(ledger *l, const char *name, const char *s, hb_errlist *errs)
{
    hb_err e = {0};
    int64_t first, last;
    int rc = ledger_import(l, name, s, strlen(s), "test:alice", errs, &first, &last, &e);
    if (rc == HB_EINTERNAL) fail_msg("import: %s", e.msg);
    return rc;
}

static void import_ok(ledger *l, const char *s)
{
    hb_errlist errs;
    errlist_init(&errs, 5);
    int rc = import_s(l, "ok.jsonl", s, &errs);
    if (rc) fail_msg("import refused: %s", errs.n ? errs.msgs[0] : "?");
    errlist_free(&errs);
}

/* Everything a reader would see: counts, custody, occupancy, history lengths. */
static char *dump(const ledger *l)
{
    const state *s = ledger_state(l);
    buf b = BUF_INIT;
    buf_printf(&b, "last %lld persons %zu facilities %zu units %zu\n", (long long)state_last_seq(s),
               state_count_persons(s), state_count_facilities(s), state_count_units(s));
    for (uint32_t i = 0; i < state_count_persons(s); i++) {
        const st_person *p = state_person_at(s, i);
        buf_printf(&b, "%s %d %u %u %u %lld\n", p->id, (int)p->custody, p->facility, p->unit,
                   p->history.n, (long long)p->custody_since_seq);
    }
    for (uint32_t i = 0; i < state_count_facilities(s); i++)
        buf_printf(&b, "%s held %u\n", state_facility_at(s, i)->id, state_facility_at(s, i)->held);
    for (uint32_t i = 0; i < state_count_units(s); i++)
        buf_printf(&b, "%s held %u\n", state_unit_at(s, i)->id, state_unit_at(s, i)->held);
    return b.p;
}

static char *export_s(ledger *l, int64_t from)
{
    /* Static: the stream keeps their addresses until fclose, which GCC's
     * -Wdangling-pointer (at -O3) cannot see through for locals. */
    static char *p;
    static size_t n;
    p = NULL;
    n = 0;
    FILE *f = open_memstream(&p, &n);
    hb_err e = {0};
    int rc = ledger_export(l, from, f, &e);
    fclose(f);
    if (rc) fail_msg("export: %s", e.msg);
    return p;
}

static int has_msg(const hb_errlist *errs, const char *needle)
{
    for (size_t i = 0; i < errs->n; i++)
        if (strstr(errs->msgs[i], needle)) return 1;
    return 0;
}

static void import_then_reopen_replays_the_same_state(void **st)
{
    (void)st;
    const char *p = tu_path(tu_tmpdir(), "l.db");
    ledger *l = open_l(p, STORE_CREATE);
    buf b = BUF_INIT;
    gen_batch(&b, 0, 3000); /* several chunks: the writer thread runs */
    import_ok(l, b.p);
    assert_int_equal(ledger_size(l), count_lines(b.p));
    char *before = dump(l);
    ledger_close(l);
    l = open_l(p, STORE_OPEN);
    assert_int_equal(ledger_size(l), count_lines(b.p));
    char *after = dump(l);
    assert_string_equal(before, after);
    int64_t checked = 0;
    hb_err e = {0};
    assert_int_equal(ledger_verify(l, &checked, &e), 0);
    assert_int_equal(checked, ledger_size(l));
    ledger_close(l);
    free(before);
    free(after);
    buf_free(&b);
}

static void import_is_all_or_nothing_and_reports_every_error(void **st)
{
    (void)st;
    const char *p = tu_path(tu_tmpdir(), "l.db");
    ledger *l = open_l(p, STORE_CREATE);
    buf b = BUF_INIT;
    gen_batch(&b, 0, 5);
    import_ok(l, b.p);
    int64_t size = ledger_size(l);
    char *before = dump(l);

    buf bad = BUF_INIT;
    gen_batch(&bad, 1, 3000); /* > 2 chunks, so rows reach SQLite before the bad line */
    buf_puts(&bad, "\r\n   \n{\"type\":\"custody.moved\",\"at\":\"2025-03-01T00:00:00Z\","
                   "\"person\":\"P-nobody\",\"facility\":\"F-1\",\"unit\":\"U-1\"}\r\n");
    buf_puts(&bad, "{\"type\":\"unit.certified\",\"at\":\"2025-03-01T00:00:00Z\","
                   "\"facility\":\"F-1\",\"unit\":\"U-99\",\"kind\":\"cell\",\"capacity\":\"12\","
                   "\"floor_area_m2\":1,\"beds\":1}\n");
    buf_puts(&bad, "not json at all");
    int lines = count_lines(bad.p) + 1;
    hb_errlist errs;
    errlist_init(&errs, 20);
    assert_int_equal(import_s(l, "bad.jsonl", bad.p, &errs), HB_EINPUT);
    char where[64];
    snprintf(where, sizeof where, "bad.jsonl:%d:", lines - 2);
    assert_true(has_msg(&errs, where));
    assert_true(has_msg(&errs, "P-nobody"));
    snprintf(where, sizeof where, "bad.jsonl:%d:", lines - 1);
    assert_true(has_msg(&errs, where));
    snprintf(where, sizeof where, "bad.jsonl:%d:", lines);
    assert_true(has_msg(&errs, where));
    errlist_free(&errs);

    assert_int_equal(ledger_size(l), size);
    char *now = dump(l);
    assert_string_equal(before, now);
    free(now);
    ledger_close(l);
    l = open_l(p, STORE_OPEN);
    assert_int_equal(ledger_size(l), size); /* nothing reached the disk either */
    now = dump(l);
    assert_string_equal(before, now);
    free(now);
    /* The ledger still takes good events afterwards. */
    buf_clear(&b);
    gen_batch(&b, 2, 10);
    import_ok(l, b.p);
    assert_int_equal(ledger_size(l), size + count_lines(b.p));
    ledger_close(l);
    free(before);
    buf_free(&b);
    buf_free(&bad);
}

static void import_refuses_a_record_line(void **st)
{
    (void)st;
    ledger *l = open_l(tu_path(tu_tmpdir(), "l.db"), STORE_CREATE);
    buf b = BUF_INIT;
    gen_batch(&b, 0, 2);
    import_ok(l, b.p);
    char *exp = export_s(l, 1);
    *strchr(exp, '\n') = '\0';
    ledger *l2 = open_l(tu_path(tu_tmpdir(), "l2.db"), STORE_CREATE);
    hb_errlist errs;
    errlist_init(&errs, 5);
    assert_int_equal(import_s(l2, "rec.jsonl", exp, &errs), HB_EINPUT);
    assert_true(has_msg(&errs, "rec.jsonl:1:"));
    assert_true(has_msg(&errs, "restore"));
    assert_int_equal(ledger_size(l2), 0);
    errlist_free(&errs);
    free(exp);
    buf_free(&b);
    ledger_close(l);
    ledger_close(l2);
}

static ledger *two_batches(const char *path)
{
    ledger *l = open_l(path, STORE_CREATE);
    buf b = BUF_INIT;
    gen_batch(&b, 0, 40);
    import_ok(l, b.p);
    buf_clear(&b);
    gen_batch(&b, 1, 5);
    hb_errlist errs;
    errlist_init(&errs, 5);
    hb_err e = {0};
    int64_t first = 0, last = 0;
    assert_int_equal(ledger_import(l, "b.jsonl", b.p, b.len, "test:bob", &errs, &first, &last, &e),
                     0);
    assert_int_equal(last - first + 1, count_lines(b.p));
    assert_int_equal(last, ledger_size(l));
    errlist_free(&errs);
    buf_free(&b);
    return l;
}

static int restore_s(ledger *l, const char *s, hb_errlist *errs, hb_err *e)
{
    int64_t last = -1;
    int rc = ledger_restore(l, "x.jsonl", s, strlen(s), errs, &last, e);
    if (rc == 0) assert_int_equal(last, ledger_size(l));
    return rc;
}

static void export_restore_export_is_byte_identical(void **st)
{
    (void)st;
    const char *dir = tu_tmpdir();
    ledger *l = two_batches(tu_path(dir, "a.db"));
    char *exp = export_s(l, 1);
    assert_non_null(strstr(exp, "\"actor\":\"test:bob\""));
    assert_non_null(strstr(exp, "\"hash\":\""));
    ledger *r = open_l(tu_path(dir, "b.db"), STORE_CREATE);
    hb_errlist errs;
    errlist_init(&errs, 5);
    hb_err e = {0};
    assert_int_equal(restore_s(r, exp, &errs, &e), 0);
    assert_int_equal(ledger_size(r), ledger_size(l));
    char *again = export_s(r, 1);
    assert_string_equal(exp, again);
    char *d1 = dump(l), *d2 = dump(r);
    assert_string_equal(d1, d2);
    ledger_close(r);
    r = open_l(tu_path(dir, "b.db"), STORE_OPEN);
    char *d3 = dump(r);
    assert_string_equal(d1, d3);

    /* export from a seq is the tail of the full export */
    char *tail = export_s(l, 3);
    const char *third = strchr(strchr(exp, '\n') + 1, '\n') + 1;
    assert_string_equal(tail, third);

    /* restore into a non-empty ledger is refused, and changes nothing */
    assert_int_equal(restore_s(r, exp, &errs, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "restore only into an empty ledger"));
    char *d4 = dump(r);
    assert_string_equal(d1, d4);
    errlist_free(&errs);
    free(exp), free(again), free(tail), free(d1), free(d2), free(d3), free(d4);
    ledger_close(l);
    ledger_close(r);
}

/* Restores s into a fresh ledger, expecting refusal with a message containing want. */
static void restore_refused(const char *s, const char *want)
{
    ledger *r = open_l(tu_path(tu_tmpdir(), "r.db"), STORE_CREATE);
    hb_errlist errs;
    errlist_init(&errs, 20);
    hb_err e = {0};
    assert_int_equal(restore_s(r, s, &errs, &e), HB_EINPUT);
    if (!has_msg(&errs, want))
        fail_msg("no message with \"%s\"; first: %s", want, errs.n ? errs.msgs[0] : "none");
    assert_int_equal(ledger_size(r), 0);
    assert_int_equal(state_count_persons(ledger_state(r)), 0);
    assert_int_equal(state_last_seq(ledger_state(r)), 0);
    errlist_free(&errs);
    ledger_close(r);
}

static void restore_refuses_changes_gaps_and_bare_events(void **st)
{
    (void)st;
    ledger *l = two_batches(tu_path(tu_tmpdir(), "a.db"));
    char *exp = export_s(l, 1);

    /* one changed byte in seq 12's event (a person): its hash no longer matches */
    char *changed = strdup(exp);
    char *line12 = changed;
    for (int i = 0; i < 11; i++)
        line12 = strchr(line12, '\n') + 1;
    char *name = strstr(line12, "Garc");
    assert_true(name && name < strchr(line12, '\n'));
    name[1] = 'e';
    restore_refused(changed, "x.jsonl:12: seq 12: hash mismatch");

    /* a missing line */
    char *gap = strdup(exp);
    char *l3 = strchr(strchr(gap, '\n') + 1, '\n') + 1, *l4 = strchr(l3, '\n') + 1;
    memmove(l3, l4, strlen(l4) + 1);
    restore_refused(gap, "expected seq 3, found seq 4");

    /* a line without its hash */
    char *nohash = strdup(exp);
    char *h = strstr(nohash, ",\"hash\":\"");
    memmove(h, h + 74, strlen(h + 74) + 1); /* ,"hash":"<64 hex>" */
    restore_refused(nohash, "x.jsonl:1: seq 1: the record has no \"hash\"");

    /* bare events are import's job */
    buf b = BUF_INIT;
    gen_batch(&b, 0, 1);
    restore_refused(b.p, "x.jsonl:1");
    free(exp), free(changed), free(gap), free(nohash);
    buf_free(&b);
    ledger_close(l);
}

static void verify_detects_a_tampered_body_and_names_the_seq(void **st)
{
    (void)st;
    const char *p = tu_path(tu_tmpdir(), "l.db");
    ledger *l = two_batches(p);
    int64_t checked = 0;
    hb_err e = {0};
    assert_int_equal(ledger_verify(l, &checked, &e), 0);
    ledger_close(l);
    /* A change that still decodes: only the hash gives it away. */
    assert_int_equal(tu_sh(NULL, 1,
                           "sqlite3 '%s' \"DROP TRIGGER events_append_only_update; UPDATE events "
                           "SET body = CAST(replace(CAST(body AS TEXT), 'Garc', 'Gerc') AS BLOB) "
                           "WHERE seq = 12\"",
                           p),
                     0);
    l = open_l(p, STORE_OPEN);
    assert_int_equal(ledger_verify(l, &checked, &e), HB_ERULE);
    assert_non_null(strstr(e.msg, "seq 12: "));
    assert_non_null(strstr(e.msg, "leaf hash"));
    assert_int_equal(checked, 11);
    ledger_close(l);
    /* A change the decoder accepts but that is not canonical (a space). */
    assert_int_equal(tu_sh(NULL, 1,
                           "sqlite3 '%s' \"UPDATE events SET body = CAST(replace(CAST(body AS "
                           "TEXT), '{\\\"actor\\\":', '{ \\\"actor\\\":') AS BLOB) WHERE seq = 9\"",
                           p),
                     0);
    l = open_l(p, STORE_OPEN);
    assert_int_equal(ledger_verify(l, &checked, &e), HB_ERULE);
    assert_non_null(strstr(e.msg, "seq 9: the stored bytes are not the record's canonical form"));
    ledger_close(l);
    /* A body that no longer decodes, or a missing row: the ledger refuses to open. */
    assert_int_equal(
        tu_sh(NULL, 1, "sqlite3 '%s' \"UPDATE events SET body = x'7b7d' WHERE seq = 7\"", p), 0);
    ledger *none = (ledger *)1;
    assert_int_equal(ledger_open(p, STORE_OPEN, &none, &e), HB_EINTERNAL);
    assert_null(none);
    assert_non_null(strstr(e.msg, "seq 7: the stored record does not decode"));
    assert_int_equal(tu_sh(NULL, 1,
                           "sqlite3 '%s' \"DROP TRIGGER events_append_only_delete; DELETE FROM "
                           "events WHERE seq = 5\"",
                           p),
                     0);
    assert_int_equal(ledger_open(p, STORE_OPEN, &none, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "gap: seq 6 follows seq 4"));
}

typedef struct {
    int64_t seqs[4];
    int n;
} got_records;

static int on_record(void *ctx, const record *r)
{
    got_records *g = ctx;
    g->seqs[g->n++] = r->seq;
    assert_true(r->has_hash);
    assert_memory_equal(r->actor.p, "test:alice", 10);
    return 0;
}

static void read_fetches_records_by_seq(void **st)
{
    (void)st;
    ledger *l = two_batches(tu_path(tu_tmpdir(), "l.db"));
    int64_t want[] = {12, 2};
    got_records g = {.n = 0};
    hb_err e = {0};
    assert_int_equal(ledger_read(l, want, 2, on_record, &g, &e), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.seqs[0], 12);
    assert_int_equal(g.seqs[1], 2);
    int64_t missing[] = {ledger_size(l) + 1};
    assert_int_equal(ledger_read(l, missing, 1, on_record, &g, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "no record with seq"));
    ledger_close(l);
}

static void batches_commit_abort_and_stay_single(void **st)
{
    (void)st;
    ledger *l = open_l(tu_path(tu_tmpdir(), "l.db"), STORE_CREATE);
    hb_err e = {0};
    ledger_batch *b = NULL, *b2 = NULL;
    assert_int_equal(ledger_batch_begin(l, "", &b, &e), HB_EINPUT);
    assert_int_equal(ledger_batch_begin(l, "t", &b, &e), 0);
    assert_int_equal(ledger_batch_begin(l, "t", &b2, &e), HB_EINTERNAL);
    int64_t first = -1, last = -1;
    assert_int_equal(ledger_batch_commit(b, &first, &last, &e), 0);
    assert_int_equal(first, 0);
    assert_int_equal(last, 0);
    buf ev = BUF_INIT;
    gen_batch(&ev, 0, 0);
    import_ok(l, ev.p);
    assert_int_equal(ledger_size(l), 11);
    char *before = dump(l);
    /* an aborted batch leaves nothing behind */
    buf more = BUF_INIT;
    gen_batch(&more, 1, 1);
    assert_int_equal(ledger_batch_begin(l, "t", &b, &e), 0);
    arena a;
    arena_init(&a, 0);
    hb_errlist errs;
    errlist_init(&errs, 5);
    event one;
    assert_int_equal(
        event_decode(more.p, (size_t)(strchr(more.p, '\n') - more.p), &a, &one, &errs, "more:1"),
        0);
    assert_int_equal(ledger_batch_add(b, &one, &errs, "more:1"), 0);
    assert_int_equal(state_count_persons(ledger_state(l)), 1);
    ledger_batch_abort(b);
    assert_int_equal(state_count_persons(ledger_state(l)), 0);
    arena_free(&a);
    errlist_free(&errs);
    char *after = dump(l);
    assert_string_equal(before, after);
    /* the hash of a stored record is SHA-256(0x00 || canonical bytes) */
    uint8_t h[32];
    char hex[65];
    assert_int_equal(leaf_hash("", 0, h), 0);
    hex32(h, hex);
    assert_string_equal(hex, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    uint8_t back[32];
    assert_int_equal(unhex32(hex, 64, back), 0);
    assert_memory_equal(back, h, 32);
    hex[3] = 'A';
    assert_int_equal(unhex32(hex, 64, back), -1);
    assert_int_equal(unhex32(hex, 63, back), -1);
    free(before), free(after);
    buf_free(&ev);
    buf_free(&more);
    ledger_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_then_reopen_replays_the_same_state),
        cmocka_unit_test(import_is_all_or_nothing_and_reports_every_error),
        cmocka_unit_test(import_refuses_a_record_line),
        cmocka_unit_test(export_restore_export_is_byte_identical),
        cmocka_unit_test(restore_refuses_changes_gaps_and_bare_events),
        cmocka_unit_test(verify_detects_a_tampered_body_and_names_the_seq),
        cmocka_unit_test(read_fetches_records_by_seq),
        cmocka_unit_test(batches_commit_abort_and_stay_single),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
