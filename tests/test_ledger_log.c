/* ledger + log: the signing key's lifecycle (create, open, missing, unsafe, wrong),
 * one signed head per batch, the stored tree against a root recomputed here from
 * the leaf hashes, proofs that verify, refused and aborted batches that leave
 * nothing behind, log_verify against altered heads and nodes, and the upgrade of
 * a ledger written before the tree. */
#include "testutil.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ledger/leaf.h"
#include "ledger/ledger.h"
#include "ledger/log.h"
#include "model/codec.h"
#include "util/arena.h"
#include "util/buf.h"

/* Batch k: persons P-k-i registered and admitted, a fifth released. Batch 0 also
 * registers F-1 and its unit. Valid after any earlier batches. */
static void gen_batch(buf *b, int k, int persons)
{
    if (k == 0)
        buf_puts(b, "{\"type\":\"facility.registered\",\"at\":\"2025-01-01T08:00:00Z\","
                    "\"facility\":\"F-1\",\"name\":\"Centro 1\",\"country\":\"SV\","
                    "\"kind\":\"prison\",\"design_capacity\":40000}\n"
                    "{\"type\":\"unit.certified\",\"at\":\"2025-01-01T09:00:00Z\","
                    "\"facility\":\"F-1\",\"unit\":\"U-1\",\"kind\":\"cell\","
                    "\"capacity\":40000,\"floor_area_m2\":8000,\"beds\":40000}\n");
    for (int i = 0; i < persons; i++) {
        buf_printf(b,
                   "{\"type\":\"person.registered\",\"at\":\"2025-02-01T10:00:00Z\","
                   "\"person\":\"P-%d-%d\",\"given_names\":\"Ana\",\"family_names\":\"Ruiz\","
                   "\"birth_date\":\"1990-05-01\",\"nationalities\":[\"VE\"]}\n",
                   k, i);
        buf_printf(b,
                   "{\"type\":\"custody.admitted\",\"at\":\"2025-02-02T10:00:00Z\","
                   "\"person\":\"P-%d-%d\",\"facility\":\"F-1\",\"unit\":\"U-1\","
                   "\"basis\":{\"kind\":\"sentence\",\"reference\":\"C-%d-%d\","
                   "\"until\":\"2030-01-01\"}}\n",
                   k, i, k, i);
        if (i % 5 == 0)
            buf_printf(b,
                       "{\"type\":\"custody.released\",\"at\":\"2025-02-04T10:00:00Z\","
                       "\"person\":\"P-%d-%d\",\"reason\":\"sentence served\"}\n",
                       k, i);
    }
}

/* The key path of db (a static buffer rotating over 4 slots). */
static const char *key_of(const char *db)
{
    static char p[4][1024];
    static int next;
    char *out = p[next++ % 4];
    log_key_path(db, out, sizeof p[0]);
    return out;
}

static ledger *open_l(const char *path, store_mode mode)
{
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(path, mode, &l, &e)) fail_msg("open %s: %s", path, e.msg);
    return l;
}

static int open_rc(const char *path, store_mode mode, hb_err *e)
{
    ledger *l = NULL;
    int rc = ledger_open(path, mode, &l, e);
    if (!rc)
        ledger_close(l);
    else
        assert_null(l);
    return rc;
}

