/* store: the SQLite backend: create/open and their refusals, appends with no gaps,
 * transactions, scans, settings, append-only enforced by SQL triggers, and
 * read-only connections beside the writer. */
#include "testutil.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "store/store.h"

static const char *new_path(void)
{
    return tu_path(tu_tmpdir(), "ledger.db");
}

static store *create(const char *path)
{
    store *s = NULL;
    hb_err e = {0};
    int rc = store_open(path, STORE_CREATE, &s, &e);
    if (rc) fail_msg("create %s: %s", path, e.msg);
    return s;
}

static store *reopen(const char *path)
{
    store *s = NULL;
    hb_err e = {0};
    int rc = store_open(path, STORE_OPEN, &s, &e);
    if (rc) fail_msg("open %s: %s", path, e.msg);
    return s;
}

static uint8_t hashes[64][32];

static store_row row(int64_t seq, const char *body)
{
    memset(hashes[seq % 64], (int)seq, 32);
    return (store_row){seq, (const uint8_t *)body, strlen(body), hashes[seq % 64]};
}

static void append_n(store *s, int64_t from, int64_t n)
{
    hb_err e = {0};
    assert_int_equal(store_begin(s, &e), 0);
    for (int64_t i = from; i < from + n; i++) {
        char body[32];
        snprintf(body, sizeof body, "{\"seq\":%lld}", (long long)i);
        store_row r = row(i, body);
        assert_int_equal(store_append(s, &r, 1, &e), 0);
    }
    assert_int_equal(store_commit(s, &e), 0);
}

static int64_t size_of(store *s)
{
    int64_t n = -1;
    hb_err e = {0};
    assert_int_equal(store_size(s, &n, &e), 0);
    return n;
}

static void create_sets_format_and_pragmas(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = create(p);
    hb_err e = {0};
    char *v = NULL;
    assert_int_equal(store_meta_get(s, "format", &v, &e), 0);
    assert_string_equal(v, "habeas-ledger");
    free(v);
    assert_int_equal(store_meta_get(s, "schema_version", &v, &e), 0);
    assert_string_equal(v, "1");
    free(v);
    assert_int_equal(store_meta_get(s, "created_at", &v, &e), 0);
    assert_int_equal(strlen(v), 27);
    free(v);
    assert_int_equal(store_meta_get(s, "no-such-key", &v, &e), 0);
    assert_null(v);
    assert_int_equal(size_of(s), 0);
    store_close(s);

    char *out = NULL;
    assert_int_equal(tu_sh(&out, 1, "sqlite3 '%s' 'PRAGMA page_size; PRAGMA journal_mode;'", p), 0);
    assert_string_equal(out, "16384\nwal\n");
    free(out);
    struct stat stt;
    assert_int_equal(stat(p, &stt), 0);
    assert_int_equal(stt.st_mode & 0777, 0600); /* personal data: owner only */
}

static void create_refuses_an_existing_ledger(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = create(p);
    append_n(s, 1, 3);
    store_close(s);
    store *again = (store *)1;
    hb_err e = {0};
    assert_int_equal(store_open(p, STORE_CREATE, &again, &e), HB_EINPUT);
    assert_null(again);
    assert_non_null(strstr(e.msg, "a ledger already exists at"));
    assert_non_null(strstr(e.msg, p));
    s = reopen(p);
    assert_int_equal(size_of(s), 3); /* untouched */
    store_close(s);
}

static void create_refuses_other_files_and_uses_empty_ones(void **st)
{
    (void)st;
    const char *dir = tu_tmpdir();
    const char *p = tu_path(dir, "notes.txt");
    tu_write(p, "my notes, not a ledger\n");
    store *s = NULL;
    hb_err e = {0};
    assert_int_equal(store_open(p, STORE_CREATE, &s, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "already exists (not a habeas ledger)"));
    char *body = tu_read(p, NULL);
    assert_string_equal(body, "my notes, not a ledger\n");
    free(body);

    const char *empty = tu_path(dir, "empty.db");
    tu_write(empty, "");
    s = create(empty);
    assert_int_equal(size_of(s), 0);
    store_close(s);

    const char *nodir = tu_path(dir, "no/such/dir.db");
    assert_int_equal(store_open(nodir, STORE_CREATE, &s, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "cannot create"));
}

