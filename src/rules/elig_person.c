/* elig_person: the reasons that come from the person's own records: protection
 * from removal, the agreement's clauses, custody at the origin. Each reads only
 * that person's arrays, so a verdict costs O(their records). */
#include "rules/elig_internal.h"

/* Withholding or CAT protection naming the destination; a pending claim when the
 * destination lies outside the state examining it (moving someone within that
 * state is not a removal). */
void elig_refoulement_check(const elig_ctx *c, const st_person *p, elig_verdict *v)
{
    elig_reason *r = NULL;
    hb_cc dest = c->to->country;
    for (uint32_t i = 0; i < p->n_status; i++) {
        const st_status *st = &p->status[i];
        bool protects;
        switch (st->kind) {
        case ST_WITHHOLDING_OF_REMOVAL:
        case ST_CAT_PROTECTION:
            protects = elig_cc_eq(st->country, dest);
            break;
        case ST_ASYLUM_PENDING:
            protects = !elig_cc_eq(st->jurisdiction, dest);
            break;
        default:
            protects = false;
            break;
        }
        if (!protects || !elig_status_applies(p, i, c->p->at_us, c->date)) continue;
        if (!r) r = elig_reason_open(v, RC_NON_REFOULEMENT);
        elig_evidence_add(r, st->seq);
    }
}

static void sending_state_national(const elig_ctx *c, const st_person *p, elig_verdict *v)
{
    if (elig_conditions(c->ag)->allow_sending_state_nationals == 1) return;
    hb_cc home = c->ag->sending_state;
    elig_reason *r = NULL;
    for (uint32_t i = 0; i < p->n_status; i++) {
        const st_status *st = &p->status[i];
        if (st->kind != ST_CITIZEN || !elig_cc_eq(st->jurisdiction, home)) continue;
        if (!elig_status_applies(p, i, c->p->at_us, c->date)) continue;
        if (!r) r = elig_reason_open(v, RC_SENDING_STATE_NATIONAL);
        elig_evidence_add(r, st->seq);
    }
    if (elig_has_nationality(p, home)) {
        if (!r) r = elig_reason_open(v, RC_SENDING_STATE_NATIONAL);
        elig_evidence_add(r, p->registered_seq);
    }
    if (r) elig_evidence_add(r, c->ag->signed_seq);
}

/* A reason whose point is an absence: the clause and the person's registration. */
static void absence(const elig_ctx *c, const st_person *p, elig_verdict *v, reason_code code)
{
    elig_reason *r = elig_reason_open(v, code);
    elig_evidence_add(r, c->ag->signed_seq);
    elig_evidence_add(r, p->registered_seq);
}

/* Nationalities at registration, and citizenships recorded as statuses. */
static bool nationality_covered(const elig_ctx *c, const st_person *p, const hb_ccs *list)
{
    for (int32_t k = 0; k < list->n; k++) {
        if (elig_has_nationality(p, list->v[k])) return true;
        for (uint32_t i = 0; i < p->n_status; i++) {
            const st_status *st = &p->status[i];
            if (st->kind == ST_CITIZEN && elig_cc_eq(st->jurisdiction, list->v[k]) &&
                elig_status_applies(p, i, c->p->at_us, c->date))
                return true;
        }
    }
    return false;
}

static void consent(const elig_ctx *c, const st_person *p, elig_verdict *v)
{
    int32_t k = elig_latest_consent(p, c->p->at_us);
    if (k >= 0 && p->consent[k].given == 1) return;
    if (k < 0) {
        absence(c, p, v, RC_NO_CONSENT);
        return;
    }
    elig_reason *r = elig_reason_open(v, RC_NO_CONSENT);
    elig_evidence_add(r, c->ag->signed_seq);
    elig_evidence_add(r, p->consent[k].seq);
}

/* Days of sentence left after the plan's date: 0 when none or already served. */
static void sentence(const elig_ctx *c, const st_person *p, elig_verdict *v, int64_t min)
{
    int32_t k = elig_longest_sentence(p, c->p->at_us);
    int64_t left = 0;
    if (k >= 0) left = (int64_t)p->conviction[k].date + p->conviction[k].sentence_days - c->date;
    if (left < 0) left = 0;
    if (left >= min) return;
    if (k < 0) {
        absence(c, p, v, RC_SENTENCE_TOO_SHORT);
        return;
    }
    elig_reason *r = elig_reason_open(v, RC_SENTENCE_TOO_SHORT);
    elig_evidence_add(r, c->ag->signed_seq);
    elig_evidence_add(r, p->conviction[k].seq);
}

void elig_clauses_check(const elig_ctx *c, const st_person *p, elig_verdict *v)
{
    const ev_conditions *k = elig_conditions(c->ag);
    int64_t at_us = c->p->at_us;
    sending_state_national(c, p, v);
    if (k->require_final_conviction == 1 && !elig_has_final_conviction(p, at_us))
        absence(c, p, v, RC_NO_FINAL_CONVICTION);
    const hb_ccs *list = &k->nationalities.list;
    if (!k->nationalities.any && list->n > 0 && !nationality_covered(c, p, list))
        absence(c, p, v, RC_NATIONALITY_NOT_COVERED);
    if (k->require_consent == 1) consent(c, p, v);
    if (k->min_sentence_remaining_days > 0) sentence(c, p, v, k->min_sentence_remaining_days);
}

elig_custody elig_custody_of(const elig_plan *pl, int32_t date, const st_person *p)
{
    if (p->custody != CUST_HELD) return CUSTODY_NOT_HELD;
    if (pl->from_facility != ST_NONE && p->facility != pl->from_facility) return CUSTODY_ELSEWHERE;
    if (p->basis_kind < 0) return CUSTODY_NO_BASIS;
    if (p->basis_until != HB_DATE_ABSENT && p->basis_until < date) return CUSTODY_BASIS_ENDED;
    return CUSTODY_OK;
}

void elig_custody_check(const elig_ctx *c, const st_person *p, elig_verdict *v)
{
    if (elig_custody_of(c->p, c->date, p) == CUSTODY_OK) return;
    elig_reason *r = elig_reason_open(v, RC_NOT_IN_CUSTODY);
    elig_evidence_add(r, p->custody == CUST_NEVER ? p->registered_seq : p->custody_since_seq);
}
