/* decode_fields: one JSON value of each schema kind into its typed slot. Each reader
 * reports what it expected and what it found, consumes the value either way, and
 * returns -1 only when decoding must stop (syntax error, out of memory). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/catalogue.h"
#include "model/countries.h"
#include "model/decode_internal.h"

#define EXPECT_TIME "an RFC 3339 time with offset (e.g. 2025-03-15T17:25:00-04:00)"
#define EXPECT_CURRENCY "an ISO 4217 currency code"
#define EXPECT_HASH "64 lower-case hex digits"
#define MAX_UINT 9007199254740991LL /* 2^53-1: exact in every JSON reader */

void decode_init(const schema *sc, void *obj)
{
    for (int i = 0; i < sc->nfields; i++) {
        const schema_field *f = &sc->fields[i];
        void *p = (char *)obj + f->off;
        switch ((schema_kind)f->kind) {
        case SK_ID:
        case SK_TEXT:
            *(hb_str *)p = (hb_str){NULL, 0};
            break;
        case SK_UINT:
            *(int64_t *)p = -1;
            break;
        case SK_NUMBER:
            *(double *)p = NAN;
            break;
        case SK_BOOL:
        case SK_ENUM:
            *(int8_t *)p = -1;
            break;
        case SK_DATE:
            *(int32_t *)p = HB_DATE_ABSENT;
            break;
        case SK_TIME:
            *(hb_time *)p = (hb_time){{NULL, 0}, 0};
            break;
        case SK_COUNTRY:
            memset(p, 0, sizeof(hb_cc));
            break;
        case SK_CURRENCY:
            memset(p, 0, 4);
            break;
        case SK_OBJECT:
            *(bool *)((char *)p + f->sub->present_off) = false;
            decode_init(f->sub, p);
            break;
        case SK_IDS:
        case SK_TEXTS:
            *(hb_strs *)p = (hb_strs){NULL, -1};
            break;
        case SK_COUNTRIES:
            *(hb_ccs *)p = (hb_ccs){NULL, -1};
            break;
        case SK_STRMAP:
            *(hb_kvs *)p = (hb_kvs){NULL, -1};
            break;
        case SK_NATIONALITIES:
            *(hb_nationalities *)p = (hb_nationalities){false, {NULL, -1}};
            break;
        case SK_EVENT:
            memset(p, 0, sizeof(event));
            ((event *)p)->type = EV__COUNT;
            break;
        case SK_HASH:
            memset(p, 0, 32);
            break;
        case SK_TYPE:
            break;
        }
    }
}

/* 1 with *s set when the next value is a string; 0 when it was something else
 * (reported); -1 to stop. */
int decode_get_string(shape_ctx *c, const char *what, jsonr_str *s)
{
    jsonr_kind k = jsonr_peek(&c->r);
    if (k == JV_STRING) return jsonr_string(&c->r, s) ? -1 : 1;
    if (k == JV_NONE) return -1;
    ctx_wrong_type(c, what);
    return jsonr_ok(&c->r) ? 0 : -1;
}

/* The decoded bytes of a short string: raw when unescaped, else decoded into tmp;
 * NULL when longer than cap - 1 (too long for any short format). */
const char *decode_small(const jsonr_str *s, char *tmp, size_t cap)
{
    if (!s->esc) return s->raw;
    if (s->len >= cap) return NULL;
    jsonr_unescape(s, tmp);
    tmp[s->len] = '\0';
    return tmp;
}

/* A-Z a-z 0-9 . _ : - */
static const unsigned char ID_CHAR[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Why d[0..n) is not an id, or NULL when it is one. */
static const char *id_problem(const char *d, size_t n, char *why, size_t cap)
{
    if (n == 0) return "empty";
    if (n > SCHEMA_MAX_ID) {
        snprintf(why, cap, "%zu characters", n);
        return why;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)d[i];
        if (ID_CHAR[ch]) continue;
        if (ch == ' ')
            snprintf(why, cap, "a space is not allowed");
        else if (ch > ' ' && ch < 0x7F)
            snprintf(why, cap, "'%c' is not allowed", ch);
        else
            snprintf(why, cap, "byte 0x%02X is not allowed", ch);
        return why;
    }
    return NULL;
}

