/* findings_rules: when each standing finding holds, as a function of the state
 * alone. The incremental set and the scan both ask these, so they can differ
 * only in what they choose to re-evaluate, which is what the tests hold equal. */
#include <math.h>
#include "rules/findings_internal.h"
#include "util/hbtime.h"

/* Floor areas are decimals: an area exactly at the minimum (3.4 m2 for one of
 * several persons, 10.2 m2 for three) must not fall under it by a rounding. */
#define M2_EPSILON 1e-9

int64_t fnd_facility_capacity(const state *s, const st_facility *fa)
{
    if (!fa->n_units) return fa->design_capacity;
    int64_t sum = 0;
    for (uint32_t i = 0; i < fa->n_units; i++)
        sum += state_unit_at(s, fa->units[i])->capacity;
    return sum;
}

bool fnd_unit_rule(const profile *p, const st_unit *u, int which, double *value, double *limit)
{
    *value = *limit = 0;
    if (!u->held) return false;
    switch (which) {
    case FU_OVER:
        *value = u->held;
        *limit = (double)u->capacity;
        return (int64_t)u->held > u->capacity;
    case FU_FLOOR:
        *value = u->floor_area_m2 / u->held;
        *limit = u->held == 1 ? p->floor_m2_single.value : p->floor_m2_shared.value;
        return *value + M2_EPSILON < *limit;
    default:
        *value = u->held;
        *limit = (double)u->beds;
        return (int64_t)u->held > u->beds;
    }
}

bool fnd_facility_rule(const st_facility *fa, int64_t certified, double *value, double *limit)
{
    *value = fa->held;
    *limit = (double)certified;
    return (int64_t)fa->held > certified;
}

bool fnd_in_custody(const st_person *p)
{
    return p->custody == CUST_HELD || p->custody == CUST_IN_TRANSIT;
}

bool fnd_basis_rule(const st_person *p, int which, int64_t *raised_us)
{
    *raised_us = INT64_MIN;
    if (!fnd_in_custody(p)) return false;
    int32_t date = which == FP_REVIEW ? p->basis_review_by : p->basis_until;
    if (which == FP_NO_END)
        return p->basis_until == HB_DATE_ABSENT && p->basis_review_by == HB_DATE_ABSENT;
    if (date == HB_DATE_ABSENT) return false;
    *raised_us = ((int64_t)date + 1) * HB_US_PER_DAY;
    return true;
}

bool fnd_in_segregation(const state *s, const st_person *p)
{
    return p->custody == CUST_HELD && p->unit != ST_NONE &&
           state_unit_at(s, p->unit)->kind == UNIT_SEGREGATION;
}

int64_t fnd_segregation_due(const profile *p, int64_t since_us)
{
    double lim = p->segregation_days_max.value * (double)HB_US_PER_DAY;
    if (!(lim < 9e18)) return INT64_MAX;
    int64_t due = (int64_t)llround(lim);
    /* "Over" the limit: exactly max days is still within it. */
    return since_us > INT64_MAX - due - 1 ? INT64_MAX : since_us + due + 1;
}

finding_code fnd_person_code(int which)
{
    static const finding_code C[FP__N] = {FC_CUSTODY_NO_END, FC_REVIEW_OVERDUE, FC_CUSTODY_PAST_END,
                                          FC_SEGREGATION_TOO_LONG};
    return C[which];
}

finding_code fnd_unit_code(int which)
{
    static const finding_code C[FU__N] = {FC_UNIT_OVER_CAPACITY, FC_FLOOR_SPACE, FC_BEDS_SHORT};
    return C[which];
}
