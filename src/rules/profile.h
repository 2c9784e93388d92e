/* profile: a standards profile, the thresholds findings are measured against.
 *
 * A profile is a JSON document (docs/profiles.md gives its shape; profiles/ in
 * the repo holds the ones shipped, which are also compiled into the binary):
 * every threshold comes with the standard it is taken from, and every finding
 * code with its severity and standard, so a report can say why a figure is a
 * finding. A user can write their own and pass its path (`--profile FILE`).
 * Parsing is from memory (jansson): rules/ does no I/O; the caller reads files.
 * Unknown keys, missing thresholds, negative figures and unknown finding codes are
 * errors, each message naming the JSON path. */
#ifndef HB_PROFILE_H
#define HB_PROFILE_H
#include <stddef.h>
#include "util/err.h"

/* The finding codes (src/rules/findings.h names them) a profile rates. */
#define PROFILE_MAX_CODES 32

typedef struct {
    double value;
    const char
        *source; /* "ICRC, Water, sanitation, hygiene and habitat in prisons (2012), 3.4 m2" */
} profile_limit;

typedef struct {
    char *name;        /* "mandela-icrc" */
    char *description; /* one paragraph */
    /* m2 of floor per person: shared = two or more held in the unit, single = one */
    profile_limit floor_m2_shared, floor_m2_single;
    profile_limit outdoor_hours_min;    /* out_of_cell_hours_per_day below: finding */
    profile_limit segregation_days_max; /* consecutive days in a segregation unit */
    profile_limit light_hours_max;      /* light_hours_per_day at or above: finding */
    profile_limit heat_c_max;           /* temperature_c above: finding */
    /* per finding code (finding_code order): severity (finding_severity) and the
     * standard it is judged by, e.g. "UN Nelson Mandela Rules, r. 21" */
    int severity[PROFILE_MAX_CODES];
    const char *standard[PROFILE_MAX_CODES];
    void *owned; /* everything above lives in it; profile_free releases */
} profile;

/* Parse a profile. 0, or HB_EINPUT with err naming the path and what was wrong
 * (out left empty), or HB_EINTERNAL. `where` (a file name) prefixes messages.
 * Owner calls profile_free. */
int profile_parse(const char *json, size_t n, const char *where, profile *out, hb_err *err);
/* A profile compiled into the binary, by name ("mandela-icrc", the default, or
 * "mandela-cpt"); HB_EINPUT when there is none of that name, err listing them. */
int profile_builtin(const char *name, profile *out, hb_err *err);
/* Names of the compiled-in profiles, NULL-terminated; the first is the default. */
const char *const *profile_builtin_names(void);
/* The JSON text of a compiled-in profile, or NULL (for `habeas report profile`). */
const char *profile_builtin_text(const char *name);
void profile_free(profile *p);
#endif
