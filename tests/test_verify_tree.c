/* ledger_verify_log (src/ledger/verify.c with log_verify.c's pieces): the records,
 * the Merkle tree and the signed heads in one parallel pass, cut in blocks of
 * LOG_BLOCK leaves. A ledger of 6,500 events (not a multiple of the block) with
 * heads at sizes 0, 1, 2047, 2048, 2049, 4096, 4097 and 6500, so heads fall on,
 * just before and just after block edges, is tampered with the way someone
 * holding the file would (triggers dropped, then SQL), and with the ledger's key
 * too: a body, a body and its hash, the tree recomputed over them, heads
 * re-signed. Each time the failure that a pass in seq order meets first is named,
 * with log_verify's messages, every run alike (workers race), and log_verify (one
 * thread, log.h) names the same tree or head failure. A record that is not its
 * own canonical form, with every hash, node and head made to match by the key's
 * holder, is seen only with LEDGER_VERIFY_DEEP (`habeas verify --deep`).
 *
 * Every verdict is reached twice, hashing with libcrypto (HABEAS_HASH=openssl)
 * and with the default engine (libipsec-mb where it was built in and runs,
 * hash_batch.h), with the same message word for word. */
#include "testutil.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/synth_bulk.h"
#include "ledger/ledger.h"
#include "ledger/leaf.h"
#include "ledger/log.h"
#include "util/buf.h"

#define BLOCK 2048 /* LOG_BLOCK: the sizes below sit on its edges */
#define EVENTS 6500
#define REPEAT 5 /* reruns of each case: a race shows as a different answer */
#define ACTOR "test:verify"

/* The heads after #1 (size 0): #2 is size 1, ... #8 is size 6500. */
static const int64_t SIZES[] = {1, 2047, 2048, 2049, 4096, 4097, EVENTS};
#define NHEADS (1 + (int)(sizeof SIZES / sizeof SIZES[0]))

static char base[700]; /* the intact ledger, made once */

static void import_lines(ledger *l, const char *p, const char *end)
{
    hb_errlist errs;
    errlist_init(&errs, 3);
    hb_err e = {0};
    int64_t first, last;
    if (ledger_import(l, "bulk.jsonl", p, (size_t)(end - p), ACTOR, &errs, &first, &last, &e))
        fail_msg("import: %s", errs.n ? errs.msgs[0] : e.msg);
    errlist_free(&errs);
}

/* A ledger of events events, one import (so one head) ending at each of sizes. */
static void make_ledger(const char *path, size_t events, const int64_t *sizes, size_t n)
{
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(path, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    synth_w w;
    synth_w_init(&w);
    if (synth_bulk(&w, 7, events, NULL)) fail_msg("synth_bulk: out of memory");
    const char *p = w.b.p, *end = w.b.p + w.b.len;
    int64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const char *q = p;
        for (; at < sizes[i]; at++)
            q = (const char *)memchr(q, '\n', (size_t)(end - q)) + 1;
        import_lines(l, p, q);
        p = q;
    }
    assert_int_equal(ledger_size(l), sizes[n - 1]);
    synth_w_free(&w);
    ledger_close(l);
}

static int make_base(void **st)
{
    (void)st;
    unsetenv("HABEAS_KEY_FILE");
    snprintf(base, sizeof base, "%s", tu_path(tu_tmpdir(), "base.db"));
    make_ledger(base, EVENTS, SIZES, NHEADS - 1);
    return 0;
}

/* ---- the attacker's tools: SQL, and the key for what needs it ---- */

