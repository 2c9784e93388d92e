/* `habeas report findings`: the findings the log has raised against a standards
 * profile (docs/report.md). The ledger is opened with a findings set that follows
 * its replay (findings_open.h); this file only selects, prints and sets the exit
 * code: 1 when a critical or high finding is listed, so scripts can gate on it. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/findings_open.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/report.h"
#include "rules/eligibility.h"
#include "util/hbtime.h"

static const char USAGE[] =
    "usage: habeas report findings [--facility F] [--since TIME] [--at TIME]\n"
    "                              [--severity LEVEL] [--current] [--profile NAME|FILE]\n"
    "                              [--json] [--db FILE]\n"
    "\n"
    "Replays the ledger against a standards profile and lists the findings it raised:\n"
    "blocked departures and arrivals, deaths, headcounts that do not match, conditions\n"
    "outside the profile, unlawful work, overcrowding, custody without an end or past\n"
    "it. Each with its severity, the standard, the subject, one sentence that explains\n"
    "it, and the events (by seq) that are its evidence.\n"
    "\n"
    "options:\n"
    "  --facility F      only findings about facility F (its units, the persons held\n"
    "                    there, transfers from or to it)\n"
    "  --since TIME      only findings raised at or after TIME\n"
    "  --at TIME         as of TIME: findings raised by then, cleared only if cleared by\n"
    "                    then (default: now)\n"
    "  --severity LEVEL  only LEVEL and worse: critical, high, medium or low (default)\n"
    "  --current         leave out the findings cleared by --at (standing findings that\n"
    "                    stopped); event findings are never cleared and stay\n"
    "  --profile P       a built-in profile's name (habeas report profile lists them;\n"
    "                    default mandela-icrc) or the path of a profile file\n"
    "  --json            print JSON (a stable interface, see docs/report.md)\n"
    "  --db FILE         the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help        show this help\n"
    "\n"
    "TIME is RFC 3339 with an offset: 2025-03-15T17:00:00-04:00 or 2025-03-15T21:00:00Z.\n"
    "\n"
    "exit status: 0 nothing critical or high is listed; 1 a critical or high finding\n"
    "is listed; 2 bad input (unknown facility, profile or severity, a malformed time,\n"
    "a profile file that is not valid); 3 the ledger could not be read.\n"
    "\n"
    "examples:\n"
    "  habeas report findings --db demo.db\n"
    "  habeas report findings --facility F-SV-CECOT --severity high --json\n"
    "  habeas report findings --profile mandela-cpt --since 2025-03-01T00:00:00Z\n";

/* The options as given, and what they resolve to. */
typedef struct {
    const char *facility, *since, *at, *severity, *profile;
    bool current;
    uint32_t facility_idx; /* ST_NONE: every facility */
    int64_t since_us, at_us;
    int min_severity; /* listed when severity <= this (critical is 0) */
    char at_text[28]; /* the moment, as printed */
} fr_opts;

/* One report: the state and profile it was made on and the findings listed. */
typedef struct {
    const state *s;
    const profile *p;
    const fr_opts *fo;
    const finding **list; /* owned array of borrowed pointers, in the order raised */
    size_t n;
    size_t by_severity[SEV__COUNT];
} fr_run;

/* ------------------------------------------------------------------ options */

static int parse_severity(const opts *o, fr_opts *fo)
{
    fo->min_severity = SEV_LOW;
    if (!fo->severity) return 0;
    for (int v = 0; v < SEV__COUNT; v++)
        if (!strcmp(fo->severity, findings_severity_name((finding_severity)v))) {
            fo->min_severity = v;
            return 0;
        }
    return opts_usage_error(o, "--severity: expected critical, high, medium or low, found \"%s\"",
                            fo->severity);
}

