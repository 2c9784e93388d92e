/* eligibility: a verdict per person for a plan at a moment (contract in
 * eligibility.h). Prepares once per call what no person should pay for again
 * (holds in effect, capacity taken), then checks each person in order. */
#include <stddef.h>
#include <string.h>
#include "rules/elig_internal.h"

static const char *const CODE_NAMES[RC__COUNT] = {
    [RC_HOLD_COURT_ORDER] = "HOLD_COURT_ORDER",
    [RC_NON_REFOULEMENT] = "NON_REFOULEMENT",
    [RC_SENDING_STATE_NATIONAL] = "SENDING_STATE_NATIONAL",
    [RC_NO_FINAL_CONVICTION] = "NO_FINAL_CONVICTION",
    [RC_NATIONALITY_NOT_COVERED] = "NATIONALITY_NOT_COVERED",
    [RC_NO_CONSENT] = "NO_CONSENT",
    [RC_SENTENCE_TOO_SHORT] = "SENTENCE_TOO_SHORT",
    [RC_CAPACITY] = "CAPACITY",
    [RC_NOT_IN_CUSTODY] = "NOT_IN_CUSTODY",
};

const char *elig_code_name(reason_code c)
{
    return (unsigned)c < RC__COUNT ? CODE_NAMES[c] : "UNKNOWN";
}

/* The transfer's index: the pool is in proposal order, so in seq order. */
static uint32_t transfer_index(const state *s, const st_transfer *t)
{
    uint32_t lo = 0, hi = (uint32_t)state_count_transfers(s);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (state_transfer_at(s, mid)->proposed_seq < t->proposed_seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < state_count_transfers(s) && state_transfer_at(s, lo) == t ? lo : ST_NONE;
}

elig_plan elig_plan_of(const state *s, const st_transfer *t, int64_t at_us)
{
    return (elig_plan){.from_facility = t->from_facility,
                       .to_facility = t->to_facility,
                       .agreement = t->agreement,
                       .authority = t->authority,
                       .transfer = transfer_index(s, t),
                       .at_us = at_us};
}

static bool plan_valid(const state *s, const elig_plan *p, const uint32_t *persons, uint32_t n)
{
    size_t nf = state_count_facilities(s);
    if (p->to_facility >= nf) return false;
    if (p->from_facility != ST_NONE && p->from_facility >= nf) return false;
    if (p->agreement != ST_NONE && p->agreement >= state_count_agreements(s)) return false;
    if (p->transfer != ST_NONE && p->transfer >= state_count_transfers(s)) return false;
    size_t np = state_count_persons(s);
    for (uint32_t i = 0; i < n; i++)
        if (persons[i] >= np) return false;
    return true;
}

static void ctx_free(elig_ctx *c)
{
    elig_holds_free(&c->holds);
    elig_set_free(&c->fac_counted);
    elig_set_free(&c->ag_counted);
}

static void verdict(elig_ctx *c, uint32_t pi, elig_verdict *v)
{
    const st_person *p = state_person_at(c->s, pi);
    v->person = pi;
    v->n_reasons = 0;
    v->load_facility = v->load_agreement = 0;
    elig_holds_check(c, pi, v);
    elig_refoulement_check(c, p, v);
    if (c->ag) elig_clauses_check(c, p, v);
    bool held = elig_custody_of(c->p, c->date, p) == CUSTODY_OK;
    elig_capacity_check(c, pi, v, held && v->n_reasons == 0);
    if (!held) elig_custody_check(c, p, v);
    v->blocked = v->n_reasons > 0;
}

/* A large plan's persons are scattered over the pool and each costs a handful of
 * cache misses (the person, their record arrays, their hold slot, the verdict):
 * fetched in two stages ahead, the person first, then what it points to. */
#define AHEAD 8

/* The fields the rules read, nationalities .. registered_seq: two or three lines. */
static void prefetch_person(const state *s, uint32_t pi)
{
    const char *p = (const char *)state_person_at(s, pi);
    size_t from = offsetof(st_person, nationalities);
    size_t to = offsetof(st_person, registered_seq) + sizeof(int64_t);
    for (size_t off = from; off < to; off += 64)
        __builtin_prefetch(p + off);
    __builtin_prefetch(p + to - 1);
}

/* Only the arrays this plan reads and the person has. */
static void prefetch_records(const elig_ctx *c, uint32_t pi, elig_verdict *v)
{
    const st_person *q = state_person_at(c->s, pi);
    if (q->n_status) __builtin_prefetch(q->status);
    if (c->ag && q->n_conviction) __builtin_prefetch(q->conviction);
    if (c->ag && q->n_consent) __builtin_prefetch(q->consent);
    elig_holds_prefetch(c, pi);
    __builtin_prefetch(v, 1);
}

int elig_check(const state *s, const elig_plan *p, const uint32_t *persons, uint32_t n,
               elig_verdict *out)
{
    if (!plan_valid(s, p, persons, n)) return HB_EINPUT;
    if (!n) return 0;
    elig_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.p = p;
    c.date = hbtime_date(p->at_us);
    c.to = state_facility_at(s, p->to_facility);
    c.ag = p->agreement == ST_NONE ? NULL : state_agreement_at(s, p->agreement);
    int rc = elig_holds_build(&c);
    if (!rc) rc = elig_capacity_prepare(&c, n);
    for (uint32_t i = 0; i < n && i < 2 * AHEAD; i++)
        prefetch_person(s, persons[i]);
    for (uint32_t i = 0; i < n && i < AHEAD; i++)
        prefetch_records(&c, persons[i], &out[i]);
    for (uint32_t i = 0; i < n && !rc; i++) {
        if (i + 2 * AHEAD < n) prefetch_person(s, persons[i + 2 * AHEAD]);
        if (i + AHEAD < n) prefetch_records(&c, persons[i + AHEAD], &out[i + AHEAD]);
        verdict(&c, persons[i], &out[i]);
    }
    ctx_free(&c);
    return rc;
}
