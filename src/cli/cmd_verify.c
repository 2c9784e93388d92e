/* `habeas verify`: the whole ledger file in one parallel pass (ledger_verify_log):
 * every record's seq and leaf hash, the Merkle tree and every signed head, and
 * with --deep each record's canonical form too. The lowest failure in seq order
 * is named: a changed record by its seq, not by the node or head it breaks. */
#include <inttypes.h>
#include <stdio.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "ledger/log.h"

static const char USAGE[] =
    "usage: habeas verify [--deep] [--json] [--db FILE]\n"
    "\n"
    "Checks that the ledger is the one its signed heads vouch for, on every core:\n"
    "reads every stored record, checks that seqs run 1, 2, 3 ... without gaps and\n"
    "that the leaf hash (RFC 9162) of the stored bytes is the stored hash; checks\n"
    "every stored Merkle tree node against the one recomputed from those hashes,\n"
    "and every signed head: its signature (with the ledger's verifier key), its\n"
    "root against the root at its size, and that sizes never go down. Prints OK\n"
    "with the number of events and heads and the root, or the first thing that\n"
    "does not match, in seq order, and why.\n"
    "\n"
    "With --deep, also decodes every record and checks that the stored bytes are\n"
    "its canonical form (RFC 8785): a byte that changes the encoding but not the\n"
    "meaning, stored with a hash and tree and heads made to match (that is, by\n"
    "someone holding the signing key), is seen only then. It takes about three\n"
    "times as long.\n"
    "\n"
    "exit status: 0 everything matches; 1 a mismatch (the ledger was altered);\n"
    "2 not a ledger, or one without a verifier key; 3 the ledger could not be read.\n"
    "\n"
    "options:\n"
    "  --deep       also check every record's decoding and canonical form\n"
    "  --json       print {\"ok\": ..., \"records\": N, \"heads\": H, \"root\": ...}\n"
    "               (or {\"ok\": false, \"error\": ...}) instead of text\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "examples:\n"
    "  habeas verify --db habeas.db\n"
    "  habeas verify --deep --db habeas.db\n";

typedef struct {
    int64_t records, heads;
    char root[NOTE_HASH_B64];
} verified;

static int report(const opts *o, int rc, const verified *v, const hb_err *err)
{
    if (o->json) {
        json_t *j =
            rc ? json_pack("{s:b, s:I, s:s}", "ok", 0, "records", (json_int_t)v->records, "error",
                           err->msg)
               : json_pack("{s:b, s:I, s:I, s:I, s:I, s:s}", "ok", 1, "records",
                           (json_int_t)v->records, "first_seq", (json_int_t)(v->records ? 1 : 0),
                           "last_seq", (json_int_t)v->records, "heads", (json_int_t)v->heads,
                           "root", v->root);
        int jrc = out_json(j);
        return rc ? rc : jrc;
    }
    if (rc) {
        printf("FAILED: %s\n", err->msg[0] ? err->msg : "a record does not match");
        return rc;
    }
    printf("OK: %" PRId64 " event%s, %" PRId64 " signed head%s, root %s\n", v->records,
           v->records == 1 ? "" : "s", v->heads, v->heads == 1 ? "" : "s", v->root);
    return 0;
}

int cmd_verify(int argc, char **argv)
{
    opts o;
    bool deep = false;
    const opts_extra extra[] = {{"deep", NULL, &deep}};
    int rc = opts_parse(&o, "verify", USAGE, argc, argv, extra, 1);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 0, 0, ""))) return rc;
    verified v = {0, 0, ""};
    ledger_verified r;
    hb_err err = {0};
    rc = ledger_verify_log(o.db, deep ? LEDGER_VERIFY_DEEP : 0, &r, &err);
    v.records = r.records;
    v.heads = r.heads;
    if (!rc) note_hash_b64(r.root, v.root);
    if (rc && rc != HB_ERULE) return out_fail(&err, rc);
    return report(&o, rc, &v, &err);
}
