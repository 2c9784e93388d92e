/* model: event_decode and record_decode: every type decodes to the expected typed
 * values; every malformed variant is refused with the exact path and a clear
 * message (what was expected, what was found). */
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"
#include "model/countries.h"
#include "model/schema.h"
#include "test_model_examples.h"

static arena A;
static hb_errlist E;
static event EV;

static int setup(void **st)
{
    (void)st;
    arena_init(&A, 0);
    errlist_init(&E, 50);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    arena_free(&A);
    errlist_free(&E);
    return 0;
}

static int dec_n(const char *line, size_t n)
{
    arena_reset(&A);
    errlist_free(&E);
    errlist_init(&E, 50);
    return event_decode(line, n, &A, &EV, &E, "t:1");
}

static int dec(const char *line)
{
    return dec_n(line, strlen(line));
}

static void dump(const char *line)
{
    printf("line: %s\n", line);
    for (size_t i = 0; i < E.n; i++)
        printf("  error: %s\n", E.msgs[i]);
}

static void expect_ok(const char *line)
{
    if (dec(line) != HB_OK) {
        dump(line);
        fail_msg("refused a valid line");
    }
}

/* Is there a message "t:1: <path>: ...sub..." (path NULL: "t:1: ...sub...")? */
static int has_err(const char *path, const char *sub)
{
    char pre[300];
    snprintf(pre, sizeof pre, "t:1: %s%s", path ? path : "", path ? ": " : "");
    for (size_t i = 0; i < E.n; i++) {
        const char *m = E.msgs[i];
        if (strncmp(m, pre, strlen(pre)) == 0 && strstr(m + strlen(pre), sub)) return 1;
    }
    return 0;
}

static void expect_err_n(const char *line, size_t n, const char *path, const char *sub)
{
    int rc = dec_n(line, n);
    if (rc != HB_EINPUT || !has_err(path, sub)) {
        dump(line);
        fail_msg("rc %d; expected an error at %s containing: %s", rc, path ? path : "(none)", sub);
    }
}

static void expect_err(const char *line, const char *path, const char *sub)
{
    expect_err_n(line, strlen(line), path, sub);
}

static const texample *ex(event_type t)
{
    return &EXAMPLES[t];
}

/* The example of type t with key k's value replaced by v, expected to fail so. */
static void expect_repl_err(event_type t, const char *k, const char *v, const char *path,
                            const char *sub)
{
    char *line = tex_line(ex(t), NULL, k, v, 0, NULL);
    expect_err(line, path, sub);
    free(line);
}

static void expect_repl_ok(event_type t, const char *k, const char *v)
{
    char *line = tex_line(ex(t), NULL, k, v, 0, NULL);
    expect_ok(line);
    free(line);
}

static void assert_hb(hb_str s, const char *want)
{
    assert_non_null(s.p);
    assert_int_equal(s.n, strlen(want));
    assert_string_equal(s.p, want);
}

static int32_t day(int y, unsigned m, unsigned d)
{
    return (int32_t)hb_days_from_civil(y, m, d);
}

static void assert_time(hb_time t, const char *text)
{
    int64_t us;
    const char *why;
    assert_hb(t.text, text);
    assert_int_equal(hbtime_parse(text, strlen(text), &us, &why), 0);
    assert_true(t.us == us);
}

static void full_examples_decode(void **st)
{
    (void)st;
    for (int t = 0; t < EV__COUNT; t++) {
        char *line = tex_line(ex((event_type)t), NULL, NULL, NULL, 0, NULL);
        expect_ok(line);
        assert_int_equal(EV.type, t);
        free(line);
        line = tex_line(ex((event_type)t), NULL, NULL, NULL, 1, NULL);
        expect_ok(line);
        assert_int_equal(EV.type, t);
        free(line);
    }
}

static void decode_full(event_type t)
{
    char *line = tex_line(ex(t), NULL, NULL, NULL, 0, NULL);
    expect_ok(line);
    free(line);
    assert_int_equal(EV.type, t);
}

static void decode_minimal(event_type t)
{
    char *line = tex_line(ex(t), NULL, NULL, NULL, 1, NULL);
    expect_ok(line);
    free(line);
    assert_int_equal(EV.type, t);
}

static void typed_facility_unit_agreement(void **st)
{
    (void)st;
    decode_full(EV_FACILITY_REGISTERED);
    const ev_facility_registered *f = &EV.u.facility_registered;
    assert_time(EV.at, "2025-01-10T09:00:00-06:00");
    assert_hb(f->facility, "F-CECOT");
    assert_hb(f->name, "Centro de Confinamiento del Terrorismo");
    assert_string_equal(f->country.cc, "SV");
    assert_int_equal(f->kind, FAC_PRISON);
    assert_int_equal(f->design_capacity, 40000);
    assert_hb(f->contact, "Tecoluca, San Vicente, El Salvador; +503 0000 0000");
    assert_true(f->security.present);
    assert_int_equal(f->security.watchtowers, 19);
    assert_int_equal(f->security.perimeter_walls, 2);
    assert_int_equal(f->security.electrified_fence, 1);
    decode_minimal(EV_FACILITY_REGISTERED);
    assert_null(f->contact.p);
    assert_false(f->security.present);
    assert_int_equal(f->security.watchtowers, -1);
    assert_int_equal(f->security.perimeter_walls, -1);
    assert_int_equal(f->security.electrified_fence, -1);

    decode_full(EV_UNIT_CERTIFIED);
    const ev_unit_certified *u = &EV.u.unit_certified;
    assert_hb(u->facility, "F-CECOT");
    assert_hb(u->unit, "F-CECOT-M1-C07");
    assert_int_equal(u->kind, UNIT_CELL);
    assert_int_equal(u->capacity, 100);
    assert_true(u->floor_area_m2 == 76.5);
    assert_int_equal(u->beds, 80);

    decode_full(EV_AGREEMENT_SIGNED);
    const ev_agreement_signed *a = &EV.u.agreement_signed;
    assert_hb(a->agreement, "AGR-US-SV-2025");
    assert_string_equal(a->sending_state.cc, "US");
    assert_string_equal(a->receiving_state.cc, "SV");
    assert_int_equal(a->facilities.n, 1);
    assert_hb(a->facilities.v[0], "F-CECOT");
    assert_int_equal(a->starts, day(2025, 3, 1));
    assert_int_equal(a->ends, day(2026, 2, 28));
    assert_true(a->fee.present);
    assert_int_equal(a->fee.amount, 595000000);
    assert_string_equal(a->fee.currency, "USD");
    assert_int_equal(a->fee.persons, 238);
    assert_int_equal(a->fee.days, 365);
    assert_true(a->baseline_cost.present);
    assert_int_equal(a->baseline_cost.amount, 6000000);
    assert_string_equal(a->baseline_cost.currency, "USD");
    assert_int_equal(a->baseline_cost.per, PER_PERSON_YEAR);
    assert_true(a->conditions.present);
    assert_int_equal(a->conditions.require_final_conviction, 1);
    assert_int_equal(a->conditions.allow_sending_state_nationals, 0);
    assert_int_equal(a->conditions.require_consent, 0);
    assert_true(a->conditions.nationalities.any);
    assert_int_equal(a->conditions.nationalities.list.n, -1);
    assert_int_equal(a->conditions.max_persons, 300);
    assert_int_equal(a->conditions.min_sentence_remaining_days, 365);
    decode_minimal(EV_AGREEMENT_SIGNED);
    assert_false(a->baseline_cost.present);
    assert_int_equal(a->baseline_cost.amount, -1);
    assert_int_equal(a->baseline_cost.per, -1);
    assert_false(a->conditions.present);
    assert_false(a->conditions.nationalities.any);
    assert_int_equal(a->conditions.nationalities.list.n, -1);
    assert_int_equal(a->conditions.require_consent, -1);
    assert_int_equal(a->conditions.max_persons, -1);
    assert_int_equal(a->conditions.min_sentence_remaining_days, -1);
    expect_repl_ok(EV_AGREEMENT_SIGNED, "conditions", "{\"nationalities\":[\"VE\",\"SV\"]}");
    assert_false(a->conditions.nationalities.any);
    assert_int_equal(a->conditions.nationalities.list.n, 2);
    assert_string_equal(a->conditions.nationalities.list.v[1].cc, "SV");
    assert_int_equal(a->conditions.require_final_conviction, -1);
}

