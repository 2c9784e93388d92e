#include "testutil.h"
#include "http/app.h"
#include "ledger/ledger.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef HB_BINARY
#define HB_BINARY "habeas"
#endif

static char root[512];

/* Tests may abort on out of memory: there is nothing to recover. */
static char *tu_grow(char *p, size_t cap)
{
    char *q = realloc(p, cap);
    if (!q) abort();
    return q;
}

static void cleanup(void)
{
    if (root[0] && !getenv("HB_KEEP_TMP")) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    }
}

const char *tu_tmpdir(void)
{
    static char dir[600];
    static int n;
    if (!root[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(root, sizeof root, "%s/habeas-test-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(root)) fail_msg("mkdtemp failed");
        atexit(cleanup);
    }
    snprintf(dir, sizeof dir, "%s/%d", root, ++n);
    if (mkdir(dir, 0700) != 0) fail_msg("mkdir %s failed", dir);
    return dir;
}

const char *tu_path(const char *dir, const char *name)
{
    static char slots[8][700];
    static int i;
    char *p = slots[i++ % 8];
    snprintf(p, 700, "%s/%s", dir, name);
    return p;
}

void tu_write(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    fputs(s, f);
    fclose(f);
}

char *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    size_t r;
    while ((r = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) p = tu_grow(p, cap *= 2);
    }
    fclose(f);
    p[n] = '\0';
    if (len) *len = n;
    return p;
}

int tu_sh(char **out, int merge, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (merge) strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
    FILE *p = popen(cmd, "r");
    if (!p) fail_msg("popen failed");
    size_t cap = 4096, n = 0, r;
    char *s = malloc(cap);
    while ((r = fread(s + n, 1, cap - n - 1, p)) > 0) {
        n += r;
        if (cap - n - 1 == 0) s = tu_grow(s, cap *= 2);
    }
    s[n] = '\0';
    int st = pclose(p);
    if (out)
        *out = s;
    else
        free(s);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

const char *tu_habeas(void)
{
    return HB_BINARY;
}

struct http_app *tu_example_app(const char *name, int64_t *events)
{
    static char paths[8][4096];
    static int next;
    char *db = paths[next++ % 8];
    snprintf(db, sizeof paths[0], "%s", tu_path(tu_tmpdir(), name));
    size_t len;
    char *text = tu_read(HB_SOURCE_DIR "/examples/minimal.jsonl", &len);
    assert_non_null(text);
    ledger *l;
    hb_err err = {0};
    assert_int_equal(ledger_open(db, STORE_CREATE, &l, &err), 0);
    hb_errlist errs;
    errlist_init(&errs, 5);
    int rc = ledger_import(l, "minimal.jsonl", text, len, "test", &errs, NULL, events, &err);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msgs[i]);
    assert_int_equal(rc, 0);
    errlist_free(&errs);
    ledger_close(l);
    free(text);
    http_config cfg;
    http_config_default(&cfg);
    cfg.db = db;
    http_app *app = NULL;
    rc = http_app_open(&cfg, &app, &err);
    if (rc) fprintf(stderr, "http_app_open: %s\n", err.msg);
    assert_int_equal(rc, 0);
    return app;
}

int tu_emit_node(void *ctx, int level, uint64_t index, const uint8_t h[32])
{
    tu_emitted *em = ctx;
    if (level < STORE_TREE_MIN_LEVEL) return 0;
    store_node *nd = (store_node *)em->nodes + em->n++;
    nd->level = level;
    nd->index = (int64_t)index;
    memcpy(nd->hash, h, 32);
    return 0;
}
