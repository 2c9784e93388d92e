/* findings: the set's life, the feed (what each event touches) and its
 * transactions (contract in findings.h). */
#include <stdlib.h>
#include <string.h>
#include "rules/findings_internal.h"

findings *findings_new(const profile *p)
{
    findings *f = calloc(1, sizeof *f);
    if (f) f->p = p;
    return f;
}

void findings_free(findings *f)
{
    if (!f) return;
    fnd_index_free(f);
    for (size_t i = 0; i < f->n_chunks; i++)
        free(f->chunks[i]);
    free(f->chunks);
    free(f->named);
    free(f->table);
    free(f->matched);
    free(f->pending);
    free(f->scratch);
    free(f->verdicts);
    free(f->undo);
    free(f);
}

static void event_reset(findings *f)
{
    for (int k = 0; k < FK__N; k++)
        f->touched[k].n = 0;
    f->n_pending = 0;
    f->n_named = 0;
}

/* The person's place (facility and unit) as touched by this event. */
static int touch_place(findings *f, const state *s, uint32_t pi)
{
    const st_person *p = state_person_at(s, pi);
    if (p->custody != CUST_HELD) return 0;
    if (fnd_touch(f, FK_FACILITY, p->facility) || fnd_touch(f, FK_UNIT, p->unit))
        return HB_EINTERNAL;
    return 0;
}

static hb_str custody_person(const event *ev)
{
    switch (ev->type) {
    case EV_CUSTODY_ADMITTED:
        return ev->u.custody_admitted.person;
    case EV_CUSTODY_MOVED:
        return ev->u.custody_moved.person;
    case EV_CUSTODY_RELEASED:
        return ev->u.custody_released.person;
    default:
        return ev->u.custody_died.person;
    }
}

/* The persons the event names, as pool indexes in f->named: found once, in
 * before, and used again in after. */
static int name_persons(findings *f, const state *s, const event *ev)
{
    bool step = ev->type == EV_TRANSFER_DEPARTED || ev->type == EV_TRANSFER_ARRIVED;
    const hb_strs *v = &ev->u.transfer_step.persons;
    size_t n = step ? (v->n > 0 ? (size_t)v->n : 0) : 1;
    if (fnd_grow((void **)&f->named, &f->cap_named, n + 1, sizeof *f->named)) return HB_EINTERNAL;
    f->n_named = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t pi = state_person_index(s, step ? v->v[i] : custody_person(ev));
        if (pi != ST_NONE) f->named[f->n_named++] = pi;
    }
    return 0;
}

/* Every person named, and where each is (before: the place left, and the persons
 * themselves; after: the place reached). */
static int touch_named(findings *f, const state *s, bool before)
{
    for (size_t i = 0; i < f->n_named; i++) {
        /* The record is read after the apply: fetched now, it arrives meanwhile. */
        if (before) __builtin_prefetch(&f->persons[f->named[i]]);
        if (before && fnd_touch(f, FK_PERSON, f->named[i])) return HB_EINTERNAL;
        if (touch_place(f, s, f->named[i])) return HB_EINTERNAL;
    }
    return 0;
}

int findings_before(findings *f, const state *s, int64_t seq, const event *ev)
{
    if (fnd_sync(f, s)) return HB_EINTERNAL;
    event_reset(f);
    fnd_next_epoch(f);
    int rc = 0;
    switch (ev->type) {
    case EV_CUSTODY_DIED:
        rc = fnd_death(f, s, seq, ev);
        /* fall through */
    case EV_CUSTODY_ADMITTED:
    case EV_CUSTODY_MOVED:
    case EV_CUSTODY_RELEASED:
        if (!rc) rc = name_persons(f, s, ev);
        if (!rc) rc = touch_named(f, s, true);
        break;
    case EV_TRANSFER_DEPARTED:
    case EV_TRANSFER_ARRIVED:
        rc = name_persons(f, s, ev);
        if (!rc) rc = fnd_blocked_step(f, s, seq, ev);
        if (!rc) rc = touch_named(f, s, true);
        break;
    default:
        break;
    }
    return rc || f->oom ? HB_EINTERNAL : 0;
}

/* A certification changes the unit's figures, its facility's certified capacity
 * and, when its kind changes, the segregation clocks of the persons in it. */
