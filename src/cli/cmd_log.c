/* `habeas log head|prove|consistency`: the signed head and the Merkle proofs of
 * the transparency log (docs/transparency.md). Reads through a read-only
 * connection, so it runs beside a server; the ledger is not replayed. Each proof
 * is checked here with the RFC 9162 algorithms before it is printed as verified:
 * a tree that no longer matches its events shows up as exit 1. --json gives the
 * HTTP API's documents (views_log_*), byte for byte. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "ledger/log.h"
#include "views/views.h"

static const char USAGE[] =
    "usage: habeas log head [--db FILE] [--json]\n"
    "       habeas log prove SEQ [--size N] [--db FILE] [--json]\n"
    "       habeas log consistency OLD NEW [--db FILE] [--json]\n"
    "\n"
    "head prints the newest signed checkpoint exactly as signed (save it: any\n"
    "C2SP verifier, or habeas witness, checks it with the ledger's verifier key,\n"
    "see habeas key show).\n"
    "\n"
    "prove prints the inclusion proof of event SEQ in the tree of N events (by\n"
    "default the newest signed head's size): the leaf hash, the root and the\n"
    "proof hashes, leaf side first, and checks that they give the root.\n"
    "\n"
    "consistency prints the proof that the log of NEW events extends the log of\n"
    "OLD events (nothing in the first OLD was changed or removed), with both\n"
    "roots, and checks it.\n"
    "\n"
    "Hashes are SHA-256 in standard base64, as in the checkpoint (RFC 9162).\n"
    "\n"
    "options:\n"
    "  --size N     prove: the tree size to prove against (1 <= SEQ <= N <= the\n"
    "               log's size)\n"
    "  --json       the same JSON documents as GET /v1/log/head,\n"
    "               /v1/log/proof/inclusion and /v1/log/proof/consistency\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "exit status: 0 ok (a proof verifies); 1 a proof does not verify (the\n"
    "stored tree does not match the events: run habeas verify); 2 bad arguments\n"
    "(nothing was changed); 3 the ledger could not be read.\n"
    "\n"
    "examples:\n"
    "  habeas log head --db habeas.db > head.txt\n"
    "  habeas log prove 12 --db habeas.db\n"
    "  habeas log consistency 10 25 --db habeas.db --json\n";

static void print_proof(const merkle_proof *p, const char *order)
{
    char h[NOTE_HASH_B64];
    printf("proof:       %zu hash%s%s\n", p->n, p->n == 1 ? "" : "es", p->n ? order : "");
    for (size_t i = 0; i < p->n; i++)
        printf("  %s\n", note_hash_b64(p->h[i], h));
}

static int head(const opts *o, store *st)
{
    store_head h;
    hb_err err = {0};
    int rc = log_head(st, &h, &err);
    if (rc) return out_fail(&err, rc);
    if (o->json) return out_json(views_log_head(&h));
    /* Exactly the signed note: a verifier needs every byte as signed. */
    fputs(h.note, stdout);
    return 0;
}

/* The positive integers the action takes, parsed before the ledger is opened so
 * that a bad argument is named even when the ledger is missing too. */
typedef struct {
    int64_t a, b; /* SEQ; or OLD and NEW */
    int64_t size; /* --size, 0 when not given */
} log_args;

static int parse_args(const opts *o, const char *sub, const char *size_arg, log_args *a)
{
    int rc = 0;
    if (!strcmp(sub, "prove")) {
        rc = opts_int(o, "SEQ", o->args[1], 1, &a->a);
        if (!rc) rc = opts_int(o, "--size", size_arg, 1, &a->size);
    } else if (!strcmp(sub, "consistency")) {
        rc = opts_int(o, "OLD", o->args[1], 1, &a->a);
        if (!rc) rc = opts_int(o, "NEW", o->args[2], 1, &a->b);
        if (!rc && a->a > a->b)
            rc = opts_usage_error(
                o, "OLD %" PRId64 " is over NEW %" PRId64 ": give the older (smaller) size first",
                a->a, a->b);
    }
    return rc;
}

/* The size to prove against, with the checks that name the argument (log_prove's
 * own message stays the fallback). */
static int prove_bounds(const opts *o, store *st, int64_t seq, int64_t *size)
{
    int64_t n;
    store_head h;
    hb_err err = {0};
    int rc = log_size(st, &n, &err);
    if (!rc && !*size) rc = log_head(st, &h, &err);
    if (rc) return out_fail(&err, rc);
    bool given = *size != 0;
    if (given && *size > n)
        return opts_usage_error(o,
                                "--size %" PRId64 " is over the log's size (%" PRId64
                                " event%s): nothing to prove against",
                                *size, n, n == 1 ? "" : "s");
    if (!given) *size = h.size;
    if (seq > *size)
        return opts_usage_error(o,
                                "SEQ %" PRId64 " is over the tree size %" PRId64
                                " (%s): a proof shows an event the tree holds",
                                seq, *size, given ? "--size" : "the newest signed head's size");
    return 0;
}

