#include "cli/opts.h"
#include <stdbool.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/hbtime.h"
#include "cli/out.h"

enum { OPT_DB = 256, OPT_JSON, OPT_EXTRA }; /* extra option i returns OPT_EXTRA + i */
#define MAX_LONGOPTS 16

static const char *resolve_db(const char *given)
{
    if (given) return given;
    const char *env = getenv("HABEAS_DB");
    return env && *env ? env : OPTS_DEFAULT_DB;
}

/* The option argv named: getopt leaves it just before optind. */
static const char *offender(int argc, char **argv)
{
    return optind - 1 >= 1 && optind - 1 < argc ? argv[optind - 1] : "?";
}

static int bad_option(const opts *o, int c, int argc, char **argv)
{
    if (c == ':') return opts_usage_error(o, "option \"%s\" needs a value", offender(argc, argv));
    if (optopt && optopt != '?') return opts_usage_error(o, "unknown option \"-%c\"", optopt);
    return opts_usage_error(o, "unknown option \"%s\"", offender(argc, argv));
}

int opts_parse(opts *o, const char *cmd, const char *usage, int argc, char **argv,
               const opts_extra *extra, size_t n_extra)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->usage = usage;
    struct option lo[MAX_LONGOPTS + 1];
    size_t n = 0;
    lo[n++] = (struct option){"db", required_argument, NULL, OPT_DB};
    lo[n++] = (struct option){"json", no_argument, NULL, OPT_JSON};
    lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
    for (size_t i = 0; i < n_extra && n < MAX_LONGOPTS; i++)
        lo[n++] = (struct option){extra[i].name, extra[i].str ? required_argument : no_argument,
                                  NULL, OPT_EXTRA + (int)i};
    lo[n] = (struct option){NULL, 0, NULL, 0};

    const char *db = NULL;
    optind = 0; /* glibc: full re-initialisation, so cli_main may run twice in a process */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        if (c == OPT_DB) {
            db = optarg;
        } else if (c == OPT_JSON) {
            o->json = true;
        } else if (c == 'h') {
            o->help = true;
        } else if (c >= OPT_EXTRA && (size_t)(c - OPT_EXTRA) < n_extra) {
            const opts_extra *x = &extra[c - OPT_EXTRA];
            if (x->str) *x->str = optarg;
            if (x->flag) *x->flag = true;
        } else {
            return bad_option(o, c, argc, argv);
        }
    }
    o->db = resolve_db(db);
    o->args = argv + optind;
    o->nargs = argc - optind;
    if (o->help) fputs(usage, stdout);
    return 0;
}

int opts_usage_error(const opts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "habeas %s: ", o->cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nsee \"habeas %s --help\"\n", o->cmd);
    return HB_EINPUT;
}

int opts_nargs(const opts *o, int min, int max, const char *what)
{
    if (o->nargs < min) return opts_usage_error(o, "missing %s", what);
    if (o->nargs > max) return opts_usage_error(o, "unexpected argument \"%s\"", o->args[max]);
    return 0;
}

int opts_int(const opts *o, const char *name, const char *s, int64_t min, int64_t *out)
{
    if (!s) return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min)
        return opts_usage_error(o, "%s needs an integer >= %lld, found \"%s\"", name,
                                (long long)min, s);
    *out = v;
    return 0;
}

int opts_open_ledger(const opts *o, ledger **out)
{
    hb_err err = {0};
    int rc = ledger_open(o->db, STORE_OPEN, out, &err);
    if (rc) return out_fail(&err, rc);
    return 0;
}

static int read_stream(FILE *f, buf *data)
{
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_put(data, chunk, r)) return HB_EINTERNAL;
    return ferror(f) ? HB_EINTERNAL : 0;
}

int opts_read_input(const char *arg, buf *data, const char **name)
{
    bool is_stdin = strcmp(arg, "-") == 0;
    *name = is_stdin ? "stdin" : arg;
    FILE *f = is_stdin ? stdin : fopen(arg, "rb");
    if (!f) {
        out_error("cannot open %s: %s", arg, strerror(errno));
        return HB_EINPUT;
    }
    struct stat st = {0};
    if (!is_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        out_error("%s is a folder, not a file", arg);
        fclose(f);
        return HB_EINPUT;
    }
    /* An empty buffer still gets its NUL, so data->p is never NULL after success.
     * A regular file is read into one buffer of its size: growing a buffer by
     * doubling cost a tenth of a 1M-event import in copies and page faults. */
    size_t want = 1;
    if (!is_stdin && S_ISREG(st.st_mode) && st.st_size > 0) want = (size_t)st.st_size + 1;
    int rc = buf_reserve(data, want);
    if (!rc) rc = read_stream(f, data);
    int saved = errno;
    if (!is_stdin) fclose(f);
    if (rc) {
        out_error("cannot read %s: %s", *name, strerror(saved));
        buf_free(data);
        return HB_EINTERNAL;
    }
    data->p[data->len] = '\0';
    return 0;
}

const char *opts_default_actor(void)
{
    static char actor[300];
    const char *name = getlogin();
    if (!name || !*name) name = getenv("LOGNAME");
    if (!name || !*name) name = getenv("USER");
    if (!name || !*name) {
        struct passwd *pw = getpwuid(geteuid());
        name = pw ? pw->pw_name : NULL;
    }
    snprintf(actor, sizeof actor, "cli:%s", name && *name ? name : "unknown");
    return actor;
}

/* Why a time failed; when only the offset is missing, that (the usual slip). */
static const char *time_why(const char *s, size_t n, const char *why)
{
    char z[64];
    int64_t us;
    const char *zwhy;
    if (n + 1 >= sizeof z) return why;
    memcpy(z, s, n);
    z[n] = 'Z';
    if (!hbtime_parse(z, n + 1, &us, &zwhy)) return "a time needs an offset: Z or +hh:mm / -hh:mm";
    return why && strncmp(why, "expected", 8) != 0 ? why : NULL; /* not a repeat */
}

int opts_time(const opts *o, const char *name, const char *s, opts_time_mode mode, int64_t *us)
{
    const char *why = NULL;
    size_t n = strlen(s);
    int32_t day;
    bool days = mode != OPTS_TIME;
    if (days && n == 10) {
        if (!hbdate_parse(s, n, &day, &why)) {
            int64_t end = mode == OPTS_TIME_OR_DAY_END ? HB_US_PER_DAY - 1 : 0;
            *us = (int64_t)day * HB_US_PER_DAY + end;
            return 0;
        }
    } else {
        if (!hbtime_parse(s, n, us, &why)) return 0;
        why = time_why(s, n, why);
    }
    return opts_usage_error(
        o,
        "--%s: expected %san RFC 3339 time with offset (e.g. %s"
        "2025-03-15T17:00:00-04:00 or 2025-03-15T21:00:00Z), found \"%s\"%s%s%s",
        name, days ? "a date YYYY-MM-DD or " : "", days ? "2025-03-15, " : "", s, why ? " (" : "",
        why ? why : "", why ? ")" : "");
}
