/* apply_transfer: transfers and each person's state on them. Departure and
 * arrival are facts: a person not on the transfer is added to it, and custody
 * follows the fact (in transit after departure; held at the destination with no
 * unit after arrival, until an admission there gives one). */
#include "state/state_internal.h"
#include <stdlib.h>

static int push_person(state *s, uint32_t ti, st_transfer_person tp)
{
    st_transfer *t = st_transfer_mut(s, ti);
    if (st_vec_room(s, (void **)&t->persons, t->n_persons, &t->cap_persons, sizeof *t->persons, 4))
        return HB_EINTERNAL;
    st_touch(s, ENT_TRANSFER, ti);
    t->persons[t->n_persons++] = tp;
    return 0;
}

static int proposed(state *s, int64_t seq, const event *ev)
{
    const ev_transfer_proposed *e = &ev->u.transfer_proposed;
    bool oom = false;
    const char *id = st_intern(s, e->transfer, &oom);
    const char *authority = st_intern(s, e->authority, &oom);
    const char *planned = st_intern(s, e->departure_planned.text, &oom);
    uint32_t ti;
    st_transfer *t = oom ? NULL : st_pool_push(s, &s->transfers, &ti);
    if (!t) return HB_EINTERNAL;
    t->id = id;
    t->authority = authority;
    t->from_facility = st_find(&s->facility_ids, e->from_facility);
    t->to_facility = st_find(&s->facility_ids, e->to_facility);
    t->agreement = st_find(&s->agreement_ids, e->agreement);
    t->departure_planned =
        (hb_time){{planned, e->departure_planned.text.n}, e->departure_planned.us};
    t->proposed_seq = seq;
    t->proposed_us = ev->at.us;
    if (st_map_insert(s, &s->transfer_ids, id, e->transfer.n, ti)) return HB_EINTERNAL;
    for (int32_t i = 0; i < e->persons.n; i++) {
        uint32_t pi = st_find(&s->person_ids, e->persons.v[i]);
        if (pi == ST_NONE) continue;
        if (push_person(s, ti, (st_transfer_person){pi, TP_PROPOSED, seq}) ||
            st_history(s, ENT_PERSON, pi, seq))
            return HB_EINTERNAL;
    }
    if (st_history(s, ENT_TRANSFER, ti, seq) ||
        st_history(s, ENT_FACILITY, t->from_facility, seq) ||
        st_history(s, ENT_FACILITY, t->to_facility, seq))
        return HB_EINTERNAL;
    return st_history(s, ENT_AGREEMENT, t->agreement, seq);
}

static transfer_person_state step_state(event_type t)
{
    switch (t) {
    case EV_TRANSFER_APPROVED:
        return TP_APPROVED;
    case EV_TRANSFER_CANCELLED:
        return TP_CANCELLED;
    case EV_TRANSFER_DEPARTED:
        return TP_DEPARTED;
    default:
        return TP_ARRIVED;
    }
}

/* Custody follows departures and arrivals; the facility left or reached keeps
 * the event in its history. A departure ends any agreement stay; an arrival
 * starts one under the transfer's agreement (without one, it is a move). Each
 * person's step is reserved in the undo log on its own: a large transfer would
 * otherwise reserve the worst case for all its persons at once. */
static int move_person(state *s, int64_t seq, const event *ev, uint32_t ti, uint32_t pi)
{
    const st_transfer *t = st_transfer_mut(s, ti);
    const st_person *p = st_person_mut(s, pi);
    uint32_t from = p->custody == CUST_HELD ? p->facility : ST_NONE;
    int32_t day = hbtime_date(ev->at.us);
    if (undo_reserve(s, UNDO_MOVE)) return HB_EINTERNAL;
    st_occupancy_leave(s, pi);
    if (ev->type == EV_TRANSFER_DEPARTED) {
        st_stay_end(s, pi, day);
        st_set_custody(s, pi, CUST_IN_TRANSIT, ST_NONE, ST_NONE, ti, seq, ev->at.us);
        return st_history(s, ENT_FACILITY, from, seq);
    }
    st_set_custody(s, pi, CUST_HELD, t->to_facility, ST_NONE, ST_NONE, seq, ev->at.us);
    st_occupancy_enter(s, pi);
    st_stay_arrived(s, pi, t->agreement, from, day);
    if (from != t->to_facility && st_history(s, ENT_FACILITY, from, seq)) return HB_EINTERNAL;
    return st_history(s, ENT_FACILITY, t->to_facility, seq);
}

static int step(state *s, int64_t seq, const event *ev)
{
    const ev_transfer_step *e = &ev->u.transfer_step;
    uint32_t ti = st_find(&s->transfer_ids, e->transfer);
    if (ti == ST_NONE) return HB_EINTERNAL;
    st_transfer *t = st_transfer_mut(s, ti);
    transfer_person_state ns = step_state(ev->type);
    bool fact = ev->type == EV_TRANSFER_DEPARTED || ev->type == EV_TRANSFER_ARRIVED;
    tp_index x;
    tp_index_init(&x, s, t, e->persons.n > 0 ? (size_t)e->persons.n : 0);
    int rc = 0;
    for (int32_t i = 0; i < e->persons.n && !rc; i++) {
        uint32_t pi = st_find(&s->person_ids, e->persons.v[i]);
        if (pi == ST_NONE) continue;
        uint32_t pos = tp_index_find(&x, s, t, pi);
        if (pos == ST_NONE) {
            rc = push_person(s, ti, (st_transfer_person){pi, ns, seq});
            tp_index_add(&x, s, pi, t->n_persons - 1);
        } else {
            /* Entries are many and each changes rarely: saved one by one, by
             * position (the vector may still grow in this transaction). */
            if (!st_fresh(s, ENT_TRANSFER, ti))
                st_save_elem(s, (void *const *)&t->persons, pos * sizeof *t->persons,
                             sizeof *t->persons);
            t->persons[pos].state = ns;
            t->persons[pos].seq = seq;
        }
        if (!rc && fact) rc = move_person(s, seq, ev, ti, pi);
        if (!rc) rc = st_history(s, ENT_PERSON, pi, seq);
    }
    tp_index_free(&x);
    return rc ? rc : st_history(s, ENT_TRANSFER, ti, seq);
}

int apply_transfer(state *s, int64_t seq, const event *ev)
{
    return ev->type == EV_TRANSFER_PROPOSED ? proposed(s, seq, ev) : step(s, seq, ev);
}
