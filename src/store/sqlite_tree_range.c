/* sqlite_tree_range: several ranges of stored Merkle tree nodes in one call
 * (store.h tree_range), for verify, which compares every stored node with the
 * one it recomputes, a block of leaves at a time.
 *
 * A node (level, index) is the row of tree whose id is level << 48 | index
 * (sqlite_tree.c), so the nodes of one level with consecutive indexes are
 * consecutive rowids: a span is one B-tree seek and a walk along a leaf page,
 * where tree_get would pay one seek per node. The statement is prepared once per
 * call and bound once per span: preparing costs ~8 us, about as much as reading
 * a span, and the connection has no slot to keep it between calls. */
#include <string.h>
#include "store/sqlite_internal.h"

/* The node id layout of sqlite_tree.c. */
#define RANGE_INDEX_BITS 48
#define RANGE_LEVELS 64

static const char SQL_RANGE[] = "SELECT id, hash FROM tree WHERE id >= ?1 AND id < ?2 ORDER BY id";

/* True when the tree table exists (false on a read-only connection to a ledger
 * made before it: no node is stored there). */
static bool tree_exists(sqlite_store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='tree'",
                           -1, &st, NULL) != SQLITE_OK)
        return true; /* let the caller's own failure speak */
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* Reads one span with st. */
static int read_span(sqlite_store *s, sqlite3_stmt *st, store_tree_span *sp, hb_err *err)
{
    int64_t base = (int64_t)sp->level << RANGE_INDEX_BITS;
    sqlite3_bind_int64(st, 1, base + sp->from);
    sqlite3_bind_int64(st, 2, base + sp->from + (int64_t)sp->n);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) != base + sp->from + (int64_t)sp->got) break;
        int len = sqlite3_column_bytes(st, 1);
        /* Only a hand-edited file has a hash of another length: the caller names it. */
        if (len != 32) {
            sp->bad_len = len;
            break;
        }
        memcpy(sp->out[sp->got], sqlite3_column_blob(st, 1), 32);
        sp->got++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sqlite_fail(s, err, "reading a range of Merkle tree nodes");
    return 0;
}

int sqlite_tree_range(store *stp, store_tree_span *spans, size_t n, hb_err *err)
{
    sqlite_store *s = (sqlite_store *)stp;
    for (size_t i = 0; i < n; i++) {
        store_tree_span *sp = &spans[i];
        sp->got = 0;
        sp->bad_len = -1;
        if (sp->level < 0 || sp->level >= RANGE_LEVELS || sp->from < 0 ||
            sp->n > ((size_t)1 << RANGE_INDEX_BITS) ||
            sp->from > ((int64_t)1 << RANGE_INDEX_BITS) - (int64_t)sp->n)
            return hb_fail(err, HB_EINTERNAL,
                           "%s: Merkle tree nodes (level %d, index %lld, %zu of them) are out of "
                           "range (level 0..%d, index 0..2^%d-1): a bug in the caller",
                           s->base.uri, sp->level, (long long)sp->from, sp->n, RANGE_LEVELS - 1,
                           RANGE_INDEX_BITS);
    }
    if (n == 0) return 0;
    sqlite3_stmt *st; /* finalized below */
    if (sqlite3_prepare_v2(s->db, SQL_RANGE, -1, &st, NULL) != SQLITE_OK) {
        if (!tree_exists(s)) return 0;
        return sqlite_fail(s, err, "preparing a Merkle tree statement");
    }
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        if (spans[i].n) rc = read_span(s, st, &spans[i], err);
    sqlite3_finalize(st);
    return rc;
}
