/* as_of: the state as the log stood at a moment, for "what did we know then?"
 * questions (habeas check transfer --at).
 *
 * One scan of the stored log, single-threaded: unlike replay on open, this runs on
 * behalf of one question and the cost is dominated by decoding, which is cheap at
 * the ledger sizes a question is asked of. Events are applied in seq order, not
 * sorted by `at`: the log's order is the order the ledger learned things in, and
 * state_check is what keeps a subset consistent (a refused event is skipped). */
#include <stdlib.h>
#include "ledger/ledger.h"
#include "model/codec.h"
#include "util/arena.h"

typedef struct {
    state *s;
    int64_t at_us;
    int64_t expect; /* the next seq: the stored log has no gaps */
    arena a;        /* one record's strings; the state interns what it keeps */
    hb_err *err;
} as_of;

/* Decodes one stored row; 0 or HB_EINTERNAL with err naming the seq. */
static int decode(as_of *x, const store_row *row, record *r)
{
    hb_errlist errs;
    errlist_init(&errs, 1);
    int rc = record_decode((const char *)row->body, row->len, &x->a, r, &errs, NULL);
    if (rc == HB_EINPUT)
        hb_fail(x->err, HB_EINTERNAL,
                "seq %lld: the stored record does not decode: %s (run `habeas verify`)",
                (long long)row->seq, errs.n ? errs.msgs[0] : "no reason given");
    else if (rc)
        hb_fail(x->err, HB_EINTERNAL, "seq %lld: out of memory decoding the record",
                (long long)row->seq);
    errlist_free(&errs);
    return rc ? HB_EINTERNAL : 0;
}

/* Applies the event if it is not later than at_us and the subset state accepts it. */
static int consider(as_of *x, int64_t seq, const event *ev)
{
    if (ev->at.us > x->at_us) return 0;
    hb_errlist errs;
    errlist_init(&errs, 1);
    int refused = state_check(x->s, ev, &errs, NULL);
    errlist_free(&errs);
    if (refused) return 0;
    if (state_apply(x->s, seq, ev))
        return hb_fail(x->err, HB_EINTERNAL, "out of memory applying seq %lld", (long long)seq);
    return 0;
}

static int on_row(void *ctx, const store_row *row)
{
    as_of *x = ctx;
    if (row->seq != x->expect)
        return hb_fail(x->err, HB_EINTERNAL,
                       "the stored log has a gap: seq %lld follows seq %lld (run `habeas verify`)",
                       (long long)row->seq, (long long)(x->expect - 1));
    x->expect++;
    arena_reset(&x->a);
    record r;
    int rc = decode(x, row, &r);
    if (!rc) rc = consider(x, row->seq, &r.ev);
    return rc;
}

int ledger_state_as_of(ledger *l, int64_t at_us, state **out, hb_err *err)
{
    return ledger_state_as_of_from(ledger_store(l), at_us, out, err);
}

int ledger_state_as_of_from(store *st, int64_t at_us, state **out, hb_err *err)
{
    *out = NULL;
    as_of x = {.s = state_new(), .at_us = at_us, .expect = 1, .err = err};
    if (!x.s) return hb_fail(err, HB_EINTERNAL, "out of memory");
    arena_init(&x.a, 16 * 1024);
    int rc = store_scan(st, 1, -1, on_row, &x, err);
    arena_free(&x.a);
    if (rc) {
        state_free(x.s);
        return HB_EINTERNAL; /* err is set, by on_row or by the store */
    }
    *out = x.s;
    return 0;
}
