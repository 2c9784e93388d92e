#include "rules/occupancy.h"
#include <string.h>

/* The ratios every row derives from its counts. */
static void derive(occupancy_row *r)
{
    r->has_m2_per_person = r->has_floor && r->held > 0;
    if (r->has_m2_per_person) r->m2_per_person = r->floor_area_m2 / (double)r->held;
    r->over_capacity = r->held > r->capacity;
    r->without_bed = r->held > r->beds ? r->held - r->beds : 0;
    r->percent_of_capacity = -1;
    if (r->capacity <= 0) return;
    /* Half up (nothing here is negative), without forming 2 * capacity. */
    int64_t q = r->held * 100 / r->capacity, rem = r->held * 100 % r->capacity;
    r->percent_of_capacity = rem >= r->capacity - rem ? q + 1 : q;
}

/* Certified figures are at most 2^53-1 each, but a facility may have many units. */
static int64_t add_sat(int64_t a, int64_t b)
{
    int64_t sum;
    return __builtin_add_overflow(a, b, &sum) ? INT64_MAX : sum;
}

void occupancy_unit(const st_facility *f, const st_unit *u, occupancy_row *out)
{
    memset(out, 0, sizeof *out);
    out->facility = f;
    out->unit = u;
    out->held = u->held;
    out->capacity = u->capacity;
    out->design_capacity = -1;
    out->beds = u->beds;
    out->floor_area_m2 = u->floor_area_m2;
    out->has_floor = true;
    derive(out);
}

void occupancy_facility(const state *s, const st_facility *f, occupancy_row *out)
{
    memset(out, 0, sizeof *out);
    out->facility = f;
    out->held = f->held;
    out->unassigned = f->held;
    out->design_capacity = f->design_capacity;
    for (uint32_t i = 0; i < f->n_units; i++) {
        const st_unit *u = state_unit_at(s, f->units[i]);
        out->unassigned -= u->held;
        out->capacity = add_sat(out->capacity, u->capacity);
        out->beds = add_sat(out->beds, u->beds);
        out->floor_area_m2 += u->floor_area_m2;
    }
    /* Without a unit certified, the floor is unknown, not zero. */
    out->has_floor = f->n_units > 0;
    out->over_design = out->held > out->design_capacity;
    derive(out);
}
