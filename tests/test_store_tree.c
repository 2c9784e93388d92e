/* store_tree: the SQLite backend's Merkle tree nodes, leaf-hash range reads and
 * signed tree heads: round trips, ranges, transactions, the append-only triggers,
 * read-only connections, ledgers made before these tables, read snapshots
 * (read_begin/read_end) and the log reads that run inside one, and the node
 * cache the connections of a process share (sharing, rollbacks, eviction, the
 * preload, its setting, and proofs through cached and uncached connections;
 * test_tree_cache.c tests it under threads). */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ledger/log.h"
#include "ledger/merkle.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

#define INDEX_MAX (((int64_t)1 << 48) - 1)

static const char *new_path(void)
{
    return tu_path(tu_tmpdir(), "ledger.db");
}

static store *open_as(const char *path, store_mode mode)
{
    store *s = NULL;
    hb_err e = {0};
    int rc = store_open(path, mode, &s, &e);
    if (rc) fail_msg("open %s (mode %d): %s", path, (int)mode, e.msg);
    return s;
}

/* Events 1..n appended (one transaction) with leaf hash bytes all equal to seq. */
static void append_events(store *s, int64_t from, int64_t n)
{
    hb_err e = {0};
    assert_int_equal(store_begin(s, &e), 0);
    for (int64_t i = from; i < from + n; i++) {
        uint8_t h[32];
        memset(h, (int)i, 32);
        store_row r = {i, (const uint8_t *)"{}", 2, h};
        assert_int_equal(store_append(s, &r, 1, &e), 0);
    }
    assert_int_equal(store_commit(s, &e), 0);
}

static store_node node(int level, int64_t index, int fill)
{
    store_node n = {.level = level, .index = index};
    memset(n.hash, fill, 32);
    return n;
}

static void expect_node(store *s, int level, int64_t index, int fill)
{
    uint8_t out[32], want[32];
    memset(want, fill, 32);
    bool found = false;
    hb_err e = {0};
    assert_int_equal(store_tree_get(s, level, index, out, &found, &e), 0);
    assert_true(found);
    assert_memory_equal(out, want, 32);
}

static void expect_no_node(store *s, int level, int64_t index)
{
    uint8_t out[32];
    bool found = true;
    hb_err e = {0};
    assert_int_equal(store_tree_get(s, level, index, out, &found, &e), 0);
    assert_false(found);
}

static void put_nodes(store *s, const store_node *n, size_t k)
{
    hb_err e = {0};
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_tree_put(s, n, k, &e), 0);
    assert_int_equal(store_commit(s, &e), 0);
}

static char *sh(const char *fmt, const char *path)
{
    char *out = NULL;
    tu_sh(&out, 1, fmt, path);
    return out;
}

static void tree_put_get_round_trip(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = open_as(p, STORE_CREATE);
    store_node n[] = {node(4, 0, 0xa1), node(5, 7, 0xa2), node(63, 0, 0xa3),
                      node(0, INDEX_MAX, 0xa4), node(63, INDEX_MAX, 0xa5)};
    put_nodes(s, n, 5);
    for (size_t i = 0; i < 5; i++)
        expect_node(s, n[i].level, n[i].index, n[i].hash[0]);
    expect_no_node(s, 4, 1);
    expect_no_node(s, 6, 7);
    expect_no_node(s, 62, 0);
    store_close(s);

    s = open_as(p, STORE_OPEN); /* durable */
    for (size_t i = 0; i < 5; i++)
        expect_node(s, n[i].level, n[i].index, n[i].hash[0]);
    store_close(s);
    /* The documented id: level << 48 | index. */
    char *out = NULL;
    assert_int_equal(
        tu_sh(&out, 1, "sqlite3 '%s' \"SELECT id FROM tree WHERE hex(hash) LIKE 'A2%%'\"", p), 0);
    char want[32];
    snprintf(want, sizeof want, "%lld\n", (long long)((int64_t)5 << 48 | 7));
    assert_string_equal(out, want);
    free(out);
}

static void tree_refuses_out_of_range_nodes(void **st)
{
    (void)st;
    store *s = open_as(new_path(), STORE_CREATE);
    hb_err e = {0};
    uint8_t out[32];
    bool found = true;
    const int levels[] = {64, -1, 4, 4};
    const int64_t idx[] = {0, 0, INDEX_MAX + 1, -1};
    for (int i = 0; i < 4; i++) {
        e = (hb_err){0};
        assert_int_equal(store_tree_get(s, levels[i], idx[i], out, &found, &e), HB_EINTERNAL);
        assert_non_null(strstr(e.msg, "is out of range"));
        assert_false(found);
    }
    /* A bad node in a batch: the caller rolls back, and nothing of it stays. */
    store_node bad[] = {node(4, 0, 1), node(64, 0, 2)};
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_tree_put(s, bad, 2, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "(level 64, index 0) is out of range"));
    assert_int_equal(store_rollback(s, &e), 0);
    expect_no_node(s, 4, 0);
    store_close(s);
}

static void tree_put_again(void **st)
{
    (void)st;
    store *s = open_as(new_path(), STORE_CREATE);
    store_node a = node(4, 3, 0x11);
    put_nodes(s, &a, 1);
    put_nodes(s, &a, 1); /* the same hash again changes nothing */
    expect_node(s, 4, 3, 0x11);
    store_node b = node(4, 3, 0x22);
    hb_err e = {0};
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_tree_put(s, &b, 1, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "(level 4, index 3) is already stored with a different hash"));
    assert_int_equal(store_rollback(s, &e), 0);
    expect_node(s, 4, 3, 0x11);
    store_close(s);
}

static void tree_and_heads_need_a_transaction(void **st)
{
    (void)st;
    store *s = open_as(new_path(), STORE_CREATE);
    store_node a = node(4, 0, 1);
    hb_err e = {0};
    assert_int_equal(store_tree_put(s, &a, 1, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "outside a write transaction"));
    store_head h = {.size = 1, .timestamp = "2025-01-01T00:00:00.000000Z", .note = "n"};
    e = (hb_err){0};
    assert_int_equal(store_head_append(s, &h, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "outside a write transaction"));
    expect_no_node(s, 4, 0);
    bool found = true;
    assert_int_equal(store_head_latest(s, &h, &found, &e), 0);
    assert_false(found);
    store_close(s);
}

static void expect_leaves(store *s, int64_t from, size_t n, size_t want_got)
{
    uint8_t out[64][32];
    size_t got = 999;
    hb_err e = {0};
    assert_true(n <= 64);
    assert_int_equal(store_leaf_hashes(s, from, n, out, &got, &e), 0);
    assert_int_equal(got, want_got);
    for (size_t i = 0; i < got; i++) {
        uint8_t h[32];
        memset(h, (int)(from + (int64_t)i), 32);
        assert_memory_equal(out[i], h, 32);
    }
}

