/* log_keys: the ledger's signing key and signed heads over its lifetime (log.h).
 *
 * Create: a new key named by the origin, meta origin + vkey and the head of the
 * empty log in one transaction; the key file (O_EXCL, 0600) is written inside it,
 * before the commit, so a failed commit leaves no key and a crash leaves at worst
 * a key file beside a ledger without one (which is then refused for appends, not
 * adopted, see below).
 *
 * Open: a ledger with a verifier key needs its key file only to append: a missing
 * file is remembered (no_append), one that others can read or that holds another
 * key refuses the open. The frontier is loaded from the stored tree. Such a
 * ledger is never repaired: a missing node, or events beyond the newest head,
 * mean the file was changed outside habeas, and signing over them would vouch
 * for the change; appends are refused instead, saying why (`habeas verify`).
 *
 * Upgrade (a writable open of a ledger written before keys existed: no verifier
 * key in meta and no key file): in one transaction, a key and meta like
 * create's, the tree rebuilt from the leaf hashes, and a head of the current size
 * signed now. A key file found beside a ledger that has no verifier key is never
 * adopted or overwritten: habeas cannot tell it was made for this ledger, so
 * appends are refused saying so. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ledger/ledger_internal.h"
#include "util/hbtime.h"

#define REBUILD_LEAVES 4096
#define REBUILD_NODES 256

/* $HABEAS_ORIGIN, or "habeas/" and 16 random hex digits. */
static int make_origin(char out[NOTE_NAME_MAX + 1], hb_err *err)
{
    const char *env = getenv("HABEAS_ORIGIN");
    if (env && *env) {
        if (!note_name_valid(env))
            return hb_fail(err, HB_EINPUT,
                           "HABEAS_ORIGIN \"%.200s\" cannot name a log: an origin is 1 to %d "
                           "printable ASCII characters without spaces or '+' (nothing was "
                           "created; e.g. HABEAS_ORIGIN=example.org/custody)",
                           env, NOTE_NAME_MAX);
        snprintf(out, NOTE_NAME_MAX + 1, "%s", env);
        return 0;
    }
    int rc = note_init(err);
    if (rc) return rc;
    uint8_t r[8];
    randombytes_buf(r, sizeof r);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    snprintf(out, NOTE_NAME_MAX + 1, "habeas/%s", hex);
    return 0;
}

/* A new key, and its origin and verifier key in meta (inside a transaction). */
static int new_key(ledger *l, hb_err *err)
{
    char origin[NOTE_NAME_MAX + 1];
    int rc = make_origin(origin, err);
    if (!rc) rc = note_key_generate(origin, &l->key, err);
    char vkey[NOTE_VKEY_MAX];
    if (!rc) note_vkey_format(&l->key.v, vkey);
    if (!rc) rc = store_meta_set(l->st, "origin", origin, err);
    if (!rc) rc = store_meta_set(l->st, "vkey", vkey, err);
    return rc;
}

int ledger_log_sign(ledger *l, int64_t at_us, hb_err *err)
{
    note_checkpoint cp = {.size = l->tree.size, .timestamp_us = at_us};
    snprintf(cp.origin, sizeof cp.origin, "%s", l->key.v.name);
    merkle_frontier_root(&l->tree, cp.root);
    buf text = BUF_INIT, note = BUF_INIT; /* freed below */
    store_head *h = calloc(1, sizeof *h); /* big (a 4 KiB note): freed below */
    int rc = h ? 0 : hb_fail(err, HB_EINTERNAL, "out of memory");
    if (!rc && note_checkpoint_format(&cp, &text)) rc = hb_fail(err, HB_EINTERNAL, "out of memory");
    if (!rc) rc = note_sign(&l->key, text.p, text.len, &note, err);
    if (!rc && note.len >= sizeof h->note)
        rc = hb_fail(err, HB_EINTERNAL,
                     "the signed head of size %llu is %zu bytes, over the %zu a head may hold",
                     (unsigned long long)cp.size, note.len, sizeof h->note - 1);
    if (!rc) {
        h->size = (int64_t)cp.size;
        memcpy(h->root, cp.root, 32);
        hbtime_format_utc(at_us, h->timestamp);
        memcpy(h->note, note.p, note.len + 1);
        rc = store_head_append(l->st, h, err);
    }
    free(h);
    buf_free(&text);
    buf_free(&note);
    return rc;
}

