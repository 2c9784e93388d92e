/* log crash: the signed heads survive SIGKILL. A child process appends small
 * batches in a loop and, after each durable commit, writes the committed size and
 * the newest signed head (size, root) to a pipe; the parent kills it with SIGKILL
 * at a random moment (during its open, mid-batch, between batches), ROUNDS times.
 * After each kill the parent reopens the ledger and checks:
 * - ledger_verify and log_verify pass; log_verify's root is log_root(log size);
 * - no acknowledged batch is lost (log size >= the last size the child reported),
 *   and every acknowledged head is still stored, unchanged;
 * - every stored head's note verifies with the ledger's key and says the size and
 *   root of its columns; its root is log_root at its size; sizes never go down;
 *   the newest head covers the whole log (heads commit with their events);
 * - the newest head is consistent with every earlier head, stored or acknowledged
 *   in any earlier round (log_consistent, checked with merkle_verify_consistency).
 * Bounded: ROUNDS kills of at most MAX_DELAY_S each, then the checks.
 * The seed is printed; HB_CRASH_SEED=<n> repeats a run. */
#include "testutil.h"
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ledger/ledger.h"
#include "ledger/log.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "util/buf.h"

#define ROUNDS 10
#define MAX_DELAY_S 0.4
#define MAX_ACKS 50000

/* What the child reports after each commit: one write, smaller than PIPE_BUF, so
 * it arrives whole or not at all. */
typedef struct {
    int64_t last; /* the committed log size; -1: the ledger is open, appends start */
    int64_t size; /* the newest signed head's */
    uint8_t root[32];
} ack;

/* Every head acknowledged in any round; the parent checks them all after each kill. */
static ack acks[MAX_ACKS];
static size_t nacks;

/* Round r, batch k: persons P-r-k-i admitted to F-1, some moved. Valid whatever
 * earlier batches landed, since the ids are new and F-1 is registered up front. */
static void gen_batch(buf *b, int r, int k, int persons)
{
    for (int i = 0; i < persons; i++) {
        buf_printf(b,
                   "{\"type\":\"person.registered\",\"at\":\"2025-02-01T10:00:00Z\","
                   "\"person\":\"P-%d-%d-%d\",\"given_names\":\"Ana\","
                   "\"family_names\":\"L\xc3\xb3pez\",\"nationalities\":[\"HN\"]}\n",
                   r, k, i);
        buf_printf(b,
                   "{\"type\":\"custody.admitted\",\"at\":\"2025-02-02T10:00:00Z\","
                   "\"person\":\"P-%d-%d-%d\",\"facility\":\"F-1\",\"unit\":\"U-%d\","
                   "\"basis\":{\"kind\":\"pretrial\",\"reference\":\"C-%d-%d-%d\","
                   "\"review_by\":\"2025-06-01\"}}\n",
                   r, k, i, 1 + i % 4, r, k, i);
        if (i % 3 == 0)
            buf_printf(b,
                       "{\"type\":\"custody.moved\",\"at\":\"2025-02-03T10:00:00Z\","
                       "\"person\":\"P-%d-%d-%d\",\"facility\":\"F-1\",\"unit\":\"U-%d\"}\n",
                       r, k, i, 1 + (i + 1) % 4);
    }
}

