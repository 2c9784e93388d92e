/* err: error codes shared by every layer, and the error list an import fills.
 * Codes double as the CLI's exit codes (DESIGN.md). */
#ifndef HB_ERR_H
#define HB_ERR_H
#include <stddef.h>

enum {
    HB_OK = 0,
    HB_ERULE = 1,     /* rule violations found (a verdict, not a failure) */
    HB_EINPUT = 2,    /* bad input or usage: nothing was changed */
    HB_EINTERNAL = 3, /* storage, memory or other internal failure */
};

/* One error with a message meant for a person: what, where, why. */
typedef struct {
    int code;
    char msg[1024];
} hb_err;

/* Sets e->code and formats e->msg; returns code so callers can `return hb_fail(...)`.
 * e may be NULL. */
int hb_fail(hb_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A list of input errors: "where: path: message". Keeps the first `limit`
 * messages and counts all. Owner calls errlist_free. */
typedef struct {
    char **msgs;
    size_t n, cap, limit;
    size_t total;
} hb_errlist;

void errlist_init(hb_errlist *l, size_t limit);
/* where: e.g. "events.jsonl:812" (may be NULL); path: e.g. "custody.admitted.unit"
 * (may be NULL). Formats "where: path: msg". */
void errlist_add(hb_errlist *l, const char *where, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void errlist_free(hb_errlist *l);
#endif
