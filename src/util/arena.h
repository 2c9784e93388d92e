/* arena: bump allocator for many small objects that die together.
 * Contract: arena_alloc never returns NULL (aborts the process on OOM is NOT done:
 * it returns NULL and the caller reports HB_EINTERNAL). Memory is freed only by
 * arena_reset (keeps the first block for reuse) or arena_free. */
#ifndef HB_ARENA_H
#define HB_ARENA_H
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct {
    arena_block *head; /* newest block */
    size_t block_size; /* minimum size of new blocks */
    size_t used_total; /* bytes handed out, for memory accounting */
} arena;

void arena_init(arena *a, size_t block_size);
/* 8-byte aligned, uninitialised. NULL only on out of memory. */
void *arena_alloc(arena *a, size_t n);
void *arena_zalloc(arena *a, size_t n);
/* Copy n bytes and add a NUL; NULL on out of memory. */
char *arena_strndup(arena *a, const char *s, size_t n);
void arena_reset(arena *a);
void arena_free(arena *a);
#endif
