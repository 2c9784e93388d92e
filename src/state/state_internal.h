/* state_internal: the state struct and the helpers shared by the src/state sources.
 *
 * Inside a transaction every change to the projection is recorded in the undo
 * log: new entities (st_pool_push), map insertions (st_map_insert), and changed
 * fields of existing entities (st_touch before the change); outside one (replay)
 * nothing is recorded. */
#ifndef HB_STATE_INTERNAL_H
#define HB_STATE_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "state/state.h"
#include "util/map.h"

/* Memory (mem.c): 2 MiB slabs, huge pages where the kernel allows, shared by the
 * pools, the strings and the small vectors of one state. Kept pieces live until
 * st_mem_free; vector pieces come in power-of-two classes of 16 bytes .. MEM_MAX
 * and go back to a free list of their class with st_mem_put. */
#define MEM_CLASSES 9
#define MEM_MAX ((size_t)16 << (MEM_CLASSES - 1)) /* 4 KiB: larger vectors use malloc */

typedef struct mem_block mem_block;
typedef struct {
    unsigned char *cur, *end; /* the free tail of the newest slab */
    mem_block *blocks;        /* slabs and oversized kept pieces, for st_mem_free */
    void *free[MEM_CLASSES];  /* vector pieces given back, by class */
    size_t bytes;             /* slabs and blocks held, for state_memory */
} st_mem;

/* n bytes, 8-aligned, until st_mem_free; NULL on out of memory. */
void *st_mem_keep(st_mem *m, size_t n);
/* The bytes of the class that holds n (n <= MEM_MAX). */
size_t st_mem_class(size_t n);
/* A piece of st_mem_class(n) bytes (n <= MEM_MAX), 8-aligned; NULL on out of memory.
 * Give it back with st_mem_put and any n of the same class. */
void *st_mem_get(st_mem *m, size_t n);
void st_mem_put(st_mem *m, void *p, size_t n);
void st_mem_free(st_mem *m);

/* Stable-address pool: fixed chunks of POOL_CHUNK elements, never moved. */
#define POOL_SHIFT 10
#define POOL_CHUNK (1u << POOL_SHIFT)
#define POOL_MASK (POOL_CHUNK - 1)

typedef enum { ENT_PERSON, ENT_FACILITY, ENT_UNIT, ENT_AGREEMENT, ENT_HOLD, ENT_TRANSFER } ent_kind;

typedef struct {
    unsigned char **chunks; /* malloc'd, each POOL_CHUNK * elem bytes */
    uint32_t **stamps;      /* per chunk, calloc'd on first touch: last txn that touched */
    uint32_t n, n_chunks, cap_chunks;
    uint32_t elem;
    ent_kind kind;
    st_mem *mem; /* where the chunks come from */
} pool;

static inline void *pool_at(const pool *p, uint32_t i)
{
    return p->chunks[i >> POOL_SHIFT] + (size_t)(i & POOL_MASK) * p->elem;
}
void pool_init(pool *p, uint32_t elem, ent_kind kind, st_mem *mem);
/* A zeroed new element and its index in *idx; NULL on out of memory. Not undoable
 * by itself: use st_pool_push. */
void *pool_push(pool *p, uint32_t *idx);
void pool_free(pool *p);
size_t pool_bytes(const pool *p);
/* The touch stamp of element i; NULL on out of memory. */
uint32_t *pool_stamp(pool *p, uint32_t i);

typedef enum { UNDO_BYTES, UNDO_VEC_BYTES, UNDO_MAP_INSERT, UNDO_POOL_PUSH } undo_kind;

typedef struct {
    void *p; /* UNDO_BYTES: the field; UNDO_VEC_BYTES: the vector's pointer field;
              * UNDO_MAP_INSERT: the map; UNDO_POOL_PUSH: the pool */
    union {
        uint64_t old;    /* UNDO_BYTES, UNDO_VEC_BYTES: the old bytes */
        const char *key; /* UNDO_MAP_INSERT */
    } u;
    uint32_t klen; /* UNDO_MAP_INSERT: key length; UNDO_VEC_BYTES: byte offset in the vector */
    uint8_t kind, size;
} undo_entry;

