/* names: the name index (state.h). Keys are the 64-bit hash of "CC" + kind +
 * token (no token text is kept: 8-byte slots, 16-byte keys), found through an
 * open-addressing table. A key of one person holds that person itself (most
 * pairs and rare words: no list to pay for); from the second person on, the
 * key owns a contiguous array of postings, so the locator scans memory in
 * order instead of chasing a chain (one cache miss per posting). Filing a
 * person is an append per key, and a rollback only has to shorten the vectors
 * and put back the counts and refs of keys that existed before the
 * transaction: the slots of keys it drops turn stale by themselves, and the
 * lists it made stay for reuse (state_internal.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "model/names.h"
#include "state/state_internal.h"

/* st_vec_room, first elements at 64. */
static int room(state *s, void **v, uint32_t n, uint32_t *cap, size_t elem)
{
    return st_vec_room(s, v, n, cap, elem, 64);
}

/* "CC" kind family-token NUL given-token, the longest key (a pair). */
#define KEY_MAX (4 + 2 * ST_NAME_TOKEN_MAX)

static size_t make_key(char out[KEY_MAX], const char cc[3], char kind, const char *tok, size_t n)
{
    out[0] = cc[0];
    out[1] = cc[1];
    out[2] = kind;
    memcpy(out + 3, tok, n);
    return 3 + n;
}

/* Once per transaction: the vector lengths, and which keys are older than it. */
static void save_lengths(state *s)
{
    if (!s->in_txn || s->names_txn == s->txn_id) return;
    s->names_txn = s->txn_id;
    s->names_mark = s->n_name_keys;
    st_save(s, &s->n_name_keys, sizeof s->n_name_keys);
    st_save(s, &s->n_name_lists, sizeof s->n_name_lists);
    st_save(s, &s->n_name_hashes, sizeof s->n_name_hashes);
    st_save(s, &s->n_name_offs, sizeof s->n_name_offs);
}

static bool live(const state *s, const st_name_slot *sl, uint64_t h)
{
    return sl->key && sl->tag == (uint32_t)(h >> 32) && sl->key - 1 < s->n_name_keys &&
           s->name_keys[sl->key - 1].hash == h;
}

/* The key index for hash h, or ST_NONE; *free_slot gets the first slot an
 * insertion may take (empty or stale). Stale slots do not end the probe. */
static uint32_t probe(const state *s, uint64_t h, size_t *free_slot)
{
    size_t mask = s->cap_name_slots - 1, have = SIZE_MAX;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const st_name_slot *sl = &s->name_slots[i];
        if (live(s, sl, h)) return sl->key - 1;
        bool stale = sl->key && (sl->key - 1 >= s->n_name_keys ||
                                 s->name_keys[sl->key - 1].hash >> 32 != sl->tag);
        if (have == SIZE_MAX && (!sl->key || stale)) have = i;
        if (!sl->key) break;
    }
    *free_slot = have;
    return ST_NONE;
}

/* Doubles the table (or makes the first), leaving stale slots behind. */
static int grow(state *s)
{
    size_t cap = s->cap_name_slots ? s->cap_name_slots * 2 : 1024;
    st_name_slot *v = calloc(cap, sizeof *v), *old = s->name_slots;
    if (!v) return HB_EINTERNAL;
    size_t n = 0;
    for (size_t i = 0; i < s->cap_name_slots; i++) {
        const st_name_slot *sl = &old[i];
        if (!sl->key || sl->key - 1 >= s->n_name_keys) continue;
        uint64_t h = s->name_keys[sl->key - 1].hash;
        if (!live(s, sl, h)) continue;
        size_t j = (size_t)h & (cap - 1);
        while (v[j].key)
            j = (j + 1) & (cap - 1);
        v[j] = *sl;
        n++;
    }
    free(old);
    s->name_slots = v;
    s->cap_name_slots = cap;
    s->n_name_slots = n;
    return 0;
}