static void import_batch(ledger *l, int k, int persons)
{
    buf b = BUF_INIT;
    gen_batch(&b, k, persons);
    hb_errlist errs;
    errlist_init(&errs, 3);
    hb_err e = {0};
    int rc = ledger_import(l, "t", b.p, b.len, "test:alice", &errs, NULL, NULL, &e);
    if (rc) fail_msg("import %d: %s %s", k, e.msg, errs.n ? errs.msgs[0] : "");
    errlist_free(&errs);
    buf_free(&b);
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* RFC 9162 2.1.1, straight from the definition, over every stored leaf hash. */
static void mth(const uint8_t (*h)[32], size_t n, uint8_t out[32])
{
    if (n == 0) return merkle_empty_root(out);
    if (n == 1) return (void)memcpy(out, h[0], 32);
    size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    uint8_t l[32], r[32];
    mth(h, k, l);
    mth(h + k, n - k, r);
    merkle_node(l, r, out);
}

static int keep_hash(void *ctx, const store_row *row)
{
    buf *b = ctx;
    uint8_t h[32];
    assert_int_equal(leaf_hash(row->body, row->len, h), 0);
    assert_memory_equal(h, row->hash, 32);
    return buf_put(b, row->hash, 32);
}

/* Every leaf hash, malloc'd (caller frees); *n how many. */
static uint8_t (*leaves(ledger *l, size_t *n))[32]
{
    buf b = BUF_INIT;
    hb_err e = {0};
    assert_int_equal(store_scan(ledger_store(l), 1, -1, keep_hash, &b, &e), 0);
    *n = b.len / 32;
    return (uint8_t(*)[32])b.p;
}

typedef struct {
    int64_t n;
    store_head last;
} heads_seen;

static int count_head(void *ctx, const store_head *h)
{
    heads_seen *s = ctx;
    s->n++;
    s->last = *h;
    return 0;
}

static int64_t count_heads(ledger *l, store_head *last)
{
    static heads_seen s; /* big: a 4 KiB note */
    memset(&s, 0, sizeof s);
    hb_err e = {0};
    assert_int_equal(store_head_scan(ledger_store(l), count_head, &s, &e), 0);
    if (last) *last = s.last;
    return s.n;
}

/* The tree as stored agrees with the leaves: roots at every size, proofs. */
static void check_tree(ledger *l)
{
    size_t n;
    uint8_t(*h)[32] = leaves(l, &n);
    assert_int_equal((int64_t)n, ledger_size(l));
    store *st = ledger_store(l);
    hb_err e = {0};
    int64_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 4095, 4096, 4097, (int64_t)n};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        int64_t s = sizes[i];
        if (s > (int64_t)n) continue;
        uint8_t want[32], got[32];
        mth(h, (size_t)s, want);
        if (log_root(st, s, got, &e)) fail_msg("log_root %lld: %s", (long long)s, e.msg);
        assert_memory_equal(got, want, 32);
        for (int64_t seq = 1; seq <= s; seq += s / 7 + 1) {
            log_inclusion inc;
            if (log_prove(st, seq, s, &inc, &e)) fail_msg("prove %lld: %s", (long long)seq, e.msg);
            assert_memory_equal(inc.leaf, h[seq - 1], 32);
            assert_memory_equal(inc.root, want, 32);
            assert_true(merkle_verify_inclusion(inc.leaf, (uint64_t)seq - 1, (uint64_t)s,
                                                &inc.proof, want));
        }
        if (s == 0) continue;
        log_consistency c;
        if (log_consistent(st, s, (int64_t)n, &c, &e)) fail_msg("consistent: %s", e.msg);
        uint8_t all[32];
        mth(h, n, all);
        assert_memory_equal(c.first_root, want, 32);
        assert_memory_equal(c.second_root, all, 32);
        assert_true(merkle_verify_consistency((uint64_t)s, n, want, all, &c.proof));
    }
    free(h);
}

/* The newest head signs the log as it stands. */
static void check_newest_head(ledger *l)
{
    store *st = ledger_store(l);
    hb_err e = {0};
    static store_head h;
    note_vkey v;
    assert_int_equal(log_head(st, &h, &e), 0);
    assert_int_equal(log_vkey(st, &v, &e), 0);
    assert_int_equal(h.size, ledger_size(l));
    size_t text_len;
    if (note_verify(&v, h.note, strlen(h.note), &text_len, &e)) fail_msg("%s", e.msg);
    note_checkpoint cp;
    assert_int_equal(note_checkpoint_parse(h.note, text_len, &cp, &e), 0);
    assert_string_equal(cp.origin, v.name);
    assert_int_equal((int64_t)cp.size, ledger_size(l));
    uint8_t root[32];
    assert_int_equal(log_root(st, h.size, root, &e), 0);
    assert_memory_equal(cp.root, root, 32);
    assert_memory_equal(h.root, root, 32);
    assert_true(cp.timestamp_us != INT64_MIN);
}

