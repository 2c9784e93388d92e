/* api_access.c: placeholder until it is written. */
#include "http/routes.h"
int api_access_log(http_call *c, http_resp *out)
{
    (void)c;
    return http_problem(out, 501, "not-implemented", "Not implemented", NULL, NULL,
                        "not built yet");
}
#include "http/access.h"
int access_record(http_call *c, const char *what, const char *id)
{
    (void)c;
    (void)what;
    (void)id;
    return 0;
}