static uint32_t key_for(state *s, const char *k, size_t kn)
{
    if ((s->n_name_slots + 1) * 4 > s->cap_name_slots * 3 && grow(s)) return ST_NONE;
    uint64_t h = map_hash(k, kn);
    size_t slot;
    uint32_t ki = probe(s, h, &slot);
    if (ki != ST_NONE) {
        if (s->in_txn && ki < s->names_mark)
            st_save_elem(s, (void *const *)&s->name_keys, (size_t)ki * sizeof(st_name_key),
                         sizeof(st_name_key));
        return ki;
    }
    if (room(s, (void **)&s->name_keys, s->n_name_keys, &s->cap_name_keys, sizeof(st_name_key)))
        return ST_NONE;
    ki = s->n_name_keys++;
    s->name_keys[ki] = (st_name_key){h, 0, ST_NONE};
    if (!s->name_slots[slot].key) s->n_name_slots++;
    s->name_slots[slot] = (st_name_slot){ki + 1, (uint32_t)(h >> 32)};
    return ki;
}

/* A list index whose array is empty; one made before and given back by a
 * rollback keeps its buffer. ST_NONE on out of memory. */
static uint32_t new_list(state *s)
{
    if (s->n_name_lists == s->made_name_lists) {
        if (room(s, (void **)&s->name_lists, s->made_name_lists, &s->cap_name_lists,
                 sizeof *s->name_lists))
            return ST_NONE;
        s->name_lists[s->made_name_lists++] = NULL;
    }
    return s->n_name_lists++;
}

/* The ORed filter of person pi's token hashes. */
static uint32_t person_bloom(const state *s, uint32_t pi)
{
    size_t n;
    const uint64_t *h = state_name_hashes(s, pi, &n);
    uint32_t b = 0;
    for (size_t i = 0; i < n; i++)
        b |= state_name_bloom(h[i]);
    return b;
}

static int append(state *s, uint32_t li, uint32_t at, st_name_post p)
{
    st_name_post *slot = st_hvec_slot(s, (void **)&s->name_lists[li], at, sizeof p);
    if (!slot) return HB_EINTERNAL;
    *slot = p;
    return 0;
}

/* The key's one person moves into a new list, before the second is added. */
static int make_list(state *s, st_name_key *key)
{
    uint32_t li = new_list(s);
    if (li == ST_NONE || append(s, li, 0, (st_name_post){key->ref, person_bloom(s, key->ref)}))
        return HB_EINTERNAL;
    key->ref = li;
    return 0;
}

static int post_key(state *s, uint32_t pi, const char *k, size_t kn, uint32_t bloom)
{
    uint32_t ki = key_for(s, k, kn);
    if (ki == ST_NONE) return HB_EINTERNAL;
    st_name_key *key = &s->name_keys[ki];
    if (key->count == 0) {
        key->ref = pi;
    } else {
        if (key->count == 1 && make_list(s, key)) return HB_EINTERNAL;
        if (append(s, key->ref, key->count, (st_name_post){pi, bloom})) return HB_EINTERNAL;
    }
    key->count++;
    return 0;
}

static int post(state *s, uint32_t pi, const char cc[3], char kind, names_tok t, uint32_t bloom)
{
    char k[KEY_MAX];
    return post_key(s, pi, k, make_key(k, cc, kind, t.p, t.n), bloom);
}

static size_t pair_key(char out[KEY_MAX], const char cc[3], const char *f, size_t fn, const char *g,
                       size_t gn)
{
    size_t n = make_key(out, cc, 'p', f, fn);
    out[n++] = '\0'; /* no token holds one, so the split is unambiguous */
    memcpy(out + n, g, gn);
    return n + gn;
}

static size_t date_key(char out[KEY_MAX], const char cc[3], int32_t date)
{
    size_t n = make_key(out, cc, 'd', "", 0);
    memcpy(out + n, &date, sizeof date);
    return n + sizeof date;
}

typedef struct {
    char *norm; /* owned */
    names_tok t[NAMES_MAX_TOKENS];
    size_t n;
} tokens;

