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

#define NOTE_MAX 160
#define NOTES_MAX 8
#define MONEY_MAX 64

/* The report's moment: the --at text (or now), the state as of then, its date. */
typedef struct {
    const char *at; /* as given, or now in UTC */
    int64_t at_us;
    int32_t today;
    const state *s;
} costs_run;

/* ------------------------------------------------------------------ notes */

static const char *const OVERFLOW_NAMES[] = {"fee_accrued", "fee_per_person_year", "baseline",
                                             "difference"};
#define N_OVERFLOW 4

static void note(char notes[][NOTE_MAX], size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(char notes[][NOTE_MAX], size_t *n, const char *fmt, ...)
{
    if (*n >= NOTES_MAX) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes[(*n)++], NOTE_MAX, fmt, ap);
    va_end(ap);
}

static void currency_note(char notes[][NOTE_MAX], size_t *n, const costs_currency *c)
{
    if (c->assumed)
        note(notes, n,
             "%s has no ISO 4217 minor unit: its amounts are shown with 2 decimals (assumed)",
             c->code);
}

/* Every caveat on a row, in words, into notes; returns how many. */
static size_t row_notes(const costs_row *r, char notes[][NOTE_MAX])
{
    size_t n = 0;
    if (!r->has_fee) note(notes, &n, "no fee recorded");
    if (!r->has_baseline) note(notes, &n, "no baseline cost recorded: no difference");
    if (r->has_fee && r->has_baseline && !r->comparable)
        note(notes, &n, "not comparable: fee in %s, baseline in %s", r->fee_currency.code,
             r->baseline_currency.code);
    if (r->has_fee) currency_note(notes, &n, &r->fee_currency);
    if (r->has_baseline && (!r->has_fee || !r->comparable))
        currency_note(notes, &n, &r->baseline_currency);
    char d[11];
    if (r->term_ended && r->held_now)
        note(notes, &n,
             "the term ended on %s: the %u person%s still held under it accrue%s nothing after "
             "that day",
             out_date(r->agreement->ends, d), r->held_now, r->held_now == 1 ? "" : "s",
             r->held_now == 1 ? "s" : "");
    for (int i = 0; i < N_OVERFLOW; i++)
        if (r->overflow & (1u << i))
            note(notes, &n, "%s is beyond 9,223,372,036,854,775,807 minor units: not shown",
                 OVERFLOW_NAMES[i]);
    return n;
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

/* ------------------------------------------------------------------ JSON */

/* An amount in minor units, or null when absent or beyond int64. */
static json_t *money_json(bool have, unsigned ovf_bit, const costs_row *r, int64_t v)
{
    return have && !(r->overflow & ovf_bit) ? json_integer((json_int_t)v) : json_null();
}

/* The agreement's own fee and baseline terms, as signed. */
static json_t *fee_json(const ev_fee *f)
{
    if (!f->present) return json_null();
    return json_pack("{s:I, s:s, s:I, s:I}", "amount", (json_int_t)f->amount, "currency",
                     f->currency, "persons", (json_int_t)f->persons, "days", (json_int_t)f->days);
}

static json_t *baseline_json(const ev_baseline *b)
{
    if (!b->present) return json_null();
    return json_pack("{s:I, s:s, s:s}", "amount", (json_int_t)b->amount, "currency", b->currency,
                     "per", "person_year");
}

static json_t *strings_json(char notes[][NOTE_MAX], size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_string(notes[i]))) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

