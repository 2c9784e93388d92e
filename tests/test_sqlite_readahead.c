/* sqlite_readahead: the VFS read-only connections use (src/store/sqlite_readahead.h).
 * A scan through it gives exactly the rows a plain read gives and is served
 * from large reads; short reads never fill a window; a window never outlives
 * its read transaction, so a reader sees what a writer committed and
 * checkpointed since, also while the writer runs beside it; $HABEAS_READAHEAD
 * turns it off or is refused. */
#include "testutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/sqlite_internal.h"
#include "store/sqlite_readahead.h"
#include "store/store.h"

/* Row seq's body: 200..799 bytes, each a function of seq and its place. */
static size_t body_len(int64_t seq)
{
    return 200 + (size_t)(seq * 37 % 600);
}

static void body_of(int64_t seq, uint8_t *out)
{
    for (size_t i = 0; i < body_len(seq); i++)
        out[i] = (uint8_t)(seq * 131 + (int64_t)i * 7);
}

static void append_rows(store *st, int64_t from, int64_t n)
{
    hb_err e = {0};
    uint8_t body[800], hash[32];
    assert_int_equal(store_begin(st, &e), 0);
    for (int64_t seq = from; seq < from + n; seq++) {
        body_of(seq, body);
        memset(hash, (int)(seq & 0xff), sizeof hash);
        store_row r = {.seq = seq, .body = body, .len = body_len(seq), .hash = hash};
        assert_int_equal(store_append(st, &r, 1, &e), 0);
    }
    assert_int_equal(store_commit(st, &e), 0);
}

static void checkpoint(store *st)
{
    sqlite_store *s = (sqlite_store *)st;
    assert_int_equal(sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                     SQLITE_OK);
}

typedef struct {
    int64_t next; /* the seq the next row must have */
    bool bad;
} scan_check;

static int check_row(void *ctx, const store_row *row)
{
    scan_check *c = ctx;
    uint8_t want[800];
    body_of(row->seq, want);
    if (row->seq != c->next || row->len != body_len(row->seq) ||
        memcmp(row->body, want, row->len) != 0 || row->hash[0] != (uint8_t)(row->seq & 0xff)) {
        c->bad = true;
        return 1;
    }
    c->next++;
    return 0;
}

/* Scans st whole in one read transaction; the rows it saw, all checked. */
static int64_t scan_all(store *st)
{
    hb_err e = {0};
    scan_check c = {.next = 1};
    assert_int_equal(store_read_begin(st, &e), 0);
    int rc = store_scan(st, 1, -1, check_row, &c, &e);
    store_read_end(st);
    assert_false(c.bad);
    assert_int_equal(rc, 0);
    return c.next - 1;
}

static const char *new_ledger(store **w, int64_t rows)
{
    const char *path = tu_path(tu_tmpdir(), "ra.db");
    hb_err e = {0};
    assert_int_equal(store_open(path, STORE_CREATE, w, &e), 0);
    append_rows(*w, 1, rows);
    checkpoint(*w);
    return path;
}

static sqlite_ra_stats stats_now(void)
{
    sqlite_ra_stats s;
    sqlite_readahead_stats(&s);
    return s;
}

static void test_scan_reads_ahead(void **state)
{
    (void)state;
    store *w, *r;
    hb_err e = {0};
    const char *path = new_ledger(&w, 6000); /* ~3 MB: a dozen windows */
    sqlite_ra_stats before = stats_now();
    assert_int_equal(store_open(path, STORE_READ, &r, &e), 0);
    assert_int_equal(scan_all(r), 6000);
    store_close(r);
    sqlite_ra_stats after = stats_now();
    uint64_t reads = after.reads - before.reads, hits = after.hits - before.hits;
    uint64_t fills = after.fills - before.fills;
    assert_true(fills >= 4);
    /* Every page but the first few of the run came from a window. */
    assert_true(hits * 10 >= reads * 8);
    /* A window is many pages: far fewer reads of the file than of pages. */
    assert_true(fills * 8 <= hits);
    store_close(w);
}

static void test_short_reads_never_fill(void **state)
{
    (void)state;
    store *w, *r;
    hb_err e = {0};
    const char *path = new_ledger(&w, 6000);
    sqlite_ra_stats before = stats_now();
    assert_int_equal(store_open(path, STORE_READ, &r, &e), 0);
    /* What a proof reads: a few rows here and there, each its own transaction. */
    for (int64_t seq = 17; seq <= 6000; seq += 397) {
        scan_check c = {.next = seq};
        assert_int_equal(store_read_begin(r, &e), 0);
        assert_int_equal(store_scan(r, seq, seq + 15, check_row, &c, &e), 0);
        store_read_end(r);
        assert_false(c.bad);
        assert_int_equal(c.next, seq + 16);
    }
    store_close(r);
    sqlite_ra_stats after = stats_now();
    assert_true(after.reads > before.reads);
    assert_int_equal(after.fills - before.fills, 0);
    store_close(w);
}

