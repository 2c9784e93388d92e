/* http: roles, query lookup, responses and problem details. */
#include "http/http.h"
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/err.h"

static const char *const ROLE_NAMES[ROLE__COUNT] = {"public",    "admin", "records",
                                                    "transport", "court", "inspector"};

const char *http_role_name(http_role r)
{
    return r < ROLE__COUNT ? ROLE_NAMES[r] : "?";
}

int http_role_of(const char *name)
{
    for (int r = 0; name && r < ROLE__COUNT; r++)
        if (!strcmp(name, ROLE_NAMES[r])) return r;
    return -1;
}

const char *http_query(const http_req *r, const char *name)
{
    for (size_t i = 0; i < r->n_query; i++)
        if (!strcmp(r->query[i].name, name)) return r->query[i].value;
    return NULL;
}

int http_query_int(const http_req *r, http_resp *out, const char *name, int64_t def, int64_t min,
                   int64_t max, int64_t *v)
{
    const char *s = http_query(r, name);
    *v = def;
    if (!s) return 0;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (*s >= '0' && *s <= '9' && !*end && !errno && x >= min && x <= max) {
        *v = x;
        return 0;
    }
    char expected[96];
    snprintf(expected, sizeof expected, "an integer from %lld to %lld", (long long)min,
             (long long)max);
    http_problem(out, 400, "invalid-parameter", "Invalid parameter", name, expected,
                 "%s: expected %s, found \"%.40s\"", name, expected, s);
    return -1;
}

void http_resp_init(http_resp *r)
{
    memset(r, 0, sizeof *r);
    r->body = (buf)BUF_INIT;
    r->route = "unmatched";
}

void http_resp_free(http_resp *r)
{
    buf_free(&r->body);
}

/* A last resort that needs no allocation beyond the body's. */
static void internal(http_resp *out)
{
    out->status = 500;
    out->content_type = "application/problem+json";
    buf_clear(&out->body);
    buf_puts(&out->body, "{\"type\":\"https://habeas.invalid/problems/internal\",\"title\":"
                         "\"Internal error\",\"status\":500,\"detail\":\"out of memory or a "
                         "storage failure; the server log says more\"}");
}

int http_json(http_resp *out, int status, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(j);
    buf_clear(&out->body);
    if (!s || buf_puts(&out->body, s)) {
        free(s);
        internal(out);
        return HB_EINTERNAL;
    }
    free(s);
    out->status = status;
    if (!out->content_type) out->content_type = "application/json";
    return 0;
}

int http_problem(http_resp *out, int status, const char *slug, const char *title, const char *field,
                 const char *expected, const char *detail_fmt, ...)
{
    char detail[1024], type[160];
    va_list ap;
    va_start(ap, detail_fmt);
    vsnprintf(detail, sizeof detail, detail_fmt, ap);
    va_end(ap);
    snprintf(type, sizeof type, "https://habeas.invalid/problems/%s", slug);
    json_t *j = json_pack("{s:s, s:s, s:i, s:s}", "type", type, "title", title, "status", status,
                          "detail", detail);
    if (j && field) json_object_set_new(j, "field", json_string(field));
    if (j && expected) json_object_set_new(j, "expected", json_string(expected));
    out->content_type = "application/problem+json";
    if (http_json(out, status, j)) return 0;
    return 0;
}
