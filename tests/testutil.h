/* testutil: small helpers shared by the cmocka tests. */
#ifndef HB_TESTUTIL_H
#define HB_TESTUTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh empty directory under $TMPDIR (or /tmp), removed by tu_cleanup at exit.
 * Returns a static path; each call makes a new one. */
const char *tu_tmpdir(void);
/* dir/name into out (static buffer rotating over 8 slots). */
const char *tu_path(const char *dir, const char *name);
/* Write s to path (truncating). Fails the test on error. */
void tu_write(const char *path, const char *s);
/* Read a whole file; caller frees. NULL if missing. */
char *tu_read(const char *path, size_t *len);
/* Run a shell command, capture stdout (and stderr when merge is set) into a
 * malloc'd string (*out, caller frees; may be NULL to discard). Returns exit code. */
int tu_sh(char **out, int merge, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A new ledger file name in a fresh temp folder holding examples/minimal.jsonl,
 * then an HTTP app opened on it (http_config_default otherwise). *events gets
 * the number of events (may be NULL). Fails the test on error. The path lives
 * until exit; the caller closes the app with http_app_close. */
struct http_app;
struct http_app *tu_example_app(const char *name, int64_t *events);

/* Path of the built habeas binary. */
const char *tu_habeas(void);

/* Collects the tree nodes a merkle_frontier completes that the ledger stores
 * (levels >= STORE_TREE_MIN_LEVEL), for tests that build a log by hand: pass
 * tu_emit_node and a tu_emitted whose nodes array (the caller's, freed by the
 * caller) has room for every node. */
typedef struct {
    void *nodes; /* store_node[]: the caller's */
    size_t n;
} tu_emitted;
int tu_emit_node(void *ctx, int level, uint64_t index, const uint8_t h[32]);
#endif
