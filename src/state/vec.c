/* vec: the growable arrays inside entities (histories, unit lists, status arrays).
 * Under a transaction only the length is saved (by st_touch, before the push): a
 * buffer that moved on growth is kept on rollback (the old one is already
 * given back), so lengths shrink back while capacity stays.
 *
 * Buffers up to MEM_MAX bytes are pieces of the state's memory (mem.c), sized to
 * fill their class; a larger one (a facility's history grows to megabytes) is
 * malloc'd, and realloc moves it cheaply. Whether a buffer is a piece or malloc'd
 * follows from its capacity, so nothing else is stored. */
#include "state/state_internal.h"
#include <stdlib.h>
#include <string.h>

static bool is_piece(size_t bytes)
{
    return bytes <= MEM_MAX;
}

void st_vec_free(state *s, void *v, uint32_t cap, size_t elem)
{
    if (!v) return;
    size_t bytes = (size_t)cap * elem;
    if (is_piece(bytes)) {
        st_mem_put(&s->mem, v, bytes);
        return;
    }
    s->vec_allocs--;
    s->vec_bytes -= bytes;
    free(v);
}

/* The capacity after cap: doubling within the classes, filling the class (so that
 * cap * elem finds the same class again: more than half of it), then by half. */
static size_t next_cap(size_t cap, size_t elem, uint32_t first)
{
    size_t want = cap ? cap * elem * 2 : (size_t)first * elem;
    if (cap * elem > MEM_MAX) want = cap * elem + cap * elem / 2;
    if (want < 2 * elem) want = 2 * elem;
    if (is_piece(want)) return st_mem_class(want) / elem;
    return want / elem;
}

int st_vec_room(state *s, void **v, uint32_t n, uint32_t *cap, size_t elem, uint32_t first)
{
    if (n < *cap) return 0;
    size_t c = next_cap(*cap, elem, first);
    if (c > UINT32_MAX) return HB_EINTERNAL;
    size_t old = (size_t)*cap * elem, bytes = c * elem;
    void *nv;
    if (!is_piece(old) && *v) {
        nv = realloc(*v, bytes);
        if (!nv) return HB_EINTERNAL;
        s->vec_bytes += bytes - old;
    } else {
        nv = is_piece(bytes) ? st_mem_get(&s->mem, bytes) : malloc(bytes);
        if (!nv) return HB_EINTERNAL;
        if (!is_piece(bytes)) {
            s->vec_allocs++;
            s->vec_bytes += bytes;
        }
        if (n) memcpy(nv, *v, (size_t)n * elem);
        st_vec_free(s, *v, *cap, elem);
    }
    *v = nv;
    *cap = (uint32_t)c;
    return 0;
}

int st_seqs_push(state *s, st_seqs *h, int64_t seq, uint32_t first)
{
    if (h->n && h->v[h->n - 1] == seq) return 0;
    if (st_vec_room(s, (void **)&h->v, h->n, &h->cap, sizeof *h->v, first)) return HB_EINTERNAL;
    h->v[h->n++] = seq;
    return 0;
}

void st_seqs_free(state *s, st_seqs *h)
{
    st_vec_free(s, h->v, h->cap, sizeof *h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

int st_u32_push(state *s, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x)
{
    if (st_vec_room(s, (void **)v, *n, cap, sizeof **v, 4)) return HB_EINTERNAL;
    (*v)[(*n)++] = x;
    return 0;
}

/* The hidden header (cap, then the buffer's bytes) keeps 8-byte alignment for the
 * elements (they hold int64s). */
#define HVEC_HDR 8

static uint32_t *hvec_hdr(const void *v)
{
    return (uint32_t *)((char *)(uintptr_t)v - HVEC_HDR);
}

void *st_hvec_slot(state *s, void **v, uint32_t n, size_t elem)
{
    uint32_t cap = *v ? hvec_hdr(*v)[0] : 0;
    if (n >= cap) {
        size_t old = *v ? hvec_hdr(*v)[1] : 0;
        size_t want = old ? 2 * old : HVEC_HDR + elem;
        size_t bytes = is_piece(want) ? st_mem_class(want) : want;
        if (bytes > UINT32_MAX) return NULL;
        char *nb = is_piece(bytes) ? st_mem_get(&s->mem, bytes) : malloc(bytes);
        if (!nb) return NULL;
        if (!is_piece(bytes)) {
            s->vec_allocs++;
            s->vec_bytes += bytes;
        }
        if (*v) memcpy(nb + HVEC_HDR, *v, (size_t)n * elem);
        st_hvec_free(s, *v, elem);
        *v = nb + HVEC_HDR; /* freed by st_hvec_free from the element pointer */
        hvec_hdr(*v)[0] = (uint32_t)((bytes - HVEC_HDR) / elem);
        hvec_hdr(*v)[1] = (uint32_t)bytes;
    }
    return (char *)*v + (size_t)n * elem;
}

void st_hvec_free(state *s, void *v, size_t elem)
{
    (void)elem;
    if (!v) return;
    size_t bytes = hvec_hdr(v)[1];
    char *base = (char *)v - HVEC_HDR;
    if (is_piece(bytes)) {
        st_mem_put(&s->mem, base, bytes);
        return;
    }
    s->vec_allocs--;
    s->vec_bytes -= bytes;
    free(base);
}
