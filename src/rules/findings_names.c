/* findings_names: the names of finding codes and severities, as reports and
 * profiles spell them. */
#include <string.h>
#include "rules/findings.h"

static const char *const CODE_NAMES[FC__COUNT] = {
    [FC_BLOCKED_DEPARTURE] = "BLOCKED_DEPARTURE",
    [FC_BLOCKED_ARRIVAL] = "BLOCKED_ARRIVAL",
    [FC_DEATH_IN_CUSTODY] = "DEATH_IN_CUSTODY",
    [FC_HEADCOUNT_MISSING] = "HEADCOUNT_MISSING",
    [FC_HEADCOUNT_UNEXPECTED] = "HEADCOUNT_UNEXPECTED",
    [FC_HEAT] = "HEAT",
    [FC_LIGHTS_ALWAYS_ON] = "LIGHTS_ALWAYS_ON",
    [FC_NO_TIME_OUTDOORS] = "NO_TIME_OUTDOORS",
    [FC_MATTRESSES_SHORT] = "MATTRESSES_SHORT",
    [FC_OBSERVED_OVER_CAPACITY] = "OBSERVED_OVER_CAPACITY",
    [FC_WORK_NO_CONVICTION] = "WORK_NO_CONVICTION",
    [FC_WORK_NO_CONSENT] = "WORK_NO_CONSENT",
    [FC_WORK_UNPAID] = "WORK_UNPAID",
    [FC_UNIT_OVER_CAPACITY] = "UNIT_OVER_CAPACITY",
    [FC_FACILITY_OVER_CAPACITY] = "FACILITY_OVER_CAPACITY",
    [FC_FLOOR_SPACE] = "FLOOR_SPACE",
    [FC_BEDS_SHORT] = "BEDS_SHORT",
    [FC_CUSTODY_NO_END] = "CUSTODY_NO_END",
    [FC_REVIEW_OVERDUE] = "REVIEW_OVERDUE",
    [FC_CUSTODY_PAST_END] = "CUSTODY_PAST_END",
    [FC_SEGREGATION_TOO_LONG] = "SEGREGATION_TOO_LONG",
};

static const char *const SEVERITY_NAMES[SEV__COUNT] = {
    [SEV_CRITICAL] = "critical",
    [SEV_HIGH] = "high",
    [SEV_MEDIUM] = "medium",
    [SEV_LOW] = "low",
};

const char *findings_code_name(finding_code c)
{
    return (unsigned)c < FC__COUNT ? CODE_NAMES[c] : "UNKNOWN";
}

const char *findings_severity_name(finding_severity v)
{
    return (unsigned)v < SEV__COUNT ? SEVERITY_NAMES[v] : "unknown";
}

int findings_code_of(const char *name)
{
    if (!name) return -1;
    for (int c = 0; c < FC__COUNT; c++)
        if (strcmp(CODE_NAMES[c], name) == 0) return c;
    return -1;
}
