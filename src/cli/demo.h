/* demo: a ledger modelled on the case in DESIGN.md ("The problem it solves").
 *
 * A mega-prison in El Salvador (F-CECOT: 256 cells of 80 to 100, about 15,000
 * held), a US detention centre (F-TX-DC1) holding the 261 people of one transfer,
 * the fee agreement between the two states, the court orders placed that day, and
 * the transfer itself: proposed, approved, two flights, arrival, admission, and
 * the conditions observed afterwards. See docs/demo.md.
 *
 * The events are written as JSON Lines and imported with ledger_import (actor
 * "demo"), the same path as a user's file. Everything but the ledger's
 * recorded_at is a function of the seed: the same seed gives byte-identical
 * events. The structure (ids, counts, who holds which status) is fixed; the seed
 * draws names, birth dates, sentences and cell assignments. */
#ifndef HB_CLI_DEMO_H
#define HB_CLI_DEMO_H
#include <stddef.h>
#include <stdint.h>
#include "ledger/ledger.h"
#include "util/buf.h"
#include "util/err.h"

#define DEMO_DEFAULT_SEED 20250315u
#define DEMO_ACTOR "demo"

#define DEMO_PRISON "F-CECOT"
#define DEMO_CENTER "F-TX-DC1"
#define DEMO_AGREEMENT "AG-US-SV-2025"
#define DEMO_TRANSFER "T-2025-0315"
#define DEMO_AUTHORITY "AEA-Proclamation-2025"

#define DEMO_CELLS 256            /* 8 modules of 32 cells */
#define DEMO_SEGREGATION 8        /* single segregation cells */
#define DEMO_DORMS 10             /* at F-TX-DC1 */
#define DEMO_RESIDENTS 15000      /* already held at F-CECOT: P-000001 .. P-015000 */
#define DEMO_TRANSFER_PERSONS 261 /* P-015001 .. P-015261 */
#define DEMO_NOT_DEPARTED 3       /* taken off the transfer (cancelled) before the flights */
#define DEMO_DEATHS 1
/* A Salvadoran whom an immigration judge protected from removal to El Salvador
 * (withholding of removal), on the transfer all the same. */
#define DEMO_PROTECTED_PERSON "P-015239"
/* The one US citizen among the 261. */
#define DEMO_CITIZEN "P-015238"

/* Appends the demo's events (JSON Lines) to out; *events gets their number.
 * 0, or HB_EINTERNAL on out of memory (out then holds a partial text; the owner
 * still frees it). */
int demo_events(buf *out, uint64_t seed, size_t *events);

/* Imports the demo into l (normally empty: ids would clash otherwise). *events
 * (may be NULL) gets the number imported. 0, or HB_EINTERNAL with err saying why
 * (a refused demo event is a bug in the generator, and err quotes the refusal). */
int demo_build(ledger *l, uint64_t seed, int64_t *events, hb_err *err);
#endif
