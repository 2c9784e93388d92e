/* routes: the API's one route table (routes.c) and its handlers (api_*.c).
 *
 * A pattern is a literal path with {name} segments that match one non-empty
 * segment each ("/v1/persons/{id}"). Which roles may call a route is not here:
 * authz.c holds that table (one place for every permission). */
#ifndef HB_HTTP_ROUTES_H
#define HB_HTTP_ROUTES_H
#include "http/http.h"

typedef enum {
    R_HEALTHZ,
    R_METRICS,
    R_OPENAPI,
    R_EVENTS_POST,
    R_EVENTS_GET,
    R_PERSON_GET,
    R_FACILITIES_LIST,
    R_FACILITY_GET,
    R_TRANSFER_GET,
    R_TRANSFER_CHECK,
    R_FINDINGS,
    R_REPORT_COSTS,
    R_REPORT_OCCUPANCY,
    R_LOCATE,
    R_ACCESS_LOG,
    R_LOG_HEAD,
    R_LOG_INCLUSION,
    R_LOG_CONSISTENCY,
    R__COUNT
} route_id;

typedef struct {
    route_id id;
    const char *method, *pattern;
    http_handler fn;
    const char *summary;
} http_route;

/* The table, R__COUNT rows in route_id order. */
const http_route *routes_table(void);
/* Match method + path: the route index (params filled, pointing into scratch,
 * which must hold strlen(path) + 1 bytes), or -1 with *path_known set when the
 * path matches some route with another method (then allow lists the methods). */
int routes_match(const char *method, const char *path, char *scratch,
                 const char *params[HTTP_MAX_PARAMS], bool *path_known, char allow[HTTP_ALLOW_MAX]);

/* Handlers. api_meta.c (helper "openapi"): */
int api_healthz(http_call *c, http_resp *out);
int api_metrics(http_call *c, http_resp *out);
int api_openapi(http_call *c, http_resp *out);
/* api_events.c, api_records.c, api_reports.c (helper "api"): */
int api_events_post(http_call *c, http_resp *out);
int api_events_get(http_call *c, http_resp *out);
int api_person_get(http_call *c, http_resp *out);
int api_facilities_list(http_call *c, http_resp *out);
int api_facility_get(http_call *c, http_resp *out);
int api_transfer_get(http_call *c, http_resp *out);
int api_transfer_check(http_call *c, http_resp *out);
int api_findings(http_call *c, http_resp *out);
int api_report_costs(http_call *c, http_resp *out);
int api_report_occupancy(http_call *c, http_resp *out);
/* api_locate.c (helper "locator"): */
int api_locate(http_call *c, http_resp *out);
/* api_access.c (helper "authz"): */
int api_access_log(http_call *c, http_resp *out);
/* api_log.c (helper "http"): the transparency log. */
int api_log_head(http_call *c, http_resp *out);
int api_log_inclusion(http_call *c, http_resp *out);
int api_log_consistency(http_call *c, http_resp *out);
#endif
