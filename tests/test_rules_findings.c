/* rules/findings: a table of cases, each a small ledger built by feeding events
 * (JSON, decoded and checked like an import) through state and findings on top of
 * a base, a moment, and the findings expected: every event finding the case's
 * events raised and every standing one active at that moment. Then the fields of
 * a few findings looked at closely, clearing, explanations, rollback exactness,
 * and a seeded random stream where the incremental set is held to the scan after
 * every event. */
#include "testutil.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "model/codec.h"
#include "rules/eligibility.h"
#include "rules/findings.h"
#include "rules/profile.h"
#include "state/state.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hbtime.h"

/* ---- events, as JSON with ' for " ---- */

#define FAC(id, cc, design)                                                                        \
    "{'type':'facility.registered','at':'2025-01-01T00:00:00Z','facility':'" id                    \
    "','name':'Facility " id "','country':'" cc "','kind':'prison','design_capacity':" design "}"
#define UNIT_K(fac, id, kind, cap, floor, beds)                                                    \
    "{'type':'unit.certified','at':'2025-01-01T01:00:00Z','facility':'" fac "','unit':'" id        \
    "','kind':'" kind "','capacity':" cap ",'floor_area_m2':" floor ",'beds':" beds "}"
#define RECERT(at, fac, id, kind, cap, floor, beds)                                                \
    "{'type':'unit.certified','at':'" at "','facility':'" fac "','unit':'" id "','kind':'" kind    \
    "','capacity':" cap ",'floor_area_m2':" floor ",'beds':" beds "}"
#define PERSON(id)                                                                                 \
    "{'type':'person.registered','at':'2025-01-01T02:00:00Z','person':'" id                        \
    "','given_names':'Given','family_names':'Family','nationalities':['VE']}"
#define BASIS_REVIEW(d) "{'kind':'immigration','reference':'A-1','review_by':'" d "'}"
#define BASIS_UNTIL(d) "{'kind':'sentence','reference':'S-1','until':'" d "'}"
#define BASIS_OPEN "{'kind':'immigration','reference':'A-1'}"
#define BASIS BASIS_REVIEW("2030-01-01")
#define ADMIT_B(p, fac, unit, at, basis)                                                           \
    "{'type':'custody.admitted','at':'" at "','person':'" p "','facility':'" fac "','unit':'" unit \
    "','basis':" basis "}"
#define ADMIT(p, unit) ADMIT_B(p, "F-US", unit, "2025-02-01T00:00:00Z", BASIS)
#define MOVE(p, fac, unit, at)                                                                     \
    "{'type':'custody.moved','at':'" at "','person':'" p "','facility':'" fac "','unit':'" unit "'}"
#define RELEASE(p, at) "{'type':'custody.released','at':'" at "','person':'" p "','reason':'bond'}"
#define DIED(p, at) "{'type':'custody.died','at':'" at "','person':'" p "','cause':'heat stroke'}"
#define TRANSFER(id, from, to, persons)                                                            \
    "{'type':'transfer.proposed','at':'2025-03-01T00:00:00Z','transfer':'" id                      \
    "','from_facility':'" from "','to_facility':'" to "','authority':'AEA','persons':[" persons    \
    "],'departure_planned':'2025-03-15T00:00:00Z'}"
#define STEP(type, t, at, persons)                                                                 \
    "{'type':'transfer." type "','at':'" at "','transfer':'" t "','persons':[" persons "]}"
#define HOLD(id, at, persons)                                                                      \
    "{'type':'hold.placed','at':'" at "','hold':'" id "','kind':'court_order',"                    \
    "'issued_by':'U.S. District Court, D.D.C.','case':'1:25-cv-00766','effective_from':'" at       \
    "','scope':{'persons':[" persons "]}}"
#define COUNT_U(unit, present)                                                                     \
    "{'type':'count.recorded','at':'2025-04-01T00:00:00Z','facility':'F-US','unit':'" unit         \
    "','present':[" present "]}"
#define COUNT_F(fac, present)                                                                      \
    "{'type':'count.recorded','at':'2025-04-01T00:00:00Z','facility':'" fac                        \
    "','present':[" present "]}"
#define OBSERVE(unit, metric, value)                                                               \
    "{'type':'condition.observed','at':'2025-04-01T00:00:00Z','facility':'F-US','unit':'" unit     \
    "','metric':'" metric "','value':" value "}"
#define OBSERVE_F(metric, value)                                                                   \
    "{'type':'condition.observed','at':'2025-04-01T00:00:00Z','facility':'F-US','metric':'" metric \
    "','value':" value "}"
#define CONVICTION(p, at, final)                                                                   \
    "{'type':'conviction.recorded','at':'" at "','person':'" p                                     \
    "','jurisdiction':'US','court':'U.S. District Court','case':'4:23-cr-1','offense':'reentry',"  \
    "'violent':false,'final':" final ",'date':'2024-01-01','sentence_days':900}"
#define ALLEGATION(p)                                                                              \
    "{'type':'allegation.recorded','at':'2025-01-05T00:00:00Z','person':'" p                       \
    "','kind':'gang_affiliation','source':'tattoo assessment'}"
#define WORK(p, pay, consented)                                                                    \
    "{'type':'work.logged','at':'2025-04-01T00:00:00Z','person':'" p                               \
    "','programme':'zero idleness','hours':8," pay "'consented':" consented "}"
#define PAID(amount) "'pay':{'amount':" amount ",'currency':'USD'},"
#define UNPAID ""

/* The base every case starts from: seqs 1 .. BASE_N. Certified capacity of F-US:
 * 2 + 10 + 10 + 1 + 1 + 10 + 10 = 44. */
static const char *const BASE[] = {
    FAC("F-US", "US", "100"),
    UNIT_K("F-US", "U-CAP", "dormitory", "2", "100", "10"),
    UNIT_K("F-US", "U-BEDS", "dormitory", "10", "100", "2"),
    UNIT_K("F-US", "U-FLOOR", "dormitory", "10", "6.8", "10"),
    UNIT_K("F-US", "SEG1", "segregation", "1", "10", "1"),
    UNIT_K("F-US", "SEG2", "segregation", "1", "10", "1"),
    UNIT_K("F-US", "CELL", "cell", "10", "100", "10"),
    UNIT_K("F-US", "SMALL", "cell", "10", "5.3", "10"),
    FAC("F-SV", "SV", "1000"),
    UNIT_K("F-SV", "C1", "dormitory", "100", "1000", "100"),
    FAC("F-NU", "US", "1"),
    FAC("F-SM", "US", "100"),
    UNIT_K("F-SM", "S1", "cell", "1", "10", "1"),
    PERSON("P-1"),
    PERSON("P-2"),
    PERSON("P-3"),
    PERSON("P-4"),
};
#define BASE_N 17
#define WHEN "2025-06-01T00:00:00Z"

typedef struct {
    const char *name;
    const char *events[12];
    const char *when;   /* default WHEN */
    const char *expect; /* "CODE:subject ..." in any order, "" for none */
} fcase;

