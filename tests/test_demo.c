/* demo: the demo ledger imports cleanly, is deterministic for a seed, and has the
 * shape docs/demo.md promises; the synthetic-data helpers; `habeas demo`; and
 * examples/minimal.jsonl imports cleanly. */
#include "testutil.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/demo.h"
#include "cli/synth.h"
#include "cli/synth_bulk.h"
#include "cli/synth_json.h"
#include "ledger/ledger.h"
#include "rules/eligibility.h"
#include "util/hbtime.h"

/* Of the 261, cleared by the rules at the noon approval (docs/demo.md). */
#define DEMO_APPROVED 19

#ifndef HB_SOURCE_DIR
#define HB_SOURCE_DIR "."
#endif

/* One demo ledger (default seed) shared by the tests that only read it. */
static ledger *shared;
static char shared_path[700];
static int64_t shared_events;

static ledger *new_ledger(char path_out[700])
{
    snprintf(path_out, 700, "%s", tu_path(tu_tmpdir(), "demo.db"));
    ledger *l = NULL;
    hb_err err = {0};
    int rc = ledger_open(path_out, STORE_CREATE, &l, &err);
    if (rc) fail_msg("ledger_open: %s", err.msg);
    return l;
}

static int setup(void **st)
{
    (void)st;
    shared = new_ledger(shared_path);
    hb_err err = {0};
    int rc = demo_build(shared, DEMO_DEFAULT_SEED, &shared_events, &err);
    if (rc) fprintf(stderr, "demo_build: %s\n", err.msg);
    return rc;
}

static int teardown(void **st)
{
    (void)st;
    ledger_close(shared);
    return 0;
}

static void imports_cleanly(void **st)
{
    (void)st;
    buf text = BUF_INIT;
    size_t n = 0;
    assert_int_equal(demo_events(&text, DEMO_DEFAULT_SEED, &n), 0);
    buf_free(&text);
    assert_true(n > 40000);
    assert_int_equal(shared_events, (int64_t)n);
    assert_int_equal(ledger_size(shared), (int64_t)n);
    assert_int_equal(state_count_persons(ledger_state(shared)),
                     DEMO_RESIDENTS + DEMO_TRANSFER_PERSONS);
}

static void prison_shape(void **st)
{
    (void)st;
    const state *s = ledger_state(shared);
    const st_facility *f = state_facility(s, DEMO_PRISON);
    assert_non_null(f);
    assert_string_equal(f->country.cc, "SV");
    assert_int_equal(f->kind, FAC_PRISON);
    assert_int_equal(f->design_capacity, 40000);
    assert_non_null(f->contact);
    assert_int_equal(f->security.watchtowers, 19);
    assert_int_equal(f->security.perimeter_walls, 2);
    assert_int_equal(f->security.electrified_fence, 1);
    assert_int_equal(f->n_units, DEMO_CELLS + DEMO_SEGREGATION);
    int cells = 0, segregation = 0;
    uint32_t held_in_units = 0;
    for (uint32_t i = 0; i < f->n_units; i++) {
        const st_unit *u = state_unit_at(s, f->units[i]);
        held_in_units += u->held;
        if (u->kind == UNIT_SEGREGATION) {
            segregation++;
            continue;
        }
        assert_int_equal(u->kind, UNIT_CELL);
        cells++;
        assert_in_range(u->capacity, 80, 100);
        assert_int_equal(u->beds, u->capacity);
        assert_true(u->floor_area_m2 >= 95 && u->floor_area_m2 <= 105);
        assert_true(u->held <= u->capacity);
    }
    assert_int_equal(cells, 256);
    assert_int_equal(segregation, DEMO_SEGREGATION);
    /* The residents, less the one who died, plus the transfer's arrivals. */
    uint32_t expect = DEMO_RESIDENTS - DEMO_DEATHS + DEMO_TRANSFER_PERSONS - DEMO_NOT_DEPARTED;
    assert_int_equal(f->held, expect);
    assert_int_equal(held_in_units, expect);

    const st_facility *c = state_facility(s, DEMO_CENTER);
    assert_non_null(c);
    assert_int_equal(c->kind, FAC_DETENTION_CENTER);
    assert_int_equal(c->design_capacity, 1000);
    assert_int_equal(c->held, DEMO_NOT_DEPARTED);
}

