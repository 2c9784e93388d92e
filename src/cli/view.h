/* view: what `habeas person|facility|transfer ID` prints: the entity's current
 * state from the projection, then its history read back from the log. Text for
 * people (aligned, compact), JSON for programs (--json). Each function writes to
 * stdout and returns the exit code (0, or 3 when the log cannot be read). */
#ifndef HB_CLI_VIEW_H
#define HB_CLI_VIEW_H
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "ledger/ledger.h"
#include "state/state.h"
#include "util/buf.h"
#include "views/views.h"

#define VIEW_DEFAULT_LIMIT 50

typedef struct {
    ledger *l;
    const char *db; /* for messages */
    int64_t limit;  /* history entries shown, newest last; 0 = all */
    bool json;
} view_ctx;

int view_person(const view_ctx *v, const st_person *p);
int view_facility(const view_ctx *v, const st_facility *f);
int view_transfer(const view_ctx *v, const st_transfer *t);

/* view_history.c. Text: "History (...)" then one line per event: seq, at, type,
 * summary. subject is the viewed entity's id (see view_summary). */
int view_history_text(const view_ctx *v, const st_seqs *h, const char *subject);
/* The JSON views are built by src/views/views.h (shared with the HTTP API);
 * this prints one (json) or the error that stopped it, and returns the exit code. */
int view_print_json(json_t *j, const hb_err *err);

/* view_summary.c: a one-line human summary of r's event, appended to out, e.g.
 * "admitted to F-CECOT unit M3-C12 (agreement AG-1, until 2026-03-15)". A person
 * id equal to subject is left out (it is who the view is about). 0 or HB_EINTERNAL. */
int view_summary(buf *out, const record *r, const char *subject);

/* view.c: shared words and the "  label      value" lines of the header blocks. */
const char *view_custody_name(custody_state c);    /* "held", "in transit" ... */
const char *view_tp_name(transfer_person_state s); /* "proposed" ... "arrived" */
void view_field(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
