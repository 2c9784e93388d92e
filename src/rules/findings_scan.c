/* findings_scan: the standing findings of a state at a moment, from the state
 * alone, by a pass over every unit, facility and person: the reference the
 * incremental set is tested against. What the state cannot tell is said in
 * findings.h and docs/findings.md: the raised_us of the untimed findings (0), and
 * a stretch in segregation that began in an earlier segregation unit (the scan
 * counts from the entry into the current one). */
#include <stdlib.h>
#include "rules/findings_internal.h"

typedef struct {
    const profile *p;
    int64_t now_us;
    finding *v;
    size_t n, cap;
} scan;

static int add(scan *c, finding_code code, int64_t raised_us, int64_t evidence, finding **out)
{
    if (fnd_grow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v)) return HB_EINTERNAL;
    finding *x = &c->v[c->n++];
    *x = (finding){.code = code,
                   .person = ST_NONE,
                   .facility = ST_NONE,
                   .unit = ST_NONE,
                   .transfer = ST_NONE,
                   .raised_us = raised_us,
                   .cleared_us = INT64_MAX};
    int sev = c->p->severity[code];
    x->severity = sev >= 0 && sev < SEV__COUNT ? (finding_severity)sev : SEV_CRITICAL;
    fnd_evidence(x, evidence);
    *out = x;
    return 0;
}

static int units(scan *c, const state *s)
{
    for (uint32_t ui = 0; ui < state_count_units(s); ui++) {
        const st_unit *u = state_unit_at(s, ui);
        for (int w = 0; w < FU__N; w++) {
            double value, limit;
            finding *x;
            if (!fnd_unit_rule(c->p, u, w, &value, &limit)) continue;
            if (add(c, fnd_unit_code(w), 0, u->certified_seq, &x)) return HB_EINTERNAL;
            x->facility = u->facility;
            x->unit = ui;
            x->value = value;
            x->limit = limit;
        }
    }
    return 0;
}

static int facilities(scan *c, const state *s)
{
    for (uint32_t fi = 0; fi < state_count_facilities(s); fi++) {
        const st_facility *fa = state_facility_at(s, fi);
        double value, limit;
        finding *x;
        if (!fnd_facility_rule(fa, fnd_facility_capacity(s, fa), &value, &limit)) continue;
        if (add(c, FC_FACILITY_OVER_CAPACITY, 0, fa->registered_seq, &x)) return HB_EINTERNAL;
        x->facility = fi;
        x->value = value;
        x->limit = limit;
    }
    return 0;
}

static int person(scan *c, const state *s, uint32_t pi)
{
    const st_person *p = state_person_at(s, pi);
    finding *x;
    for (int w = FP_NO_END; w <= FP_PAST_END; w++) {
        int64_t due;
        if (!fnd_basis_rule(p, w, &due)) continue;
        if (due != INT64_MIN && due > c->now_us) continue;
        if (add(c, fnd_person_code(w), due == INT64_MIN ? 0 : due, p->registered_seq, &x))
            return HB_EINTERNAL;
        x->person = pi;
    }
    if (!fnd_in_segregation(s, p)) return 0;
    int64_t due = fnd_segregation_due(c->p, p->custody_since_us);
    if (due > c->now_us) return 0;
    if (add(c, FC_SEGREGATION_TOO_LONG, due, p->registered_seq, &x)) return HB_EINTERNAL;
    x->person = pi;
    x->limit = c->p->segregation_days_max.value;
    x->value = (double)(c->now_us - p->custody_since_us) / (double)HB_US_PER_DAY;
    return 0;
}

int findings_scan(const state *s, const profile *p, int64_t now_us, finding **out, size_t *n)
{
    scan c = {p, now_us, NULL, 0, 0};
    int rc = units(&c, s);
    if (!rc) rc = facilities(&c, s);
    for (uint32_t pi = 0; pi < state_count_persons(s) && !rc; pi++)
        rc = person(&c, s, pi);
    if (rc) {
        free(c.v);
        *out = NULL;
        *n = 0;
        return rc;
    }
    *out = c.v;
    *n = c.n;
    return 0;
}
