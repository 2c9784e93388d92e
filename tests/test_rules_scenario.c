/* A day of three transfers, checked at several moments: eligibility over the state
 * as the ledger stood then (ledger_state_as_of), end to end from imported events.
 *
 * 15 March 2025, Eastern time. T-1 (authority AEA) and T-2 (authority INA-241) go
 * from the detention centre F-TX to the prison F-SV under agreement AG-1 (a final
 * conviction required, no sending-state nationals); T-3 (authority AEA) is a
 * domestic move to F-GA that leaves at 10:30 and arrives at 12:30. A morning court
 * order (09:40) names P-1 and P-2; an evening order (18:47) covers every transfer
 * under authority AEA; the morning order is lifted at 20:00. P-3 is protected from
 * removal to SV; P-4 is a US citizen. P-6's final conviction, dated that morning
 * (08:30), was recorded at the end of the log, after everything else. */
#include "testutil.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/ledger.h"
#include "rules/eligibility.h"
#include "rules/findings.h"
#include "rules/profile.h"
#include "util/buf.h"
#include "util/hbtime.h"

/* Single quotes stand for double quotes (swapped before import), for legibility. */
static const char *const EVENTS[] = {
    "{'type':'facility.registered','at':'2025-02-01T08:00:00-05:00','facility':'F-TX',"
    "'name':'Texas Detention Center','country':'US','kind':'detention_center',"
    "'design_capacity':100}",
    "{'type':'unit.certified','at':'2025-02-01T08:05:00-05:00','facility':'F-TX','unit':'A1',"
    "'kind':'dormitory','capacity':50,'floor_area_m2':300,'beds':50}",
    "{'type':'facility.registered','at':'2025-02-01T08:10:00-06:00','facility':'F-SV',"
    "'name':'Centro Penal','country':'SV','kind':'prison','design_capacity':1000}",
    "{'type':'unit.certified','at':'2025-02-01T08:15:00-06:00','facility':'F-SV','unit':'M1',"
    "'kind':'cell','capacity':50,'floor_area_m2':60,'beds':50}",
    "{'type':'facility.registered','at':'2025-02-01T08:20:00-05:00','facility':'F-GA',"
    "'name':'Georgia Processing Center','country':'US','kind':'detention_center',"
    "'design_capacity':200}",
    "{'type':'unit.certified','at':'2025-02-01T08:25:00-05:00','facility':'F-GA','unit':'G1',"
    "'kind':'dormitory','capacity':50,'floor_area_m2':300,'beds':50}",
    "{'type':'agreement.signed','at':'2025-03-01T10:00:00-05:00','agreement':'AG-1',"
    "'sending_state':'US','receiving_state':'SV','facilities':['F-SV'],'starts':'2025-03-01',"
    "'ends':'2026-02-28','fee':{'amount':600000000,'currency':'USD','persons':238,'days':365},"
    "'conditions':{'require_final_conviction':true,'allow_sending_state_nationals':false,"
    "'require_consent':false,'nationalities':'any','max_persons':100}}",
    "{'type':'person.registered','at':'2025-03-02T09:00:00-05:00','person':'P-1',"
    "'given_names':'Jos\xc3\xa9','family_names':'Ram\xc3\xadrez','nationalities':['VE']}",
    "{'type':'person.registered','at':'2025-03-02T09:01:00-05:00','person':'P-2',"
    "'given_names':'Luis','family_names':'Mendoza','nationalities':['VE']}",
    "{'type':'person.registered','at':'2025-03-02T09:02:00-05:00','person':'P-3',"
    "'given_names':'Kilmar','family_names':'Garc\xc3\xad"
    "a','nationalities':['SV']}",
    "{'type':'person.registered','at':'2025-03-02T09:03:00-05:00','person':'P-4',"
    "'given_names':'John','family_names':'Smith','nationalities':['US']}",
    "{'type':'person.registered','at':'2025-03-02T09:04:00-05:00','person':'P-5',"
    "'given_names':'Andry','family_names':'Hern\xc3\xa1ndez','nationalities':['VE']}",
    "{'type':'person.registered','at':'2025-03-02T09:05:00-05:00','person':'P-6',"
    "'given_names':'Neri','family_names':'Alvarado','nationalities':['VE']}",
    "{'type':'person.registered','at':'2025-03-02T09:06:00-05:00','person':'P-7',"
    "'given_names':'Ana','family_names':'L\xc3\xb3pez','nationalities':['MX']}",
    "{'type':'conviction.recorded','at':'2025-03-03T09:00:00-05:00','person':'P-1',"
    "'jurisdiction':'US','court':'S.D. Tex.','case':'cr-1','offense':'illegal reentry',"
    "'violent':false,'final':true,'date':'2024-05-01','sentence_days':400}",
    "{'type':'conviction.recorded','at':'2025-03-03T09:01:00-05:00','person':'P-2',"
    "'jurisdiction':'US','court':'S.D. Tex.','case':'cr-2','offense':'theft',"
    "'violent':false,'final':true,'date':'2024-06-01','sentence_days':300}",
    "{'type':'conviction.recorded','at':'2025-03-03T09:02:00-05:00','person':'P-3',"
    "'jurisdiction':'US','court':'D. Md.','case':'cr-3','offense':'fraud',"
    "'violent':false,'final':true,'date':'2024-07-01','sentence_days':200}",
    "{'type':'conviction.recorded','at':'2025-03-03T09:03:00-05:00','person':'P-4',"
    "'jurisdiction':'US','court':'N.D. Ga.','case':'cr-4','offense':'assault',"
    "'violent':true,'final':true,'date':'2024-08-01','sentence_days':500}",
    "{'type':'conviction.recorded','at':'2025-03-03T09:04:00-05:00','person':'P-5',"
    "'jurisdiction':'US','court':'S.D. Tex.','case':'cr-5','offense':'illegal reentry',"
    "'violent':false,'final':true,'date':'2024-09-01','sentence_days':365}",
    "{'type':'allegation.recorded','at':'2025-03-03T09:05:00-05:00','person':'P-6',"
    "'kind':'gang_affiliation','source':'tattoo assessment'}",
    "{'type':'status.recorded','at':'2025-03-03T10:00:00-05:00','person':'P-3',"
    "'jurisdiction':'US','status':'withholding_of_removal','country':'SV',"
    "'valid_from':'2019-05-14','source':'Immigration Court, Baltimore'}",
    "{'type':'status.recorded','at':'2025-03-03T10:01:00-05:00','person':'P-4',"
    "'jurisdiction':'US','status':'citizen','valid_from':'1990-01-01','source':'birth'}",
    "{'type':'custody.admitted','at':'2025-03-05T08:00:00-05:00','person':'P-1',"
    "'facility':'F-TX','unit':'A1','basis':{'kind':'immigration','reference':'A-1'}}",
    "{'type':'custody.admitted','at':'2025-03-05T08:01:00-05:00','person':'P-2',"
    "'facility':'F-TX','unit':'A1','basis':{'kind':'immigration','reference':'A-2'}}",
    "{'type':'custody.admitted','at':'2025-03-05T08:02:00-05:00','person':'P-3',"
    "'facility':'F-TX','unit':'A1','basis':{'kind':'immigration','reference':'A-3'}}",
    "{'type':'custody.admitted','at':'2025-03-05T08:03:00-05:00','person':'P-4',"
    "'facility':'F-TX','unit':'A1','basis':{'kind':'immigration','reference':'A-4'}}",
    "{'type':'custody.admitted','at':'2025-03-05T08:04:00-05:00','person':'P-5',"
    "'facility':'F-TX','unit':'A1','basis':{'kind':'immigration','reference':'A-5'}}",
    "{'type':'custody.admitted','at':'2025-03-05T08:05:00-05:00','person':'P-6',"
    "'facility':'F-TX','unit':'A1','basis':{'kind':'immigration','reference':'A-6'}}",
    "{'type':'custody.admitted','at':'2025-03-05T08:06:00-05:00','person':'P-7',"
    "'facility':'F-TX','unit':'A1','basis':{'kind':'immigration','reference':'A-7'}}",
    /* The day. */
    "{'type':'transfer.proposed','at':'2025-03-15T07:00:00-04:00','transfer':'T-1',"
    "'from_facility':'F-TX','to_facility':'F-SV','agreement':'AG-1','authority':'AEA',"
    "'persons':['P-1','P-3','P-4','P-5'],'departure_planned':'2025-03-15T17:25:00-04:00'}",
    "{'type':'transfer.proposed','at':'2025-03-15T07:05:00-04:00','transfer':'T-2',"
    "'from_facility':'F-TX','to_facility':'F-SV','agreement':'AG-1','authority':'INA-241',"
    "'persons':['P-2','P-6'],'departure_planned':'2025-03-15T18:00:00-04:00'}",
    "{'type':'transfer.proposed','at':'2025-03-15T07:10:00-04:00','transfer':'T-3',"
    "'from_facility':'F-TX','to_facility':'F-GA','authority':'AEA','persons':['P-7'],"
    "'departure_planned':'2025-03-15T10:30:00-04:00'}",
    "{'type':'hold.placed','at':'2025-03-15T09:40:00-04:00','hold':'H-AM','kind':'court_order',"
    "'issued_by':'D.D.C.','case':'1:25-cv-00766','effective_from':'2025-03-15T09:40:00-04:00',"
    "'scope':{'persons':['P-1','P-2']}}",
    "{'type':'transfer.approved','at':'2025-03-15T10:00:00-04:00','transfer':'T-3',"
    "'persons':['P-7']}",
    "{'type':'transfer.departed','at':'2025-03-15T10:30:00-04:00','transfer':'T-3',"
    "'persons':['P-7']}",
    "{'type':'transfer.arrived','at':'2025-03-15T12:30:00-04:00','transfer':'T-3',"
    "'persons':['P-7']}",
    "{'type':'custody.moved','at':'2025-03-15T12:35:00-04:00','person':'P-7','facility':'F-GA',"
    "'unit':'G1'}",
    "{'type':'hold.placed','at':'2025-03-15T18:47:00-04:00','hold':'H-PM','kind':'court_order',"
    "'issued_by':'D.D.C.','case':'1:25-cv-00766','effective_from':'2025-03-15T18:47:00-04:00',"
    "'scope':{'authority':'AEA'}}",
    "{'type':'hold.lifted','at':'2025-03-15T20:00:00-04:00','hold':'H-AM','issued_by':'D.C. Cir.',"
    "'reason':'stayed pending appeal'}",
    /* Recorded late: true at 08:30 that morning, learned afterwards. */
    "{'type':'conviction.recorded','at':'2025-03-15T08:30:00-04:00','person':'P-6',"
    "'jurisdiction':'US','court':'S.D. Tex.','case':'cr-6','offense':'illegal reentry',"
    "'violent':false,'final':true,'date':'2024-10-01','sentence_days':400}",
    /* Registered the next day; a conviction dated the day before names them: at
     * that earlier moment the person is not yet known, so it is left out. */
    "{'type':'person.registered','at':'2025-03-16T09:00:00-04:00','person':'P-8',"
    "'given_names':'Omar','family_names':'Rivas','nationalities':['VE']}",
    "{'type':'conviction.recorded','at':'2025-03-15T10:00:00-04:00','person':'P-8',"
    "'jurisdiction':'US','court':'S.D. Tex.','case':'cr-8','offense':'theft',"
    "'violent':false,'final':true,'date':'2024-11-01','sentence_days':100}",
};
#define N_EVENTS ((int64_t)(sizeof EVENTS / sizeof *EVENTS))