static void open_refuses_missing_foreign_and_newer(void **st)
{
    (void)st;
    const char *dir = tu_tmpdir();
    const char *missing = tu_path(dir, "missing.db");
    store *s = (store *)1;
    hb_err e = {0};
    assert_int_equal(store_open(missing, STORE_OPEN, &s, &e), HB_EINPUT);
    assert_null(s);
    char want[1024];
    snprintf(want, sizeof want, "no ledger at %s: create one with `habeas init --db %s`", missing,
             missing);
    assert_string_equal(e.msg, want);
    assert_int_not_equal(access(missing, F_OK), 0); /* open never creates */

    const char *text = tu_path(dir, "text.db");
    tu_write(text, "this is not a database, it is a text file of some length..........\n");
    assert_int_equal(store_open(text, STORE_OPEN, &s, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "is not a habeas ledger: it is not an SQLite database"));

    const char *other = tu_path(dir, "other.db");
    assert_int_equal(tu_sh(NULL, 1, "sqlite3 '%s' 'CREATE TABLE t(x);'", other), 0);
    assert_int_equal(store_open(other, STORE_OPEN, &s, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "is an SQLite database but not a habeas ledger"));

    const char *newer = tu_path(dir, "newer.db");
    s = create(newer);
    assert_int_equal(store_meta_set(s, "schema_version", "2", &e), 0);
    store_close(s);
    assert_int_equal(store_open(newer, STORE_OPEN, &s, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "uses ledger schema version 2, newer than this habeas"));

    assert_int_equal(store_open(dir, STORE_OPEN, &s, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "is a folder"));
}

static void postgres_is_not_built_yet(void **st)
{
    (void)st;
    store *s = (store *)1;
    hb_err e = {0};
    assert_int_equal(store_open("postgres://db.example/habeas", STORE_OPEN, &s, &e), HB_EINPUT);
    assert_null(s);
    assert_non_null(strstr(e.msg, "the PostgreSQL store is not built yet"));
    assert_int_equal(store_open("postgresql://x/y", STORE_CREATE, &s, &e), HB_EINPUT);
    assert_int_equal(store_open("", STORE_OPEN, &s, &e), HB_EINPUT);
}

typedef struct {
    int64_t seqs[16];
    int n, stop_after;
    store *s;
} collect;

static int collect_row(void *ctx, const store_row *r)
{
    collect *c = ctx;
    char body[32];
    snprintf(body, sizeof body, "{\"seq\":%lld}", (long long)r->seq);
    assert_int_equal(r->len, strlen(body));
    assert_memory_equal(r->body, body, r->len);
    uint8_t h[32];
    memset(h, (int)r->seq, 32);
    assert_memory_equal(r->hash, h, 32);
    c->seqs[c->n++] = r->seq;
    if (c->s) { /* a nested scan inside the callback */
        collect inner = {.n = 0};
        hb_err e = {0};
        assert_int_equal(store_scan(c->s, 1, 2, collect_row, &inner, &e), 0);
        assert_int_equal(inner.n, 2);
    }
    return c->n == c->stop_after ? 42 : 0;
}

static void append_scan_and_durability(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = create(p);
    append_n(s, 1, 5);
    assert_int_equal(size_of(s), 5);
    store_close(s);
    s = reopen(p);
    assert_int_equal(size_of(s), 5);
    hb_err e = {0};
    collect c = {.n = 0};
    assert_int_equal(store_scan(s, 2, 4, collect_row, &c, &e), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.seqs[0], 2);
    assert_int_equal(c.seqs[2], 4);
    c = (collect){.n = 0};
    assert_int_equal(store_scan(s, 3, -1, collect_row, &c, &e), 0);
    assert_int_equal(c.n, 3);
    c = (collect){.n = 0, .stop_after = 2};
    assert_int_equal(store_scan(s, 1, -1, collect_row, &c, &e), 42);
    assert_int_equal(c.n, 2);
    c = (collect){.n = 0, .s = s};
    assert_int_equal(store_scan(s, 1, -1, collect_row, &c, &e), 0);
    assert_int_equal(c.n, 5);
    store_close(s);
}

