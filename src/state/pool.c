/* pool: stable-address storage for entities. Chunks are kept pieces of the state's
 * memory (mem.c), never moved or freed before the state is, so pointers handed out
 * by lookups stay valid as pools grow. */
#include "state/state_internal.h"
#include <stdlib.h>
#include <string.h>

void pool_init(pool *p, uint32_t elem, ent_kind kind, st_mem *mem)
{
    memset(p, 0, sizeof *p);
    p->elem = elem;
    p->kind = kind;
    p->mem = mem;
}

void *pool_push(pool *p, uint32_t *idx)
{
    if (p->n == ST_NONE - 1) return NULL; /* indexes must stay below ST_NONE */
    uint32_t c = p->n >> POOL_SHIFT;
    if (c == p->n_chunks) {
        if (p->n_chunks == p->cap_chunks) {
            uint32_t cap = p->cap_chunks ? p->cap_chunks * 2 : 4;
            unsigned char **v = realloc(p->chunks, cap * sizeof *v);
            if (!v) return NULL;
            p->chunks = v;
            if (p->stamps) {
                uint32_t **st = realloc(p->stamps, cap * sizeof *st);
                if (!st) return NULL;
                memset(st + p->cap_chunks, 0, (cap - p->cap_chunks) * sizeof *st);
                p->stamps = st;
            }
            p->cap_chunks = cap;
        }
        unsigned char *chunk = st_mem_keep(p->mem, (size_t)POOL_CHUNK * p->elem);
        if (!chunk) return NULL;
        p->chunks[p->n_chunks++] = chunk;
    }
    *idx = p->n++;
    void *e = pool_at(p, *idx);
    memset(e, 0, p->elem);
    return e;
}

/* Stamps are only needed by transactions, so they are allocated on first use. */
uint32_t *pool_stamp(pool *p, uint32_t i)
{
    if (!p->stamps) {
        p->stamps = calloc(p->cap_chunks, sizeof *p->stamps);
        if (!p->stamps) return NULL;
    }
    uint32_t c = i >> POOL_SHIFT;
    if (!p->stamps[c]) {
        p->stamps[c] = calloc(POOL_CHUNK, sizeof **p->stamps);
        if (!p->stamps[c]) return NULL;
    }
    return &p->stamps[c][i & POOL_MASK];
}

void pool_free(pool *p)
{
    for (uint32_t i = 0; p->stamps && i < p->n_chunks; i++)
        free(p->stamps[i]); /* the chunks go with the state's memory */
    free(p->chunks);
    free(p->stamps);
    p->chunks = NULL;
    p->stamps = NULL;
    p->n = p->n_chunks = p->cap_chunks = 0;
}

/* Without the chunks: they are counted with the state's memory. */
size_t pool_bytes(const pool *p)
{
    size_t n = (size_t)p->cap_chunks * sizeof(void *);
    if (p->stamps) {
        n += (size_t)p->cap_chunks * sizeof(void *);
        for (uint32_t c = 0; c < p->n_chunks; c++)
            if (p->stamps[c]) n += POOL_CHUNK * sizeof(uint32_t);
    }
    return n;
}
