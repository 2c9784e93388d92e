/* prefetch: state_prefetch, a cache hint for an event a few places ahead.
 *
 * On a state of 100,000 persons most of what checking and applying an event costs
 * is waiting for memory, one miss after another: the id's map slot, the key it
 * points to, the person, the tail of their history. Each stage reads what the
 * previous one (issued a few events earlier) brought in and asks for the next, so
 * by the time the event's turn comes its lines are in the cache. Only the person
 * an event is about is worth it, and for a custody step the persons next to them
 * on the occupant lists: facilities and units are few and stay cached. */
#include "state/state_internal.h"

static hb_str person_of(const event *ev)
{
    switch (ev->type) {
    case EV_PERSON_REGISTERED:
        return ev->u.person_registered.person;
    case EV_STATUS_RECORDED:
        return ev->u.status_recorded.person;
    case EV_CONVICTION_RECORDED:
        return ev->u.conviction_recorded.person;
    case EV_ALLEGATION_RECORDED:
        return ev->u.allegation_recorded.person;
    case EV_CONSENT_RECORDED:
        return ev->u.consent_recorded.person;
    case EV_WORK_LOGGED:
        return ev->u.work_logged.person;
    case EV_CUSTODY_ADMITTED:
        return ev->u.custody_admitted.person;
    case EV_CUSTODY_MOVED:
        return ev->u.custody_moved.person;
    case EV_CUSTODY_RELEASED:
        return ev->u.custody_released.person;
    case EV_CUSTODY_DIED:
        return ev->u.custody_died.person;
    default:
        return (hb_str){NULL, 0};
    }
}

/* The slot holding hash h, if it is among the first few probed. No key comparison:
 * a wrong guess only costs a useless prefetch. */
static const map_slot *guess_slot(const map *m, uint64_t h)
{
    size_t mask = m->cap - 1, i = h & mask;
    for (int k = 0; k < 4; k++, i = (i + 1) & mask) {
        const map_slot *sl = &m->slots[i];
        if (!sl->key) return NULL;
        if (sl->hash == h) return sl;
    }
    return NULL;
}

/* Leaving the occupant lists writes to the persons on either side. */
static void prefetch_neighbours(const state *s, const st_person *p)
{
    uint32_t v[4] = {p->held_prev, p->held_next, p->unit_prev, p->unit_next};
    for (int i = 0; i < 4; i++)
        if (v[i] < s->persons.n) __builtin_prefetch(st_person_mut(s, v[i]), 1);
}

void state_prefetch(const state *s, const event *ev, int stage)
{
    const map *m = &s->person_ids;
    hb_str id = person_of(ev);
    if (!id.p || !m->cap) return;
    uint64_t h = map_hash(id.p, id.n);
    if (stage <= 0) {
        __builtin_prefetch(&m->slots[h & (m->cap - 1)]);
        return;
    }
    const map_slot *sl = guess_slot(m, h);
    if (!sl || sl->val >= s->persons.n) return;
    const st_person *p = st_person_mut(s, sl->val);
    if (stage == 1) {
        __builtin_prefetch(sl->key);
        __builtin_prefetch(p);
        __builtin_prefetch(&p->custody);
        __builtin_prefetch(&p->history);
        return;
    }
    if (p->history.n) __builtin_prefetch(&p->history.v[p->history.n - 1], 1);
    /* Every event naming one person that changes custody is a custody.* event. */
    bool custody = ev->type == EV_CUSTODY_ADMITTED || ev->type == EV_CUSTODY_MOVED ||
                   ev->type == EV_CUSTODY_RELEASED || ev->type == EV_CUSTODY_DIED;
    if (custody && p->custody == CUST_HELD) prefetch_neighbours(s, p);
}
