/* `habeas init`: create a new, empty ledger; never touch an existing one. Says
 * where its signing key went and what its verifier key is: the one time both are
 * shown together, and the moment to hand the verifier key to witnesses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "ledger/log.h"

static const char USAGE[] =
    "usage: habeas init [--db FILE] [--json]\n"
    "\n"
    "Creates a new, empty ledger. Refuses when FILE already exists: a ledger is\n"
    "never overwritten.\n"
    "\n"
    "It also makes the ledger's signing key (Ed25519), written to FILE.key (or\n"
    "$HABEAS_KEY_FILE) with mode 0600: keep it private and back it up, since\n"
    "without it nothing more can be appended. It prints the verifier key, the\n"
    "public half, for witnesses and courts (habeas key show prints it again).\n"
    "Set $HABEAS_ORIGIN to name the log (default habeas/ and 16 random hex).\n"
    "\n"
    "options:\n"
    "  --db FILE    where to create it (default ./habeas.db, or $HABEAS_DB)\n"
    "  --json       print {\"created\", \"key_file\", \"vkey\"} on stdout\n"
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
    note_vkey v;
    rc = log_vkey(ledger_store(l), &v, &err);
    ledger_close(l);
    if (rc) return out_fail(&err, rc);
    char key_file[4096], vkey[NOTE_VKEY_MAX];
    log_key_path(o.db, key_file, sizeof key_file);
    note_vkey_format(&v, vkey);
    if (o.json)
        return out_json(
            json_pack("{s:s, s:s, s:s}", "created", o.db, "key_file", key_file, "vkey", vkey));
    fprintf(stderr, "created empty ledger %s\n", o.db);
    fprintf(stderr, "signing key: %s (keep it private: mode 0600)\n", key_file);
    fprintf(stderr, "verifier key: %s\n", vkey);
    return 0;
}
