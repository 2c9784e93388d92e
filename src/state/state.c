/* state: lifecycle, lookups by id and by index, string interning, memory figures. */
#include "state/state_internal.h"
#include <stdlib.h>
#include <string.h>

/* Bytes of allocator bookkeeping per malloc'd block (glibc: 8-byte header, 16-byte
 * rounding), so state_memory counts what the process really pays. */
#define MALLOC_OVERHEAD 16

state *state_new(void)
{
    state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    pool_init(&s->persons, sizeof(st_person), ENT_PERSON, &s->mem);
    pool_init(&s->facilities, sizeof(st_facility), ENT_FACILITY, &s->mem);
    pool_init(&s->units, sizeof(st_unit), ENT_UNIT, &s->mem);
    pool_init(&s->agreements, sizeof(st_agreement), ENT_AGREEMENT, &s->mem);
    pool_init(&s->holds, sizeof(st_hold), ENT_HOLD, &s->mem);
    pool_init(&s->transfers, sizeof(st_transfer), ENT_TRANSFER, &s->mem);
    return s;
}

void st_entity_release(state *s, ent_kind kind, void *ent)
{
    switch (kind) {
    case ENT_PERSON: {
        st_person *p = ent;
        st_hvec_free(s, p->status, sizeof *p->status);
        st_hvec_free(s, p->conviction, sizeof *p->conviction);
        st_hvec_free(s, p->consent, sizeof *p->consent);
        st_seqs_free(s, &p->history);
        break;
    }
    case ENT_FACILITY: {
        st_facility *f = ent;
        st_vec_free(s, f->units, f->cap_units, sizeof *f->units);
        st_seqs_free(s, &f->history);
        break;
    }
    case ENT_AGREEMENT:
        st_seqs_free(s, &((st_agreement *)ent)->history);
        break;
    case ENT_TRANSFER: {
        st_transfer *t = ent;
        st_vec_free(s, t->persons, t->cap_persons, sizeof *t->persons);
        st_seqs_free(s, &t->history);
        break;
    }
    case ENT_UNIT:
    case ENT_HOLD:
        break; /* everything they point to is kept in the state's memory */
    }
}

static void release_pool(state *s, pool *p)
{
    for (uint32_t i = 0; i < p->n; i++)
        st_entity_release(s, p->kind, pool_at(p, i));
    pool_free(p);
}

void state_free(state *s)
{
    if (!s) return;
    pool *pools[] = {&s->persons,    &s->facilities, &s->units,
                     &s->agreements, &s->holds,      &s->transfers};
    map *maps[] = {&s->person_ids,    &s->facility_ids, &s->unit_ids,
                   &s->agreement_ids, &s->hold_ids,     &s->transfer_ids};
    for (size_t i = 0; i < 6; i++) {
        release_pool(s, pools[i]);
        map_free(maps[i]);
    }
    st_names_free(s);
    st_mem_free(&s->mem);
    undo_free(s);
    free(s);
}

void *st_pool_push(state *s, pool *p, uint32_t *idx)
{
    void *e = pool_push(p, idx);
    if (e && s->in_txn) undo_push(s, &(undo_entry){.kind = UNDO_POOL_PUSH, .p = p});
    return e;
}

int st_map_insert(state *s, map *m, const char *key, size_t klen, uint32_t val)
{
    if (map_put(m, key, klen, val)) return HB_EINTERNAL;
    if (s->in_txn) {
        undo_entry e = {.p = m, .u.key = key, .klen = (uint32_t)klen, .kind = UNDO_MAP_INSERT};
        undo_push(s, &e);
    }
    return 0;
}

int st_history(state *s, ent_kind kind, uint32_t idx, int64_t seq)
{
    if (idx == ST_NONE) return 0;
    st_seqs *h;
    switch (kind) {
    case ENT_PERSON:
        h = &st_person_mut(s, idx)->history;
        break;
    case ENT_FACILITY:
        h = &st_facility_mut(s, idx)->history;
        break;
    case ENT_AGREEMENT:
        h = &st_agreement_mut(s, idx)->history;
        break;
    case ENT_TRANSFER:
        h = &st_transfer_mut(s, idx)->history;
        break;
    default:
        return 0;
    }
    if (h->n && h->v[h->n - 1] == seq) return 0;
    st_touch(s, kind, idx);
    return st_seqs_push(s, h, seq, kind == ENT_PERSON ? PERSON_HISTORY_FIRST : HISTORY_FIRST);
}

const char *st_intern(state *s, hb_str str, bool *oom)
{
    if (!str.p) return NULL;
    char *p = st_keep(s, (size_t)str.n + 1);
    if (!p) {
        *oom = true;
        return NULL;
    }
    memcpy(p, str.p, str.n);
    p[str.n] = '\0';
    return p;
}

uint32_t st_find(const map *m, hb_str id)
{
    uint32_t v;
    if (!id.p || !map_get(m, id.p, id.n, &v)) return ST_NONE;
    return v;
}

