#include "rules/costs.h"
#include <stdio.h>
#include <string.h>
#include "model/countries.h"

/* GCC and Clang both have it; __extension__ keeps -pedantic quiet should it be
 * turned on. Needed because amount (< 2^53) times person-days (up to 10^10 and
 * more) overflows 64 bits long before the quotient does. */
__extension__ typedef unsigned __int128 u128;

#define DAYS_PER_PERSON_YEAR 365

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

int costs_muldiv(int64_t a, int64_t b, int64_t c, int64_t d, int64_t *out)
{
    *out = 0;
    if (c <= 0 || d <= 0) return -1;
    bool negative = (a < 0) != (b < 0) && a != 0 && b != 0;
    u128 num = (u128)magnitude(a) * magnitude(b);
    u128 den = (u128)(uint64_t)c * (uint64_t)d;
    u128 q = num / den, r = num % den;
    if (r >= den - r) q++; /* half (2r == den) goes away from zero */
    u128 limit = negative ? (u128)1 << 63 : (u128)INT64_MAX;
    if (q > limit) return -1;
    *out = negative ? (int64_t)((uint64_t)0 - (uint64_t)q) : (int64_t)q;
    return 0;
}

/* ISO 4217 list one, column "minor unit": every code not named here has 2. The
 * codes with "N.A." (precious metals, SDR, the units of account) have no minor
 * unit; an amount in them is shown with an assumed 2. */
static const struct {
    char code[4];
    int8_t digits; /* -1: N.A. */
} EXPONENTS[] = {
    {"BHD", 3},  {"BIF", 0},  {"CLF", 4},  {"CLP", 0},  {"DJF", 0},  {"GNF", 0},  {"IQD", 3},
    {"ISK", 0},  {"JOD", 3},  {"JPY", 0},  {"KMF", 0},  {"KRW", 0},  {"KWD", 3},  {"LYD", 3},
    {"OMR", 3},  {"PYG", 0},  {"RWF", 0},  {"TND", 3},  {"UGX", 0},  {"UYI", 0},  {"UYW", 4},
    {"VND", 0},  {"VUV", 0},  {"XAF", 0},  {"XAG", -1}, {"XAU", -1}, {"XBA", -1}, {"XBB", -1},
    {"XBC", -1}, {"XBD", -1}, {"XDR", -1}, {"XOF", 0},  {"XPD", -1}, {"XPF", 0},  {"XPT", -1},
    {"XSU", -1}, {"XTS", -1}, {"XUA", -1}, {"XXX", -1},
};

int costs_currency_digits(const char *code, bool *assumed)
{
    *assumed = false;
    bool has_minor = true;
    for (size_t i = 0; i < sizeof EXPONENTS / sizeof *EXPONENTS; i++) {
        if (strcmp(EXPONENTS[i].code, code) != 0) continue;
        if (EXPONENTS[i].digits >= 0) return EXPONENTS[i].digits;
        has_minor = false; /* listed with N.A. */
        break;
    }
    /* Found with N.A., or not an ISO 4217 code at all (the decoder admits none,
     * but a state can be built by hand): 2, the most common exponent, said so. */
    *assumed = !has_minor || !currency_valid(code, strlen(code));
    return 2;
}

static void currency_of(const char *code, costs_currency *c)
{
    snprintf(c->code, sizeof c->code, "%s", code);
    c->digits = costs_currency_digits(code, &c->assumed);
}

const char *costs_format(int64_t minor, int digits, char *out, size_t n)
{
    uint64_t mag = magnitude(minor), scale = 1;
    for (int i = 0; i < digits && i < 18; i++)
        scale *= 10;
    char whole[32], grouped[48];
    int len = snprintf(whole, sizeof whole, "%llu", (unsigned long long)(mag / scale));
    size_t g = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) grouped[g++] = ',';
        grouped[g++] = whole[i];
    }
    grouped[g] = '\0';
    if (scale > 1)
        snprintf(out, n, "%s%s.%0*llu", minor < 0 ? "-" : "", grouped, digits,
                 (unsigned long long)(mag % scale));
    else
        snprintf(out, n, "%s%s", minor < 0 ? "-" : "", grouped);
    return out;
}

static void fee_of(const st_agreement *a, costs_row *r)
{
    const ev_fee *f = &a->fee;
    r->has_fee = f->present;
    if (!f->present) return;
    currency_of(f->currency, &r->fee_currency);
    if (costs_muldiv(f->amount, r->person_days, f->persons, f->days, &r->fee_accrued))
        r->overflow |= COSTS_OVF_FEE_ACCRUED;
    if (costs_muldiv(f->amount, DAYS_PER_PERSON_YEAR, f->persons, f->days, &r->fee_per_person_year))
        r->overflow |= COSTS_OVF_FEE_PER_PERSON_YEAR;
}

static void baseline_of(const st_agreement *a, costs_row *r)
{
    const ev_baseline *b = &a->baseline_cost;
    r->has_baseline = b->present;
    if (!b->present) return;
    currency_of(b->currency, &r->baseline_currency);
    /* per is person_year, the only unit the catalogue knows. */
    if (costs_muldiv(b->amount, r->person_days, DAYS_PER_PERSON_YEAR, 1, &r->baseline))
        r->overflow |= COSTS_OVF_BASELINE;
}

void costs_of(const st_agreement *a, int32_t today, costs_row *out)
{
    memset(out, 0, sizeof *out);
    out->agreement = a;
    out->today = today;
    out->term_started = today >= a->starts;
    out->term_ended = today > a->ends;
    out->held_now = a->held_now;
    out->person_days = state_agreement_person_days(a, today);
    fee_of(a, out);
    baseline_of(a, out);
    out->comparable = out->has_fee && out->has_baseline &&
                      !strcmp(out->fee_currency.code, out->baseline_currency.code);
    if (!out->comparable) return;
    if (out->overflow & (COSTS_OVF_FEE_ACCRUED | COSTS_OVF_BASELINE))
        out->overflow |= COSTS_OVF_DIFFERENCE;
    else if (__builtin_sub_overflow(out->baseline, out->fee_accrued, &out->difference))
        out->overflow |= COSTS_OVF_DIFFERENCE;
}
