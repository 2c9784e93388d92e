/* server: libmicrohttpd in, http_dispatch through, libmicrohttpd out.
 *
 * The access handler is called several times per request: once after the
 * headers (we only set up state: queueing a response there makes 0.9.75 drop
 * keep-alive), once per chunk of body, and once more with no data, when the
 * request is whole and we dispatch it. */
#include "http/server.h"
#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* An idle keep-alive connection is closed after this long. */
#define IDLE_TIMEOUT_S 60
/* Body bytes read and dropped past the limit before the connection is cut. */
#define DISCARD_MAX ((size_t)16 << 20)
/* Most body memory set aside before the bytes arrive. */
#define PRERESERVE_MAX ((size_t)1 << 20)

struct http_server {
    struct MHD_Daemon *d;
    http_app *app;
    atomic_uint in_flight;
    atomic_bool started; /* after start: log lines go to stderr, not to start_log */
    char start_log[256]; /* the library's last complaint while starting */
    char url[96];
};

/* One request's state, from its headers to its completion. */
typedef struct {
    buf body;
    bool too_large; /* 413 decided; the rest of the body is not kept */
    bool answered;  /* a response is already queued */
    bool oom;
    size_t discarded; /* body bytes dropped after the limit */
} request;

static void on_log(void *cls, const char *fmt, va_list ap)
{
    http_server *s = cls;
    if (!atomic_load(&s->started)) {
        vsnprintf(s->start_log, sizeof s->start_log, fmt, ap);
        size_t n = strlen(s->start_log);
        if (n && s->start_log[n - 1] == '\n') s->start_log[n - 1] = '\0';
        return;
    }
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "habeas: http: %s%s", line,
            line[0] && line[strlen(line) - 1] == '\n' ? "" : "\n");
}

static enum MHD_Result send_resp(struct MHD_Connection *c, http_resp *r, bool close)
{
    struct MHD_Response *m;
    if (r->body.len) {
        /* Hand the body over instead of copying it: MHD frees it with free(). */
        m = MHD_create_response_from_buffer(r->body.len, r->body.p, MHD_RESPMEM_MUST_FREE);
        if (m) r->body = (buf)BUF_INIT;
    } else {
        m = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!m) return MHD_NO;
    MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type ? r->content_type : "application/json");
    MHD_add_response_header(m, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
    if (r->allow[0]) MHD_add_response_header(m, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after);
        MHD_add_response_header(m, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (close) MHD_add_response_header(m, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)r->status, m);
    MHD_destroy_response(m);
    return rc;
}

/* A response made here, not by a handler (the limits). */
static enum MHD_Result send_problem(struct MHD_Connection *c, request *q, int status,
                                    const char *slug, const char *title, const char *expected,
                                    const char *detail)
{
    http_resp r;
    http_resp_init(&r);
    http_problem(&r, status, slug, title, NULL, expected, "%s", detail);
    enum MHD_Result rc = send_resp(c, &r, status == 413);
    http_resp_free(&r);
    if (rc == MHD_YES) q->answered = true;
    return rc;
}

static enum MHD_Result refuse_too_large(http_server *s, struct MHD_Connection *c, request *q)
{
    char detail[160], expected[64];
    size_t limit = s->app->cfg.body_limit;
    snprintf(detail, sizeof detail,
             "the request body is larger than this server accepts (%zu bytes; habeas serve "
             "--body-limit sets it); send fewer events per request",
             limit);
    snprintf(expected, sizeof expected, "at most %zu bytes", limit);
    return send_problem(c, q, 413, "body-too-large", "Request body too large", expected, detail);
}

/* The first call: headers read. A declared length over the limit is refused at
 * once, so the client does not send the body at all (nor waits for
 * 100 Continue). */
static enum MHD_Result begin(http_server *s, struct MHD_Connection *c, void **con_cls)
{
    request *q = calloc(1, sizeof *q);
    if (!q) return MHD_NO;
    q->body = (buf)BUF_INIT;
    *con_cls = q;
    atomic_fetch_add(&s->in_flight, 1);
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl) return MHD_YES;
    char *end;
    unsigned long long declared = strtoull(cl, &end, 10);
    if (declared > s->app->cfg.body_limit) {
        q->too_large = true;
        return refuse_too_large(s, c, q);
    }
    /* Reserve for the declared length, but not more than PRERESERVE_MAX: a client
     * that declares a large body and sends nothing must not pin that much. */
    size_t want = declared < PRERESERVE_MAX ? (size_t)declared : PRERESERVE_MAX;
    if (want && buf_reserve(&q->body, want)) q->oom = true;
    return MHD_YES;
}

