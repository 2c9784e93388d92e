/* elig_gen_holds: the holds (by person, by authority, by destination country;
 * placed, then some lifted) and the transfers (the other ones under A-1, then
 * the one checked), as typed events. Header-only (see elig_gen.h). */
#ifndef HB_BENCH_ELIG_GEN_HOLDS_H
#define HB_BENCH_ELIG_GEN_HOLDS_H
#include "elig_gen_core.h"

typedef struct {
    int64_t placed, from, until, lifted; /* until, lifted: 0 when none */
} eg_window;

/* Holds by authority or destination country: each kind of near miss for the
 * plan's (lifted before, starting after, ending exactly at, lifted exactly at,
 * recorded after the check), and active ones for other authorities and
 * countries. One active on the plan's would block every person. */
static const struct {
    const char *authority, *country;
    int shape; /* 0 active, 1 lifted before, 2 starts after, 3 until == at, 4 lifted at,
                  5 recorded after */
} EG_WIDE[] = {{EG_AUTHORITY, NULL, 1}, {EG_AUTHORITY, NULL, 2}, {EG_AUTHORITY, NULL, 3},
               {EG_AUTHORITY, NULL, 4}, {EG_AUTHORITY, NULL, 5}, {"ICE", NULL, 0},
               {"BOP", NULL, 0},        {NULL, "SV", 1},         {NULL, "SV", 2},
               {NULL, "SV", 3},         {NULL, "SV", 5},         {NULL, "HN", 0},
               {NULL, "GT", 0}};
#define EG_N_WIDE (sizeof EG_WIDE / sizeof *EG_WIDE)

static eg_window eg_wide_window(eg *g, int shape)
{
    eg_window w = {eg_before(g, 30) - eg_days_us(2), 0, 0, 0};
    w.from = w.placed;
    if (shape == 1) w.lifted = eg_before(g, 1);
    if (shape == 2) w.from = g->at + 1;
    if (shape == 3) w.until = g->at;
    if (shape == 4) w.lifted = g->at;
    if (shape == 5) w.placed = eg_after(g, 2);
    return w;
}

static eg_window eg_person_window(eg *g)
{
    eg_window w = {0, 0, 0, 0};
    uint64_t r = eg_below(g, 1000);
    w.from = r < 20 ? g->at : r < 100 ? eg_after(g, 30) : eg_before(g, 400);
    r = eg_below(g, 1000);
    if (r < 20 && w.from < g->at)
        w.until = g->at; /* exclusive: no longer applies at the check */
    else if (r >= 600)
        w.until = w.from + 3600000000ll + (int64_t)eg_below(g, (uint64_t)eg_days_us(200));
    r = eg_below(g, 1000);
    w.placed = r < 5    ? g->at
               : r < 35 ? eg_after(g, 10)
                        : w.from - (int64_t)eg_below(g, 3 * 86400) * 1000000;
    if (eg_pm(g, 250))
        w.lifted = eg_pm(g, 40)
                       ? g->at
                       : w.placed + 3600000000ll + (int64_t)eg_below(g, (uint64_t)eg_days_us(300));
    if (w.lifted && w.lifted < w.placed) w.lifted = w.placed;
    return w;
}

static bool eg_named(const hb_str *ps, int32_t n, uint32_t p)
{
    for (int32_t k = 0; k < n; k++)
        if (eg_id_no(ps[k]) == p) return true;
    return false;
}

/* A person in a hold's scope, not yet named in ps[0..n): one in ten from the
 * transfer, the rest from anyone. */
static uint32_t eg_hold_person(eg *g, const hb_str *ps, int32_t n)
{
    uint32_t p = eg_pm(g, 100) ? g->order[eg_below(g, g->cfg->transfer)]
                               : 1 + (uint32_t)eg_below(g, g->cfg->persons);
    while (eg_named(ps, n, p))
        p = p % g->cfg->persons + 1;
    return p;
}

static int eg_place(eg *g, uint64_t h, const eg_window *w, const hb_strs *persons,
                    const char *authority, const char *country)
{
    static const char *const courts[] = {"D.D.C.", "S.D. Tex.", "D. Md.", "9th Cir."};
    event ev = {.type = EV_HOLD_PLACED};
    ev_hold_placed *e = &ev.u.hold_placed;
    e->hold = eg_s(eg_id(g, 7, "H", h, 7));
    e->kind = (int8_t)eg_below(g, HOLD__COUNT);
    e->issued_by = eg_s(courts[eg_below(g, 4)]);
    e->case_ = eg_s(eg_id(g, 6, "CV", h, 7));
    e->effective_from = eg_time(w->from, g->t1);
    if (w->until) e->until = eg_time(w->until, g->t2);
    e->scope.present = true;
    e->scope.persons = *persons;
    e->scope.authority = eg_s(authority);
    e->scope.destination_country = eg_cc(country);
    return eg_emit(g, &ev, w->placed);
}

