#include "util/map.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

/* FNV-1a with a final avalanche: ids are short, so per-byte cost is small and
 * the mix keeps sequential ids (P-000001, P-000002 ...) well spread. */
uint64_t map_hash(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)k[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static size_t find(const map *m, const char *k, size_t n, uint64_t h)
{
    size_t mask = m->cap - 1, i = h & mask;
    for (;;) {
        const map_slot *s = &m->slots[i];
        if (!s->key) return i;
        if (s->hash == h && s->klen == n && memcmp(s->key, k, n) == 0) return i;
        i = (i + 1) & mask;
    }
}

int map_get(const map *m, const char *k, size_t n, uint32_t *val)
{
    if (!m->cap) return 0;
    size_t i = find(m, k, n, map_hash(k, n));
    if (!m->slots[i].key) return 0;
    if (val) *val = m->slots[i].val;
    return 1;
}

static int grow(map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    map_slot *slots = calloc(cap, sizeof *slots);
    if (!slots) return HB_EINTERNAL;
    map old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slots[i].key)
            m->slots[find(m, old.slots[i].key, old.slots[i].klen, old.slots[i].hash)] =
                old.slots[i];
    }
    free(old.slots);
    return 0;
}

int map_put(map *m, const char *k, size_t n, uint32_t val)
{
    if ((m->n + 1) * 4 > m->cap * 3 && grow(m)) return HB_EINTERNAL;
    uint64_t h = map_hash(k, n);
    size_t i = find(m, k, n, h);
    if (!m->slots[i].key) {
        m->slots[i] = (map_slot){k, (uint32_t)n, val, h};
        m->n++;
    } else {
        m->slots[i].val = val;
    }
    return 0;
}

int map_del(map *m, const char *k, size_t n)
{
    if (!m->cap) return 0;
    size_t mask = m->cap - 1, i = find(m, k, n, map_hash(k, n));
    if (!m->slots[i].key) return 0;
    /* Backward shift: move later members of the probe run into the hole when
     * their home slot does not lie cyclically in (hole, j]. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->slots[j].key) break;
        size_t home = m->slots[j].hash & mask;
        int between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!between) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].key = NULL;
    m->n--;
    return 1;
}

void map_free(map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}
