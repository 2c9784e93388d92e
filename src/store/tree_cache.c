/* tree_cache: a process-wide, thread-safe cache of committed Merkle tree nodes
 * per ledger file (contract in tree_cache.h).
 *
 * Layout: `nsets` sets, an odd number, of 256 bytes: a 64-byte line with the
 * set's sequence number and its TREE_CACHE_WAYS keys (node id + 1; 0 is empty),
 * then three lines of hashes. A lookup prefetches the hash lines while it reads
 * the keys and stays in one page: measured at 10M events, 60 ns a lookup against
 * 80 without the prefetch and 100 with the keys and hashes in two arrays (7 ways
 * of 288 bytes, two pages a lookup: TLB misses are dear in a VM).
 *
 * Placement: node (L, i) has the in-order position p = 2^L (2i + 1) - 1 in the
 * tree, distinct for every node; a stored node has L >= 4, so q = (p + 1) / 16 =
 * (2i + 1) << (L - 4) is a distinct integer in 1 .. n/8 for a tree of n leaves,
 * and set q mod nsets gives every set at most WAYS of them while the tree has no
 * more stored nodes than the cache has entries: no conflict misses, where sets
 * picked by a hash of the id fill unevenly (by a Poisson estimate, 5 to 7 % of
 * the 1.25M nodes of a 10M-event log would not fit in 64 MiB).
 * With nsets odd, q mod nsets takes every level to every set, so once the tree
 * outgrows the cache each set has nodes of all levels to choose from and keeps
 * the highest: a node of level L is read by one random proof in 2^(log2 n - L),
 * so the higher the hotter.
 *
 * Concurrency: one seqlock per set (its sequence number, odd while a writer is
 * in). A reader takes no lock and writes nothing: it reads the sequence, the
 * keys and the hash, then the sequence again, and keeps the hash only if the
 * sequence was even and has not moved; otherwise it tries again, and after a few
 * tries reports a miss (the caller then reads SQLite, which is always right).
 * That keeps a lookup at two cache lines and a few dozen instructions, and lets
 * any number of threads read the same hot sets (the top of the tree is read by
 * every proof) without the line bouncing between cores that the lock word of a
 * mutex, even a striped one, costs on every read. A writer takes the set by
 * moving its sequence from even to odd with one compare-and-swap; if another
 * writer holds it, the put is dropped rather than waited for. Keys and hash words
 * are atomics read and written relaxed, ordered by the fences around the
 * sequence (the C11 seqlock of Boehm, "Can seqlocks get along with programming
 * language memory models?", 2012), so there is no data race for sanitizers or
 * compilers to find.
 *
 * Memory: mmap'd at creation (MAP_NORESERVE) and never written before a put, so
 * pages are committed by need: a run that caches 30 nodes commits 30 pages.
 * Huge pages are refused for it: they would halve a lookup (measured 86 against
 * 173 ns at 10M events, with the earlier two-array layout), but the first few
 * dozen puts of a short run would commit the whole budget, 2 MiB each. */
#include "store/tree_cache.h"
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define INDEX_BITS 48
#define LEVELS 64
#define MIN_LEVEL 4 /* stored nodes have level >= 4 (STORE_TREE_MIN_LEVEL) */
#define READ_TRIES 4

struct tc_set {
    _Atomic uint64_t seq;
    _Atomic uint64_t key[TREE_CACHE_WAYS];
    uint64_t unused; /* fills the first line */
    _Atomic uint64_t hash[TREE_CACHE_WAYS][4];
};
_Static_assert(sizeof(struct tc_set) == TREE_CACHE_SET_BYTES, "a set is 4 cache lines");

struct tree_cache {
    /* The registry's: guarded by reg_mu. */
    struct tree_cache *next;
    dev_t dev;
    ino_t ino;
    size_t budget;
    int refs;

    struct tc_set *sets; /* nsets; the mapping */
    void *map;           /* munmap'd by the last release */
    size_t map_len, nsets;

    _Atomic uint64_t misses;
    _Atomic int preload; /* 0 not started, 1 running, 2 done */
    _Atomic bool stop;
    _Atomic bool started; /* the thread exists: the last release joins it */
    pthread_t thread;
    pthread_mutex_t mu; /* with done: tree_cache_preload_wait */
    pthread_cond_t done;
    _Atomic uint64_t offered;
    double secs; /* written by the thread before preload turns 2 */
    tree_cache_loader load;
    char *path; /* malloc'd copy; freed with the cache */
};

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static tree_cache *reg_head;