static const fcase CASES[] = {
    {"nothing wrong, nothing found", {ADMIT("P-1", "CELL")}, 0, ""},
    /* ---- occupancy ---- */
    {"a unit exactly full is not over capacity",
     {ADMIT("P-1", "U-CAP"), ADMIT("P-2", "U-CAP")},
     0,
     ""},
    {"one more than capacity is",
     {ADMIT("P-1", "U-CAP"), ADMIT("P-2", "U-CAP"), ADMIT("P-3", "U-CAP")},
     0,
     "UNIT_OVER_CAPACITY:U-CAP"},
    {"as many persons as beds is enough beds",
     {ADMIT("P-1", "U-BEDS"), ADMIT("P-2", "U-BEDS")},
     0,
     ""},
    {"one more person than beds is beds short",
     {ADMIT("P-1", "U-BEDS"), ADMIT("P-2", "U-BEDS"), ADMIT("P-3", "U-BEDS")},
     0,
     "BEDS_SHORT:U-BEDS"},
    {"two persons in 6.8 m2 have exactly the shared minimum",
     {ADMIT("P-1", "U-FLOOR"), ADMIT("P-2", "U-FLOOR")},
     0,
     ""},
    {"three persons in 6.8 m2 are under it",
     {ADMIT("P-1", "U-FLOOR"), ADMIT("P-2", "U-FLOOR"), ADMIT("P-3", "U-FLOOR")},
     0,
     "FLOOR_SPACE:U-FLOOR"},
    {"three persons in 10.2 m2 have exactly the minimum (no rounding)",
     {RECERT("2025-01-02T00:00:00Z", "F-US", "U-FLOOR", "dormitory", "10", "10.2", "10"),
      ADMIT("P-1", "U-FLOOR"), ADMIT("P-2", "U-FLOOR"), ADMIT("P-3", "U-FLOOR")},
     0,
     ""},
    {"one person alone in 5.3 m2 is under the single minimum",
     {ADMIT("P-1", "SMALL")},
     0,
     "FLOOR_SPACE:SMALL"},
    {"one person alone in exactly 5.4 m2 is not",
     {RECERT("2025-01-02T00:00:00Z", "F-US", "SMALL", "cell", "10", "5.4", "10"),
      ADMIT("P-1", "SMALL")},
     0,
     ""},
    {"two in 5.3 m2: the shared minimum applies (2.65 < 3.4)",
     {ADMIT("P-1", "SMALL"), ADMIT("P-2", "SMALL")},
     0,
     "FLOOR_SPACE:SMALL"},
    {"a facility without units: design capacity, arrivals fill it",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-NU", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"),
      STEP("arrived", "T-1", "2025-03-15T06:00:00Z", "'P-1'")},
     0,
     ""},
    {"one more than the design capacity",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"), TRANSFER("T-1", "F-US", "F-NU", "'P-1','P-2'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1','P-2'"),
      STEP("arrived", "T-1", "2025-03-15T06:00:00Z", "'P-1','P-2'")},
     0,
     /* the second departure was blocked for capacity; not a reason at arrival */
     "BLOCKED_DEPARTURE:P-2 FACILITY_OVER_CAPACITY:F-NU"},
    {"a facility with units: the sum of their capacities, not the design",
     {ADMIT_B("P-1", "F-SM", "S1", "2025-02-01T00:00:00Z", BASIS),
      TRANSFER("T-1", "F-US", "F-SM", "'P-2'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-2'"),
      STEP("arrived", "T-1", "2025-03-15T06:00:00Z", "'P-2'")},
     0,
     /* P-2 was never admitted at F-US: not in custody at the origin */
     "BLOCKED_DEPARTURE:P-2 CUSTODY_NO_END:P-2 FACILITY_OVER_CAPACITY:F-SM"},
    {"moving out clears the unit's finding",
     {ADMIT("P-1", "U-CAP"), ADMIT("P-2", "U-CAP"), ADMIT("P-3", "U-CAP"),
      MOVE("P-3", "F-US", "CELL", "2025-05-01T00:00:00Z")},
     0,
     ""},
    {"recertifying a larger capacity clears it",
     {ADMIT("P-1", "U-CAP"), ADMIT("P-2", "U-CAP"), ADMIT("P-3", "U-CAP"),
      RECERT("2025-05-01T00:00:00Z", "F-US", "U-CAP", "dormitory", "3", "100", "10")},
     0,
     ""},
    {"recertifying a smaller capacity raises it",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"),
      RECERT("2025-05-01T00:00:00Z", "F-US", "CELL", "cell", "1", "100", "10")},
     0,
     "UNIT_OVER_CAPACITY:CELL"},
    /* ---- segregation ---- */
    {"exactly 15 days in segregation is not over the limit",
     {ADMIT_B("P-1", "F-US", "SEG1", "2025-05-01T00:00:00Z", BASIS)},
     "2025-05-16T00:00:00Z",
     ""},
    {"one second more is",
     {ADMIT_B("P-1", "F-US", "SEG1", "2025-05-01T00:00:00Z", BASIS)},
     "2025-05-16T00:00:01Z",
     "SEGREGATION_TOO_LONG:P-1"},
    {"moving between segregation units does not stop the clock",
     {ADMIT_B("P-1", "F-US", "SEG1", "2025-05-01T00:00:00Z", BASIS),
      MOVE("P-1", "F-US", "SEG2", "2025-05-10T00:00:00Z")},
     "2025-05-16T00:00:01Z",
     "SEGREGATION_TOO_LONG:P-1"},
    {"a day out of segregation restarts it",
     {ADMIT_B("P-1", "F-US", "SEG1", "2025-05-01T00:00:00Z", BASIS),
      MOVE("P-1", "F-US", "CELL", "2025-05-10T00:00:00Z"),
      MOVE("P-1", "F-US", "SEG2", "2025-05-11T00:00:00Z")},
     "2025-05-25T00:00:00Z",
     ""},
    {"released on day 10: never raised",
     {ADMIT_B("P-1", "F-US", "SEG1", "2025-05-01T00:00:00Z", BASIS),
      RELEASE("P-1", "2025-05-10T00:00:00Z")},
     "2025-07-01T00:00:00Z",
     ""},
    {"a cell recertified as segregation counts from the entry into it",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-05-01T00:00:00Z", BASIS),
      RECERT("2025-05-10T00:00:00Z", "F-US", "CELL", "segregation", "10", "100", "10")},
     "2025-05-16T00:00:01Z",
     "SEGREGATION_TOO_LONG:P-1"},
    {"a segregation unit recertified as a cell stops the clock",
     {ADMIT_B("P-1", "F-US", "SEG1", "2025-05-01T00:00:00Z", BASIS),
      RECERT("2025-05-10T00:00:00Z", "F-US", "SEG1", "cell", "1", "10", "1")},
     "2025-05-20T00:00:00Z",
     ""},
    /* ---- the basis of custody ---- */
    {"neither until nor review_by",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_OPEN)},
     0,
     "CUSTODY_NO_END:P-1"},
    {"release clears custody with no end",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_OPEN),
      RELEASE("P-1", "2025-05-01T00:00:00Z")},
     0,
     ""},
    {"custody with no end stands while in transit",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_OPEN),
      TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'")},
     0,
     "CUSTODY_NO_END:P-1"},
    {"review on its day is not overdue",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_REVIEW("2025-05-01"))},
     "2025-05-01T23:59:59Z",
     ""},
    {"the day after, it is",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_REVIEW("2025-05-01"))},
     "2025-05-02T00:00:00Z",
     "REVIEW_OVERDUE:P-1"},
    {"released before the review date: never raised",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_REVIEW("2025-05-01")),
      RELEASE("P-1", "2025-04-01T00:00:00Z")},
     "2025-06-01T00:00:00Z",
     ""},
    {"held on the until day is not past the end",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_UNTIL("2025-05-01"))},
     "2025-05-01T23:59:59Z",
     ""},
    {"held the day after is",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_UNTIL("2025-05-01"))},
     "2025-05-02T00:00:00Z",
     "CUSTODY_PAST_END:P-1"},
    {"released the day after until: raised, then cleared",
     {ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_UNTIL("2025-05-01")),
      RELEASE("P-1", "2025-05-03T00:00:00Z")},
     "2025-05-02T12:00:00Z",
     "CUSTODY_PAST_END:P-1"},
    /* ---- conditions observed ---- */
    {"31.1 C is not above the heat limit", {OBSERVE("CELL", "temperature_c", "31.1")}, 0, ""},
    {"31.2 C is", {OBSERVE("CELL", "temperature_c", "31.2")}, 0, "HEAT:CELL"},
    {"lights 23.9 hours a day", {OBSERVE("CELL", "light_hours_per_day", "23.9")}, 0, ""},
    {"lights 24 hours a day",
     {OBSERVE("CELL", "light_hours_per_day", "24")},
     0,
     "LIGHTS_ALWAYS_ON:CELL"},
    {"one hour outdoors is enough", {OBSERVE("CELL", "out_of_cell_hours_per_day", "1.0")}, 0, ""},
    {"0.9 hours is not",
     {OBSERVE("CELL", "out_of_cell_hours_per_day", "0.9")},
     0,
     "NO_TIME_OUTDOORS:CELL"},
    {"a whole-facility observation", {OBSERVE_F("temperature_c", "35")}, 0, "HEAT:F-US"},
    {"occupants at capacity", {OBSERVE("U-CAP", "occupants", "2")}, 0, ""},
    {"occupants over capacity",
     {OBSERVE("U-CAP", "occupants", "3")},
     0,
     "OBSERVED_OVER_CAPACITY:U-CAP"},
    {"whole-facility occupants against the certified capacity (44)",
     {OBSERVE_F("occupants", "45")},
     0,
     "OBSERVED_OVER_CAPACITY:F-US"},
    {"mattresses for every occupant observed",
     {OBSERVE("CELL", "occupants", "5"), OBSERVE("CELL", "mattresses", "5")},
     0,
     ""},
    {"one mattress short of the occupants observed",
     {OBSERVE("CELL", "occupants", "5"), OBSERVE("CELL", "mattresses", "4")},
     0,
     "MATTRESSES_SHORT:CELL"},
    {"no occupants observed: the persons held there",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"), OBSERVE("CELL", "mattresses", "1")},
     0,
     "MATTRESSES_SHORT:CELL"},
    {"no occupants observed, as many mattresses as persons held",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"), OBSERVE("CELL", "mattresses", "2")},
     0,
     ""},
    /* ---- work ---- */
    {"convicted, consenting and paid",
     {CONVICTION("P-1", "2025-01-05T00:00:00Z", "true"), WORK("P-1", PAID("500"), "true")},
     0,
     ""},
    {"no conviction", {WORK("P-1", PAID("500"), "true")}, 0, "WORK_NO_CONVICTION:P-1"},
    {"an allegation is not a conviction",
     {ALLEGATION("P-1"), WORK("P-1", PAID("500"), "true")},
     0,
     "WORK_NO_CONVICTION:P-1"},
    {"a conviction under appeal is not final",
     {CONVICTION("P-1", "2025-01-05T00:00:00Z", "false"), WORK("P-1", PAID("500"), "true")},
     0,
     "WORK_NO_CONVICTION:P-1"},
    {"a conviction recorded after the work does not count for it",
     {CONVICTION("P-1", "2025-04-02T00:00:00Z", "true"), WORK("P-1", PAID("500"), "true")},
     0,
     "WORK_NO_CONVICTION:P-1"},
    {"without consent",
     {CONVICTION("P-1", "2025-01-05T00:00:00Z", "true"), WORK("P-1", PAID("500"), "false")},
     0,
     "WORK_NO_CONSENT:P-1"},
    {"paid nothing",
     {CONVICTION("P-1", "2025-01-05T00:00:00Z", "true"), WORK("P-1", PAID("0"), "true")},
     0,
     "WORK_UNPAID:P-1"},
    {"no pay at all",
     {CONVICTION("P-1", "2025-01-05T00:00:00Z", "true"), WORK("P-1", UNPAID, "true")},
     0,
     "WORK_UNPAID:P-1"},
    {"all three",
     {WORK("P-1", UNPAID, "false")},
     0,
     "WORK_NO_CONVICTION:P-1 WORK_NO_CONSENT:P-1 WORK_UNPAID:P-1"},
    /* ---- death ---- */
    {"a death in custody",
     {ADMIT("P-1", "CELL"), DIED("P-1", "2025-05-01T00:00:00Z")},
     0,
     "DEATH_IN_CUSTODY:P-1"},
    {"a death in transit",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"),
      DIED("P-1", "2025-03-15T02:00:00Z")},
     0,
     "DEATH_IN_CUSTODY:P-1"},
    {"a death after release is not in custody",
     {ADMIT("P-1", "CELL"), RELEASE("P-1", "2025-04-01T00:00:00Z"),
      DIED("P-1", "2025-05-01T00:00:00Z")},
     0,
     ""},
    /* ---- headcount ---- */
    {"everyone counted",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"), COUNT_U("CELL", "'P-1','P-2'")},
     0,
     ""},
    {"one missing",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"), COUNT_U("CELL", "'P-1'")},
     0,
     "HEADCOUNT_MISSING:P-2"},
    {"one unexpected: held in another unit",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "U-CAP"), COUNT_U("CELL", "'P-1','P-2'")},
     0,
     "HEADCOUNT_UNEXPECTED:P-2"},
    {"one unexpected: never admitted",
     {ADMIT("P-1", "CELL"), COUNT_U("CELL", "'P-1','P-3'")},
     0,
     "HEADCOUNT_UNEXPECTED:P-3"},
    {"both at once",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"), ADMIT("P-3", "U-CAP"),
      COUNT_U("CELL", "'P-1','P-3'")},
     0,
     "HEADCOUNT_MISSING:P-2 HEADCOUNT_UNEXPECTED:P-3"},
    {"an empty count of an occupied unit",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"), COUNT_U("CELL", "")},
     0,
     "HEADCOUNT_MISSING:P-1 HEADCOUNT_MISSING:P-2"},
    {"a whole-facility count: any unit of it, or none",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "U-CAP"),
      ADMIT_B("P-3", "F-SM", "S1", "2025-02-01T00:00:00Z", BASIS), COUNT_F("F-US", "'P-1','P-3'")},
     0,
     "HEADCOUNT_MISSING:P-2 HEADCOUNT_UNEXPECTED:P-3"},
    {"a whole-facility count includes those held with no unit",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"),
      STEP("arrived", "T-1", "2025-03-15T06:00:00Z", "'P-1'"), COUNT_F("F-SV", "")},
     0,
     "HEADCOUNT_MISSING:P-1"},
    {"a person in transit counted present is unexpected",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"), COUNT_U("CELL", "'P-1'")},
     0,
     "HEADCOUNT_UNEXPECTED:P-1"},
    /* ---- blocked departures and arrivals ---- */
    {"a departure nobody blocked",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'")},
     0,
     ""},
    {"a departure under a court order",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      HOLD("H-1", "2025-03-14T00:00:00Z", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'")},
     0,
     "BLOCKED_DEPARTURE:P-1"},
    {"a court order placed after the departure does not make it blocked",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      HOLD("H-1", "2025-03-15T00:00:01Z", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'")},
     0,
     ""},
    {"only the blocked persons of a departure",
     {ADMIT("P-1", "CELL"), ADMIT("P-2", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1','P-2'"),
      HOLD("H-1", "2025-03-14T00:00:00Z", "'P-2'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1','P-2'")},
     0,
     "BLOCKED_DEPARTURE:P-2"},
    {"an arrival after a clean departure",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"),
      STEP("arrived", "T-1", "2025-03-15T06:00:00Z", "'P-1'")},
     0,
     ""},
    {"a court order placed while the plane was in the air",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"),
      HOLD("H-1", "2025-03-15T02:00:00Z", "'P-1'"),
      STEP("arrived", "T-1", "2025-03-15T06:00:00Z", "'P-1'")},
     0,
     "BLOCKED_ARRIVAL:P-1"},
    {"blocked at departure and still at arrival: both",
     {ADMIT("P-1", "CELL"), TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),
      HOLD("H-1", "2025-03-14T00:00:00Z", "'P-1'"),
      STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"),
      STEP("arrived", "T-1", "2025-03-15T06:00:00Z", "'P-1'")},
     0,
     "BLOCKED_DEPARTURE:P-1 BLOCKED_ARRIVAL:P-1"},
};