static void typed_person_status_conviction(void **st)
{
    (void)st;
    decode_full(EV_PERSON_REGISTERED);
    const ev_person_registered *p = &EV.u.person_registered;
    assert_hb(p->person, "P-000123");
    assert_hb(p->given_names, "Jos\xc3\xa9 Luis"); /* \u00e9 unescaped */
    assert_hb(p->family_names, "P\xc3\xa9rez Ram\xc3\xadrez");
    assert_int_equal(p->aliases.n, 1);
    assert_hb(p->aliases.v[0], "El Flaco");
    assert_int_equal(p->birth_date, day(1994, 7, 2));
    assert_string_equal(p->birth_country.cc, "VE");
    assert_int_equal(p->nationalities.n, 1);
    assert_string_equal(p->nationalities.v[0].cc, "VE");
    assert_int_equal(p->identifiers.n, 2);
    /* kept in canonical key order */
    assert_hb(p->identifiers.v[0].key, "a_number");
    assert_hb(p->identifiers.v[0].val, "A-123-456-789");
    assert_hb(p->identifiers.v[1].key, "passport:VE");
    assert_hb(p->identifiers.v[1].val, "123456789");
    decode_minimal(EV_PERSON_REGISTERED);
    assert_int_equal(p->aliases.n, -1);
    assert_int_equal(p->birth_date, HB_DATE_ABSENT);
    assert_int_equal(p->birth_country.cc[0], 0);
    assert_int_equal(p->nationalities.n, -1);
    assert_int_equal(p->identifiers.n, -1);
    expect_repl_ok(EV_PERSON_REGISTERED, "identifiers", "{}");
    assert_int_equal(p->identifiers.n, 0);
    expect_repl_ok(EV_PERSON_REGISTERED, "aliases", "[]");
    assert_int_equal(p->aliases.n, 0);

    decode_full(EV_STATUS_RECORDED);
    const ev_status_recorded *s = &EV.u.status_recorded;
    assert_hb(s->person, "P-000123");
    assert_string_equal(s->jurisdiction.cc, "US");
    assert_int_equal(s->status, ST_WITHHOLDING_OF_REMOVAL);
    assert_string_equal(s->country.cc, "SV");
    assert_int_equal(s->valid_from, day(2019, 5, 14));
    assert_int_equal(s->valid_until, day(2030, 5, 14));
    assert_hb(s->source, "Immigration Court, Baltimore, A-123-456-789");
    expect_repl_ok(EV_STATUS_RECORDED, "status", "\"citizen\"");
    char *line = tex_line(ex(EV_STATUS_RECORDED), "country", "status", "\"citizen\"", 0, NULL);
    expect_ok(line);
    free(line);
    assert_int_equal(s->country.cc[0], 0);

    decode_full(EV_CONVICTION_RECORDED);
    const ev_conviction_recorded *c = &EV.u.conviction_recorded;
    assert_hb(c->person, "P-000123");
    assert_string_equal(c->jurisdiction.cc, "US");
    assert_hb(c->court, "U.S. District Court, S.D. Tex.");
    assert_hb(c->case_, "4:23-cr-00123");
    assert_hb(c->offense, "illegal reentry (8 U.S.C. 1326)");
    assert_int_equal(c->violent, 0);
    assert_int_equal(c->final, 1);
    assert_int_equal(c->date, day(2023, 11, 2));
    assert_int_equal(c->sentence_days, 730);

    decode_full(EV_ALLEGATION_RECORDED);
    const ev_allegation_recorded *al = &EV.u.allegation_recorded;
    assert_hb(al->person, "P-000123");
    assert_hb(al->kind, "gang_affiliation");
    assert_hb(al->source, "tattoo assessment");
    assert_hb(al->detail, "crown tattoo; no other evidence");
    decode_minimal(EV_ALLEGATION_RECORDED);
    assert_null(al->detail.p);
}

static void typed_holds_consent_custody(void **st)
{
    (void)st;
    decode_full(EV_HOLD_PLACED);
    const ev_hold_placed *h = &EV.u.hold_placed;
    assert_hb(h->hold, "H-2025-0001");
    assert_int_equal(h->kind, HOLD_COURT_ORDER);
    assert_hb(h->issued_by, "U.S. District Court, D.D.C.");
    assert_hb(h->case_, "1:25-cv-00766");
    assert_time(h->effective_from, "2025-03-15T18:45:00-04:00");
    assert_time(h->until, "2025-04-15T00:00:00-04:00");
    assert_true(h->scope.present);
    assert_int_equal(h->scope.persons.n, 1);
    assert_hb(h->scope.persons.v[0], "P-000123");
    assert_hb(h->scope.authority, "AEA-2025");
    assert_string_equal(h->scope.destination_country.cc, "SV");
    expect_repl_ok(EV_HOLD_PLACED, "scope", "{\"destination_country\":\"SV\"}");
    assert_int_equal(h->scope.persons.n, -1);
    assert_null(h->scope.authority.p);
    decode_minimal(EV_HOLD_PLACED);
    assert_null(h->until.text.p);

    decode_full(EV_HOLD_LIFTED);
    const ev_hold_lifted *hl = &EV.u.hold_lifted;
    assert_hb(hl->hold, "H-2025-0001");
    assert_hb(hl->issued_by, "Supreme Court of the United States");
    assert_hb(hl->reason, "order vacated");
    decode_minimal(EV_HOLD_LIFTED);
    assert_null(hl->issued_by.p);
    assert_null(hl->reason.p);

    decode_full(EV_CONSENT_RECORDED);
    const ev_consent_recorded *cr = &EV.u.consent_recorded;
    assert_hb(cr->person, "P-000123");
    assert_int_equal(cr->to, CONSENT_TRANSFER);
    assert_hb(cr->reference, "interview 2025-03-11, interpreter present");
    assert_int_equal(cr->given, 0);

    decode_full(EV_CUSTODY_ADMITTED);
    const ev_custody_admitted *ca = &EV.u.custody_admitted;
    assert_time(EV.at, "2025-03-15T17:25:00-04:00");
    assert_hb(ca->person, "P-000123");
    assert_hb(ca->facility, "F-CECOT");
    assert_hb(ca->unit, "F-CECOT-M1-C07");
    assert_true(ca->basis.present);
    assert_int_equal(ca->basis.kind, BASIS_AGREEMENT);
    assert_hb(ca->basis.reference, "AGR-US-SV-2025");
    assert_int_equal(ca->basis.until, day(2026, 3, 15));
    assert_int_equal(ca->basis.review_by, day(2025, 9, 15));
    expect_repl_ok(EV_CUSTODY_ADMITTED, "basis", "{\"kind\":\"pretrial\",\"reference\":\"x\"}");
    assert_int_equal(ca->basis.kind, BASIS_PRETRIAL);
    assert_int_equal(ca->basis.until, HB_DATE_ABSENT);
    assert_int_equal(ca->basis.review_by, HB_DATE_ABSENT);

    decode_full(EV_CUSTODY_MOVED);
    assert_hb(EV.u.custody_moved.person, "P-000123");
    assert_hb(EV.u.custody_moved.facility, "F-CECOT");
    assert_hb(EV.u.custody_moved.unit, "F-CECOT-M2-C01");
}

