/* rules/costs and rules/occupancy: the DESIGN.md example (238 persons for a year
 * at 25,000 against 60,000 USD) from events, exactly; rounding; currencies and
 * their decimals; currency mismatch; absent baseline; zero person-days; a term
 * still running and one ended (open stays clipped); stays ended by release; the
 * 128-bit arithmetic at its bounds; occupancy of a unit over capacity and of an
 * empty unit. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"
#include "rules/costs.h"
#include "rules/occupancy.h"
#include "state/state.h"
#include "util/arena.h"
#include "util/hbtime.h"

/* ---- events, as JSON with ' for " ---- */

#define FAC(id, design)                                                                            \
    "{'type':'facility.registered','at':'2025-01-01T00:00:00Z','facility':'" id                    \
    "','name':'Facility " id "','country':'SV','kind':'prison','design_capacity':" design "}"
#define UNIT(fac, id, cap, floor, beds)                                                            \
    "{'type':'unit.certified','at':'2025-01-01T01:00:00Z','facility':'" fac "','unit':'" id        \
    "','kind':'cell','capacity':" cap ",'floor_area_m2':" floor ",'beds':" beds "}"
/* The DESIGN.md agreement: 5,950,000.00 USD for 238 persons for 365 days, against
 * 60,000.00 USD per person-year; its term is 365 days, 2025-03-16 .. 2026-03-15. */
#define AG_TERMS                                                                                   \
    "'starts':'2025-03-16','ends':'2026-03-15',"                                                   \
    "'fee':{'amount':595000000,'currency':'USD','persons':238,'days':365}"
#define AG(id, fac, terms, baseline)                                                               \
    "{'type':'agreement.signed','at':'2025-03-01T00:00:00Z','agreement':'" id                      \
    "','sending_state':'US','receiving_state':'SV','facilities':['" fac "']," terms baseline "}"
#define BASELINE(amount, cur)                                                                      \
    ",'baseline_cost':{'amount':" amount ",'currency':'" cur "','per':'person_year'}"

static arena A;

static char *json_of(const char *q)
{
    char *j = strdup(q);
    assert_non_null(j);
    for (char *c = j; *c; c++)
        if (*c == '\'') *c = '"';
    return j;
}

static void apply(state *s, const char *q)
{
    char *j = json_of(q);
    event ev;
    hb_errlist errs;
    errlist_init(&errs, 4);
    if (event_decode(j, strlen(j), &A, &ev, &errs, "event") || state_check(s, &ev, &errs, "event"))
        fail_msg("event refused: %s\n  %s", errs.n ? errs.msgs[0] : "?", j);
    assert_int_equal(state_apply(s, state_last_seq(s) + 1, &ev), 0);
    errlist_free(&errs);
    free(j);
}

/* Persons P-<from> .. P-<to-1>, registered and admitted under `agreement` to
 * fac/unit on date `day` (the stay's first day). */
static void admit(state *s, int from, int to, const char *fac, const char *unit,
                  const char *agreement, const char *day)
{
    char q[512];
    for (int i = from; i < to; i++) {
        snprintf(q, sizeof q,
                 "{'type':'person.registered','at':'2025-01-02T00:00:00Z','person':'P-%d',"
                 "'given_names':'G','family_names':'F'}",
                 i);
        apply(s, q);
        snprintf(q, sizeof q,
                 "{'type':'custody.admitted','at':'%sT12:00:00Z','person':'P-%d','facility':'%s',"
                 "'unit':'%s','basis':{'kind':'agreement','reference':'%s'}}",
                 day, i, fac, unit, agreement);
        apply(s, q);
    }
}

static void release(state *s, int from, int to, const char *day)
{
    char q[256];
    for (int i = from; i < to; i++) {
        snprintf(q, sizeof q,
                 "{'type':'custody.released','at':'%sT08:00:00Z','person':'P-%d','reason':'x'}",
                 day, i);
        apply(s, q);
    }
}

static int32_t day_of(const char *d)
{
    int32_t v;
    const char *why;
    if (hbdate_parse(d, strlen(d), &v, &why)) fail_msg("bad date %s: %s", d, why);
    return v;
}

/* F-SV with M1 (capacity 200, 1,000 m2, 150 beds) and the empty M2, and the
 * DESIGN.md agreement AG-1 holding 238 persons in M1 from 2025-03-16. */
