/* ratelimit: a token bucket per address, kept as one time per address (the
 * generic cell rate algorithm): tat is when the bucket will be full again. A
 * request at now costs one interval T = 60 s / per_minute; it may go when the
 * bucket stays within its size, per_minute requests (tat - now <= per_minute * T).
 * An address whose tat has passed has a full bucket, exactly as if it had never
 * been seen, so its slot may be given to another address: that is the eviction.
 *
 * The table is fixed (SLOTS entries, about 3.5 MiB), open addressing; an address
 * is looked for in a window of PROBE slots from its hash. When every slot of the
 * window is in use by a bucket not yet full, the one to be full soonest is given
 * up: under a flood of more than SLOTS addresses some get a fresh bucket early,
 * which is the price of bounded memory. */
#include "http/ratelimit.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "util/map.h"

#define SLOTS (1u << 16)
#define PROBE 32
#define ADDR_MAX 48 /* an IPv6 text address is at most 45 bytes */

typedef struct {
    char addr[ADDR_MAX]; /* "" when never used */
    int64_t tat;
} bucket;

struct ratelimit {
    int per_minute;
    int64_t interval_us, burst_us;
    pthread_mutex_t mu;
    bucket *slots; /* SLOTS, NULL when per_minute is 0 */
};

ratelimit *ratelimit_new(int per_minute)
{
    ratelimit *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->per_minute = per_minute > 0 ? per_minute : 0;
    if (r->per_minute) {
        r->interval_us = 60000000 / r->per_minute;
        r->burst_us = r->interval_us * r->per_minute;
        r->slots = calloc(SLOTS, sizeof *r->slots);
        if (!r->slots) {
            free(r);
            return NULL;
        }
    }
    pthread_mutex_init(&r->mu, NULL);
    return r;
}

void ratelimit_free(ratelimit *r)
{
    if (!r) return;
    pthread_mutex_destroy(&r->mu);
    free(r->slots);
    free(r);
}

/* The address's bucket, or a slot given to it (full bucket: tat = now). */
static bucket *find(ratelimit *r, const char *addr, int64_t now)
{
    size_t n = strnlen(addr, ADDR_MAX - 1);
    uint32_t h = (uint32_t)map_hash(addr, n);
    bucket *spare = NULL;
    for (uint32_t i = 0; i < PROBE; i++) {
        bucket *b = &r->slots[(h + i) & (SLOTS - 1)];
        if (!strncmp(b->addr, addr, n) && b->addr[n] == '\0' && b->addr[0]) return b;
        if (!spare || b->tat < spare->tat) spare = b; /* unused slots have tat 0 */
    }
    memcpy(spare->addr, addr, n);
    spare->addr[n] = '\0';
    spare->tat = now;
    return spare;
}

bool ratelimit_take(ratelimit *r, const char *addr, int64_t now_us, int *retry_after_s)
{
    *retry_after_s = 0;
    if (!r || !r->per_minute) return true;
    if (!addr || !*addr) addr = "-";
    pthread_mutex_lock(&r->mu);
    bucket *b = find(r, addr, now_us);
    int64_t tat = b->tat > now_us ? b->tat : now_us;
    int64_t next = tat + r->interval_us;
    bool ok = next - now_us <= r->burst_us;
    if (ok)
        b->tat = next;
    else {
        int64_t wait = next - now_us - r->burst_us; /* until one interval has drained */
        *retry_after_s = (int)((wait + 999999) / 1000000);
        if (*retry_after_s < 1) *retry_after_s = 1;
    }
    pthread_mutex_unlock(&r->mu);
    return ok;
}
