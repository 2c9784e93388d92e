/* rules/eligibility: a table of cases, each a small state built by applying
 * events (JSON, decoded and checked like an import) on top of a base, a transfer
 * to check, a moment, and the verdict expected for each of its persons: the
 * codes in order with their evidence seqs. Then the explanations, the figures,
 * bad plans, evidence overflow and a larger state against a simple oracle. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"
#include "rules/eligibility.h"
#include "state/state.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hbtime.h"

/* ---- events, as JSON with ' for " (readable in C) ---- */

#define FAC(id, cc, design)                                                                        \
    "{'type':'facility.registered','at':'2025-01-01T00:00:00Z','facility':'" id                    \
    "','name':'Facility " id "','country':'" cc "','kind':'prison','design_capacity':" design "}"
#define UNIT(fac, id, cap)                                                                         \
    "{'type':'unit.certified','at':'2025-01-01T01:00:00Z','facility':'" fac "','unit':'" id        \
    "','kind':'dormitory','capacity':" cap ",'floor_area_m2':100,'beds':" cap "}"
#define AGREEMENT(id, at, fac, starts, ends, cond)                                                 \
    "{'type':'agreement.signed','at':'" at "','agreement':'" id                                    \
    "','sending_state':'US','receiving_state':'SV','facilities':['" fac "'],'starts':'" starts     \
    "','ends':'" ends "','fee':{'amount':100,'currency':'USD','persons':1,'days':1},"              \
    "'conditions':" cond "}"
#define AG(id, cond) AGREEMENT(id, "2025-01-02T00:00:00Z", "F-SV", "2025-01-01", "2026-12-31", cond)
#define PERSON(id, nat)                                                                            \
    "{'type':'person.registered','at':'2025-01-03T00:00:00Z','person':'" id                        \
    "','given_names':'Given','family_names':'Family','nationalities':" nat "}"
#define PERSON_NO_NAT(id)                                                                          \
    "{'type':'person.registered','at':'2025-01-03T00:00:00Z','person':'" id                        \
    "','given_names':'Given','family_names':'Family'}"
#define IMMIGRATION "{'kind':'immigration','reference':'A-123'}"
#define ADMIT_B(id, fac, unit, basis)                                                              \
    "{'type':'custody.admitted','at':'2025-01-04T00:00:00Z','person':'" id "','facility':'" fac    \
    "','unit':'" unit "','basis':" basis "}"
#define ADMIT(id) ADMIT_B(id, "F-US", "U1", IMMIGRATION)
#define RELEASE(id)                                                                                \
    "{'type':'custody.released','at':'2025-02-01T00:00:00Z','person':'" id "','reason':'bond'}"
#define UNDER(ag) "'agreement':'" ag "',"
#define DOMESTIC ""
#define TRANSFER(id, from, to, ag, persons)                                                        \
    "{'type':'transfer.proposed','at':'2025-05-01T00:00:00Z','transfer':'" id                      \
    "','from_facility':'" from "','to_facility':'" to "'," ag                                      \
    "'authority':'AEA','persons':[" persons "],'departure_planned':'2025-06-02T00:00:00Z'}"
#define T1(persons) TRANSFER("T-1", "F-US", "F-SV", UNDER("AG-1"), persons)
#define STEP(type, t, persons)                                                                     \
    "{'type':'transfer." type "','at':'2025-05-02T00:00:00Z','transfer':'" t                       \
    "','persons':[" persons "]}"
#define HOLD_K(id, kind, at, from, until, scope)                                                   \
    "{'type':'hold.placed','at':'" at "','hold':'" id "','kind':'" kind                            \
    "','issued_by':'U.S. District Court, D.D.C.','case':'1:25-cv-00766','effective_from':'" from   \
    "'," until "'scope':" scope "}"
#define HOLD(id, at, from, until, scope) HOLD_K(id, "court_order", at, from, until, scope)
#define UNTIL(t) "'until':'" t "',"
#define OPEN ""
#define LIFT(id, at) "{'type':'hold.lifted','at':'" at "','hold':'" id "','reason':'vacated'}"
#define STATUS_AT(at, p, kind, jur, country, from, until)                                          \
    "{'type':'status.recorded','at':'" at "','person':'" p "','jurisdiction':'" jur                \
    "','status':'" kind "'," country "'valid_from':'" from "'," until                              \
    "'source':'Immigration Court, Baltimore'}"
#define STATUS(p, kind, jur, country, from, until)                                                 \
    STATUS_AT("2025-01-05T00:00:00Z", p, kind, jur, country, from, until)
#define TO(cc) "'country':'" cc "',"
#define VALID_UNTIL(d) "'valid_until':'" d "',"
#define CONVICTION(p, at, final, date, days)                                                       \
    "{'type':'conviction.recorded','at':'" at "','person':'" p                                     \
    "','jurisdiction':'US','court':'U.S. District Court','case':'4:23-cr-1','offense':'reentry',"  \
    "'violent':false,'final':" final ",'date':'" date "','sentence_days':" days "}"
#define ALLEGATION(p)                                                                              \
    "{'type':'allegation.recorded','at':'2025-01-05T00:00:00Z','person':'" p                       \
    "','kind':'gang_affiliation','source':'tattoo assessment'}"
#define CONSENT(p, at, to, given)                                                                  \
    "{'type':'consent.recorded','at':'" at "','person':'" p "','to':'" to                          \
    "','reference':'interview','given':" given "}"

/* The base every case starts from: seqs 1 .. BASE_N. */
static const char *const BASE[] = {
    FAC("F-US", "US", "100"),
    UNIT("F-US", "U1", "100"),
    FAC("F-SV", "SV", "1000"),
    UNIT("F-SV", "C1", "3"),
    FAC("F-US2", "US", "50"),
    UNIT("F-US2", "U2", "50"),
    AG("AG-1", "{'allow_sending_state_nationals':true}"),
    PERSON("P-1", "['VE']"),
    ADMIT("P-1"),
};
#define BASE_N 9
#define SEQ_FSV 3
#define SEQ_AG1 7
#define SEQ_P1 8
#define WHEN "2025-06-01T12:00:00Z"

typedef struct {
    const char *name;
    const char *events[20]; /* case event k has seq BASE_N + 1 + k, written @k below */
    const char *when;       /* default WHEN */
    const char *transfer;   /* default T-1 */
    const char *expect[5];  /* per transfer person: "cleared" or "CODE:seq,@k CODE:..." */
} elig_case;

