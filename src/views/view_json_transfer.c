/* views: one transfer (`habeas transfer ID --json`, GET /v1/transfers/{id}). */
#include "views/views.h"

#define N_TP (TP_ARRIVED + 1)

static json_t *counts_json(const st_transfer *t)
{
    uint32_t c[N_TP] = {0};
    for (uint32_t i = 0; i < t->n_persons; i++)
        if ((unsigned)t->persons[i].state < N_TP) c[t->persons[i].state]++;
    return json_pack("{s:i, s:i, s:i, s:i, s:i}", "proposed", (int)c[TP_PROPOSED], "approved",
                     (int)c[TP_APPROVED], "cancelled", (int)c[TP_CANCELLED], "departed",
                     (int)c[TP_DEPARTED], "arrived", (int)c[TP_ARRIVED]);
}

static json_t *persons_json(const state *s, const st_transfer *t)
{
    json_t *a = json_array();
    for (uint32_t i = 0; i < t->n_persons; i++) {
        const st_transfer_person *tp = &t->persons[i];
        const st_person *p = state_person_at(s, tp->person);
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:s, s:s, s:I}", "person", p->id, "given_names",
                                        p->given_names, "family_names", p->family_names, "state",
                                        views_tp_name(tp->state), "seq", (json_int_t)tp->seq));
    }
    return a;
}

json_t *views_transfer(ledger *l, store *st, const st_transfer *t, int64_t limit, hb_err *err)
{
    const state *s = ledger_state(l);
    const st_facility *from =
        t->from_facility != ST_NONE ? state_facility_at(s, t->from_facility) : NULL;
    const st_facility *to = t->to_facility != ST_NONE ? state_facility_at(s, t->to_facility) : NULL;
    json_t *o = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o}", "transfer", t->id,
        "from_facility", views_jstr(from ? from->id : NULL), "from_name",
        views_jstr(from ? from->name : NULL), "to_facility", views_jstr(to ? to->id : NULL),
        "to_name", views_jstr(to ? to->name : NULL), "agreement",
        views_jstr(t->agreement != ST_NONE ? state_agreement_at(s, t->agreement)->id : NULL),
        "authority", views_jstr(t->authority), "departure_planned",
        views_jstr(t->departure_planned.text.p), "proposed_seq", (json_int_t)t->proposed_seq,
        "counts", counts_json(t), "persons", persons_json(s, t));
    if (!o) {
        hb_fail(err, HB_EINTERNAL, "out of memory");
        return NULL;
    }
    if (views_history(l, st, &t->history, limit, o, err)) {
        json_decref(o);
        return NULL;
    }
    return o;
}
