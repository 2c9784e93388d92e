/* views: the costs report (`habeas report costs --json`, GET /v1/reports/costs;
 * docs/costs.md): the rows, their notes and their JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "util/hbtime.h"
#include "views/views.h"

static const char *const OVERFLOW_NAMES[] = {"fee_accrued", "fee_per_person_year", "baseline",
                                             "difference"};
#define N_OVERFLOW 4

static void note(char notes[][VIEWS_NOTE_MAX], size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(char notes[][VIEWS_NOTE_MAX], size_t *n, const char *fmt, ...)
{
    if (*n >= VIEWS_NOTES_MAX) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes[(*n)++], VIEWS_NOTE_MAX, fmt, ap);
    va_end(ap);
}

static void currency_note(char notes[][VIEWS_NOTE_MAX], size_t *n, const costs_currency *c)
{
    if (c->assumed)
        note(notes, n,
             "%s has no ISO 4217 minor unit: its amounts are shown with 2 decimals (assumed)",
             c->code);
}

size_t views_costs_notes(const costs_row *r, char notes[][VIEWS_NOTE_MAX])
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
    char d[11] = "-";
    if (r->agreement->ends != HB_DATE_ABSENT) hbdate_format(r->agreement->ends, d);
    if (r->term_ended && r->held_now)
        note(notes, &n,
             "the term ended on %s: the %u person%s still held under it accrue%s nothing after "
             "that day",
             d, r->held_now, r->held_now == 1 ? "" : "s", r->held_now == 1 ? "s" : "");
    for (int i = 0; i < N_OVERFLOW; i++)
        if (r->overflow & (1u << i))
            note(notes, &n, "%s is beyond 9,223,372,036,854,775,807 minor units: not shown",
                 OVERFLOW_NAMES[i]);
    return n;
}

int views_costs_as_of(const st_agreement *live, const state *s, const char *at, int64_t at_us,
                      const st_agreement **out, hb_err *err)
{
    *out = state_agreement(s, live->id);
    if (*out) return 0;
    char when[28];
    if (live->signed_us > at_us)
        return hb_fail(err, HB_EINPUT,
                       "agreement \"%s\" was not yet signed at %s (it was signed at %s): "
                       "nothing to report then",
                       live->id, at, views_time(live->signed_us, when));
    /* it names a facility registered after the moment (docs/check.md) */
    return hb_fail(err, HB_EINPUT,
                   "agreement \"%s\" (signed at %s) is left out of the ledger as of %s: it names "
                   "something recorded after that moment",
                   live->id, views_time(live->signed_us, when), at);
}

int views_costs_rows(const state *s, const st_agreement *one, int32_t today, costs_row **rows,
                     size_t *n)
{
    *n = one ? 1 : state_count_agreements(s);
    *rows = calloc(*n ? *n : 1, sizeof **rows);
    if (!*rows) return HB_EINTERNAL;
    for (size_t i = 0; i < *n; i++)
        costs_of(one ? one : state_agreement_at(s, (uint32_t)i), today, &(*rows)[i]);
    return 0;
}

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

static json_t *strings_json(char notes[][VIEWS_NOTE_MAX], size_t n)
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
                     "sending_state", views_jcc(a->sending_state.cc), "receiving_state",
                     views_jcc(a->receiving_state.cc), "starts", views_jdate(a->starts), "ends",
                     views_jdate(a->ends), "status", status, "term_ended", r->term_ended,
                     "held_now", (json_int_t)r->held_now, "person_days",
                     (json_int_t)r->person_days);
}

/* One agreement's object: identity, the fee's currency, the figures, the
 * baseline's currency, the notes (docs/costs.md). */
static json_t *row_json(const costs_row *r)
{
    char notes[VIEWS_NOTES_MAX][VIEWS_NOTE_MAX];
    size_t k = views_costs_notes(r, notes);
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

json_t *views_costs_json(const char *at, int32_t today, const costs_row *rows, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, row_json(&rows[i]))) {
            json_decref(a);
            a = NULL;
        }
    return json_pack("{s:s, s:o, s:o}", "at", at, "date", views_jdate(today), "agreements", a);
}
