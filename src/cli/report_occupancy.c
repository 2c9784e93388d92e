/* `habeas report occupancy [--facility F]`: per facility and unit, how many are
 * held against the certified capacity, the design capacity, the beds and the
 * floor area (docs/costs.md). */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/report.h"
#include "rules/occupancy.h"
#include "util/buf.h"
#include "util/hbtime.h"
#include "views/views.h"

static const char USAGE[] =
    "usage: habeas report occupancy [--facility ID] [--json] [--db FILE]\n"
    "\n"
    "For each facility, then each of its units: the persons held there now, the\n"
    "certified capacity (a facility's is the sum of its units'), the share of it in\n"
    "use, the design capacity, the beds, the floor area and the floor area per\n"
    "person held, with a note where a place is over capacity or someone has no bed.\n"
    "\n"
    "options:\n"
    "  --facility ID  only this facility\n"
    "  --json         print JSON (a stable interface, see docs/costs.md)\n"
    "  --db FILE      the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help     show this help\n"
    "\n"
    "exit status: 0 ok; 2 bad input (no such facility, an unexpected argument);\n"
    "3 the ledger could not be read.\n"
    "\n"
    "examples:\n"
    "  habeas report occupancy --db demo.db\n"
    "  habeas report occupancy --facility F-CECOT --json\n";

/* ------------------------------------------------------------------ text */

static const char *int_cell(int64_t v, char out[24])
{
    if (v < 0) return "-";
    snprintf(out, 24, "%" PRId64, v);
    return out;
}

static const char *m2_cell(bool have, double v, char out[32])
{
    if (!have) return "-";
    snprintf(out, 32, "%.1f", v);
    return out;
}

/* "over capacity; 100 without a bed": what an inspector should look at first. */
static const char *notes_cell(const occupancy_row *r, char *out, size_t n)
{
    buf b = BUF_INIT;
    if (r->over_capacity) buf_printf(&b, "; over capacity");
    if (r->over_design) buf_printf(&b, "; over design capacity");
    if (r->without_bed) buf_printf(&b, "; %" PRId64 " without a bed", r->without_bed);
    if (r->unassigned) buf_printf(&b, "; %" PRId64 " held without a unit", r->unassigned);
    snprintf(out, n, "%s", b.len > 2 ? b.p + 2 : "");
    buf_free(&b);
    return out;
}

static int add_row(out_table *t, const occupancy_row *r, const char *kind)
{
    char held[24], cap[24], use[24], design[24], beds[24], floor[32], each[32], notes[160];
    char name[256];
    if (r->unit)
        snprintf(name, sizeof name, "  %s", r->unit->id);
    else
        snprintf(name, sizeof name, "%s", r->facility->id);
    if (r->percent_of_capacity >= 0)
        snprintf(use, sizeof use, "%" PRId64 "%%", r->percent_of_capacity);
    const char *row[10] = {
        name,
        kind,
        int_cell(r->held, held),
        int_cell(r->capacity, cap),
        r->percent_of_capacity >= 0 ? use : "-",
        int_cell(r->design_capacity, design),
        int_cell(r->beds, beds),
        m2_cell(r->has_floor, r->floor_area_m2, floor),
        m2_cell(r->has_m2_per_person, r->m2_per_person, each),
        notes_cell(r, notes, sizeof notes),
    };
    return out_table_add(t, row);
}

static int add_facility(out_table *t, const state *s, const st_facility *f)
{
    occupancy_row r;
    occupancy_facility(s, f, &r);
    int rc = add_row(t, &r, event_enum_name(ENUM_FACILITY_KIND, f->kind));
    for (uint32_t i = 0; i < f->n_units && !rc; i++) {
        const st_unit *u = state_unit_at(s, f->units[i]);
        occupancy_unit(f, u, &r);
        rc = add_row(t, &r, event_enum_name(ENUM_UNIT_KIND, u->kind));
    }
    return rc;
}

static int report_text(const state *s, const st_facility *only, const char *at)
{
    printf("Occupancy now, as of %s\n\n", at);
    size_t n = only ? 1 : state_count_facilities(s);
    if (!n) {
        printf("  no facilities recorded\n");
        return 0;
    }
    out_table t;
    out_table_init(&t, 10, "llrrrrrrrl");
    const char *head[10] = {"facility / unit", "kind", "held",     "capacity", "use",
                            "design",          "beds", "floor m2", "m2 each",  "notes"};
    int rc = out_table_add(&t, head);
    for (size_t i = 0; i < n && !rc; i++)
        rc = add_facility(&t, s, only ? only : state_facility_at(s, (uint32_t)i));
    if (!rc) out_table_print(&t, stdout, "  ");
    out_table_free(&t);
    if (rc) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    return 0;
}

static int report_json(const state *s, const st_facility *only, const char *at)
{
    json_t *j = views_occupancy(s, only, at);
    if (!j) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    return out_json(j);
}

/* ------------------------------------------------------------------ command */

int report_occupancy(int argc, char **argv)
{
    opts o;
    const char *only_id = NULL;
    opts_extra extra[] = {{"facility", &only_id, NULL}};
    int rc = opts_parse(&o, "report occupancy", USAGE, argc, argv, extra, 1);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 0, 0, "nothing"))) return rc;
    char at[28];
    int64_t now = hbtime_now();
    out_time(now - now % 1000000, at);
    ledger *l;
    if ((rc = opts_open_ledger(&o, &l))) return rc;
    const state *s = ledger_state(l);
    const st_facility *only = only_id ? state_facility(s, only_id) : NULL;
    if (only_id && !only) {
        out_error("report occupancy: no facility \"%s\" in ledger %s", only_id, o.db);
        rc = HB_EINPUT;
    } else {
        rc = o.json ? report_json(s, only, at) : report_text(s, only, at);
    }
    ledger_close(l);
    return rc;
}
