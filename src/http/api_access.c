/* api_access: GET /v1/access-log?from=&limit=, the access log page by page. */
#include <errno.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include "http/app.h"
#include "http/routes.h"

#define ACCESS_PAGE_DEFAULT 100
#define ACCESS_PAGE_MAX 1000

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
    int64_t from, limit;
    if (http_query_int(c->req, out, "from", 1, 1, INT64_MAX / 2, &from) ||
        http_query_int(c->req, out, "limit", ACCESS_PAGE_DEFAULT, 1, ACCESS_PAGE_MAX, &limit))
        return 0;
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
