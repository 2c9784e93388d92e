/* elig_gen_persons: the registry (facilities, units, the agreements) and the
 * persons, each with their nationalities, statuses, convictions, allegations,
 * consents and custody, as typed events. Header-only (see elig_gen.h). */
#ifndef HB_BENCH_ELIG_GEN_PERSONS_H
#define HB_BENCH_ELIG_GEN_PERSONS_H
#include "elig_gen_core.h"

static int eg_facilities(eg *g, int64_t dest_unit_cap)
{
    static const char *const country[3] = {"US", "SV", "SV"};
    int rc = 0;
    for (int f = 0; f < EG_N_FAC && !rc; f++) {
        int64_t unit_cap = f == EG_DEST ? dest_unit_cap : 1 + g->cfg->persons / 4 / EG_UNITS;
        event ev = {.type = EV_FACILITY_REGISTERED};
        ev_facility_registered *e = &ev.u.facility_registered;
        e->facility = e->name = eg_s(EG_FAC_IDS[f]);
        e->country = eg_cc(f < 3 ? country[f] : "US");
        e->kind = f == EG_ORIG ? FAC_DETENTION_CENTER : FAC_PRISON;
        e->design_capacity = unit_cap * EG_UNITS;
        rc = eg_emit(g, &ev, g->at - eg_days_us(400));
        for (int u = 1; u <= EG_UNITS && !rc; u++) {
            event uv = {.type = EV_UNIT_CERTIFIED};
            ev_unit_certified *x = &uv.u.unit_certified;
            x->facility = eg_s(EG_FAC_IDS[f]);
            x->unit = eg_s(eg_id(g, 0, "U", (uint64_t)u, 2));
            x->kind = UNIT_DORMITORY;
            x->capacity = x->beds = unit_cap;
            x->floor_area_m2 = 3.4 * (double)unit_cap;
            rc = eg_emit(g, &uv, g->at - eg_days_us(399));
        }
    }
    if (!rc) g->st.dest_capacity = dest_unit_cap * EG_UNITS;
    return rc;
}

/* Nationalities, weighted like the populations in the cases DESIGN.md recounts;
 * the agreement covers the first eight. */
static const struct {
    char cc[3];
    uint16_t w;
} EG_NAT[] = {{"VE", 25}, {"SV", 15}, {"HN", 12}, {"GT", 12}, {"MX", 10}, {"CO", 6}, {"NI", 5},
              {"EC", 5},  {"CU", 4},  {"HT", 3},  {"US", 2},  {"BR", 1},  {"PE", 1}, {"DO", 1}};
#define EG_N_NAT (sizeof EG_NAT / sizeof *EG_NAT)
#define EG_N_COVERED 8

/* A-1, the agreement the transfer runs under, and A-2 (US -> HN, also holding
 * persons at F-DEST2) whose persons must not count against A-1. */
static int eg_agreement(eg *g, int64_t max_persons)
{
    hb_cc list[EG_N_COVERED];
    for (int i = 0; i < EG_N_COVERED; i++)
        list[i] = eg_cc(EG_NAT[i].cc);
    hb_str fac[2] = {eg_s(EG_FAC_IDS[EG_DEST]), eg_s(EG_FAC_IDS[EG_DEST2])};
    event ev = {.type = EV_AGREEMENT_SIGNED};
    ev_agreement_signed *a = &ev.u.agreement_signed;
    a->agreement = eg_s("A-1");
    a->sending_state = eg_cc(EG_SENDING);
    a->receiving_state = eg_cc(EG_DEST_COUNTRY);
    a->facilities = (hb_strs){fac, 2};
    a->starts = (int32_t)hb_days_from_civil(2025, 3, 1);
    a->ends = (int32_t)hb_days_from_civil(2026, 2, 28);
    a->fee = (ev_fee){true, 600000000, "USD", 238, 365};
    a->baseline_cost = (ev_baseline){true, 6000000, "USD", PER_PERSON_YEAR};
    a->conditions = (ev_conditions){.present = true,
                                    .require_final_conviction = 1,
                                    .allow_sending_state_nationals = 0,
                                    .require_consent = 1,
                                    .nationalities = {false, {list, EG_N_COVERED}},
                                    .max_persons = max_persons,
                                    .min_sentence_remaining_days = EG_MIN_SENTENCE};
    g->st.max_persons = max_persons;
    int rc = eg_emit(g, &ev, g->at - eg_days_us(30));
    a->agreement = eg_s("A-2");
    a->receiving_state = eg_cc("HN");
    a->facilities = (hb_strs){fac + 1, 1};
    a->conditions = (ev_conditions){.present = false};
    return rc ? rc : eg_emit(g, &ev, g->at - eg_days_us(200));
}