static void transfer_shape(void **st)
{
    (void)st;
    const state *s = ledger_state(shared);
    const st_transfer *t = state_transfer(s, DEMO_TRANSFER);
    assert_non_null(t);
    assert_int_equal(t->n_persons, DEMO_TRANSFER_PERSONS);
    assert_string_equal(t->authority, DEMO_AUTHORITY);
    assert_string_equal(t->departure_planned.text.p, "2025-03-15T17:25:00-04:00");
    assert_ptr_equal(state_facility_at(s, t->from_facility), state_facility(s, DEMO_CENTER));
    assert_ptr_equal(state_facility_at(s, t->to_facility), state_facility(s, DEMO_PRISON));
    int arrived = 0, cancelled = 0;
    for (uint32_t i = 0; i < t->n_persons; i++) {
        arrived += t->persons[i].state == TP_ARRIVED;
        cancelled += t->persons[i].state == TP_CANCELLED;
    }
    assert_int_equal(arrived, DEMO_TRANSFER_PERSONS - DEMO_NOT_DEPARTED);
    assert_int_equal(cancelled, DEMO_NOT_DEPARTED);
    assert_int_equal(state_count_holds(s), 3);
    const st_hold *h = state_hold(s, "H-DDC-2025-0315-B");
    assert_non_null(h);
    assert_string_equal(h->authority, DEMO_AUTHORITY);
    int64_t evening;
    const char *why;
    assert_int_equal(hbtime_parse("2025-03-15T18:47:00-04:00", 25, &evening, &why), 0);
    assert_int_equal(h->effective_from_us, evening);
}

/* The approval is a decision, gated by the rules: at noon it lists exactly the
 * persons the rules clear then (docs/demo.md), and everyone else stays proposed. */
static void approval_lists_the_cleared(void **st)
{
    (void)st;
    int64_t noon;
    const char *why;
    assert_int_equal(hbtime_parse("2025-03-15T12:00:00-04:00", 25, &noon, &why), 0);
    state *s = NULL;
    hb_err err = {0};
    assert_int_equal(ledger_state_as_of(shared, noon, &s, &err), 0);
    const st_transfer *t = state_transfer(s, DEMO_TRANSFER);
    assert_non_null(t);
    uint32_t persons[DEMO_TRANSFER_PERSONS];
    elig_verdict *v = calloc(DEMO_TRANSFER_PERSONS, sizeof *v);
    assert_int_equal(t->n_persons, DEMO_TRANSFER_PERSONS);
    for (uint32_t i = 0; i < t->n_persons; i++)
        persons[i] = t->persons[i].person;
    elig_plan p = elig_plan_of(s, t, noon);
    assert_int_equal(elig_check(s, &p, persons, t->n_persons, v), 0);
    int approved = 0, by[RC__COUNT] = {0};
    for (uint32_t i = 0; i < t->n_persons; i++) {
        bool a = t->persons[i].state == TP_APPROVED;
        assert_true(a || t->persons[i].state == TP_PROPOSED);
        assert_int_equal(a, !v[i].blocked);
        approved += a;
        for (uint8_t k = 0; k < v[i].n_reasons; k++)
            by[v[i].reasons[k].code]++;
    }
    assert_int_equal(approved, DEMO_APPROVED);
    /* The table in docs/demo.md, "What the rules make of it". */
    const int want[RC__COUNT] = {[RC_HOLD_COURT_ORDER] = 6,
                                 [RC_NON_REFOULEMENT] = 12,
                                 [RC_SENDING_STATE_NATIONAL] = 1,
                                 [RC_NO_FINAL_CONVICTION] = 234};
    for (int k = 0; k < RC__COUNT; k++)
        if (by[k] != want[k])
            fail_msg("%s: %d persons, docs/demo.md says %d", elig_code_name((reason_code)k), by[k],
                     want[k]);
    free(v);
    state_free(s);
}

