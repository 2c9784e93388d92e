/* catalogue: the names of event types and enum values, exactly as DESIGN.md spells
 * them. The index of a name is its C enum value (event.h). */
#include <string.h>
#include "model/event.h"
#include "model/catalogue.h"

static const char *const TYPE_NAMES[EV__COUNT] = {
    "facility.registered", "unit.certified",      "agreement.signed",    "person.registered",
    "status.recorded",     "conviction.recorded", "allegation.recorded", "hold.placed",
    "hold.lifted",         "consent.recorded",    "custody.admitted",    "custody.moved",
    "transfer.proposed",   "transfer.approved",   "transfer.cancelled",  "transfer.departed",
    "transfer.arrived",    "custody.released",    "custody.died",        "count.recorded",
    "condition.observed",  "work.logged",
};

static const char *const FACILITY_KIND[] = {"prison", "detention_center", "holding", NULL};
static const char *const UNIT_KIND[] = {"cell", "dormitory", "segregation", NULL};
static const char *const STATUS[] = {"citizen",
                                     "permanent_resident",
                                     "protected_status",
                                     "asylum_pending",
                                     "withholding_of_removal",
                                     "cat_protection",
                                     "removal_order",
                                     "none",
                                     NULL};
static const char *const HOLD_KIND[] = {"court_order", "stay_of_removal", "medical",
                                        "investigation", NULL};
static const char *const CONSENT_TO[] = {"transfer", "work", NULL};
static const char *const BASIS_KIND[] = {"sentence", "pretrial", "immigration", "agreement", NULL};
static const char *const METRIC[] = {
    "temperature_c", "light_hours_per_day", "out_of_cell_hours_per_day",
    "occupants",     "mattresses",          NULL};
static const char *const COST_PER[] = {"person_year", NULL};

static const char *const *const ENUMS[ENUM__COUNT] = {
    FACILITY_KIND, UNIT_KIND, STATUS, HOLD_KIND, CONSENT_TO, BASIS_KIND, METRIC, COST_PER,
};
static const int ENUM_COUNTS[ENUM__COUNT] = {
    FAC__COUNT,     UNIT__COUNT,  ST__COUNT,     HOLD__COUNT,
    CONSENT__COUNT, BASIS__COUNT, METRIC__COUNT, PER__COUNT,
};

const char *event_type_name(event_type t)
{
    if ((int)t < 0 || t >= EV__COUNT) return NULL;
    return TYPE_NAMES[t];
}

int event_type_from_name(const char *s, size_t n)
{
    if (n < 2) return -1;
    for (int i = 0; i < EV__COUNT; i++) {
        const char *t = TYPE_NAMES[i];
        if (t[0] == s[0] && t[1] == s[1] && strlen(t) == n && memcmp(t, s, n) == 0) return i;
    }
    return -1;
}

const char *event_enum_name(event_enum e, int v)
{
    if ((int)e < 0 || e >= ENUM__COUNT || v < 0 || v >= ENUM_COUNTS[e]) return NULL;
    return ENUMS[e][v];
}

int catalogue_enum_count(event_enum e)
{
    if ((int)e < 0 || e >= ENUM__COUNT) return 0;
    return ENUM_COUNTS[e];
}

int catalogue_enum_from_name(event_enum e, const char *s, size_t n)
{
    int count = catalogue_enum_count(e);
    for (int i = 0; i < count; i++)
        if (strlen(ENUMS[e][i]) == n && memcmp(ENUMS[e][i], s, n) == 0) return i;
    return -1;
}
