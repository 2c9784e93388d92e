/* elig_explain_place: sentences about places: the destination's and the
 * agreement's capacity, and custody at the origin. */
#include "rules/elig_explain_internal.h"

static void facility_full(ex *x)
{
    const st_facility *f = x->to;
    ex_put(x, "Facility %s (%s capacity %lld", f->id, f->n_units ? "certified" : "design",
           (long long)elig_facility_capacity(x->s, f));
    if (f->n_units)
        ex_put(x, ": %u unit%s", f->n_units, f->n_units == 1 ? "" : "s");
    else
        ex_put(x, "; no unit certified");
    ex_put(x,
           ") would hold %u persons with this one (held there, approved or on their way to "
           "it, and cleared before on this plan)",
           x->v->load_facility);
}

static void agreement_full(ex *x, bool first)
{
    const char *word = first ? "Agreement" : "agreement";
    const st_agreement *a = x->ag;
    char d[11], from[11], to[11], when[28];
    ex_date(x->date, d);
    bool covers = false;
    for (uint32_t i = 0; i < a->n_facilities; i++)
        covers |= a->facilities[i] == x->p->to_facility;
    if (a->signed_us > x->p->at_us) {
        ex_time(a->signed_us, when);
        ex_put(x, "%s %s was signed only at %s and allots no place before then", word, a->id, when);
    } else if (x->date < a->starts || x->date > a->ends) {
        ex_date(a->starts, from);
        ex_date(a->ends, to);
        ex_put(x, "%s %s is in force from %s to %s, so it allots no place on %s", word, a->id, from,
               to, d);
    } else if (!covers) {
        ex_put(x, "%s %s does not cover facility %s, so it allots no place there", word, a->id,
               x->to->id);
    } else {
        ex_put(x,
               "%s %s allows at most %lld persons and would count %u with this one "
               "(held under it, approved or in transit under it, and cleared before on this "
               "plan)",
               word, a->id, (long long)elig_conditions(a)->max_persons, x->v->load_agreement);
    }
}

void ex_capacity(ex *x)
{
    bool fac = ex_has(x->r, x->to->registered_seq);
    bool agr = x->ag && ex_has(x->r, x->ag->signed_seq);
    if (fac) facility_full(x);
    if (fac && agr) ex_put(x, "; ");
    if (agr) agreement_full(x, !fac);
    ex_put(x, "%s", fac || agr ? "." : "There is no place left at the destination.");
}

static const char *origin_of(ex *x)
{
    return x->p->from_facility < state_count_facilities(x->s)
               ? state_facility_at(x->s, x->p->from_facility)->id
               : NULL;
}

static void not_held(ex *x, const st_person *p)
{
    long long since = (long long)p->custody_since_seq;
    switch (p->custody) {
    case CUST_NEVER:
        ex_put(x, "This person was never admitted to custody (registered at seq %lld)",
               (long long)p->registered_seq);
        break;
    case CUST_RELEASED:
        ex_put(x, "This person was released at seq %lld", since);
        break;
    case CUST_DECEASED:
        ex_put(x, "This person is recorded as deceased at seq %lld", since);
        break;
    default:
        ex_put(x, "This person is in transit on transfer %s since seq %lld",
               p->transfer < state_count_transfers(x->s) ? state_transfer_at(x->s, p->transfer)->id
                                                         : "?",
               since);
        break;
    }
    const char *origin = origin_of(x);
    if (origin)
        ex_put(x, " and is not held at %s, the transfer's origin.", origin);
    else
        ex_put(x, " and is not held anywhere.");
}

void ex_custody(ex *x)
{
    const st_person *p = x->person;
    const char *at =
        p->facility < state_count_facilities(x->s) ? state_facility_at(x->s, p->facility)->id : "?";
    long long since = (long long)p->custody_since_seq;
    char end[11];
    switch (elig_custody_of(x->p, x->date, p)) {
    case CUSTODY_NOT_HELD:
        not_held(x, p);
        break;
    case CUSTODY_ELSEWHERE:
        ex_put(x, "This person is held at %s (since seq %lld), not at %s, the transfer's origin.",
               at, since, origin_of(x) ? origin_of(x) : "?");
        break;
    case CUSTODY_NO_BASIS:
        ex_put(x,
               "This person is held at %s (since seq %lld) with no lawful basis of custody "
               "recorded (no one may be deprived of liberty except on grounds established by "
               "law: ICCPR art. 9); record custody.admitted with the basis.",
               at, since);
        break;
    case CUSTODY_BASIS_ENDED:
        ex_date(p->basis_until, end);
        ex_put(x,
               "This person's basis of custody at %s (%s: %s) ended on %s, so no lawful basis "
               "remains to hold or move them (ICCPR art. 9).",
               at, event_enum_name(ENUM_BASIS_KIND, p->basis_kind),
               p->basis_reference ? p->basis_reference : "no reference", end);
        break;
    default:
        ex_put(x, "This person is not held at the transfer's origin.");
        break;
    }
}