static ledger *L; /* the scenario, imported once for the group */

static int64_t t_(const char *s)
{
    int64_t us = 0;
    const char *why = NULL;
    if (hbtime_parse(s, strlen(s), &us, &why)) fail_msg("bad test time %s: %s", s, why);
    return us;
}

#define BEFORE_MORNING "2025-03-15T08:00:00-04:00"
#define AFTER_MORNING "2025-03-15T12:00:00-04:00"
#define AFTER_EVENING "2025-03-15T19:00:00-04:00"
#define AFTER_LIFT "2025-03-15T21:00:00-04:00"

static int setup(void **st)
{
    (void)st;
    hb_err e = {0};
    if (ledger_open(tu_path(tu_tmpdir(), "day.db"), STORE_CREATE, &L, &e)) {
        fprintf(stderr, "open: %s\n", e.msg);
        return -1;
    }
    buf b = BUF_INIT;
    for (int64_t i = 0; i < N_EVENTS; i++) {
        buf_puts(&b, EVENTS[i]);
        buf_putc(&b, '\n');
    }
    for (size_t i = 0; i < b.len; i++)
        if (b.p[i] == '\'') b.p[i] = '"';
    hb_errlist errs;
    errlist_init(&errs, 5);
    int64_t first, last;
    int rc = ledger_import(L, "day.jsonl", b.p, b.len, "test:scenario", &errs, &first, &last, &e);
    if (rc) fprintf(stderr, "import: %s %s\n", errs.n ? errs.msgs[0] : "", e.msg);
    errlist_free(&errs);
    buf_free(&b);
    return rc ? -1 : 0;
}