/* --- persons and their records ----------------------------------------------------- */

static hb_cc eg_nationality(eg *g)
{
    uint64_t r = eg_below(g, 102);
    for (size_t i = 0; i < EG_N_NAT; i++) {
        if (r < EG_NAT[i].w) return eg_cc(EG_NAT[i].cc);
        r -= EG_NAT[i].w;
    }
    return eg_cc("VE");
}

static int eg_register(eg *g, uint32_t p)
{
    static const char *const given[] = {"José", "Luis", "Ana", "María", "Kilmar", "Andry"};
    static const char *const family[] = {"Ramírez", "García", "López", "Hernández", "Rivas"};
    hb_cc nat[2] = {eg_nationality(g), eg_nationality(g)};
    int32_t n_nat = eg_pm(g, 150) && memcmp(nat[0].cc, nat[1].cc, 2) != 0 ? 2 : 1;
    event ev = {.type = EV_PERSON_REGISTERED};
    ev_person_registered *e = &ev.u.person_registered;
    e->person = eg_s(eg_person_id(g, 0, p));
    e->given_names = eg_s(given[eg_below(g, 6)]);
    e->family_names = eg_s(family[eg_below(g, 5)]);
    e->aliases.n = e->identifiers.n = -1;
    e->birth_date = g->date - 6570 - (int32_t)eg_below(g, 15000);
    e->birth_country = nat[0];
    e->nationalities = (hb_ccs){nat, n_nat};
    return eg_emit(g, &ev, g->at - eg_days_us(1500) + (int64_t)p * 1000);
}

/* When a record became known: mostly before the check, 3 % after, 0.5 % exactly at it. */
static int64_t eg_record_at(eg *g, int64_t days)
{
    uint64_t r = eg_below(g, 1000);
    return r < 5 ? g->at : r < 35 ? eg_after(g, 20) : eg_before(g, days);
}

/* A status record; the validity and the time it became known are drawn. */
typedef struct {
    int8_t kind;
    const char *jurisdiction, *country;
    int32_t valid_from, valid_until;
    int64_t at;
} eg_st;

static int eg_status_emit(eg *g, uint32_t p, const eg_st *x)
{
    event ev = {.type = EV_STATUS_RECORDED};
    ev_status_recorded *e = &ev.u.status_recorded;
    e->person = eg_s(eg_person_id(g, 0, p));
    e->jurisdiction = eg_cc(x->jurisdiction);
    e->status = x->kind;
    e->country = eg_cc(x->country);
    e->valid_from = x->valid_from;
    e->valid_until = x->valid_until;
    if (e->valid_until != HB_DATE_ABSENT && e->valid_until < e->valid_from)
        e->valid_until = e->valid_from;
    e->source = eg_s("immigration court");
    return eg_emit(g, &ev, x->at);
}

static int32_t eg_valid_until(eg *g)
{
    uint64_t r = eg_below(g, 1000);
    if (r < 700) return HB_DATE_ABSENT;
    if (r < 715) return g->date; /* inclusive: still valid on the check date */
    if (r < 730) return g->date - 1;
    if (r < 850) return g->date - 1 - (int32_t)eg_below(g, 300);
    return g->date + 1 + (int32_t)eg_below(g, 900);
}

/* A later record of the same status, jurisdiction and country replaces the
 * earlier one (a claim decided, a protection ended or renewed) when it is later
 * by `at`, then by seq: some are recorded after the check, some at the same
 * moment, some late about an earlier moment (so the first one stays the latest). */
