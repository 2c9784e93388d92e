/* api_records.c: placeholder until it is written. */
#include "http/routes.h"
int api_person_get(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
int api_facilities_list(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
int api_facility_get(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
int api_transfer_get(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
int api_transfer_check(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