/* The window of one transaction holds the file's last pages; the writer then
 * changes them (appends, and a checkpoint copies them into the file). The next
 * transaction must read them anew. */
static void test_window_dies_with_its_transaction(void **state)
{
    (void)state;
    store *w, *r;
    hb_err e = {0};
    const char *path = new_ledger(&w, 3000);
    assert_int_equal(store_open(path, STORE_READ, &r, &e), 0);
    int64_t n = 3000;
    for (int round = 0; round < 20; round++) {
        assert_int_equal(scan_all(r), n);
        append_rows(w, n + 1, 7 + round * 13);
        n += 7 + round * 13;
        checkpoint(w);
    }
    assert_int_equal(scan_all(r), n);
    store_close(r);
    store_close(w);
}

typedef struct {
    store *w;
    atomic_bool stop;
    atomic_llong committed;
} writer_run;

static void *writer(void *arg)
{
    writer_run *run = arg;
    int64_t n = atomic_load(&run->committed);
    for (int i = 0; !atomic_load(&run->stop) && i < 400; i++) {
        append_rows(run->w, n + 1, 25);
        n += 25;
        atomic_store(&run->committed, n);
        if (i % 5 == 4) {
            /* Passive: never waits for the reader, copies what it may. */
            sqlite_store *s = (sqlite_store *)run->w;
            sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        }
    }
    return NULL;
}

/* A reader scans again and again while the writer appends and checkpoints:
 * each scan is one snapshot, whole and in order, never older than what was
 * committed when it began. */
static void test_scans_beside_a_writer(void **state)
{
    (void)state;
    store *r;
    hb_err e = {0};
    writer_run run = {0};
    const char *path = new_ledger(&run.w, 3000);
    atomic_init(&run.committed, 3000);
    atomic_init(&run.stop, false);
    assert_int_equal(store_open(path, STORE_READ, &r, &e), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, writer, &run), 0);
    int64_t last = 0;
    for (int i = 0; i < 60; i++) {
        int64_t floor = atomic_load(&run.committed);
        int64_t got = scan_all(r);
        assert_true(got >= floor);
        assert_true(got >= last);
        last = got;
    }
    atomic_store(&run.stop, true);
    pthread_join(t, NULL);
    assert_int_equal(scan_all(r), atomic_load(&run.committed));
    store_close(r);
    store_close(run.w);
}

static void test_env_off_and_refused(void **state)
{
    (void)state;
    store *w, *r;
    hb_err e = {0};
    const char *path = new_ledger(&w, 3000);
    setenv("HABEAS_READAHEAD", "0", 1);
    sqlite_ra_stats before = stats_now();
    assert_int_equal(store_open(path, STORE_READ, &r, &e), 0);
    assert_int_equal(scan_all(r), 3000);
    store_close(r);
    sqlite_ra_stats after = stats_now();
    assert_int_equal(after.reads, before.reads); /* not through the VFS at all */

    setenv("HABEAS_READAHEAD", "yes", 1);
    r = NULL;
    assert_int_equal(store_open(path, STORE_READ, &r, &e), HB_EINPUT);
    assert_null(r);
    assert_non_null(strstr(e.msg, "HABEAS_READAHEAD is 'yes'"));
    assert_non_null(strstr(e.msg, "must be unset, 1"));
    /* Refused before any file is made. */
    const char *fresh = tu_path(tu_tmpdir(), "new.db");
    assert_int_equal(store_open(fresh, STORE_CREATE, &r, &e), HB_EINPUT);
    assert_null(fopen(fresh, "r"));

    setenv("HABEAS_READAHEAD", "1", 1);
    assert_int_equal(store_open(path, STORE_READ, &r, &e), 0);
    assert_int_equal(scan_all(r), 3000);
    store_close(r);
    assert_true(stats_now().fills > after.fills);
    unsetenv("HABEAS_READAHEAD");
    store_close(w);
}

int main(void)
{
    unsetenv("HABEAS_READAHEAD");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_reads_ahead),
        cmocka_unit_test(test_short_reads_never_fill),
        cmocka_unit_test(test_window_dies_with_its_transaction),
        cmocka_unit_test(test_scans_beside_a_writer),
        cmocka_unit_test(test_env_off_and_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