static void verify_ok(ledger *l, int64_t heads)
{
    hb_err e = {0};
    int64_t n = -1;
    uint8_t root[32], want[32];
    if (log_verify(ledger_store(l), &n, root, &e)) fail_msg("log_verify: %s", e.msg);
    assert_int_equal(n, heads);
    assert_int_equal(log_root(ledger_store(l), ledger_size(l), want, &e), 0);
    assert_memory_equal(root, want, 32);
}

static void setup_env(void)
{
    unsetenv("HABEAS_KEY_FILE");
    unsetenv("HABEAS_ORIGIN");
}

static void test_create(void **st_)
{
    (void)st_;
    setup_env();
    const char *db = tu_path(tu_tmpdir(), "a.db");
    ledger *l = open_l(db, STORE_CREATE);
    struct stat sb;
    assert_int_equal(stat(key_of(db), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    note_key k;
    note_vkey v;
    hb_err e = {0};
    assert_int_equal(note_key_read_file(key_of(db), &k, &e), 0);
    assert_int_equal(log_vkey(ledger_store(l), &v, &e), 0);
    assert_memory_equal(k.v.pub, v.pub, 32);
    assert_int_equal(strncmp(v.name, "habeas/", 7), 0);
    assert_int_equal(strlen(v.name), 7 + 16);
    char *origin = NULL;
    assert_int_equal(store_meta_get(ledger_store(l), "origin", &origin, &e), 0);
    assert_string_equal(origin, v.name);
    free(origin);
    static store_head h;
    assert_int_equal(count_heads(l, &h), 1);
    assert_int_equal(h.size, 0);
    uint8_t empty[32];
    merkle_empty_root(empty);
    assert_memory_equal(h.root, empty, 32);
    check_newest_head(l);
    verify_ok(l, 1);
    ledger_close(l);

    /* $HABEAS_ORIGIN names the log; a bad one creates nothing. */
    setenv("HABEAS_ORIGIN", "example.org/custody", 1);
    const char *db2 = tu_path(tu_tmpdir(), "b.db");
    l = open_l(db2, STORE_CREATE);
    assert_int_equal(log_vkey(ledger_store(l), &v, &e), 0);
    assert_string_equal(v.name, "example.org/custody");
    ledger_close(l);
    setenv("HABEAS_ORIGIN", "bad origin", 1);
    const char *db3 = tu_path(tu_tmpdir(), "c.db");
    assert_int_equal(open_rc(db3, STORE_CREATE, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "HABEAS_ORIGIN"));
    assert_int_equal(access(db3, F_OK), -1);
    assert_int_equal(access(key_of(db3), F_OK), -1);
    unsetenv("HABEAS_ORIGIN");

    /* $HABEAS_KEY_FILE puts the key elsewhere. */
    const char *elsewhere = tu_path(tu_tmpdir(), "k");
    setenv("HABEAS_KEY_FILE", elsewhere, 1);
    const char *db4 = tu_path(tu_tmpdir(), "d.db");
    l = open_l(db4, STORE_CREATE);
    ledger_close(l);
    assert_int_equal(access(elsewhere, F_OK), 0);
    unsetenv("HABEAS_KEY_FILE");
    char side[1100];
    snprintf(side, sizeof side, "%s.key", db4);
    assert_int_equal(access(side, F_OK), -1);
}

static void test_create_refuses_existing_key(void **st_)
{
    (void)st_;
    setup_env();
    const char *db = tu_path(tu_tmpdir(), "a.db");
    tu_write(key_of(db), "someone's key\n");
    hb_err e = {0};
    assert_int_equal(open_rc(db, STORE_CREATE, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, key_of(db)));
    assert_non_null(strstr(e.msg, "nothing was created"));
    assert_int_equal(access(db, F_OK), -1);
    size_t n;
    char *k = tu_read(key_of(db), &n);
    assert_string_equal(k, "someone's key\n");
    free(k);
}

static void test_batches(void **st_)
{
    (void)st_;
    setup_env();
    const char *db = tu_path(tu_tmpdir(), "a.db");
    ledger *l = open_l(db, STORE_CREATE);
    int persons[] = {3, 7, 1, 2200, 40};
    for (int k = 0; k < 5; k++) {
        import_batch(l, k, persons[k]);
        assert_int_equal(count_heads(l, NULL), k + 2);
        check_newest_head(l);
    }
    assert_true(ledger_size(l) > 4097);
    check_tree(l);
    verify_ok(l, 6);

    /* log_prove with size 0 uses the newest head. */
    log_inclusion inc;
    hb_err e = {0};
    assert_int_equal(log_prove(ledger_store(l), 5, 0, &inc, &e), 0);
    assert_int_equal(inc.size, ledger_size(l));
    /* Out of range: refused, saying why. */
    assert_int_equal(log_prove(ledger_store(l), 0, 3, &inc, &e), HB_EINPUT);
    assert_int_equal(log_prove(ledger_store(l), 4, 3, &inc, &e), HB_EINPUT);
    assert_int_equal(log_prove(ledger_store(l), 1, ledger_size(l) + 1, &inc, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "the log holds"));
    log_consistency c;
    assert_int_equal(log_consistent(ledger_store(l), 5, 4, &c, &e), HB_EINPUT);
    uint8_t root[32];
    assert_int_equal(log_root(ledger_store(l), ledger_size(l) + 1, root, &e), HB_EINPUT);
    ledger_close(l);

    /* Reopened: the frontier is loaded, the next batch lands right. */
    l = open_l(db, STORE_OPEN);
    assert_int_equal(count_heads(l, NULL), 6);
    import_batch(l, 5, 9);
    assert_int_equal(count_heads(l, NULL), 7);
    check_newest_head(l);
    check_tree(l);
    verify_ok(l, 7);
    ledger_close(l);
}

static bool node_stored(ledger *l, int level, int64_t index)
{
    uint8_t h[32];
    bool found = false;
    hb_err e = {0};
    assert_int_equal(store_tree_get(ledger_store(l), level, index, h, &found, &e), 0);
    return found;
}

/* Stages every line of text in b (decoded into a, which must outlive b). */
static void add_all(ledger_batch *b, const char *text, arena *a)
{
    hb_errlist errs;
    errlist_init(&errs, 3);
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        event ev;
        if (event_decode(p, (size_t)(end - p), a, &ev, &errs, "t"))
            fail_msg("decode: %s", errs.n ? errs.msgs[0] : "?");
        if (ledger_batch_add(b, &ev, &errs, "t")) fail_msg("add: %s", errs.n ? errs.msgs[0] : "?");
        p = end + 1;
    }
    errlist_free(&errs);
}

/* Begins a batch of gen_batch(k, persons), stages it all, and aborts it. */
static void staged_then_aborted(ledger *l, int k, int persons)
{
    buf text = BUF_INIT;
    gen_batch(&text, k, persons);
    arena a;
    arena_init(&a, 64 * 1024);
    ledger_batch *b;
    hb_err e = {0};
    assert_int_equal(ledger_batch_begin(l, "test:alice", &b, &e), 0);
    add_all(b, text.p, &a);
    ledger_batch_abort(b);
    arena_free(&a);
    buf_free(&text);
}

static void test_refused_and_aborted(void **st_)
{
    (void)st_;
    setup_env();
    const char *db = tu_path(tu_tmpdir(), "a.db");
    ledger *l = open_l(db, STORE_CREATE);
    import_batch(l, 0, 2); /* 2 + 5 events: no node yet */
    int64_t size = ledger_size(l);
    assert_false(node_stored(l, 4, 0));

    /* Aborted after staging enough events for several nodes: all gone. */
    staged_then_aborted(l, 1, 40);
    assert_int_equal(ledger_size(l), size);
    assert_int_equal(count_heads(l, NULL), 2);
    assert_false(node_stored(l, 4, 0));
    assert_false(node_stored(l, 5, 0));
    /* The same with the writer thread storing chunks and their nodes first. */
    staged_then_aborted(l, 1, 2200);
    assert_int_equal(ledger_size(l), size);
    assert_int_equal(count_heads(l, NULL), 2);
    assert_false(node_stored(l, 4, 0));
    assert_false(node_stored(l, 8, 0));

    /* Refused: a large import with one bad line at the end. */
    buf b = BUF_INIT;
    gen_batch(&b, 2, 2000);
    buf_puts(&b, "{\"type\":\"custody.admitted\"}\n");
    hb_errlist errs;
    errlist_init(&errs, 3);
    hb_err e = {0};
    assert_int_equal(ledger_import(l, "t", b.p, b.len, "test:alice", &errs, NULL, NULL, &e),
                     HB_EINPUT);
    errlist_free(&errs);
    buf_free(&b);
    assert_int_equal(ledger_size(l), size);
    assert_int_equal(count_heads(l, NULL), 2);
    assert_false(node_stored(l, 4, 0));

    /* The frontier was put back each time: the next batches are right. */
    import_batch(l, 3, 30);
    import_batch(l, 4, 1800);
    assert_int_equal(count_heads(l, NULL), 4);
    check_newest_head(l);
    check_tree(l);
    verify_ok(l, 4);
    ledger_close(l);
}

static void test_key_file_states(void **st_)
{
    (void)st_;
    setup_env();
    const char *db = tu_path(tu_tmpdir(), "a.db");
    ledger *l = open_l(db, STORE_CREATE);
    import_batch(l, 0, 10);
    int64_t size = ledger_size(l);
    ledger_close(l);
    const char *key = key_of(db);
    hb_err e = {0};

    /* Readable by others: refused. */
    assert_int_equal(chmod(key, 0644), 0);
    assert_int_equal(open_rc(db, STORE_OPEN, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "chmod 600"));
    assert_int_equal(chmod(key, 0600), 0);

    /* Missing: opens, reads, proves and verifies; appending is refused. */
    char moved[1100];
    snprintf(moved, sizeof moved, "%s.away", key);
    assert_int_equal(rename(key, moved), 0);
    l = open_l(db, STORE_OPEN);
    assert_int_equal(ledger_size(l), size);
    check_tree(l);
    verify_ok(l, 2);
    ledger_batch *b = NULL;
    assert_int_equal(ledger_batch_begin(l, "test:alice", &b, &e), HB_EINPUT);
    assert_null(b);
    char want[1200];
    snprintf(want, sizeof want, "cannot append: no signing key at %s", key);
    assert_non_null(strstr(e.msg, want));
    assert_non_null(strstr(e.msg, "HABEAS_KEY_FILE"));
    buf in = BUF_INIT;
    gen_batch(&in, 1, 2);
    hb_errlist errs;
    errlist_init(&errs, 3);
    assert_int_equal(ledger_import(l, "t", in.p, in.len, "test:alice", &errs, NULL, NULL, &e),
                     HB_EINPUT);
    errlist_free(&errs);
    buf_free(&in);
    assert_int_equal(ledger_size(l), size);
    assert_int_equal(count_heads(l, NULL), 2);
    ledger_close(l);

    /* $HABEAS_KEY_FILE finds it where it went. */
    setenv("HABEAS_KEY_FILE", moved, 1);
    l = open_l(db, STORE_OPEN);
    import_batch(l, 1, 2);
    ledger_close(l);
    unsetenv("HABEAS_KEY_FILE");
    assert_int_equal(rename(moved, key), 0);

    /* Another ledger's key: refused. */
    const char *other = tu_path(tu_tmpdir(), "b.db");
    ledger_close(open_l(other, STORE_CREATE));
    size_t n;
    char *theirs = tu_read(key_of(other), &n);
    char *ours = tu_read(key, &n);
    assert_int_equal(unlink(key), 0);
    tu_write(key, theirs);
    assert_int_equal(chmod(key, 0600), 0);
    assert_int_equal(open_rc(db, STORE_OPEN, &e), HB_EINPUT);
    snprintf(want, sizeof want, "the key at %s is not this ledger's signing key", key);
    assert_non_null(strstr(e.msg, want));
    tu_write(key, ours);
    l = open_l(db, STORE_OPEN);
    verify_ok(l, 3);
    ledger_close(l);
    free(theirs);
    free(ours);
}

static void test_verify_tampered(void **st_)
{
    (void)st_;
    setup_env();
    const char *db = tu_path(tu_tmpdir(), "a.db");
    ledger *l = open_l(db, STORE_CREATE);
    import_batch(l, 0, 20);
    import_batch(l, 1, 20);
    verify_ok(l, 3);
    ledger_close(l);

    /* A node changed. */
    const char *db2 = tu_path(tu_tmpdir(), "b.db");
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "cp %s %s && cp -p %s %s", db, db2, key_of(db), key_of(db2));
    assert_int_equal(tu_sh(NULL, 1, "%s", cmd), 0);
    exec_sql(db2, "DROP TRIGGER tree_append_only_update;"
                  "UPDATE tree SET hash = zeroblob(32) WHERE id = (5 << 48) | 0;");
    l = open_l(db2, STORE_OPEN);
    hb_err e = {0};
    int64_t n;
    uint8_t root[32];
    assert_int_equal(log_verify(ledger_store(l), &n, root, &e), HB_ERULE);
    assert_non_null(strstr(e.msg, "the Merkle tree node covering seqs 1..32 does not match"));
    ledger_close(l);

    /* A head's note changed (its size in the text, so the signature fails). */
    exec_sql(db, "DROP TRIGGER heads_append_only_update;"
                 "UPDATE heads SET note = replace(note, char(10) || size || char(10), "
                 "char(10) || (size + 1) || char(10)) WHERE id = 2;");
    l = open_l(db, STORE_OPEN);
    static store_head h;
    assert_int_equal(count_heads(l, &h), 3);
    assert_int_equal(log_verify(ledger_store(l), &n, root, &e), HB_ERULE);
    char want[64];
    snprintf(want, sizeof want, "head #2 (size %d)", 2 + 20 * 2 + 4);
    assert_non_null(strstr(e.msg, want));
    assert_non_null(strstr(e.msg, "does not verify"));
    ledger_close(l);
}