static void leaf_hashes_ranges(void **st)
{
    (void)st;
    store *s = open_as(new_path(), STORE_CREATE);
    expect_leaves(s, 1, 16, 0); /* empty log */
    append_events(s, 1, 40);
    expect_leaves(s, 1, 5, 5);    /* start */
    expect_leaves(s, 17, 16, 16); /* middle */
    expect_leaves(s, 35, 10, 6);  /* past the end */
    expect_leaves(s, 40, 1, 1);
    expect_leaves(s, 41, 3, 0);
    expect_leaves(s, 1000, 3, 0);
    expect_leaves(s, 3, 0, 0);
    expect_leaves(s, INT64_MAX - 1, 8, 0); /* from + n past INT64_MAX */

    uint8_t out[4][32];
    size_t got = 999;
    hb_err e = {0};
    assert_int_equal(store_leaf_hashes(s, 0, 4, out, &got, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "seqs start at 1"));
    assert_int_equal(got, 0);

    /* Inside a transaction: the rows appended so far, not yet committed. */
    assert_int_equal(store_begin(s, &e), 0);
    uint8_t h[32];
    memset(h, 41, 32);
    store_row r = {41, (const uint8_t *)"{}", 2, h};
    assert_int_equal(store_append(s, &r, 1, &e), 0);
    expect_leaves(s, 39, 4, 3);
    assert_int_equal(store_rollback(s, &e), 0);
    expect_leaves(s, 39, 4, 2);
    store_close(s);
}

static void leaf_hashes_refuse_a_damaged_log(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = open_as(p, STORE_CREATE);
    append_events(s, 1, 6);
    store_close(s);
    assert_int_equal(tu_sh(NULL, 1,
                           "sqlite3 '%s' \"DROP TRIGGER events_append_only_delete; "
                           "DROP TRIGGER events_append_only_update; "
                           "DELETE FROM events WHERE seq = 3; "
                           "UPDATE events SET hash = x'0102' WHERE seq = 5\"",
                           p),
                     0);
    s = open_as(p, STORE_OPEN);
    uint8_t out[8][32];
    size_t got;
    hb_err e = {0};
    assert_int_equal(store_leaf_hashes(s, 1, 8, out, &got, &e), HB_ERULE);
    assert_string_equal(e.msg, "seq 3 is missing from the log (the next stored is 4)");
    assert_int_equal(got, 2);
    e = (hb_err){0};
    assert_int_equal(store_leaf_hashes(s, 4, 4, out, &got, &e), HB_ERULE);
    assert_string_equal(e.msg, "seq 5: the stored hash has 2 bytes, not 32");
    expect_leaves(s, 6, 4, 1);
    store_close(s);
}

static store_head head(int64_t size, int fill, const char *note)
{
    store_head h = {.size = size};
    memset(h.root, fill, 32);
    snprintf(h.timestamp, sizeof h.timestamp, "2025-03-15T21:25:%02u.000000Z",
             (unsigned)fill % 60u);
    snprintf(h.note, sizeof h.note, "%s", note);
    return h;
}

typedef struct {
    int64_t ids[8], sizes[8];
    int n, stop_after;
    store *nested; /* scan the heads again from inside the callback */
} heads_seen;

static int see_head(void *ctx, const store_head *h)
{
    heads_seen *c = ctx;
    c->ids[c->n] = h->id;
    c->sizes[c->n++] = h->size;
    if (c->nested) {
        heads_seen inner = {.n = 0};
        hb_err e = {0};
        assert_int_equal(store_head_scan(c->nested, see_head, &inner, &e), 0);
        assert_int_equal(inner.n, 3);
    }
    return c->n == c->stop_after ? 42 : 0;
}

static void heads_append_latest_scan(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = open_as(p, STORE_CREATE);
    hb_err e = {0};
    store_head got;
    bool found = true;
    assert_int_equal(store_head_latest(s, &got, &found, &e), 0);
    assert_false(found);
    heads_seen c = {.n = 0};
    assert_int_equal(store_head_scan(s, see_head, &c, &e), 0);
    assert_int_equal(c.n, 0);

    static char big[STORE_NOTE_MAX];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    store_head h[3] = {head(1, 1, "first\n"), head(16, 2, "second\n"), head(40, 3, big)};
    int64_t last_id = 0;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(store_begin(s, &e), 0);
        assert_int_equal(store_head_append(s, &h[i], &e), 0);
        assert_int_equal(store_commit(s, &e), 0);
        assert_true(h[i].id > last_id);
        last_id = h[i].id;
    }
    store_close(s);

    s = open_as(p, STORE_OPEN);
    assert_int_equal(store_head_latest(s, &got, &found, &e), 0);
    assert_true(found);
    assert_int_equal(got.id, h[2].id);
    assert_int_equal(got.size, 40);
    assert_memory_equal(got.root, h[2].root, 32);
    assert_string_equal(got.timestamp, h[2].timestamp);
    assert_int_equal(strlen(got.note), STORE_NOTE_MAX - 1);
    assert_string_equal(got.note, big);

    c = (heads_seen){.n = 0, .nested = s};
    assert_int_equal(store_head_scan(s, see_head, &c, &e), 0);
    assert_int_equal(c.n, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(c.ids[i], h[i].id);
    assert_int_equal(c.sizes[1], 16);
    c = (heads_seen){.n = 0, .stop_after = 2};
    assert_int_equal(store_head_scan(s, see_head, &c, &e), 42);
    assert_int_equal(c.n, 2);
    c = (heads_seen){.n = 0}; /* the stopped scan left its statement ready */
    assert_int_equal(store_head_scan(s, see_head, &c, &e), 0);
    assert_int_equal(c.n, 3);
    store_close(s);
}

static void head_append_refuses_a_malformed_head(void **st)
{
    (void)st;
    store *s = open_as(new_path(), STORE_CREATE);
    hb_err e = {0};
    store_head h = head(5, 1, "n");
    memset(h.note, 'x', sizeof h.note); /* no NUL */
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_head_append(s, &h, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "unterminated timestamp or note"));
    h = head(-1, 1, "n");
    assert_int_equal(store_head_append(s, &h, &e), HB_EINTERNAL);
    assert_int_equal(store_commit(s, &e), 0);
    bool found = true;
    assert_int_equal(store_head_latest(s, &h, &found, &e), 0);
    assert_false(found);
    store_close(s);
}

/* Only a hand-edited file gets here: a row the triggers let in (INSERT) but
 * that does not fit the store's shapes. */
