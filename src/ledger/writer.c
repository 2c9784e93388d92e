/* writer: the thread that appends full chunks to the store while the caller
 * prepares the next one (SQLite's inserts are about half of an import's work).
 * Started on a batch's first full chunk, so a small batch never starts a thread.
 * The store connection is used by one thread at a time: the writer from its start
 * until writer_finish or writer_cancel joins it, the caller before and after.
 * The ledger's Merkle frontier follows the rows appended, in the same hands: each
 * row's leaf hash is pushed as the row goes to the store, and the nodes of level
 * >= STORE_TREE_MIN_LEVEL this completes go to the store in the same
 * transaction. */
#include <string.h>
#include "ledger/ledger_internal.h"
#include "ledger/leaf.h"

static void fix_rows(chunk *c)
{
    for (size_t i = 0; i < c->n; i++)
        c->rows[i].body = (const uint8_t *)c->bodies.p + c->off[i];
}

int chunk_hash(chunk *c, hb_err *err)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!c->unhashed[i]) continue;
        if (leaf_hash(c->rows[i].body, c->rows[i].len, c->hash[i]))
            return hb_fail(err, HB_EINTERNAL, "seq %lld: cannot compute the leaf hash",
                           (long long)c->rows[i].seq);
        c->unhashed[i] = false;
    }
    return 0;
}

typedef struct {
    writer *w;
    hb_err *err;
} emit_ctx;

static int flush_nodes(writer *w, hb_err *err)
{
    int rc = w->n_nodes ? store_tree_put(w->st, w->nodes, w->n_nodes, err) : 0;
    w->n_nodes = 0;
    return rc;
}

static int keep_node(void *ctx, int level, uint64_t index, const uint8_t h[MERKLE_HASH])
{
    if (level < STORE_TREE_MIN_LEVEL) return 0;
    emit_ctx *e = ctx;
    writer *w = e->w;
    if (w->n_nodes == WRITER_NODES) {
        int rc = flush_nodes(w, e->err);
        if (rc) return rc;
    }
    store_node *n = &w->nodes[w->n_nodes++];
    n->level = level;
    n->index = (int64_t)index;
    memcpy(n->hash, h, MERKLE_HASH);
    return 0;
}

/* Hashes what is unhashed, appends the rows, then the tree nodes they complete. */
static int chunk_store(writer *w, chunk *c, hb_err *err)
{
    int rc = chunk_hash(c, err);
    if (!rc && c->n) rc = store_append(w->st, c->rows, c->n, err);
    emit_ctx e = {w, err};
    for (size_t i = 0; !rc && i < c->n; i++)
        rc = merkle_frontier_push(w->tree, c->hash[i], keep_node, &e);
    if (!rc) rc = flush_nodes(w, err);
    return rc;
}

static void *writer_main(void *arg)
{
    writer *w = arg;
    chunk *c;
    while ((c = pipeq_pop(&w->full))) {
        if (!atomic_load(&w->rc) && !atomic_load(&w->stop)) {
            int rc = chunk_store(w, c, &w->err);
            if (rc) atomic_store(&w->rc, rc); /* after err is written: readers check rc first */
        }
        c->n = 0;
        buf_clear(&c->bodies);
        if (pipeq_push(&w->free, c)) break; /* cannot happen: CHUNKS <= PIPEQ_CAP */
    }
    return NULL;
}

static int start(ledger_batch *b, hb_err *err)
{
    writer *w = &b->w;
    atomic_init(&w->rc, 0);
    atomic_init(&w->stop, false);
    if (pipeq_init(&w->full)) return hb_fail(err, HB_EINTERNAL, "cannot make a queue");
    if (pipeq_init(&w->free)) {
        pipeq_destroy(&w->full);
        return hb_fail(err, HB_EINTERNAL, "cannot make a queue");
    }
    for (int i = 0; i < CHUNKS; i++)
        if (b->chunks[i] != b->cur) pipeq_push(&w->free, b->chunks[i]);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pipeq_destroy(&w->full);
        pipeq_destroy(&w->free);
        return hb_fail(err, HB_EINTERNAL, "cannot start the store writer thread");
    }
    w->running = true;
    return 0;
}

static int writer_error(writer *w, hb_err *err)
{
    int rc = atomic_load(&w->rc);
    if (rc && err) *err = w->err;
    return rc;
}

int writer_handoff(ledger_batch *b, hb_err *err)
{
    writer *w = &b->w;
    if (!w->running && start(b, err)) return HB_EINTERNAL;
    int rc = writer_error(w, err);
    if (rc) return rc;
    fix_rows(b->cur);
    if (pipeq_push(&w->full, b->cur)) return hb_fail(err, HB_EINTERNAL, "writer queue full");
    b->cur = pipeq_pop(&w->free); /* waits while SQLite is behind */
    if (!b->cur) return hb_fail(err, HB_EINTERNAL, "the store writer stopped");
    return 0;
}

static void stop(writer *w)
{
    pipeq_close(&w->full);
    pthread_join(w->thread, NULL);
    pipeq_destroy(&w->full);
    pipeq_destroy(&w->free);
    w->running = false;
}

int writer_finish(ledger_batch *b, hb_err *err)
{
    writer *w = &b->w;
    chunk *c = b->cur;
    fix_rows(c);
    if (!w->running) {
        int rc = chunk_store(w, c, err);
        c->n = 0;
        buf_clear(&c->bodies);
        return rc;
    }
    int rc = c->n ? pipeq_push(&w->full, c) : 0;
    stop(w); /* the writer has written (and cleared) every chunk it was given */
    if (rc) return hb_fail(err, HB_EINTERNAL, "writer queue full");
    return writer_error(w, err);
}

void writer_cancel(ledger_batch *b)
{
    writer *w = &b->w;
    if (!w->running) return;
    atomic_store(&w->stop, true);
    stop(w);
}
