/* elig_holds: the holds that block a plan at its moment. One pass over the hold
 * pool sorts the active ones into those that cover every person on the plan (by
 * its authority or its destination country) and those that name persons, which
 * go into a small hash of person -> holds; each person then costs one lookup. */
#include <stdlib.h>
#include <string.h>
#include "rules/elig_internal.h"

struct elig_hslot {
    uint32_t person, first; /* person ST_NONE: free */
};
struct elig_hlink {
    uint32_t hold, next; /* next ST_NONE: the last */
};

/* Placed by then, in effect (effective_from inclusive, until exclusive), not lifted. */
static bool active(const st_hold *h, int64_t at_us)
{
    return h->placed_us <= at_us && h->effective_from_us <= at_us && at_us < h->until_us &&
           at_us < h->lifted_us;
}

static bool covers_plan(const elig_ctx *c, const st_hold *h)
{
    if (h->authority && c->p->authority && strcmp(h->authority, c->p->authority) == 0) return true;
    return h->destination_country.cc[0] && elig_cc_eq(h->destination_country, c->to->country);
}

static uint32_t slot_of(uint32_t person, uint32_t mask)
{
    return (uint32_t)(((uint64_t)person * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

static void link(elig_holds *x, uint32_t *n_links, uint32_t person, uint32_t hold)
{
    uint32_t i = slot_of(person, x->mask);
    while (x->slots[i].person != ST_NONE && x->slots[i].person != person)
        i = (i + 1) & x->mask;
    uint32_t first = x->slots[i].person == ST_NONE ? ST_NONE : x->slots[i].first;
    x->links[*n_links] = (elig_hlink){hold, first};
    x->slots[i] = (elig_hslot){person, (*n_links)++};
}

/* The holds by person: persons[] of each hold in named[0..n). */
static int index_persons(elig_ctx *c, const uint32_t *named, uint32_t n, size_t pairs)
{
    elig_holds *x = &c->holds;
    uint32_t cap = 16;
    while (cap < 2 * pairs && cap < (1u << 31))
        cap *= 2;
    if (pairs >= cap) return HB_EINTERNAL;
    x->slots = malloc((size_t)cap * sizeof *x->slots);
    x->links = malloc((pairs ? pairs : 1) * sizeof *x->links);
    if (!x->slots || !x->links) return HB_EINTERNAL;
    x->mask = cap - 1;
    for (uint32_t i = 0; i < cap; i++)
        x->slots[i].person = ST_NONE;
    uint32_t n_links = 0;
    for (uint32_t k = 0; k < n; k++) {
        const st_hold *h = state_hold_at(c->s, named[k]);
        for (uint32_t j = 0; j < h->n_persons; j++)
            if (h->persons[j] != ST_NONE) link(x, &n_links, h->persons[j], named[k]);
    }
    return 0;
}

/* Active holds go to the front of act[] when they cover the plan, to the back when
 * they name persons; the front becomes the wide list. */
int elig_holds_build(elig_ctx *c)
{
    elig_holds *x = &c->holds;
    uint32_t nh = (uint32_t)state_count_holds(c->s);
    uint32_t *act = malloc((nh ? nh : 1) * sizeof *act);
    if (!act) return HB_EINTERNAL;
    uint32_t front = 0, back = nh;
    size_t pairs = 0;
    for (uint32_t i = 0; i < nh; i++) {
        const st_hold *h = state_hold_at(c->s, i);
        if (!active(h, c->p->at_us)) continue;
        if (covers_plan(c, h)) {
            act[front++] = i;
        } else if (h->n_persons) {
            act[--back] = i;
            pairs += h->n_persons;
        }
    }
    x->wide = act;
    x->n_wide = front;
    return index_persons(c, act + back, nh - back, pairs);
}

void elig_holds_free(elig_holds *h)
{
    free(h->wide);
    free(h->slots);
    free(h->links);
    memset(h, 0, sizeof *h);
}

void elig_holds_prefetch(const elig_ctx *c, uint32_t pi)
{
    __builtin_prefetch(&c->holds.slots[slot_of(pi, c->holds.mask)]);
}

void elig_holds_check(const elig_ctx *c, uint32_t pi, elig_verdict *v)
{
    const elig_holds *x = &c->holds;
    uint32_t first = ST_NONE;
    for (uint32_t i = slot_of(pi, x->mask); x->slots[i].person != ST_NONE; i = (i + 1) & x->mask) {
        if (x->slots[i].person == pi) {
            first = x->slots[i].first;
            break;
        }
    }
    if (first == ST_NONE && !x->n_wide) return;
    elig_reason *r = elig_reason_open(v, RC_HOLD_COURT_ORDER);
    for (uint32_t l = first; l != ST_NONE; l = x->links[l].next)
        elig_evidence_add(r, state_hold_at(c->s, x->links[l].hold)->placed_seq);
    /* Past the first ELIG_MAX_EVIDENCE wide holds, each has that many lower seqs
     * before it: they can only be counted. */
    uint32_t listed = x->n_wide < ELIG_MAX_EVIDENCE ? x->n_wide : ELIG_MAX_EVIDENCE;
    for (uint32_t k = 0; k < listed; k++)
        elig_evidence_add(r, state_hold_at(c->s, x->wide[k])->placed_seq);
    uint32_t more = r->n_more + (x->n_wide - listed);
    r->n_more = more > UINT16_MAX ? UINT16_MAX : (uint16_t)more;
}

uint32_t elig_hold_by_seq(const state *s, int64_t seq)
{
    uint32_t lo = 0, hi = (uint32_t)state_count_holds(s);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (state_hold_at(s, mid)->placed_seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < state_count_holds(s) && state_hold_at(s, lo)->placed_seq == seq ? lo : ST_NONE;
}