/* ---- feeding ---- */

static arena A;
static profile P;

typedef struct {
    state *s;
    findings *f;
    int64_t seq;
} ledger_sim;

static char *json_of(const char *q)
{
    char *j = strdup(q);
    assert_non_null(j);
    for (char *c = j; *c; c++)
        if (*c == '\'') *c = '"';
    return j;
}

/* Decode and check like an import; false (nothing fed) when refused. */
static bool try_feed(ledger_sim *l, const char *json)
{
    event ev;
    hb_errlist errs;
    errlist_init(&errs, 4);
    bool ok = !event_decode(json, strlen(json), &A, &ev, &errs, "event") &&
              !state_check(l->s, &ev, &errs, "event");
    errlist_free(&errs);
    if (!ok) return false;
    int64_t seq = ++l->seq;
    assert_int_equal(findings_before(l->f, l->s, seq, &ev), 0);
    assert_int_equal(state_apply(l->s, seq, &ev), 0);
    assert_int_equal(findings_after(l->f, l->s, seq, &ev), 0);
    return true;
}

static void feed(ledger_sim *l, const char *q)
{
    char *j = json_of(q);
    if (!try_feed(l, j)) fail_msg("event refused: %s", j);
    free(j);
}

static void sim_open(ledger_sim *l)
{
    l->s = state_new();
    l->f = findings_new(&P);
    assert_non_null(l->s);
    assert_non_null(l->f);
    l->seq = 0;
}

static void sim_close(ledger_sim *l)
{
    findings_free(l->f);
    state_free(l->s);
}

static void build(ledger_sim *l, const char *const *events, size_t n)
{
    sim_open(l);
    for (size_t i = 0; i < sizeof BASE / sizeof *BASE; i++)
        feed(l, BASE[i]);
    assert_int_equal(l->seq, BASE_N);
    for (size_t i = 0; i < n && events[i]; i++)
        feed(l, events[i]);
}

