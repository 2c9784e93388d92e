/* decode: the generic object walker and the two entry points of codec.h. One pass
 * over the line, except that an event's "type" is looked up first by a quick scan of
 * its keys (it may come last), since it decides the schema. */
#include <stdio.h>
#include <string.h>
#include "model/codec.h"
#include "model/decode_internal.h"

static bool field_is(const schema_field *f, const char *k, size_t n)
{
    return f->len == n && f->name[0] == k[0] && memcmp(f->name, k, n) == 0;
}

/* Stored records are canonical, so their keys come in schema order: trying the
 * field after the previous match first makes replay's lookups one compare each. */
static const schema_field *find_field(const schema *sc, const jsonr_str *key, int *hint)
{
    char tmp[64];
    const char *k = key->raw;
    if (key->esc) {
        if (key->len >= sizeof tmp) return NULL;
        jsonr_unescape(key, tmp);
        k = tmp;
    }
    if (key->len == 0) return NULL;
    if (*hint < sc->nfields && field_is(&sc->fields[*hint], k, key->len))
        return &sc->fields[(*hint)++];
    for (int i = 0; i < sc->nfields; i++) {
        if (field_is(&sc->fields[i], k, key->len)) {
            *hint = i + 1;
            return &sc->fields[i];
        }
    }
    return NULL;
}

static void field_names(const schema *sc, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < sc->nfields && len < cap; i++) {
        int k = snprintf(out + len, cap - len, "%s%s", i ? ", " : "", sc->fields[i].name);
        if (k < 0) break;
        len += (size_t)k;
    }
}

static void unknown_field(shape_ctx *c, const schema *sc, const jsonr_str *key)
{
    char names[400];
    field_names(sc, names, sizeof names);
    path_push(c, key->raw, key->rawlen);
    ctx_error(c, "unknown field (%s has: %s)", sc->name, names);
    path_pop(c);
}

/* One member's value into its field (or reported as unknown or repeated). */
static int member(shape_ctx *c, const schema *sc, void *obj, const jsonr_str *key, int *hint,
                  uint64_t *seen)
{
    const schema_field *f = find_field(sc, key, hint);
    if (!f) {
        unknown_field(c, sc, key);
        return jsonr_skip(&c->r);
    }
    uint64_t bit = 1ull << (f - sc->fields);
    path_push(c, f->name, f->len);
    int rc;
    if (*seen & bit) {
        ctx_error(c, "duplicate key");
        rc = jsonr_skip(&c->r);
    } else {
        *seen |= bit;
        rc = decode_field(c, f, obj);
    }
    path_pop(c);
    return rc;
}

/* After the members: what is missing, then the object's own cross-field rules. */
static void finish_object(shape_ctx *c, const schema *sc, void *obj, uint64_t seen, int errs)
{
    for (int i = 0; i < sc->nfields; i++) {
        if ((sc->fields[i].flags & SF_REQ) && !(seen & (1ull << i)))
            shape_error(c, sc->fields[i].name, "missing (required)");
    }
    if (sc->present_off >= 0) *(bool *)((char *)obj + sc->present_off) = true;
    if (sc->check && c->total == errs) sc->check(c, obj);
}

int decode_object(shape_ctx *c, const schema *sc, void *obj, uint64_t *seen_out)
{
    jsonr *r = &c->r;
    if (jsonr_object_begin(r)) return -1;
    int errs = c->total, k, hint = 0;
    uint64_t seen = 0;
    jsonr_str key;
    while ((k = jsonr_member(r, &key)) == 1)
        if (member(c, sc, obj, &key, &hint, &seen)) return -1;
    if (k < 0) return -1;
    finish_object(c, sc, obj, seen, errs);
    if (seen_out) *seen_out = seen;
    return 0;
}

/* The same over members jsonr_index already found: each value is read strictly at
 * its offset and must end exactly where bracket matching said it would. */
static int decode_indexed(shape_ctx *c, const schema *sc, void *obj, const jsonr_member_at *m,
                          int n, size_t end)
{
    jsonr *r = &c->r;
    int errs = c->total, hint = 0;
    uint64_t seen = 0;
    r->depth++;
    for (int i = 0; i < n; i++) {
        r->pos = m[i].vstart;
        if (member(c, sc, obj, &m[i].key, &hint, &seen)) return -1;
        if (r->pos != m[i].vend) return jsonr_fail(r, "expected ',' or '}' after an object member");
    }
    r->depth--;
    r->pos = end;
    finish_object(c, sc, obj, seen, errs);
    return 0;
}

typedef struct {
    bool found, recordish;
    size_t at; /* the type value's offset */
} type_scan;

#define KEY_IS(k, n, lit) ((n) == sizeof lit - 1 && memcmp(k, lit, sizeof lit - 1) == 0)

static int scan_type(void *ctx, const jsonr_str *key, size_t vstart, size_t vend)
{
    (void)vend;
    type_scan *t = ctx;
    char tmp[16];
    const char *k = key->raw;
    if (key->esc) {
        if (key->len >= sizeof tmp) return 0;
        jsonr_unescape(key, tmp);
        k = tmp;
    }
    if (KEY_IS(k, key->len, "type")) {
        t->found = true;
        t->at = vstart;
        return 1;
    }
    if (KEY_IS(k, key->len, "seq") || KEY_IS(k, key->len, "event") ||
        KEY_IS(k, key->len, "recorded_at"))
        t->recordish = true;
    return 0;
}

static void type_names(char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < EV__COUNT && len < cap; i++) {
        int k =
            snprintf(out + len, cap - len, "%s%s", i ? ", " : "", event_type_name((event_type)i));
        if (k < 0) break;
        len += (size_t)k;
    }
}

