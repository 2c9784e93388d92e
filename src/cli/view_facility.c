/* `habeas facility ID`: the facility, who it holds against what it was certified
 * for, unit by unit (crowding shows as "OVER"), then its history. */
#include <inttypes.h>
#include <stdio.h>
#include "cli/out.h"
#include "cli/view.h"

static const char *en(event_enum e, int v)
{
    const char *s = event_enum_name(e, v);
    return s ? s : "-";
}

static bool unit_over(const st_unit *u)
{
    return (int64_t)u->held > u->capacity || (int64_t)u->held > u->beds;
}

typedef struct {
    int64_t held, capacity, beds;
    double floor;
} totals;

static void unit_row(out_table *t, const char *id, const char *kind, int64_t held, int64_t capacity,
                     int64_t beds, double floor, const char *flag)
{
    char h[24], c[24], b[24], fl[32], per[32];
    snprintf(h, sizeof h, "%" PRId64, held);
    snprintf(c, sizeof c, "%" PRId64, capacity);
    snprintf(b, sizeof b, "%" PRId64, beds);
    snprintf(fl, sizeof fl, "%.1f", floor);
    if (held > 0)
        snprintf(per, sizeof per, "%.1f", floor / (double)held);
    else
        snprintf(per, sizeof per, "-");
    const char *row[8] = {id, kind, h, c, b, fl, per, flag};
    out_table_add(t, row);
}

static void units_text(const state *s, const st_facility *f)
{
    out_table t;
    out_table_init(&t, 8, "llrrrrrl");
    const char *head[8] = {"unit", "kind", "held", "capacity", "beds", "floor m2", "m2/person", ""};
    out_table_add(&t, head);
    totals sum = {0, 0, 0, 0};
    for (uint32_t i = 0; i < f->n_units; i++) {
        const st_unit *u = state_unit_at(s, f->units[i]);
        unit_row(&t, u->id, en(ENUM_UNIT_KIND, u->kind), u->held, u->capacity, u->beds,
                 u->floor_area_m2, unit_over(u) ? "OVER" : "");
        sum.held += u->held;
        sum.capacity += u->capacity;
        sum.beds += u->beds;
        sum.floor += u->floor_area_m2;
    }
    int64_t unassigned = (int64_t)f->held - sum.held;
    if (unassigned > 0) {
        char h[24];
        snprintf(h, sizeof h, "%" PRId64, unassigned);
        const char *row[8] = {"(no unit)", "", h, "", "", "", "", ""};
        out_table_add(&t, row);
    }
    unit_row(&t, "total", "", f->held, sum.capacity, sum.beds, sum.floor,
             (int64_t)f->held > sum.capacity || (int64_t)f->held > sum.beds ? "OVER" : "");
    out_table_print(&t, stdout, "  ");
    out_table_free(&t);
}

static void security_text(const ev_security *sec)
{
    if (!sec->present) return;
    char w[24] = "-", p[24] = "-";
    if (sec->watchtowers >= 0) snprintf(w, sizeof w, "%" PRId64, sec->watchtowers);
    if (sec->perimeter_walls >= 0) snprintf(p, sizeof p, "%" PRId64, sec->perimeter_walls);
    view_field("security", "watchtowers %s, perimeter walls %s, electrified fence %s", w, p,
               sec->electrified_fence == 1   ? "yes"
               : sec->electrified_fence == 0 ? "no"
                                             : "-");
}

static int facility_text(const view_ctx *v, const st_facility *f)
{
    const state *s = ledger_state(v->l);
    printf("%s  %s\n", f->id, f->name);
    view_field("country", "%s", f->country.cc);
    view_field("kind", "%s", en(ENUM_FACILITY_KIND, f->kind));
    view_field("design capacity", "%" PRId64, f->design_capacity);
    view_field("contact", "%s", f->contact ? f->contact : "-");
    security_text(&f->security);
    if (f->design_capacity > 0)
        view_field("held now", "%u of %" PRId64 " (%.1f%% of design capacity)", f->held,
                   f->design_capacity, 100.0 * f->held / (double)f->design_capacity);
    else
        view_field("held now", "%u", f->held);
    view_field("units", "%u", f->n_units);
    view_field("registered", "seq %" PRId64, f->registered_seq);
    putchar('\n');
    if (f->n_units || f->held) {
        units_text(s, f);
        putchar('\n');
    }
    return view_history_text(v, &f->history, f->id);
}

int view_facility(const view_ctx *v, const st_facility *f)
{
    if (!v->json) return facility_text(v, f);
    hb_err err = {0};
    return view_print_json(views_facility(v->l, NULL, f, v->limit, &err), &err);
}
