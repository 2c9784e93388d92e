/* synth: deterministic synthetic data for the demo and the benchmarks.
 *
 * A seeded PRNG (splitmix64: one 64-bit word of state, passes BigCrush, and the
 * same sequence on every platform) and synthetic people whose names exercise what
 * the locator must handle: Latin American given names with accents and double
 * family names ("José Ángel" / "García Pérez"), and a few names with letters that
 * do not decompose to ASCII (ł ø æ đ ı ß). The same seed always yields the same
 * people. Nothing here allocates; writing events is synth_json.h. */
#ifndef HB_CLI_SYNTH_H
#define HB_CLI_SYNTH_H
#include <stdint.h>

typedef struct {
    uint64_t s;
} synth_rng;

void synth_seed(synth_rng *r, uint64_t seed);
uint64_t synth_next(synth_rng *r);
/* Uniform in 0 .. n-1 (n > 0), without modulo bias worth noticing (n << 2^64). */
uint32_t synth_below(synth_rng *r, uint32_t n);
/* Uniform in lo .. hi inclusive (lo <= hi). */
int64_t synth_range(synth_rng *r, int64_t lo, int64_t hi);
/* 1 with probability percent/100. */
int synth_chance(synth_rng *r, unsigned percent);

typedef struct {
    char given[96];     /* UTF-8, e.g. "José Ángel" */
    char family[128];   /* UTF-8, e.g. "García Pérez" or "Peña" */
    int32_t birth_date; /* days since 1970-01-01 */
    char birth_country[3];
    char nationality[3];
} synth_person;

/* A Latin American man born and a national of country (e.g. "VE", "SV"), aged
 * about 18 to 55 in 2025; most have two family names. */
void synth_person_latam(synth_rng *r, const char *country, synth_person *p);
/* Someone from elsewhere (PL, NO, DK, HR, TR, DE, VN) with a name in that
 * country's letters. */
void synth_person_other(synth_rng *r, synth_person *p);
/* Mostly Latin American (country drawn from VE SV HN GT MX CO NI EC), one in
 * twenty synth_person_other. */
void synth_person_any(synth_rng *r, synth_person *p);

/* Local civil time with a UTC offset in minutes: "2025-03-15T17:25:00-04:00".
 * day: days since 1970-01-01; sec: seconds into that day (0 .. 86399). */
void synth_time(char out[32], int32_t day, int32_t sec, int offset_min);
/* Days since 1970-01-01 of a calendar date. */
int32_t synth_date(int y, unsigned m, unsigned d);
#endif