static int certified(findings *f, const state *s, const event *ev)
{
    const ev_unit_certified *e = &ev->u.unit_certified;
    uint32_t fi = state_facility_index(s, e->facility);
    uint32_t ui = state_unit_index(s, fi, e->unit);
    if (ui == ST_NONE) return 0;
    fnd_facility_mut(f, fi)->certified = fnd_facility_capacity(s, state_facility_at(s, fi));
    if (fnd_touch(f, FK_UNIT, ui) || fnd_touch(f, FK_FACILITY, fi)) return HB_EINTERNAL;
    for (uint32_t q = state_unit_first_held(s, ui); q != ST_NONE; q = state_unit_next_held(s, q))
        if (fnd_touch(f, FK_PERSON, q)) return HB_EINTERNAL;
    return 0;
}

static int touched_after(findings *f, const state *s, const event *ev)
{
    switch (ev->type) {
    case EV_FACILITY_REGISTERED:
        return fnd_touch(f, FK_FACILITY,
                         state_facility_index(s, ev->u.facility_registered.facility));
    case EV_UNIT_CERTIFIED:
        return certified(f, s, ev);
    case EV_CUSTODY_ADMITTED:
    case EV_CUSTODY_MOVED:
    case EV_CUSTODY_RELEASED:
    case EV_CUSTODY_DIED:
    case EV_TRANSFER_DEPARTED:
    case EV_TRANSFER_ARRIVED:
        return touch_named(f, s, false);
    default:
        return 0;
    }
}

static int evaluate(findings *f, const state *s, int64_t seq, int64_t at_us)
{
    const fnd_u32s *t = f->touched;
    for (size_t i = 0; i < t[FK_UNIT].n; i++)
        if (fnd_eval_unit(f, s, t[FK_UNIT].v[i], seq, at_us)) return HB_EINTERNAL;
    for (size_t i = 0; i < t[FK_FACILITY].n; i++)
        if (fnd_eval_facility(f, s, t[FK_FACILITY].v[i], seq, at_us)) return HB_EINTERNAL;
    for (size_t i = 0; i < t[FK_PERSON].n; i++)
        if (fnd_eval_person(f, s, t[FK_PERSON].v[i], seq, at_us)) return HB_EINTERNAL;
    return 0;
}

/* Standing findings first, then the event's own (those found before the apply,
 * then those found after it). */
int findings_after(findings *f, const state *s, int64_t seq, const event *ev)
{
    int rc = fnd_sync(f, s);
    if (!rc) rc = touched_after(f, s, ev);
    if (!rc) rc = evaluate(f, s, seq, ev->at.us);
    for (size_t i = 0; i < f->n_pending && !rc; i++)
        if (fnd_raise(f, &f->pending[i]) == ST_NONE) rc = HB_EINTERNAL;
    if (!rc && ev->type == EV_COUNT_RECORDED) rc = fnd_headcount(f, s, seq, ev);
    if (!rc && ev->type == EV_CONDITION_OBSERVED) rc = fnd_condition(f, s, seq, ev);
    if (!rc && ev->type == EV_WORK_LOGGED) rc = fnd_work(f, s, seq, ev);
    event_reset(f);
    return rc || f->oom ? HB_EINTERNAL : 0;
}

void findings_begin(findings *f)
{
    event_reset(f);
    f->in_tx = true;
    f->tx_n = f->n;
    f->n_undo = 0;
    memcpy(f->tx_known, f->known, sizeof f->known);
}

void findings_commit(findings *f)
{
    f->in_tx = false;
    f->n_undo = 0;
}

static void undo_one(findings *f, const fnd_undo *u)
{
    switch (u->kind) {
    case FK_PERSON:
        f->persons[u->idx] = u->old.p;
        break;
    case FK_UNIT:
        f->units[u->idx] = u->old.u;
        break;
    case FK_FACILITY:
        f->facs[u->idx] = u->old.fa;
        break;
    default:
        fnd_at(f, u->idx)->cleared_us = u->old.f.cleared_us;
        fnd_at(f, u->idx)->cleared_seq = u->old.f.cleared_seq;
        break;
    }
}

void findings_rollback(findings *f)
{
    if (!f->in_tx) return;
    for (size_t i = f->n_undo; i-- > 0;)
        undo_one(f, &f->undo[i]);
    f->n = f->tx_n;
    fnd_forget_since(f, f->tx_known);
    event_reset(f);
    f->in_tx = false;
    f->n_undo = 0;
    f->oom = false;
}

size_t findings_count(const findings *f)
{
    return f->n;
}

const finding *findings_at(const findings *f, size_t i)
{
    return i < f->n ? fnd_at(f, (uint32_t)i) : NULL;
}

bool findings_active(const finding *x, int64_t now_us)
{
    return x->raised_us <= now_us && now_us < x->cleared_us;
}