/* Ends the transaction: commit when rc is 0, else roll back and remove the key
 * file if this transaction wrote it. */
static int finish(ledger *l, const char *key_path, bool wrote_key, int rc, hb_err *err)
{
    if (!rc) rc = store_commit(l->st, err);
    if (rc) {
        store_rollback(l->st, NULL);
        if (wrote_key) unlink(key_path);
    }
    return rc;
}

int ledger_log_create(ledger *l, const char *key_path, hb_err *err)
{
    merkle_frontier_init(&l->tree);
    int rc = store_begin(l->st, err);
    if (rc) return rc;
    rc = new_key(l, err);
    if (!rc) rc = ledger_log_sign(l, hbtime_now(), err);
    if (!rc) rc = note_key_write_file(key_path, &l->key, err);
    return finish(l, key_path, !rc, rc, err);
}

typedef struct {
    store *st;
    hb_err *err;
    store_node nodes[REBUILD_NODES];
    size_t n;
} rebuild_ctx;

static int rebuild_flush(rebuild_ctx *c)
{
    int rc = c->n ? store_tree_put(c->st, c->nodes, c->n, c->err) : 0;
    c->n = 0;
    return rc;
}

static int rebuild_node(void *ctx, int level, uint64_t index, const uint8_t h[MERKLE_HASH])
{
    rebuild_ctx *c = ctx;
    if (level < STORE_TREE_MIN_LEVEL) return 0;
    if (c->n == REBUILD_NODES && rebuild_flush(c)) return HB_EINTERNAL;
    store_node *n = &c->nodes[c->n++];
    n->level = level;
    n->index = (int64_t)index;
    memcpy(n->hash, h, 32);
    return 0;
}

/* Recomputes l->tree from every leaf hash and stores the nodes (putting a node
 * that is already there with the same hash changes nothing). */
static int rebuild_tree(ledger *l, hb_err *err)
{
    merkle_frontier_init(&l->tree);
    rebuild_ctx *c = malloc(sizeof *c);                 /* freed below */
    uint8_t(*leaves)[32] = malloc(REBUILD_LEAVES * 32); /* freed below */
    int rc = c && leaves ? 0 : hb_fail(err, HB_EINTERNAL, "out of memory");
    if (c) *c = (rebuild_ctx){.st = l->st, .err = err};
    for (int64_t from = 1; !rc && from <= l->size; from += REBUILD_LEAVES) {
        size_t got;
        rc = store_leaf_hashes(l->st, from, REBUILD_LEAVES, leaves, &got, err);
        if (!rc && got == 0)
            rc = hb_fail(err, HB_EINTERNAL, "%s: seq %lld is missing from the log", l->st->uri,
                         (long long)from);
        for (size_t i = 0; !rc && i < got && (int64_t)l->tree.size < l->size; i++)
            rc = merkle_frontier_push(&l->tree, leaves[i], rebuild_node, c);
    }
    if (!rc) rc = rebuild_flush(c);
    free(c);
    free(leaves);
    return rc;
}

/* The transaction that brings a ledger written before keys up to date (see the
 * top); the tree is rebuilt when need_tree. */
static int upgrade(ledger *l, const char *key_path, bool need_tree, hb_err *err)
{
    int rc = store_begin(l->st, err);
    if (rc) return rc;
    rc = new_key(l, err);
    if (!rc && need_tree) rc = rebuild_tree(l, err);
    if (!rc) rc = ledger_log_sign(l, hbtime_now(), err);
    if (!rc) rc = note_key_write_file(key_path, &l->key, err);
    bool wrote = !rc;
    rc = finish(l, key_path, wrote, rc, err);
    if (rc && err) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        hb_fail(err, rc,
                "%s: cannot give the ledger its signing key, Merkle tree and first signed head: "
                "%s (nothing was changed)",
                l->st->uri, why);
    }
    if (rc) sodium_memzero(&l->key, sizeof l->key);
    return rc;
}

/* Notes in no_append when the newest head is not of the log's size. */
static int check_head(ledger *l, hb_err *err)
{
    store_head *h = malloc(sizeof *h); /* big (a 4 KiB note): freed below */
    if (!h) return hb_fail(err, HB_EINTERNAL, "out of memory");
    bool found;
    int rc = store_head_latest(l->st, h, &found, err);
    if (!rc && !found)
        snprintf(l->no_append, sizeof l->no_append,
                 "cannot append: %s has a verifier key but no signed head: its heads were "
                 "removed outside habeas (run `habeas verify --db %s`)",
                 l->st->uri, l->st->uri);
    else if (!rc && h->size != l->size)
        snprintf(l->no_append, sizeof l->no_append,
                 "cannot append: the newest signed head of %s covers %lld events but the log "
                 "holds %lld: the file was changed outside habeas, and habeas will not sign "
                 "over that (run `habeas verify --db %s`)",
                 l->st->uri, (long long)h->size, (long long)l->size, l->st->uri);
    free(h);
    return rc;
}

