/* undo: the transaction log. Between state_begin and state_commit every change
 * is recorded (old bytes of fields, a map insertion, a new pool element), and
 * state_rollback replays the records backwards. Vectors that grew keep their new
 * buffer: only their lengths are restored, so no stale pointer is ever put back. */
#include "state/state_internal.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int undo_reserve(state *s, size_t entries)
{
    if (!s->in_txn || s->cap_undo - s->n_undo >= entries) return 0;
    size_t cap = s->cap_undo ? s->cap_undo : 256;
    while (cap - s->n_undo < entries)
        cap *= 2;
    undo_entry *v = realloc(s->undo, cap * sizeof *v);
    if (!v) return HB_EINTERNAL;
    s->undo = v;
    s->cap_undo = cap;
    return 0;
}

void undo_push(state *s, const undo_entry *e)
{
    if (s->n_undo == s->cap_undo && undo_reserve(s, 1)) {
        s->undo_lost = true;
        return;
    }
    s->undo[s->n_undo++] = *e;
}

void undo_free(state *s)
{
    free(s->undo);
    s->undo = NULL;
    s->n_undo = s->cap_undo = 0;
}

void st_save(state *s, void *p, size_t n)
{
    if (!s->in_txn) return;
    for (size_t off = 0; off < n; off += 8) {
        size_t k = n - off < 8 ? n - off : 8;
        undo_entry e = {.p = (char *)p + off, .kind = UNDO_BYTES, .size = (uint8_t)k};
        memcpy(&e.u.old, (char *)p + off, k);
        undo_push(s, &e);
    }
}

void st_save_elem(state *s, void *const *vec, size_t off, size_t n)
{
    if (!s->in_txn) return;
    for (size_t o = 0; o < n; o += 8) {
        size_t k = n - o < 8 ? n - o : 8;
        undo_entry e = {.p = (void *)vec,
                        .klen = (uint32_t)(off + o),
                        .kind = UNDO_VEC_BYTES,
                        .size = (uint8_t)k};
        memcpy(&e.u.old, (char *)*vec + off + o, k);
        undo_push(s, &e);
    }
}

/* From the first byte of field a to the last byte of field b, both in *x. */
#define SAVE_RUN(s, x, a, b)                                                                       \
    st_save((s), &(x)->a,                                                                          \
            offsetof(__typeof__(*(x)), b) + sizeof((x)->b) - offsetof(__typeof__(*(x)), a))

/* Every field apply may change, and no vector pointer or capacity. */
static void snapshot(state *s, ent_kind kind, void *e)
{
    switch (kind) {
    case ENT_PERSON: {
        st_person *p = e;
        /* custody, place, basis, since, the stay and the occupant links */
        SAVE_RUN(s, p, custody, unit_prev);
        SAVE_RUN(s, p, n_status, n_allegation);
        st_save(s, &p->history.n, sizeof p->history.n);
        break;
    }
    case ENT_FACILITY: {
        st_facility *f = e;
        st_save(s, &f->n_units, sizeof f->n_units);
        SAVE_RUN(s, f, held, first_held);
        st_save(s, &f->history.n, sizeof f->history.n);
        break;
    }
    case ENT_UNIT: {
        st_unit *u = e;
        SAVE_RUN(s, u, kind, certified_seq); /* held and first_held included */
        break;
    }
    case ENT_AGREEMENT: {
        st_agreement *a = e;
        SAVE_RUN(s, a, held_now, open_first_days);
        st_save(s, &a->history.n, sizeof a->history.n);
        break;
    }
    case ENT_HOLD: {
        st_hold *h = e;
        SAVE_RUN(s, h, lifted_seq, lifted_us);
        break;
    }
    case ENT_TRANSFER: {
        st_transfer *t = e;
        st_save(s, &t->n_persons, sizeof t->n_persons);
        st_save(s, &t->history.n, sizeof t->history.n);
        break;
    }
    }
}

static pool *pool_of(state *s, ent_kind kind)
{
    switch (kind) {
    case ENT_PERSON:
        return &s->persons;
    case ENT_FACILITY:
        return &s->facilities;
    case ENT_UNIT:
        return &s->units;
    case ENT_AGREEMENT:
        return &s->agreements;
    case ENT_HOLD:
        return &s->holds;
    default:
        return &s->transfers;
    }
}

void st_touch(state *s, ent_kind kind, uint32_t idx)
{
    if (st_fresh(s, kind, idx)) return;
    pool *p = pool_of(s, kind);
    uint32_t *stamp = pool_stamp(p, idx); /* NULL: snapshot on every touch instead */
    if (stamp) {
        if (*stamp == s->txn_id) return;
        *stamp = s->txn_id;
    }
    snapshot(s, kind, pool_at(p, idx));
}

/* Transactions do not nest: a begin inside one keeps the running one. */
void state_begin(state *s)
{
    if (s->in_txn) return;
    s->in_txn = true;
    s->undo_lost = false;
    s->txn_last_saved = false;
    s->n_undo = 0;
    if (++s->txn_id == 0) { /* wrapped: old stamps could match again */
        for (int k = ENT_PERSON; k <= ENT_TRANSFER; k++) {
            pool *p = pool_of(s, (ent_kind)k);
            for (uint32_t c = 0; c < p->n_chunks; c++)
                if (p->stamps && p->stamps[c]) memset(p->stamps[c], 0, POOL_CHUNK * 4);
        }
        s->txn_id = 1;
    }
    for (int k = ENT_PERSON; k <= ENT_TRANSFER; k++)
        s->txn_mark[k] = pool_of(s, (ent_kind)k)->n;
}

/* A large batch's log is not kept around once committed. */
static void undo_trim(state *s)
{
    s->n_undo = 0;
    if (s->cap_undo > 4096) undo_free(s);
}

void state_commit(state *s)
{
    s->in_txn = false;
    undo_trim(s);
}

static void undo_one(state *s, const undo_entry *e)
{
    switch (e->kind) {
    case UNDO_BYTES:
        memcpy(e->p, &e->u.old, e->size);
        break;
    case UNDO_VEC_BYTES:
        memcpy(*(char **)e->p + e->klen, &e->u.old, e->size);
        break;
    case UNDO_MAP_INSERT:
        map_del(e->p, e->u.key, e->klen);
        break;
    case UNDO_POOL_PUSH: {
        pool *p = e->p;
        st_entity_release(s, p->kind, pool_at(p, p->n - 1));
        p->n--;
        break;
    }
    }
}

void state_rollback(state *s)
{
    for (size_t i = s->n_undo; i-- > 0;)
        undo_one(s, &s->undo[i]);
    s->in_txn = false;
    undo_trim(s);
}
