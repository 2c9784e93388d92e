/* schema: the catalogue of DESIGN.md as tables. Field lists are sorted by name (a
 * test checks it); the comment on each struct in event.h says what is optional. */
#include "model/schema.h"
#include <stddef.h>

#define FIELD(st, mem, key, kind, flags)                                                           \
    {                                                                                              \
        key, sizeof key - 1, kind, flags, -1, (uint32_t)offsetof(st, mem), NULL                    \
    }
#define ENUMF(st, mem, key, en, flags)                                                             \
    {                                                                                              \
        key, sizeof key - 1, SK_ENUM, flags, en, (uint32_t)offsetof(st, mem), NULL                 \
    }
#define OBJF(st, mem, key, sub, flags)                                                             \
    {                                                                                              \
        key, sizeof key - 1, SK_OBJECT, flags, -1, (uint32_t)offsetof(st, mem), &sub               \
    }
/* Top-level fields live in the event's union member m. */
#define EF(m, key, kind, flags) FIELD(event, u.m, key, kind, flags)
#define AT FIELD(event, at, "at", SK_TIME, SF_REQ)
#define TYPE FIELD(event, type, "type", SK_TYPE, SF_REQ)
#define N(a) (int)(sizeof a / sizeof a[0])
#define SUB(name, fields, st, check)                                                               \
    {                                                                                              \
        name, fields, N(fields), (int)offsetof(st, present), check                                 \
    }
#define TOP(name, fields, check)                                                                   \
    {                                                                                              \
        name, fields, N(fields), -1, check                                                         \
    }
#define R SF_REQ

/* facility.registered */
static const schema_field F_SECURITY[] = {
    FIELD(ev_security, electrified_fence, "electrified_fence", SK_BOOL, 0),
    FIELD(ev_security, perimeter_walls, "perimeter_walls", SK_UINT, 0),
    FIELD(ev_security, watchtowers, "watchtowers", SK_UINT, 0),
};
static const schema S_SECURITY = SUB("security", F_SECURITY, ev_security, NULL);
static const schema_field F_FACILITY_REGISTERED[] = {
    AT,
    EF(facility_registered.contact, "contact", SK_TEXT, 0),
    EF(facility_registered.country, "country", SK_COUNTRY, R),
    EF(facility_registered.design_capacity, "design_capacity", SK_UINT, R),
    EF(facility_registered.facility, "facility", SK_ID, R),
    ENUMF(event, u.facility_registered.kind, "kind", ENUM_FACILITY_KIND, R),
    EF(facility_registered.name, "name", SK_TEXT, R),
    OBJF(event, u.facility_registered.security, "security", S_SECURITY, 0),
    TYPE,
};

static const schema_field F_UNIT_CERTIFIED[] = {
    AT,
    EF(unit_certified.beds, "beds", SK_UINT, R),
    EF(unit_certified.capacity, "capacity", SK_UINT, R),
    EF(unit_certified.facility, "facility", SK_ID, R),
    EF(unit_certified.floor_area_m2, "floor_area_m2", SK_NUMBER, R | SF_NONNEG),
    ENUMF(event, u.unit_certified.kind, "kind", ENUM_UNIT_KIND, R),
    TYPE,
    EF(unit_certified.unit, "unit", SK_ID, R),
};