static void reads_refuse_hand_edited_rows(void **st)
{
    (void)st;
    const char *p = new_path();
    store_close(open_as(p, STORE_CREATE));
    assert_int_equal(tu_sh(NULL, 1,
                           "sqlite3 '%s' \"INSERT INTO tree(id, hash) VALUES (%lld, x'0102'); "
                           "INSERT INTO heads(size, root, timestamp, note) "
                           "VALUES (1, x'01', 't', 'n')\"",
                           p, (long long)((int64_t)4 << 48 | 9)),
                     0);
    store *s = open_as(p, STORE_OPEN);
    uint8_t out[32];
    bool found = true;
    hb_err e = {0};
    assert_int_equal(store_tree_get(s, 4, 9, out, &found, &e), HB_ERULE);
    assert_string_equal(e.msg,
                        "Merkle tree node (level 4, index 9): the stored hash has 2 bytes, not 32");
    assert_false(found);
    store_head h;
    e = (hb_err){0};
    assert_int_equal(store_head_latest(s, &h, &found, &e), HB_ERULE);
    assert_non_null(strstr(e.msg, "stored root of 1 bytes"));
    assert_false(found);
    heads_seen c = {.n = 0};
    e = (hb_err){0};
    assert_int_equal(store_head_scan(s, see_head, &c, &e), HB_ERULE);
    assert_int_equal(c.n, 0);
    store_close(s);
}

static void rollback_leaves_nothing(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = open_as(p, STORE_CREATE);
    hb_err e = {0};
    assert_int_equal(store_begin(s, &e), 0);
    uint8_t lh[32] = {7};
    store_row r = {1, (const uint8_t *)"{}", 2, lh};
    assert_int_equal(store_append(s, &r, 1, &e), 0);
    store_node n = node(4, 0, 0x33);
    assert_int_equal(store_tree_put(s, &n, 1, &e), 0);
    store_head h = head(1, 9, "rolled back");
    assert_int_equal(store_head_append(s, &h, &e), 0);
    expect_node(s, 4, 0, 0x33); /* seen inside the transaction */
    assert_int_equal(store_rollback(s, &e), 0);

    expect_no_node(s, 4, 0);
    bool found = true;
    assert_int_equal(store_head_latest(s, &h, &found, &e), 0);
    assert_false(found);
    /* The same node with another hash goes in: nothing of the first stayed. */
    n = node(4, 0, 0x44);
    put_nodes(s, &n, 1);
    expect_node(s, 4, 0, 0x44);
    store_close(s);
    char *out = sh("sqlite3 '%s' 'SELECT count(*) FROM heads; SELECT count(*) FROM events'", p);
    assert_string_equal(out, "0\n0\n");
    free(out);
}

static void triggers_make_tree_and_heads_append_only(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = open_as(p, STORE_CREATE);
    store_node n = node(4, 0, 0x55);
    store_head h = head(16, 5, "kept");
    hb_err e = {0};
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_tree_put(s, &n, 1, &e), 0);
    assert_int_equal(store_head_append(s, &h, &e), 0);
    assert_int_equal(store_commit(s, &e), 0);
    store_close(s);

    const struct {
        const char *sql, *msg;
    } tries[] = {
        {"UPDATE tree SET hash = x'00'", "the habeas Merkle tree is append-only: nodes cannot be "
                                         "changed"},
        {"DELETE FROM tree", "the habeas Merkle tree is append-only: nodes cannot be deleted"},
        {"UPDATE heads SET size = 1", "the habeas tree heads are append-only: heads cannot be "
                                      "changed"},
        {"DELETE FROM heads", "the habeas tree heads are append-only: heads cannot be deleted"},
    };
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        char *out = NULL;
        assert_int_not_equal(tu_sh(&out, 1, "sqlite3 '%s' \"%s\"", p, tries[i].sql), 0);
        if (!strstr(out, tries[i].msg)) fail_msg("%s: got %s", tries[i].sql, out);
        free(out);
    }
    s = open_as(p, STORE_OPEN);
    expect_node(s, 4, 0, 0x55);
    bool found = false;
    store_head got;
    assert_int_equal(store_head_latest(s, &got, &found, &e), 0);
    assert_true(found);
    assert_int_equal(got.size, 16);
    assert_string_equal(got.note, "kept");
    store_close(s);
}

static const char COUNT_NEW[] = "sqlite3 '%s' \"SELECT count(*) FROM sqlite_master WHERE name IN "
                                "('tree','heads','tree_append_only_update','tree_append_only_"
                                "delete','heads_append_only_update','heads_append_only_delete')\"";

/* A ledger made before the tree tables: a read-only connection reads it as
 * having no nodes and no heads and leaves it as it is; a writer's open adds the
 * tables, which the reader then sees. */
static void older_ledger_without_the_tables(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = open_as(p, STORE_CREATE);
    append_events(s, 1, 3);
    store_close(s);
    char *out = sh(COUNT_NEW, p);
    assert_string_equal(out, "6\n");
    free(out);
    assert_int_equal(tu_sh(NULL, 1, "sqlite3 '%s' 'DROP TABLE tree; DROP TABLE heads;'", p), 0);

    store *r = open_as(p, STORE_READ);
    expect_no_node(r, 4, 0);
    store_head h;
    bool found = true;
    hb_err e = {0};
    assert_int_equal(store_head_latest(r, &h, &found, &e), 0);
    assert_false(found);
    heads_seen c = {.n = 0};
    assert_int_equal(store_head_scan(r, see_head, &c, &e), 0);
    assert_int_equal(c.n, 0);
    expect_leaves(r, 1, 8, 3);
    out = sh(COUNT_NEW, p);
    assert_string_equal(out, "0\n"); /* unchanged */
    free(out);

    store *w = open_as(p, STORE_OPEN);
    out = sh(COUNT_NEW, p);
    assert_string_equal(out, "6\n");
    free(out);
    store_node n = node(4, 0, 0x66);
    store_head nh = head(3, 6, "after the upgrade");
    assert_int_equal(store_begin(w, &e), 0);
    assert_int_equal(store_tree_put(w, &n, 1, &e), 0);
    assert_int_equal(store_head_append(w, &nh, &e), 0);
    assert_int_equal(store_commit(w, &e), 0);
    expect_node(r, 4, 0, 0x66);
    assert_int_equal(store_head_latest(r, &h, &found, &e), 0);
    assert_true(found);
    assert_string_equal(h.note, "after the upgrade");
    c = (heads_seen){.n = 0};
    assert_int_equal(store_head_scan(r, see_head, &c, &e), 0);
    assert_int_equal(c.n, 1);
    store_close(r);
    store_close(w);
}

static void read_only_refuses_tree_writes(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    store *r = open_as(p, STORE_READ);
    store_node n = node(4, 0, 0x77);
    hb_err e = {0};
    assert_int_equal(store_tree_put(r, &n, 1, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "cannot write Merkle tree nodes through a read-only connection"));
    store_head h = head(1, 7, "no");
    e = (hb_err){0};
    assert_int_equal(store_head_append(r, &h, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "cannot write tree heads through a read-only connection"));
    store_close(r);
    expect_no_node(w, 4, 0);
    bool found = true;
    assert_int_equal(store_head_latest(w, &h, &found, &e), 0);
    assert_false(found);
    store_close(w);
}