static state *design_case(void)
{
    state *s = state_new();
    assert_non_null(s);
    apply(s, FAC("F-SV", "40000"));
    apply(s, UNIT("F-SV", "M1", "200", "1000", "150"));
    apply(s, UNIT("F-SV", "M2", "5", "40.5", "5"));
    apply(s, AG("AG-1", "F-SV", AG_TERMS, BASELINE("6000000", "USD")));
    admit(s, 0, 238, "F-SV", "M1", "AG-1", "2025-03-16");
    return s;
}

static void money_is(int64_t minor, int digits, const char *want)
{
    char out[40];
    assert_string_equal(costs_format(minor, digits, out, sizeof out), want);
}

/* ---- the DESIGN.md figures ---- */

static void design_example(void **st)
{
    (void)st;
    state *s = design_case();
    costs_row r;
    costs_of(state_agreement(s, "AG-1"), day_of("2026-03-15"), &r);
    assert_int_equal(r.person_days, 238 * 365);
    assert_int_equal(r.held_now, 238);
    assert_true(r.has_fee && r.has_baseline && r.comparable);
    assert_false(r.term_ended);
    assert_int_equal(r.fee_accrued, 595000000);
    assert_int_equal(r.fee_per_person_year, 2500000);
    assert_int_equal(r.baseline, 1428000000);
    assert_int_equal(r.difference, 833000000);
    assert_int_equal(r.overflow, 0);
    assert_string_equal(r.fee_currency.code, "USD");
    assert_int_equal(r.fee_currency.digits, 2);
    assert_false(r.fee_currency.assumed);
    money_is(r.fee_accrued, r.fee_currency.digits, "5,950,000.00");
    money_is(r.fee_per_person_year, 2, "25,000.00");
    money_is(r.baseline, 2, "14,280,000.00");
    money_is(r.difference, 2, "8,330,000.00");
    state_free(s);
}

/* Open stays stop accruing at the term's end, however late the report. */
static void ended_term_is_clipped(void **st)
{
    (void)st;
    state *s = design_case();
    costs_row r;
    costs_of(state_agreement(s, "AG-1"), day_of("2030-01-01"), &r);
    assert_true(r.term_ended);
    assert_int_equal(r.person_days, 238 * 365);
    assert_int_equal(r.difference, 833000000);
    state_free(s);
}

/* A running term: the report day counts; the first day of each stay counts. */
static void running_term(void **st)
{
    (void)st;
    state *s = design_case();
    costs_row r;
    costs_of(state_agreement(s, "AG-1"), day_of("2025-03-16"), &r);
    assert_true(r.term_started);
    assert_false(r.term_ended);
    assert_int_equal(r.person_days, 238);
    /* 595,000,000 * 238 / (238 * 365) = 1,630,136.98... */
    assert_int_equal(r.fee_accrued, 1630137);
    /* 6,000,000 * 238 / 365 = 3,912,328.76... */
    assert_int_equal(r.baseline, 3912329);
    assert_int_equal(r.difference, 3912329 - 1630137);
    costs_of(state_agreement(s, "AG-1"), day_of("2025-09-15"), &r); /* day 184 */
    assert_int_equal(r.person_days, 238 * 184);
    state_free(s);
}

/* Released on 2025-04-15: 30 days each (the release day is not held). */
static void released_stays(void **st)
{
    (void)st;
    state *s = design_case();
    release(s, 0, 38, "2025-04-15");
    costs_row r;
    costs_of(state_agreement(s, "AG-1"), day_of("2026-03-15"), &r);
    assert_int_equal(r.held_now, 200);
    assert_int_equal(r.person_days, 38 * 30 + 200 * 365);
    /* 595,000,000 * 74,140 / 86,870 = 507,808,219.17... */
    assert_int_equal(r.fee_accrued, 507808219);
    state_free(s);
}

/* Before the term starts, and with nobody held: zero, not an error. */
static void zero_person_days(void **st)
{
    (void)st;
    state *s = design_case();
    costs_row r;
    costs_of(state_agreement(s, "AG-1"), day_of("2025-03-15"), &r);
    assert_false(r.term_started);
    assert_int_equal(r.person_days, 0);
    assert_int_equal(r.fee_accrued, 0);
    assert_int_equal(r.baseline, 0);
    assert_int_equal(r.difference, 0);
    assert_int_equal(r.fee_per_person_year, 2500000); /* a rate: held or not */
    apply(s, AG("AG-0", "F-SV", AG_TERMS, BASELINE("6000000", "USD")));
    costs_of(state_agreement(s, "AG-0"), day_of("2026-01-01"), &r);
    assert_int_equal(r.held_now, 0);
    assert_int_equal(r.person_days, 0);
    assert_true(r.comparable);
    assert_int_equal(r.difference, 0);
    state_free(s);
}

