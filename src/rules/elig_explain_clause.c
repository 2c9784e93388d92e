/* elig_explain_clause: sentences for the agreement's clauses. The clause is the
 * rule's source; the sentence says what the person's records lack. */
#include <string.h>
#include "rules/elig_explain_internal.h"

static void national(ex *x)
{
    const st_agreement *a = x->ag;
    ex_put(x, "This person is a national of %s, the sending state of agreement %s (",
           a->sending_state.cc, a->id);
    bool first = true;
    for (uint8_t i = 0; i < x->r->n_evidence; i++) {
        int64_t seq = x->r->evidence[i];
        if (seq == a->signed_seq) continue;
        ex_put(x, "%s%s, seq %lld", first ? "" : "; ",
               seq == x->person->registered_seq ? "nationality at registration" : "citizen status",
               (long long)seq);
        first = false;
    }
    ex_put(x, "), and the agreement does not allow sending the state's own nationals (a "
              "sentenced person may be transferred abroad only to a state of which they are a "
              "national, and only with their consent: Convention on the Transfer of Sentenced "
              "Persons, art. 3).");
}

static void countries(ex *x, const hb_cc *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        ex_put(x, "%s%s", i ? ", " : "", v[i].cc);
}

static void nationality(ex *x)
{
    const hb_ccs *list = &elig_conditions(x->ag)->nationalities.list;
    ex_put(x, "Agreement %s covers only nationals of ", x->ag->id);
    countries(x, list->v, list->n > 0 ? (uint32_t)list->n : 0);
    if (!x->person->n_nationalities) {
        ex_put(x, "; this person has no recorded nationality.");
        return;
    }
    ex_put(x, "; this person's recorded nationalities (");
    countries(x, x->person->nationalities, x->person->n_nationalities);
    ex_put(x, ") are not among them.");
}

static void consent(ex *x)
{
    const st_person *p = x->person;
    ex_put(x, "Agreement %s requires the person's consent to the transfer; ", x->ag->id);
    int32_t k = elig_latest_consent(p, x->p->at_us);
    if (k < 0 || p->consent[k].given == 1) {
        ex_put(x, "none is recorded.");
        return;
    }
    bool withdrawn = false;
    for (int32_t i = 0; i < (int32_t)p->n_consent; i++) {
        const st_consent *c = &p->consent[i];
        if (i != k && c->to == CONSENT_TRANSFER && c->given == 1 && c->at_us <= x->p->at_us)
            withdrawn = true;
    }
    ex_put(x, "the person %s it (seq %lld).", withdrawn ? "withdrew" : "refused",
           (long long)p->consent[k].seq);
}

static void sentence(ex *x)
{
    const st_person *p = x->person;
    char today[11], end[11];
    ex_date(x->date, today);
    ex_put(x, "Agreement %s requires at least %lld days of sentence remaining on %s; ", x->ag->id,
           (long long)elig_conditions(x->ag)->min_sentence_remaining_days, today);
    int32_t k = elig_longest_sentence(p, x->p->at_us);
    if (k < 0) {
        ex_put(x, "no final sentence is recorded (non-final convictions do not count).");
        return;
    }
    const st_conviction *c = &p->conviction[k];
    int64_t last = (int64_t)c->date + c->sentence_days;
    ex_date(last > INT32_MAX ? INT32_MAX : (int32_t)last, end);
    if (last <= x->date)
        ex_put(x, "the longest final sentence (seq %lld) ended on %s.", (long long)c->seq, end);
    else
        ex_put(x, "the longest final sentence (seq %lld) ends on %s, %lld days later.",
               (long long)c->seq, end, (long long)(last - x->date));
}

void ex_clause(ex *x)
{
    if (!x->ag) {
        ex_put(x, "The agreement's conditions are not met.");
        return;
    }
    switch (x->r->code) {
    case RC_SENDING_STATE_NATIONAL:
        national(x);
        break;
    case RC_NO_FINAL_CONVICTION:
        ex_put(x,
               "Agreement %s requires a final conviction; none is recorded (allegations and "
               "non-final convictions do not count).",
               x->ag->id);
        break;
    case RC_NATIONALITY_NOT_COVERED:
        nationality(x);
        break;
    case RC_NO_CONSENT:
        consent(x);
        break;
    default:
        sentence(x);
        break;
    }
}
