#include "cli/synth.h"
#include <stdio.h>
#include <string.h>
#include "util/hbtime.h"

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

/* Given names as families write them: compound names are common and each part
 * carries its own accent, which is what makes searching for them hard. */
static const char *const latam_given[] = {
    "José Ángel", "José Gregorio", "Juan Pablo", "Luis Alberto", "Carlos Eduardo", "Jesús",
    "Andrés",     "Óscar",         "Raúl",       "Héctor",       "Rubén",          "Iván",
    "Sebastián",  "Nicolás",       "Julián",     "Martín",       "Ramón",          "Joaquín",
    "Tomás",      "Adrián",        "Álvaro",     "Ángel",        "Darwin",         "Yeferson",
    "Wilmer",     "Jhonny",        "Germán",     "César",        "Efraín",         "Simón",
    "Néstor",     "Edwin",         "Elías",      "Moisés",       "Ulises",         "Ismael",
    "Jonás",      "Anderson",      "Neri",       "Mervin",       "Franco José",    "Dúber",
    "Jhon Jairo", "Víctor Manuel", "Kelvin",     "Brayan",       "Yónathan",       "Josué",
};

static const char *const latam_family[] = {
    "García",  "Pérez",     "Núñez",     "Ibáñez",     "Peña",       "Hernández", "Martínez",
    "López",   "González",  "Rodríguez", "Sánchez",    "Ramírez",    "Flores",    "Gómez",
    "Díaz",    "Cruz",      "Morales",   "Gutiérrez",  "Chávez",     "Ramos",     "Mendoza",
    "Vásquez", "Castillo",  "Jiménez",   "Rivas",      "Márquez",    "Muñoz",     "Quiñónez",
    "Beltrán", "Durán",     "Carreño",   "Zúñiga",     "Escalante",  "Orellana",  "Alvarado",
    "Aguilar", "Argueta",   "Guzmán",    "Echeverría", "Villalobos", "Íñiguez",   "Salazar",
    "Briceño", "Uzcátegui", "Añez",      "de la Cruz", "De León",    "Montaño",   "Ortiz",
};

typedef struct {
    const char *country;
    const char *given[6];
    const char *family[6];
} region;

/* Letters with no ASCII decomposition (NFD leaves ł ø æ đ ı ß as they are), so
 * the locator's folding is tested on more than accents. */
static const region others[] = {
    {"PL",
     {"Łukasz", "Michał", "Paweł", "Wojciech", "Bartłomiej", "Stanisław"},
     {"Wróblewski", "Łukasiewicz", "Michałowski", "Gołębiowski", "Kowalczyk", "Białek"}},
    {"NO",
     {"Bjørn", "Jørgen", "Øystein", "Søren", "Håkon", "Ørjan"},
     {"Ødegaard", "Løkke", "Brøndbo", "Sørensen", "Bjørnstad", "Hølland"}},
    {"DK",
     {"Søren", "Jørn", "Æbbe", "Mads", "Ærling", "Bjørn"},
     {"Kjær", "Bækgaard", "Brøndum", "Ærø", "Lærkesen", "Dæhli"}},
    {"HR",
     {"Đorđe", "Đuro", "Srđan", "Luka", "Ivan", "Anđelko"},
     {"Đurić", "Đoković", "Šarić", "Međugorac", "Anđelić", "Tuđman"}},
    {"TR",
     {"Barış", "Işık", "Yiğit", "Ilgın", "Çağrı", "Kadı"},
     {"Yıldız", "Altıntaş", "Işıklar", "Kılıç", "Yılmaz", "Aydın"}},
    {"DE",
     {"Jürgen", "Günther", "Jörg", "Matthias", "Rüdiger", "Claus"},
     {"Strauß", "Weiß", "Groß", "Meißner", "Preuß", "Voß"}},
    {"VN",
     {"Đức", "Đạt", "Minh", "Quang", "Tuấn", "Đông"},
     {"Đặng", "Đỗ", "Đinh", "Nguyễn", "Trần", "Đoàn"}},
};

static const char *const latam_countries[] = {"VE", "SV", "HN", "GT", "MX", "CO", "NI", "EC"};

void synth_seed(synth_rng *r, uint64_t seed)
{
    r->s = seed;
}

uint64_t synth_next(synth_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t synth_below(synth_rng *r, uint32_t n)
{
    return (uint32_t)(((synth_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t synth_range(synth_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(span ? synth_next(r) % span : synth_next(r));
}

int synth_chance(synth_rng *r, unsigned percent)
{
    return synth_below(r, 100) < percent;
}

static const char *pick(synth_rng *r, const char *const *v, size_t n)
{
    return v[synth_below(r, (uint32_t)n)];
}

/* Born between 1970 and 2006, so 18 to 55 in 2025. */
static int32_t birth_date(synth_rng *r)
{
    return (int32_t)synth_range(r, synth_date(1970, 1, 1), synth_date(2006, 12, 31));
}

static void set_cc(char out[3], const char *cc)
{
    out[0] = cc[0];
    out[1] = cc[1];
    out[2] = '\0';
}

void synth_person_latam(synth_rng *r, const char *country, synth_person *p)
{
    const char *g = pick(r, latam_given, COUNT(latam_given));
    const char *f1 = pick(r, latam_family, COUNT(latam_family));
    const char *f2 = pick(r, latam_family, COUNT(latam_family));
    snprintf(p->given, sizeof p->given, "%s", g);
    /* One in eight gives a single family name (as many records abroad do). */
    if (synth_below(r, 8) == 0 || f1 == f2)
        snprintf(p->family, sizeof p->family, "%s", f1);
    else
        snprintf(p->family, sizeof p->family, "%s %s", f1, f2);
    p->birth_date = birth_date(r);
    set_cc(p->birth_country, country);
    set_cc(p->nationality, country);
}

void synth_person_other(synth_rng *r, synth_person *p)
{
    const region *g = &others[synth_below(r, COUNT(others))];
    snprintf(p->given, sizeof p->given, "%s", g->given[synth_below(r, COUNT(g->given))]);
    snprintf(p->family, sizeof p->family, "%s", g->family[synth_below(r, COUNT(g->family))]);
    p->birth_date = birth_date(r);
    set_cc(p->birth_country, g->country);
    set_cc(p->nationality, g->country);
}

void synth_person_any(synth_rng *r, synth_person *p)
{
    if (synth_below(r, 20) == 0)
        synth_person_other(r, p);
    else
        synth_person_latam(r, pick(r, latam_countries, COUNT(latam_countries)), p);
}

void synth_time(char out[32], int32_t day, int32_t sec, int offset_min)
{
    char date[11];
    hbdate_format(day, date);
    unsigned off = (unsigned)(offset_min < 0 ? -offset_min : offset_min);
    unsigned s = (unsigned)sec;
    snprintf(out, 32, "%.10sT%02u:%02u:%02u%c%02u:%02u", date, s / 3600 % 24, s / 60 % 60, s % 60,
             offset_min < 0 ? '-' : '+', off / 60 % 24, off % 60);
}

int32_t synth_date(int y, unsigned m, unsigned d)
{
    return (int32_t)hb_days_from_civil(y, m, d);
}
