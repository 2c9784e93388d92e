/* hash_batch: many independent SHA-256 hashes computed together.
 *
 * verify hashes every stored record (a leaf, ~282 bytes) and every node of the
 * tree (65 bytes): tens of millions of short messages, which one-at-a-time
 * SHA-256 (libcrypto) hashes at well under its large-block speed. Intel's
 * multi-buffer library (libipsec-mb) runs one message per SIMD lane, 16 at once
 * with AVX-512, which on the build machine hashes 282-byte messages ~1.5x as fast
 * as libcrypto with the SHA extensions (docs/bench.md).
 *
 * A batch belongs to one thread (it holds the library's per-thread manager).
 * Messages are queued with hash_batch_add or hash_batch_slot, each copied into
 * the batch, so the caller's bytes may change right after (a node may be hashed
 * into the very array its children came from); hash_batch_run then writes every
 * queued digest to its out and empties the batch. Digests are exactly SHA-256 of
 * the queued bytes, whichever engine computes them.
 *
 * The engine is chosen at hash_batch_new from $HABEAS_HASH:
 *   unset, "" or "auto"  libipsec-mb when it was built in (HB_HAVE_IPSEC_MB) and
 *                        initialises on this CPU with AVX2 or better, else libcrypto
 *   "openssl"            libcrypto, one message at a time
 *   "ipsec-mb"           libipsec-mb, or HB_EINPUT when it cannot be used
 * anything else is HB_EINPUT: a mistyped value must not silently test the
 * other path. */
#ifndef HB_HASH_BATCH_H
#define HB_HASH_BATCH_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

typedef struct hash_batch hash_batch;

/* A new, empty batch. HB_EINPUT for a bad $HABEAS_HASH (err says which values
 * work), HB_EINTERNAL out of memory. Owner frees *out with hash_batch_free. */
int hash_batch_new(hash_batch **out, hb_err *err);
/* Frees b and any messages still queued (their digests are never written). NULL ok. */
void hash_batch_free(hash_batch *b);

/* "ipsec-mb" or "openssl": the engine b hashes with. */
const char *hash_batch_engine(const hash_batch *b);

/* Queues SHA-256(msg[0..len)) to be written to out[0..32) by hash_batch_run. 0,
 * or HB_EINTERNAL when out of memory (b is unchanged). */
int hash_batch_add(hash_batch *b, const void *msg, size_t len, uint8_t out[32]);
/* Like hash_batch_add, but returns len bytes for the caller to fill with the
 * message (in place: no second copy), valid until the next call on b; NULL
 * when out of memory (b is unchanged). */
uint8_t *hash_batch_slot(hash_batch *b, size_t len, uint8_t out[32]);
/* How many messages are queued. */
size_t hash_batch_count(const hash_batch *b);

/* Hashes every queued message, writing each digest to its out, and empties b.
 * Cannot fail: a message the library refuses is hashed by libcrypto. */
void hash_batch_run(hash_batch *b);
#endif
