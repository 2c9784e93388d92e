/* decode_ctx: where the decoder is (a path such as "transfer.proposed.persons[3]")
 * and the messages it has to say about a line. Paths are kept as frames and only
 * formatted when an error is reported, so clean lines pay almost nothing. */
#include <stdio.h>
#include <string.h>
#include "model/decode_internal.h"

#define ROOT (-2)
#define SHOW_MAX 40 /* bytes of a found value shown in a message */

void ctx_init(shape_ctx *c, const char *json, size_t n, arena *a)
{
    jsonr_init(&c->r, json, n);
    c->a = a;
    c->oom = false;
    c->nfr = 0;
    c->total = 0;
    c->nerr = 0;
}

int ctx_flush(shape_ctx *c, hb_errlist *errs, const char *where)
{
    if (c->oom) {
        if (errs) errlist_add(errs, where, NULL, "out of memory while decoding");
        return HB_EINTERNAL;
    }
    if (!jsonr_ok(&c->r)) {
        if (errs)
            errlist_add(errs, where, "json", "not valid JSON at byte %zu: %s", c->r.at + 1,
                        c->r.why);
        return HB_EINPUT;
    }
    if (!c->total) return HB_OK;
    if (errs) {
        for (int i = 0; i < c->nerr; i++)
            errlist_add(errs, where, c->err[i].path[0] ? c->err[i].path : NULL, "%s",
                        c->err[i].msg);
        if (c->total > c->nerr)
            errlist_add(errs, where, NULL, "%d more errors on this line not shown",
                        c->total - c->nerr);
    }
    return HB_EINPUT;
}

static void push(shape_ctx *c, const char *name, size_t len, int32_t idx)
{
    if (c->nfr < DECODE_MAX_FRAMES) {
        path_frame *f = &c->fr[c->nfr];
        f->name = name;
        f->len = (uint32_t)len;
        f->idx = idx;
    }
    c->nfr++;
}

void path_push(shape_ctx *c, const char *name, size_t len)
{
    push(c, name, len, -1);
}

void path_push_idx(shape_ctx *c, int32_t idx)
{
    push(c, NULL, 0, idx);
}

void path_pop(shape_ctx *c)
{
    c->nfr--;
}

int path_reroot(shape_ctx *c, const char *root)
{
    int depth = c->nfr;
    push(c, root, strlen(root), ROOT);
    return depth;
}

void path_restore(shape_ctx *c, int depth)
{
    c->nfr = depth;
}

static void format_path(const shape_ctx *c, char *out, size_t cap)
{
    int n = c->nfr < DECODE_MAX_FRAMES ? c->nfr : DECODE_MAX_FRAMES, start = 0;
    for (int i = n - 1; i >= 0; i--) {
        if (c->fr[i].idx == ROOT) {
            start = i;
            break;
        }
    }
    size_t len = 0;
    out[0] = '\0';
    for (int i = start; i < n && len < cap; i++) {
        const path_frame *f = &c->fr[i];
        int k;
        if (f->name)
            k = snprintf(out + len, cap - len, "%s%.*s", i > start ? "." : "",
                         (int)(f->len > SHOW_MAX ? SHOW_MAX : f->len), f->name);
        else
            k = snprintf(out + len, cap - len, "[%d]", (int)f->idx);
        if (k < 0) break;
        len += (size_t)k;
    }
}

void shape_verror(shape_ctx *c, const char *field, const char *fmt, va_list ap)
{
    c->total++;
    if (c->nerr >= DECODE_MAX_ERRS) return;
    char *path = c->err[c->nerr].path;
    size_t cap = sizeof c->err[0].path;
    format_path(c, path, cap);
    if (field) {
        size_t len = strlen(path);
        snprintf(path + len, cap - len, "%s%s", len ? "." : "", field);
    }
    vsnprintf(c->err[c->nerr].msg, sizeof c->err[0].msg, fmt, ap);
    c->nerr++;
}

void shape_error(shape_ctx *c, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    shape_verror(c, field, fmt, ap);
    va_end(ap);
}

void ctx_error(shape_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    shape_verror(c, NULL, fmt, ap);
    va_end(ap);
}

void ctx_error_at(shape_ctx *c, const char *path, const char *fmt, ...)
{
    c->total++;
    if (c->nerr >= DECODE_MAX_ERRS) return;
    snprintf(c->err[c->nerr].path, sizeof c->err[0].path, "%s", path ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err[c->nerr].msg, sizeof c->err[0].msg, fmt, ap);
    va_end(ap);
    c->nerr++;
}

/* At most SHOW_MAX bytes of s, not cutting a UTF-8 sequence, then "..." if cut. */
static void show(const char *s, size_t n, const char *quote, char *out, size_t cap)
{
    size_t k = n;
    if (k > SHOW_MAX) {
        k = SHOW_MAX;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
    }
    snprintf(out, cap, "%s%.*s%s%s", quote, (int)k, s, k < n ? "..." : "", quote);
}

void ctx_show_str(const jsonr_str *s, char *out, size_t cap)
{
    show(s->raw, s->rawlen, "\"", out, cap);
}

void ctx_wrong_type(shape_ctx *c, const char *what)
{
    jsonr *r = &c->r;
    char found[SHOW_MAX + 32], tmp[SHOW_MAX + 8];
    jsonr_str s;
    const char *p;
    size_t len;
    int flags;
    switch (jsonr_peek(r)) {
    case JV_STRING:
        if (jsonr_string(r, &s)) return;
        ctx_show_str(&s, tmp, sizeof tmp);
        snprintf(found, sizeof found, "%s (a string)", tmp);
        break;
    case JV_NUMBER:
        if (jsonr_number(r, &p, &len, &flags)) return;
        show(p, len, "", found, sizeof found);
        break;
    case JV_TRUE:
    case JV_FALSE:
    case JV_NULL:
        p = (const char *)r->s + r->pos;
        if (jsonr_literal(r)) return;
        snprintf(found, sizeof found, "%s", p[0] == 't' ? "true" : p[0] == 'f' ? "false" : "null");
        break;
    case JV_OBJECT:
        if (jsonr_skip(r)) return;
        snprintf(found, sizeof found, "an object");
        break;
    case JV_ARRAY:
        if (jsonr_skip(r)) return;
        snprintf(found, sizeof found, "an array");
        break;
    default:
        return;
    }
    ctx_error(c, "expected %s, found %s", what, found);
}

void *ctx_alloc(shape_ctx *c, size_t n)
{
    void *p = arena_alloc(c->a, n ? n : 1);
    if (!p) c->oom = true;
    return p;
}

char *ctx_strdup(shape_ctx *c, const jsonr_str *s)
{
    char *p = ctx_alloc(c, s->len + 1);
    if (!p) return NULL;
    jsonr_unescape(s, p);
    p[s->len] = '\0';
    return p;
}
