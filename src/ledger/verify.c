/* verify: every stored record checked against itself and, for ledger_verify_log,
 * the Merkle tree and the signed heads in the same pass (ledger.h).
 *
 * A record passes when its seq follows the previous one and the leaf hash of its
 * stored bytes is the stored hash. Deep checks add that its body decodes and
 * that re-canonicalising the decoded record gives exactly the stored bytes: by
 * default ledger_verify_log leaves that out, since ledger_open decodes every
 * record at every open anyway and the hashes bind the bytes to the signed heads,
 * while ledger_verify and ledger_verify_file (the records alone) keep it.
 *
 * The checks are independent block by block, so they run on every core: the
 * seqs are cut into the aligned blocks of LOG_BLOCK of log.h, that workers claim
 * in increasing order, each reading through its own connection (the caller's
 * store, and STORE_READ ones beside it) in one read snapshot. With the tree, a
 * worker hands its block's leaf hashes to log_check_block; once all are done,
 * log_check_top checks what lies above the blocks. The answer is still the one a
 * single pass in seq order gives: failures are ranked (log.h), a block's lies in
 * the block, so the lowest bad block holds the lowest ranked one, every block
 * below it having been checked whole. A bad block makes every block above it
 * moot, so workers stop claiming. Without a second connection (it cannot be
 * opened), the caller checks every block alone: slower, same answer.
 *
 * Hashing is most of the work, so a worker hashes a block's records together
 * (hash_batch.h: one per SIMD lane, 16 at once with AVX-512), not row by row: rows are
 * checked for their seq (and with deep, their form) as they are read, their
 * bodies queued, and once the block is read its leaf hashes are computed and
 * compared in seq order. The first mismatch then stands for the whole block,
 * whatever was met after it while reading: a pass in seq order would have
 * stopped there. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ledger/ledger_internal.h"
#include "ledger/leaf.h"
#include "model/codec.h"

#define MAX_WORKERS 8
/* Returned by a row callback that has seen the first row after its block. */
#define BLOCK_DONE 100

typedef struct {
    const char *uri;
    bool deep;           /* decode and re-canonicalise each record */
    bool read_past;      /* the last block reads on to the log's end (records only) */
    log_check *tree;     /* the tree and heads to check too, or NULL */
    int64_t size;        /* the log's size when verify began: seqs 1..size at least */
    int64_t nblocks;     /* the last one ends at size, or with read_past at the log's end */
    atomic_llong next;   /* the next block to claim */
    atomic_llong bad;    /* the lowest block known bad, or nblocks */
    pthread_mutex_t mu;  /* guards the fields below */
    log_fail fail;       /* the lowest ranked failure so far */
    int64_t last_expect; /* the last block's next seq, when it passed */
} verify_run;

typedef struct {
    /* Workers sit side by side in an array and write their fields at every row:
     * one cache line each (measured at 10M events: 2.7 s, against 3.5 s when
     * two workers' fields shared a line). */
    _Alignas(64) verify_run *run;
    store *st; /* owned only by workers the caller started (STORE_READ) */
    arena a;   /* the decoded record's strings; reset per record */
    buf canon; /* the recomputed canonical bytes; reused */
    log_fail fail;
    int64_t expect, to;    /* the seq the next row must have; the block's last seq */
    hash_batch *hb;        /* this worker's; freed by workers_free */
    uint8_t (*leaves)[32]; /* the block's leaf hashes, written by hash_batch_run; malloc'd */
    uint8_t (*want)[32];   /* the stored hashes of the same rows; malloc'd */
    size_t n;              /* rows queued: seqs expect - n .. expect - 1 */
    pthread_t thread;
} worker;

static int record_fail(worker *w, int rc, const char *msg)
{
    return log_fail_set(&w->fail, w->expect, LOG_FAIL_RECORD, rc, "%s", msg);
}

/* Decodes the row and compares its canonical form with the stored bytes. */
static int check_deep(worker *w, const store_row *row)
{
    record r;
    hb_err e = {0};
    arena_reset(&w->a);
    buf_clear(&w->canon);
    int rc = ledger_decode_row(row, &w->a, &r, &e);
    if (rc) return record_fail(w, rc, e.msg);
    if (record_canonical(&w->canon, &r)) return record_fail(w, HB_EINTERNAL, "out of memory");
    if (w->canon.len != row->len || memcmp(w->canon.p, row->body, row->len) != 0)
        return log_fail_set(&w->fail, row->seq, LOG_FAIL_RECORD, HB_ERULE,
                            "seq %lld: the stored bytes are not the record's canonical form (the "
                            "record was altered after it was appended)",
                            (long long)row->seq);
    return 0;
}

