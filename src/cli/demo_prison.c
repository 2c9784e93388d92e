/* The prison: F-CECOT as registered, its cells, and the people it already held
 * before the transfer, admitted between February 2023 and February 2025. */
#include <stdio.h>
#include "cli/demo_internal.h"

/* Modules 1 to 7 hold the existing population; module 8 is where the transfer's
 * people are put on arrival. */
#define RESIDENT_CELLS (7 * DEMO_CELLS_PER_MODULE)

static void facility(demo_ctx *d)
{
    char at[32];
    demo_at(at, 2023, 1, 31, 10, 0, DEMO_SV_OFFSET);
    synth_w *w = &d->w;
    synth_w_begin(w, "facility.registered", at);
    synth_w_str(w, "facility", DEMO_PRISON);
    synth_w_str(w, "name", "Centro de Confinamiento del Terrorismo (CECOT)");
    synth_w_str(w, "country", "SV");
    synth_w_str(w, "kind", "prison");
    synth_w_int(w, "design_capacity", 40000);
    synth_w_str(w, "contact",
                "Dirección General de Centros Penales, San Salvador, El Salvador "
                "(demo contact)");
    synth_w_object(w, "security");
    synth_w_int(w, "watchtowers", 19);
    synth_w_int(w, "perimeter_walls", 2);
    synth_w_bool(w, "electrified_fence", 1);
    synth_w_close(w, '}');
    synth_w_end(w);
}

/* Cells of 80 to 100 on four-tier metal bunks (a bed each, on paper) in about
 * 100 m2: about one square metre per person. Segregation cells hold one. */
static void units(demo_ctx *d)
{
    char at[32], unit[16];
    demo_at(at, 2023, 1, 31, 11, 0, DEMO_SV_OFFSET);
    for (int c = 0; c < DEMO_CELLS; c++) {
        d->cap[c] = (int)synth_range(&d->rng, 80, 100);
        demo_cell_id(unit, c);
        double area = (double)synth_range(&d->rng, 96, 104);
        synth_ev_unit(&d->w, at, DEMO_PRISON, unit, "cell", d->cap[c], area, d->cap[c]);
    }
    for (int k = 0; k < DEMO_SEGREGATION; k++) {
        demo_cell_id(unit, DEMO_CELLS + k);
        synth_ev_unit(&d->w, at, DEMO_PRISON, unit, "segregation", 1, 4.5, 1);
    }
}

static const char *const offenses[] = {"agrupaciones ilícitas", "homicidio agravado",
                                       "extorsión agravada", "tráfico ilícito de drogas"};
static const char *const sources[] = {"régimen de excepción arrest report", "tattoo assessment",
                                      "anonymous tip line"};

/* A final conviction and a sentence: three in ten of the population. */
static void sentenced(demo_ctx *d, const char *at, const char *id, int32_t day, int i)
{
    char case_[32];
    snprintf(case_, sizeof case_, "TES-SS-%05d-%d", i + 1, 2021 + (int)synth_below(&d->rng, 3));
    int o = (int)synth_below(&d->rng, 4);
    synth_conviction c = {
        .jurisdiction = "SV",
        .court = "Tribunal Especializado de Sentencia, San Salvador",
        .case_ = case_,
        .offense = offenses[o],
        .violent = o == 1 || o == 2,
        .final = 1,
        .date = day - (int32_t)synth_range(&d->rng, 30, 900),
        .sentence_days = 365 * synth_range(&d->rng, 5, 40),
    };
    synth_ev_conviction(&d->w, at, id, &c);
    char unit[16];
    demo_cell_id(unit, d->cell_of[i]);
    synth_ev_admitted(&d->w, at, id, DEMO_PRISON, unit, "sentence", case_,
                      c.date + (int32_t)c.sentence_days, HB_DATE_ABSENT);
}

/* Held under the state of exception on an allegation alone; review dates two
 * years out (many already past), and one in twenty with none at all. */
static void pretrial(demo_ctx *d, const char *at, const char *id, int32_t day, int i)
{
    const char *src = sources[synth_below(&d->rng, 3)];
    const char *detail = synth_chance(&d->rng, 50) ? "MS-13" : "Barrio 18";
    synth_ev_allegation(&d->w, at, id, "gang_affiliation", src, detail);
    char unit[16];
    demo_cell_id(unit, d->cell_of[i]);
    int32_t review = synth_chance(&d->rng, 5) ? HB_DATE_ABSENT : day + 730;
    synth_ev_admitted(&d->w, at, id, DEMO_PRISON, unit, "pretrial",
                      "Decreto Legislativo 333 (régimen de excepción)", HB_DATE_ABSENT, review);
}

static int place(demo_ctx *d, int i)
{
    /* A handful in solitary, which the standards limit to 15 days. */
    if (i % 2000 == 1999) return DEMO_CELLS + i / 2000;
    int c = (int)synth_below(&d->rng, RESIDENT_CELLS);
    while (d->held[c] >= d->cap[c]) /* total room (>= 17,920) exceeds the population */
        c = (c + 1) % RESIDENT_CELLS;
    d->held[c]++;
    return c;
}

static void resident(demo_ctx *d, int i, int32_t day)
{
    synth_person p = {0};
    if (synth_chance(&d->rng, 97))
        synth_person_latam(&d->rng, "SV", &p);
    else
        synth_person_any(&d->rng, &p);
    char id[32], at[32], dui[24];
    demo_person_id(id, i);
    synth_time(at, day, (int32_t)synth_range(&d->rng, 6 * 3600, 20 * 3600), DEMO_SV_OFFSET);
    snprintf(dui, sizeof dui, "%08u-%u", (unsigned)synth_below(&d->rng, 100000000),
             (unsigned)synth_below(&d->rng, 10));
    synth_ev_person(&d->w, at, id, &p, "DUI", dui);
    d->cell_of[i] = (int16_t)place(d, i);
    if (synth_chance(&d->rng, 30))
        sentenced(d, at, id, day, i);
    else
        pretrial(d, at, id, day, i);
}

void demo_prison(demo_ctx *d)
{
    facility(d);
    units(d);
    int32_t first = synth_date(2023, 2, 24), last = synth_date(2025, 2, 28);
    for (int i = 0; i < DEMO_RESIDENTS; i++)
        resident(d, i, first + (int32_t)((int64_t)i * (last - first) / DEMO_RESIDENTS));
}
