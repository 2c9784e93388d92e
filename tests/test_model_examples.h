/* test_model_examples: one complete example of every event type, as key/value pairs
 * so tests can leave a key out, replace a value or add a key, plus each type's
 * required keys. Shared by the test_model_* tests (static data, header only). */
#ifndef HB_TEST_MODEL_EXAMPLES_H
#define HB_TEST_MODEL_EXAMPLES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/event.h"

typedef struct {
    const char *k, *v; /* v is JSON text */
} tkv;

typedef struct {
    event_type type;
    const char *required; /* space separated, with spaces around: " at type " */
    tkv f[14];
    const char *keep; /* optional keys a minimal line keeps (cross-field rules need them) */
} texample;

#define AT_V "\"2025-03-15T17:25:00-04:00\""

static const texample EXAMPLES[EV__COUNT] = {
    {EV_FACILITY_REGISTERED,
     " type at facility name country kind design_capacity ",
     {{"type", "\"facility.registered\""},
      {"at", "\"2025-01-10T09:00:00-06:00\""},
      {"facility", "\"F-CECOT\""},
      {"name", "\"Centro de Confinamiento del Terrorismo\""},
      {"country", "\"SV\""},
      {"kind", "\"prison\""},
      {"design_capacity", "40000"},
      {"contact", "\"Tecoluca, San Vicente, El Salvador; +503 0000 0000\""},
      {"security", "{\"watchtowers\":19,\"perimeter_walls\":2,\"electrified_fence\":true}"}},
     NULL},
    {EV_UNIT_CERTIFIED,
     " type at facility unit kind capacity floor_area_m2 beds ",
     {{"type", "\"unit.certified\""},
      {"at", "\"2025-01-10T09:30:00-06:00\""},
      {"facility", "\"F-CECOT\""},
      {"unit", "\"F-CECOT-M1-C07\""},
      {"kind", "\"cell\""},
      {"capacity", "100"},
      {"floor_area_m2", "76.5"},
      {"beds", "80"}},
     NULL},
    {EV_AGREEMENT_SIGNED,
     " type at agreement sending_state receiving_state facilities starts ends fee ",
     {{"type", "\"agreement.signed\""},
      {"at", "\"2025-02-03T12:00:00-06:00\""},
      {"agreement", "\"AGR-US-SV-2025\""},
      {"sending_state", "\"US\""},
      {"receiving_state", "\"SV\""},
      {"facilities", "[\"F-CECOT\"]"},
      {"starts", "\"2025-03-01\""},
      {"ends", "\"2026-02-28\""},
      {"fee", "{\"amount\":595000000,\"currency\":\"USD\",\"persons\":238,\"days\":365}"},
      {"baseline_cost", "{\"amount\":6000000,\"currency\":\"USD\",\"per\":\"person_year\"}"},
      {"conditions", "{\"require_final_conviction\":true,\"allow_sending_state_nationals\":false,"
                     "\"require_consent\":false,\"nationalities\":\"any\",\"max_persons\":300,"
                     "\"min_sentence_remaining_days\":365}"}},
     NULL},
    {EV_PERSON_REGISTERED,
     " type at person given_names family_names ",
     {{"type", "\"person.registered\""},
      {"at", "\"2025-03-10T08:00:00-05:00\""},
      {"person", "\"P-000123\""},
      {"given_names", "\"Jos\\u00e9 Luis\""},
      {"family_names", "\"P\xc3\xa9rez Ram\xc3\xadrez\""},
      {"aliases", "[\"El Flaco\"]"},
      {"birth_date", "\"1994-07-02\""},
      {"birth_country", "\"VE\""},
      {"nationalities", "[\"VE\"]"},
      {"identifiers", "{\"passport:VE\":\"123456789\",\"a_number\":\"A-123-456-789\"}"}},
     NULL},
    {EV_STATUS_RECORDED,
     " type at person jurisdiction status valid_from source ",
     {{"type", "\"status.recorded\""},
      {"at", "\"2025-03-10T08:05:00-05:00\""},
      {"person", "\"P-000123\""},
      {"jurisdiction", "\"US\""},
      {"status", "\"withholding_of_removal\""},
      {"country", "\"SV\""},
      {"valid_from", "\"2019-05-14\""},
      {"valid_until", "\"2030-05-14\""},
      {"source", "\"Immigration Court, Baltimore, A-123-456-789\""}},
     " country "},
    {EV_CONVICTION_RECORDED,
     " type at person jurisdiction court case offense violent final date sentence_days ",
     {{"type", "\"conviction.recorded\""},
      {"at", "\"2025-03-10T08:10:00-05:00\""},
      {"person", "\"P-000123\""},
      {"jurisdiction", "\"US\""},
      {"court", "\"U.S. District Court, S.D. Tex.\""},
      {"case", "\"4:23-cr-00123\""},
      {"offense", "\"illegal reentry (8 U.S.C. 1326)\""},
      {"violent", "false"},
      {"final", "true"},
      {"date", "\"2023-11-02\""},
      {"sentence_days", "730"}},
     NULL},
    {EV_ALLEGATION_RECORDED,
     " type at person kind source ",
     {{"type", "\"allegation.recorded\""},
      {"at", "\"2025-03-10T08:15:00-05:00\""},
      {"person", "\"P-000123\""},
      {"kind", "\"gang_affiliation\""},
      {"source", "\"tattoo assessment\""},
      {"detail", "\"crown tattoo; no other evidence\""}},
     NULL},
    {EV_HOLD_PLACED,
     " type at hold kind issued_by case effective_from scope ",
     {{"type", "\"hold.placed\""},
      {"at", "\"2025-03-15T18:46:00-04:00\""},
      {"hold", "\"H-2025-0001\""},
      {"kind", "\"court_order\""},
      {"issued_by", "\"U.S. District Court, D.D.C.\""},
      {"case", "\"1:25-cv-00766\""},
      {"effective_from", "\"2025-03-15T18:45:00-04:00\""},
      {"until", "\"2025-04-15T00:00:00-04:00\""},
      {"scope", "{\"persons\":[\"P-000123\"],\"authority\":\"AEA-2025\","
                "\"destination_country\":\"SV\"}"}},
     NULL},
    {EV_HOLD_LIFTED,
     " type at hold ",
     {{"type", "\"hold.lifted\""},
      {"at", "\"2025-04-07T10:00:00-04:00\""},
      {"hold", "\"H-2025-0001\""},
      {"issued_by", "\"Supreme Court of the United States\""},
      {"reason", "\"order vacated\""}},
     NULL},
    {EV_CONSENT_RECORDED,
     " type at person to reference given ",
     {{"type", "\"consent.recorded\""},
      {"at", "\"2025-03-11T09:00:00-05:00\""},
      {"person", "\"P-000123\""},
      {"to", "\"transfer\""},
      {"reference", "\"interview 2025-03-11, interpreter present\""},
      {"given", "false"}},
     NULL},
    {EV_CUSTODY_ADMITTED,
     " type at person facility unit basis ",
     {{"type", "\"custody.admitted\""},
      {"at", AT_V},
      {"person", "\"P-000123\""},
      {"facility", "\"F-CECOT\""},
      {"unit", "\"F-CECOT-M1-C07\""},
      {"basis", "{\"kind\":\"agreement\",\"reference\":\"AGR-US-SV-2025\","
                "\"until\":\"2026-03-15\",\"review_by\":\"2025-09-15\"}"}},
     NULL},
    {EV_CUSTODY_MOVED,
     " type at person facility unit ",
     {{"type", "\"custody.moved\""},
      {"at", "\"2025-03-20T06:00:00-06:00\""},
      {"person", "\"P-000123\""},
      {"facility", "\"F-CECOT\""},
      {"unit", "\"F-CECOT-M2-C01\""}},
     NULL},
    {EV_TRANSFER_PROPOSED,
     " type at transfer from_facility to_facility authority persons departure_planned ",
     {{"type", "\"transfer.proposed\""},
      {"at", "\"2025-03-14T20:00:00-05:00\""},
      {"transfer", "\"T-2025-0315\""},
      {"from_facility", "\"F-US-TX-EPC\""},
      {"to_facility", "\"F-CECOT\""},
      {"agreement", "\"AGR-US-SV-2025\""},
      {"authority", "\"AEA-2025\""},
      {"persons", "[\"P-000123\",\"P-000124\"]"},
      {"departure_planned", "\"2025-03-15T17:00:00-05:00\""}},
     NULL},
    {EV_TRANSFER_APPROVED,
     " type at transfer persons ",
     {{"type", "\"transfer.approved\""},
      {"at", "\"2025-03-15T09:00:00-05:00\""},
      {"transfer", "\"T-2025-0315\""},
      {"persons", "[\"P-000124\"]"}},
     NULL},
    {EV_TRANSFER_CANCELLED,
     " type at transfer persons ",
     {{"type", "\"transfer.cancelled\""},
      {"at", "\"2025-03-15T09:05:00-05:00\""},
      {"transfer", "\"T-2025-0315\""},
      {"persons", "[\"P-000123\"]"}},
     NULL},
    {EV_TRANSFER_DEPARTED,
     " type at transfer persons ",
     {{"type", "\"transfer.departed\""},
      {"at", "\"2025-03-15T17:25:00-05:00\""},
      {"transfer", "\"T-2025-0315\""},
      {"persons", "[\"P-000124\"]"}},
     NULL},
    {EV_TRANSFER_ARRIVED,
     " type at transfer persons ",
     {{"type", "\"transfer.arrived\""},
      {"at", "\"2025-03-15T23:40:00-06:00\""},
      {"transfer", "\"T-2025-0315\""},
      {"persons", "[\"P-000124\"]"}},
     NULL},
    {EV_CUSTODY_RELEASED,
     " type at person reason ",
     {{"type", "\"custody.released\""},
      {"at", "\"2025-07-18T12:00:00-06:00\""},
      {"person", "\"P-000124\""},
      {"reason", "\"returned under exchange\""},
      {"released_to", "\"Government of Venezuela, Caracas\""}},
     NULL},
    {EV_CUSTODY_DIED,
     " type at person cause ",
     {{"type", "\"custody.died\""},
      {"at", "\"2025-05-02T04:10:00-06:00\""},
      {"person", "\"P-000125\""},
      {"cause", "\"unknown; no autopsy report released\""}},
     NULL},
    {EV_COUNT_RECORDED,
     " type at facility present ",
     {{"type", "\"count.recorded\""},
      {"at", "\"2025-03-16T06:00:00-06:00\""},
      {"facility", "\"F-CECOT\""},
      {"unit", "\"F-CECOT-M1-C07\""},
      {"present", "[\"P-000124\",\"P-000126\"]"}},
     NULL},
    {EV_CONDITION_OBSERVED,
     " type at facility metric value ",
     {{"type", "\"condition.observed\""},
      {"at", "\"2025-03-16T14:00:00-06:00\""},
      {"facility", "\"F-CECOT\""},
      {"unit", "\"F-CECOT-M1-C07\""},
      {"metric", "\"temperature_c\""},
      {"value", "35.5"}},
     NULL},
    {EV_WORK_LOGGED,
     " type at person programme hours consented ",
     {{"type", "\"work.logged\""},
      {"at", "\"2025-03-20T18:00:00-06:00\""},
      {"person", "\"P-000124\""},
      {"programme", "\"zero idleness\""},
      {"hours", "8.5"},
      {"pay", "{\"amount\":0,\"currency\":\"USD\"}"},
      {"consented", "false"}},
     NULL},
};

