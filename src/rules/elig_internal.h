/* elig_internal: what one elig_check call prepares once (the holds active at its
 * moment, the capacity already taken) and the per-person checks then only read.
 * The state has no index of holds by person nor of persons by transfer, and rules
 * may not add one to it: each check builds its own from the pools, in one pass. */
#ifndef HB_ELIG_INTERNAL_H
#define HB_ELIG_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "rules/eligibility.h"

/* A set of pool indexes: open addressing, grows by itself. Owner calls
 * elig_set_free. */
typedef struct {
    uint32_t *keys; /* ST_NONE marks a free slot */
    uint32_t cap, n;
} elig_set;

/* 1 when added, 0 when already there, -1 on out of memory. */
int elig_set_add(elig_set *s, uint32_t k);
bool elig_set_has(const elig_set *s, uint32_t k);
void elig_set_free(elig_set *s);

typedef struct elig_hslot elig_hslot;
typedef struct elig_hlink elig_hlink;

/* The holds active at the plan's moment: those that cover every person on the
 * plan (by its authority or destination country), and the others by person. */
typedef struct {
    uint32_t *wide; /* hold indexes, ascending (so in seq order) */
    uint32_t n_wide;
    elig_hslot *slots; /* person -> first link; mask + 1 slots */
    uint32_t mask;
    elig_hlink *links;
} elig_holds;

/* Everything one check reads besides the person. Owner calls elig_ctx_free. */
typedef struct {
    const state *s;
    const elig_plan *p;
    int32_t date; /* the UTC date of p->at_us */
    const st_facility *to;
    const st_agreement *ag; /* NULL for a domestic plan */
    elig_holds holds;
    /* capacity: persons counted before this plan (a set, so nobody counts twice),
     * and the persons this plan has cleared so far */
    int64_t fac_limit, ag_limit;
    bool ag_limited; /* a max_persons, or no place at all (agreement not in force) */
    bool ag_exact;   /* the agreement's count was taken person by person */
    elig_set fac_counted, ag_counted;
    uint32_t fac_base, ag_base, fac_cleared, ag_cleared;
} elig_ctx;

int elig_holds_build(elig_ctx *c);
void elig_holds_free(elig_holds *h);
int elig_capacity_prepare(elig_ctx *c, uint32_t n_plan);

/* Per person: each adds its reason to v when it applies. */
void elig_holds_check(const elig_ctx *c, uint32_t pi, elig_verdict *v);
/* A cache hint: fetches the person's slot of the hold index. */
void elig_holds_prefetch(const elig_ctx *c, uint32_t pi);
void elig_refoulement_check(const elig_ctx *c, const st_person *p, elig_verdict *v);
void elig_clauses_check(const elig_ctx *c, const st_person *p, elig_verdict *v);
/* cleared: no other reason applies, so the person takes a place when one is left. */
void elig_capacity_check(elig_ctx *c, uint32_t pi, elig_verdict *v, bool cleared);
void elig_custody_check(const elig_ctx *c, const st_person *p, elig_verdict *v);

/* Why a person is not in custody at the origin, for the check and its sentence. */
typedef enum {
    CUSTODY_OK,
    CUSTODY_NOT_HELD,  /* never admitted, released, deceased or in transit */
    CUSTODY_ELSEWHERE, /* held at another facility than the origin */
    CUSTODY_NO_BASIS,
    CUSTODY_BASIS_ENDED,
} elig_custody;
elig_custody elig_custody_of(const elig_plan *pl, int32_t date, const st_person *p);

/* ---- the records, as of a moment (elig_records.c) ---- */

/* The agreement's conditions, or all-absent ones when it has none. */
const ev_conditions *elig_conditions(const st_agreement *a);
/* Whether the agreement allots places at the destination at the plan's moment:
 * signed by then, in force on its date, covering the facility. */
bool elig_agreement_allots(const st_agreement *a, uint32_t to, int64_t at_us, int32_t date);
/* Certified capacity: the sum of the units' capacities, or the design capacity. */
int64_t elig_facility_capacity(const state *s, const st_facility *f);

bool elig_cc_eq(hb_cc a, hb_cc b);
/* Status i counts at (at_us, date): recorded by then, valid on the date, and not
 * replaced by a later record of the same status, jurisdiction and country. */
bool elig_status_applies(const st_person *p, uint32_t i, int64_t at_us, int32_t date);
/* Index of the latest consent to transfer recorded by at_us, or -1. */
int32_t elig_latest_consent(const st_person *p, int64_t at_us);
/* Index of the final conviction recorded by at_us whose sentence ends last, or -1. */
int32_t elig_longest_sentence(const st_person *p, int64_t at_us);
bool elig_has_final_conviction(const st_person *p, int64_t at_us);
bool elig_has_nationality(const st_person *p, hb_cc cc);

/* Opens reason c on v (codes must be opened in code order). */
elig_reason *elig_reason_open(elig_verdict *v, reason_code c);
/* Keeps evidence ascending, without repeats, the lowest ELIG_MAX_EVIDENCE. */
void elig_evidence_add(elig_reason *r, int64_t seq);

/* The hold placed at seq, by binary search (pool order is seq order), or ST_NONE. */
uint32_t elig_hold_by_seq(const state *s, int64_t seq);
#endif
