/* findings_explain: one or two sentences for people, with the figures, the ids
 * and the standard the profile judges the finding by. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "rules/findings_internal.h"
#include "util/hbtime.h"

typedef struct {
    const state *s;
    const finding *x;
    buf *b;
    char who[160], where[200], when[40], num[2][32];
} say;

/* Up to two decimals, no trailing zeros: 3.4, 0.53, 90. */
static const char *num(char out[32], double v)
{
    snprintf(out, 32, "%.2f", v);
    char *e = out + strlen(out) - 1;
    while (*e == '0')
        *e-- = 0;
    if (*e == '.') *e = 0;
    return out;
}

/* UTC, without a fraction of zeros. */
static void when(char out[40], int64_t us)
{
    hbtime_format_utc(us, out);
    char *dot = strchr(out, '.');
    if (dot && strcmp(dot, ".000000Z") == 0) strcpy(dot, "Z");
}

static const char *facility_id(const state *s, uint32_t i)
{
    return i < state_count_facilities(s) ? state_facility_at(s, i)->id : "?";
}

static void prepare(say *c)
{
    const state *s = c->s;
    const finding *x = c->x;
    snprintf(c->who, sizeof c->who, "%s",
             x->person < state_count_persons(s) ? state_person_at(s, x->person)->id : "?");
    if (x->unit != ST_NONE && x->unit < state_count_units(s))
        snprintf(c->where, sizeof c->where, "unit %s of facility %s", state_unit_at(s, x->unit)->id,
                 facility_id(s, x->facility));
    else
        snprintf(c->where, sizeof c->where, "facility %s", facility_id(s, x->facility));
    when(c->when, x->raised_us);
    num(c->num[0], x->value);
    num(c->num[1], x->limit);
}

static const char *transfer_id(const state *s, uint32_t i)
{
    return i < state_count_transfers(s) ? state_transfer_at(s, i)->id : "?";
}

static int reasons(say *c)
{
    int rc = 0;
    bool first = true;
    for (int r = 0; r < RC__COUNT && !rc; r++) {
        if (!(c->x->reasons & (1u << r))) continue;
        rc = buf_printf(c->b, "%s%s", first ? "" : ", ", elig_code_name((reason_code)r));
        first = false;
    }
    return rc;
}

static int event_sentence(say *c)
{
    const finding *x = c->x;
    buf *b = c->b;
    const char *v = c->num[0], *l = c->num[1], *w = c->where, *t = c->when;
    switch (x->code) {
    case FC_BLOCKED_DEPARTURE:
    case FC_BLOCKED_ARRIVAL: {
        bool dep = x->code == FC_BLOCKED_DEPARTURE;
        int rc = buf_printf(
            b, "Person %s %s facility %s on transfer %s at %s although %s: ", c->who,
            dep ? "departed from" : "arrived at", facility_id(c->s, x->facility),
            transfer_id(c->s, x->transfer), t,
            dep ? "blocked for that transfer at that moment" : "still blocked for it at arrival");
        return rc ? rc : reasons(c) || buf_puts(b, ".");
    }
    case FC_DEATH_IN_CUSTODY:
        if (x->transfer != ST_NONE)
            return buf_printf(b, "Person %s died in custody at %s, in transit on transfer %s.",
                              c->who, t, transfer_id(c->s, x->transfer));
        return buf_printf(b, "Person %s died in custody at %s, held at %s.", c->who, t, w);
    case FC_HEADCOUNT_MISSING:
        return buf_printf(b,
                          "Person %s, held at %s according to the ledger, was not counted "
                          "present at %s (%s counted, %s held there).",
                          c->who, w, t, v, l);
    case FC_HEADCOUNT_UNEXPECTED:
        return buf_printf(b,
                          "Person %s was counted present at %s at %s, where the ledger does not "
                          "hold them (%s counted, %s held there).",
                          c->who, w, t, v, l);
    case FC_HEAT:
        return buf_printf(b, "At %s, %s was observed at %s C, above the %s C limit.", t, w, v, l);
    case FC_LIGHTS_ALWAYS_ON:
        return buf_printf(b, "At %s, %s had its lights on %s hours a day (limit: under %s).", t, w,
                          v, l);
    case FC_NO_TIME_OUTDOORS:
        return buf_printf(b,
                          "At %s, %s allowed %s hours a day out of cell, under the %s-hour "
                          "minimum.",
                          t, w, v, l);
    case FC_MATTRESSES_SHORT:
        return buf_printf(b, "At %s, %s had %s mattresses for %s occupants.", t, w, v, l);
    case FC_OBSERVED_OVER_CAPACITY:
        return buf_printf(b,
                          "At %s, %s was observed with %s occupants, over its certified "
                          "capacity of %s.",
                          t, w, v, l);
    case FC_WORK_NO_CONVICTION:
        return buf_printf(b,
                          "Person %s worked %s hours (logged at %s) with no final conviction "
                          "recorded (allegations and convictions under appeal do not count).",
                          c->who, v, t);
    case FC_WORK_NO_CONSENT:
        return buf_printf(b, "Person %s worked %s hours (logged at %s) without consenting.", c->who,
                          v, t);
    default:
        return buf_printf(b, "Person %s worked %s hours (logged at %s) without pay.", c->who, v, t);
    }
}

