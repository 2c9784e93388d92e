/* canonical: RFC 8785 (JCS) bytes of events and records, driven by the schema tables
 * (whose fields are already in canonical key order). Absent fields are left out;
 * times are written back exactly as given, dates regenerated as YYYY-MM-DD.
 * On any error the output buffer is left as it was. */
#include <math.h>
#include <string.h>
#include "model/canon_internal.h"
#include "model/catalogue.h"
#include "model/codec.h"
#include "model/jsonr.h"
#include "model/schema.h"

int canon_utf16_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    size_t n = an < bn ? an : bn, i = 0;
    while (i < n && x[i] == y[i])
        i++;
    if (i == n) return an < bn ? -1 : an > bn;
    /* Byte order is code point order; UTF-16 differs only in putting supplementary
     * characters (surrogate pairs, lead byte F0-F4) before U+E000-U+FFFF (EE, EF). */
    size_t j = i;
    while (j > 0 && (x[j] & 0xC0) == 0x80)
        j--;
    unsigned char p = x[j], q = y[j];
    bool psup = p >= 0xF0, qsup = q >= 0xF0;
    bool phigh = p == 0xEE || p == 0xEF, qhigh = q == 0xEE || q == 0xEF;
    if (psup && qhigh) return -1;
    if (qsup && phigh) return 1;
    return x[i] < y[i] ? -1 : 1;
}

static const char HEX[] = "0123456789abcdef";

static int put_escape(buf *out, unsigned char ch)
{
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    size_t k = 2;
    switch (ch) {
    case '"':
    case '\\':
        esc[1] = (char)ch;
        break;
    case '\b':
        esc[1] = 'b';
        break;
    case '\f':
        esc[1] = 'f';
        break;
    case '\n':
        esc[1] = 'n';
        break;
    case '\r':
        esc[1] = 'r';
        break;
    case '\t':
        esc[1] = 't';
        break;
    default:
        memcpy(esc + 1, "u00", 3);
        esc[4] = HEX[ch >> 4];
        esc[5] = HEX[ch & 15];
        k = 6;
    }
    return buf_put(out, esc, k);
}

/* One pass: runs of plain ASCII are copied whole, UTF-8 is checked as it passes
 * (invalid UTF-8 has no canonical form: HB_EINPUT). */
int canon_string(buf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t start_len = out->len, i = 0, run = 0;
    int rc = buf_reserve(out, n + 2);
    if (rc) return rc;
    i = jsonr_plain_run(s, 0, n);
    if (i == n) { /* the usual case: nothing to escape or check */
        char *o = out->p + out->len;
        o[0] = '"';
        if (n) memcpy(o + 1, s, n);
        o[n + 1] = '"';
        o[n + 2] = '\0';
        out->len += n + 2;
        return 0;
    }
    out->p[out->len++] = '"';
    while (!rc && i < n) {
        i = jsonr_plain_run(s, i, n);
        if (i >= n) break;
        if (s[i] >= 0x80) {
            int k = jsonr_utf8_seq(s + i, n - i);
            if (!k) rc = HB_EINPUT;
            i += (size_t)k;
            continue;
        }
        rc = buf_put(out, s + run, i - run);
        if (!rc) rc = put_escape(out, s[i]);
        run = ++i;
    }
    if (!rc) rc = buf_put(out, s + run, n - run);
    if (!rc) rc = buf_putc(out, '"');
    if (rc && out->p) {
        out->len = start_len;
        out->p[out->len] = '\0';
    }
    return rc;
}

static int put_str(buf *out, const hb_str *s)
{
    return canon_string(out, s->p, s->n);
}

