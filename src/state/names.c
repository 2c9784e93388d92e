/* names: the name index (state.h). Keys are the 64-bit hash of "CC" + kind +
 * token (no token text is kept: 8-byte slots, 16-byte keys), found through an
 * open-addressing table; each key heads a chain of postings, newest first, so
 * filing a person is a push per token, and a rollback only has to shorten the
 * vectors and put back the heads of keys that existed before the transaction:
 * the slots of keys it drops turn stale by themselves (state_internal.h). */
#include <stdlib.h>
#include <string.h>
#include "model/names.h"
#include "state/state_internal.h"

#define KEY_MAX (3 + ST_NAME_TOKEN_MAX)

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
    st_save(s, &s->n_name_posts, sizeof s->n_name_posts);
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
    if (st_vec_room(s, (void **)&s->name_keys, s->n_name_keys, &s->cap_name_keys,
                    sizeof(st_name_key), 64))
        return ST_NONE;
    ki = s->n_name_keys++;
    s->name_keys[ki] = (st_name_key){h, ST_NONE, 0};
    if (!s->name_slots[slot].key) s->n_name_slots++;
    s->name_slots[slot] = (st_name_slot){ki + 1, (uint32_t)(h >> 32)};
    return ki;
}

static int post(state *s, uint32_t pi, const char cc[3], char kind, names_tok t, uint32_t bloom)
{
    char k[KEY_MAX];
    size_t kn = make_key(k, cc, kind, t.p, t.n);
    uint32_t ki = key_for(s, k, kn);
    if (ki == ST_NONE) return HB_EINTERNAL;
    if (st_vec_room(s, (void **)&s->name_posts, s->n_name_posts, &s->cap_name_posts,
                    sizeof(st_name_post), 64))
        return HB_EINTERNAL;
    st_name_key *key = &s->name_keys[ki];
    s->name_posts[s->n_name_posts] = (st_name_post){pi, key->head, bloom};
    key->head = s->n_name_posts++;
    key->count++;
    return 0;
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

static uint32_t bloom_of(const tokens *t, char kind)
{
    uint32_t b = 0;
    for (size_t i = 0; i < t->n; i++)
        b |= names_bloom(kind, t->t[i].p, t->t[i].n);
    return b;
}

int st_names_add(state *s, uint32_t pi)
{
    const st_person *p = st_person_mut(s, pi);
    if (!p->birth_country.cc[0]) return 0;
    tokens fam = {0}, giv = {0};
    int rc = tokenise(p->family_names, &fam);
    if (!rc) rc = tokenise(p->given_names, &giv);
    if (!rc && (fam.n || giv.n)) {
        save_lengths(s);
        uint32_t bloom = bloom_of(&fam, 'f') | bloom_of(&giv, 'g');
        for (size_t i = 0; i < fam.n && !rc; i++)
            rc = post(s, pi, p->birth_country.cc, 'f', fam.t[i], bloom);
        for (size_t i = 0; i < giv.n && !rc; i++)
            rc = post(s, pi, p->birth_country.cc, 'g', giv.t[i], bloom);
    }
    free(fam.norm);
    free(giv.norm);
    return rc;
}

void st_names_free(state *s)
{
    st_vec_free(s, s->name_keys, s->cap_name_keys, sizeof(st_name_key));
    st_vec_free(s, s->name_posts, s->cap_name_posts, sizeof(st_name_post));
    free(s->name_slots);
}

size_t st_names_bytes(const state *s)
{
    return s->cap_name_slots * sizeof(st_name_slot);
}

uint32_t state_names_find(const state *s, const char cc[3], char kind, const char *tok, size_t n,
                          uint32_t *count)
{
    *count = 0;
    char k[KEY_MAX];
    if (n > ST_NAME_TOKEN_MAX || !s->cap_name_slots) return ST_NONE;
    size_t slot;
    uint32_t ki = probe(s, map_hash(k, make_key(k, cc, kind, tok, n)), &slot);
    if (ki == ST_NONE) return ST_NONE;
    *count = s->name_keys[ki].count;
    return s->name_keys[ki].head;
}

const st_name_post *state_name_post(const state *s, uint32_t i)
{
    return i < s->n_name_posts ? &s->name_posts[i] : NULL;
}
