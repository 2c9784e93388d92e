/* check: state_check, and the reference rules: every id an event names exists
 * (all of them are reported, not only the first), and new ids are new. Custody
 * sequence rules are in check_custody.c. Nothing here changes the state. */
#include "state/state_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void chk_fail(chk *c, const char *field, const char *fmt, ...)
{
    char msg[900], path[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *type = event_type_name(c->ev->type);
    snprintf(path, sizeof path, "%s.%s", type ? type : "event", field);
    errlist_add(c->errs, c->where, path, "%s", msg);
    c->bad++;
}

const char *chk_idx(char out[64], const char *field, int32_t i)
{
    snprintf(out, 64, "%s[%d]", field, (int)i);
    return out;
}

uint32_t chk_person(chk *c, hb_str id, const char *field)
{
    uint32_t i = st_find(&c->s->person_ids, id);
    if (i == ST_NONE)
        chk_fail(c, field, "no person \"%.*s\" (register it with person.registered first)",
                 (int)id.n, id.p ? id.p : "");
    return i;
}

uint32_t chk_facility(chk *c, hb_str id, const char *field)
{
    uint32_t i = st_find(&c->s->facility_ids, id);
    if (i == ST_NONE)
        chk_fail(c, field, "no facility \"%.*s\" (register it with facility.registered first)",
                 (int)id.n, id.p ? id.p : "");
    return i;
}

uint32_t chk_unit(chk *c, uint32_t facility, hb_str unit, const char *field)
{
    if (facility == ST_NONE) return ST_NONE; /* the facility is already reported */
    uint32_t i = st_find_unit(c->s, facility, unit);
    if (i == ST_NONE)
        chk_fail(c, field,
                 "no unit \"%.*s\" in facility \"%s\" (certify it with unit.certified "
                 "first)",
                 (int)unit.n, unit.p ? unit.p : "", st_facility_mut(c->s, facility)->id);
    return i;
}

uint32_t chk_transfer(chk *c, hb_str id, const char *field)
{
    uint32_t i = st_find(&c->s->transfer_ids, id);
    if (i == ST_NONE)
        chk_fail(c, field, "no transfer \"%.*s\" (record it with transfer.proposed first)",
                 (int)id.n, id.p ? id.p : "");
    return i;
}

/* An id that is registered must not be registered again: ids are never reused. */
static void chk_new(chk *c, const map *m, const pool *p, hb_str id, const char *field,
                    const char *what)
{
    uint32_t i = st_find(m, id);
    if (i == ST_NONE) return;
    const void *e = pool_at(p, i);
    int64_t seq = 0;
    switch (p->kind) {
    case ENT_PERSON:
        seq = ((const st_person *)e)->registered_seq;
        break;
    case ENT_FACILITY:
        seq = ((const st_facility *)e)->registered_seq;
        break;
    case ENT_AGREEMENT:
        seq = ((const st_agreement *)e)->signed_seq;
        break;
    case ENT_HOLD:
        seq = ((const st_hold *)e)->placed_seq;
        break;
    case ENT_TRANSFER:
        seq = ((const st_transfer *)e)->proposed_seq;
        break;
    case ENT_UNIT:
        break;
    }
    chk_fail(c, field,
             "%s \"%.*s\" already exists (recorded at seq %lld): ids are never reused; "
             "choose a new id",
             what, (int)id.n, id.p, (long long)seq);
}

static void chk_persons(chk *c, const hb_strs *l, const char *field)
{
    char f[64];
    for (int32_t i = 0; i < l->n; i++)
        chk_person(c, l->v[i], chk_idx(f, field, i));
}

/* Person arrays are capped by their uint16 counts. */
static void chk_room(chk *c, uint32_t pi, uint16_t n, const char *what)
{
    if (pi != ST_NONE && n == UINT16_MAX)
        chk_fail(c, "person", "person \"%s\" already has %u %s records, the most the state keeps",
                 st_person_mut(c->s, pi)->id, (unsigned)n, what);
}

static void check_person_record(chk *c)
{
    const event *ev = c->ev;
    uint32_t pi;
    switch (ev->type) {
    case EV_STATUS_RECORDED:
        pi = chk_person(c, ev->u.status_recorded.person, "person");
        if (pi != ST_NONE) chk_room(c, pi, st_person_mut(c->s, pi)->n_status, "status");
        break;
    case EV_CONVICTION_RECORDED:
        pi = chk_person(c, ev->u.conviction_recorded.person, "person");
        if (pi != ST_NONE) chk_room(c, pi, st_person_mut(c->s, pi)->n_conviction, "conviction");
        break;
    case EV_CONSENT_RECORDED:
        pi = chk_person(c, ev->u.consent_recorded.person, "person");
        if (pi != ST_NONE) chk_room(c, pi, st_person_mut(c->s, pi)->n_consent, "consent");
        break;
    case EV_ALLEGATION_RECORDED:
        chk_person(c, ev->u.allegation_recorded.person, "person");
        break;
    case EV_WORK_LOGGED:
        chk_person(c, ev->u.work_logged.person, "person");
        break;
    default:
        break;
    }
}

static void check_hold(chk *c)
{
    const state *s = c->s;
    if (c->ev->type == EV_HOLD_PLACED) {
        const ev_hold_placed *e = &c->ev->u.hold_placed;
        chk_new(c, &s->hold_ids, &s->holds, e->hold, "hold", "hold");
        if (e->scope.present) chk_persons(c, &e->scope.persons, "scope.persons");
        return;
    }
    const ev_hold_lifted *e = &c->ev->u.hold_lifted;
    uint32_t h = st_find(&s->hold_ids, e->hold);
    if (h == ST_NONE) {
        chk_fail(c, "hold", "no hold \"%.*s\" (record it with hold.placed first)", (int)e->hold.n,
                 e->hold.p ? e->hold.p : "");
    } else if (st_hold_mut(s, h)->lifted_seq) {
        chk_fail(c, "hold", "hold \"%s\" was already lifted at seq %lld", st_hold_mut(s, h)->id,
                 (long long)st_hold_mut(s, h)->lifted_seq);
    }
}

static void check_registration(chk *c)
{
    const state *s = c->s;
    const event *ev = c->ev;
    char f[64];
    switch (ev->type) {
    case EV_FACILITY_REGISTERED:
        chk_new(c, &s->facility_ids, &s->facilities, ev->u.facility_registered.facility, "facility",
                "facility");
        break;
    case EV_UNIT_CERTIFIED: /* certifying a unit again updates it */
        chk_facility(c, ev->u.unit_certified.facility, "facility");
        break;
    case EV_AGREEMENT_SIGNED: {
        const ev_agreement_signed *e = &ev->u.agreement_signed;
        chk_new(c, &s->agreement_ids, &s->agreements, e->agreement, "agreement", "agreement");
        for (int32_t i = 0; i < e->facilities.n; i++)
            chk_facility(c, e->facilities.v[i], chk_idx(f, "facilities", i));
        break;
    }
    case EV_PERSON_REGISTERED:
        chk_new(c, &s->person_ids, &s->persons, ev->u.person_registered.person, "person", "person");
        break;
    case EV_TRANSFER_PROPOSED: {
        const ev_transfer_proposed *e = &ev->u.transfer_proposed;
        chk_new(c, &s->transfer_ids, &s->transfers, e->transfer, "transfer", "transfer");
        chk_facility(c, e->from_facility, "from_facility");
        chk_facility(c, e->to_facility, "to_facility");
        if (e->agreement.p && st_find(&s->agreement_ids, e->agreement) == ST_NONE)
            chk_fail(c, "agreement",
                     "no agreement \"%.*s\" (record it with agreement.signed "
                     "first)",
                     (int)e->agreement.n, e->agreement.p);
        chk_persons(c, &e->persons, "persons");
        break;
    }
    default:
        break;
    }
}

static void check_facility_record(chk *c)
{
    if (c->ev->type == EV_COUNT_RECORDED) {
        const ev_count_recorded *e = &c->ev->u.count_recorded;
        uint32_t fi = chk_facility(c, e->facility, "facility");
        if (e->unit.p) chk_unit(c, fi, e->unit, "unit");
        chk_persons(c, &e->present, "present");
        return;
    }
    const ev_condition_observed *e = &c->ev->u.condition_observed;
    uint32_t fi = chk_facility(c, e->facility, "facility");
    if (e->unit.p) chk_unit(c, fi, e->unit, "unit");
}

int state_check(const state *s, const event *ev, hb_errlist *errs, const char *where)
{
    hb_errlist local;
    if (!errs) errlist_init(errs = &local, 1);
    chk c = {s, ev, errs, where, 0};
    switch (ev->type) {
    case EV_FACILITY_REGISTERED:
    case EV_UNIT_CERTIFIED:
    case EV_AGREEMENT_SIGNED:
    case EV_PERSON_REGISTERED:
    case EV_TRANSFER_PROPOSED:
        check_registration(&c);
        break;
    case EV_STATUS_RECORDED:
    case EV_CONVICTION_RECORDED:
    case EV_ALLEGATION_RECORDED:
    case EV_CONSENT_RECORDED:
    case EV_WORK_LOGGED:
        check_person_record(&c);
        break;
    case EV_HOLD_PLACED:
    case EV_HOLD_LIFTED:
        check_hold(&c);
        break;
    case EV_CUSTODY_ADMITTED:
    case EV_CUSTODY_MOVED:
    case EV_CUSTODY_RELEASED:
    case EV_CUSTODY_DIED:
        check_custody(&c);
        break;
    case EV_TRANSFER_APPROVED:
    case EV_TRANSFER_CANCELLED:
    case EV_TRANSFER_DEPARTED:
    case EV_TRANSFER_ARRIVED:
        check_transfer_step(&c);
        break;
    case EV_COUNT_RECORDED:
    case EV_CONDITION_OBSERVED:
        check_facility_record(&c);
        break;
    default:
        chk_fail(&c, "type", "unknown event type %d", (int)ev->type);
        break;
    }
    if (errs == &local) errlist_free(&local);
    return c.bad ? HB_EINPUT : 0;
}
