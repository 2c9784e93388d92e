/* views: one person's full record (`habeas person ID --json`, GET /v1/persons/{id}). */
#include "views/views.h"

static const char *custody_key(custody_state c)
{
    static const char *const k[] = {"never", "held", "in_transit", "released", "deceased"};
    return (unsigned)c < sizeof k / sizeof *k ? k[c] : "unknown";
}

static const char *en(event_enum e, int v)
{
    const char *s = event_enum_name(e, v);
    return s ? s : "-";
}

static json_t *custody_json(ledger *l, store *st, const st_person *p)
{
    const state *s = ledger_state(l);
    const st_facility *f = p->facility != ST_NONE ? state_facility_at(s, p->facility) : NULL;
    const st_unit *u = p->unit != ST_NONE ? state_unit_at(s, p->unit) : NULL;
    const st_transfer *t = p->transfer != ST_NONE ? state_transfer_at(s, p->transfer) : NULL;
    json_t *basis = json_null();
    if (p->basis_kind >= 0)
        basis =
            json_pack("{s:s, s:o, s:o, s:o}", "kind", en(ENUM_BASIS_KIND, p->basis_kind),
                      "reference", views_jstr(p->basis_reference), "until",
                      views_jdate(p->basis_until), "review_by", views_jdate(p->basis_review_by));
    char tm[64];
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "state", custody_key(p->custody),
                     "facility", views_jstr(f ? f->id : NULL), "facility_name",
                     views_jstr(f ? f->name : NULL), "unit", views_jstr(u ? u->id : NULL),
                     "transfer", views_jstr(t ? t->id : NULL), "basis", basis, "since",
                     p->custody == CUST_NEVER
                         ? json_null()
                         : json_string(views_event_at(l, st, p->custody_since_seq,
                                                      p->custody_since_us, tm, sizeof tm)),
                     "since_seq", (json_int_t)p->custody_since_seq);
}

static json_t *statuses_json(const st_person *p)
{
    json_t *st = json_array();
    for (uint16_t i = 0; i < p->n_status; i++) {
        const st_status *x = &p->status[i];
        json_array_append_new(
            st, json_pack("{s:s, s:o, s:o, s:o, s:o, s:I}", "status", en(ENUM_STATUS, x->kind),
                          "jurisdiction", views_jcc(x->jurisdiction.cc), "country",
                          views_jcc(x->country.cc), "valid_from", views_jdate(x->valid_from),
                          "valid_until", views_jdate(x->valid_until), "seq", (json_int_t)x->seq));
    }
    return st;
}

static void records_json(const st_person *p, json_t *o)
{
    json_t *cv = json_array(), *cs = json_array();
    for (uint16_t i = 0; i < p->n_conviction; i++) {
        const st_conviction *x = &p->conviction[i];
        json_array_append_new(
            cv, json_pack("{s:o, s:b, s:b, s:o, s:I, s:I}", "jurisdiction",
                          views_jcc(x->jurisdiction.cc), "final", x->final == 1, "violent",
                          x->violent == 1, "date", views_jdate(x->date), "sentence_days",
                          (json_int_t)x->sentence_days, "seq", (json_int_t)x->seq));
    }
    for (uint16_t i = 0; i < p->n_consent; i++) {
        const st_consent *x = &p->consent[i];
        json_array_append_new(cs, json_pack("{s:s, s:b, s:I}", "to", en(ENUM_CONSENT_TO, x->to),
                                            "given", x->given == 1, "seq", (json_int_t)x->seq));
    }
    json_object_set_new(o, "statuses", statuses_json(p));
    json_object_set_new(o, "convictions", cv);
    json_object_set_new(o, "allegations", json_integer(p->n_allegation));
    json_object_set_new(o, "consents", cs);
}

json_t *views_person(ledger *l, store *st, const st_person *p, int64_t limit, hb_err *err)
{
    json_t *nat = json_array();
    for (uint16_t i = 0; i < p->n_nationalities; i++)
        json_array_append_new(nat, json_string(p->nationalities[i].cc));
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:o}", "person", p->id,
                          "given_names", p->given_names, "family_names", p->family_names,
                          "birth_date", views_jdate(p->birth_date), "birth_country",
                          views_jcc(p->birth_country.cc), "nationalities", nat, "registered_seq",
                          (json_int_t)p->registered_seq, "custody", custody_json(l, st, p));
    if (!o) {
        hb_fail(err, HB_EINTERNAL, "out of memory");
        return NULL;
    }
    records_json(p, o);
    if (views_history(l, st, &p->history, limit, o, err)) {
        json_decref(o);
        return NULL;
    }
    return o;
}
