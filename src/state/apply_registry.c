/* apply_registry: the entities that events create (facilities, units, agreements,
 * persons, holds). A new entity is pushed to its pool before its id enters the
 * map, so a rollback removes the id first and then the entity. */
#include "state/state_internal.h"
#include <string.h>

/* Copies a country list into the state's memory; n gets 0 for an absent list. */
static hb_cc *copy_ccs(state *s, const hb_ccs *l, uint32_t *n, bool *oom)
{
    *n = l->n > 0 ? (uint32_t)l->n : 0;
    if (!*n) return NULL;
    hb_cc *v = st_keep(s, *n * sizeof *v);
    if (!v) {
        *oom = true;
        return NULL;
    }
    memcpy(v, l->v, *n * sizeof *v);
    return v;
}

int apply_facility(state *s, int64_t seq, const event *ev)
{
    const ev_facility_registered *e = &ev->u.facility_registered;
    bool oom = false;
    const char *id = st_intern(s, e->facility, &oom);
    const char *name = st_intern(s, e->name, &oom);
    const char *contact = st_intern(s, e->contact, &oom);
    uint32_t fi;
    st_facility *f = oom ? NULL : st_pool_push(s, &s->facilities, &fi);
    if (!f) return HB_EINTERNAL;
    f->id = id;
    f->name = name;
    f->contact = contact;
    f->country = e->country;
    f->kind = e->kind;
    f->design_capacity = e->design_capacity;
    f->security = e->security;
    f->first_held = ST_NONE;
    f->registered_seq = seq;
    if (st_map_insert(s, &s->facility_ids, id, e->facility.n, fi)) return HB_EINTERNAL;
    return st_history(s, ENT_FACILITY, fi, seq);
}

/* Certifying an existing unit again is a recertification: it updates the unit. */
int apply_unit(state *s, int64_t seq, const event *ev)
{
    const ev_unit_certified *e = &ev->u.unit_certified;
    uint32_t fi = st_find(&s->facility_ids, e->facility);
    if (fi == ST_NONE) return HB_EINTERNAL; /* not checked */
    st_facility *f = st_facility_mut(s, fi);
    uint32_t ui = st_find_unit(s, fi, e->unit);
    st_unit *u;
    if (ui != ST_NONE) {
        u = st_unit_mut(s, ui);
        st_touch(s, ENT_UNIT, ui);
        u->kind = e->kind;
        u->capacity = e->capacity;
        u->beds = e->beds;
        u->floor_area_m2 = e->floor_area_m2;
        u->certified_seq = seq;
    } else {
        size_t klen;
        const char *key = st_unit_key(s, f->id, e->unit, &klen);
        u = key ? st_pool_push(s, &s->units, &ui) : NULL;
        if (!u) return HB_EINTERNAL;
        u->id = key + strlen(f->id) + 1;
        u->kind = e->kind;
        u->capacity = e->capacity;
        u->beds = e->beds;
        u->floor_area_m2 = e->floor_area_m2;
        u->facility = fi;
        u->first_held = ST_NONE;
        u->certified_seq = seq;
        if (st_map_insert(s, &s->unit_ids, key, klen, ui)) return HB_EINTERNAL;
        st_touch(s, ENT_FACILITY, fi);
        if (st_u32_push(s, &f->units, &f->n_units, &f->cap_units, ui)) return HB_EINTERNAL;
    }
    return st_history(s, ENT_FACILITY, fi, seq);
}

int apply_agreement(state *s, int64_t seq, const event *ev)
{
    const ev_agreement_signed *e = &ev->u.agreement_signed;
    bool oom = false;
    const char *id = st_intern(s, e->agreement, &oom);
    uint32_t nf = e->facilities.n > 0 ? (uint32_t)e->facilities.n : 0;
    uint32_t *fac = nf ? st_keep(s, nf * sizeof *fac) : NULL;
    ev_conditions cond = e->conditions;
    uint32_t nn;
    cond.nationalities.list.v = copy_ccs(s, &e->conditions.nationalities.list, &nn, &oom);
    uint32_t ai;
    st_agreement *a = oom || (nf && !fac) ? NULL : st_pool_push(s, &s->agreements, &ai);
    if (!a) return HB_EINTERNAL;
    a->id = id;
    a->sending_state = e->sending_state;
    a->receiving_state = e->receiving_state;
    a->facilities = fac;
    a->n_facilities = nf;
    a->starts = e->starts;
    a->ends = e->ends;
    a->fee = e->fee;
    a->baseline_cost = e->baseline_cost;
    a->conditions = cond;
    a->signed_seq = seq;
    a->signed_us = ev->at.us;
    if (st_map_insert(s, &s->agreement_ids, id, e->agreement.n, ai) ||
        st_history(s, ENT_AGREEMENT, ai, seq))
        return HB_EINTERNAL;
    for (uint32_t i = 0; i < nf; i++) {
        fac[i] = st_find(&s->facility_ids, e->facilities.v[i]);
        if (st_history(s, ENT_FACILITY, fac[i], seq)) return HB_EINTERNAL;
    }
    return 0;
}

