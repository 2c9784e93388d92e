/* `habeas init`: create a new, empty ledger; never touch an existing one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"

static const char USAGE[] =
    "usage: habeas init [--db FILE] [--json]\n"
    "\n"
    "Creates a new, empty ledger. Refuses when FILE already exists: a ledger is\n"
    "never overwritten.\n"
    "\n"
    "options:\n"
    "  --db FILE    where to create it (default ./habeas.db, or $HABEAS_DB)\n"
    "  --json       print the result as a JSON object on stdout\n"
    "  -h, --help   show this help\n"
    "\n"
    "example:\n"
    "  habeas init --db habeas.db\n";

/* Only files are checked here; other URIs (postgres://) are left to the store. */
static bool exists(const char *db)
{
    struct stat st;
    return strstr(db, "://") == NULL && (stat(db, &st) == 0 || errno != ENOENT);
}

int cmd_init(int argc, char **argv)
{
    opts o;
    int rc = opts_parse(&o, "init", USAGE, argc, argv, NULL, 0);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 0, 0, ""))) return rc;
    if (exists(o.db)) {
        out_error("%s already exists: init creates a new ledger and never overwrites one "
                  "(nothing was changed; choose another file with --db)",
                  o.db);
        return HB_EINPUT;
    }
    ledger *l = NULL;
    hb_err err = {0};
    if ((rc = ledger_open(o.db, STORE_CREATE, &l, &err))) return out_fail(&err, rc);
    ledger_close(l);
    if (o.json) return out_json(json_pack("{s:s}", "created", o.db));
    fprintf(stderr, "created empty ledger %s\n", o.db);
    return 0;
}