static int parse_opts(opts *o, fr_opts *fo, int argc, char **argv)
{
    memset(fo, 0, sizeof *fo);
    opts_extra extra[] = {{"facility", &fo->facility, NULL},
                          {"since", &fo->since, NULL},
                          {"at", &fo->at, NULL},
                          {"severity", &fo->severity, NULL},
                          {"profile", &fo->profile, NULL},
                          {"current", NULL, &fo->current}};
    int rc = opts_parse(o, "report findings", USAGE, argc, argv, extra, 6);
    if (rc || o->help) return rc;
    if ((rc = opts_nargs(o, 0, 0, "nothing"))) return rc;
    fo->at_us = hbtime_now();
    fo->at_us -= fo->at_us % 1000000; /* whole seconds: "now" is printed */
    fo->since_us = INT64_MIN;
    if (fo->at && (rc = opts_time(o, "at", fo->at, OPTS_TIME, &fo->at_us))) return rc;
    if (fo->since && (rc = opts_time(o, "since", fo->since, OPTS_TIME, &fo->since_us))) return rc;
    out_time(fo->at_us, fo->at_text);
    return parse_severity(o, fo);
}

/* ------------------------------------------------------------------ selection */

/* Where a finding is: its facility, its unit's, else the facility of the person
 * it is about (where they are held now); ST_NONE when none of these. */
static uint32_t facility_of(const state *s, const finding *x)
{
    if (x->facility != ST_NONE) return x->facility;
    if (x->unit != ST_NONE) return state_unit_at(s, x->unit)->facility;
    if (x->person != ST_NONE) return state_person_at(s, x->person)->facility;
    return ST_NONE;
}

static bool about_facility(const state *s, const finding *x, uint32_t fac)
{
    if (facility_of(s, x) == fac) return true;
    if (x->transfer == ST_NONE) return false;
    const st_transfer *t = state_transfer_at(s, x->transfer);
    return t->from_facility == fac || t->to_facility == fac;
}

static bool wanted(const fr_run *r, const finding *x)
{
    const fr_opts *fo = r->fo;
    if (x->raised_us > fo->at_us || x->raised_us < fo->since_us) return false;
    if ((int)x->severity > fo->min_severity) return false;
    if (fo->current && !findings_active(x, fo->at_us)) return false;
    return fo->facility_idx == ST_NONE || about_facility(r->s, x, fo->facility_idx);
}

static int select_findings(fr_run *r, const findings *f)
{
    size_t total = findings_count(f);
    r->list = malloc((total ? total : 1) * sizeof *r->list);
    if (!r->list) return HB_EINTERNAL;
    for (size_t i = 0; i < total; i++) {
        const finding *x = findings_at(f, i);
        if (!wanted(r, x)) continue;
        r->list[r->n++] = x;
        r->by_severity[x->severity]++;
    }
    return 0;
}

/* ------------------------------------------------------------------ shared */

static bool is_cleared(const fr_run *r, const finding *x)
{
    return x->cleared_us != INT64_MAX && x->cleared_us <= r->fo->at_us;
}

static bool has_figures(finding_code c)
{
    switch (c) {
    case FC_HEAT:
    case FC_LIGHTS_ALWAYS_ON:
    case FC_NO_TIME_OUTDOORS:
    case FC_MATTRESSES_SHORT:
    case FC_OBSERVED_OVER_CAPACITY:
    case FC_UNIT_OVER_CAPACITY:
    case FC_FACILITY_OVER_CAPACITY:
    case FC_FLOOR_SPACE:
    case FC_BEDS_SHORT:
    case FC_SEGREGATION_TOO_LONG:
        return true;
    default:
        return false;
    }
}

/* One sentence from findings_explain, into b (cleared first); NULL on out of memory.
 * A clearing later than --at had not happened as of --at, so it is not told. */
static const char *explain(const fr_run *r, const finding *x, buf *b)
{
    finding as_of = *x;
    if (!is_cleared(r, x)) {
        as_of.cleared_us = INT64_MAX;
        as_of.cleared_seq = 0;
    }
    buf_clear(b);
    if (findings_explain(r->s, r->p, &as_of, b)) return NULL;
    return b->p ? b->p : "";
}

static const char *id_or_null(uint32_t idx, const char *(*id)(const state *, uint32_t),
                              const state *s)
{
    return idx == ST_NONE ? NULL : id(s, idx);
}

static const char *person_id(const state *s, uint32_t i)
{
    return state_person_at(s, i)->id;
}
static const char *facility_id(const state *s, uint32_t i)
{
    return state_facility_at(s, i)->id;
}
static const char *unit_id(const state *s, uint32_t i)
{
    return state_unit_at(s, i)->id;
}
static const char *transfer_id(const state *s, uint32_t i)
{
    return state_transfer_at(s, i)->id;
}

