/* event: the typed form of every event in the catalogue (DESIGN.md, docs/events.md).
 *
 * Every field has an "absent" value so optional fields need no flags:
 *   hb_str       .p == NULL            (present strings are NUL-terminated)
 *   int64 uint   -1                    (present values are 0 .. 2^53-1)
 *   double       NAN
 *   int8 bool    -1                    (0 false, 1 true)
 *   int8 enum    -1                    (else an index into the enum's names)
 *   int32 date   HB_DATE_ABSENT        (else days since 1970-01-01)
 *   hb_time      .text.p == NULL
 *   country      "" (cc[0] == 0)       (else two upper-case letters)
 *   arrays/maps  .n == -1              (an empty list present is n == 0)
 *   sub-objects  .present == 0
 * Memory: all pointers in a decoded event point into the arena passed to the
 * decoder; the event lives as long as that arena. */
#ifndef HB_EVENT_H
#define HB_EVENT_H
#include <stdbool.h>
#include <stdint.h>
#include "util/hbtime.h"

typedef struct {
    const char *p;
    uint32_t n;
} hb_str;

typedef struct {
    hb_str *v;
    int32_t n;
} hb_strs;

typedef struct {
    char cc[3];
} hb_cc; /* ISO 3166-1 alpha-2, or "" when absent */

typedef struct {
    hb_cc *v;
    int32_t n;
} hb_ccs;

typedef struct {
    hb_str key, val;
} hb_kv;

typedef struct {
    hb_kv *v;
    int32_t n;
} hb_kvs;

typedef struct {
    hb_str text; /* as given: canonical form keeps it byte for byte */
    int64_t us;  /* UTC microseconds */
} hb_time;

typedef struct {
    int64_t amount;   /* integer minor units */
    char currency[4]; /* ISO 4217 */
} hb_money;

typedef enum {
    EV_FACILITY_REGISTERED,
    EV_UNIT_CERTIFIED,
    EV_AGREEMENT_SIGNED,
    EV_PERSON_REGISTERED,
    EV_STATUS_RECORDED,
    EV_CONVICTION_RECORDED,
    EV_ALLEGATION_RECORDED,
    EV_HOLD_PLACED,
    EV_HOLD_LIFTED,
    EV_CONSENT_RECORDED,
    EV_CUSTODY_ADMITTED,
    EV_CUSTODY_MOVED,
    EV_TRANSFER_PROPOSED,
    EV_TRANSFER_APPROVED,
    EV_TRANSFER_CANCELLED,
    EV_TRANSFER_DEPARTED,
    EV_TRANSFER_ARRIVED,
    EV_CUSTODY_RELEASED,
    EV_CUSTODY_DIED,
    EV_COUNT_RECORDED,
    EV_CONDITION_OBSERVED,
    EV_WORK_LOGGED,
    EV__COUNT
} event_type;

/* Enumerations: the value is an index into the matching *_NAMES table in catalogue.c. */
typedef enum { FAC_PRISON, FAC_DETENTION_CENTER, FAC_HOLDING, FAC__COUNT } facility_kind;
typedef enum { UNIT_CELL, UNIT_DORMITORY, UNIT_SEGREGATION, UNIT__COUNT } unit_kind;
typedef enum {
    ST_CITIZEN,
    ST_PERMANENT_RESIDENT,
    ST_PROTECTED_STATUS,
    ST_ASYLUM_PENDING,
    ST_WITHHOLDING_OF_REMOVAL,
    ST_CAT_PROTECTION,
    ST_REMOVAL_ORDER,
    ST_NO_STATUS, /* the status "none" */
    ST__COUNT
} status_kind;
typedef enum {
    HOLD_COURT_ORDER,
    HOLD_STAY_OF_REMOVAL,
    HOLD_MEDICAL,
    HOLD_INVESTIGATION,
    HOLD__COUNT
} hold_kind;
typedef enum { CONSENT_TRANSFER, CONSENT_WORK, CONSENT__COUNT } consent_to;
typedef enum {
    BASIS_SENTENCE,
    BASIS_PRETRIAL,
    BASIS_IMMIGRATION,
    BASIS_AGREEMENT,
    BASIS__COUNT
} basis_kind;
typedef enum {
    METRIC_TEMPERATURE_C,
    METRIC_LIGHT_HOURS_PER_DAY,
    METRIC_OUT_OF_CELL_HOURS_PER_DAY,
    METRIC_OCCUPANTS,
    METRIC_MATTRESSES,
    METRIC__COUNT
} metric_kind;
typedef enum { PER_PERSON_YEAR, PER__COUNT } cost_per;

typedef struct {
    bool present;
    int64_t watchtowers, perimeter_walls; /* optional */
    int8_t electrified_fence;             /* optional */
} ev_security;

typedef struct {
    hb_str facility, name;
    hb_cc country;
    int8_t kind; /* facility_kind */
    int64_t design_capacity;
    hb_str contact;       /* optional */
    ev_security security; /* optional */
} ev_facility_registered;

typedef struct {
    hb_str facility, unit;
    int8_t kind; /* unit_kind */
    int64_t capacity;
    double floor_area_m2;
    int64_t beds;
} ev_unit_certified;

typedef struct {
    bool present;
    int64_t amount;
    char currency[4];
    int64_t persons, days;
} ev_fee;

typedef struct {
    bool present;
    int64_t amount;
    char currency[4];
    int8_t per; /* cost_per */
} ev_baseline;

typedef struct {
    bool any;    /* the string "any" */
    hb_ccs list; /* n == -1 when absent or "any" */
} hb_nationalities;

