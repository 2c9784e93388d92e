/* findings_standing: re-evaluating one unit, facility or person after an event
 * that touched it: a standing finding is raised when its rule starts to hold and
 * cleared (at the event's time and seq) when it stops. While it stands it is not
 * raised again, whatever its figures do. */
#include "rules/findings_internal.h"

#include "util/hbtime.h"

/* Raise or clear the finding in *slot so that it stands exactly when want. */
static int settle(findings *f, uint32_t *slot, bool want, const finding *x)
{
    if (want && *slot == ST_NONE) {
        *slot = fnd_raise(f, x);
        return *slot == ST_NONE ? HB_EINTERNAL : 0;
    }
    if (!want && *slot != ST_NONE) {
        fnd_clear(f, *slot, x->seq, x->raised_us);
        *slot = ST_NONE;
    }
    return 0;
}

int fnd_eval_unit(findings *f, const state *s, uint32_t ui, int64_t seq, int64_t at_us)
{
    const st_unit *u = state_unit_at(s, ui);
    for (int w = 0; w < FU__N; w++) {
        double value, limit;
        bool want = fnd_unit_rule(f->p, u, w, &value, &limit);
        if (want == (f->units[ui].slot[w] != ST_NONE)) continue;
        finding x = fnd_make(f, fnd_unit_code(w), seq, at_us);
        x.facility = u->facility;
        x.unit = ui;
        x.value = value;
        x.limit = limit;
        fnd_evidence(&x, u->certified_seq);
        fnd_evidence(&x, seq);
        uint32_t slot = f->units[ui].slot[w];
        int rc = settle(f, &slot, want, &x);
        fnd_unit_mut(f, ui)->slot[w] = slot;
        if (rc) return rc;
    }
    return 0;
}

int fnd_eval_facility(findings *f, const state *s, uint32_t fi, int64_t seq, int64_t at_us)
{
    const st_facility *fa = state_facility_at(s, fi);
    double value, limit;
    bool want = fnd_facility_rule(fa, f->facs[fi].certified, &value, &limit);
    if (want == (f->facs[fi].slot != ST_NONE)) return 0;
    finding x = fnd_make(f, FC_FACILITY_OVER_CAPACITY, seq, at_us);
    x.facility = fi;
    x.value = value;
    x.limit = limit;
    fnd_evidence(&x, fa->registered_seq);
    fnd_evidence(&x, seq);
    uint32_t slot = f->facs[fi].slot;
    int rc = settle(f, &slot, want, &x);
    fnd_facility_mut(f, fi)->slot = slot;
    return rc;
}

static finding person_finding(const findings *f, const st_person *p, uint32_t pi, int which,
                              int64_t seq, int64_t at_us)
{
    finding x = fnd_make(f, fnd_person_code(which), seq, at_us);
    x.person = pi;
    fnd_evidence(&x, p->custody_since_seq);
    fnd_evidence(&x, seq);
    return x;
}

static int32_t basis_date(const st_person *p, int which)
{
    if (which == FP_REVIEW) return p->basis_review_by;
    return which == FP_PAST_END ? p->basis_until : HB_DATE_ABSENT;
}

/* A timed finding whose date changed (a new basis) is a different finding: the
 * old one is cleared and the new one raised. The record keeps each open
 * finding's date, so that deciding costs no visit to the list. */
static int basis(findings *f, const state *s, uint32_t pi, int which, int64_t seq, int64_t at_us)
{
    const st_person *p = state_person_at(s, pi);
    int64_t due;
    bool want = fnd_basis_rule(p, which, &due);
    int32_t date = basis_date(p, which);
    uint32_t slot = f->persons[pi].slot[which];
    bool timed = which != FP_NO_END;
    bool new_date = want && slot != ST_NONE && timed && f->persons[pi].date[FP_DATE(which)] != date;
    if (want == (slot != ST_NONE) && !new_date) return 0;
    fnd_person *w = fnd_person_mut(f, pi);
    if (slot != ST_NONE) fnd_clear(f, slot, seq, at_us);
    slot = ST_NONE;
    if (want) {
        finding x = person_finding(f, p, pi, which, seq, at_us);
        if (due != INT64_MIN) x.raised_us = due;
        slot = fnd_raise(f, &x);
    }
    w->slot[which] = slot;
    if (timed) w->date[FP_DATE(which)] = slot == ST_NONE ? HB_DATE_ABSENT : date;
    return want && slot == ST_NONE ? HB_EINTERNAL : 0;
}

/* The clock runs from the entry into a segregation unit and goes on across moves
 * from one segregation unit to another; any other step stops it. */
static int segregation(findings *f, const state *s, uint32_t pi, int64_t seq, int64_t at_us)
{
    const st_person *p = state_person_at(s, pi);
    bool in = fnd_in_segregation(s, p);
    fnd_person cur = f->persons[pi];
    if (in == (cur.seg_since != FND_NO_CLOCK)) return 0;
    fnd_person *w = fnd_person_mut(f, pi);
    if (!in) {
        if (cur.slot[FP_SEGREGATION] != ST_NONE) fnd_clear(f, cur.slot[FP_SEGREGATION], seq, at_us);
        w->slot[FP_SEGREGATION] = ST_NONE;
        w->seg_since = FND_NO_CLOCK;
        return 0;
    }
    finding x = person_finding(f, p, pi, FP_SEGREGATION, seq, at_us);
    x.raised_us = fnd_segregation_due(f->p, p->custody_since_us);
    x.limit = f->p->segregation_days_max.value;
    x.value = x.limit;
    fnd_evidence(&x, state_unit_at(s, p->unit)->certified_seq);
    w->seg_since = p->custody_since_us;
    w->slot[FP_SEGREGATION] = fnd_raise(f, &x);
    return w->slot[FP_SEGREGATION] == ST_NONE ? HB_EINTERNAL : 0;
}

int fnd_eval_person(findings *f, const state *s, uint32_t pi, int64_t seq, int64_t at_us)
{
    for (int w = FP_NO_END; w <= FP_PAST_END; w++)
        if (basis(f, s, pi, w, seq, at_us)) return HB_EINTERNAL;
    return segregation(f, s, pi, seq, at_us);
}