int decode_id(shape_ctx *c, hb_str *out)
{
    jsonr_str s;
    int k = decode_get_string(c, EXPECT_ID, &s);
    if (k <= 0) return k;
    char tmp[SCHEMA_MAX_ID + 1], why[48], shown[64];
    const char *d = decode_small(&s, tmp, sizeof tmp);
    const char *problem = d ? id_problem(d, s.len, why, sizeof why) : "too long";
    if (problem) {
        ctx_show_str(&s, shown, sizeof shown);
        ctx_error(c, "expected " EXPECT_ID ", found %s (%s)", shown, problem);
        return 0;
    }
    char *p = ctx_alloc(c, s.len + 1);
    if (!p) return -1;
    memcpy(p, d, s.len);
    p[s.len] = '\0';
    *out = (hb_str){p, (uint32_t)s.len};
    return 0;
}

int decode_text(shape_ctx *c, hb_str *out, bool nonempty)
{
    jsonr_str s;
    int k = decode_get_string(c, "a string", &s);
    if (k <= 0) return k;
    if (s.len > SCHEMA_MAX_TEXT) {
        ctx_error(c, "expected at most %d bytes of text, found %zu bytes", SCHEMA_MAX_TEXT, s.len);
        return 0;
    }
    if (nonempty && s.len == 0) {
        ctx_error(c, "expected a non-empty string, found \"\"");
        return 0;
    }
    char *p = ctx_strdup(c, &s);
    if (!p) return -1;
    if (s.esc && memchr(p, 0, s.len)) {
        ctx_error(c, "expected text without U+0000, found \\u0000 in it");
        return 0;
    }
    *out = (hb_str){p, (uint32_t)s.len};
    return 0;
}

static int read_uint(shape_ctx *c, const schema_field *f, int64_t *out)
{
    jsonr_kind k = jsonr_peek(&c->r);
    if (k != JV_NUMBER) {
        if (k == JV_NONE) return -1;
        ctx_wrong_type(c, (f->flags & SF_POS) ? "a positive integer" : "a non-negative integer");
        return jsonr_ok(&c->r) ? 0 : -1;
    }
    const char *p;
    size_t len;
    int flags;
    if (jsonr_number(&c->r, &p, &len, &flags)) return -1;
    int64_t v = 0;
    bool ok = !flags && len <= 16;
    for (size_t i = 0; ok && i < len; i++)
        v = v * 10 + (p[i] - '0');
    const char *cut = len > 40 ? "..." : "";
    int shown = len > 40 ? 40 : (int)len;
    if (!ok || v > MAX_UINT) {
        if (!flags)
            ctx_error(c, "expected an integer at most 9007199254740991 (2^53-1), found %.*s%s",
                      shown, p, cut);
        else
            ctx_error(c, "expected a non-negative integer, found %.*s%s", shown, p, cut);
        return 0;
    }
    if ((f->flags & SF_POS) && v == 0) {
        ctx_error(c, "expected a positive integer, found 0");
        return 0;
    }
    *out = v;
    return 0;
}

static int read_number(shape_ctx *c, const schema_field *f, double *out)
{
    jsonr_kind k = jsonr_peek(&c->r);
    if (k != JV_NUMBER) {
        if (k == JV_NONE) return -1;
        ctx_wrong_type(c, (f->flags & SF_NONNEG) ? "a number >= 0" : "a number");
        return jsonr_ok(&c->r) ? 0 : -1;
    }
    const char *p;
    size_t len;
    int flags;
    if (jsonr_number(&c->r, &p, &len, &flags)) return -1;
    char tmp[512];
    if (len >= sizeof tmp) {
        ctx_error(c, "expected a number of at most %zu characters, found %zu", sizeof tmp - 1, len);
        return 0;
    }
    memcpy(tmp, p, len);
    tmp[len] = '\0';
    double v = strtod(tmp, NULL);
    int shown = len > 40 ? 40 : (int)len;
    if (!isfinite(v)) {
        ctx_error(c, "expected a finite number, found %.*s", shown, p);
        return 0;
    }
    if ((f->flags & SF_NONNEG) && v < 0) {
        ctx_error(c, "expected a number >= 0, found %.*s", shown, p);
        return 0;
    }
    *out = v == 0 ? 0.0 : v; /* -0 and 0 are one value */
    return 0;
}

