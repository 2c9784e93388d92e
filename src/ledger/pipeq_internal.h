/* pipeq: a small blocking queue of pointers between two threads, for the pipelines
 * of import (main thread -> SQLite writer) and replay (reader -> main thread).
 * Items are buffers that circulate between a "full" and a "free" queue, so the
 * queue never holds more than the buffers in play: push never blocks. */
#ifndef HB_PIPEQ_INTERNAL_H
#define HB_PIPEQ_INTERNAL_H
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define PIPEQ_CAP 8

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void *items[PIPEQ_CAP];
    size_t head, n;
    bool closed;
} pipeq;

/* 0, or HB_EINTERNAL when the mutex or condition cannot be made. Owner: pipeq_destroy. */
int pipeq_init(pipeq *q);
void pipeq_destroy(pipeq *q);
/* Never blocks: callers keep at most PIPEQ_CAP items in play. HB_EINTERNAL if full
 * (a bug in the caller). */
int pipeq_push(pipeq *q, void *item);
/* Waits for an item; NULL once the queue is closed and empty. */
void *pipeq_pop(pipeq *q);
/* No more pushes: wakes every waiter. */
void pipeq_close(pipeq *q);
#endif
