/* import: JSON Lines in, all or nothing. ledger_import takes bare events;
 * ledger_restore takes an export (records with their hashes) into an empty ledger.
 * Every line is checked even after the first refusal, so one run reports every
 * error (up to errs->limit messages, all counted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/ledger_internal.h"
#include "model/codec.h"

/* "name:LINE", rewritten in place for each line (a printf per line costs ~3% of
 * an import). */
typedef struct {
    char *s; /* owned */
    size_t prefix;
} where_buf;

static int where_init(where_buf *w, const char *name)
{
    w->prefix = strlen(name) + 1;
    if (!(w->s = malloc(w->prefix + 24))) return HB_EINTERNAL;
    memcpy(w->s, name, w->prefix - 1);
    w->s[w->prefix - 1] = ':';
    return 0;
}

static const char *where_at(where_buf *w, size_t line)
{
    char tmp[24], *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + line % 10);
        line /= 10;
    } while (line);
    size_t k = (size_t)(tmp + sizeof tmp - p);
    memcpy(w->s + w->prefix, p, k);
    w->s[w->prefix + k] = '\0';
    return w->s;
}

typedef struct {
    ledger_batch *b;
    lines ls;
    where_buf where;
    arena a;
    size_t refused; /* lines refused */
} reader;

static int reader_begin(reader *r, ledger *l, const char *name, const char *data, size_t n,
                        const char *actor, hb_err *err)
{
    memset(r, 0, sizeof *r);
    r->ls.data = data;
    r->ls.n = n;
    if (where_init(&r->where, name ? name : "input"))
        return hb_fail(err, HB_EINTERNAL, "out of memory");
    arena_init(&r->a, 16 * 1024);
    int rc = ledger_batch_begin(l, actor, &r->b, err);
    if (rc) {
        free(r->where.s);
        arena_free(&r->a);
    }
    return rc;
}

/* Commits, or aborts when a line was refused or rc (an internal error) is set. */
static int reader_end(reader *r, int rc, const char *name, int64_t *first, int64_t *last,
                      hb_err *err)
{
    free(r->where.s);
    arena_free(&r->a);
    if (rc && r->b->broken && err) *err = r->b->err;
    if (!rc && r->refused)
        rc = hb_fail(err, HB_EINPUT, "%s: %zu line%s refused: nothing was stored", name, r->refused,
                     r->refused == 1 ? "" : "s");
    if (rc) {
        ledger_batch_abort(r->b);
        return rc;
    }
    return ledger_batch_commit(r->b, first, last, err);
}

/* One line's turn: check, apply and stage its event. A line the decoder thread
 * could not decode is decoded again here, for the messages. */
static int import_line(reader *r, const dec_line *ln, const event *ev, hb_errlist *errs,
                       hb_err *err)
{
    const char *where = where_at(&r->where, ln->lineno);
    event again;
    int rc = ln->rc;
    if (rc) {
        arena_reset(&r->a);
        rc = event_decode(ln->s, ln->len, &r->a, &again, errs, where);
        ev = &again;
    }
    if (!rc) rc = ledger_batch_add(r->b, ev, errs, where);
    if (rc == HB_EINPUT) {
        r->refused++;
        rc = 0;
    } else if (rc && !r->b->broken) {
        rc = hb_fail(err, rc, "%s: out of memory", where);
    }
    return rc;
}

/* Checking and applying mostly wait for memory: fetch ahead for the lines to come. */
static void hint(const state *s, const dec_block *b, size_t i)
{
    for (int stage = 0; stage < 3; stage++) {
        size_t j = i + (size_t)(HINT_AHEAD - HINT_STEP * stage);
        for (size_t k = i ? j : i; k <= j && k < b->n; k++)
            if (!b->line[k].rc) state_prefetch(s, &b->ev[k], stage);
    }
}

int ledger_import(ledger *l, const char *name, const char *data, size_t n, const char *actor,
                  hb_errlist *errs, int64_t *first, int64_t *last, hb_err *err)
{
    if (first) *first = 0;
    if (last) *last = 0;
    name = name ? name : "input";
    reader r;
    int rc = reader_begin(&r, l, name, data, n, actor, err);
    if (rc) return rc;
    decoder d;
    if (decoder_start(&d, data, n))
        return reader_end(&r, hb_fail(err, HB_EINTERNAL, "cannot start the decoder thread"), name,
                          first, last, err);
    dec_block *b;
    while (!rc && (b = decoder_next(&d))) {
        for (size_t i = 0; i < b->n && !rc; i++) {
            hint(l->state, b, i);
            rc = import_line(&r, &b->line[i], &b->ev[i], errs, err);
        }
        if (decoder_done(&d, b) && !rc) rc = hb_fail(err, HB_EINTERNAL, "decoder queue full");
    }
    decoder_stop(&d);
    return reader_end(&r, rc, name, first, last, err);
}

int ledger_restore(ledger *l, const char *name, const char *data, size_t n, hb_errlist *errs,
                   int64_t *last, hb_err *err)
{
    if (last) *last = 0;
    name = name ? name : "input";
    if (l->size > 0)
        return hb_fail(err, HB_EINPUT,
                       "%s already holds %lld records: restore only into an empty ledger "
                       "(create one with `habeas init --db NEW`, then restore into it)",
                       l->st->uri, (long long)l->size);
    reader r;
    int rc = reader_begin(&r, l, name, data, n, "restore", err);
    if (rc) return rc;
    while (!rc && lines_next(&r.ls)) {
        const char *where = where_at(&r.where, r.ls.lineno);
        record rec;
        arena_reset(&r.a);
        rc = record_decode(r.ls.s, r.ls.len, &r.a, &rec, errs, where);
        bool gap = !rc && rec.seq != r.b->next;
        if (rc == HB_EINPUT) r.b->next++; /* assume the line held the expected seq */
        if (!rc) rc = ledger_batch_add_record(r.b, &rec, errs, where);
        if (rc == HB_EINPUT) {
            r.refused++;
            rc = 0;
            if (gap) break; /* every later seq would be off by the same amount */
        } else if (rc && !r.b->broken) {
            rc = hb_fail(err, rc, "%s: out of memory", where);
        }
    }
    return reader_end(&r, rc, name, NULL, last, err);
}