static void typed_transfers_and_the_rest(void **st)
{
    (void)st;
    decode_full(EV_TRANSFER_PROPOSED);
    const ev_transfer_proposed *tp = &EV.u.transfer_proposed;
    assert_hb(tp->transfer, "T-2025-0315");
    assert_hb(tp->from_facility, "F-US-TX-EPC");
    assert_hb(tp->to_facility, "F-CECOT");
    assert_hb(tp->agreement, "AGR-US-SV-2025");
    assert_hb(tp->authority, "AEA-2025");
    assert_int_equal(tp->persons.n, 2);
    assert_hb(tp->persons.v[0], "P-000123");
    assert_hb(tp->persons.v[1], "P-000124");
    assert_time(tp->departure_planned, "2025-03-15T17:00:00-05:00");
    decode_minimal(EV_TRANSFER_PROPOSED);
    assert_null(tp->agreement.p);

    const event_type steps[] = {EV_TRANSFER_APPROVED, EV_TRANSFER_CANCELLED, EV_TRANSFER_DEPARTED,
                                EV_TRANSFER_ARRIVED};
    for (int i = 0; i < 4; i++) {
        decode_full(steps[i]);
        assert_hb(EV.u.transfer_step.transfer, "T-2025-0315");
        assert_int_equal(EV.u.transfer_step.persons.n, 1);
    }
    assert_hb(EV.u.transfer_step.persons.v[0], "P-000124");

    decode_full(EV_CUSTODY_RELEASED);
    assert_hb(EV.u.custody_released.person, "P-000124");
    assert_hb(EV.u.custody_released.reason, "returned under exchange");
    assert_hb(EV.u.custody_released.released_to, "Government of Venezuela, Caracas");
    decode_minimal(EV_CUSTODY_RELEASED);
    assert_null(EV.u.custody_released.released_to.p);

    decode_full(EV_CUSTODY_DIED);
    assert_hb(EV.u.custody_died.person, "P-000125");
    assert_hb(EV.u.custody_died.cause, "unknown; no autopsy report released");

    decode_full(EV_COUNT_RECORDED);
    const ev_count_recorded *cn = &EV.u.count_recorded;
    assert_hb(cn->facility, "F-CECOT");
    assert_hb(cn->unit, "F-CECOT-M1-C07");
    assert_int_equal(cn->present.n, 2);
    assert_hb(cn->present.v[1], "P-000126");
    expect_repl_ok(EV_COUNT_RECORDED, "present", "[]");
    assert_int_equal(cn->present.n, 0);
    decode_minimal(EV_COUNT_RECORDED);
    assert_null(cn->unit.p);

    decode_full(EV_CONDITION_OBSERVED);
    const ev_condition_observed *co = &EV.u.condition_observed;
    assert_hb(co->facility, "F-CECOT");
    assert_hb(co->unit, "F-CECOT-M1-C07");
    assert_int_equal(co->metric, METRIC_TEMPERATURE_C);
    assert_true(co->value == 35.5);
    expect_repl_ok(EV_CONDITION_OBSERVED, "value", "-12.25");
    assert_true(co->value == -12.25);
    decode_minimal(EV_CONDITION_OBSERVED);
    assert_null(co->unit.p);

    decode_full(EV_WORK_LOGGED);
    const ev_work_logged *w = &EV.u.work_logged;
    assert_hb(w->person, "P-000124");
    assert_hb(w->programme, "zero idleness");
    assert_true(w->hours == 8.5);
    assert_true(w->pay.present);
    assert_int_equal(w->pay.amount, 0);
    assert_string_equal(w->pay.currency, "USD");
    assert_int_equal(w->consented, 0);
    decode_minimal(EV_WORK_LOGGED);
    assert_false(w->pay.present);
    assert_int_equal(w->pay.amount, -1);
    assert_int_equal(w->pay.currency[0], 0);
}

/* Conditionally required keys: leaving them out breaks a cross-field rule. */
static const char *conditional_error(event_type t, const char *key)
{
    if (t == EV_STATUS_RECORDED && strcmp(key, "country") == 0)
        return "missing (required when status is withholding_of_removal";
    return NULL;
}

static void each_key_left_out(void **st)
{
    (void)st;
    for (int t = 0; t < EV__COUNT; t++) {
        const texample *e = ex((event_type)t);
        const char *name = event_type_name((event_type)t);
        for (int i = 0; i < tex_count(e); i++) {
            const char *k = e->f[i].k;
            char *line = tex_line(e, k, NULL, NULL, 0, NULL), path[96];
            snprintf(path, sizeof path, "%s.%s", name, k);
            const char *cond = conditional_error((event_type)t, k);
            if (strcmp(k, "type") == 0)
                expect_err(line, "type", "missing (required)");
            else if (tex_required(e, k))
                expect_err(line, path, "missing (required)");
            else if (cond)
                expect_err(line, path, cond);
            else
                expect_ok(line);
            free(line);
        }
    }
}

static void each_value_null_or_object(void **st)
{
    (void)st;
    for (int t = 0; t < EV__COUNT; t++) {
        const texample *e = ex((event_type)t);
        const char *name = event_type_name((event_type)t);
        for (int i = 0; i < tex_count(e); i++) {
            const char *k = e->f[i].k;
            char path[96];
            snprintf(path, sizeof path, "%s.%s", strcmp(k, "type") ? name : "", k);
            const char *p = strcmp(k, "type") ? path : "type";
            expect_repl_err((event_type)t, k, "null", p, "found null");
            if (strcmp(e->f[i].v, "true") && strcmp(e->f[i].v, "false"))
                expect_repl_err((event_type)t, k, "true", p, "found true");
            if (e->f[i].v[0] != '{') expect_repl_err((event_type)t, k, "{}", p, "found an object");
            if (e->f[i].v[0] != '[') expect_repl_err((event_type)t, k, "[1]", p, "found an array");
        }
    }
}

static void unknown_and_duplicate_keys(void **st)
{
    (void)st;
    for (int t = 0; t < EV__COUNT; t++) {
        const char *name = event_type_name((event_type)t);
        char path[96], want[96];
        char *line = tex_line(ex((event_type)t), NULL, NULL, NULL, 0, ",\"bogus\":1");
        snprintf(path, sizeof path, "%s.bogus", name);
        snprintf(want, sizeof want, "unknown field (%s has: ", name);
        expect_err(line, path, want);
        free(line);
        line = tex_line(ex((event_type)t), NULL, NULL, NULL, 0, ",\"at\":" AT_V);
        snprintf(path, sizeof path, "%s.at", name);
        expect_err(line, path, "duplicate key");
        free(line);
        line = tex_line(ex((event_type)t), NULL, NULL, NULL, 0, ",\"type\":\"hold.lifted\"");
        snprintf(path, sizeof path, "%s.type", name);
        expect_err(line, path, "duplicate key");
        free(line);
    }
    expect_err("{\"type\":\"custody.moved\",\"at\":" AT_V
               ",\"person\":\"P\",\"facility\":\"F\",\"unit\":\"U\",\"Person\":\"P\"}",
               "custody.moved.Person",
               "unknown field (custody.moved has: at, facility, person, type, unit)");
    expect_repl_err(
        EV_CUSTODY_ADMITTED, "basis", "{\"kind\":\"sentence\",\"reference\":\"r\",\"x\":1}",
        "custody.admitted.basis.x", "unknown field (basis has: kind, reference, review_by, until)");
    expect_repl_err(EV_CUSTODY_ADMITTED, "basis",
                    "{\"kind\":\"sentence\",\"reference\":\"r\",\"kind\":\"sentence\"}",
                    "custody.admitted.basis.kind", "duplicate key");
}

typedef struct {
    event_type t;
    const char *key, *value, *path, *msg;
} bad_case;