static const elig_case CASES[] = {
    {"a person with nothing against them is cleared", {T1("'P-1'")}, 0, 0, {"cleared"}},
    /* ---- HOLD_COURT_ORDER ---- */
    {"a hold blocks from the exact microsecond it takes effect",
     {T1("'P-1'"),
      HOLD("H-1", "2025-06-01T11:00:00Z", "2025-06-01T12:00:00Z", OPEN, "{'persons':['P-1']}")},
     "2025-06-01T12:00:00Z",
     0,
     {"HOLD_COURT_ORDER:@1"}},
    {"a hold does not block one second before it takes effect",
     {T1("'P-1'"),
      HOLD("H-1", "2025-06-01T11:00:00Z", "2025-06-01T12:00:00Z", OPEN, "{'persons':['P-1']}")},
     "2025-06-01T11:59:59Z",
     0,
     {"cleared"}},
    {"a hold's until is exclusive",
     {T1("'P-1'"), HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z",
                        UNTIL("2025-06-01T12:00:00Z"), "{'persons':['P-1']}")},
     "2025-06-01T12:00:00Z",
     0,
     {"cleared"}},
    {"a hold still blocks a microsecond before its until",
     {T1("'P-1'"), HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z",
                        UNTIL("2025-06-01T12:00:00Z"), "{'persons':['P-1']}")},
     "2025-06-01T11:59:59.999999Z",
     0,
     {"HOLD_COURT_ORDER:@1"}},
    {"a lifted hold blocks until the lift's time",
     {T1("'P-1'"),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN, "{'persons':['P-1']}"),
      LIFT("H-1", "2025-06-01T12:00:00Z")},
     "2025-06-01T11:59:59Z",
     0,
     {"HOLD_COURT_ORDER:@1"}},
    {"a lifted hold stops applying at the lift's time",
     {T1("'P-1'"),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN, "{'persons':['P-1']}"),
      LIFT("H-1", "2025-06-01T12:00:00Z")},
     "2025-06-01T12:00:00Z",
     0,
     {"cleared"}},
    {"a hold by authority covers every person on a transfer under it",
     {PERSON("P-2", "['VE']"), ADMIT("P-2"), T1("'P-1','P-2'"),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN, "{'authority':'AEA'}")},
     0,
     0,
     {"HOLD_COURT_ORDER:@3", "HOLD_COURT_ORDER:@3"}},
    {"a hold by another authority does not block",
     {T1("'P-1'"),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN, "{'authority':'INA'}")},
     0,
     0,
     {"cleared"}},
    {"a hold by destination country covers every transfer to it",
     {T1("'P-1'"), HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN,
                        "{'destination_country':'SV'}")},
     0,
     0,
     {"HOLD_COURT_ORDER:@1"}},
    {"a hold on another destination country does not block",
     {T1("'P-1'"), HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN,
                        "{'destination_country':'HN'}")},
     0,
     0,
     {"cleared"}},
    {"a hold placed after the check time does not count, even when effective before",
     {T1("'P-1'"),
      HOLD("H-1", "2025-06-01T12:00:01Z", "2025-05-01T00:00:00Z", OPEN, "{'persons':['P-1']}")},
     0,
     0,
     {"cleared"}},
    {"a hold on another person does not block",
     {PERSON("P-2", "['VE']"), T1("'P-1'"),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN, "{'persons':['P-2']}")},
     0,
     0,
     {"cleared"}},
    {"a hold's scope members each cover (persons or authority)",
     {PERSON("P-2", "['VE']"), T1("'P-1'"),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN,
           "{'persons':['P-2'],'authority':'AEA'}")},
     0,
     0,
     {"HOLD_COURT_ORDER:@2"}},
    {"every hold kind blocks, and every hold is evidence",
     {T1("'P-1'"),
      HOLD_K("H-1", "stay_of_removal", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN,
             "{'persons':['P-1']}"),
      HOLD_K("H-2", "medical", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN,
             "{'destination_country':'SV'}")},
     0,
     0,
     {"HOLD_COURT_ORDER:@1,@2"}},
    /* ---- NON_REFOULEMENT ---- */
    {"withholding of removal to the destination country blocks",
     {T1("'P-1'"), STATUS("P-1", "withholding_of_removal", "US", TO("SV"), "2019-05-14", "")},
     0,
     0,
     {"NON_REFOULEMENT:@1"}},
    {"withholding of removal to another country does not block",
     {T1("'P-1'"), STATUS("P-1", "withholding_of_removal", "US", TO("HN"), "2019-05-14", "")},
     0,
     0,
     {"cleared"}},
    {"a status applies on its valid_until date",
     {T1("'P-1'"),
      STATUS("P-1", "cat_protection", "US", TO("SV"), "2019-05-14", VALID_UNTIL("2025-06-01"))},
     0,
     0,
     {"NON_REFOULEMENT:@1"}},
    {"a status does not apply the day after its valid_until",
     {T1("'P-1'"),
      STATUS("P-1", "cat_protection", "US", TO("SV"), "2019-05-14", VALID_UNTIL("2025-05-31"))},
     0,
     0,
     {"cleared"}},
    {"a status applies from its valid_from date",
     {T1("'P-1'"), STATUS("P-1", "cat_protection", "US", TO("SV"), "2025-06-01", "")},
     "2025-06-01T00:00:00Z",
     0,
     {"NON_REFOULEMENT:@1"}},
    {"a status does not apply the day before its valid_from",
     {T1("'P-1'"), STATUS("P-1", "cat_protection", "US", TO("SV"), "2025-06-01", "")},
     "2025-05-31T23:59:59Z",
     0,
     {"cleared"}},
    {"a status recorded after the check time does not count",
     {T1("'P-1'"), STATUS_AT("2025-06-01T12:00:01Z", "P-1", "withholding_of_removal", "US",
                             TO("SV"), "2019-05-14", "")},
     0,
     0,
     {"cleared"}},
    {"a pending asylum claim blocks removal from the state examining it",
     {T1("'P-1'"), STATUS("P-1", "asylum_pending", "US", "", "2025-01-01", "")},
     0,
     0,
     {"NON_REFOULEMENT:@1"}},
    {"a pending asylum claim does not block a move within that state",
     {TRANSFER("T-D", "F-US", "F-US2", DOMESTIC, "'P-1'"),
      STATUS("P-1", "asylum_pending", "US", "", "2025-01-01", "")},
     0,
     "T-D",
     {"cleared"}},
    {"a later record of the same status closes a claim",
     {T1("'P-1'"), STATUS("P-1", "asylum_pending", "US", "", "2025-01-01", ""),
      STATUS_AT("2025-05-20T00:00:00Z", "P-1", "asylum_pending", "US", "", "2025-01-01",
                VALID_UNTIL("2025-05-19"))},
     0,
     0,
     {"cleared"}},
    {"a later record of the same status that keeps it open is the evidence",
     {T1("'P-1'"),
      STATUS("P-1", "asylum_pending", "US", "", "2025-01-01", VALID_UNTIL("2025-02-01")),
      STATUS_AT("2025-05-20T00:00:00Z", "P-1", "asylum_pending", "US", "", "2025-01-01", ""),
      STATUS("P-1", "withholding_of_removal", "US", TO("SV"), "2019-05-14", "")},
     0,
     0,
     {"NON_REFOULEMENT:@2,@3"}},
    /* ---- SENDING_STATE_NATIONAL ---- */
    {"a citizen by status is blocked when the agreement does not allow it",
     {AG("AG-2", "{'allow_sending_state_nationals':false}"),
      TRANSFER("T-2", "F-US", "F-SV", UNDER("AG-2"), "'P-1'"),
      STATUS("P-1", "citizen", "US", "", "2001-01-01", "")},
     0,
     "T-2",
     {"SENDING_STATE_NATIONAL:@0,@2"}},
    {"a citizen by nationality is blocked when the agreement does not allow it",
     {AG("AG-2", "{'allow_sending_state_nationals':false}"), PERSON("P-3", "['VE','US']"),
      ADMIT("P-3"), TRANSFER("T-2", "F-US", "F-SV", UNDER("AG-2"), "'P-3'")},
     0,
     "T-2",
     {"SENDING_STATE_NATIONAL:@0,@1"}},
    {"an agreement silent on sending-state nationals does not allow them",
     {AG("AG-2", "{}"), TRANSFER("T-2", "F-US", "F-SV", UNDER("AG-2"), "'P-1'"),
      STATUS("P-1", "citizen", "US", "", "2001-01-01", "")},
     0,
     "T-2",
     {"SENDING_STATE_NATIONAL:@0,@2"}},
    {"a citizen is cleared when the agreement allows sending-state nationals",
     {T1("'P-1'"), STATUS("P-1", "citizen", "US", "", "2001-01-01", "")},
     0,
     0,
     {"cleared"}},
    {"a citizen of another state is not a sending-state national",
     {AG("AG-2", "{'allow_sending_state_nationals':false}"),
      TRANSFER("T-2", "F-US", "F-SV", UNDER("AG-2"), "'P-1'"),
      STATUS("P-1", "citizen", "VE", "", "2001-01-01", "")},
     0,
     "T-2",
     {"cleared"}},
    /* ---- NO_FINAL_CONVICTION ---- */
    {"a final conviction satisfies the agreement",
     {AG("AG-3", "{'require_final_conviction':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-3", "F-US", "F-SV", UNDER("AG-3"), "'P-1'"),
      CONVICTION("P-1", "2025-01-06T00:00:00Z", "true", "2024-06-01", "730")},
     0,
     "T-3",
     {"cleared"}},
    {"a conviction under appeal does not count",
     {AG("AG-3", "{'require_final_conviction':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-3", "F-US", "F-SV", UNDER("AG-3"), "'P-1'"),
      CONVICTION("P-1", "2025-01-06T00:00:00Z", "false", "2024-06-01", "730")},
     0,
     "T-3",
     {"NO_FINAL_CONVICTION:8,@0"}},
    {"an allegation never counts as a conviction",
     {AG("AG-3", "{'require_final_conviction':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-3", "F-US", "F-SV", UNDER("AG-3"), "'P-1'"), ALLEGATION("P-1")},
     0,
     "T-3",
     {"NO_FINAL_CONVICTION:8,@0"}},
    {"a conviction recorded after the check time does not count",
     {AG("AG-3", "{'require_final_conviction':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-3", "F-US", "F-SV", UNDER("AG-3"), "'P-1'"),
      CONVICTION("P-1", "2025-06-02T00:00:00Z", "true", "2024-06-01", "730")},
     0,
     "T-3",
     {"NO_FINAL_CONVICTION:8,@0"}},
    /* ---- NATIONALITY_NOT_COVERED ---- */
    {"a listed nationality is covered",
     {AG("AG-4", "{'nationalities':['SV','VE'],'allow_sending_state_nationals':true}"),
      TRANSFER("T-4", "F-US", "F-SV", UNDER("AG-4"), "'P-1'")},
     0,
     "T-4",
     {"cleared"}},
    {"a nationality not listed is not covered",
     {AG("AG-4", "{'nationalities':['SV','VE'],'allow_sending_state_nationals':true}"),
      PERSON("P-3", "['HN']"), ADMIT("P-3"),
      TRANSFER("T-4", "F-US", "F-SV", UNDER("AG-4"), "'P-3'")},
     0,
     "T-4",
     {"NATIONALITY_NOT_COVERED:@0,@1"}},
    {"a person with no recorded nationality is not covered",
     {AG("AG-4", "{'nationalities':['SV','VE'],'allow_sending_state_nationals':true}"),
      PERSON_NO_NAT("P-3"), ADMIT("P-3"), TRANSFER("T-4", "F-US", "F-SV", UNDER("AG-4"), "'P-3'")},
     0,
     "T-4",
     {"NATIONALITY_NOT_COVERED:@0,@1"}},
    {"a citizenship recorded as a status is a nationality",
     {AG("AG-4", "{'nationalities':['SV','VE'],'allow_sending_state_nationals':true}"),
      PERSON("P-3", "['HN']"), ADMIT("P-3"),
      TRANSFER("T-4", "F-US", "F-SV", UNDER("AG-4"), "'P-3'"),
      STATUS("P-3", "citizen", "SV", "", "2001-01-01", "")},
     0,
     "T-4",
     {"cleared"}},
    {"nationalities \"any\" covers everyone",
     {AG("AG-4", "{'nationalities':'any','allow_sending_state_nationals':true}"),
      PERSON("P-3", "['HN']"), ADMIT("P-3"),
      TRANSFER("T-4", "F-US", "F-SV", UNDER("AG-4"), "'P-3'")},
     0,
     "T-4",
     {"cleared"}},
    /* ---- NO_CONSENT ---- */
    {"no consent recorded",
     {AG("AG-5", "{'require_consent':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-5", "F-US", "F-SV", UNDER("AG-5"), "'P-1'")},
     0,
     "T-5",
     {"NO_CONSENT:8,@0"}},
    {"consent given",
     {AG("AG-5", "{'require_consent':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-5", "F-US", "F-SV", UNDER("AG-5"), "'P-1'"),
      CONSENT("P-1", "2025-05-01T00:00:00Z", "transfer", "true")},
     0,
     "T-5",
     {"cleared"}},
    {"consent given then withdrawn: the withdrawal decides",
     {AG("AG-5", "{'require_consent':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-5", "F-US", "F-SV", UNDER("AG-5"), "'P-1'"),
      CONSENT("P-1", "2025-05-01T00:00:00Z", "transfer", "true"),
      CONSENT("P-1", "2025-05-10T00:00:00Z", "transfer", "false")},
     0,
     "T-5",
     {"NO_CONSENT:@0,@3"}},
    {"consent refused then given: the consent decides",
     {AG("AG-5", "{'require_consent':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-5", "F-US", "F-SV", UNDER("AG-5"), "'P-1'"),
      CONSENT("P-1", "2025-05-01T00:00:00Z", "transfer", "false"),
      CONSENT("P-1", "2025-05-10T00:00:00Z", "transfer", "true")},
     0,
     "T-5",
     {"cleared"}},
    {"a withdrawal recorded with a later time than the check does not count",
     {AG("AG-5", "{'require_consent':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-5", "F-US", "F-SV", UNDER("AG-5"), "'P-1'"),
      CONSENT("P-1", "2025-05-01T00:00:00Z", "transfer", "true"),
      CONSENT("P-1", "2025-06-01T12:00:01Z", "transfer", "false")},
     0,
     "T-5",
     {"cleared"}},
    {"the latest answer in time decides, not the latest recorded",
     {AG("AG-5", "{'require_consent':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-5", "F-US", "F-SV", UNDER("AG-5"), "'P-1'"),
      CONSENT("P-1", "2025-05-10T00:00:00Z", "transfer", "false"),
      CONSENT("P-1", "2025-05-01T00:00:00Z", "transfer", "true")},
     0,
     "T-5",
     {"NO_CONSENT:@0,@2"}},
    {"a consent to work is not a consent to transfer",
     {AG("AG-5", "{'require_consent':true,'allow_sending_state_nationals':true}"),
      TRANSFER("T-5", "F-US", "F-SV", UNDER("AG-5"), "'P-1'"),
      CONSENT("P-1", "2025-05-01T00:00:00Z", "work", "true")},
     0,
     "T-5",
     {"NO_CONSENT:8,@0"}},
    /* ---- SENTENCE_TOO_SHORT (2024-06-01 + 730 days = 2026-06-01, 365 days on) ---- */
    {"a sentence with exactly the minimum remaining is enough",
     {AG("AG-6", "{'min_sentence_remaining_days':365,'allow_sending_state_nationals':true}"),
      TRANSFER("T-6", "F-US", "F-SV", UNDER("AG-6"), "'P-1'"),
      CONVICTION("P-1", "2025-01-06T00:00:00Z", "true", "2024-06-01", "730")},
     0,
     "T-6",
     {"cleared"}},
    {"a sentence with one day less than the minimum remaining is too short",
     {AG("AG-6", "{'min_sentence_remaining_days':365,'allow_sending_state_nationals':true}"),
      TRANSFER("T-6", "F-US", "F-SV", UNDER("AG-6"), "'P-1'"),
      CONVICTION("P-1", "2025-01-06T00:00:00Z", "true", "2024-06-01", "729")},
     0,
     "T-6",
     {"SENTENCE_TOO_SHORT:@0,@2"}},
    {"the longest final sentence counts; a longer one under appeal does not",
     {AG("AG-6", "{'min_sentence_remaining_days':365,'allow_sending_state_nationals':true}"),
      TRANSFER("T-6", "F-US", "F-SV", UNDER("AG-6"), "'P-1'"),
      CONVICTION("P-1", "2025-01-06T00:00:00Z", "true", "2024-06-01", "100"),
      CONVICTION("P-1", "2025-01-06T00:00:00Z", "true", "2024-06-01", "729"),
      CONVICTION("P-1", "2025-01-06T00:00:00Z", "false", "2024-06-01", "5000")},
     0,
     "T-6",
     {"SENTENCE_TOO_SHORT:@0,@3"}},
    {"no sentence at all is too short",
     {AG("AG-6", "{'min_sentence_remaining_days':365,'allow_sending_state_nationals':true}"),
      TRANSFER("T-6", "F-US", "F-SV", UNDER("AG-6"), "'P-1'")},
     0,
     "T-6",
     {"SENTENCE_TOO_SHORT:8,@0"}},
    /* ---- CAPACITY (F-SV: one unit of 3) ---- */
    {"the last place goes to the last person who fits; blocked persons take none",
     {PERSON("P-2", "['VE']"), ADMIT("P-2"), PERSON("P-3", "['VE']"), ADMIT("P-3"),
      PERSON("P-4", "['VE']"), ADMIT("P-4"), PERSON("P-5", "['VE']"),
      ADMIT_B("P-5", "F-SV", "C1", IMMIGRATION),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN, "{'persons':['P-2']}"),
      T1("'P-1','P-2','P-3','P-4'")},
     0,
     0,
     {"cleared", "HOLD_COURT_ORDER:@8", "cleared", "CAPACITY:3"}},
    {"persons approved on another transfer to the facility count; its own approvals do not",
     {PERSON("P-2", "['VE']"), ADMIT("P-2"), PERSON("P-3", "['VE']"), ADMIT("P-3"),
      PERSON("P-5", "['VE']"), ADMIT_B("P-5", "F-SV", "C1", IMMIGRATION),
      TRANSFER("T-0", "F-US", "F-SV", DOMESTIC, "'P-2'"), STEP("approved", "T-0", "'P-2'"),
      T1("'P-1','P-3'"), STEP("approved", "T-1", "'P-1','P-3'")},
     0,
     0,
     {"cleared", "CAPACITY:3"}},
    {"persons in transit to the facility count",
     {PERSON("P-2", "['VE']"), ADMIT("P-2"), PERSON("P-3", "['VE']"), ADMIT("P-3"),
      PERSON("P-4", "['VE']"), ADMIT("P-4"),
      TRANSFER("T-0", "F-US", "F-SV", DOMESTIC, "'P-2','P-3'"),
      STEP("departed", "T-0", "'P-2','P-3'"), T1("'P-1','P-4'")},
     0,
     0,
     {"cleared", "CAPACITY:3"}},
    {"a cancelled approval takes no place",
     {PERSON("P-2", "['VE']"), ADMIT("P-2"), PERSON("P-3", "['VE']"), ADMIT("P-3"),
      PERSON("P-5", "['VE']"), ADMIT_B("P-5", "F-SV", "C1", IMMIGRATION),
      TRANSFER("T-0", "F-US", "F-SV", DOMESTIC, "'P-2','P-3'"),
      STEP("approved", "T-0", "'P-2','P-3'"), STEP("cancelled", "T-0", "'P-3'"), T1("'P-1'")},
     0,
     0,
     {"cleared"}},
    {"a facility with no certified unit is limited by its design capacity",
     {FAC("F-H", "US", "2"), PERSON("P-2", "['VE']"), ADMIT("P-2"), PERSON("P-3", "['VE']"),
      ADMIT("P-3"), TRANSFER("T-H", "F-US", "F-H", DOMESTIC, "'P-1','P-2','P-3'")},
     0,
     "T-H",
     {"cleared", "cleared", "CAPACITY:@0"}},
    {"the agreement's max_persons counts persons approved under it elsewhere",
     {AG("AG-7", "{'max_persons':2,'allow_sending_state_nationals':true}"), PERSON("P-2", "['VE']"),
      ADMIT("P-2"), PERSON("P-3", "['VE']"), ADMIT("P-3"),
      TRANSFER("T-0", "F-US", "F-SV", UNDER("AG-7"), "'P-2'"), STEP("approved", "T-0", "'P-2'"),
      TRANSFER("T-7", "F-US", "F-SV", UNDER("AG-7"), "'P-1','P-3'"),
      STEP("approved", "T-7", "'P-1','P-3'")},
     0,
     "T-7",
     {"cleared", "CAPACITY:@0"}},
    {"the agreement's max_persons counts persons held on an agreement basis",
     {AG("AG-7", "{'max_persons':2,'allow_sending_state_nationals':true}"), PERSON("P-3", "['VE']"),
      ADMIT("P-3"), PERSON("P-5", "['VE']"),
      ADMIT_B("P-5", "F-SV", "C1", "{'kind':'agreement','reference':'AG-7'}"),
      TRANSFER("T-7", "F-US", "F-SV", UNDER("AG-7"), "'P-1','P-3'")},
     0,
     "T-7",
     {"cleared", "CAPACITY:@0"}},
    {"a basis naming another agreement does not count against this one",
     {AG("AG-7", "{'max_persons':2,'allow_sending_state_nationals':true}"), PERSON("P-3", "['VE']"),
      ADMIT("P-3"), PERSON("P-5", "['VE']"),
      ADMIT_B("P-5", "F-SV", "C1", "{'kind':'agreement','reference':'AG-1'}"),
      TRANSFER("T-7", "F-US", "F-SV", UNDER("AG-7"), "'P-1','P-3'")},
     0,
     "T-7",
     {"cleared", "cleared"}},
    {"the agreement's max_persons counts persons who arrived under it",
     {AG("AG-7", "{'max_persons':2,'allow_sending_state_nationals':true}"), PERSON("P-2", "['VE']"),
      ADMIT("P-2"), PERSON("P-3", "['VE']"), ADMIT("P-3"),
      TRANSFER("T-0", "F-US", "F-SV", UNDER("AG-7"), "'P-2'"), STEP("departed", "T-0", "'P-2'"),
      STEP("arrived", "T-0", "'P-2'"),
      TRANSFER("T-7", "F-US", "F-SV", UNDER("AG-7"), "'P-1','P-3'")},
     0,
     "T-7",
     {"cleared", "CAPACITY:@0"}},
    {"an agreement not yet in force allots no place",
     {AGREEMENT("AG-8", "2025-01-02T00:00:00Z", "F-SV", "2025-06-02", "2026-12-31",
                "{'allow_sending_state_nationals':true}"),
      TRANSFER("T-8", "F-US", "F-SV", UNDER("AG-8"), "'P-1'")},
     0,
     "T-8",
     {"CAPACITY:@0"}},
    {"an agreement no longer in force allots no place",
     {T1("'P-1'")},
     "2027-01-01T00:00:00Z",
     0,
     {"CAPACITY:7"}},
    {"an agreement signed after the check time allots no place",
     {AGREEMENT("AG-8", "2025-06-01T12:00:01Z", "F-SV", "2025-01-01", "2026-12-31",
                "{'allow_sending_state_nationals':true}"),
      TRANSFER("T-8", "F-US", "F-SV", UNDER("AG-8"), "'P-1'")},
     0,
     "T-8",
     {"CAPACITY:@0"}},
    {"an agreement not covering the destination allots no place there",
     {TRANSFER("T-8", "F-US", "F-US2", UNDER("AG-1"), "'P-1'")},
     0,
     "T-8",
     {"CAPACITY:7"}},
    /* ---- NOT_IN_CUSTODY ---- */
    {"a person never admitted is not in custody",
     {PERSON("P-3", "['VE']"), T1("'P-3'")},
     0,
     0,
     {"NOT_IN_CUSTODY:@0"}},
    {"a person held at another facility is not at the origin",
     {PERSON("P-3", "['VE']"), ADMIT_B("P-3", "F-US2", "U2", IMMIGRATION), T1("'P-3'")},
     0,
     0,
     {"NOT_IN_CUSTODY:@1"}},
    {"a released person is not in custody",
     {T1("'P-1'"), RELEASE("P-1")},
     0,
     0,
     {"NOT_IN_CUSTODY:@1"}},
    {"a person in transit is not at the origin",
     {T1("'P-1'"), STEP("departed", "T-1", "'P-1'")},
     0,
     0,
     {"NOT_IN_CUSTODY:@1"}},
    {"a person held with no basis recorded is blocked",
     {PERSON("P-3", "['VE']"), TRANSFER("T-0", "F-US2", "F-US", DOMESTIC, "'P-3'"),
      STEP("departed", "T-0", "'P-3'"), STEP("arrived", "T-0", "'P-3'"), T1("'P-3'")},
     0,
     0,
     {"NOT_IN_CUSTODY:@3"}},
    {"a basis that ended before the check date is no basis",
     {PERSON("P-3", "['VE']"),
      ADMIT_B("P-3", "F-US", "U1", "{'kind':'sentence','reference':'J-1','until':'2025-05-31'}"),
      T1("'P-3'")},
     0,
     0,
     {"NOT_IN_CUSTODY:@1"}},
    {"a basis lasts through its until date",
     {PERSON("P-3", "['VE']"),
      ADMIT_B("P-3", "F-US", "U1", "{'kind':'sentence','reference':'J-1','until':'2025-06-01'}"),
      T1("'P-3'")},
     0,
     0,
     {"cleared"}},
    /* ---- domestic and everything at once ---- */
    {"a domestic transfer skips the agreement's clauses and protections elsewhere",
     {AG("AG-9", "{'require_final_conviction':true,'require_consent':true}"),
      STATUS("P-1", "citizen", "US", "", "2001-01-01", ""),
      STATUS("P-1", "withholding_of_removal", "US", TO("SV"), "2019-05-14", ""),
      TRANSFER("T-D", "F-US", "F-US2", DOMESTIC, "'P-1'")},
     0,
     "T-D",
     {"cleared"}},
    {"a hold on the destination country also covers domestic transfers",
     {TRANSFER("T-D", "F-US", "F-US2", DOMESTIC, "'P-1'"),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN,
           "{'destination_country':'US'}")},
     0,
     "T-D",
     {"HOLD_COURT_ORDER:@1"}},
    {"a person with every reason gets all of them, in code order",
     {AG("AG-X", "{'require_final_conviction':true,'allow_sending_state_nationals':false,"
                 "'require_consent':true,'nationalities':['SV'],'max_persons':0,"
                 "'min_sentence_remaining_days':365}"),
      PERSON("P-3", "['US']"), ALLEGATION("P-3"),
      CONVICTION("P-3", "2025-01-06T00:00:00Z", "false", "2024-06-01", "3000"),
      STATUS("P-3", "withholding_of_removal", "US", TO("SV"), "2019-05-14", ""),
      STATUS("P-3", "citizen", "US", "", "1990-01-01", ""),
      CONSENT("P-3", "2025-05-01T00:00:00Z", "transfer", "false"),
      TRANSFER("T-X", "F-US", "F-SV", UNDER("AG-X"), "'P-3'"),
      HOLD("H-1", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN, "{'persons':['P-3']}")},
     0,
     "T-X",
     {"HOLD_COURT_ORDER:@8 NON_REFOULEMENT:@4 SENDING_STATE_NATIONAL:@0,@1,@5 "
      "NO_FINAL_CONVICTION:@0,@1 NATIONALITY_NOT_COVERED:@0,@1 NO_CONSENT:@0,@6 "
      "SENTENCE_TOO_SHORT:@0,@1 CAPACITY:@0 NOT_IN_CUSTODY:@1"}},
};

