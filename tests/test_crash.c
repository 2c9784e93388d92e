/* crash: durability. A child process imports a batch of a few thousand events and
 * is killed with SIGKILL at a random moment; the parent then reopens the ledger.
 * The batch must be all there or not there at all (never part of it), the ledger
 * must verify, and later imports must still work. Some kills land after the
 * commit: then the batch must be there.
 * The seed is printed; HB_CRASH_SEED=<n> repeats a run. */
#include "testutil.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ledger/ledger.h"
#include "util/buf.h"

#define PERSONS 1000 /* about 2,500 events a batch */

/* Batch k: persons P-k-0 .. admitted to F-1, a third moved, a fifth released.
 * Batch 0 also registers F-1 and its ten units. Valid after any earlier batches,
 * so whether a killed batch landed or not, the next one imports. */
static void gen_batch(buf *b, int k, int persons)
{
    if (k == 0) {
        buf_puts(b, "{\"type\":\"facility.registered\",\"at\":\"2025-01-01T08:00:00Z\","
                    "\"facility\":\"F-1\",\"name\":\"Centro 1\",\"country\":\"SV\","
                    "\"kind\":\"prison\",\"design_capacity\":40000}\n");
        for (int u = 1; u <= 10; u++)
            buf_printf(b,
                       "{\"type\":\"unit.certified\",\"at\":\"2025-01-01T09:00:00Z\","
                       "\"facility\":\"F-1\",\"unit\":\"U-%d\",\"kind\":\"dormitory\","
                       "\"capacity\":100,\"floor_area_m2\":120,\"beds\":100}\n",
                       u);
    }
    for (int i = 0; i < persons; i++) {
        buf_printf(b,
                   "{\"type\":\"person.registered\",\"at\":\"2025-02-01T10:00:00Z\","
                   "\"person\":\"P-%d-%d\",\"given_names\":\"Ana Mar\xc3\xad"
                   "a\","
                   "\"family_names\":\"L\xc3\xb3pez\",\"nationalities\":[\"HN\"]}\n",
                   k, i);
        buf_printf(b,
                   "{\"type\":\"custody.admitted\",\"at\":\"2025-02-02T10:00:00Z\","
                   "\"person\":\"P-%d-%d\",\"facility\":\"F-1\",\"unit\":\"U-%d\","
                   "\"basis\":{\"kind\":\"pretrial\",\"reference\":\"C-%d-%d\","
                   "\"review_by\":\"2025-06-01\"}}\n",
                   k, i, 1 + i % 10, k, i);
        if (i % 3 == 0)
            buf_printf(b,
                       "{\"type\":\"custody.moved\",\"at\":\"2025-02-03T10:00:00Z\","
                       "\"person\":\"P-%d-%d\",\"facility\":\"F-1\",\"unit\":\"U-%d\"}\n",
                       k, i, 1 + (i + 3) % 10);
        if (i % 5 == 0)
            buf_printf(b,
                       "{\"type\":\"custody.released\",\"at\":\"2025-02-04T10:00:00Z\","
                       "\"person\":\"P-%d-%d\",\"reason\":\"charges dropped\"}\n",
                       k, i);
    }
}

