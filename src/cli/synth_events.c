#include "cli/synth_events.h"
#include <stdint.h>

void synth_ev_person(synth_w *w, const char *at, const char *person, const synth_person *p,
                     const char *scheme, const char *value)
{
    synth_w_begin(w, "person.registered", at);
    synth_w_str(w, "person", person);
    synth_w_str(w, "given_names", p->given);
    synth_w_str(w, "family_names", p->family);
    synth_w_date(w, "birth_date", p->birth_date);
    synth_w_str(w, "birth_country", p->birth_country);
    synth_w_array(w, "nationalities");
    synth_w_str(w, NULL, p->nationality);
    synth_w_close(w, ']');
    if (scheme) {
        synth_w_object(w, "identifiers");
        synth_w_str(w, scheme, value);
        synth_w_close(w, '}');
    }
    synth_w_end(w);
}

void synth_ev_unit(synth_w *w, const char *at, const char *facility, const char *unit,
                   const char *kind, int64_t capacity, double floor_area_m2, int64_t beds)
{
    synth_w_begin(w, "unit.certified", at);
    synth_w_str(w, "facility", facility);
    synth_w_str(w, "unit", unit);
    synth_w_str(w, "kind", kind);
    synth_w_int(w, "capacity", capacity);
    synth_w_num(w, "floor_area_m2", floor_area_m2);
    synth_w_int(w, "beds", beds);
    synth_w_end(w);
}

void synth_ev_status(synth_w *w, const char *at, const char *person, const char *jurisdiction,
                     const char *status, const char *country, int32_t valid_from,
                     const char *source)
{
    synth_w_begin(w, "status.recorded", at);
    synth_w_str(w, "person", person);
    synth_w_str(w, "jurisdiction", jurisdiction);
    synth_w_str(w, "status", status);
    synth_w_str(w, "country", country);
    synth_w_date(w, "valid_from", valid_from);
    synth_w_str(w, "source", source);
    synth_w_end(w);
}

void synth_ev_conviction(synth_w *w, const char *at, const char *person, const synth_conviction *c)
{
    synth_w_begin(w, "conviction.recorded", at);
    synth_w_str(w, "person", person);
    synth_w_str(w, "jurisdiction", c->jurisdiction);
    synth_w_str(w, "court", c->court);
    synth_w_str(w, "case", c->case_);
    synth_w_str(w, "offense", c->offense);
    synth_w_bool(w, "violent", c->violent);
    synth_w_bool(w, "final", c->final);
    synth_w_date(w, "date", c->date);
    synth_w_int(w, "sentence_days", c->sentence_days);
    synth_w_end(w);
}

void synth_ev_allegation(synth_w *w, const char *at, const char *person, const char *kind,
                         const char *source, const char *detail)
{
    synth_w_begin(w, "allegation.recorded", at);
    synth_w_str(w, "person", person);
    synth_w_str(w, "kind", kind);
    synth_w_str(w, "source", source);
    synth_w_str(w, "detail", detail);
    synth_w_end(w);
}

void synth_ev_admitted(synth_w *w, const char *at, const char *person, const char *facility,
                       const char *unit, const char *basis, const char *reference, int32_t until,
                       int32_t review_by)
{
    synth_w_begin(w, "custody.admitted", at);
    synth_w_str(w, "person", person);
    synth_w_str(w, "facility", facility);
    synth_w_str(w, "unit", unit);
    synth_w_object(w, "basis");
    synth_w_str(w, "kind", basis);
    synth_w_str(w, "reference", reference);
    synth_w_date(w, "until", until);
    synth_w_date(w, "review_by", review_by);
    synth_w_close(w, '}');
    synth_w_end(w);
}

void synth_ev_moved(synth_w *w, const char *at, const char *person, const char *facility,
                    const char *unit)
{
    synth_w_begin(w, "custody.moved", at);
    synth_w_str(w, "person", person);
    synth_w_str(w, "facility", facility);
    synth_w_str(w, "unit", unit);
    synth_w_end(w);
}

void synth_ev_released(synth_w *w, const char *at, const char *person, const char *reason,
                       const char *released_to)
{
    synth_w_begin(w, "custody.released", at);
    synth_w_str(w, "person", person);
    synth_w_str(w, "reason", reason);
    synth_w_str(w, "released_to", released_to);
    synth_w_end(w);
}
