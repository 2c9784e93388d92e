/* mem: where the projection's memory comes from.
 *
 * The projection is large (about 560 bytes a person), lives as long as the ledger
 * is open and grows by small pieces: a name, a vector of a few seqs. Taken from
 * malloc piece by piece it touches a new 4 KiB page every few events, and on the
 * virtual machines this runs on a page fault costs ~10 us: a tenth of a replay's
 * CPU time went there. So the state takes its memory in 2 MiB slabs that the
 * kernel may back with huge pages (one fault per slab, and fewer TLB misses on
 * lookups), handed out by a bump pointer. Pieces that live as long as the state
 * (pool chunks, strings) are kept; vector buffers come in power-of-two classes
 * whose pieces are reused once a vector outgrows them (a larger free piece is
 * split for a smaller class, but pieces are never merged, so a vector should not
 * step through many small classes). Under AddressSanitizer every piece is its own
 * malloc, so that overflows are still caught. */
#include "state/state_internal.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define MEM_PLAIN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEM_PLAIN 1
#endif
#endif

#define SLAB ((size_t)2 << 20)
#define MIN_CLASS ((size_t)16)
#define MALLOC_OVERHEAD 16
#define BIG (SLAB / 4) /* kept pieces above this get a block of their own */

/* Slabs and oversized pieces, chained for st_mem_free. */
struct mem_block {
    mem_block *next;
    size_t size; /* bytes mapped for a slab, 0 for a malloc'd block */
};
#define HEADER ((sizeof(mem_block) + 15) & ~(size_t)15)

static size_t class_of(size_t n)
{
    size_t c = 0, b = MIN_CLASS;
    while (b < n) {
        b <<= 1;
        c++;
    }
    return c;
}

size_t st_mem_class(size_t n)
{
    return MIN_CLASS << class_of(n);
}

#ifndef MEM_PLAIN
/* 2 MiB aligned, so that the kernel can back it with one huge page. */
static void *map_slab(void)
{
    unsigned char *p =
        mmap(NULL, 2 * SLAB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    uintptr_t a = ((uintptr_t)p + SLAB - 1) & ~(uintptr_t)(SLAB - 1);
    unsigned char *s = (unsigned char *)a;
    if (s > p) munmap(p, (size_t)(s - p));
    munmap(s + SLAB, (size_t)(p + 2 * SLAB - (s + SLAB)));
#ifdef MADV_HUGEPAGE
    madvise(s, SLAB, MADV_HUGEPAGE);
#endif
    return s;
}

/* What is left of the current slab goes to the free lists rather than to waste. */
static void carve_tail(st_mem *m)
{
    for (size_t c = MEM_CLASSES; c-- > 0;) {
        size_t size = MIN_CLASS << c;
        while ((size_t)(m->end - m->cur) >= size) {
            *(void **)m->cur = m->free[c];
            m->free[c] = m->cur;
            m->cur += size;
        }
    }
}

static void *bump(st_mem *m, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if ((size_t)(m->end - m->cur) < n) {
        unsigned char *s = map_slab();
        if (!s) return NULL;
        carve_tail(m);
        mem_block *b = (mem_block *)s;
        *b = (mem_block){m->blocks, SLAB};
        m->blocks = b;
        m->bytes += SLAB;
        m->cur = s + HEADER;
        m->end = s + SLAB;
    }
    void *p = m->cur;
    m->cur += n;
    return p;
}
#endif

/* A block of its own, freed with the state. */
static void *own_block(st_mem *m, size_t n)
{
    mem_block *b = malloc(HEADER + n);
    if (!b) return NULL;
    *b = (mem_block){m->blocks, 0};
    m->blocks = b;
    m->bytes += HEADER + n + MALLOC_OVERHEAD;
    return (unsigned char *)b + HEADER;
}

void *st_mem_keep(st_mem *m, size_t n)
{
#ifndef MEM_PLAIN
    if (n <= BIG) return bump(m, n);
#endif
    return own_block(m, n);
}

void *st_mem_get(st_mem *m, size_t n)
{
    size_t c = class_of(n);
#ifdef MEM_PLAIN
    void *p = malloc(MIN_CLASS << c);
    if (p) m->bytes += (MIN_CLASS << c) + MALLOC_OVERHEAD;
    return p;
#else
    size_t k = c;
    while (k < MEM_CLASSES && !m->free[k])
        k++;
    if (k == MEM_CLASSES) return bump(m, MIN_CLASS << c);
    unsigned char *p = m->free[k];
    m->free[k] = *(void **)p;
    while (k-- > c) { /* a larger piece: keep the first half, give back the second */
        unsigned char *half = p + (MIN_CLASS << k);
        *(void **)half = m->free[k];
        m->free[k] = half;
    }
    return p;
#endif
}

void st_mem_put(st_mem *m, void *p, size_t n)
{
    if (!p) return;
    size_t c = class_of(n);
#ifdef MEM_PLAIN
    m->bytes -= (MIN_CLASS << c) + MALLOC_OVERHEAD;
    free(p);
#else
    *(void **)p = m->free[c];
    m->free[c] = p;
#endif
}

void st_mem_free(st_mem *m)
{
    mem_block *b = m->blocks;
    while (b) {
        mem_block *next = b->next;
        if (b->size)
            munmap(b, b->size);
        else
            free(b);
        b = next;
    }
    memset(m, 0, sizeof *m);
}