static uint32_t find_unit(const state *s, const char *fac, size_t fn, const char *unit, size_t un)
{
    char small[256];
    size_t n = fn + 1 + un;
    char *k = n <= sizeof small ? small : malloc(n);
    if (!k) return ST_NONE;
    memcpy(k, fac, fn);
    k[fn] = '\0';
    memcpy(k + fn + 1, unit, un);
    uint32_t v;
    if (!map_get(&s->unit_ids, k, n, &v)) v = ST_NONE;
    if (k != small) free(k);
    return v;
}

uint32_t st_find_unit(const state *s, uint32_t facility, hb_str unit)
{
    if (facility == ST_NONE || !unit.p) return ST_NONE;
    const char *fid = st_facility_mut(s, facility)->id;
    return find_unit(s, fid, strlen(fid), unit.p, unit.n);
}

const char *st_unit_key(state *s, const char *facility, hb_str unit, size_t *klen)
{
    size_t fn = strlen(facility);
    char *k = st_keep(s, fn + 1 + unit.n + 1);
    if (!k) return NULL;
    memcpy(k, facility, fn + 1);
    memcpy(k + fn + 1, unit.p, unit.n);
    k[fn + 1 + unit.n] = '\0';
    *klen = fn + 1 + unit.n;
    return k;
}

uint32_t st_transfer_find(const st_transfer *t, uint32_t person)
{
    for (uint32_t i = 0; i < t->n_persons; i++)
        if (t->persons[i].person == person) return i;
    return ST_NONE;
}

static const void *lookup(const map *m, const pool *p, const char *id)
{
    uint32_t v;
    if (!id || !map_get(m, id, strlen(id), &v)) return NULL;
    return pool_at(p, v);
}

uint32_t state_person_index(const state *s, hb_str id)
{
    return st_find(&s->person_ids, id);
}
uint32_t state_facility_index(const state *s, hb_str id)
{
    return st_find(&s->facility_ids, id);
}
uint32_t state_unit_index(const state *s, uint32_t facility, hb_str unit_id)
{
    return st_find_unit(s, facility, unit_id);
}

const st_person *state_person(const state *s, const char *id)
{
    return lookup(&s->person_ids, &s->persons, id);
}
const st_facility *state_facility(const state *s, const char *id)
{
    return lookup(&s->facility_ids, &s->facilities, id);
}
const st_agreement *state_agreement(const state *s, const char *id)
{
    return lookup(&s->agreement_ids, &s->agreements, id);
}
const st_hold *state_hold(const state *s, const char *id)
{
    return lookup(&s->hold_ids, &s->holds, id);
}
const st_transfer *state_transfer(const state *s, const char *id)
{
    return lookup(&s->transfer_ids, &s->transfers, id);
}

const st_unit *state_unit(const state *s, const st_facility *f, const char *unit_id)
{
    if (!f || !unit_id) return NULL;
    uint32_t v = find_unit(s, f->id, strlen(f->id), unit_id, strlen(unit_id));
    return v == ST_NONE ? NULL : st_unit_mut(s, v);
}

size_t state_count_persons(const state *s)
{
    return s->persons.n;
}
size_t state_count_facilities(const state *s)
{
    return s->facilities.n;
}
size_t state_count_units(const state *s)
{
    return s->units.n;
}
size_t state_count_agreements(const state *s)
{
    return s->agreements.n;
}
size_t state_count_holds(const state *s)
{
    return s->holds.n;
}
size_t state_count_transfers(const state *s)
{
    return s->transfers.n;
}

static const void *at(const pool *p, uint32_t i)
{
    return i < p->n ? pool_at(p, i) : NULL;
}

const st_person *state_person_at(const state *s, uint32_t i)
{
    return at(&s->persons, i);
}
const st_facility *state_facility_at(const state *s, uint32_t i)
{
    return at(&s->facilities, i);
}
const st_unit *state_unit_at(const state *s, uint32_t i)
{
    return at(&s->units, i);
}
const st_agreement *state_agreement_at(const state *s, uint32_t i)
{
    return at(&s->agreements, i);
}
const st_hold *state_hold_at(const state *s, uint32_t i)
{
    return at(&s->holds, i);
}
const st_transfer *state_transfer_at(const state *s, uint32_t i)
{
    return at(&s->transfers, i);
}

int64_t state_last_seq(const state *s)
{
    return s->last_seq;
}

size_t state_memory(const state *s)
{
    const pool *pools[] = {&s->persons,    &s->facilities, &s->units,
                           &s->agreements, &s->holds,      &s->transfers};
    const map *maps[] = {&s->person_ids,    &s->facility_ids, &s->unit_ids,
                         &s->agreement_ids, &s->hold_ids,     &s->transfer_ids};
    size_t total = sizeof *s + MALLOC_OVERHEAD;
    for (size_t i = 0; i < 6; i++) {
        total += pool_bytes(pools[i]) + MALLOC_OVERHEAD;
        total += maps[i]->cap * sizeof(map_slot) + MALLOC_OVERHEAD;
    }
    /* Whole slabs, the newest one's free tail included: pool chunks, strings and
     * small vectors, given back pieces too. */
    total += s->mem.bytes;
    total += s->vec_bytes + s->vec_allocs * MALLOC_OVERHEAD;
    total += st_names_bytes(s) + MALLOC_OVERHEAD;
    total += s->cap_undo * sizeof(undo_entry);
    return total;
}
