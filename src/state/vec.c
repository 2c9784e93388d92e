/* vec: the growable arrays inside entities (histories, unit lists, status arrays).
 * Under a transaction only the length is saved (by st_touch, before the push): a
 * buffer that moved on growth is kept on rollback (the old one is already
 * freed), so lengths shrink back while capacity stays. */
#include "state/state_internal.h"
#include <stdlib.h>

/* Growth by 1.5: most entities have a handful of events, a facility millions. */
static uint32_t next_cap(uint32_t cap, uint32_t first)
{
    return cap ? cap + cap / 2 + 2 : first;
}

int st_seqs_push(state *s, st_seqs *h, int64_t seq)
{
    if (h->n && h->v[h->n - 1] == seq) return 0;
    if (h->n == h->cap) {
        uint32_t cap = next_cap(h->cap, 4);
        int64_t *v = realloc(h->v, (size_t)cap * sizeof *v);
        if (!v) return HB_EINTERNAL;
        if (!h->v) s->vec_allocs++;
        s->vec_bytes += (size_t)(cap - h->cap) * sizeof *v;
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = seq;
    return 0;
}

void st_seqs_free(state *s, st_seqs *h)
{
    if (h->v) {
        s->vec_allocs--;
        s->vec_bytes -= (size_t)h->cap * sizeof *h->v;
    }
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

int st_u32_push(state *s, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x)
{
    if (*n == *cap) {
        uint32_t c = next_cap(*cap, 4);
        uint32_t *nv = realloc(*v, (size_t)c * sizeof *nv);
        if (!nv) return HB_EINTERNAL;
        if (!*v) s->vec_allocs++;
        s->vec_bytes += (size_t)(c - *cap) * sizeof *nv;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = x;
    return 0;
}

/* The hidden header keeps 8-byte alignment for the elements (they hold int64s). */
#define HVEC_HDR 8

static uint32_t hvec_cap(const void *v)
{
    return v ? *(const uint32_t *)((const char *)v - HVEC_HDR) : 0;
}

void *st_hvec_slot(state *s, void **v, uint32_t n, size_t elem)
{
    uint32_t cap = hvec_cap(*v);
    if (n >= cap) {
        uint32_t c = cap ? cap * 2 : 1;
        char *base = *v ? (char *)*v - HVEC_HDR : NULL;
        char *nb = realloc(base, HVEC_HDR + (size_t)c * elem);
        if (!nb) return NULL;
        if (!base) {
            s->vec_allocs++;
            s->vec_bytes += HVEC_HDR;
        }
        s->vec_bytes += (size_t)(c - cap) * elem;
        *(uint32_t *)nb = c;
        *v = nb + HVEC_HDR; /* freed by st_hvec_free from the element pointer */
        // cppcheck-suppress memleak
    }
    return (char *)*v + (size_t)n * elem;
}

void st_hvec_free(state *s, void *v, size_t elem)
{
    if (!v) return;
    s->vec_allocs--;
    s->vec_bytes -= HVEC_HDR + (size_t)hvec_cap(v) * elem;
    free((char *)v - HVEC_HDR);
}