/* ---- running a case ---- */

static arena A;

/* The JSON with ' turned into ", in a fresh malloc'd string. */
static char *json_of(const char *q)
{
    char *j = strdup(q);
    assert_non_null(j);
    for (char *c = j; *c; c++)
        if (*c == '\'') *c = '"';
    return j;
}

static void apply(state *s, int64_t *seq, const char *q)
{
    char *j = json_of(q);
    event ev;
    hb_errlist errs;
    errlist_init(&errs, 4);
    if (event_decode(j, strlen(j), &A, &ev, &errs, "event") || state_check(s, &ev, &errs, "event"))
        fail_msg("event refused: %s\n  %s", errs.n ? errs.msgs[0] : "?", j);
    assert_int_equal(state_apply(s, ++*seq, &ev), 0);
    errlist_free(&errs);
    free(j);
}

static state *build(const char *const *events, size_t n)
{
    state *s = state_new();
    assert_non_null(s);
    int64_t seq = 0;
    for (size_t i = 0; i < sizeof BASE / sizeof *BASE; i++)
        apply(s, &seq, BASE[i]);
    assert_int_equal(seq, BASE_N);
    for (size_t i = 0; i < n && events[i]; i++)
        apply(s, &seq, events[i]);
    return s;
}

static int64_t time_of(const char *t)
{
    int64_t us;
    const char *why;
    if (hbtime_parse(t, strlen(t), &us, &why)) fail_msg("bad time %s: %s", t, why);
    return us;
}

