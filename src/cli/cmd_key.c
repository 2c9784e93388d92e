/* `habeas key show`: the ledger's public verifier key, the one witnesses and
 * courts pin (docs/transparency.md). Reads the database only: the private key
 * file is never opened. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "ledger/log.h"

static const char USAGE[] =
    "usage: habeas key show [--db FILE] [--json]\n"
    "\n"
    "Prints the ledger's verifier key: the public half of the key that signs\n"
    "every tree head. Give it to whoever checks the log (habeas witness --key,\n"
    "or any C2SP signed-note verifier). Also shows the origin (the log's name,\n"
    "which is the key's name), the key id and the bare Ed25519 public key in\n"
    "base64. The private key file is never read or shown.\n"
    "\n"
    "options:\n"
    "  --json       {\"origin\", \"vkey\", \"key_id\", \"public_key\"}\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "exit status: 0 ok; 2 no ledger there, or a ledger without a key (written\n"
    "before keys existed: open it for writing once, e.g. with an import); 3 the\n"
    "ledger could not be read.\n"
    "\n"
    "examples:\n"
    "  habeas key show --db habeas.db\n"
    "  habeas key show --db habeas.db | head -1 > habeas.vkey\n";

static int show(const opts *o, store *st)
{
    note_vkey v;
    hb_err err = {0};
    int rc = log_vkey(st, &v, &err);
    if (rc) return out_fail(&err, rc);
    char vkey[NOTE_VKEY_MAX], id[9],
        pub[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    note_vkey_format(&v, vkey);
    snprintf(id, sizeof id, "%02x%02x%02x%02x", v.id[0], v.id[1], v.id[2], v.id[3]);
    sodium_bin2base64(pub, sizeof pub, v.pub, sizeof v.pub, sodium_base64_VARIANT_ORIGINAL);
    if (o->json)
        return out_json(json_pack("{s:s, s:s, s:s, s:s}", "origin", v.name, "vkey", vkey, "key_id",
                                  id, "public_key", pub));
    /* The verifier key first and alone on its line, so `| head -1` saves it. */
    printf("%s\n", vkey);
    printf("origin:     %s\n", v.name);
    printf("key id:     %s\n", id);
    printf("public key: %s (Ed25519)\n", pub);
    return 0;
}

int cmd_key(int argc, char **argv)
{
    opts o;
    int rc = opts_parse(&o, "key", USAGE, argc, argv, NULL, 0);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 1, 1, "what to do: show"))) return rc;
    if (strcmp(o.args[0], "show"))
        return opts_usage_error(&o, "unknown action \"%s\": use show", o.args[0]);
    store *st;
    hb_err err = {0};
    if ((rc = store_open(o.db, STORE_READ, &st, &err))) return out_fail(&err, rc);
    rc = show(&o, st);
    store_close(st);
    return rc;
}
