/* elig_capacity: the places already taken at the destination facility and under
 * the agreement before this plan, counted once per person (a set), then consumed
 * by the plan's persons in order as each is cleared.
 *
 * Taken at the facility: held there now, approved on another transfer to it and
 * still held (at the origin), departed on any transfer to it and not arrived.
 * Taken under the agreement: the same for transfers under it, plus persons held
 * at its facilities who arrived on a transfer under it or were admitted there on
 * an agreement basis. That last group is only found by a pass over all persons,
 * made only when an upper bound (everyone held at its facilities) could exceed
 * max_persons. */
#include <string.h>
#include "rules/elig_internal.h"

#define RUN 64 /* persons checked for lying one after another */

static bool at_agreement_facility(const st_agreement *a, uint32_t fi)
{
    for (uint32_t i = 0; i < a->n_facilities; i++)
        if (a->facilities[i] == fi) return true;
    return false;
}

/* An agreement basis counts for this agreement unless it names another one. */
static bool basis_is(const elig_ctx *c, const st_person *q)
{
    if (q->basis_kind != BASIS_AGREEMENT) return false;
    const char *ref = q->basis_reference;
    if (!ref || strcmp(ref, c->ag->id) == 0) return true;
    return state_agreement(c->s, ref) == NULL;
}

static int count(elig_set *set, uint32_t pi)
{
    return elig_set_add(set, pi) < 0 ? HB_EINTERNAL : 0;
}

/* One transfer's persons: what they take at the facility and under the agreement. */
static int transfer_takes(elig_ctx *c, uint32_t ti, const st_transfer *t, bool to_dest, bool under)
{
    int rc = 0;
    for (uint32_t k = 0; k < t->n_persons && !rc; k++) {
        const st_transfer_person *e = &t->persons[k];
        const st_person *q = state_person_at(c->s, e->person);
        bool on_way = e->state == TP_DEPARTED && q->custody == CUST_IN_TRANSIT && q->transfer == ti;
        bool approved = e->state == TP_APPROVED && ti != c->p->transfer && q->custody == CUST_HELD;
        if (on_way || (approved && q->facility != t->to_facility)) {
            if (to_dest) rc = count(&c->fac_counted, e->person);
            if (under && !rc) rc = count(&c->ag_counted, e->person);
        } else if (under && e->state == TP_ARRIVED && q->custody == CUST_HELD &&
                   at_agreement_facility(c->ag, q->facility)) {
            rc = count(&c->ag_counted, e->person);
        }
    }
    return rc;
}

/* Persons i .. i + n - 1 when they lie one after another in memory, as a pool
 * chunk keeps them, else NULL: walking a run costs no call per person. */
static const st_person *run_of(const state *s, uint32_t i, uint32_t n)
{
    const st_person *a = state_person_at(s, i), *b = state_person_at(s, i + n - 1);
    return (uintptr_t)b - (uintptr_t)a == (uintptr_t)(n - 1) * sizeof *a ? a : NULL;
}

static int held_under(elig_ctx *c, const st_person *q, uint32_t i)
{
    if (q->custody != CUST_HELD || q->basis_kind != BASIS_AGREEMENT) return 0;
    if (!at_agreement_facility(c->ag, q->facility) || !basis_is(c, q)) return 0;
    return count(&c->ag_counted, i);
}

static int agreement_held(elig_ctx *c, uint32_t n_plan)
{
    uint64_t bound = (uint64_t)c->ag_counted.n + n_plan;
    for (uint32_t i = 0; i < c->ag->n_facilities; i++)
        bound += state_facility_at(c->s, c->ag->facilities[i])->held;
    if (bound <= (uint64_t)c->ag_limit) return 0; /* nobody can exceed it */
    c->ag_exact = true;
    uint32_t np = (uint32_t)state_count_persons(c->s);
    for (uint32_t i = 0; i < np; i += RUN) {
        uint32_t n = np - i < RUN ? np - i : RUN;
        const st_person *run = run_of(c->s, i, n);
        /* Streams the pool: the hardware prefetcher stops at each page. */
        if (i + 2 * RUN <= np) __builtin_prefetch(&state_person_at(c->s, i + RUN)->custody);
        for (uint32_t k = 0; k < n; k++) {
            const st_person *q = run ? &run[k] : state_person_at(c->s, i + k);
            if (run && k + 8 < n) __builtin_prefetch(&run[k + 8].custody);
            if (held_under(c, q, i + k)) return HB_EINTERNAL;
        }
    }
    return 0;
}

int elig_capacity_prepare(elig_ctx *c, uint32_t n_plan)
{
    c->fac_limit = elig_facility_capacity(c->s, c->to);
    bool allots = false;
    if (c->ag) {
        allots = elig_agreement_allots(c->ag, c->p->to_facility, c->p->at_us, c->date);
        int64_t max = elig_conditions(c->ag)->max_persons;
        c->ag_limited = !allots || max >= 0;
        c->ag_limit = allots ? max : 0;
    }
    bool count_ag = c->ag_limited && allots;
    uint32_t nt = (uint32_t)state_count_transfers(c->s);
    for (uint32_t ti = 0; ti < nt; ti++) {
        const st_transfer *t = state_transfer_at(c->s, ti);
        bool to_dest = t->to_facility == c->p->to_facility;
        bool under = count_ag && t->agreement == c->p->agreement;
        if ((to_dest || under) && transfer_takes(c, ti, t, to_dest, under)) return HB_EINTERNAL;
    }
    if (count_ag && agreement_held(c, n_plan)) return HB_EINTERNAL;
    c->fac_base = c->to->held + c->fac_counted.n;
    c->ag_base = c->ag_counted.n;
    return 0;
}

void elig_capacity_check(elig_ctx *c, uint32_t pi, elig_verdict *v, bool cleared)
{
    uint32_t new_f = !elig_set_has(&c->fac_counted, pi);
    uint64_t load_f = (uint64_t)c->fac_base + c->fac_cleared + new_f;
    bool over_f = (int64_t)load_f > c->fac_limit;
    v->load_facility = (uint32_t)load_f;
    uint32_t new_a = 0;
    bool over_a = false;
    if (c->ag_limited) {
        new_a = !elig_set_has(&c->ag_counted, pi);
        uint64_t load_a = (uint64_t)c->ag_base + c->ag_cleared + new_a;
        over_a = (int64_t)load_a > c->ag_limit;
        v->load_agreement = c->ag_exact ? (uint32_t)load_a : 0;
    }
    if (over_f || over_a) {
        elig_reason *r = elig_reason_open(v, RC_CAPACITY);
        if (over_f) elig_evidence_add(r, c->to->registered_seq);
        if (over_a) elig_evidence_add(r, c->ag->signed_seq);
    } else if (cleared) {
        c->fac_cleared += new_f;
        c->ag_cleared += new_a;
    }
}
