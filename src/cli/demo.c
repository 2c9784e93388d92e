#include "cli/demo.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/demo_internal.h"

void demo_person_id(char out[32], int i)
{
    synth_id(out, "P", (uint64_t)i + 1, 6);
}

void demo_cell_id(char out[16], int cell)
{
    if (cell >= DEMO_CELLS)
        snprintf(out, 16, "SEG-%02d", cell - DEMO_CELLS + 1);
    else
        snprintf(out, 16, "M%d-C%02d", cell / DEMO_CELLS_PER_MODULE + 1,
                 cell % DEMO_CELLS_PER_MODULE + 1);
}

void demo_at(char out[32], int y, unsigned m, unsigned d, int hh, int mm, int offset_min)
{
    synth_time(out, synth_date(y, m, d), hh * 3600 + mm * 60, offset_min);
}

int demo_events(buf *out, uint64_t seed, size_t *events)
{
    /* About 30 KiB of bookkeeping: on the heap, not the stack. */
    demo_ctx *d = calloc(1, sizeof *d);
    if (!d) return HB_EINTERNAL;
    synth_w_init(&d->w);
    d->w.b = *out;
    d->start = out->len;
    synth_seed(&d->rng, seed);
    for (int i = 0; i < DEMO_PERSONS; i++)
        d->cell_of[i] = DEMO_NO_CELL;

    /* In time order, so the log reads as the story happened. */
    demo_prison(d);
    demo_detainees(d);
    demo_transfer(d);
    demo_aftermath(d);

    *out = d->w.b;
    int rc = d->w.rc;
    if (events) *events = d->w.events;
    free(d);
    return rc;
}

int demo_build(ledger *l, uint64_t seed, int64_t *events, hb_err *err)
{
    buf text = BUF_INIT;
    size_t n = 0;
    if (demo_events(&text, seed, &n)) {
        buf_free(&text);
        return hb_fail(err, HB_EINTERNAL, "out of memory while writing the demo's events");
    }
    hb_errlist errs;
    errlist_init(&errs, 5);
    int64_t first = 0, last = 0;
    int rc = ledger_import(l, "demo", text.p, text.len, DEMO_ACTOR, &errs, &first, &last, err);
    if (rc == HB_EINPUT)
        rc = hb_fail(err, HB_EINTERNAL,
                     "the ledger refused the demo's events (%zu errors; a bug in the demo "
                     "generator, please report it): %s",
                     errs.total, errs.n ? errs.msgs[0] : "no message");
    else if (rc && err && !err->msg[0])
        hb_fail(err, rc, "importing the demo failed");
    errlist_free(&errs);
    buf_free(&text);
    if (!rc && events) *events = last ? last - first + 1 : 0;
    return rc;
}
