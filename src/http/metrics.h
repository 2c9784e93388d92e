/* metrics: counters for /metrics (Prometheus text format 0.0.4), lock-free on the
 * request path. Requests by route and status, a latency histogram per route,
 * events appended; the log size and findings by severity are read from the app
 * when /metrics is rendered. */
#ifndef HB_HTTP_METRICS_H
#define HB_HTTP_METRICS_H
#include <stdint.h>
#include "http/http.h"
#include "util/buf.h"

typedef struct http_metrics http_metrics;
http_metrics *metrics_new(void); /* NULL on OOM; owner calls metrics_free */
void metrics_free(http_metrics *m);
/* One request done: route index (or -1 unmatched), status, duration. */
void metrics_request(http_metrics *m, int route, int status, int64_t micros);
void metrics_events(http_metrics *m, int64_t n);
/* Appends the exposition text. 0 or HB_EINTERNAL. */
int metrics_render(http_metrics *m, http_app *a, buf *out);
#endif
