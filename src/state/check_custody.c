/* check_custody: the custody sequence rules. Only impossible sequences are
 * refused (a second admission of someone already held, moving someone not held,
 * a dead person departing); rule violations (capacity, holds) are findings later. */
#include "state/state_internal.h"
#include <stdio.h>
#include <string.h>

void chk_describe_custody(const state *s, const st_person *p, char *out, size_t n)
{
    long long since = (long long)p->custody_since_seq;
    switch (p->custody) {
    case CUST_NEVER:
        snprintf(out, n, "never admitted");
        break;
    case CUST_HELD:
        if (p->unit == ST_NONE)
            snprintf(out, n, "held at \"%s\" with no unit assigned since seq %lld",
                     st_facility_mut(s, p->facility)->id, since);
        else
            snprintf(out, n, "held at \"%s\" unit \"%s\" since seq %lld",
                     st_facility_mut(s, p->facility)->id, st_unit_mut(s, p->unit)->id, since);
        break;
    case CUST_IN_TRANSIT:
        snprintf(out, n, "in transit on transfer \"%s\" since seq %lld",
                 p->transfer == ST_NONE ? "?" : st_transfer_mut(s, p->transfer)->id, since);
        break;
    case CUST_RELEASED:
        snprintf(out, n, "released at seq %lld", since);
        break;
    case CUST_DECEASED:
        snprintf(out, n, "recorded as deceased at seq %lld", since);
        break;
    }
}

static void check_admitted(chk *c, const st_person *p, uint32_t fi)
{
    if (p->custody != CUST_DECEASED && p->custody != CUST_HELD) return;
    /* After an arrival the person is held with no unit: admitting them there
     * gives the unit and the new basis. */
    if (p->custody == CUST_HELD && p->unit == ST_NONE && p->facility == fi) return;
    char where[256]; /* described only when refusing: snprintf is costly per event */
    chk_describe_custody(c->s, p, where, sizeof where);
    if (p->custody == CUST_DECEASED) {
        chk_fail(c, "person", "person \"%s\" is %s: a deceased person cannot be admitted", p->id,
                 where);
    } else {
        chk_fail(c, "person",
                 "person \"%s\" is already %s: record custody.released or a "
                 "transfer first",
                 p->id, where);
    }
}

void check_custody(chk *c)
{
    const event *ev = c->ev;
    uint32_t pi, fi;
    switch (ev->type) {
    case EV_CUSTODY_ADMITTED: {
        const ev_custody_admitted *e = &ev->u.custody_admitted;
        pi = chk_person(c, e->person, "person");
        fi = chk_facility(c, e->facility, "facility");
        chk_unit(c, fi, e->unit, "unit");
        if (pi != ST_NONE && fi != ST_NONE) check_admitted(c, st_person_mut(c->s, pi), fi);
        break;
    }
    case EV_CUSTODY_MOVED: {
        const ev_custody_moved *e = &ev->u.custody_moved;
        pi = chk_person(c, e->person, "person");
        fi = chk_facility(c, e->facility, "facility");
        chk_unit(c, fi, e->unit, "unit");
        if (pi == ST_NONE) break;
        const st_person *p = st_person_mut(c->s, pi);
        if (p->custody != CUST_HELD) {
            char where[256];
            chk_describe_custody(c->s, p, where, sizeof where);
            chk_fail(c, "person",
                     "person \"%s\" is not held (%s): only a held person can be "
                     "moved; record custody.admitted first",
                     p->id, where);
        }
        break;
    }
    case EV_CUSTODY_RELEASED:
    case EV_CUSTODY_DIED: {
        bool died = ev->type == EV_CUSTODY_DIED;
        pi = chk_person(c, died ? ev->u.custody_died.person : ev->u.custody_released.person,
                        "person");
        if (pi == ST_NONE) break;
        const st_person *p = st_person_mut(c->s, pi);
        bool refused = died ? p->custody == CUST_DECEASED
                            : p->custody != CUST_HELD && p->custody != CUST_IN_TRANSIT;
        if (!refused) break;
        char where[256];
        chk_describe_custody(c->s, p, where, sizeof where);
        if (died)
            chk_fail(c, "person", "person \"%s\" is already %s", p->id, where);
        else
            chk_fail(c, "person",
                     "person \"%s\" is not in custody (%s): there is nothing to "
                     "release",
                     p->id, where);
        break;
    }
    default:
        break;
    }
}

