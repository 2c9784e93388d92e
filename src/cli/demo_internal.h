/* demo_internal: what the demo's parts share while writing the events in time
 * order: prison (F-CECOT and its population), detainees (F-TX-DC1 and the 261),
 * transfer (agreement, court orders, flights, admission) and aftermath. */
#ifndef HB_CLI_DEMO_INTERNAL_H
#define HB_CLI_DEMO_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "cli/demo.h"
#include "cli/synth.h"
#include "cli/synth_events.h"
#include "cli/synth_json.h"

#define DEMO_PERSONS (DEMO_RESIDENTS + DEMO_TRANSFER_PERSONS)
#define DEMO_CELLS_PER_MODULE 32
#define DEMO_NO_CELL (-1)

/* Offsets of the two places' local times, in minutes. US events use Eastern
 * time, as the court record does. */
#define DEMO_SV_OFFSET (-6 * 60)
#define DEMO_US_OFFSET (-4 * 60)

typedef struct {
    synth_w w;
    synth_rng rng;
    int cap[DEMO_CELLS];  /* certified capacity of each cell */
    int held[DEMO_CELLS]; /* persons placed in it so far */
    /* Where each person is held at F-CECOT: a cell index, DEMO_CELLS + k for
     * segregation unit k, or DEMO_NO_CELL. */
    int16_t cell_of[DEMO_PERSONS];
    bool departed[DEMO_TRANSFER_PERSONS];
    bool cleared[DEMO_TRANSFER_PERSONS]; /* by the rules at the approval (demo_clear) */
    size_t start;                        /* where the demo's events begin in w.b */
} demo_ctx;

/* Person i (0-based over residents then the transfer's persons): "P-000001". */
void demo_person_id(char out[32], int i);
/* Index over all persons of the transfer's person t. */
static inline int demo_tp(int t)
{
    return DEMO_RESIDENTS + t;
}
/* "M1-C01" .. "M8-C32" for cells, "SEG-01" .. for segregation (cell >= DEMO_CELLS). */
void demo_cell_id(char out[16], int cell);
/* A local time string at date y-m-d hh:mm with the given offset. */
void demo_at(char out[32], int y, unsigned m, unsigned d, int hh, int mm, int offset_min);

void demo_prison(demo_ctx *d);    /* F-CECOT, its units and residents */
void demo_detainees(demo_ctx *d); /* F-TX-DC1, its dormitories and the 261 */
void demo_transfer(demo_ctx *d);  /* agreement, holds, transfer, admission at F-CECOT */
void demo_aftermath(demo_ctx *d); /* conditions, count, work, a death */
/* Sets d->cleared: who the rules clear on the transfer at `at`, read from the
 * events written so far as the ledger will read them (the approval may list no
 * one else: the ledger refuses a blocked person's approval). 0, or HB_EINTERNAL
 * (out of memory, or events the ledger would refuse: a generator bug). */
int demo_clear(demo_ctx *d, const char *at);
#endif
