/* `habeas restore FILE|-`: rebuild an identical log from an export, into an empty
 * (or new) ledger, checking every hash and that seqs run 1, 2, 3 ... */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "ledger/log.h"
#include "cli/out.h"

#define DEFAULT_MAX_ERRORS 20

static const char USAGE[] =
    "usage: habeas restore FILE|- [--max-errors N] [--json] [--db FILE]\n"
    "\n"
    "Rebuilds a ledger from the output of `habeas export` (- reads stdin). The\n"
    "ledger must be empty; when the --db file does not exist it is created (and\n"
    "removed again if the restore is refused). Every record's hash is checked\n"
    "against its canonical bytes and seqs must run 1, 2, 3 ... without gaps; seq,\n"
    "recorded_at and actor are kept as exported, so the restored ledger exports\n"
    "byte for byte the same. All or nothing.\n"
    "\n"
    "options:\n"
    "  --max-errors N   report at most N errors, then count the rest (default 20)\n"
    "  --json           print the result (or the errors) as a JSON object on stdout\n"
    "  --db FILE        the ledger to fill (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help       show this help\n"
    "\n"
    "example:\n"
    "  habeas export --db habeas.db > log.jsonl\n"
    "  habeas restore log.jsonl --db copy.db\n";

static bool is_missing_file(const char *db)
{
    struct stat st;
    return strstr(db, "://") == NULL && stat(db, &st) != 0 && errno == ENOENT;
}

/* Undo our own `init`: the file did not exist before this command. */
static void remove_created(const char *db)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char path[4096];
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(path, sizeof path, "%s%s", db, suffix[i]);
        unlink(path);
    }
    log_key_path(db, path, sizeof path); /* made with the ledger: a retry would be refused */
    unlink(path);
}

static int open_empty(const opts *o, ledger **l, bool *created)
{
    *created = is_missing_file(o->db);
    hb_err err = {0};
    int rc = ledger_open(o->db, *created ? STORE_CREATE : STORE_OPEN, l, &err);
    if (rc) return out_fail(&err, rc);
    int64_t n = ledger_size(*l);
    if (n == 0) return 0;
    out_error("ledger %s already holds %" PRId64 " record%s: restore needs an empty ledger "
              "(nothing was changed; restore into a new file with --db NEW.db)",
              o->db, n, n == 1 ? "" : "s");
    ledger_close(*l);
    return HB_EINPUT;
}

static int report(const opts *o, const char *name, int rc, int64_t last, const hb_errlist *errs,
                  const hb_err *err)
{
    if (o->json && (rc == 0 || rc == HB_EINPUT)) {
        json_t *a = json_array();
        for (size_t i = 0; i < errs->n; i++)
            json_array_append_new(a, json_string(errs->msgs[i]));
        if (rc && !errs->total && err->msg[0]) json_array_append_new(a, json_string(err->msg));
        int jrc = out_json(json_pack("{s:I, s:I, s:s, s:s, s:I, s:o}", "restored",
                                     (json_int_t)(rc ? 0 : last), "last_seq",
                                     (json_int_t)(rc ? 0 : last), "source", name, "db", o->db,
                                     "error_count", (json_int_t)json_array_size(a), "errors", a));
        return rc ? rc : jrc;
    }
    if (rc == 0) {
        fprintf(stderr, "restored %" PRId64 " record%s (seq 1..%" PRId64 ") from %s into %s\n",
                last, last == 1 ? "" : "s", last, name, o->db);
        return 0;
    }
    out_errlist(stderr, errs);
    /* With input errors listed, err only sums them up. */
    if ((rc != HB_EINPUT || !errs->total) && err->msg[0]) out_error("%s", err->msg);
    fprintf(stderr, "nothing was restored\n");
    return rc;
}

int cmd_restore(int argc, char **argv)
{
    opts o;
    const char *max_s = NULL;
    opts_extra extra[] = {{"max-errors", &max_s, NULL}};
    int rc = opts_parse(&o, "restore", USAGE, argc, argv, extra, 1);
    if (rc || o.help) return rc;
    int64_t max_errors = DEFAULT_MAX_ERRORS;
    if ((rc = opts_int(&o, "--max-errors", max_s, 1, &max_errors))) return rc;
    if ((rc = opts_nargs(&o, 1, 1, "FILE (an export, or - for stdin)"))) return rc;

    buf data = BUF_INIT;
    const char *name;
    if ((rc = opts_read_input(o.args[0], &data, &name))) return rc;
    ledger *l;
    bool created;
    if ((rc = open_empty(&o, &l, &created))) {
        buf_free(&data);
        return rc;
    }
    hb_errlist errs;
    errlist_init(&errs, (size_t)max_errors);
    hb_err err = {0};
    int64_t last = 0;
    rc = ledger_restore(l, name, data.p, data.len, &errs, &last, &err);
    ledger_close(l);
    if (rc && created) remove_created(o.db);
    rc = report(&o, name, rc, last, &errs, &err);
    errlist_free(&errs);
    buf_free(&data);
    return rc;
}
