/* occupancy: how full each facility and unit is, against its certified capacity,
 * its design capacity, its beds and its floor area (docs/costs.md). Pure
 * functions over state; no I/O.
 *
 * A unit's figures are its own (unit.certified). A facility's certified capacity,
 * beds and floor area are the sums over its units; its held count includes the
 * persons held there without a unit. Floor area per person is floor / held. */
#ifndef HB_RULES_OCCUPANCY_H
#define HB_RULES_OCCUPANCY_H
#include <stdbool.h>
#include <stdint.h>
#include "state/state.h"

typedef struct {
    const st_facility *facility;
    const st_unit *unit;         /* NULL on the facility's own row */
    int64_t held;                /* persons held there now */
    int64_t unassigned;          /* facility row: held there without a unit */
    int64_t capacity;            /* certified: the unit's, or the sum of the units' */
    int64_t design_capacity;     /* facility row only; -1 on a unit row */
    int64_t beds;                /* the unit's, or the sum of the units' */
    double floor_area_m2;        /* the unit's, or the sum of the units' */
    bool has_floor;              /* a unit row, or a facility with units certified */
    bool has_m2_per_person;      /* has_floor and someone is held */
    double m2_per_person;        /* floor_area_m2 / held */
    bool over_capacity;          /* held > capacity */
    bool over_design;            /* facility row: held > design_capacity */
    int64_t without_bed;         /* held - beds when positive, else 0 */
    int64_t percent_of_capacity; /* round(100 * held / capacity); -1 when capacity is 0 */
} occupancy_row;

/* The facility's own row: totals over its units. */
void occupancy_facility(const state *s, const st_facility *f, occupancy_row *out);
/* One unit's row (f is the unit's facility). */
void occupancy_unit(const st_facility *f, const st_unit *u, occupancy_row *out);
#endif