/* "cleared" or "CODE:seq,seq CODE:seq", evidence ascending. */
static void render(const elig_verdict *v, buf *b)
{
    buf_clear(b);
    if (!v->n_reasons) buf_puts(b, "cleared");
    for (uint8_t k = 0; k < v->n_reasons; k++) {
        const elig_reason *r = &v->reasons[k];
        buf_printf(b, "%s%s:", k ? " " : "", elig_code_name(r->code));
        for (uint8_t e = 0; e < r->n_evidence; e++)
            buf_printf(b, "%s%lld", e ? "," : "", (long long)r->evidence[e]);
    }
}

/* The expectation with each @k replaced by its seq. */
static void expand(const char *want, buf *b)
{
    buf_clear(b);
    for (const char *c = want; *c; c++) {
        if (*c != '@') {
            buf_putc(b, *c);
            continue;
        }
        char *end;
        long k = strtol(c + 1, &end, 10);
        buf_put_int(b, BASE_N + 1 + k);
        c = end - 1;
    }
}

/* Every reason explains itself in one sentence, and the verdict is consistent. */
static void check_verdict(const state *s, const elig_plan *plan, const elig_verdict *v)
{
    assert_int_equal(v->blocked, v->n_reasons > 0);
    buf b = BUF_INIT;
    for (uint8_t k = 0; k < v->n_reasons; k++) {
        const elig_reason *r = &v->reasons[k];
        if (k) assert_true(r->code > v->reasons[k - 1].code);
        assert_true(r->n_evidence > 0);
        for (uint8_t e = 1; e < r->n_evidence; e++)
            assert_true(r->evidence[e] > r->evidence[e - 1]);
        buf_clear(&b);
        assert_int_equal(elig_explain(s, plan, v, r, &b), 0);
        assert_non_null(b.p);
        assert_true(b.len > 20);
        assert_int_equal(b.p[b.len - 1], '.');
        assert_null(strstr(b.p, "(null)"));
    }
    buf_free(&b);
}

