/* tree_cache: the Merkle tree nodes of one ledger file that the connections of
 * this process have read, kept in memory and shared by all of them.
 *
 * Contract. A cache holds (id, hash) pairs, id = level << 48 | index as in the
 * tree table. The caller puts only a node it read as committed (never one written
 * in a transaction still open): a committed node never changes, so an entry is
 * never invalidated, only evicted. tree_cache_get and tree_cache_put may be
 * called from any number of threads at once; acquire and release too. Neither
 * get nor put ever blocks (a put that meets another in the same set gives up:
 * it is only a cache).
 *
 * One cache per file identity (st_dev, st_ino) and size: every connection that
 * opens the same file with the same $HABEAS_TREE_CACHE shares it; it is made by
 * the first and freed by the last one's release. Its memory is reserved with
 * mmap at creation and touched only as entries are written, so a short run
 * that reads a few dozen nodes costs a few dozen pages.
 *
 * Size: a budget in bytes, spent in sets of 256 bytes (an odd number of them)
 * that hold TREE_CACHE_WAYS entries of 8 bytes of key and 32 of hash. A node
 * maps to a set by its in-order position in the tree, so the stored nodes of a
 * tree fill the entries one for one and a budget of B bytes holds every stored
 * node of a log of up to 8 * 6 * B / 256 leaves (64 MiB: 12.5M); past that a
 * full set gives up its lowest-level node.
 *
 * Preload: after TREE_CACHE_PRELOAD_AFTER misses (nodes read from SQLite by any
 * connection sharing the cache, outside write transactions) one thread, started
 * here and joined by the last release, runs the loader given at acquire: it
 * offers the cache the highest stored nodes so that a process serving proofs
 * reaches its steady state in about a second instead of millions of proofs. */
#ifndef HB_TREE_CACHE_H
#define HB_TREE_CACHE_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "util/err.h"

#define TREE_CACHE_WAYS 6
#define TREE_CACHE_SET_BYTES 256
#define TREE_CACHE_DEFAULT ((size_t)64 << 20)
#define TREE_CACHE_MAX ((size_t)64 << 30)
#define TREE_CACHE_PRELOAD_AFTER 256

typedef struct tree_cache tree_cache;

/* The preload: offers c the stored nodes of the file at path (the path the first
 * connection opened) from the top down, through tree_cache_put, and returns when
 * done, when tree_cache_stopping(c) turns true, or at the first error (ignored:
 * it is only an optimisation). Runs on the cache's own thread. */
typedef void (*tree_cache_loader)(tree_cache *c, const char *path, dev_t dev, ino_t ino);

/* The budget from $HABEAS_TREE_CACHE: unset or empty, TREE_CACHE_DEFAULT; else
 * a count of bytes, optionally followed by K, M or G (KiB, MiB, GiB), at most
 * TREE_CACHE_MAX; 0 turns the cache off. 0, or HB_EINPUT saying what is wrong. */
int tree_cache_budget(size_t *bytes, hb_err *err);

/* The cache of file (dev, ino) and `budget` bytes, made when this process has
 * none yet; *out NULL when the budget holds no set (the cache is off) or when
 * memory for it cannot be reserved (reads then all go to SQLite). The caller
 * releases a non-NULL *out once. path and load serve the preload. Never fails. */
void tree_cache_acquire(dev_t dev, ino_t ino, size_t budget, const char *path,
                        tree_cache_loader load, tree_cache **out);
/* Drops one reference; the last stops the preload and frees the cache. NULL ok. */
void tree_cache_release(tree_cache *c);

/* True, with the hash in out, when node id is cached. */
bool tree_cache_get(tree_cache *c, int64_t id, uint8_t out[32]);
/* Offers the cache a committed node (see the contract above). */
void tree_cache_put(tree_cache *c, int64_t id, const uint8_t hash[32]);
/* Counts one node read from SQLite outside a write transaction; the
 * TREE_CACHE_PRELOAD_AFTER-th starts the preload. */
void tree_cache_miss(tree_cache *c);
/* True once the last release has asked the preload to stop. */
bool tree_cache_stopping(const tree_cache *c);
/* Waits until the preload, if started, has finished. For tests and benches. */
void tree_cache_preload_wait(tree_cache *c);

typedef struct {
    size_t entries;      /* capacity */
    size_t bytes;        /* what the entries take once all are written */
    size_t filled;       /* entries holding a node (of `level` only, when >= 0) */
    int preload;         /* 0 not started, 1 running, 2 done */
    double preload_secs; /* how long the preload ran, once done */
    uint64_t preloaded;  /* nodes the preload offered */
} tree_cache_info;
/* A snapshot of c's figures, filled counting only nodes of `level` (-1: all).
 * Reads every set: for tests and benches, not for a hot path. */
void tree_cache_stats(tree_cache *c, int level, tree_cache_info *out);
/* How many entries c has. */
size_t tree_cache_entries(const tree_cache *c);
/* Counts n nodes the preload offered (the loader calls it). */
void tree_cache_preloaded(tree_cache *c, uint64_t n);
#endif
