/* app: open and close what the API serves; the read/write lock; the pool of
 * read-only connections.
 *
 * Why a pool: a SQLite connection's prepared statements may be stepped by one
 * thread at a time, so with one connection the readers of stored records queued
 * behind a mutex (GET /v1/persons/{id}: ~5,500 req/s at 2M persons, p99 40-50 ms).
 * Connections are opened on demand, not per request (an open reads the schema
 * and prepares statements), and kept until the app closes. */
#include "http/app.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "http/access.h"
#include "http/findings_open.h"
#include "http/metrics.h"
#include "http/ratelimit.h"
#include "util/hbtime.h"

void http_config_default(http_config *c)
{
    memset(c, 0, sizeof *c);
    c->db = "habeas.db";
    c->body_limit = (size_t)16 << 20;
    c->json_depth = 64;
    c->locate_rate = 60;
}

struct http_readers {
    pthread_mutex_t mu;
    pthread_cond_t freed;
    store **free; /* [0, n_free): idle connections; capacity max */
    size_t n_free, n_open, max;
};

static unsigned default_readers(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 2 ? (unsigned)cores * 2 : 4;
}

/* The pool with one connection open, so a ledger that cannot be read beside the
 * writer refuses the start rather than every later read. Owner: readers_free. */
static int readers_new(const char *db, unsigned max, http_readers **out, hb_err *err)
{
    http_readers *r = calloc(1, sizeof *r);
    if (!r || !(r->free = calloc(max, sizeof *r->free))) {
        free(r);
        return hb_fail(err, HB_EINTERNAL, "out of memory");
    }
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->freed, NULL);
    r->max = max;
    *out = r;
    int rc = store_open(db, STORE_READ, &r->free[0], err);
    if (!rc) r->n_free = r->n_open = 1;
    return rc;
}

static void readers_free(http_readers *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_free; i++)
        store_close(r->free[i]);
    pthread_cond_destroy(&r->freed);
    pthread_mutex_destroy(&r->mu);
    free(r->free);
    free(r);
}

int http_app_reader(http_app *a, store **out, hb_err *err)
{
    http_readers *r = a->readers;
    *out = NULL;
    pthread_mutex_lock(&r->mu);
    while (!r->n_free && r->n_open >= r->max)
        pthread_cond_wait(&r->freed, &r->mu);
    if (r->n_free) {
        *out = r->free[--r->n_free];
        pthread_mutex_unlock(&r->mu);
        return 0;
    }
    r->n_open++; /* counted now, opened outside the mutex */
    pthread_mutex_unlock(&r->mu);
    int rc = store_open(a->cfg.db, STORE_READ, out, err);
    if (rc) {
        pthread_mutex_lock(&r->mu);
        r->n_open--;
        pthread_cond_signal(&r->freed);
        pthread_mutex_unlock(&r->mu);
    }
    return rc;
}

void http_app_reader_end(http_app *a, store *st)
{
    if (!st) return;
    http_readers *r = a->readers;
    pthread_mutex_lock(&r->mu);
    r->free[r->n_free++] = st;
    pthread_cond_signal(&r->freed);
    pthread_mutex_unlock(&r->mu);
}

static int open_parts(http_app *a, hb_err *err)
{
    int rc = findings_open_profile(a->cfg.profile, &a->prof, err);
    if (rc) return rc;
    rc = findings_open_ledger(a->cfg.db, &a->prof, &a->l, &a->f, err);
    if (rc) return rc;
    rc = store_open(a->cfg.db, STORE_OPEN, &a->aux, err);
    if (rc) return rc;
    rc = readers_new(a->cfg.db, a->cfg.readers ? a->cfg.readers : default_readers(), &a->readers,
                     err);
    if (rc) return rc;
    if (!(a->access = access_queue_new()) || !(a->metrics = metrics_new()) ||
        !(a->locate_limit = ratelimit_new(a->cfg.locate_rate)))
        return hb_fail(err, HB_EINTERNAL, "out of memory");
    return 0;
}

int http_app_open(const http_config *cfg, http_app **out, hb_err *err)
{
    *out = NULL;
    http_app *a = calloc(1, sizeof *a);
    if (!a) return hb_fail(err, HB_EINTERNAL, "out of memory");
    a->cfg = *cfg;
    pthread_rwlock_init(&a->lock, NULL);
    pthread_mutex_init(&a->aux_mu, NULL);
    a->started_us = hbtime_now();
    int rc = open_parts(a, err);
    if (rc) {
        http_app_close(a);
        return rc;
    }
    *out = a;
    return 0;
}

void http_app_close(http_app *a)
{
    if (!a) return;
    ratelimit_free(a->locate_limit);
    metrics_free(a->metrics);
    access_queue_free(a->access);
    readers_free(a->readers);
    store_close(a->aux);
    findings_open_close(a->l, a->f);
    if (a->prof.owned) profile_free(&a->prof);
    pthread_mutex_destroy(&a->aux_mu);
    pthread_rwlock_destroy(&a->lock);
    free(a);
}

void http_app_read(http_app *a)
{
    pthread_rwlock_rdlock(&a->lock);
}
void http_app_read_end(http_app *a)
{
    pthread_rwlock_unlock(&a->lock);
}
void http_app_write(http_app *a)
{
    pthread_rwlock_wrlock(&a->lock);
}
void http_app_write_end(http_app *a)
{
    pthread_rwlock_unlock(&a->lock);
}
