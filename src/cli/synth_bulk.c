#include "cli/synth_bulk.h"
#include <stdio.h>
#include "cli/synth.h"
#include "cli/synth_events.h"
#include "util/err.h"
#include "util/hbtime.h"

#define PERSONS_PER_FACILITY 5000
#define MAX_UNITS 60
#define MIN_EVENTS 100

typedef struct {
    synth_w *w;
    synth_rng rng;
    size_t persons, facilities, units; /* units per facility */
    int64_t capacity;                  /* per unit */
    int32_t day0;
    int64_t tick; /* seconds since day0: one per event, so times only grow */
} bulk;

static const char *at(bulk *b, char out[32])
{
    int64_t t = b->tick++;
    synth_time(out, b->day0 + (int32_t)(t / 86400), (int32_t)(t % 86400), -5 * 60);
    return out;
}

static void fac_id(char out[32], size_t f)
{
    synth_id(out, "F", f + 1, 3);
}
static void unit_id(char out[32], size_t u)
{
    synth_id(out, "U", u + 1, 2);
}
static void person_id(char out[32], size_t p)
{
    synth_id(out, "P", p + 1, 7);
}

static void facilities(bulk *b)
{
    char t[32], f[32], u[32];
    for (size_t i = 0; i < b->facilities; i++) {
        fac_id(f, i);
        synth_w_begin(b->w, "facility.registered", at(b, t));
        synth_w_str(b->w, "facility", f);
        synth_w_str(b->w, "name", f);
        synth_w_str(b->w, "country", "US");
        synth_w_str(b->w, "kind", "detention_center");
        synth_w_int(b->w, "design_capacity", b->capacity * (int64_t)b->units);
        synth_w_end(b->w);
        for (size_t k = 0; k < b->units; k++) {
            unit_id(u, k);
            synth_ev_unit(b->w, at(b, t), f, u, k % 4 ? "dormitory" : "cell", b->capacity,
                          2.5 * (double)b->capacity, b->capacity);
        }
    }
}

static const char *const statuses[] = {"removal_order",   "removal_order",      "removal_order",
                                       "asylum_pending",  "permanent_resident", "none",
                                       "protected_status"};

/* Four events: registration, status, conviction or allegation, admission. */
static void person(bulk *b, size_t i)
{
    char t[32], id[32], f[32], u[32], ref[32];
    synth_person p = {0};
    synth_person_any(&b->rng, &p);
    person_id(id, i);
    synth_ev_person(b->w, at(b, t), id, &p, NULL, NULL);
    const char *st = statuses[synth_below(&b->rng, 7)];
    synth_ev_status(b->w, at(b, t), id, "US", st, NULL, b->day0 - 30, "bench");
    int32_t today = b->day0 + (int32_t)(b->tick / 86400);
    fac_id(f, i % b->facilities);
    unit_id(u, synth_below(&b->rng, (uint32_t)b->units));
    if (synth_chance(&b->rng, 40)) {
        snprintf(ref, sizeof ref, "CR-%zu", i + 1);
        synth_conviction c = {"US", "District Court", ref, "burglary", 0, 1, today - 100, 730};
        synth_ev_conviction(b->w, at(b, t), id, &c);
        synth_ev_admitted(b->w, at(b, t), id, f, u, "sentence", ref, today + 630, HB_DATE_ABSENT);
    } else {
        synth_ev_allegation(b->w, at(b, t), id, "gang_affiliation", "bench", NULL);
        synth_ev_admitted(b->w, at(b, t), id, f, u, "immigration", "INA 236(a)", HB_DATE_ABSENT,
                          today + 90);
    }
}

static void move(bulk *b)
{
    char t[32], id[32], f[32], u[32];
    size_t i = synth_below(&b->rng, (uint32_t)b->persons);
    person_id(id, i);
    fac_id(f, i % b->facilities);
    unit_id(u, synth_below(&b->rng, (uint32_t)b->units));
    synth_ev_moved(b->w, at(b, t), id, f, u);
}

int synth_bulk(synth_w *w, uint64_t seed, size_t n, synth_bulk_stats *stats)
{
    if (n < MIN_EVENTS) n = MIN_EVENTS;
    bulk b = {.w = w, .persons = n / 10, .day0 = synth_date(2024, 1, 1)};
    synth_seed(&b.rng, seed);
    b.facilities = (b.persons + PERSONS_PER_FACILITY - 1) / PERSONS_PER_FACILITY;
    size_t per_fac = (b.persons + b.facilities - 1) / b.facilities;
    b.units = per_fac / 10 < MAX_UNITS ? (per_fac / 10 ? per_fac / 10 : 1) : MAX_UNITS;
    /* A fifth of spare room, so random placement rarely overfills a unit. */
    b.capacity = (int64_t)(per_fac * 6 / 5 / b.units + 1);
    size_t releases = b.persons / 10;
    size_t fixed = b.facilities * (1 + b.units) + 4 * b.persons + releases;
    size_t moves = n > fixed ? n - fixed : 0;

    facilities(&b);
    for (size_t i = 0; i < b.persons; i++)
        person(&b, i);
    for (size_t k = 0; k < moves; k++)
        move(&b);
    char t[32], id[32];
    for (size_t i = 0; i < releases; i++) {
        person_id(id, i * 10 + 9);
        synth_ev_released(w, at(&b, t), id, "bond granted", NULL);
    }
    if (stats)
        *stats = (synth_bulk_stats){w->events, b.persons, b.facilities, b.facilities * b.units,
                                    moves,     releases};
    return w->rc;
}