int apply_person(state *s, int64_t seq, const event *ev)
{
    const ev_person_registered *e = &ev->u.person_registered;
    bool oom = false;
    const char *id = st_intern(s, e->person, &oom);
    const char *given = st_intern(s, e->given_names, &oom);
    const char *family = st_intern(s, e->family_names, &oom);
    uint32_t nn;
    hb_cc *nat = copy_ccs(s, &e->nationalities, &nn, &oom);
    uint32_t pi;
    st_person *p = oom ? NULL : st_pool_push(s, &s->persons, &pi);
    if (!p) return HB_EINTERNAL;
    p->id = id;
    p->given_names = given;
    p->family_names = family;
    p->birth_date = e->birth_date;
    p->birth_country = e->birth_country;
    p->nationalities = nat;
    p->n_nationalities = (uint16_t)(nn > UINT16_MAX ? UINT16_MAX : nn);
    p->custody = CUST_NEVER;
    p->facility = p->unit = p->transfer = p->agreement = p->left_facility = ST_NONE;
    p->held_next = p->held_prev = p->unit_next = p->unit_prev = ST_NONE;
    p->basis_kind = -1;
    p->basis_until = p->basis_review_by = HB_DATE_ABSENT;
    p->registered_seq = seq;
    if (st_map_insert(s, &s->person_ids, id, e->person.n, pi)) return HB_EINTERNAL;
    return st_history(s, ENT_PERSON, pi, seq);
}

static int hold_history(state *s, const st_hold *h, int64_t seq)
{
    for (uint32_t i = 0; i < h->n_persons; i++)
        if (st_history(s, ENT_PERSON, h->persons[i], seq)) return HB_EINTERNAL;
    return 0;
}

/* A hold's placing and lifting both go into the history of the persons in scope. */
int apply_hold(state *s, int64_t seq, const event *ev)
{
    if (ev->type == EV_HOLD_LIFTED) {
        uint32_t hi = st_find(&s->hold_ids, ev->u.hold_lifted.hold);
        if (hi == ST_NONE) return HB_EINTERNAL;
        st_hold *h = st_hold_mut(s, hi);
        st_touch(s, ENT_HOLD, hi);
        h->lifted_seq = seq;
        h->lifted_us = ev->at.us;
        return hold_history(s, h, seq);
    }
    const ev_hold_placed *e = &ev->u.hold_placed;
    bool oom = false;
    const char *id = st_intern(s, e->hold, &oom);
    const char *issued_by = st_intern(s, e->issued_by, &oom);
    const char *case_ = st_intern(s, e->case_, &oom);
    const char *authority = st_intern(s, e->scope.authority, &oom);
    uint32_t np = e->scope.present && e->scope.persons.n > 0 ? (uint32_t)e->scope.persons.n : 0;
    uint32_t *persons = np ? st_keep(s, np * sizeof *persons) : NULL;
    uint32_t hi;
    st_hold *h = oom || (np && !persons) ? NULL : st_pool_push(s, &s->holds, &hi);
    if (!h) return HB_EINTERNAL;
    for (uint32_t i = 0; i < np; i++)
        persons[i] = st_find(&s->person_ids, e->scope.persons.v[i]);
    h->id = id;
    h->issued_by = issued_by;
    h->case_ = case_;
    h->kind = e->kind;
    h->effective_from_us = e->effective_from.us;
    h->until_us = e->until.text.p ? e->until.us : INT64_MAX;
    h->persons = persons;
    h->n_persons = np;
    h->authority = authority;
    h->destination_country = e->scope.destination_country;
    h->placed_seq = seq;
    h->placed_us = ev->at.us;
    h->lifted_seq = 0;
    h->lifted_us = INT64_MAX;
    if (st_map_insert(s, &s->hold_ids, id, e->hold.n, hi)) return HB_EINTERNAL;
    return hold_history(s, h, seq);
}
