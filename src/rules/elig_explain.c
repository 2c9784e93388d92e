/* elig_explain: one sentence per reason, for people: what blocks, and the rule's
 * source (the hold and who issued it, the protection and its law, the agreement's
 * clause). The numbers are read back from the state and the verdict; only the
 * capacity counts come from the check itself (elig_verdict.load_*). */
#include <stdarg.h>
#include <string.h>
#include "rules/elig_internal.h"
#include "rules/elig_explain_internal.h"

void ex_put(ex *x, const char *fmt, ...)
{
    if (x->rc) return;
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        x->rc = HB_EINTERNAL;
    } else if ((size_t)n < sizeof small) {
        x->rc = buf_put(x->out, small, (size_t)n);
    } else {
        /* Long ids or names: format again into the buffer itself. */
        va_start(ap, fmt);
        x->rc = buf_reserve(x->out, (size_t)n + 1);
        if (!x->rc) vsnprintf(x->out->p + x->out->len, (size_t)n + 1, fmt, ap);
        if (!x->rc) x->out->len += (size_t)n;
        va_end(ap);
    }
}

void ex_time(int64_t us, char out[28])
{
    hbtime_format_utc(us, out);
    char *dot = strchr(out, '.');
    if (dot && strcmp(dot, ".000000Z") == 0) strcpy(dot, "Z");
}

void ex_date(int32_t days, char out[11])
{
    hbdate_format(days, out);
}

bool ex_has(const elig_reason *r, int64_t seq)
{
    for (uint8_t i = 0; i < r->n_evidence; i++)
        if (r->evidence[i] == seq) return true;
    return false;
}

/* ---- HOLD_COURT_ORDER ---- */

static void separate(ex *x, int k, int n)
{
    if (k) ex_put(x, "%s", k == n - 1 ? " and " : ", ");
}

/* Which of its scope members makes the hold cover this person on this plan. */
static void hold_scope(ex *x, const st_hold *h)
{
    bool person = false;
    for (uint32_t i = 0; i < h->n_persons && !person; i++)
        person = h->persons[i] == x->v->person;
    bool auth = h->authority && x->p->authority && strcmp(h->authority, x->p->authority) == 0;
    bool dest = h->destination_country.cc[0] && elig_cc_eq(h->destination_country, x->to->country);
    int n = person + auth + dest, k = 0;
    if (person) {
        separate(x, k++, n);
        ex_put(x, "this person");
    }
    if (auth) {
        separate(x, k++, n);
        ex_put(x, "every transfer under authority %s", h->authority);
    }
    if (dest) {
        separate(x, k++, n);
        ex_put(x, "every transfer to %s", h->destination_country.cc);
    }
    if (!n) ex_put(x, "this transfer");
}

static void holds(ex *x)
{
    int listed = 0;
    for (uint8_t i = 0; i < x->r->n_evidence; i++) {
        uint32_t hi = elig_hold_by_seq(x->s, x->r->evidence[i]);
        if (hi == ST_NONE) continue;
        const st_hold *h = state_hold_at(x->s, hi);
        char from[28], until[28];
        ex_time(h->effective_from_us, from);
        ex_put(x, "%s %s (%s, %s, case %s) covers ", listed++ ? "; hold" : "Hold", h->id,
               event_enum_name(ENUM_HOLD_KIND, h->kind), h->issued_by, h->case_);
        hold_scope(x, h);
        ex_put(x, " from %s", from);
        if (h->until_us != INT64_MAX) {
            ex_time(h->until_us, until);
            ex_put(x, " until %s", until);
        }
    }
    if (x->r->n_more) ex_put(x, "; and %u more hold(s)", (unsigned)x->r->n_more);
    ex_put(x, "%s", listed ? "." : "A hold in effect covers this transfer.");
}

/* ---- NON_REFOULEMENT ---- */

static const st_status *status_by_seq(const st_person *p, int64_t seq)
{
    for (uint32_t i = 0; i < p->n_status; i++)
        if (p->status[i].seq == seq) return &p->status[i];
    return NULL;
}

static bool is_us(hb_cc c)
{
    return c.cc[0] == 'U' && c.cc[1] == 'S';
}

static void protection(ex *x, const st_status *st, bool first)
{
    const char *j = st->jurisdiction.cc, *to = st->country.cc;
    long long seq = (long long)st->seq;
    switch (st->kind) {
    case ST_WITHHOLDING_OF_REMOVAL:
        ex_put(x,
               "%sithholding of removal to %s (granted in %s, status recorded at seq %lld) "
               "forbids sending this person to %s (non-refoulement: %s)",
               first ? "W" : "w", to, j, seq, to,
               is_us(st->jurisdiction) ? "8 U.S.C. 1231(b)(3); Refugee Convention art. 33"
                                       : "Refugee Convention art. 33");
        break;
    case ST_CAT_PROTECTION:
        ex_put(x,
               "%srotection under the Convention against Torture from removal to %s (granted "
               "in %s, status recorded at seq %lld) forbids sending this person to %s "
               "(Convention against Torture art. 3%s)",
               first ? "P" : "p", to, j, seq, to,
               is_us(st->jurisdiction) ? "; 8 C.F.R. 1208.16-1208.18" : "");
        break;
    default:
        ex_put(x,
               "%s pending asylum claim in %s (status recorded at seq %lld) bars sending this "
               "person out of %s before it is decided (non-refoulement: Refugee Convention "
               "art. 33)",
               first ? "A" : "a", j, seq, j);
        break;
    }
}

static void refoulement(ex *x)
{
    bool first = true;
    for (uint8_t i = 0; i < x->r->n_evidence; i++) {
        const st_status *st = status_by_seq(x->person, x->r->evidence[i]);
        if (!st) continue;
        if (!first) ex_put(x, "; ");
        protection(x, st, first);
        first = false;
    }
    if (x->r->n_more) ex_put(x, "; and %u more protection(s)", (unsigned)x->r->n_more);
    ex_put(x, "%s", first ? "A protection from removal forbids this transfer." : ".");
}

int elig_explain(const state *s, const elig_plan *p, const elig_verdict *v, const elig_reason *r,
                 buf *out)
{
    if (v->person >= state_count_persons(s) || p->to_facility >= state_count_facilities(s))
        return HB_EINPUT;
    ex x = {s,
            p,
            v,
            r,
            state_person_at(s, v->person),
            state_facility_at(s, p->to_facility),
            p->agreement < state_count_agreements(s) ? state_agreement_at(s, p->agreement) : NULL,
            hbtime_date(p->at_us),
            out,
            0};
    switch (r->code) {
    case RC_HOLD_COURT_ORDER:
        holds(&x);
        break;
    case RC_NON_REFOULEMENT:
        refoulement(&x);
        break;
    case RC_CAPACITY:
        ex_capacity(&x);
        break;
    case RC_NOT_IN_CUSTODY:
        ex_custody(&x);
        break;
    default:
        ex_clause(&x);
        break;
    }
    return x.rc;
}
