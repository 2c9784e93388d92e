/* jsonr (internal to model/): a strict RFC 8259 pull reader over a byte buffer.
 *
 * The caller walks the document: jsonr_peek says what the next value is, then one
 * of the readers consumes it. Strictness: valid UTF-8 only (no overlong forms,
 * no encoded surrogates, nothing above U+10FFFF), escapes including \uXXXX
 * surrogate pairs (a lone surrogate is an error), no raw control characters in
 * strings, numbers per the JSON grammar, nesting at most JSONR_MAX_DEPTH deep,
 * nothing but whitespace after the top-level value.
 *
 * The first syntax error is sticky: r->why and r->at (byte offset) describe it and
 * every later call fails, so callers may check once at the end. Nothing allocates. */
#ifndef HB_JSONR_H
#define HB_JSONR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONR_MAX_DEPTH 16

typedef enum {
    JV_NONE, /* error or end of input */
    JV_OBJECT,
    JV_ARRAY,
    JV_STRING,
    JV_NUMBER,
    JV_TRUE,
    JV_FALSE,
    JV_NULL,
} jsonr_kind;

typedef struct {
    const unsigned char *s;
    size_t n, pos;
    int depth;
    uint32_t first;  /* bit d set: the container at depth d has had no member yet */
    const char *why; /* first syntax error, NULL while none */
    size_t at;       /* its byte offset */
} jsonr;

/* A string as found: raw points between the quotes; len is its decoded length. */
typedef struct {
    const char *raw;
    size_t rawlen, len;
    bool esc; /* contains escapes: decode with jsonr_unescape */
} jsonr_str;

/* Number shape flags. */
enum { JN_NEG = 1, JN_FRAC = 2, JN_EXP = 4 };

void jsonr_init(jsonr *r, const char *s, size_t n);
/* Records a syntax error at the current position (first one wins); returns -1. */
int jsonr_fail(jsonr *r, const char *why);
bool jsonr_ok(const jsonr *r);
/* Skips whitespace; the kind of the next value (JV_NONE with an error set if none). */
jsonr_kind jsonr_peek(jsonr *r);

/* '{' then members: jsonr_member returns 1 with the key read and ':' consumed,
 * 0 after the closing '}', -1 on error. Arrays likewise with jsonr_element. */
int jsonr_object_begin(jsonr *r);
int jsonr_member(jsonr *r, jsonr_str *key);
int jsonr_array_begin(jsonr *r);
int jsonr_element(jsonr *r);

int jsonr_string(jsonr *r, jsonr_str *out);
/* Writes s->len decoded bytes (no NUL) to out. */
void jsonr_unescape(const jsonr_str *s, char *out);
/* The number's text and JN_* flags. */
int jsonr_number(jsonr *r, const char **p, size_t *len, int *flags);
/* true, false or null. */
int jsonr_literal(jsonr *r);
/* Any value, fully checked. */
int jsonr_skip(jsonr *r);
/* After the top-level value: only whitespace may follow. */
int jsonr_finish(jsonr *r);

/* Fast, lenient scan of the object starting at from (a '{'): for each top-level key
 * (escapes allowed: keys are decoded) calls fn with the key and the value's span;
 * stops when fn returns nonzero. Values are only bracket-matched, not checked: the
 * strict pass that follows does that. Returns 0 when the scan reached the closing
 * '}', 1 when fn stopped it, -1 when the bytes did not even look like an object. */
typedef int (*jsonr_key_fn)(void *ctx, const jsonr_str *key, size_t vstart, size_t vend);
int jsonr_scan_keys(const char *s, size_t n, size_t from, jsonr_key_fn fn, void *ctx);

/* Index of the first byte at or after i that is not printable ASCII other than '"'
 * and '\\' (n if none): the bytes a JSON string holds as they are. */
size_t jsonr_plain_run(const unsigned char *s, size_t i, size_t n);
/* Length of the well-formed UTF-8 sequence at p (RFC 3629), or 0. */
int jsonr_utf8_seq(const unsigned char *p, size_t avail);
/* One member of an object as jsonr_index found it. */
typedef struct {
    jsonr_str key;
    size_t vstart, vend; /* the value's bytes, by bracket matching only */
} jsonr_member_at;

/* Like jsonr_scan_keys, but records every member of the object at r's position (r
 * itself does not move): returns the number of members, -1 when the bytes did not
 * look like an object, -2 when it has more than max members. *end gets the offset
 * just after the closing '}'. Lets a caller look at all keys first and then read
 * each value strictly at its offset, without reading the keys twice. */
int jsonr_index(const jsonr *r, jsonr_member_at *m, int max, size_t *end);

/* Length of the valid UTF-8 prefix of s[0..n) (n when all of it is valid). */
size_t jsonr_utf8_valid(const char *s, size_t n);
#endif
