/* cli: the option parser (permutation, --db precedence, errors, re-entry), the text
 * table (UTF-8 alignment) and the one-line event summaries of the history views
 * for the event types the end-to-end script does not import. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/view.h"
#include "model/codec.h"

/* argv arrays must be writable: getopt_long permutes them. */
#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})

static void opts_permute_and_extra(void **st)
{
    (void)st;
    unsetenv("HABEAS_DB");
    char **av = ARGV("import", "f.jsonl", "--db", "x.db", "--actor=records:alice", "--json");
    const char *actor = NULL, *max = NULL;
    opts_extra extra[] = {{"actor", &actor, NULL}, {"max-errors", &max, NULL}};
    opts o;
    assert_int_equal(opts_parse(&o, "import", "usage\n", 6, av, extra, 2), 0);
    assert_int_equal(o.nargs, 1);
    assert_string_equal(o.args[0], "f.jsonl");
    assert_string_equal(o.db, "x.db");
    assert_string_equal(actor, "records:alice");
    assert_null(max);
    assert_true(o.json);
    assert_false(o.help);
}

static void opts_db_precedence(void **st)
{
    (void)st;
    opts o;
    setenv("HABEAS_DB", "env.db", 1);
    char **a1 = ARGV("verify");
    assert_int_equal(opts_parse(&o, "verify", "u\n", 1, a1, NULL, 0), 0);
    assert_string_equal(o.db, "env.db");
    char **a2 = ARGV("verify", "--db=flag.db");
    assert_int_equal(opts_parse(&o, "verify", "u\n", 2, a2, NULL, 0), 0);
    assert_string_equal(o.db, "flag.db");
    setenv("HABEAS_DB", "", 1);
    assert_int_equal(opts_parse(&o, "verify", "u\n", 1, a1, NULL, 0), 0);
    assert_string_equal(o.db, OPTS_DEFAULT_DB);
    unsetenv("HABEAS_DB");
}

static void opts_errors(void **st)
{
    (void)st;
    opts o;
    char **a1 = ARGV("export", "--bogus");
    assert_int_equal(opts_parse(&o, "export", "u\n", 2, a1, NULL, 0), HB_EINPUT);
    const char *from = NULL;
    opts_extra extra[] = {{"from", &from, NULL}};
    char **a2 = ARGV("export", "--from");
    assert_int_equal(opts_parse(&o, "export", "u\n", 2, a2, extra, 1), HB_EINPUT);
    char **a3 = ARGV("export", "-x");
    assert_int_equal(opts_parse(&o, "export", "u\n", 2, a3, extra, 1), HB_EINPUT);
    /* A good parse after bad ones: getopt's state is reset each time. */
    char **a4 = ARGV("export", "--from", "7");
    assert_int_equal(opts_parse(&o, "export", "u\n", 3, a4, extra, 1), 0);
    int64_t v = 1;
    assert_int_equal(opts_int(&o, "--from", from, 1, &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(opts_int(&o, "--from", "0", 1, &v), HB_EINPUT);
    assert_int_equal(opts_int(&o, "--from", "7x", 1, &v), HB_EINPUT);
    assert_int_equal(opts_int(&o, "--from", "", 1, &v), HB_EINPUT);
    assert_int_equal(v, 7);
    assert_int_equal(opts_nargs(&o, 1, 1, "FILE"), HB_EINPUT);
}

/* Runs cli_main with stdout and stderr sent to /dev/null; returns its exit code. */
static int quiet_cli(int argc, char **argv)
{
    fflush(stdout);
    fflush(stderr);
    int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY);
    assert_true(out >= 0 && err >= 0 && null >= 0);
    dup2(null, 1);
    dup2(null, 2);
    int rc = cli_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1);
    dup2(err, 2);
    close(out);
    close(err);
    close(null);
    return rc;
}

static void cli_main_dispatch(void **st)
{
    (void)st;
    char **v = ARGV("habeas", "--version");
    assert_int_equal(quiet_cli(2, v), 0);
    char **u = ARGV("habeas", "imprt");
    assert_int_equal(quiet_cli(2, u), HB_EINPUT);
    char **h = ARGV("habeas", "help", "verify");
    assert_int_equal(quiet_cli(3, h), 0);
    char **g = ARGV("habeas", "--db", "/nonexistent/dir/x.db", "verify");
    assert_int_equal(quiet_cli(4, g), HB_EINPUT);
    char **n = ARGV("habeas");
    assert_int_equal(quiet_cli(1, n), HB_EINPUT);
    /* The same process again: nothing is left over from the runs before. */
    char **x = ARGV("habeas", "verify", "--frob");
    assert_int_equal(quiet_cli(3, x), HB_EINPUT);
    assert_int_equal(quiet_cli(2, v), 0);
}

static char *table_text(const out_table *t)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    assert_non_null(f);
    out_table_print(t, f, "  ");
    fclose(f);
    return p;
}

