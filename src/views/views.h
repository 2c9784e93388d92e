/* views: the JSON documents the CLI prints with --json and the HTTP API serves,
 * built once here so both give the same bytes (docs/api.md, docs/check.md,
 * docs/report.md, docs/costs.md). Each builder takes the state (and, for the
 * history of an entity, the ledger it reads records from) and returns a new
 * json_t the caller owns (json_decref), or NULL: out of memory, or, where an
 * hb_err is passed, a failed log read that err explains.
 *
 * Builders that read the log (views_person, views_facility, views_transfer,
 * views_history, views_event_at, views_check_as_of) take the store connection to
 * read through, st: NULL is the ledger's own (the CLI); the HTTP API gives each
 * reading thread a read-only connection of its own (ledger_read_from).
 *
 * Layer: above ledger/ and rules/, below cli/ and http/. No locking: a connection
 * is used by one thread at a time, and the caller keeps the writer out while a
 * builder reads. */
#ifndef HB_VIEWS_H
#define HB_VIEWS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "ledger/ledger.h"
#include "ledger/log.h"
#include "rules/costs.h"
#include "rules/eligibility.h"
#include "rules/findings.h"
#include "rules/profile.h"
#include "state/state.h"
#include "util/buf.h"
#include "util/err.h"

/* ------------------------------------------------------------ values */
json_t *views_jstr(const char *s);   /* NULL -> null */
json_t *views_jdate(int32_t days);   /* HB_DATE_ABSENT -> null, else "YYYY-MM-DD" */
json_t *views_jcc(const char cc[3]); /* "" -> null */
/* UTC without a zero fraction: "2025-03-16T02:10:00Z". */
const char *views_time(int64_t us, char out[28]);
/* "proposed" ... "arrived" */
const char *views_tp_name(transfer_person_state s);

/* ------------------------------------------------------------ entities */
/* limit: history entries kept, newest last; 0 = all. */
json_t *views_person(ledger *l, store *st, const st_person *p, int64_t limit, hb_err *err);
json_t *views_facility(ledger *l, store *st, const st_facility *f, int64_t limit, hb_err *err);
json_t *views_transfer(ledger *l, store *st, const st_transfer *t, int64_t limit, hb_err *err);
/* Every facility with its occupancy, for GET /v1/facilities (no log reads). */
json_t *views_facilities(const state *s);
/* Sets "history_total", "history_shown" and "history" (the records) on obj.
 * 0, or the ledger_read_from error (err says). */
int views_history(ledger *l, store *st, const st_seqs *h, int64_t limit, json_t *obj, hb_err *err);
/* The time of the fact recorded as seq, as stored, into out; falls back to us in
 * UTC when the record cannot be read. */
const char *views_event_at(ledger *l, store *st, int64_t seq, int64_t us, char *out, size_t n);

/* ------------------------------------------------------------ check transfer */
typedef struct {
    const state *s;
    const st_transfer *t;
    elig_plan plan;
    elig_verdict *v; /* t->n_persons, in the transfer's order; views_check_free */
    uint32_t blocked;
    uint32_t by_reason[RC__COUNT];
    const char *at; /* the moment, as given or now in UTC; borrowed */
} views_check;

/* The transfer live names in the as-of state s, or HB_EINPUT with err saying why
 * it is not there (not yet proposed then; names something recorded later). */
int views_check_as_of(ledger *l, store *st, const state *s, const st_transfer *live, const char *at,
                      int64_t at_us, const st_transfer **out, hb_err *err);
/* c->s, c->t and c->at set: runs the rules. 0 or HB_EINTERNAL (err says). */
int views_check_run(views_check *c, int64_t at_us, hb_err *err);
void views_check_free(views_check *c);
/* One reason's sentence, into b (cleared first); NULL on out of memory. */
const char *views_check_explain(const views_check *c, const elig_verdict *v, const elig_reason *r,
                                buf *b);
json_t *views_check_json(const views_check *c);

/* ------------------------------------------------------------ findings report */
typedef struct {
    uint32_t facility_idx; /* ST_NONE: every facility */
    int64_t since_us, at_us;
    int min_severity; /* listed when severity <= this (critical is 0) */
    bool current;
    const char *at_text; /* the moment, as printed */
} views_findings_opts;

typedef struct {
    const state *s;
    const profile *p;
    const views_findings_opts *fo;
    const finding **list; /* owned array of borrowed pointers: views_findings_free */
    size_t n;
    size_t by_severity[SEV__COUNT];
} views_findings;

/* The severity by name, or -1. */
int views_severity_of(const char *name);
/* The facility's index in s, or ST_NONE when s has no facility id. */
uint32_t views_facility_index(const state *s, const char *id);
/* r->s, r->p, r->fo set: picks the findings of f that fo wants. 0 or HB_EINTERNAL. */
int views_findings_select(views_findings *r, const findings *f);
void views_findings_free(views_findings *r);
json_t *views_findings_json(const views_findings *r);
bool views_finding_cleared(const views_findings *r, const finding *x);
const char *views_finding_explain(const views_findings *r, const finding *x, buf *b);
/* Where a finding is: its facility, its unit's, else its person's; ST_NONE. */
uint32_t views_finding_facility(const state *s, const finding *x);

/* ------------------------------------------------------------ costs report */
#define VIEWS_NOTE_MAX 160
#define VIEWS_NOTES_MAX 8
/* Every caveat on a row, in words; returns how many. */
size_t views_costs_notes(const costs_row *r, char notes[][VIEWS_NOTE_MAX]);
/* The agreement live names in the as-of state s, or HB_EINPUT with err saying why
 * it is not there then. */
int views_costs_as_of(const st_agreement *live, const state *s, const char *at, int64_t at_us,
                      const st_agreement **out, hb_err *err);
/* One row (one given) or every agreement in signing order; *rows is malloc'd
 * (caller frees). 0 or HB_EINTERNAL. */
int views_costs_rows(const state *s, const st_agreement *one, int32_t today, costs_row **rows,
                     size_t *n);
json_t *views_costs_json(const char *at, int32_t today, const costs_row *rows, size_t n);

/* ------------------------------------------------------------ occupancy report */
/* only: one facility, or NULL for every one. */
json_t *views_occupancy(const state *s, const st_facility *only, const char *at);
/* ------------------------------------------------------------ transparency log */
/* docs/transparency.md. Hashes are standard base64 (as in the checkpoint).
 * head: {"size", "root_hash", "timestamp", "checkpoint" (the signed note text)}
 * inclusion: {"seq", "leaf_index", "tree_size", "leaf_hash", "root_hash",
 *             "proof": [hash...]}
 * consistency: {"first", "second", "first_root", "second_root", "proof": [...]} */
json_t *views_log_head(const store_head *h);
json_t *views_log_inclusion(const log_inclusion *p);
json_t *views_log_consistency(const log_consistency *p);
#endif
