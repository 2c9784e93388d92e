/* views: an entity's history, read back from the log by seq (the projection
 * keeps only the seqs), and the stored time of one event. */
#include <stdio.h>
#include <stdlib.h>
#include "model/codec.h"
#include "views/views.h"

typedef struct {
    const int64_t *seqs; /* the window shown, ascending */
    size_t n;
    json_t **objs; /* per slot; NULL until read */
} window;

static window window_of(const st_seqs *h, int64_t limit)
{
    size_t n = h->n, start = 0;
    if (limit > 0 && (uint64_t)limit < n) start = n - (size_t)limit;
    return (window){h->v + start, n - start, NULL};
}

/* ledger_read_from may call back in any order: place each record by its seq. */
static size_t slot_of(const window *w, int64_t seq)
{
    size_t lo = 0, hi = w->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->seqs[mid] < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int json_item(void *ctx, const record *r)
{
    window *w = ctx;
    size_t i = slot_of(w, r->seq);
    if (i >= w->n || w->seqs[i] != r->seq || w->objs[i]) return 0;
    buf b = BUF_INIT;
    if (record_canonical(&b, r)) {
        buf_free(&b);
        return HB_EINTERNAL;
    }
    w->objs[i] = json_loadb(b.p, b.len, 0, NULL);
    buf_free(&b);
    return w->objs[i] ? 0 : HB_EINTERNAL;
}

int views_history(ledger *l, store *st, const st_seqs *h, int64_t limit, json_t *obj, hb_err *err)
{
    window w = window_of(h, limit);
    json_t *arr = json_array();
    int rc = arr ? 0 : hb_fail(err, HB_EINTERNAL, "out of memory");
    if (!rc && w.n && !(w.objs = calloc(w.n, sizeof *w.objs)))
        rc = hb_fail(err, HB_EINTERNAL, "out of memory");
    if (!rc && w.n)
        rc = ledger_read_from(l, st ? st : ledger_store(l), w.seqs, w.n, json_item, &w, err);
    for (size_t i = 0; i < w.n && w.objs; i++)
        if (w.objs[i] && json_array_append_new(arr, w.objs[i]) && !rc)
            rc = hb_fail(err, HB_EINTERNAL, "out of memory");
    free(w.objs);
    json_object_set_new(obj, "history_total", json_integer((json_int_t)h->n));
    json_object_set_new(obj, "history_shown", json_integer((json_int_t)w.n));
    json_object_set_new(obj, "history", arr);
    return rc;
}

typedef struct {
    char *out;
    size_t n;
    bool found;
} at_ctx;

static int copy_at(void *ctx, const record *r)
{
    at_ctx *c = ctx;
    if (!r->ev.at.text.p) return 0;
    snprintf(c->out, c->n, "%s", r->ev.at.text.p);
    c->found = true;
    return 0;
}

const char *views_event_at(ledger *l, store *st, int64_t seq, int64_t us, char *out, size_t n)
{
    at_ctx c = {out, n, false};
    hb_err err = {0};
    if (seq > 0 &&
        ledger_read_from(l, st ? st : ledger_store(l), &seq, 1, copy_at, &c, &err) == 0 && c.found)
        return out;
    char utc[28];
    snprintf(out, n, "%s", views_time(us, utc));
    return out;
}
