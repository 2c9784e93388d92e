/* metrics: placeholder until written. */
#include "http/metrics.h"
#include <stdlib.h>
struct http_metrics {
    int unused;
};
http_metrics *metrics_new(void)
{
    return calloc(1, sizeof(http_metrics));
}
void metrics_free(http_metrics *m)
{
    free(m);
}
void metrics_request(http_metrics *m, int route, int status, int64_t micros)
{
    (void)m, (void)route, (void)status, (void)micros;
}
void metrics_events(http_metrics *m, int64_t n)
{
    (void)m, (void)n;
}
int metrics_render(http_metrics *m, http_app *a, buf *out)
{
    (void)m, (void)a, (void)out;
    return 0;
}
