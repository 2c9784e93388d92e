/* elig_records: a person's records and an agreement's terms as they stood at a
 * moment: what was recorded by then (event `at` not later) and valid on its date. */
#include <string.h>
#include "rules/elig_internal.h"

static const ev_conditions NO_CONDITIONS = {
    .present = false,
    .require_final_conviction = -1,
    .allow_sending_state_nationals = -1,
    .require_consent = -1,
    .nationalities = {true, {NULL, -1}},
    .max_persons = -1,
    .min_sentence_remaining_days = -1,
};

const ev_conditions *elig_conditions(const st_agreement *a)
{
    return a && a->conditions.present ? &a->conditions : &NO_CONDITIONS;
}

bool elig_agreement_allots(const st_agreement *a, uint32_t to, int64_t at_us, int32_t date)
{
    if (a->signed_us > at_us || date < a->starts || date > a->ends) return false;
    for (uint32_t i = 0; i < a->n_facilities; i++)
        if (a->facilities[i] == to) return true;
    return false;
}

int64_t elig_facility_capacity(const state *s, const st_facility *f)
{
    if (!f->n_units) return f->design_capacity;
    int64_t sum = 0;
    for (uint32_t i = 0; i < f->n_units; i++) {
        int64_t c = state_unit_at(s, f->units[i])->capacity;
        if (c > 0) sum += c;
    }
    return sum;
}

bool elig_cc_eq(hb_cc a, hb_cc b)
{
    return a.cc[0] == b.cc[0] && a.cc[1] == b.cc[1];
}

/* Records compare by their time, then by seq (a record entered late about an
 * earlier moment is not the latest). */
static bool later(int64_t at_a, int64_t seq_a, int64_t at_b, int64_t seq_b)
{
    return at_a != at_b ? at_a > at_b : seq_a > seq_b;
}

bool elig_status_applies(const st_person *p, uint32_t i, int64_t at_us, int32_t date)
{
    const st_status *st = &p->status[i];
    if (st->at_us > at_us || date < st->valid_from) return false;
    if (st->valid_until != HB_DATE_ABSENT && date > st->valid_until) return false;
    for (uint32_t j = 0; j < p->n_status; j++) {
        const st_status *o = &p->status[j];
        if (j == i || o->kind != st->kind || o->at_us > at_us) continue;
        if (!elig_cc_eq(o->jurisdiction, st->jurisdiction) || !elig_cc_eq(o->country, st->country))
            continue;
        if (later(o->at_us, o->seq, st->at_us, st->seq)) return false;
    }
    return true;
}

int32_t elig_latest_consent(const st_person *p, int64_t at_us)
{
    int32_t best = -1;
    for (uint32_t i = 0; i < p->n_consent; i++) {
        const st_consent *c = &p->consent[i];
        if (c->to != CONSENT_TRANSFER || c->at_us > at_us) continue;
        if (best < 0 || later(c->at_us, c->seq, p->consent[best].at_us, p->consent[best].seq))
            best = (int32_t)i;
    }
    return best;
}

int32_t elig_longest_sentence(const st_person *p, int64_t at_us)
{
    int32_t best = -1;
    int64_t best_end = 0;
    for (uint32_t i = 0; i < p->n_conviction; i++) {
        const st_conviction *c = &p->conviction[i];
        if (c->final != 1 || c->at_us > at_us || c->sentence_days < 0) continue;
        int64_t end = (int64_t)c->date + c->sentence_days;
        if (best < 0 || end > best_end) {
            best = (int32_t)i;
            best_end = end;
        }
    }
    return best;
}

bool elig_has_final_conviction(const st_person *p, int64_t at_us)
{
    for (uint32_t i = 0; i < p->n_conviction; i++)
        if (p->conviction[i].final == 1 && p->conviction[i].at_us <= at_us) return true;
    return false;
}

bool elig_has_nationality(const st_person *p, hb_cc cc)
{
    for (uint32_t i = 0; i < p->n_nationalities; i++)
        if (elig_cc_eq(p->nationalities[i], cc)) return true;
    return false;
}

elig_reason *elig_reason_open(elig_verdict *v, reason_code c)
{
    elig_reason *r = &v->reasons[v->n_reasons++];
    r->code = c;
    r->n_evidence = 0;
    r->n_more = 0;
    return r;
}

void elig_evidence_add(elig_reason *r, int64_t seq)
{
    uint32_t n = r->n_evidence, i = n;
    while (i > 0 && r->evidence[i - 1] > seq)
        i--;
    if (i > 0 && r->evidence[i - 1] == seq) return;
    if (n == ELIG_MAX_EVIDENCE) {
        if (r->n_more < UINT16_MAX) r->n_more++;
        if (i == n) return;
        n--; /* the highest seq makes room */
    }
    memmove(&r->evidence[i + 1], &r->evidence[i], (n - i) * sizeof *r->evidence);
    r->evidence[i] = seq;
    r->n_evidence = (uint8_t)(n + 1);
}