static const bad_case BAD[] = {
    /* times and dates */
    {EV_CUSTODY_ADMITTED, "at", "\"2025-03-15T17:25:00\"", "custody.admitted.at",
     "expected an RFC 3339 time with offset (e.g. 2025-03-15T17:25:00-04:00), found "
     "\"2025-03-15T17:25:00\" (a time needs an offset"},
    {EV_CUSTODY_ADMITTED, "at", "\"2025-03-15 17:25:00Z\"", "custody.admitted.at",
     "found \"2025-03-15 17:25:00Z\""},
    {EV_CUSTODY_ADMITTED, "at", "\"2025-02-30T10:00:00Z\"", "custody.admitted.at",
     "(no such calendar date)"},
    {EV_CUSTODY_ADMITTED, "at", "\"2025-03-15T24:00:00Z\"", "custody.admitted.at", "out of range"},
    {EV_CONVICTION_RECORDED, "date", "\"2025-02-30\"", "conviction.recorded.date",
     "expected a date YYYY-MM-DD, found \"2025-02-30\" (no such calendar date)"},
    {EV_CONVICTION_RECORDED, "date", "\"2025-2-3\"", "conviction.recorded.date",
     "expected a date YYYY-MM-DD, found \"2025-2-3\""},
    {EV_CONVICTION_RECORDED, "date", "20250203", "conviction.recorded.date",
     "expected a date YYYY-MM-DD, found 20250203"},
    /* codes */
    {EV_FACILITY_REGISTERED, "country", "\"XX\"", "facility.registered.country",
     "expected an ISO 3166-1 alpha-2 country code, found \"XX\""},
    {EV_FACILITY_REGISTERED, "country", "\"sv\"", "facility.registered.country",
     "found \"sv\" (codes are upper case)"},
    {EV_FACILITY_REGISTERED, "country", "\"SLV\"", "facility.registered.country", "found \"SLV\""},
    {EV_WORK_LOGGED, "pay", "{\"amount\":1,\"currency\":\"USDX\"}", "work.logged.pay.currency",
     "expected an ISO 4217 currency code, found \"USDX\""},
    {EV_WORK_LOGGED, "pay", "{\"amount\":1,\"currency\":\"usd\"}", "work.logged.pay.currency",
     "(codes are upper case)"},
    {EV_WORK_LOGGED, "pay", "{\"amount\":-1,\"currency\":\"USD\"}", "work.logged.pay.amount",
     "expected a non-negative integer, found -1"},
    {EV_WORK_LOGGED, "pay", "{\"currency\":\"USD\"}", "work.logged.pay.amount",
     "missing (required)"},
    /* enums */
    {EV_FACILITY_REGISTERED, "kind", "\"jail\"", "facility.registered.kind",
     "expected one of prison, detention_center, holding, found \"jail\""},
    {EV_FACILITY_REGISTERED, "kind", "\"Prison\"", "facility.registered.kind", "found \"Prison\""},
    {EV_UNIT_CERTIFIED, "kind", "3", "unit.certified.kind",
     "expected one of cell, dormitory, segregation, found 3"},
    {EV_AGREEMENT_SIGNED, "baseline_cost",
     "{\"amount\":1,\"currency\":\"USD\",\"per\":\"person_month\"}",
     "agreement.signed.baseline_cost.per", "expected one of person_year, found \"person_month\""},
    {EV_CONDITION_OBSERVED, "metric", "\"temperature_f\"", "condition.observed.metric",
     "expected one of temperature_c, light_hours_per_day, out_of_cell_hours_per_day, occupants, "
     "mattresses, found \"temperature_f\""},
    /* integers */
    {EV_UNIT_CERTIFIED, "capacity", "-3", "unit.certified.capacity",
     "expected a non-negative integer, found -3"},
    {EV_UNIT_CERTIFIED, "beds", "1.5", "unit.certified.beds",
     "expected a non-negative integer, found 1.5"},
    {EV_UNIT_CERTIFIED, "capacity", "\"12\"", "unit.certified.capacity",
     "expected a non-negative integer, found \"12\" (a string)"},
    {EV_UNIT_CERTIFIED, "capacity", "1e2", "unit.certified.capacity",
     "expected a non-negative integer, found 1e2"},
    {EV_UNIT_CERTIFIED, "capacity", "100.0", "unit.certified.capacity", "found 100.0"},
    {EV_UNIT_CERTIFIED, "capacity", "-0", "unit.certified.capacity", "found -0"},
    {EV_UNIT_CERTIFIED, "capacity", "9007199254740992", "unit.certified.capacity",
     "expected an integer at most 9007199254740991 (2^53-1), found 9007199254740992"},
    {EV_UNIT_CERTIFIED, "capacity", "123456789012345678901234567890", "unit.certified.capacity",
     "at most 9007199254740991"},
    {EV_AGREEMENT_SIGNED, "fee", "{\"amount\":1,\"currency\":\"USD\",\"persons\":0,\"days\":1}",
     "agreement.signed.fee.persons", "expected a positive integer, found 0"},
    {EV_AGREEMENT_SIGNED, "fee", "{\"amount\":1,\"currency\":\"USD\",\"persons\":1,\"days\":0}",
     "agreement.signed.fee.days", "expected a positive integer, found 0"},
    {EV_AGREEMENT_SIGNED, "fee", "{\"amount\":1,\"currency\":\"USD\",\"persons\":1}",
     "agreement.signed.fee.days", "missing (required)"},
    /* numbers */
    {EV_UNIT_CERTIFIED, "floor_area_m2", "-1", "unit.certified.floor_area_m2",
     "expected a number >= 0, found -1"},
    {EV_UNIT_CERTIFIED, "floor_area_m2", "\"76.5\"", "unit.certified.floor_area_m2",
     "expected a number >= 0, found \"76.5\" (a string)"},
    {EV_WORK_LOGGED, "hours", "-0.5", "work.logged.hours", "expected a number >= 0, found -0.5"},
    {EV_CONDITION_OBSERVED, "value", "1e999", "condition.observed.value",
     "expected a finite number, found 1e999"},
    {EV_CONDITION_OBSERVED, "value", "-1e400", "condition.observed.value",
     "expected a finite number"},
    /* booleans */
    {EV_CONVICTION_RECORDED, "violent", "\"false\"", "conviction.recorded.violent",
     "expected true or false, found \"false\" (a string)"},
    {EV_CONVICTION_RECORDED, "final", "0", "conviction.recorded.final",
     "expected true or false, found 0"},
    /* ids */
    {EV_CUSTODY_ADMITTED, "person", "\"P 1\"", "custody.admitted.person",
     "expected an id (1 to 128 characters from A-Z a-z 0-9 . _ : -), found \"P 1\" (a space is "
     "not allowed)"},
    {EV_CUSTODY_ADMITTED, "person", "\"\"", "custody.admitted.person", "found \"\" (empty)"},
    {EV_CUSTODY_ADMITTED, "person", "\"P/1\"", "custody.admitted.person", "('/' is not allowed)"},
    {EV_CUSTODY_ADMITTED, "person", "\"P\xc3\xa9\"", "custody.admitted.person",
     "(byte 0xC3 is not allowed)"},
    {EV_CUSTODY_ADMITTED, "person", "\"P\\t1\"", "custody.admitted.person",
     "(byte 0x09 is not allowed)"},
    {EV_CUSTODY_ADMITTED, "person", "42", "custody.admitted.person", "found 42"},
    {EV_CUSTODY_ADMITTED, "person",
     "\"P-12345678901234567890123456789012345678901234567890123456789012345678901234567890123456"
     "78901234567890123456789012345678901234567\"",
     "custody.admitted.person", "...\" (129 characters)"},
    /* texts */
    {EV_FACILITY_REGISTERED, "name", "\"\"", "facility.registered.name",
     "expected a non-empty string, found \"\""},
    {EV_FACILITY_REGISTERED, "name", "\"a\\u0000b\"", "facility.registered.name", "U+0000"},
    {EV_FACILITY_REGISTERED, "name", "7", "facility.registered.name", "expected a string, found 7"},
    /* arrays */
    {EV_TRANSFER_PROPOSED, "persons", "[]", "transfer.proposed.persons",
     "expected at least one element, found an empty array"},
    {EV_TRANSFER_PROPOSED, "persons", "[\"P-1\",\"P-2\",\"P-3\",\"P-1\"]",
     "transfer.proposed.persons[3]",
     "expected each value once, found \"P-1\" again (first at [0])"},
    {EV_TRANSFER_PROPOSED, "persons", "[\"P-1\",5]", "transfer.proposed.persons[1]",
     "expected an id (1 to 128 characters from A-Z a-z 0-9 . _ : -), found 5"},
    {EV_TRANSFER_PROPOSED, "persons", "\"P-1\"", "transfer.proposed.persons",
     "expected an array of ids, found \"P-1\" (a string)"},
    {EV_TRANSFER_APPROVED, "persons", "[]", "transfer.approved.persons", "at least one element"},
    {EV_TRANSFER_CANCELLED, "persons", "[\"a\",\"a\"]", "transfer.cancelled.persons[1]",
     "again (first at [0])"},
    {EV_TRANSFER_DEPARTED, "persons", "[\"a\",\"b\",\"b\"]", "transfer.departed.persons[2]",
     "found \"b\" again (first at [1])"},
    {EV_TRANSFER_ARRIVED, "persons", "[]", "transfer.arrived.persons", "at least one element"},
    {EV_COUNT_RECORDED, "present", "[\"x\",\"y\",\"x\"]", "count.recorded.present[2]",
     "found \"x\" again (first at [0])"},
    {EV_AGREEMENT_SIGNED, "facilities", "[]", "agreement.signed.facilities",
     "expected at least one element"},
    {EV_PERSON_REGISTERED, "aliases", "[\"\"]", "person.registered.aliases[0]",
     "expected a non-empty string"},
    {EV_PERSON_REGISTERED, "nationalities", "[\"VE\",\"XX\"]", "person.registered.nationalities[1]",
     "found \"XX\""},
    {EV_PERSON_REGISTERED, "nationalities", "\"VE\"", "person.registered.nationalities",
     "expected an array of ISO 3166-1 alpha-2 country codes, found \"VE\" (a string)"},
    /* nationalities: "any" or countries */
    {EV_AGREEMENT_SIGNED, "conditions", "{\"nationalities\":\"all\"}",
     "agreement.signed.conditions.nationalities",
     "expected \"any\" or an array of ISO 3166-1 alpha-2 country codes, found \"all\""},
    {EV_AGREEMENT_SIGNED, "conditions", "{\"nationalities\":[]}",
     "agreement.signed.conditions.nationalities", "at least one country"},
    {EV_AGREEMENT_SIGNED, "conditions", "{\"nationalities\":[\"VE\",\"XX\"]}",
     "agreement.signed.conditions.nationalities[1]", "found \"XX\""},
    {EV_AGREEMENT_SIGNED, "conditions", "{\"max_persons\":-1}",
     "agreement.signed.conditions.max_persons", "found -1"},
    /* string maps */
    {EV_PERSON_REGISTERED, "identifiers", "{\"a\":\"1\",\"a\":\"2\"}",
     "person.registered.identifiers.a", "duplicate key"},
    {EV_PERSON_REGISTERED, "identifiers", "{\"a\":\"1\",\"\\u0061\":\"2\"}",
     "person.registered.identifiers.a", "duplicate key"},
    {EV_PERSON_REGISTERED, "identifiers", "{\"\":\"1\"}", "person.registered.identifiers.",
     "expected a non-empty key"},
    {EV_PERSON_REGISTERED, "identifiers", "{\"a\":\"\"}", "person.registered.identifiers.a",
     "expected a non-empty string"},
    {EV_PERSON_REGISTERED, "identifiers", "{\"a\":1}", "person.registered.identifiers.a",
     "expected a string, found 1"},
    {EV_PERSON_REGISTERED, "identifiers", "[\"a\"]", "person.registered.identifiers",
     "found an array"},
    /* sub-objects */
    {EV_CUSTODY_ADMITTED, "basis", "\"sentence\"", "custody.admitted.basis",
     "expected an object, found \"sentence\" (a string)"},
    {EV_CUSTODY_ADMITTED, "basis", "{\"reference\":\"r\"}", "custody.admitted.basis.kind",
     "missing (required)"},
    {EV_CUSTODY_ADMITTED, "basis", "{\"kind\":\"sentence\"}", "custody.admitted.basis.reference",
     "missing (required)"},
    {EV_CUSTODY_ADMITTED, "basis", "{\"kind\":\"sentence\",\"reference\":\"r\",\"until\":\"x\"}",
     "custody.admitted.basis.until", "expected a date YYYY-MM-DD, found \"x\""},
    {EV_FACILITY_REGISTERED, "security", "{\"watchtowers\":1.5}",
     "facility.registered.security.watchtowers", "found 1.5"},
    /* cross-field rules */
    {EV_AGREEMENT_SIGNED, "ends", "\"2025-02-28\"", "agreement.signed.ends",
     "expected a date on or after starts (2025-03-01), found \"2025-02-28\""},
    {EV_STATUS_RECORDED, "valid_until", "\"2019-05-13\"", "status.recorded.valid_until",
     "expected a date on or after valid_from (2019-05-14), found \"2019-05-13\""},
    {EV_HOLD_PLACED, "until", "\"2025-03-15T18:45:00-04:00\"", "hold.placed.until",
     "expected a time after effective_from (2025-03-15T18:45:00-04:00)"},
    {EV_HOLD_PLACED, "until", "\"2025-03-15T22:44:59Z\"", "hold.placed.until",
     "expected a time after effective_from"},
    {EV_HOLD_PLACED, "scope", "{}", "hold.placed.scope",
     "expected at least one of persons, authority, destination_country, found none"},
    {EV_HOLD_PLACED, "scope", "{\"persons\":[]}", "hold.placed.scope.persons",
     "expected at least one element"},
    {EV_HOLD_PLACED, "scope", "{\"persons\":[\"a\",\"a\"]}", "hold.placed.scope.persons[1]",
     "again"},
    {EV_HOLD_PLACED, "scope", "{\"destination_country\":\"ZZ\"}",
     "hold.placed.scope.destination_country", "found \"ZZ\""},
    {EV_TRANSFER_PROPOSED, "to_facility", "\"F-US-TX-EPC\"", "transfer.proposed.to_facility",
     "expected a facility other than from_facility, found \"F-US-TX-EPC\" for both"},
    /* the type itself */
    {EV_CUSTODY_ADMITTED, "type", "\"custody.admited\"", "type",
     "unknown event type \"custody.admited\"; expected one of facility.registered, "
     "unit.certified, agreement.signed"},
    {EV_CUSTODY_ADMITTED, "type", "\"Custody.Admitted\"", "type", "unknown event type"},
    {EV_CUSTODY_ADMITTED, "type", "5", "type",
     "expected a string naming the event type, e.g. \"custody.admitted\", found 5"},
    {EV_CUSTODY_ADMITTED, "type", "{\"a\":1}", "type", "found an object"},
};

