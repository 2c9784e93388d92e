/* stays: who is held under which agreement, and the person-days that the fees
 * and costs are computed from (st_agreement in state.h defines them). Each
 * agreement keeps running sums instead of a list of stays, so a step costs O(1)
 * and the person-days on any day are one formula: ended stays' days, plus for
 * the open ones (today + 1) per stay less the sum of their first days.
 *
 * A stay's first day is clipped to the term when it starts. One that starts after
 * the term (first day > ends) is held under the agreement (held_now) but never
 * joins the open sums, and can be told apart later by that same comparison. */
#include "state/state_internal.h"

static bool lists(const st_agreement *a, uint32_t fi)
{
    for (uint32_t i = 0; i < a->n_facilities; i++)
        if (a->facilities[i] == fi) return true;
    return false;
}

/* Pool order is signing order. Agreements are few: a scan is enough. */
static uint32_t first_listing(const state *s, uint32_t fi)
{
    for (uint32_t ai = 0; ai < s->agreements.n; ai++)
        if (lists(st_agreement_mut(s, ai), fi)) return ai;
    return ST_NONE;
}

static void stay_start(state *s, uint32_t pi, uint32_t ai, int32_t day)
{
    st_person *p = st_person_mut(s, pi);
    st_agreement *a = st_agreement_mut(s, ai);
    int32_t first = day > a->starts ? day : a->starts;
    st_touch(s, ENT_PERSON, pi);
    st_touch(s, ENT_AGREEMENT, ai);
    p->agreement = ai;
    p->agreement_since = first;
    a->held_now++;
    if (first <= a->ends) {
        a->open_stays++;
        a->open_first_days += first;
    }
}

void st_stay_end(state *s, uint32_t pi, int32_t day)
{
    st_person *p = st_person_mut(s, pi);
    if (p->agreement == ST_NONE) return;
    st_agreement *a = st_agreement_mut(s, p->agreement);
    st_touch(s, ENT_PERSON, pi);
    st_touch(s, ENT_AGREEMENT, p->agreement);
    if (a->held_now) a->held_now--;
    if (p->agreement_since <= a->ends) {
        a->open_stays--;
        a->open_first_days -= p->agreement_since;
        int64_t end = day <= a->ends ? day : (int64_t)a->ends + 1;
        if (end > p->agreement_since) a->closed_days += end - p->agreement_since;
    }
    p->agreement = ST_NONE;
    p->agreement_since = 0;
}

/* A person is under one agreement at a time: a new one ends the old stay. */
static void stay_switch(state *s, uint32_t pi, uint32_t ai, int32_t day)
{
    if (ai == ST_NONE || st_person_mut(s, pi)->agreement == ai) return;
    st_stay_end(s, pi, day);
    stay_start(s, pi, ai, day);
}

/* An admission naming no known agreement keeps a running stay (the person
 * arrived under it); otherwise it counts for the first agreement listing the
 * facility. Other bases neither start nor end a stay. */
void st_stay_admitted(state *s, uint32_t pi, const ev_basis *b, int32_t day)
{
    if (!b->present || b->kind != BASIS_AGREEMENT) return;
    const st_person *p = st_person_mut(s, pi);
    uint32_t ai = st_find(&s->agreement_ids, b->reference);
    if (ai == ST_NONE) {
        if (p->agreement != ST_NONE) return;
        ai = first_listing(s, p->facility);
    }
    stay_switch(s, pi, ai, day);
}

/* A change of unit within a facility never ends a stay, even at a facility the
 * agreement does not list (a stay named explicitly may be held there). */
void st_stay_moved(state *s, uint32_t pi, uint32_t from, int32_t day)
{
    const st_person *p = st_person_mut(s, pi);
    if (p->agreement == ST_NONE || p->facility == from) return;
    if (!lists(st_agreement_mut(s, p->agreement), p->facility)) st_stay_end(s, pi, day);
}

void st_stay_arrived(state *s, uint32_t pi, uint32_t agreement, uint32_t from, int32_t day)
{
    if (agreement != ST_NONE)
        stay_switch(s, pi, agreement, day);
    else
        st_stay_moved(s, pi, from, day);
}

int64_t state_agreement_person_days(const st_agreement *a, int32_t today)
{
    int64_t upto = (int64_t)(today < a->ends ? today : a->ends) + 1;
    int64_t open = upto * a->open_stays - a->open_first_days;
    return a->closed_days + (open > 0 ? open : 0);
}