static void append_refuses_gaps_and_rollback_keeps_nothing(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = create(p);
    append_n(s, 1, 2);
    hb_err e = {0};
    store_row r = row(4, "{}");
    assert_int_equal(store_append(s, &r, 1, &e), HB_EINTERNAL); /* outside a transaction */
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_append(s, &r, 1, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "refusing to append seq 4: the next seq is 3"));
    store_row dup = row(2, "{}");
    assert_int_equal(store_append(s, &dup, 1, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "refusing to append seq 2: the next seq is 3"));
    store_row ok[2] = {row(3, "{\"seq\":3}"), row(4, "{\"seq\":4}")};
    assert_int_equal(store_append(s, ok, 2, &e), 0);
    int64_t n = 0;
    assert_int_equal(store_size(s, &n, &e), 0);
    assert_int_equal(n, 4);
    assert_int_equal(store_begin(s, &e), HB_EINTERNAL); /* one transaction at a time */
    assert_int_equal(store_rollback(s, &e), 0);
    assert_int_equal(size_of(s), 2);
    store_close(s);
    s = reopen(p);
    assert_int_equal(size_of(s), 2);
    /* Closing with an open transaction rolls it back. */
    assert_int_equal(store_begin(s, &e), 0);
    store_row third = row(3, "{\"seq\":3}");
    assert_int_equal(store_append(s, &third, 1, &e), 0);
    store_close(s);
    s = reopen(p);
    assert_int_equal(size_of(s), 2);
    store_close(s);
}

static void triggers_make_events_append_only(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = create(p);
    append_n(s, 1, 3);
    store_close(s);
    char *out = NULL;
    assert_int_not_equal(
        tu_sh(&out, 1, "sqlite3 '%s' \"UPDATE events SET body = x'00' WHERE seq = 2\"", p), 0);
    assert_non_null(strstr(out, "append-only: events cannot be changed"));
    free(out);
    assert_int_not_equal(tu_sh(&out, 1, "sqlite3 '%s' 'DELETE FROM events WHERE seq = 3'", p), 0);
    assert_non_null(strstr(out, "append-only: events cannot be deleted"));
    free(out);
    s = reopen(p);
    assert_int_equal(size_of(s), 3);
    collect c = {.n = 0};
    hb_err e = {0};
    assert_int_equal(store_scan(s, 1, -1, collect_row, &c, &e), 0); /* bodies unchanged */
    assert_int_equal(c.n, 3);
    store_close(s);
}

static void scan_refuses_a_malformed_hash(void **st)
{
    (void)st;
    const char *p = new_path();
    store *s = create(p);
    append_n(s, 1, 2);
    store_close(s);
    assert_int_equal(tu_sh(NULL, 1,
                           "sqlite3 '%s' \"DROP TRIGGER events_append_only_update; "
                           "UPDATE events SET hash = x'0102' WHERE seq = 2\"",
                           p),
                     0);
    s = reopen(p);
    collect c = {.n = 0};
    hb_err e = {0};
    assert_int_equal(store_scan(s, 1, -1, collect_row, &c, &e), HB_ERULE);
    assert_string_equal(e.msg, "seq 2: the stored hash has 2 bytes, not 32");
    store_close(s);
}

static void meta_set_overwrites(void **st)
{
    (void)st;
    store *s = create(new_path());
    hb_err e = {0};
    char *v = NULL;
    assert_int_equal(store_meta_set(s, "ledger_id", "a", &e), 0);
    assert_int_equal(store_meta_set(s, "ledger_id", "b", &e), 0);
    assert_int_equal(store_meta_get(s, "ledger_id", &v, &e), 0);
    assert_string_equal(v, "b");
    free(v);
    store_close(s);
}

static store *open_read(const char *path)
{
    store *s = NULL;
    hb_err e = {0};
    int rc = store_open(path, STORE_READ, &s, &e);
    if (rc) fail_msg("open %s read-only: %s", path, e.msg);
    return s;
}

/* The API's readers: a read-only connection opened before the writer's commits
 * sees each of them (never an uncommitted row), and refuses every write. */