static void bad_values(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++)
        expect_repl_err(BAD[i].t, BAD[i].key, BAD[i].value, BAD[i].path, BAD[i].msg);
}

static void good_edge_values(void **st)
{
    (void)st;
    expect_repl_ok(EV_UNIT_CERTIFIED, "capacity", "9007199254740991");
    assert_int_equal(EV.u.unit_certified.capacity, 9007199254740991LL);
    expect_repl_ok(EV_UNIT_CERTIFIED, "capacity", "0");
    assert_int_equal(EV.u.unit_certified.capacity, 0);
    expect_repl_ok(EV_UNIT_CERTIFIED, "floor_area_m2", "-0");
    assert_true(EV.u.unit_certified.floor_area_m2 == 0 &&
                !signbit(EV.u.unit_certified.floor_area_m2));
    expect_repl_ok(EV_UNIT_CERTIFIED, "floor_area_m2", "1E+2");
    assert_true(EV.u.unit_certified.floor_area_m2 == 100);
    expect_repl_ok(EV_CUSTODY_ADMITTED, "at", "\"2024-02-29T23:59:59.123456789+14:00\"");
    assert_hb(EV.at.text, "2024-02-29T23:59:59.123456789+14:00");
    expect_repl_ok(EV_CUSTODY_ADMITTED, "person", "\"a.B_c:d-9\"");
    /* 128 characters is the longest id */
    char id[140] = "\"";
    memset(id + 1, 'x', 128);
    strcpy(id + 129, "\"");
    expect_repl_ok(EV_CUSTODY_ADMITTED, "person", id);
    assert_int_equal(EV.u.custody_admitted.person.n, 128);
    /* escapes in ids and texts decode before checking */
    expect_repl_ok(EV_CUSTODY_ADMITTED, "person", "\"\\u0050-1\"");
    assert_hb(EV.u.custody_admitted.person, "P-1");
    expect_repl_ok(EV_FACILITY_REGISTERED, "name",
                   "\"tab\\there \\\"q\\\" \\\\ \\/ \\ud83d\\ude00\"");
    assert_hb(EV.u.facility_registered.name, "tab\there \"q\" \\ / \xf0\x9f\x98\x80");
    /* 4096 bytes of text is the most */
    char *big = malloc(4200);
    big[0] = '"';
    memset(big + 1, 'a', 4096);
    strcpy(big + 4097, "\"");
    expect_repl_ok(EV_FACILITY_REGISTERED, "name", big);
    big[4097] = 'a';
    strcpy(big + 4098, "\"");
    expect_repl_err(EV_FACILITY_REGISTERED, "name", big, "facility.registered.name",
                    "expected at most 4096 bytes of text, found 4097 bytes");
    free(big);
    /* status without country is fine unless it names a country-specific protection */
    char *line =
        tex_line(ex(EV_STATUS_RECORDED), "country", "status", "\"cat_protection\"", 0, NULL);
    expect_err(line, "status.recorded.country", "required when status is cat_protection");
    free(line);
    expect_repl_ok(EV_AGREEMENT_SIGNED, "ends", "\"2025-03-01\""); /* same day: one-day range */
    expect_repl_ok(EV_STATUS_RECORDED, "valid_until", "\"2019-05-14\"");
}

