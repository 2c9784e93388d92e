/* http: the HTTP API's request and response, independent of the server library.
 *
 * server.c (libmicrohttpd) turns each request into an http_req, calls
 * http_dispatch, and sends the http_resp back. Everything else (routing, auth,
 * handlers) only sees these structs, so tests call http_dispatch in-process, and
 * the integration tests talk real HTTP to `habeas serve`.
 *
 * dispatch: match the route (404 unknown path; 405 with Allow for a known path
 * and another method), authenticate the Bearer token (401 for a token that is
 * malformed, unknown or revoked; no token is the public role), authorise the role
 * for the route (403), then call the route's handler. Errors are RFC 9457
 * problem details (application/problem+json) made with http_problem. */
#ifndef HB_HTTP_H
#define HB_HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"

typedef enum {
    ROLE_PUBLIC, /* no token */
    ROLE_ADMIN,
    ROLE_RECORDS,
    ROLE_TRANSPORT,
    ROLE_COURT,
    ROLE_INSPECTOR,
    ROLE__COUNT
} http_role;

/* "public", "admin", ... ; role by name or -1. */
const char *http_role_name(http_role r);
int http_role_of(const char *name);

typedef struct {
    const char *name, *value; /* percent-decoded */
} http_param;

typedef struct {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* "/v1/persons/P-1": without the query, percent-decoded */
    const http_param *query;
    size_t n_query;
    const char *authorization; /* the Authorization header, or NULL */
    const char *client;        /* the peer's address, "127.0.0.1" */
    const char *body;          /* NUL-terminated (body[body_len] == 0); may be NULL */
    size_t body_len;
} http_req;

/* The first value of a query parameter, or NULL. */
const char *http_query(const http_req *r, const char *name);

/* A decimal query parameter in [min, max] into *v, def when absent. 0, or -1
 * after setting a 400 "invalid-parameter" problem naming it on out. */
struct http_resp;
int http_query_int(const http_req *r, struct http_resp *out, const char *name, int64_t def,
                   int64_t min, int64_t max, int64_t *v);

#define HTTP_ALLOW_MAX 64
typedef struct http_resp {
    int status;                 /* 0 until set */
    const char *content_type;   /* static string */
    buf body;                   /* owned: http_resp_free */
    char allow[HTTP_ALLOW_MAX]; /* Allow header ("GET, POST") or "" */
    int retry_after;            /* Retry-After seconds, 0 for none */
    const char *route;          /* the matched route's pattern, for metrics ("/v1/persons/{id}"),
                                   or "unmatched" */
} http_resp;

void http_resp_init(http_resp *r);
void http_resp_free(http_resp *r);

/* A JSON body (json_t *, released). 0 or HB_EINTERNAL (then a 500 problem is set). */
struct json_t;
int http_json(http_resp *out, int status, struct json_t *j);

/* An RFC 9457 problem: {"type": "https://habeas.invalid/problems/<slug>" ... }
 * Type URIs are stable per error (docs/http.md lists them; the host is a
 * reserved, never-resolving name on purpose); "field" (the JSON path or query
 * parameter at fault) and "expected" are added when given (NULL: left out);
 * detail is printf-style. Always returns 0 so handlers can `return http_problem(...)`. */
int http_problem(http_resp *out, int status, const char *slug, const char *title, const char *field,
                 const char *expected, const char *detail_fmt, ...)
    __attribute__((format(printf, 7, 8)));

typedef struct http_app http_app; /* app.h */

/* What a handler gets: the app, the request, the path parameters ({id}, in order),
 * and who is asking. */
#define HTTP_MAX_PARAMS 2
typedef struct {
    http_app *app;
    const http_req *req;
    const char *params[HTTP_MAX_PARAMS];
    http_role role;
    int64_t token_id;  /* 0 for the public */
    const char *actor; /* "token:<name>" or "public": recorded on appends and reads */
    int route;         /* index into the route table (routes.h) */
} http_call;

/* Fills out; 0, or HB_EINTERNAL after setting a 500 problem (dispatch logs it). */
typedef int (*http_handler)(http_call *c, http_resp *out);

/* Never fails: out always gets a status and a body. Thread-safe (handlers take
 * the app's lock themselves: readers shared, the one writer exclusive). */
void http_dispatch(http_app *app, const http_req *req, http_resp *out);
#endif
