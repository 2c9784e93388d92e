/* `habeas demo`: create a ledger filled with the demo (demo.h) and say what is in
 * it and where to look. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli/commands.h"
#include "cli/demo.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/view.h"

static const char USAGE[] =
    "usage: habeas demo [--db FILE] [--seed N] [--force] [--json]\n"
    "\n"
    "Creates a new ledger filled with a demonstration modelled on the case in\n"
    "DESIGN.md: a mega-prison in El Salvador (F-CECOT) holding about 15,000\n"
    "people, a US detention centre (F-TX-DC1), the fee agreement between the two\n"
    "states, the court orders of 15 March 2025, and transfer T-2025-0315 of 261\n"
    "people on two flights. Names are synthetic; the same seed always gives the\n"
    "same events. See docs/demo.md.\n"
    "\n"
    "options:\n"
    "  --db FILE    where to create it (default ./habeas.db, or $HABEAS_DB)\n"
    "  --seed N     the seed for names, dates and cells (default 20250315)\n"
    "  --force      remove an existing FILE (and its -wal/-shm and .key) first\n"
    "  --json       print the summary as a JSON object on stdout\n"
    "  -h, --help   show this help\n"
    "\n"
    "example:\n"
    "  habeas demo --db demo.db && habeas facility F-CECOT --db demo.db\n";

static bool is_file(const char *db)
{
    return strstr(db, "://") == NULL;
}

static bool exists(const char *db)
{
    struct stat st;
    return is_file(db) && (stat(db, &st) == 0 || errno != ENOENT);
}

/* The ledger file, SQLite's companions and the demo's signing key (a new ledger
 * makes a new key and refuses to overwrite one). ENOENT is not an error. */
static int remove_ledger(const char *db)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal", ".key"};
    char path[4200];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(path, sizeof path, "%s%s", db, suffix[i]);
        if (unlink(path) != 0 && errno != ENOENT) {
            out_error("cannot remove %s: %s", path, strerror(errno));
            return HB_EINTERNAL;
        }
    }
    return 0;
}

/* Refuses to touch an existing ledger unless told to. */
static int make_room(const opts *o, bool force)
{
    if (!exists(o->db)) return 0;
    if (!force) {
        out_error("%s already exists: the demo writes a new ledger and never overwrites one "
                  "(nothing was changed; choose another file with --db, or replace this one "
                  "with --force)",
                  o->db);
        return HB_EINPUT;
    }
    return remove_ledger(o->db);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 15261 -> "15,261" */
static const char *grouped(int64_t v, char out[32])
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%" PRId64, v);
    int j = 0;
    for (int i = 0; i < n; i++) {
        if (i && digits[i - 1] != '-' && (n - i) % 3 == 0) out[j++] = ',';
        out[j++] = digits[i];
    }
    out[j] = '\0';
    return out;
}

#define TP_STATES (TP_ARRIVED + 1)

/* How many of the transfer's persons are in each state now. */
static void transfer_counts(const st_transfer *t, uint32_t counts[TP_STATES])
{
    memset(counts, 0, TP_STATES * sizeof counts[0]);
    for (uint32_t i = 0; i < t->n_persons; i++)
        if ((unsigned)t->persons[i].state < TP_STATES) counts[t->persons[i].state]++;
}

static json_t *facility_json(const st_facility *f)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "id", f->id, "name", f->name, "country",
                     f->country.cc, "held", (json_int_t)f->held, "design_capacity",
                     (json_int_t)f->design_capacity, "units", (json_int_t)f->n_units);
}

