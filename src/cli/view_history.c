/* The history part of the views: the last --limit events about an entity, read
 * back from the log by seq (the projection keeps only the seqs). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/out.h"
#include "cli/view.h"
#include "model/codec.h"

typedef struct {
    const int64_t *seqs; /* the window shown, ascending */
    size_t n;
} window;

static window window_of(const st_seqs *h, int64_t limit)
{
    size_t n = h->n, start = 0;
    if (limit > 0 && (uint64_t)limit < n) start = n - (size_t)limit;
    return (window){h->v + start, n - start};
}

/* ledger_read may call back in any order: place each record by its seq. */
static size_t slot_of(window w, int64_t seq)
{
    size_t lo = 0, hi = w.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w.seqs[mid] < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

typedef struct {
    window w;
    const char *subject;
    char **lines; /* per slot: "seq\tat\ttype\tsummary", malloc'd */
} hist_ctx;

static int text_line(void *ctx, const record *r)
{
    hist_ctx *c = ctx;
    size_t i = slot_of(c->w, r->seq);
    if (i >= c->w.n || c->w.seqs[i] != r->seq || c->lines[i]) return 0;
    buf b = BUF_INIT;
    const char *type = event_type_name(r->ev.type);
    buf_printf(&b, "%" PRId64 "\t%s\t%s\t", r->seq, r->ev.at.text.p ? r->ev.at.text.p : "",
               type ? type : "?");
    if (view_summary(&b, r, c->subject) || !b.p) {
        buf_free(&b);
        return HB_EINTERNAL;
    }
    c->lines[i] = b.p; /* ownership moves to the slot */
    return 0;
}

static void history_header(const window w, size_t total)
{
    if (w.n < total)
        printf("History (showing last %zu of %zu; --limit 0 for all)\n", w.n, total);
    else
        printf("History (%zu event%s)\n", total, total == 1 ? "" : "s");
}

static int print_lines(char **lines, size_t n)
{
    out_table t;
    out_table_init(&t, 4, "rlll");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (!lines[i]) continue; /* not returned by the log: nothing to show */
        char *col[4] = {lines[i], NULL, NULL, NULL};
        for (int k = 1; k < 4; k++) {
            char *tab = strchr(col[k - 1], '\t');
            if (!tab) break;
            *tab = '\0';
            col[k] = tab + 1;
        }
        rc = out_table_add(&t, (const char *const *)col);
    }
    if (!rc) out_table_print(&t, stdout, "  ");
    out_table_free(&t);
    return rc;
}

int view_history_text(const view_ctx *v, const st_seqs *h, const char *subject)
{
    hist_ctx c = {window_of(h, v->limit), subject, NULL};
    history_header(c.w, h->n);
    if (c.w.n == 0) return 0;
    c.lines = calloc(c.w.n, sizeof *c.lines);
    if (!c.lines) return HB_EINTERNAL;
    hb_err err = {0};
    int rc = ledger_read(v->l, c.w.seqs, c.w.n, text_line, &c, &err);
    if (rc)
        rc = out_fail(&err, rc);
    else if (print_lines(c.lines, c.w.n))
        rc = out_fail(&(hb_err){HB_EINTERNAL, "out of memory while printing the history"}, 0);
    for (size_t i = 0; i < c.w.n; i++)
        free(c.lines[i]);
    free(c.lines);
    return rc;
}
