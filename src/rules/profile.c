/* profile: parsing a standards profile strictly, and the profiles built in.
 * The built-in texts come from the JSON files in profiles/ through a file CMake generates
 * (profiles_embedded.c), so the repo's files and the binary cannot disagree. */
#include "rules/profile.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "rules/findings.h"
#include "util/arena.h"

/* Generated at build time (CMakeLists.txt): NULL-terminated, the default first. */
extern const char *const hb_profile_names[];
extern const char *const hb_profile_texts[];

typedef struct {
    const char *key;
    size_t off;
    double max; /* hours per day cannot exceed 24 */
} limit_key;

#define LIMIT(k, m)                                                                                \
    {                                                                                              \
#k, offsetof(profile, k), m                                                                \
    }
static const limit_key LIMITS[] = {
    LIMIT(floor_m2_shared, HUGE_VAL), LIMIT(floor_m2_single, HUGE_VAL),
    LIMIT(outdoor_hours_min, 24),     LIMIT(segregation_days_max, HUGE_VAL),
    LIMIT(light_hours_max, 24),       LIMIT(heat_c_max, HUGE_VAL),
};
#define N_LIMITS (sizeof LIMITS / sizeof *LIMITS)

/* One parse: where messages point, and the arena the strings are copied into. */
typedef struct {
    const char *where;
    hb_err *err;
    arena *a;
    profile *p;
} parse_ctx;

/* A value as a person would write it, shortened: "x" for a string, else JSON. */
static const char *shown(const json_t *v, char *out, size_t n)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
    snprintf(out, n, "%s", s ? s : "?");
    if (s && strlen(s) >= n && n > 4) memcpy(out + n - 4, "...", 4);
    free(s);
    return out;
}

static int expected(parse_ctx *c, const char *path, const char *want, const json_t *found)
{
    char f[80];
    return hb_fail(c->err, HB_EINPUT, "%s: %s: expected %s, found %s", c->where, path, want,
                   found ? shown(found, f, sizeof f) : "nothing (the key is missing)");
}

static int unknown_key(parse_ctx *c, const char *path, const char *key, const char *known)
{
    return hb_fail(c->err, HB_EINPUT, "%s: %s%s%s: unknown key (known here: %s)", c->where, path,
                   *path ? "." : "", key, known);
}

/* Keys of o not in the NULL-terminated list are errors. */
static int only_keys(parse_ctx *c, const char *path, const json_t *o, const char *const *keys,
                     const char *known)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        bool ok = false;
        for (size_t i = 0; keys[i] && !ok; i++)
            ok = !strcmp(k, keys[i]);
        if (!ok) return unknown_key(c, path, k, known);
    }
    return 0;
}

/* A non-empty string at o.key, copied into the arena. */
static int text_at(parse_ctx *c, const char *path, const json_t *o, const char *key, char **out)
{
    char p[160];
    snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", key);
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v) || !json_string_length(v))
        return expected(c, p, "a non-empty string", v);
    *out = arena_strndup(c->a, json_string_value(v), json_string_length(v));
    return *out ? 0 : hb_fail(c->err, HB_EINTERNAL, "out of memory reading a profile");
}

static int object_at(parse_ctx *c, const char *path, const json_t *o, const char *key,
                     const json_t **out)
{
    *out = json_object_get(o, key);
    if (json_is_object(*out)) return 0;
    char p[160];
    snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", key);
    return expected(c, p, "an object", *out);
}

static int limit_of(parse_ctx *c, const json_t *thresholds, const limit_key *k)
{
    static const char *const keys[] = {"value", "source", NULL};
    char path[96];
    snprintf(path, sizeof path, "thresholds.%s", k->key);
    const json_t *o;
    int rc = object_at(c, "thresholds", thresholds, k->key, &o);
    if (!rc) rc = only_keys(c, path, o, keys, "value, source");
    if (rc) return rc;
    profile_limit *l = (profile_limit *)((char *)c->p + k->off);
    const json_t *v = json_object_get(o, "value");
    double x = json_is_number(v) ? json_number_value(v) : -1;
    char want[64], vpath[112];
    snprintf(vpath, sizeof vpath, "%s.value", path);
    if (k->max != HUGE_VAL && (x < 0 || x > k->max)) {
        snprintf(want, sizeof want, "a number from 0 to %g (hours in a day)", k->max);
        return expected(c, vpath, want, v);
    }
    if (x < 0 || !isfinite(x)) return expected(c, vpath, "a number >= 0", v);
    l->value = x;
    char *src = NULL;
    rc = text_at(c, path, o, "source", &src);
    l->source = src;
    return rc;
}

static const char LIMIT_NAMES[] = "floor_m2_shared, floor_m2_single, outdoor_hours_min, "
                                  "segregation_days_max, light_hours_max, heat_c_max";

