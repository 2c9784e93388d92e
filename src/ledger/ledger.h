/* ledger: the append-only log. Owns a store and the state projection.
 *
 * ledger_open replays the stored log into a fresh state. Appends go through a
 * batch: each event is checked against state (references), applied (undoably),
 * wrapped in a record {seq, recorded_at, actor, event}, canonicalised (RFC 8785)
 * and leaf-hashed (RFC 9162). ledger_batch_commit writes the rows in one store
 * transaction and returns only once they are durable; any error before that
 * rolls back both the store and the state, so a refused batch changes nothing.
 *
 * One writer per ledger. Not thread-safe; the server serialises writers. */
#ifndef HB_LEDGER_H
#define HB_LEDGER_H
#include <stdint.h>
#include <stdio.h>
#include "model/event.h"
#include "state/state.h"
#include "store/store.h"
#include "util/err.h"

typedef struct ledger ledger;

/* An observer sees every event the ledger applies to its state: on open (replay),
 * in batches (import, restore, appends), with the state just before and just
 * after the event. Derived views that must follow the log event by event (the
 * findings of src/rules/findings.h) are kept this way, at O(event) cost, and only
 * by the commands that want them. Events of a batch are seen before the batch is
 * durable: begin/commit/rollback say how it ended, and rollback must undo
 * everything seen since begin (a refused import changes nothing, derived views
 * included). Replay calls before/after only, from the thread that applies.
 * Each callback returns 0, or HB_EINTERNAL (out of memory: the open or the batch
 * fails). Any pointer may be NULL. */
typedef struct {
    void *ctx;
    int (*before)(void *ctx, const state *s, int64_t seq, const event *ev);
    int (*after)(void *ctx, const state *s, int64_t seq, const event *ev);
    void (*begin)(void *ctx);
    void (*commit)(void *ctx);
    void (*rollback)(void *ctx);
} ledger_observer;

/* mode: STORE_CREATE for `habeas init`, STORE_OPEN otherwise. Owner calls
 * ledger_close. On error *out is NULL and err explains. */
int ledger_open(const char *uri, store_mode mode, ledger **out, hb_err *err);
/* The same, with an observer (copied; obs->ctx must outlive the ledger) that sees
 * the replay and every later batch. obs may be NULL. */
int ledger_open_observed(const char *uri, store_mode mode, const ledger_observer *obs, ledger **out,
                         hb_err *err);
void ledger_close(ledger *l);

const state *ledger_state(const ledger *l);
store *ledger_store(ledger *l);
int64_t ledger_size(const ledger *l); /* last seq */

typedef struct ledger_batch ledger_batch;

/* actor: who tells the ledger (e.g. "cli:alice"); copied. One batch at a time. */
int ledger_batch_begin(ledger *l, const char *actor, ledger_batch **out, hb_err *err);
/* Check and stage one event. HB_EINPUT (errs filled, prefixed with where) when
 * refused: the batch then keeps collecting errors but can no longer commit.
 * Besides state_check, a transfer.approved is a decision and is gated: it is
 * refused when any person it lists is blocked for that transfer at its `at`
 * (src/rules/eligibility.h), with one message per person naming every reason.
 * Facts (departures, arrivals, everything else) are never gated. Restore and
 * replay reproduce a log as it was written and are not gated either.
 * HB_EINTERNAL on storage or memory failure. */
int ledger_batch_add(ledger_batch *b, const event *ev, hb_errlist *errs, const char *where);
/* Stage a record as exported (restore): its seq must be the next one and its
 * hash must match its canonical bytes; recorded_at and actor are kept as given. */
int ledger_batch_add_record(ledger_batch *b, const record *r, hb_errlist *errs, const char *where);
/* Durable commit; frees b. *first and *last (may be NULL) get the seqs assigned
 * (0/0 for an empty batch). On failure everything is rolled back. */
int ledger_batch_commit(ledger_batch *b, int64_t *first, int64_t *last, hb_err *err);
/* Roll back store and state; frees b. */
void ledger_batch_abort(ledger_batch *b);

/* Import JSON Lines of bare events from data[0..n) all-or-nothing. name is used in
 * messages ("events.jsonl:812: ..."). Blank lines are skipped. Returns 0,
 * HB_EINPUT (errs has up to errs->limit messages, nothing stored) or HB_EINTERNAL. */
