/* verify, run by several workers over blocks of seqs (src/ledger/verify.c): the
 * answer must be the one a single pass in seq order gives, whatever worker finds
 * what first. A ledger of a few blocks is tampered with through the sqlite3 shell
 * (as an attacker would, triggers dropped) at block edges and in several blocks
 * at once; each time the lowest bad seq is named, with the sequential message,
 * and *checked counts the records below it. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/synth_bulk.h"
#include "ledger/ledger.h"

/* verify.c's block size: the seqs below sit on its edges. Were it changed, these
 * tests would still pass, but would no longer aim at the edges. */
#define BLOCK 2048
#define EVENTS (3 * BLOCK + 500) /* four blocks, the last one partial */
#define REPEAT 10                /* reruns of each case: a race shows as a different answer */

static char base[700]; /* the intact ledger, made once */

static int make_base(void **st)
{
    (void)st;
    snprintf(base, sizeof base, "%s", tu_path(tu_tmpdir(), "base.db"));
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(base, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    synth_w w;
    synth_w_init(&w);
    if (synth_bulk(&w, 7, EVENTS, NULL)) fail_msg("synth_bulk: out of memory");
    hb_errlist errs;
    errlist_init(&errs, 3);
    int64_t first, last;
    int rc =
        ledger_import(l, "bulk.jsonl", w.b.p, w.b.len, "test:verify", &errs, &first, &last, &e);
    if (rc) fail_msg("import: %s", errs.n ? errs.msgs[0] : e.msg);
    assert_int_equal(last, EVENTS);
    errlist_free(&errs);
    synth_w_free(&w);
    ledger_close(l);
    return 0;
}

/* A fresh copy of the base ledger, its triggers dropped, then sql run on it. */
static const char *tampered(const char *sql)
{
    const char *p = tu_path(tu_tmpdir(), "t.db");
    if (tu_sh(NULL, 1,
              "cp '%s' '%s' && sqlite3 '%s' \"DROP TRIGGER events_append_only_update; DROP "
              "TRIGGER events_append_only_delete; %s\"",
              base, p, p, sql) != 0)
        fail_msg("tampering failed: %s", sql);
    return p;
}

/* verify_file on p, REPEAT times: always rc, a message starting with want, and
 * checked records. */
static void expect_file(const char *p, int rc, const char *want, int64_t checked)
{
    for (int i = 0; i < REPEAT; i++) {
        int64_t got = -1;
        hb_err e = {0};
        int r = ledger_verify_file(p, &got, &e);
        if (r != rc || strncmp(e.msg, want, strlen(want)) != 0 || got != checked)
            fail_msg("run %d: rc %d (want %d), checked %lld (want %lld), message \"%s\" (want "
                     "\"%s...\")",
                     i, r, rc, (long long)got, (long long)checked, e.msg, want);
    }
}

/* An UPDATE that still decodes and is canonical: only the leaf hash tells. */
#define CHANGE_ACTOR(seq)                                                                          \
    "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'test:verify', 'test:verifx') AS "  \
    "BLOB) WHERE seq = " #seq ";"

static void intact_ledger_passes_with_every_record_counted(void **st)
{
    (void)st;
    expect_file(base, 0, "", EVENTS);
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(base, STORE_OPEN, &l, &e)) fail_msg("open: %s", e.msg);
    int64_t checked = 0;
    assert_int_equal(ledger_verify(l, &checked, &e), 0);
    assert_int_equal(checked, EVENTS);
    ledger_close(l);
}

static void empty_ledger_passes_with_none(void **st)
{
    (void)st;
    const char *p = tu_path(tu_tmpdir(), "empty.db");
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(p, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    ledger_close(l);
    expect_file(p, 0, "", 0);
}

static void the_lowest_of_several_bad_blocks_is_named(void **st)
{
    (void)st;
    /* Bad records in blocks 3, 2 and 1: block 1's is reported even when the
     * worker that checks it finishes last. */
    const char *p = tampered(CHANGE_ACTOR(6500) CHANGE_ACTOR(5000) CHANGE_ACTOR(3000));
    expect_file(p, HB_ERULE, "seq 3000: the record's leaf hash is ", 2999);
    /* Two in one block: its first. */
    p = tampered(CHANGE_ACTOR(2500) CHANGE_ACTOR(2300) CHANGE_ACTOR(6000));
    expect_file(p, HB_ERULE, "seq 2300: the record's leaf hash is ", 2299);
}

static void the_first_and_last_seqs_of_blocks_are_checked(void **st)
{
    (void)st;
    int64_t seqs[] = {1, BLOCK, BLOCK + 1, 2 * BLOCK, 2 * BLOCK + 1, 3 * BLOCK + 1, EVENTS};
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        char sql[400], want[64];
        snprintf(sql, sizeof sql,
                 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'test:verify', "
                 "'test:verifx') AS BLOB) WHERE seq = %lld;",
                 (long long)seqs[i]);
        snprintf(want, sizeof want, "seq %lld: the record's leaf hash is ", (long long)seqs[i]);
        expect_file(tampered(sql), HB_ERULE, want, seqs[i] - 1);
    }
}

