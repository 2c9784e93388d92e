/* elig_gen: the synthetic world of bench_eligibility, built as typed events in C.
 *
 * One pass, deterministic for a seed, events in seq order to a sink: facilities
 * and units, agreements A-1 (US -> SV, the one checked) and A-2, N persons with
 * their nationalities, statuses, convictions, consents and custody
 * (elig_gen_persons.h), H holds placed then some lifted, the other transfers
 * under A-1 (approved, departed, cancelled, arrived) and last EG_TRANSFER, the
 * transfer checked, of T persons in random order (elig_gen_holds.h). Running it
 * twice with the same config yields the same events (the bench does: once into
 * a state, once into SQLite).
 *
 * The mix makes every rule of src/rules/eligibility.h fire, and puts records on
 * both sides of each time boundary: records and lifts recorded after the check
 * time, holds that start, end or are lifted exactly at it, statuses valid until
 * the check date, consents withdrawn later, custody changed after the check.
 * Header-only because CMake makes an executable of every bench/bench_*.c. */
#ifndef HB_BENCH_ELIG_GEN_H
#define HB_BENCH_ELIG_GEN_H
#include "elig_gen_holds.h"
#include "elig_gen_persons.h"

/* Roles: a partial shuffle of all persons; the transfer's come first, in the
 * order they are proposed (so the transfer is in random person order). */
static int eg_roles(eg *g)
{
    uint32_t n = g->cfg->persons, t = g->cfg->transfer;
    g->role = calloc(n, 1);
    g->order = malloc((size_t)n * sizeof *g->order);
    if (!g->role || !g->order) return HB_EINTERNAL;
    for (uint32_t i = 0; i < n; i++)
        g->order[i] = i + 1;
    g->first[R_TRANSFER] = 0;
    g->first[R_TRANSFER + 1] = t;
    for (int r = R_DEST; r < R__COUNT; r++)
        g->first[r + 1] = g->first[r] + (uint32_t)((uint64_t)t * EG_ROLE_PERMILLE[r] / 1000);
    for (uint32_t i = 0; i < g->first[R__COUNT]; i++) {
        uint32_t j = i + (uint32_t)eg_below(g, n - i), tmp = g->order[i];
        g->order[i] = g->order[j];
        g->order[j] = tmp;
    }
    for (int r = R_TRANSFER; r < R__COUNT; r++)
        for (uint32_t i = g->first[r]; i < g->first[r + 1]; i++)
            g->role[g->order[i] - 1] = (uint8_t)r;
    return 0;
}

static uint32_t eg_share(const eg *g, int r)
{
    return g->first[r + 1] - g->first[r];
}

/* Runs the whole world through sink. 0, the sink's nonzero code, or HB_EINTERNAL;
 * HB_EINPUT when persons < 2 * transfer or holds < the wide holds. */
static int eg_run(const eg_config *cfg, eg_sink sink, void *ctx, eg_stats *stats)
{
    if (cfg->transfer < 100 || cfg->persons / 2 < cfg->transfer || cfg->holds < EG_N_WIDE)
        return HB_EINPUT;
    eg g = {.cfg = cfg, .sink = sink, .ctx = ctx, .rng = cfg->seed * 0x9e3779b97f4a7c15ull + 7};
    g.at = eg_check_time();
    g.date = hbtime_date(g.at);
    int rc = eg_roles(&g);
    /* Room at F-DEST: what is held, approved and on the way there, plus 30 % of
     * the transfer; under A-1: its persons plus 27 % of the transfer for odd
     * seeds (the agreement's limit binds first), 33 % for even ones (the
     * facility's does). */
    int64_t dest_used = eg_share(&g, R_DEST) + eg_share(&g, R_T0) + eg_share(&g, R_T000);
    int64_t unit_cap = (dest_used + (int64_t)cfg->transfer * 30 / 100) / EG_UNITS + 1;
    int64_t agr_used =
        dest_used + eg_share(&g, R_DEST2) * 9 / 10 + eg_share(&g, R_T00) + eg_share(&g, R_T00000);
    if (!rc) rc = eg_facilities(&g, unit_cap);
    int64_t ag_room = (int64_t)cfg->transfer * (cfg->seed % 2 ? 27 : 33) / 100;
    if (!rc) rc = eg_agreement(&g, agr_used + ag_room);
    if (!rc) rc = eg_persons(&g);
    if (!rc) rc = eg_holds(&g);
    if (!rc) rc = eg_transfers(&g);
    free(g.role);
    free(g.order);
    *stats = g.st;
    return rc;
}
#endif
