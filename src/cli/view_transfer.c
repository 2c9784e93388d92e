/* `habeas transfer ID`: where from and to, under which agreement and authority,
 * and where each person on it stands (proposed ... arrived); then history. */
#include <inttypes.h>
#include <stdio.h>
#include "cli/out.h"
#include "cli/view.h"

#define N_TP (TP_ARRIVED + 1)

static void count_states(const st_transfer *t, uint32_t counts[N_TP])
{
    for (int i = 0; i < N_TP; i++)
        counts[i] = 0;
    for (uint32_t i = 0; i < t->n_persons; i++)
        if ((unsigned)t->persons[i].state < N_TP) counts[t->persons[i].state]++;
}

static void facility_field(const state *s, const char *label, uint32_t idx)
{
    const st_facility *f = idx != ST_NONE ? state_facility_at(s, idx) : NULL;
    if (f)
        view_field(label, "%s (%s)", f->id, f->name);
    else
        view_field(label, "-");
}

static void persons_text(const state *s, const st_transfer *t)
{
    out_table tab;
    out_table_init(&tab, 4, "llll");
    const char *head[4] = {"person", "names", "state", "seq"};
    out_table_add(&tab, head);
    for (uint32_t i = 0; i < t->n_persons; i++) {
        const st_transfer_person *tp = &t->persons[i];
        const st_person *p = state_person_at(s, tp->person);
        char names[512], seq[24];
        snprintf(names, sizeof names, "%s %s", p->given_names, p->family_names);
        snprintf(seq, sizeof seq, "%" PRId64, tp->seq);
        const char *row[4] = {p->id, names, view_tp_name(tp->state), seq};
        out_table_add(&tab, row);
    }
    out_table_print(&tab, stdout, "  ");
    out_table_free(&tab);
}

static int transfer_text(const view_ctx *v, const st_transfer *t)
{
    const state *s = ledger_state(v->l);
    uint32_t c[N_TP];
    count_states(t, c);
    printf("%s\n", t->id);
    facility_field(s, "from", t->from_facility);
    facility_field(s, "to", t->to_facility);
    view_field("agreement", "%s",
               t->agreement != ST_NONE ? state_agreement_at(s, t->agreement)->id : "- (domestic)");
    view_field("authority", "%s", t->authority ? t->authority : "-");
    view_field("departure", "%s (planned)",
               t->departure_planned.text.p ? t->departure_planned.text.p : "-");
    view_field("proposed", "seq %" PRId64, t->proposed_seq);
    view_field("persons", "%u: %u proposed, %u approved, %u cancelled, %u departed, %u arrived",
               t->n_persons, c[TP_PROPOSED], c[TP_APPROVED], c[TP_CANCELLED], c[TP_DEPARTED],
               c[TP_ARRIVED]);
    putchar('\n');
    if (t->n_persons) {
        persons_text(s, t);
        putchar('\n');
    }
    return view_history_text(v, &t->history, t->id);
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
                                        view_tp_name(tp->state), "seq", (json_int_t)tp->seq));
    }
    return a;
}

static int transfer_json(const view_ctx *v, const st_transfer *t)
{
    const state *s = ledger_state(v->l);
    uint32_t c[N_TP];
    count_states(t, c);
    const st_facility *from =
        t->from_facility != ST_NONE ? state_facility_at(s, t->from_facility) : NULL;
    const st_facility *to = t->to_facility != ST_NONE ? state_facility_at(s, t->to_facility) : NULL;
    json_t *counts = json_pack("{s:i, s:i, s:i, s:i, s:i}", "proposed", (int)c[TP_PROPOSED],
                               "approved", (int)c[TP_APPROVED], "cancelled", (int)c[TP_CANCELLED],
                               "departed", (int)c[TP_DEPARTED], "arrived", (int)c[TP_ARRIVED]);
    json_t *o = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o}", "transfer", t->id,
        "from_facility", out_jstr(from ? from->id : NULL), "from_name",
        out_jstr(from ? from->name : NULL), "to_facility", out_jstr(to ? to->id : NULL), "to_name",
        out_jstr(to ? to->name : NULL), "agreement",
        out_jstr(t->agreement != ST_NONE ? state_agreement_at(s, t->agreement)->id : NULL),
        "authority", out_jstr(t->authority), "departure_planned",
        out_jstr(t->departure_planned.text.p), "proposed_seq", (json_int_t)t->proposed_seq,
        "counts", counts, "persons", persons_json(s, t));
    if (!o) return out_json(NULL);
    int rc = view_history_json(v, &t->history, o);
    if (rc) {
        json_decref(o);
        return rc;
    }
    return out_json(o);
}

int view_transfer(const view_ctx *v, const st_transfer *t)
{
    return v->json ? transfer_json(v, t) : transfer_text(v, t);
}
