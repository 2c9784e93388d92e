/* findings_index: the set's record of each person, unit and facility, and the
 * way from an entity to its pool index. The state keeps entities at stable
 * addresses but offers no index lookup by id, so the set maps addresses to
 * indexes itself, learning each entity the first time it sees the state hold it
 * (cost O(1) per new entity). */
#include <math.h>
#include <stdlib.h>
#include "rules/findings_internal.h"

static size_t ptr_slot(const void *p, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & mask;
}

static int ptrmap_grow(fnd_ptrmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    const void **keys = calloc(cap, sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return HB_EINTERNAL;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = ptr_slot(m->keys[i], cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

static int ptrmap_put(fnd_ptrmap *m, const void *k, uint32_t v)
{
    if ((m->n + 1) * 2 > m->cap && ptrmap_grow(m)) return HB_EINTERNAL;
    size_t mask = m->cap - 1, i = ptr_slot(k, mask);
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & mask;
    if (!m->keys[i]) m->n++;
    m->keys[i] = k;
    m->vals[i] = v;
    return 0;
}

static void ptrmap_del(fnd_ptrmap *m, const void *k)
{
    if (!m->cap) return;
    size_t mask = m->cap - 1, i = ptr_slot(k, mask);
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & mask;
    if (!m->keys[i]) return;
    m->keys[i] = NULL;
    m->n--;
    /* Backward shift: pull later members of the run into the hole they may need. */
    for (size_t j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
        size_t home = ptr_slot(m->keys[j], mask);
        bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (!movable) continue;
        m->keys[i] = m->keys[j];
        m->vals[i] = m->vals[j];
        m->keys[j] = NULL;
        i = j;
    }
}

uint32_t fnd_index_of(const findings *f, const void *entity)
{
    const fnd_ptrmap *m = &f->index;
    if (!entity || !m->cap) return ST_NONE;
    size_t mask = m->cap - 1, i = ptr_slot(entity, mask);
    while (m->keys[i] && m->keys[i] != entity)
        i = (i + 1) & mask;
    return m->keys[i] ? m->vals[i] : ST_NONE;
}

int fnd_grow(void **v, size_t *cap, size_t n, size_t elem)
{
    if (n <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < n)
        c *= 2;
    void *p = realloc(*v, c * elem);
    if (!p) return HB_EINTERNAL;
    *v = p;
    *cap = c;
    return 0;
}

static void init_entity(findings *f, const state *s, fnd_kind k, uint32_t i)
{
    if (k == FK_PERSON) {
        f->persons[i] = (fnd_person){{ST_NONE, ST_NONE, ST_NONE, ST_NONE}, FND_NO_CLOCK};
    } else if (k == FK_UNIT) {
        f->units[i] = (fnd_unit){{ST_NONE, ST_NONE, ST_NONE}, NAN, 0};
    } else {
        const st_facility *fa = state_facility_at(s, i);
        f->facs[i] = (fnd_facility){ST_NONE, fnd_facility_capacity(s, fa), NAN, 0};
    }
}

static const void *entity_at(const state *s, fnd_kind k, uint32_t i)
{
    if (k == FK_PERSON) return state_person_at(s, i);
    if (k == FK_UNIT) return state_unit_at(s, i);
    return state_facility_at(s, i);
}

static size_t entity_size(fnd_kind k)
{
    return k == FK_PERSON ? sizeof(fnd_person)
           : k == FK_UNIT ? sizeof(fnd_unit)
                          : sizeof(fnd_facility);
}

static void **records(findings *f, fnd_kind k)
{
    return k == FK_PERSON ? (void **)&f->persons
           : k == FK_UNIT ? (void **)&f->units
                          : (void **)&f->facs;
}

/* Room for n entities of kind k in every per-entity array. */
static int reserve(findings *f, fnd_kind k, uint32_t n)
{
    if (n <= f->cap_ent[k]) return 0;
    size_t c1 = f->cap_ent[k], c2 = f->cap_ent[k], c3 = f->cap_ent[k];
    if (fnd_grow(records(f, k), &c1, n, entity_size(k)) ||
        fnd_grow((void **)&f->ptrs[k], &c2, n, sizeof(void *)) ||
        fnd_grow((void **)&f->stamps[k], &c3, n, sizeof(uint32_t)))
        return HB_EINTERNAL;
    for (size_t i = f->cap_ent[k]; i < c3; i++)
        f->stamps[k][i] = 0;
    /* The three grew from the same capacity by the same rule. */
    f->cap_ent[k] = (uint32_t)c1;
    return 0;
}

static size_t state_count(const state *s, fnd_kind k)
{
    return k == FK_PERSON ? state_count_persons(s)
           : k == FK_UNIT ? state_count_units(s)
                          : state_count_facilities(s);
}

int fnd_sync(findings *f, const state *s)
{
    for (int k = 0; k < FK__N; k++) {
        uint32_t n = (uint32_t)state_count(s, (fnd_kind)k);
        if (n <= f->known[k]) continue;
        if (reserve(f, (fnd_kind)k, n)) return HB_EINTERNAL;
        for (uint32_t i = f->known[k]; i < n; i++) {
            const void *e = entity_at(s, (fnd_kind)k, i);
            if (ptrmap_put(&f->index, e, i)) return HB_EINTERNAL;
            f->ptrs[k][i] = e;
            init_entity(f, s, (fnd_kind)k, i);
            f->known[k] = i + 1;
        }
    }
    return 0;
}

void fnd_forget_since(findings *f, const uint32_t known[FK__N])
{
    for (int k = 0; k < FK__N; k++) {
        for (uint32_t i = known[k]; i < f->known[k]; i++)
            ptrmap_del(&f->index, f->ptrs[k][i]);
        if (known[k] < f->known[k]) f->known[k] = known[k];
    }
}

uint32_t fnd_person_idx(const findings *f, const state *s, hb_str id)
{
    return id.p ? fnd_index_of(f, state_person(s, id.p)) : ST_NONE;
}

uint32_t fnd_facility_idx(const findings *f, const state *s, hb_str id)
{
    return id.p ? fnd_index_of(f, state_facility(s, id.p)) : ST_NONE;
}

uint32_t fnd_unit_idx(const findings *f, const state *s, uint32_t facility, hb_str id)
{
    if (!id.p || facility == ST_NONE) return ST_NONE;
    return fnd_index_of(f, state_unit(s, state_facility_at(s, facility), id.p));
}

fnd_person *fnd_person_mut(findings *f, uint32_t i)
{
    if (f->in_tx)
        fnd_undo_push(f, &(fnd_undo){.kind = FK_PERSON, .idx = i, .old.p = f->persons[i]});
    return &f->persons[i];
}

fnd_unit *fnd_unit_mut(findings *f, uint32_t i)
{
    if (f->in_tx) fnd_undo_push(f, &(fnd_undo){.kind = FK_UNIT, .idx = i, .old.u = f->units[i]});
    return &f->units[i];
}

fnd_facility *fnd_facility_mut(findings *f, uint32_t i)
{
    if (f->in_tx)
        fnd_undo_push(f, &(fnd_undo){.kind = FK_FACILITY, .idx = i, .old.fa = f->facs[i]});
    return &f->facs[i];
}

void fnd_index_free(findings *f)
{
    free(f->index.keys);
    free(f->index.vals);
    free(f->persons);
    free(f->units);
    free(f->facs);
    for (int k = 0; k < FK__N; k++) {
        free(f->ptrs[k]);
        free(f->stamps[k]);
        free(f->touched[k].v);
    }
}