static json_t *overflow_json(const costs_row *r)
{
    json_t *a = json_array();
    for (int i = 0; a && i < N_OVERFLOW; i++)
        if ((r->overflow & (1u << i)) && json_array_append_new(a, json_string(OVERFLOW_NAMES[i]))) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

/* A currency's three fields, under prefix ("" or "baseline_"), into o. */
static int currency_json(json_t *o, const char *prefix, bool have, const costs_currency *c)
{
    char k1[40], k2[40], k3[40];
    snprintf(k1, sizeof k1, "%scurrency", prefix);
    snprintf(k2, sizeof k2, "%sminor_unit_digits", prefix);
    snprintf(k3, sizeof k3, "%sminor_unit_assumed", prefix);
    return json_object_set_new(o, k1, have ? json_string(c->code) : json_null()) ||
           json_object_set_new(o, k2, have ? json_integer(c->digits) : json_null()) ||
           json_object_set_new(o, k3, json_boolean(have && c->assumed));
}

static json_t *figures_json(const costs_row *r)
{
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o}", "fee_accrued",
        money_json(r->has_fee, COSTS_OVF_FEE_ACCRUED, r, r->fee_accrued), "fee_per_person_year",
        money_json(r->has_fee, COSTS_OVF_FEE_PER_PERSON_YEAR, r, r->fee_per_person_year),
        "baseline", money_json(r->has_baseline, COSTS_OVF_BASELINE, r, r->baseline), "difference",
        money_json(r->comparable, COSTS_OVF_DIFFERENCE, r, r->difference), "comparable",
        r->comparable, "overflow", overflow_json(r), "fee", fee_json(&r->agreement->fee),
        "baseline_cost", baseline_json(&r->agreement->baseline_cost));
}

static json_t *identity_json(const costs_row *r)
{
    const st_agreement *a = r->agreement;
    const char *status = r->term_ended ? "ended" : r->term_started ? "running" : "not_started";
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:b, s:I, s:I}", "agreement", a->id,
                     "sending_state", out_jcc(a->sending_state.cc), "receiving_state",
                     out_jcc(a->receiving_state.cc), "starts", out_jdate(a->starts), "ends",
                     out_jdate(a->ends), "status", status, "term_ended", r->term_ended, "held_now",
                     (json_int_t)r->held_now, "person_days", (json_int_t)r->person_days);
}

/* One agreement's object: identity, the fee's currency, the figures, the
 * baseline's currency, the notes (docs/costs.md). */
static json_t *row_json(const costs_row *r)
{
    char notes[NOTES_MAX][NOTE_MAX];
    size_t k = row_notes(r, notes);
    json_t *o = identity_json(r), *fig = figures_json(r);
    bool ok = o && fig && !currency_json(o, "", r->has_fee, &r->fee_currency) &&
              !json_object_update(o, fig) &&
              !currency_json(o, "baseline_", r->has_baseline, &r->baseline_currency) &&
              !json_object_set_new(o, "notes", strings_json(notes, k));
    json_decref(fig);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int report_json(const costs_run *c, const costs_row *rows, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, row_json(&rows[i]))) {
            json_decref(a);
            a = NULL;
        }
    return out_json(
        json_pack("{s:s, s:o, s:o}", "at", c->at, "date", out_jdate(c->today), "agreements", a));
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
    const st_agreement *a = state_agreement(c->s, id);
    char when[28];
    if (!a && live->signed_us > c->at_us)
        out_error("report costs: agreement \"%s\" was not yet signed at %s (it was signed at "
                  "%s): nothing to report then",
                  id, c->at, out_time(live->signed_us, when));
    else if (!a) /* it names a facility registered after the moment (docs/check.md) */
        out_error("report costs: agreement \"%s\" (signed at %s) is left out of the ledger as "
                  "of %s: it names something recorded after that moment",
                  id, out_time(live->signed_us, when), c->at);
    if (!a) return NULL;
    *rc = 0;
    return a;
}

/* Computes the rows (one, or every agreement in signing order) and prints them. */
static int report(const opts *o, ledger *l, const costs_run *c, const char *only)
{
    int rc = 0;
    const st_agreement *one = only ? named(o, l, c, only, &rc) : NULL;
    if (rc) return rc;
    size_t n = one ? 1 : state_count_agreements(c->s);
    costs_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++)
        costs_of(one ? one : state_agreement_at(c->s, (uint32_t)i), c->today, &rows[i]);
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