/* Places every hold, remembering when each is lifted (lifts[h - 1], 0 if never). */
static int eg_place_holds(eg *g, int64_t *lifts)
{
    int rc = 0;
    for (uint32_t h = 1; h <= g->cfg->holds && !rc; h++) {
        eg_window w;
        hb_str ps[5];
        hb_strs persons = {ps, -1};
        if (h <= EG_N_WIDE) {
            w = eg_wide_window(g, EG_WIDE[h - 1].shape);
            rc = eg_place(g, h, &w, &persons, EG_WIDE[h - 1].authority, EG_WIDE[h - 1].country);
            g->st.holds_other++;
        } else {
            w = eg_person_window(g);
            uint64_t r = eg_below(g, 100);
            persons.n = r < 70 ? 1 : r < 90 ? 2 : 3 + (int32_t)eg_below(g, 3);
            for (int32_t i = 0; i < persons.n; i++)
                ps[i] = eg_s(eg_person_id(g, i, eg_hold_person(g, ps, i)));
            rc = eg_place(g, h, &w, &persons, NULL, NULL);
            g->st.holds_by_person++;
        }
        lifts[h - 1] = w.lifted;
    }
    return rc;
}

static int eg_holds(eg *g)
{
    int64_t *lifts = calloc(g->cfg->holds ? g->cfg->holds : 1, sizeof *lifts);
    if (!lifts) return HB_EINTERNAL;
    int rc = eg_place_holds(g, lifts);
    for (uint32_t h = 1; h <= g->cfg->holds && !rc; h++) {
        if (!lifts[h - 1]) continue;
        event ev = {.type = EV_HOLD_LIFTED};
        ev.u.hold_lifted = (ev_hold_lifted){eg_s(eg_id(g, 7, "H", h, 7)), eg_s("D.C. Cir."),
                                            eg_s("stayed pending appeal")};
        rc = eg_emit(g, &ev, lifts[h - 1]);
        g->st.holds_lifted++;
    }
    free(lifts);
    return rc;
}

/* --- transfers ------------------------------------------------------------------------- */

/* The ids of order[from .. to): an array pointing into *text; the caller frees
 * both (NULL on OOM). */
static hb_str *eg_id_list(const eg *g, uint32_t from, uint32_t to, char **text)
{
    uint32_t n = to - from;
    hb_str *v = malloc((n ? n : 1) * sizeof *v);
    *text = malloc((size_t)(n ? n : 1) * 16);
    if (!v || !*text) {
        free(v);
        free(*text);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        char *s = *text + (size_t)i * 16;
        int len = snprintf(s, 16, "P-%07u", g->order[from + i]);
        v[i] = (hb_str){s, (uint32_t)len};
    }
    return v;
}

/* Proposes a transfer of the persons with role r to facility `to`, then takes
 * the steps (EV_TRANSFER_APPROVED ...; -1 ends the list). */
static int eg_transfer(eg *g, const char *id, int r, int to, const event_type *steps, int64_t at)
{
    char *text;
    uint32_t from = g->first[r], n = g->first[r + 1] - from;
    hb_str *ids = eg_id_list(g, from, from + n, &text);
    if (!ids) return HB_EINTERNAL;
    event ev = {.type = EV_TRANSFER_PROPOSED};
    ev_transfer_proposed *e = &ev.u.transfer_proposed;
    e->transfer = eg_s(id);
    e->from_facility = eg_s(EG_FAC_IDS[EG_ORIG]);
    e->to_facility = eg_s(EG_FAC_IDS[to]);
    e->agreement = eg_s("A-1");
    e->authority = eg_s(EG_AUTHORITY);
    e->persons = (hb_strs){ids, (int32_t)n};
    e->departure_planned = eg_time(g->at + eg_days_us(2), g->t1);
    int rc = n ? eg_emit(g, &ev, at) : 0;
    for (int k = 0; n && !rc && steps[k] != (event_type)-1; k++) {
        event sv = {.type = steps[k]};
        sv.u.transfer_step = (ev_transfer_step){eg_s(id), {ids, (int32_t)n}};
        rc = eg_emit(g, &sv, at + eg_days_us(k + 1) / 4);
    }
    free(ids);
    free(text);
    return rc;
}

static int eg_transfers(eg *g)
{
    static const event_type approve[] = {EV_TRANSFER_APPROVED, (event_type)-1},
                            depart[] = {EV_TRANSFER_APPROVED, EV_TRANSFER_DEPARTED, (event_type)-1},
                            cancel[] = {EV_TRANSFER_CANCELLED, (event_type)-1},
                            arrive[] = {EV_TRANSFER_APPROVED, EV_TRANSFER_DEPARTED,
                                        EV_TRANSFER_ARRIVED, (event_type)-1},
                            none[] = {(event_type)-1};
    int64_t at = g->at - eg_days_us(3);
    int rc = eg_transfer(g, "T-0", R_T0, EG_DEST, approve, at);
    if (!rc) rc = eg_transfer(g, "T-00", R_T00, EG_DEST2, approve, at);
    if (!rc) rc = eg_transfer(g, "T-000", R_T000, EG_DEST, depart, at);
    if (!rc) rc = eg_transfer(g, "T-0000", R_T0000, EG_DEST, cancel, at);
    if (!rc) rc = eg_transfer(g, "T-00000", R_T00000, EG_DEST2, arrive, at);
    if (!rc) rc = eg_transfer(g, EG_TRANSFER, R_TRANSFER, EG_DEST, none, g->at - eg_days_us(1));
    return rc;
}

#endif
