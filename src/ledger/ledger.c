/* ledger: open (store + replay into a fresh state), close, accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/ledger_internal.h"
#include "model/codec.h"

int ledger_open(const char *uri, store_mode mode, ledger **out, hb_err *err)
{
    return ledger_open_observed(uri, mode, NULL, out, err);
}

int ledger_open_observed(const char *uri, store_mode mode, const ledger_observer *obs, ledger **out,
                         hb_err *err)
{
    *out = NULL;
    ledger *l = calloc(1, sizeof *l);
    if (!l) return hb_fail(err, HB_EINTERNAL, "out of memory");
    if (obs) l->obs = *obs;
    int rc = store_open(uri, mode, &l->st, err);
    if (!rc && !(l->state = state_new())) rc = hb_fail(err, HB_EINTERNAL, "out of memory");
    if (!rc) rc = ledger_replay(l, err);
    if (rc) {
        ledger_close(l);
        return rc;
    }
    *out = l;
    return 0;
}

void ledger_close(ledger *l)
{
    if (!l) return;
    if (l->batch) ledger_batch_abort(l->batch);
    store_close(l->st);
    state_free(l->state);
    free(l);
}

int ledger_apply(ledger *l, int64_t seq, const event *ev)
{
    const ledger_observer *o = &l->obs;
    if (o->before && o->before(o->ctx, l->state, seq, ev)) return HB_EINTERNAL;
    if (state_apply(l->state, seq, ev)) return HB_EINTERNAL;
    if (o->after && o->after(o->ctx, l->state, seq, ev)) return HB_EINTERNAL;
    return 0;
}

const state *ledger_state(const ledger *l)
{
    return l->state;
}

store *ledger_store(ledger *l)
{
    return l->st;
}

int64_t ledger_size(const ledger *l)
{
    return l->size;
}

int ledger_decode_row(const store_row *row, arena *a, record *r, hb_err *err)
{
    long long seq = (long long)row->seq;
    /* Without an error list first: replay decodes every row and nearly all decode.
     * Decoding is pure, so a second try gives the reason. */
    int rc = record_decode((const char *)row->body, row->len, a, r, NULL, NULL);
    if (rc) {
        hb_errlist errs;
        errlist_init(&errs, 1);
        rc = record_decode((const char *)row->body, row->len, a, r, &errs, NULL);
        if (rc == HB_EINPUT)
            rc = hb_fail(err, HB_ERULE, "seq %lld: the stored record does not decode: %s", seq,
                         errs.n ? errs.msgs[0] : "no reason given");
        else if (rc)
            rc = hb_fail(err, HB_EINTERNAL, "seq %lld: out of memory decoding the record", seq);
        errlist_free(&errs);
        if (rc) return rc;
    }
    if (r->has_hash)
        return hb_fail(err, HB_ERULE, "seq %lld: the stored record carries a \"hash\" field", seq);
    if (r->seq != row->seq)
        return hb_fail(err, HB_ERULE, "seq %lld: the stored record says it is seq %lld", seq,
                       (long long)r->seq);
    r->has_hash = true;
    memcpy(r->hash, row->hash, 32);
    return 0;
}