static int thresholds_of(parse_ctx *c, const json_t *root)
{
    static const char *const keys[] = {"floor_m2_shared",
                                       "floor_m2_single",
                                       "outdoor_hours_min",
                                       "segregation_days_max",
                                       "light_hours_max",
                                       "heat_c_max",
                                       NULL};
    _Static_assert(sizeof keys / sizeof *keys == N_LIMITS + 1, "every limit is a known key");
    const json_t *t;
    int rc = object_at(c, "", root, "thresholds", &t);
    if (!rc) rc = only_keys(c, "thresholds", t, keys, LIMIT_NAMES);
    for (size_t i = 0; i < N_LIMITS && !rc; i++)
        rc = limit_of(c, t, &LIMITS[i]);
    return rc;
}

static int severity_of(const char *s)
{
    for (int v = 0; v < SEV__COUNT; v++)
        if (!strcmp(s, findings_severity_name((finding_severity)v))) return v;
    return -1;
}

static int rating_of(parse_ctx *c, const char *code_name, const json_t *o, int code)
{
    static const char *const keys[] = {"severity", "standard", NULL};
    char path[96];
    snprintf(path, sizeof path, "findings.%s", code_name);
    if (!json_is_object(o)) return expected(c, path, "an object {severity, standard}", o);
    int rc = only_keys(c, path, o, keys, "severity, standard");
    if (rc) return rc;
    const json_t *sv = json_object_get(o, "severity");
    int sev = json_is_string(sv) ? severity_of(json_string_value(sv)) : -1;
    char spath[112];
    snprintf(spath, sizeof spath, "%s.severity", path);
    if (sev < 0) return expected(c, spath, "one of critical, high, medium, low", sv);
    c->p->severity[code] = sev;
    char *std = NULL;
    rc = text_at(c, path, o, "standard", &std);
    c->p->standard[code] = std;
    return rc;
}

static int findings_of(parse_ctx *c, const json_t *root)
{
    const json_t *f, *v;
    int rc = object_at(c, "", root, "findings", &f);
    if (rc) return rc;
    bool rated[FC__COUNT] = {0};
    const char *k;
    json_object_foreach((json_t *)f, k, v)
    {
        int code = findings_code_of(k);
        if (code < 0 || code >= FC__COUNT)
            return hb_fail(c->err, HB_EINPUT,
                           "%s: findings.%s: unknown finding code (docs/findings.md lists them)",
                           c->where, k);
        rated[code] = true;
        rc = rating_of(c, k, v, code);
        if (rc) break;
    }
    for (int i = 0; i < FC__COUNT && !rc; i++)
        if (!rated[i])
            rc = hb_fail(c->err, HB_EINPUT,
                         "%s: findings.%s: missing: every finding code needs a severity and a "
                         "standard",
                         c->where, findings_code_name((finding_code)i));
    return rc;
}

static int parse_root(parse_ctx *c, const json_t *root)
{
    static const char *const keys[] = {"name", "description", "thresholds", "findings", NULL};
    if (!json_is_object(root)) return expected(c, "(top)", "an object", root);
    int rc = only_keys(c, "", root, keys, "name, description, thresholds, findings");
    if (!rc) rc = text_at(c, "", root, "name", &c->p->name);
    if (!rc) rc = text_at(c, "", root, "description", &c->p->description);
    if (!rc) rc = thresholds_of(c, root);
    if (!rc) rc = findings_of(c, root);
    return rc;
}

int profile_parse(const char *json, size_t n, const char *where, profile *out, hb_err *err)
{
    memset(out, 0, sizeof *out);
    where = where ? where : "profile";
    json_error_t je;
    json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return hb_fail(err, HB_EINPUT, "%s:%d:%d: not valid JSON: %s", where, je.line, je.column,
                       je.text);
    arena *a = malloc(sizeof *a);
    if (!a) {
        json_decref(root);
        return hb_fail(err, HB_EINTERNAL, "out of memory reading a profile");
    }
    arena_init(a, 4096);
    parse_ctx c = {where, err, a, out};
    int rc = parse_root(&c, root);
    json_decref(root);
    out->owned = a;
    if (rc) profile_free(out);
    return rc;
}

void profile_free(profile *p)
{
    if (!p) return;
    if (p->owned) arena_free(p->owned);
    free(p->owned);
    memset(p, 0, sizeof *p);
}

const char *const *profile_builtin_names(void)
{
    return hb_profile_names;
}

const char *profile_builtin_text(const char *name)
{
    for (size_t i = 0; name && hb_profile_names[i]; i++)
        if (!strcmp(name, hb_profile_names[i])) return hb_profile_texts[i];
    return NULL;
}

int profile_builtin(const char *name, profile *out, hb_err *err)
{
    memset(out, 0, sizeof *out);
    const char *text = profile_builtin_text(name);
    if (!text) {
        char list[256] = "";
        for (size_t i = 0; hb_profile_names[i]; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     hb_profile_names[i]);
        return hb_fail(err, HB_EINPUT, "no built-in profile \"%s\" (built in: %s)",
                       name ? name : "", list);
    }
    char where[128];
    snprintf(where, sizeof where, "built-in profile %s", name);
    int rc = profile_parse(text, strlen(text), where, out, err);
    if (rc != HB_EINPUT) return rc;
    /* A shipped profile that does not parse is a fault of the build, not of the input. */
    if (err) err->code = HB_EINTERNAL;
    return HB_EINTERNAL;
}