static int read_bool(shape_ctx *c, int8_t *out)
{
    jsonr_kind k = jsonr_peek(&c->r);
    if (k == JV_TRUE || k == JV_FALSE) {
        if (jsonr_literal(&c->r)) return -1;
        *out = k == JV_TRUE;
        return 0;
    }
    if (k == JV_NONE) return -1;
    ctx_wrong_type(c, "true or false");
    return jsonr_ok(&c->r) ? 0 : -1;
}

static int read_date(shape_ctx *c, int32_t *out)
{
    jsonr_str s;
    int k = decode_get_string(c, "a date YYYY-MM-DD", &s);
    if (k <= 0) return k;
    char tmp[16], shown[64];
    const char *d = decode_small(&s, tmp, sizeof tmp), *why = "expected a date YYYY-MM-DD";
    if (d && hbdate_parse(d, s.len, out, &why) == 0) return 0;
    ctx_show_str(&s, shown, sizeof shown);
    if (strncmp(why, "expected", 8) == 0)
        ctx_error(c, "expected a date YYYY-MM-DD, found %s", shown);
    else
        ctx_error(c, "expected a date YYYY-MM-DD, found %s (%s)", shown, why);
    return 0;
}

static int read_time(shape_ctx *c, hb_time *out)
{
    jsonr_str s;
    int k = decode_get_string(c, EXPECT_TIME, &s);
    if (k <= 0) return k;
    char tmp[64], shown[64];
    const char *d = decode_small(&s, tmp, sizeof tmp), *why = "expected";
    int64_t us;
    if (!d || hbtime_parse(d, s.len, &us, &why) != 0) {
        ctx_show_str(&s, shown, sizeof shown);
        if (d && s.len + 1 < sizeof tmp && strncmp(why, "expected", 8) == 0) {
            /* Say so when the offset is all that is missing. */
            char z[64];
            const char *zwhy;
            memcpy(z, d, s.len);
            z[s.len] = 'Z';
            if (hbtime_parse(z, s.len + 1, &us, &zwhy) == 0)
                why = "a time needs an offset: Z or +hh:mm / -hh:mm";
        }
        if (strncmp(why, "expected", 8) == 0)
            ctx_error(c, "expected " EXPECT_TIME ", found %s", shown);
        else
            ctx_error(c, "expected " EXPECT_TIME ", found %s (%s)", shown, why);
        return 0;
    }
    char *p = ctx_alloc(c, s.len + 1);
    if (!p) return -1;
    memcpy(p, d, s.len);
    p[s.len] = '\0';
    *out = (hb_time){{p, (uint32_t)s.len}, us};
    return 0;
}

static bool lower2(const char *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (d[i] < 'a' || d[i] > 'z') return false;
    return true;
}

/* A country or currency code: n letters checked by valid(), copied to out. */
int decode_code(shape_ctx *c, const char *what, size_t n, bool (*valid)(const char *, size_t),
                char *out)
{
    jsonr_str s;
    int k = decode_get_string(c, what, &s);
    if (k <= 0) return k;
    char tmp[8], shown[64];
    const char *d = decode_small(&s, tmp, sizeof tmp);
    if (d && s.len == n && valid(d, n)) {
        memcpy(out, d, n);
        out[n] = '\0';
        return 0;
    }
    ctx_show_str(&s, shown, sizeof shown);
    ctx_error(c, "expected %s, found %s%s", what, shown,
              d && s.len == n && lower2(d, n) ? " (codes are upper case)" : "");
    return 0;
}

static void enum_list(int en, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < catalogue_enum_count((event_enum)en) && len < cap; i++) {
        int k = snprintf(out + len, cap - len, "%s%s", i ? ", " : "",
                         event_enum_name((event_enum)en, i));
        if (k < 0) break;
        len += (size_t)k;
    }
}