static void exec(sqlite3 *d, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(d, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
}

/* A fresh copy of the base ledger and its key, its triggers dropped. Caller
 * closes *d with sqlite3_close. */
static const char *copy_base(sqlite3 **d)
{
    const char *p = tu_path(tu_tmpdir(), "t.db");
    char k1[1024], k2[1024];
    log_key_path(base, k1, sizeof k1);
    log_key_path(p, k2, sizeof k2);
    if (tu_sh(NULL, 1, "cp '%s' '%s' && cp -p '%s' '%s'", base, p, k1, k2) != 0)
        fail_msg("cannot copy %s", base);
    assert_int_equal(sqlite3_open(p, d), SQLITE_OK);
    exec(*d, "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;"
             "DROP TRIGGER tree_append_only_update; DROP TRIGGER tree_append_only_delete;"
             "DROP TRIGGER heads_append_only_update; DROP TRIGGER heads_append_only_delete;");
    return p;
}

/* Changes the record's actor, one byte: it still decodes and is canonical. */
static void change_body(sqlite3 *d, int64_t seq)
{
    char sql[300];
    snprintf(sql, sizeof sql,
             "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), '" ACTOR "', "
             "'test:verifx') AS BLOB) WHERE seq = %lld",
             (long long)seq);
    exec(d, sql);
    assert_int_equal(sqlite3_changes(d), 1);
}

/* The stored hash of seq recomputed from its (changed) body. */
static void rehash(sqlite3 *d, int64_t seq)
{
    sqlite3_stmt *get, *put;
    assert_int_equal(
        sqlite3_prepare_v2(d, "SELECT body FROM events WHERE seq = ?1", -1, &get, NULL), 0);
    assert_int_equal(
        sqlite3_prepare_v2(d, "UPDATE events SET hash = ?1 WHERE seq = ?2", -1, &put, NULL), 0);
    sqlite3_bind_int64(get, 1, seq);
    assert_int_equal(sqlite3_step(get), SQLITE_ROW);
    uint8_t h[32];
    leaf_hash(sqlite3_column_blob(get, 0), (size_t)sqlite3_column_bytes(get, 0), h);
    sqlite3_bind_blob(put, 1, h, 32, SQLITE_STATIC);
    sqlite3_bind_int64(put, 2, seq);
    assert_int_equal(sqlite3_step(put), SQLITE_DONE);
    sqlite3_finalize(get);
    sqlite3_finalize(put);
}

typedef struct {
    sqlite3_stmt *put;
} retree_ctx;

static int put_node(void *ctx, int level, uint64_t index, const uint8_t h[MERKLE_HASH])
{
    retree_ctx *c = ctx;
    sqlite3_bind_blob(c->put, 1, h, 32, SQLITE_STATIC);
    sqlite3_bind_int64(c->put, 2, (int64_t)level << 48 | (int64_t)index);
    int rc = sqlite3_step(c->put);
    sqlite3_reset(c->put);
    return rc == SQLITE_DONE ? 0 : 1;
}

/* Walks every stored leaf hash through a frontier: every stored node rewritten
 * from them (retree) and, with key, every head re-signed over the roots they
 * give (resign), as only the key's holder can. */
static void rewrite(sqlite3 *d, const char *key)
{
    sqlite3_stmt *leaves, *heads, *head_put;
    retree_ctx c;
    assert_int_equal(
        sqlite3_prepare_v2(d, "SELECT hash FROM events ORDER BY seq", -1, &leaves, NULL), 0);
    assert_int_equal(
        sqlite3_prepare_v2(d, "UPDATE tree SET hash = ?1 WHERE id = ?2", -1, &c.put, NULL), 0);
    assert_int_equal(
        sqlite3_prepare_v2(d, "SELECT id, size, note FROM heads ORDER BY id", -1, &heads, NULL), 0);
    assert_int_equal(sqlite3_prepare_v2(d, "UPDATE heads SET root = ?1, note = ?2 WHERE id = ?3",
                                        -1, &head_put, NULL),
                     0);
    note_key k;
    hb_err e = {0};
    if (key && note_key_read_file(key, &k, &e)) fail_msg("key: %s", e.msg);
    merkle_frontier f;
    merkle_frontier_init(&f);
    int more = sqlite3_step(heads);
    for (;;) {
        /* Heads of this size first: sizes only grow with ids here. */
        while (key && more == SQLITE_ROW && sqlite3_column_int64(heads, 1) == (int64_t)f.size) {
            const char *note = (const char *)sqlite3_column_text(heads, 2);
            size_t text_len;
            note_checkpoint cp;
            if (note_verify(&k.v, note, strlen(note), &text_len, &e) ||
                note_checkpoint_parse(note, text_len, &cp, &e))
                fail_msg("head: %s", e.msg);
            merkle_frontier_root(&f, cp.root);
            buf text = BUF_INIT, signed_note = BUF_INIT;
            assert_int_equal(note_checkpoint_format(&cp, &text), 0);
            if (note_sign(&k, text.p, text.len, &signed_note, &e)) fail_msg("sign: %s", e.msg);
            sqlite3_bind_blob(head_put, 1, cp.root, 32, SQLITE_STATIC);
            sqlite3_bind_text(head_put, 2, signed_note.p, (int)signed_note.len, SQLITE_STATIC);
            sqlite3_bind_int64(head_put, 3, sqlite3_column_int64(heads, 0));
            assert_int_equal(sqlite3_step(head_put), SQLITE_DONE);
            sqlite3_reset(head_put);
            buf_free(&text);
            buf_free(&signed_note);
            more = sqlite3_step(heads);
        }
        if (sqlite3_step(leaves) != SQLITE_ROW) break;
        assert_int_equal(merkle_frontier_push(&f, sqlite3_column_blob(leaves, 0), put_node, &c), 0);
    }
    sqlite3_finalize(leaves);
    sqlite3_finalize(heads);
    sqlite3_finalize(head_put);
    sqlite3_finalize(c.put);
}

/* ---- what verify must say ---- */

/* The hashing engines every verdict is reached with: NULL is the default. */
static const char *const ENGINES[] = {"openssl", NULL};
#define NENGINES (sizeof ENGINES / sizeof ENGINES[0])

static void use_engine(size_t k)
{
    if (ENGINES[k])
        setenv("HABEAS_HASH", ENGINES[k], 1);
    else
        unsetenv("HABEAS_HASH");
}

/* ledger_verify_log on p, REPEAT times on each engine: always rc, a message
 * starting with want (empty: any), the same on every run, and records checked. */
static void expect_log(const char *p, unsigned flags, int rc, const char *want, int64_t records)
{
    char first[sizeof((hb_err){0}).msg] = "";
    for (size_t k = 0; k < NENGINES; k++) {
        use_engine(k);
        for (int i = 0; i < REPEAT; i++) {
            ledger_verified v;
            hb_err e = {0};
            int r = ledger_verify_log(p, flags, &v, &e);
            if (r != rc || strncmp(e.msg, want, strlen(want)) != 0 || v.records != records)
                fail_msg("engine %s, run %d: rc %d (want %d), records %lld (want %lld), message "
                         "\"%s\" (want \"%s...\")",
                         ENGINES[k] ? ENGINES[k] : "default", i, r, rc, (long long)v.records,
                         (long long)records, e.msg, want);
            if (k == 0 && i == 0)
                snprintf(first, sizeof first, "%s", e.msg);
            else if (strcmp(e.msg, first) != 0)
                fail_msg("engine %s, run %d: \"%s\", but libcrypto's first run said \"%s\"",
                         ENGINES[k] ? ENGINES[k] : "default", i, e.msg, first);
            if (rc == 0) assert_int_equal(v.heads, NHEADS);
        }
    }
    unsetenv("HABEAS_HASH");
}

/* A failure of the tree or a head: ledger_verify_log and log_verify (one
 * thread, no records) name the same one. */
static void expect_tree(const char *p, const char *want, int64_t records)
{
    expect_log(p, 0, HB_ERULE, want, records);
    store *st = NULL;
    hb_err e = {0}, e2 = {0};
    if (store_open(p, STORE_READ, &st, &e)) fail_msg("open: %s", e.msg);
    int64_t heads = -1;
    uint8_t root[32];
    assert_int_equal(log_verify(st, &heads, root, &e), HB_ERULE);
    ledger_verified v;
    assert_int_equal(ledger_verify_log(p, 0, &v, &e2), HB_ERULE);
    assert_string_equal(e.msg, e2.msg);
    store_close(st);
}

static void the_intact_ledger_passes_with_its_root(void **st_)
{
    (void)st_;
    expect_log(base, 0, 0, "", EVENTS);
    expect_log(base, LEDGER_VERIFY_DEEP, 0, "", EVENTS);
    ledger_verified v;
    hb_err e = {0};
    assert_int_equal(ledger_verify_log(base, 0, &v, &e), 0);
    /* The root as proofs compute it (merkle_root over stored nodes), and as
     * log_verify does, one thread. */
    store *st = NULL;
    if (store_open(base, STORE_READ, &st, &e)) fail_msg("open: %s", e.msg);
    uint8_t want[32], one[32];
    assert_int_equal(log_root(st, EVENTS, want, &e), 0);
    assert_memory_equal(v.root, want, 32);
    int64_t heads = 0;
    if (log_verify(st, &heads, one, &e)) fail_msg("log_verify: %s", e.msg);
    assert_int_equal(heads, NHEADS);
    assert_memory_equal(one, want, 32);
    store_close(st);
}

static void small_and_block_sized_ledgers_pass(void **st_)
{
    (void)st_;
    int64_t tiny[] = {100, 101, 115}, edge[] = {BLOCK, 2 * BLOCK};
    struct {
        const int64_t *sizes;
        size_t n;
    } cases[] = {{tiny, 3}, {edge, 2}};
    /* An empty ledger: the root of no leaves, one head. */
    const char *p = tu_path(tu_tmpdir(), "empty.db");
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(p, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    ledger_close(l);
    ledger_verified v;
    assert_int_equal(ledger_verify_log(p, 0, &v, &e), 0);
    assert_int_equal(v.records, 0);
    assert_int_equal(v.heads, 1);
    uint8_t want[32];
    merkle_empty_root(want);
    assert_memory_equal(v.root, want, 32);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p = tu_path(tu_tmpdir(), "l.db");
        int64_t n = cases[i].sizes[cases[i].n - 1];
        make_ledger(p, (size_t)n, cases[i].sizes, cases[i].n);
        assert_int_equal(ledger_verify_log(p, 0, &v, &e), 0);
        assert_int_equal(v.records, n);
        assert_int_equal(v.heads, 1 + (int64_t)cases[i].n);
        store *st = NULL;
        if (store_open(p, STORE_READ, &st, &e)) fail_msg("open: %s", e.msg);
        assert_int_equal(log_root(st, n, want, &e), 0);
        assert_memory_equal(v.root, want, 32);
        store_close(st);
    }
}

/* For a head of size s, the record at s changed with its hash and the tree made
 * to match: only the signed roots disagree, first that of the head itself. A
 * seq not at a head size names the next head. */
static void heads_on_block_edges_name_the_first_root_broken(void **st_)
{
    (void)st_;
    struct {
        int64_t seq;
        int head;
        int64_t size;
    } cases[] = {{1, 2, 1},       {2047, 3, 2047}, {2048, 4, 2048}, {2049, 5, 2049},
                 {3000, 6, 4096}, {4096, 6, 4096}, {4097, 7, 4097}, {6500, 8, EVENTS}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sqlite3 *d;
        const char *p = copy_base(&d);
        change_body(d, cases[i].seq);
        rehash(d, cases[i].seq);
        rewrite(d, NULL);
        sqlite3_close(d);
        char want[96];
        snprintf(want, sizeof want, "head #%d (size %lld): its root ", cases[i].head,
                 (long long)cases[i].size);
        expect_tree(p, want, cases[i].size);
    }
}

/* The record and its hash, the tree left: the lowest stored node over it. */
static void a_consistent_leaf_breaks_the_node_over_it(void **st_)
{
    (void)st_;
    sqlite3 *d;
    const char *p = copy_base(&d);
    change_body(d, 3000); /* under (4, 187): seqs 2993..3008 */
    rehash(d, 3000);
    sqlite3_close(d);
    expect_tree(p,
                "the Merkle tree node covering seqs 2993..3008 does not match the events "
                "(level 4, index 187: the stored hash differs from the one the events give)",
                3008);
    /* Seq 6499 is under no stored node (6497..6512 is past the end): head #8. */
    p = copy_base(&d);
    change_body(d, 6499);
    rehash(d, 6499);
    sqlite3_close(d);
    expect_tree(p, "head #8 (size 6500): its root ", EVENTS);
}

static void changed_missing_and_malformed_nodes_are_named(void **st_)
{
    (void)st_;
    struct {
        const char *sql, *want;
        int64_t records;
    } cases[] = {
        {"UPDATE tree SET hash = zeroblob(32) WHERE id = (4 << 48 | 200)",
         "the Merkle tree node covering seqs 3201..3216 does not match the events (level 4, "
         "index 200: the stored hash differs from the one the events give)",
         3216},
        /* A block's root, and the one above two blocks (checked above the blocks). */
        {"UPDATE tree SET hash = zeroblob(32) WHERE id = (11 << 48 | 1)",
         "the Merkle tree node covering seqs 2049..4096 does not match the events (level 11, "
         "index 1: the stored hash differs",
         4096},
        {"UPDATE tree SET hash = zeroblob(32) WHERE id = (12 << 48 | 0)",
         "the Merkle tree node covering seqs 1..4096 does not match the events (level 12, "
         "index 0: the stored hash differs",
         4096},
        {"DELETE FROM tree WHERE id = (7 << 48 | 20)",
         "the Merkle tree node covering seqs 2561..2688 does not match the events (level 7, "
         "index 20: it is not stored)",
         2688},
        {"DELETE FROM tree WHERE id = (12 << 48 | 0)",
         "the Merkle tree node covering seqs 1..4096 does not match the events (level 12, "
         "index 0: it is not stored)",
         4096},
        {"UPDATE tree SET hash = x'010203' WHERE id = (5 << 48 | 3)",
         "the Merkle tree node covering seqs 97..128 does not match the events (level 5, index "
         "3: the stored hash has 3 bytes, not 32)",
         128},
        /* Two: the one a pass in seq order meets first (the lower end). */
        {"DELETE FROM tree WHERE id = (12 << 48 | 0); "
         "UPDATE tree SET hash = zeroblob(32) WHERE id = (4 << 48 | 255)",
         "the Merkle tree node covering seqs 4081..4096 does not match the events (level 4, "
         "index 255: the stored hash differs",
         4096},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sqlite3 *d;
        const char *p = copy_base(&d);
        exec(d, cases[i].sql);
        sqlite3_close(d);
        expect_tree(p, cases[i].want, cases[i].records);
    }
}

/* Failures in several blocks, of several kinds: the lowest in seq order wins. */
static void the_lowest_failure_in_seq_order_is_named(void **st_)
{
    (void)st_;
    struct {
        int64_t body[2];  /* records changed (0: none) */
        int64_t hashed;   /* a record changed with its hash (0: none) */
        const char *node; /* SQL on a node, or NULL */
        const char *want;
        int64_t records;
    } cases[] = {
        {{5000, 3000}, 0, NULL, "seq 3000: the record's leaf hash is ", 2999},
        {{6000, 2049}, 0, NULL, "seq 2049: the record's leaf hash is ", 2048},
        /* A node below a record in a higher block, and the other way round. */
        {{5000, 0},
         0,
         "UPDATE tree SET hash = zeroblob(32) WHERE id = (4 << 48 | 10)",
         "the Merkle tree node covering seqs 161..176 ",
         176},
        {{100, 0},
         0,
         "UPDATE tree SET hash = zeroblob(32) WHERE id = (4 << 48 | 10)",
         "seq 100: the record's leaf hash is ",
         99},
        /* In one block: the record below the node's last seq comes first. */
        {{170, 0},
         0,
         "UPDATE tree SET hash = zeroblob(32) WHERE id = (4 << 48 | 10)",
         "seq 170: the record's leaf hash is ",
         169},
        {{3005, 0}, 3000, NULL, "seq 3005: the record's leaf hash is ", 3004},
        {{3010, 0}, 3000, NULL, "the Merkle tree node covering seqs 2993..3008 ", 3008},
        /* A node above the blocks against records on both sides of its end. */
        {{4097, 0},
         0,
         "UPDATE tree SET hash = zeroblob(32) WHERE id = (12 << 48 | 0)",
         "the Merkle tree node covering seqs 1..4096 ",
         4096},
        {{4000, 0},
         0,
         "UPDATE tree SET hash = zeroblob(32) WHERE id = (12 << 48 | 0)",
         "seq 4000: the record's leaf hash is ",
         3999},
        /* A seq missing, above a node that differs. */
        {{0, 0},
         0,
         "DELETE FROM events WHERE seq = 2100; "
         "UPDATE tree SET hash = zeroblob(32) WHERE id = (4 << 48 | 200)",
         "seq 2100: missing (the log goes from seq 2099 to 2101)",
         2099},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sqlite3 *d;
        const char *p = copy_base(&d);
        for (int j = 0; j < 2; j++)
            if (cases[i].body[j]) change_body(d, cases[i].body[j]);
        if (cases[i].hashed) {
            change_body(d, cases[i].hashed);
            rehash(d, cases[i].hashed);
        }
        if (cases[i].node) exec(d, cases[i].node);
        sqlite3_close(d);
        expect_log(p, 0, HB_ERULE, cases[i].want, cases[i].records);
    }
    /* A head's root (the tree made to match) below a record in a higher block. */
    sqlite3 *d;
    const char *p = copy_base(&d);
    change_body(d, 10);
    rehash(d, 10);
    rewrite(d, NULL);
    change_body(d, 3000);
    sqlite3_close(d);
    expect_log(p, 0, HB_ERULE, "head #3 (size 2047): its root ", 2047);
}

/* Seq 5 rewritten into a form the decoder accepts but that is not canonical (a
 * space), and its hash, the tree and every head re-signed with the ledger's key:
 * every hash holds, so only the deep check sees it. verify changes nothing. */
static void only_deep_sees_a_non_canonical_record_signed_over(void **st_)
{
    (void)st_;
    sqlite3 *d;
    const char *p = copy_base(&d);
    exec(d, "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), '{\"actor\":', "
            "'{ \"actor\":') AS BLOB) WHERE seq = 5");
    assert_int_equal(sqlite3_changes(d), 1);
    rehash(d, 5);
    char key[1024];
    log_key_path(p, key, sizeof key);
    rewrite(d, key);
    sqlite3_close(d);
    assert_int_equal(tu_sh(NULL, 1, "cp '%s' '%s.before'", p, p), 0);
    expect_log(p, 0, 0, "", EVENTS);
    expect_log(p, LEDGER_VERIFY_DEEP, HB_ERULE,
               "seq 5: the stored bytes are not the record's canonical form (the record was "
               "altered after it was appended)",
               4);
    /* The command line says the same, and exits 0 and 1. */
    char *out = NULL;
    assert_int_equal(tu_sh(&out, 1, "'%s' verify --db '%s'", tu_habeas(), p), 0);
    if (!strstr(out, "OK: 6500 events, 8 signed heads, root ")) fail_msg("verify: %s", out);
    free(out);
    assert_int_equal(tu_sh(&out, 1, "'%s' verify --deep --db '%s'", tu_habeas(), p), 1);
    if (!strstr(out, "FAILED: seq 5: the stored bytes are not the record's canonical form"))
        fail_msg("verify --deep: %s", out);
    free(out);
    assert_int_equal(tu_sh(NULL, 1, "cmp '%s' '%s.before'", p, p), 0);
}

/* A head re-signed over a tree that is not the events' (root and note agree,
 * the signature holds): its root is named. A head's fields that differ from its
 * note are named before any record (they need no tree). */
static void heads_are_checked_before_the_records(void **st_)
{
    (void)st_;
    sqlite3 *d;
    const char *p = copy_base(&d);
    change_body(d, 2000);
    exec(d, "UPDATE heads SET root = zeroblob(32) WHERE id = 6");
    sqlite3_close(d);
    expect_log(p, 0, HB_ERULE,
               "head #6 (size 4096): its stored size or root differs from its signed checkpoint",
               0);
}

/* ledger_verify (the records alone) reads on past the size the ledger had when
 * opened, to the log's end: here more than a block's worth of rows added behind
 * its back (seqs 1..3000 again, renumbered and rehashed, so that they hold),
 * which the last block hashes a block's worth at a time. A changed one is named
 * in either part. */
static void records_past_the_opened_size_are_all_checked(void **st_)
{
    (void)st_;
    int64_t bad[] = {0, 6145, 7000, 8192, 8193, 9000, 9500};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sqlite3 *d;
        const char *p = copy_base(&d);
        ledger *l = NULL;
        hb_err e = {0};
        if (ledger_open(p, STORE_OPEN, &l, &e)) fail_msg("open: %s", e.msg);
        exec(d, "INSERT INTO events(seq, body, hash) SELECT seq + 6500, CAST(replace(CAST(body "
                "AS TEXT), '\"seq\":' || seq || '}', '\"seq\":' || (seq + 6500) || '}') AS BLOB), "
                "hash FROM events WHERE seq <= 3000");
        exec(d, "BEGIN");
        for (int64_t seq = EVENTS + 1; seq <= EVENTS + 3000; seq++)
            rehash(d, seq);
        exec(d, "COMMIT");
        if (bad[i]) change_body(d, bad[i]);
        sqlite3_close(d);
        char want[64];
        snprintf(want, sizeof want, "seq %lld: the record's leaf hash is ", (long long)bad[i]);
        for (size_t k = 0; k < NENGINES; k++) {
            use_engine(k);
            int64_t checked = -1;
            e = (hb_err){0};
            int rc = ledger_verify(l, &checked, &e);
            if (bad[i] ? rc != HB_ERULE || strncmp(e.msg, want, strlen(want)) != 0 ||
                             checked != bad[i] - 1
                       : rc != 0 || checked != EVENTS + 3000)
                fail_msg("seq %lld changed, engine %s: rc %d, checked %lld: %s", (long long)bad[i],
                         ENGINES[k] ? ENGINES[k] : "default", rc, (long long)checked, e.msg);
        }
        unsetenv("HABEAS_HASH");
        ledger_close(l);
    }
}

