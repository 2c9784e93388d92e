/* bench_eligibility: verdicts/s of elig_check on a large transfer, against the same
 * rules as set-based SQL over the same records in SQLite, in one run.
 *
 *   bench_eligibility [--persons N] [--transfer N] [--holds N] [--seed N] [--validate]
 *
 * (a) habeas: elig_check over the transfer's persons on a state built in memory
 *     (bench/elig_gen.h: typed events applied with state_apply), repeated for at
 *     least a second;
 * (b) baseline: the same events loaded into an in-memory SQLite database with the
 *     right indexes (bench/elig_sql_load.h), then one INSERT ... SELECT per rule
 *     for the whole transfer at once, CAPACITY last with a window function over
 *     the transfer in order (bench/elig_sql_rules.h), also repeated for at least
 *     a second;
 * (c) (a) / (b);
 * and the verdicts of both compared person by person: the bench fails (exit 1)
 * when any person's set of codes differs. See docs/bench.md. A missed goal is
 * reported, not an error. sqlite3 is used directly here for the baseline only. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "elig_sql_rules.h"
#include "model/codec.h"
#include "rules/eligibility.h"
#include "util/arena.h"
#include "util/buf.h"

#define GOAL_RATE 1000000.0 /* verdicts/s */
#define GOAL_RATIO 10.0     /* times the SQL baseline */
#define MIN_SECONDS 1.0     /* each side repeats its check at least this long */
#define SHOW_DIFFS 5

typedef struct {
    eg_config cfg;
    bool validate;
} options;

typedef struct {
    eg_stats gen;
    double build_s, load_s, index_s;
    size_t sql_rows, state_bytes;
    double ours_s, sql_s;              /* per check */
    double sql_rule_s[ES_N_RULES + 1]; /* per check, by query (last: reading back) */
    unsigned ours_reps, sql_reps;
    uint32_t n, cleared, by_code[RC__COUNT];
    int64_t room_facility, room_agreement; /* before the plan, as the SQL found it */
} figures;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *verdict(int met)
{
    return met ? "met" : "MISSED";
}

static int usage(const char *msg)
{
    if (msg) fprintf(stderr, "bench_eligibility: %s\n", msg);
    fprintf(msg ? stderr : stdout,
            "usage: bench_eligibility [--persons N] [--transfer N] [--holds N] [--seed N]"
            " [--validate]\n"
            "  --persons N   persons registered (default 2000000, at least 2 x --transfer)\n"
            "  --transfer N  persons on the transfer checked (default 100000, >= 100)\n"
            "  --holds N     holds placed (default 100000, >= %zu)\n"
            "  --seed N      seed of the synthetic data (default 1)\n"
            "  --validate    also run every generated event through the codec (canonical\n"
            "                JSON, decoded back) and state_check before applying it: slow,\n"
            "                for checking the generator on small sizes\n",
            EG_N_WIDE);
    return msg ? 2 : 0;
}

static int parse_num(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || *end || end == arg || arg[0] == '-' || v < min || v > max) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%s needs an integer from %" PRIu64 " to %" PRIu64 ", found \"%s\"", opt, min, max,
                 arg);
        return usage(msg);
    }
    *out = v;
    return 0;
}