static bool has_status(const st_person *p, int kind, const char *country)
{
    for (uint16_t k = 0; k < p->n_status; k++)
        if (p->status[k].kind == kind && (!country || !strcmp(p->status[k].country.cc, country)))
            return true;
    return false;
}

static void persons_shape(void **st)
{
    (void)st;
    const state *s = ledger_state(shared);
    int citizens = 0, withholding = 0, cat = 0, asylum = 0, final = 0, deceased = 0;
    for (uint32_t i = 0; i < state_count_persons(s); i++) {
        const st_person *p = state_person_at(s, i);
        citizens += has_status(p, ST_CITIZEN, NULL);
        withholding += has_status(p, ST_WITHHOLDING_OF_REMOVAL, "SV");
        cat += has_status(p, ST_CAT_PROTECTION, "SV");
        asylum += has_status(p, ST_ASYLUM_PENDING, NULL);
        deceased += p->custody == CUST_DECEASED;
        if (i >= DEMO_RESIDENTS)
            for (uint16_t k = 0; k < p->n_conviction; k++)
                final += p->conviction[k].final == 1;
    }
    assert_int_equal(citizens, 1);
    const st_person *c = state_person(s, DEMO_CITIZEN);
    assert_true(has_status(c, ST_CITIZEN, NULL));
    assert_int_equal(c->n_nationalities, 1);
    assert_string_equal(c->nationalities[0].cc, "US");
    assert_in_range(withholding, 3, 6);
    assert_in_range(cat, 1, 3);
    assert_in_range(asylum, 3, 8);
    assert_int_equal(deceased, DEMO_DEATHS);
    /* A minority of the transfer's people had a final conviction. */
    assert_in_range(final, 10, DEMO_TRANSFER_PERSONS / 4);
    /* The protected person was sent all the same and is held at the prison. */
    const st_person *p = state_person(s, DEMO_PROTECTED_PERSON);
    assert_non_null(p);
    assert_true(has_status(p, ST_WITHHOLDING_OF_REMOVAL, "SV"));
    assert_int_equal(p->custody, CUST_HELD);
    assert_ptr_equal(state_facility_at(s, p->facility), state_facility(s, DEMO_PRISON));
    assert_int_equal(p->basis_kind, BASIS_AGREEMENT);
}

static void agreement_figures(void **st)
{
    (void)st;
    const st_agreement *a = state_agreement(ledger_state(shared), DEMO_AGREEMENT);
    assert_non_null(a);
    assert_string_equal(a->sending_state.cc, "US");
    assert_string_equal(a->receiving_state.cc, "SV");
    assert_int_equal(a->n_facilities, 1);
    assert_int_equal(a->starts, hb_days_from_civil(2025, 3, 15));
    assert_int_equal(a->ends, hb_days_from_civil(2026, 3, 14));
    assert_int_equal(a->fee.amount, 600000000);
    assert_string_equal(a->fee.currency, "USD");
    assert_int_equal(a->fee.persons, 238);
    assert_int_equal(a->fee.days, 365);
    assert_int_equal(a->baseline_cost.amount, 6000000);
    assert_string_equal(a->baseline_cost.currency, "USD");
    assert_int_equal(a->baseline_cost.per, PER_PERSON_YEAR);
    assert_int_equal(a->conditions.require_final_conviction, 1);
    assert_int_equal(a->conditions.allow_sending_state_nationals, 0);
    assert_int_equal(a->conditions.require_consent, 0);
    assert_true(a->conditions.nationalities.any);
    assert_int_equal(a->conditions.max_persons, 238);
}

/* The "event" member of every exported record, in order. */
static json_t *exported_events(ledger *l)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    hb_err err = {0};
    assert_int_equal(ledger_export(l, 1, f, &err), 0);
    fclose(f);
    json_t *events = json_array();
    for (char *line = text, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        assert_non_null(nl);
        json_error_t je;
        json_t *rec = json_loadb(line, (size_t)(nl - line), 0, &je);
        assert_non_null(rec);
        json_array_append(events, json_object_get(rec, "event"));
        json_decref(rec);
    }
    free(text);
    return events;
}