static void type_may_come_anywhere(void **st)
{
    (void)st;
    expect_ok("{\"at\":" AT_V ",\"person\":\"P\",\"facility\":\"F\",\"unit\":\"U\","
              "\"type\":\"custody.moved\"}");
    assert_int_equal(EV.type, EV_CUSTODY_MOVED);
    expect_ok("  {\n \"person\" : \"P\" ,\t\"type\"\r\n: \"custody.moved\", \"at\":" AT_V
              ",\"facility\":\"F\",\"unit\":\"U\" }  \n");
    assert_hb(EV.u.custody_moved.unit, "U");
    /* an escaped key is still the key */
    expect_ok("{\"at\":" AT_V ",\"person\":\"P\",\"facility\":\"F\",\"unit\":\"U\","
              "\"t\\u0079pe\":\"custody.moved\"}");
    /* a nested "type" is not the event's */
    expect_err("{\"x\":{\"type\":\"custody.moved\"}}", "type", "missing (required)");
}

typedef struct {
    const char *line;
    size_t n; /* 0: strlen */
    const char *msg;
} syntax_case;

#define MOVED "{\"type\":\"custody.moved\",\"at\":" AT_V ",\"facility\":\"F\",\"unit\":\"U\","

static const syntax_case SYNTAX[] = {
    {"{\"type\":\"custody.moved\",}", 0, "not valid JSON at byte 25: expected a string key"},
    {"", 0, "not valid JSON at byte 1: unexpected end of input"},
    {"\xef\xbb\xbf{}", 0, "not valid JSON at byte 1: the input starts with a byte order mark"},
    {"   ", 0, "unexpected end of input"},
    {"{\"type\":\"custody.moved\"", 0, "unexpected end of input inside an object"},
    {"{\"type\" \"custody.moved\"}", 0, "expected ':' after a key"},
    {"{\"type\":\"custody.moved\" \"at\":1}", 0, "expected ',' or '}' after an object member"},
    {MOVED "\"person\":\"P\"} x", 0, "unexpected data after the value"},
    {MOVED "\"person\":\"P\"}}", 0, "unexpected data after the value"},
    {MOVED "\"person\":\"P\"}{}", 0, "unexpected data after the value"},
    {MOVED "\"person\":\"P\xff\"}", 0, "invalid UTF-8"},
    {MOVED "\"person\":\"P\xc0\x80\"}", 0, "invalid UTF-8"},         /* overlong NUL */
    {MOVED "\"person\":\"P\xe0\x80\xaf\"}", 0, "invalid UTF-8"},     /* overlong '/' */
    {MOVED "\"person\":\"P\xed\xa0\x80\"}", 0, "invalid UTF-8"},     /* U+D800 encoded */
    {MOVED "\"person\":\"P\xf4\x90\x80\x80\"}", 0, "invalid UTF-8"}, /* > U+10FFFF */
    {MOVED "\"person\":\"P\xf5\x80\x80\x80\"}", 0, "invalid UTF-8"},
    {MOVED "\"person\":\"P\xe2\x82\"}", 0, "invalid UTF-8"}, /* truncated */
    {MOVED "\"person\":\"P\x80\"}", 0, "invalid UTF-8"},     /* lone continuation */
    {MOVED "\"p\xff\":1}", 0, "invalid UTF-8"},              /* in a key */
    {MOVED "\"person\":\"\\ud800\"}", 0, "lone high surrogate"},
    {MOVED "\"person\":\"\\ud800\\u0041\"}", 0, "lone high surrogate"},
    {MOVED "\"person\":\"\\udc00\"}", 0, "lone low surrogate"},
    {MOVED "\"person\":\"\\u12g4\"}", 0, "expected 4 hex digits"},
    {MOVED "\"person\":\"\\x41\"}", 0, "invalid escape"},
    {MOVED "\"person\":\"a\tb\"}", 0, "raw control character in a string"},
    {MOVED "\"person\":\"a\nb\"}", 0, "raw control character in a string"},
    {MOVED "\"person\":\"P}", 0, "unterminated string"},
    {MOVED "\"person\":012}", 0, "leading zeros are not allowed"},
    {MOVED "\"person\":1.}", 0, "expected a digit after '.'"},
    {MOVED "\"person\":.5}", 0, "expected a value"},
    {MOVED "\"person\":+1}", 0, "expected a value"},
    {MOVED "\"person\":1e}", 0, "expected exponent digits"},
    {MOVED "\"person\":-}", 0, "expected a digit"},
    {MOVED "\"person\":tru}", 0, "expected a value"},
    {MOVED "\"person\":nul}", 0, "expected a value"},
    {MOVED "\"person\":NaN}", 0, "expected a value"},
    {MOVED "\"person\":'P'}", 0, "expected a value"},
    {MOVED "\"person\":[1,]}", 0, "expected a value"},
    {MOVED "\"person\":[1 2]}", 0, "expected ',' or ']' after an array element"},
    {MOVED "\"person\":\"P\",\"x\":1x}", 0, "expected ',' or '}' after an object member"},
    {MOVED "\"person\":\"P\"}\f", 0, "unexpected data after the value"}, /* \f is no space */
    {"{\"type\":\"custody.moved\",\"person\":\"P\",\"x\":\"\0\"}", 43, "raw control character"},
};

static void json_syntax(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof SYNTAX / sizeof SYNTAX[0]; i++) {
        const syntax_case *c = &SYNTAX[i];
        expect_err_n(c->line, c->n ? c->n : strlen(c->line), "json", c->msg);
        assert_int_equal(E.n, 1); /* a syntax error replaces the field errors */
        assert_non_null(strstr(E.msgs[0], "t:1: json: not valid JSON at byte "));
    }
}

static char *nest(int depth)
{
    char *s = malloc((size_t)depth * 2 + 200);
    int len = sprintf(s, MOVED "\"person\":\"P\",\"x\":");
    for (int i = 0; i < depth; i++)
        s[len++] = '[';
    for (int i = 0; i < depth; i++)
        s[len++] = ']';
    strcpy(s + len, "}");
    return s;
}

static void nesting_depth(void **st)
{
    (void)st;
    char *ok = nest(15); /* 1 (the event) + 15 = 16 levels: allowed, x is just unknown */
    expect_err(ok, "custody.moved.x", "unknown field");
    free(ok);
    char *deep = nest(16);
    expect_err(deep, "json", "nested deeper than 16 levels");
    free(deep);
    deep = nest(5000); /* no stack trouble either */
    expect_err(deep, "json", "nested deeper than 16 levels");
    free(deep);
    /* in a record, the record is one more level */
    const char *rec = "{\"actor\":\"a\",\"event\":" MOVED "\"person\":\"P\",\"x\":"
                      "[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]},\"recorded_at\":" AT_V ",\"seq\":1}";
    record r;
    errlist_free(&E);
    errlist_init(&E, 50);
    assert_int_equal(record_decode(rec, strlen(rec), &A, &r, &E, "t:1"), HB_EINPUT);
    assert_true(has_err("json", "nested deeper than 16 levels"));
}

static void not_an_object_or_a_record(void **st)
{
    (void)st;
    expect_err("[1,2]", "json", "expected an object (one event per line), found an array");
    expect_err("\"custody.moved\"", "json", "found \"custody.moved\" (a string)");
    expect_err("null", "json", "found null");
    expect_err("{\"seq\":1,\"recorded_at\":" AT_V ",\"actor\":\"a\",\"event\":{}}", NULL,
               "this line is a ledger record, not an event: load an export with \"habeas "
               "restore\"");
    assert_int_equal(E.n, 1);
    expect_err("{\"event\":{\"type\":\"custody.moved\"}}", NULL, "ledger record, not an event");
    expect_err("{}", "type", "missing (required)");
    expect_err("{\"at\":" AT_V "}", "type", "missing (required)");
}