static int summary_json(const opts *o, const state *s, uint64_t seed, int64_t events)
{
    json_t *fac = json_array();
    for (uint32_t i = 0; i < state_count_facilities(s); i++)
        json_array_append_new(fac, facility_json(state_facility_at(s, i)));
    json_t *tr = json_null();
    const st_transfer *t = state_transfer(s, DEMO_TRANSFER);
    if (t) {
        uint32_t c[TP_STATES];
        transfer_counts(t, c);
        json_t *by = json_object();
        for (int k = 0; k < TP_STATES; k++)
            if (c[k])
                json_object_set_new(by, view_tp_name((transfer_person_state)k), json_integer(c[k]));
        tr = json_pack("{s:s, s:I, s:o}", "id", t->id, "persons", (json_int_t)t->n_persons,
                       "by_state", by);
    }
    json_t *next = json_array();
    const char *what[] = {"facility " DEMO_PRISON, "transfer " DEMO_TRANSFER,
                          "person " DEMO_PROTECTED_PERSON};
    for (size_t i = 0; i < sizeof what / sizeof what[0]; i++) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "habeas %s --db %s", what[i], o->db);
        json_array_append_new(next, json_string(cmd));
    }
    return out_json(json_pack("{s:s, s:I, s:I, s:I, s:o, s:o, s:o}", "db", o->db, "seed",
                              (json_int_t)seed, "events", (json_int_t)events, "persons",
                              (json_int_t)state_count_persons(s), "facilities", fac, "transfer", tr,
                              "next", next));
}

static void print_facilities(const state *s)
{
    char a[32], b[32];
    out_table tab;
    out_table_init(&tab, 4, "llrl");
    for (uint32_t i = 0; i < state_count_facilities(s); i++) {
        const st_facility *f = state_facility_at(s, i);
        char held[96];
        snprintf(held, sizeof held, "%s held / %s design capacity", grouped(f->held, a),
                 grouped(f->design_capacity, b));
        char units[32];
        snprintf(units, sizeof units, "%u units", f->n_units);
        const char *row[] = {f->id, f->name, held, units};
        out_table_add(&tab, row);
    }
    out_table_print(&tab, stdout, "  ");
    out_table_free(&tab);
}

static void print_transfer(const state *s)
{
    const st_transfer *t = state_transfer(s, DEMO_TRANSFER);
    if (!t) return;
    uint32_t c[TP_STATES];
    transfer_counts(t, c);
    printf("\nTransfer %s: %u persons", t->id, t->n_persons);
    const char *sep = ": ";
    for (int k = TP_STATES - 1; k >= 0; k--) {
        if (!c[k]) continue;
        printf("%s%u %s", sep, c[k], view_tp_name((transfer_person_state)k));
        sep = ", ";
    }
    printf("\n");
}

static void summary_text(const opts *o, const state *s, uint64_t seed, int64_t events, double secs)
{
    char a[32], b[32];
    printf("Demo ledger %s (seed %" PRIu64 "): %s events, %s persons, in %.1f s.\n\n", o->db, seed,
           grouped(events, a), grouped((int64_t)state_count_persons(s), b), secs);
    print_facilities(s);
    print_transfer(s);
    const char *db = o->db;
    printf("\nWhere to look next:\n"
           "  habeas facility %s --db %s\n"
           "  habeas transfer %s --db %s\n"
           "  habeas person %s --db %s\n"
           "      (protected from removal to El Salvador by an immigration judge,\n"
           "       and on the transfer all the same)\n",
           DEMO_PRISON, db, DEMO_TRANSFER, db, DEMO_PROTECTED_PERSON, db);
}

static int build(const opts *o, uint64_t seed)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ledger *l = NULL;
    hb_err err = {0};
    int rc = ledger_open(o->db, STORE_CREATE, &l, &err);
    if (rc) return out_fail(&err, rc);
    int64_t events = 0;
    rc = demo_build(l, seed, &events, &err);
    if (rc) {
        ledger_close(l);
        if (is_file(o->db)) remove_ledger(o->db); /* leave no half-made demo behind */
        return out_fail(&err, rc);
    }
    double secs = seconds_since(&t0);
    const state *s = ledger_state(l);
    if (o->json)
        rc = summary_json(o, s, seed, events);
    else
        summary_text(o, s, seed, events, secs);
    ledger_close(l);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    opts o;
    const char *seed_s = NULL;
    bool force = false;
    opts_extra extra[] = {{"seed", &seed_s, NULL}, {"force", NULL, &force}};
    int rc = opts_parse(&o, "demo", USAGE, argc, argv, extra, 2);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 0, 0, ""))) return rc;
    int64_t seed = DEMO_DEFAULT_SEED;
    if ((rc = opts_int(&o, "--seed", seed_s, 0, &seed))) return rc;
    if ((rc = make_room(&o, force))) return rc;
    return build(&o, (uint64_t)seed);
}