static int eg_replacement(eg *g, uint32_t p, eg_st x)
{
    uint64_t r = eg_below(g, 1000);
    int64_t first = x.at;
    if (r < 50)
        x.at = first;
    else if (r < 100)
        x.at = first - eg_days_us(1);
    else if (r < 300 || first >= g->at)
        x.at = eg_after(g, 30);
    else
        x.at = first + (int64_t)eg_below(g, (uint64_t)(g->at - first));
    x.valid_until = eg_pm(g, 700) ? g->date - 1 - (int32_t)eg_below(g, 200) : HB_DATE_ABSENT;
    return eg_status_emit(g, p, &x);
}

static int eg_status(eg *g, uint32_t p, int8_t kind, const char *jur, const char *country)
{
    eg_st x = {kind, jur, country, 0, eg_valid_until(g), eg_record_at(g, 1000)};
    uint64_t r = eg_below(g, 1000);
    x.valid_from = r < 10   ? g->date
                   : r < 60 ? g->date + 1 + (int32_t)eg_below(g, 100)
                            : g->date - 1 - (int32_t)eg_below(g, 3000);
    int rc = eg_status_emit(g, p, &x);
    bool protective = kind == ST_ASYLUM_PENDING || kind == ST_WITHHOLDING_OF_REMOVAL ||
                      kind == ST_CAT_PROTECTION || kind == ST_CITIZEN;
    return rc || !protective || !eg_pm(g, 200) ? rc : eg_replacement(g, p, x);
}

/* Asylum claims are mostly examined by the sending state; one in ten by the
 * destination's (moving someone there is then no removal). */
static int eg_statuses(eg *g, uint32_t p)
{
    static const int8_t base[] = {ST_REMOVAL_ORDER, ST_NO_STATUS, ST_PERMANENT_RESIDENT,
                                  ST_PROTECTED_STATUS};
    uint64_t r = eg_below(g, 100);
    int rc = eg_status(g, p, base[r < 75 ? 0 : r < 85 ? 1 : r < 95 ? 2 : 3], "US", NULL);
    if (!rc && eg_pm(g, 30))
        rc = eg_status(g, p, ST_ASYLUM_PENDING, eg_pm(g, 100) ? EG_DEST_COUNTRY : "US", NULL);
    if (!rc && eg_pm(g, 20))
        rc = eg_status(g, p, ST_WITHHOLDING_OF_REMOVAL, "US", eg_pm(g, 600) ? "SV" : "HN");
    if (!rc && eg_pm(g, 10))
        rc = eg_status(g, p, ST_CAT_PROTECTION, "US", eg_pm(g, 600) ? "SV" : "GT");
    if (!rc && eg_pm(g, 15)) rc = eg_status(g, p, ST_CITIZEN, "US", NULL);
    /* Citizenship of a covered country, recorded as a status, covers too. */
    if (!rc && eg_pm(g, 30)) rc = eg_status(g, p, ST_CITIZEN, eg_pm(g, 500) ? "MX" : "CU", NULL);
    return rc;
}

static int eg_convictions(eg *g, uint32_t p)
{
    uint64_t r = eg_below(g, 100);
    int n = r < 10 ? 0 : r < 70 ? 1 : r < 92 ? 2 : 3, rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        event ev = {.type = EV_CONVICTION_RECORDED};
        ev_conviction_recorded *e = &ev.u.conviction_recorded;
        e->person = eg_s(eg_person_id(g, 0, p));
        e->jurisdiction = eg_cc("US");
        e->court = eg_s("S.D. Tex.");
        e->case_ = eg_s(eg_id(g, 1, "CR", (uint64_t)p * 4 + (uint64_t)i, 8));
        e->offense = eg_s("illegal reentry");
        e->violent = (int8_t)eg_pm(g, 200);
        e->final = (int8_t)eg_pm(g, 900);
        e->date = g->date - (int32_t)eg_below(g, 1200);
        r = eg_below(g, 100);
        e->sentence_days = (int64_t)(r < 15   ? 30 + eg_below(g, 335)
                                     : r < 70 ? 730 + eg_below(g, 2920)
                                              : 3650 + eg_below(g, 5350));
        int64_t at = eg_days_us(e->date) + (int64_t)eg_below(g, (uint64_t)eg_days_us(30));
        if (eg_pm(g, 30)) at = eg_after(g, 30); /* learned after the check */
        if (eg_pm(g, 5)) at = g->at;
        rc = eg_emit(g, &ev, at);
    }
    if (!rc && eg_pm(g, 100)) { /* allegations never count as convictions */
        event ev = {.type = EV_ALLEGATION_RECORDED};
        ev.u.allegation_recorded = (ev_allegation_recorded){
            eg_s(eg_person_id(g, 0, p)), eg_s("gang_affiliation"), eg_s("tattoo assessment"), {0}};
        rc = eg_emit(g, &ev, eg_before(g, 300));
    }
    return rc;
}

