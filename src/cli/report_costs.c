/* `habeas report costs [--agreement A] [--at DATE|TIME]`: per agreement, the
 * person-days held under it, the fee accrued, the fee per person-year, the
 * baseline cost of the same person-days and the difference (docs/costs.md). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/report.h"
#include "rules/costs.h"
#include "util/buf.h"
#include "util/hbtime.h"
#include "views/views.h"

static const char USAGE[] =
    "usage: habeas report costs [--agreement ID] [--at DATE|TIME] [--json] [--db FILE]\n"
    "\n"
    "For each agreement: its term, how many persons are held under it now, the\n"
    "person-days held under it within its term, the fee accrued for them, the fee\n"
    "per person-year, what the same person-days cost at the agreement's baseline,\n"
    "and the difference (baseline minus fee: positive when the agreement costs\n"
    "less). Amounts are exact, in the currency's own decimals (docs/costs.md).\n"
    "\n"
    "options:\n"
    "  --agreement ID  only this agreement\n"
    "  --at DATE|TIME  report as the ledger stood then: a date (2026-02-28, the\n"
    "                  whole UTC day) or an RFC 3339 time with offset\n"
    "                  (2026-02-28T17:00:00-05:00). Open stays count up to and\n"
    "                  including that UTC date (default: now, on everything recorded)\n"
    "  --json          print JSON (a stable interface, see docs/costs.md)\n"
    "  --db FILE       the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 ok; 2 bad input (no such agreement, a malformed --at, an\n"
    "unexpected argument); 3 the ledger could not be read.\n"
    "\n"
    "examples:\n"
    "  habeas report costs --db demo.db\n"
    "  habeas report costs --agreement AG-US-SV-2025 --at 2026-03-14 --json\n";

#define NOTE_MAX VIEWS_NOTE_MAX
#define NOTES_MAX VIEWS_NOTES_MAX
#define MONEY_MAX 64

/* The report's moment: the --at text (or now), the state as of then, its date. */
typedef struct {
    const char *at; /* as given, or now in UTC */
    int64_t at_us;
    int32_t today;
    const state *s;
} costs_run;

/* Every caveat on a row, in words, into notes; returns how many. */
static size_t row_notes(const costs_row *r, char notes[][NOTE_MAX])
{
    return views_costs_notes(r, notes);
}

/* ------------------------------------------------------------------ text */

static const char *status_of(const costs_row *r)
{
    return r->term_ended ? "ended" : r->term_started ? "running" : "not started";
}

/* "5,950,000.00 USD", or "-" when the figure is absent or overflowed. */
static const char *money_cell(bool have, unsigned ovf_bit, const costs_row *r,
                              const costs_currency *c, int64_t v, char out[MONEY_MAX])
{
    if (!have || (r->overflow & ovf_bit)) return "-";
    char num[40];
    snprintf(out, MONEY_MAX, "%s %s", costs_format(v, c->digits, num, sizeof num), c->code);
    return out;
}

static int add_row(out_table *t, const costs_row *r)
{
    char term[32], d1[11], d2[11], held[16], days[24];
    char fee[MONEY_MAX], ppy[MONEY_MAX], base[MONEY_MAX], diff[MONEY_MAX];
    snprintf(term, sizeof term, "%s..%s", out_date(r->agreement->starts, d1),
             out_date(r->agreement->ends, d2));
    snprintf(held, sizeof held, "%u", r->held_now);
    snprintf(days, sizeof days, "%lld", (long long)r->person_days);
    const char *row[9] = {
        r->agreement->id,
        term,
        status_of(r),
        held,
        days,
        money_cell(r->has_fee, COSTS_OVF_FEE_ACCRUED, r, &r->fee_currency, r->fee_accrued, fee),
        money_cell(r->has_fee, COSTS_OVF_FEE_PER_PERSON_YEAR, r, &r->fee_currency,
                   r->fee_per_person_year, ppy),
        money_cell(r->has_baseline, COSTS_OVF_BASELINE, r, &r->baseline_currency, r->baseline,
                   base),
        money_cell(r->comparable, COSTS_OVF_DIFFERENCE, r, &r->fee_currency, r->difference, diff),
    };
    return out_table_add(t, row);
}

