/* verify: every stored record, checked against itself. A record passes when its
 * seq follows the previous one, its body decodes, re-canonicalising the decoded
 * record gives exactly the stored bytes (so no byte of it can change unnoticed,
 * even one the decoder would accept) and the leaf hash of those bytes is the
 * stored hash. The Merkle tree and the signed heads are log_verify's (log.h).
 *
 * The checks are independent record by record, so they run on every core: the
 * seqs are cut into blocks of BLOCK that workers claim in increasing order, each
 * worker reading through its own connection (the caller's store, and STORE_READ
 * ones beside it). The answer is still the one a single pass in seq order gives:
 * the error reported is the one of the lowest bad block, every block below it
 * having been checked whole, and a block's first error is its lowest bad seq. A
 * block that finds an error makes every block above it moot, so workers stop
 * claiming. Without a second connection (it cannot be opened), the caller checks
 * every block alone: slower, same answer. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ledger/ledger_internal.h"
#include "ledger/leaf.h"
#include "model/codec.h"

/* Seqs per block: small enough that two workers stay balanced when a neighbour
 * takes a core for a while, large enough that restarting the range read (a
 * B-tree seek, a few us) is lost in the block's ~1 ms of work. */
#define BLOCK 2048
#define MAX_WORKERS 8
/* Returned by a row callback that has seen the first row after its block. */
#define BLOCK_DONE 100

typedef struct {
    const char *uri;
    int64_t size;        /* the log's size when verify began: seqs 1..size at least */
    int64_t nblocks;     /* the last one has no upper end: it reads to the end of the log */
    atomic_llong next;   /* the next block to claim */
    atomic_llong bad;    /* the lowest block known bad, or nblocks */
    pthread_mutex_t mu;  /* guards the fields below */
    int64_t bad_block;   /* the block that err belongs to, or nblocks */
    int rc;              /* that block's error code */
    hb_err err;          /* its message */
    int64_t checked;     /* records known good below its first bad seq */
    int64_t last_expect; /* the last block's next seq, when it passed */
} verify_run;

typedef struct {
    verify_run *run;
    store *st; /* owned only by workers the caller started (STORE_READ) */
    arena a;   /* the decoded record's strings; reset per record */
    buf canon; /* the recomputed canonical bytes; reused */
    hb_err err;
    int64_t expect, to; /* the seq the next row must have; the block's last seq */
    pthread_t thread;
} worker;

static int verify_row(void *ctx, const store_row *row)
{
    worker *w = ctx;
    long long seq = (long long)row->seq;
    /* The first row after the block: its seq shows whether the block's end is
     * missing, which is the block's to report. */
    if (row->seq > w->to && w->expect > w->to) return BLOCK_DONE;
    if (row->seq != w->expect)
        return hb_fail(&w->err, HB_ERULE, "seq %lld: missing (the log goes from seq %lld to %lld)",
                       (long long)w->expect, (long long)(w->expect - 1), seq);
    record r;
    arena_reset(&w->a);
    buf_clear(&w->canon);
    int rc = ledger_decode_row(row, &w->a, &r, &w->err);
    if (rc) return rc;
    if (record_canonical(&w->canon, &r)) return hb_fail(&w->err, HB_EINTERNAL, "out of memory");
    if (w->canon.len != row->len || memcmp(w->canon.p, row->body, row->len) != 0)
        return hb_fail(&w->err, HB_ERULE,
                       "seq %lld: the stored bytes are not the record's canonical form (the "
                       "record was altered after it was appended)",
                       seq);
    uint8_t h[32];
    if (leaf_hash(row->body, row->len, h))
        return hb_fail(&w->err, HB_EINTERNAL, "cannot compute a leaf hash");
    if (memcmp(h, row->hash, 32) != 0) {
        char want[65], got[65];
        hex32(row->hash, want);
        hex32(h, got);
        return hb_fail(&w->err, HB_ERULE,
                       "seq %lld: the record's leaf hash is %s but the stored hash is %s (the "
                       "record or its hash was altered)",
                       seq, got, want);
    }
    w->expect++;
    return 0;
}

