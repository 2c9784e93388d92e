#include "util/map.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Tables of 2 MiB and more (the state's person ids past ~50,000) are mapped on
 * their own, 2 MiB aligned and open to huge pages: every lookup lands on a random
 * slot, and on a VM each 4 KiB page's first touch costs ~10 us and each TLB miss
 * more than it should. Under AddressSanitizer, calloc as for any other table. */
#define HUGE_TABLE ((size_t)2 << 20)
#if defined(__SANITIZE_ADDRESS__)
#define TABLE_PLAIN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TABLE_PLAIN 1
#endif
#endif

static int mapped(size_t bytes)
{
#ifdef TABLE_PLAIN
    (void)bytes;
    return 0;
#else
    return bytes >= HUGE_TABLE;
#endif
}

/* Zeroed slots; NULL on out of memory. Release with table_free(.., cap). */
static map_slot *table_alloc(size_t cap)
{
    size_t bytes = cap * sizeof(map_slot);
    if (!mapped(bytes)) return calloc(cap, sizeof(map_slot));
    size_t len = (bytes + HUGE_TABLE - 1) & ~(HUGE_TABLE - 1);
    unsigned char *p =
        mmap(NULL, len + HUGE_TABLE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    uintptr_t a = ((uintptr_t)p + HUGE_TABLE - 1) & ~(uintptr_t)(HUGE_TABLE - 1);
    unsigned char *t = (unsigned char *)a;
    if (t > p) munmap(p, (size_t)(t - p));
    munmap(t + len, (size_t)(p + HUGE_TABLE - t));
#ifdef MADV_HUGEPAGE
    madvise(t, len, MADV_HUGEPAGE);
#endif
    return (map_slot *)t;
}

static void table_free(map_slot *slots, size_t cap)
{
    size_t bytes = cap * sizeof(map_slot);
    if (!slots) return;
    if (mapped(bytes))
        munmap(slots, (bytes + HUGE_TABLE - 1) & ~(HUGE_TABLE - 1));
    else
        free(slots);
}

/* Eight bytes at a time, then a full avalanche (murmur3's finaliser): ids are
 * short, so a byte-at-a-time hash would be a chain of ten dependent multiplies per
 * lookup, and the state looks ids up several times an event. The avalanche keeps
 * sequential ids (P-000001, P-000002 ...) well spread in the low bits. */
uint64_t map_hash(const char *k, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n, w;
    for (; n >= 8; k += 8, n -= 8) {
        memcpy(&w, k, 8);
        h = (h ^ w) * 0xc6a4a7935bd1e995ull;
        h ^= h >> 47;
    }
    w = 0;
    memcpy(&w, k, n);
    h = (h ^ w) * 0xc6a4a7935bd1e995ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
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
    map_slot *slots = table_alloc(cap);
    if (!slots) return HB_EINTERNAL;
    map old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slots[i].key)
            m->slots[find(m, old.slots[i].key, old.slots[i].klen, old.slots[i].hash)] =
                old.slots[i];
    }
    table_free(old.slots, old.cap);
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
    table_free(m->slots, m->cap);
    m->slots = NULL;
    m->cap = m->n = 0;
}