static void deterministic(void **st)
{
    (void)st;
    buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
    assert_int_equal(demo_events(&a, DEMO_DEFAULT_SEED, NULL), 0);
    assert_int_equal(demo_events(&b, DEMO_DEFAULT_SEED, NULL), 0);
    assert_int_equal(demo_events(&c, 7, NULL), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.p, b.p, a.len);
    assert_true(a.len != c.len || memcmp(a.p, c.p, a.len) != 0); /* the seed matters */
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);

    /* Through the ledger: the stored events are the same; only recorded_at differs. */
    char path[700];
    ledger *l = new_ledger(path);
    hb_err err = {0};
    assert_int_equal(demo_build(l, DEMO_DEFAULT_SEED, NULL, &err), 0);
    json_t *x = exported_events(shared), *y = exported_events(l);
    assert_int_equal(json_array_size(x), (size_t)shared_events);
    assert_true(json_equal(x, y));
    json_decref(x);
    json_decref(y);
    ledger_close(l);
}

static void refuses_a_second_build(void **st)
{
    (void)st;
    /* Every id would clash: the import is refused as a whole and nothing changes. */
    int64_t before = ledger_size(shared);
    size_t persons = state_count_persons(ledger_state(shared));
    hb_err err = {0};
    assert_int_equal(demo_build(shared, DEMO_DEFAULT_SEED, NULL, &err), HB_EINTERNAL);
    assert_non_null(strstr(err.msg, "refused the demo's events"));
    assert_non_null(strstr(err.msg, DEMO_PRISON));
    assert_int_equal(ledger_size(shared), before);
    assert_int_equal(state_count_persons(ledger_state(shared)), persons);
}

static void minimal_example_imports(void **st)
{
    (void)st;
    size_t len;
    char *text = tu_read(HB_SOURCE_DIR "/examples/minimal.jsonl", &len);
    assert_non_null(text);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    char path[700];
    ledger *l = new_ledger(path);
    hb_errlist errs;
    errlist_init(&errs, 20);
    hb_err err = {0};
    int64_t first = 0, last = 0;
    int rc = ledger_import(l, "minimal.jsonl", text, len, "test", &errs, &first, &last, &err);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msgs[i]);
    assert_int_equal(rc, 0);
    assert_int_equal(last - first + 1, (int64_t)lines);

    /* One of every type in the catalogue, at least. */
    json_t *events = exported_events(l);
    bool seen[EV__COUNT] = {false};
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        const char *type = json_string_value(json_object_get(ev, "type"));
        int t = event_type_from_name(type, strlen(type));
        assert_true(t >= 0);
        seen[t] = true;
    }
    for (int t = 0; t < EV__COUNT; t++)
        if (!seen[t]) fail_msg("examples/minimal.jsonl has no %s", event_type_name(t));
    json_decref(events);
    errlist_free(&errs);
    ledger_close(l);
    free(text);
}

static void prng_and_names(void **st)
{
    (void)st;
    synth_rng r;
    synth_seed(&r, 0);
    /* splitmix64's published first output for seed 0. */
    assert_true(synth_next(&r) == 0xe220a8397b1dcdafull);
    synth_seed(&r, 42);
    int double_names = 0;
    for (int i = 0; i < 200; i++) {
        synth_person p = {0};
        synth_person_latam(&r, "VE", &p);
        assert_string_equal(p.birth_country, "VE");
        assert_string_equal(p.nationality, "VE");
        assert_true(p.given[0] && p.family[0]);
        double_names += strchr(p.family, ' ') != NULL;
        assert_true(p.birth_date >= hb_days_from_civil(1970, 1, 1));
        assert_true(p.birth_date <= hb_days_from_civil(2006, 12, 31));
        assert_in_range(synth_below(&r, 7), 0, 6);
        int64_t v = synth_range(&r, -3, 3);
        assert_true(v >= -3 && v <= 3);
    }
    assert_in_range(double_names, 120, 199);
    char t[32];
    synth_time(t, (int32_t)hb_days_from_civil(2025, 3, 15), 17 * 3600 + 25 * 60, -240);
    assert_string_equal(t, "2025-03-15T17:25:00-04:00");
    synth_time(t, (int32_t)hb_days_from_civil(2025, 3, 16), 0, 330);
    assert_string_equal(t, "2025-03-16T00:00:00+05:30");
}

