/* views: the findings report (`habeas report findings --json`, GET /v1/findings;
 * docs/report.md): which findings an inquiry wants, and their JSON. */
#include <stdlib.h>
#include <string.h>
#include "views/views.h"

int views_severity_of(const char *name)
{
    for (int v = 0; name && v < SEV__COUNT; v++)
        if (!strcmp(name, findings_severity_name((finding_severity)v))) return v;
    return -1;
}

uint32_t views_facility_index(const state *s, const char *id)
{
    const st_facility *fac = state_facility(s, id);
    for (uint32_t i = 0; fac && i < state_count_facilities(s); i++)
        if (state_facility_at(s, i) == fac) return i;
    return ST_NONE;
}

uint32_t views_finding_facility(const state *s, const finding *x)
{
    if (x->facility != ST_NONE) return x->facility;
    if (x->unit != ST_NONE) return state_unit_at(s, x->unit)->facility;
    if (x->person != ST_NONE) return state_person_at(s, x->person)->facility;
    return ST_NONE;
}

static bool about_facility(const state *s, const finding *x, uint32_t fac)
{
    if (views_finding_facility(s, x) == fac) return true;
    if (x->transfer == ST_NONE) return false;
    const st_transfer *t = state_transfer_at(s, x->transfer);
    return t->from_facility == fac || t->to_facility == fac;
}

static bool wanted(const views_findings *r, const finding *x)
{
    const views_findings_opts *fo = r->fo;
    if (x->raised_us > fo->at_us || x->raised_us < fo->since_us) return false;
    /* a timed finding whose condition ended before its date came: never raised */
    if (x->cleared_us <= x->raised_us) return false;
    if ((int)x->severity > fo->min_severity) return false;
    if (fo->current && !findings_active(x, fo->at_us)) return false;
    return fo->facility_idx == ST_NONE || about_facility(r->s, x, fo->facility_idx);
}

int views_findings_select(views_findings *r, const findings *f)
{
    size_t total = findings_count(f);
    r->n = 0;
    memset(r->by_severity, 0, sizeof r->by_severity);
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

void views_findings_free(views_findings *r)
{
    free(r->list);
    r->list = NULL;
}

bool views_finding_cleared(const views_findings *r, const finding *x)
{
    return x->cleared_us != INT64_MAX && x->cleared_us <= r->fo->at_us;
}

/* A clearing later than the moment had not happened then, so it is not told. */
const char *views_finding_explain(const views_findings *r, const finding *x, buf *b)
{
    finding as_of = *x;
    if (!views_finding_cleared(r, x)) {
        as_of.cleared_us = INT64_MAX;
        as_of.cleared_seq = 0;
    }
    buf_clear(b);
    if (findings_explain(r->s, r->p, &as_of, b)) return NULL;
    return b->p ? b->p : "";
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
static int subject_json(const state *s, const finding *x, json_t *o)
{
    uint32_t fac = views_finding_facility(s, x);
    const char *ids[4] = {
        x->person != ST_NONE ? state_person_at(s, x->person)->id : NULL,
        fac != ST_NONE ? state_facility_at(s, fac)->id : NULL,
        x->unit != ST_NONE ? state_unit_at(s, x->unit)->id : NULL,
        x->transfer != ST_NONE ? state_transfer_at(s, x->transfer)->id : NULL,
    };
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
static json_t *finding_core(const views_findings *r, const finding *x)
{
    char raised[28];
    const char *std = r->p->standard[x->code];
    json_t *o = json_pack("{s:s, s:s, s:s}", "code", findings_code_name(x->code), "severity",
                          findings_severity_name(x->severity), "standard", std ? std : "");
    if (o && !subject_json(r->s, x, o) &&
        !json_object_set_new(o, "evidence", seqs_json(x->evidence, x->n_evidence)) &&
        !json_object_set_new(o, "raised_at", json_string(views_time(x->raised_us, raised))))
        return o;
    json_decref(o);
    return NULL;
}

/* The extra keys docs/report.md documents. */
static json_t *finding_extras(const views_findings *r, const finding *x, const char *why)
{
    char cleared[28];
    bool cl = views_finding_cleared(r, x);
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I}", "kind", kind_of(x->code),
                     "explanation", why, "cleared_at",
                     cl ? json_string(views_time(x->cleared_us, cleared)) : json_null(),
                     "cleared_by", cl ? json_integer(x->cleared_seq) : json_null(), "value",
                     figure(x, x->value), "limit", figure(x, x->limit), "reasons",
                     reasons_json(x->reasons), "evidence_more", (json_int_t)x->n_more);
}

static json_t *finding_json(const views_findings *r, const finding *x, buf *b)
{
    const char *why = views_finding_explain(r, x, b);
    json_t *o = why ? finding_core(r, x) : NULL;
    if (o && !json_object_update_new(o, finding_extras(r, x, why))) return o;
    json_decref(o);
    return NULL;
}

json_t *views_findings_json(const views_findings *r)
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
    return json_pack("{s:s, s:s, s:o, s:o}", "at", r->fo->at_text, "profile", r->p->name, "counts",
                     counts, "findings", list);
}
