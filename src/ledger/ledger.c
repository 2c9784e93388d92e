/* ledger: open (store + replay into a fresh state + the signing side, log.h),
 * close, accessors.
 *
 * Creating refuses, before anything is made, when a key file is already where
 * the new ledger's would go: that key would either sign another ledger's heads
 * or be lost. Any later failure of a create removes what it made (the database
 * and its key file), so no half-made ledger is left. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ledger/ledger_internal.h"
#include "model/codec.h"

int ledger_open(const char *uri, store_mode mode, ledger **out, hb_err *err)
{
    return ledger_open_observed(uri, mode, NULL, out, err);
}

static bool is_file_uri(const char *uri)
{
    return strstr(uri, "://") == NULL;
}

/* Undoes a create: the database store_open made (emptied again when the file was
 * there before, empty, as init allows), and SQLite's companions. */
static void remove_created(const char *uri, bool existed)
{
    static const char *const side[] = {"-wal", "-shm", "-journal"};
    char p[1100];
    for (size_t i = 0; i < sizeof side / sizeof *side; i++) {
        snprintf(p, sizeof p, "%s%s", uri, side[i]);
        unlink(p);
    }
    if (!existed) {
        unlink(uri);
    } else if (truncate(uri, 0) != 0) {
        /* Nothing more to do: the caller's error says what failed first. */
    }
}

static int refuse_key_there(const char *uri, const char *key_path, hb_err *err)
{
    struct stat sb;
    if (stat(key_path, &sb) != 0) return 0;
    return hb_fail(err, HB_EINPUT,
                   "a key file is already at %s: refusing to create a ledger at %s, whose new "
                   "signing key would go there (nothing was created; move that file away, or "
                   "set HABEAS_KEY_FILE to a new path for this ledger's key)",
                   key_path, uri);
}

int ledger_open_observed(const char *uri, store_mode mode, const ledger_observer *obs, ledger **out,
                         hb_err *err)
{
    *out = NULL;
    char key_path[1024];
    log_key_path(uri, key_path, sizeof key_path);
    struct stat sb;
    bool existed = mode == STORE_CREATE && is_file_uri(uri) && stat(uri, &sb) == 0;
    if (mode == STORE_CREATE) {
        int rc = refuse_key_there(uri, key_path, err);
        if (rc) return rc;
    }
    ledger *l = calloc(1, sizeof *l); /* freed by ledger_close */
    if (!l) return hb_fail(err, HB_EINTERNAL, "out of memory");
    if (obs) l->obs = *obs;
    int rc = store_open(uri, mode, &l->st, err);
    bool made = !rc && mode == STORE_CREATE;
    if (!rc && !(l->state = state_new())) rc = hb_fail(err, HB_EINTERNAL, "out of memory");
    bool keyed = false;
    if (!rc && mode == STORE_CREATE) keyed = !(rc = ledger_log_create(l, key_path, err));
    if (!rc) rc = ledger_replay(l, err);
    if (!rc && mode != STORE_CREATE) rc = ledger_log_open(l, key_path, mode == STORE_OPEN, err);
    if (rc) {
        ledger_close(l);
        if (keyed) unlink(key_path);
        if (made && is_file_uri(uri)) remove_created(uri, existed);
        return rc;
    }
    *out = l;
    return 0;
}

void ledger_close(ledger *l)
{
    if (!l) return;
    if (l->batch) ledger_batch_abort(l->batch);
    store_close(l->st);
    state_free(l->state);
    sodium_memzero(&l->key, sizeof l->key);
    free(l);
}

int ledger_apply(ledger *l, int64_t seq, const event *ev)
{
    const ledger_observer *o = &l->obs;
    if (o->before && o->before(o->ctx, l->state, seq, ev)) return HB_EINTERNAL;
    if (state_apply(l->state, seq, ev)) return HB_EINTERNAL;
    if (o->after && o->after(o->ctx, l->state, seq, ev)) return HB_EINTERNAL;
    return 0;
}

const state *ledger_state(const ledger *l)
{
    return l->state;
}

store *ledger_store(ledger *l)
{
    return l->st;
}

int64_t ledger_size(const ledger *l)
{
    return l->size;
}

int ledger_decode_row(const store_row *row, arena *a, record *r, hb_err *err)
{
    long long seq = (long long)row->seq;
    /* Without an error list first: replay decodes every row and nearly all decode.
     * Decoding is pure, so a second try gives the reason. */
    int rc = record_decode((const char *)row->body, row->len, a, r, NULL, NULL);
    if (rc) {
        hb_errlist errs;
        errlist_init(&errs, 1);
        rc = record_decode((const char *)row->body, row->len, a, r, &errs, NULL);
        if (rc == HB_EINPUT)
            rc = hb_fail(err, HB_ERULE, "seq %lld: the stored record does not decode: %s", seq,
                         errs.n ? errs.msgs[0] : "no reason given");
        else if (rc)
            rc = hb_fail(err, HB_EINTERNAL, "seq %lld: out of memory decoding the record", seq);
        errlist_free(&errs);
        if (rc) return rc;
    }
    if (r->has_hash)
        return hb_fail(err, HB_ERULE, "seq %lld: the stored record carries a \"hash\" field", seq);
    if (r->seq != row->seq)
        return hb_fail(err, HB_ERULE, "seq %lld: the stored record says it is seq %lld", seq,
                       (long long)r->seq);
    r->has_hash = true;
    memcpy(r->hash, row->hash, 32);
    return 0;
}