int tree_cache_budget(size_t *bytes, hb_err *err)
{
    *bytes = TREE_CACHE_DEFAULT;
    const char *env = getenv("HABEAS_TREE_CACHE");
    if (!env || !*env) return 0;
    const char *p = env;
    uint64_t v = 0;
    bool bad = *p < '0' || *p > '9';
    for (; *p >= '0' && *p <= '9' && !bad; p++) {
        v = v * 10 + (uint64_t)(*p - '0');
        bad = v > TREE_CACHE_MAX;
    }
    uint64_t unit = 1;
    if (!bad && *p) {
        const char *units = "KkMmGg";
        const char *u = strchr(units, *p);
        if (u) unit = (uint64_t)1 << (10 * (1 + (u - units) / 2));
        bad = !u || p[1];
    }
    if (bad || v > TREE_CACHE_MAX / unit)
        return hb_fail(err, HB_EINPUT,
                       "HABEAS_TREE_CACHE=\"%s\": not a size for the Merkle tree node cache (a "
                       "number of bytes, optionally followed by K, M or G, at most 64G; 0 to "
                       "turn the cache off); unset it for the default 64M",
                       env);
    *bytes = (size_t)(v * unit);
    return 0;
}

static void *preload_main(void *arg)
{
    tree_cache *c = arg;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    c->load(c, c->path, c->dev, c->ino);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_mutex_lock(&c->mu);
    c->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    atomic_store(&c->preload, 2);
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* A new cache with `nsets` sets, or NULL. Owner: the registry (freed by the last
 * tree_cache_release through cache_free). */
static tree_cache *cache_new(size_t nsets, const char *path)
{
    size_t len = nsets * TREE_CACHE_SET_BYTES;
    tree_cache *c = calloc(1, sizeof *c);
    char *copy = c ? strdup(path) : NULL;
    void *map = copy ? mmap(NULL, len, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                     : MAP_FAILED;
    if (map == MAP_FAILED) {
        free(copy);
        free(c);
        return NULL;
    }
#ifdef MADV_NOHUGEPAGE
    madvise(map, len, MADV_NOHUGEPAGE);
#endif
    c->map = map;
    c->map_len = len;
    c->nsets = nsets;
    c->sets = map;
    c->path = copy;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->done, NULL);
    return c;
}

static void cache_free(tree_cache *c)
{
    atomic_store(&c->stop, true);
    if (atomic_load(&c->started)) pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->done);
    pthread_mutex_destroy(&c->mu);
    munmap(c->map, c->map_len);
    free(c->path);
    free(c);
}

void tree_cache_acquire(dev_t dev, ino_t ino, size_t budget, const char *path,
                        tree_cache_loader load, tree_cache **out)
{
    *out = NULL;
    size_t nsets = budget / TREE_CACHE_SET_BYTES;
    if (nsets > 1 && nsets % 2 == 0) nsets--; /* odd: see "Placement" above */
    if (!nsets) return;
    pthread_mutex_lock(&reg_mu);
    tree_cache *c = reg_head;
    while (c && !(c->dev == dev && c->ino == ino && c->budget == budget))
        c = c->next;
    if (!c && (c = cache_new(nsets, path))) {
        c->dev = dev;
        c->ino = ino;
        c->budget = budget;
        c->load = load;
        c->next = reg_head;
        reg_head = c;
    }
    if (c) c->refs++;
    pthread_mutex_unlock(&reg_mu);
    *out = c;
}

void tree_cache_release(tree_cache *c)
{
    if (!c) return;
    pthread_mutex_lock(&reg_mu);
    bool last = --c->refs == 0;
    if (last) {
        tree_cache **at = &reg_head;
        while (*at != c)
            at = &(*at)->next;
        *at = c->next;
    }
    pthread_mutex_unlock(&reg_mu);
    /* Outside the registry's lock: joining the preload may take a moment. */
    if (last) cache_free(c);
}

static size_t set_of(const tree_cache *c, int64_t id)
{
    uint64_t level = (uint64_t)id >> INDEX_BITS;
    uint64_t index = (uint64_t)id & (((uint64_t)1 << INDEX_BITS) - 1);
    /* Levels under MIN_LEVEL are never stored; any placement does for them. */
    uint64_t q = (2 * index + 1) << (level >= MIN_LEVEL ? level - MIN_LEVEL : 0);
    return (size_t)(q % c->nsets);
}

bool tree_cache_get(tree_cache *c, int64_t id, uint8_t out[32])
{
    size_t s = set_of(c, id);
    struct tc_set *set = &c->sets[s];
    uint64_t key = (uint64_t)id + 1;
    for (int line = 1; line < 4; line++)
        __builtin_prefetch((const char *)set + 64 * line);
    for (int t = 0; t < READ_TRIES; t++) {
        uint64_t seq = atomic_load_explicit(&set->seq, memory_order_acquire);
        if (seq & 1) continue;
        int w = 0;
        while (w < TREE_CACHE_WAYS &&
               atomic_load_explicit(&set->key[w], memory_order_relaxed) != key)
            w++;
        if (w == TREE_CACHE_WAYS) return false; /* a miss needs no check: SQLite answers */
        uint64_t h[4];
        for (int k = 0; k < 4; k++)
            h[k] = atomic_load_explicit(&set->hash[w][k], memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&set->seq, memory_order_relaxed) != seq) continue;
        memcpy(out, h, 32);
        return true;
    }
    return false;
}

