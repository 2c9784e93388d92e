/* jsonr: see jsonr.h. Written for speed on short lines: a tight loop over plain
 * ASCII in strings, no allocation, sticky errors instead of longjmp. */
#include "model/jsonr.h"
#include <string.h>

static int utf8_seq(const unsigned char *p, size_t avail);

void jsonr_init(jsonr *r, const char *s, size_t n)
{
    r->s = (const unsigned char *)s;
    r->n = n;
    r->pos = 0;
    r->depth = 0;
    r->first = 0;
    r->why = NULL;
    r->at = 0;
}

static int fail_at(jsonr *r, size_t at, const char *why)
{
    if (!r->why) {
        r->why = why;
        r->at = at;
    }
    return -1;
}

int jsonr_fail(jsonr *r, const char *why)
{
    return fail_at(r, r->pos, why);
}

bool jsonr_ok(const jsonr *r)
{
    return r->why == NULL;
}

static inline void skip_ws(jsonr *r)
{
    const unsigned char *s = r->s;
    size_t i = r->pos, n = r->n;
    if (i < n && s[i] > ' ') return; /* the usual case: compact JSON */
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    r->pos = i;
}

jsonr_kind jsonr_peek(jsonr *r)
{
    if (r->why) return JV_NONE;
    skip_ws(r);
    if (r->pos >= r->n) {
        jsonr_fail(r, "unexpected end of input, expected a value");
        return JV_NONE;
    }
    unsigned char c = r->s[r->pos];
    switch (c) {
    case '{':
        return JV_OBJECT;
    case '[':
        return JV_ARRAY;
    case '"':
        return JV_STRING;
    case 't':
        return JV_TRUE;
    case 'f':
        return JV_FALSE;
    case 'n':
        return JV_NULL;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) return JV_NUMBER;
        if (c == 0xEF && r->pos == 0 && r->n >= 3 && r->s[1] == 0xBB && r->s[2] == 0xBF)
            jsonr_fail(r, "the input starts with a byte order mark (BOM): save it as UTF-8 "
                          "without one");
        else
            jsonr_fail(r, "expected a value (object, array, string, number, true, false or null)");
        return JV_NONE;
    }
}

static int open_container(jsonr *r, jsonr_kind want)
{
    jsonr_kind k = jsonr_peek(r);
    if (k == JV_NONE) return -1;
    if (k != want) return jsonr_fail(r, want == JV_OBJECT ? "expected '{'" : "expected '['");
    if (r->depth >= JSONR_MAX_DEPTH) return jsonr_fail(r, "nested deeper than 16 levels");
    r->pos++;
    r->depth++;
    r->first |= 1u << r->depth;
    return 0;
}

int jsonr_object_begin(jsonr *r)
{
    return open_container(r, JV_OBJECT);
}

int jsonr_array_begin(jsonr *r)
{
    return open_container(r, JV_ARRAY);
}

/* The common part of members and elements: 0 at the close (consumed), 1 when
 * another item follows (its separator consumed), -1 on error. */
static int next_item(jsonr *r, unsigned char close, const char *eof_why, const char *sep_why)
{
    if (r->why) return -1;
    skip_ws(r);
    if (r->pos >= r->n) return jsonr_fail(r, eof_why);
    uint32_t bit = 1u << r->depth;
    unsigned char c = r->s[r->pos];
    if ((r->first & bit) && c == close) {
        r->pos++;
        r->first &= ~bit;
        r->depth--;
        return 0;
    }
    if (r->first & bit) {
        r->first &= ~bit;
        return 1;
    }
    if (c == close) {
        r->pos++;
        r->depth--;
        return 0;
    }
    if (c != ',') return jsonr_fail(r, sep_why);
    r->pos++;
    return 1;
}

