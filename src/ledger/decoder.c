/* decoder: the first stage of an import. A thread splits the input into lines and
 * decodes them a block at a time ahead of the caller, which checks, applies and
 * stages them in order (decoding is a third of an import's work on the calling
 * thread, and the second core has room for it beside the store writer).
 *
 * Decoding is pure, so the thread keeps no messages: a line it could not decode is
 * decoded again by the caller with its own error list, which gives the same
 * messages, in the same order, as decoding on one thread. */
#include <stdlib.h>
#include <string.h>
#include "ledger/ledger_internal.h"
#include "model/codec.h"

int lines_next(lines *ls)
{
    while (ls->pos < ls->n) {
        const char *start = ls->data + ls->pos;
        const char *nl = memchr(start, '\n', ls->n - ls->pos);
        size_t len = nl ? (size_t)(nl - start) : ls->n - ls->pos;
        ls->pos += len + (nl != NULL);
        ls->lineno++;
        if (len && start[len - 1] == '\r') len--;
        size_t i = 0;
        while (i < len && (start[i] == ' ' || start[i] == '\t' || start[i] == '\r'))
            i++;
        if (i == len) continue;
        ls->s = start;
        ls->len = len;
        return 1;
    }
    return 0;
}

/* Fills b with the next lines and decodes them; false once the input is done. */
static bool fill(decoder *d, dec_block *b)
{
    arena_reset(&b->a);
    b->n = 0;
    while (b->n < DEC_LINES && lines_next(&d->ls)) {
        dec_line *ln = &b->line[b->n++];
        ln->s = d->ls.s;
        ln->len = d->ls.len;
        ln->lineno = d->ls.lineno;
        ln->rc = event_decode(ln->s, ln->len, &b->a, &b->ev[b->n - 1], NULL, NULL);
    }
    return b->n > 0;
}

static void *decoder_main(void *arg)
{
    decoder *d = arg;
    dec_block *b;
    while (!atomic_load(&d->stop) && (b = pipeq_pop(&d->free))) {
        if (atomic_load(&d->stop) || !fill(d, b) || pipeq_push(&d->full, b)) break;
    }
    pipeq_close(&d->full);
    return NULL;
}

static void free_blocks(decoder *d)
{
    for (int i = 0; i < DEC_BLOCKS; i++) {
        if (!d->blocks[i]) continue;
        arena_free(&d->blocks[i]->a);
        free(d->blocks[i]);
        d->blocks[i] = NULL;
    }
}

int decoder_start(decoder *d, const char *data, size_t n)
{
    memset(d, 0, sizeof *d);
    d->ls.data = data;
    d->ls.n = n;
    atomic_init(&d->stop, false);
    for (int i = 0; i < DEC_BLOCKS; i++) {
        if (!(d->blocks[i] = malloc(sizeof *d->blocks[i]))) {
            free_blocks(d);
            return HB_EINTERNAL;
        }
        arena_init(&d->blocks[i]->a, DEC_ARENA);
    }
    if (pipeq_init(&d->full)) {
        free_blocks(d);
        return HB_EINTERNAL;
    }
    if (pipeq_init(&d->free)) {
        pipeq_destroy(&d->full);
        free_blocks(d);
        return HB_EINTERNAL;
    }
    for (int i = 0; i < DEC_BLOCKS; i++)
        pipeq_push(&d->free, d->blocks[i]);
    if (pthread_create(&d->thread, NULL, decoder_main, d) != 0) {
        pipeq_destroy(&d->full);
        pipeq_destroy(&d->free);
        free_blocks(d);
        return HB_EINTERNAL;
    }
    return 0;
}

dec_block *decoder_next(decoder *d)
{
    return pipeq_pop(&d->full);
}

int decoder_done(decoder *d, dec_block *b)
{
    return pipeq_push(&d->free, b);
}

void decoder_stop(decoder *d)
{
    atomic_store(&d->stop, true);
    pipeq_close(&d->free); /* wakes the thread if it waits for a block */
    pthread_join(d->thread, NULL);
    pipeq_destroy(&d->full);
    pipeq_destroy(&d->free);
    free_blocks(d);
}
