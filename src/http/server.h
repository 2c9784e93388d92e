/* server: `habeas serve`'s HTTP listener (libmicrohttpd), turning each request
 * into an http_req for http_dispatch and each http_resp back into HTTP.
 *
 * One epoll thread per core (a pool; each thread owns its connections), bound to
 * loopback unless told otherwise. Before dispatch the server enforces the limits
 * no handler should have to think about: the body size (413 body-too-large, read
 * no further), the JSON nesting depth (400 json-too-deep) and, through
 * libmicrohttpd's per-connection memory, the header size (431, sent by the
 * library). Stopping is graceful: stop accepting, let requests in flight finish
 * (bounded), then close. */
#ifndef HB_HTTP_SERVER_H
#define HB_HTTP_SERVER_H
#include <stdbool.h>
#include <stddef.h>
#include "http/app.h"
#include "util/err.h"

#define HTTP_SERVER_DEFAULT_LISTEN "127.0.0.1:8080"
#define HTTP_SERVER_DEFAULT_HEADER_LIMIT ((size_t)8 << 10)
#define HTTP_SERVER_MIN_HEADER_LIMIT ((size_t)4 << 10)

typedef struct {
    const char *listen;  /* "HOST:PORT", ":PORT" (loopback) or "[V6]:PORT"; port 0
                            picks a free one; NULL: HTTP_SERVER_DEFAULT_LISTEN */
    unsigned threads;    /* 0: one per core */
    size_t header_limit; /* per-connection memory for request line + headers;
                            0: HTTP_SERVER_DEFAULT_HEADER_LIMIT */
} http_server_config;

typedef struct http_server http_server;

/* Starts serving app (borrowed: it must outlive the server). 0; HB_EINPUT for a
 * bad listen address or an address in use (err says which); HB_EINTERNAL. The
 * owner calls http_server_stop. Call with SIGTERM/SIGINT already blocked if the
 * caller waits for them with sigwait: the server's threads inherit the mask. */
int http_server_start(http_app *app, const http_server_config *cfg, http_server **out, hb_err *err);

/* The base URL really listened on, "http://127.0.0.1:41234/" (the picked port
 * when the config said 0). Owned by the server. */
const char *http_server_url(const http_server *s);

/* Requests being handled now (headers read, response not yet sent). */
unsigned http_server_in_flight(const http_server *s);

/* Stops accepting, waits up to wait_ms for the requests in flight to finish, then
 * closes every connection and frees s. Returns how many were still unfinished
 * (0 on a clean stop). */
unsigned http_server_stop(http_server *s, int wait_ms);

/* Parses a listen address as http_server_config.listen describes. host gets the
 * numeric host ("127.0.0.1", "::1"; "localhost" is 127.0.0.1), *port the port.
 * 0 or HB_EINPUT (err says what was expected). */
int http_server_parse_listen(const char *s, char host[64], int *port, hb_err *err);

/* true when the JSON text body[0..n) nests arrays and objects at most max deep
 * (brackets inside strings do not count). Not a validator: the parser reports
 * syntax errors later. */
bool http_json_depth_ok(const char *body, size_t n, int max);
#endif
