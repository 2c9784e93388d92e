/* api_locate: GET /v1/locate, the public locator (docs/locate.md). Every request
 * counts against the client's rate limit, bad ones too, so that probing costs
 * the same as searching; only the four documented parameters are accepted. */
#include <string.h>
#include "http/app.h"
#include "http/ratelimit.h"
#include "http/routes.h"
#include "rules/locate.h"
#include "util/hbtime.h"

static const char *const PARAMS[] = {"family", "given", "birth_country", "birth_date"};
#define N_PARAMS (sizeof PARAMS / sizeof *PARAMS)

/* true after setting a 400 problem. */
static bool bad_params(const http_req *r, http_resp *out)
{
    bool seen[N_PARAMS] = {false};
    for (size_t i = 0; i < r->n_query; i++) {
        size_t k = 0;
        while (k < N_PARAMS && strcmp(r->query[i].name, PARAMS[k]) != 0)
            k++;
        if (k == N_PARAMS) {
            http_problem(out, 400, "locate-unknown-parameter", "Unknown query parameter",
                         r->query[i].name, "family, given, birth_country, birth_date",
                         "the locator takes only family, given, birth_country and "
                         "birth_date; \"%.64s\" is not one of them",
                         r->query[i].name);
            return true;
        }
        if (seen[k]) {
            http_problem(out, 400, "locate-repeated-parameter", "Repeated query parameter",
                         PARAMS[k], "each parameter at most once", "%s is given more than once",
                         PARAMS[k]);
            return true;
        }
        seen[k] = true;
    }
    return false;
}

int api_locate(http_call *c, http_resp *out)
{
    const http_req *r = c->req;
    int retry;
    if (!ratelimit_take(c->app->locate_limit, r->client, hbtime_now(), &retry)) {
        out->retry_after = retry;
        return http_problem(out, 429, "locate-rate-limited", "Too many locator requests", NULL,
                            NULL,
                            "at most %d locator requests a minute from one address; try "
                            "again in %d s",
                            c->app->cfg.locate_rate, retry);
    }
    if (bad_params(r, out)) return 0;
    locate_query q;
    locate_fault f;
    int rc =
        locate_query_parse(http_query(r, "family"), http_query(r, "given"),
                           http_query(r, "birth_country"), http_query(r, "birth_date"), &q, &f);
    if (rc == HB_EINPUT)
        return http_problem(out, 400, f.slug, "Bad locator query", f.field, f.expected, "%s",
                            f.detail);
    if (rc) {
        http_problem(out, 500, "internal", "Internal error", NULL, NULL, "out of memory");
        return HB_EINTERNAL;
    }
    locate_result res;
    buf_clear(&out->body);
    http_app_read(c->app);
    rc = locate_search(ledger_state(c->app->l), &q, &res);
    if (!rc) rc = locate_write(&out->body, &res); /* under the lock: hits point into state */
    http_app_read_end(c->app);
    locate_query_free(&q);
    if (rc) {
        http_problem(out, 500, "internal", "Internal error", NULL, NULL, "out of memory");
        return HB_EINTERNAL;
    }
    out->status = 200;
    out->content_type = "application/json";
    return 0;
}