static void import_first(const char *path)
{
    buf b = BUF_INIT; /* freed below */
    buf_puts(&b, "{\"type\":\"facility.registered\",\"at\":\"2025-01-01T08:00:00Z\","
                 "\"facility\":\"F-1\",\"name\":\"Centro 1\",\"country\":\"SV\","
                 "\"kind\":\"prison\",\"design_capacity\":40000}\n");
    for (int u = 1; u <= 4; u++)
        buf_printf(&b,
                   "{\"type\":\"unit.certified\",\"at\":\"2025-01-01T09:00:00Z\","
                   "\"facility\":\"F-1\",\"unit\":\"U-%d\",\"kind\":\"dormitory\","
                   "\"capacity\":100000,\"floor_area_m2\":100000,\"beds\":100000}\n",
                   u);
    ledger *l = NULL; /* closed below */
    hb_err e = {0};
    hb_errlist errs; /* freed below */
    errlist_init(&errs, 3);
    if (ledger_open(path, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    if (ledger_import(l, "first.jsonl", b.p, b.len, "test:log-crash", &errs, NULL, NULL, &e))
        fail_msg("import: %s %s", e.msg, errs.n ? errs.msgs[0] : "");
    ledger_close(l);
    errlist_free(&errs);
    buf_free(&b);
}

/* The child: append batches of random sizes until killed, reporting each commit.
 * Never returns; _exit so that the parent's atexit handlers (temp dir removal) do
 * not run here. */
static void child(const char *path, int round, unsigned seed, int fd)
{
    srand(seed);
    ledger *l = NULL; /* never closed: the child dies holding it */
    hb_err e = {0};
    hb_errlist errs; /* idem */
    errlist_init(&errs, 3);
    if (ledger_open(path, STORE_OPEN, &l, &e)) {
        fprintf(stderr, "child open: %s\n", e.msg);
        _exit(10);
    }
    ack opened = {.last = -1};
    if (write(fd, &opened, sizeof opened) != (ssize_t)sizeof opened) _exit(13);
    for (int k = 0; k < 100000; k++) {
        buf b = BUF_INIT; /* freed at the end of the iteration */
        gen_batch(&b, round, k, 1 + rand() % 25);
        int64_t last = 0;
        if (ledger_import(l, "batch.jsonl", b.p, b.len, "test:log-crash", &errs, NULL, &last, &e)) {
            fprintf(stderr, "child import: %s %s\n", e.msg, errs.n ? errs.msgs[0] : "");
            _exit(11);
        }
        store_head h;
        if (log_head(ledger_store(l), &h, &e)) {
            fprintf(stderr, "child head: %s\n", e.msg);
            _exit(12);
        }
        ack a = {.last = last, .size = h.size};
        memcpy(a.root, h.root, 32);
        if (write(fd, &a, sizeof a) != (ssize_t)sizeof a) _exit(13);
        buf_free(&b);
    }
    _exit(0);
}

static double rnd01(void)
{
    return (double)rand() / RAND_MAX;
}

/* One round: fork the child, kill it delay_s after the fork (in_open) or after it
 * says the ledger is open, collect what it acknowledged. Returns the last
 * committed size it reported (0 when none). */
static int64_t run_round(const char *path, int round, double delay_s, bool in_open)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    unsigned seed = (unsigned)rand();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child(path, round, seed, fds[1]);
    }
    close(fds[1]);
    ack a;
    if (!in_open && read(fds[0], &a, sizeof a) != (ssize_t)sizeof a)
        fail_msg("round %d: the child died opening the ledger", round);
    struct timespec d = {(time_t)delay_s, (long)((delay_s - (double)(time_t)delay_s) * 1e9)};
    nanosleep(&d, NULL);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status))
        fail_msg("round %d: the child exited with %d before the kill", round,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    /* The child is dead, so the pipe holds whole acks and then EOF. */
    int64_t last = 0;
    ssize_t r;
    while ((r = read(fds[0], &a, sizeof a)) == (ssize_t)sizeof a) {
        if (a.last < 0) continue; /* "opened", when the kill came first */
        if (nacks == MAX_ACKS) fail_msg("more than %d acks", MAX_ACKS);
        acks[nacks++] = a;
        last = a.last;
        if (a.size != a.last)
            fail_msg("round %d: the head after the commit of seq %lld has size %lld", round,
                     (long long)a.last, (long long)a.size);
    }
    if (r != 0) fail_msg("round %d: a partial ack (%zd bytes, errno %d)", round, r, errno);
    close(fds[0]);
    return last;
}

typedef struct {
    store *st;
    note_vkey vkey;
    int64_t prev_size;
    size_t n, cap;
    store_head *heads; /* every stored head, id order; malloc'd, freed by check_ledger */
} head_walk;

static int walk_head(void *ctx, const store_head *h)
{
    head_walk *w = ctx;
    hb_err e = {0};
    size_t text_len = 0;
    size_t len = strlen(h->note);
    if (note_verify(&w->vkey, h->note, len, &text_len, &e))
        fail_msg("head #%lld: the note does not verify: %s", (long long)h->id, e.msg);
    note_checkpoint c;
    if (note_checkpoint_parse(h->note, text_len, &c, &e))
        fail_msg("head #%lld: not a checkpoint: %s", (long long)h->id, e.msg);
    if ((int64_t)c.size != h->size || memcmp(c.root, h->root, 32) != 0)
        fail_msg("head #%lld: the signed note and the stored columns disagree", (long long)h->id);
    if (h->size < w->prev_size)
        fail_msg("head #%lld: size %lld after %lld", (long long)h->id, (long long)h->size,
                 (long long)w->prev_size);
    w->prev_size = h->size;
    uint8_t root[32];
    if (log_root(w->st, h->size, root, &e))
        fail_msg("head #%lld: log_root(%lld): %s", (long long)h->id, (long long)h->size, e.msg);
    if (memcmp(root, h->root, 32) != 0)
        fail_msg("head #%lld (size %lld): root is not the log's root at that size",
                 (long long)h->id, (long long)h->size);
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->heads = realloc(w->heads, w->cap * sizeof *w->heads);
        assert_non_null(w->heads);
    }
    w->heads[w->n++] = *h;
    return 0;
}