static void run_case(const elig_case *c)
{
    state *s = build(c->events, sizeof c->events / sizeof *c->events);
    const st_transfer *t = state_transfer(s, c->transfer ? c->transfer : "T-1");
    assert_non_null(t);
    elig_plan plan = elig_plan_of(s, t, time_of(c->when ? c->when : WHEN));
    uint32_t persons[8];
    assert_true(t->n_persons <= 5);
    for (uint32_t i = 0; i < t->n_persons; i++)
        persons[i] = t->persons[i].person;
    elig_verdict out[8];
    assert_int_equal(elig_check(s, &plan, persons, t->n_persons, out), 0);
    buf got = BUF_INIT, want = BUF_INIT;
    for (uint32_t i = 0; i < t->n_persons; i++) {
        assert_non_null(c->expect[i]);
        assert_int_equal(out[i].person, persons[i]);
        render(&out[i], &got);
        expand(c->expect[i], &want);
        if (strcmp(got.p, want.p) != 0)
            fail_msg("case \"%s\", person %u:\n  expected %s\n  got      %s", c->name, i, want.p,
                     got.p);
        check_verdict(s, &plan, &out[i]);
    }
    buf_free(&got);
    buf_free(&want);
    state_free(s);
}

static void table(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
        run_case(&CASES[i]);
}

