/* api_records: one person, facility or transfer, the facility list, and a
 * transfer's check (docs/api.md). The documents are the CLI's --json ones,
 * built by src/views/ (so both give the same JSON), over the live state.
 *
 * Locking: the state is read under the app's read lock, so reads run together.
 * The views of one entity also read records back from the log (its history, the
 * stored time of an event): each through a read-only connection of its own from
 * the app's pool (http_app_reader), so those reads run together too; the read
 * lock keeps the writer out meanwhile, so the log holds every record the state
 * names. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/access.h"
#include "http/app.h"
#include "http/routes.h"
#include "util/hbtime.h"
#include "views/views.h"

#define HISTORY_DEFAULT_LIMIT 50
#define HISTORY_MAX_LIMIT 100000

static int not_found(http_resp *out, const char *what, const char *id)
{
    char slug[40];
    snprintf(slug, sizeof slug, "%s-not-found", what);
    return http_problem(out, 404, slug, "Not found", NULL, NULL, "no %s \"%s\" in the ledger", what,
                        id);
}

/* The JSON made by a view, or the 500 for why it is not there. */
static int view_out(http_resp *out, json_t *j, const hb_err *err)
{
    if (j) return http_json(out, 200, j);
    return http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                        "cannot build the view: %s", err->code ? err->msg : "out of memory");
}

typedef enum { ENT_PERSON, ENT_FACILITY, ENT_TRANSFER } entity;
static const char *const ENT_NAMES[] = {"person", "facility", "transfer"};

/* The entity's view; NULL (and err, or not found) when it cannot be given. */
static json_t *entity_view(http_app *app, entity k, const char *id, int64_t limit, bool *found,
                           hb_err *err)
{
    const state *s = ledger_state(app->l);
    const st_person *p = k == ENT_PERSON ? state_person(s, id) : NULL;
    const st_facility *f = k == ENT_FACILITY ? state_facility(s, id) : NULL;
    const st_transfer *t = k == ENT_TRANSFER ? state_transfer(s, id) : NULL;
    *found = p || f || t;
    if (!*found) return NULL;
    store *st;
    if (http_app_reader(app, &st, err)) return NULL;
    json_t *j = p   ? views_person(app->l, st, p, limit, err)
                : f ? views_facility(app->l, st, f, limit, err)
                    : views_transfer(app->l, st, t, limit, err);
    http_app_reader_end(app, st);
    return j;
}

static int entity_get(http_call *c, http_resp *out, entity k)
{
    int64_t limit;
    if (http_query_int(c->req, out, "limit", HISTORY_DEFAULT_LIMIT, 0, HISTORY_MAX_LIMIT, &limit))
        return 0; /* ?limit= : history entries, 0 for all */
    const char *id = c->params[0];
    bool found;
    hb_err err = {0};
    http_app_read(c->app);
    json_t *j = entity_view(c->app, k, id, limit, &found, &err);
    http_app_read_end(c->app);
    if (!found) return not_found(out, ENT_NAMES[k], id);
    /* A full record read by staff is logged before it is served, or not served. */
    if (j && k == ENT_PERSON && c->role != ROLE_PUBLIC && access_record(c, "person", id)) {
        json_decref(j);
        return http_problem(out, 500, "access-log-failed", "Internal error", NULL, NULL,
                            "the read of person \"%s\" could not be logged, so it is not served",
                            id);
    }
    return view_out(out, j, &err);
}

int api_person_get(http_call *c, http_resp *out)
{
    return entity_get(c, out, ENT_PERSON);
}

int api_facility_get(http_call *c, http_resp *out)
{
    return entity_get(c, out, ENT_FACILITY);
}

int api_transfer_get(http_call *c, http_resp *out)
{
    return entity_get(c, out, ENT_TRANSFER);
}

int api_facilities_list(http_call *c, http_resp *out)
{
    http_app_read(c->app);
    json_t *j = views_facilities(ledger_state(c->app->l));
    http_app_read_end(c->app);
    return j ? http_json(out, 200, j) : HB_EINTERNAL;
}

/* ------------------------------------------------------------------ check */

/* ?at= as an RFC 3339 time with offset; now (whole seconds) when absent. 0, or
 * -1 with a 400 problem set. */
static int at_param(const http_call *c, http_resp *out, int64_t *at_us, char now[28],
                    const char **at)
{
    *at = http_query(c->req, "at");
    const char *why = NULL;
    if (*at && !hbtime_parse(*at, strlen(*at), at_us, &why)) return 0;
    if (*at) {
        http_problem(out, 400, "invalid-parameter", "Invalid parameter", "at",
                     "an RFC 3339 time with offset, e.g. 2025-03-15T17:00:00-04:00",
                     "at: expected an RFC 3339 time with offset, found \"%s\" (%s)", *at,
                     why ? why : "not a time");
        return -1;
    }
    *at_us = hbtime_now();
    *at_us -= *at_us % 1000000; /* whole seconds: "now" is printed */
    *at = views_time(*at_us, now);
    return 0;
}

/* Runs the check on c->s (live or as of), into *j; 404 problems set in out. */
static int check_on(http_call *c, store *st, http_resp *out, views_check *k,
                    const st_transfer *live, bool as_of, int64_t at_us, json_t **j)
{
    hb_err err = {0};
    if (as_of &&
        views_check_as_of(c->app->l, st, k->s, live, k->at, at_us, &k->t, &err) == HB_EINPUT)
        return http_problem(out, 404, "transfer-not-as-of", "Not found at that time", "at", NULL,
                            "%s", err.msg);
    if (views_check_run(k, at_us, &err))
        return http_problem(out, 500, "internal", "Internal error", NULL, NULL, "%s", err.msg);
    *j = views_check_json(k);
    return *j ? 0 : HB_EINTERNAL;
}

int api_transfer_check(http_call *c, http_resp *out)
{
    int64_t at_us;
    char now[28];
    views_check k = {0};
    if (at_param(c, out, &at_us, now, &k.at)) return 0;
    bool as_of = http_query(c->req, "at") != NULL;
    json_t *j = NULL;
    state *past = NULL;
    hb_err err = {0};
    int rc = 0;
    store *st = NULL;
    http_app_read(c->app);
    const st_transfer *live = state_transfer(ledger_state(c->app->l), c->params[0]);
    k.s = ledger_state(c->app->l);
    k.t = live;
    /* The as-of state is rebuilt from the stored log; messages read the stored
     * time of the proposal. */
    if (live && as_of) rc = http_app_reader(c->app, &st, &err);
    if (live && as_of && !rc) {
        rc = ledger_state_as_of_from(st, at_us, &past, &err);
        k.s = past;
    }
    if (live && !rc) rc = check_on(c, st, out, &k, live, as_of, at_us, &j);
    http_app_reader_end(c->app, st);
    http_app_read_end(c->app);
    views_check_free(&k);
    state_free(past);
    if (!live) return not_found(out, "transfer", c->params[0]);
    if (err.code)
        return http_problem(out, 500, "internal", "Internal error", NULL, NULL,
                            "cannot rebuild the ledger as of %s: %s", k.at, err.msg);
    return rc || out->status ? rc : http_json(out, 200, j);
}
