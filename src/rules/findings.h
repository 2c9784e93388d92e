/* findings: custody watched against a standards profile, event by event.
 *
 * A findings set is fed every event as it is applied (findings_before with the
 * state just before the event, findings_after with the state just after: a
 * ledger_observer wires them up) and keeps two kinds of finding:
 *
 *  - event findings, raised by one event and never cleared: the departure or the
 *    arrival of a person who was blocked for that transfer at that moment (the
 *    verdict of src/rules/eligibility.h, custody at the origin not asked at
 *    arrival); a death in custody; a headcount that does not match the ledger
 *    (count.recorded: a person held there and not counted present, or counted
 *    present and not held there); a condition observed outside the profile (heat,
 *    lights on all day, too little time outdoors, fewer mattresses than
 *    occupants, more occupants than the unit's capacity); work by a person with no
 *    final conviction, without consent, or without pay.
 *  - standing findings, true of the custody state for a while: a unit or a
 *    facility over its certified capacity; floor space per person under the
 *    profile's minimum; fewer beds than persons; a person held with no `until`
 *    and no `review_by`; a review date passed; a basis's `until` passed while
 *    still held; segregation past the profile's limit. Raised when they become
 *    true and cleared when they stop (cleared_us). The timed ones (review, until,
 *    segregation) are raised at the moment their date passes, which may lie after
 *    the last event: a report as of `now` shows those whose raised_us <= now.
 *
 * Cost per event: O(persons the event names + units and facilities whose
 * occupancy it changes), never a pass over everyone. findings_scan recomputes the
 * standing findings from a state alone; tests hold the two to the same set.
 * Transactions: findings_begin / commit / rollback follow the ledger's batches;
 * rollback returns the set exactly to what it was at begin. */
#ifndef HB_FINDINGS_H
#define HB_FINDINGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/profile.h"
#include "state/state.h"
#include "util/buf.h"

typedef enum { SEV_CRITICAL, SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV__COUNT } finding_severity;

typedef enum {
    /* event findings */
    FC_BLOCKED_DEPARTURE,      /* critical: departed although blocked */
    FC_BLOCKED_ARRIVAL,        /* critical: arrived although blocked at arrival */
    FC_DEATH_IN_CUSTODY,       /* critical */
    FC_HEADCOUNT_MISSING,      /* critical: held there, not counted present */
    FC_HEADCOUNT_UNEXPECTED,   /* critical: counted present, not held there */
    FC_HEAT,                   /* temperature_c above heat_c_max */
    FC_LIGHTS_ALWAYS_ON,       /* light_hours_per_day >= light_hours_max */
    FC_NO_TIME_OUTDOORS,       /* out_of_cell_hours_per_day < outdoor_hours_min */
    FC_MATTRESSES_SHORT,       /* mattresses observed < occupants observed */
    FC_OBSERVED_OVER_CAPACITY, /* occupants observed > the unit's capacity */
    FC_WORK_NO_CONVICTION,     /* work.logged, no final conviction */
    FC_WORK_NO_CONSENT,        /* work.logged with consented false */
    FC_WORK_UNPAID,            /* work.logged with pay amount 0 */
    /* standing findings */
    FC_UNIT_OVER_CAPACITY,     /* held > unit capacity */
    FC_FACILITY_OVER_CAPACITY, /* held > certified capacity (design when no unit) */
    FC_FLOOR_SPACE,            /* floor_area_m2 / held < the profile's minimum */
    FC_BEDS_SHORT,             /* held > beds */
    FC_CUSTODY_NO_END,         /* held with no until and no review_by */
    FC_REVIEW_OVERDUE,         /* review_by passed (raised the day after), still held */
    FC_CUSTODY_PAST_END,       /* basis until passed (the day after), still held */
    FC_SEGREGATION_TOO_LONG,   /* in a segregation unit past segregation_days_max */
    FC__COUNT
} finding_code;
_Static_assert(FC__COUNT <= PROFILE_MAX_CODES, "the profile rates every code");

#define FIND_MAX_EVIDENCE 8

typedef struct {
    finding_code code;
    finding_severity severity;                 /* from the profile */
    uint32_t person, facility, unit, transfer; /* pool indexes, ST_NONE when not about one */
    int64_t seq;                               /* the event that raised it */
    int64_t raised_us;                         /* the event's `at`, or when a date passed */
    int64_t cleared_us;  /* INT64_MAX while it stands (and for event findings) */
    int64_t cleared_seq; /* the event that cleared it, or 0 */
    double value, limit; /* the figure measured and the profile's (m2, C, hours, days,
                            persons), both 0 when the code has none */
    uint32_t reasons;    /* blocked departure/arrival: bit per reason_code */
    uint8_t n_evidence;
    uint16_t n_more;
    int64_t evidence[FIND_MAX_EVIDENCE]; /* seqs, ascending, no repeats */
} finding;

typedef struct findings findings;

/* p is borrowed and must outlive the set. NULL on out of memory; owner calls
 * findings_free. */
findings *findings_new(const profile *p);
void findings_free(findings *f);

/* Feed one event: before with the state it is about to be applied to, after with
 * the state it was applied to; always both, in that order (after uses what before
 * found). Feed from the first event of the log: a set fed from the middle knows
 * nothing of what came before. 0 or HB_EINTERNAL (out of memory). */
int findings_before(findings *f, const state *s, int64_t seq, const event *ev);
int findings_after(findings *f, const state *s, int64_t seq, const event *ev);
void findings_begin(findings *f);
void findings_commit(findings *f);
void findings_rollback(findings *f);

/* Every finding raised so far, in the order raised (ascending seq; a standing
 * finding raised by an event comes before the event findings of the same seq).
 * A timed finding is listed from the event that starts its clock, with the
 * raised_us its date gives (possibly after the last event); one cleared before
 * that moment (cleared_us <= raised_us) was never raised: it stays listed but is
 * never active. Pointers stay valid until the next rollback or free. */
size_t findings_count(const findings *f);
const finding *findings_at(const findings *f, size_t i);
/* Whether a finding is raised and not cleared as of now_us. */
bool findings_active(const finding *x, int64_t now_us);

/* The standing findings that hold in s as of now_us, computed from the state
 * alone (a pass over everything): *out is malloc'd (caller frees), *n set. Their
 * code, subject (person, facility, unit) and, for the timed ones, raised_us are
 * what the incremental set gives, with one exception: a stretch in segregation
 * that began in another segregation unit than the current one (the state keeps
 * only the entry into the current unit, from which the scan counts). raised_us of
 * the others is not known to a scan (0) and evidence is the subject's own
 * registration. 0 or HB_EINTERNAL. */
int findings_scan(const state *s, const profile *p, int64_t now_us, finding **out, size_t *n);

/* "BLOCKED_DEPARTURE", "critical" ... */
const char *findings_code_name(finding_code c);
const char *findings_severity_name(finding_severity v);
/* finding code by name, or -1 */
int findings_code_of(const char *name);
/* One or two sentences for people: what was found, the figures against the
 * profile's, and the standard (e.g. "Unit C-12 holds 90 persons in 48 m2: 0.53 m2
 * each, under the 3.4 m2 of ICRC ..."). Appended to out. 0 or HB_EINTERNAL. */
int findings_explain(const state *s, const profile *p, const finding *x, buf *out);
#endif