/* ---- one case, looked at closely ---- */

static const elig_case *case_named(const char *name)
{
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
        if (strcmp(CASES[i].name, name) == 0) return &CASES[i];
    fail_msg("no case \"%s\"", name);
    return NULL;
}

typedef struct {
    state *s;
    elig_plan plan;
    uint32_t n;
    elig_verdict v[8];
} checked;

static void check_case(const elig_case *c, checked *k)
{
    k->s = build(c->events, sizeof c->events / sizeof *c->events);
    const st_transfer *t = state_transfer(k->s, c->transfer ? c->transfer : "T-1");
    assert_non_null(t);
    k->plan = elig_plan_of(k->s, t, time_of(c->when ? c->when : WHEN));
    uint32_t persons[8];
    k->n = t->n_persons;
    for (uint32_t i = 0; i < k->n; i++)
        persons[i] = t->persons[i].person;
    assert_int_equal(elig_check(k->s, &k->plan, persons, k->n, k->v), 0);
}

/* The sentence for person i's reason with code, into b. */
static const char *sentence(const checked *k, uint32_t i, reason_code code, buf *b)
{
    buf_clear(b);
    for (uint8_t r = 0; r < k->v[i].n_reasons; r++) {
        if (k->v[i].reasons[r].code != code) continue;
        assert_int_equal(elig_explain(k->s, &k->plan, &k->v[i], &k->v[i].reasons[r], b), 0);
        return b->p;
    }
    fail_msg("person %u has no %s", i, elig_code_name(code));
    return NULL;
}

static void explanations(void **st)
{
    (void)st;
    checked k;
    buf b = BUF_INIT;
    check_case(case_named("a person with every reason gets all of them, in code order"), &k);
    static const char *const want[RC__COUNT] = {
        "Hold H-1 (court_order, U.S. District Court, D.D.C., case 1:25-cv-00766) covers this "
        "person from 2025-05-01T00:00:00Z.",
        "Withholding of removal to SV (granted in US, status recorded at seq 14) forbids sending "
        "this person to SV (non-refoulement: 8 U.S.C. 1231(b)(3); Refugee Convention art. 33).",
        "This person is a national of US, the sending state of agreement AG-X (nationality at "
        "registration, seq 11; citizen status, seq 15), and the agreement does not allow sending "
        "the state's own nationals (a sentenced person may be transferred abroad only to a state "
        "of which they are a national, and only with their consent: Convention on the Transfer "
        "of Sentenced Persons, art. 3).",
        "Agreement AG-X requires a final conviction; none is recorded (allegations and non-final "
        "convictions do not count).",
        "Agreement AG-X covers only nationals of SV; this person's recorded nationalities (US) "
        "are not among them.",
        "Agreement AG-X requires the person's consent to the transfer; the person refused it "
        "(seq 16).",
        "Agreement AG-X requires at least 365 days of sentence remaining on 2025-06-01; no final "
        "sentence is recorded (non-final convictions do not count).",
        "Agreement AG-X allows at most 0 persons and would count 1 with this one (held under it, "
        "approved or in transit under it, and cleared before on this plan).",
        "This person was never admitted to custody (registered at seq 11) and is not held at "
        "F-US, the transfer's origin.",
    };
    for (int c = 0; c < RC__COUNT; c++)
        assert_string_equal(sentence(&k, 0, (reason_code)c, &b), want[c]);
    state_free(k.s);

    check_case(case_named("the last place goes to the last person who fits; blocked persons take "
                          "none"),
               &k);
    assert_string_equal(sentence(&k, 3, RC_CAPACITY, &b),
                        "Facility F-SV (certified capacity 3: 1 unit) would hold 4 persons with "
                        "this one (held there, approved or on their way to it, and cleared "
                        "before on this plan).");
    state_free(k.s);

    check_case(case_named("a pending asylum claim blocks removal from the state examining it"), &k);
    assert_string_equal(sentence(&k, 0, RC_NON_REFOULEMENT, &b),
                        "A pending asylum claim in US (status recorded at seq 11) bars sending "
                        "this person out of US before it is decided (non-refoulement: Refugee "
                        "Convention art. 33).");
    state_free(k.s);

    check_case(case_named("a status applies on its valid_until date"), &k);
    assert_non_null(strstr(sentence(&k, 0, RC_NON_REFOULEMENT, &b),
                           "Protection under the Convention against Torture from removal to SV"));
    assert_non_null(strstr(b.p, "Convention against Torture art. 3"));
    state_free(k.s);

    check_case(case_named("consent given then withdrawn: the withdrawal decides"), &k);
    assert_string_equal(sentence(&k, 0, RC_NO_CONSENT, &b),
                        "Agreement AG-5 requires the person's consent to the transfer; the "
                        "person withdrew it (seq 13).");
    state_free(k.s);

    check_case(case_named("a sentence with one day less than the minimum remaining is too short"),
               &k);
    assert_string_equal(sentence(&k, 0, RC_SENTENCE_TOO_SHORT, &b),
                        "Agreement AG-6 requires at least 365 days of sentence remaining on "
                        "2025-06-01; the longest final sentence (seq 12) ends on 2026-05-31, 364 "
                        "days later.");
    state_free(k.s);

    check_case(case_named("an agreement no longer in force allots no place"), &k);
    assert_string_equal(sentence(&k, 0, RC_CAPACITY, &b),
                        "Agreement AG-1 is in force from 2025-01-01 to 2026-12-31, so it allots "
                        "no place on 2027-01-01.");
    state_free(k.s);

    check_case(case_named("a person held with no basis recorded is blocked"), &k);
    assert_non_null(strstr(sentence(&k, 0, RC_NOT_IN_CUSTODY, &b),
                           "held at F-US (since seq 13) with no lawful basis of custody recorded"));
    state_free(k.s);

    check_case(case_named("a basis that ended before the check date is no basis"), &k);
    assert_non_null(strstr(sentence(&k, 0, RC_NOT_IN_CUSTODY, &b),
                           "basis of custody at F-US (sentence: J-1) ended on 2025-05-31"));
    state_free(k.s);
    buf_free(&b);
}