static int teardown(void **st)
{
    (void)st;
    ledger_close(L);
    return 0;
}

/* Verdicts on a transfer over state s at a moment, as one line: "P-1 cleared; P-3
 * blocked NON_REFOULEMENT,...". Every reason must explain itself and cite evidence
 * within the log. Caller frees. */
static char *verdicts_on(const state *s, const char *transfer, int64_t at)
{
    const st_transfer *t = state_transfer(s, transfer);
    if (!t) fail_msg("no transfer %s in this state", transfer);
    elig_plan plan = elig_plan_of(s, t, at);
    uint32_t persons[16];
    elig_verdict v[16];
    assert_true(t->n_persons <= 16);
    for (uint32_t i = 0; i < t->n_persons; i++)
        persons[i] = t->persons[i].person;
    assert_int_equal(elig_check(s, &plan, persons, t->n_persons, v), 0);
    buf out = BUF_INIT, why = BUF_INIT;
    for (uint32_t i = 0; i < t->n_persons; i++) {
        assert_int_equal(v[i].person, persons[i]);
        assert_int_equal(v[i].blocked, v[i].n_reasons > 0);
        buf_printf(&out, "%s%s %s", i ? "; " : "", state_person_at(s, persons[i])->id,
                   v[i].blocked ? "blocked" : "cleared");
        for (uint8_t k = 0; k < v[i].n_reasons; k++) {
            const elig_reason *r = &v[i].reasons[k];
            buf_printf(&out, "%s%s", k ? "," : " ", elig_code_name(r->code));
            buf_clear(&why);
            assert_int_equal(elig_explain(s, &plan, &v[i], r, &why), 0);
            assert_true(why.len > 0);
            for (uint8_t e = 0; e < r->n_evidence; e++)
                assert_true(r->evidence[e] >= 1 && r->evidence[e] <= N_EVENTS);
        }
    }
    buf_free(&why);
    return out.p;
}