static int prove(const opts *o, store *st, const log_args *a)
{
    int64_t seq = a->a, size = a->size;
    int rc = prove_bounds(o, st, seq, &size);
    if (rc) return rc;
    log_inclusion p;
    hb_err err = {0};
    if ((rc = log_prove(st, seq, size, &p, &err))) return out_fail(&err, rc);
    bool good =
        merkle_verify_inclusion(p.leaf, (uint64_t)(p.seq - 1), (uint64_t)p.size, &p.proof, p.root);
    if (o->json) {
        rc = out_json(views_log_inclusion(&p));
    } else {
        char h[NOTE_HASH_B64];
        printf("seq:         %" PRId64 "\n", p.seq);
        printf("leaf index:  %" PRId64 "\n", p.seq - 1);
        printf("tree size:   %" PRId64 "\n", p.size);
        printf("leaf hash:   %s\n", note_hash_b64(p.leaf, h));
        printf("root:        %s\n", note_hash_b64(p.root, h));
        print_proof(&p.proof, ", leaf side first");
        printf(good ? "verified: the leaf hash and the proof give the root (RFC 9162 2.1.3.2)\n"
                    : "NOT VERIFIED: the leaf hash and the proof do not give the root\n");
    }
    if (!good) {
        out_error("the inclusion proof of seq %" PRId64 " in the tree of %" PRId64
                  " events does not verify: the stored tree does not match the events "
                  "(run habeas verify --db %s)",
                  seq, size, o->db);
        return HB_ERULE;
    }
    return rc;
}

static int consistency(const opts *o, store *st, const log_args *a)
{
    int64_t first = a->a, second = a->b, n = 0;
    hb_err err = {0};
    int rc = log_size(st, &n, &err);
    if (rc) return out_fail(&err, rc);
    if (second > n)
        return opts_usage_error(o, "NEW %" PRId64 " is over the log's size (%" PRId64 " event%s)",
                                second, n, n == 1 ? "" : "s");
    log_consistency p;
    if ((rc = log_consistent(st, first, second, &p, &err))) return out_fail(&err, rc);
    bool good = merkle_verify_consistency((uint64_t)p.first, (uint64_t)p.second, p.first_root,
                                          p.second_root, &p.proof);
    if (o->json) {
        rc = out_json(views_log_consistency(&p));
    } else {
        char h[NOTE_HASH_B64];
        printf("first:       %" PRId64 "\n", p.first);
        printf("second:      %" PRId64 "\n", p.second);
        printf("first root:  %s\n", note_hash_b64(p.first_root, h));
        printf("second root: %s\n", note_hash_b64(p.second_root, h));
        print_proof(&p.proof, "");
        if (good)
            printf("verified: the log of %" PRId64 " events extends the log of %" PRId64
                   " (RFC 9162 2.1.4.2)\n",
                   p.second, p.first);
        else
            printf("NOT VERIFIED: the proof does not show that the log of %" PRId64
                   " events extends the log of %" PRId64 "\n",
                   p.second, p.first);
    }
    if (!good) {
        out_error("the consistency proof from %" PRId64 " to %" PRId64
                  " events does not verify: the stored tree does not match the events "
                  "(run habeas verify --db %s)",
                  first, second, o->db);
        return HB_ERULE;
    }
    return rc;
}

int cmd_log(int argc, char **argv)
{
    const char *size = NULL;
    const opts_extra extra[] = {{"size", &size, NULL}};
    opts o;
    int rc = opts_parse(&o, "log", USAGE, argc, argv, extra, 1);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 1, 3, "what to show: head, prove or consistency"))) return rc;
    const char *sub = o.args[0];
    if (!strcmp(sub, "head")) {
        rc = opts_nargs(&o, 1, 1, "");
    } else if (!strcmp(sub, "prove")) {
        rc = opts_nargs(&o, 2, 2, "SEQ, the event to prove");
    } else if (!strcmp(sub, "consistency")) {
        rc = o.nargs < 2 ? opts_nargs(&o, 2, 3, "OLD, the older tree size")
                         : opts_nargs(&o, 3, 3, "NEW, the newer tree size");
    } else {
        return opts_usage_error(&o, "unknown action \"%s\": use head, prove or consistency", sub);
    }
    if (rc) return rc;
    if (size && strcmp(sub, "prove")) return opts_usage_error(&o, "--size is for `log prove`");
    log_args a = {0, 0, 0};
    if ((rc = parse_args(&o, sub, size, &a))) return rc;
    store *st;
    hb_err err = {0};
    if ((rc = store_open(o.db, STORE_READ, &st, &err))) return out_fail(&err, rc);
    rc = !strcmp(sub, "head")    ? head(&o, st)
         : !strcmp(sub, "prove") ? prove(&o, st, &a)
                                 : consistency(&o, st, &a);
    store_close(st);
    return rc;
}
