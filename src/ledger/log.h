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
 * the first failure (a seq, or "head #id (size N)") and why. *heads gets the
 * number of heads checked, *root the root of the whole log. */
int log_verify(store *st, int64_t *heads, uint8_t root[32], hb_err *err);
#endif