int ledger_import(ledger *l, const char *name, const char *data, size_t n, const char *actor,
                  hb_errlist *errs, int64_t *first, int64_t *last, hb_err *err);
/* Restore an export into an empty ledger: checks each hash and that seqs run
 * 1, 2, 3 ... without gaps. Same all-or-nothing contract as import. */
int ledger_restore(ledger *l, const char *name, const char *data, size_t n, hb_errlist *errs,
                   int64_t *last, hb_err *err);
/* Write records with seq >= from as export lines ("...\n"). */
int ledger_export(ledger *l, int64_t from, FILE *out, hb_err *err);

/* Read the stored records with the given seqs (any order) and call fn with each
 * decoded record; strings live until fn returns. For history views. */
typedef int (*ledger_record_fn)(void *ctx, const record *r);
int ledger_read(ledger *l, const int64_t *seqs, size_t n, ledger_record_fn fn, void *ctx,
                hb_err *err);
/* The same through st, another connection to this ledger's database (a
 * STORE_READ one, say), so that readers on several threads each read through
 * their own: a connection is used by one thread at a time. The caller keeps the
 * writer out while it reads (no batch of l is in progress), so st sees every
 * record l holds. ledger_read is ledger_read_from(l, ledger_store(l), ...). */
int ledger_read_from(ledger *l, store *st, const int64_t *seqs, size_t n, ledger_record_fn fn,
                     void *ctx, hb_err *err);

/* Recompute every stored record's canonical bytes and leaf hash and check that seqs
 * run without gaps. 0 when all match; HB_ERULE with err naming the first bad seq
 * and why; HB_EINTERNAL on storage failure. *checked gets the number of records.
 * The records only: ledger_verify_log checks them with the tree and the heads. */
int ledger_verify(ledger *l, int64_t *checked, hb_err *err);
/* The same on a ledger file without opening (replaying) it first, so that a record
 * that no longer decodes is reported (HB_ERULE naming its seq) rather than
 * stopping the open. */
int ledger_verify_file(const char *uri, int64_t *checked, hb_err *err);

/* ledger_verify_log's flags. */
#define LEDGER_VERIFY_DEEP 1u /* also decode every record and re-canonicalise it */
typedef struct {
    int64_t records;  /* checked: all, or those below the first failure */
    int64_t heads;    /* signed heads read */
    uint8_t root[32]; /* the whole log's root, when it passed */
} ledger_verified;
/* `habeas verify`: the ledger file at uri, without replaying it, in one pass on
 * every core (read-only). By default integrity: seqs run 1, 2, 3 ... without
 * gaps, each record's leaf hash recomputed from its stored bytes is the stored
 * hash, every stored Merkle tree node is the one recomputed from those hashes,
 * and every signed head holds (log_verify's checks, log.h): the bytes are bound
 * to the signed heads by the hashes. With LEDGER_VERIFY_DEEP, also what
 * ledger_verify adds: each record decodes and is its own canonical form (an
 * encoding change that the signer itself hashed and signed). 0 when all hold;
 * HB_ERULE with err naming the first failure: a head that fails without its root
 * (or seqs under no head) first, then the lowest ranked in seq order (log.h: a
 * record, then the nodes and heads it breaks); HB_EINPUT when uri is not a
 * ledger or has no verifier key; HB_EINTERNAL on storage failure. out gets what
 * was checked (records below the failure on a failure). */
int ledger_verify_log(const char *uri, unsigned flags, ledger_verified *out, hb_err *err);
/* A fresh state as the log stood at at_us: the stored events whose `at` is not
 * later than at_us, applied in seq order. An event that state_check refuses
 * against that subset (it names an entity whose own event is later than at_us,
 * or follows a custody step that was left out) is left out too. Caller
 * frees *out with state_free; on error *out is NULL and err says why
 * (HB_EINTERNAL: storage, memory, or a stored record that no longer decodes). */
int ledger_state_as_of(ledger *l, int64_t at_us, state **out, hb_err *err);
/* The same read through st, a connection to the ledger's database (see
 * ledger_read_from). */
int ledger_state_as_of_from(store *st, int64_t at_us, state **out, hb_err *err);
#endif
