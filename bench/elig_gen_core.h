/* elig_gen_core: what the generator of bench_eligibility shares: its
 * configuration and fixed names (the transfer checked, its authority, the
 * countries), the generator's state, a seeded random source (splitmix64), times
 * around the check and the ids it writes, and eg_emit, which hands each event to
 * the sink with the next seq. Header-only (see elig_gen.h). */
#ifndef HB_BENCH_ELIG_GEN_CORE_H
#define HB_BENCH_ELIG_GEN_CORE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/event.h"
#include "util/err.h"
#include "util/hbtime.h"

#define EG_TRANSFER "T-1"
#define EG_AUTHORITY "DHS"
#define EG_SENDING "US"
#define EG_DEST_COUNTRY "SV"
#define EG_MIN_SENTENCE 180 /* days */
#define EG_N_FAC 13         /* F-ORIG, F-DEST, F-DEST2, F-US-01 .. F-US-10 */
#define EG_UNITS 20         /* per facility */

typedef struct {
    uint32_t persons, transfer, holds;
    uint64_t seed;
} eg_config;

/* Receives each event with its seq; nonzero stops the run (returned as is). */
typedef int (*eg_sink)(void *ctx, int64_t seq, const event *ev);

/* What one run produced, for the report. */
typedef struct {
    size_t events, holds_by_person, holds_other, holds_lifted;
    int64_t dest_capacity, max_persons; /* as certified and signed */
} eg_stats;

/* Roles of persons beyond the transfer, as shares of T in 1/1000. dest: held at
 * F-DEST on an A-1 basis; dest2: at F-DEST2 on an agreement basis (one in ten
 * naming A-2, one in ten an agreement the ledger does not know); dest2_sentence:
 * there on a sentence; then the persons of the other transfers, all from F-ORIG
 * under A-1: T-0 approved to F-DEST, T-00 approved to F-DEST2, T-000 departed to
 * F-DEST, T-0000 cancelled, T-00000 arrived at F-DEST2. */
enum {
    R_OTHER,
    R_TRANSFER,
    R_DEST,
    R_DEST2,
    R_DEST2_SENTENCE,
    R_T0,
    R_T00,
    R_T000,
    R_T0000,
    R_T00000,
    R__COUNT
};
static const uint16_t EG_ROLE_PERMILLE[R__COUNT] = {0, 0, 100, 50, 10, 20, 10, 10, 10, 10};

typedef struct {
    const eg_config *cfg;
    eg_sink sink;
    void *ctx;
    eg_stats st;
    uint64_t rng;
    int64_t seq, at;              /* at: the check time (the plan's at_us) */
    int32_t date;                 /* its UTC date */
    uint8_t *role;                /* by person number - 1 */
    uint32_t *order;              /* person numbers in role order: the transfer's first */
    uint32_t first[R__COUNT + 1]; /* order[first[r] .. first[r + 1]) have role r (r >= 1) */
    char at_text[32], t1[32], t2[32];
    char ids[8][40]; /* scratch ids of the event being built */
} eg;

/* The check time: 2025-03-15T12:00:00Z. */
static inline int64_t eg_check_time(void)
{
    return hb_days_from_civil(2025, 3, 15) * HB_US_PER_DAY + 12 * 3600 * 1000000ll;
}

static const char *const EG_FAC_IDS[EG_N_FAC] = {
    "F-ORIG",  "F-DEST",  "F-DEST2", "F-US-01", "F-US-02", "F-US-03", "F-US-04",
    "F-US-05", "F-US-06", "F-US-07", "F-US-08", "F-US-09", "F-US-10"};
enum { EG_ORIG, EG_DEST, EG_DEST2, EG_US0 };

/* The facility number of an id, or -1. */
static inline int eg_facility_no(hb_str id)
{
    for (int i = 0; i < EG_N_FAC; i++)
        if (id.p && strlen(EG_FAC_IDS[i]) == id.n && memcmp(EG_FAC_IDS[i], id.p, id.n) == 0)
            return i;
    return -1;
}

/* The number in "P-0001234", "H-0000012", "U-07" ... (ids the generator wrote). */
static inline int64_t eg_id_no(hb_str id)
{
    int64_t v = 0;
    for (uint32_t i = 2; i < id.n; i++)
        v = v * 10 + (id.p[i] - '0');
    return v;
}

static uint64_t eg_next(eg *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint64_t eg_below(eg *g, uint64_t n)
{
    return n ? eg_next(g) % n : 0;
}

/* True with probability pm/1000. */
static int eg_pm(eg *g, unsigned pm)
{
    return eg_below(g, 1000) < pm;
}

static int64_t eg_days_us(int64_t days)
{
    return days * HB_US_PER_DAY;
}

/* A moment up to `days` days before the check (at least one second before). */
static int64_t eg_before(eg *g, int64_t days)
{
    return g->at - 1000000 - (int64_t)eg_below(g, (uint64_t)eg_days_us(days));
}

static int64_t eg_after(eg *g, int64_t days)
{
    return g->at + 1000000 + (int64_t)eg_below(g, (uint64_t)eg_days_us(days));
}

static hb_str eg_s(const char *p)
{
    return (hb_str){p, p ? (uint32_t)strlen(p) : 0};
}

static hb_time eg_time(int64_t us, char text[32])
{
    hbtime_format_utc(us, text);
    return (hb_time){{text, (uint32_t)strlen(text)}, us};
}

static hb_cc eg_cc(const char *c)
{
    hb_cc v = {{0}};
    if (c) memcpy(v.cc, c, 2);
    return v;
}

static const char *eg_id(eg *g, int slot, const char *prefix, uint64_t n, int width)
{
    snprintf(g->ids[slot], sizeof g->ids[slot], "%s-%0*llu", prefix, width, (unsigned long long)n);
    return g->ids[slot];
}

static const char *eg_person_id(eg *g, int slot, uint32_t p)
{
    return eg_id(g, slot, "P", p, 7);
}

static int eg_emit(eg *g, event *ev, int64_t at)
{
    ev->at = eg_time(at, g->at_text);
    g->st.events++;
    return g->sink(g->ctx, ++g->seq, ev);
}

#endif
