/* fetch: plain HTTP(S) GETs for `habeas witness`, through libcurl.
 *
 * Only http:// and https:// (redirects too); TLS certificates are checked as
 * libcurl does by default. Bounded: connecting may take FETCH_CONNECT_S seconds,
 * the whole transfer FETCH_TOTAL_S, and the body at most max_bytes (a log's
 * answers are small; a larger one is refused, not truncated). Thread-compatible:
 * curl_global_init runs once, from the first call. */
#ifndef HB_CLI_FETCH_H
#define HB_CLI_FETCH_H
#include <stddef.h>
#include "util/buf.h"
#include "util/err.h"

#define FETCH_CONNECT_S 10L
#define FETCH_TOTAL_S 30L

/* True when s starts with http:// or https:// (case-insensitive). */
int fetch_is_url(const char *s);

/* GETs url into body (appended; the caller owns it and frees it with buf_free,
 * also after a failure). 0 on HTTP 200; HB_EINTERNAL otherwise, with err naming
 * the URL and why: the network error, the timeout, the size limit, or the HTTP
 * status with the "detail" of a problem+json answer when there is one. */
int fetch_get(const char *url, size_t max_bytes, buf *body, hb_err *err);
#endif