int jsonr_member(jsonr *r, jsonr_str *key)
{
    int k = next_item(r, '}', "unexpected end of input inside an object",
                      "expected ',' or '}' after an object member");
    if (k != 1) return k;
    skip_ws(r);
    if (r->pos >= r->n || r->s[r->pos] != '"') return jsonr_fail(r, "expected a string key");
    if (jsonr_string(r, key)) return -1;
    skip_ws(r);
    if (r->pos >= r->n || r->s[r->pos] != ':') return jsonr_fail(r, "expected ':' after a key");
    r->pos++;
    return 1;
}

int jsonr_element(jsonr *r)
{
    return next_item(r, ']', "unexpected end of input inside an array",
                     "expected ',' or ']' after an array element");
}

/* 0x80 in the byte of w (little-endian: the lowest such) that is a control, '"', '\\'
 * or not ASCII; higher bytes may be flagged falsely (borrows), the lowest never is. */
static inline uint64_t special8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t ctl = (w - ones * 0x20) & ~w, quote = (q - ones) & ~q, bslash = (b - ones) & ~b;
    return (ctl | quote | bslash | w) & high;
}

static inline bool plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static inline size_t plain_run(const unsigned char *s, size_t i, size_t n)
{
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t m = special8(w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (m) return i + (size_t)(__builtin_ctzll(m) >> 3);
#else
        if (m) break;
#endif
        i += 8;
    }
    while (i < n && plain(s[i]))
        i++;
    return i;
}

size_t jsonr_plain_run(const unsigned char *s, size_t i, size_t n)
{
    return plain_run(s, i, n);
}

int jsonr_utf8_seq(const unsigned char *p, size_t avail)
{
    return utf8_seq(p, avail);
}

/* Length of one well-formed UTF-8 sequence at p (RFC 3629 table 2), or 0. */
static int utf8_seq(const unsigned char *p, size_t avail)
{
    unsigned c = p[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return avail >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0xF0) {
        if (c == 0xE0) lo = 0xA0; /* overlong */
        if (c == 0xED) hi = 0x9F; /* surrogates */
        if (avail < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80) return 0;
        return 3;
    }
    if (c > 0xF4) return 0;
    if (c == 0xF0) lo = 0x90; /* overlong */
    if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    if (avail < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
    return 4;
}

size_t jsonr_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        int k = utf8_seq(p + i, n - i);
        if (!k) return i;
        i += (size_t)k;
    }
    return n;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits at p (bounds checked by the caller); -1 if not hex. */
