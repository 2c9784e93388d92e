/* export: stored records out as export lines, and record reads for history views.
 * Each stored body is decoded and written again with its hash (record_export), so
 * an export never passes along bytes that are not a valid record. */
#include <stdio.h>
#include "ledger/ledger_internal.h"
#include "model/codec.h"

typedef struct {
    FILE *out;
    arena a;
    buf line;
    hb_err *err;
    int64_t expect;
} exporter;

static int export_row(void *ctx, const store_row *row)
{
    exporter *x = ctx;
    record r;
    if (row->seq != x->expect)
        return hb_fail(x->err, HB_ERULE, "the stored log has a gap: seq %lld follows seq %lld",
                       (long long)row->seq, (long long)(x->expect - 1));
    x->expect++;
    arena_reset(&x->a);
    buf_clear(&x->line);
    int rc = ledger_decode_row(row, &x->a, &r, x->err);
    if (rc) return rc;
    if (record_export(&x->line, &r) || buf_putc(&x->line, '\n'))
        return hb_fail(x->err, HB_EINTERNAL, "out of memory");
    if (fwrite(x->line.p, 1, x->line.len, x->out) != x->line.len)
        return hb_fail(x->err, HB_EINTERNAL, "cannot write the export: write error");
    return 0;
}

int ledger_export(ledger *l, int64_t from, FILE *out, hb_err *err)
{
    if (from < 1) from = 1;
    exporter x = {.out = out, .line = BUF_INIT, .err = err, .expect = from};
    arena_init(&x.a, 16 * 1024);
    int rc = store_scan(l->st, from, -1, export_row, &x, err);
    if (!rc && fflush(out) != 0)
        rc = hb_fail(err, HB_EINTERNAL, "cannot write the export: write error");
    arena_free(&x.a);
    buf_free(&x.line);
    return rc;
}

typedef struct {
    arena a;
    ledger_record_fn fn;
    void *ctx;
    hb_err *err;
    bool found;
} read_one;

static int read_row(void *ctx, const store_row *row)
{
    read_one *x = ctx;
    record r;
    x->found = true;
    int rc = ledger_decode_row(row, &x->a, &r, x->err);
    return rc ? rc : x->fn(x->ctx, &r);
}

int ledger_read(ledger *l, const int64_t *seqs, size_t n, ledger_record_fn fn, void *ctx,
                hb_err *err)
{
    return ledger_read_from(l, l->st, seqs, n, fn, ctx, err);
}

int ledger_read_from(ledger *l, store *st, const int64_t *seqs, size_t n, ledger_record_fn fn,
                     void *ctx, hb_err *err)
{
    read_one x = {.fn = fn, .ctx = ctx, .err = err};
    arena_init(&x.a, 16 * 1024);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        arena_reset(&x.a);
        x.found = false;
        rc = store_scan(st, seqs[i], seqs[i], read_row, &x, err);
        if (!rc && !x.found)
            rc = hb_fail(err, HB_EINPUT, "no record with seq %lld (the ledger holds 1..%lld)",
                         (long long)seqs[i], (long long)l->size);
    }
    arena_free(&x.a);
    return rc;
}
