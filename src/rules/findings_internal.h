/* findings_internal: the set's insides, shared by the src/rules/findings_*.c files.
 *
 * The list holds every finding in the order raised; per entity (person, unit,
 * facility, by pool index) a slot names the standing finding of each code that is
 * open, so an event re-evaluates only what it touches. Inside a transaction every
 * change to an existing finding or entity record goes to an undo log first
 * (appended findings are undone by truncation); outside one (replay) nothing is
 * recorded. The state has no lookup from an entity to its pool index, so the set
 * keeps its own, learnt as entities appear: the runs of consecutive indexes whose
 * entities lie one after another in memory (checked entity by entity, never
 * assumed), searched by address. The state keeps entities in large fixed chunks,
 * so there are few runs and a lookup touches no memory the cache does not hold. */
#ifndef HB_FINDINGS_INTERNAL_H
#define HB_FINDINGS_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/eligibility.h"
#include "rules/findings.h"

#define FND_NO_CLOCK INT64_MIN /* seg_since when not in a segregation unit */

/* Per-person standing codes, per-unit ones: the slot order. */
enum { FP_NO_END, FP_REVIEW, FP_PAST_END, FP_SEGREGATION, FP__N };
enum { FU_OVER, FU_FLOOR, FU_BEDS, FU__N };

typedef struct {
    uint32_t slot[FP__N]; /* list index of the open finding, or ST_NONE */
    int32_t date[2];      /* REVIEW, PAST_END: the basis date their open finding is for */
    int64_t seg_since;    /* first entry of the current stretch in segregation */
} fnd_person;             /* 32 bytes a person */
#define FP_DATE(which) ((which)-FP_REVIEW)

typedef struct {
    uint32_t slot[FU__N];
    double occupants; /* latest occupants observed here, NAN when none */
    int64_t occupants_seq;
} fnd_unit;

typedef struct {
    uint32_t slot;     /* FACILITY_OVER_CAPACITY */
    int64_t certified; /* fnd_facility_capacity, kept so a custody step costs O(1) */
    double occupants;  /* latest whole-facility occupants observed, NAN when none */
    int64_t occupants_seq;
} fnd_facility;

typedef enum { FK_PERSON, FK_UNIT, FK_FACILITY, FK__N } fnd_kind;

typedef struct {
    uint32_t *v;
    size_t n, cap;
} fnd_u32s;

typedef struct {
    uint8_t kind; /* fnd_kind, or FK__N for a finding's clearing */
    uint32_t idx;
    union {
        struct {
            int64_t cleared_us, cleared_seq;
        } f;
        fnd_person p;
        fnd_unit u;
        fnd_facility fa;
    } old;
} fnd_undo;

/* The list lives in chunks that never move: findings_at pointers stay valid as
 * it grows, and growing copies nothing. */
#define FND_CHUNK_SHIFT 10
#define FND_CHUNK (1u << FND_CHUNK_SHIFT)

struct findings {
    const profile *p;
    finding **chunks;
    size_t n, n_chunks, cap_chunks;
    /* entity records, by pool index; known[k] entities of kind k seen so far */
    fnd_person *persons;
    fnd_unit *units;
    fnd_facility *facs;
    uint32_t *stamps[FK__N]; /* units, facilities: == epoch when touched by this event */
    uint32_t known[FK__N], cap_ent[FK__N];
    uint32_t epoch;
    /* the event in flight: what before saw, for after */
    fnd_u32s touched[FK__N];
    finding *pending; /* event findings found before the apply */
    size_t n_pending, cap_pending;
    uint32_t *scratch; /* person indexes of a count */
    size_t cap_scratch;
    uint32_t *table; /* a count's present ids, hashed (index into present[]) */
    size_t cap_table;
    uint8_t *matched; /* per present id: found on the occupant list */
    size_t cap_matched;
    uint32_t *named; /* the persons the event names (custody, transfer step), found in before */
    size_t n_named, cap_named;
    elig_verdict *verdicts;
    size_t cap_verdicts;
    /* transaction */
    bool in_tx, oom;
    size_t tx_n;
    uint32_t tx_known[FK__N];
    fnd_undo *undo;
    size_t n_undo, cap_undo;
};

/* ---- entities (findings_index.c) ---- */

