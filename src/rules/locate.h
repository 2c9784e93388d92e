/* locate: the public locator's search, a pure function over the state.
 *
 * A person matches when every family-name token of the query is one of their
 * family-name tokens, every given-name token one of their given-name tokens (in
 * any order), the birth country is theirs, and so is the birth date when one is
 * given. Tokens come from model/names.h (accents, case and punctuation do not
 * matter). Persons never taken into custody are not found. At most LOCATE_MAX
 * results, newest registrations first. What a result may show is fixed here and
 * in locate_json and locate_write (src/rules/locate_out.c); docs/locate.md is the user's page. */
#ifndef HB_RULES_LOCATE_H
#define HB_RULES_LOCATE_H
#include <stddef.h>
#include <stdint.h>
#include "model/names.h"
#include "state/state.h"
#include "util/buf.h"
#include "util/err.h"

#define LOCATE_MAX 20
#define LOCATE_MAX_TOKENS 8 /* per name field */
#define LOCATE_MAX_FIELD_BYTES 200

/* What is wrong with a query: a stable slug (the HTTP problem type), the field
 * at fault, what was expected, and a sentence. */
typedef struct {
    const char *slug, *field, *expected;
    char detail[256];
} locate_fault;

typedef struct {
    char *family_norm, *given_norm; /* owned: locate_query_free */
    names_tok family[LOCATE_MAX_TOKENS], given[LOCATE_MAX_TOKENS];
    size_t n_family, n_given;
    char birth_country[3];
    int32_t birth_date; /* HB_DATE_ABSENT for any */
} locate_query;

/* From the fields as typed (NULL or "" for absent; birth_date "YYYY-MM-DD").
 * 0; HB_EINPUT with *f filled (nothing to free); HB_EINTERNAL on out of memory.
 * On 0 the caller calls locate_query_free. */
int locate_query_parse(const char *family, const char *given, const char *birth_country,
                       const char *birth_date, locate_query *q, locate_fault *f);
void locate_query_free(locate_query *q);

typedef enum { LOC_IN_CUSTODY, LOC_TRANSFERRED, LOC_RELEASED, LOC_DECEASED } locate_status;

typedef struct {
    const st_person *person;
    locate_status status;
    const st_facility *facility; /* NULL when no facility is known */
    int64_t since_us;            /* when the current custody state began */
} locate_hit;

typedef struct {
    locate_hit hit[LOCATE_MAX];
    size_t n;
} locate_result;

/* 0, or HB_EINTERNAL on out of memory. */
int locate_search(const state *s, const locate_query *q, locate_result *out);

/* "in_custody", "transferred", "released", "deceased". */
const char *locate_status_name(locate_status st);

/* {"results": [...]} with exactly the disclosed fields (docs/locate.md). A new
 * reference (caller releases), NULL on out of memory. */
struct json_t;
struct json_t *locate_json(const locate_result *r);

/* The same answer as locate_json, compact (json_dumps with JSON_COMPACT gives
 * equal JSON), appended to out without building a tree. 0, or HB_EINTERNAL on
 * out of memory (out is then as it was). */
int locate_write(buf *out, const locate_result *r);
#endif
