/* routes: the table of every route the API serves, and matching a path to it. */
#include "http/routes.h"
#include <stdio.h>
#include <string.h>

static const http_route ROUTES[R__COUNT] = {
    {R_HEALTHZ, "GET", "/healthz", api_healthz, "liveness: the ledger is open"},
    {R_METRICS, "GET", "/metrics", api_metrics, "Prometheus metrics"},
    {R_OPENAPI, "GET", "/v1/openapi.json", api_openapi, "this API, as OpenAPI 3.1"},
    {R_EVENTS_POST, "POST", "/v1/events", api_events_post,
     "append one event or an array, all or nothing"},
    {R_EVENTS_GET, "GET", "/v1/events", api_events_get, "records from a seq, for followers"},
    {R_PERSON_GET, "GET", "/v1/persons/{id}", api_person_get,
     "one person's full record (access logged)"},
    {R_FACILITIES_LIST, "GET", "/v1/facilities", api_facilities_list,
     "every facility with occupancy"},
    {R_FACILITY_GET, "GET", "/v1/facilities/{id}", api_facility_get, "one facility, unit by unit"},
    {R_TRANSFER_GET, "GET", "/v1/transfers/{id}", api_transfer_get, "one transfer"},
    {R_TRANSFER_CHECK, "GET", "/v1/transfers/{id}/check", api_transfer_check,
     "each person's verdict on a transfer, at a moment"},
    {R_FINDINGS, "GET", "/v1/findings", api_findings, "findings against the standards profile"},
    {R_REPORT_COSTS, "GET", "/v1/reports/costs", api_report_costs, "costs per agreement"},
    {R_REPORT_OCCUPANCY, "GET", "/v1/reports/occupancy", api_report_occupancy,
     "occupancy per facility and unit"},
    {R_LOCATE, "GET", "/v1/locate", api_locate, "the public locator"},
    {R_ACCESS_LOG, "GET", "/v1/access-log", api_access_log, "who read which person's record"},
    {R_LOG_HEAD, "GET", "/v1/log/head", api_log_head, "the newest signed tree head"},
    {R_LOG_INCLUSION, "GET", "/v1/log/proof/inclusion", api_log_inclusion,
     "proof that a record is in the log at a size"},
    {R_LOG_CONSISTENCY, "GET", "/v1/log/proof/consistency", api_log_consistency,
     "proof that a smaller log is a prefix of a larger one"},
};

const http_route *routes_table(void)
{
    return ROUTES;
}

/* Does path match pattern? Fills params with copies in scratch. */
static bool match(const char *pattern, const char *path, char *scratch,
                  const char *params[HTTP_MAX_PARAMS])
{
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *end = strchr(s, '/');
            size_t n = end ? (size_t)(end - s) : strlen(s);
            if (n == 0 || np >= HTTP_MAX_PARAMS) return false;
            memcpy(scratch, s, n);
            scratch[n] = '\0';
            params[np++] = scratch;
            scratch += n + 1;
            s += n;
            p = strchr(p, '}') + 1;
            continue;
        }
        if (*p++ != *s++) return false;
    }
    return *p == '\0' && *s == '\0';
}

int routes_match(const char *method, const char *path, char *scratch,
                 const char *params[HTTP_MAX_PARAMS], bool *path_known, char allow[HTTP_ALLOW_MAX])
{
    *path_known = false;
    allow[0] = '\0';
    int found = -1;
    for (int i = 0; i < R__COUNT; i++) {
        const char *tmp[HTTP_MAX_PARAMS] = {0};
        if (!match(ROUTES[i].pattern, path, scratch, tmp)) continue;
        *path_known = true;
        size_t n = strlen(allow);
        snprintf(allow + n, HTTP_ALLOW_MAX - n, "%s%s", n ? ", " : "", ROUTES[i].method);
        if (found < 0 && !strcmp(ROUTES[i].method, method)) {
            found = i;
            memcpy(params, tmp, sizeof tmp);
        }
    }
    /* params point into scratch; a later non-matching pattern may have written
     * over it, so match the found route again. */
    if (found >= 0) match(ROUTES[found].pattern, path, scratch, params);
    return found;
}