struct state {
    st_mem mem; /* pool chunks, strings (ids, names, interned event strings), small vectors */
    pool persons, facilities, units, agreements, holds, transfers;
    map person_ids, facility_ids, unit_ids, agreement_ids, hold_ids, transfer_ids;
    int64_t last_seq;
    size_t vec_bytes;  /* bytes in vectors larger than MEM_MAX (malloc'd) */
    size_t vec_allocs; /* such vectors alive, for the allocator overhead estimate */
    bool in_txn;
    bool undo_lost;       /* an undo entry could not be recorded (out of memory) */
    bool txn_last_saved;  /* last_seq's value at state_begin is in the log */
    uint32_t txn_mark[6]; /* pool sizes at state_begin, by ent_kind */
    uint32_t txn_id;      /* stamps entities touched in the current transaction */
    undo_entry *undo;
    size_t n_undo, cap_undo;
    /* The name index (names.c): the hash of "CC" kind token -> a key; a key of
     * two persons or more owns a list, a contiguous array of postings (oldest
     * first) whose capacity sits in a hidden header (st_hvec_slot). Under a
     * transaction the vector lengths are saved once, and a key's count and ref
     * each time an older key changes; arrays keep their buffers on rollback
     * (only counts go back), and the lists past n_name_lists keep theirs for the
     * next new list (made counts the slots ever filled, not undone). The hash
     * table is not undone: a slot whose key index is past n_name_keys, or whose
     * key has another hash, is stale and skipped. */
    st_name_slot *name_slots;            /* malloc'd, cap_name_slots (a power of two) */
    size_t cap_name_slots, n_name_slots; /* n: slots in use, stale ones included */
    st_name_key *name_keys;              /* by key index */
    st_name_post **name_lists;           /* by list index; each freed by st_hvec_free */
    uint32_t n_name_keys, cap_name_keys, n_name_lists, made_name_lists, cap_name_lists;
    /* Per person, the 64-bit hashes of their normalised tokens (names_token_hash:
     * family with kind 'f', given with 'g'), so the locator checks a candidate
     * without normalising their names again. Person pi's run is name_hashes
     * [name_offs[pi], name_offs[pi + 1] or n_name_hashes): registrations come in
     * person order, so a run ends where the next begins. Undone by length. */
    uint64_t *name_hashes;
    uint32_t *name_offs; /* by person index */
    uint32_t n_name_hashes, cap_name_hashes, n_name_offs, cap_name_offs;
    uint32_t names_txn;  /* txn_id whose lengths are saved */
    uint32_t names_mark; /* n_name_keys at that transaction's first registration */
};

/* Undo log (undo.c). Reserve before changing anything so that recording cannot
 * fail half-way through an event: st_touch needs at most UNDO_TOUCH entries. */
#define UNDO_TOUCH 12
/* At most for one person's change of place: touches of the person, of up to four
 * neighbours on the lists left and two heads on the lists joined (7 persons), two
 * facilities, two units and two agreements; rounded up. */
#define UNDO_MOVE (12 * UNDO_TOUCH)
int undo_reserve(state *s, size_t entries);
void undo_push(state *s, const undo_entry *e);
void undo_free(state *s);

/* Record the old bytes of a field (or a run of fields, in 8-byte pieces) before
 * overwriting them. Only for fields that can be restored as they were: never a
 * vector's pointer or capacity. */
void st_save(state *s, void *p, size_t n);
/* The same for n bytes at byte offset off in the vector *vec (an element): found
 * again through *vec at rollback, since the vector may grow and move later in the
 * transaction (saving the element's address would write into a freed buffer). */
void st_save_elem(state *s, void *const *vec, size_t off, size_t n);