static void read_only_sees_later_commits(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = create(p);
    append_n(w, 1, 2);
    store *r = open_read(p);
    assert_int_equal(size_of(r), 2);
    append_n(w, 3, 3);
    assert_int_equal(size_of(r), 5);
    collect c = {.n = 0, .s = r};
    hb_err e = {0};
    assert_int_equal(store_scan(r, 1, -1, collect_row, &c, &e), 0);
    assert_int_equal(c.n, 5);
    assert_int_equal(c.seqs[4], 5);

    assert_int_equal(store_begin(w, &e), 0); /* uncommitted: not seen */
    store_row x = row(6, "{\"seq\":6}");
    assert_int_equal(store_append(w, &x, 1, &e), 0);
    assert_int_equal(size_of(r), 5);
    assert_int_equal(store_commit(w, &e), 0);
    assert_int_equal(size_of(r), 6);
    store_close(r);
    store_close(w);
}

static void read_only_refuses_writes(void **st)
{
    (void)st;
    const char *p = new_path();
    store *w = create(p);
    append_n(w, 1, 2);
    store *r = open_read(p);
    hb_err e = {0};
    assert_int_equal(store_begin(r, &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "cannot write through a read-only connection"));
    e = (hb_err){0};
    assert_int_equal(store_meta_set(r, "ledger_id", "x", &e), HB_EINTERNAL);
    assert_non_null(strstr(e.msg, "opened read-only"));
    store_token t = {.role = "admin", .name = "n", .created_at = "2025-01-01T00:00:00.000000Z"};
    uint8_t h[32] = {1};
    e = (hb_err){0};
    assert_int_not_equal(store_token_insert(r, h, &t, &e), 0);
    assert_non_null(strstr(e.msg, "read-only"));
    store_close(r);
    /* Nothing changed: the writer sees no setting, no token, the same log. */
    char *v = (char *)1;
    assert_int_equal(store_meta_get(w, "ledger_id", &v, &e), 0);
    assert_null(v);
    bool found = true;
    assert_int_equal(store_token_by_hash(w, h, &t, &found, &e), 0);
    assert_false(found);
    assert_int_equal(size_of(w), 2);
    store_close(w);
}

/* A read-only open checks the file like any open, never creates one, and never
 * upgrades an older ledger (the token tables a writer's open would add). */
static void read_only_refuses_what_open_refuses_and_changes_nothing(void **st)
{
    (void)st;
    const char *dir = tu_tmpdir();
    const char *missing = tu_path(dir, "missing.db");
    store *s = (store *)1;
    hb_err e = {0};
    assert_int_equal(store_open(missing, STORE_READ, &s, &e), HB_EINPUT);
    assert_null(s);
    assert_non_null(strstr(e.msg, "no ledger at"));
    assert_int_not_equal(access(missing, F_OK), 0);
    const char *text = tu_path(dir, "text.db");
    tu_write(text, "this is not a database, it is a text file of some length..........\n");
    assert_int_equal(store_open(text, STORE_READ, &s, &e), HB_EINPUT);
    assert_non_null(strstr(e.msg, "is not a habeas ledger"));

    const char *old = tu_path(dir, "old.db");
    store_close(create(old));
    assert_int_equal(
        tu_sh(NULL, 1, "sqlite3 '%s' 'DROP TABLE access_log; DROP TABLE tokens;'", old), 0);
    s = open_read(old);
    assert_int_equal(size_of(s), 0);
    store_close(s);
    char *out = NULL;
    assert_int_equal(tu_sh(&out, 1,
                           "sqlite3 '%s' \"SELECT count(*) FROM sqlite_master WHERE name IN "
                           "('tokens','access_log')\"",
                           old),
                     0);
    assert_string_equal(out, "0\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_sets_format_and_pragmas),
        cmocka_unit_test(create_refuses_an_existing_ledger),
        cmocka_unit_test(create_refuses_other_files_and_uses_empty_ones),
        cmocka_unit_test(open_refuses_missing_foreign_and_newer),
        cmocka_unit_test(postgres_is_not_built_yet),
        cmocka_unit_test(append_scan_and_durability),
        cmocka_unit_test(append_refuses_gaps_and_rollback_keeps_nothing),
        cmocka_unit_test(triggers_make_events_append_only),
        cmocka_unit_test(scan_refuses_a_malformed_hash),
        cmocka_unit_test(meta_set_overwrites),
        cmocka_unit_test(read_only_sees_later_commits),
        cmocka_unit_test(read_only_refuses_writes),
        cmocka_unit_test(read_only_refuses_what_open_refuses_and_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
