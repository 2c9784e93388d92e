/* findings_index: the set's record of each person, unit and facility, and the
 * way from an entity to its pool index. The state keeps entities at stable
 * addresses but offers no index lookup, so the set learns, as each entity
 * appears, whether it lies right after the previous one in memory (extending a
 * run) or starts a new run; a lookup is a binary search over the runs by address.
 * Nothing is assumed about how the state lays entities out: a state that put
 * every entity apart would give one run each, slower and still right. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "rules/findings_internal.h"
#include "util/hbtime.h"

static size_t elem_size(fnd_kind k)
{
    return k == FK_PERSON ? sizeof(st_person)
           : k == FK_UNIT ? sizeof(st_unit)
                          : sizeof(st_facility);
}

/* The last run whose base is at or below a, or -1. */
static ptrdiff_t run_below(const fnd_runs *r, uintptr_t a)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->runs[r->by_addr[mid]].base <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (ptrdiff_t)lo - 1;
}

static int runs_learn(fnd_runs *r, size_t elem, uint32_t i, uintptr_t a)
{
    fnd_run *last = r->n ? &r->runs[r->n - 1] : NULL;
    if (last && last->first + last->n == i && last->base + (uintptr_t)last->n * elem == a) {
        last->n++;
        return 0;
    }
    size_t c1 = r->cap, c2 = r->cap;
    if (fnd_grow((void **)&r->runs, &c1, r->n + 1, sizeof *r->runs) ||
        fnd_grow((void **)&r->by_addr, &c2, r->n + 1, sizeof *r->by_addr))
        return HB_EINTERNAL;
    r->cap = c1;
    r->runs[r->n] = (fnd_run){a, i, 1};
    size_t at = (size_t)(run_below(r, a) + 1);
    memmove(&r->by_addr[at + 1], &r->by_addr[at], (r->n - at) * sizeof *r->by_addr);
    r->by_addr[at] = (uint32_t)r->n++;
    return 0;
}

/* Forget indexes from known on (a rollback): runs are in index order. */
static void runs_forget(fnd_runs *r, uint32_t known)
{
    while (r->n && r->runs[r->n - 1].first >= known) {
        uint32_t gone = (uint32_t)--r->n;
        size_t k = 0;
        while (r->by_addr[k] != gone)
            k++;
        memmove(&r->by_addr[k], &r->by_addr[k + 1], (r->n - k) * sizeof *r->by_addr);
    }
    fnd_run *last = r->n ? &r->runs[r->n - 1] : NULL;
    if (last && last->first + last->n > known) last->n = known - last->first;
}

uint32_t fnd_index_of(const findings *f, fnd_kind k, const void *entity)
{
    const fnd_runs *r = &f->index[k];
    uintptr_t a = (uintptr_t)entity;
    ptrdiff_t j = entity ? run_below(r, a) : -1;
    if (j < 0) return ST_NONE;
    const fnd_run *run = &r->runs[r->by_addr[j]];
    size_t elem = elem_size(k), off = (size_t)(a - run->base);
    if (off % elem || off / elem >= run->n) return ST_NONE;
    return run->first + (uint32_t)(off / elem);
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
        f->persons[i] = (fnd_person){
            {ST_NONE, ST_NONE, ST_NONE, ST_NONE}, {HB_DATE_ABSENT, HB_DATE_ABSENT}, FND_NO_CLOCK};
    } else if (k == FK_UNIT) {
        f->units[i] = (fnd_unit){{ST_NONE, ST_NONE, ST_NONE}, NAN, 0};
        f->stamps[k][i] = 0;
    } else {
        const st_facility *fa = state_facility_at(s, i);
        f->facs[i] = (fnd_facility){ST_NONE, fnd_facility_capacity(s, fa), NAN, 0};
        f->stamps[k][i] = 0;
    }
}

static const void *entity_at(const state *s, fnd_kind k, uint32_t i)
{
    if (k == FK_PERSON) return state_person_at(s, i);
    if (k == FK_UNIT) return state_unit_at(s, i);
    return state_facility_at(s, i);
}

static size_t record_size(fnd_kind k)
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

/* Room for n entities of kind k in its per-entity arrays. */
static int reserve(findings *f, fnd_kind k, uint32_t n)
{
    if (n <= f->cap_ent[k]) return 0;
    size_t c1 = f->cap_ent[k], c2 = f->cap_ent[k];
    if (fnd_grow(records(f, k), &c1, n, record_size(k))) return HB_EINTERNAL;
    if (k != FK_PERSON && fnd_grow((void **)&f->stamps[k], &c2, n, sizeof(uint32_t)))
        return HB_EINTERNAL;
    f->cap_ent[k] = (uint32_t)c1; /* both grew from the same capacity by the same rule */
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
            uintptr_t a = (uintptr_t)entity_at(s, (fnd_kind)k, i);
            if (runs_learn(&f->index[k], elem_size((fnd_kind)k), i, a)) return HB_EINTERNAL;
            init_entity(f, s, (fnd_kind)k, i);
            f->known[k] = i + 1;
        }
    }
    return 0;
}

void fnd_forget_since(findings *f, const uint32_t known[FK__N])
{
    for (int k = 0; k < FK__N; k++) {
        if (known[k] >= f->known[k]) continue;
        runs_forget(&f->index[k], known[k]);
        f->known[k] = known[k];
    }
}

uint32_t fnd_person_idx(const findings *f, const state *s, hb_str id)
{
    return id.p ? fnd_index_of(f, FK_PERSON, state_person(s, id.p)) : ST_NONE;
}

uint32_t fnd_facility_idx(const findings *f, const state *s, hb_str id)
{
    return id.p ? fnd_index_of(f, FK_FACILITY, state_facility(s, id.p)) : ST_NONE;
}

uint32_t fnd_unit_idx(const findings *f, const state *s, uint32_t facility, hb_str id)
{
    if (!id.p || facility == ST_NONE) return ST_NONE;
    return fnd_index_of(f, FK_UNIT, state_unit(s, state_facility_at(s, facility), id.p));
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
    free(f->persons);
    free(f->units);
    free(f->facs);
    for (int k = 0; k < FK__N; k++) {
        free(f->index[k].runs);
        free(f->index[k].by_addr);
        free(f->stamps[k]);
        free(f->touched[k].v);
    }
}
