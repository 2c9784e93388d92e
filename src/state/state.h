/* state: the in-memory projection of the log. Every read is served from here.
 *
 * Built by applying events in seq order (replay on open, then each append).
 * state_check validates an event's references against the current state (step two
 * of validation: the person, facility, unit, agreement, hold, transfer it names
 * exists; no second admission without a release or transfer in between ...).
 * state_apply never fails on a checked event except for out of memory.
 *
 * Transactions: between state_begin and state_commit every change is recorded in
 * an undo log, so state_rollback returns the projection exactly to what it was at
 * state_begin (an import with one bad line changes nothing, in memory either).
 *
 * Entities are kept in stable-address pools and found by id through hash maps.
 * Pointers returned by lookups stay valid until state_free (or until a rollback
 * removes the entity they point to). Strings are interned in the state's arena.
 * Threads: one writer; readers must not run concurrently with apply (the server
 * will add a lock around it). */
#ifndef HB_STATE_H
#define HB_STATE_H
#include <stddef.h>
#include <stdint.h>
#include "model/event.h"
#include "util/err.h"

#define ST_NONE UINT32_MAX

typedef struct {
    int64_t *v;
    uint32_t n, cap;
} st_seqs; /* the seqs of the events about an entity, ascending */

typedef enum {
    CUST_NEVER,      /* registered, never admitted */
    CUST_HELD,       /* admitted (or arrived) and held at facility (unit may be ST_NONE) */
    CUST_IN_TRANSIT, /* departed on a transfer, not yet arrived */
    CUST_RELEASED,
    CUST_DECEASED,
} custody_state;

typedef struct {
    int8_t kind; /* status_kind */
    hb_cc jurisdiction, country;
    int32_t valid_from, valid_until; /* valid_until may be HB_DATE_ABSENT */
    int64_t seq, at_us;
} st_status;

typedef struct {
    int8_t final, violent;
    hb_cc jurisdiction;
    int32_t date;
    int64_t sentence_days;
    int64_t seq, at_us;
} st_conviction;

typedef struct {
    int8_t to, given; /* consent_to, bool */
    int64_t seq, at_us;
} st_consent;

typedef struct {
    /* What the public locator reads of every candidate comes first, within 56
     * bytes, so that state_name_prefetch brings it in with one cache line (two
     * when the record straddles a line). */
    const char *given_names, *family_names;
    int32_t birth_date;
    hb_cc birth_country;
    /* The current custody, custody .. unit_prev: one run for the undo log
     * (src/state/undo.c), which saves it whole before apply changes it. */
    custody_state custody;
    uint32_t facility;      /* ST_NONE when none */
    uint32_t transfer;      /* the transfer in transit on, or ST_NONE */
    uint32_t left_facility; /* released or dead: the facility left (else ST_NONE) */
    /* held under an agreement now (see st_agreement's stays), or ST_NONE */
    uint32_t agreement;
    int64_t custody_since_us;
    uint32_t unit;     /* ST_NONE when unassigned */
    int8_t basis_kind; /* basis_kind or -1 */
    const char *basis_reference;
    int32_t basis_until, basis_review_by; /* dates, may be HB_DATE_ABSENT */
    int64_t custody_since_seq;
    int32_t agreement_since; /* the stay's first day (UTC date), clipped to the term */
    uint32_t held_next, held_prev, unit_next, unit_prev; /* occupant lists (state_*_held) */
    /* The rest. */
    const char *id;
    hb_cc *nationalities;
    uint16_t n_nationalities;
    uint16_t n_status, n_conviction, n_consent, n_allegation;
    st_status *status;         /* in seq order */
    st_conviction *conviction; /* in seq order */
    st_consent *consent;       /* in seq order */
    int64_t registered_seq;
    st_seqs history;
} st_person;

typedef struct {
    const char *id;
    int8_t kind; /* unit_kind */
    int64_t capacity, beds;
    double floor_area_m2;
    uint32_t facility;
    uint32_t held;       /* persons held in this unit now */
    uint32_t first_held; /* occupant list head, ST_NONE when empty */
    int64_t certified_seq;
} st_unit;

typedef struct {
    const char *id, *name, *contact; /* contact may be NULL */
    hb_cc country;
    int8_t kind; /* facility_kind */
    int64_t design_capacity;
    ev_security security;
    uint32_t *units; /* unit indexes, in certification order */
    uint32_t n_units, cap_units;
    uint32_t held;       /* persons held at the facility now, with or without a unit */
    uint32_t first_held; /* occupant list head, ST_NONE when empty */
    int64_t registered_seq;
    st_seqs history;
} st_facility;