static int parse(options *o, int argc, char **argv)
{
    static const struct option lo[] = {{"persons", required_argument, NULL, 'p'},
                                       {"transfer", required_argument, NULL, 't'},
                                       {"holds", required_argument, NULL, 'H'},
                                       {"seed", required_argument, NULL, 's'},
                                       {"validate", no_argument, NULL, 'v'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    o->cfg = (eg_config){2000000, 100000, 100000, 1};
    uint64_t v = 0;
    int c, rc = 0;
    opterr = 0;
    while (!rc && (c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        if (c == 'h') return usage(NULL) - 1; /* -1: stop, exit 0 */
        if (c == 'v') {
            o->validate = true;
        } else if (c == 'p' && !(rc = parse_num("--persons", optarg, 200, 50000000, &v))) {
            o->cfg.persons = (uint32_t)v;
        } else if (c == 't' && !(rc = parse_num("--transfer", optarg, 100, 10000000, &v))) {
            o->cfg.transfer = (uint32_t)v;
        } else if (c == 'H' && !(rc = parse_num("--holds", optarg, EG_N_WIDE, 10000000, &v))) {
            o->cfg.holds = (uint32_t)v;
        } else if (c == 's' && !(rc = parse_num("--seed", optarg, 0, UINT64_MAX, &v))) {
            o->cfg.seed = v;
        } else if (c != 'p' && c != 't' && c != 'H' && c != 's') {
            char msg[300];
            snprintf(msg, sizeof msg, "unknown option or missing value: \"%s\"",
                     optind - 1 < argc ? argv[optind - 1] : "?");
            return usage(msg);
        }
    }
    if (rc) return rc;
    if (optind < argc) return usage("unexpected argument");
    if (o->cfg.persons / 2 < o->cfg.transfer)
        return usage("--persons must be at least twice --transfer (the persons beyond the "
                     "transfer fill the destination and the other transfers)");
    return 0;
}

/* --- (a) habeas ------------------------------------------------------------------------- */

typedef struct {
    state *s;
    bool validate;
    buf json;
    arena a;
    hb_errlist errs;
} state_sink;

/* With --validate, the event must survive the codec and state_check, as an
 * imported one would. */
static int validate_event(state_sink *k, int64_t seq, const event *ev)
{
    event back;
    char where[40];
    snprintf(where, sizeof where, "generated event %" PRId64, seq);
    buf_clear(&k->json);
    arena_reset(&k->a);
    int rc = event_canonical(&k->json, ev);
    if (!rc) rc = event_decode(k->json.p, k->json.len, &k->a, &back, &k->errs, where);
    if (!rc) rc = state_check(k->s, &back, &k->errs, where);
    if (!rc) return 0;
    for (size_t i = 0; i < k->errs.n; i++)
        fprintf(stderr, "bench_eligibility: %s\n", k->errs.msgs[i]);
    fprintf(stderr, "bench_eligibility: the generator wrote an invalid event: %s\n", k->json.p);
    return rc;
}

static int to_state(void *ctx, int64_t seq, const event *ev)
{
    state_sink *k = ctx;
    if (k->validate && validate_event(k, seq, ev)) return HB_EINPUT;
    return state_apply(k->s, seq, ev);
}

static state *build_state(const options *o, figures *f)
{
    state_sink k = {.s = state_new(), .validate = o->validate, .json = BUF_INIT};
    arena_init(&k.a, 1 << 16);
    errlist_init(&k.errs, 5);
    double t0 = now_s();
    int rc = k.s ? eg_run(&o->cfg, to_state, &k, &f->gen) : HB_EINTERNAL;
    f->build_s = now_s() - t0;
    buf_free(&k.json);
    arena_free(&k.a);
    errlist_free(&k.errs);
    if (rc) {
        fprintf(stderr, "bench_eligibility: building the state failed (%s)\n",
                rc == HB_EINTERNAL ? "out of memory" : "invalid event");
        state_free(k.s);
        return NULL;
    }
    f->state_bytes = state_memory(k.s);
    return k.s;
}

/* Runs elig_check over the transfer until MIN_SECONDS have passed (at least
 * twice: the first run is a warm-up, not timed). */
static int time_ours(const state *s, const st_transfer *t, int64_t at, uint32_t *persons,
                     elig_verdict *v, figures *f)
{
    elig_plan plan = elig_plan_of(s, t, at);
    if (elig_check(s, &plan, persons, t->n_persons, v)) return 1;
    double t0 = now_s(), el = 0;
    unsigned reps = 0;
    while (el < MIN_SECONDS) {
        plan = elig_plan_of(s, t, at);
        if (elig_check(s, &plan, persons, t->n_persons, v)) return 1;
        reps++;
        el = now_s() - t0;
    }
    f->ours_s = el / reps;
    f->ours_reps = reps;
    return 0;
}

/* --- (b) the SQL baseline --------------------------------------------------------------- */

static int to_sql(void *ctx, int64_t seq, const event *ev)
{
    return es_load(ctx, seq, ev);
}

static int time_sql(const options *o, uint16_t *masks, uint32_t n, figures *f)
{
    es_db d;
    es_rules r = {0};
    eg_stats again;
    double t0 = now_s();
    int rc = es_open(&d);
    if (!rc) rc = eg_run(&o->cfg, to_sql, &d, &again);
    f->load_s = now_s() - t0;
    f->sql_rows = d.rows;
    t0 = now_s();
    if (!rc) rc = es_index(&d);
    f->index_s = now_s() - t0;
    if (!rc) rc = es_rules_prepare(&d, &r);
    int64_t at = eg_check_time();
    if (!rc) rc = es_check(&d, &r, at, masks, n); /* warm-up */
    double el = 0;
    unsigned reps = 0;
    t0 = now_s();
    while (!rc && el < MIN_SECONDS) {
        rc = es_check(&d, &r, at, masks, n);
        reps++;
        el = now_s() - t0;
    }
    if (!rc) rc = es_room(&d, &r, at, &f->room_facility, &f->room_agreement);
    f->sql_s = reps ? el / reps : 0;
    f->sql_reps = reps;
    for (size_t i = 0; i <= ES_N_RULES; i++) /* the warm-up run included */
        f->sql_rule_s[i] = r.secs[i] / (reps + 1);
    es_rules_free(&r);
    es_close(&d);
    return rc;
}

/* --- comparison and report ------------------------------------------------------------------ */

static uint16_t mask_of(const elig_verdict *v)
{
    uint16_t m = 0;
    for (uint8_t k = 0; k < v->n_reasons; k++)
        m |= (uint16_t)(1u << v->reasons[k].code);
    return m;
}

static void print_codes(uint16_t m)
{
    if (!m) printf(" cleared");
    for (int c = 0; c < RC__COUNT; c++)
        if (m & (1u << c)) printf(" %s", elig_code_name((reason_code)c));
}

/* Person by person: the same set of codes, and each verdict consistent with itself. */
static int compare(const state *s, const uint32_t *persons, const elig_verdict *v,
                   const uint16_t *masks, figures *f)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < f->n; i++) {
        uint16_t ours = mask_of(&v[i]);
        bool sane = v[i].person == persons[i] && v[i].blocked == (v[i].n_reasons > 0);
        f->cleared += !ours;
        for (int c = 0; c < RC__COUNT; c++)
            f->by_code[c] += (ours >> c) & 1u;
        if (ours == masks[i] && sane) continue;
        if (bad++ < SHOW_DIFFS) {
            printf("  DIFFERENT at position %u, person %s:\n    habeas:", i,
                   state_person_at(s, persons[i])->id);
            print_codes(ours);
            if (!sane) printf(" (verdict inconsistent: person or blocked flag wrong)");
            printf("\n    SQL:   ");
            print_codes(masks[i]);
            printf("\n");
        }
    }
    if (bad) printf("  %u of %u verdicts differ: FAILED\n", bad, f->n);
    return bad ? 1 : 0;
}

static const char *grouped(double v, char out[32])
{
    char d[32];
    int n = snprintf(d, sizeof d, "%.0f", v), j = 0, sign = d[0] == '-';
    for (int i = 0; i < n; i++) {
        if (i > sign && (n - i) % 3 == 0) out[j++] = ',';
        out[j++] = d[i];
    }
    out[j] = '\0';
    return out;
}

static const char *rate(double v, const char *unit, char out[48])
{
    char g[32];
    snprintf(out, 48, "%s %s", grouped(v, g), unit);
    return out;
}

static void report_data(const options *o, const figures *f)
{
    char g1[32], g2[32], g3[32], g4[32];
    printf("bench_eligibility: transfer of %s persons, state of %s persons, %s holds (seed %" PRIu64
           ")\n",
           grouped(o->cfg.transfer, g1), grouped(o->cfg.persons, g2), grouped(o->cfg.holds, g3),
           o->cfg.seed);
    printf("  state: %s events applied in %.1f s, state_memory %.0f MB\n",
           grouped((double)f->gen.events, g1), f->build_s, (double)f->state_bytes / 1e6);
    printf("  SQLite (in memory): %s rows loaded in %.1f s, indexes + ANALYZE in %.1f s"
           " (neither timed below)\n",
           grouped((double)f->sql_rows, g1), f->load_s, f->index_s);
    printf("  holds: %s by person, %zu by authority or destination country, %s lifted\n",
           grouped((double)f->gen.holds_by_person, g1), f->gen.holds_other,
           grouped((double)f->gen.holds_lifted, g2));
    printf("  F-DEST capacity %s, room left %s; A-1 max_persons %s, room left %s (the %s binds)\n",
           grouped((double)f->gen.dest_capacity, g1), grouped((double)f->room_facility, g2),
           grouped((double)f->gen.max_persons, g3), grouped((double)f->room_agreement, g4),
           f->room_agreement < f->room_facility ? "agreement" : "facility");
    printf("  verdicts: %s cleared, %s blocked; persons blocked by each code:\n",
           grouped(f->cleared, g1), grouped(f->n - f->cleared, g2));
    for (int c = 0; c < RC__COUNT; c++)
        printf("    %-26s %8s%s\n", elig_code_name((reason_code)c), grouped(f->by_code[c], g1),
               f->by_code[c] ? "" : "   (never fired: the comparison does not cover it)");
    printf("  the same codes on both sides for all %s persons\n\n", grouped(f->n, g1));
}

static void report(const options *o, const figures *f)
{
    char g[32], r1[48];
    double ours = f->n / f->ours_s, sql = f->n / f->sql_s, ratio = ours / sql;
    report_data(o, f);
    printf("  %-28s %-24s %s\n", "figure", "measured", "goal");
    printf("  %-28s %-24s %-24s %s\n", "(a) habeas elig_check", rate(ours, "verdicts/s", r1),
           ">= 1,000,000 verdicts/s", verdict(ours >= GOAL_RATE));
    printf("  %-28s %.1f ms per check of the transfer, mean of %u\n", "", f->ours_s * 1e3,
           f->ours_reps);
    printf("  %-28s %-24s %s\n", "(b) baseline, SQLite SQL", rate(sql, "verdicts/s", r1),
           "(reference)");
    printf("  %-28s %.1f ms per check: %zu set-based queries + reading the result, mean of %u\n",
           "", f->sql_s * 1e3, ES_N_RULES, f->sql_reps);
    for (size_t i = 0; i <= ES_N_RULES; i++) {
        if (i % 3 == 0) printf("%s  %-28s ", i ? "\n" : "", i ? "" : "    ms per query:");
        printf("%s%s %.1f", i % 3 ? ", " : "", i < ES_N_RULES ? ES_RULE_NAMES[i] : "read back",
               f->sql_rule_s[i] * 1e3);
    }
    printf("\n");
    snprintf(g, sizeof g, "%.1f x", ratio);
    printf("  %-28s %-24s %-24s %s\n", "(c) habeas / baseline", g, ">= 10 x",
           verdict(ratio >= GOAL_RATIO));
}

int main(int argc, char **argv)
{
    options o = {0};
    int rc = parse(&o, argc, argv);
    if (rc) return rc < 0 ? 0 : rc;
    figures f = {0};
    state *s = build_state(&o, &f);
    if (!s) return 1;
    const st_transfer *t = state_transfer(s, EG_TRANSFER);
    f.n = t ? t->n_persons : 0;
    uint32_t *persons = malloc((size_t)(f.n ? f.n : 1) * sizeof *persons);
    elig_verdict *v = malloc((size_t)(f.n ? f.n : 1) * sizeof *v);
    uint16_t *masks = malloc((size_t)(f.n ? f.n : 1) * sizeof *masks);
    if (!t || !persons || !v || !masks) {
        fprintf(stderr, "bench_eligibility: %s\n", t ? "out of memory" : "no transfer T-1");
        rc = 1;
    }
    for (uint32_t i = 0; !rc && i < f.n; i++)
        persons[i] = t->persons[i].person;
    if (!rc && time_ours(s, t, eg_check_time(), persons, v, &f)) {
        fprintf(stderr, "bench_eligibility: elig_check failed\n");
        rc = 1;
    }
    if (!rc && time_sql(&o, masks, f.n, &f)) rc = 1;
    if (!rc) rc = compare(s, persons, v, masks, &f);
    if (!rc) report(&o, &f);
    free(persons);
    free(v);
    free(masks);
    state_free(s);
    return rc;
}
