/* findings_index: the set's record of each person, unit and facility, indexed
 * like the state's pools (the state gives an entity's pool index by id). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "rules/findings_internal.h"
#include "util/hbtime.h"

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
            init_entity(f, s, (fnd_kind)k, i);
            f->known[k] = i + 1;
        }
    }
    return 0;
}

void fnd_forget_since(findings *f, const uint32_t known[FK__N])
{
    for (int k = 0; k < FK__N; k++) {
        if (known[k] < f->known[k]) f->known[k] = known[k];
    }
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
        free(f->stamps[k]);
        free(f->touched[k].v);
    }
}