static bool present(const schema_field *f, const void *p)
{
    switch ((schema_kind)f->kind) {
    case SK_TYPE:
    case SK_EVENT:
    case SK_HASH:
        return true;
    case SK_ID:
    case SK_TEXT:
        return ((const hb_str *)p)->p != NULL;
    case SK_UINT:
        return *(const int64_t *)p >= 0;
    case SK_NUMBER:
        return !isnan(*(const double *)p);
    case SK_BOOL:
    case SK_ENUM:
        return *(const int8_t *)p >= 0;
    case SK_DATE:
        return *(const int32_t *)p != HB_DATE_ABSENT;
    case SK_TIME:
        return ((const hb_time *)p)->text.p != NULL;
    case SK_COUNTRY:
    case SK_CURRENCY:
        return *(const char *)p != '\0';
    case SK_OBJECT:
        return *(const bool *)((const char *)p + f->sub->present_off);
    case SK_IDS:
    case SK_TEXTS:
        return ((const hb_strs *)p)->n >= 0;
    case SK_COUNTRIES:
        return ((const hb_ccs *)p)->n >= 0;
    case SK_STRMAP:
        return ((const hb_kvs *)p)->n >= 0;
    case SK_NATIONALITIES:
        return ((const hb_nationalities *)p)->any || ((const hb_nationalities *)p)->list.n >= 0;
    }
    return false;
}

static int put_strs(buf *out, const hb_strs *a)
{
    if (buf_putc(out, '[')) return HB_EINTERNAL;
    for (int32_t i = 0; i < a->n; i++) {
        int rc = (i && buf_putc(out, ',')) ? HB_EINTERNAL : put_str(out, &a->v[i]);
        if (rc) return rc;
    }
    return buf_putc(out, ']');
}

static int put_ccs(buf *out, const hb_ccs *a)
{
    if (buf_putc(out, '[')) return HB_EINTERNAL;
    for (int32_t i = 0; i < a->n; i++) {
        int rc = (i && buf_putc(out, ',')) ? HB_EINTERNAL
                                           : canon_string(out, a->v[i].cc, strnlen(a->v[i].cc, 2));
        if (rc) return rc;
    }
    return buf_putc(out, ']');
}

static int kv_cmp(const hb_kv *x, const hb_kv *y)
{
    return canon_utf16_cmp(x->key.p, x->key.n, y->key.p, y->key.n);
}

static int put_kv(buf *out, const hb_kv *kv, bool first)
{
    if (!first && buf_putc(out, ',')) return HB_EINTERNAL;
    int rc = put_str(out, &kv->key);
    if (!rc) rc = buf_putc(out, ':');
    if (!rc) rc = put_str(out, &kv->val);
    return rc;
}

/* Decoded maps arrive sorted; maps built by hand are written in order by repeated
 * selection (they are small). Repeated keys cannot be canonical: HB_EINPUT. */
static int put_map(buf *out, const hb_kvs *m)
{
    bool sorted = true;
    for (int32_t i = 1; i < m->n && sorted; i++)
        sorted = kv_cmp(&m->v[i - 1], &m->v[i]) < 0;
    if (buf_putc(out, '{')) return HB_EINTERNAL;
    const hb_kv *last = NULL;
    for (int32_t i = 0; i < m->n; i++) {
        const hb_kv *next = &m->v[i];
        if (!sorted) {
            next = NULL;
            for (int32_t j = 0; j < m->n; j++) {
                const hb_kv *kv = &m->v[j];
                if ((!last || kv_cmp(kv, last) > 0) && (!next || kv_cmp(kv, next) < 0)) next = kv;
            }
            if (!next) return HB_EINPUT; /* only repeats left */
        }
        int rc = put_kv(out, next, i == 0);
        if (rc) return rc;
        last = next;
    }
    return buf_putc(out, '}');
}

static int put_fixed(buf *out, const char *s)
{
    return canon_string(out, s, strlen(s));
}

static int write_object(buf *out, const schema *sc, const void *obj);

