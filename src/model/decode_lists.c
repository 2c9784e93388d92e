/* decode_lists: the values that hold several others (lists of ids, texts or
 * countries, "any"-or-countries, string maps). Lists live in the arena; repeats are
 * found by sorting copies, so hostile input stays n log n. */
#include <stdlib.h>
#include <string.h>
#include "model/canon_internal.h"
#include "model/countries.h"
#include "model/decode_internal.h"

/* Room for element n of an arena array of elem-sized items (*cap grows by doubling;
 * the old copy stays in the arena, which at most doubles the space used). */
static void *grow(shape_ctx *c, void *v, int32_t n, int32_t *cap, size_t elem)
{
    if (n < *cap) return v;
    int32_t ncap = *cap ? *cap * 2 : 8;
    void *nv = ctx_alloc(c, (size_t)ncap * elem);
    if (!nv) return NULL;
    if (n) memcpy(nv, v, (size_t)n * elem);
    *cap = ncap;
    return nv;
}

typedef struct {
    const char *p;
    uint32_t n;
    int32_t idx;
} ref;

static int ref_cmp(const void *a, const void *b)
{
    const ref *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int k = memcmp(x->p, y->p, n);
    if (k) return k;
    if (x->n != y->n) return x->n < y->n ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void report_repeat(shape_ctx *c, const char *p, uint32_t n, int32_t at, int32_t first)
{
    path_push_idx(c, at);
    ctx_error(c, "expected each value once, found \"%.*s\" again (first at [%d])",
              (int)(n > 40 ? 40 : n), p, (int)first);
    path_pop(c);
}

/* Sorting copies (index kept) finds repeats in n log n even in hostile input. */
static int check_unique(shape_ctx *c, const hb_strs *a)
{
    if (a->n < 2) return 0;
    ref *r = ctx_alloc(c, (size_t)a->n * sizeof *r);
    if (!r) return -1;
    for (int32_t i = 0; i < a->n; i++)
        r[i] = (ref){a->v[i].p ? a->v[i].p : "", a->v[i].n, i};
    qsort(r, (size_t)a->n, sizeof *r, ref_cmp);
    int32_t first = 0;
    for (int32_t i = 1; i < a->n; i++) {
        if (r[i].n == r[first].n && memcmp(r[i].p, r[first].p, r[i].n) == 0)
            report_repeat(c, r[i].p, r[i].n, r[i].idx, r[first].idx);
        else
            first = i;
    }
    return 0;
}

int decode_strs(shape_ctx *c, const schema_field *f, hb_strs *out)
{
    bool ids = f->kind == SK_IDS;
    jsonr_kind kind = jsonr_peek(&c->r);
    if (kind != JV_ARRAY) {
        if (kind == JV_NONE) return -1;
        ctx_wrong_type(c, ids ? "an array of ids" : "an array of strings");
        return jsonr_ok(&c->r) ? 0 : -1;
    }
    if (jsonr_array_begin(&c->r)) return -1;
    hb_str *v = NULL;
    int32_t n = 0, cap = 0;
    int k, errs = c->total;
    while ((k = jsonr_element(&c->r)) == 1) {
        if (!(v = grow(c, v, n, &cap, sizeof *v))) return -1;
        v[n] = (hb_str){NULL, 0};
        path_push_idx(c, n);
        int rc = ids ? decode_id(c, &v[n]) : decode_text(c, &v[n], true);
        path_pop(c);
        if (rc) return -1;
        n++;
    }
    if (k < 0) return -1;
    if ((f->flags & SF_NONEMPTY) && n == 0) {
        ctx_error(c, "expected at least one element, found an empty array");
        return 0;
    }
    *out = (hb_strs){v, n};
    if ((f->flags & SF_UNIQUE) && c->total == errs) return check_unique(c, out);
    return 0;
}

int decode_countries(shape_ctx *c, hb_ccs *out, bool nonempty)
{
    const char *what = "an array of ISO 3166-1 alpha-2 country codes";
    jsonr_kind kind = jsonr_peek(&c->r);
    if (kind != JV_ARRAY) {
        if (kind == JV_NONE) return -1;
        ctx_wrong_type(c, what);
        return jsonr_ok(&c->r) ? 0 : -1;
    }
    if (jsonr_array_begin(&c->r)) return -1;
    hb_cc *v = NULL;
    int32_t n = 0, cap = 0;
    int k;
    while ((k = jsonr_element(&c->r)) == 1) {
        if (!(v = grow(c, v, n, &cap, sizeof *v))) return -1;
        memset(&v[n], 0, sizeof v[n]);
        path_push_idx(c, n);
        int rc = decode_code(c, EXPECT_COUNTRY, 2, country_valid, v[n].cc);
        path_pop(c);
        if (rc) return -1;
        n++;
    }
    if (k < 0) return -1;
    if (nonempty && n == 0) {
        ctx_error(c, "expected \"any\" or at least one country, found an empty array");
        return 0;
    }
    *out = (hb_ccs){v, n};
    return 0;
}

int decode_nationalities(shape_ctx *c, hb_nationalities *out)
{
    const char *what = "\"any\" or an array of ISO 3166-1 alpha-2 country codes";
    jsonr_kind kind = jsonr_peek(&c->r);
    if (kind == JV_ARRAY) return decode_countries(c, &out->list, true);
    if (kind != JV_STRING) {
        if (kind == JV_NONE) return -1;
        ctx_wrong_type(c, what);
        return jsonr_ok(&c->r) ? 0 : -1;
    }
    jsonr_str s;
    char tmp[8], shown[64];
    if (jsonr_string(&c->r, &s)) return -1;
    const char *d = decode_small(&s, tmp, sizeof tmp);
    if (d && s.len == 3 && memcmp(d, "any", 3) == 0) {
        out->any = true;
        return 0;
    }
    ctx_show_str(&s, shown, sizeof shown);
    ctx_error(c, "expected %s, found %s", what, shown);
    return 0;
}

static int kv_cmp(const void *a, const void *b)
{
    const hb_kv *x = a, *y = b;
    return canon_utf16_cmp(x->key.p, x->key.n, y->key.p, y->key.n);
}

/* Kept sorted in canonical key order, so repeats are neighbours and the writer need
 * not sort. */
int decode_map(shape_ctx *c, hb_kvs *out)
{
    jsonr_kind kind = jsonr_peek(&c->r);
    if (kind != JV_OBJECT) {
        if (kind == JV_NONE) return -1;
        ctx_wrong_type(c, "an object of strings (\"scheme\": \"value\")");
        return jsonr_ok(&c->r) ? 0 : -1;
    }
    if (jsonr_object_begin(&c->r)) return -1;
    hb_kv *v = NULL;
    int32_t n = 0, cap = 0;
    int k, errs = c->total;
    jsonr_str key;
    while ((k = jsonr_member(&c->r, &key)) == 1) {
        path_push(c, key.raw, key.rawlen);
        int rc = 0;
        if (key.len == 0 || key.len > SCHEMA_MAX_TEXT) {
            ctx_error(c, "expected a non-empty key of at most %d bytes, found %zu bytes",
                      SCHEMA_MAX_TEXT, key.len);
            rc = jsonr_skip(&c->r);
        } else if (!(v = grow(c, v, n, &cap, sizeof *v))) {
            rc = -1;
        } else {
            v[n].val = (hb_str){NULL, 0};
            char *kp = ctx_strdup(c, &key);
            if (!kp) rc = -1;
            v[n].key = (hb_str){kp, (uint32_t)key.len};
            if (!rc) rc = decode_text(c, &v[n].val, true);
            if (!rc && key.esc && memchr(kp, 0, key.len))
                ctx_error(c, "expected a key without U+0000");
            n++;
        }
        path_pop(c);
        if (rc) return -1;
    }
    if (k < 0) return -1;
    if (c->total != errs) return 0;
    if (n > 1) qsort(v, (size_t)n, sizeof *v, kv_cmp);
    for (int32_t i = 1; i < n; i++) {
        if (kv_cmp(&v[i - 1], &v[i]) == 0) {
            path_push(c, v[i].key.p, v[i].key.n);
            ctx_error(c, "duplicate key");
            path_pop(c);
        }
    }
    *out = (hb_kvs){v, n};
    return 0;
}