static void many_errors_on_one_line(void **st)
{
    (void)st;
    const char *line = "{\"type\":\"custody.admitted\",\"at\":\"2025-03-15\",\"person\":\"P 1\","
                       "\"unit\":7,\"basis\":{\"kind\":\"jail\"},\"extra\":true}";
    expect_err(line, "custody.admitted.at", "expected an RFC 3339 time");
    assert_true(has_err("custody.admitted.person", "a space is not allowed"));
    assert_true(has_err("custody.admitted.unit", "found 7"));
    assert_true(has_err("custody.admitted.basis.kind", "found \"jail\""));
    assert_true(has_err("custody.admitted.basis.reference", "missing (required)"));
    assert_true(has_err("custody.admitted.extra", "unknown field"));
    assert_true(has_err("custody.admitted.facility", "missing (required)"));
    assert_int_equal(E.n, 7);

    /* a flood is cut at 10 per line, with a count of the rest */
    char flood[1024];
    int len = sprintf(flood, "{\"type\":\"count.recorded\",\"at\":" AT_V
                             ",\"facility\":\"F\",\"present\":[");
    for (int i = 0; i < 15; i++)
        len += sprintf(flood + len, "%s\"bad id %d\"", i ? "," : "", i);
    strcpy(flood + len, "]}");
    expect_err(flood, "count.recorded.present[0]", "a space is not allowed");
    assert_true(has_err("count.recorded.present[9]", "a space is not allowed"));
    assert_false(has_err("count.recorded.present[10]", "a space"));
    assert_true(has_err(NULL, "5 more errors on this line not shown"));
    assert_int_equal(E.n, 11);
}

/* Past 32 members the decoder takes its slower path; the result must not differ. */
static void many_members(void **st)
{
    (void)st;
    char line[4096];
    int len = sprintf(line, "{\"at\":" AT_V ",\"person\":\"P\",\"facility\":\"F\",\"unit\":\"U\"");
    for (int i = 0; i < 40; i++)
        len += sprintf(line + len, ",\"x%d\":[%d,{\"a\":\"b\"}]", i, i);
    strcpy(line + len, ",\"type\":\"custody.moved\"}");
    expect_err(line, "custody.moved.x0", "unknown field (custody.moved has: at, facility, person,");
    assert_true(has_err("custody.moved.x9", "unknown field"));
    assert_true(has_err(NULL, "30 more errors on this line not shown"));
    strcpy(line + len, ",\"type\":\"custody.moved\",\"x\":[}");
    expect_err(line, "json", "expected a value");
    /* 33 members, all known or repeated: the duplicates are found on the slow path too */
    len = sprintf(line, "{\"type\":\"custody.moved\",\"person\":\"P\",\"facility\":\"F\"");
    for (int i = 0; i < 30; i++)
        len += sprintf(line + len, ",\"unit\":\"U\"");
    strcpy(line + len, ",\"at\":" AT_V "}");
    expect_err(line, "custody.moved.unit", "duplicate key");
    assert_true(has_err(NULL, "19 more errors on this line not shown"));
}

static void long_values_are_shown_briefly(void **st)
{
    (void)st;
    char v[300] = "\"";
    for (int i = 1; i < 250; i++)
        v[i] = (char)('a' + i % 26);
    strcpy(v + 250, " \"");
    expect_repl_err(EV_CUSTODY_ADMITTED, "person", v, "custody.admitted.person", "...\" (");
    assert_true(strlen(E.msgs[0]) < 250);
}

static void decode_without_error_list(void **st)
{
    (void)st;
    arena_reset(&A);
    const char *bad = "{\"type\":\"custody.moved\"}";
    assert_int_equal(event_decode(bad, strlen(bad), &A, &EV, NULL, NULL), HB_EINPUT);
    record r;
    assert_int_equal(record_decode(bad, strlen(bad), &A, &r, NULL, NULL), HB_EINPUT);
}

#define REC_EVENT                                                                                  \
    "{\"type\":\"custody.moved\",\"at\":" AT_V                                                     \
    ",\"person\":\"P-1\",\"facility\":\"F-1\",\"unit\":\"U-1\"}"
#define HASH_HEX "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static int rdec(const char *line, record *r)
{
    arena_reset(&A);
    errlist_free(&E);
    errlist_init(&E, 50);
    return record_decode(line, strlen(line), &A, r, &E, "t:1");
}

static void expect_rec_err(const char *line, const char *path, const char *sub)
{
    record r;
    int rc = rdec(line, &r);
    if (rc != HB_EINPUT || !has_err(path, sub)) {
        dump(line);
        fail_msg("record: expected an error at %s containing: %s", path ? path : "-", sub);
    }
}

static void records(void **st)
{
    (void)st;
    record r;
    const char *ok = "{\"seq\":42,\"recorded_at\":\"2025-03-15T21:30:00.000001Z\",\"actor\":"
                     "\"cli:alice\",\"event\":" REC_EVENT "}";
    assert_int_equal(rdec(ok, &r), HB_OK);
    assert_int_equal(r.seq, 42);
    assert_hb(r.actor, "cli:alice");
    assert_hb(r.recorded_at.text, "2025-03-15T21:30:00.000001Z");
    assert_false(r.has_hash);
    assert_int_equal(r.ev.type, EV_CUSTODY_MOVED);
    assert_hb(r.ev.u.custody_moved.unit, "U-1");

    const char *with_hash = "{\"actor\":\"cli:alice\",\"event\":" REC_EVENT ",\"hash\":\"" HASH_HEX
                            "\",\"recorded_at\":\"2025-03-15T21:30:00Z\",\"seq\":1}";
    assert_int_equal(rdec(with_hash, &r), HB_OK);
    assert_true(r.has_hash);
    assert_int_equal(r.hash[0], 0x00);
    assert_int_equal(r.hash[1], 0x11);
    assert_int_equal(r.hash[31], 0xff);

    expect_rec_err("{\"actor\":\"a\",\"event\":" REC_EVENT ",\"recorded_at\":" AT_V ",\"seq\":0}",
                   "record.seq", "expected a positive integer, found 0");
    expect_rec_err("{\"actor\":\"a\",\"event\":" REC_EVENT ",\"recorded_at\":" AT_V
                   ",\"seq\":\"1\"}",
                   "record.seq", "found \"1\" (a string)");
    expect_rec_err("{\"actor\":\"\",\"event\":" REC_EVENT ",\"recorded_at\":" AT_V ",\"seq\":1}",
                   "record.actor", "expected a non-empty string");
    expect_rec_err("{\"actor\":\"a\",\"event\":" REC_EVENT
                   ",\"recorded_at\":\"2025-03-15\",\"seq\":1}",
                   "record.recorded_at", "expected an RFC 3339 time");
    expect_rec_err("{\"actor\":\"a\",\"event\":" REC_EVENT
                   ",\"hash\":\"ABCD\",\"recorded_at\":" AT_V ",\"seq\":1}",
                   "record.hash", "expected 64 lower-case hex digits, found \"ABCD\"");
    expect_rec_err("{\"actor\":\"a\",\"event\":" REC_EVENT ",\"hash\":\"" HASH_HEX
                   "0\",\"recorded_at\":" AT_V ",\"seq\":1}",
                   "record.hash", "expected 64 lower-case hex digits");
    expect_rec_err("{\"actor\":\"a\",\"recorded_at\":" AT_V ",\"seq\":1}", "record.event",
                   "missing (required)");
    expect_rec_err("{\"actor\":\"a\",\"event\":" REC_EVENT ",\"recorded_at\":" AT_V
                   ",\"seq\":1,\"seq\":2}",
                   "record.seq", "duplicate key");
    expect_rec_err("{\"actor\":\"a\",\"event\":" REC_EVENT ",\"recorded_at\":" AT_V
                   ",\"seq\":1,\"note\":\"x\"}",
                   "record.note",
                   "unknown field (record has: actor, event, hash, recorded_at, seq)");
    /* the event's errors carry the event's own paths */
    expect_rec_err("{\"actor\":\"a\",\"event\":{\"type\":\"custody.moved\",\"at\":" AT_V
                   ",\"person\":\"P 1\",\"facility\":\"F\",\"unit\":\"U\"},\"recorded_at\":" AT_V
                   ",\"seq\":1}",
                   "custody.moved.person", "a space is not allowed");
    expect_rec_err("{\"actor\":\"a\",\"event\":[],\"recorded_at\":" AT_V ",\"seq\":1}",
                   "record.event", "expected an event object, found an array");
    expect_rec_err("{\"actor\":\"a\",\"event\":{\"at\":" AT_V "},\"recorded_at\":" AT_V
                   ",\"seq\":1}",
                   "record.event.type", "missing (required)");
    expect_rec_err("{\"actor\":\"a\",\"event\":{\"type\":\"x.y\"},\"recorded_at\":" AT_V
                   ",\"seq\":1}",
                   "record.event.type", "unknown event type \"x.y\"");
    /* a bare event where a record belongs */
    expect_rec_err(
        REC_EVENT, NULL,
        "this line is an event, not a ledger record: load events with \"habeas import\"");
    assert_int_equal(E.n, 1);
    expect_rec_err("[]", "json", "expected an object (one record per line), found an array");
    expect_rec_err("{\"actor\":\"a\"} x", "json", "unexpected data after the value");
}

