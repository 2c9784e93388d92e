/* costs: what an agreement's fee and its baseline come to for the person-days
 * held under it (docs/costs.md). Pure functions over state; no I/O, no floating
 * point: money is int64 minor units of an ISO 4217 currency.
 *
 * For person_days d held under an agreement whose fee is `amount` for `persons`
 * persons for `days` days, and whose baseline is `base` per person-year:
 *   fee accrued          = amount * d / (persons * days)
 *   fee per person-year  = amount * 365 / (persons * days)
 *   baseline             = base * d / 365
 *   difference           = baseline - fee accrued   (positive: the agreement costs less)
 * Each quotient is exact (128-bit intermediates) and rounded half away from zero
 * to a whole minor unit. A person-year is 365 days, leap years or not. */
#ifndef HB_RULES_COSTS_H
#define HB_RULES_COSTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "state/state.h"

/* The figures that can exceed int64 minor units (only for absurd amounts: an
 * amount near 2^53 times billions of person-days). Such a figure is left 0 and its
 * bit set in costs_row.overflow; reports show it as unavailable, never wrapped. */
enum {
    COSTS_OVF_FEE_ACCRUED = 1,
    COSTS_OVF_FEE_PER_PERSON_YEAR = 2,
    COSTS_OVF_BASELINE = 4,
    COSTS_OVF_DIFFERENCE = 8,
};

/* A currency as the report shows it. */
typedef struct {
    char code[4]; /* "USD"; "" when the amount is absent */
    int digits;   /* ISO 4217 minor-unit exponent: USD 2, JPY 0, BHD 3 */
    bool assumed; /* ISO 4217 gives none (XAU, XDR ...): 2 is assumed */
} costs_currency;

typedef struct {
    const st_agreement *agreement;
    int32_t today;       /* the report date: open stays count up to and including it */
    bool term_ended;     /* today is after the agreement's last day */
    bool term_started;   /* today is on or after its first day */
    uint32_t held_now;   /* persons held under it in the state given */
    int64_t person_days; /* state_agreement_person_days(agreement, today) */

    bool has_fee; /* fee present (the schema requires it) */
    costs_currency fee_currency;
    int64_t fee_accrued, fee_per_person_year;

    bool has_baseline;
    costs_currency baseline_currency;
    int64_t baseline;

    bool comparable;    /* both present, in one currency: difference is set */
    int64_t difference; /* baseline - fee_accrued */
    unsigned overflow;  /* COSTS_OVF_* bits */
} costs_row;

/* The costs of agreement a on date today (days since 1970-01-01, UTC). */
void costs_of(const st_agreement *a, int32_t today, costs_row *out);

/* round(a * b / (c * d)), half away from zero, exact for any int64 a, b and
 * positive c, d (128-bit intermediates). 0, or -1 when c or d is not positive or
 * the result does not fit in int64 (*out is then 0). */
int costs_muldiv(int64_t a, int64_t b, int64_t c, int64_t d, int64_t *out);

/* The ISO 4217 minor-unit exponent of a currency code ("JPY" -> 0). For a code
 * ISO 4217 gives none for (metals, SDR, testing) or does not list, 2 with
 * *assumed set. */
int costs_currency_digits(const char *code, bool *assumed);

/* minor units as major units with thousands separators: 595000000 with 2 digits
 * -> "5,950,000.00"; -1234 with 0 -> "-1,234". Writes at most n bytes (NUL
 * included; 40 always suffice) and returns out. */
const char *costs_format(int64_t minor, int digits, char *out, size_t n);
#endif