void tree_cache_put(tree_cache *c, int64_t id, const uint8_t hash[32])
{
    size_t s = set_of(c, id);
    struct tc_set *set = &c->sets[s];
    uint64_t seq = atomic_load_explicit(&set->seq, memory_order_relaxed);
    /* Acquire: this writer sees the keys the set's last writer left. */
    if ((seq & 1) || !atomic_compare_exchange_strong_explicit(
                         &set->seq, &seq, seq + 1, memory_order_acquire, memory_order_relaxed))
        return; /* another writer is in this set */
    atomic_thread_fence(memory_order_release);
    uint64_t key = (uint64_t)id + 1;
    int level = (int)((uint64_t)id >> INDEX_BITS), low = LEVELS, victim = -1;
    /* Starting at a pseudo-random way spreads evictions over the ways that hold
     * the set's lowest level (a fixed order would be FIFO, which a cyclic scan
     * larger than the set defeats completely). */
    int start = (int)((((key ^ seq) * 0x9E3779B97F4A7C15ULL) >> 32) % TREE_CACHE_WAYS);
    for (int i = 0; i < TREE_CACHE_WAYS; i++) {
        int w = (start + i) % TREE_CACHE_WAYS;
        uint64_t k = atomic_load_explicit(&set->key[w], memory_order_relaxed);
        if (k == key) { /* already in (the preload offers nodes already read) */
            victim = -1;
            break;
        }
        int l = k ? (int)((k - 1) >> INDEX_BITS) : -1;
        if (l < low) {
            low = l;
            victim = w;
        }
    }
    if (low <= level && victim >= 0) {
        uint64_t words[4];
        memcpy(words, hash, 32);
        for (int k = 0; k < 4; k++)
            atomic_store_explicit(&set->hash[victim][k], words[k], memory_order_relaxed);
        atomic_store_explicit(&set->key[victim], key, memory_order_relaxed);
    }
    atomic_store_explicit(&set->seq, seq + 2, memory_order_release);
}

void tree_cache_miss(tree_cache *c)
{
    if (atomic_fetch_add_explicit(&c->misses, 1, memory_order_relaxed) + 1 !=
        TREE_CACHE_PRELOAD_AFTER)
        return;
    int idle = 0;
    if (!c->load || !atomic_compare_exchange_strong(&c->preload, &idle, 1)) return;
    /* Created with every signal blocked (it inherits the mask): signals stay with
     * the threads the program meant them for. */
    sigset_t all, was;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &was);
    int rc = pthread_create(&c->thread, NULL, preload_main, c);
    pthread_sigmask(SIG_SETMASK, &was, NULL);
    if (rc == 0) {
        atomic_store(&c->started, true);
        return;
    }
    pthread_mutex_lock(&c->mu); /* no thread: the preload is over before it began */
    atomic_store(&c->preload, 2);
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->mu);
}

bool tree_cache_stopping(const tree_cache *c)
{
    return atomic_load_explicit(&c->stop, memory_order_relaxed);
}

void tree_cache_preload_wait(tree_cache *c)
{
    pthread_mutex_lock(&c->mu);
    while (atomic_load(&c->preload) == 1)
        pthread_cond_wait(&c->done, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

size_t tree_cache_entries(const tree_cache *c)
{
    return c->nsets * TREE_CACHE_WAYS;
}

void tree_cache_preloaded(tree_cache *c, uint64_t n)
{
    atomic_fetch_add_explicit(&c->offered, n, memory_order_relaxed);
}

void tree_cache_stats(tree_cache *c, int level, tree_cache_info *out)
{
    *out = (tree_cache_info){.entries = c->nsets * TREE_CACHE_WAYS,
                             .bytes = c->nsets * TREE_CACHE_SET_BYTES};
    for (size_t s = 0; s < c->nsets; s++)
        for (int w = 0; w < TREE_CACHE_WAYS; w++) {
            uint64_t k = atomic_load_explicit(&c->sets[s].key[w], memory_order_relaxed);
            out->filled += k && (level < 0 || (int)((k - 1) >> INDEX_BITS) == level);
        }
    pthread_mutex_lock(&c->mu);
    out->preload = atomic_load(&c->preload);
    out->preload_secs = c->secs;
    pthread_mutex_unlock(&c->mu);
    out->preloaded = atomic_load(&c->offered);
}
