/* log: the transparency side of the ledger (docs/transparency.md).
 *
 * Every ledger has a signing key and an origin. ledger_open(STORE_CREATE) makes
 * them: a new Ed25519 key written to the key file (log_key_path: "<db>.key", or
 * $HABEAS_KEY_FILE) with mode 0600, the origin ("habeas/<16 hex>", or
 * $HABEAS_ORIGIN) and the verifier key in the store's meta ("origin", "vkey"),
 * and the signed head of the empty log. Opening refuses a key file that group or
 * others can read (HB_EINPUT, "chmod 600 ..."). The key is needed only to append:
 * without it (a copy of the database handed to a court) the ledger opens, reads,
 * proves and verifies; ledger_batch_begin then fails saying where the key was
 * looked for. A key file whose key is not the ledger's verifier key is refused
 * the same way.
 *
 * Each committed batch, in its own transaction: the Merkle nodes its leaves
 * complete (store tree_put), then one signed head (checkpoint of the new size,
 * root, timestamp = the batch's recorded_at). A ledger written before the tree
 * existed gets its nodes and a first head when opened for writing.
 *
 * The functions below read through any connection to the ledger's database (a
 * STORE_READ one on a server thread, say): they take the store, not the
 * ledger, and read only committed rows. O(log n) store reads each. */
#ifndef HB_LOG_H
#define HB_LOG_H
#include <stdint.h>
#include "ledger/hash_batch.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "store/store.h"
#include "util/err.h"

/* Where the key of the ledger at uri is: $HABEAS_KEY_FILE if set, else uri + ".key". */
void log_key_path(const char *uri, char *out, size_t n);

/* The ledger's verifier key and origin, from meta. HB_EINPUT when the ledger has
 * none (written before keys existed and never opened for writing since). */
int log_vkey(store *st, note_vkey *out, hb_err *err);

/* The newest signed head. HB_EINPUT when there is none (same case as above). */
int log_head(store *st, store_head *out, hb_err *err);

/* The number of leaves committed (= the last seq). */
int log_size(store *st, int64_t *out, hb_err *err);

/* Root of the first size leaves; HB_EINPUT when size is over the log's size. */
int log_root(store *st, int64_t size, uint8_t out[32], hb_err *err);

typedef struct {
    int64_t seq, size;
    uint8_t leaf[32], root[32];
    merkle_proof proof;
} log_inclusion;
/* Inclusion of seq in the tree of size leaves (size 0: the newest head's size).
 * HB_EINPUT (err says which and why) unless 1 <= seq <= size <= log size. */
int log_prove(store *st, int64_t seq, int64_t size, log_inclusion *out, hb_err *err);

typedef struct {
    int64_t first, second;
    uint8_t first_root[32], second_root[32];
    merkle_proof proof;
} log_consistency;
/* Consistency from first to second leaves. HB_EINPUT unless
 * 1 <= first <= second <= log size. */
int log_consistent(store *st, int64_t first, int64_t second, log_consistency *out, hb_err *err);

/* The tree and the heads against the events (the records themselves are checked
 * by ledger_verify): every stored node equals the one recomputed from the leaf
 * hashes, every head's signature verifies with the ledger's verifier key, its
 * root is the root at its size, its size is not over the log's, and sizes never
 * go down from one head to the next. 0 when all hold; HB_ERULE with err naming
 * the first failure (a seq, or "head #id (size N)") and why: a head that fails
 * without its root first (in id order), then the lowest ranked one below.
 * HB_EINPUT when the ledger has no verifier key. *heads gets the number of heads
 * checked, *root the root of the whole log. One thread, one read snapshot of st;
 * ledger_verify_log (ledger.h) does the same and the records in one parallel
 * pass, with the pieces below. */
int log_verify(store *st, int64_t *heads, uint8_t root[32], hb_err *err);

/* log_verify in pieces (log_verify.c), so that the tree is checked in the same
 * pass over the log as the records, a block of leaves per worker. Blocks are
 * aligned runs of LOG_BLOCK leaves, so a full one is the perfect subtree
 * (LOG_BLOCK_LEVEL, k): log_check_block checks what lies inside a block (its
 * stored nodes, and the part of each head's root that its leaves give),
 * log_check_top what lies above (the stored nodes of higher levels, and every
 * head's root from the block roots and that part).
 *
 * A failure ranks where a pass in seq order meets it: pos, the last seq it
 * depends on, then kind: a record (LOG_FAIL_RECORD), then nodes by level, then
 * heads (LOG_FAIL_HEAD; among heads of one size, by id). The lowest rank is
 * reported, so a changed record is named by its seq, not by the node or the head
 * it breaks. */
/* 2^11 leaves: small enough that workers stay balanced when a neighbour takes
 * a core for a while, large enough that a block's reads (a B-tree seek, the
 * node ranges' statement) are lost in its ~1 ms of hashing. */
#define LOG_BLOCK_LEVEL 11
#define LOG_BLOCK ((int64_t)1 << LOG_BLOCK_LEVEL)
#define LOG_FAIL_STORAGE (-1) /* a read that failed: ranks first in its block */
#define LOG_FAIL_RECORD 0
#define LOG_FAIL_HEAD 100

typedef struct {
    int64_t pos; /* INT64_MAX while there is none */
    int kind;
    int rc; /* HB_ERULE, or HB_EINTERNAL (storage, memory) */
    hb_err err;
} log_fail;

void log_fail_init(log_fail *f);
/* True when (pos, kind) ranks before f's failure. */
bool log_fail_before(const log_fail *f, int64_t pos, int kind);
/* Keeps this failure in f when it ranks before the one there; returns rc. */
int log_fail_set(log_fail *f, int64_t pos, int kind, int rc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

typedef struct log_check log_check;
/* Reads the verifier key, the log's size (*size) and every head (*heads of them),
 * in one read snapshot of st, and checks each head as log_verify does except its
 * root; then that no seq is under no head. Returns those failures directly
 * (HB_ERULE), or HB_EINPUT (no key), HB_EINTERNAL. Owner frees *out with
 * log_check_free. */
int log_check_open(store *st, log_check **out, int64_t *size, int64_t *heads, hb_err *err);
/* Block k, given leaves[0..m): the leaf hashes of seqs k * LOG_BLOCK + 1 .. + m,
 * each already known good. m is LOG_BLOCK, or less at the log's end or below the
 * block's first bad record. Reads the block's stored nodes through st, keeps the
 * lowest ranked mismatch in f, and its root and head parts in c. Clobbers
 * leaves. Each level's nodes are hashed as one batch on hb (the caller's, which
 * must be empty), or one at a time by merkle_node when hb is NULL. Several
 * threads may check distinct blocks at once, each with its own st, hb and f.
 * Returns f's rc when f holds a failure, else 0. */
int log_check_block(log_check *c, store *st, int64_t k, uint8_t (*leaves)[32], size_t m,
                    hash_batch *hb, log_fail *f);
/* Once every block up to the one holding seq limit - 1 has been checked, none
 * failing below limit (limit: the pos of the lowest failure the blocks found,
 * or the size + 1): the stored nodes above the blocks and each head's root,
 * those that rank below limit, through st; the lowest ranked mismatch goes to
 * f. When none ranks before limit and limit is over the size, root gets the
 * log's root. Returns f's rc when f holds a failure, else 0. */
int log_check_top(log_check *c, store *st, int64_t limit, log_fail *f, uint8_t root[32]);
void log_check_free(log_check *c);
#endif