static long hex4(const unsigned char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

/* One escape at s[i] == '\\': advances *i past it and adds the bytes it saves
 * (raw length minus decoded length) to *shrink. */
static int escape(jsonr *r, size_t *i, size_t *shrink)
{
    const unsigned char *s = r->s;
    size_t at = *i, n = r->n;
    if (at + 1 >= n) return fail_at(r, at, "unterminated string");
    switch (s[at + 1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        *i = at + 2;
        *shrink += 1;
        return 0;
    case 'u':
        break;
    default:
        return fail_at(r, at,
                       "invalid escape (JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
                       "and \\uXXXX)");
    }
    long cp = at + 6 <= n ? hex4(s + at + 2) : -1;
    if (cp < 0) return fail_at(r, at, "invalid \\u escape: expected 4 hex digits");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail_at(r, at, "lone low surrogate escape (\\uDC00-\\uDFFF without a high one)");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long lo = at + 12 <= n && s[at + 6] == '\\' && s[at + 7] == 'u' ? hex4(s + at + 8) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail_at(r, at,
                           "lone high surrogate escape (\\uD800-\\uDBFF must be "
                           "followed by a low surrogate \\uDC00-\\uDFFF)");
        *i = at + 12;
        *shrink += 12 - 4;
        return 0;
    }
    *i = at + 6;
    *shrink += 6 - (cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3);
    return 0;
}

/* The rest of a string from s[i] on, once it turned out to hold escapes or
 * non-ASCII bytes. */
static int string_slow(jsonr *r, jsonr_str *out, size_t start, size_t i)
{
    const unsigned char *s = r->s;
    size_t n = r->n, shrink = 0;
    bool esc = false;
    for (;;) {
        i = plain_run(s, i, n);
        if (i >= n) return fail_at(r, start - 1, "unterminated string (no closing quote)");
        unsigned char c = s[i];
        if (c == '"') break;
        if (c == '\\') {
            esc = true;
            if (escape(r, &i, &shrink)) return -1;
        } else if (c < 0x20) {
            return fail_at(r, i, "raw control character in a string (escape it, e.g. \\n)");
        } else {
            int k = utf8_seq(s + i, n - i);
            if (!k) return fail_at(r, i, "invalid UTF-8");
            i += (size_t)k;
        }
    }
    out->raw = (const char *)s + start;
    out->rawlen = i - start;
    out->len = out->rawlen - shrink;
    out->esc = esc;
    r->pos = i + 1;
    return 0;
}

int jsonr_string(jsonr *r, jsonr_str *out)
{
    if (r->why) return -1;
    skip_ws(r);
    const unsigned char *s = r->s;
    size_t n = r->n, i = r->pos;
    if (i >= n || s[i] != '"') return jsonr_fail(r, "expected a string");
    size_t start = i + 1;
    i = plain_run(s, start, n);
    if (i >= n || s[i] != '"') return string_slow(r, out, start, i);
    out->raw = (const char *)s + start;
    out->rawlen = out->len = i - start;
    out->esc = false;
    r->pos = i + 1;
    return 0;
}

static char *put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* The string was validated by jsonr_string, so escapes here are well formed. */
void jsonr_unescape(const jsonr_str *s, char *out)
{
    if (!s->esc) {
        if (s->len) memcpy(out, s->raw, s->len);
        return;
    }
    const unsigned char *p = (const unsigned char *)s->raw, *e = p + s->rawlen;
    char *o = out;
    while (p < e) {
        if (*p != '\\') {
            *o++ = (char)*p++;
            continue;
        }
        char c = (char)p[1];
        p += 2;
        switch (c) {
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u': {
            unsigned long cp = (unsigned long)hex4(p);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned long lo = (unsigned long)hex4(p + 2);
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            o = put_utf8(o, cp);
            break;
        }
        default: /* " \ / */
            *o++ = c;
        }
    }
}

static bool digit(const unsigned char *s, size_t n, size_t i)
{
    return i < n && s[i] >= '0' && s[i] <= '9';
}

int jsonr_number(jsonr *r, const char **p, size_t *len, int *flags)
{
    if (jsonr_peek(r) != JV_NUMBER) return r->why ? -1 : jsonr_fail(r, "expected a number");
    const unsigned char *s = r->s;
    size_t n = r->n, start = r->pos, i = start;
    int f = 0;
    if (s[i] == '-') {
        f |= JN_NEG;
        i++;
    }
    if (!digit(s, n, i)) return fail_at(r, i, "invalid number: expected a digit");
    if (s[i] == '0') {
        i++;
        if (digit(s, n, i)) return fail_at(r, i, "invalid number: leading zeros are not allowed");
    } else {
        while (digit(s, n, i))
            i++;
    }
    if (i < n && s[i] == '.') {
        f |= JN_FRAC;
        i++;
        if (!digit(s, n, i)) return fail_at(r, i, "invalid number: expected a digit after '.'");
        while (digit(s, n, i))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        f |= JN_EXP;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (!digit(s, n, i)) return fail_at(r, i, "invalid number: expected exponent digits");
        while (digit(s, n, i))
            i++;
    }
    *p = (const char *)s + start;
    *len = i - start;
    *flags = f;
    r->pos = i;
    return 0;
}

