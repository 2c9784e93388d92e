/* api_locate.c: placeholder until it is written. */
#include "http/routes.h"
int api_locate(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
