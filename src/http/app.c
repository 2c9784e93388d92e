/* app: open and close what the API serves; the read/write lock. */
#include "http/app.h"
#include <stdlib.h>
#include <string.h>
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

static int open_parts(http_app *a, hb_err *err)
{
    int rc = findings_open_profile(a->cfg.profile, &a->prof, err);
    if (rc) return rc;
    rc = findings_open_ledger(a->cfg.db, &a->prof, &a->l, &a->f, err);
    if (rc) return rc;
    rc = store_open(a->cfg.db, STORE_OPEN, &a->aux, err);
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
    pthread_mutex_init(&a->log_mu, NULL);
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
    store_close(a->aux);
    findings_open_close(a->l, a->f);
    if (a->prof.owned) profile_free(&a->prof);
    pthread_mutex_destroy(&a->aux_mu);
    pthread_mutex_destroy(&a->log_mu);
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
void http_app_log(http_app *a)
{
    pthread_mutex_lock(&a->log_mu);
}
void http_app_log_end(http_app *a)
{
    pthread_mutex_unlock(&a->log_mu);
}