/* Before changing an existing entity, touch it. The first touch in a transaction
 * records every mutable field of the entity (its scalars and its vector lengths);
 * later changes in the same transaction need no record, nor do changes to an
 * entity created in the transaction (rollback removes it whole), which keeps the
 * log of a large import small. Outside a transaction (replay) it is one test.
 * Transfer person entries are the exception: save them with st_save_elem. */
void st_touch(state *s, ent_kind kind, uint32_t idx);
static inline bool st_fresh(const state *s, ent_kind kind, uint32_t idx)
{
    return !s->in_txn || idx >= s->txn_mark[kind];
}

/* Entity creation and id maps (state.c). */
void *st_pool_push(state *s, pool *p, uint32_t *idx);
int st_map_insert(state *s, map *m, const char *key, size_t klen, uint32_t val);
/* Frees the malloc'd vectors of an entity (rollback of its creation, state_free). */
void st_entity_release(state *s, ent_kind kind, void *ent);

/* Strings (state.c). NULL stays NULL; NULL on out of memory otherwise sets *oom. */
const char *st_intern(state *s, hb_str str, bool *oom);
/* n bytes that live as long as the state (arrays copied from events). */
static inline void *st_keep(state *s, size_t n)
{
    return st_mem_keep(&s->mem, n);
}

/* Lookups by hb_str id (state.c); ST_NONE when absent. */
uint32_t st_find(const map *m, hb_str id);
uint32_t st_find_unit(const state *s, uint32_t facility, hb_str unit);
/* Interns "facility\0unit" as the unit map key; the unit id is key + strlen(facility) + 1. */
const char *st_unit_key(state *s, const char *facility, hb_str unit, size_t *klen);

static inline st_person *st_person_mut(const state *s, uint32_t i)
{
    return pool_at(&s->persons, i);
}
static inline st_facility *st_facility_mut(const state *s, uint32_t i)
{
    return pool_at(&s->facilities, i);
}
static inline st_unit *st_unit_mut(const state *s, uint32_t i)
{
    return pool_at(&s->units, i);
}
static inline st_agreement *st_agreement_mut(const state *s, uint32_t i)
{
    return pool_at(&s->agreements, i);
}
static inline st_hold *st_hold_mut(const state *s, uint32_t i)
{
    return pool_at(&s->holds, i);
}
static inline st_transfer *st_transfer_mut(const state *s, uint32_t i)
{
    return pool_at(&s->transfers, i);
}

/* Appends seq to the history of entity idx of a kind that has one (person,
 * facility, agreement, transfer); ST_NONE is ignored. 0 or HB_EINTERNAL. */
int st_history(state *s, ent_kind kind, uint32_t idx, int64_t seq);

/* Vectors (vec.c), of an entity already touched. Growth keeps the new buffer on
 * rollback: only lengths are restored (by the touch). 0 or HB_EINTERNAL. */
/* No-op when seq is already last. first: the capacity a new history starts with. */
int st_seqs_push(state *s, st_seqs *h, int64_t seq, uint32_t first);
/* A person's history starts at 16 seqs (128 bytes): one piece for most persons,
 * where growing 4, 8, 16 would leave two outgrown pieces each behind. */
#define PERSON_HISTORY_FIRST 16
#define HISTORY_FIRST 4
int st_u32_push(state *s, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x);
/* Room for one more element in *v (n in use, *cap allocated, elem bytes each):
 * first elements at first, then the capacity doubles (by half past MEM_MAX). */
int st_vec_room(state *s, void **v, uint32_t n, uint32_t *cap, size_t elem, uint32_t first);
void st_vec_free(state *s, void *v, uint32_t cap, size_t elem);
/* Arrays whose capacity lives in a hidden header before element 0 (the public
 * structs keep only a count). Returns the slot for element n, or NULL on OOM. */
void *st_hvec_slot(state *s, void **v, uint32_t n, size_t elem);
void st_hvec_free(state *s, void *v, size_t elem);
void st_seqs_free(state *s, st_seqs *h);