static state *as_of(const char *when)
{
    state *s = NULL;
    hb_err e = {0};
    if (ledger_state_as_of(L, t_(when), &s, &e)) fail_msg("as of %s: %s", when, e.msg);
    return s;
}

/* The three transfers' verdicts at a moment, over the state as it stood then. */
static void expect_day(const char *when, const char *t1, const char *t2, const char *t3)
{
    state *s = as_of(when);
    const char *want[3] = {t1, t2, t3}, *ids[3] = {"T-1", "T-2", "T-3"};
    for (int i = 0; i < 3; i++) {
        char *got = verdicts_on(s, ids[i], t_(when));
        if (strcmp(got, want[i]) != 0)
            fail_msg("%s at %s:\n  got  %s\n  want %s", ids[i], when, got, want[i]);
        free(got);
    }
    state_free(s);
}

static void before_the_morning_order(void **st)
{
    (void)st;
    expect_day(BEFORE_MORNING,
               "P-1 cleared; P-3 blocked NON_REFOULEMENT; P-4 blocked SENDING_STATE_NATIONAL; "
               "P-5 cleared",
               "P-2 cleared; P-6 blocked NO_FINAL_CONVICTION", "P-7 cleared");
}

/* The named persons are held back; P-6's conviction, dated 08:30 though recorded
 * last, now counts; P-7 is on the road (departed 10:30, not yet arrived). */
