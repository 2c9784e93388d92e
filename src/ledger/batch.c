/* batch: stage events (check, apply, wrap in a record, canonicalise, hash) and
 * commit them in one store transaction, or undo everything. The transaction also
 * holds the Merkle nodes the batch's leaves complete (writer.c) and, when the
 * batch appended anything, one signed head of the new size: heads are signed per
 * batch, not per event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/ledger_internal.h"
#include "ledger/leaf.h"
#include "model/codec.h"
#include "util/hbtime.h"

static int broken(ledger_batch *b, int code, const char *fmt, long long seq)
{
    if (!b->broken) {
        b->broken = code;
        hb_fail(&b->err, code, fmt, seq);
    }
    return b->broken;
}

static void batch_free(ledger_batch *b)
{
    for (int i = 0; i < CHUNKS; i++) {
        if (!b->chunks[i]) continue;
        buf_free(&b->chunks[i]->bodies);
        free(b->chunks[i]);
    }
    b->l->batch = NULL;
    free(b->actor);
    free(b);
}

static int alloc_chunks(ledger_batch *b)
{
    for (int i = 0; i < CHUNKS; i++) {
        chunk *c = malloc(sizeof *c);
        if (!c) return HB_EINTERNAL;
        c->n = 0;
        c->bodies = (buf)BUF_INIT;
        b->chunks[i] = c;
    }
    b->cur = b->chunks[0];
    return 0;
}

int ledger_batch_begin(ledger *l, const char *actor, ledger_batch **out, hb_err *err)
{
    *out = NULL;
    if (l->batch) return hb_fail(err, HB_EINTERNAL, "a batch is already open on this ledger");
    if (!actor || !*actor)
        return hb_fail(err, HB_EINPUT, "no actor: say who is recording the events");
    if (l->no_append[0]) return hb_fail(err, HB_EINPUT, "%s", l->no_append);
    ledger_batch *b = calloc(1, sizeof *b);
    if (!b) return hb_fail(err, HB_EINTERNAL, "out of memory");
    b->l = l;
    l->batch = b;
    if (!(b->actor = strdup(actor)) || alloc_chunks(b)) {
        batch_free(b);
        return hb_fail(err, HB_EINTERNAL, "out of memory");
    }
    b->actor_str = (hb_str){b->actor, (uint32_t)strlen(b->actor)};
    b->at.us = hbtime_now();
    hbtime_format_utc(b->at.us, b->recorded_at);
    b->at.text = (hb_str){b->recorded_at, (uint32_t)strlen(b->recorded_at)};
    b->first = b->next = l->size + 1;
    b->w.st = l->st;
    b->w.tree = &l->tree;
    b->saved = l->tree;
    int rc = store_begin(l->st, err);
    if (rc) {
        batch_free(b);
        return rc;
    }
    state_begin(l->state);
    if (l->obs.begin) l->obs.begin(l->obs.ctx);
    *out = b;
    return 0;
}

/* Appends r's canonical bytes to the current chunk, and its leaf hash when hash is
 * set (else the writer computes it: hashing is a fifth of an import's work, and the
 * writer thread has time to spare). *row gets the staged row, valid until the next
 * stage. */
static int stage(ledger_batch *b, const record *r, bool hash, store_row **row)
{
    chunk *c = b->cur;
    size_t off = c->bodies.len;
    if (record_canonical(&c->bodies, r))
        return broken(b, HB_EINTERNAL, "seq %lld: out of memory writing the record", r->seq);
    size_t len = c->bodies.len - off;
    c->unhashed[c->n] = !hash;
    if (hash && leaf_hash(c->bodies.p + off, len, c->hash[c->n]))
        return broken(b, HB_EINTERNAL, "seq %lld: cannot compute the leaf hash", r->seq);
    store_row *w = &c->rows[c->n];
    w->seq = r->seq;
    w->len = len;
    w->hash = c->hash[c->n];
    c->off[c->n] = off;
    *row = w;
    return 0;
}

/* Keeps the staged row; hands a full chunk to the writer. */
static int keep(ledger_batch *b)
{
    if (++b->cur->n < CHUNK_ROWS) return 0;
    int rc = writer_handoff(b, &b->err);
    if (rc) b->broken = rc;
    return rc;
}