static int64_t size_of(store *s)
{
    int64_t n = -1;
    hb_err e = {0};
    assert_int_equal(store_size(s, &n, &e), 0);
    return n;
}

static size_t leaves_from(store *s, int64_t from)
{
    uint8_t out[16][32];
    size_t got = 99;
    hb_err e = {0};
    assert_int_equal(store_leaf_hashes(s, from, 16, out, &got, &e), 0);
    return got;
}

/* A reader inside read_begin keeps the ledger as it was, whatever the writer
 * commits meanwhile; read_end lets it see the commit. */
static void read_snapshot_is_isolated(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    append_events(w, 1, 16);
    store_node n0 = node(4, 0, 0x10), n1 = node(4, 1, 0x11);
    put_nodes(w, &n0, 1);
    store *r = open_as(p, STORE_READ);
    hb_err e = {0};
    assert_int_equal(store_read_begin(r, &e), 0);
    append_events(w, 17, 16); /* committed after the snapshot began, before any read */
    put_nodes(w, &n1, 1);
    assert_int_equal(size_of(r), 16);
    expect_no_node(r, 4, 1);
    assert_int_equal(leaves_from(r, 17), 0);
    /* A nested pair joins the snapshot; only the outermost read_end ends it. */
    assert_int_equal(store_read_begin(r, &e), 0);
    assert_int_equal(store_read_end(r), 0);
    assert_int_equal(size_of(r), 16);
    expect_no_node(r, 4, 1);
    assert_int_equal(store_read_end(r), 0);
    assert_int_equal(size_of(r), 32);
    expect_node(r, 4, 1, 0x11);
    assert_int_equal(leaves_from(r, 17), 16);
    /* A new snapshot starts from the newest commit. */
    assert_int_equal(store_read_begin(r, &e), 0);
    assert_int_equal(size_of(r), 32);
    assert_int_equal(store_read_end(r), 0);
    assert_int_equal(store_read_end(r), 0); /* one too many: harmless */
    assert_int_equal(size_of(r), 32);
    store_close(r);
    store_close(w);
}

/* Inside a write transaction both are no-ops: read_end must not commit it. */
static void read_snapshot_inside_a_write_is_a_noop(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    append_events(w, 1, 16);
    hb_err e = {0};
    assert_int_equal(store_begin(w, &e), 0);
    assert_int_equal(store_read_begin(w, &e), 0);
    uint8_t h[32];
    memset(h, 17, 32);
    store_row row = {17, (const uint8_t *)"{}", 2, h};
    assert_int_equal(store_append(w, &row, 1, &e), 0);
    assert_int_equal(size_of(w), 17); /* the write's own rows are seen */
    assert_int_equal(store_read_end(w), 0);
    assert_int_equal(store_rollback(w, &e), 0);
    assert_int_equal(size_of(w), 16); /* still rolled back: read_end did not commit */
    store *r = open_as(p, STORE_READ);
    assert_int_equal(size_of(r), 16);
    store_close(r);
    /* And the same pair inside a write that commits. */
    assert_int_equal(store_begin(w, &e), 0);
    assert_int_equal(store_read_begin(w, &e), 0);
    assert_int_equal(store_append(w, &row, 1, &e), 0);
    assert_int_equal(store_read_end(w), 0);
    assert_int_equal(store_commit(w, &e), 0);
    assert_int_equal(size_of(w), 17);
    store_close(w);
}

/* A write cannot start inside a read snapshot: refused, saying why, nothing
 * stored; after read_end it can. */
static void begin_inside_a_read_snapshot_is_refused(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    append_events(w, 1, 16);
    hb_err e = {0};
    assert_int_equal(store_read_begin(w, &e), 0);
    assert_int_equal(store_begin(w, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "cannot start a write transaction inside a read snapshot"));
    assert_int_equal(store_read_end(w), 0);
    assert_int_equal(size_of(w), 16);
    append_events(w, 17, 1);
    assert_int_equal(size_of(w), 17);
    store_close(w);
}

/* Closing with a snapshot open ends it; the file stays readable. */
static void close_inside_a_read_snapshot(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    append_events(w, 1, 16);
    store *r = open_as(p, STORE_READ);
    hb_err e = {0};
    assert_int_equal(store_read_begin(r, &e), 0);
    assert_int_equal(size_of(r), 16);
    store_close(r);
    append_events(w, 17, 16);
    r = open_as(p, STORE_READ);
    assert_int_equal(size_of(r), 32);
    store_close(r);
    store_close(w);
}

/* The log's reads each run as one snapshot and end it on every path, the
 * refusals too: afterwards the connection sees new commits and can write. */
static void log_reads_end_their_snapshot(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    append_events(w, 1, 16);
    store_node n0 = node(4, 0, 0x10);
    put_nodes(w, &n0, 1);
    store *r = open_as(p, STORE_READ);
    store *both[] = {w, r};
    for (int i = 0; i < 2; i++) {
        store *s = both[i];
        hb_err e = {0};
        uint8_t root[32];
        assert_int_equal(log_root(s, 16, root, &e), 0); /* the stored node */
        assert_memory_equal(root, n0.hash, 32);
        assert_int_equal(log_root(s, 99, root, &e), HB_EINPUT);
        store_head h;
        assert_int_equal(log_head(s, &h, &e), HB_EINPUT); /* no head yet */
        log_inclusion inc;
        assert_int_equal(log_prove(s, 1, 99, &inc, &e), HB_EINPUT);
        assert_int_equal(log_prove(s, 1, 0, &inc, &e), HB_EINPUT); /* no head */
        log_consistency con;
        assert_int_equal(log_consistent(s, 5, 99, &con, &e), HB_EINPUT);
        int64_t heads = 7;
        assert_int_equal(log_verify(s, &heads, root, &e), HB_EINPUT); /* no key */
        assert_int_equal(heads, 0);
    }
    append_events(w, 17, 16); /* refused if w had kept a snapshot open */
    assert_int_equal(size_of(w), 32);
    assert_int_equal(size_of(r), 32); /* stale if r had kept one */
    store_close(r);
    store_close(w);
}

/* The node cache, seen through the connection's own fields (sqlite_internal.h). */
static const struct sqlite_node_cache *cache_of(store *s)
{
    return &((sqlite_store *)s)->ncache;
}

/* open_as with $HABEAS_TREE_CACHE set to `size` for this open only (NULL:
 * unset, the default size). */
static store *open_cache(const char *path, store_mode mode, const char *size)
{
    if (size) setenv("HABEAS_TREE_CACHE", size, 1);
    store *s = NULL;
    hb_err e = {0};
    int rc = store_open(path, mode, &s, &e);
    unsetenv("HABEAS_TREE_CACHE");
    if (rc) fail_msg("open %s with HABEAS_TREE_CACHE=%s: %s", path, size ? size : "", e.msg);
    return s;
}