static void after_the_morning_order(void **st)
{
    (void)st;
    expect_day(AFTER_MORNING,
               "P-1 blocked HOLD_COURT_ORDER; P-3 blocked NON_REFOULEMENT; "
               "P-4 blocked SENDING_STATE_NATIONAL; P-5 cleared",
               "P-2 blocked HOLD_COURT_ORDER; P-6 cleared", "P-7 blocked NOT_IN_CUSTODY");
}

/* The order by authority covers everyone on T-1 and T-3 (authority AEA), not T-2. */
static void after_the_evening_order(void **st)
{
    (void)st;
    expect_day(AFTER_EVENING,
               "P-1 blocked HOLD_COURT_ORDER; P-3 blocked HOLD_COURT_ORDER,NON_REFOULEMENT; "
               "P-4 blocked HOLD_COURT_ORDER,SENDING_STATE_NATIONAL; P-5 blocked HOLD_COURT_ORDER",
               "P-2 blocked HOLD_COURT_ORDER; P-6 cleared",
               "P-7 blocked HOLD_COURT_ORDER,NOT_IN_CUSTODY");
}

/* Lifting the morning order frees P-2; P-1 stays blocked by the evening order. */
static void after_the_lift(void **st)
{
    (void)st;
    expect_day(AFTER_LIFT,
               "P-1 blocked HOLD_COURT_ORDER; P-3 blocked HOLD_COURT_ORDER,NON_REFOULEMENT; "
               "P-4 blocked HOLD_COURT_ORDER,SENDING_STATE_NATIONAL; P-5 blocked HOLD_COURT_ORDER",
               "P-2 cleared; P-6 cleared", "P-7 blocked HOLD_COURT_ORDER,NOT_IN_CUSTODY");
}

/* T-1 and T-2 never left F-TX, so the live state (checked "as of" the moment by
 * the rules' own time filter) must give the same verdicts as the as-of state. */
static void live_state_agrees_while_custody_is_unchanged(void **st)
{
    (void)st;
    const char *moments[] = {BEFORE_MORNING, AFTER_MORNING, AFTER_EVENING, AFTER_LIFT};
    for (size_t m = 0; m < 4; m++) {
        state *s = as_of(moments[m]);
        for (int k = 0; k < 2; k++) {
            const char *id = k ? "T-2" : "T-1";
            char *then = verdicts_on(s, id, t_(moments[m]));
            char *live = verdicts_on(ledger_state(L), id, t_(moments[m]));
            if (strcmp(then, live) != 0)
                fail_msg("%s at %s: as-of %s, live %s", id, moments[m], then, live);
            free(then);
            free(live);
        }
        state_free(s);
    }
}

static bool cites(const elig_reason *r, int64_t seq)
{
    for (uint8_t e = 0; e < r->n_evidence; e++)
        if (r->evidence[e] == seq) return true;
    return false;
}

