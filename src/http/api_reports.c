/* api_reports.c: placeholder until it is written. */
#include "http/routes.h"
int api_findings(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
int api_report_costs(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
int api_report_occupancy(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