static int eg_consent(eg *g, uint32_t p, int8_t to, int8_t given, int64_t at)
{
    event ev = {.type = EV_CONSENT_RECORDED};
    ev_consent_recorded *e = &ev.u.consent_recorded;
    e->person = eg_s(eg_person_id(g, 0, p));
    e->to = to;
    e->given = given;
    e->reference = eg_s("form I-2025");
    return eg_emit(g, &ev, at);
}

/* A consent to transfer for 96 %; one in ten changes their mind (the latest
 * recorded by the check, by time then seq, decides): some after the check, some
 * at the same moment as the first, some recorded late about an earlier day. */
static int eg_consents(eg *g, uint32_t p)
{
    int rc = 0;
    if (eg_pm(g, 50)) rc = eg_consent(g, p, CONSENT_WORK, (int8_t)eg_pm(g, 500), eg_before(g, 200));
    if (rc || !eg_pm(g, 960)) return rc;
    int8_t given = (int8_t)eg_pm(g, 970);
    int64_t at = eg_before(g, 300);
    rc = eg_consent(g, p, CONSENT_TRANSFER, given, at);
    if (!rc && eg_pm(g, 100)) {
        uint64_t r = eg_below(g, 1000);
        int64_t next = r < 250   ? eg_after(g, 10)
                       : r < 270 ? g->at
                       : r < 300 ? at
                       : r < 400 ? at - eg_days_us(2) /* recorded late about an earlier day */
                                 : at + (g->at - at) / 2;
        rc = eg_consent(g, p, CONSENT_TRANSFER, (int8_t)!given, next);
    }
    return rc;
}

/* --- custody -------------------------------------------------------------------------- */

/* A basis runs until a date for one in four, which for 2 % has passed by the
 * check (no lawful basis left) and for 1 % is the check's date (still lawful). */
static int32_t eg_basis_until(eg *g)
{
    uint64_t r = eg_below(g, 1000);
    if (r < 20) return g->date - 1 - (int32_t)eg_below(g, 100);
    if (r < 30) return g->date;
    if (r < 250) return g->date + 1 + (int32_t)eg_below(g, 700);
    return HB_DATE_ABSENT;
}

/* ref NULL: a reference of the person's own. (The catalogue requires a basis, so
 * "held with no basis" cannot be generated; a basis that ended can.) */
static int eg_admit(eg *g, uint32_t p, int fac, int8_t basis, const char *ref, int64_t at)
{
    event ev = {.type = EV_CUSTODY_ADMITTED};
    ev_custody_admitted *e = &ev.u.custody_admitted;
    e->person = eg_s(eg_person_id(g, 0, p));
    e->facility = eg_s(EG_FAC_IDS[fac]);
    e->unit = eg_s(eg_id(g, 1, "U", 1 + eg_below(g, EG_UNITS), 2));
    e->basis = (ev_basis){true, basis, eg_s(ref ? ref : eg_id(g, 2, "B", p, 7)), eg_basis_until(g),
                          g->date + 30 + (int32_t)eg_below(g, 300)};
    return eg_emit(g, &ev, at);
}

static int eg_move(eg *g, uint32_t p, int fac, int64_t at)
{
    event ev = {.type = EV_CUSTODY_MOVED};
    ev_custody_moved *e = &ev.u.custody_moved;
    e->person = eg_s(eg_person_id(g, 0, p));
    e->facility = eg_s(EG_FAC_IDS[fac]);
    e->unit = eg_s(eg_id(g, 1, "U", 1 + eg_below(g, EG_UNITS), 2));
    return eg_emit(g, &ev, at);
}

