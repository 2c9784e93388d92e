/* api_reports: GET /v1/findings, /v1/reports/costs and /v1/reports/occupancy: the
 * CLI's `habeas report ... --json` documents (built by src/views/), over the live
 * state and the app's live findings set (docs/api.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/app.h"
#include "http/routes.h"
#include "util/hbtime.h"
#include "views/views.h"

static int bad_param(http_resp *out, const char *name, const char *expected, const char *found)
{
    http_problem(out, 400, "invalid-parameter", "Invalid parameter", name, expected,
                 "%s: expected %s, found \"%s\"", name, expected, found);
    return -1;
}

#define TIME_EXPECTED "an RFC 3339 time with offset, e.g. 2025-03-15T17:00:00-04:00"
#define DATE_OR_TIME_EXPECTED "a date YYYY-MM-DD (its whole UTC day) or " TIME_EXPECTED

/* A time parameter into *us (left alone when absent). day_end: a bare date is
 * also taken, as the last microsecond of that UTC day (like the CLI's --at). */
static int time_param(const http_call *c, http_resp *out, const char *name, bool day_end,
                      int64_t *us, const char **given)
{
    const char *s = *given = http_query(c->req, name);
    if (!s) return 0;
    const char *why;
    int32_t day;
    size_t n = strlen(s);
    if (day_end && n == 10 && !hbdate_parse(s, n, &day, &why)) {
        *us = (int64_t)day * HB_US_PER_DAY + HB_US_PER_DAY - 1;
        return 0;
    }
    if (!hbtime_parse(s, n, us, &why)) return 0;
    return bad_param(out, name, day_end ? DATE_OR_TIME_EXPECTED : TIME_EXPECTED, s);
}

static int64_t now_whole_seconds(void)
{
    int64_t t = hbtime_now();
    return t - t % 1000000; /* "now" is printed */
}

/* ------------------------------------------------------------------ findings */

/* The query as views_findings_opts; -1 with a 400 problem set. */
static int findings_opts(const http_call *c, http_resp *out, views_findings_opts *fo,
                         char at_text[28])
{
    const char *at, *since, *sev = http_query(c->req, "severity");
    const char *cur = http_query(c->req, "current");
    *fo = (views_findings_opts){ST_NONE, INT64_MIN, now_whole_seconds(), SEV_LOW, false, NULL};
    if (time_param(c, out, "at", false, &fo->at_us, &at) ||
        time_param(c, out, "since", false, &fo->since_us, &since))
        return -1;
    if (sev && (fo->min_severity = views_severity_of(sev)) < 0)
        return bad_param(out, "severity", "critical, high, medium or low", sev);
    if (cur && strcmp(cur, "true") && strcmp(cur, "false") && strcmp(cur, "1") &&
        strcmp(cur, "0") && *cur)
        return bad_param(out, "current", "true or false", cur);
    fo->current = cur && (!*cur || !strcmp(cur, "true") || !strcmp(cur, "1"));
    fo->at_text = views_time(fo->at_us, at_text);
    return 0;
}

int api_findings(http_call *c, http_resp *out)
{
    views_findings_opts fo;
    char at_text[28];
    if (findings_opts(c, out, &fo, at_text)) return 0;
    const char *fac = http_query(c->req, "facility");
    http_app *app = c->app;
    views_findings r = {.s = ledger_state(app->l), .p = &app->prof, .fo = &fo};
    json_t *j = NULL;
    int rc = 0;
    http_app_read(app);
    if (fac) fo.facility_idx = views_facility_index(r.s, fac);
    if (!fac || fo.facility_idx != ST_NONE) {
        rc = views_findings_select(&r, app->f);
        if (!rc) j = views_findings_json(&r);
    }
    http_app_read_end(app);
    views_findings_free(&r);
    if (fac && fo.facility_idx == ST_NONE)
        return http_problem(out, 404, "facility-not-found", "Not found", "facility", NULL,
                            "no facility \"%s\" in the ledger", fac);
    return j ? http_json(out, 200, j) : HB_EINTERNAL;
}

/* ------------------------------------------------------------------ costs */

/* The rows on state s (one agreement or all), as JSON into *j; a 404 problem set
 * when the agreement is not there at that moment. */
static int costs_on(const state *s, const state *live_s, const char *only, const char *at,
                    int64_t at_us, http_resp *out, json_t **j)
{
    const st_agreement *one = NULL;
    if (only) {
        const st_agreement *live = state_agreement(live_s, only);
        hb_err err = {0};
        if (!live)
            return http_problem(out, 404, "agreement-not-found", "Not found", "agreement", NULL,
                                "no agreement \"%s\" in the ledger", only);
        if (views_costs_as_of(live, s, at, at_us, &one, &err))
            return http_problem(out, 404, "agreement-not-as-of", "Not found at that time", "at",
                                NULL, "%s", err.msg);
    }
    costs_row *rows;
    size_t n;
    int32_t today = hbtime_date(at_us);
    if (views_costs_rows(s, one, today, &rows, &n)) return HB_EINTERNAL;
    *j = views_costs_json(at, today, rows, n);
    free(rows);
    return *j ? 0 : HB_EINTERNAL;
}

int api_report_costs(http_call *c, http_resp *out)
{
    int64_t at_us = now_whole_seconds();
    const char *at;
    if (time_param(c, out, "at", true, &at_us, &at)) return 0;
    char now[28];
    if (!at) at = views_time(at_us, now);
    bool as_of = http_query(c->req, "at") != NULL;
    const char *only = http_query(c->req, "agreement");
    state *past = NULL;
    hb_err err = {0};
    json_t *j = NULL;
    int rc = 0;
    http_app_read(c->app);
    const state *live = ledger_state(c->app->l);
    if (as_of) { /* the state then is rebuilt from the stored log */
        store *st;
        rc = http_app_reader(c->app, &st, &err);
        if (!rc) rc = ledger_state_as_of_from(st, at_us, &past, &err);
        http_app_reader_end(c->app, st);
    }
    if (!rc) rc = costs_on(past ? past : live, live, only, at, at_us, out, &j);
    http_app_read_end(c->app);
    state_free(past);
    if (err.code)
        return http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                            "cannot rebuild the ledger as of %s: %s", at, err.msg);
    return rc || out->status ? rc : http_json(out, 200, j);
}

/* ------------------------------------------------------------------ occupancy */

int api_report_occupancy(http_call *c, http_resp *out)
{
    const char *only_id = http_query(c->req, "facility");
    char at[28];
    views_time(now_whole_seconds(), at);
    json_t *j = NULL;
    http_app_read(c->app);
    const state *s = ledger_state(c->app->l);
    const st_facility *only = only_id ? state_facility(s, only_id) : NULL;
    if (!only_id || only) j = views_occupancy(s, only, at);
    http_app_read_end(c->app);
    if (only_id && !only)
        return http_problem(out, 404, "facility-not-found", "Not found", "facility", NULL,
                            "no facility \"%s\" in the ledger", only_id);
    return j ? http_json(out, 200, j) : HB_EINTERNAL;
}