/* Copies db and its key file to a new name in a fresh folder. */
static const char *copy_ledger(const char *db)
{
    const char *to = tu_path(tu_tmpdir(), "copy.db");
    char k1[1024], k2[1024];
    log_key_path(db, k1, sizeof k1);
    log_key_path(to, k2, sizeof k2);
    assert_int_equal(tu_sh(NULL, 1, "cp '%s' '%s' && cp -p '%s' '%s'", db, to, k1, k2), 0);
    return to;
}

/* A keyed ledger is never repaired or re-signed by opening it: events stored
 * outside habeas, or a tree deleted, refuse appends instead. */
static void test_no_repair_of_keyed_ledger(void **st_)
{
    (void)st_;
    setup_env();
    const char *db = tu_path(tu_tmpdir(), "a.db");
    ledger *l = open_l(db, STORE_CREATE);
    import_batch(l, 0, 20);
    int64_t size = ledger_size(l);
    ledger_close(l);
    const char *more = copy_ledger(db);
    l = open_l(more, STORE_OPEN);
    import_batch(l, 1, 5);
    ledger_close(l);
    char sql[1200];
    snprintf(sql, sizeof sql,
             "ATTACH '%s' AS x; INSERT INTO events SELECT * FROM x.events WHERE seq = %lld;", more,
             (long long)size + 1);
    const char *grown = copy_ledger(db);
    exec_sql(grown, sql);
    l = open_l(grown, STORE_OPEN);
    assert_int_equal(size % 16, 14); /* seq size + 1 completes no stored node */
    assert_int_equal(ledger_size(l), size + 1);
    assert_int_equal(count_heads(l, NULL), 2);
    hb_err e = {0};
    ledger_batch *b = NULL;
    assert_int_equal(ledger_batch_begin(l, "test:alice", &b, &e), HB_EINPUT);
    if (!strstr(e.msg, "changed outside habeas")) fail_msg("%s", e.msg);
    int64_t n;
    uint8_t root[32];
    assert_int_equal(log_verify(ledger_store(l), &n, root, &e), HB_ERULE);
    assert_non_null(strstr(e.msg, "under no signed head"));
    ledger_close(l);

    const char *bare = copy_ledger(db);
    exec_sql(bare, "DROP TRIGGER tree_append_only_delete; DELETE FROM tree;");
    l = open_l(bare, STORE_OPEN);
    assert_false(node_stored(l, 4, 0));
    assert_int_equal(ledger_batch_begin(l, "test:alice", &b, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "is not stored"));
    assert_int_equal(log_verify(ledger_store(l), &n, root, &e), HB_ERULE);
    assert_non_null(strstr(e.msg, "covering seqs 1..16"));
    ledger_close(l);
}