static int eg_end(eg *g, uint32_t p, bool died, int64_t at)
{
    event ev = {.type = died ? EV_CUSTODY_DIED : EV_CUSTODY_RELEASED};
    hb_str id = eg_s(eg_person_id(g, 0, p));
    if (died)
        ev.u.custody_died = (ev_custody_died){id, eg_s("heart failure")};
    else
        ev.u.custody_released = (ev_custody_released){id, eg_s("bond"), {0}};
    return eg_emit(g, &ev, at);
}

static int eg_us_facility(eg *g)
{
    return EG_US0 + (int)eg_below(g, EG_N_FAC - EG_US0);
}

/* Custody is read from the state as it is (not as of the check): a few of these
 * facts are dated after the check time, and they count all the same. */
static bool eg_custody_late(eg *g)
{
    return eg_pm(g, 10);
}

static int eg_transfer_custody(eg *g, uint32_t p)
{
    int64_t at = eg_custody_late(g) ? eg_after(g, 5) : eg_before(g, 700);
    int8_t basis = eg_pm(g, 600) ? BASIS_SENTENCE : BASIS_IMMIGRATION;
    uint64_t r = eg_below(g, 1000);
    if (r < 930) return eg_admit(g, p, EG_ORIG, basis, NULL, at);
    if (r < 955) return eg_admit(g, p, eg_us_facility(g), basis, NULL, at);
    if (r < 970) return 0; /* never admitted */
    int rc;
    if (r < 985) { /* held elsewhere, then brought to the origin; or the reverse */
        bool in = r < 978;
        rc = eg_admit(g, p, in ? eg_us_facility(g) : EG_ORIG, basis, NULL, at - eg_days_us(2));
        return rc ? rc : eg_move(g, p, in ? EG_ORIG : eg_us_facility(g), at);
    }
    rc = eg_admit(g, p, EG_ORIG, basis, NULL, at - eg_days_us(2));
    return rc ? rc : eg_end(g, p, r >= 995, at);
}

static int eg_custody(eg *g, uint32_t p)
{
    switch (g->role[p - 1]) {
    case R_TRANSFER:
        return eg_transfer_custody(g, p);
    case R_DEST:
        return eg_admit(g, p, EG_DEST, BASIS_AGREEMENT, "A-1", eg_before(g, 300));
    case R_DEST2: /* an A-2 basis does not count under A-1; an unknown agreement does */
        return eg_admit(g, p, EG_DEST2, BASIS_AGREEMENT,
                        p % 10 == 0   ? "A-2"
                        : p % 10 == 1 ? "AG-OLD-7"
                                      : "A-1",
                        eg_before(g, 300));
    case R_DEST2_SENTENCE: /* at an agreement facility, but not under the agreement */
        return eg_admit(g, p, EG_DEST2, BASIS_SENTENCE, NULL, eg_before(g, 300));
    case R_OTHER:
        break;
    default: /* on the other transfers: held at the origin */
        return eg_admit(g, p, EG_ORIG, BASIS_SENTENCE, NULL, eg_before(g, 300));
    }
    if (!eg_pm(g, 600)) return 0;
    int fac = eg_pm(g, 100) ? EG_ORIG : eg_us_facility(g);
    int rc = eg_admit(g, p, fac, (int8_t)eg_below(g, BASIS_AGREEMENT), NULL, eg_before(g, 900));
    return rc || !eg_pm(g, 50) ? rc : eg_end(g, p, false, eg_before(g, 10));
}

static int eg_persons(eg *g)
{
    int rc = 0;
    for (uint32_t p = 1; p <= g->cfg->persons && !rc; p++) {
        rc = eg_register(g, p);
        if (!rc) rc = eg_statuses(g, p);
        if (!rc) rc = eg_convictions(g, p);
        if (!rc) rc = eg_consents(g, p);
        if (!rc) rc = eg_custody(g, p);
    }
    return rc;
}

#endif