/* Tokens too long to file are dropped, and repeats ("García García") kept once. */
static int tokenise(const char *name, tokens *out)
{
    out->n = 0;
    if (!name) return 0;
    int rc = names_normalise(name, strlen(name), &out->norm);
    if (rc) return rc == HB_EINPUT ? 0 : rc; /* decoding let it in: file nothing */
    names_tok all[NAMES_MAX_TOKENS];
    size_t n = names_tokens(out->norm, all, NAMES_MAX_TOKENS);
    for (size_t i = 0; i < n; i++) {
        bool seen = all[i].n > ST_NAME_TOKEN_MAX;
        for (size_t j = 0; j < out->n && !seen; j++)
            seen = out->t[j].n == all[i].n && !memcmp(out->t[j].p, all[i].p, all[i].n);
        if (!seen) out->t[out->n++] = all[i];
    }
    return 0;
}

static int push_hashes(state *s, const tokens *t, char kind)
{
    for (size_t i = 0; i < t->n; i++) {
        if (room(s, (void **)&s->name_hashes, s->n_name_hashes, &s->cap_name_hashes,
                 sizeof(uint64_t)))
            return HB_EINTERNAL;
        s->name_hashes[s->n_name_hashes++] = names_token_hash(kind, t->t[i].p, t->t[i].n);
    }
    return 0;
}

/* Person pi's run of hashes starts here; persons before pi without one (none in
 * practice: every registration comes here) get an empty run. */
static int start_run(state *s, uint32_t pi)
{
    while (s->n_name_offs <= pi) {
        if (room(s, (void **)&s->name_offs, s->n_name_offs, &s->cap_name_offs, sizeof(uint32_t)))
            return HB_EINTERNAL;
        s->name_offs[s->n_name_offs++] = s->n_name_hashes;
    }
    return 0;
}

static int post_all(state *s, uint32_t pi, const st_person *p, const tokens *fam, const tokens *giv)
{
    const char *cc = p->birth_country.cc;
    uint32_t bloom = person_bloom(s, pi);
    char k[KEY_MAX];
    int rc = 0;
    for (size_t i = 0; i < fam->n && !rc; i++)
        rc = post(s, pi, cc, 'f', fam->t[i], bloom);
    for (size_t i = 0; i < giv->n && !rc; i++)
        rc = post(s, pi, cc, 'g', giv->t[i], bloom);
    for (size_t i = 0; i < fam->n && !rc; i++)
        for (size_t j = 0; j < giv->n && !rc; j++)
            rc = post_key(s, pi, k,
                          pair_key(k, cc, fam->t[i].p, fam->t[i].n, giv->t[j].p, giv->t[j].n),
                          bloom);
    if (!rc && p->birth_date != HB_DATE_ABSENT)
        rc = post_key(s, pi, k, date_key(k, cc, p->birth_date), bloom);
    return rc;
}

int st_names_add(state *s, uint32_t pi)
{
    const st_person *p = st_person_mut(s, pi);
    save_lengths(s);
    int rc = start_run(s, pi);
    if (rc || !p->birth_country.cc[0]) return rc;
    tokens fam = {0}, giv = {0};
    rc = tokenise(p->family_names, &fam);
    if (!rc) rc = tokenise(p->given_names, &giv);
    if (!rc) rc = push_hashes(s, &fam, 'f');
    if (!rc) rc = push_hashes(s, &giv, 'g');
    if (!rc && (fam.n || giv.n)) rc = post_all(s, pi, p, &fam, &giv);
    free(fam.norm);
    free(giv.norm);
    return rc;
}

void st_names_free(state *s)
{
    st_vec_free(s, s->name_keys, s->cap_name_keys, sizeof(st_name_key));
    for (uint32_t i = 0; i < s->made_name_lists; i++)
        st_hvec_free(s, s->name_lists[i], sizeof(st_name_post));
    st_vec_free(s, s->name_lists, s->cap_name_lists, sizeof *s->name_lists);
    st_vec_free(s, s->name_hashes, s->cap_name_hashes, sizeof(uint64_t));
    st_vec_free(s, s->name_offs, s->cap_name_offs, sizeof(uint32_t));
    free(s->name_slots);
}

size_t st_names_bytes(const state *s)
{
    return s->cap_name_slots * sizeof(st_name_slot);
}

/* ---------------------------------------------------------------- lookups */

bool state_names_hash_token(const char cc[3], char kind, const char *tok, size_t n, uint64_t *h)
{
    char k[KEY_MAX];
    if (n > ST_NAME_TOKEN_MAX) return false;
    *h = map_hash(k, make_key(k, cc, kind, tok, n));
    return true;
}