int jsonr_literal(jsonr *r)
{
    jsonr_kind k = jsonr_peek(r);
    const char *want = k == JV_TRUE ? "true" : k == JV_FALSE ? "false" : k == JV_NULL ? "null" : 0;
    if (!want) return r->why ? -1 : jsonr_fail(r, "expected true, false or null");
    size_t len = strlen(want);
    if (r->n - r->pos < len || memcmp(r->s + r->pos, want, len) != 0)
        return jsonr_fail(r, "expected a value (object, array, string, number, true, false or "
                             "null)");
    r->pos += len;
    return 0;
}

int jsonr_skip(jsonr *r)
{
    jsonr_str str;
    const char *p;
    size_t len;
    int flags, k;
    switch (jsonr_peek(r)) {
    case JV_OBJECT:
        if (jsonr_object_begin(r)) return -1;
        while ((k = jsonr_member(r, &str)) == 1)
            if (jsonr_skip(r)) return -1;
        return k;
    case JV_ARRAY:
        if (jsonr_array_begin(r)) return -1;
        while ((k = jsonr_element(r)) == 1)
            if (jsonr_skip(r)) return -1;
        return k;
    case JV_STRING:
        return jsonr_string(r, &str);
    case JV_NUMBER:
        return jsonr_number(r, &p, &len, &flags);
    case JV_TRUE:
    case JV_FALSE:
    case JV_NULL:
        return jsonr_literal(r);
    default:
        return -1;
    }
}

int jsonr_finish(jsonr *r)
{
    if (r->why) return -1;
    skip_ws(r);
    if (r->pos < r->n) return jsonr_fail(r, "unexpected data after the value (one value per line)");
    return 0;
}

/* End of the string opening at s[i], or 0 when unterminated. */
static size_t lax_string_end(const unsigned char *s, size_t n, size_t i)
{
    for (i++; i < n;) {
        const unsigned char *q = memchr(s + i, '"', n - i);
        if (!q) return 0;
        size_t at = (size_t)(q - s), bs = 0;
        while (at - bs > i && s[at - bs - 1] == '\\')
            bs++;
        if (bs % 2 == 0) return at + 1;
        i = at + 1;
    }
    return 0;
}

/* End of the value at s[i] by bracket matching only, or 0. */
static size_t lax_value_end(const unsigned char *s, size_t n, size_t i)
{
    if (i >= n) return 0;
    if (s[i] == '"') return lax_string_end(s, n, i);
    if (s[i] == '{' || s[i] == '[') {
        size_t depth = 0;
        while (i < n) {
            unsigned char c = s[i];
            if (c == '"') {
                i = lax_string_end(s, n, i);
                if (!i) return 0;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
            i++;
        }
        return 0;
    }
    size_t start = i;
    while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' &&
           s[i] != '\r' && s[i] != '\t')
        i++;
    return i > start ? i : 0;
}

int jsonr_scan_keys(const char *s, size_t n, size_t from, jsonr_key_fn fn, void *ctx)
{
    jsonr r;
    jsonr_init(&r, s, n);
    r.pos = from;
    if (jsonr_object_begin(&r)) return -1;
    jsonr_str key;
    int k;
    while ((k = jsonr_member(&r, &key)) == 1) {
        skip_ws(&r);
        size_t end = lax_value_end(r.s, n, r.pos);
        if (!end) return -1;
        if (fn(ctx, &key, r.pos, end)) return 1;
        r.pos = end;
    }
    return k == 0 ? 0 : -1;
}

int jsonr_index(const jsonr *r, jsonr_member_at *m, int max, size_t *end)
{
    jsonr c = *r;
    if (jsonr_object_begin(&c)) return -1;
    int n = 0, k;
    jsonr_str key;
    while ((k = jsonr_member(&c, &key)) == 1) {
        if (n == max) return -2;
        skip_ws(&c);
        size_t vend = lax_value_end(c.s, c.n, c.pos);
        if (!vend) return -1;
        m[n++] = (jsonr_member_at){key, c.pos, vend};
        c.pos = vend;
    }
    if (k < 0) return -1;
    *end = c.pos;
    return n;
}
