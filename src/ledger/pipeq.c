/* pipeq: see pipeq_internal.h. */
#include "ledger/pipeq_internal.h"
#include "util/err.h"

int pipeq_init(pipeq *q)
{
    q->head = q->n = 0;
    q->closed = false;
    if (pthread_mutex_init(&q->mu, NULL) != 0) return HB_EINTERNAL;
    if (pthread_cond_init(&q->cv, NULL) != 0) {
        pthread_mutex_destroy(&q->mu);
        return HB_EINTERNAL;
    }
    return 0;
}

void pipeq_destroy(pipeq *q)
{
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
}

int pipeq_push(pipeq *q, void *item)
{
    int rc = HB_EINTERNAL; /* more buffers in play than the queue holds: a bug */
    pthread_mutex_lock(&q->mu);
    if (q->n < PIPEQ_CAP) {
        q->items[(q->head + q->n++) % PIPEQ_CAP] = item;
        pthread_cond_signal(&q->cv);
        rc = 0;
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

void *pipeq_pop(pipeq *q)
{
    void *item = NULL;
    pthread_mutex_lock(&q->mu);
    while (q->n == 0 && !q->closed)
        pthread_cond_wait(&q->cv, &q->mu);
    if (q->n) {
        item = q->items[q->head];
        q->head = (q->head + 1) % PIPEQ_CAP;
        q->n--;
    }
    pthread_mutex_unlock(&q->mu);
    return item;
}

void pipeq_close(pipeq *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}