/* agreement.signed */
static const schema_field F_FEE[] = {
    FIELD(ev_fee, amount, "amount", SK_UINT, R),
    FIELD(ev_fee, currency, "currency", SK_CURRENCY, R),
    FIELD(ev_fee, days, "days", SK_UINT, R | SF_POS),
    FIELD(ev_fee, persons, "persons", SK_UINT, R | SF_POS),
};
static const schema S_FEE = SUB("fee", F_FEE, ev_fee, NULL);
static const schema_field F_BASELINE[] = {
    FIELD(ev_baseline, amount, "amount", SK_UINT, R),
    FIELD(ev_baseline, currency, "currency", SK_CURRENCY, R),
    ENUMF(ev_baseline, per, "per", ENUM_COST_PER, R),
};
static const schema S_BASELINE = SUB("baseline_cost", F_BASELINE, ev_baseline, NULL);
static const schema_field F_CONDITIONS[] = {
    FIELD(ev_conditions, allow_sending_state_nationals, "allow_sending_state_nationals", SK_BOOL,
          0),
    FIELD(ev_conditions, max_persons, "max_persons", SK_UINT, 0),
    FIELD(ev_conditions, min_sentence_remaining_days, "min_sentence_remaining_days", SK_UINT, 0),
    FIELD(ev_conditions, nationalities, "nationalities", SK_NATIONALITIES, 0),
    FIELD(ev_conditions, require_consent, "require_consent", SK_BOOL, 0),
    FIELD(ev_conditions, require_final_conviction, "require_final_conviction", SK_BOOL, 0),
};
static const schema S_CONDITIONS = SUB("conditions", F_CONDITIONS, ev_conditions, NULL);
static const schema_field F_AGREEMENT_SIGNED[] = {
    EF(agreement_signed.agreement, "agreement", SK_ID, R),
    AT,
    OBJF(event, u.agreement_signed.baseline_cost, "baseline_cost", S_BASELINE, 0),
    OBJF(event, u.agreement_signed.conditions, "conditions", S_CONDITIONS, 0),
    EF(agreement_signed.ends, "ends", SK_DATE, R),
    EF(agreement_signed.facilities, "facilities", SK_IDS, R | SF_NONEMPTY),
    OBJF(event, u.agreement_signed.fee, "fee", S_FEE, R),
    EF(agreement_signed.receiving_state, "receiving_state", SK_COUNTRY, R),
    EF(agreement_signed.sending_state, "sending_state", SK_COUNTRY, R),
    EF(agreement_signed.starts, "starts", SK_DATE, R),
    TYPE,
};

static const schema_field F_PERSON_REGISTERED[] = {
    EF(person_registered.aliases, "aliases", SK_TEXTS, 0),
    AT,
    EF(person_registered.birth_country, "birth_country", SK_COUNTRY, 0),
    EF(person_registered.birth_date, "birth_date", SK_DATE, 0),
    EF(person_registered.family_names, "family_names", SK_TEXT, R),
    EF(person_registered.given_names, "given_names", SK_TEXT, R),
    EF(person_registered.identifiers, "identifiers", SK_STRMAP, 0),
    EF(person_registered.nationalities, "nationalities", SK_COUNTRIES, 0),
    EF(person_registered.person, "person", SK_ID, R),
    TYPE,
};

static const schema_field F_STATUS_RECORDED[] = {
    AT,
    EF(status_recorded.country, "country", SK_COUNTRY, 0),
    EF(status_recorded.jurisdiction, "jurisdiction", SK_COUNTRY, R),
    EF(status_recorded.person, "person", SK_ID, R),
    EF(status_recorded.source, "source", SK_TEXT, R),
    ENUMF(event, u.status_recorded.status, "status", ENUM_STATUS, R),
    TYPE,
    EF(status_recorded.valid_from, "valid_from", SK_DATE, R),
    EF(status_recorded.valid_until, "valid_until", SK_DATE, 0),
};

static const schema_field F_CONVICTION_RECORDED[] = {
    AT,
    EF(conviction_recorded.case_, "case", SK_TEXT, R),
    EF(conviction_recorded.court, "court", SK_TEXT, R),
    EF(conviction_recorded.date, "date", SK_DATE, R),
    EF(conviction_recorded.final, "final", SK_BOOL, R),
    EF(conviction_recorded.jurisdiction, "jurisdiction", SK_COUNTRY, R),
    EF(conviction_recorded.offense, "offense", SK_TEXT, R),
    EF(conviction_recorded.person, "person", SK_ID, R),
    EF(conviction_recorded.sentence_days, "sentence_days", SK_UINT, R),
    TYPE,
    EF(conviction_recorded.violent, "violent", SK_BOOL, R),
};

static const schema_field F_ALLEGATION_RECORDED[] = {
    AT,
    EF(allegation_recorded.detail, "detail", SK_TEXT, 0),
    EF(allegation_recorded.kind, "kind", SK_TEXT, R),
    EF(allegation_recorded.person, "person", SK_ID, R),
    EF(allegation_recorded.source, "source", SK_TEXT, R),
    TYPE,
};

