/* apply_custody: where each person is held. Every change of state or place
 * (admission, move, departure, arrival, release, death) sets custody_since, and
 * goes through occupancy (occupancy.c: leave before, enter after) and stays
 * (stays.c: under which agreement, dated by the event's UTC date). */
#include "state/state_internal.h"

void st_set_custody(state *s, uint32_t pi, custody_state c, uint32_t facility, uint32_t unit,
                    uint32_t transfer, int64_t seq, int64_t at_us)
{
    st_person *p = st_person_mut(s, pi);
    st_touch(s, ENT_PERSON, pi);
    p->custody = c;
    p->facility = facility;
    p->unit = unit;
    p->transfer = transfer;
    p->custody_since_seq = seq;
    p->custody_since_us = at_us;
}

static void set_basis(state *s, uint32_t pi, const ev_basis *b, const char *reference)
{
    st_person *p = st_person_mut(s, pi);
    st_touch(s, ENT_PERSON, pi);
    p->basis_kind = b->present ? b->kind : (int8_t)-1;
    p->basis_reference = reference;
    p->basis_until = b->present ? b->until : HB_DATE_ABSENT;
    p->basis_review_by = b->present ? b->review_by : HB_DATE_ABSENT;
}

static int admitted(state *s, int64_t seq, const event *ev, uint32_t pi)
{
    const ev_custody_admitted *e = &ev->u.custody_admitted;
    uint32_t fi = st_find(&s->facility_ids, e->facility);
    if (fi == ST_NONE) return HB_EINTERNAL;
    uint32_t ui = st_find_unit(s, fi, e->unit);
    bool oom = false;
    const char *ref = e->basis.present ? st_intern(s, e->basis.reference, &oom) : NULL;
    if (oom) return HB_EINTERNAL;
    st_occupancy_leave(s, pi);
    st_set_custody(s, pi, CUST_HELD, fi, ui, ST_NONE, seq, ev->at.us);
    set_basis(s, pi, &e->basis, ref);
    st_occupancy_enter(s, pi);
    st_stay_admitted(s, pi, &e->basis, hbtime_date(ev->at.us));
    return st_history(s, ENT_FACILITY, fi, seq);
}

/* A move keeps the basis; it goes into the history of both facilities when it
 * crosses from one to another. */
static int moved(state *s, int64_t seq, const event *ev, uint32_t pi)
{
    const ev_custody_moved *e = &ev->u.custody_moved;
    uint32_t fi = st_find(&s->facility_ids, e->facility);
    if (fi == ST_NONE) return HB_EINTERNAL;
    uint32_t ui = st_find_unit(s, fi, e->unit);
    const st_person *p = st_person_mut(s, pi);
    uint32_t from = p->custody == CUST_HELD ? p->facility : ST_NONE;
    st_occupancy_leave(s, pi);
    st_set_custody(s, pi, CUST_HELD, fi, ui, ST_NONE, seq, ev->at.us);
    st_occupancy_enter(s, pi);
    st_stay_moved(s, pi, from, hbtime_date(ev->at.us));
    if (from != fi && st_history(s, ENT_FACILITY, from, seq)) return HB_EINTERNAL;
    return st_history(s, ENT_FACILITY, fi, seq);
}

/* Release and death end custody: the basis goes with it. The facility left
 * keeps the event in its history. */
static int ended(state *s, int64_t seq, const event *ev, uint32_t pi, custody_state c)
{
    const st_person *p = st_person_mut(s, pi);
    uint32_t from = p->custody == CUST_HELD ? p->facility : ST_NONE;
    st_occupancy_leave(s, pi);
    st_stay_end(s, pi, hbtime_date(ev->at.us));
    st_set_custody(s, pi, c, ST_NONE, ST_NONE, ST_NONE, seq, ev->at.us);
    st_person_mut(s, pi)->left_facility = from; /* touched just above: rollback restores */
    set_basis(s, pi, &(ev_basis){.present = false}, NULL);
    return st_history(s, ENT_FACILITY, from, seq);
}

int apply_custody(state *s, int64_t seq, const event *ev)
{
    hb_str id;
    switch (ev->type) {
    case EV_CUSTODY_ADMITTED:
        id = ev->u.custody_admitted.person;
        break;
    case EV_CUSTODY_MOVED:
        id = ev->u.custody_moved.person;
        break;
    case EV_CUSTODY_RELEASED:
        id = ev->u.custody_released.person;
        break;
    default:
        id = ev->u.custody_died.person;
        break;
    }
    uint32_t pi = st_find(&s->person_ids, id);
    if (pi == ST_NONE) return HB_EINTERNAL;
    int rc;
    switch (ev->type) {
    case EV_CUSTODY_ADMITTED:
        rc = admitted(s, seq, ev, pi);
        break;
    case EV_CUSTODY_MOVED:
        rc = moved(s, seq, ev, pi);
        break;
    case EV_CUSTODY_RELEASED:
        rc = ended(s, seq, ev, pi, CUST_RELEASED);
        break;
    default:
        rc = ended(s, seq, ev, pi, CUST_DECEASED);
        break;
    }
    return rc ? rc : st_history(s, ENT_PERSON, pi, seq);
}
