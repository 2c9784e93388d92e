/* bench_http_gen: the data of the HTTP benchmark (bench/bench_http.sh).
 *
 *   bench_http_gen --dir DIR [--persons N] [--queries N] [--seed N]
 *
 * Writes three files into DIR:
 *   events.jsonl   facilities, units, and for each person a registration and an
 *                  admission; one person in ten released at the end, so the
 *                  locator answers all three of its statuses;
 *   locate.txt     request paths for the locator, one a line, for persons that
 *                  exist: "/v1/locate?family=...&given=...&birth_country=..";
 *   persons.txt    request paths "/v1/persons/P-0000042" of random persons.
 * Names come from synth_person_any (accents, double family names, ł ø æ đ ı ß).
 * Deterministic for a seed. With no arguments it prints its usage and exits 0,
 * so running every bench_* blindly is harmless. Exit 0, 1 on an I/O or memory
 * failure, 2 for bad usage. See docs/bench.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/synth.h"
#include "cli/synth_events.h"
#include "cli/synth_json.h"
#include "util/err.h"
#include "util/hbtime.h"

#define FACILITIES 20
#define UNITS 50
#define FLUSH_EVERY 20000 /* persons between writes of the JSON buffer */

static const char USAGE[] =
    "usage: bench_http_gen --dir DIR [--persons N] [--queries N] [--seed N]\n"
    "\n"
    "Writes DIR/events.jsonl (N persons, each registered and admitted, one in ten\n"
    "released), DIR/locate.txt (locator request paths of existing persons) and\n"
    "DIR/persons.txt (/v1/persons/{id} paths), for bench/bench_http.sh.\n"
    "\n"
    "  --persons N   persons to generate (default 2000000)\n"
    "  --queries N   lines in each of locate.txt and persons.txt (default 100000)\n"
    "  --seed N      seed of the synthetic data (default 1)\n";

typedef struct {
    const char *dir;
    size_t persons, queries;
    unsigned long long seed;
} gen_opts;

typedef struct {
    synth_w w;
    synth_rng rng;
    FILE *out;
    int32_t day0;
    int64_t tick;     /* seconds since day0, one per event, so times only grow */
    int64_t capacity; /* per unit */
} gen;

static const char *at(gen *g, char out[32])
{
    int64_t t = g->tick++;
    synth_time(out, g->day0 + (int32_t)(t / 86400), (int32_t)(t % 86400), -5 * 60);
    return out;
}

/* Writes what the buffer holds and empties it: 2,000,000 persons make about
 * 700 MB of JSON, which need not sit in memory at once. */
static int flush(gen *g)
{
    if (g->w.rc) return HB_EINTERNAL;
    if (g->w.b.len && fwrite(g->w.b.p, 1, g->w.b.len, g->out) != g->w.b.len) return HB_EINTERNAL;
    buf_clear(&g->w.b);
    return HB_OK;
}

static void facilities(gen *g)
{
    char t[32], f[32], u[32], name[64], contact[96];
    for (int i = 0; i < FACILITIES; i++) {
        synth_id(f, "F", (uint64_t)i + 1, 3);
        snprintf(name, sizeof name, "Bench Processing Center %d", i + 1);
        snprintf(contact, sizeof contact, "Records office, +1 555 01%02d (bench)", i);
        synth_w_begin(&g->w, "facility.registered", at(g, t));
        synth_w_str(&g->w, "facility", f);
        synth_w_str(&g->w, "name", name);
        synth_w_str(&g->w, "country", "US");
        synth_w_str(&g->w, "kind", "detention_center");
        synth_w_str(&g->w, "contact", contact);
        synth_w_int(&g->w, "design_capacity", g->capacity * UNITS);
        synth_w_end(&g->w);
        for (int k = 0; k < UNITS; k++) {
            synth_id(u, "U", (uint64_t)k + 1, 2);
            synth_ev_unit(&g->w, at(g, t), f, u, "dormitory", g->capacity,
                          3.5 * (double)g->capacity, g->capacity);
        }
    }
}