/* `habeas verify` on either engine prints the same; a HABEAS_HASH it does not
 * know is refused before anything is read (exit 2, saying what works). */
static void the_command_line_takes_the_engine_from_habeas_hash(void **st_)
{
    (void)st_;
    sqlite3 *d;
    const char *p = copy_base(&d);
    change_body(d, 4000);
    sqlite3_close(d);
    char *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(tu_sh(&a, 1, "HABEAS_HASH=openssl '%s' verify --db '%s'", tu_habeas(), p), 1);
    assert_int_equal(tu_sh(&b, 1, "unset HABEAS_HASH; '%s' verify --db '%s'", tu_habeas(), p), 1);
    assert_string_equal(a, b);
    if (!strstr(a, "FAILED: seq 4000: the record's leaf hash is ")) fail_msg("verify: %s", a);
    assert_int_equal(tu_sh(NULL, 1, "cp '%s' '%s.before'", p, p), 0);
    assert_int_equal(tu_sh(&c, 1, "HABEAS_HASH=fast '%s' verify --db '%s'", tu_habeas(), p), 2);
    if (!strstr(c, "HABEAS_HASH is 'fast': it must be unset, 'auto', 'openssl' or 'ipsec-mb'"))
        fail_msg("HABEAS_HASH=fast: %s", c);
    assert_int_equal(tu_sh(NULL, 1, "cmp '%s' '%s.before'", p, p), 0);
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_intact_ledger_passes_with_its_root),
        cmocka_unit_test(small_and_block_sized_ledgers_pass),
        cmocka_unit_test(heads_on_block_edges_name_the_first_root_broken),
        cmocka_unit_test(a_consistent_leaf_breaks_the_node_over_it),
        cmocka_unit_test(changed_missing_and_malformed_nodes_are_named),
        cmocka_unit_test(the_lowest_failure_in_seq_order_is_named),
        cmocka_unit_test(only_deep_sees_a_non_canonical_record_signed_over),
        cmocka_unit_test(heads_are_checked_before_the_records),
        cmocka_unit_test(records_past_the_opened_size_are_all_checked),
        cmocka_unit_test(the_command_line_takes_the_engine_from_habeas_hash),
    };
    return cmocka_run_group_tests(tests, make_base, NULL);
}
