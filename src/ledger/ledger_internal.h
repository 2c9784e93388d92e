/* ledger_internal: the ledger's and a batch's insides, shared by the files of
 * src/ledger/ (ledger.c open/replay, batch.c, writer.c, import.c, export.c, verify.c). */
#ifndef HB_LEDGER_INTERNAL_H
#define HB_LEDGER_INTERNAL_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "ledger/ledger.h"
#include "ledger/pipeq_internal.h"
#include "util/arena.h"
#include "util/buf.h"

struct ledger {
    store *st;           /* owned */
    state *state;        /* owned */
    int64_t size;        /* last committed seq */
    ledger_batch *batch; /* the open batch, or NULL */
};

/* Rows staged for the store: canonical bytes back to back in one buffer. */
#define CHUNK_ROWS 4096
#define CHUNKS 3 /* one being filled, one being written, one spare */

typedef struct {
    buf bodies;
    size_t n;
    size_t off[CHUNK_ROWS]; /* bodies may move while filling: offsets until handoff */
    store_row rows[CHUNK_ROWS];
    uint8_t hash[CHUNK_ROWS][32];
    bool unhashed[CHUNK_ROWS]; /* import leaves hashing to the writer thread */
} chunk;

/* The store writer: a thread started when a batch fills its first chunk, so that
 * SQLite inserts one chunk while the caller prepares the next. Only the writer
 * touches the store connection between its start and writer_finish. */
typedef struct {
    store *st;
    pipeq full, free;
    pthread_t thread;
    bool running;
    atomic_int rc;    /* first store error (then err is set), or 0 */
    atomic_bool stop; /* abort: skip the remaining appends */
    hb_err err;
} writer;

struct ledger_batch {
    ledger *l;
    char *actor; /* owned */
    hb_str actor_str;
    char recorded_at[28];
    hb_time at;
    int64_t first, next; /* first seq of the batch; seq the next event gets */
    size_t refused;      /* events refused: the batch can no longer commit */
    int broken;          /* HB_EINTERNAL once storage or memory failed (err says) */
    hb_err err;
    chunk *chunks[CHUNKS];
    chunk *cur; /* the chunk being filled */
    writer w;
};

/* writer.c: hash the rows staged without their hash. 0 or HB_EINTERNAL. */
int chunk_hash(chunk *c, hb_err *err);
/* writer.c: hand a full chunk to the writer (starting it on first use) and get
 * an empty one back; finish flushes cur and stops the thread. 0 or the store's
 * error code with err set. */
int writer_handoff(ledger_batch *b, hb_err *err);
int writer_finish(ledger_batch *b, hb_err *err);
/* Stops the thread without writing what is left (abort). */
void writer_cancel(ledger_batch *b);

/* replay.c: apply every stored record to l->state (fresh), in seq order. */
int ledger_replay(ledger *l, hb_err *err);

/* Decode a stored body into r (strings in a). 0, or HB_ERULE with err saying why. */
int ledger_decode_row(const store_row *row, arena *a, record *r, hb_err *err);
#endif
