/* merkle: the RFC 9162 (section 2.1) Merkle tree over the log's leaf hashes.
 *
 * Leaf hashes are SHA-256(0x00 || record bytes) (leaf.h); an inner node is
 * SHA-256(0x01 || left || right); the tree of n leaves splits at the largest
 * power of two below n. Leaf index = seq - 1.
 *
 * The tree is addressed by perfect subtrees: node (level, index) is the hash of
 * leaves [index << level, (index + 1) << level); level 0 is a leaf. Everything
 * here reads nodes through a merkle_reader, so the caller decides where they
 * live (the store keeps them, see store.h tree_*). Every root, inclusion proof and
 * consistency proof reads O(log n) nodes: only perfect subtrees are asked for,
 * each at most once per call.
 *
 * Appends go through a merkle_frontier: the hashes of the perfect subtrees of the
 * binary decomposition of the size (at most 64), enough to add a leaf and to give
 * the root of the current size without reading anything.
 *
 * No I/O, no allocation except where stated; thread-safe (no globals). */
#ifndef HB_MERKLE_H
#define HB_MERKLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH 32
#define MERKLE_MAX_DEPTH 64 /* a proof has at most this many hashes */

/* SHA-256("") : the root of the empty tree (RFC 9162 2.1.1). */
void merkle_empty_root(uint8_t out[MERKLE_HASH]);
/* SHA-256(0x01 || l || r). */
void merkle_node(const uint8_t l[MERKLE_HASH], const uint8_t r[MERKLE_HASH],
                 uint8_t out[MERKLE_HASH]);

/* Gives the hash of perfect subtree (level, index): 0, or the reader's own error
 * code (returned as is by the function that called it). */
typedef struct {
    void *ctx;
    int (*node)(void *ctx, int level, uint64_t index, uint8_t out[MERKLE_HASH]);
} merkle_reader;

/* Root of the first `size` leaves. size 0 gives merkle_empty_root. */
int merkle_root(const merkle_reader *r, uint64_t size, uint8_t out[MERKLE_HASH]);

typedef struct {
    size_t n;
    uint8_t h[MERKLE_MAX_DEPTH][MERKLE_HASH];
} merkle_proof;

/* Inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162
 * 2.1.3.1), hashes in the RFC's order (leaf-side first). Needs index < size;
 * else returns -1 without reading. */
int merkle_inclusion(const merkle_reader *r, uint64_t index, uint64_t size, merkle_proof *out);
/* Consistency proof from size m to size n (RFC 9162 2.1.4.1). Needs
 * 0 < m <= n (m == n gives an empty proof); else -1 without reading. */
int merkle_consistency(const merkle_reader *r, uint64_t m, uint64_t n, merkle_proof *out);

/* The RFC's verification algorithms (2.1.3.2 and 2.1.4.2), independent of any
 * reader: true when the proof holds. */
bool merkle_verify_inclusion(const uint8_t leaf[MERKLE_HASH], uint64_t index, uint64_t size,
                             const merkle_proof *p, const uint8_t root[MERKLE_HASH]);
bool merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t root_m[MERKLE_HASH],
                               const uint8_t root_n[MERKLE_HASH], const merkle_proof *p);

/* The right edge of a growing tree. size leaves so far; full[k] is the hash of
 * the perfect subtree of 2^k leaves that bit k of size stands for (valid only
 * where that bit is set). A plain value: copy it to save and restore it. */
typedef struct {
    uint64_t size;
    uint8_t full[MERKLE_MAX_DEPTH][MERKLE_HASH];
} merkle_frontier;

void merkle_frontier_init(merkle_frontier *f); /* size 0 */
/* Adds one leaf hash. Each perfect subtree the leaf completes, of level >= 1, is
 * given to emit (level, index, hash) in increasing level (at most 63 calls, one
 * on average); emit may be NULL. Returns 0, or emit's first non-zero result (the
 * frontier is then already advanced: the caller drops it). */
int merkle_frontier_push(merkle_frontier *f, const uint8_t leaf[MERKLE_HASH],
                         int (*emit)(void *ctx, int level, uint64_t index,
                                     const uint8_t h[MERKLE_HASH]),
                         void *ctx);
/* Root at f->size (merkle_empty_root for 0). */
void merkle_frontier_root(const merkle_frontier *f, uint8_t out[MERKLE_HASH]);
/* Rebuilds the frontier of `size` leaves from the reader: popcount(size) nodes. */
int merkle_frontier_load(merkle_frontier *f, const merkle_reader *r, uint64_t size);
#endif
