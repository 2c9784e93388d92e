/* `habeas export`: the log as export lines (records with their leaf hash). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"

static const char USAGE[] =
    "usage: habeas export [--from SEQ] [--out FILE] [--json] [--db FILE]\n"
    "\n"
    "Writes the ledger's records, one JSON object a line, each with its seq,\n"
    "recorded_at, actor, event and leaf hash (hex), in canonical form (RFC 8785).\n"
    "`habeas restore` rebuilds an identical ledger from this output.\n"
    "\n"
    "options:\n"
    "  --from SEQ   start at record SEQ (default 1: everything)\n"
    "  --out FILE   write to FILE (replaced only once the export is complete)\n"
    "               instead of stdout\n"
    "  --json       print a JSON result object (on stderr when the records go to stdout)\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "examples:\n"
    "  habeas export --db habeas.db > log.jsonl\n"
    "  habeas export --from 1001 --out tail.jsonl\n";

/* Writes into a temporary file next to path and renames it over path at the end,
 * so a failed export never leaves a truncated file behind. */
static int export_to_file(ledger *l, int64_t from, const char *path)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) return out_fail(&(hb_err){HB_EINTERNAL, "out of memory"}, 0);
    snprintf(tmp, n, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        out_error("cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return HB_EINPUT;
    }
    hb_err err = {0};
    int rc = ledger_export(l, from, f, &err);
    if (rc) rc = out_fail(&err, rc);
    if (fclose(f) != 0 && !rc) {
        out_error("cannot write %s: %s", path, strerror(errno));
        rc = HB_EINTERNAL;
    }
    if (!rc && rename(tmp, path) != 0) {
        out_error("cannot rename %s to %s: %s", tmp, path, strerror(errno));
        rc = HB_EINTERNAL;
    }
    if (rc) unlink(tmp);
    free(tmp);
    return rc;
}

static int export_to_stdout(ledger *l, int64_t from)
{
    hb_err err = {0};
    int rc = ledger_export(l, from, stdout, &err);
    if (rc) return out_fail(&err, rc);
    if (fflush(stdout) != 0) {
        out_error("cannot write the export to stdout: %s", strerror(errno));
        return HB_EINTERNAL;
    }
    return 0;
}

static int report(const opts *o, const char *out, int64_t from, int64_t size)
{
    int64_t n = size >= from ? size - from + 1 : 0;
    if (o->json)
        return out_json_file(out ? stdout : stderr,
                             json_pack("{s:I, s:I, s:I, s:o}", "exported", (json_int_t)n, "from",
                                       (json_int_t)from, "last_seq", (json_int_t)size, "out",
                                       out_jstr(out)));
    if (!out) return 0;
    if (n)
        fprintf(stderr, "exported %" PRId64 " record%s (seq %" PRId64 "..%" PRId64 ") to %s\n", n,
                n == 1 ? "" : "s", size - n + 1, size, out);
    else
        fprintf(stderr, "exported 0 records to %s\n", out);
    return 0;
}

int cmd_export(int argc, char **argv)
{
    opts o;
    const char *from_s = NULL, *out = NULL;
    opts_extra extra[] = {{"from", &from_s, NULL}, {"out", &out, NULL}};
    int rc = opts_parse(&o, "export", USAGE, argc, argv, extra, 2);
    if (rc || o.help) return rc;
    int64_t from = 1;
    if ((rc = opts_int(&o, "--from", from_s, 1, &from))) return rc;
    if ((rc = opts_nargs(&o, 0, 0, ""))) return rc;
    if (out && !*out) return opts_usage_error(&o, "--out needs a file name");
    ledger *l;
    if ((rc = opts_open_ledger(&o, &l))) return rc;
    int64_t size = ledger_size(l);
    rc = out ? export_to_file(l, from, out) : export_to_stdout(l, from);
    if (!rc) rc = report(&o, out, from, size);
    ledger_close(l);
    return rc;
}
