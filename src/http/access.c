/* access: append one entry to the access log before a person's record is served.
 *
 * Group commit: a reader puts its entry in the pending batch. When nobody is
 * writing, it becomes the writer: it takes the whole batch, writes it in one
 * transaction with the queue unlocked (so others keep queueing), publishes the
 * outcome, and goes again while entries are waiting. Everyone waits for the
 * batch that holds their own entry: no read is served before it is logged. */
#include "http/access.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/app.h"
#include "util/hbtime.h"

#define RESULTS 64 /* outcomes of the latest batches, by batch number */

struct access_queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    store_access *pending; /* the batch being filled; owned */
    size_t n, cap;
    uint64_t gen;  /* the number of the batch being filled */
    uint64_t done; /* batches below this are written */
    bool writing;
    int rc[RESULTS];
};

access_queue *access_queue_new(void)
{
    access_queue *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    return q;
}

void access_queue_free(access_queue *q)
{
    if (!q) return;
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q->pending);
    free(q);
}

/* The entry for this read; HB_EINPUT when an id is too long to log whole. */
static int entry(http_call *c, const char *what, const char *id, store_access *a)
{
    memset(a, 0, sizeof *a);
    hbtime_format_utc(hbtime_now(), a->at);
    a->token_id = c->token_id;
    const char *name = c->actor && !strncmp(c->actor, "token:", 6) ? c->actor + 6 : "";
    snprintf(a->token_name, sizeof a->token_name, "%s", name);
    snprintf(a->role, sizeof a->role, "%s", http_role_name(c->role));
    /* Truncating would log a read of some other id: refuse the read instead. */
    if (strlen(what) >= sizeof a->what || strlen(id) >= sizeof a->which) {
        fprintf(stderr, "habeas: access log: \"%s\" id of %zu bytes is too long to log\n", what,
                strlen(id));
        return HB_EINPUT;
    }
    snprintf(a->what, sizeof a->what, "%s", what);
    snprintf(a->which, sizeof a->which, "%s", id);
    return 0;
}

/* Called with q->mu held and q->writing set; writes batches until none waits. */
static void write_batches(http_app *app, access_queue *q)
{
    while (q->n) {
        store_access *batch = q->pending;
        size_t n = q->n;
        uint64_t gen = q->gen++;
        q->pending = NULL;
        q->n = q->cap = 0;
        pthread_mutex_unlock(&q->mu);
        hb_err err = {0};
        pthread_mutex_lock(&app->aux_mu);
        int rc = store_access_append(app->aux, batch, n, &err);
        pthread_mutex_unlock(&app->aux_mu);
        if (rc) fprintf(stderr, "habeas: access log: %s\n", err.msg);
        free(batch);
        pthread_mutex_lock(&q->mu);
        q->rc[gen % RESULTS] = rc ? HB_EINTERNAL : 0;
        q->done = gen + 1;
        pthread_cond_broadcast(&q->cv);
    }
}

int access_record(http_call *c, const char *what, const char *id)
{
    store_access a;
    if (entry(c, what, id, &a)) return HB_EINTERNAL;
    access_queue *q = c->app->access;
    pthread_mutex_lock(&q->mu);
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        store_access *p = realloc(q->pending, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&q->mu);
            return HB_EINTERNAL;
        }
        q->pending = p;
        q->cap = cap;
    }
    q->pending[q->n++] = a;
    uint64_t mine = q->gen;
    if (!q->writing) {
        q->writing = true;
        write_batches(c->app, q);
        q->writing = false;
    }
    /* A batch more than RESULTS behind has had its outcome overwritten; waiting
     * readers wake on every batch, so they are never that far behind. */
    while (q->done <= mine)
        pthread_cond_wait(&q->cv, &q->mu);
    int rc = q->rc[mine % RESULTS];
    pthread_mutex_unlock(&q->mu);
    return rc;
}
