/* opts: the options every subcommand shares, and its arguments.
 *
 * opts_parse runs getopt_long over argv (argv[0] is the subcommand's name), so
 * options may stand before or after the arguments. Every subcommand takes --db
 * FILE, --json and --help (-h); a command adds its own through `extra`. Errors
 * print one line plus `see "habeas CMD --help"` on stderr and return HB_EINPUT:
 * the caller returns that as its exit code. Strings point into argv or the
 * environment; nothing here allocates except opts_read_input. */
#ifndef HB_CLI_OPTS_H
#define HB_CLI_OPTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ledger/ledger.h"
#include "util/buf.h"

#define HB_VERSION "0.1.0"
#define OPTS_DEFAULT_DB "habeas.db"

/* One command-specific long option: a value option fills *str, a flag sets *flag. */
typedef struct {
    const char *name;
    const char **str; /* non-NULL: takes a value */
    bool *flag;       /* non-NULL: a flag */
} opts_extra;

typedef struct {
    const char *cmd;   /* "import" */
    const char *usage; /* the --help text (static) */
    const char *db;    /* --db, else $HABEAS_DB, else ./habeas.db */
    bool json, help;
    char **args; /* the positional arguments, in order */
    int nargs;
} opts;

/* 0 (when o->help is set, the usage has been printed: return 0), or HB_EINPUT. */
int opts_parse(opts *o, const char *cmd, const char *usage, int argc, char **argv,
               const opts_extra *extra, size_t n_extra);
/* Prints "habeas CMD: <message>" and the --help pointer; returns HB_EINPUT. */
int opts_usage_error(const opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Between min and max positional arguments; `what` names the missing one. */
int opts_nargs(const opts *o, int min, int max, const char *what);
/* A decimal integer >= min for option `name` (NULL s leaves *out unchanged). */
int opts_int(const opts *o, const char *name, const char *s, int64_t min, int64_t *out);

/* A time option's value: an RFC 3339 time with offset, or with a date-taking mode
 * also YYYY-MM-DD (the UTC day's first or last microsecond). 0, or HB_EINPUT after
 * printing what was expected and, when the offset is all that is missing, so. */
typedef enum { OPTS_TIME, OPTS_TIME_OR_DAY_START, OPTS_TIME_OR_DAY_END } opts_time_mode;
int opts_time(const opts *o, const char *name, const char *s, opts_time_mode mode, int64_t *us);

/* Opens the ledger o->db names; on failure prints why and returns the exit code. */
int opts_open_ledger(const opts *o, ledger **out);

/* Reads the whole FILE argument ("-" is stdin) into *data (caller frees with
 * buf_free); *name is what messages call it ("stdin" for -). 0, or the exit code
 * after printing why. */
int opts_read_input(const char *arg, buf *data, const char **name);

/* The actor recorded for this user: "cli:" + the login name. Static storage. */
const char *opts_default_actor(void);
#endif