static int count_lines(const buf *b)
{
    int n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->p[i] == '\n';
    return n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void import_in_parent(const char *path, int k)
{
    buf b = BUF_INIT;
    gen_batch(&b, k, PERSONS);
    ledger *l = NULL;
    hb_err e = {0};
    hb_errlist errs;
    errlist_init(&errs, 3);
    if (ledger_open(path, STORE_OPEN, &l, &e)) fail_msg("open: %s", e.msg);
    int64_t before = ledger_size(l);
    int rc = ledger_import(l, "batch.jsonl", b.p, b.len, "test:crash", &errs, NULL, NULL, &e);
    if (rc) fail_msg("import: %s %s", e.msg, errs.n ? errs.msgs[0] : "");
    assert_int_equal(ledger_size(l), before + count_lines(&b));
    ledger_close(l);
    errlist_free(&errs);
    buf_free(&b);
}

/* The child: open, tell the parent the import starts, import. Never returns. */
static void child(const char *path, const buf *b, int ready_fd)
{
    ledger *l = NULL;
    hb_err e = {0};
    hb_errlist errs;
    errlist_init(&errs, 3);
    if (ledger_open(path, STORE_OPEN, &l, &e)) _exit(10);
    if (write(ready_fd, "r", 1) != 1) _exit(11);
    double t0 = now_s();
    int rc = ledger_import(l, "batch.jsonl", b->p, b->len, "test:crash", &errs, NULL, NULL, &e);
    double took = now_s() - t0; /* to the durable commit, for the parent's calibration */
    if (write(ready_fd, &took, sizeof took) != sizeof took) _exit(13);
    ledger_close(l);
    _exit(rc ? 12 : 0); /* _exit: the parent's atexit handlers (temp dir removal) must not run */
}

/* Runs one child import of batch k, killing it delay_s after it starts importing
 * (delay_s < 0: let it finish). Returns how long the import took to commit when it
 * finished. */
static double run_child(const char *path, int k, double delay_s, int *killed)
{
    buf b = BUF_INIT;
    gen_batch(&b, k, PERSONS);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child(path, &b, fds[1]);
    }
    close(fds[1]);
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1);
    double took = 0;
    if (delay_s >= 0) {
        struct timespec d = {(time_t)delay_s, (long)((delay_s - (double)(time_t)delay_s) * 1e9)};
        nanosleep(&d, NULL);
        kill(pid, SIGKILL);
    } else {
        assert_int_equal(read(fds[0], &took, sizeof took), sizeof took);
    }
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    *killed = WIFSIGNALED(status);
    if (!*killed) assert_int_equal(WEXITSTATUS(status), 0);
    buf_free(&b);
    return took;
}

static int64_t reopen_and_verify(const char *path)
{
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(path, STORE_OPEN, &l, &e)) fail_msg("reopen after kill: %s", e.msg);
    int64_t checked = 0;
    if (ledger_verify(l, &checked, &e)) fail_msg("verify after kill: %s", e.msg);
    int64_t n = ledger_size(l);
    assert_int_equal(checked, n);
    assert_int_equal(state_last_seq(ledger_state(l)), n);
    ledger_close(l);
    return n;
}

static void killed_imports_are_all_or_nothing(void **st)
{
    (void)st;
    const char *path = tu_path(tu_tmpdir(), "crash.db");
    const char *env = getenv("HB_CRASH_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 20250315u;
    int runs = getenv("HB_SANITIZED") ? 12 : 40;
    printf("crash test: seed %u (HB_CRASH_SEED=%u repeats it), %d runs\n", seed, seed, runs);
    srand(seed);

    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(path, STORE_CREATE, &l, &e)) fail_msg("create: %s", e.msg);
    ledger_close(l);
    import_in_parent(path, 0);
    int64_t size = reopen_and_verify(path);

    buf b = BUF_INIT;
    gen_batch(&b, 1, PERSONS);
    int64_t batch = count_lines(&b);
    buf_free(&b);

    int killed;
    double took = run_child(path, 1, -1, &killed); /* how long an import takes here */
    assert_int_equal(reopen_and_verify(path), size + batch);
    size += batch;
    int grew = 1, kept = 0;
    for (int k = 2; k < runs + 2; k++) {
        /* 0 .. 1.5 x the import's time: most kills land mid-import, the rest after
         * the commit (some during the checkpoint on close). */
        double delay = took * 1.5 * (double)rand() / RAND_MAX;
        run_child(path, k, delay, &killed);
        int64_t now = reopen_and_verify(path);
        if (now != size && now != size + batch)
            fail_msg("run %d (delay %.4fs): size %lld, expected %lld or %lld", k, delay,
                     (long long)now, (long long)size, (long long)(size + batch));
        if (!killed) assert_int_equal(now, size + batch); /* finished: committed */
        grew += now != size;
        kept += now == size;
        size = now;
    }
    printf("crash test: import took %.3fs; %d batches landed, %d killed before commit\n", took,
           grew, kept);
    assert_true(kept > 0);
    assert_true(grew > 1);
    import_in_parent(path, runs + 2); /* the ledger still takes imports */
    assert_int_equal(reopen_and_verify(path), size + batch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(killed_imports_are_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
