/* `habeas person ID`: who, where held, on what basis, until when; then history. */
#include <inttypes.h>
#include <stdio.h>
#include "cli/out.h"
#include "cli/view.h"

static const char *en(event_enum e, int v)
{
    const char *s = event_enum_name(e, v);
    return s ? s : "-";
}

static void status_text(const st_status *st, char *out, size_t n)
{
    char from[11], until[11];
    int k = snprintf(out, n, "%s in %s", en(ENUM_STATUS, st->kind), st->jurisdiction.cc);
    if (k < 0 || (size_t)k >= n) return;
    if (st->country.cc[0]) k += snprintf(out + k, n - (size_t)k, " (not to %s)", st->country.cc);
    if ((size_t)k >= n) return;
    k += snprintf(out + k, n - (size_t)k, " from %s", out_date(st->valid_from, from));
    if ((size_t)k >= n) return;
    if (st->valid_until != HB_DATE_ABSENT)
        k += snprintf(out + k, n - (size_t)k, " until %s", out_date(st->valid_until, until));
    if ((size_t)k >= n) return;
    snprintf(out + k, n - (size_t)k, " (seq %" PRId64 ")", st->seq);
}

static void custody_text(ledger *l, const st_person *p)
{
    const state *s = ledger_state(l);
    if (p->custody == CUST_HELD && p->facility != ST_NONE) {
        const st_facility *f = state_facility_at(s, p->facility);
        const st_unit *u = p->unit != ST_NONE ? state_unit_at(s, p->unit) : NULL;
        view_field("custody", "held at %s (%s), %s%s", f->id, f->name, u ? "unit " : "",
                   u ? u->id : "no unit assigned");
    } else if (p->custody == CUST_IN_TRANSIT && p->transfer != ST_NONE) {
        const st_transfer *t = state_transfer_at(s, p->transfer);
        view_field("custody", "in transit on transfer %s (%s -> %s)", t->id,
                   state_facility_at(s, t->from_facility)->id,
                   state_facility_at(s, t->to_facility)->id);
    } else {
        view_field("custody", "%s", view_custody_name(p->custody));
    }
    if (p->custody == CUST_NEVER) return;
    char d[11], t[64];
    if (p->custody == CUST_HELD || p->custody == CUST_IN_TRANSIT) {
        const char *ref = p->basis_reference;
        view_field("basis", "%s%s%s", en(ENUM_BASIS_KIND, p->basis_kind), ref ? " " : "",
                   ref ? ref : "");
        view_field("until", "%s", out_date(p->basis_until, d));
        view_field("review by", "%s", out_date(p->basis_review_by, d));
    }
    view_field("since", "%s (seq %" PRId64 ")",
               views_event_at(l, NULL, p->custody_since_seq, p->custody_since_us, t, sizeof t),
               p->custody_since_seq);
}

static void records_text(const st_person *p)
{
    char line[256];
    view_field("statuses", "%u", p->n_status);
    for (uint16_t i = 0; i < p->n_status; i++) {
        status_text(&p->status[i], line, sizeof line);
        view_field("", "%s", line);
    }
    unsigned final = 0;
    for (uint16_t i = 0; i < p->n_conviction; i++)
        final += p->conviction[i].final == 1;
    if (p->n_conviction)
        view_field("convictions", "%u (%u final)", p->n_conviction, final);
    else
        view_field("convictions", "0");
    view_field("allegations", "%u%s", p->n_allegation,
               p->n_allegation ? " (allegations are not convictions)" : "");
    view_field("consents", "%u", p->n_consent);
    for (uint16_t i = 0; i < p->n_consent; i++)
        view_field("", "to %s: %s (seq %" PRId64 ")", en(ENUM_CONSENT_TO, p->consent[i].to),
                   p->consent[i].given == 1 ? "given" : "refused", p->consent[i].seq);
}

static int person_text(const view_ctx *v, const st_person *p)
{
    char d[11];
    printf("%s  %s %s\n", p->id, p->given_names, p->family_names);
    view_field("born", "%s%s%s", out_date(p->birth_date, d), p->birth_country.cc[0] ? " in " : "",
               p->birth_country.cc);
    printf("  %-17s", "nationalities");
    for (uint16_t i = 0; i < p->n_nationalities; i++)
        printf("%s%s", i ? ", " : "", p->nationalities[i].cc);
    printf("%s\n", p->n_nationalities ? "" : "-");
    custody_text(v->l, p);
    records_text(p);
    view_field("registered", "seq %" PRId64, p->registered_seq);
    putchar('\n');
    return view_history_text(v, &p->history, p->id);
}

int view_person(const view_ctx *v, const st_person *p)
{
    if (!v->json) return person_text(v, p);
    hb_err err = {0};
    return view_print_json(views_person(v->l, NULL, p, v->limit, &err), &err);
}