/* ---- currencies ---- */

static void currency_mismatch_and_absent_baseline(void **st)
{
    (void)st;
    state *s = design_case();
    apply(s, AG("AG-EUR", "F-SV", AG_TERMS, BASELINE("5500000", "EUR")));
    apply(s, AG("AG-NONE", "F-SV", AG_TERMS, ""));
    costs_row r;
    costs_of(state_agreement(s, "AG-EUR"), day_of("2026-03-15"), &r);
    assert_true(r.has_fee && r.has_baseline);
    assert_false(r.comparable);
    assert_int_equal(r.difference, 0);
    assert_string_equal(r.fee_currency.code, "USD");
    assert_string_equal(r.baseline_currency.code, "EUR");
    costs_of(state_agreement(s, "AG-NONE"), day_of("2026-03-15"), &r);
    assert_true(r.has_fee);
    assert_false(r.has_baseline);
    assert_false(r.comparable);
    assert_int_equal(r.fee_per_person_year, 2500000);
    state_free(s);
}

static void currency_digits(void **st)
{
    (void)st;
    static const struct {
        const char *code;
        int digits;
        bool assumed;
    } cases[] = {
        {"USD", 2, false}, {"EUR", 2, false}, {"JPY", 0, false}, {"KRW", 0, false},
        {"XOF", 0, false}, {"BHD", 3, false}, {"KWD", 3, false}, {"CLF", 4, false},
        {"XCD", 2, false}, {"XAU", 2, true},  {"XDR", 2, true},  {"ZZZ", 2, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bool assumed = !cases[i].assumed;
        assert_int_equal(costs_currency_digits(cases[i].code, &assumed), cases[i].digits);
        assert_int_equal(assumed, cases[i].assumed);
    }
}

/* A fee in yen: no decimals, in the state and in the text. */
static void yen(void **st)
{
    (void)st;
    state *s = design_case();
    apply(s, AG("AG-JPY", "F-SV",
                "'starts':'2025-03-16','ends':'2026-03-15',"
                "'fee':{'amount':900000000,'currency':'JPY','persons':238,'days':365}",
                BASELINE("9000000", "JPY")));
    costs_row r;
    costs_of(state_agreement(s, "AG-JPY"), day_of("2026-03-15"), &r);
    assert_int_equal(r.fee_currency.digits, 0);
    money_is(r.fee_per_person_year, 0, "3,781,513"); /* 900,000,000 / 238 = 3,781,512.6 */
    assert_int_equal(r.person_days, 0);              /* nobody is held under it */
    state_free(s);
}

static void formatting(void **st)
{
    (void)st;
    money_is(0, 2, "0.00");
    money_is(5, 2, "0.05");
    money_is(-5, 2, "-0.05");
    money_is(100, 2, "1.00");
    money_is(99999, 2, "999.99");
    money_is(100000, 2, "1,000.00");
    money_is(-123456, 2, "-1,234.56");
    money_is(999, 0, "999");
    money_is(1000, 0, "1,000");
    money_is(-1000000, 0, "-1,000,000");
    money_is(12345678, 3, "12,345.678");
    money_is(12345678, 4, "1,234.5678");
    money_is(INT64_MAX, 2, "92,233,720,368,547,758.07");
    money_is(INT64_MIN, 0, "-9,223,372,036,854,775,808");
    char small[8];
    costs_format(595000000, 2, small, sizeof small); /* truncated, terminated */
    assert_int_equal(strlen(small), 7);
}

/* ---- arithmetic ---- */

static int64_t md(int64_t a, int64_t b, int64_t c, int64_t d)
{
    int64_t out = 42;
    assert_int_equal(costs_muldiv(a, b, c, d, &out), 0);
    return out;
}

static void md_fails(int64_t a, int64_t b, int64_t c, int64_t d)
{
    int64_t out = 42;
    assert_int_equal(costs_muldiv(a, b, c, d, &out), -1);
    assert_int_equal(out, 0);
}

/* Half away from zero, below and above the half, both signs. */
static void rounding(void **st)
{
    (void)st;
    assert_int_equal(md(1, 1, 2, 1), 1);   /* 0.5 */
    assert_int_equal(md(-1, 1, 2, 1), -1); /* -0.5 */
    assert_int_equal(md(1, -1, 2, 1), -1);
    assert_int_equal(md(-1, -1, 2, 1), 1);
    assert_int_equal(md(5, 1, 2, 1), 3); /* 2.5: not to even */
    assert_int_equal(md(7, 1, 2, 1), 4); /* 3.5 */
    assert_int_equal(md(-5, 1, 2, 1), -3);
    assert_int_equal(md(1, 1, 3, 1), 0); /* 0.33 */
    assert_int_equal(md(2, 1, 3, 1), 1); /* 0.67 */
    assert_int_equal(md(-2, 1, 3, 1), -1);
    assert_int_equal(md(0, 5, 3, 7), 0);
    assert_int_equal(md(100, 1, 3, 1), 33);   /* 33.33 */
    assert_int_equal(md(100, 2, 3, 1), 67);   /* 66.67 */
    assert_int_equal(md(1, 365, 730, 1), 1);  /* a fee per person-year of half a cent */
    assert_int_equal(md(1, 364, 730, 1), 0);  /* just under the half */
    assert_int_equal(md(3, 1, 2, 3), 1);      /* c * d is the divisor: 0.5 */
    assert_int_equal(md(999, 1, 1000, 2), 0); /* 0.4995 */
}

/* 2^53-1 (the largest amount) times 10^10 person-days needs 87 bits. */
static void overflow_bounds(void **st)
{
    (void)st;
    const int64_t max53 = 9007199254740991LL, e10 = 10000000000LL;
    assert_int_equal(md(max53, e10, e10, 1), max53);
    assert_int_equal(md(max53, e10, max53, e10), 1);
    assert_int_equal(md(max53, e10, 1000000, 1000000), 90071992547410LL); /* .91 up */
    assert_int_equal(md(INT64_MAX, 1, 1, 1), INT64_MAX);
    assert_int_equal(md(INT64_MAX, 2, 2, 1), INT64_MAX);
    assert_int_equal(md(INT64_MIN, 1, 1, 1), INT64_MIN);
    assert_int_equal(md(INT64_MIN, INT64_MIN, INT64_MAX, INT64_MAX), 1);
    md_fails(INT64_MAX, 3, 2, 1);
    md_fails(INT64_MIN, -1, 1, 1); /* 2^63 does not fit */
    md_fails(max53, e10, 1, 1);
    md_fails(max53, e10, 365, 1); /* a baseline of 2.5e23 minor units */
    md_fails(1, 1, 0, 1);
    md_fails(1, 1, 1, -1);
}

/* costs_of on a hand-made agreement at the limits the decoder admits. */
static void overflow_flags(void **st)
{
    (void)st;
    const int64_t max53 = 9007199254740991LL;
    st_agreement a = {.id = "AG-X", .starts = 0, .ends = 100000, .closed_days = 10000000000LL};
    a.fee = (ev_fee){.present = true, .amount = max53, .currency = "USD", .persons = 1, .days = 1};
    a.baseline_cost = (ev_baseline){.present = true, .amount = max53, .currency = "USD"};
    costs_row r;
    costs_of(&a, 100000, &r);
    assert_int_equal(r.person_days, 10000000000LL);
    assert_int_equal(r.overflow, COSTS_OVF_FEE_ACCRUED | COSTS_OVF_BASELINE | COSTS_OVF_DIFFERENCE);
    assert_int_equal(r.fee_accrued, 0);
    assert_int_equal(r.fee_per_person_year, 3287627727980461715LL); /* fits */
    a.fee.persons = 1000000;
    a.fee.days = 1000000;
    a.baseline_cost.amount = 365;
    costs_of(&a, 100000, &r);
    assert_int_equal(r.overflow, 0);
    assert_int_equal(r.fee_accrued, 90071992547410LL);
    assert_int_equal(r.baseline, 10000000000LL);
    assert_int_equal(r.difference, 10000000000LL - 90071992547410LL);
}

/* ---- occupancy ---- */

static void occupancy(void **st)
{
    (void)st;
    state *s = design_case();
    const st_facility *f = state_facility(s, "F-SV");
    occupancy_row r;
    occupancy_unit(f, state_unit(s, f, "M1"), &r);
    assert_int_equal(r.held, 238);
    assert_int_equal(r.capacity, 200);
    assert_true(r.over_capacity);
    assert_int_equal(r.percent_of_capacity, 119);
    assert_int_equal(r.without_bed, 88);
    assert_true(r.has_m2_per_person);
    assert_true(r.m2_per_person > 4.2016 && r.m2_per_person < 4.2017); /* 1000 / 238 */
    assert_int_equal(r.design_capacity, -1);

    occupancy_unit(f, state_unit(s, f, "M2"), &r);
    assert_int_equal(r.held, 0);
    assert_false(r.has_m2_per_person);
    assert_false(r.over_capacity);
    assert_int_equal(r.percent_of_capacity, 0);
    assert_int_equal(r.without_bed, 0);
    assert_true(r.has_floor);

    occupancy_facility(s, f, &r);
    assert_null(r.unit);
    assert_int_equal(r.held, 238);
    assert_int_equal(r.capacity, 205);
    assert_int_equal(r.beds, 155);
    assert_int_equal(r.design_capacity, 40000);
    assert_false(r.over_design);
    assert_true(r.over_capacity);
    assert_int_equal(r.unassigned, 0);
    assert_true(r.floor_area_m2 > 1040.49 && r.floor_area_m2 < 1040.51);
    assert_int_equal(r.percent_of_capacity, 116); /* 238 / 205 = 116.1% */
    state_free(s);
}

/* A facility with no unit certified, reached by a transfer (an arrival names no
 * unit): capacity 0, floor unknown, everyone held there without a unit. */
static void occupancy_without_units(void **st)
{
    (void)st;
    state *s = state_new();
    assert_non_null(s);
    apply(s, FAC("F-A", "10"));
    apply(s, UNIT("F-A", "A1", "10", "50", "10"));
    apply(s, FAC("F-H", "2"));
    admit(s, 0, 1, "F-A", "A1", "none", "2025-01-03");
    apply(s, "{'type':'transfer.proposed','at':'2025-01-04T00:00:00Z','transfer':'T-1',"
             "'from_facility':'F-A','to_facility':'F-H','authority':'court',"
             "'persons':['P-0'],'departure_planned':'2025-01-05T00:00:00Z'}");
    static const char *const steps[] = {"approved", "departed", "arrived"};
    for (int i = 0; i < 3; i++) {
        char q[256];
        snprintf(q, sizeof q,
                 "{'type':'transfer.%s','at':'2025-01-05T0%d:00:00Z','transfer':'T-1',"
                 "'persons':['P-0']}",
                 steps[i], i);
        apply(s, q);
    }
    occupancy_row r;
    occupancy_facility(s, state_facility(s, "F-H"), &r);
    assert_int_equal(r.held, 1);
    assert_int_equal(r.unassigned, 1);
    assert_int_equal(r.capacity, 0);
    assert_int_equal(r.percent_of_capacity, -1);
    assert_true(r.over_capacity);
    assert_false(r.over_design);
    assert_false(r.has_floor);
    assert_false(r.has_m2_per_person);
    assert_int_equal(r.without_bed, 1);
    occupancy_facility(s, state_facility(s, "F-A"), &r);
    assert_int_equal(r.held, 0);
    assert_false(r.has_m2_per_person);
    state_free(s);
}

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(design_example, setup, teardown),
        cmocka_unit_test_setup_teardown(ended_term_is_clipped, setup, teardown),
        cmocka_unit_test_setup_teardown(running_term, setup, teardown),
        cmocka_unit_test_setup_teardown(released_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(zero_person_days, setup, teardown),
        cmocka_unit_test_setup_teardown(currency_mismatch_and_absent_baseline, setup, teardown),
        cmocka_unit_test(currency_digits),
        cmocka_unit_test_setup_teardown(yen, setup, teardown),
        cmocka_unit_test(formatting),
        cmocka_unit_test(rounding),
        cmocka_unit_test(overflow_bounds),
        cmocka_unit_test(overflow_flags),
        cmocka_unit_test_setup_teardown(occupancy, setup, teardown),
        cmocka_unit_test_setup_teardown(occupancy_without_units, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
