/* After the arrival: what inspectors and families later reported about the
 * conditions, a headcount, unpaid work, and a death in custody. */
#include "cli/demo_internal.h"

#define WORKER 6 /* a transfer person with nothing on record */

static void condition(demo_ctx *d, const char *at, const char *unit, const char *metric,
                      double value)
{
    synth_w_begin(&d->w, "condition.observed", at);
    synth_w_str(&d->w, "facility", DEMO_PRISON);
    synth_w_str(&d->w, "unit", unit);
    synth_w_str(&d->w, "metric", metric);
    synth_w_num(&d->w, "value", value);
    synth_w_end(&d->w);
}

/* The first cell the transfer's people were put in. */
static int arrival_cell(const demo_ctx *d)
{
    for (int t = 0; t < DEMO_TRANSFER_PERSONS; t++)
        if (d->departed[t]) return d->cell_of[demo_tp(t)];
    return 7 * DEMO_CELLS_PER_MODULE;
}

static void count(demo_ctx *d, int cell)
{
    char at[32], unit[16], id[32];
    demo_at(at, 2025, 3, 19, 6, 0, DEMO_SV_OFFSET);
    demo_cell_id(unit, cell);
    synth_w_begin(&d->w, "count.recorded", at);
    synth_w_str(&d->w, "facility", DEMO_PRISON);
    synth_w_str(&d->w, "unit", unit);
    synth_w_array(&d->w, "present");
    for (int i = 0; i < DEMO_PERSONS; i++) {
        if (d->cell_of[i] != cell) continue;
        demo_person_id(id, i);
        synth_w_str(&d->w, NULL, id);
    }
    synth_w_close(&d->w, ']');
    synth_w_end(&d->w);
}

/* "Zero idleness": work without pay or consent, by someone never convicted. */
static void work(demo_ctx *d)
{
    char at[32], id[32];
    demo_at(at, 2025, 3, 20, 8, 0, DEMO_SV_OFFSET);
    demo_person_id(id, demo_tp(WORKER));
    synth_w_begin(&d->w, "work.logged", at);
    synth_w_str(&d->w, "person", id);
    synth_w_str(&d->w, "programme", "Cero Ocio (zero idleness)");
    synth_w_num(&d->w, "hours", 8);
    synth_w_bool(&d->w, "consented", 0);
    synth_w_end(&d->w);
}

static void death(demo_ctx *d)
{
    char at[32], id[32];
    /* A resident of module 3, found from a seeded starting point. */
    int i = (int)synth_below(&d->rng, DEMO_RESIDENTS);
    while (d->cell_of[i] / DEMO_CELLS_PER_MODULE != 2)
        i = (i + 1) % DEMO_RESIDENTS;
    d->cell_of[i] = DEMO_NO_CELL;
    demo_person_id(id, i);
    demo_at(at, 2025, 3, 22, 3, 10, DEMO_SV_OFFSET);
    synth_w_begin(&d->w, "custody.died", at);
    synth_w_str(&d->w, "person", id);
    synth_w_str(&d->w, "cause", "not disclosed by the facility");
    synth_w_end(&d->w);
}

void demo_aftermath(demo_ctx *d)
{
    char at[32], unit[16];
    int cell = arrival_cell(d);
    demo_cell_id(unit, cell);
    demo_at(at, 2025, 3, 18, 10, 0, DEMO_SV_OFFSET);
    condition(d, at, unit, "temperature_c", 35);
    condition(d, at, unit, "light_hours_per_day", 24);
    condition(d, at, unit, "out_of_cell_hours_per_day", 0.5);
    condition(d, at, unit, "mattresses", 0);
    count(d, cell);
    work(d);
    death(d);
}
