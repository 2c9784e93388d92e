/* views: one facility unit by unit (`habeas facility ID --json`,
 * GET /v1/facilities/{id}), and the list of every facility (GET /v1/facilities). */
#include "rules/occupancy.h"
#include "views/views.h"

static const char *en(event_enum e, int v)
{
    const char *s = event_enum_name(e, v);
    return s ? s : "-";
}

static bool unit_over(const st_unit *u)
{
    return (int64_t)u->held > u->capacity || (int64_t)u->held > u->beds;
}

static json_t *unit_json(const st_unit *u)
{
    json_t *per = u->held ? json_real(u->floor_area_m2 / u->held) : json_null();
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:f, s:o, s:b, s:I}", "unit", u->id, "kind",
                     en(ENUM_UNIT_KIND, u->kind), "held", (json_int_t)u->held, "capacity",
                     (json_int_t)u->capacity, "beds", (json_int_t)u->beds, "floor_area_m2",
                     u->floor_area_m2, "m2_per_person", per, "over", unit_over(u), "certified_seq",
                     (json_int_t)u->certified_seq);
}

static json_t *security_json(const ev_security *sec)
{
    if (!sec->present) return json_null();
    return json_pack(
        "{s:o, s:o, s:o}", "watchtowers",
        sec->watchtowers >= 0 ? json_integer(sec->watchtowers) : json_null(), "perimeter_walls",
        sec->perimeter_walls >= 0 ? json_integer(sec->perimeter_walls) : json_null(),
        "electrified_fence",
        sec->electrified_fence >= 0 ? json_boolean(sec->electrified_fence) : json_null());
}

json_t *views_facility(ledger *l, store *st, const st_facility *f, int64_t limit, hb_err *err)
{
    const state *s = ledger_state(l);
    json_t *units = json_array();
    uint32_t in_units = 0;
    for (uint32_t i = 0; i < f->n_units; i++) {
        const st_unit *u = state_unit_at(s, f->units[i]);
        in_units += u->held;
        json_array_append_new(units, unit_json(u));
    }
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:s, s:I, s:o, s:o, s:I, s:I, s:I, s:o}", "facility", f->id, "name",
        f->name, "country", views_jcc(f->country.cc), "kind", en(ENUM_FACILITY_KIND, f->kind),
        "design_capacity", (json_int_t)f->design_capacity, "contact", views_jstr(f->contact),
        "security", security_json(&f->security), "held", (json_int_t)f->held, "held_without_unit",
        (json_int_t)(f->held > in_units ? f->held - in_units : 0), "registered_seq",
        (json_int_t)f->registered_seq, "units", units);
    if (!o) {
        hb_fail(err, HB_EINTERNAL, "out of memory");
        return NULL;
    }
    if (views_history(l, st, &f->history, limit, o, err)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* One facility of the list: who it is, then the occupancy figures of
 * rules/occupancy.h (the same numbers as the occupancy report's facility rows). */
static json_t *summary_json(const state *s, const st_facility *f)
{
    occupancy_row r;
    occupancy_facility(s, f, &r);
    return json_pack("{s:s, s:s, s:o, s:s, s:o, s:I, s:I, s:I, s:o, s:b, s:b, s:I, s:I}",
                     "facility", f->id, "name", f->name, "country", views_jcc(f->country.cc),
                     "kind", en(ENUM_FACILITY_KIND, f->kind), "contact", views_jstr(f->contact),
                     "held", (json_int_t)r.held, "capacity", (json_int_t)r.capacity,
                     "design_capacity", (json_int_t)r.design_capacity, "percent_of_capacity",
                     r.percent_of_capacity >= 0 ? json_integer(r.percent_of_capacity) : json_null(),
                     "over_capacity", r.over_capacity, "over_design_capacity", r.over_design,
                     "units", (json_int_t)f->n_units, "registered_seq",
                     (json_int_t)f->registered_seq);
}

json_t *views_facilities(const state *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < state_count_facilities(s); i++)
        if (json_array_append_new(a, summary_json(s, state_facility_at(s, (uint32_t)i)))) {
            json_decref(a);
            a = NULL;
        }
    return a ? json_pack("{s:o}", "facilities", a) : NULL;
}