static bool same_key(const note_vkey *a, const note_vkey *b)
{
    return strcmp(a->name, b->name) == 0 && memcmp(a->id, b->id, 4) == 0 &&
           memcmp(a->pub, b->pub, 32) == 0;
}

/* The key file of a ledger that has a verifier key: loaded and checked, or its
 * absence noted. */
static int load_key(ledger *l, const char *key_path, bool *have, hb_err *err)
{
    *have = false;
    note_vkey v;
    int rc = log_vkey(l->st, &v, err);
    if (rc) return rc;
    struct stat sb;
    if (stat(key_path, &sb) != 0 && errno == ENOENT) {
        snprintf(l->no_append, sizeof l->no_append,
                 "cannot append: no signing key at %s (the ledger's key file; set "
                 "HABEAS_KEY_FILE if it is elsewhere)",
                 key_path);
        return 0;
    }
    if ((rc = note_key_read_file(key_path, &l->key, err))) return rc;
    if (!same_key(&l->key.v, &v)) {
        char theirs[NOTE_VKEY_MAX], ours[NOTE_VKEY_MAX];
        note_vkey_format(&l->key.v, theirs);
        note_vkey_format(&v, ours);
        sodium_memzero(&l->key, sizeof l->key);
        return hb_fail(err, HB_EINPUT,
                       "the key at %s is not this ledger's signing key: it is %s, the ledger's "
                       "verifier key is %s (set HABEAS_KEY_FILE to the ledger's own key file)",
                       key_path, theirs, ours);
    }
    *have = true;
    return 0;
}

/* A ledger without a verifier key: upgraded when writable and no key file is in
 * the way, else appends are refused saying why. */
static int open_keyless(ledger *l, const char *key_path, bool writable, hb_err *err)
{
    struct stat sb;
    bool key_file = stat(key_path, &sb) == 0 || errno != ENOENT;
    if (!writable)
        snprintf(l->no_append, sizeof l->no_append,
                 "cannot append: %s has no signing key yet (open it for writing once)", l->st->uri);
    else if (key_file)
        snprintf(l->no_append, sizeof l->no_append,
                 "cannot append: %s has no verifier key yet, but a key file is already at %s: "
                 "habeas neither adopts nor overwrites a key it cannot tell was made for this "
                 "ledger (move that file away and open the ledger again to give it a new key)",
                 l->st->uri, key_path);
    hb_err why = {0};
    log_reader_ctx c;
    merkle_reader r;
    log_reader_init(&c, l->st, &why, &r);
    bool need_tree = merkle_frontier_load(&l->tree, &r, (uint64_t)l->size) != 0;
    if (l->no_append[0]) return 0;
    return upgrade(l, key_path, need_tree, err);
}

int ledger_log_open(ledger *l, const char *key_path, bool writable, hb_err *err)
{
    merkle_frontier_init(&l->tree);
    l->no_append[0] = '\0';
    char *vkey = NULL; /* malloc'd by the store: freed here */
    int rc = store_meta_get(l->st, "vkey", &vkey, err);
    if (rc) return rc;
    bool has_vkey = vkey != NULL, have = false;
    free(vkey);
    if (!has_vkey) return open_keyless(l, key_path, writable, err);
    if ((rc = load_key(l, key_path, &have, err))) return rc;
    hb_err why = {0};
    log_reader_ctx c;
    merkle_reader r;
    log_reader_init(&c, l->st, &why, &r);
    if (merkle_frontier_load(&l->tree, &r, (uint64_t)l->size) != 0) {
        if (!l->no_append[0])
            snprintf(l->no_append, sizeof l->no_append, "cannot append: %s", why.msg);
    } else if (writable && have && (rc = check_head(l, err))) {
        return rc;
    }
    if (!writable && !l->no_append[0])
        snprintf(l->no_append, sizeof l->no_append, "cannot append: %s was opened read-only",
                 l->st->uri);
    return 0;
}