/* ------------------------------------------------------------------ text */

/* Who or what a finding is about, in a few characters: "P-1", "P-1 on T-1",
 * "F-1/U-2", "F-1" or "T-1". */
static const char *subject(const fr_run *r, const finding *x, char *out, size_t n)
{
    const state *s = r->s;
    const char *p = id_or_null(x->person, person_id, s);
    const char *t = id_or_null(x->transfer, transfer_id, s);
    const char *u = id_or_null(x->unit, unit_id, s);
    const char *f = id_or_null(facility_of(s, x), facility_id, s);
    if (p)
        snprintf(out, n, "%s%s%s", p, t ? " on " : "", t ? t : "");
    else if (u)
        snprintf(out, n, "%s/%s", f ? f : "?", u);
    else
        snprintf(out, n, "%s", f ? f : t ? t : "-");
    return out;
}

static void header_text(const fr_run *r)
{
    const fr_opts *fo = r->fo;
    printf("findings as of %s, profile %s", fo->at_text, r->p->name);
    if (fo->facility) printf(", facility %s", fo->facility);
    if (fo->since) printf(", since %s", fo->since);
    if (fo->severity) printf(", %s and worse", fo->severity);
    if (fo->current) printf(", not cleared");
    printf(": %zu\n", r->n);
    for (int v = 0; v < SEV__COUNT; v++)
        printf("  %-9s %zu\n", findings_severity_name((finding_severity)v), r->by_severity[v]);
    putchar('\n');
}

static int row_text(const fr_run *r, const finding *x, out_table *tab, buf *b)
{
    char raised[28], cleared[28], subj[256];
    const char *why = explain(r, x, b);
    if (!why) return HB_EINTERNAL;
    const char *row[6] = {findings_severity_name(x->severity),
                          findings_code_name(x->code),
                          out_time(x->raised_us, raised),
                          is_cleared(r, x) ? out_time(x->cleared_us, cleared) : "-",
                          subject(r, x, subj, sizeof subj),
                          why};
    return out_table_add(tab, row);
}

static int report_text(const fr_run *r)
{
    header_text(r);
    if (!r->n) {
        puts("no findings listed");
        return 0;
    }
    out_table tab;
    out_table_init(&tab, 6, "llllll");
    const char *head[6] = {"severity", "code", "raised_at", "cleared_at", "subject", "explanation"};
    int rc = out_table_add(&tab, head);
    buf b = BUF_INIT;
    for (size_t i = 0; i < r->n && !rc; i++)
        rc = row_text(r, r->list[i], &tab, &b);
    if (!rc) out_table_print(&tab, stdout, "  ");
    out_table_free(&tab);
    buf_free(&b);
    if (rc) out_error("out of memory");
    return rc;
}

/* ------------------------------------------------------------------ JSON */

static json_t *seqs_json(const int64_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_integer((json_int_t)v[i]))) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

static json_t *reasons_json(uint32_t bits)
{
    json_t *a = json_array();
    for (int k = 0; a && k < RC__COUNT; k++)
        if ((bits >> k & 1u) && json_array_append_new(a, json_string(elig_code_name(k)))) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

/* Adds "person", "facility", "unit", "transfer" for those the finding is about. */
static int subject_json(const fr_run *r, const finding *x, json_t *o)
{
    const state *s = r->s;
    const char *ids[4] = {id_or_null(x->person, person_id, s),
                          id_or_null(facility_of(s, x), facility_id, s),
                          id_or_null(x->unit, unit_id, s), id_or_null(x->transfer, transfer_id, s)};
    static const char *const keys[4] = {"person", "facility", "unit", "transfer"};
    for (int i = 0; i < 4; i++)
        if (ids[i] && json_object_set_new(o, keys[i], json_string(ids[i]))) return HB_EINTERNAL;
    return 0;
}

static json_t *figure(const finding *x, double v)
{
    return has_figures(x->code) ? json_real(v) : json_null();
}

/* Event findings come first in finding_code: they are never cleared. */
static const char *kind_of(finding_code c)
{
    return c < FC_UNIT_OVER_CAPACITY ? "event" : "standing";
}

/* The keys the issue specifies, in its order (subjects only when there is one). */
static json_t *finding_core(const fr_run *r, const finding *x)
{
    char raised[28];
    const char *std = r->p->standard[x->code];
    json_t *o = json_pack("{s:s, s:s, s:s}", "code", findings_code_name(x->code), "severity",
                          findings_severity_name(x->severity), "standard", std ? std : "");
    if (o && !subject_json(r, x, o) &&
        !json_object_set_new(o, "evidence", seqs_json(x->evidence, x->n_evidence)) &&
        !json_object_set_new(o, "raised_at", json_string(out_time(x->raised_us, raised))))
        return o;
    json_decref(o);
    return NULL;
}

/* The extra keys docs/report.md documents. */
static json_t *finding_extras(const fr_run *r, const finding *x, const char *why)
{
    char cleared[28];
    bool cl = is_cleared(r, x);
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I}", "kind", kind_of(x->code),
                     "explanation", why, "cleared_at",
                     cl ? json_string(out_time(x->cleared_us, cleared)) : json_null(), "cleared_by",
                     cl ? json_integer(x->cleared_seq) : json_null(), "value", figure(x, x->value),
                     "limit", figure(x, x->limit), "reasons", reasons_json(x->reasons),
                     "evidence_more", (json_int_t)x->n_more);
}

