/* eligibility: may these persons be moved on this transfer at this moment?
 *
 * A verdict per person: cleared, or blocked with EVERY reason that applies (never
 * only the first), each with its code (DESIGN.md "Rules"), and the seqs of the
 * events that are its evidence. Pure functions over state: no I/O; the
 * per-person path does not allocate (the caller owns the verdict storage).
 *
 * Time: a check is "as of" plan.at_us. Records (holds placed and lifted,
 * statuses, convictions, consents, the agreement) count only when their event's
 * `at` is not later than at_us; a hold applies from effective_from (inclusive)
 * until `until` (exclusive) and stops applying at its lift's `at`; a status
 * applies from valid_from to valid_until (dates, inclusive, compared with the
 * UTC date of at_us), and a later status.recorded of the same status, jurisdiction
 * and country replaces an earlier one (how a decided claim is closed). Custody and
 * occupancy are read from the state as it is: to ask about a moment in the past,
 * pass a state replayed up to that moment (ledger_state_as_of).
 *
 * Codes and what blocks:
 *   HOLD_COURT_ORDER          an active hold covers the person, the plan's
 *                             authority, or the destination facility's country
 *   NON_REFOULEMENT           withholding_of_removal or cat_protection whose
 *                             country is the destination's; asylum_pending when
 *                             the destination is outside the claim's jurisdiction
 *   SENDING_STATE_NATIONAL    a citizen (status citizen in the agreement's sending
 *                             state, or a nationality equal to it) and the
 *                             agreement does not allow_sending_state_nationals
 *   NO_FINAL_CONVICTION       require_final_conviction and no final conviction
 *                             (allegations and non-final convictions never count)
 *   NATIONALITY_NOT_COVERED   the agreement lists nationalities; the person has none
 *   NO_CONSENT                require_consent and no consent to transfer given
 *                             (the latest consent.recorded to=transfer decides)
 *   SENTENCE_TOO_SHORT        min_sentence_remaining_days and the longest final
 *                             sentence (conviction date + sentence_days) leaves less
 *                             than that many days after the plan's date
 *   CAPACITY                  the destination facility's held + already approved
 *                             (on other transfers, still held) + in transit to it
 *                             + the persons cleared before this one on this plan
 *                             would exceed its certified capacity (the sum of its
 *                             units' capacities; design_capacity when it has no
 *                             certified unit); the same against the agreement's
 *                             max_persons (persons held at the agreement's
 *                             facilities with basis agreement or arrived on a
 *                             transfer under it + approved + in transit under it).
 *                             An agreement not signed by at_us, not in force on its
 *                             date (starts..ends) or not covering the destination
 *                             allots no place: CAPACITY for everyone.
 *   NOT_IN_CUSTODY            not held at the plan's from_facility (any facility
 *                             when ST_NONE), or held with no basis recorded, or
 *                             with a basis whose `until` date has passed
 * Transfers without an agreement (domestic) skip the agreement codes.
 * Evidence: the hold.placed / status / conviction / consent seqs; clause codes add
 * the agreement's signed seq, and the person's registration seq where an absence
 * is the point; CAPACITY the facility's registration and/or the agreement;
 * NOT_IN_CUSTODY the event that put the person where they are (registration when
 * never admitted). The lowest ELIG_MAX_EVIDENCE seqs are kept; n_more counts the
 * rest. */
#ifndef HB_ELIGIBILITY_H
#define HB_ELIGIBILITY_H
#include <stdbool.h>
#include <stdint.h>
#include "state/state.h"
#include "util/buf.h"

typedef enum {
    RC_HOLD_COURT_ORDER,
    RC_NON_REFOULEMENT,
    RC_SENDING_STATE_NATIONAL,
    RC_NO_FINAL_CONVICTION,
    RC_NATIONALITY_NOT_COVERED,
    RC_NO_CONSENT,
    RC_SENTENCE_TOO_SHORT,
    RC_CAPACITY,
    RC_NOT_IN_CUSTODY,
    RC__COUNT
} reason_code;

#define ELIG_MAX_EVIDENCE 8

typedef struct {
    reason_code code;
    uint8_t n_evidence;
    uint16_t n_more;                     /* evidence seqs left out (beyond the array) */
    int64_t evidence[ELIG_MAX_EVIDENCE]; /* seqs, ascending, no repeats */
} elig_reason;

typedef struct {
    uint32_t person; /* pool index */
    bool blocked;
    uint8_t n_reasons;
    /* CAPACITY's figures: how many the destination facility and the agreement's
     * allotment would count with this person (0 when not counted). Next to the
     * header so that a cleared verdict is written in one cache line. */
    uint32_t load_facility, load_agreement;
    elig_reason reasons[RC__COUNT]; /* in reason_code order */
} elig_verdict;

/* What is planned: a transfer, or any persons + destination + authority + agreement. */
typedef struct {
    uint32_t from_facility, to_facility; /* pool indexes; from may be ST_NONE (anywhere) */
    uint32_t agreement;                  /* or ST_NONE */
    const char *authority;               /* may be NULL */
    uint32_t transfer;                   /* the transfer checked, or ST_NONE: its own
                                            approvals are not "already approved" */
    int64_t at_us;
} elig_plan;

/* The plan of a stored transfer at a moment. */
elig_plan elig_plan_of(const state *s, const st_transfer *t, int64_t at_us);

/* Verdicts for persons[0..n) in order (capacity is consumed in that order).
 * out[n] is caller-owned. 0; HB_EINPUT when the plan names no destination or an
 * index is out of range (out untouched); HB_EINTERNAL on out of memory. Costs one
 * pass over the holds and the transfers, then O(records) per person. */
int elig_check(const state *s, const elig_plan *p, const uint32_t *persons, uint32_t n,
               elig_verdict *out);

/* "HOLD_COURT_ORDER" ... */
const char *elig_code_name(reason_code c);
/* One sentence for people naming the rule's source, appended to out (for a
 * verdict elig_check gave on this state and plan). 0 or HB_EINTERNAL. */
int elig_explain(const state *s, const elig_plan *p, const elig_verdict *v, const elig_reason *r,
                 buf *out);
#endif
