/* verify: every stored record, checked against itself. A record passes when its
 * seq follows the previous one, its body decodes, re-canonicalising the decoded
 * record gives exactly the stored bytes (so no byte of it can change unnoticed,
 * even one the decoder would accept) and the leaf hash of those bytes is the
 * stored hash. The Merkle tree over the leaves comes later. */
#include <string.h>
#include "ledger/ledger_internal.h"
#include "ledger/leaf.h"
#include "model/codec.h"

typedef struct {
    arena a;
    buf canon;
    hb_err *err;
    int64_t expect; /* the seq the next row must have */
} verifier;

static int verify_row(void *ctx, const store_row *row)
{
    verifier *v = ctx;
    long long seq = (long long)row->seq;
    if (row->seq != v->expect)
        return hb_fail(v->err, HB_ERULE, "seq %lld: missing (the log goes from seq %lld to %lld)",
                       (long long)v->expect, (long long)(v->expect - 1), seq);
    record r;
    arena_reset(&v->a);
    buf_clear(&v->canon);
    int rc = ledger_decode_row(row, &v->a, &r, v->err);
    if (rc) return rc;
    if (record_canonical(&v->canon, &r)) return hb_fail(v->err, HB_EINTERNAL, "out of memory");
    if (v->canon.len != row->len || memcmp(v->canon.p, row->body, row->len) != 0)
        return hb_fail(v->err, HB_ERULE,
                       "seq %lld: the stored bytes are not the record's canonical form (the "
                       "record was altered after it was appended)",
                       seq);
    uint8_t h[32];
    if (leaf_hash(row->body, row->len, h))
        return hb_fail(v->err, HB_EINTERNAL, "cannot compute a leaf hash");
    if (memcmp(h, row->hash, 32) != 0) {
        char want[65], got[65];
        hex32(row->hash, want);
        hex32(h, got);
        return hb_fail(v->err, HB_ERULE,
                       "seq %lld: the record's leaf hash is %s but the stored hash is %s (the "
                       "record or its hash was altered)",
                       seq, got, want);
    }
    v->expect++;
    return 0;
}

static int verify_store(store *st, int64_t size, int64_t *checked, hb_err *err)
{
    verifier v = {.canon = BUF_INIT, .err = err, .expect = 1};
    arena_init(&v.a, 16 * 1024);
    int rc = store_scan(st, 1, -1, verify_row, &v, err);
    arena_free(&v.a);
    buf_free(&v.canon);
    if (checked) *checked = v.expect - 1;
    if (!rc && v.expect - 1 < size)
        rc = hb_fail(err, HB_ERULE,
                     "seq %lld: missing (the log ends at seq %lld but held %lld records when "
                     "this ledger was opened)",
                     (long long)v.expect, (long long)(v.expect - 1), (long long)size);
    return rc;
}

int ledger_verify(ledger *l, int64_t *checked, hb_err *err)
{
    return verify_store(l->st, l->size, checked, err);
}

/* Without replay: a record that no longer decodes would stop ledger_open, and
 * verify must still be able to name it. */
int ledger_verify_file(const char *uri, int64_t *checked, hb_err *err)
{
    store *st;
    int64_t size = 0;
    if (checked) *checked = 0;
    int rc = store_open(uri, STORE_OPEN, &st, err);
    if (rc) return rc;
    rc = store_size(st, &size, err);
    if (!rc) rc = verify_store(st, size, checked, err);
    store_close(st);
    return rc;
}
