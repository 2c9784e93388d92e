/* store_tree: the SQLite backend's Merkle tree nodes, leaf-hash range reads and
 * signed tree heads: round trips, ranges, transactions, the append-only triggers,
 * read-only connections, ledgers made before these tables, and read snapshots
 * (read_begin/read_end) and the log reads that run inside one. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/log.h"
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