static void json_writer_escapes(void **st)
{
    (void)st;
    synth_w w;
    synth_w_init(&w);
    synth_w_begin(&w, "x", "t");
    synth_w_str(&w, "s", "a\"b\\c\nd\x01 Ñ");
    synth_w_array(&w, "l");
    synth_w_int(&w, NULL, -5);
    synth_w_bool(&w, NULL, 1);
    synth_w_close(&w, ']');
    synth_w_object(&w, "o");
    synth_w_date(&w, "d", HB_DATE_ABSENT);
    synth_w_date(&w, "e", 0);
    synth_w_close(&w, '}');
    synth_w_end(&w);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.events, 1);
    assert_string_equal(w.b.p, "{\"type\":\"x\",\"at\":\"t\",\"s\":\"a\\\"b\\\\c\\nd\\u0001 Ñ\","
                               "\"l\":[-5,true],\"o\":{\"e\":\"1970-01-01\"}}\n");
    synth_w_free(&w);
}

static void bulk_imports_cleanly(void **st)
{
    (void)st;
    synth_w w;
    synth_w_init(&w);
    synth_bulk_stats stats;
    assert_int_equal(synth_bulk(&w, 3, 5000, &stats), 0);
    assert_int_equal(stats.events, 5000);
    assert_int_equal(stats.persons, 500);
    assert_true(stats.moves > 0 && stats.releases == 50);
    char path[700];
    ledger *l = new_ledger(path);
    hb_errlist errs;
    errlist_init(&errs, 5);
    hb_err err = {0};
    int rc = ledger_import(l, "bulk", w.b.p, w.b.len, "test", &errs, NULL, NULL, &err);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msgs[i]);
    assert_int_equal(rc, 0);
    assert_int_equal(ledger_size(l), 5000);
    assert_int_equal(state_count_persons(ledger_state(l)), 500);
    errlist_free(&errs);
    ledger_close(l);
    synth_w_free(&w);
}

static void command(void **st)
{
    (void)st;
    const char *db = tu_path(tu_tmpdir(), "cli-demo.db");
    char *out = NULL;
    assert_int_equal(tu_sh(&out, 1, "%s demo --db '%s'", tu_habeas(), db), 0);
    assert_non_null(strstr(out, "F-CECOT"));
    assert_non_null(strstr(out, "40,000 design capacity"));
    assert_non_null(strstr(out, "habeas person " DEMO_PROTECTED_PERSON));
    free(out);
    /* An existing ledger is never overwritten without --force. */
    assert_int_equal(tu_sh(&out, 1, "%s demo --db '%s'", tu_habeas(), db), HB_EINPUT);
    assert_non_null(strstr(out, "already exists"));
    assert_non_null(strstr(out, "--force"));
    free(out);
    assert_int_equal(tu_sh(&out, 0, "%s demo --json --force --seed 9 --db '%s'", tu_habeas(), db),
                     0);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "seed")), 9);
    json_t *t = json_object_get(j, "transfer");
    assert_int_equal(json_integer_value(json_object_get(t, "persons")), DEMO_TRANSFER_PERSONS);
    json_decref(j);
    free(out);
    assert_int_equal(tu_sh(&out, 1, "%s demo --seed x --db '%s'", tu_habeas(), db), HB_EINPUT);
    assert_non_null(strstr(out, "--seed"));
    free(out);
    assert_int_equal(tu_sh(&out, 1, "%s demo --help", tu_habeas()), 0);
    assert_non_null(strstr(out, "usage: habeas demo"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(imports_cleanly),
        cmocka_unit_test(prison_shape),
        cmocka_unit_test(transfer_shape),
        cmocka_unit_test(approval_lists_the_cleared),
        cmocka_unit_test(persons_shape),
        cmocka_unit_test(agreement_figures),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(refuses_a_second_build),
        cmocka_unit_test(minimal_example_imports),
        cmocka_unit_test(prng_and_names),
        cmocka_unit_test(json_writer_escapes),
        cmocka_unit_test(bulk_imports_cleanly),
        cmocka_unit_test(command),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