static const elig_reason *reason_of(const elig_verdict *v, reason_code c)
{
    for (uint8_t k = 0; k < v->n_reasons; k++)
        if (v->reasons[k].code == c) return &v->reasons[k];
    fail_msg("no %s among the reasons", elig_code_name(c));
    return NULL;
}

/* After the evening order, P-1 on T-1 is blocked by both orders and P-3 by an order
 * and the withholding of removal: the evidence cites each of those events. */
static void evidence_cites_the_orders_and_the_status(void **st)
{
    (void)st;
    state *s = as_of(AFTER_EVENING);
    const st_transfer *t = state_transfer(s, "T-1");
    elig_plan plan = elig_plan_of(s, t, t_(AFTER_EVENING));
    uint32_t persons[2] = {t->persons[0].person, t->persons[1].person}; /* P-1, P-3 */
    elig_verdict v[2];
    assert_int_equal(elig_check(s, &plan, persons, 2, v), 0);
    int64_t am = state_hold(s, "H-AM")->placed_seq, pm = state_hold(s, "H-PM")->placed_seq;
    const elig_reason *hold = reason_of(&v[0], RC_HOLD_COURT_ORDER);
    assert_true(cites(hold, am) && cites(hold, pm));
    hold = reason_of(&v[1], RC_HOLD_COURT_ORDER);
    assert_true(cites(hold, pm) && !cites(hold, am));
    const st_person *p3 = state_person(s, "P-3");
    assert_int_equal(p3->n_status, 1);
    assert_true(cites(reason_of(&v[1], RC_NON_REFOULEMENT), p3->status[0].seq));
    state_free(s);

    /* After the lift, the morning order is no longer evidence against P-1. */
    s = as_of(AFTER_LIFT);
    t = state_transfer(s, "T-1");
    plan = elig_plan_of(s, t, t_(AFTER_LIFT));
    assert_int_equal(elig_check(s, &plan, persons, 1, v), 0);
    hold = reason_of(&v[0], RC_HOLD_COURT_ORDER);
    assert_true(cites(hold, pm) && !cites(hold, am));
    state_free(s);
}

/* ledger_state_as_of itself: by `at`, not by seq; an event the earlier subset
 * cannot take is left out; before the first event nothing; after the last, the
 * same as the live state. */
static void as_of_filters_by_time_and_skips_what_the_subset_refuses(void **st)
{
    (void)st;
    state *s = as_of("2025-01-01T00:00:00Z");
    assert_int_equal(state_count_persons(s), 0);
    assert_int_equal(state_count_facilities(s), 0);
    assert_int_equal(state_last_seq(s), 0);
    state_free(s);

    s = as_of(AFTER_MORNING);
    assert_null(state_person(s, "P-8")); /* registered the next day */
    assert_int_equal(state_count_persons(s), 7);
    const st_person *p6 = state_person(s, "P-6");
    assert_int_equal(p6->n_conviction, 1); /* the late-recorded one, dated 08:30 */
    assert_int_equal(p6->conviction[0].seq, N_EVENTS - 2);
    assert_int_equal(state_last_seq(s), N_EVENTS - 2);
    assert_null(state_hold(s, "H-PM"));
    assert_int_equal(state_hold(s, "H-AM")->lifted_seq, 0);
    assert_int_equal(state_person(s, "P-7")->custody, CUST_IN_TRANSIT);
    state_free(s);

    s = as_of("2025-03-15T10:29:59.999999-04:00"); /* a microsecond before departure */
    assert_int_equal(state_person(s, "P-7")->custody, CUST_HELD);
    assert_int_equal(state_facility(s, "F-TX")->held, 7);
    assert_int_equal(state_person(s, "P-6")->n_conviction, 1); /* dated 08:30 */
    assert_null(state_person(s, "P-8"));
    state_free(s);

    s = as_of("2025-03-17T00:00:00Z");
    const state *live = ledger_state(L);
    assert_int_equal(state_last_seq(s), state_last_seq(live));
    assert_int_equal(state_count_persons(s), state_count_persons(live));
    assert_int_equal(state_person(s, "P-8")->n_conviction, 1);
    assert_int_equal(state_facility(s, "F-GA")->held, 1);
    assert_int_equal(state_facility(s, "F-TX")->held, 6);
    state_free(s);
}