int ledger_batch_add(ledger_batch *b, const event *ev, hb_errlist *errs, const char *where)
{
    if (b->broken) return b->broken;
    int64_t seq = b->next++;
    if (state_check(b->l->state, ev, errs, where)) {
        b->refused++;
        return HB_EINPUT;
    }
    /* A refused approval is not applied: later approvals in the batch would
     * otherwise count its persons as places taken. */
    int gated = ledger_gate(b->l, ev, errs, where);
    if (gated == HB_EINTERNAL)
        return broken(b, HB_EINTERNAL, "seq %lld: out of memory checking the approval", seq);
    if (gated) {
        b->refused++;
        return HB_EINPUT;
    }
    /* Applied even once the batch is refused, so later lines that refer to this
     * event are checked against it rather than reported as dangling. */
    if (ledger_apply(b->l, seq, ev))
        return broken(b, HB_EINTERNAL, "seq %lld: out of memory applying the event", seq);
    if (b->refused) return 0;
    record r = {.seq = seq, .recorded_at = b->at, .actor = b->actor_str, .ev = *ev};
    store_row *row;
    if (stage(b, &r, false, &row)) return b->broken;
    return keep(b);
}

int ledger_batch_add_record(ledger_batch *b, const record *r, hb_errlist *errs, const char *where)
{
    if (b->broken) return b->broken;
    if (r->seq != b->next) {
        errlist_add(errs, where, NULL, "expected seq %lld, found seq %lld%s", (long long)b->next,
                    (long long)r->seq,
                    r->seq > b->next ? " (records are missing)" : " (seqs must increase by 1)");
        b->refused++;
        return HB_EINPUT;
    }
    b->next++;
    int rc = 0;
    store_row *row;
    if (stage(b, r, true, &row)) return b->broken;
    if (!r->has_hash) {
        errlist_add(errs, where, NULL,
                    "seq %lld: the record has no \"hash\": restore takes the lines `habeas "
                    "export` writes (bare events go to `habeas import`)",
                    (long long)r->seq);
        rc = HB_EINPUT;
    } else if (memcmp(row->hash, r->hash, 32) != 0) {
        char want[65], got[65];
        hex32(r->hash, want);
        hex32(row->hash, got);
        errlist_add(errs, where, NULL,
                    "seq %lld: hash mismatch: the record hashes to %s but its \"hash\" is %s "
                    "(the line was changed after export)",
                    (long long)r->seq, got, want);
        rc = HB_EINPUT;
    }
    if (state_check(b->l->state, &r->ev, errs, where)) {
        rc = HB_EINPUT;
    } else if (ledger_apply(b->l, r->seq, &r->ev)) {
        return broken(b, HB_EINTERNAL, "seq %lld: out of memory applying the event", r->seq);
    }
    if (rc || b->refused) {
        buf *bodies = &b->cur->bodies; /* drop the staged row */
        bodies->len = b->cur->off[b->cur->n];
        bodies->p[bodies->len] = '\0';
        b->refused += rc != 0;
        return rc;
    }
    return keep(b);
}

void ledger_batch_abort(ledger_batch *b)
{
    writer_cancel(b);
    store_rollback(b->l->st, NULL);
    b->l->tree = b->saved;
    state_rollback(b->l->state);
    if (b->l->obs.rollback) b->l->obs.rollback(b->l->obs.ctx);
    batch_free(b);
}

int ledger_batch_commit(ledger_batch *b, int64_t *first, int64_t *last, hb_err *err)
{
    int rc = b->broken;
    if (rc) {
        if (err) *err = b->err;
    } else if (b->refused) {
        rc = hb_fail(err, HB_EINPUT, "%zu event%s refused: nothing was stored", b->refused,
                     b->refused == 1 ? " was" : "s were");
    }
    if (!rc) rc = writer_finish(b, err);
    if (!rc && b->l->tree.size != (uint64_t)(b->next - 1))
        rc = hb_fail(err, HB_EINTERNAL,
                     "the Merkle tree holds %llu leaves but the log %lld events: a bug in "
                     "habeas (nothing was stored)",
                     (unsigned long long)b->l->tree.size, (long long)(b->next - 1));
    if (!rc && b->next > b->first) rc = ledger_log_sign(b->l, b->at.us, err);
    if (!rc) rc = store_commit(b->l->st, err);
    if (rc) {
        ledger_batch_abort(b);
        return rc;
    }
    state_commit(b->l->state);
    if (b->l->obs.commit) b->l->obs.commit(b->l->obs.ctx);
    int64_t n = b->next - b->first;
    if (first) *first = n ? b->first : 0;
    if (last) *last = n ? b->next - 1 : 0;
    b->l->size = b->next - 1;
    batch_free(b);
    return 0;
}
