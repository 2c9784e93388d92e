/* replay: rebuild the state from the stored log when a ledger opens.
 *
 * One core does not reach the goal of 1,000,000 events/s (per event: SQLite scan
 * ~0.2 us, decode ~0.5 us, apply ~0.3 us), so replay runs on two threads: a reader
 * scans rows into blocks (copying the bytes) and hands each block to this thread,
 * which applies blocks in seq order. Decoding a block is done by whichever thread
 * gets to it first: this thread decodes each block it finds still raw, from the
 * oldest; the reader, once it is ahead (a block handed over and not yet taken
 * besides the one it just filled), decodes the block it just filled, the newest.
 * So the work balances itself whichever side is slower, and neither waits for a
 * block the other is decoding unless it has nothing else to do.
 *
 * State checks are not re-run: every event was checked when it was appended. A row
 * that does not decode, or a gap in the seqs, refuses the open: the file was
 * damaged or altered outside habeas. */
#include <stdlib.h>
#include <string.h>
#include "ledger/ledger_internal.h"
#include "util/arena.h"

#define BLOCK_RECS 1024
#define BLOCKS 8

enum { RAW, CLAIMED, DECODED };

typedef struct {
    buf raw; /* the rows' bytes, back to back */
    size_t off[BLOCK_RECS], len[BLOCK_RECS];
    int64_t seq[BLOCK_RECS];
    size_t n;
    atomic_int phase; /* RAW -> CLAIMED (by either thread) -> DECODED */
    record rec[BLOCK_RECS];
    arena a; /* the strings of rec[] */
    int rc;  /* decoding failed: err says where */
    hb_err err;
} rblock;

typedef struct {
    store *st;
    pipeq full, free;
    pthread_mutex_t mu; /* with cv: the applier waits for a block the reader decodes */
    pthread_cond_t cv;
    rblock *cur;            /* being filled by the reader */
    rblock *handed[BLOCKS]; /* the last blocks handed over, a ring (reader only) */
    size_t n_handed;        /* blocks handed over (reader only) */
    atomic_size_t n_taken;  /* blocks the applier has taken */
    int64_t expect;
    atomic_bool stop; /* the applying side failed: stop reading */
    int rc;           /* the reader's result, read after join */
    hb_err err;
} replay;

static const uint8_t no_hash[32];

static void decode_block(replay *rp, rblock *b)
{
    for (size_t i = 0; i < b->n && !b->rc; i++) {
        store_row row = {b->seq[i], (const uint8_t *)b->raw.p + b->off[i], b->len[i], no_hash};
        if (ledger_decode_row(&row, &b->a, &b->rec[i], &b->err)) b->rc = HB_EINTERNAL;
    }
    pthread_mutex_lock(&rp->mu);
    atomic_store(&b->phase, DECODED);
    pthread_cond_broadcast(&rp->cv);
    pthread_mutex_unlock(&rp->mu);
}

static bool claim(rblock *b)
{
    int expected = RAW;
    return atomic_compare_exchange_strong(&b->phase, &expected, CLAIMED);
}

/* Reader side, once the scan is done: decode what is still raw, newest first, while
 * the applier works from the oldest. */
static void help_decode_rest(replay *rp)
{
    size_t k = rp->n_handed < BLOCKS ? rp->n_handed : BLOCKS;
    for (size_t i = 0; i < k; i++) {
        rblock *b = rp->handed[(rp->n_handed - 1 - i) % BLOCKS];
        if (b != rp->cur && claim(b)) decode_block(rp, b);
    }
}

static rblock *take_block(replay *rp)
{
    rblock *b = pipeq_pop(&rp->free);
    if (b) {
        arena_reset(&b->a);
        buf_clear(&b->raw);
        b->n = 0;
        b->rc = 0;
        atomic_store(&b->phase, RAW);
    }
    return b;
}

static int hand_over(replay *rp)
{
    rblock *b = rp->cur;
    rp->cur = NULL;
    if (pipeq_push(&rp->full, b)) return hb_fail(&rp->err, HB_EINTERNAL, "replay queue full");
    rp->handed[rp->n_handed++ % BLOCKS] = b;
    /* Ahead of the applier: decode the newest block rather than wait for a free one. */
    if (rp->n_handed - atomic_load(&rp->n_taken) >= 2 && claim(b)) decode_block(rp, b);
    return 0;
}

static int on_row(void *ctx, const store_row *row)
{
    replay *rp = ctx;
    if (atomic_load_explicit(&rp->stop, memory_order_relaxed)) return HB_EINTERNAL;
    if (row->seq != rp->expect)
        return hb_fail(&rp->err, HB_EINTERNAL,
                       "the stored log has a gap: seq %lld follows seq %lld", (long long)row->seq,
                       (long long)(rp->expect - 1));
    rp->expect++;
    rblock *b = rp->cur;
    b->off[b->n] = b->raw.len;
    b->len[b->n] = row->len;
    b->seq[b->n] = row->seq;
    if (buf_put(&b->raw, row->body, row->len))
        return hb_fail(&rp->err, HB_EINTERNAL, "out of memory");
    if (++b->n < BLOCK_RECS) return 0;
    if (hand_over(rp)) return HB_EINTERNAL;
    rp->cur = take_block(rp);
    return rp->cur ? 0 : HB_EINTERNAL; /* NULL: the applier stopped */
}

