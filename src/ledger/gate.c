/* gate: a transfer.approved is a decision, not a fact, so it is refused when a
 * person it lists is blocked for that transfer at the event's `at` (ledger.h,
 * docs/rules.md "Gating"). One elig_check for all the event's persons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/ledger_internal.h"
#include "rules/eligibility.h"
#include "util/map.h"

/* errlist keeps at most 1023 bytes of a message (util/err.c): a longer one would
 * be cut mid-sentence, so explanations are dropped first. */
#define MSG_ROOM 1023

/* The event's persons as pool indexes. state_check has passed, so each is on the
 * transfer; the map (ids are the state's interned strings) keeps a large
 * transfer from costing a scan per person. *out: caller frees. */
static int resolve(const state *s, const st_transfer *t, const ev_transfer_step *e, uint32_t **out)
{
    uint32_t n = (uint32_t)e->persons.n;
    uint32_t *v = malloc(n * sizeof *v);
    map m = MAP_INIT;
    int rc = v ? 0 : HB_EINTERNAL;
    for (uint32_t k = 0; k < t->n_persons && !rc; k++) {
        const char *id = state_person_at(s, t->persons[k].person)->id;
        rc = map_put(&m, id, strlen(id), t->persons[k].person);
    }
    for (uint32_t i = 0; i < n && !rc; i++)
        if (!map_get(&m, e->persons.v[i].p, e->persons.v[i].n, &v[i])) rc = HB_EINTERNAL;
    map_free(&m);
    if (rc) free(v);
    *out = rc ? NULL : v;
    return rc;
}

/* Each reason's sentence, back to back in b; ends[k] is where sentence k ends. */
static int explain_all(const state *s, const elig_plan *p, const elig_verdict *v, buf *b,
                       size_t ends[RC__COUNT])
{
    buf_clear(b);
    for (uint8_t k = 0; k < v->n_reasons; k++) {
        if (elig_explain(s, p, v, &v->reasons[k], b)) return HB_EINTERNAL;
        ends[k] = b->len;
    }
    return 0;
}

/* `"P-7" is blocked: CODE (sentence); CODE (sentence)`. When everything does not
 * fit in room, every code stays and the sentences that fit, in order, are kept. */
static int refusal(const elig_verdict *v, const char *id, const buf *why,
                   const size_t ends[RC__COUNT], size_t room, const char *redo, buf *out)
{
    size_t codes = strlen(id) + 16;
    for (uint8_t k = 0; k < v->n_reasons; k++)
        codes += strlen(elig_code_name(v->reasons[k].code)) + 2;
    bool cut = codes + why->len + 3u * v->n_reasons > room;
    size_t left = room > codes + strlen(redo) ? room - codes - strlen(redo) : 0;
    int rc = buf_printf(out, "\"%s\" is blocked: ", id);
    for (uint8_t k = 0; k < v->n_reasons && !rc; k++) {
        size_t from = k ? ends[k - 1] : 0, len = ends[k] - from;
        rc = buf_printf(out, "%s%s", k ? "; " : "", elig_code_name(v->reasons[k].code));
        if (!rc && (!cut || len + 3 <= left)) {
            rc = buf_printf(out, " (%.*s)", (int)len, why->p + from);
            left -= cut ? len + 3 : 0;
        }
    }
    if (!rc && cut) rc = buf_puts(out, redo);
    return rc;
}

/* Adds one message per blocked person to errs. */
static int report(const state *s, const elig_plan *p, const elig_verdict *v, const event *ev,
                  hb_errlist *errs, const char *where)
{
    const ev_transfer_step *e = &ev->u.transfer_step;
    char path[64], redo[512];
    snprintf(redo, sizeof redo,
             " (some explanations left out for length: `habeas check transfer %s --at %s` "
             "gives them all)",
             e->transfer.p, ev->at.text.p);
    buf why = BUF_INIT, msg = BUF_INIT;
    size_t ends[RC__COUNT];
    int rc = 0;
    for (int32_t i = 0; i < e->persons.n && !rc; i++) {
        if (!v[i].blocked) continue;
        snprintf(path, sizeof path, "transfer.approved.persons[%d]", (int)i);
        buf_clear(&msg);
        rc = explain_all(s, p, &v[i], &why, ends);
        if (!rc) rc = refusal(&v[i], e->persons.v[i].p, &why, ends, MSG_ROOM, redo, &msg);
        if (!rc) errlist_add(errs, where, path, "%s", msg.p);
    }
    buf_free(&why);
    buf_free(&msg);
    return rc;
}

int ledger_gate(ledger *l, const event *ev, hb_errlist *errs, const char *where)
{
    if (ev->type != EV_TRANSFER_APPROVED) return 0;
    const state *s = l->state;
    const ev_transfer_step *e = &ev->u.transfer_step;
    const st_transfer *t = state_transfer(s, e->transfer.p);
    if (!t || e->persons.n <= 0) return 0; /* state_check has refused it already */
    uint32_t *persons;
    if (resolve(s, t, e, &persons)) return HB_EINTERNAL;
    elig_plan p = elig_plan_of(s, t, ev->at.us);
    /* Persons this transfer's earlier events approved hold their places: counted
     * as taken like approvals on any other transfer (once each, so a person this
     * event approves again is not counted twice). `check transfer` keeps the
     * transfer's own index, since it checks all its persons in one plan. */
    p.transfer = ST_NONE;
    uint32_t n = (uint32_t)e->persons.n;
    elig_verdict *v = malloc(n * sizeof *v);
    int rc = v ? elig_check(s, &p, persons, n, v) : HB_EINTERNAL;
    bool blocked = false;
    for (uint32_t i = 0; i < n && !rc; i++)
        blocked |= v[i].blocked;
    if (!rc && blocked) rc = report(s, &p, v, ev, errs, where);
    free(v);
    free(persons);
    if (rc) return HB_EINTERNAL; /* elig_check's HB_EINPUT cannot happen on a stored plan */
    return blocked ? HB_EINPUT : 0;
}