/* The name index (names.c): files person pi under each token of their family
 * and given names. 0 or HB_EINTERNAL. Call after the person is created. */
int st_names_add(state *s, uint32_t pi);
void st_names_free(state *s);
size_t st_names_bytes(const state *s); /* the map (the vectors count as vectors) */

/* Transfer persons: position of a person on a transfer, or ST_NONE. */
uint32_t st_transfer_find(const st_transfer *t, uint32_t person);

/* Per-event-type application (apply_*.c). 0 or HB_EINTERNAL. */
int apply_facility(state *s, int64_t seq, const event *ev);
int apply_unit(state *s, int64_t seq, const event *ev);
int apply_agreement(state *s, int64_t seq, const event *ev);
int apply_person(state *s, int64_t seq, const event *ev);
int apply_person_record(state *s, int64_t seq, const event *ev); /* status ... work */
int apply_hold(state *s, int64_t seq, const event *ev);
int apply_facility_record(state *s, int64_t seq, const event *ev); /* count, condition */
int apply_custody(state *s, int64_t seq, const event *ev);
int apply_transfer(state *s, int64_t seq, const event *ev);
/* Occupancy (occupancy.c): the held counters and occupant lists of person pi's
 * facility and unit. Call leave before changing a person's custody or place and
 * enter after; both do nothing unless the person is CUST_HELD. */
void st_occupancy_leave(state *s, uint32_t pi);
void st_occupancy_enter(state *s, uint32_t pi);
/* Agreement stays (stays.c), after the person's new custody and place are set;
 * day is the UTC date of the event. End: release, death, departure. Admitted:
 * with basis b. Moved / arrived: from the facility held at before (ST_NONE when
 * not held); arrived on a transfer under agreement (ST_NONE: none). */
void st_stay_end(state *s, uint32_t pi, int32_t day);
void st_stay_admitted(state *s, uint32_t pi, const ev_basis *b, int32_t day);
void st_stay_moved(state *s, uint32_t pi, uint32_t from, int32_t day);
void st_stay_arrived(state *s, uint32_t pi, uint32_t agreement, uint32_t from, int32_t day);
/* Sets person pi's custody fields (not the basis). */
void st_set_custody(state *s, uint32_t pi, custody_state c, uint32_t facility, uint32_t unit,
                    uint32_t transfer, int64_t seq, int64_t at_us);

/* Checks (check*.c). A check context collects problems; bad counts them. */
typedef struct {
    const state *s;
    const event *ev;
    hb_errlist *errs;
    const char *where;
    int bad;
} chk;
/* Adds "where: <type>.<field>: msg". */
void chk_fail(chk *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "field[i]" into out. */
const char *chk_idx(char out[64], const char *field, int32_t i);
/* Each returns the entity index, or ST_NONE after reporting that it does not exist. */
uint32_t chk_person(chk *c, hb_str id, const char *field);
uint32_t chk_facility(chk *c, hb_str id, const char *field);
uint32_t chk_unit(chk *c, uint32_t facility, hb_str unit, const char *field);
uint32_t chk_transfer(chk *c, hb_str id, const char *field);
/* Where a person is, for messages: `held at "F-1" unit "C-2" since seq 14`. */
void chk_describe_custody(const state *s, const st_person *p, char *out, size_t n);
void check_custody(chk *c);
void check_transfer_step(chk *c);

/* Index of the persons on a transfer, for steps naming many persons (a linear scan
 * for small transfers, a temporary map by person id for large ones). */
typedef struct {
    map m;
    bool on;
} tp_index;
void tp_index_init(tp_index *x, const state *s, const st_transfer *t, size_t lookups);
uint32_t tp_index_find(const tp_index *x, const state *s, const st_transfer *t, uint32_t person);
void tp_index_add(tp_index *x, const state *s, uint32_t person, uint32_t pos);
void tp_index_free(tp_index *x);
#endif