/* Learn the entities the state has that the set has not seen yet. 0 or HB_EINTERNAL. */
int fnd_sync(findings *f, const state *s);
/* The record, saved to the undo log first (inside a transaction): for changing. */
fnd_person *fnd_person_mut(findings *f, uint32_t i);
fnd_unit *fnd_unit_mut(findings *f, uint32_t i);
fnd_facility *fnd_facility_mut(findings *f, uint32_t i);
/* Forget the entities learnt since begin (rollback). */
void fnd_forget_since(findings *f, const uint32_t known[FK__N]);
void fnd_index_free(findings *f);

/* ---- the list (findings_list.c) ---- */

/* A finding of code raised by seq at at_us about nobody yet: severity from the
 * profile, subjects ST_NONE, standing (cleared_us INT64_MAX). */
finding fnd_make(const findings *f, finding_code code, int64_t seq, int64_t at_us);
/* Add seq to the evidence: ascending, no repeats, the lowest FIND_MAX_EVIDENCE
 * kept and the rest counted in n_more. */
void fnd_evidence(finding *x, int64_t seq);
static inline finding *fnd_at(const findings *f, uint32_t i)
{
    return &f->chunks[i >> FND_CHUNK_SHIFT][i & (FND_CHUNK - 1)];
}
/* Append to the list; its index, or ST_NONE on out of memory (f->oom set). */
uint32_t fnd_raise(findings *f, const finding *x);
/* Queue an event finding found before the apply, raised after it. */
int fnd_pend(findings *f, const finding *x);
/* Close the standing finding at list index i. */
void fnd_clear(findings *f, uint32_t i, int64_t seq, int64_t at_us);
/* Record an undo entry (inside a transaction). */
void fnd_undo_push(findings *f, const fnd_undo *u);
/* Mark an entity as touched by the event in flight: units and facilities once per
 * event; persons are named once by any event, so they are not deduplicated. */
int fnd_touch(findings *f, fnd_kind k, uint32_t i);
/* A fresh epoch for the stamps; every stamp older than it reads as unset. */
uint32_t fnd_next_epoch(findings *f);
/* Grow *v (elem bytes each) to hold at least n. 0 or HB_EINTERNAL. */
int fnd_grow(void **v, size_t *cap, size_t n, size_t elem);

/* ---- the rules, shared by the incremental set and the scan (findings_rules.c) ---- */

/* Certified capacity: the sum of the units' capacities, design when none certified. */
int64_t fnd_facility_capacity(const state *s, const st_facility *fa);
/* Whether unit code (FU_*) holds for a unit, with its figures. */
bool fnd_unit_rule(const profile *p, const st_unit *u, int which, double *value, double *limit);
bool fnd_facility_rule(const st_facility *fa, int64_t certified, double *value, double *limit);
/* Whether a basis code (FP_NO_END, FP_REVIEW, FP_PAST_END) holds for a person, and
 * when it is raised (the timed ones: 00:00 UTC of the day after the date; NO_END:
 * INT64_MIN, meaning the event's time). */
bool fnd_basis_rule(const st_person *p, int which, int64_t *raised_us);
bool fnd_in_custody(const st_person *p);
bool fnd_in_segregation(const state *s, const st_person *p);
/* When a stretch in segregation that began at since_us becomes too long. */
int64_t fnd_segregation_due(const profile *p, int64_t since_us);
finding_code fnd_person_code(int which);
finding_code fnd_unit_code(int which);

/* ---- what events raise (findings_standing.c, _transfer.c, _count.c, _events.c) ---- */

/* Re-evaluate the standing findings of one entity after the event. */
int fnd_eval_unit(findings *f, const state *s, uint32_t ui, int64_t seq, int64_t at_us);
int fnd_eval_facility(findings *f, const state *s, uint32_t fi, int64_t seq, int64_t at_us);
int fnd_eval_person(findings *f, const state *s, uint32_t pi, int64_t seq, int64_t at_us);
/* Blocked departure / arrival of the persons in f->named, on the state before the
 * step (queued). */
int fnd_blocked_step(findings *f, const state *s, int64_t seq, const event *ev);
/* Death in custody, on the state before the death (queued). */
int fnd_death(findings *f, const state *s, int64_t seq, const event *ev);
int fnd_headcount(findings *f, const state *s, int64_t seq, const event *ev);
int fnd_condition(findings *f, const state *s, int64_t seq, const event *ev);
int fnd_work(findings *f, const state *s, int64_t seq, const event *ev);
#endif