/* Round robin over facilities and units, so no unit is ever over capacity. */
static void person(gen *g, size_t i)
{
    char t[32], id[32], f[32], u[32], ref[32];
    synth_person p = {0};
    synth_person_any(&g->rng, &p);
    synth_id(id, "P", i + 1, 7);
    synth_id(f, "F", i % FACILITIES + 1, 3);
    synth_id(u, "U", (i / FACILITIES) % UNITS + 1, 2);
    snprintf(ref, sizeof ref, "A-%zu", i + 1);
    synth_ev_person(&g->w, at(g, t), id, &p, NULL, NULL);
    int32_t today = g->day0 + (int32_t)(g->tick / 86400);
    synth_ev_admitted(&g->w, at(g, t), id, f, u, "immigration", ref, HB_DATE_ABSENT, today + 90);
}

static int write_events(gen *g, size_t persons)
{
    char t[32], id[32];
    facilities(g);
    for (size_t i = 0; i < persons; i++) {
        person(g, i);
        if (i % FLUSH_EVERY == 0 && flush(g)) return HB_EINTERNAL;
    }
    for (size_t i = 9; i < persons; i += 10) {
        synth_id(id, "P", i + 1, 7);
        synth_ev_released(&g->w, at(g, t), id, "bond granted", NULL);
        if (i % (FLUSH_EVERY * 10) == 9 && flush(g)) return HB_EINTERNAL;
    }
    return flush(g);
}

/* The Spanish accented letters (two-byte UTF-8, lead byte C3) as a person typing
 * without accents would: "Pérez" -> "Perez", in place (the text only shrinks).
 * Other letters are left for the server to fold. */