static int read_enum(shape_ctx *c, int en, int8_t *out)
{
    char list[256], what[300], tmp[64], shown[64];
    jsonr_str s;
    jsonr_kind kind = jsonr_peek(&c->r);
    if (kind != JV_STRING) {
        if (kind == JV_NONE) return -1;
        enum_list(en, list, sizeof list);
        snprintf(what, sizeof what, "one of %s", list);
        ctx_wrong_type(c, what);
        return jsonr_ok(&c->r) ? 0 : -1;
    }
    if (jsonr_string(&c->r, &s)) return -1;
    const char *d = decode_small(&s, tmp, sizeof tmp);
    int v = d ? catalogue_enum_from_name((event_enum)en, d, s.len) : -1;
    if (v >= 0) {
        *out = (int8_t)v;
        return 0;
    }
    enum_list(en, list, sizeof list);
    ctx_show_str(&s, shown, sizeof shown);
    ctx_error(c, "expected one of %s, found %s", list, shown);
    return 0;
}

static int hexdigit(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

static int read_hash(shape_ctx *c, uint8_t *out)
{
    jsonr_str s;
    int k = decode_get_string(c, EXPECT_HASH, &s);
    if (k <= 0) return k;
    char tmp[72], shown[64];
    const char *d = decode_small(&s, tmp, sizeof tmp);
    bool ok = d && s.len == 64;
    for (size_t i = 0; ok && i < 32; i++) {
        int hi = hexdigit(d[2 * i]), lo = hexdigit(d[2 * i + 1]);
        if (hi < 0 || lo < 0)
            ok = false;
        else
            out[i] = (uint8_t)(hi << 4 | lo);
    }
    if (!ok) {
        ctx_show_str(&s, shown, sizeof shown);
        ctx_error(c, "expected " EXPECT_HASH ", found %s", shown);
    }
    return 0;
}

static int read_object(shape_ctx *c, const schema *sub, void *p)
{
    jsonr_kind kind = jsonr_peek(&c->r);
    if (kind == JV_OBJECT) return decode_object(c, sub, p, NULL);
    if (kind == JV_NONE) return -1;
    ctx_wrong_type(c, "an object");
    return jsonr_ok(&c->r) ? 0 : -1;
}

int decode_field(shape_ctx *c, const schema_field *f, void *obj)
{
    void *p = (char *)obj + f->off;
    switch ((schema_kind)f->kind) {
    case SK_TYPE:
        return jsonr_skip(&c->r); /* read and checked before the object was */
    case SK_ID:
        return decode_id(c, (hb_str *)p);
    case SK_TEXT:
        return decode_text(c, (hb_str *)p, f->flags & SF_REQ);
    case SK_UINT:
        return read_uint(c, f, (int64_t *)p);
    case SK_NUMBER:
        return read_number(c, f, (double *)p);
    case SK_BOOL:
        return read_bool(c, (int8_t *)p);
    case SK_DATE:
        return read_date(c, (int32_t *)p);
    case SK_TIME:
        return read_time(c, (hb_time *)p);
    case SK_COUNTRY:
        return decode_code(c, EXPECT_COUNTRY, 2, country_valid, p);
    case SK_CURRENCY:
        return decode_code(c, EXPECT_CURRENCY, 3, currency_valid, p);
    case SK_ENUM:
        return read_enum(c, f->en, (int8_t *)p);
    case SK_OBJECT:
        return read_object(c, f->sub, p);
    case SK_IDS:
    case SK_TEXTS:
        return decode_strs(c, f, (hb_strs *)p);
    case SK_COUNTRIES:
        return decode_countries(c, (hb_ccs *)p, false);
    case SK_STRMAP:
        return decode_map(c, (hb_kvs *)p);
    case SK_NATIONALITIES:
        return decode_nationalities(c, (hb_nationalities *)p);
    case SK_EVENT:
        return decode_event(c, (event *)p, false);
    case SK_HASH:
        return read_hash(c, (uint8_t *)p);
    }
    return jsonr_skip(&c->r);
}