/* The entries a budget of `bytes` gives: whole sets of 256 bytes, an odd number. */
static size_t entries_for(size_t bytes)
{
    size_t sets = bytes / 256;
    if (sets > 1 && sets % 2 == 0) sets--;
    return sets * 6;
}

static tree_cache_info info_of(store *s, int level)
{
    tree_cache_info in = {0};
    if (cache_of(s)->shared) tree_cache_stats(cache_of(s)->shared, level, &in);
    return in;
}

/* Cached nodes of `level`, once the preload (if started) is over. */
static size_t cached_at(store *s, int level)
{
    if (cache_of(s)->shared) tree_cache_preload_wait(cache_of(s)->shared);
    return info_of(s, level).filled;
}

static void cache_is_shared_and_gives_the_stored_bytes(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    store_node n[] = {node(4, 2, 0xc1), node(9, 0, 0xc2), node(20, 1, 0xc3)};
    put_nodes(w, n, 3);
    store *r = open_as(p, STORE_READ);
    const struct sqlite_node_cache *c = cache_of(r);
    assert_non_null(c->shared);
    assert_ptr_equal(c->shared, cache_of(w)->shared); /* the writer's too */
    assert_int_equal(info_of(r, -1).entries, entries_for((size_t)64 << 20));
    assert_int_equal(info_of(r, -1).bytes, entries_for((size_t)64 << 20) / 6 * 256);
    assert_int_equal(info_of(r, -1).filled, 0);
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < 3; i++)
            expect_node(r, n[i].level, n[i].index, n[i].hash[0]);
    assert_int_equal(c->sql, 3);
    assert_int_equal(c->hits, 6);
    /* Another connection of the process to the file finds them all in it. */
    store *r2 = open_as(p, STORE_READ);
    for (size_t i = 0; i < 3; i++)
        expect_node(r2, n[i].level, n[i].index, n[i].hash[0]);
    assert_int_equal(cache_of(r2)->hits, 3);
    assert_int_equal(cache_of(r2)->sql, 0);
    /* The bytes a hit gives are the table's, as SQLite itself prints them. */
    char want[3 * 65 + 1] = "", *at = want;
    for (size_t i = 0; i < 3; i++) {
        uint8_t h[32];
        bool found = false;
        hb_err e = {0};
        assert_int_equal(store_tree_get(r, n[i].level, n[i].index, h, &found, &e), 0);
        assert_true(found);
        for (int b = 0; b < 32; b++)
            at += sprintf(at, "%02X", h[b]);
        *at++ = '\n';
    }
    assert_int_equal(c->hits, 9);
    char *out = sh("sqlite3 '%s' 'SELECT hex(hash) FROM tree ORDER BY id'", p);
    assert_string_equal(out, want);
    free(out);
    /* Absence is not cached: a node committed later is found, by both. */
    expect_no_node(r, 4, 3);
    expect_no_node(r, 4, 3);
    assert_int_equal(c->sql, 5);
    store_node late = node(4, 3, 0xc4);
    put_nodes(w, &late, 1);
    expect_node(r, 4, 3, 0xc4);
    expect_node(r, 4, 3, 0xc4);
    expect_node(r2, 4, 3, 0xc4);
    assert_int_equal(c->sql, 6);
    assert_int_equal(c->hits, 10);
    assert_int_equal(cache_of(r2)->sql, 0);
    /* Another size is another cache; 0 turns it off: every read goes to SQLite,
     * with the same answers. */
    store *other = open_cache(p, STORE_READ, "1M"), *off = open_cache(p, STORE_READ, "0");
    assert_non_null(cache_of(other)->shared);
    assert_ptr_not_equal(cache_of(other)->shared, c->shared);
    assert_int_equal(info_of(other, -1).entries, entries_for((size_t)1 << 20));
    assert_null(cache_of(off)->shared);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < 3; i++) {
            expect_node(other, n[i].level, n[i].index, n[i].hash[0]);
            expect_node(off, n[i].level, n[i].index, n[i].hash[0]);
        }
    assert_int_equal(cache_of(other)->sql, 3);
    assert_int_equal(cache_of(other)->hits, 3);
    assert_int_equal(cache_of(off)->hits, 0);
    assert_int_equal(cache_of(off)->sql, 6);
    store_close(off);
    store_close(other);
    /* Another file, the same node ids with other hashes: its own cache. */
    const char *p2 = new_path();
    store *w2 = open_as(p2, STORE_CREATE);
    store_node n2[] = {node(4, 2, 0x21), node(9, 0, 0x22), node(20, 1, 0x23)};
    put_nodes(w2, n2, 3);
    assert_ptr_not_equal(cache_of(w2)->shared, c->shared);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < 3; i++) {
            expect_node(w2, n2[i].level, n2[i].index, n2[i].hash[0]);
            expect_node(r, n[i].level, n[i].index, n[i].hash[0]);
        }
    assert_int_equal(cache_of(w2)->hits, 3);
    store_close(w2);
    /* The last connection frees it: the next one starts empty. */
    store_close(r2);
    store_close(r);
    store_close(w);
    r = open_as(p, STORE_READ);
    assert_int_equal(info_of(r, -1).filled, 0);
    expect_node(r, 9, 0, 0xc2);
    assert_int_equal(cache_of(r)->sql, 1);
    store_close(r);
}

/* A node put in a transaction that rolls back must never be served from the
 * cache: reads inside a write transaction do not fill it, and the other
 * connections sharing it never see the node. */
static void cache_never_keeps_a_rolled_back_node(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    store *r = open_as(p, STORE_READ);
    assert_ptr_equal(cache_of(r)->shared, cache_of(w)->shared);
    store_node kept = node(5, 0, 0xd1), gone = node(4, 0, 0xd2);
    put_nodes(w, &kept, 1);
    hb_err e = {0};
    assert_int_equal(store_begin(w, &e), 0);
    assert_int_equal(store_tree_put(w, &gone, 1, &e), 0);
    expect_node(w, 4, 0, 0xd2); /* seen inside the transaction, twice */
    expect_node(w, 4, 0, 0xd2);
    expect_node(w, 5, 0, 0xd1);
    expect_no_node(r, 4, 0); /* not committed: the reader does not see it */
    expect_node(r, 5, 0, 0xd1);
    assert_int_equal(cached_at(w, 4), 0);
    assert_int_equal(store_rollback(w, &e), 0);
    expect_no_node(w, 4, 0);
    expect_no_node(r, 4, 0);
    expect_no_node(w, 4, 0);
    /* The same node committed with another hash: that is what the cache gives. */
    store_node again = node(4, 0, 0xd3);
    put_nodes(w, &again, 1);
    expect_node(w, 4, 0, 0xd3);
    expect_node(r, 4, 0, 0xd3);
    expect_node(w, 4, 0, 0xd3);
    assert_int_equal(cached_at(w, 4), 1);
    assert_int_equal(cache_of(r)->hits, 1); /* (4, 0), which the writer's read put in */
    /* A write transaction begun by hand, not through store_begin, is seen too. */
    sqlite3 *db = ((sqlite_store *)w)->db;
    char sql[200];
    snprintf(sql, sizeof sql,
             "BEGIN IMMEDIATE; INSERT INTO tree(id, hash) VALUES (%lld, "
             "x'EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE')",
             (long long)((int64_t)4 << 48 | 1));
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    expect_node(w, 4, 1, 0xee);
    assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    expect_no_node(w, 4, 1);
    expect_no_node(r, 4, 1);
    assert_int_equal(cached_at(w, 4), 1);
    store_close(r);
    store_close(w);
    char *out = sh("sqlite3 '%s' 'SELECT count(*) FROM tree'", p);
    assert_string_equal(out, "2\n");
    free(out);
}

