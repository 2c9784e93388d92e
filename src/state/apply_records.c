/* apply_records: facts recorded about a person (statuses, convictions, consents,
 * allegations, work) or a facility (counts, conditions). Person arrays are kept
 * in seq order; for undo, the touch saves their counts. */
#include "state/state_internal.h"

static uint32_t person_of(const state *s, const event *ev)
{
    switch (ev->type) {
    case EV_STATUS_RECORDED:
        return st_find(&s->person_ids, ev->u.status_recorded.person);
    case EV_CONVICTION_RECORDED:
        return st_find(&s->person_ids, ev->u.conviction_recorded.person);
    case EV_ALLEGATION_RECORDED:
        return st_find(&s->person_ids, ev->u.allegation_recorded.person);
    case EV_CONSENT_RECORDED:
        return st_find(&s->person_ids, ev->u.consent_recorded.person);
    case EV_WORK_LOGGED:
        return st_find(&s->person_ids, ev->u.work_logged.person);
    default:
        return ST_NONE;
    }
}

static int add_status(state *s, st_person *p, int64_t seq, const event *ev)
{
    const ev_status_recorded *e = &ev->u.status_recorded;
    if (p->n_status == UINT16_MAX) return 0; /* refused by state_check */
    st_status *st = st_hvec_slot(s, (void **)&p->status, p->n_status, sizeof *st);
    if (!st) return HB_EINTERNAL;
    *st = (st_status){.kind = e->status,
                      .jurisdiction = e->jurisdiction,
                      .country = e->country,
                      .valid_from = e->valid_from,
                      .valid_until = e->valid_until,
                      .seq = seq,
                      .at_us = ev->at.us};
    p->n_status++;
    return 0;
}

static int add_conviction(state *s, st_person *p, int64_t seq, const event *ev)
{
    const ev_conviction_recorded *e = &ev->u.conviction_recorded;
    if (p->n_conviction == UINT16_MAX) return 0;
    st_conviction *c = st_hvec_slot(s, (void **)&p->conviction, p->n_conviction, sizeof *c);
    if (!c) return HB_EINTERNAL;
    *c = (st_conviction){.final = e->final,
                         .violent = e->violent,
                         .jurisdiction = e->jurisdiction,
                         .date = e->date,
                         .sentence_days = e->sentence_days,
                         .seq = seq,
                         .at_us = ev->at.us};
    p->n_conviction++;
    return 0;
}

static int add_consent(state *s, st_person *p, int64_t seq, const event *ev)
{
    const ev_consent_recorded *e = &ev->u.consent_recorded;
    if (p->n_consent == UINT16_MAX) return 0;
    st_consent *c = st_hvec_slot(s, (void **)&p->consent, p->n_consent, sizeof *c);
    if (!c) return HB_EINTERNAL;
    *c = (st_consent){.to = e->to, .given = e->given, .seq = seq, .at_us = ev->at.us};
    p->n_consent++;
    return 0;
}

int apply_person_record(state *s, int64_t seq, const event *ev)
{
    uint32_t pi = person_of(s, ev);
    if (pi == ST_NONE) return HB_EINTERNAL;
    st_person *p = st_person_mut(s, pi);
    st_touch(s, ENT_PERSON, pi);
    int rc = 0;
    switch (ev->type) {
    case EV_STATUS_RECORDED:
        rc = add_status(s, p, seq, ev);
        break;
    case EV_CONVICTION_RECORDED:
        rc = add_conviction(s, p, seq, ev);
        break;
    case EV_CONSENT_RECORDED:
        rc = add_consent(s, p, seq, ev);
        break;
    case EV_ALLEGATION_RECORDED:
        if (p->n_allegation < UINT16_MAX) p->n_allegation++;
        break;
    default:
        break; /* work.logged: history only */
    }
    return rc ? rc : st_seqs_push(s, &p->history, seq, PERSON_HISTORY_FIRST);
}

int apply_facility_record(state *s, int64_t seq, const event *ev)
{
    hb_str fid = ev->type == EV_COUNT_RECORDED ? ev->u.count_recorded.facility
                                               : ev->u.condition_observed.facility;
    uint32_t fi = st_find(&s->facility_ids, fid);
    if (fi == ST_NONE) return HB_EINTERNAL;
    if (st_history(s, ENT_FACILITY, fi, seq)) return HB_EINTERNAL;
    if (ev->type != EV_COUNT_RECORDED) return 0;
    const hb_strs *present = &ev->u.count_recorded.present;
    for (int32_t i = 0; i < present->n; i++) {
        if (st_history(s, ENT_PERSON, st_find(&s->person_ids, present->v[i]), seq))
            return HB_EINTERNAL;
    }
    return 0;
}