/* A hold by authority with an end names both times; the brief's example form. */
static void explanation_of_a_hold_by_authority(void **st)
{
    (void)st;
    static const elig_case c = {
        "authority hold with until",
        {T1("'P-1'"), HOLD("H-7", "2025-03-15T22:47:00Z", "2025-03-15T18:47:00-04:00",
                           UNTIL("2025-07-01T00:00:00Z"), "{'authority':'AEA'}")},
        0,
        0,
        {"HOLD_COURT_ORDER:@1"}};
    run_case(&c);
    checked k;
    buf b = BUF_INIT;
    check_case(&c, &k);
    assert_string_equal(sentence(&k, 0, RC_HOLD_COURT_ORDER, &b),
                        "Hold H-7 (court_order, U.S. District Court, D.D.C., case 1:25-cv-00766) "
                        "covers every transfer under authority AEA from 2025-03-15T22:47:00Z "
                        "until 2025-07-01T00:00:00Z.");
    state_free(k.s);
    buf_free(&b);
}

static void capacity_figures(void **st)
{
    (void)st;
    checked k;
    check_case(case_named("the last place goes to the last person who fits; blocked persons take "
                          "none"),
               &k);
    static const uint32_t fac[4] = {2, 3, 3, 4}; /* the blocked second takes no place */
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(k.v[i].load_facility, fac[i]);
        assert_int_equal(k.v[i].load_agreement, 0); /* AG-1 has no max_persons */
    }
    state_free(k.s);
    check_case(case_named("the agreement's max_persons counts persons approved under it "
                          "elsewhere"),
               &k);
    assert_int_equal(k.v[0].load_agreement, 2);
    assert_int_equal(k.v[1].load_agreement, 3);
    assert_int_equal(k.v[0].load_facility, 2);
    assert_int_equal(k.v[1].load_facility, 3);
    state_free(k.s);
}

static uint32_t facility_index(const state *s, const char *id)
{
    for (uint32_t i = 0; i < state_count_facilities(s); i++)
        if (strcmp(state_facility_at(s, i)->id, id) == 0) return i;
    fail_msg("no facility %s", id);
    return ST_NONE;
}

static uint32_t person_index(const state *s, const char *id)
{
    for (uint32_t i = 0; i < state_count_persons(s); i++)
        if (strcmp(state_person_at(s, i)->id, id) == 0) return i;
    fail_msg("no person %s", id);
    return ST_NONE;
}

/* Any persons, a destination, no origin, no agreement, no transfer. */
static void plan_without_transfer(void **st)
{
    (void)st;
    static const char *const ev[] = {PERSON("P-2", "['VE']"),
                                     ADMIT_B("P-2", "F-US2", "U2", IMMIGRATION),
                                     PERSON("P-3", "['VE']")};
    state *s = build(ev, 3);
    elig_plan plan = {ST_NONE, facility_index(s, "F-SV"), ST_NONE, NULL, ST_NONE, time_of(WHEN)};
    uint32_t persons[3] = {person_index(s, "P-3"), person_index(s, "P-2"), person_index(s, "P-1")};
    elig_verdict v[3];
    assert_int_equal(elig_check(s, &plan, persons, 3, v), 0);
    buf b = BUF_INIT;
    render(&v[0], &b);
    assert_string_equal(b.p, "NOT_IN_CUSTODY:12");
    render(&v[1], &b);
    assert_string_equal(b.p, "cleared");
    render(&v[2], &b);
    assert_string_equal(b.p, "cleared");
    assert_int_equal(v[2].person, persons[2]);
    buf_clear(&b);
    assert_int_equal(elig_explain(s, &plan, &v[0], &v[0].reasons[0], &b), 0);
    assert_string_equal(b.p, "This person was never admitted to custody (registered at seq 12) "
                             "and is not held anywhere.");
    buf_free(&b);
    state_free(s);
}

static void bad_plans(void **st)
{
    (void)st;
    static const char *const ev[] = {T1("'P-1'")};
    state *s = build(ev, 1);
    elig_plan good = elig_plan_of(s, state_transfer(s, "T-1"), time_of(WHEN));
    assert_int_equal(good.transfer, 0);
    uint32_t p1 = person_index(s, "P-1"), nobody = 99;
    elig_verdict v, before;
    memset(&v, 0xA5, sizeof v);
    before = v;
    elig_plan bad = good;
    bad.to_facility = ST_NONE;
    assert_int_equal(elig_check(s, &bad, &p1, 1, &v), HB_EINPUT);
    bad = good;
    bad.from_facility = 77;
    assert_int_equal(elig_check(s, &bad, &p1, 1, &v), HB_EINPUT);
    bad = good;
    bad.agreement = 5;
    assert_int_equal(elig_check(s, &bad, &p1, 1, &v), HB_EINPUT);
    bad = good;
    bad.transfer = 3;
    assert_int_equal(elig_check(s, &bad, &p1, 1, &v), HB_EINPUT);
    assert_int_equal(elig_check(s, &good, &nobody, 1, &v), HB_EINPUT);
    assert_memory_equal(&v, &before, sizeof v);
    assert_int_equal(elig_check(s, &good, NULL, 0, NULL), 0);
    assert_int_equal(elig_check(s, &good, &p1, 1, &v), 0);
    assert_false(v.blocked);
    state_free(s);
}

static void code_names(void **st)
{
    (void)st;
    static const char *const names[RC__COUNT] = {"HOLD_COURT_ORDER",        "NON_REFOULEMENT",
                                                 "SENDING_STATE_NATIONAL",  "NO_FINAL_CONVICTION",
                                                 "NATIONALITY_NOT_COVERED", "NO_CONSENT",
                                                 "SENTENCE_TOO_SHORT",      "CAPACITY",
                                                 "NOT_IN_CUSTODY"};
    for (int c = 0; c < RC__COUNT; c++)
        assert_string_equal(elig_code_name((reason_code)c), names[c]);
    assert_string_equal(elig_code_name(RC__COUNT), "UNKNOWN");
}

/* Twelve holds over one person: the lowest eight seqs are listed, four counted. */
static void evidence_overflow(void **st)
{
    (void)st;
    const char *ev[13];
    char text[12][512];
    ev[0] = T1("'P-1'");
    for (int i = 0; i < 12; i++) {
        char id[8];
        snprintf(id, sizeof id, "H-%d", i);
        snprintf(text[i], sizeof text[i],
                 HOLD("%s", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN, "%s"), id,
                 i % 2 ? "{'authority':'AEA'}" : "{'persons':['P-1']}");
        ev[i + 1] = text[i];
    }
    state *s = build(ev, 13);
    elig_plan plan = elig_plan_of(s, state_transfer(s, "T-1"), time_of(WHEN));
    uint32_t p1 = person_index(s, "P-1");
    elig_verdict v;
    assert_int_equal(elig_check(s, &plan, &p1, 1, &v), 0);
    assert_int_equal(v.n_reasons, 1);
    assert_int_equal(v.reasons[0].n_evidence, ELIG_MAX_EVIDENCE);
    assert_int_equal(v.reasons[0].n_more, 4);
    for (int i = 0; i < ELIG_MAX_EVIDENCE; i++)
        assert_int_equal(v.reasons[0].evidence[i], BASE_N + 2 + i);
    buf b = BUF_INIT;
    assert_int_equal(elig_explain(s, &plan, &v, &v.reasons[0], &b), 0);
    assert_non_null(strstr(b.p, "Hold H-0 ("));
    assert_non_null(strstr(b.p, "; hold H-7 ("));
    assert_null(strstr(b.p, "H-8"));
    assert_non_null(strstr(b.p, "; and 4 more hold(s)."));
    buf_free(&b);
    state_free(s);
}