static int standing_sentence(say *c)
{
    const finding *x = c->x;
    buf *b = c->b;
    const char *v = c->num[0], *l = c->num[1];
    char w[200], from[64] = "", day[11];
    snprintf(w, sizeof w, "%s", c->where);
    w[0] = (char)toupper((unsigned char)w[0]);
    if (x->raised_us > 0) snprintf(from, sizeof from, " from %s", c->when);
    hbdate_format(hbtime_date(x->raised_us - 1), day);
    switch (x->code) {
    case FC_UNIT_OVER_CAPACITY:
    case FC_FACILITY_OVER_CAPACITY:
        return buf_printf(b, "%s held %s persons%s, over its certified capacity of %s.", w, v, from,
                          l);
    case FC_FLOOR_SPACE:
        return buf_printf(b, "%s gave %s m2 of floor per person%s, under the %s m2 minimum.", w, v,
                          from, l);
    case FC_BEDS_SHORT:
        return buf_printf(b, "%s held %s persons for %s beds%s.", w, v, l, from);
    case FC_CUSTODY_NO_END:
        return buf_printf(b,
                          "Person %s is in custody%s on a basis with neither an end date "
                          "(until) nor a review date (review_by).",
                          c->who, from);
    case FC_REVIEW_OVERDUE:
        return buf_printf(b,
                          "Person %s was still in custody after the review date of that "
                          "custody (review_by %s): overdue%s.",
                          c->who, day, from);
    case FC_CUSTODY_PAST_END:
        return buf_printf(b,
                          "Person %s was still in custody after the end of its basis (until "
                          "%s): past its end%s.",
                          c->who, day, from);
    default:
        return buf_printf(b,
                          "Person %s was held in segregation for more than %s consecutive "
                          "days (the limit passed at %s).",
                          c->who, l, c->when);
    }
}

static int trailer(say *c, const profile *p)
{
    const finding *x = c->x;
    int rc = 0;
    if (x->cleared_us != INT64_MAX && x->cleared_us > x->raised_us) {
        char t[40];
        when(t, x->cleared_us);
        rc = buf_printf(c->b, " Cleared at %s (seq %lld).", t, (long long)x->cleared_seq);
    }
    const char *std = (unsigned)x->code < FC__COUNT ? p->standard[x->code] : NULL;
    size_t n = std ? strlen(std) : 0;
    if (!rc && n) rc = buf_printf(c->b, " Standard: %s%s", std, std[n - 1] == '.' ? "" : ".");
    return rc ? HB_EINTERNAL : 0;
}

int findings_explain(const state *s, const profile *p, const finding *x, buf *out)
{
    say c = {.s = s, .x = x, .b = out};
    prepare(&c);
    int rc = x->code < FC_UNIT_OVER_CAPACITY ? event_sentence(&c) : standing_sentence(&c);
    return rc ? HB_EINTERNAL : trailer(&c, p);
}
