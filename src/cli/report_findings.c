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
#include "views/views.h"
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

/* The options as given, and what they resolve to (v: src/views/views.h). */
typedef struct {
    const char *facility, *since, *at, *severity, *profile;
    views_findings_opts v;
    char at_text[28]; /* the moment, as printed */
} fr_opts;

/* One report: the state and profile it was made on and the findings listed. */
typedef views_findings fr_run;

/* ------------------------------------------------------------------ options */

static int parse_severity(const opts *o, fr_opts *fo)
{
    fo->v.min_severity = SEV_LOW;
    if (!fo->severity) return 0;
    fo->v.min_severity = views_severity_of(fo->severity);
    if (fo->v.min_severity >= 0) return 0;
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
                          {"current", NULL, &fo->v.current}};
    int rc = opts_parse(o, "report findings", USAGE, argc, argv, extra, 6);
    if (rc || o->help) return rc;
    if ((rc = opts_nargs(o, 0, 0, "nothing"))) return rc;
    fo->v.at_us = hbtime_now();
    fo->v.at_us -= fo->v.at_us % 1000000; /* whole seconds: "now" is printed */
    fo->v.since_us = INT64_MIN;
    if (fo->at && (rc = opts_time(o, "at", fo->at, OPTS_TIME, &fo->v.at_us))) return rc;
    if (fo->since && (rc = opts_time(o, "since", fo->since, OPTS_TIME, &fo->v.since_us))) return rc;
    fo->v.at_text = out_time(fo->v.at_us, fo->at_text);
    return parse_severity(o, fo);
}

/* ------------------------------------------------------------------ shared */

static bool is_cleared(const fr_run *r, const finding *x)
{
    return views_finding_cleared(r, x);
}

static const char *explain(const fr_run *r, const finding *x, buf *b)
{
    return views_finding_explain(r, x, b);
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
    const char *f = id_or_null(views_finding_facility(s, x), facility_id, s);
    if (p)
        snprintf(out, n, "%s%s%s", p, t ? " on " : "", t ? t : "");
    else if (u)
        snprintf(out, n, "%s/%s", f ? f : "?", u);
    else
        snprintf(out, n, "%s", f ? f : t ? t : "-");
    return out;
}

static void header_text(const fr_run *r, const fr_opts *fo)
{
    printf("findings as of %s, profile %s", fo->at_text, r->p->name);
    if (fo->facility) printf(", facility %s", fo->facility);
    if (fo->since) printf(", since %s", fo->since);
    if (fo->severity) printf(", %s and worse", fo->severity);
    if (fo->v.current) printf(", not cleared");
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

static int report_text(const fr_run *r, const fr_opts *fo)
{
    header_text(r, fo);
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

static int report_json(const fr_run *r)
{
    json_t *j = views_findings_json(r);
    if (!j) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    return out_json(j);
}

/* ------------------------------------------------------------------ command */

/* The index of the facility --facility names, ST_NONE without one; exit 2 when it
 * names none in the ledger. */
static int resolve_facility(const opts *o, const state *s, fr_opts *fo)
{
    fo->v.facility_idx = ST_NONE;
    if (!fo->facility) return 0;
    fo->v.facility_idx = views_facility_index(s, fo->facility);
    if (fo->v.facility_idx != ST_NONE) return 0;
    out_error("no facility \"%s\" in ledger %s", fo->facility, o->db);
    return HB_EINPUT;
}

static int run(const opts *o, fr_opts *fo, const profile *p)
{
    ledger *l;
    findings *f;
    hb_err err = {0};
    if (findings_open_ledger(o->db, p, &l, &f, &err)) return out_fail(&err, HB_EINTERNAL);
    fr_run r = {.s = ledger_state(l), .p = p, .fo = &fo->v};
    int rc = resolve_facility(o, r.s, fo);
    if (!rc && views_findings_select(&r, f)) {
        out_error("out of memory");
        rc = HB_EINTERNAL;
    }
    if (!rc) rc = o->json ? report_json(&r) : report_text(&r, fo);
    if (!rc && (r.by_severity[SEV_CRITICAL] || r.by_severity[SEV_HIGH])) rc = HB_ERULE;
    views_findings_free(&r);
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