static void table_aligns_utf8(void **st)
{
    (void)st;
    assert_int_equal(out_width("José Ángel"), 10);
    out_table t;
    out_table_init(&t, 3, "lrl");
    const char *r1[] = {"Zoë Müller", "2", "OVER"};
    const char *r2[] = {"Ann", "120", ""};
    assert_int_equal(out_table_add(&t, r1), 0);
    assert_int_equal(out_table_add(&t, r2), 0);
    char *s = table_text(&t);
    assert_string_equal(s, "  Zoë Müller    2  OVER\n"
                           "  Ann         120\n");
    free(s);
    out_table_free(&t);
}

/* Decodes one event line and returns its summary (caller frees). */
static char *summary(const char *json, const char *subject)
{
    arena a;
    arena_init(&a, 4096);
    hb_errlist errs;
    errlist_init(&errs, 5);
    record r;
    memset(&r, 0, sizeof r);
    r.seq = 1;
    int rc = event_decode(json, strlen(json), &a, &r.ev, &errs, "t");
    if (rc) fail_msg("%s", errs.n ? errs.msgs[0] : "decode failed");
    buf b = BUF_INIT;
    assert_int_equal(view_summary(&b, &r, subject), 0);
    errlist_free(&errs);
    arena_free(&a);
    return b.p;
}

static void check_summary(const char *json, const char *subject, const char *want)
{
    char *got = summary(json, subject);
    assert_string_equal(got, want);
    free(got);
}

static void summaries(void **st)
{
    (void)st;
    check_summary("{\"type\":\"hold.placed\",\"at\":\"2025-03-15T18:00:00-04:00\",\"hold\":\"H-1\","
                  "\"kind\":\"court_order\",\"issued_by\":\"D.D.C.\",\"case\":\"1:25-cv-766\","
                  "\"effective_from\":\"2025-03-15T18:00:00-04:00\",\"scope\":{\"persons\":"
                  "[\"P-1\",\"P-2\"],\"destination_country\":\"SV\"}}",
                  NULL,
                  "hold H-1 placed: court_order by D.D.C., case 1:25-cv-766, from "
                  "2025-03-15T18:00:00-04:00; persons P-1, P-2; destination SV");
    check_summary("{\"type\":\"hold.lifted\",\"at\":\"2025-04-01T09:00:00Z\",\"hold\":\"H-1\","
                  "\"reason\":\"vacated\"}",
                  NULL, "hold H-1 lifted: vacated");
    const char *died = "{\"type\":\"custody.died\",\"at\":\"2025-05-01T09:00:00Z\",\"person\":"
                       "\"P-1\",\"cause\":\"untreated illness\"}";
    check_summary(died, "P-1", "died in custody: untreated illness");
    check_summary(died, "F-CECOT", "P-1: died in custody: untreated illness");
    check_summary("{\"type\":\"count.recorded\",\"at\":\"2025-05-01T09:00:00Z\",\"facility\":"
                  "\"F-1\",\"unit\":\"U1\",\"present\":[\"P-1\",\"P-2\"]}",
                  "F-1", "count at F-1 unit U1: 2 present");
    check_summary("{\"type\":\"condition.observed\",\"at\":\"2025-05-01T09:00:00Z\",\"facility\":"
                  "\"F-1\",\"unit\":\"U1\",\"metric\":\"temperature_c\",\"value\":35}",
                  "F-1", "observed temperature_c = 35 at F-1 unit U1");
    check_summary("{\"type\":\"work.logged\",\"at\":\"2025-05-01T09:00:00Z\",\"person\":\"P-1\","
                  "\"programme\":\"zero idleness\",\"hours\":8,\"consented\":false}",
                  "P-1", "worked 8 h in zero idleness, unpaid, without consent");
    const char *dep = "{\"type\":\"transfer.departed\",\"at\":\"2025-03-15T17:25:00-04:00\","
                      "\"transfer\":\"T-1\",\"persons\":[\"P-1\",\"P-2\",\"P-3\",\"P-4\",\"P-5\"]}";
    check_summary(dep, "T-1", "transfer T-1 departed: 5 persons: P-1, P-2, P-3 and 2 more");
    check_summary(dep, "P-4", "transfer T-1 departed (5 persons)");
    check_summary("{\"type\":\"allegation.recorded\",\"at\":\"2025-02-03T09:00:00-05:00\","
                  "\"person\":\"P-3\",\"kind\":\"gang_affiliation\",\"source\":\"field report\","
                  "\"detail\":\"tattoos\"}",
                  "P-3",
                  "allegation (not a conviction): gang_affiliation, source field report: "
                  "tattoos");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opts_permute_and_extra),
        cmocka_unit_test(opts_db_precedence),
        cmocka_unit_test(opts_errors),
        cmocka_unit_test(cli_main_dispatch),
        cmocka_unit_test(table_aligns_utf8),
        cmocka_unit_test(summaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
