/* findings_transfer: a departure or an arrival of a person who was blocked for
 * that transfer at that moment. The verdict is eligibility's, on the state just
 * before the step. At arrival the persons are on their way, so not being held at
 * the origin (NOT_IN_CUSTODY) and the destination's places (CAPACITY, which has
 * findings of its own) are not reasons; everything else is, such as a court order
 * placed while the plane was in the air. */
#include "rules/findings_internal.h"

#define ARRIVAL_IGNORES ((1u << RC_NOT_IN_CUSTODY) | (1u << RC_CAPACITY))

static finding blocked(const findings *f, const elig_verdict *v, const elig_plan *plan,
                       bool departure, uint32_t mask, int64_t seq, int64_t at_us)
{
    finding x = fnd_make(f, departure ? FC_BLOCKED_DEPARTURE : FC_BLOCKED_ARRIVAL, seq, at_us);
    x.person = v->person;
    x.facility = departure ? plan->from_facility : plan->to_facility;
    x.transfer = plan->transfer;
    fnd_evidence(&x, seq);
    for (uint8_t k = 0; k < v->n_reasons; k++) {
        const elig_reason *r = &v->reasons[k];
        if (!(mask & (1u << r->code))) continue;
        x.reasons |= 1u << r->code;
        for (uint8_t e = 0; e < r->n_evidence; e++)
            fnd_evidence(&x, r->evidence[e]);
        x.n_more =
            (uint16_t)(x.n_more + r->n_more < UINT16_MAX ? x.n_more + r->n_more : UINT16_MAX);
    }
    return x;
}

int fnd_blocked_step(findings *f, const state *s, int64_t seq, const event *ev)
{
    const st_transfer *t = state_transfer(s, ev->u.transfer_step.transfer.p);
    if (!t || t->to_facility == ST_NONE) return 0;
    size_t n = f->n_named;
    if (fnd_grow((void **)&f->verdicts, &f->cap_verdicts, n + 1, sizeof *f->verdicts))
        return HB_EINTERNAL;
    elig_plan plan = elig_plan_of(s, t, ev->at.us);
    int rc = elig_check(s, &plan, f->named, (uint32_t)n, f->verdicts);
    if (rc == HB_EINPUT) return 0; /* nothing checkable: the state refuses such steps */
    if (rc) return rc;
    bool departure = ev->type == EV_TRANSFER_DEPARTED;
    uint32_t mask = departure ? ~0u : ~ARRIVAL_IGNORES;
    for (size_t i = 0; i < n; i++) {
        const elig_verdict *v = &f->verdicts[i];
        uint32_t any = 0;
        for (uint8_t k = 0; k < v->n_reasons; k++)
            any |= mask & (1u << v->reasons[k].code);
        if (!any) continue;
        finding x = blocked(f, v, &plan, departure, mask, seq, ev->at.us);
        if (fnd_pend(f, &x)) return HB_EINTERNAL;
    }
    return 0;
}
