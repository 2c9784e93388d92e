/* occupancy: who is held where now. A person counts in a facility's `held` and
 * sits on its occupant list while CUST_HELD there (with or without a unit), and
 * in a unit's while in it. The lists are intrusive and doubly linked through the
 * person (held_next/prev, unit_next/prev), so joining and leaving cost O(1) and
 * no memory beyond 16 bytes per person; every link written is touched first, so
 * a rollback puts each list back exactly as it was, order included. */
#include "state/state_internal.h"
#include <stddef.h>

/* One list: its head (in a facility or a unit) and the person fields linking it. */
typedef struct {
    ent_kind owner;
    uint32_t idx;
    uint32_t *head;
    size_t next, prev; /* offsets in st_person */
} occ_list;

static occ_list facility_list(state *s, uint32_t fi)
{
    return (occ_list){ENT_FACILITY, fi, &st_facility_mut(s, fi)->first_held,
                      offsetof(st_person, held_next), offsetof(st_person, held_prev)};
}

static occ_list unit_list(state *s, uint32_t ui)
{
    return (occ_list){ENT_UNIT, ui, &st_unit_mut(s, ui)->first_held, offsetof(st_person, unit_next),
                      offsetof(st_person, unit_prev)};
}

static uint32_t *link(const state *s, uint32_t pi, size_t off)
{
    return (uint32_t *)((char *)st_person_mut(s, pi) + off);
}

/* Order is unspecified, so the head is the cheapest place to join. */
static void list_add(state *s, const occ_list *l, uint32_t pi)
{
    uint32_t old = *l->head;
    st_touch(s, ENT_PERSON, pi);
    *link(s, pi, l->next) = old;
    *link(s, pi, l->prev) = ST_NONE;
    if (old != ST_NONE) {
        st_touch(s, ENT_PERSON, old);
        *link(s, old, l->prev) = pi;
    }
    st_touch(s, l->owner, l->idx);
    *l->head = pi;
}

static void list_remove(state *s, const occ_list *l, uint32_t pi)
{
    uint32_t prev = *link(s, pi, l->prev), next = *link(s, pi, l->next);
    if (prev != ST_NONE) {
        st_touch(s, ENT_PERSON, prev);
        *link(s, prev, l->next) = next;
    } else {
        st_touch(s, l->owner, l->idx);
        *l->head = next;
    }
    if (next != ST_NONE) {
        st_touch(s, ENT_PERSON, next);
        *link(s, next, l->prev) = prev;
    }
    /* Off every list means unlinked: tests and readers can rely on it. */
    st_touch(s, ENT_PERSON, pi);
    *link(s, pi, l->next) = *link(s, pi, l->prev) = ST_NONE;
}

static void count_facility(state *s, uint32_t fi, int delta)
{
    st_facility *f = st_facility_mut(s, fi);
    if (delta < 0 && !f->held) return;
    st_touch(s, ENT_FACILITY, fi);
    f->held += (uint32_t)delta;
}

static void count_unit(state *s, uint32_t ui, int delta)
{
    st_unit *u = st_unit_mut(s, ui);
    if (delta < 0 && !u->held) return;
    st_touch(s, ENT_UNIT, ui);
    u->held += (uint32_t)delta;
}

void st_occupancy_leave(state *s, uint32_t pi)
{
    const st_person *p = st_person_mut(s, pi);
    if (p->custody != CUST_HELD) return;
    if (p->facility != ST_NONE) {
        occ_list l = facility_list(s, p->facility);
        count_facility(s, p->facility, -1);
        list_remove(s, &l, pi);
    }
    if (p->unit != ST_NONE) {
        occ_list l = unit_list(s, p->unit);
        count_unit(s, p->unit, -1);
        list_remove(s, &l, pi);
    }
}

void st_occupancy_enter(state *s, uint32_t pi)
{
    const st_person *p = st_person_mut(s, pi);
    if (p->custody != CUST_HELD) return;
    if (p->facility != ST_NONE) {
        occ_list l = facility_list(s, p->facility);
        count_facility(s, p->facility, 1);
        list_add(s, &l, pi);
    }
    if (p->unit != ST_NONE) {
        occ_list l = unit_list(s, p->unit);
        count_unit(s, p->unit, 1);
        list_add(s, &l, pi);
    }
}

uint32_t state_facility_first_held(const state *s, uint32_t facility)
{
    return facility < s->facilities.n ? st_facility_mut(s, facility)->first_held : ST_NONE;
}

uint32_t state_facility_next_held(const state *s, uint32_t person)
{
    return person < s->persons.n ? st_person_mut(s, person)->held_next : ST_NONE;
}

uint32_t state_unit_first_held(const state *s, uint32_t unit)
{
    return unit < s->units.n ? st_unit_mut(s, unit)->first_held : ST_NONE;
}

uint32_t state_unit_next_held(const state *s, uint32_t person)
{
    return person < s->persons.n ? st_person_mut(s, person)->unit_next : ST_NONE;
}