static int64_t time_of(const char *t)
{
    int64_t us;
    const char *why;
    if (hbtime_parse(t, strlen(t), &us, &why)) fail_msg("bad time %s: %s", t, why);
    return us;
}

static bool is_standing(finding_code c)
{
    return c >= FC_UNIT_OVER_CAPACITY;
}

/* The id a finding is about: its person, else its unit, else its facility. */
static const char *subject(const state *s, const finding *x)
{
    if (x->person != ST_NONE) return state_person_at(s, x->person)->id;
    if (x->unit != ST_NONE) return state_unit_at(s, x->unit)->id;
    return state_facility_at(s, x->facility)->id;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Space-separated tokens, sorted, into b. */
static void sorted_tokens(char **tok, size_t n, buf *b)
{
    qsort(tok, n, sizeof *tok, by_string);
    buf_clear(b);
    buf_puts(b, "");
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s%s", i ? " " : "", tok[i]);
}

static void render(const ledger_sim *l, int64_t now, buf *b)
{
    char *tok[64] = {NULL};
    size_t n = 0;
    for (size_t i = 0; i < findings_count(l->f); i++) {
        const finding *x = findings_at(l->f, i);
        if (x->seq <= BASE_N) continue;
        if (is_standing(x->code) && !findings_active(x, now)) continue;
        assert_true(n < 64);
        char t[128];
        snprintf(t, sizeof t, "%s:%s", findings_code_name(x->code), subject(l->s, x));
        tok[n++] = strdup(t);
    }
    sorted_tokens(tok, n, b);
    for (size_t i = 0; i < n; i++)
        free(tok[i]);
}

static void expected(const char *want, buf *b)
{
    char *copy = strdup(want), *tok[64] = {NULL}, *save = NULL;
    size_t n = 0;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
        tok[n++] = t;
    sorted_tokens(tok, n, b);
    free(copy);
}

/* Every finding explains itself in a sentence with no hole in it. */
static void check_explanations(const ledger_sim *l)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < findings_count(l->f); i++) {
        const finding *x = findings_at(l->f, i);
        buf_clear(&b);
        assert_int_equal(findings_explain(l->s, &P, x, &b), 0);
        assert_non_null(b.p);
        assert_true(b.len > 30);
        assert_int_equal(b.p[b.len - 1], '.');
        if (strstr(b.p, "(null)") || strstr(b.p, " ? ") || strstr(b.p, "?."))
            fail_msg("explanation with a hole: %s", b.p);
        assert_non_null(strstr(b.p, "Standard: "));
        for (uint8_t e = 1; e < x->n_evidence; e++)
            assert_true(x->evidence[e] > x->evidence[e - 1]);
        assert_true(x->n_evidence > 0);
    }
    buf_free(&b);
}

static void run_case(const fcase *c)
{
    ledger_sim l;
    build(&l, c->events, sizeof c->events / sizeof *c->events);
    buf got = BUF_INIT, want = BUF_INIT;
    render(&l, time_of(c->when ? c->when : WHEN), &got);
    expected(c->expect, &want);
    if (strcmp(got.p, want.p) != 0)
        fail_msg("case \"%s\":\n  expected \"%s\"\n  got      \"%s\"", c->name, want.p, got.p);
    check_explanations(&l);
    buf_free(&got);
    buf_free(&want);
    sim_close(&l);
}

static void table(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
        run_case(&CASES[i]);
}

/* ---- fields, looked at closely ---- */

static const finding *only(const ledger_sim *l, finding_code code)
{
    const finding *hit = NULL;
    for (size_t i = 0; i < findings_count(l->f); i++) {
        const finding *x = findings_at(l->f, i);
        if (x->code != code) continue;
        if (hit) fail_msg("more than one %s", findings_code_name(code));
        hit = x;
    }
    if (!hit) fail_msg("no %s", findings_code_name(code));
    return hit;
}

static uint32_t index_of_person(const state *s, const char *id)
{
    for (uint32_t i = 0; i < state_count_persons(s); i++)
        if (strcmp(state_person_at(s, i)->id, id) == 0) return i;
    fail_msg("no person %s", id);
    return ST_NONE;
}

static uint32_t index_of_facility(const state *s, const char *id)
{
    for (uint32_t i = 0; i < state_count_facilities(s); i++)
        if (strcmp(state_facility_at(s, i)->id, id) == 0) return i;
    fail_msg("no facility %s", id);
    return ST_NONE;
}

