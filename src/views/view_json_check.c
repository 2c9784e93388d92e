/* views: a transfer's eligibility check (`habeas check transfer ID --json`,
 * GET /v1/transfers/{id}/check; docs/check.md). */
#include <stdlib.h>
#include "views/views.h"

int views_check_as_of(ledger *l, store *st, const state *s, const st_transfer *live, const char *at,
                      int64_t at_us, const st_transfer **out, hb_err *err)
{
    *out = state_transfer(s, live->id);
    if (*out) return 0;
    char when[64];
    views_event_at(l, st, live->proposed_seq, live->proposed_us, when, sizeof when);
    if (live->proposed_us > at_us)
        return hb_fail(err, HB_EINPUT,
                       "transfer \"%s\" was not yet proposed at %s (it was proposed at %s): "
                       "nothing to check then",
                       live->id, at, when);
    return hb_fail(err, HB_EINPUT,
                   "transfer \"%s\" (proposed at %s) is left out of the ledger as of %s: it "
                   "names something recorded after that moment (see docs/check.md)",
                   live->id, when, at);
}

int views_check_run(views_check *c, int64_t at_us, hb_err *err)
{
    uint32_t n = c->t->n_persons;
    uint32_t *persons = malloc((n ? n : 1) * sizeof *persons);
    c->v = calloc(n ? n : 1, sizeof *c->v);
    if (!persons || !c->v) {
        free(persons);
        return hb_fail(err, HB_EINTERNAL, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++)
        persons[i] = c->t->persons[i].person;
    c->plan = elig_plan_of(c->s, c->t, at_us);
    int rc = elig_check(c->s, &c->plan, persons, n, c->v);
    free(persons);
    if (rc == HB_EINPUT) /* a stored transfer always names one */
        return hb_fail(err, HB_EINTERNAL,
                       "transfer \"%s\" cannot be checked: its plan names no destination",
                       c->t->id);
    if (rc) return hb_fail(err, HB_EINTERNAL, "out of memory checking transfer \"%s\"", c->t->id);
    for (uint32_t i = 0; i < n; i++) {
        c->blocked += c->v[i].blocked;
        for (uint8_t k = 0; k < c->v[i].n_reasons; k++)
            c->by_reason[c->v[i].reasons[k].code]++;
    }
    return 0;
}

void views_check_free(views_check *c)
{
    free(c->v);
    c->v = NULL;
}

const char *views_check_explain(const views_check *c, const elig_verdict *v, const elig_reason *r,
                                buf *b)
{
    buf_clear(b);
    if (elig_explain(c->s, &c->plan, v, r, b)) return NULL;
    return b->p ? b->p : "";
}

/* Builders return NULL on out of memory (json_pack "o" then fails too), so that a
 * half-built document is never served as if complete. */
static json_t *reason_json(const views_check *c, const elig_verdict *v, const elig_reason *r,
                           buf *b)
{
    json_t *ev = json_array();
    for (uint8_t e = 0; ev && e < r->n_evidence; e++)
        if (json_array_append_new(ev, json_integer((json_int_t)r->evidence[e]))) {
            json_decref(ev);
            ev = NULL;
        }
    return json_pack("{s:s, s:s, s:o}", "code", elig_code_name(r->code), "explanation",
                     views_check_explain(c, v, r, b), "evidence", ev);
}

static json_t *person_json(const views_check *c, uint32_t i, buf *b)
{
    const elig_verdict *v = &c->v[i];
    json_t *reasons = json_array();
    for (uint8_t k = 0; reasons && k < v->n_reasons; k++)
        if (json_array_append_new(reasons, reason_json(c, v, &v->reasons[k], b))) {
            json_decref(reasons);
            reasons = NULL;
        }
    const st_person *p = state_person_at(c->s, c->t->persons[i].person);
    return json_pack("{s:s, s:s, s:o}", "person", p->id, "verdict",
                     v->blocked ? "blocked" : "cleared", "reasons", reasons);
}

static json_t *persons_json(const views_check *c)
{
    json_t *a = json_array();
    buf b = BUF_INIT;
    for (uint32_t i = 0; a && i < c->t->n_persons; i++)
        if (json_array_append_new(a, person_json(c, i, &b))) {
            json_decref(a);
            a = NULL;
        }
    buf_free(&b);
    return a;
}

json_t *views_check_json(const views_check *c)
{
    json_t *by = json_object();
    for (int k = 0; by && k < RC__COUNT; k++)
        if (c->by_reason[k] && json_object_set_new(by, elig_code_name((reason_code)k),
                                                   json_integer((json_int_t)c->by_reason[k]))) {
            json_decref(by);
            by = NULL;
        }
    json_t *summary =
        json_pack("{s:I, s:I, s:o}", "cleared", (json_int_t)(c->t->n_persons - c->blocked),
                  "blocked", (json_int_t)c->blocked, "by_reason", by);
    return json_pack("{s:s, s:s, s:o, s:o}", "transfer", c->t->id, "at", c->at, "summary", summary,
                     "persons", persons_json(c));
}