static json_t *finding_json(const fr_run *r, const finding *x, buf *b)
{
    const char *why = explain(r, x, b);
    json_t *o = why ? finding_core(r, x) : NULL;
    if (o && !json_object_update_new(o, finding_extras(r, x, why))) return o;
    json_decref(o);
    return NULL;
}

static int report_json(const fr_run *r)
{
    json_t *list = json_array();
    buf b = BUF_INIT;
    for (size_t i = 0; list && i < r->n; i++)
        if (json_array_append_new(list, finding_json(r, r->list[i], &b))) {
            json_decref(list);
            list = NULL;
        }
    buf_free(&b);
    json_t *counts = json_object();
    for (int v = 0; counts && v < SEV__COUNT; v++)
        if (json_object_set_new(counts, findings_severity_name((finding_severity)v),
                                json_integer((json_int_t)r->by_severity[v]))) {
            json_decref(counts);
            counts = NULL;
        }
    return out_json(json_pack("{s:s, s:s, s:o, s:o}", "at", r->fo->at_text, "profile", r->p->name,
                              "counts", counts, "findings", list));
}

/* ------------------------------------------------------------------ command */

/* The index of the facility --facility names, ST_NONE without one; exit 2 when it
 * names none in the ledger. */
static int resolve_facility(const opts *o, const state *s, fr_opts *fo)
{
    fo->facility_idx = ST_NONE;
    if (!fo->facility) return 0;
    const st_facility *fac = state_facility(s, fo->facility);
    if (!fac) {
        out_error("no facility \"%s\" in ledger %s", fo->facility, o->db);
        return HB_EINPUT;
    }
    for (uint32_t i = 0; i < state_count_facilities(s); i++)
        if (state_facility_at(s, i) == fac) fo->facility_idx = i;
    return 0;
}

static int run(const opts *o, fr_opts *fo, const profile *p)
{
    ledger *l;
    findings *f;
    hb_err err = {0};
    if (findings_open_ledger(o->db, p, &l, &f, &err)) return out_fail(&err, HB_EINTERNAL);
    fr_run r = {.s = ledger_state(l), .p = p, .fo = fo};
    int rc = resolve_facility(o, r.s, fo);
    if (!rc && select_findings(&r, f)) {
        out_error("out of memory");
        rc = HB_EINTERNAL;
    }
    if (!rc) rc = o->json ? report_json(&r) : report_text(&r);
    if (!rc && (r.by_severity[SEV_CRITICAL] || r.by_severity[SEV_HIGH])) rc = HB_ERULE;
    free(r.list);
    findings_open_close(l, f);
    return rc;
}

int report_findings(int argc, char **argv)
{
    opts o;
    fr_opts fo;
    int rc = parse_opts(&o, &fo, argc, argv);
    if (rc || o.help) return rc;
    profile p;
    hb_err err = {0};
    if ((rc = findings_open_profile(fo.profile, &p, &err))) return out_fail(&err, rc);
    rc = run(&o, &fo, &p);
    profile_free(&p);
    return rc;
}