/* ---- many holds against a brute-force oracle ---- */

static uint64_t rng = 88172645463325252ull;
static uint32_t below(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

#define MANY_P 1200
#define MANY_H 1500

/* The holds covering person pi on the plan at its time, by going through them all. */
static uint32_t oracle(const state *s, const elig_plan *p, uint32_t pi, int64_t *seqs)
{
    uint32_t n = 0;
    hb_cc dest = state_facility_at(s, p->to_facility)->country;
    for (uint32_t h = 0; h < state_count_holds(s); h++) {
        const st_hold *x = state_hold_at(s, h);
        bool on = x->placed_us <= p->at_us && x->effective_from_us <= p->at_us &&
                  p->at_us < x->until_us && p->at_us < x->lifted_us;
        bool covers =
            (x->authority && strcmp(x->authority, p->authority) == 0) ||
            (x->destination_country.cc[0] && memcmp(x->destination_country.cc, dest.cc, 2) == 0);
        for (uint32_t k = 0; k < x->n_persons; k++)
            covers |= x->persons[k] == pi;
        if (on && covers) seqs[n++] = x->placed_seq;
    }
    return n;
}

static void many_holds(void **st)
{
    (void)st;
    state *s = state_new();
    int64_t seq = 0;
    char line[1024];
    for (size_t i = 0; i < sizeof BASE / sizeof *BASE; i++)
        apply(s, &seq, BASE[i]);
    apply(s, &seq, FAC("F-BIG", "KP", "100000"));
    buf list = BUF_INIT;
    for (int p = 0; p < MANY_P; p++) {
        snprintf(line, sizeof line, PERSON("Q-%d", "['VE']"), p);
        apply(s, &seq, line);
        snprintf(line, sizeof line, ADMIT("Q-%d"), p);
        apply(s, &seq, line);
        buf_printf(&list, "%s'Q-%d'", p ? "," : "", p);
    }
    /* Around the check time: placed, effective, ended and lifted on either side of it. */
    static const char *const times[] = {"2025-06-01T11:00:00Z", "2025-06-01T12:00:00Z",
                                        "2025-06-01T12:00:01Z", "2025-05-01T00:00:00Z"};
    for (int h = 0; h < MANY_H; h++) {
        char scope[256];
        int kind = (int)below(40);
        if (kind == 0) /* plan-wide holds elsewhere: they must cover nobody here */
            snprintf(scope, sizeof scope, "{'authority':'%s'}", below(2) ? "AEA-2" : "INA");
        else if (kind == 1)
            snprintf(scope, sizeof scope, "{'destination_country':'%s'}", below(2) ? "KR" : "SV");
        else if (kind < 30)
            snprintf(scope, sizeof scope, "{'persons':['Q-%u']}", below(MANY_P));
        else
            snprintf(scope, sizeof scope, "{'persons':['Q-%u','P-1','Q-%u']}", below(MANY_P / 2),
                     MANY_P / 2 + below(MANY_P / 2));
        uint32_t f = below(2) ? 3 : below(3);
        const char *placed = times[below(4)], *from = times[f];
        bool ends = (f == 0 || f == 3) && below(4) == 0; /* until must follow from */
        /* the hold's "at" comes first in its text, then its id */
        snprintf(line, sizeof line, HOLD("H-%d", "%s", "%s", "%s", "%s"), placed, h, from,
                 ends ? UNTIL("2025-06-01T12:00:00Z") : "", scope);
        apply(s, &seq, line);
        if (below(5) == 0) {
            snprintf(line, sizeof line, LIFT("H-%d", "%s"), times[below(3)], h);
            apply(s, &seq, line);
        }
    }
    /* Plan-wide holds not in effect at the check time: placed after it, lifted at
     * it, ended at it. */
    apply(s, &seq,
          HOLD("W-1", "2025-06-01T12:00:01Z", "2025-05-01T00:00:00Z", OPEN, "{'authority':'AEA'}"));
    apply(s, &seq,
          HOLD("W-2", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", OPEN,
               "{'destination_country':'KP'}"));
    apply(s, &seq, LIFT("W-2", "2025-06-01T12:00:00Z"));
    apply(s, &seq,
          HOLD("W-3", "2025-05-01T00:00:00Z", "2025-05-01T00:00:00Z", UNTIL("2025-06-01T12:00:00Z"),
               "{'authority':'AEA'}"));
    char *transfer = malloc(list.len + 512);
    assert_non_null(transfer);
    sprintf(transfer, TRANSFER("T-M", "F-US", "F-BIG", DOMESTIC, "%s"), list.p);
    apply(s, &seq, transfer);
    free(transfer);
    buf_free(&list);

    const st_transfer *t = state_transfer(s, "T-M");
    elig_plan plan = elig_plan_of(s, t, time_of(WHEN));
    uint32_t *persons = malloc(MANY_P * sizeof *persons);
    elig_verdict *all = malloc(MANY_P * sizeof *all);
    assert_true(persons && all);
    for (uint32_t i = 0; i < MANY_P; i++)
        persons[i] = t->persons[i].person;
    assert_int_equal(elig_check(s, &plan, persons, MANY_P, all), 0);
    int64_t want[MANY_H + 8];
    uint32_t blocked = 0;
    for (uint32_t i = 0; i < MANY_P; i++) {
        uint32_t n = oracle(s, &plan, persons[i], want);
        const elig_verdict *v = &all[i];
        blocked += v->blocked;
        elig_verdict one;
        assert_int_equal(elig_check(s, &plan, &persons[i], 1, &one), 0);
        assert_int_equal(one.n_reasons, v->n_reasons); /* alone as in the batch */
        if (!n) {
            assert_int_equal(v->n_reasons, 0);
            continue;
        }
        assert_int_equal(v->n_reasons, 1);
        const elig_reason *r = &v->reasons[0];
        assert_int_equal(r->code, RC_HOLD_COURT_ORDER);
        assert_int_equal(r->n_evidence + r->n_more, n);
        for (uint32_t e = 0; e < r->n_evidence; e++) {
            assert_int_equal(r->evidence[e], want[e]);
            assert_int_equal(one.reasons[0].evidence[e], want[e]);
        }
    }
    assert_true(blocked > MANY_P / 10 && blocked < MANY_P); /* the mix does both */
    free(persons);
    free(all);
    state_free(s);
}

static int setup(void **st)
{
    (void)st;
    arena_init(&A, 0);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    arena_free(&A);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(table, setup, teardown),
        cmocka_unit_test_setup_teardown(explanations, setup, teardown),
        cmocka_unit_test_setup_teardown(explanation_of_a_hold_by_authority, setup, teardown),
        cmocka_unit_test_setup_teardown(capacity_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(plan_without_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_plans, setup, teardown),
        cmocka_unit_test_setup_teardown(code_names, setup, teardown),
        cmocka_unit_test_setup_teardown(evidence_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(many_holds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