/* The event type named by the value at offset at, or -1 after reporting why not. */
static int read_type(shape_ctx *c, size_t at)
{
    jsonr tr;
    jsonr_init(&tr, (const char *)c->r.s, c->r.n);
    tr.pos = at;
    jsonr_str s;
    char tmp[64], shown[64], names[600];
    if (jsonr_peek(&tr) == JV_STRING && jsonr_string(&tr, &s) == 0) {
        const char *d = s.raw;
        if (s.esc && s.len < sizeof tmp) {
            jsonr_unescape(&s, tmp);
            d = tmp;
        }
        int t = s.esc && s.len >= sizeof tmp ? -1 : event_type_from_name(d, s.len);
        if (t >= 0) return t;
        if (jsonr_skip(&c->r)) return -1; /* a syntax error anywhere says more */
        type_names(names, sizeof names);
        ctx_show_str(&s, shown, sizeof shown);
        path_push(c, "type", 4);
        ctx_error(c, "unknown event type %s; expected one of %s", shown, names);
        path_pop(c);
        return -1;
    }
    if (jsonr_skip(&c->r)) return -1;
    /* Not a string: let the strict reader describe it where it stands. */
    jsonr saved = c->r;
    c->r = tr;
    c->r.pos = at;
    c->r.why = NULL;
    path_push(c, "type", 4);
    ctx_wrong_type(c, "a string naming the event type, e.g. \"custody.admitted\"");
    path_pop(c);
    c->r = saved;
    return -1;
}

#define EVENT_MAX_MEMBERS 32 /* an event has at most 12 fields; more go the slow way */

int decode_event(shape_ctx *c, event *ev, bool top)
{
    jsonr *r = &c->r;
    memset(ev, 0, sizeof *ev);
    ev->type = EV__COUNT;
    jsonr_kind kind = jsonr_peek(r);
    if (kind == JV_NONE) return -1;
    if (kind != JV_OBJECT) {
        if (top) path_push(c, "json", 4);
        ctx_wrong_type(c, top ? "an object (one event per line)" : "an event object");
        if (top) path_pop(c);
        return jsonr_ok(r) ? 0 : -1;
    }
    jsonr_member_at m[EVENT_MAX_MEMBERS];
    size_t end = 0;
    type_scan ts = {false, false, 0};
    int n = jsonr_index(r, m, EVENT_MAX_MEMBERS, &end);
    for (int i = 0; i < n && !ts.found; i++)
        scan_type(&ts, &m[i].key, m[i].vstart, m[i].vend);
    if (n == -2) jsonr_scan_keys((const char *)r->s, r->n, r->pos, scan_type, &ts);
    if (n == -1 || !ts.found) {
        if (jsonr_skip(r)) return -1; /* syntax errors first */
        if (ts.recordish && top) {
            ctx_error_at(c, NULL,
                         "this line is a ledger record, not an event: load an export "
                         "with \"habeas restore\"");
        } else {
            path_push(c, "type", 4);
            ctx_error(c, "missing (required): every event names its type, e.g. "
                         "\"type\":\"custody.admitted\"");
            path_pop(c);
        }
        return 0;
    }
    int t = read_type(c, ts.at);
    if (t < 0) return jsonr_ok(r) && !c->oom ? 0 : -1;
    const schema *sc = schema_event((event_type)t);
    ev->type = (event_type)t;
    decode_init(sc, ev);
    int depth = path_reroot(c, sc->name);
    int rc = n >= 0 ? decode_indexed(c, sc, ev, m, n, end) : decode_object(c, sc, ev, NULL);
    path_restore(c, depth);
    return rc;
}

int event_decode(const char *json, size_t n, arena *a, event *ev, hb_errlist *errs,
                 const char *where)
{
    shape_ctx c;
    ctx_init(&c, json, n, a);
    if (decode_event(&c, ev, true) == 0) jsonr_finish(&c.r);
    return ctx_flush(&c, errs, where);
}

static int hash_bit(const schema *sc)
{
    for (int i = 0; i < sc->nfields; i++)
        if (sc->fields[i].kind == SK_HASH) return i;
    return 63;
}

/* A bare event given where a record was expected: say so instead of five errors. */
static bool looks_like_event(const char *json, size_t n, size_t at)
{
    type_scan ts = {false, false, 0};
    return jsonr_scan_keys(json, n, at, scan_type, &ts) >= 0 && ts.found && !ts.recordish;
}

int record_decode(const char *json, size_t n, arena *a, record *r, hb_errlist *errs,
                  const char *where)
{
    shape_ctx c;
    ctx_init(&c, json, n, a);
    const schema *sc = schema_record();
    memset(r, 0, sizeof *r);
    decode_init(sc, r);
    jsonr_kind kind = jsonr_peek(&c.r);
    if (kind == JV_OBJECT) {
        uint64_t seen = 0;
        size_t at = c.r.pos;
        path_reroot(&c, "record");
        if (decode_object(&c, sc, r, &seen) == 0) r->has_hash = seen & (1ull << hash_bit(sc));
        path_restore(&c, 0);
        if (c.total && jsonr_ok(&c.r) && looks_like_event(json, n, at)) {
            c.total = c.nerr = 0;
            ctx_error_at(&c, NULL,
                         "this line is an event, not a ledger record: load events "
                         "with \"habeas import\"");
        }
    } else if (kind != JV_NONE) {
        path_push(&c, "json", 4);
        ctx_wrong_type(&c, "an object (one record per line)");
        path_pop(&c);
    }
    jsonr_finish(&c.r);
    return ctx_flush(&c, errs, where);
}