static void evidence_is(const finding *x, const int64_t *seqs, size_t n)
{
    assert_int_equal(x->n_evidence, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(x->evidence[i], seqs[i]);
}

static void blocked_departure_fields(void **st)
{
    (void)st;
    static const char *const ev[] = {
        ADMIT("P-1", "CELL"),                                     /* 18 */
        TRANSFER("T-1", "F-US", "F-SV", "'P-1'"),                 /* 19 */
        HOLD("H-1", "2025-03-14T00:00:00Z", "'P-1'"),             /* 20 */
        STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"), /* 21 */
        STEP("arrived", "T-1", "2025-03-15T06:00:00Z", "'P-1'"),  /* 22 */
    };
    ledger_sim l;
    build(&l, ev, 5);
    const finding *d = only(&l, FC_BLOCKED_DEPARTURE);
    assert_int_equal(d->severity, SEV_CRITICAL);
    assert_int_equal(d->person, index_of_person(l.s, "P-1"));
    assert_int_equal(d->facility, index_of_facility(l.s, "F-US"));
    assert_int_equal(d->transfer, 0);
    assert_int_equal(d->unit, ST_NONE);
    assert_int_equal(d->seq, 21);
    assert_int_equal(d->raised_us, time_of("2025-03-15T00:00:00Z"));
    assert_true(d->cleared_us == INT64_MAX);
    assert_int_equal(d->reasons, 1u << RC_HOLD_COURT_ORDER);
    evidence_is(d, (const int64_t[]){20, 21}, 2);
    const finding *a = only(&l, FC_BLOCKED_ARRIVAL);
    assert_int_equal(a->facility, index_of_facility(l.s, "F-SV"));
    assert_int_equal(a->reasons, 1u << RC_HOLD_COURT_ORDER); /* not NOT_IN_CUSTODY */
    evidence_is(a, (const int64_t[]){20, 22}, 2);
    buf b = BUF_INIT;
    assert_int_equal(findings_explain(l.s, &P, d, &b), 0);
    assert_non_null(strstr(b.p, "P-1"));
    assert_non_null(strstr(b.p, "T-1"));
    assert_non_null(strstr(b.p, "F-US"));
    assert_non_null(strstr(b.p, "HOLD_COURT_ORDER"));
    buf_free(&b);
    sim_close(&l);
}

/* Many reasons' evidence: the lowest FIND_MAX_EVIDENCE kept, the rest counted. */
static void evidence_overflow(void **st)
{
    (void)st;
    ledger_sim l;
    build(&l, NULL, 0);
    feed(&l, ADMIT("P-1", "CELL"));
    feed(&l, TRANSFER("T-1", "F-US", "F-SV", "'P-1'"));
    char q[600];
    for (int i = 0; i < 10; i++) {
        snprintf(q, sizeof q, HOLD("H-%d", "2025-03-14T00:00:00Z", "'P-1'"), i);
        feed(&l, q);
    }
    feed(&l, STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-1'"));
    const finding *d = only(&l, FC_BLOCKED_DEPARTURE);
    /* holds at seqs 20 .. 29, the departure 30: 11 seqs, 8 kept */
    evidence_is(d, (const int64_t[]){20, 21, 22, 23, 24, 25, 26, 27}, 8);
    assert_int_equal(d->n_more, 3);
    sim_close(&l);
}

static void figures(void **st)
{
    (void)st;
    static const char *const ev[] = {
        ADMIT("P-1", "U-FLOOR"),
        ADMIT("P-2", "U-FLOOR"),
        ADMIT("P-3", "U-FLOOR"),
        ADMIT("P-4", "U-FLOOR"),
        OBSERVE("CELL", "temperature_c", "35.5"),
    };
    ledger_sim l;
    build(&l, ev, 5);
    const finding *x = only(&l, FC_FLOOR_SPACE);
    /* the figures when raised (three persons), not since (four) */
    assert_true(fabs(x->value - 6.8 / 3) < 1e-9);
    assert_true(fabs(x->limit - 3.4) < 1e-9);
    assert_int_equal(x->seq, 20); /* raised by the third admission */
    evidence_is(x, (const int64_t[]){4, 20}, 2);
    assert_int_equal(x->severity, P.severity[FC_FLOOR_SPACE]);
    const finding *h = only(&l, FC_HEAT);
    assert_true(h->value == 35.5 && fabs(h->limit - 31.1) < 1e-9);
    buf b = BUF_INIT;
    assert_int_equal(findings_explain(l.s, &P, x, &b), 0);
    assert_non_null(strstr(b.p, "Unit U-FLOOR of facility F-US gave 2.27 m2"));
    assert_non_null(strstr(b.p, "3.4 m2"));
    buf_clear(&b);
    assert_int_equal(findings_explain(l.s, &P, h, &b), 0);
    assert_non_null(strstr(b.p, "35.5 C"));
    assert_non_null(strstr(b.p, "31.1 C"));
    buf_free(&b);
    sim_close(&l);
}

/* A release clears the person's findings, a move out the unit's: at that
 * event's time and seq. */
static void clearing(void **st)
{
    (void)st;
    static const char *const ev[] = {
        ADMIT_B("P-1", "F-US", "U-CAP", "2025-02-01T00:00:00Z", BASIS_OPEN), /* 18 */
        ADMIT("P-2", "U-CAP"),                                               /* 19 */
        ADMIT("P-3", "U-CAP"),                                               /* 20 */
        RELEASE("P-1", "2025-05-01T00:00:00Z"),                              /* 21 */
    };
    ledger_sim l;
    build(&l, ev, 4);
    const finding *n = only(&l, FC_CUSTODY_NO_END);
    assert_int_equal(n->seq, 18);
    assert_int_equal(n->cleared_seq, 21);
    assert_int_equal(n->cleared_us, time_of("2025-05-01T00:00:00Z"));
    const finding *u = only(&l, FC_UNIT_OVER_CAPACITY);
    assert_int_equal(u->seq, 20);
    assert_int_equal(u->cleared_seq, 21);
    assert_false(findings_active(u, time_of("2025-05-01T00:00:00Z")));
    assert_true(findings_active(u, time_of("2025-04-30T23:59:59Z")));
    assert_true(u->value == 3 && u->limit == 2);
    sim_close(&l);
}

/* A timed finding cleared before its moment stays in the list but is never
 * active; one that is raised and cleared is active in between. */
static void timed(void **st)
{
    (void)st;
    static const char *const ev[] = {
        ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_REVIEW("2025-05-01")),
        ADMIT_B("P-2", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_UNTIL("2025-03-01")),
        RELEASE("P-1", "2025-04-01T00:00:00Z"),
        RELEASE("P-2", "2025-04-01T00:00:00Z"),
    };
    ledger_sim l;
    build(&l, ev, 4);
    const finding *r = only(&l, FC_REVIEW_OVERDUE);
    assert_int_equal(r->raised_us, time_of("2025-05-02T00:00:00Z"));
    assert_true(r->cleared_us <= r->raised_us);
    assert_false(findings_active(r, time_of("2025-01-01T00:00:00Z")));
    assert_false(findings_active(r, time_of("2025-04-15T00:00:00Z")));
    assert_false(findings_active(r, r->raised_us));
    assert_false(findings_active(r, INT64_MAX - 1));
    const finding *e = only(&l, FC_CUSTODY_PAST_END);
    assert_int_equal(e->raised_us, time_of("2025-03-02T00:00:00Z"));
    assert_true(findings_active(e, time_of("2025-03-02T00:00:00Z")));
    assert_false(findings_active(e, time_of("2025-04-01T00:00:00Z")));
    sim_close(&l);
}

/* The scan from the state alone: figures as they are now, raised_us known only for
 * the timed codes, the subject's registration as evidence; and the one thing it
 * cannot see, a stretch in segregation begun in another segregation unit. */
static void scan(void **st)
{
    (void)st;
    static const char *const ev[] = {
        ADMIT("P-1", "U-CAP"),
        ADMIT("P-2", "U-CAP"),
        ADMIT("P-3", "U-CAP"),
        ADMIT_B("P-4", "F-US", "SEG1", "2025-05-01T00:00:00Z", BASIS),
        MOVE("P-4", "F-US", "SEG2", "2025-05-10T00:00:00Z"),
    };
    ledger_sim l;
    build(&l, ev, 5);
    finding *v;
    size_t n;
    int64_t now = time_of("2025-05-20T00:00:00Z");
    assert_int_equal(findings_scan(l.s, &P, now, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].code, FC_UNIT_OVER_CAPACITY);
    assert_true(v[0].value == 3 && v[0].limit == 2);
    assert_int_equal(v[0].raised_us, 0);
    evidence_is(&v[0], (const int64_t[]){2}, 1);
    assert_int_equal(v[0].severity, P.severity[FC_UNIT_OVER_CAPACITY]);
    free(v);
    /* The set counts P-4 from the first entry (due 05-16); the scan from the
     * second (due 05-25). */
    const finding *x = only(&l, FC_SEGREGATION_TOO_LONG);
    assert_int_equal(x->raised_us, time_of("2025-05-16T00:00:00Z") + 1);
    assert_true(findings_active(x, now));
    assert_int_equal(findings_scan(l.s, &P, time_of("2025-05-25T00:00:01Z"), &v, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[1].code, FC_SEGREGATION_TOO_LONG);
    assert_int_equal(v[1].raised_us, time_of("2025-05-25T00:00:00Z") + 1);
    free(v);
    assert_null(findings_at(l.f, findings_count(l.f)));
    sim_close(&l);
}

static void code_names(void **st)
{
    (void)st;
    for (int c = 0; c < FC__COUNT; c++) {
        const char *name = findings_code_name((finding_code)c);
        assert_string_not_equal(name, "UNKNOWN");
        assert_int_equal(findings_code_of(name), c);
    }
    assert_int_equal(findings_code_of("NOPE"), -1);
    assert_int_equal(findings_code_of(NULL), -1);
    assert_string_equal(findings_code_name(FC__COUNT), "UNKNOWN");
    assert_string_equal(findings_severity_name(SEV_CRITICAL), "critical");
    assert_string_equal(findings_severity_name(SEV_LOW), "low");
    assert_string_equal(findings_severity_name(SEV__COUNT), "unknown");
}

/* ---- rollback ---- */

typedef struct {
    finding *v;
    size_t n;
} snapshot;

static snapshot snap(const findings *f)
{
    snapshot s = {malloc((findings_count(f) + 1) * sizeof(finding)), findings_count(f)};
    assert_non_null(s.v);
    for (size_t i = 0; i < s.n; i++)
        s.v[i] = *findings_at(f, i);
    return s;
}

static void same_as(const findings *f, const snapshot *s, const char *what)
{
    if (findings_count(f) != s->n)
        fail_msg("%s: %zu findings, expected %zu", what, findings_count(f), s->n);
    for (size_t i = 0; i < s->n; i++)
        if (memcmp(findings_at(f, i), &s->v[i], sizeof(finding)) != 0)
            fail_msg("%s: finding %zu differs (%s)", what, i,
                     findings_code_name(findings_at(f, i)->code));
}

/* A batch that raises, clears, registers new persons and units, moves clocks:
 * rolled back, the set is as before, and the same batch then committed gives what
 * a set that never saw the rolled-back one gives. */
static const char *const BATCH[] = {
    PERSON("P-9"),
    UNIT_K("F-US", "U-NEW", "segregation", "1", "1", "0"),
    ADMIT_B("P-9", "F-US", "U-NEW", "2025-02-02T00:00:00Z", BASIS_OPEN),
    ADMIT("P-4", "U-NEW"),
    MOVE("P-1", "F-US", "SEG2", "2025-02-03T00:00:00Z"),
    RELEASE("P-2", "2025-02-03T00:00:00Z"),
    RECERT("2025-02-03T00:00:00Z", "F-US", "U-CAP", "segregation", "1", "100", "10"),
    COUNT_U("CELL", "'P-9'"),
    OBSERVE("CELL", "occupants", "7"),
    OBSERVE("CELL", "mattresses", "6"),
    HOLD("H-1", "2025-02-03T00:00:00Z", "'P-3'"),
    TRANSFER("T-1", "F-US", "F-SV", "'P-3'"),
};
static const char *const PRE[] = {
    ADMIT_B("P-1", "F-US", "SEG1", "2025-02-01T00:00:00Z", BASIS_OPEN),
    ADMIT("P-2", "U-CAP"),
    ADMIT("P-3", "U-CAP"),
    ADMIT_B("P-5", "F-US", "U-CAP", "2025-02-01T00:00:00Z", BASIS_OPEN),
};

static void feed_all(ledger_sim *l, const char *const *ev, size_t n)
{
    for (size_t i = 0; i < n; i++)
        feed(l, ev[i]);
}

static void rollback_exact(void **st)
{
    (void)st;
    ledger_sim a, b;
    build(&a, NULL, 0);
    build(&b, NULL, 0);
    feed(&a, PERSON("P-5"));
    feed(&b, PERSON("P-5"));
    feed_all(&a, PRE, 4);
    feed_all(&b, PRE, 4);
    snapshot before = snap(a.f);
    assert_true(before.n >= 3);
    state_begin(a.s);
    findings_begin(a.f);
    feed_all(&a, BATCH, sizeof BATCH / sizeof *BATCH);
    feed(&a, STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-3'"));
    assert_true(findings_count(a.f) > before.n);
    state_rollback(a.s);
    findings_rollback(a.f);
    a.seq = b.seq;
    same_as(a.f, &before, "after rollback");
    /* The same events again, committed, on both: identical sets. */
    state_begin(a.s);
    findings_begin(a.f);
    feed_all(&a, BATCH, sizeof BATCH / sizeof *BATCH);
    state_commit(a.s);
    findings_commit(a.f);
    feed_all(&b, BATCH, sizeof BATCH / sizeof *BATCH);
    feed(&a, STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-3'"));
    feed(&b, STEP("departed", "T-1", "2025-03-15T00:00:00Z", "'P-3'"));
    feed(&a, RELEASE("P-1", "2025-04-01T00:00:00Z"));
    feed(&b, RELEASE("P-1", "2025-04-01T00:00:00Z"));
    snapshot want = snap(b.f);
    same_as(a.f, &want, "re-run after rollback");
    free(before.v);
    free(want.v);
    sim_close(&a);
    sim_close(&b);
}

/* A rolled-back clearing: the finding stands again and a later event clears it. */
static void rollback_of_a_clearing(void **st)
{
    (void)st;
    ledger_sim l;
    build(&l, NULL, 0);
    feed(&l, ADMIT_B("P-1", "F-US", "CELL", "2025-02-01T00:00:00Z", BASIS_OPEN));
    state_begin(l.s);
    findings_begin(l.f);
    feed(&l, RELEASE("P-1", "2025-03-01T00:00:00Z"));
    assert_int_equal(only(&l, FC_CUSTODY_NO_END)->cleared_seq, 19);
    state_rollback(l.s);
    findings_rollback(l.f);
    l.seq--;
    const finding *x = only(&l, FC_CUSTODY_NO_END);
    assert_true(x->cleared_us == INT64_MAX && x->cleared_seq == 0);
    feed(&l, MOVE("P-1", "F-US", "U-CAP", "2025-03-02T00:00:00Z"));
    assert_true(only(&l, FC_CUSTODY_NO_END)->cleared_us == INT64_MAX);
    feed(&l, DIED("P-1", "2025-03-03T00:00:00Z"));
    assert_int_equal(only(&l, FC_CUSTODY_NO_END)->cleared_seq, 20);
    sim_close(&l);
}

/* ---- a random stream: incremental == scan after every event ---- */

typedef struct {
    uint64_t rng;
    int64_t clock;
    uint32_t persons, transfers, holds, units;
} gen;

static uint64_t next(gen *g)
{
    uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t below(gen *g, uint32_t n)
{
    return n ? (uint32_t)(next(g) % n) : 0;
}

#define N_FAC 3
static const char *const UNIT_KINDS[] = {"cell", "dormitory", "segregation"};

static void at_text(const gen *g, char out[40])
{
    hbtime_format_utc(g->clock, out);
}

static void date_text(int64_t us, int delta_days, char out[11])
{
    hbdate_format(hbtime_date(us) + delta_days, out);
}

/* A person index whose custody is c (or any when c < 0), or ST_NONE. */
static uint32_t pick_person(gen *g, const state *s, int c)
{
    uint32_t n = (uint32_t)state_count_persons(s);
    for (int tries = 0; tries < 30 && n; tries++) {
        uint32_t i = below(g, n);
        if (c < 0 || (int)state_person_at(s, i)->custody == c) return i;
    }
    return ST_NONE;
}

static uint32_t pick_unit(gen *g, const state *s)
{
    return state_count_units(s) ? below(g, (uint32_t)state_count_units(s)) : ST_NONE;
}

static void basis_text(gen *g, char *out, size_t n)
{
    char d1[11], d2[11];
    date_text(g->clock, (int)below(g, 60) - 10, d1);
    date_text(g->clock, (int)below(g, 60) - 10, d2);
    switch (below(g, 4)) {
    case 0:
        snprintf(out, n, "{'kind':'immigration','reference':'A'}");
        break;
    case 1:
        snprintf(out, n, "{'kind':'immigration','reference':'A','review_by':'%s'}", d1);
        break;
    case 2:
        snprintf(out, n, "{'kind':'sentence','reference':'S','until':'%s'}", d1);
        break;
    default:
        snprintf(out, n, "{'kind':'pretrial','reference':'P','until':'%s','review_by':'%s'}", d1,
                 d2);
        break;
    }
}

static void unit_ev(gen *g, char *out, size_t n, const char *fac, const char *unit, const char *at)
{
    snprintf(out, n,
             "{'type':'unit.certified','at':'%s','facility':'%s','unit':'%s','kind':'%s',"
             "'capacity':%u,'floor_area_m2':%.1f,'beds':%u}",
             at, fac, unit, UNIT_KINDS[below(g, 3)], 1 + below(g, 5), 2.0 + below(g, 160) / 10.0,
             below(g, 6));
}

static void person_list(const state *s, const uint32_t *v, uint32_t n, char *out, size_t cap)
{
    out[0] = 0;
    for (uint32_t i = 0; i < n; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s'%s'", i ? "," : "",
                 state_person_at(s, v[i])->id);
}

/* A transfer step on some transfer whose persons are in state from. */
static bool step_ev(gen *g, const state *s, transfer_person_state from, const char *type,
                    const char *at, char *out, size_t n)
{
    uint32_t nt = (uint32_t)state_count_transfers(s);
    if (!nt) return false;
    const st_transfer *t = state_transfer_at(s, below(g, nt));
    uint32_t v[8], k = 0;
    for (uint32_t i = 0; i < t->n_persons && k < 8; i++)
        if (t->persons[i].state == from) v[k++] = t->persons[i].person;
    if (!k) return false;
    char list[512];
    person_list(s, v, k, list, sizeof list);
    snprintf(out, n, "{'type':'transfer.%s','at':'%s','transfer':'%s','persons':[%s]}", type, at,
             t->id, list);
    return true;
}

static bool propose_ev(gen *g, const state *s, const char *at, char *out, size_t n)
{
    uint32_t v[3] = {0}, k = 0;
    for (int i = 0; i < 3; i++) {
        uint32_t p = pick_person(g, s, CUST_HELD);
        bool dup = false;
        for (uint32_t j = 0; j < k; j++)
            dup |= v[j] == p;
        if (p != ST_NONE && !dup) v[k++] = p;
    }
    if (!k) return false;
    char list[512];
    person_list(s, v, k, list, sizeof list);
    const st_person *p0 = state_person_at(s, v[0]);
    uint32_t to = below(g, N_FAC);
    snprintf(out, n,
             "{'type':'transfer.proposed','at':'%s','transfer':'RT-%u','from_facility':'%s',"
             "'to_facility':'G-%u','authority':'AEA','persons':[%s],'departure_planned':'%s'}",
             at, g->transfers++, state_facility_at(s, p0->facility)->id, to, list, at);
    return true;
}

static bool count_ev(gen *g, const state *s, const char *at, char *out, size_t n)
{
    uint32_t ui = pick_unit(g, s);
    bool whole = below(g, 3) == 0 || ui == ST_NONE;
    uint32_t fi = whole ? below(g, N_FAC) : state_unit_at(s, ui)->facility;
    uint32_t v[64], k = 0;
    uint32_t q = whole ? state_facility_first_held(s, fi) : state_unit_first_held(s, ui);
    for (; q != ST_NONE && k < 60;
         q = whole ? state_facility_next_held(s, q) : state_unit_next_held(s, q))
        if (below(g, 10)) v[k++] = q; /* a few missed */
    uint32_t extra = pick_person(g, s, -1);
    bool dup = false;
    for (uint32_t j = 0; j < k; j++)
        dup |= v[j] == extra;
    if (extra != ST_NONE && !dup && below(g, 3) == 0) v[k++] = extra;
    char list[4096];
    person_list(s, v, k, list, sizeof list);
    if (whole)
        snprintf(out, n, "{'type':'count.recorded','at':'%s','facility':'%s','present':[%s]}", at,
                 state_facility_at(s, fi)->id, list);
    else
        snprintf(out, n,
                 "{'type':'count.recorded','at':'%s','facility':'%s','unit':'%s','present':[%s]}",
                 at, state_facility_at(s, fi)->id, state_unit_at(s, ui)->id, list);
    return true;
}

static bool condition_ev(gen *g, const state *s, const char *at, char *out, size_t n)
{
    static const char *const M[] = {"temperature_c", "light_hours_per_day",
                                    "out_of_cell_hours_per_day", "occupants", "mattresses"};
    static const double LO[] = {25, 20, 0, 0, 0}, SPAN[] = {12, 4.5, 3, 8, 8};
    uint32_t m = below(g, 5), ui = pick_unit(g, s);
    double v = LO[m] + below(g, 1000) * SPAN[m] / 1000.0;
    if (m >= 3) v = (double)(int)v;
    if (ui == ST_NONE || below(g, 4) == 0)
        snprintf(
            out, n,
            "{'type':'condition.observed','at':'%s','facility':'G-%u','metric':'%s','value':%g}",
            at, below(g, N_FAC), M[m], v);
    else
        snprintf(out, n,
                 "{'type':'condition.observed','at':'%s','facility':'%s','unit':'%s','metric':'%s',"
                 "'value':%g}",
                 at, state_facility_at(s, state_unit_at(s, ui)->facility)->id,
                 state_unit_at(s, ui)->id, M[m], v);
    return true;
}

/* One candidate event (JSON with '), or false when the pick found nothing. */
static bool candidate(gen *g, const state *s, char *out, size_t n)
{
    char at[40], basis[200];
    at_text(g, at);
    uint32_t r = below(g, 100), p;
    if (r < 8) {
        if (g->persons >= 160) return false;
        snprintf(out, n,
                 "{'type':'person.registered','at':'%s','person':'R-%u','given_names':'G',"
                 "'family_names':'F'}",
                 at, g->persons++);
        return true;
    }
    if (r < 24) {
        uint32_t ui = pick_unit(g, s);
        if ((p = pick_person(g, s, -1)) == ST_NONE || ui == ST_NONE) return false;
        basis_text(g, basis, sizeof basis);
        const st_unit *u = state_unit_at(s, ui);
        snprintf(out, n,
                 "{'type':'custody.admitted','at':'%s','person':'%s','facility':'%s','unit':'%s',"
                 "'basis':%s}",
                 at, state_person_at(s, p)->id, state_facility_at(s, u->facility)->id, u->id,
                 basis);
        return true;
    }
    if (r < 50) {
        uint32_t ui = pick_unit(g, s);
        if ((p = pick_person(g, s, CUST_HELD)) == ST_NONE || ui == ST_NONE) return false;
        /* segregation to segregation often, to exercise the clock */
        const st_person *q = state_person_at(s, p);
        if (q->unit != ST_NONE && state_unit_at(s, q->unit)->kind == UNIT_SEGREGATION &&
            below(g, 2))
            for (int t = 0; t < 10 && state_unit_at(s, ui)->kind != UNIT_SEGREGATION; t++)
                ui = pick_unit(g, s);
        const st_unit *u = state_unit_at(s, ui);
        snprintf(out, n,
                 "{'type':'custody.moved','at':'%s','person':'%s','facility':'%s','unit':'%s'}", at,
                 q->id, state_facility_at(s, u->facility)->id, u->id);
        return true;
    }
    if (r < 56) {
        if ((p = pick_person(g, s, below(g, 3) ? CUST_HELD : CUST_IN_TRANSIT)) == ST_NONE)
            return false;
        snprintf(out, n, "{'type':'custody.released','at':'%s','person':'%s','reason':'bond'}", at,
                 state_person_at(s, p)->id);
        return true;
    }
    if (r < 57) {
        if ((p = pick_person(g, s, -1)) == ST_NONE) return false;
        snprintf(out, n, "{'type':'custody.died','at':'%s','person':'%s','cause':'x'}", at,
                 state_person_at(s, p)->id);
        return true;
    }
    if (r < 62) return propose_ev(g, s, at, out, n);
    if (r < 67) return step_ev(g, s, TP_PROPOSED, "departed", at, out, n);
    if (r < 72) return step_ev(g, s, TP_DEPARTED, "arrived", at, out, n);
    if (r < 76) {
        uint32_t ui = pick_unit(g, s);
        if (ui == ST_NONE) return false;
        const st_unit *u = state_unit_at(s, ui);
        unit_ev(g, out, n, state_facility_at(s, u->facility)->id, u->id, at);
        return true;
    }
    if (r < 77) {
        char id[32];
        snprintf(id, sizeof id, "N%u", g->units++);
        char fac[8];
        snprintf(fac, sizeof fac, "G-%u", below(g, N_FAC));
        unit_ev(g, out, n, fac, id, at);
        return true;
    }
    if (r < 83) return count_ev(g, s, at, out, n);
    if (r < 89) return condition_ev(g, s, at, out, n);
    if ((p = pick_person(g, s, -1)) == ST_NONE) return false;
    const char *id = state_person_at(s, p)->id;
    if (r < 93)
        snprintf(out, n,
                 "{'type':'work.logged','at':'%s','person':'%s','programme':'x','hours':%u,%s"
                 "'consented':%s}",
                 at, id, 1 + below(g, 8),
                 below(g, 2) ? "'pay':{'amount':100,'currency':'USD'}," : "",
                 below(g, 3) ? "true" : "false");
    else if (r < 96)
        snprintf(out, n,
                 "{'type':'hold.placed','at':'%s','hold':'RH-%u','kind':'court_order','issued_by':"
                 "'C','case':'1','effective_from':'%s','scope':{'persons':['%s']}}",
                 at, g->holds++, at, id);
    else
        snprintf(out, n,
                 "{'type':'conviction.recorded','at':'%s','person':'%s','jurisdiction':'US',"
                 "'court':'C','case':'1','offense':'o','violent':false,'final':%s,"
                 "'date':'2024-01-01','sentence_days':100}",
                 at, id, below(g, 2) ? "true" : "false");
    return true;
}

/* The next valid event, fed; its JSON (with ") in out. */
static void next_event(gen *g, ledger_sim *l, char *out, size_t n)
{
    for (;;) {
        if (below(g, 5)) g->clock += (int64_t)below(g, 48 * 3600) * 1000000;
        if (!candidate(g, l->s, out, n)) continue;
        for (char *c = out; *c; c++)
            if (*c == '\'') *c = '"';
        if (try_feed(l, out)) return;
    }
}

static void gen_setup(gen *g, ledger_sim *l, char ***lines, size_t *n_lines)
{
    char q[512];
    for (int f = 0; f < N_FAC; f++) {
        snprintf(q, sizeof q,
                 "{'type':'facility.registered','at':'2025-01-01T00:00:00Z','facility':'G-%d',"
                 "'name':'G','country':'US','kind':'prison','design_capacity':%d}",
                 f, 4 + f * 3);
        feed(l, q);
        *lines = realloc(*lines, (*n_lines + 1) * sizeof **lines);
        (*lines)[(*n_lines)++] = json_of(q);
        for (int u = 0; u < (f == 2 ? 0 : 4); u++) {
            char id[16];
            snprintf(id, sizeof id, "G-%d-U%d", f, u);
            snprintf(q, sizeof q,
                     "{'type':'unit.certified','at':'2025-01-01T00:00:00Z',"
                     "'facility':'G-%d','unit':'%s','kind':'%s','capacity':%d,'floor_area_m2':%d,"
                     "'beds':%d}",
                     f, id, UNIT_KINDS[u % 3 == 2 || u == 3 ? 2 : u % 3], 2 + u, 6 + 2 * u, 1 + u);
            (void)g;
            feed(l, q);
            *lines = realloc(*lines, (*n_lines + 1) * sizeof **lines);
            (*lines)[(*n_lines)++] = json_of(q);
        }
    }
}

typedef struct {
    int code;
    uint32_t person, facility, unit;
    int64_t raised;
} key;

static int key_cmp(const void *a, const void *b)
{
    const key *x = a, *y = b;
    if (x->code != y->code) return x->code < y->code ? -1 : 1;
    if (x->person != y->person) return x->person < y->person ? -1 : 1;
    if (x->facility != y->facility) return x->facility < y->facility ? -1 : 1;
    if (x->unit != y->unit) return x->unit < y->unit ? -1 : 1;
    return (x->raised > y->raised) - (x->raised < y->raised);
}

static bool timed_code(int c)
{
    return c == FC_REVIEW_OVERDUE || c == FC_CUSTODY_PAST_END || c == FC_SEGREGATION_TOO_LONG;
}

static key key_of(const finding *x)
{
    return (key){(int)x->code, x->person, x->facility, x->unit,
                 timed_code((int)x->code) ? x->raised_us : 0};
}

typedef struct {
    key *v;
    size_t n, cap;
} keys;

static void keys_add(keys *k, key x)
{
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 256;
        k->v = realloc(k->v, k->cap * sizeof *k->v);
        assert_non_null(k->v);
    }
    k->v[k->n++] = x;
}

/* The model of the segregation clock, kept by the test: the first entry of each
 * person's current stretch in segregation units. */
static void seg_model(const state *s, int64_t **since, size_t *n)
{
    size_t np = state_count_persons(s);
    if (np > *n) {
        *since = realloc(*since, np * sizeof **since);
        for (size_t i = *n; i < np; i++)
            (*since)[i] = INT64_MIN;
        *n = np;
    }
    for (size_t i = 0; i < np; i++) {
        const st_person *p = state_person_at(s, (uint32_t)i);
        bool in = p->custody == CUST_HELD && p->unit != ST_NONE &&
                  state_unit_at(s, p->unit)->kind == UNIT_SEGREGATION;
        if (!in)
            (*since)[i] = INT64_MIN;
        else if ((*since)[i] == INT64_MIN)
            (*since)[i] = p->custody_since_us;
    }
}

static int64_t seg_due(int64_t since)
{
    return since + (int64_t)llround(P.segregation_days_max.value * (double)HB_US_PER_DAY) + 1;
}

/* The scan, with the stretches the state cannot see (begun in an earlier
 * segregation unit) taken from the model; and the scan's own segregation
 * findings checked against the model where the state can see them. */
static void expected_keys(const ledger_sim *l, const int64_t *since, int64_t now, keys *k)
{
    finding *v;
    size_t n;
    assert_int_equal(findings_scan(l->s, &P, now, &v, &n), 0);
    size_t seen_by_scan = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].code != FC_SEGREGATION_TOO_LONG) {
            keys_add(k, key_of(&v[i]));
            continue;
        }
        const st_person *p = state_person_at(l->s, v[i].person);
        if (since[v[i].person] == p->custody_since_us) {
            assert_int_equal(v[i].raised_us, seg_due(since[v[i].person]));
            seen_by_scan++;
        }
    }
    size_t visible = 0;
    for (uint32_t i = 0; i < state_count_persons(l->s); i++) {
        if (since[i] == INT64_MIN || seg_due(since[i]) > now) continue;
        keys_add(k, (key){FC_SEGREGATION_TOO_LONG, i, ST_NONE, ST_NONE, seg_due(since[i])});
        visible += since[i] == state_person_at(l->s, i)->custody_since_us;
    }
    assert_int_equal(seen_by_scan, visible);
    free(v);
}

static void compare_at(const ledger_sim *l, const int64_t *since, int64_t now, size_t at_event)
{
    keys got = {0}, want = {0};
    for (size_t i = 0; i < findings_count(l->f); i++) {
        const finding *x = findings_at(l->f, i);
        if (is_standing(x->code) && findings_active(x, now)) keys_add(&got, key_of(x));
    }
    expected_keys(l, since, now, &want);
    if (got.n) qsort(got.v, got.n, sizeof *got.v, key_cmp);
    if (want.n) qsort(want.v, want.n, sizeof *want.v, key_cmp);
    size_t i = 0;
    while (i < got.n && i < want.n && key_cmp(&got.v[i], &want.v[i]) == 0)
        i++;
    if (i < got.n || i < want.n) {
        const key *a = i < got.n ? &got.v[i] : NULL, *b = i < want.n ? &want.v[i] : NULL;
        fail_msg("event %zu: incremental %zu active, scan %zu; first difference: incremental "
                 "%s p%d f%d u%d r%" PRId64 ", scan %s p%d f%d u%d r%" PRId64,
                 at_event, got.n, want.n, a ? findings_code_name((finding_code)a->code) : "-",
                 a ? (int)a->person : -1, a ? (int)a->facility : -1, a ? (int)a->unit : -1,
                 a ? a->raised : 0, b ? findings_code_name((finding_code)b->code) : "-",
                 b ? (int)b->person : -1, b ? (int)b->facility : -1, b ? (int)b->unit : -1,
                 b ? b->raised : 0);
    }
    free(got.v);
    free(want.v);
}

#define STREAM 3000

/* Junk batches are fed and rolled back between the stream's events; a second
 * set fed the stream alone must end identical. */
static void random_stream(void **st)
{
    (void)st;
    uint64_t seed = (uint64_t)time(NULL);
    const char *env = getenv("HB_SEED");
    if (env) seed = strtoull(env, NULL, 10);
    printf("random stream seed %" PRIu64 " (HB_SEED=%" PRIu64 " repeats it)\n", seed, seed);
    gen g = {seed, time_of("2025-01-02T00:00:00Z"), 0, 0, 0, 0};
    ledger_sim a, b;
    sim_open(&a);
    sim_open(&b);
    char **lines = NULL;
    size_t n_lines = 0;
    gen_setup(&g, &a, &lines, &n_lines);
    int64_t *since = NULL;
    size_t n_since = 0;
    char out[8192];
    for (size_t e = 0; e < STREAM; e++) {
        next_event(&g, &a, out, sizeof out);
        char **grown = realloc(lines, (n_lines + 1) * sizeof *lines);
        assert_non_null(grown);
        lines = grown;
        lines[n_lines++] = strdup(out);
        seg_model(a.s, &since, &n_since);
        compare_at(&a, since, g.clock, e);
        compare_at(&a, since, g.clock + (int64_t)below(&g, 40) * HB_US_PER_DAY, e);
        if (e % 97 != 96) continue;
        snapshot before = snap(a.f);
        gen junk = g;
        junk.rng ^= 0x5555;
        int64_t seq = a.seq;
        state_begin(a.s);
        findings_begin(a.f);
        for (int j = 0; j < 12; j++)
            next_event(&junk, &a, out, sizeof out);
        state_rollback(a.s);
        findings_rollback(a.f);
        a.seq = seq;
        same_as(a.f, &before, "after a rolled-back batch");
        free(before.v);
    }
    for (size_t i = 0; i < n_lines; i++) {
        if (!try_feed(&b, lines[i])) fail_msg("control refused %s", lines[i]);
        free(lines[i]);
    }
    free(lines);
    snapshot want = snap(b.f);
    same_as(a.f, &want, "stream with rolled-back batches vs stream alone");
    printf("random stream: %zu findings over %" PRId64 " events\n", want.n, a.seq);
    check_explanations(&a);
    free(want.v);
    free(since);
    sim_close(&a);
    sim_close(&b);
}

static int setup(void **st)
{
    (void)st;
    arena_init(&A, 0);
    hb_err err;
    if (profile_builtin("mandela-icrc", &P, &err)) fail_msg("%s", err.msg);
    /* The figures the boundaries above are written for. */
    assert_true(P.floor_m2_shared.value == 3.4 && P.floor_m2_single.value == 5.4);
    assert_true(P.outdoor_hours_min.value == 1 && P.segregation_days_max.value == 15);
    assert_true(P.light_hours_max.value == 24 && P.heat_c_max.value == 31.1);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    arena_free(&A);
    profile_free(&P);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(table, setup, teardown),
        cmocka_unit_test_setup_teardown(blocked_departure_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(evidence_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(figures, setup, teardown),
        cmocka_unit_test_setup_teardown(clearing, setup, teardown),
        cmocka_unit_test_setup_teardown(timed, setup, teardown),
        cmocka_unit_test_setup_teardown(scan, setup, teardown),
        cmocka_unit_test_setup_teardown(code_names, setup, teardown),
        cmocka_unit_test_setup_teardown(rollback_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(rollback_of_a_clearing, setup, teardown),
        cmocka_unit_test_setup_teardown(random_stream, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