static void notes_text(const costs_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char notes[NOTES_MAX][NOTE_MAX];
        size_t k = row_notes(&rows[i], notes);
        for (size_t j = 0; j < k; j++)
            printf("  %s: %s\n", rows[i].agreement->id, notes[j]);
    }
}

static int report_text(const costs_run *c, const costs_row *rows, size_t n)
{
    char d[11];
    printf("Costs on %s (UTC date; open stays counted up to and including it), as of %s\n\n",
           out_date(c->today, d), c->at);
    if (!n) {
        printf("  no agreements recorded\n");
        return 0;
    }
    out_table t;
    out_table_init(&t, 9, "lllrrrrrr");
    const char *head[9] = {
        "agreement",           "term",     "status",    "held now", "person-days", "fee accrued",
        "fee per person-year", "baseline", "difference"};
    int rc = out_table_add(&t, head);
    for (size_t i = 0; i < n && !rc; i++)
        rc = add_row(&t, &rows[i]);
    if (!rc) out_table_print(&t, stdout, "  ");
    out_table_free(&t);
    if (rc) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    printf("\n  difference = baseline - fee accrued (positive: the agreement costs less)\n");
    notes_text(rows, n);
    return 0;
}

static int report_json(const costs_run *c, const costs_row *rows, size_t n)
{
    json_t *j = views_costs_json(c->at, c->today, rows, n);
    if (!j) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    return out_json(j);
}

/* ------------------------------------------------------------------ command */

/* The agreement named by --agreement, in the report's state; NULL and an error
 * printed (the exit code in *rc) when there is none. */
static const st_agreement *named(const opts *o, ledger *l, const costs_run *c, const char *id,
                                 int *rc)
{
    *rc = HB_EINPUT;
    const st_agreement *live = state_agreement(ledger_state(l), id);
    if (!live) {
        out_error("report costs: no agreement \"%s\" in ledger %s", id, o->db);
        return NULL;
    }
    const st_agreement *a;
    hb_err err = {0};
    if (views_costs_as_of(live, c->s, c->at, c->at_us, &a, &err)) {
        out_error("report costs: %s", err.msg);
        return NULL;
    }
    *rc = 0;
    return a;
}

/* Computes the rows (one, or every agreement in signing order) and prints them. */
static int report(const opts *o, ledger *l, const costs_run *c, const char *only)
{
    int rc = 0;
    const st_agreement *one = only ? named(o, l, c, only, &rc) : NULL;
    if (rc) return rc;
    size_t n;
    costs_row *rows;
    if (views_costs_rows(c->s, one, c->today, &rows, &n)) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    rc = o->json ? report_json(c, rows, n) : report_text(c, rows, n);
    free(rows);
    return rc;
}

int report_costs(int argc, char **argv)
{
    opts o;
    const char *at_s = NULL, *only = NULL;
    opts_extra extra[] = {{"at", &at_s, NULL}, {"agreement", &only, NULL}};
    int rc = opts_parse(&o, "report costs", USAGE, argc, argv, extra, 2);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 0, 0, "nothing"))) return rc;
    char now[28];
    costs_run c = {.at_us = hbtime_now()};
    c.at_us -= c.at_us % 1000000; /* whole seconds: "now" is printed */
    if (at_s && (rc = opts_time(&o, "at", at_s, OPTS_TIME_OR_DAY_END, &c.at_us))) return rc;
    c.at = at_s ? at_s : out_time(c.at_us, now);
    c.today = hbtime_date(c.at_us);
    ledger *l;
    if ((rc = opts_open_ledger(&o, &l))) return rc;
    state *as_of = NULL;
    hb_err err = {0};
    c.s = ledger_state(l);
    if (at_s && ledger_state_as_of(l, c.at_us, &as_of, &err))
        rc = out_fail(&err, HB_EINTERNAL);
    else if (as_of)
        c.s = as_of;
    if (!rc) rc = report(&o, l, &c, only);
    state_free(as_of);
    ledger_close(l);
    return rc;
}
