/* map: string key -> uint32 value, open addressing with linear probing.
 * Keys are NOT copied: the caller keeps each key alive (state interns them in its
 * arena) for as long as it is in the map. map_del uses backward-shift deletion,
 * so no tombstones accumulate (state's undo log deletes keys on rollback). */
#ifndef HB_MAP_H
#define HB_MAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *key;
    uint32_t klen;
    uint32_t val;
    uint64_t hash;
} map_slot;

typedef struct {
    map_slot *slots;
    size_t cap, n; /* cap is a power of two or 0 */
} map;

#define MAP_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }
uint64_t map_hash(const char *k, size_t n);
/* Returns 1 and sets *val when found, 0 otherwise. */
int map_get(const map *m, const char *k, size_t n, uint32_t *val);
/* Insert or overwrite. 0 ok, HB_EINTERNAL on out of memory. */
int map_put(map *m, const char *k, size_t n, uint32_t val);
/* Returns 1 if removed, 0 if absent. */
int map_del(map *m, const char *k, size_t n);
void map_free(map *m);
#endif