/* Hashes the queued rows and compares each with its stored hash. On the first
 * mismatch that row's failure replaces whatever the block had (only rows after
 * it can have failed), n becomes the count of good leaves before it, and
 * HB_ERULE is returned. */
static int check_hashes(worker *w)
{
    hash_batch_run(w->hb);
    for (size_t i = 0; i < w->n; i++) {
        if (memcmp(w->leaves[i], w->want[i], 32) == 0) continue;
        int64_t seq = w->expect - (int64_t)(w->n - i);
        char want[65], got[65];
        hex32(w->want[i], want);
        hex32(w->leaves[i], got);
        w->n = i;
        log_fail_init(&w->fail);
        return log_fail_set(&w->fail, seq, LOG_FAIL_RECORD, HB_ERULE,
                            "seq %lld: the record's leaf hash is %s but the stored hash is %s "
                            "(the record or its hash was altered)",
                            (long long)seq, got, want);
    }
    return 0;
}

static int verify_row(void *ctx, const store_row *row)
{
    worker *w = ctx;
    /* The first row after the block: its seq shows whether the block's end is
     * missing, which is the block's to report. */
    if (row->seq > w->to && w->expect > w->to) return BLOCK_DONE;
    if (row->seq != w->expect)
        return log_fail_set(&w->fail, w->expect, LOG_FAIL_RECORD, HB_ERULE,
                            "seq %lld: missing (the log goes from seq %lld to %lld)",
                            (long long)w->expect, (long long)(w->expect - 1), (long long)row->seq);
    int rc = w->run->deep ? check_deep(w, row) : 0;
    if (rc) return rc;
    /* Only a block read past its end (records alone, no tree) holds more rows
     * than leaves: those checked so far are done with. */
    if (w->n == (size_t)LOG_BLOCK) {
        if ((rc = check_hashes(w))) return rc;
        w->n = 0;
    }
    if (leaf_hash_add(w->hb, row->body, row->len, w->leaves[w->n]))
        return record_fail(w, HB_EINTERNAL, "out of memory for the records' hashes");
    memcpy(w->want[w->n++], row->hash, 32);
    w->expect++;
    return 0;
}

/* Checks block k: true when it passed, else its first failure is in w->fail. */
static bool check_block(worker *w, int64_t k)
{
    verify_run *run = w->run;
    bool last = k == run->nblocks - 1;
    int64_t from = k * LOG_BLOCK + 1;
    log_fail_init(&w->fail);
    w->expect = from;
    w->n = 0;
    w->to = !last ? from + LOG_BLOCK - 1 : run->read_past ? INT64_MAX : run->size;
    /* Read past the block's end: a gap that spans it is named with the seq after. */
    hb_err e = {0};
    int rc = store_scan(w->st, from, -1, verify_row, w, &e);
    /* The store's own failures: a stored hash that is not 32 bytes (HB_ERULE, at
     * the row after the last good one), or a read that failed. */
    if (rc && rc != BLOCK_DONE && w->fail.pos == INT64_MAX)
        log_fail_set(&w->fail, rc == HB_ERULE ? w->expect : from,
                     rc == HB_ERULE ? LOG_FAIL_RECORD : LOG_FAIL_STORAGE, rc, "%s", e.msg);
    int64_t end = last ? run->size : w->to;
    if ((!rc || rc == BLOCK_DONE) && w->expect - 1 < end)
        log_fail_set(&w->fail, w->expect, LOG_FAIL_RECORD, HB_ERULE,
                     "seq %lld: missing (the log ends at seq %lld but held %lld records when "
                     "this ledger was opened)",
                     (long long)w->expect, (long long)(w->expect - 1), (long long)run->size);
    check_hashes(w);
    if (run->tree) log_check_block(run->tree, w->st, k, w->leaves, w->n, w->hb, &w->fail);
    if (w->fail.pos != INT64_MAX) return false;
    if (last) run->last_expect = w->expect;
    return true;
}

static void record_bad(worker *w, int64_t k)
{
    verify_run *run = w->run;
    pthread_mutex_lock(&run->mu);
    if (log_fail_before(&run->fail, w->fail.pos, w->fail.kind)) {
        run->fail = w->fail;
        if (k < atomic_load(&run->bad)) atomic_store(&run->bad, k);
    }
    pthread_mutex_unlock(&run->mu);
}

