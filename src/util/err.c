#include "util/err.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hb_fail(hb_err *e, int code, const char *fmt, ...)
{
    if (!e) return code;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

void errlist_init(hb_errlist *l, size_t limit)
{
    memset(l, 0, sizeof *l);
    l->limit = limit ? limit : 20;
}

void errlist_add(hb_errlist *l, const char *where, const char *path, const char *fmt, ...)
{
    l->total++;
    if (l->n >= l->limit) return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **m = realloc(l->msgs, cap * sizeof *m);
        if (!m) return;
        l->msgs = m;
        l->cap = cap;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t need = strlen(msg) + (where ? strlen(where) : 0) + (path ? strlen(path) : 0) + 8;
    char *s = malloc(need);
    if (!s) return;
    snprintf(s, need, "%s%s%s%s%s", where ? where : "", where ? ": " : "", path ? path : "",
             path ? ": " : "", msg);
    l->msgs[l->n++] = s;
}

void errlist_free(hb_errlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->msgs[i]);
    free(l->msgs);
    memset(l, 0, sizeof *l);
}