static void schemas_are_sorted(void **st)
{
    (void)st;
    const schema *list[EV__COUNT + 1];
    for (int t = 0; t < EV__COUNT; t++)
        list[t] = schema_event((event_type)t);
    list[EV__COUNT] = schema_record();
    for (int s = 0; s <= EV__COUNT; s++) {
        const schema *sc = list[s];
        for (int i = 0; i < sc->nfields; i++) {
            const schema_field *f = &sc->fields[i];
            assert_int_equal(f->len, strlen(f->name));
            if (i) assert_true(strcmp(sc->fields[i - 1].name, f->name) < 0);
            if (f->kind == SK_OBJECT) {
                for (int j = 1; j < f->sub->nfields; j++)
                    assert_true(strcmp(f->sub->fields[j - 1].name, f->sub->fields[j].name) < 0);
            }
        }
        assert_true(sc->nfields <= 64);
    }
    assert_null(schema_event(EV__COUNT));
    /* the examples cover every field of every schema */
    for (int t = 0; t < EV__COUNT; t++)
        assert_int_equal(tex_count(ex((event_type)t)), schema_event((event_type)t)->nfields);
}

static void catalogue_names(void **st)
{
    (void)st;
    assert_string_equal(event_type_name(EV_FACILITY_REGISTERED), "facility.registered");
    assert_string_equal(event_type_name(EV_WORK_LOGGED), "work.logged");
    assert_null(event_type_name(EV__COUNT));
    assert_null(event_type_name((event_type)-1));
    for (int t = 0; t < EV__COUNT; t++) {
        const char *n = event_type_name((event_type)t);
        assert_int_equal(event_type_from_name(n, strlen(n)), t);
    }
    assert_int_equal(event_type_from_name("custody.admitted", 16), EV_CUSTODY_ADMITTED);
    assert_int_equal(event_type_from_name("custody.admitted", 15), -1);
    assert_int_equal(event_type_from_name("", 0), -1);
    assert_string_equal(event_enum_name(ENUM_FACILITY_KIND, FAC_DETENTION_CENTER),
                        "detention_center");
    assert_string_equal(event_enum_name(ENUM_STATUS, ST_WITHHOLDING_OF_REMOVAL),
                        "withholding_of_removal");
    assert_string_equal(event_enum_name(ENUM_STATUS, ST_NO_STATUS), "none");
    assert_string_equal(event_enum_name(ENUM_METRIC, METRIC_TEMPERATURE_C), "temperature_c");
    assert_string_equal(event_enum_name(ENUM_COST_PER, PER_PERSON_YEAR), "person_year");
    assert_string_equal(event_enum_name(ENUM_HOLD_KIND, HOLD_STAY_OF_REMOVAL), "stay_of_removal");
    assert_string_equal(event_enum_name(ENUM_CONSENT_TO, CONSENT_WORK), "work");
    assert_string_equal(event_enum_name(ENUM_BASIS_KIND, BASIS_IMMIGRATION), "immigration");
    assert_string_equal(event_enum_name(ENUM_UNIT_KIND, UNIT_SEGREGATION), "segregation");
    assert_null(event_enum_name(ENUM_STATUS, ST__COUNT));
    assert_null(event_enum_name(ENUM_STATUS, -1));
    assert_null(event_enum_name(ENUM__COUNT, 0));
}

static void country_and_currency_tables(void **st)
{
    (void)st;
    int countries = 0, currencies = 0;
    char s[4] = {0};
    for (s[0] = 'A'; s[0] <= 'Z'; s[0]++) {
        for (s[1] = 'A'; s[1] <= 'Z'; s[1]++) {
            countries += country_valid(s, 2);
            for (s[2] = 'A'; s[2] <= 'Z'; s[2]++)
                currencies += currency_valid(s, 3);
            s[2] = 0;
        }
    }
    assert_int_equal(countries, 249 + 1); /* ISO 3166-1 plus XK */
    assert_int_equal(currencies, 178);
    const char *yes[] = {"US", "SV", "VE", "XK", "AX", "BQ", "SS", "ZW", "AD", "ZM", "CW", "SX"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(country_valid(yes[i], 2));
    const char *no[] = {"XX", "UK", "EU", "ZZ", "AA", "us", "U", "USA", "A1", "YU", "AN", "CS"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(country_valid(no[i], strlen(no[i])));
    const char *cy[] = {"USD", "EUR", "SVC", "VES", "VED", "AED", "ZWG", "XCG", "JPY", "CHF"};
    for (size_t i = 0; i < sizeof cy / sizeof cy[0]; i++)
        assert_true(currency_valid(cy[i], 3));
    const char *cn[] = {"usd", "US", "USDX", "XXX", "XTS", "HRK", "ABC", "EU", "", "US1"};
    for (size_t i = 0; i < sizeof cn / sizeof cn[0]; i++)
        assert_false(currency_valid(cn[i], strlen(cn[i])));
}

/* The catalogue in docs/events.md shows one line per type: each must decode. */
static void documented_examples_decode(void **st)
{
    (void)st;
    size_t len;
    char *doc = tu_read(HB_SOURCE_DIR "/docs/events.md", &len);
    assert_non_null(doc);
    int seen[EV__COUNT] = {0};
    for (char *line = doc, *end; line && *line; line = end ? end + 1 : NULL) {
        end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        if (strncmp(line, "{\"type\":", 8) != 0) continue;
        char *copy = strndup(line, n);
        expect_ok(copy);
        seen[EV.type]++;
        free(copy);
    }
    for (int t = 0; t < EV__COUNT; t++)
        if (!seen[t])
            fail_msg("docs/events.md has no example of %s", event_type_name((event_type)t));
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_examples_decode),
        cmocka_unit_test(typed_facility_unit_agreement),
        cmocka_unit_test(typed_person_status_conviction),
        cmocka_unit_test(typed_holds_consent_custody),
        cmocka_unit_test(typed_transfers_and_the_rest),
        cmocka_unit_test(each_key_left_out),
        cmocka_unit_test(each_value_null_or_object),
        cmocka_unit_test(unknown_and_duplicate_keys),
        cmocka_unit_test(bad_values),
        cmocka_unit_test(good_edge_values),
        cmocka_unit_test(type_may_come_anywhere),
        cmocka_unit_test(json_syntax),
        cmocka_unit_test(nesting_depth),
        cmocka_unit_test(not_an_object_or_a_record),
        cmocka_unit_test(many_errors_on_one_line),
        cmocka_unit_test(many_members),
        cmocka_unit_test(long_values_are_shown_briefly),
        cmocka_unit_test(decode_without_error_list),
        cmocka_unit_test(records),
        cmocka_unit_test(schemas_are_sorted),
        cmocka_unit_test(catalogue_names),
        cmocka_unit_test(country_and_currency_tables),
        cmocka_unit_test(documented_examples_decode),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