static int put_value(buf *out, const schema_field *f, const void *p, const void *obj)
{
    char date[11];
    const char *name;
    switch ((schema_kind)f->kind) {
    case SK_TYPE:
        name = event_type_name(((const event *)obj)->type);
        return name ? put_fixed(out, name) : HB_EINPUT;
    case SK_ID:
    case SK_TEXT:
        return put_str(out, (const hb_str *)p);
    case SK_UINT:
        return buf_put_int(out, *(const int64_t *)p);
    case SK_NUMBER:
        return canon_number(out, *(const double *)p);
    case SK_BOOL:
        return buf_puts(out, *(const int8_t *)p ? "true" : "false");
    case SK_DATE:
        hbdate_format(*(const int32_t *)p, date);
        return canon_string(out, date, 10);
    case SK_TIME:
        return put_str(out, &((const hb_time *)p)->text);
    case SK_COUNTRY:
        return canon_string(out, p, strnlen(p, 2));
    case SK_CURRENCY:
        return canon_string(out, p, strnlen(p, 3));
    case SK_ENUM:
        name = event_enum_name((event_enum)f->en, *(const int8_t *)p);
        return name ? put_fixed(out, name) : HB_EINPUT;
    case SK_OBJECT:
        return write_object(out, f->sub, p);
    case SK_IDS:
    case SK_TEXTS:
        return put_strs(out, (const hb_strs *)p);
    case SK_COUNTRIES:
        return put_ccs(out, (const hb_ccs *)p);
    case SK_STRMAP:
        return put_map(out, (const hb_kvs *)p);
    case SK_NATIONALITIES:
        if (((const hb_nationalities *)p)->any) return put_fixed(out, "any");
        return put_ccs(out, &((const hb_nationalities *)p)->list);
    case SK_EVENT:
        return event_canonical(out, (const event *)p);
    case SK_HASH:
        return HB_EINPUT; /* records are written by write_record */
    }
    return HB_EINPUT;
}

static int write_object(buf *out, const schema *sc, const void *obj)
{
    if (buf_putc(out, '{')) return HB_EINTERNAL;
    bool first = true;
    for (int i = 0; i < sc->nfields; i++) {
        const schema_field *f = &sc->fields[i];
        const void *p = (const char *)obj + f->off;
        if (!present(f, p)) continue;
        if (buf_reserve(out, f->len + 4u)) return HB_EINTERNAL;
        if (!first) out->p[out->len++] = ',';
        first = false;
        out->p[out->len++] = '"';
        memcpy(out->p + out->len, f->name, f->len);
        out->len += f->len;
        out->p[out->len++] = '"';
        out->p[out->len++] = ':';
        int rc = put_value(out, f, p, obj);
        if (rc) return rc;
    }
    return buf_putc(out, '}');
}

static int undo(buf *out, size_t len, int rc)
{
    if (rc && out->p) {
        out->len = len;
        out->p[len] = '\0';
    }
    return rc;
}

int event_canonical(buf *out, const event *ev)
{
    const schema *sc = schema_event(ev->type);
    if (!sc) return HB_EINPUT;
    size_t len = out->len;
    return undo(out, len, write_object(out, sc, ev));
}

static int write_record(buf *out, const record *r, bool with_hash)
{
    if (!r->actor.p || !r->recorded_at.text.p || r->seq < 1) return HB_EINPUT;
    int rc = buf_puts(out, "{\"actor\":");
    if (!rc) rc = put_str(out, &r->actor);
    if (!rc) rc = buf_puts(out, ",\"event\":");
    if (!rc) rc = event_canonical(out, &r->ev);
    if (!rc && with_hash) {
        char hex[64];
        for (int i = 0; i < 32; i++) {
            hex[2 * i] = HEX[r->hash[i] >> 4];
            hex[2 * i + 1] = HEX[r->hash[i] & 15];
        }
        rc = buf_puts(out, ",\"hash\":\"");
        if (!rc) rc = buf_put(out, hex, sizeof hex);
        if (!rc) rc = buf_putc(out, '"');
    }
    if (!rc) rc = buf_puts(out, ",\"recorded_at\":");
    if (!rc) rc = put_str(out, &r->recorded_at.text);
    if (!rc) rc = buf_puts(out, ",\"seq\":");
    if (!rc) rc = buf_put_int(out, r->seq);
    if (!rc) rc = buf_putc(out, '}');
    return rc;
}

int record_canonical(buf *out, const record *r)
{
    size_t len = out->len;
    return undo(out, len, write_record(out, r, false));
}

int record_export(buf *out, const record *r)
{
    size_t len = out->len;
    return undo(out, len, write_record(out, r, true));
}
