/* synth_events: writers for the events the demo and the bench both generate in
 * bulk. Each appends one JSON line to w (see synth_json.h for error handling).
 * at is an RFC 3339 time with offset (synth_time); dates are days since
 * 1970-01-01, HB_DATE_ABSENT leaves an optional date out; NULL leaves an optional
 * string out. Enum values are the catalogue's names ("cell", "sentence" ...). */
#ifndef HB_CLI_SYNTH_EVENTS_H
#define HB_CLI_SYNTH_EVENTS_H
#include <stdint.h>
#include "cli/synth.h"
#include "cli/synth_json.h"

/* Identifiers: one scheme -> value pair, or none when scheme is NULL. */
void synth_ev_person(synth_w *w, const char *at, const char *person, const synth_person *p,
                     const char *scheme, const char *value);
void synth_ev_unit(synth_w *w, const char *at, const char *facility, const char *unit,
                   const char *kind, int64_t capacity, double floor_area_m2, int64_t beds);
void synth_ev_status(synth_w *w, const char *at, const char *person, const char *jurisdiction,
                     const char *status, const char *country, int32_t valid_from,
                     const char *source);
typedef struct {
    const char *jurisdiction, *court, *case_, *offense;
    int violent, final;
    int32_t date;
    int64_t sentence_days;
} synth_conviction;
void synth_ev_conviction(synth_w *w, const char *at, const char *person, const synth_conviction *c);
void synth_ev_allegation(synth_w *w, const char *at, const char *person, const char *kind,
                         const char *source, const char *detail);
void synth_ev_admitted(synth_w *w, const char *at, const char *person, const char *facility,
                       const char *unit, const char *basis, const char *reference, int32_t until,
                       int32_t review_by);
void synth_ev_moved(synth_w *w, const char *at, const char *person, const char *facility,
                    const char *unit);
void synth_ev_released(synth_w *w, const char *at, const char *person, const char *reason,
                       const char *released_to);
#endif