static void *reader_main(void *arg)
{
    replay *rp = arg;
    int rc = HB_EINTERNAL;
    rp->cur = take_block(rp);
    if (rp->cur) rc = store_scan(rp->st, 1, -1, on_row, rp, &rp->err);
    if (!rc && rp->cur->n) rc = hand_over(rp);
    if (!rc) help_decode_rest(rp);
    rp->rc = rc;
    pipeq_close(&rp->full);
    return NULL;
}

/* The applier's turn on a block: decode it if still raw, else wait for the reader. */
static int decoded(replay *rp, rblock *b)
{
    if (claim(b)) {
        decode_block(rp, b);
    } else {
        pthread_mutex_lock(&rp->mu);
        while (atomic_load(&b->phase) != DECODED)
            pthread_cond_wait(&rp->cv, &rp->mu);
        pthread_mutex_unlock(&rp->mu);
    }
    return b->rc;
}

/* Applying is mostly waiting for memory: fetch ahead for the records to come. */
static void hint(const state *s, const rblock *b, size_t i)
{
    for (int stage = 0; stage < 3; stage++) {
        size_t j = i + (size_t)(HINT_AHEAD - HINT_STEP * stage);
        for (size_t k = i ? j : i; k <= j && k < b->n; k++)
            state_prefetch(s, &b->rec[k].ev, stage);
    }
}

static int apply_blocks(ledger *l, replay *rp, hb_err *err)
{
    rblock *b;
    while ((b = pipeq_pop(&rp->full))) {
        atomic_fetch_add(&rp->n_taken, 1);
        if (decoded(rp, b))
            return hb_fail(err, HB_EINTERNAL,
                           "%s: cannot open the ledger: %s (the file was damaged or altered "
                           "outside habeas; restore it from an export or a backup)",
                           l->st->uri, b->err.msg);
        for (size_t i = 0; i < b->n; i++) {
            hint(l->state, b, i);
            if (ledger_apply(l, b->rec[i].seq, &b->rec[i].ev))
                return hb_fail(err, HB_EINTERNAL, "%s: out of memory replaying seq %lld",
                               l->st->uri, (long long)b->rec[i].seq);
        }
        if (pipeq_push(&rp->free, b)) return hb_fail(err, HB_EINTERNAL, "replay queue full");
    }
    return 0;
}

static int run(ledger *l, replay *rp, rblock **blocks, hb_err *err)
{
    for (int i = 0; i < BLOCKS; i++) {
        if (!(blocks[i] = calloc(1, sizeof *blocks[i])))
            return hb_fail(err, HB_EINTERNAL, "out of memory");
        arena_init(&blocks[i]->a, 256 * 1024);
        pipeq_push(&rp->free, blocks[i]);
    }
    pthread_t reader;
    if (pthread_create(&reader, NULL, reader_main, rp) != 0)
        return hb_fail(err, HB_EINTERNAL, "cannot start the replay thread");
    int rc = apply_blocks(l, rp, err);
    if (rc) {
        atomic_store(&rp->stop, true);
        pipeq_close(&rp->free);
        /* The reader may be decoding a block we will not take: let it finish. */
    }
    pthread_join(reader, NULL);
    if (rc) return rc;
    if (rp->rc)
        return hb_fail(err, HB_EINTERNAL,
                       "%s: cannot open the ledger: %s (the file was damaged or altered outside "
                       "habeas; restore it from an export or a backup)",
                       l->st->uri, rp->err.msg);
    l->size = rp->expect - 1;
    return 0;
}

static int sync_init(replay *rp)
{
    if (pthread_mutex_init(&rp->mu, NULL)) return HB_EINTERNAL;
    if (pthread_cond_init(&rp->cv, NULL)) {
        pthread_mutex_destroy(&rp->mu);
        return HB_EINTERNAL;
    }
    if (pipeq_init(&rp->full) == 0) {
        if (pipeq_init(&rp->free) == 0) return 0;
        pipeq_destroy(&rp->full);
    }
    pthread_cond_destroy(&rp->cv);
    pthread_mutex_destroy(&rp->mu);
    return HB_EINTERNAL;
}

int ledger_replay(ledger *l, hb_err *err)
{
    replay rp = {.st = l->st, .expect = 1};
    atomic_init(&rp.stop, false);
    atomic_init(&rp.n_taken, 0);
    rblock *blocks[BLOCKS] = {0};
    if (sync_init(&rp)) return hb_fail(err, HB_EINTERNAL, "cannot make the replay queues");
    int rc = run(l, &rp, blocks, err);
    for (int i = 0; i < BLOCKS; i++) {
        if (!blocks[i]) continue;
        arena_free(&blocks[i]->a);
        buf_free(&blocks[i]->raw);
        free(blocks[i]);
    }
    pipeq_destroy(&rp.full);
    pipeq_destroy(&rp.free);
    pthread_cond_destroy(&rp.cv);
    pthread_mutex_destroy(&rp.mu);
    return rc;
}
