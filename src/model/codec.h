/* codec: JSON bytes <-> typed events and records.
 *
 * Decoding is shape validation (DESIGN.md "Events are validated in two steps",
 * step one): JSON syntax, valid UTF-8, no duplicate keys, no unknown fields, every
 * required field, types, formats (RFC 3339 with offset, YYYY-MM-DD, ISO 3166-1
 * alpha-2, ISO 4217, ids), enum values, non-negative integers <= 2^53-1. It does
 * not look at references (state_check does).
 *
 * Why not jansson here: json_loadb alone runs at about 330,000 events/s on the
 * bench machine, the whole import budget; the schema-driven decoder fills the
 * typed struct in one pass. jansson is used for every other JSON (output, HTTP).
 *
 * Errors are appended to errs as "where: <type>.<path>: <what was expected>, found
 * <what>" (e.g. "events.jsonl:3: unit.certified.capacity: expected a non-negative
 * integer, found "12" (a string)"). All errors of one line are reported. */
#ifndef HB_CODEC_H
#define HB_CODEC_H
#include <stddef.h>
#include "model/event.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

/* One bare event (one line of an import). A ledger record given instead is
 * refused with a message that says to use `habeas restore`. Strings in *ev point
 * into arena a. Returns 0 or HB_EINPUT (errs filled), HB_EINTERNAL on OOM. */
int event_decode(const char *json, size_t n, arena *a, event *ev, hb_errlist *errs,
                 const char *where);

/* A record: {"actor","event","hash"?,"recorded_at","seq"}. The stored form has no
 * "hash"; export lines do (64 lower-case hex digits, sets r->has_hash). */
int record_decode(const char *json, size_t n, arena *a, record *r, hb_errlist *errs,
                  const char *where);

/* RFC 8785 canonical bytes, appended to out (no newline). */
int event_canonical(buf *out, const event *ev);
/* {"actor":..,"event":{..},"recorded_at":..,"seq":N}: the bytes the leaf hash covers. */
int record_canonical(buf *out, const record *r);
/* The export line: the canonical record with "hash":"<hex of r->hash>" added
 * (keys still in canonical order), no newline. */
int record_export(buf *out, const record *r);

/* RFC 8785 string and number forms, for other writers. */
int canon_string(buf *out, const char *s, size_t n);
int canon_number(buf *out, double v);
#endif
