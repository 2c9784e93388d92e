/* findings_events: the findings one event raises by itself and never clears: a
 * death in custody, a condition observed outside the profile, work that the
 * Forced Labour Convention does not allow. */
#include <math.h>
#include "rules/findings_internal.h"

/* Where a person is held, for an event finding about them. */
static void place_of(finding *x, const st_person *p)
{
    if (p->custody == CUST_HELD) {
        x->facility = p->facility;
        x->unit = p->unit;
    } else if (p->custody == CUST_IN_TRANSIT) {
        x->transfer = p->transfer;
    }
}

int fnd_death(findings *f, const state *s, int64_t seq, const event *ev)
{
    uint32_t pi = state_person_index(s, ev->u.custody_died.person);
    if (pi == ST_NONE) return 0;
    const st_person *p = state_person_at(s, pi);
    if (!fnd_in_custody(p)) return 0;
    finding x = fnd_make(f, FC_DEATH_IN_CUSTODY, seq, ev->at.us);
    x.person = pi;
    place_of(&x, p);
    fnd_evidence(&x, p->custody_since_seq);
    fnd_evidence(&x, seq);
    return fnd_pend(f, &x);
}

static int raise_event(findings *f, const finding *x)
{
    return fnd_raise(f, x) == ST_NONE ? HB_EINTERNAL : 0;
}

/* The occupants figure mattresses are measured against: the latest occupants
 * observation of the same place, else the persons the ledger holds there. */
static double occupants_of(const findings *f, const state *s, uint32_t fi, uint32_t ui,
                           int64_t *seq)
{
    double obs = ui != ST_NONE ? f->units[ui].occupants : f->facs[fi].occupants;
    *seq = ui != ST_NONE ? f->units[ui].occupants_seq : f->facs[fi].occupants_seq;
    if (!isnan(obs)) return obs;
    *seq = 0;
    return ui != ST_NONE ? state_unit_at(s, ui)->held : state_facility_at(s, fi)->held;
}

static void remember_occupants(findings *f, uint32_t fi, uint32_t ui, double v, int64_t seq)
{
    if (ui != ST_NONE) {
        fnd_unit *u = fnd_unit_mut(f, ui);
        u->occupants = v;
        u->occupants_seq = seq;
    } else {
        fnd_facility *fa = fnd_facility_mut(f, fi);
        fa->occupants = v;
        fa->occupants_seq = seq;
    }
}

/* Whether the value is outside the profile; x (made for the metric's code) gets
 * the figures and the evidence of the reference figure. */
static bool outside(findings *f, const state *s, const ev_condition_observed *e, uint32_t fi,
                    uint32_t ui, finding *x)
{
    const profile *p = f->p;
    double v = x->value = e->value;
    int64_t ref = 0;
    switch (x->code) {
    case FC_HEAT:
        x->limit = p->heat_c_max.value;
        return v > x->limit;
    case FC_LIGHTS_ALWAYS_ON:
        x->limit = p->light_hours_max.value;
        return v >= x->limit;
    case FC_NO_TIME_OUTDOORS:
        x->limit = p->outdoor_hours_min.value;
        return v < x->limit;
    case FC_OBSERVED_OVER_CAPACITY:
        x->limit =
            ui != ST_NONE ? (double)state_unit_at(s, ui)->capacity : (double)f->facs[fi].certified;
        ref = ui != ST_NONE ? state_unit_at(s, ui)->certified_seq
                            : state_facility_at(s, fi)->registered_seq;
        fnd_evidence(x, ref);
        return v > x->limit;
    default:
        x->limit = occupants_of(f, s, fi, ui, &ref);
        fnd_evidence(x, ref);
        return v < x->limit;
    }
}

static finding_code metric_code(int metric)
{
    switch (metric) {
    case METRIC_TEMPERATURE_C:
        return FC_HEAT;
    case METRIC_LIGHT_HOURS_PER_DAY:
        return FC_LIGHTS_ALWAYS_ON;
    case METRIC_OUT_OF_CELL_HOURS_PER_DAY:
        return FC_NO_TIME_OUTDOORS;
    case METRIC_OCCUPANTS:
        return FC_OBSERVED_OVER_CAPACITY;
    default:
        return FC_MATTRESSES_SHORT;
    }
}

int fnd_condition(findings *f, const state *s, int64_t seq, const event *ev)
{
    const ev_condition_observed *e = &ev->u.condition_observed;
    uint32_t fi = state_facility_index(s, e->facility);
    if (fi == ST_NONE) return 0;
    uint32_t ui = state_unit_index(s, fi, e->unit);
    if (e->unit.p && ui == ST_NONE) return 0;
    finding x = fnd_make(f, metric_code(e->metric), seq, ev->at.us);
    x.facility = fi;
    x.unit = ui;
    fnd_evidence(&x, seq);
    bool bad = outside(f, s, e, fi, ui, &x);
    if (e->metric == METRIC_OCCUPANTS) remember_occupants(f, fi, ui, e->value, seq);
    return bad ? raise_event(f, &x) : 0;
}

/* Records count when their event's `at` is not later than the work's. */
static bool final_conviction(const st_person *p, int64_t at_us)
{
    for (uint16_t i = 0; i < p->n_conviction; i++)
        if (p->conviction[i].final == 1 && p->conviction[i].at_us <= at_us) return true;
    return false;
}

int fnd_work(findings *f, const state *s, int64_t seq, const event *ev)
{
    const ev_work_logged *e = &ev->u.work_logged;
    uint32_t pi = state_person_index(s, e->person);
    if (pi == ST_NONE) return 0;
    const st_person *p = state_person_at(s, pi);
    bool why[3] = {!final_conviction(p, ev->at.us), e->consented == 0,
                   !e->pay.present || e->pay.amount == 0};
    static const finding_code CODE[3] = {FC_WORK_NO_CONVICTION, FC_WORK_NO_CONSENT, FC_WORK_UNPAID};
    for (int k = 0; k < 3; k++) {
        if (!why[k]) continue;
        finding x = fnd_make(f, CODE[k], seq, ev->at.us);
        x.person = pi;
        place_of(&x, p);
        x.value = e->hours;
        fnd_evidence(&x, seq);
        /* No conviction: the person's registration is where the absence shows. */
        if (k == 0) fnd_evidence(&x, p->registered_seq);
        if (raise_event(f, &x)) return HB_EINTERNAL;
    }
    return 0;
}
