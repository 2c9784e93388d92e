/* The sending side: a US immigration detention centre and the 261 people of the
 * transfer, with what the records say about each of them. Most had a removal
 * order; several were protected from removal to El Salvador; a few had asylum
 * claims pending; one was a US citizen. One in ten had a final conviction; far
 * more had only an allegation of gang membership from a tattoo assessment. */
#include <stdio.h>
#include "cli/demo_internal.h"

#define DORM_CAPACITY 100
#define VE_PERSONS 237 /* t 0 .. 236; t 237 is the citizen; t 238 .. 260 Salvadorans */
/* Salvadorans protected from removal to El Salvador: withholding, then CAT. */
#define WITHHOLDING_LAST (VE_PERSONS + 4)
#define CAT_LAST (VE_PERSONS + 6)

static void center(demo_ctx *d)
{
    char at[32], unit[16];
    demo_at(at, 2025, 3, 1, 8, 0, DEMO_US_OFFSET);
    synth_w *w = &d->w;
    synth_w_begin(w, "facility.registered", at);
    synth_w_str(w, "facility", DEMO_CENTER);
    synth_w_str(w, "name", "South Texas Processing Center (demo)");
    synth_w_str(w, "country", "US");
    synth_w_str(w, "kind", "detention_center");
    synth_w_int(w, "design_capacity", DEMO_DORMS * DORM_CAPACITY);
    synth_w_str(w, "contact", "ICE ERO Harlingen Field Office, Texas (demo contact)");
    synth_w_object(w, "security");
    synth_w_int(w, "watchtowers", 0);
    synth_w_int(w, "perimeter_walls", 1);
    synth_w_bool(w, "electrified_fence", 0);
    synth_w_close(w, '}');
    synth_w_end(w);
    for (int k = 0; k < DEMO_DORMS; k++) {
        snprintf(unit, sizeof unit, "D-%02d", k + 1);
        synth_ev_unit(w, at, DEMO_CENTER, unit, "dormitory", DORM_CAPACITY, 450, DORM_CAPACITY);
    }
}

static bool asylum_pending(int t)
{
    return t < VE_PERSONS && t % 40 == 20;
}

/* Statuses as the immigration courts left them. */
static void statuses(demo_ctx *d, const char *at, const char *id, int t, const synth_person *p)
{
    synth_w *w = &d->w;
    if (t == VE_PERSONS) {
        synth_ev_status(w, at, id, "US", "citizen", NULL, p->birth_date,
                        "birth certificate, Harris County, Texas");
        return;
    }
    if (asylum_pending(t)) {
        synth_ev_status(w, at, id, "US", "asylum_pending", NULL, synth_date(2025, 2, 3 + t / 40),
                        "Form I-589 filed with the Harlingen Immigration Court");
        return;
    }
    bool protected_ = t > VE_PERSONS && t <= CAT_LAST;
    int32_t ordered =
        protected_ ? synth_date(2019, 10, 10) + 30 * (t - VE_PERSONS)
                   : (int32_t)synth_range(&d->rng, synth_date(2024, 6, 1), synth_date(2025, 2, 28));
    const char *court = protected_ && t <= WITHHOLDING_LAST
                            ? "Immigration Judge, Baltimore, Maryland"
                            : "Immigration Court, Harlingen, Texas";
    synth_ev_status(w, at, id, "US", "removal_order", NULL, ordered, court);
    if (!protected_) return;
    /* The decision that ordered removal also barred it to El Salvador. */
    synth_ev_status(w, at, id, "US",
                    t <= WITHHOLDING_LAST ? "withholding_of_removal" : "cat_protection", "SV",
                    ordered, court);
}

static const char *const minor_offenses[] = {"possession of a controlled substance",
                                             "burglary of a vehicle", "driving while intoxicated"};

static void criminal_record(demo_ctx *d, const char *at, const char *id, int t)
{
    if (t == VE_PERSONS || t % 10 >= 6) return; /* nothing on record */
    if (t % 10 >= 2) {
        synth_ev_allegation(&d->w, at, id, "gang_affiliation", "tattoo assessment",
                            t < VE_PERSONS ? "Tren de Aragua (AEA field guide score)" : "MS-13");
        return;
    }
    char case_[32];
    snprintf(case_, sizeof case_, "%d-CR-%05d", 2019 + t % 5, 1000 + t);
    bool violent = t % 20 == 0;
    synth_conviction c = {
        .jurisdiction = "US",
        .court = "District Court of Cameron County, Texas",
        .case_ = case_,
        .offense = violent ? "aggravated assault" : minor_offenses[synth_below(&d->rng, 3)],
        .violent = violent,
        .final = t % 10 == 0, /* t % 10 == 1: convicted, on appeal */
        .date = (int32_t)synth_range(&d->rng, synth_date(2019, 1, 1), synth_date(2024, 6, 30)),
        .sentence_days = synth_range(&d->rng, 90, 1460),
    };
    synth_ev_conviction(&d->w, at, id, &c);
}

static void detainee(demo_ctx *d, int t)
{
    synth_person p = {0};
    const char *cc = t < VE_PERSONS ? "VE" : t == VE_PERSONS ? "US" : "SV";
    synth_person_latam(&d->rng, cc, &p);
    /* The protected were adults when a judge heard them, in 2019 and 2020. */
    if (t > VE_PERSONS && p.birth_date > synth_date(1998, 12, 31)) p.birth_date -= 10 * 365;
    char id[32], at[32], number[24], unit[16];
    demo_person_id(id, demo_tp(t));
    int32_t day = synth_date(2025, 3, 2) + t * 11 / DEMO_TRANSFER_PERSONS;
    synth_time(at, day, (int32_t)synth_range(&d->rng, 7 * 3600, 19 * 3600), DEMO_US_OFFSET);
    if (t == VE_PERSONS) {
        snprintf(number, sizeof number, "5%08u", (unsigned)synth_below(&d->rng, 100000000));
        synth_ev_person(&d->w, at, id, &p, "us_passport", number);
    } else {
        snprintf(number, sizeof number, "A2%08u", (unsigned)synth_below(&d->rng, 100000000));
        synth_ev_person(&d->w, at, id, &p, "a_number", number);
    }
    statuses(d, at, id, t, &p);
    criminal_record(d, at, id, t);
    snprintf(unit, sizeof unit, "D-%02d", t / DORM_CAPACITY + 1);
    bool ordered = t != VE_PERSONS && !asylum_pending(t);
    synth_ev_admitted(&d->w, at, id, DEMO_CENTER, unit, "immigration",
                      ordered ? "INA 241(a) (final order of removal)" : "INA 236(a)",
                      HB_DATE_ABSENT, day + 90);
}

void demo_detainees(demo_ctx *d)
{
    center(d);
    for (int t = 0; t < DEMO_TRANSFER_PERSONS; t++)
        detainee(d, t);
}