static void test_upgrade_old_ledger(void **st_)
{
    (void)st_;
    setup_env();
    const char *db = tu_path(tu_tmpdir(), "a.db");
    ledger *l = open_l(db, STORE_CREATE);
    import_batch(l, 0, 30);
    import_batch(l, 1, 30);
    int64_t size = ledger_size(l);
    ledger_close(l);
    /* As written before the tree: no tree, no heads, no key. */
    exec_sql(db, "DROP TABLE tree; DROP TABLE heads;"
                 "DELETE FROM meta WHERE key IN ('vkey', 'origin');");
    assert_int_equal(unlink(key_of(db)), 0);

    /* A reader (no upgrade) says why there is no key or head. */
    store *st = NULL;
    hb_err e = {0};
    assert_int_equal(store_open(db, STORE_READ, &st, &e), 0);
    note_vkey v;
    assert_int_equal(log_vkey(st, &v, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "no verifier key"));
    static store_head h;
    assert_int_equal(log_head(st, &h, &e), HB_EINPUT);
    store_close(st);

    /* A key file already there is neither adopted nor overwritten. */
    tu_write(key_of(db), "not ours\n");
    l = open_l(db, STORE_OPEN);
    ledger_batch *b = NULL;
    assert_int_equal(ledger_batch_begin(l, "test:alice", &b, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "move that file away"));
    ledger_close(l);
    assert_int_equal(unlink(key_of(db)), 0);

    /* The writable open upgrades it: key, nodes, one head of its size. */
    l = open_l(db, STORE_OPEN);
    struct stat sb;
    assert_int_equal(stat(key_of(db), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(ledger_size(l), size);
    assert_int_equal(count_heads(l, &h), 1);
    assert_int_equal(h.size, size);
    assert_true(node_stored(l, 4, 0));
    check_newest_head(l);
    check_tree(l);
    verify_ok(l, 1);
    import_batch(l, 2, 5);
    verify_ok(l, 2);
    ledger_close(l);

    /* Opening again changes nothing. */
    l = open_l(db, STORE_OPEN);
    assert_int_equal(count_heads(l, NULL), 2);
    ledger_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_create_refuses_existing_key),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_refused_and_aborted),
        cmocka_unit_test(test_key_file_states),
        cmocka_unit_test(test_verify_tampered),
        cmocka_unit_test(test_no_repair_of_keyed_ledger),
        cmocka_unit_test(test_upgrade_old_ledger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