/* hold.placed */
static const schema_field F_SCOPE[] = {
    FIELD(ev_scope, authority, "authority", SK_TEXT, 0),
    FIELD(ev_scope, destination_country, "destination_country", SK_COUNTRY, 0),
    FIELD(ev_scope, persons, "persons", SK_IDS, SF_NONEMPTY | SF_UNIQUE),
};
static const schema S_SCOPE = SUB("scope", F_SCOPE, ev_scope, check_scope);
static const schema_field F_HOLD_PLACED[] = {
    AT,
    EF(hold_placed.case_, "case", SK_TEXT, R),
    EF(hold_placed.effective_from, "effective_from", SK_TIME, R),
    EF(hold_placed.hold, "hold", SK_ID, R),
    EF(hold_placed.issued_by, "issued_by", SK_TEXT, R),
    ENUMF(event, u.hold_placed.kind, "kind", ENUM_HOLD_KIND, R),
    OBJF(event, u.hold_placed.scope, "scope", S_SCOPE, R),
    TYPE,
    EF(hold_placed.until, "until", SK_TIME, 0),
};

static const schema_field F_HOLD_LIFTED[] = {
    AT,
    EF(hold_lifted.hold, "hold", SK_ID, R),
    EF(hold_lifted.issued_by, "issued_by", SK_TEXT, 0),
    EF(hold_lifted.reason, "reason", SK_TEXT, 0),
    TYPE,
};

static const schema_field F_CONSENT_RECORDED[] = {
    AT,
    EF(consent_recorded.given, "given", SK_BOOL, R),
    EF(consent_recorded.person, "person", SK_ID, R),
    EF(consent_recorded.reference, "reference", SK_TEXT, R),
    ENUMF(event, u.consent_recorded.to, "to", ENUM_CONSENT_TO, R),
    TYPE,
};

/* custody.admitted */
static const schema_field F_BASIS[] = {
    ENUMF(ev_basis, kind, "kind", ENUM_BASIS_KIND, R),
    FIELD(ev_basis, reference, "reference", SK_TEXT, R),
    FIELD(ev_basis, review_by, "review_by", SK_DATE, 0),
    FIELD(ev_basis, until, "until", SK_DATE, 0),
};
static const schema S_BASIS = SUB("basis", F_BASIS, ev_basis, NULL);
static const schema_field F_CUSTODY_ADMITTED[] = {
    AT,
    OBJF(event, u.custody_admitted.basis, "basis", S_BASIS, R),
    EF(custody_admitted.facility, "facility", SK_ID, R),
    EF(custody_admitted.person, "person", SK_ID, R),
    TYPE,
    EF(custody_admitted.unit, "unit", SK_ID, R),
};

static const schema_field F_CUSTODY_MOVED[] = {
    AT,
    EF(custody_moved.facility, "facility", SK_ID, R),
    EF(custody_moved.person, "person", SK_ID, R),
    TYPE,
    EF(custody_moved.unit, "unit", SK_ID, R),
};

static const schema_field F_TRANSFER_PROPOSED[] = {
    EF(transfer_proposed.agreement, "agreement", SK_ID, 0),
    AT,
    EF(transfer_proposed.authority, "authority", SK_TEXT, R),
    EF(transfer_proposed.departure_planned, "departure_planned", SK_TIME, R),
    EF(transfer_proposed.from_facility, "from_facility", SK_ID, R),
    EF(transfer_proposed.persons, "persons", SK_IDS, R | SF_NONEMPTY | SF_UNIQUE),
    EF(transfer_proposed.to_facility, "to_facility", SK_ID, R),
    EF(transfer_proposed.transfer, "transfer", SK_ID, R),
    TYPE,
};

static const schema_field F_TRANSFER_STEP[] = {
    AT,
    EF(transfer_step.persons, "persons", SK_IDS, R | SF_NONEMPTY | SF_UNIQUE),
    EF(transfer_step.transfer, "transfer", SK_ID, R),
    TYPE,
};

static const schema_field F_CUSTODY_RELEASED[] = {
    AT,
    EF(custody_released.person, "person", SK_ID, R),
    EF(custody_released.reason, "reason", SK_TEXT, R),
    EF(custody_released.released_to, "released_to", SK_TEXT, 0),
    TYPE,
};

static const schema_field F_CUSTODY_DIED[] = {
    AT,
    EF(custody_died.cause, "cause", SK_TEXT, R),
    EF(custody_died.person, "person", SK_ID, R),
    TYPE,
};

static const schema_field F_COUNT_RECORDED[] = {
    AT,
    EF(count_recorded.facility, "facility", SK_ID, R),
    EF(count_recorded.present, "present", SK_IDS, R | SF_UNIQUE),
    TYPE,
    EF(count_recorded.unit, "unit", SK_ID, 0),
};

