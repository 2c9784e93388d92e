/* ratelimit: at most N requests per minute per client address (a token bucket
 * per address, refilled continuously), thread-safe, bounded memory (idle
 * addresses are forgotten). Used by the public locator. */
#ifndef HB_HTTP_RATELIMIT_H
#define HB_HTTP_RATELIMIT_H
#include <stdbool.h>
#include <stdint.h>

typedef struct ratelimit ratelimit;
/* per_minute 0: never limits. NULL on OOM; owner calls ratelimit_free. */
ratelimit *ratelimit_new(int per_minute);
void ratelimit_free(ratelimit *r);
/* true when a request from addr at now_us may go ahead; else false and
 * *retry_after_s the whole seconds until it may. */
bool ratelimit_take(ratelimit *r, const char *addr, int64_t now_us, int *retry_after_s);
#endif