static void strip_accents(char *s)
{
    static const char *const from = "\xa1\xa9\xad\xb3\xba\xb1\xbc\x81\x89\x8d\x93\x9a\x91\x9c";
    static const char *const to = "aeiounuAEIOUNU";
    char *out = s;
    for (; *s; s++) {
        const char *hit = s[0] == '\xc3' && s[1] ? strchr(from, s[1]) : NULL;
        if (hit) {
            *out++ = to[hit - from];
            s++;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

/* Percent-encodes everything but unreserved characters (RFC 3986 2.3). */
static void put_encoded(FILE *f, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("-._~", *c))
            fputc(*c, f);
        else
            fprintf(f, "%%%02X", *c);
    }
}

/* Up to the first space: "José Ángel" -> "José", "García Pérez" -> "García";
 * all of it when that word is a particle ("de la Cruz", "De León"). */
static void first_word(const char *s, char *out, size_t cap)
{
    size_t n = strcspn(s, " ");
    if (n < 3) n = strlen(s);
    if (n >= cap) n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* One locator query for p, the way a relative might type it: all of it or the
 * first word of each name, with or without accents, half with the birth date. */
static void locate_line(FILE *f, synth_rng *r, const synth_person *p)
{
    char fam[sizeof p->family], giv[sizeof p->given];
    snprintf(fam, sizeof fam, "%s", p->family);
    snprintf(giv, sizeof giv, "%s", p->given);
    if (synth_chance(r, 25)) first_word(p->family, fam, sizeof fam);
    if (synth_chance(r, 50)) first_word(p->given, giv, sizeof giv);
    if (synth_chance(r, 50)) {
        strip_accents(fam);
        strip_accents(giv);
    }
    fputs("/v1/locate?family=", f);
    put_encoded(f, fam);
    fputs("&given=", f);
    put_encoded(f, giv);
    fprintf(f, "&birth_country=%s", p->birth_country);
    if (synth_chance(r, 50)) {
        char d[11];
        hbdate_format(p->birth_date, d);
        fprintf(f, "&birth_date=%s", d);
    }
    fputc('\n', f);
}

/* Regenerates the persons from the same seed (cheap, no memory for 2M names)
 * and keeps a random sample of about `queries` of them. */
static int write_queries(const gen_opts *o, FILE *loc, FILE *ids, size_t *written)
{
    synth_rng names, pick;
    synth_seed(&names, o->seed);
    synth_seed(&pick, o->seed ^ 0x5eedULL);
    uint32_t scale = 1000000;
    uint64_t keep = o->persons ? (uint64_t)o->queries * scale / o->persons : 0;
    *written = 0;
    for (size_t i = 0; i < o->persons && *written < o->queries; i++) {
        synth_person p = {0};
        synth_person_any(&names, &p);
        if (synth_below(&pick, scale) >= keep) continue;
        locate_line(loc, &pick, &p);
        char id[32];
        synth_id(id, "P", (uint64_t)synth_below(&pick, (uint32_t)o->persons) + 1, 7);
        fprintf(ids, "/v1/persons/%s\n", id);
        (*written)++;
    }
    return *written ? HB_OK : HB_EINPUT;
}

static FILE *open_in(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) fprintf(stderr, "bench_http_gen: %s: %s\n", path, strerror(errno));
    return f;
}

static int close_all(FILE *a, FILE *b, FILE *c)
{
    int bad = 0;
    FILE *v[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (v[i] && fclose(v[i])) bad = 1;
    return bad;
}

static int run(const gen_opts *o)
{
    FILE *ev = open_in(o->dir, "events.jsonl"), *loc = open_in(o->dir, "locate.txt"),
         *ids = open_in(o->dir, "persons.txt");
    if (!ev || !loc || !ids) {
        close_all(ev, loc, ids);
        return 1;
    }
    gen g = {.out = ev, .day0 = synth_date(2024, 1, 1)};
    synth_w_init(&g.w);
    synth_seed(&g.rng, o->seed);
    /* A tenth spare room per unit. */
    g.capacity = (int64_t)(o->persons / (FACILITIES * UNITS) + 1) * 11 / 10 + 1;
    int rc = write_events(&g, o->persons);
    size_t events = g.w.events, queries = 0;
    synth_w_free(&g.w);
    if (!rc) rc = write_queries(o, loc, ids, &queries);
    if (close_all(ev, loc, ids) || rc) {
        fprintf(stderr, "bench_http_gen: writing into %s failed\n", o->dir);
        return 1;
    }
    printf("bench_http_gen: %zu persons, %zu events, %d facilities of %d units; "
           "query files of %zu lines in %s\n",
           o->persons, events, FACILITIES, UNITS, queries, o->dir);
    return 0;
}

static int parse_count(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v == 0 || v > 100000000ULL) return -1;
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stdout);
        return 0;
    }
    gen_opts o = {.persons = 2000000, .queries = 100000, .seed = 1};
    static const struct option longs[] = {
        {"dir", required_argument, NULL, 'd'},     {"persons", required_argument, NULL, 'p'},
        {"queries", required_argument, NULL, 'q'}, {"seed", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c;
    size_t seed = 0;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        int bad = 0;
        if (c == 'd')
            o.dir = optarg;
        else if (c == 'p')
            bad = parse_count(optarg, &o.persons);
        else if (c == 'q')
            bad = parse_count(optarg, &o.queries);
        else if (c == 's')
            bad = parse_count(optarg, &seed), o.seed = seed;
        else if (c == 'h') {
            fputs(USAGE, stdout);
            return 0;
        } else
            bad = 1;
        if (bad) {
            fprintf(stderr,
                    "bench_http_gen: bad value for an option (a count from 1 to "
                    "100000000 expected)\n%s",
                    USAGE);
            return 2;
        }
    }
    if (!o.dir || optind < argc) {
        fprintf(stderr, "bench_http_gen: --dir DIR is required, and nothing else\n%s", USAGE);
        return 2;
    }
    if (o.queries > o.persons) o.queries = o.persons;
    return run(&o);
}
