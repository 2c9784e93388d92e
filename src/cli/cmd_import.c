/* `habeas import FILE|-`: append JSON Lines events, all or nothing. */
#include <inttypes.h>
#include <stdio.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"

#define DEFAULT_MAX_ERRORS 20

static const char USAGE[] =
    "usage: habeas import FILE|- [--actor NAME] [--max-errors N] [--json] [--db FILE]\n"
    "\n"
    "Appends the events in FILE (JSON Lines: one bare event per line; - reads\n"
    "stdin) to the ledger, all or nothing: when any line is refused, every error is\n"
    "reported as FILE:LINE: path: why, and nothing is imported. Exported records\n"
    "are refused here: load those with `habeas restore`.\n"
    "\n"
    "options:\n"
    "  --actor NAME      who tells the ledger, recorded with every event\n"
    "                    (default cli:<login name>)\n"
    "  --max-errors N    report at most N errors, then count the rest (default 20)\n"
    "  --json            print the result (or the errors) as a JSON object on stdout\n"
    "  --db FILE         the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help        show this help\n"
    "\n"
    "examples:\n"
    "  habeas import events.jsonl --db habeas.db\n"
    "  gen-events | habeas import - --actor records:alice\n";

static int report_ok(const opts *o, const char *name, int64_t first, int64_t last)
{
    int64_t n = first > 0 ? last - first + 1 : 0;
    if (o->json)
        return out_json(json_pack("{s:I, s:o, s:o, s:s, s:s}", "imported", (json_int_t)n,
                                  "first_seq", n ? json_integer(first) : json_null(), "last_seq",
                                  n ? json_integer(last) : json_null(), "source", name, "db",
                                  o->db));
    if (n)
        fprintf(stderr, "imported %" PRId64 " event%s (seq %" PRId64 "..%" PRId64 ") from %s\n", n,
                n == 1 ? "" : "s", first, last, name);
    else
        fprintf(stderr, "imported 0 events from %s (it holds none)\n", name);
    return 0;
}

static int report_refused(const opts *o, const hb_errlist *errs, const hb_err *err, int rc)
{
    if (o->json && rc == HB_EINPUT) {
        json_t *a = json_array();
        for (size_t i = 0; i < errs->n; i++)
            json_array_append_new(a, json_string(errs->msgs[i]));
        if (!errs->total && err->msg[0]) json_array_append_new(a, json_string(err->msg));
        int jrc = out_json(json_pack("{s:i, s:I, s:o}", "imported", 0, "error_count",
                                     (json_int_t)(errs->total ? errs->total : 1), "errors", a));
        return jrc ? jrc : rc;
    }
    out_errlist(stderr, errs);
    /* With input errors listed, err only sums them up. */
    if ((rc != HB_EINPUT || !errs->total) && err->msg[0]) out_error("%s", err->msg);
    fprintf(stderr, "nothing was imported\n");
    return rc;
}

int cmd_import(int argc, char **argv)
{
    opts o;
    const char *actor = NULL, *max_s = NULL;
    opts_extra extra[] = {{"actor", &actor, NULL}, {"max-errors", &max_s, NULL}};
    int rc = opts_parse(&o, "import", USAGE, argc, argv, extra, 2);
    if (rc || o.help) return rc;
    int64_t max_errors = DEFAULT_MAX_ERRORS;
    if ((rc = opts_int(&o, "--max-errors", max_s, 1, &max_errors))) return rc;
    if ((rc = opts_nargs(&o, 1, 1, "FILE (the events to import, or - for stdin)"))) return rc;
    if (actor && !*actor) return opts_usage_error(&o, "--actor needs a non-empty name");

    buf data = BUF_INIT;
    const char *name;
    if ((rc = opts_read_input(o.args[0], &data, &name))) return rc;
    ledger *l;
    if ((rc = opts_open_ledger(&o, &l))) {
        buf_free(&data);
        return rc;
    }
    hb_errlist errs;
    errlist_init(&errs, (size_t)max_errors);
    hb_err err = {0};
    int64_t first = 0, last = 0;
    rc = ledger_import(l, name, data.p, data.len, actor ? actor : opts_default_actor(), &errs,
                       &first, &last, &err);
    rc = rc ? report_refused(&o, &errs, &err, rc) : report_ok(&o, name, first, last);
    errlist_free(&errs);
    ledger_close(l);
    buf_free(&data);
    return rc;
}
