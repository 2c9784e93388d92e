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

int view_transfer(const view_ctx *v, const st_transfer *t)
{
    if (!v->json) return transfer_text(v, t);
    hb_err err = {0};
    return view_print_json(views_transfer(v->l, NULL, t, v->limit, &err), &err);
}