static inline int tex_count(const texample *e)
{
    int n = 0;
    while (n < 14 && e->f[n].k)
        n++;
    return n;
}

static inline int tex_required(const texample *e, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, " %s ", key);
    return strstr(e->required, pat) != NULL;
}

static inline int tex_kept(const texample *e, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, " %s ", key);
    return tex_required(e, key) || (e->keep && strstr(e->keep, pat));
}

/* A line from e: without key `skip` (NULL: none), with the value of key `rk`
 * replaced by rv (NULL: none), optional keys left out when minimal, and `extra`
 * (",\"k\":v" JSON text, may be NULL) appended inside the object. Caller frees. */
static inline char *tex_line(const texample *e, const char *skip, const char *rk, const char *rv,
                             int minimal, const char *extra)
{
    size_t cap = 64 + (rv ? strlen(rv) : 0) + (extra ? strlen(extra) : 0);
    for (int i = 0; i < tex_count(e); i++)
        cap += strlen(e->f[i].k) + strlen(e->f[i].v) + 4;
    char *s = malloc(cap);
    size_t len = 0;
    s[len++] = '{';
    int first = 1;
    for (int i = 0; i < tex_count(e); i++) {
        const tkv *kv = &e->f[i];
        if (skip && strcmp(kv->k, skip) == 0) continue;
        if (minimal && !tex_kept(e, kv->k)) continue;
        const char *v = rk && strcmp(kv->k, rk) == 0 ? rv : kv->v;
        len += (size_t)snprintf(s + len, cap - len, "%s\"%s\":%s", first ? "" : ",", kv->k, v);
        first = 0;
    }
    if (extra) len += (size_t)snprintf(s + len, cap - len, "%s", extra);
    snprintf(s + len, cap - len, "}");
    return s;
}
#endif
