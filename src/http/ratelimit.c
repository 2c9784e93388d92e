/* ratelimit: placeholder until written. */
#include "http/ratelimit.h"
#include <stdlib.h>
struct ratelimit {
    int per_minute;
};
ratelimit *ratelimit_new(int per_minute)
{
    ratelimit *r = calloc(1, sizeof *r);
    if (r) r->per_minute = per_minute;
    return r;
}
void ratelimit_free(ratelimit *r)
{
    free(r);
}
bool ratelimit_take(ratelimit *r, const char *addr, int64_t now_us, int *retry_after_s)
{
    (void)r, (void)addr, (void)now_us, (void)retry_after_s;
    return true;
}