static void each_kind_of_damage_keeps_its_message(void **st)
{
    (void)st;
    /* Not canonical (a space the decoder accepts), below a leaf hash mismatch. */
    const char *p = tampered("UPDATE events SET body = CAST(replace(CAST(body AS TEXT), "
                             "'{\\\"actor\\\":', '{ \\\"actor\\\":') AS BLOB) WHERE seq = 2049;" //
                             CHANGE_ACTOR(4097));
    expect_file(p, HB_ERULE,
                "seq 2049: the stored bytes are not the record's canonical form (the record "
                "was altered after it was appended)",
                2048);
    /* A body that no longer decodes. */
    p = tampered("UPDATE events SET body = x'7b7d' WHERE seq = 4500;" CHANGE_ACTOR(6000));
    expect_file(p, HB_ERULE, "seq 4500: the stored record does not decode: ", 4499);
    /* A stored hash of the wrong length (found by the store's scan itself). */
    p = tampered("UPDATE events SET hash = x'010203' WHERE seq = 2100;" CHANGE_ACTOR(5000));
    expect_file(p, HB_ERULE, "seq 2100: the stored hash has 3 bytes, not 32", 2099);
    /* The hash changed, not the body. */
    p = tampered("UPDATE events SET hash = zeroblob(32) WHERE seq = 4096;");
    expect_file(p, HB_ERULE, "seq 4096: the record's leaf hash is ", 4095);
}

static void gaps_across_block_edges_name_the_first_missing_seq(void **st)
{
    (void)st;
    char want[128];
    /* Both sides of an edge missing: the block below reads on to the next row. */
    snprintf(want, sizeof want, "seq %d: missing (the log goes from seq %d to %d)", BLOCK,
             BLOCK - 1, BLOCK + 2);
    expect_file(tampered("DELETE FROM events WHERE seq IN (2048, 2049);"), HB_ERULE, want,
                BLOCK - 1);
    /* A block's first seq. */
    snprintf(want, sizeof want, "seq %d: missing (the log goes from seq %d to %d)", 2 * BLOCK + 1,
             2 * BLOCK, 2 * BLOCK + 2);
    expect_file(tampered("DELETE FROM events WHERE seq = 4097;"), HB_ERULE, want, 2 * BLOCK);
    /* A whole block gone, and a damaged record above it. */
    snprintf(want, sizeof want, "seq %d: missing (the log goes from seq %d to %d)", BLOCK + 1,
             BLOCK, 2 * BLOCK + 1);
    expect_file(tampered("DELETE FROM events WHERE seq BETWEEN 2049 AND 4096;" CHANGE_ACTOR(5000)),
                HB_ERULE, want, BLOCK);
    /* A gap below a damaged record in the same block. */
    snprintf(want, sizeof want, "seq 3000: missing (the log goes from seq 2999 to 3001)");
    expect_file(tampered("DELETE FROM events WHERE seq = 3000;" CHANGE_ACTOR(3001)), HB_ERULE, want,
                2999);
}

/* Rows deleted under an open ledger: it held EVENTS records when opened. */
static void a_log_cut_short_names_where_it_ends(void **st)
{
    (void)st;
    int64_t ends[] = {2 * BLOCK, 2 * BLOCK + 10, EVENTS - 1};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        const char *p = tampered("");
        ledger *l = NULL;
        hb_err e = {0};
        if (ledger_open(p, STORE_OPEN, &l, &e)) fail_msg("open: %s", e.msg);
        assert_int_equal(tu_sh(NULL, 1, "sqlite3 '%s' \"DELETE FROM events WHERE seq > %lld\"", p,
                               (long long)ends[i]),
                         0);
        char want[200];
        snprintf(want, sizeof want,
                 "seq %lld: missing (the log ends at seq %lld but held %d records when this "
                 "ledger was opened)",
                 (long long)ends[i] + 1, (long long)ends[i], EVENTS);
        for (int k = 0; k < REPEAT; k++) {
            int64_t checked = -1;
            assert_int_equal(ledger_verify(l, &checked, &e), HB_ERULE);
            assert_string_equal(e.msg, want);
            assert_int_equal(checked, ends[i]);
        }
        ledger_close(l);
        /* The file alone is a shorter log that is intact. */
        expect_file(p, 0, "", ends[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intact_ledger_passes_with_every_record_counted),
        cmocka_unit_test(empty_ledger_passes_with_none),
        cmocka_unit_test(the_lowest_of_several_bad_blocks_is_named),
        cmocka_unit_test(the_first_and_last_seqs_of_blocks_are_checked),
        cmocka_unit_test(each_kind_of_damage_keeps_its_message),
        cmocka_unit_test(gaps_across_block_edges_name_the_first_missing_seq),
        cmocka_unit_test(a_log_cut_short_names_where_it_ends),
    };
    return cmocka_run_group_tests(tests, make_base, NULL);
}
