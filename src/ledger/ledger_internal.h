/* ledger_internal: the ledger's and a batch's insides, shared by the files of
 * src/ledger/ (ledger.c open/replay, batch.c, writer.c, import.c, export.c, verify.c). */
#ifndef HB_LEDGER_INTERNAL_H
#define HB_LEDGER_INTERNAL_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "ledger/ledger.h"
#include "ledger/log_internal.h"
#include "ledger/pipeq_internal.h"
#include "util/arena.h"
#include "util/buf.h"

struct ledger {
    store *st;           /* owned */
    state *state;        /* owned */
    int64_t size;        /* last committed seq */
    ledger_batch *batch; /* the open batch, or NULL */
    ledger_observer obs; /* all NULL when none */
    /* The tree's right edge: at size between batches; during one, at the rows the
     * store writer has appended (only the thread that appends touches it). */
    merkle_frontier tree;
    note_key key;         /* the signing key, valid when !no_append[0] */
    char no_append[2048]; /* why appends are refused ("" when they are not) */
};

/* Apply a checked event to the state, telling the observer before and after.
 * 0, or HB_EINTERNAL (out of memory, in the state or the observer). */
int ledger_apply(ledger *l, int64_t seq, const event *ev);

/* Rows staged for the store: canonical bytes back to back in one buffer. */
#define CHUNK_ROWS 4096
/* One being filled, one being written, the rest slack: with the decoder the import
 * runs three threads on two cores, and the queues absorb the scheduler's turns. */
#define CHUNKS 6

typedef struct {
    buf bodies;
    size_t n;
    size_t off[CHUNK_ROWS]; /* bodies may move while filling: offsets until handoff */
    store_row rows[CHUNK_ROWS];
    uint8_t hash[CHUNK_ROWS][32];
    bool unhashed[CHUNK_ROWS]; /* import leaves hashing to the writer thread */
} chunk;

/* Tree nodes a chunk completes, gathered for one tree_put: 4096 leaves complete
 * at most 256 + 128 + ... + 1 + 60 nodes of level >= 4; a fuller buffer is
 * flushed early. */
#define WRITER_NODES 576

/* The store writer: a thread started when a batch fills its first chunk, so that
 * SQLite inserts one chunk while the caller prepares the next. Only the writer
 * touches the store connection and the ledger's tree between its start and
 * writer_finish. */
typedef struct {
    store *st;
    merkle_frontier *tree; /* the ledger's */
    store_node nodes[WRITER_NODES];
    size_t n_nodes;
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
    chunk *cur;            /* the chunk being filled */
    merkle_frontier saved; /* l->tree at begin: put back by abort */
    writer w;
};

/* log_keys.c: the signing key and the heads (log.h). key_path is log_key_path's.
 * ledger_log_create: on a ledger just created (empty, no transaction open), the
 * key file (0600), meta origin and vkey, and the head of the empty log; on
 * failure the key file is gone again (the caller removes the database).
 * ledger_log_open: after replay, loads the key (or says in no_append why appends
 * are refused), upgrades a ledger written before the tree when writable, and
 * loads l->tree. HB_EINPUT when the key file is unsafe or not this ledger's.
 * ledger_log_sign: inside the batch's transaction, the signed head of l->tree
 * timestamped at_us. */
int ledger_log_create(ledger *l, const char *key_path, hb_err *err);
int ledger_log_open(ledger *l, const char *key_path, bool writable, hb_err *err);
int ledger_log_sign(ledger *l, int64_t at_us, hb_err *err);

/* writer.c: hash the rows staged without their hash. 0 or HB_EINTERNAL. */
int chunk_hash(chunk *c, hb_err *err);
/* writer.c: hand a full chunk to the writer (starting it on first use) and get
 * an empty one back; finish flushes cur and stops the thread. 0 or the store's
 * error code with err set. */
int writer_handoff(ledger_batch *b, hb_err *err);
int writer_finish(ledger_batch *b, hb_err *err);
/* Stops the thread without writing what is left (abort). */
void writer_cancel(ledger_batch *b);

/* JSON Lines input: lines_next gives the next non-blank line (\n or \r\n ends a
 * line) in s/len, or 0 at the end. */
typedef struct {
    const char *data;
    size_t n, pos, lineno; /* lineno: 1-based number of the line last returned */
    const char *s;
    size_t len;
} lines;
int lines_next(lines *ls);

/* decoder.c: the decode stage of an import, a thread that runs ahead of the caller.
 * Blocks come out in input order through decoder_next (NULL at the end) and go
 * back with decoder_done once used: their events live until then. */
#define DEC_LINES 512
#define DEC_BLOCKS 8
_Static_assert(CHUNKS <= PIPEQ_CAP && DEC_BLOCKS <= PIPEQ_CAP, "a queue must hold every buffer");
#define DEC_ARENA (256 * 1024)

typedef struct {
    const char *s;
    size_t len, lineno;
    int rc; /* event_decode's result: not 0 means decode again to get the messages */
} dec_line;

typedef struct {
    size_t n;
    dec_line line[DEC_LINES];
    event ev[DEC_LINES];
    arena a; /* the strings of ev[] */
} dec_block;

typedef struct {
    lines ls; /* read by the thread only */
    pipeq full, free;
    pthread_t thread;
    atomic_bool stop;
    dec_block *blocks[DEC_BLOCKS];
} decoder;

/* 0, or HB_EINTERNAL (out of memory, no thread): then nothing is left to free.
 * data must outlive decoder_stop, which joins the thread and frees everything. */
int decoder_start(decoder *d, const char *data, size_t n);
dec_block *decoder_next(decoder *d);
int decoder_done(decoder *d, dec_block *b);
void decoder_stop(decoder *d);

/* Cache hints (state_prefetch) while applying a block of events: stage 0 this many
 * events ahead, each later stage HINT_STEP events closer. */
#define HINT_AHEAD 9
#define HINT_STEP 3

/* gate.c: for a transfer.approved (any other event passes), refuse it when a
 * person it lists is blocked at its `at`: HB_EINPUT with one message per blocked
 * person in errs; 0 when all are cleared; HB_EINTERNAL on out of memory. */
int ledger_gate(ledger *l, const event *ev, hb_errlist *errs, const char *where);

/* replay.c: apply every stored record to l->state (fresh), in seq order. */
int ledger_replay(ledger *l, hb_err *err);

/* Decode a stored body into r (strings in a). 0, or HB_ERULE with err saying why. */
int ledger_decode_row(const store_row *row, arena *a, record *r, hb_err *err);
#endif