/* ------------------------------------------------------------------------------
 * The same day with the flights. Appended to the events above (their seqs stay):
 * the approvals list only the persons cleared when they are made (the ledger
 * refuses anything else), but the planes take everyone. T-1 (authority AEA) leaves
 * at 17:25 with P-1 under the morning order, P-3 protected from removal to SV and
 * P-4 a US citizen; T-2 leaves at 18:00 with P-2 under the morning order. T-1 lands
 * at 22:30 San Salvador time, after the evening order covering authority AEA: all
 * four of its passengers arrive blocked. T-2 lands at 23:00, after the morning
 * order was lifted: nobody arrives blocked. */
static const char *const FLIGHTS[] = {
    "{'type':'transfer.approved','at':'2025-03-15T16:00:00-04:00','transfer':'T-1',"
    "'persons':['P-5']}",
    "{'type':'transfer.approved','at':'2025-03-15T16:05:00-04:00','transfer':'T-2',"
    "'persons':['P-6']}",
    "{'type':'transfer.departed','at':'2025-03-15T17:25:00-04:00','transfer':'T-1',"
    "'persons':['P-1','P-3','P-4','P-5']}",
    "{'type':'transfer.departed','at':'2025-03-15T18:00:00-04:00','transfer':'T-2',"
    "'persons':['P-2','P-6']}",
    "{'type':'transfer.arrived','at':'2025-03-15T22:30:00-06:00','transfer':'T-1',"
    "'persons':['P-1','P-3','P-4','P-5']}",
    "{'type':'transfer.arrived','at':'2025-03-15T23:00:00-06:00','transfer':'T-2',"
    "'persons':['P-2','P-6']}",
};
#define N_FLIGHTS ((int64_t)(sizeof FLIGHTS / sizeof *FLIGHTS))

static int obs_before(void *f, const state *s, int64_t seq, const event *ev)
{
    return findings_before(f, s, seq, ev);
}
static int obs_after(void *f, const state *s, int64_t seq, const event *ev)
{
    return findings_after(f, s, seq, ev);
}
static void obs_begin(void *f)
{
    findings_begin(f);
}
static void obs_commit(void *f)
{
    findings_commit(f);
}
static void obs_rollback(void *f)
{
    findings_rollback(f);
}

/* A ledger at path fed to a new findings set (create: import the events and the
 * flights). */
static ledger *open_day(const char *path, bool create, findings *f)
{
    ledger_observer obs = {f, obs_before, obs_after, obs_begin, obs_commit, obs_rollback};
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open_observed(path, create ? STORE_CREATE : STORE_OPEN, &obs, &l, &e))
        fail_msg("open %s: %s", path, e.msg);
    if (!create) return l;
    buf b = BUF_INIT;
    for (int64_t i = 0; i < N_EVENTS + N_FLIGHTS; i++) {
        buf_puts(&b, i < N_EVENTS ? EVENTS[i] : FLIGHTS[i - N_EVENTS]);
        buf_putc(&b, '\n');
    }
    for (size_t i = 0; i < b.len; i++)
        if (b.p[i] == '\'') b.p[i] = '"';
    hb_errlist errs;
    errlist_init(&errs, 5);
    int rc = ledger_import(l, "flights.jsonl", b.p, b.len, "test:scenario", &errs, NULL, NULL, &e);
    if (rc) fail_msg("import: %s %s", errs.n ? errs.msgs[0] : "", e.msg);
    errlist_free(&errs);
    buf_free(&b);
    return l;
}