/* A chunk of body: kept up to the limit. Past it, 0.9.75 takes no response until
 * the body has ended (only a declared length is refused before it is sent), so
 * the rest is read and dropped, and the 413 goes out at the end; a body that
 * goes on for DISCARD_MAX more bytes gets its connection closed instead. */
static enum MHD_Result take(http_server *s, request *q, const char *data, size_t n)
{
    if (q->too_large) {
        q->discarded += n;
        return q->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (q->oom) return MHD_YES;
    if (n > s->app->cfg.body_limit - q->body.len) {
        q->too_large = true;
        q->discarded = n;
        buf_free(&q->body);
        return MHD_YES;
    }
    if (buf_put(&q->body, data, n)) {
        q->oom = true;
        buf_free(&q->body);
    }
    return MHD_YES;
}

typedef struct {
    http_param *p;
    size_t n, cap;
} params;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    params *ps = cls;
    if (ps->n < ps->cap) ps->p[ps->n++] = (http_param){key, value ? value : ""};
    return MHD_YES;
}

static const char *client_text(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "unknown");
    if (!ci || !ci->client_addr) return out;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)n);
    return out;
}

static void log_failure(const http_req *req, const http_resp *r)
{
    if (r->status < 500) return;
    fprintf(stderr, "habeas: http: %d %s %s: %.*s\n", r->status, req->method, req->path,
            (int)(r->body.len < 600 ? r->body.len : 600), r->body.p ? r->body.p : "");
}

/* The request is whole: build an http_req, dispatch it, send what comes back. */
static enum MHD_Result finish(http_server *s, struct MHD_Connection *c, request *q, const char *url,
                              const char *method)
{
    if (q->answered) return MHD_YES;
    if (q->too_large) return refuse_too_large(s, c, q);
    if (q->oom)
        return send_problem(c, q, 500, "internal", "Internal error", NULL,
                            "out of memory while reading the request body");
    if (q->body.len && !http_json_depth_ok(q->body.p, q->body.len, s->app->cfg.json_depth)) {
        char detail[160], expected[64];
        snprintf(detail, sizeof detail,
                 "the JSON body nests arrays and objects more than %d deep; no event needs "
                 "that many",
                 s->app->cfg.json_depth);
        snprintf(expected, sizeof expected, "at most %d levels of nesting", s->app->cfg.json_depth);
        return send_problem(c, q, 400, "json-too-deep", "JSON nested too deep", expected, detail);
    }
    params ps = {NULL, 0, 0};
    int nq = MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, NULL, NULL);
    if (nq > 0 && !(ps.p = calloc((size_t)nq, sizeof *ps.p))) return MHD_NO;
    ps.cap = nq > 0 ? (size_t)nq : 0;
    if (nq > 0) MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &ps);
    char client[INET6_ADDRSTRLEN + 1];
    http_req req = {
        .method = method,
        .path = url,
        .query = ps.p,
        .n_query = ps.n,
        .authorization =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .client = client_text(c, client, sizeof client),
        .body = q->body.p,
        .body_len = q->body.len,
    };
    http_resp r;
    http_resp_init(&r);
    http_dispatch(s->app, &req, &r);
    log_failure(&req, &r);
    enum MHD_Result rc = send_resp(c, &r, false);
    http_resp_free(&r);
    free(ps.p);
    q->answered = rc == MHD_YES;
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    http_server *s = cls;
    request *q = *con_cls;
    if (!q) return begin(s, c, con_cls);
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        return take(s, q, upload_data, n);
    }
    return finish(s, c, q, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    http_server *s = cls;
    request *q = *con_cls;
    if (!q) return;
    buf_free(&q->body);
    free(q);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

/* ---------------------------------------------------------------- listen address */

static int bad_listen(hb_err *err, const char *s, const char *why)
{
    return hb_fail(err, HB_EINPUT,
                   "--listen \"%s\": %s (expected HOST:PORT with a numeric IPv4 host, "
                   "[IPv6]:PORT or :PORT for loopback; port 0 picks a free one)",
                   s, why);
}

static int parse_port(const char *p, int *port)
{
    if (!*p || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p)) return -1;
    *port = atoi(p);
    return *port <= 65535 ? 0 : -1;
}

