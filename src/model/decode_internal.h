/* decode_internal (internal to model/): the decoder's per-line context, shared by
 * decode.c (objects, events, records), decode_fields.c (one value of each kind) and
 * decode_ctx.c (paths and error messages).
 *
 * Errors of one line are buffered here and handed to the caller's hb_errlist only
 * at the end, so that a JSON syntax error can replace the field errors that came
 * before it (they would only be noise). */
#ifndef HB_DECODE_INTERNAL_H
#define HB_DECODE_INTERNAL_H
#include <stdarg.h>
#include "model/jsonr.h"
#include "model/schema.h"
#include "util/arena.h"
#include "util/err.h"

#define DECODE_MAX_ERRS 10 /* per line: enough to fix a line, not a flood */
#define DECODE_MAX_FRAMES 24

typedef struct {
    const char *name; /* a member name (raw bytes), or NULL for an array index */
    uint32_t len;
    int32_t idx;
} path_frame;

struct shape_ctx {
    jsonr r;
    arena *a;
    bool oom;
    int nfr;
    path_frame fr[DECODE_MAX_FRAMES];
    int total; /* errors found on this line, shown or not */
    int nerr;  /* errors kept */
    struct {
        char path[200];
        char msg[700];
    } err[DECODE_MAX_ERRS];
};

void ctx_init(shape_ctx *c, const char *json, size_t n, arena *a);
/* Hands the line's errors to errs (may be NULL): one "json" error when the syntax
 * was wrong, else the field errors. Returns HB_OK, HB_EINPUT or HB_EINTERNAL. */
int ctx_flush(shape_ctx *c, hb_errlist *errs, const char *where);

void path_push(shape_ctx *c, const char *name, size_t len);
void path_push_idx(shape_ctx *c, int32_t idx);
void path_pop(shape_ctx *c);
/* Replaces the whole path with a new root (a nested event's type name); returns the
 * old depth for path_restore. */
int path_reroot(shape_ctx *c, const char *root);
void path_restore(shape_ctx *c, int depth);

void shape_verror(shape_ctx *c, const char *field, const char *fmt, va_list ap);
/* An error about the value at the current path. */
void ctx_error(shape_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error with an explicit path, replacing the current one (NULL: none). */
void ctx_error_at(shape_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "expected <what>, found <the next value, briefly>", consuming that value. */
void ctx_wrong_type(shape_ctx *c, const char *what);
/* A string value shown briefly: "...", at most about 40 bytes of its JSON text. */
void ctx_show_str(const jsonr_str *s, char *out, size_t cap);
/* Arena copy with a NUL; sets c->oom on failure. */
char *ctx_strdup(shape_ctx *c, const jsonr_str *s);
void *ctx_alloc(shape_ctx *c, size_t n);

#define EXPECT_ID "an id (1 to 128 characters from A-Z a-z 0-9 . _ : -)"
#define EXPECT_COUNTRY "an ISO 3166-1 alpha-2 country code"

/* Single values (decode_fields.c). Like decode_field: errors are reported and the
 * value consumed; -1 only when decoding must stop. */
/* 1 with *s set when the next value is a string; 0 when it was not (reported). */
int decode_get_string(shape_ctx *c, const char *what, jsonr_str *s);
/* The decoded bytes of a short string (raw, or decoded into tmp); NULL if it does
 * not fit in cap - 1 bytes. */
const char *decode_small(const jsonr_str *s, char *tmp, size_t cap);
int decode_id(shape_ctx *c, hb_str *out);
int decode_text(shape_ctx *c, hb_str *out, bool nonempty);
/* An n-letter code accepted by valid(), copied with a NUL into out. */
int decode_code(shape_ctx *c, const char *what, size_t n, bool (*valid)(const char *, size_t),
                char *out);
/* Values holding others (decode_lists.c). */
int decode_strs(shape_ctx *c, const schema_field *f, hb_strs *out);
int decode_countries(shape_ctx *c, hb_ccs *out, bool nonempty);
int decode_nationalities(shape_ctx *c, hb_nationalities *out);
int decode_map(shape_ctx *c, hb_kvs *out);

/* Absent values for every field of sc in obj (event.h's table). */
void decode_init(const schema *sc, void *obj);
/* The value at the reader's position into field f of obj. Errors are reported,
 * the value consumed; returns -1 only on a syntax error or out of memory. */
int decode_field(shape_ctx *c, const schema_field *f, void *obj);
/* An object of schema sc into obj; *seen gets a bit per field present. */
int decode_object(shape_ctx *c, const schema *sc, void *obj, uint64_t *seen);
/* A whole event object at the reader's position (finds "type" first). top: the
 * line itself, so a record given instead gets the `habeas restore` hint. */
int decode_event(shape_ctx *c, event *ev, bool top);
#endif