typedef struct {
    bool present;
    int8_t require_final_conviction, allow_sending_state_nationals, require_consent; /* opt */
    hb_nationalities nationalities;      /* optional; absent means any */
    int64_t max_persons;                 /* optional */
    int64_t min_sentence_remaining_days; /* optional */
} ev_conditions;

typedef struct {
    hb_str agreement;
    hb_cc sending_state, receiving_state;
    hb_strs facilities;   /* at least one */
    int32_t starts, ends; /* dates, inclusive */
    ev_fee fee;
    ev_baseline baseline_cost; /* optional */
    ev_conditions conditions;  /* optional */
} ev_agreement_signed;

typedef struct {
    hb_str person, given_names, family_names;
    hb_strs aliases;      /* optional */
    int32_t birth_date;   /* optional */
    hb_cc birth_country;  /* optional */
    hb_ccs nationalities; /* optional */
    hb_kvs identifiers;   /* optional: scheme -> value */
} ev_person_registered;

typedef struct {
    hb_str person;
    hb_cc jurisdiction;
    int8_t status; /* status_kind */
    hb_cc country; /* required for withholding_of_removal and cat_protection */
    int32_t valid_from;
    int32_t valid_until; /* optional */
    hb_str source;
} ev_status_recorded;

typedef struct {
    hb_str person;
    hb_cc jurisdiction;
    hb_str court, case_, offense; /* JSON key "case" */
    int8_t violent, final;
    int32_t date;
    int64_t sentence_days;
} ev_conviction_recorded;

typedef struct {
    hb_str person, kind, source;
    hb_str detail; /* optional */
} ev_allegation_recorded;

typedef struct {
    bool present;
    hb_strs persons;           /* optional */
    hb_str authority;          /* optional */
    hb_cc destination_country; /* optional */
} ev_scope;                    /* at least one member */

typedef struct {
    hb_str hold;
    int8_t kind; /* hold_kind */
    hb_str issued_by, case_;
    hb_time effective_from;
    hb_time until; /* optional */
    ev_scope scope;
} ev_hold_placed;

typedef struct {
    hb_str hold;
    hb_str issued_by; /* optional */
    hb_str reason;    /* optional */
} ev_hold_lifted;

typedef struct {
    hb_str person;
    int8_t to; /* consent_to */
    hb_str reference;
    int8_t given;
} ev_consent_recorded;

typedef struct {
    bool present;
    int8_t kind; /* basis_kind */
    hb_str reference;
    int32_t until;     /* optional */
    int32_t review_by; /* optional */
} ev_basis;

typedef struct {
    hb_str person, facility, unit;
    ev_basis basis;
} ev_custody_admitted;

typedef struct {
    hb_str person, facility, unit;
} ev_custody_moved;

typedef struct {
    hb_str transfer, from_facility, to_facility;
    hb_str agreement; /* optional: domestic transfers have none */
    hb_str authority;
    hb_strs persons; /* at least one, no repeats */
    hb_time departure_planned;
} ev_transfer_proposed;

/* approved, cancelled, departed, arrived */
typedef struct {
    hb_str transfer;
    hb_strs persons; /* at least one, no repeats */
} ev_transfer_step;

typedef struct {
    hb_str person, reason;
    hb_str released_to; /* optional */
} ev_custody_released;

typedef struct {
    hb_str person, cause;
} ev_custody_died;

typedef struct {
    hb_str facility;
    hb_str unit;     /* optional: a whole-facility count when absent */
    hb_strs present; /* may be empty */
} ev_count_recorded;

typedef struct {
    hb_str facility;
    hb_str unit;   /* optional */
    int8_t metric; /* metric_kind */
    double value;
} ev_condition_observed;

typedef struct {
    bool present;
    int64_t amount;
    char currency[4];
} ev_pay;

typedef struct {
    hb_str person, programme;
    double hours;
    ev_pay pay; /* optional: absent means unpaid */
    int8_t consented;
} ev_work_logged;

typedef struct {
    event_type type;
    hb_time at;
    union {
        ev_facility_registered facility_registered;
        ev_unit_certified unit_certified;
        ev_agreement_signed agreement_signed;
        ev_person_registered person_registered;
        ev_status_recorded status_recorded;
        ev_conviction_recorded conviction_recorded;
        ev_allegation_recorded allegation_recorded;
        ev_hold_placed hold_placed;
        ev_hold_lifted hold_lifted;
        ev_consent_recorded consent_recorded;
        ev_custody_admitted custody_admitted;
        ev_custody_moved custody_moved;
        ev_transfer_proposed transfer_proposed;
        ev_transfer_step transfer_step; /* approved/cancelled/departed/arrived */
        ev_custody_released custody_released;
        ev_custody_died custody_died;
        ev_count_recorded count_recorded;
        ev_condition_observed condition_observed;
        ev_work_logged work_logged;
    } u;
} event;

/* A ledger record: what the leaf hash covers (with the event). */
typedef struct {
    int64_t seq;
    hb_time recorded_at;
    hb_str actor;
    event ev;
    bool has_hash; /* export lines carry "hash" (hex); stored records do not */
    uint8_t hash[32];
} record;

/* "facility.registered" ... ; NULL for an out-of-range type. */
const char *event_type_name(event_type t);
/* Returns -1 when the name is not in the catalogue. */
int event_type_from_name(const char *s, size_t n);
/* Enum names: e.g. event_enum_name(ENUM_STATUS, ST_CITIZEN) == "citizen". */
typedef enum {
    ENUM_FACILITY_KIND,
    ENUM_UNIT_KIND,
    ENUM_STATUS,
    ENUM_HOLD_KIND,
    ENUM_CONSENT_TO,
    ENUM_BASIS_KIND,
    ENUM_METRIC,
    ENUM_COST_PER,
    ENUM__COUNT
} event_enum;
const char *event_enum_name(event_enum e, int v);
#endif
