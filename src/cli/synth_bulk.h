/* synth_bulk: a large, valid event stream for benchmarks and load tests.
 *
 * About one person per ten events: facilities of 60 units, and for each person a
 * registration, a status, a conviction or an allegation and an admission; then
 * moves between units of the same facility until the requested count, and one
 * person in ten released at the end. Every event passes state_check in order, so
 * the stream imports cleanly into an empty ledger. Deterministic for a seed. */
#ifndef HB_CLI_SYNTH_BULK_H
#define HB_CLI_SYNTH_BULK_H
#include <stddef.h>
#include <stdint.h>
#include "cli/synth_json.h"

typedef struct {
    size_t events, persons, facilities, units, moves, releases;
} synth_bulk_stats;

/* Appends exactly n events (n >= 100; fewer are rounded up to 100) to w.
 * 0, or HB_EINTERNAL on out of memory. stats may be NULL. */
int synth_bulk(synth_w *w, uint64_t seed, size_t n, synth_bulk_stats *stats);
#endif
