/* elig_set: the sets of persons one check counts (capacity already taken). Keys
 * are pool indexes, so ST_NONE can mark a free slot and a multiplicative hash
 * spreads neighbouring indexes well. Kept at most half full. */
#include <stdlib.h>
#include "rules/elig_internal.h"

static uint32_t slot_of(uint32_t k, uint32_t cap)
{
    return (uint32_t)(((uint64_t)k * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static void put(uint32_t *keys, uint32_t cap, uint32_t k)
{
    uint32_t i = slot_of(k, cap);
    while (keys[i] != ST_NONE)
        i = (i + 1) & (cap - 1);
    keys[i] = k;
}

static int grow(elig_set *s)
{
    uint32_t cap = s->cap ? s->cap * 2 : 64;
    if (cap < s->cap) return -1;
    uint32_t *keys = malloc((size_t)cap * sizeof *keys);
    if (!keys) return -1;
    for (uint32_t i = 0; i < cap; i++)
        keys[i] = ST_NONE;
    for (uint32_t i = 0; i < s->cap; i++)
        if (s->keys[i] != ST_NONE) put(keys, cap, s->keys[i]);
    free(s->keys);
    s->keys = keys;
    s->cap = cap;
    return 0;
}

int elig_set_add(elig_set *s, uint32_t k)
{
    if (elig_set_has(s, k)) return 0;
    if ((s->n + 1) * 2 > s->cap && grow(s)) return -1;
    put(s->keys, s->cap, k);
    s->n++;
    return 1;
}

bool elig_set_has(const elig_set *s, uint32_t k)
{
    if (!s->n) return false;
    for (uint32_t i = slot_of(k, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (s->keys[i] == k) return true;
        if (s->keys[i] == ST_NONE) return false;
    }
}

void elig_set_free(elig_set *s)
{
    free(s->keys);
    *s = (elig_set){NULL, 0, 0};
}