/* 1 KiB: 3 sets of 6. A full set gives up its lowest level, never a higher one;
 * every read gives the stored bytes, whether the cache kept it. */
static void cache_evicts_the_lowest_levels(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    store_node low[40], high[64];
    for (int i = 0; i < 40; i++)
        low[i] = node(4, i, 0x40 + i);
    for (int i = 0; i < 64; i++)
        high[i] = node(20, i, 0x80 + i);
    put_nodes(w, low, 40);
    put_nodes(w, high, 64);

    store *r = open_cache(p, STORE_READ, "1K");
    const struct sqlite_node_cache *c = cache_of(r);
    assert_int_equal(info_of(r, -1).entries, 18);
    for (int i = 0; i < 40; i++)
        expect_node(r, 4, i, 0x40 + i);
    assert_int_equal(cached_at(r, 4), 18); /* full of level 4 */
    /* 64 nodes over 3 sets: each set gets 6 or more, which push out every level 4. */
    for (int i = 0; i < 64; i++)
        expect_node(r, 20, i, 0x80 + i);
    assert_int_equal(cached_at(r, 4), 0);
    assert_int_equal(cached_at(r, 20), 18);
    /* Lower nodes now find full sets of higher ones: read from SQLite, not kept. */
    uint64_t sql = c->sql, hits = c->hits;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 40; i++)
            expect_node(r, 4, i, 0x40 + i);
    assert_int_equal(c->sql - sql, 120);
    assert_int_equal(c->hits, hits);
    assert_int_equal(cached_at(r, 20), 18);
    /* Equal levels replace each other; every answer is still the stored one. */
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 64; i++)
            expect_node(r, 20, i, 0x80 + i);
    assert_int_equal(cached_at(r, 20), 18);
    assert_true(c->hits > hits);
    /* These reads set off the preload (TREE_CACHE_PRELOAD_AFTER of them). A
     * higher node committed after it takes the place of a lower one and stays. */
    assert_int_equal(info_of(r, -1).preload, 2);
    store_node top = node(30, 0, 0xf0);
    put_nodes(w, &top, 1);
    expect_node(r, 30, 0, 0xf0);
    assert_int_equal(cached_at(r, 30), 1);
    assert_int_equal(cached_at(r, 20), 17);
    hits = c->hits;
    expect_node(r, 30, 0, 0xf0);
    assert_int_equal(c->hits, hits + 1);
    store_close(r);
    store_close(w);
}

/* After TREE_CACHE_PRELOAD_AFTER reads from SQLite, counted over every
 * connection sharing the cache, the highest nodes come in at once; reads inside
 * a write transaction do not count. */
static void cache_preloads_the_top_of_the_tree(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    enum { LOW = TREE_CACHE_PRELOAD_AFTER + 10 };
    store_node low[LOW], high[10];
    for (int i = 0; i < LOW; i++)
        low[i] = node(4, i, i);
    for (int i = 0; i < 10; i++)
        high[i] = node(12, i, 0xa0 + i);
    put_nodes(w, low, LOW);
    put_nodes(w, high, 10);

    hb_err e = {0};
    assert_int_equal(store_begin(w, &e), 0);
    for (int i = 0; i < LOW; i++)
        expect_node(w, 4, i, i);
    assert_int_equal(info_of(w, -1).preload, 0);
    assert_int_equal(info_of(w, -1).filled, 0);
    assert_int_equal(store_rollback(w, &e), 0);

    store *r = open_as(p, STORE_READ), *r2 = open_as(p, STORE_READ);
    enum { HALF = TREE_CACHE_PRELOAD_AFTER / 2 };
    for (int i = 0; i < HALF; i++)
        expect_node(r, 4, i, i);
    for (int i = HALF; i < TREE_CACHE_PRELOAD_AFTER - 1; i++)
        expect_node(r2, 4, i, i);
    assert_int_equal(info_of(r, -1).preload, 0);
    assert_int_equal(cached_at(r, 12), 0);
    expect_node(r2, 4, TREE_CACHE_PRELOAD_AFTER - 1, TREE_CACHE_PRELOAD_AFTER - 1);
    tree_cache_preload_wait(cache_of(r)->shared);
    tree_cache_info in = info_of(r, -1);
    assert_int_equal(in.preload, 2);
    assert_int_equal(in.preloaded, LOW + 10);
    assert_int_equal(cached_at(r, 12), 10);
    assert_int_equal(cached_at(r, 4), LOW); /* the ones read, and the rest preloaded */
    uint64_t sql = cache_of(r)->sql, sql2 = cache_of(r2)->sql;
    for (int i = 0; i < 10; i++) {
        expect_node(r, 12, i, 0xa0 + i);
        expect_node(r2, 12, i, 0xa0 + i);
    }
    expect_node(r, 4, LOW - 1, LOW - 1);
    assert_int_equal(cache_of(r)->sql, sql);
    assert_int_equal(cache_of(r2)->sql, sql2);
    store_close(r2);
    store_close(r);
    store_close(w);
}

/* The preload opens the file by its path: when the path names another file by
 * then, it loads nothing rather than that file's nodes. */
