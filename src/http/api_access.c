/* api_access: GET /v1/access-log?from=&limit=, the access log page by page. */
#include <errno.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include "http/app.h"
#include "http/routes.h"

#define ACCESS_PAGE_DEFAULT 100
#define ACCESS_PAGE_MAX 1000

/* A decimal query parameter in [min, max], or def when absent; -1 after a 400. */
static int64_t int_param(http_call *c, http_resp *out, const char *name, int64_t def, int64_t min,
                         int64_t max)
{
    const char *v = http_query(c->req, name);
    if (!v) return def;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || errno || x < min || x > max || (*v < '0' || *v > '9')) {
        char expected[96];
        snprintf(expected, sizeof expected, "an integer from %lld to %lld", (long long)min,
                 (long long)max);
        http_problem(out, 400, "invalid-parameter", "Invalid query parameter", name, expected,
                     "%s=\"%.40s\" is not %s", name, v, expected);
        return -1;
    }
    return x;
}

static json_t *entry_json(const store_access *a)
{
    return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "at", a->at,
                     "token", a->token_name, "token_id", (json_int_t)a->token_id, "role", a->role,
                     "what", a->what, "which", a->which);
}

static int page_json(http_resp *out, const store_access *v, size_t n, int64_t from)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, entry_json(&v[i]))) {
            json_decref(arr);
            arr = NULL;
        }
    int64_t next = n ? v[n - 1].id + 1 : from;
    json_t *j = arr ? json_pack("{s:o, s:I}", "entries", arr, "next", (json_int_t)next) : NULL;
    return http_json(out, 200, j);
}

int api_access_log(http_call *c, http_resp *out)
{
    int64_t from = int_param(c, out, "from", 1, 1, INT64_MAX / 2);
    if (from < 0) return 0;
    int64_t limit = int_param(c, out, "limit", ACCESS_PAGE_DEFAULT, 1, ACCESS_PAGE_MAX);
    if (limit < 0) return 0;
    store_access *v;
    size_t n;
    hb_err err = {0};
    pthread_mutex_lock(&c->app->aux_mu);
    int rc = store_access_list(c->app->aux, from, (size_t)limit, &v, &n, &err);
    pthread_mutex_unlock(&c->app->aux_mu);
    if (rc) {
        fprintf(stderr, "habeas: access log: %s\n", err.msg);
        return http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                            "cannot read the access log; the server log says why");
    }
    rc = page_json(out, v, n, from);
    free(v);
    return rc;
}