int http_server_parse_listen(const char *s, char host[64], int *port, hb_err *err)
{
    if (!s) s = HTTP_SERVER_DEFAULT_LISTEN;
    const char *colon = strrchr(s, ':');
    if (!colon) return bad_listen(err, s, "no port");
    if (parse_port(colon + 1, port)) return bad_listen(err, s, "the port is not 0..65535");
    size_t hn = (size_t)(colon - s);
    const char *h = s;
    if (hn >= 2 && s[0] == '[' && s[hn - 1] == ']') {
        h++;
        hn -= 2;
    }
    if (hn >= 64) return bad_listen(err, s, "the host is too long");
    memcpy(host, h, hn);
    host[hn] = '\0';
    if (!hn || !strcmp(host, "localhost")) strcpy(host, "127.0.0.1");
    unsigned char tmp[sizeof(struct in6_addr)];
    bool v6 = h != s;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, host, tmp) != 1)
        return bad_listen(err, s,
                          v6 ? "not a numeric IPv6 address"
                             : "not a numeric IPv4 address (IPv6 goes in brackets)");
    return 0;
}

/* ---------------------------------------------------------------- start, stop */

static int fill_addr(const char *host, int port, struct sockaddr_storage *ss, bool *v6)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    *v6 = strchr(host, ':') != NULL;
    if (*v6) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host, &in6->sin6_addr) == 1 ? 0 : -1;
    }
    in4->sin_family = AF_INET;
    in4->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &in4->sin_addr) == 1 ? 0 : -1;
}

static unsigned pool_size(const http_server_config *cfg)
{
    if (cfg->threads) return cfg->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static struct MHD_Daemon *start_daemon(http_server *s, const http_server_config *cfg,
                                       struct sockaddr_storage *ss, int port, bool v6)
{
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (v6) flags |= MHD_USE_IPv6;
    size_t mem = cfg->header_limit ? cfg->header_limit : HTTP_SERVER_DEFAULT_HEADER_LIMIT;
    return MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
                            (struct sockaddr *)ss, MHD_OPTION_THREAD_POOL_SIZE, pool_size(cfg),
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem, MHD_OPTION_CONNECTION_TIMEOUT,
                            (unsigned)IDLE_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_EXTERNAL_LOGGER, on_log, s, MHD_OPTION_END);
}

int http_server_start(http_app *app, const http_server_config *cfg, http_server **out, hb_err *err)
{
    *out = NULL;
    char host[64];
    int port;
    int rc = http_server_parse_listen(cfg->listen, host, &port, err);
    if (rc) return rc;
    if (cfg->header_limit && cfg->header_limit < HTTP_SERVER_MIN_HEADER_LIMIT)
        return hb_fail(err, HB_EINPUT, "the header limit must be at least %zu bytes",
                       HTTP_SERVER_MIN_HEADER_LIMIT);
    struct sockaddr_storage ss;
    bool v6;
    if (fill_addr(host, port, &ss, &v6)) return hb_fail(err, HB_EINPUT, "bad address %s", host);
    http_server *s = calloc(1, sizeof *s);
    if (!s) return hb_fail(err, HB_EINTERNAL, "out of memory");
    s->app = app;
    atomic_init(&s->in_flight, 0);
    atomic_init(&s->started, false);
    if (!(s->d = start_daemon(s, cfg, &ss, port, v6))) {
        rc = hb_fail(err, HB_EINPUT, "cannot listen on %s port %d: %s", host, port,
                     s->start_log[0] ? s->start_log : "the HTTP library refused to start");
        free(s);
        return rc;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(s->url, sizeof s->url, v6 ? "http://[%s]:%u/" : "http://%s:%u/", host,
             di ? (unsigned)di->port : (unsigned)port);
    atomic_store(&s->started, true);
    *out = s;
    return 0;
}

const char *http_server_url(const http_server *s)
{
    return s->url;
}

unsigned http_server_in_flight(const http_server *s)
{
    return atomic_load(&((http_server *)s)->in_flight);
}

unsigned http_server_stop(http_server *s, int wait_ms)
{
    if (!s) return 0;
    MHD_socket listen_fd = MHD_quiesce_daemon(s->d);
    struct timespec tick = {0, 5 * 1000 * 1000};
    for (int waited = 0; atomic_load(&s->in_flight) && waited < wait_ms; waited += 5)
        nanosleep(&tick, NULL);
    unsigned left = atomic_load(&s->in_flight);
    MHD_stop_daemon(s->d);
    if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd);
    free(s);
    return left;
}