static const char *step_name(event_type t)
{
    switch (t) {
    case EV_TRANSFER_APPROVED:
        return "approved";
    case EV_TRANSFER_CANCELLED:
        return "cancelled";
    case EV_TRANSFER_DEPARTED:
        return "depart";
    default:
        return "arrive";
    }
}

/* Planned steps (approve, cancel) need the person on the transfer in a state the
 * step can follow; facts (depart, arrive) only refuse what cannot be: the dead. */
static void check_step_person(chk *c, const st_transfer *t, uint32_t pos, uint32_t pi,
                              const char *field)
{
    const st_person *p = st_person_mut(c->s, pi);
    event_type type = c->ev->type;
    if (type == EV_TRANSFER_DEPARTED || type == EV_TRANSFER_ARRIVED) {
        if (p->custody == CUST_DECEASED)
            chk_fail(c, field,
                     "person \"%s\" is recorded as deceased at seq %lld: a deceased "
                     "person cannot %s",
                     p->id, (long long)p->custody_since_seq, step_name(type));
        return;
    }
    if (pos == ST_NONE) {
        chk_fail(c, field,
                 "person \"%s\" is not on transfer \"%s\": only persons proposed on "
                 "it can be %s (propose a new transfer for them)",
                 p->id, t->id, step_name(type));
        return;
    }
    const st_transfer_person *tp = &t->persons[pos];
    long long seq = (long long)tp->seq;
    if (tp->state == TP_DEPARTED || tp->state == TP_ARRIVED) {
        chk_fail(c, field,
                 "person \"%s\" already %s on transfer \"%s\" at seq %lld: a "
                 "departure cannot be %s; record the return as a new transfer",
                 p->id, tp->state == TP_DEPARTED ? "departed" : "arrived", t->id, seq,
                 step_name(type));
    } else if (type == EV_TRANSFER_APPROVED && tp->state == TP_CANCELLED) {
        chk_fail(c, field,
                 "person \"%s\" was cancelled from transfer \"%s\" at seq %lld: "
                 "propose a new transfer to move them",
                 p->id, t->id, seq);
    }
}

void check_transfer_step(chk *c)
{
    const ev_transfer_step *e = &c->ev->u.transfer_step;
    uint32_t ti = chk_transfer(c, e->transfer, "transfer");
    const st_transfer *t = ti == ST_NONE ? NULL : st_transfer_mut(c->s, ti);
    tp_index x = {MAP_INIT, false};
    if (t) tp_index_init(&x, c->s, t, e->persons.n > 0 ? (size_t)e->persons.n : 0);
    char f[64];
    for (int32_t i = 0; i < e->persons.n; i++) {
        chk_idx(f, "persons", i);
        uint32_t pi = chk_person(c, e->persons.v[i], f);
        if (pi == ST_NONE || !t) continue;
        check_step_person(c, t, tp_index_find(&x, c->s, t, pi), pi, f);
    }
    tp_index_free(&x);
}

void tp_index_init(tp_index *x, const state *s, const st_transfer *t, size_t lookups)
{
    x->m = (map)MAP_INIT;
    x->on = (size_t)t->n_persons * lookups > 4096;
    for (uint32_t i = 0; x->on && i < t->n_persons; i++)
        tp_index_add(x, s, t->persons[i].person, i);
}

uint32_t tp_index_find(const tp_index *x, const state *s, const st_transfer *t, uint32_t person)
{
    if (!x->on) return st_transfer_find(t, person);
    const char *id = st_person_mut(s, person)->id;
    uint32_t v;
    return map_get(&x->m, id, strlen(id), &v) ? v : ST_NONE;
}

/* Out of memory just falls back to the linear scan. */
void tp_index_add(tp_index *x, const state *s, uint32_t person, uint32_t pos)
{
    if (!x->on) return;
    const char *id = st_person_mut(s, person)->id;
    if (map_put(&x->m, id, strlen(id), pos)) tp_index_free(x);
}

void tp_index_free(tp_index *x)
{
    map_free(&x->m);
    x->on = false;
}