/* The critical findings as lines "CODE P-x T-y REASON,REASON", in the order raised. */
static char *critical_lines(const state *s, const findings *f)
{
    buf out = BUF_INIT;
    for (size_t i = 0; i < findings_count(f); i++) {
        const finding *x = findings_at(f, i);
        if (x->severity != SEV_CRITICAL) continue;
        buf_printf(&out, "%s %s %s", findings_code_name(x->code),
                   x->person == ST_NONE ? "-" : state_person_at(s, x->person)->id,
                   x->transfer == ST_NONE ? "-" : state_transfer_at(s, x->transfer)->id);
        const char *sep = " ";
        for (int c = 0; c < RC__COUNT; c++)
            if (x->reasons & (1u << c)) {
                buf_printf(&out, "%s%s", sep, elig_code_name((reason_code)c));
                sep = ",";
            }
        buf_putc(&out, '\n');
        /* each cites the movement itself */
        bool cites_event = false;
        for (uint8_t k = 0; k < x->n_evidence; k++)
            cites_event |= x->evidence[k] == x->seq;
        assert_true(cites_event);
    }
    return out.p ? out.p : strdup("");
}

static const char FLIGHT_CRITICALS[] =
    "BLOCKED_DEPARTURE P-1 T-1 HOLD_COURT_ORDER\n"
    "BLOCKED_DEPARTURE P-3 T-1 NON_REFOULEMENT\n"
    "BLOCKED_DEPARTURE P-4 T-1 SENDING_STATE_NATIONAL\n"
    "BLOCKED_DEPARTURE P-2 T-2 HOLD_COURT_ORDER\n"
    "BLOCKED_ARRIVAL P-1 T-1 HOLD_COURT_ORDER\n"
    "BLOCKED_ARRIVAL P-3 T-1 HOLD_COURT_ORDER,NON_REFOULEMENT\n"
    "BLOCKED_ARRIVAL P-4 T-1 HOLD_COURT_ORDER,SENDING_STATE_NATIONAL\n"
    "BLOCKED_ARRIVAL P-5 T-1 HOLD_COURT_ORDER\n";

/* The exact critical findings of the flights, raised as the events were imported,
 * and the same again when a fresh open replays the log. */
static void the_flights_raise_exactly_these_critical_findings(void **st)
{
    (void)st;
    profile p;
    hb_err e = {0};
    if (profile_builtin("mandela-icrc", &p, &e)) fail_msg("profile: %s", e.msg);
    const char *path = tu_path(tu_tmpdir(), "flights.db");
    findings *f = findings_new(&p);
    assert_non_null(f);
    ledger *l = open_day(path, true, f);
    char *got = critical_lines(ledger_state(l), f);
    if (strcmp(got, FLIGHT_CRITICALS) != 0)
        fail_msg("critical findings:\n%s\nwant:\n%s", got, FLIGHT_CRITICALS);
    /* the departures were recorded: the facts stand */
    assert_int_equal(ledger_size(l), N_EVENTS + N_FLIGHTS);
    assert_int_equal(state_person(ledger_state(l), "P-1")->custody, CUST_HELD);
    assert_int_equal(state_facility(ledger_state(l), "F-SV")->held, 6);
    ledger_close(l);
    findings_free(f);

    f = findings_new(&p);
    assert_non_null(f);
    l = open_day(path, false, f);
    char *again = critical_lines(ledger_state(l), f);
    assert_string_equal(again, got);
    ledger_close(l);
    findings_free(f);
    free(again);
    free(got);
    profile_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(before_the_morning_order),
        cmocka_unit_test(after_the_morning_order),
        cmocka_unit_test(after_the_evening_order),
        cmocka_unit_test(after_the_lift),
        cmocka_unit_test(live_state_agrees_while_custody_is_unchanged),
        cmocka_unit_test(evidence_cites_the_orders_and_the_status),
        cmocka_unit_test(as_of_filters_by_time_and_skips_what_the_subset_refuses),
        cmocka_unit_test(the_flights_raise_exactly_these_critical_findings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