/* Checks block k: 0 when it passed, else its error in w->err. */
static int check_block(worker *w, int64_t k)
{
    verify_run *run = w->run;
    bool last = k == run->nblocks - 1;
    int64_t from = k * BLOCK + 1;
    w->expect = from;
    w->to = last ? INT64_MAX : from + BLOCK - 1;
    /* Read past the block's end: a gap that spans it is named with the seq after. */
    int rc = store_scan(w->st, from, -1, verify_row, w, &w->err);
    if (rc == BLOCK_DONE) return 0;
    if (rc) return rc;
    int64_t end = last ? run->size : w->to;
    if (w->expect - 1 < end)
        return hb_fail(&w->err, HB_ERULE,
                       "seq %lld: missing (the log ends at seq %lld but held %lld records when "
                       "this ledger was opened)",
                       (long long)w->expect, (long long)(w->expect - 1), (long long)run->size);
    if (last) run->last_expect = w->expect;
    return 0;
}

static void record_bad(worker *w, int64_t k, int rc)
{
    verify_run *run = w->run;
    pthread_mutex_lock(&run->mu);
    if (k < run->bad_block) {
        run->bad_block = k;
        run->rc = rc;
        run->err = w->err;
        run->checked = w->expect - 1;
        atomic_store(&run->bad, k);
    }
    pthread_mutex_unlock(&run->mu);
}

/* Claims blocks until none is left or a lower one failed. */
static void *work(void *arg)
{
    worker *w = arg;
    verify_run *run = w->run;
    for (;;) {
        int64_t k = atomic_fetch_add(&run->next, 1);
        if (k >= run->nblocks || k > atomic_load(&run->bad)) break;
        int rc = check_block(w, k);
        if (rc) record_bad(w, k, rc);
    }
    return NULL;
}

static int workers_wanted(int64_t nblocks)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    /* Two at least: on one core the second costs little, and the parallel path
     * stays the one that is tested everywhere. */
    long n = cpus < 2 ? 2 : cpus > MAX_WORKERS ? MAX_WORKERS : cpus;
    return (int)(nblocks < n ? nblocks : n);
}

static int verify_store(store *st, int64_t size, int64_t *checked, hb_err *err)
{
    verify_run run = {.uri = st->uri, .size = size};
    run.nblocks = size > 0 ? (size + BLOCK - 1) / BLOCK : 1;
    run.bad_block = run.nblocks;
    run.last_expect = 1;
    atomic_init(&run.next, 0);
    atomic_init(&run.bad, run.nblocks);
    pthread_mutex_init(&run.mu, NULL);
    worker ws[MAX_WORKERS];
    int n = workers_wanted(run.nblocks);
    for (int i = 0; i < n; i++) {
        ws[i] = (worker){.run = &run, .canon = BUF_INIT};
        arena_init(&ws[i].a, 16 * 1024);
    }
    ws[0].st = st;
    int started = 1;
    for (int i = 1; i < n; i++) {
        hb_err ignored;
        if (store_open(run.uri, STORE_READ, &ws[i].st, &ignored)) break;
        if (pthread_create(&ws[i].thread, NULL, work, &ws[i]) != 0) {
            store_close(ws[i].st);
            ws[i].st = NULL;
            break;
        }
        started++;
    }
    work(&ws[0]);
    for (int i = 1; i < started; i++)
        pthread_join(ws[i].thread, NULL);
    for (int i = 0; i < n; i++) {
        if (i > 0) store_close(ws[i].st);
        arena_free(&ws[i].a);
        buf_free(&ws[i].canon);
    }
    pthread_mutex_destroy(&run.mu);
    if (run.bad_block < run.nblocks) {
        if (checked) *checked = run.checked;
        if (err) *err = run.err;
        return run.rc;
    }
    if (checked) *checked = run.last_expect - 1;
    return 0;
}

int ledger_verify(ledger *l, int64_t *checked, hb_err *err)
{
    return verify_store(l->st, l->size, checked, err);
}

/* Without replay: a record that no longer decodes would stop ledger_open, and
 * verify must still be able to name it. */
int ledger_verify_file(const char *uri, int64_t *checked, hb_err *err)
{
    store *st;
    int64_t size = 0;
    if (checked) *checked = 0;
    int rc = store_open(uri, STORE_OPEN, &st, err);
    if (rc) return rc;
    rc = store_size(st, &size, err);
    if (!rc) rc = verify_store(st, size, checked, err);
    store_close(st);
    return rc;
}