/* Claims blocks until none is left or a lower one failed. */
static void *work(void *arg)
{
    worker *w = arg;
    verify_run *run = w->run;
    hb_err ignored;
    /* One snapshot for all the worker's reads: the locks are taken once, not per
     * block. Without it every read still works, each in its own. */
    bool snap = store_read_begin(w->st, &ignored) == 0;
    for (;;) {
        int64_t k = atomic_fetch_add(&run->next, 1);
        if (k >= run->nblocks || k > atomic_load(&run->bad)) break;
        if (!check_block(w, k)) record_bad(w, k);
    }
    if (snap) store_read_end(w->st);
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

static void workers_free(worker *ws, int n)
{
    for (int i = 0; i < n; i++) {
        if (i > 0) store_close(ws[i].st);
        arena_free(&ws[i].a);
        buf_free(&ws[i].canon);
        hash_batch_free(ws[i].hb);
        free(ws[i].leaves);
        free(ws[i].want);
    }
}

/* Runs the workers over run's blocks, the caller's st for the first one. */
static int run_blocks(verify_run *run, store *st, hb_err *err)
{
    worker ws[MAX_WORKERS];
    int n = workers_wanted(run->nblocks);
    for (int i = 0; i < n; i++) {
        ws[i] = (worker){.run = run, .canon = BUF_INIT};
        arena_init(&ws[i].a, 16 * 1024);
        int rc = hash_batch_new(&ws[i].hb, err);
        if (!rc && (!(ws[i].leaves = malloc(LOG_BLOCK * sizeof *ws[i].leaves)) ||
                    !(ws[i].want = malloc(LOG_BLOCK * sizeof *ws[i].want))))
            rc = hb_fail(err, HB_EINTERNAL, "out of memory for verify's worker %d", i);
        if (rc) {
            workers_free(ws, i + 1);
            return rc;
        }
    }
    ws[0].st = st;
    int started = 1;
    for (int i = 1; i < n; i++) {
        hb_err ignored;
        if (store_open(run->uri, STORE_READ, &ws[i].st, &ignored)) break;
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
    workers_free(ws, n);
    return 0;
}

/* The pass: the records of seqs 1..size (on with read_past), and with tree the
 * tree and heads, the log's root into root. *checked as ledger_verified's
 * records. */
static int verify_store(store *st, int64_t size, bool deep, bool read_past, log_check *tree,
                        int64_t *checked, uint8_t root[32], hb_err *err)
{
    verify_run run = {
        .uri = st->uri, .deep = deep, .read_past = read_past, .tree = tree, .size = size};
    run.nblocks = size > 0 ? (size + LOG_BLOCK - 1) / LOG_BLOCK : 1;
    run.last_expect = 1;
    log_fail_init(&run.fail);
    atomic_init(&run.next, 0);
    atomic_init(&run.bad, run.nblocks);
    pthread_mutex_init(&run.mu, NULL);
    int rc = run_blocks(&run, st, err);
    pthread_mutex_destroy(&run.mu);
    if (rc) return rc;
    if (tree)
        log_check_top(tree, st, run.fail.pos == INT64_MAX ? size + 1 : run.fail.pos, &run.fail,
                      root);
    if (run.fail.pos != INT64_MAX) {
        /* Records below a failure passed; a node or head fails at the last seq it
         * needs, which passed too. */
        if (checked) *checked = run.fail.pos - (run.fail.kind <= LOG_FAIL_RECORD);
        if (err) *err = run.fail.err;
        return run.fail.rc;
    }
    if (checked) *checked = read_past ? run.last_expect - 1 : size;
    return 0;
}

int ledger_verify(ledger *l, int64_t *checked, hb_err *err)
{
    return verify_store(l->st, l->size, true, true, NULL, checked, NULL, err);
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
    if (!rc) rc = verify_store(st, size, true, true, NULL, checked, NULL, err);
    store_close(st);
    return rc;
}

int ledger_verify_log(const char *uri, unsigned flags, ledger_verified *out, hb_err *err)
{
    *out = (ledger_verified){0};
    store *st;
    int rc = store_open(uri, STORE_READ, &st, err);
    if (rc) return rc;
    log_check *tree = NULL; /* freed below */
    int64_t size = 0;
    rc = log_check_open(st, &tree, &size, &out->heads, err);
    if (!rc)
        rc = verify_store(st, size, flags & LEDGER_VERIFY_DEEP, false, tree, &out->records,
                          out->root, err);
    log_check_free(tree);
    store_close(st);
    return rc;
}
