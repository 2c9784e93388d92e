/* dispatch: route, authenticate, authorise, run the handler, count it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "http/app.h"
#include "http/authz.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "http/tokens.h"

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Who is asking: the public without a token; 401 for a bad one. */
static int authenticate(http_app *app, http_call *c, token_info *info, char *actor, size_t n,
                        http_resp *out)
{
    c->role = ROLE_PUBLIC;
    c->token_id = 0;
    c->actor = "public";
    if (!c->req->authorization) return 0;
    hb_err err = {0};
    pthread_mutex_lock(&app->aux_mu);
    int rc = tokens_check(app->aux, c->req->authorization, info, &err);
    pthread_mutex_unlock(&app->aux_mu);
    if (rc == HB_EINPUT) {
        http_problem(out, 401, "unauthorized", "Unauthorized", "Authorization",
                     "Bearer hb_<64 hex digits>, a token from `habeas token create`", "%s",
                     err.msg);
        return -1;
    }
    if (rc) {
        http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                     "cannot check the token: %s", err.msg);
        return -1;
    }
    c->role = info->role;
    c->token_id = info->id;
    snprintf(actor, n, "token:%s", info->name);
    c->actor = actor;
    return 0;
}

static void refuse(http_call *c, http_resp *out)
{
    char roles[128];
    authz_route_roles((route_id)c->route, roles, sizeof roles);
    const http_route *r = &routes_table()[c->route];
    if (c->role == ROLE_PUBLIC)
        http_problem(out, 401, "unauthorized", "Unauthorized", "Authorization", "Bearer token",
                     "%s %s needs a token of one of these roles: %s", r->method, r->pattern, roles);
    else
        http_problem(out, 403, "forbidden", "Forbidden", NULL, NULL,
                     "the %s role may not call %s %s (allowed: %s)", http_role_name(c->role),
                     r->method, r->pattern, roles);
}

static void route(http_app *app, const http_req *req, http_resp *out, char *scratch)
{
    http_call c = {.app = app, .req = req};
    bool known;
    c.route = routes_match(req->method, req->path, scratch, c.params, &known, out->allow);
    if (c.route < 0) {
        if (known)
            http_problem(out, 405, "method-not-allowed", "Method not allowed", NULL, out->allow,
                         "%s is not served on %s (allowed: %s)", req->method, req->path,
                         out->allow);
        else
            http_problem(out, 404, "not-found", "Not found", NULL, NULL,
                         "no route %s; GET /v1/openapi.json lists them", req->path);
        return;
    }
    out->allow[0] = '\0';
    out->route = routes_table()[c.route].pattern;
    token_info info;
    char actor[160];
    if (authenticate(app, &c, &info, actor, sizeof actor, out)) return;
    if (!authz_route((route_id)c.route, c.role)) {
        refuse(&c, out);
        return;
    }
    if (routes_table()[c.route].fn(&c, out) && out->status < 500)
        http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                     "the request failed inside the server");
    if (!out->status)
        http_problem(out, 500, "internal", "Internal error", NULL, NULL, "no response was made");
}

void http_dispatch(http_app *app, const http_req *req, http_resp *out)
{
    int64_t t0 = mono_us();
    char *scratch = malloc(strlen(req->path) + 1);
    if (!scratch)
        http_problem(out, 500, "internal", "Internal error", NULL, NULL, "out of memory");
    else
        route(app, req, out, scratch);
    free(scratch);
    int idx = -1;
    for (int i = 0; i < R__COUNT; i++)
        if (out->route == routes_table()[i].pattern) idx = i;
    if (app->metrics) metrics_request(app->metrics, idx, out->status, mono_us() - t0);
}
