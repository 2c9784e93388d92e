/* demo_clear: who may be approved at noon. The ledger gates an approval
 * (docs/rules.md "Gating"), so the demo asks the rules the same question the
 * gate will: the events written so far, applied to a scratch state in order,
 * then one elig_check of the whole transfer at the approval's `at`. Costs a
 * second decode of the demo's first part (about 46,000 lines). */
#include <stdlib.h>
#include <string.h>
#include "cli/demo_internal.h"
#include "model/codec.h"
#include "rules/eligibility.h"
#include "state/state.h"
#include "util/arena.h"

/* Applies the lines of text[0..n) to s, numbering them from seq 1. */
static int apply_lines(state *s, const char *text, size_t n)
{
    arena a;
    arena_init(&a, 64 * 1024);
    hb_errlist errs;
    errlist_init(&errs, 1);
    int rc = 0;
    int64_t seq = 0;
    for (const char *p = text, *end = text + n, *nl; p < end && !rc; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        arena_reset(&a);
        event ev;
        rc = event_decode(p, (size_t)(nl - p), &a, &ev, &errs, NULL);
        if (!rc) rc = state_check(s, &ev, &errs, NULL);
        if (!rc) rc = state_apply(s, ++seq, &ev);
    }
    errlist_free(&errs);
    arena_free(&a);
    return rc ? HB_EINTERNAL : 0;
}

/* The verdicts on the transfer's persons (its proposal lists them in order). */
static int verdicts(demo_ctx *d, const state *s, int64_t at_us)
{
    const st_transfer *t = state_transfer(s, DEMO_TRANSFER);
    if (!t || t->n_persons != DEMO_TRANSFER_PERSONS) return HB_EINTERNAL;
    uint32_t persons[DEMO_TRANSFER_PERSONS];
    for (uint32_t k = 0; k < t->n_persons; k++)
        persons[k] = t->persons[k].person;
    elig_verdict *v = malloc(DEMO_TRANSFER_PERSONS * sizeof *v);
    elig_plan p = elig_plan_of(s, t, at_us);
    int rc = v ? elig_check(s, &p, persons, DEMO_TRANSFER_PERSONS, v) : HB_EINTERNAL;
    for (int k = 0; k < DEMO_TRANSFER_PERSONS && !rc; k++)
        d->cleared[k] = !v[k].blocked;
    free(v);
    return rc ? HB_EINTERNAL : 0;
}

int demo_clear(demo_ctx *d, const char *at)
{
    int64_t at_us;
    const char *why;
    if (d->w.rc || hbtime_parse(at, strlen(at), &at_us, &why)) return HB_EINTERNAL;
    state *s = state_new();
    if (!s) return HB_EINTERNAL;
    int rc = apply_lines(s, d->w.b.p + d->start, d->w.b.len - d->start);
    if (!rc) rc = verdicts(d, s, at_us);
    state_free(s);
    return rc;
}
