/* api_meta: the routes about the server itself: /healthz, /metrics and the
 * OpenAPI document (docs/openapi.json, compiled in by CMakeLists.txt so the
 * binary always serves the document of its own source). */
#include <jansson.h>
#include "http/app.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "util/hbtime.h"

/* Generated at build time from docs/openapi.json: NUL-terminated, len bytes. */
extern const char *const hb_openapi_text;
extern const unsigned long hb_openapi_len;

int api_healthz(http_call *c, http_resp *out)
{
    http_app_read(c->app);
    int64_t events = ledger_size(c->app->l);
    http_app_read_end(c->app);
    int64_t uptime = (hbtime_now() - c->app->started_us) / 1000000;
    return http_json(out, 200,
                     json_pack("{s:s, s:I, s:I}", "status", "ok", "events", (json_int_t)events,
                               "uptime_s", (json_int_t)uptime));
}

int api_metrics(http_call *c, http_resp *out)
{
    buf_clear(&out->body);
    if (metrics_render(c->app->metrics, c->app, &out->body)) {
        http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                     "out of memory while rendering the metrics");
        return HB_EINTERNAL;
    }
    out->status = 200;
    out->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}

int api_openapi(http_call *c, http_resp *out)
{
    (void)c;
    buf_clear(&out->body);
    if (buf_put(&out->body, hb_openapi_text, (size_t)hb_openapi_len)) {
        http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                     "out of memory while copying the OpenAPI document");
        return HB_EINTERNAL;
    }
    out->status = 200;
    out->content_type = "application/json";
    return 0;
}