bool state_names_hash_pair(const char cc[3], const char *fam, size_t fn, const char *giv, size_t gn,
                           uint64_t *h)
{
    char k[KEY_MAX];
    if (fn > ST_NAME_TOKEN_MAX || gn > ST_NAME_TOKEN_MAX) return false;
    *h = map_hash(k, pair_key(k, cc, fam, fn, giv, gn));
    return true;
}

uint64_t state_names_hash_date(const char cc[3], int32_t birth_date)
{
    char k[KEY_MAX];
    return map_hash(k, date_key(k, cc, birth_date));
}

/* Three passes, so that the cache misses of all the keys overlap instead of
 * following one another: fetch every first slot, then every key those slots
 * name, then probe (now mostly from cache). */
void state_names_find_many(const state *s, const uint64_t *h, size_t n, uint32_t *key,
                           uint32_t *count)
{
    if (!s->cap_name_slots) {
        for (size_t i = 0; i < n; i++)
            key[i] = ST_NONE, count[i] = 0;
        return;
    }
    size_t mask = s->cap_name_slots - 1;
    for (size_t i = 0; i < n; i++)
        __builtin_prefetch(&s->name_slots[h[i] & mask]);
    for (size_t i = 0; i < n; i++) {
        const st_name_slot *sl = &s->name_slots[h[i] & mask];
        if (sl->key && sl->key - 1 < s->n_name_keys) __builtin_prefetch(&s->name_keys[sl->key - 1]);
    }
    for (size_t i = 0; i < n; i++) {
        size_t slot;
        uint32_t ki = probe(s, h[i], &slot);
        count[i] = ki == ST_NONE ? 0 : s->name_keys[ki].count;
        key[i] = count[i] ? ki : ST_NONE;
    }
}

static uint32_t find_one(const state *s, uint64_t h, uint32_t *count)
{
    uint32_t key;
    state_names_find_many(s, &h, 1, &key, count);
    return key;
}

uint32_t state_names_find(const state *s, const char cc[3], char kind, const char *tok, size_t n,
                          uint32_t *count)
{
    uint64_t h;
    *count = 0;
    return state_names_hash_token(cc, kind, tok, n, &h) ? find_one(s, h, count) : ST_NONE;
}

uint32_t state_names_find_pair(const state *s, const char cc[3], const char *fam, size_t fn,
                               const char *giv, size_t gn, uint32_t *count)
{
    uint64_t h;
    *count = 0;
    return state_names_hash_pair(cc, fam, fn, giv, gn, &h) ? find_one(s, h, count) : ST_NONE;
}

uint32_t state_names_find_date(const state *s, const char cc[3], int32_t birth_date,
                               uint32_t *count)
{
    return find_one(s, state_names_hash_date(cc, birth_date), count);
}

const uint64_t *state_name_hashes(const state *s, uint32_t pi, size_t *n)
{
    *n = 0;
    if (pi >= s->n_name_offs) return NULL;
    uint32_t end = pi + 1 < s->n_name_offs ? s->name_offs[pi + 1] : s->n_name_hashes;
    *n = end - s->name_offs[pi];
    return s->name_hashes + s->name_offs[pi];
}

const st_name_post *state_name_posts(const state *s, uint32_t k, st_name_post *one)
{
    if (k >= s->n_name_keys || !s->name_keys[k].count) return NULL;
    const st_name_key *key = &s->name_keys[k];
    if (key->count > 1) return s->name_lists[key->ref];
    *one = (st_name_post){key->ref, UINT32_MAX};
    return one;
}

void state_name_prefetch(const state *s, uint32_t pi)
{
    const char *p = (const char *)state_person_at(s, pi);
    /* The locator's fields (st_person's first ones): one line, or two when the
     * record straddles a line boundary. */
    __builtin_prefetch(p);
    __builtin_prefetch(p + offsetof(st_person, custody_since_us) + sizeof(int64_t) - 1);
    if (pi < s->n_name_offs) __builtin_prefetch(&s->name_offs[pi]);
}
