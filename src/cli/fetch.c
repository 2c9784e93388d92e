/* fetch: libcurl GETs with timeouts and a size limit (fetch.h). */
#include "cli/fetch.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include <jansson.h>

typedef struct {
    buf *body;
    size_t max;
    bool too_big;
} sink;

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    sink *s = ctx;
    size_t len = size * n;
    if (s->body->len + len > s->max) {
        s->too_big = true;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    return buf_put(s->body, p, len) ? 0 : len;
}

int fetch_is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

/* A server's problem+json says why in "detail": worth more than the status. */
static void problem_detail(const buf *body, char *out, size_t n)
{
    out[0] = '\0';
    if (!body->len) return;
    json_t *j = json_loadb(body->p, body->len, 0, NULL);
    const char *d = j ? json_string_value(json_object_get(j, "detail")) : NULL;
    if (d) snprintf(out, n, ": %s", d);
    json_decref(j);
}

static int global_init(hb_err *err)
{
    /* curl_global_init is not thread-safe before 7.84; the CLI calls this from
     * one thread, and a failed init is remembered so it is not retried. */
    static int done = 0;
    if (!done) done = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 1 : -1;
    return done > 0 ? 0 : hb_fail(err, HB_EINTERNAL, "cannot start libcurl (curl_global_init)");
}

int fetch_get(const char *url, size_t max_bytes, buf *body, hb_err *err)
{
    if (!fetch_is_url(url))
        return hb_fail(err, HB_EINTERNAL, "%s is not an http:// or https:// URL", url);
    if (global_init(err)) return HB_EINTERNAL;
    CURL *c = curl_easy_init();
    if (!c) return hb_fail(err, HB_EINTERNAL, "GET %s: cannot start libcurl", url);
    char why[CURL_ERROR_SIZE] = "";
    sink s = {body, max_bytes, false};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_S);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, FETCH_TOTAL_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "habeas-witness");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, why);
    CURLcode cr = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (s.too_big)
        return hb_fail(err, HB_EINTERNAL, "GET %s: the answer is over %zu bytes: refused", url,
                       max_bytes);
    if (cr != CURLE_OK)
        return hb_fail(err, HB_EINTERNAL, "GET %s: %s", url, why[0] ? why : curl_easy_strerror(cr));
    if (status != 200) {
        char detail[600];
        problem_detail(body, detail, sizeof detail);
        return hb_fail(err, HB_EINTERNAL, "GET %s: the server answered HTTP %ld%s", url, status,
                       detail);
    }
    return 0;
}