static const schema_field F_CONDITION_OBSERVED[] = {
    AT,
    EF(condition_observed.facility, "facility", SK_ID, R),
    ENUMF(event, u.condition_observed.metric, "metric", ENUM_METRIC, R),
    TYPE,
    EF(condition_observed.unit, "unit", SK_ID, 0),
    EF(condition_observed.value, "value", SK_NUMBER, R),
};

/* work.logged */
static const schema_field F_PAY[] = {
    FIELD(ev_pay, amount, "amount", SK_UINT, R),
    FIELD(ev_pay, currency, "currency", SK_CURRENCY, R),
};
static const schema S_PAY = SUB("pay", F_PAY, ev_pay, NULL);
static const schema_field F_WORK_LOGGED[] = {
    AT,
    EF(work_logged.consented, "consented", SK_BOOL, R),
    EF(work_logged.hours, "hours", SK_NUMBER, R | SF_NONNEG),
    OBJF(event, u.work_logged.pay, "pay", S_PAY, 0),
    EF(work_logged.person, "person", SK_ID, R),
    EF(work_logged.programme, "programme", SK_TEXT, R),
    TYPE,
};

static const schema EVENTS[EV__COUNT] = {
    [EV_FACILITY_REGISTERED] = TOP("facility.registered", F_FACILITY_REGISTERED, NULL),
    [EV_UNIT_CERTIFIED] = TOP("unit.certified", F_UNIT_CERTIFIED, NULL),
    [EV_AGREEMENT_SIGNED] = TOP("agreement.signed", F_AGREEMENT_SIGNED, check_agreement),
    [EV_PERSON_REGISTERED] = TOP("person.registered", F_PERSON_REGISTERED, NULL),
    [EV_STATUS_RECORDED] = TOP("status.recorded", F_STATUS_RECORDED, check_status),
    [EV_CONVICTION_RECORDED] = TOP("conviction.recorded", F_CONVICTION_RECORDED, NULL),
    [EV_ALLEGATION_RECORDED] = TOP("allegation.recorded", F_ALLEGATION_RECORDED, NULL),
    [EV_HOLD_PLACED] = TOP("hold.placed", F_HOLD_PLACED, check_hold),
    [EV_HOLD_LIFTED] = TOP("hold.lifted", F_HOLD_LIFTED, NULL),
    [EV_CONSENT_RECORDED] = TOP("consent.recorded", F_CONSENT_RECORDED, NULL),
    [EV_CUSTODY_ADMITTED] = TOP("custody.admitted", F_CUSTODY_ADMITTED, NULL),
    [EV_CUSTODY_MOVED] = TOP("custody.moved", F_CUSTODY_MOVED, NULL),
    [EV_TRANSFER_PROPOSED] = TOP("transfer.proposed", F_TRANSFER_PROPOSED, check_transfer_proposed),
    [EV_TRANSFER_APPROVED] = TOP("transfer.approved", F_TRANSFER_STEP, NULL),
    [EV_TRANSFER_CANCELLED] = TOP("transfer.cancelled", F_TRANSFER_STEP, NULL),
    [EV_TRANSFER_DEPARTED] = TOP("transfer.departed", F_TRANSFER_STEP, NULL),
    [EV_TRANSFER_ARRIVED] = TOP("transfer.arrived", F_TRANSFER_STEP, NULL),
    [EV_CUSTODY_RELEASED] = TOP("custody.released", F_CUSTODY_RELEASED, NULL),
    [EV_CUSTODY_DIED] = TOP("custody.died", F_CUSTODY_DIED, NULL),
    [EV_COUNT_RECORDED] = TOP("count.recorded", F_COUNT_RECORDED, NULL),
    [EV_CONDITION_OBSERVED] = TOP("condition.observed", F_CONDITION_OBSERVED, NULL),
    [EV_WORK_LOGGED] = TOP("work.logged", F_WORK_LOGGED, NULL),
};

static const schema_field F_RECORD[] = {
    FIELD(record, actor, "actor", SK_TEXT, R),
    FIELD(record, ev, "event", SK_EVENT, R),
    FIELD(record, hash, "hash", SK_HASH, 0),
    FIELD(record, recorded_at, "recorded_at", SK_TIME, R),
    FIELD(record, seq, "seq", SK_UINT, R | SF_POS),
};
static const schema S_RECORD = TOP("record", F_RECORD, NULL);

const schema *schema_event(event_type t)
{
    if ((int)t < 0 || t >= EV__COUNT) return NULL;
    return &EVENTS[t];
}

const schema *schema_record(void)
{
    return &S_RECORD;
}
