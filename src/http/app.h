/* app: what the running API holds (app.c): the ledger with its findings, the
 * lock that lets reads run together while appends run alone, the token store,
 * the metrics and the locator's rate limit. One per `habeas serve`; tests make
 * one over a temporary ledger and call http_dispatch on it.
 *
 * Locking: handlers that read state take http_app_read / http_app_read_end;
 * POST /v1/events takes http_app_write / _end around the batch (check, apply,
 * durable commit), so a 201 is sent only once the events are durable and every
 * later read sees them.
 *
 * Reads of stored records (an entity's history, GET /v1/events, ?at= states) go
 * through read-only connections to the same database (STORE_READ), one per
 * reading thread at a time, taken from a pool with http_app_reader and given
 * back with http_app_reader_end, inside the read lock: readers read the log in
 * parallel, and no write is in progress while they do, so each sees every
 * record the state holds. The transparency log's routes (api_log.c) take a
 * reader without the read lock: they read only the tree, heads and size, which
 * are append-only, so any committed size reads the same whenever it is read. */
#ifndef HB_HTTP_APP_H
#define HB_HTTP_APP_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "http/http.h"
#include "ledger/ledger.h"
#include "rules/findings.h"
#include "rules/profile.h"
#include "util/err.h"

typedef struct {
    const char *db;      /* ledger URI */
    const char *profile; /* built-in name or file; NULL: the default */
    size_t body_limit;   /* bytes; default 16 MiB */
    int json_depth;      /* max nesting of a request body; default 64 */
    int locate_rate;     /* per minute per address; 0: no limit; default 60 */
    unsigned readers;    /* read-only connections, at most; 0: two per core, at least 4 */
} http_config;

void http_config_default(http_config *c);

typedef struct http_metrics http_metrics; /* metrics.h */
typedef struct ratelimit ratelimit;       /* ratelimit.h */
typedef struct token_cache token_cache;   /* tokens.c */
typedef struct http_readers http_readers; /* app.c */

struct http_app {
    http_config cfg;
    ledger *l;
    findings *f;
    profile prof;
    pthread_rwlock_t lock;
    store *aux; /* a second connection to the same database: tokens and the
                   access log, never the event log; guarded by aux_mu */
    pthread_mutex_t aux_mu;
    http_readers *readers;       /* the read-only connections' pool */
    struct access_queue *access; /* group commit of the access log (access.c) */
    http_metrics *metrics;
    ratelimit *locate_limit;
    int64_t started_us;
};

/* Opens the ledger (replaying it into state and findings) and everything else.
 * 0; HB_EINPUT (no ledger there, a bad profile: err says), HB_EINTERNAL. Owner
 * calls http_app_close. */
int http_app_open(const http_config *cfg, http_app **out, hb_err *err);
void http_app_close(http_app *a);

void http_app_read(http_app *a);
void http_app_read_end(http_app *a);
void http_app_write(http_app *a);
void http_app_write_end(http_app *a);
/* A read-only connection for this thread's reads of the stored log, opened when
 * none is free and fewer than cfg.readers are open, else waited for; the caller
 * holds the read lock (unless it reads only what appends never change, as
 * above) and gives it back with http_app_reader_end. 0, or
 * HB_EINTERNAL (a connection could not be opened: err says). */
int http_app_reader(http_app *a, store **out, hb_err *err);
void http_app_reader_end(http_app *a, store *st);
#endif