typedef struct {
    const char *id;
    hb_cc sending_state, receiving_state;
    uint32_t *facilities;
    uint32_t n_facilities;
    int32_t starts, ends;
    ev_fee fee;
    ev_baseline baseline_cost;
    ev_conditions conditions; /* nationalities list copied into the state arena */
    /* Stays: a person is held under the agreement from arriving on a transfer under
     * it, or being admitted with basis kind agreement naming it (or naming none, at
     * one of its facilities), until released, dead, departed or moved to a facility
     * not in the agreement. held_now counts those persons. Person-days (for costs):
     * each UTC date from the stay's first day up to, not including, the day it
     * ends, clipped to starts..ends; closed_days sums ended stays; the open ones are
     * open_stays stays whose first days (clipped) sum to open_first_days. A stay
     * that starts after `ends` accrues nothing. The exact rules (which agreement
     * an admission counts for, arrivals, moves) are in docs/state.md. */
    uint32_t held_now, open_stays;
    int64_t closed_days, open_first_days;
    int64_t signed_seq, signed_us;
    st_seqs history;
} st_agreement;

typedef struct {
    const char *id, *issued_by, *case_;
    int8_t kind;                         /* hold_kind */
    int64_t effective_from_us, until_us; /* until_us = INT64_MAX when open-ended */
    uint32_t *persons;                   /* scope persons (person indexes) */
    uint32_t n_persons;
    const char *authority; /* scope, may be NULL */
    hb_cc destination_country;
    int64_t placed_seq, placed_us;
    int64_t lifted_seq, lifted_us; /* 0 / INT64_MAX while not lifted */
} st_hold;

typedef enum {
    TP_PROPOSED,
    TP_APPROVED,
    TP_CANCELLED,
    TP_DEPARTED,
    TP_ARRIVED,
} transfer_person_state;

typedef struct {
    uint32_t person;
    transfer_person_state state;
    int64_t seq; /* the event that set that state */
} st_transfer_person;

typedef struct {
    const char *id, *authority;
    uint32_t from_facility, to_facility, agreement; /* agreement may be ST_NONE */
    hb_time departure_planned;                      /* text interned */
    st_transfer_person *persons; /* proposed persons, then any others named later */
    uint32_t n_persons, cap_persons;
    int64_t proposed_seq, proposed_us;
    st_seqs history;
} st_transfer;

typedef struct state state;

/* NULL on out of memory. Owner calls state_free. */
state *state_new(void);
void state_free(state *s);

/* References and custody sequence. Appends messages to errs (with where) and returns
 * HB_EINPUT when refused, 0 when the event may be applied. Does not change s. */
int state_check(const state *s, const event *ev, hb_errlist *errs, const char *where);
/* Apply a checked event recorded as seq. 0, or HB_EINTERNAL on out of memory. */
int state_apply(state *s, int64_t seq, const event *ev);

/* A cache hint, for callers that know the events to come: call it with stage 0,
 * 1 and 2 on an event a few events (at least two apart) before checking or
 * applying it; each stage fetches what the previous one found. Changes nothing
 * and may be called with any event; it only makes large states faster. */
void state_prefetch(const state *s, const event *ev, int stage);

void state_begin(state *s);
void state_commit(state *s);
void state_rollback(state *s);

/* Lookups by id; NULL when absent. */
const st_person *state_person(const state *s, const char *id);
const st_facility *state_facility(const state *s, const char *id);
const st_agreement *state_agreement(const state *s, const char *id);
const st_hold *state_hold(const state *s, const char *id);
const st_transfer *state_transfer(const state *s, const char *id);
/* Unit by its id within a facility; NULL when absent. */
const st_unit *state_unit(const state *s, const st_facility *f, const char *unit_id);

/* The pool index of an entity by id (the index fields above and the *_at
 * functions use it), or ST_NONE when absent. */
uint32_t state_person_index(const state *s, hb_str id);
uint32_t state_facility_index(const state *s, hb_str id);
uint32_t state_unit_index(const state *s, uint32_t facility, hb_str unit_id);

/* By index (0 .. count-1), for iteration and for the index fields above. */
size_t state_count_persons(const state *s);
size_t state_count_facilities(const state *s);
size_t state_count_units(const state *s);
size_t state_count_agreements(const state *s);
size_t state_count_holds(const state *s);
size_t state_count_transfers(const state *s);
const st_person *state_person_at(const state *s, uint32_t i);
const st_facility *state_facility_at(const state *s, uint32_t i);
const st_unit *state_unit_at(const state *s, uint32_t i);
const st_agreement *state_agreement_at(const state *s, uint32_t i);
const st_hold *state_hold_at(const state *s, uint32_t i);
const st_transfer *state_transfer_at(const state *s, uint32_t i);

/* Who is held where now, without a pass over everyone: each facility and each
 * unit keeps a list of the persons held there (CUST_HELD; a person held at a
 * facility without a unit is on the facility's list only). Walk it with first,
 * then next until ST_NONE; order unspecified. Lists follow apply and rollback.
 * Cost: O(1) per custody step, 16 bytes per person. */