/* The newest head (size n, root rn) extends the tree of size m, root rm. */
static void check_consistent(store *st, int64_t m, const uint8_t rm[32], int64_t n,
                             const uint8_t rn[32], const char *what)
{
    if (m == 0) return; /* the empty tree is a prefix of every tree */
    log_consistency c;
    hb_err e = {0};
    if (log_consistent(st, m, n, &c, &e))
        fail_msg("%s: log_consistent(%lld, %lld): %s", what, (long long)m, (long long)n, e.msg);
    if (memcmp(c.first_root, rm, 32) != 0 || memcmp(c.second_root, rn, 32) != 0)
        fail_msg("%s: the proof's roots are not the heads' roots (%lld -> %lld)", what,
                 (long long)m, (long long)n);
    if (!merkle_verify_consistency((uint64_t)m, (uint64_t)n, rm, rn, &c.proof))
        fail_msg("%s: the consistency proof %lld -> %lld does not verify", what, (long long)m,
                 (long long)n);
}

/* Every check of the file comment, after a kill; returns the log size. */
static int64_t check_ledger(const char *path, int round, int64_t acked)
{
    ledger *l = NULL; /* closed below */
    hb_err e = {0};
    if (ledger_open(path, STORE_OPEN, &l, &e))
        fail_msg("round %d: reopen after kill: %s", round, e.msg);
    int64_t checked = 0, size = ledger_size(l);
    if (ledger_verify(l, &checked, &e)) fail_msg("round %d: ledger_verify: %s", round, e.msg);
    assert_int_equal(checked, size);
    if (size < acked)
        fail_msg("round %d: the log has %lld events, but the child was told seq %lld was "
                 "committed",
                 round, (long long)size, (long long)acked);
    store *st = ledger_store(l);
    int64_t heads = 0;
    uint8_t root[32], want[32];
    if (log_verify(st, &heads, root, &e)) fail_msg("round %d: log_verify: %s", round, e.msg);
    if (log_root(st, size, want, &e)) fail_msg("round %d: log_root: %s", round, e.msg);
    assert_memory_equal(root, want, 32);

    head_walk w = {.st = st};
    if (log_vkey(st, &w.vkey, &e)) fail_msg("round %d: log_vkey: %s", round, e.msg);
    if (store_head_scan(st, walk_head, &w, &e)) fail_msg("round %d: heads: %s", round, e.msg);
    assert_int_equal((int64_t)w.n, heads);
    assert_true(w.n > 0);
    store_head newest;
    if (log_head(st, &newest, &e)) fail_msg("round %d: log_head: %s", round, e.msg);
    assert_int_equal(newest.id, w.heads[w.n - 1].id);
    if (newest.size != size)
        fail_msg("round %d: the newest head has size %lld, the log %lld: a batch committed "
                 "without its head",
                 round, (long long)newest.size, (long long)size);
    char what[64];
    for (size_t i = 0; i < w.n; i++) {
        snprintf(what, sizeof what, "round %d, stored head #%lld", round, (long long)w.heads[i].id);
        check_consistent(st, w.heads[i].size, w.heads[i].root, newest.size, newest.root, what);
    }
    /* Acknowledged heads, from every round so far: still stored, and extended. */
    size_t j = 0;
    for (size_t i = 0; i < nacks; i++) {
        while (j < w.n && w.heads[j].size < acks[i].size)
            j++;
        if (j == w.n || w.heads[j].size != acks[i].size ||
            memcmp(w.heads[j].root, acks[i].root, 32) != 0)
            fail_msg("round %d: the head of size %lld acknowledged before a kill is not stored",
                     round, (long long)acks[i].size);
        snprintf(what, sizeof what, "round %d, acknowledged head of size %lld", round,
                 (long long)acks[i].size);
        check_consistent(st, acks[i].size, acks[i].root, newest.size, newest.root, what);
    }
    free(w.heads);
    ledger_close(l);
    return size;
}

static void killed_appends_keep_heads_consistent(void **st)
{
    (void)st;
    const char *path = tu_path(tu_tmpdir(), "logcrash.db");
    const char *env = getenv("HB_CRASH_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 20250316u;
    printf("log crash test: seed %u (HB_CRASH_SEED=%u repeats it), %d kills\n", seed, seed, ROUNDS);
    srand(seed);
    import_first(path);
    int64_t size = check_ledger(path, 0, 0);
    int64_t start = size;
    int grew = 0;
    for (int round = 1; round <= ROUNDS; round++) {
        /* Every third kill lands while the child opens (replay, loading the
         * frontier), or soon after; the others among its batches. */
        bool in_open = round % 3 == 0;
        double delay = (in_open ? 0.2 : MAX_DELAY_S) * rnd01();
        int64_t acked = run_round(path, round, delay, in_open);
        int64_t now = check_ledger(path, round, acked);
        if (now < size)
            fail_msg("round %d: the log shrank from %lld to %lld", round, (long long)size,
                     (long long)now);
        grew += now > size;
        size = now;
    }
    printf("log crash test: %lld -> %lld events, %zu heads acknowledged, %d rounds grew\n",
           (long long)start, (long long)size, nacks, grew);
    assert_true(nacks > 0); /* the kills were not all too early to test anything */
    assert_true(grew > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(killed_appends_keep_heads_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
