/* api_meta.c: placeholder until it is written. */
#include "http/routes.h"
int api_healthz(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
int api_metrics(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
int api_openapi(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
