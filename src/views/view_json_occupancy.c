/* views: the occupancy report (`habeas report occupancy --json`,
 * GET /v1/reports/occupancy; docs/costs.md). */
#include <math.h>
#include "rules/occupancy.h"
#include "views/views.h"

/* Square metres to the centimetre-ish: enough for people, stable for diffs. */
static json_t *m2_json(bool have, double v)
{
    return have ? json_real(round(v * 100) / 100) : json_null();
}

static json_t *counts_json(const occupancy_row *r)
{
    return json_pack(
        "{s:I, s:I, s:o, s:I, s:o, s:o, s:b, s:I}", "held", (json_int_t)r->held, "capacity",
        (json_int_t)r->capacity, "percent_of_capacity",
        r->percent_of_capacity >= 0 ? json_integer(r->percent_of_capacity) : json_null(), "beds",
        (json_int_t)r->beds, "floor_area_m2", m2_json(r->has_floor, r->floor_area_m2),
        "m2_per_person", m2_json(r->has_m2_per_person, r->m2_per_person), "over_capacity",
        r->over_capacity, "without_bed", (json_int_t)r->without_bed);
}

/* o with the counts of r added; NULL (o released) on out of memory. */
static json_t *with_counts(json_t *o, const occupancy_row *r)
{
    json_t *c = counts_json(r);
    bool ok = o && c && !json_object_update(o, c);
    json_decref(c);
    if (ok) return o;
    json_decref(o);
    return NULL;
}

static json_t *unit_json(const st_facility *f, const st_unit *u)
{
    occupancy_row r;
    occupancy_unit(f, u, &r);
    return with_counts(
        json_pack("{s:s, s:s}", "unit", u->id, "kind", event_enum_name(ENUM_UNIT_KIND, u->kind)),
        &r);
}

static json_t *units_json(const state *s, const st_facility *f)
{
    json_t *a = json_array();
    for (uint32_t i = 0; a && i < f->n_units; i++)
        if (json_array_append_new(a, unit_json(f, state_unit_at(s, f->units[i])))) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

static json_t *facility_json(const state *s, const st_facility *f)
{
    occupancy_row r;
    occupancy_facility(s, f, &r);
    json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:I, s:b, s:I, s:o}", "facility", f->id, "name",
                          f->name, "country", views_jcc(f->country.cc), "kind",
                          event_enum_name(ENUM_FACILITY_KIND, f->kind), "design_capacity",
                          (json_int_t)r.design_capacity, "over_design_capacity", r.over_design,
                          "unassigned", (json_int_t)r.unassigned, "units", units_json(s, f));
    return with_counts(o, &r);
}

json_t *views_occupancy(const state *s, const st_facility *only, const char *at)
{
    json_t *a = json_array();
    size_t n = only ? 1 : state_count_facilities(s);
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(
                a, facility_json(s, only ? only : state_facility_at(s, (uint32_t)i)))) {
            json_decref(a);
            a = NULL;
        }
    return json_pack("{s:s, s:o}", "at", at, "facilities", a);
}