uint32_t state_facility_first_held(const state *s, uint32_t facility);
uint32_t state_facility_next_held(const state *s, uint32_t person);
uint32_t state_unit_first_held(const state *s, uint32_t unit);
uint32_t state_unit_next_held(const state *s, uint32_t person);

/* An agreement's person-days from its stays up to and including the UTC date
 * today (days since 1970-01-01), clipped to starts..ends: closed_days plus, for
 * the open stays, min(today, ends) + 1 for each less open_first_days (an open
 * stay counts today; the open part is never below 0). Exact for any today on or
 * after the date of the latest stay start (the date of the last event, or
 * later); for an earlier day a lower bound. Rules: docs/state.md. */
int64_t state_agreement_person_days(const st_agreement *a, int32_t today);

/* The name index (names.c, for the public locator): every registered person is
 * filed under each token of their family names (kind 'f') and of their given
 * names (kind 'g'), normalised by model/names.h, by birth country. It follows
 * apply and rollback. Aliases are not filed (the state keeps none). A token
 * longer than ST_NAME_TOKEN_MAX bytes is not filed. Each person is also filed
 * under every (family token, given token) pair (kind 'p') and under their birth
 * date (kind 'd'), so that a full query scans a short list. Cost: docs/state.md. */
#define ST_NAME_TOKEN_MAX 200
typedef struct {
    uint64_t hash;  /* of "CC" kind token, "CC" 'p' family NUL given, or "CC" 'd' date
                     * (the text itself is not kept) */
    uint32_t count; /* persons filed under the key */
    uint32_t ref;   /* count 1: that person (no list is kept); more: the list's index */
} st_name_key;
typedef struct {
    uint32_t key; /* key index + 1; 0 for an empty slot */
    uint32_t tag; /* the hash's high half */
} st_name_slot;
typedef struct {
    uint32_t person; /* person index */
    uint32_t bloom;  /* state_name_bloom of all the person's tokens, ORed */
} st_name_post;
/* Two bits of a 32-bit filter for one token, from its names_token_hash (so the
 * state derives a person's filter from the hashes it keeps). A query whose bits
 * are not all in a posting's bloom cannot match that person. */
static inline uint32_t state_name_bloom(uint64_t token_hash)
{
    return (1u << (token_hash & 31)) | (1u << ((token_hash >> 32) & 31));
}
/* The key filed under (birth country, kind, token), with its number of persons
 * in *count; ST_NONE and 0 when none. Read its postings with state_name_posts.
 * Keys are 64-bit hashes: a key may (very rarely) hold persons filed under
 * another token, so callers check each person's names. */
uint32_t state_names_find(const state *s, const char cc[3], char kind, const char *tok, size_t n,
                          uint32_t *count);
/* Key k's postings, oldest first, as many as its find's count (a contiguous
 * array: the locator scans it). A key of one person keeps no array: its posting
 * is written to *one, with bloom all ones, and the result points there. Valid
 * until the next change to the state. */
const st_name_post *state_name_posts(const state *s, uint32_t k, st_name_post *one);
/* The same for the more selective keys: a (family token, given token) pair
 * (every pair of the person's tokens is filed), and the birth date. */
uint32_t state_names_find_pair(const state *s, const char cc[3], const char *fam, size_t fn,
                               const char *giv, size_t gn, uint32_t *count);
uint32_t state_names_find_date(const state *s, const char cc[3], int32_t birth_date,
                               uint32_t *count);
/* The same lookups in two steps, for a caller with several keys to try: each
 * key's hash (false: a token too long to be filed, so no key), then all of
 * them found together, their memory fetched in parallel. key[i] and count[i]
 * are what state_names_find and its kin give for h[i]. */
bool state_names_hash_token(const char cc[3], char kind, const char *tok, size_t n, uint64_t *h);
bool state_names_hash_pair(const char cc[3], const char *fam, size_t fn, const char *giv, size_t gn,
                           uint64_t *h);
uint64_t state_names_hash_date(const char cc[3], int32_t birth_date);
void state_names_find_many(const state *s, const uint64_t *h, size_t n, uint32_t *key,
                           uint32_t *count);
/* Person pi's token hashes (names_token_hash of each family token with kind 'f'
 * and each given token with 'g', repeats once) and their number in *n; points
 * into the state, valid until the next change. */
const uint64_t *state_name_hashes(const state *s, uint32_t pi, size_t *n);
/* Asks the memory for person pi's record and where their hashes start, for a
 * caller about to check several persons (their misses then overlap). */
void state_name_prefetch(const state *s, uint32_t pi);

/* The seq of the last event applied (0 for an empty log). */
int64_t state_last_seq(const state *s);
/* Bytes held by the projection (arena, pools, maps, vectors), for the bench. */
size_t state_memory(const state *s);
#endif