static void preload_reads_only_the_cache_s_own_file(void **st)
{
    (void)st;
    const char *dir = tu_tmpdir();
    char p[512], moved[600];
    snprintf(p, sizeof p, "%s", tu_path(dir, "ledger.db"));
    enum { LOW = TREE_CACHE_PRELOAD_AFTER + 10 };
    store_node low[LOW], high[10];
    for (int i = 0; i < LOW; i++)
        low[i] = node(4, i, i);
    for (int i = 0; i < 10; i++)
        high[i] = node(12, i, 0xa0 + i);
    store *w = open_as(p, STORE_CREATE);
    put_nodes(w, low, LOW);
    put_nodes(w, high, 10);
    store *r = open_as(p, STORE_READ);
    expect_node(r, 4, 0, 0);
    store_close(w);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char from[600];
        snprintf(from, sizeof from, "%s%s", p, sfx[i]);
        snprintf(moved, sizeof moved, "%s/moved.db%s", dir, sfx[i]);
        assert_int_equal(rename(from, moved), 0);
    }
    /* A new ledger where the old one was, with other hashes for the same nodes. */
    store *b = open_as(p, STORE_CREATE);
    for (int i = 0; i < 10; i++)
        high[i] = node(12, i, 0xb0 + i);
    put_nodes(b, high, 10);
    store_close(b);
    for (int i = 1; i < TREE_CACHE_PRELOAD_AFTER; i++)
        expect_node(r, 4, i, i);
    tree_cache_preload_wait(cache_of(r)->shared);
    assert_int_equal(info_of(r, -1).preload, 2);
    assert_int_equal(info_of(r, -1).preloaded, 0);
    assert_int_equal(cached_at(r, 12), 0);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 10; i++)
            expect_node(r, 12, i, 0xa0 + i);
    store_close(r);
}

/* A $HABEAS_TREE_CACHE that is not a size refuses the open, saying so, and
 * creates nothing; the sizes it takes, and what they give. */
static void cache_setting_refuses_a_bad_value(void **st)
{
    (void)st;
    char p[512]; /* tu_path's buffers are reused by the loop below */
    snprintf(p, sizeof p, "%s", new_path());
    store_close(open_as(p, STORE_CREATE));
    const char *bad[] = {"abc",  "-1", "12x", "99999999999999", " 8",   "8 ", "64MB",
                         "1.5M", "M",  "65G", "68719476737",    "0x10", "64T"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("HABEAS_TREE_CACHE", bad[i], 1);
        store *s = NULL;
        hb_err e = {0};
        assert_int_equal(store_open(p, STORE_READ, &s, &e), HB_EINPUT);
        assert_null(s);
        char want[96];
        snprintf(want, sizeof want, "HABEAS_TREE_CACHE=\"%s\": not a size", bad[i]);
        if (!strstr(e.msg, want)) fail_msg("%s: got %s", bad[i], e.msg);
        assert_non_null(strstr(e.msg, "0 to turn the cache off"));
        assert_non_null(strstr(e.msg, "K, M or G"));
        const char *fresh = tu_path(tu_tmpdir(), "never.db");
        e = (hb_err){0};
        assert_int_equal(store_open(fresh, STORE_CREATE, &s, &e), HB_EINPUT);
        assert_int_not_equal(access(fresh, F_OK), 0);
    }
    unsetenv("HABEAS_TREE_CACHE");
    const struct {
        const char *set;
        size_t entries;
    } sizes[] = {{"", entries_for((size_t)64 << 20)},
                 {"0", 0},
                 {"255", 0},
                 {"256", 6},
                 {"767", 6},
                 {"768", 18},
                 {"1K", 18},
                 {"1k", 18},
                 {"64M", entries_for((size_t)64 << 20)},
                 {"1G", entries_for((size_t)1 << 30)},
                 {"64G", entries_for((size_t)64 << 30)},
                 {"68719476736", entries_for((size_t)64 << 30)}};
    store *dflt = open_as(p, STORE_READ);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        store *s = open_cache(p, STORE_READ, sizes[i].set);
        tree_cache *c = cache_of(s)->shared;
        assert_int_equal(c ? tree_cache_entries(c) : 0, sizes[i].entries);
        assert_true((cache_of(s)->shared == NULL) == (sizes[i].entries == 0));
        /* The default, named or not, is the cache a default connection has. */
        if (sizes[i].entries == entries_for((size_t)64 << 20))
            assert_ptr_equal(cache_of(s)->shared, cache_of(dflt)->shared);
        store_close(s);
    }
    store_close(dflt);
}

/* The connection's page cache size, as PRAGMA cache_size gives it. */
static int page_cache_of(store *s)
{
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(((sqlite_store *)s)->db, "PRAGMA cache_size", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A read-only connection takes the bigger page cache of a proof server at its
 * first tree_get, found or not, cached or not; one that never reads a node (a
 * verify worker, a view) and the writer keep theirs. */
static void proof_connections_take_a_bigger_page_cache(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    store_node n = node(5, 0, 0x51);
    put_nodes(w, &n, 1);
    store *r = open_as(p, STORE_READ), *view = open_as(p, STORE_READ);
    store *off = open_cache(p, STORE_READ, "0");
    assert_int_equal(page_cache_of(r), atoi(SQLITE_READ_CACHE));
    expect_node(w, 5, 0, 0x51);
    expect_node(r, 5, 0, 0x51); /* from SQLite */
    expect_no_node(off, 6, 0);
    assert_int_equal(page_cache_of(r), atoi(SQLITE_PROOF_CACHE));
    assert_int_equal(page_cache_of(off), atoi(SQLITE_PROOF_CACHE));
    assert_int_equal(page_cache_of(w), atoi(SQLITE_READ_CACHE));
    assert_int_equal(size_of(view), 0);
    assert_int_equal(page_cache_of(view), atoi(SQLITE_READ_CACHE));
    store *r2 = open_as(p, STORE_READ);
    expect_node(r2, 5, 0, 0x51); /* from the shared cache */
    assert_int_equal(cache_of(r2)->hits, 1);
    assert_int_equal(page_cache_of(r2), atoi(SQLITE_PROOF_CACHE));
    store_close(r2);
    store_close(off);
    store_close(view);
    store_close(r);
    store_close(w);
}

/* A log of `n` events whose tree is stored as the ledger stores it (levels >=
 * STORE_TREE_MIN_LEVEL); roots[k] gets the root of the first k events. */
static void build_log(store *w, int n, uint8_t (*roots)[32])
{
    tu_emitted em = {calloc((size_t)n, sizeof(store_node)), 0}; /* freed below */
    assert_non_null(em.nodes);
    merkle_frontier f;
    merkle_frontier_init(&f);
    hb_err e = {0};
    assert_int_equal(store_begin(w, &e), 0);
    for (int i = 1; i <= n; i++) {
        uint8_t h[32];
        memset(h, 0x5a, 32);
        memcpy(h, &i, sizeof i);
        store_row r = {i, (const uint8_t *)"{}", 2, h};
        assert_int_equal(store_append(w, &r, 1, &e), 0);
        assert_int_equal(merkle_frontier_push(&f, h, tu_emit_node, &em), 0);
        merkle_frontier_root(&f, roots[i]);
    }
    assert_int_equal(store_tree_put(w, em.nodes, em.n, &e), 0);
    assert_int_equal(store_commit(w, &e), 0);
    free(em.nodes);
}

static void same_proof(const merkle_proof *a, const merkle_proof *b)
{
    assert_int_equal(a->n, b->n);
    if (a->n) assert_memory_equal(a->h, b->h, a->n * 32);
}

/* Every proof is the same through a connection without the cache, with the
 * default one, and with one of 18 entries that evicts all the time; and each
 * verifies against the roots the frontier gave while the log was written. */
static void proofs_agree_with_and_without_the_cache(void **st)
{
    (void)st;
    enum { N = 300 };
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    static uint8_t roots[N + 1][32];
    build_log(w, N, roots);
    store *rs[] = {open_cache(p, STORE_READ, "0"), open_cache(p, STORE_READ, NULL),
                   open_cache(p, STORE_READ, "1K"), w};
    enum { K = sizeof rs / sizeof rs[0] };
    int sizes[64], ns = 0;
    for (int k = 1; k <= 40; k++)
        sizes[ns++] = k;
    const int more[] = {63, 64, 65, 127, 128, 129, 255, 256, 257, 299, N};
    for (size_t k = 0; k < sizeof more / sizeof more[0]; k++)
        sizes[ns++] = more[k];
    for (int a = 0; a < ns; a++) {
        int size = sizes[a];
        for (int seq = 1; seq <= size; seq++) {
            log_inclusion got[K];
            for (int k = 0; k < K; k++) {
                hb_err e = {0};
                assert_int_equal(log_prove(rs[k], seq, size, &got[k], &e), 0);
                assert_memory_equal(got[k].root, roots[size], 32);
                assert_memory_equal(got[k].leaf, got[0].leaf, 32);
                same_proof(&got[k].proof, &got[0].proof);
            }
            assert_true(merkle_verify_inclusion(got[0].leaf, (uint64_t)seq - 1, (uint64_t)size,
                                                &got[0].proof, roots[size]));
        }
        for (int b = a; b < ns; b++) {
            int second = sizes[b];
            log_consistency got[K];
            for (int k = 0; k < K; k++) {
                hb_err e = {0};
                assert_int_equal(log_consistent(rs[k], size, second, &got[k], &e), 0);
                assert_memory_equal(got[k].first_root, roots[size], 32);
                assert_memory_equal(got[k].second_root, roots[second], 32);
                same_proof(&got[k].proof, &got[0].proof);
            }
            assert_true(merkle_verify_consistency((uint64_t)size, (uint64_t)second, roots[size],
                                                  roots[second], &got[0].proof));
        }
    }
    assert_null(cache_of(rs[0])->shared);
    assert_int_equal(cache_of(rs[0])->hits, 0);
    assert_ptr_equal(cache_of(rs[1])->shared, cache_of(w)->shared);
    assert_true(cache_of(rs[1])->hits > 0);
    assert_true(cache_of(rs[2])->hits > 0);
    for (int k = 0; k < K; k++)
        store_close(rs[k]);
}

/* Leaf block reads (leaf_hashes calls), counted by wrapping the ops table. */
static const struct store_ops *real_ops;
static int block_reads;

static int counting_leaf_hashes(store *s, int64_t from, size_t n, uint8_t (*out)[32], size_t *got,
                                hb_err *e)
{
    block_reads++;
    return real_ops->leaf_hashes(s, from, n, out, got, e);
}

/* A proof keeps the last two blocks of 16 leaves it read: an inclusion proof
 * reads at most two (its leaf's and the right edge's, one when they are the same
 * or the size is a multiple of 16), a consistency proof at most two (the edges
 * of both sizes). */
static void proofs_read_each_block_of_leaves_once(void **st)
{
    (void)st;
    enum { N = 300 };
    const char *p = new_path();
    store *w = open_as(p, STORE_CREATE);
    static uint8_t roots[N + 1][32];
    build_log(w, N, roots);
    store *r = open_cache(p, STORE_READ, "0");
    real_ops = r->ops;
    struct store_ops counting = *real_ops;
    counting.leaf_hashes = counting_leaf_hashes;
    r->ops = &counting;
    int most_in = 0, most_con = 0;
    for (int size = 1; size <= N; size++) {
        for (int seq = 1; seq <= size; seq++) {
            log_inclusion in;
            hb_err e = {0};
            block_reads = 0;
            assert_int_equal(log_prove(r, seq, size, &in, &e), 0);
            assert_memory_equal(in.root, roots[size], 32);
            int want = (seq - 1) / 16 == (size - 1) / 16 || size % 16 == 0 ? 1 : 2;
            if (block_reads != want)
                fail_msg("inclusion of %d in %d: %d block reads, not %d", seq, size, block_reads,
                         want);
            if (block_reads > most_in) most_in = block_reads;
        }
        for (int first = 1; first <= size; first += 7) {
            log_consistency co;
            hb_err e = {0};
            block_reads = 0;
            assert_int_equal(log_consistent(r, first, size, &co, &e), 0);
            assert_true(merkle_verify_consistency((uint64_t)first, (uint64_t)size, roots[first],
                                                  roots[size], &co.proof));
            if (block_reads > most_con) most_con = block_reads;
        }
    }
    assert_int_equal(most_in, 2);
    assert_int_equal(most_con, 2);
    r->ops = real_ops;
    store_close(r);
    store_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tree_put_get_round_trip),
        cmocka_unit_test(tree_refuses_out_of_range_nodes),
        cmocka_unit_test(tree_put_again),
        cmocka_unit_test(tree_and_heads_need_a_transaction),
        cmocka_unit_test(leaf_hashes_ranges),
        cmocka_unit_test(leaf_hashes_refuse_a_damaged_log),
        cmocka_unit_test(heads_append_latest_scan),
        cmocka_unit_test(head_append_refuses_a_malformed_head),
        cmocka_unit_test(reads_refuse_hand_edited_rows),
        cmocka_unit_test(rollback_leaves_nothing),
        cmocka_unit_test(triggers_make_tree_and_heads_append_only),
        cmocka_unit_test(older_ledger_without_the_tables),
        cmocka_unit_test(read_only_refuses_tree_writes),
        cmocka_unit_test(read_snapshot_is_isolated),
        cmocka_unit_test(read_snapshot_inside_a_write_is_a_noop),
        cmocka_unit_test(begin_inside_a_read_snapshot_is_refused),
        cmocka_unit_test(close_inside_a_read_snapshot),
        cmocka_unit_test(log_reads_end_their_snapshot),
        cmocka_unit_test(cache_is_shared_and_gives_the_stored_bytes),
        cmocka_unit_test(cache_never_keeps_a_rolled_back_node),
        cmocka_unit_test(cache_evicts_the_lowest_levels),
        cmocka_unit_test(cache_preloads_the_top_of_the_tree),
        cmocka_unit_test(preload_reads_only_the_cache_s_own_file),
        cmocka_unit_test(cache_setting_refuses_a_bad_value),
        cmocka_unit_test(proof_connections_take_a_bigger_page_cache),
        cmocka_unit_test(proofs_agree_with_and_without_the_cache),
        cmocka_unit_test(proofs_read_each_block_of_leaves_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
