/* state: reference and custody-sequence checks, application (custody, occupancy,
 * transfers, holds, histories) and transaction rollback. Events are built in C. */
#include "testutil.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "state/state.h"
#include "util/arena.h"
#include "util/buf.h"

/* ---- event builders: strings and lists live in the test arena ---- */

static arena A;

static hb_str S(const char *s)
{
    return (hb_str){s, s ? (uint32_t)strlen(s) : 0};
}

/* A list of ids ending with NULL. */
static hb_strs L(const char *first, ...)
{
    hb_str tmp[64] = {{0}};
    int32_t n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s && n < 64; s = va_arg(ap, const char *))
        tmp[n++] = S(s);
    va_end(ap);
    hb_strs l = {arena_alloc(&A, sizeof(hb_str) * (size_t)(n ? n : 1)), n};
    memcpy(l.v, tmp, sizeof(hb_str) * (size_t)n);
    return l;
}
#define LIST(...) L(__VA_ARGS__, (const char *)NULL)
#define NOLIST ((hb_strs){NULL, -1})

static int64_t at_us = 1735689600000000ll; /* 2025-01-01T00:00:00Z, +1 h per event */

static event base(event_type t)
{
    event e;
    memset(&e, 0, sizeof e);
    e.type = t;
    at_us += 3600000000ll;
    e.at = (hb_time){S("2025-01-01T00:00:00Z"), at_us};
    return e;
}

static event facility(const char *id)
{
    event e = base(EV_FACILITY_REGISTERED);
    ev_facility_registered *f = &e.u.facility_registered;
    f->facility = S(id);
    f->name = S("Centro");
    memcpy(f->country.cc, "SV", 3);
    f->kind = FAC_PRISON;
    f->design_capacity = 40000;
    f->contact = S(NULL);
    return e;
}

static event unit(const char *fac, const char *id, int64_t capacity)
{
    event e = base(EV_UNIT_CERTIFIED);
    e.u.unit_certified = (ev_unit_certified){S(fac), S(id), UNIT_CELL, capacity, 80.0, capacity};
    return e;
}

static event agreement(const char *id, hb_strs facilities)
{
    event e = base(EV_AGREEMENT_SIGNED);
    ev_agreement_signed *a = &e.u.agreement_signed;
    a->agreement = S(id);
    memcpy(a->sending_state.cc, "US", 3);
    memcpy(a->receiving_state.cc, "SV", 3);
    a->facilities = facilities;
    a->starts = 20000;
    a->ends = 20365;
    a->fee = (ev_fee){true, 600000000, "USD", 238, 365};
    hb_cc *cc = arena_alloc(&A, 2 * sizeof *cc);
    memcpy(cc, (hb_cc[]){{"VE"}, {"SV"}}, 2 * sizeof *cc);
    a->conditions.nationalities = (hb_nationalities){false, {cc, 2}};
    a->conditions.present = true;
    a->conditions.max_persons = 300;
    return e;
}

static event person(const char *id)
{
    event e = base(EV_PERSON_REGISTERED);
    ev_person_registered *p = &e.u.person_registered;
    p->person = S(id);
    p->given_names = S("Given");
    p->family_names = S("Family");
    p->aliases = NOLIST;
    p->birth_date = 9000;
    memcpy(p->birth_country.cc, "VE", 3);
    hb_cc *cc = arena_alloc(&A, sizeof *cc);
    memcpy(cc->cc, "VE", 3);
    p->nationalities = (hb_ccs){cc, 1};
    p->identifiers = (hb_kvs){NULL, -1};
    return e;
}

static event status(const char *pid, int8_t kind)
{
    event e = base(EV_STATUS_RECORDED);
    e.u.status_recorded =
        (ev_status_recorded){S(pid), {"US"}, kind, {"SV"}, 19000, HB_DATE_ABSENT, S("IJ")};
    return e;
}

static event conviction(const char *pid)
{
    event e = base(EV_CONVICTION_RECORDED);
    e.u.conviction_recorded = (ev_conviction_recorded){
        S(pid), {"US"}, S("court"), S("case"), S("offense"), 0, 1, 19500, 730};
    return e;
}

static event allegation(const char *pid)
{
    event e = base(EV_ALLEGATION_RECORDED);
    e.u.allegation_recorded = (ev_allegation_recorded){S(pid), S("gang"), S("tattoo"), S(NULL)};
    return e;
}

static event consent(const char *pid)
{
    event e = base(EV_CONSENT_RECORDED);
    e.u.consent_recorded = (ev_consent_recorded){S(pid), CONSENT_TRANSFER, S("ref"), 1};
    return e;
}

static event work(const char *pid)
{
    event e = base(EV_WORK_LOGGED);
    e.u.work_logged = (ev_work_logged){S(pid), S("zero idleness"), 8.0, {false, -1, ""}, 0};
    return e;
}

static event hold(const char *id, hb_strs persons)
{
    event e = base(EV_HOLD_PLACED);
    ev_hold_placed *h = &e.u.hold_placed;
    h->hold = S(id);
    h->kind = HOLD_COURT_ORDER;
    h->issued_by = S("D.D.C.");
    h->case_ = S("1:25-cv-766");
    h->effective_from = e.at;
    h->until = (hb_time){S(NULL), 0};
    h->scope = (ev_scope){true, persons, S("AUTH"), {""}};
    return e;
}

static event lift(const char *id)
{
    event e = base(EV_HOLD_LIFTED);
    e.u.hold_lifted = (ev_hold_lifted){S(id), S(NULL), S(NULL)};
    return e;
}

static event admit(const char *pid, const char *fac, const char *u)
{
    event e = base(EV_CUSTODY_ADMITTED);
    e.u.custody_admitted = (ev_custody_admitted){
        S(pid), S(fac), S(u), {true, BASIS_SENTENCE, S("REF-1"), 21000, HB_DATE_ABSENT}};
    return e;
}

static event move(const char *pid, const char *fac, const char *u)
{
    event e = base(EV_CUSTODY_MOVED);
    e.u.custody_moved = (ev_custody_moved){S(pid), S(fac), S(u)};
    return e;
}

static event release(const char *pid)
{
    event e = base(EV_CUSTODY_RELEASED);
    e.u.custody_released = (ev_custody_released){S(pid), S("sentence served"), S(NULL)};
    return e;
}

static event die(const char *pid)
{
    event e = base(EV_CUSTODY_DIED);
    e.u.custody_died = (ev_custody_died){S(pid), S("unknown")};
    return e;
}

static event propose(const char *id, const char *from, const char *to, const char *ag,
                     hb_strs persons)
{
    event e = base(EV_TRANSFER_PROPOSED);
    e.u.transfer_proposed = (ev_transfer_proposed){
        S(id), S(from), S(to), S(ag), S("DHS"), persons, {S("2025-03-15T17:25:00-04:00"), 1}};
    return e;
}

static event tstep(event_type t, const char *id, hb_strs persons)
{
    event e = base(t);
    e.u.transfer_step = (ev_transfer_step){S(id), persons};
    return e;
}

static event count(const char *fac, const char *u, hb_strs present)
{
    event e = base(EV_COUNT_RECORDED);
    e.u.count_recorded = (ev_count_recorded){S(fac), S(u), present};
    return e;
}

static event condition(const char *fac, const char *u)
{
    event e = base(EV_CONDITION_OBSERVED);
    e.u.condition_observed = (ev_condition_observed){S(fac), S(u), METRIC_TEMPERATURE_C, 35.0};
    return e;
}

/* ---- a full dump of the projection, to compare before and after ---- */

static void dump_seqs(buf *b, const st_seqs *h)
{
    buf_printf(b, " hist[%u]:", h->n);
    for (uint32_t i = 0; i < h->n; i++)
        buf_printf(b, " %lld", (long long)h->v[i]);
}

static const char *str(const char *s)
{
    return s ? s : "(null)";
}

static void dump_person(buf *b, const st_person *p)
{
    buf_printf(b, "person %s %s %s %d %s nat%u:", p->id, p->given_names, p->family_names,
               p->birth_date, p->birth_country.cc, p->n_nationalities);
    for (uint16_t i = 0; i < p->n_nationalities; i++)
        buf_printf(b, "%s,", p->nationalities[i].cc);
    buf_printf(b, " cust %d f%u u%u t%u basis %d %s %d %d since %lld %lld reg %lld alleg %u",
               p->custody, p->facility, p->unit, p->transfer, p->basis_kind,
               str(p->basis_reference), p->basis_until, p->basis_review_by,
               (long long)p->custody_since_seq, (long long)p->custody_since_us,
               (long long)p->registered_seq, p->n_allegation);
    buf_printf(b, " status[%u]:", p->n_status);
    for (uint16_t i = 0; i < p->n_status; i++) {
        const st_status *st = &p->status[i];
        buf_printf(b, " %d/%s/%s/%d/%d/%lld/%lld", st->kind, st->jurisdiction.cc, st->country.cc,
                   st->valid_from, st->valid_until, (long long)st->seq, (long long)st->at_us);
    }
    buf_printf(b, " conv[%u]:", p->n_conviction);
    for (uint16_t i = 0; i < p->n_conviction; i++) {
        const st_conviction *c = &p->conviction[i];
        buf_printf(b, " %d/%d/%s/%d/%lld/%lld", c->final, c->violent, c->jurisdiction.cc, c->date,
                   (long long)c->sentence_days, (long long)c->seq);
    }
    buf_printf(b, " consent[%u]:", p->n_consent);
    for (uint16_t i = 0; i < p->n_consent; i++)
        buf_printf(b, " %d/%d/%lld", p->consent[i].to, p->consent[i].given,
                   (long long)p->consent[i].seq);
    dump_seqs(b, &p->history);
    buf_putc(b, '\n');
}

static void dump_facility(buf *b, const st_facility *f)
{
    buf_printf(b, "facility %s %s %s %s %d %lld held %u reg %lld units[%u]:", f->id, f->name,
               str(f->contact), f->country.cc, f->kind, (long long)f->design_capacity, f->held,
               (long long)f->registered_seq, f->n_units);
    for (uint32_t i = 0; i < f->n_units; i++)
        buf_printf(b, " %u", f->units[i]);
    dump_seqs(b, &f->history);
    buf_putc(b, '\n');
}

static void dump_transfer(buf *b, const st_transfer *t)
{
    buf_printf(b, "transfer %s %s %u->%u ag %u planned %s prop %lld persons[%u]:", t->id,
               t->authority, t->from_facility, t->to_facility, t->agreement,
               t->departure_planned.text.p, (long long)t->proposed_seq, t->n_persons);
    for (uint32_t i = 0; i < t->n_persons; i++)
        buf_printf(b, " %u/%d/%lld", t->persons[i].person, t->persons[i].state,
                   (long long)t->persons[i].seq);
    dump_seqs(b, &t->history);
    buf_putc(b, '\n');
}

static char *dump(const state *s)
{
    buf b = BUF_INIT;
    buf_printf(&b, "last %lld counts %zu %zu %zu %zu %zu %zu\n", (long long)state_last_seq(s),
               state_count_persons(s), state_count_facilities(s), state_count_units(s),
               state_count_agreements(s), state_count_holds(s), state_count_transfers(s));
    for (uint32_t i = 0; i < state_count_persons(s); i++)
        dump_person(&b, state_person_at(s, i));
    for (uint32_t i = 0; i < state_count_facilities(s); i++)
        dump_facility(&b, state_facility_at(s, i));
    for (uint32_t i = 0; i < state_count_units(s); i++) {
        const st_unit *u = state_unit_at(s, i);
        buf_printf(&b, "unit %s %d %lld %lld %.1f f%u held %u cert %lld\n", u->id, u->kind,
                   (long long)u->capacity, (long long)u->beds, u->floor_area_m2, u->facility,
                   u->held, (long long)u->certified_seq);
    }
    for (uint32_t i = 0; i < state_count_agreements(s); i++) {
        const st_agreement *a = state_agreement_at(s, i);
        buf_printf(&b, "agreement %s %s %s fac[%u]:", a->id, a->sending_state.cc,
                   a->receiving_state.cc, a->n_facilities);
        for (uint32_t j = 0; j < a->n_facilities; j++)
            buf_printf(&b, " %u", a->facilities[j]);
        buf_printf(&b, " signed %lld", (long long)a->signed_seq);
        dump_seqs(&b, &a->history);
        buf_putc(&b, '\n');
    }
    for (uint32_t i = 0; i < state_count_holds(s); i++) {
        const st_hold *h = state_hold_at(s, i);
        buf_printf(&b,
                   "hold %s %s %s %d %lld %lld placed %lld lifted %lld %lld persons[%u]:", h->id,
                   h->issued_by, h->case_, h->kind, (long long)h->effective_from_us,
                   (long long)h->until_us, (long long)h->placed_seq, (long long)h->lifted_seq,
                   (long long)h->lifted_us, h->n_persons);
        for (uint32_t j = 0; j < h->n_persons; j++)
            buf_printf(&b, " %u", h->persons[j]);
        buf_putc(&b, '\n');
    }
    for (uint32_t i = 0; i < state_count_transfers(s); i++)
        dump_transfer(&b, state_transfer_at(s, i));
    return b.p;
}

/* ---- fixture ---- */

typedef struct {
    state *s;
    int64_t seq;
} fx;

static int setup(void **st)
{
    fx *f = calloc(1, sizeof *f);
    f->s = state_new();
    arena_init(&A, 0);
    *st = f;
    return f->s ? 0 : -1;
}

static int teardown(void **st)
{
    fx *f = *st;
    state_free(f->s);
    arena_free(&A);
    free(f);
    return 0;
}

/* Checks and applies; fails the test when refused. Returns the seq given. */
static int64_t ok_(fx *f, event e, int line)
{
    hb_errlist errs;
    errlist_init(&errs, 10);
    int rc = state_check(f->s, &e, &errs, "t");
    if (rc) {
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "line %d: %s\n", line, errs.msgs[i]);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(errs.total, 0);
    errlist_free(&errs);
    assert_int_equal(state_apply(f->s, ++f->seq, &e), 0);
    return f->seq;
}
#define OK(f, e) ok_((f), (e), __LINE__)

/* Refused: every expected substring appears (in the messages, in order of
 * position: msgs[i] must contain want[i]) and the state is unchanged. */
static void refused_(fx *f, event e, size_t n_errors, const char *const *want, int line)
{
    char *before = dump(f->s);
    hb_errlist errs;
    errlist_init(&errs, 20);
    int rc = state_check(f->s, &e, &errs, "t:1");
    if (rc != HB_EINPUT || errs.total != n_errors) {
        fprintf(stderr, "line %d: rc %d, %zu errors\n", line, rc, errs.total);
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "  %s\n", errs.msgs[i]);
    }
    assert_int_equal(rc, HB_EINPUT);
    assert_int_equal(errs.total, n_errors);
    for (size_t i = 0; want[i]; i++) {
        if (!strstr(errs.msgs[i], want[i]))
            fprintf(stderr, "line %d: want \"%s\" in \"%s\"\n", line, want[i], errs.msgs[i]);
        assert_non_null(strstr(errs.msgs[i], want[i]));
    }
    errlist_free(&errs);
    char *after = dump(f->s);
    assert_string_equal(before, after);
    free(before);
    free(after);
}
#define REFUSED(f, e, n, ...)                                                                      \
    refused_((f), (e), (n), (const char *const[]){__VA_ARGS__, NULL}, __LINE__)

/* F-1 (units C-1, C-2), F-2 (unit D-1), agreement A-1, persons P-1 .. P-3. */
static void base_world(fx *f)
{
    OK(f, facility("F-1"));
    OK(f, unit("F-1", "C-1", 2));
    OK(f, unit("F-1", "C-2", 2));
    OK(f, facility("F-2"));
    OK(f, unit("F-2", "D-1", 100));
    OK(f, agreement("A-1", LIST("F-2")));
    OK(f, person("P-1"));
    OK(f, person("P-2"));
    OK(f, person("P-3"));
}

static const st_person *P(fx *f, const char *id)
{
    const st_person *p = state_person(f->s, id);
    assert_non_null(p);
    return p;
}

static uint32_t held_f(fx *f, const char *fac)
{
    return state_facility(f->s, fac)->held;
}

static uint32_t held_u(fx *f, const char *fac, const char *u)
{
    return state_unit(f->s, state_facility(f->s, fac), u)->held;
}

/* ---- tests ---- */

static void registrations(void **st)
{
    fx *f = *st;
    base_world(f);
    assert_int_equal(state_count_facilities(f->s), 2);
    assert_int_equal(state_count_units(f->s), 3);
    const st_facility *f1 = state_facility(f->s, "F-1");
    assert_string_equal(f1->name, "Centro");
    assert_null(f1->contact);
    assert_int_equal(f1->n_units, 2);
    assert_string_equal(state_unit_at(f->s, f1->units[1])->id, "C-2");
    assert_null(state_unit(f->s, f1, "D-1")); /* units are per facility */
    const st_agreement *a = state_agreement(f->s, "A-1");
    assert_int_equal(a->n_facilities, 1);
    assert_int_equal(a->facilities[0], 1);
    assert_int_equal(a->conditions.nationalities.list.n, 2);
    assert_string_equal(a->conditions.nationalities.list.v[1].cc, "SV");
    const st_person *p = P(f, "P-1");
    assert_int_equal(p->custody, CUST_NEVER);
    assert_int_equal(p->facility, ST_NONE);
    assert_int_equal(p->n_nationalities, 1);
    assert_int_equal(p->registered_seq, 7);
    assert_null(state_person(f->s, "P-9"));

    REFUSED(f, facility("F-1"), 1,
            "t:1: facility.registered.facility: facility \"F-1\" already "
            "exists (recorded at seq 1)");
    REFUSED(f, person("P-2"), 1, "person \"P-2\" already exists (recorded at seq 8)");
    REFUSED(f, agreement("A-1", LIST("F-1")), 1,
            "agreement \"A-1\" already exists (recorded at "
            "seq 6)");
    REFUSED(f, agreement("A-2", LIST("F-1", "F-8", "F-9")), 2,
            "agreement.signed.facilities[1]: no facility \"F-8\" (register it with "
            "facility.registered first)",
            "facilities[2]: no facility \"F-9\"");
    REFUSED(f, unit("F-9", "C-1", 4), 1, "unit.certified.facility: no facility \"F-9\"");

    /* Recertification updates the unit in place. */
    const st_unit *u = state_unit(f->s, f1, "C-1");
    int64_t seq = OK(f, unit("F-1", "C-1", 90));
    assert_ptr_equal(state_unit(f->s, f1, "C-1"), u);
    assert_int_equal(u->capacity, 90);
    assert_int_equal(u->certified_seq, seq);
    assert_int_equal(state_count_units(f->s), 3);
    assert_int_equal(f1->n_units, 2);
}

static void references(void **st)
{
    fx *f = *st;
    base_world(f);
    const char *no_p9 = "no person \"P-9\" (register it with person.registered first)";
    REFUSED(f, status("P-9", ST_CITIZEN), 1, "status.recorded.person: no person \"P-9\"");
    REFUSED(f, conviction("P-9"), 1, no_p9);
    REFUSED(f, allegation("P-9"), 1, no_p9);
    REFUSED(f, consent("P-9"), 1, no_p9);
    REFUSED(f, work("P-9"), 1, "work.logged.person: no person \"P-9\"");
    REFUSED(f, hold("H-1", LIST("P-1", "P-8", "P-9")), 2,
            "hold.placed.scope.persons[1]: no "
            "person \"P-8\"",
            "scope.persons[2]: no person \"P-9\"");
    REFUSED(f, count("F-1", "C-9", LIST("P-7", "P-1", "P-9")), 3,
            "count.recorded.unit: no unit \"C-9\" in facility \"F-1\" (certify it with "
            "unit.certified first)",
            "count.recorded.present[0]: no person \"P-7\"", "present[2]: no person \"P-9\"");
    REFUSED(f, count("F-9", NULL, LIST("P-1")), 1, "count.recorded.facility: no facility");
    REFUSED(f, condition("F-2", "C-1"), 1, "no unit \"C-1\" in facility \"F-2\"");
    REFUSED(f, admit("P-1", "F-1", "D-1"), 1,
            "custody.admitted.unit: no unit \"D-1\" in facility \"F-1\"");
    REFUSED(f, admit("P-9", "F-9", "X"), 2, "custody.admitted.person: no person \"P-9\"",
            "custody.admitted.facility: no facility \"F-9\"");
    REFUSED(f, move("P-1", "F-2", "M9-C40"), 2,
            "custody.moved.unit: no unit \"M9-C40\" in "
            "facility \"F-2\"",
            "person \"P-1\" is not held (never admitted)");
    REFUSED(f, propose("T-1", "F-8", "F-9", "A-9", LIST("P-1", "P-9")), 4,
            "transfer.proposed.from_facility: no facility \"F-8\"",
            "to_facility: no facility \"F-9\"",
            "agreement: no agreement \"A-9\" (record it with agreement.signed first)",
            "persons[1]: no person \"P-9\"");
    REFUSED(f, tstep(EV_TRANSFER_APPROVED, "T-9", LIST("P-1")), 1,
            "transfer.approved.transfer: no transfer \"T-9\" (record it with transfer.proposed");
    REFUSED(f, lift("H-9"), 1, "hold.lifted.hold: no hold \"H-9\" (record it with hold.placed");
    REFUSED(f, release("P-9"), 1, no_p9);
    REFUSED(f, die("P-9"), 1, no_p9);

    /* The same events, with existing references, are accepted. */
    OK(f, status("P-1", ST_CITIZEN));
    OK(f, conviction("P-1"));
    OK(f, allegation("P-1"));
    OK(f, consent("P-1"));
    OK(f, work("P-1"));
    OK(f, hold("H-1", LIST("P-1", "P-2")));
    OK(f, count("F-1", NULL, LIST("P-1")));
    OK(f, condition("F-1", "C-1"));
    OK(f, propose("T-1", "F-1", "F-2", NULL, LIST("P-1")));
    REFUSED(f, propose("T-1", "F-1", "F-2", "A-1", LIST("P-2")), 1,
            "transfer \"T-1\" already exists (recorded at seq 18)");
    REFUSED(f, hold("H-1", LIST("P-3")), 1, "hold \"H-1\" already exists (recorded at seq 15)");

    const st_person *p = P(f, "P-1");
    assert_int_equal(p->n_status, 1);
    assert_int_equal(p->status[0].kind, ST_CITIZEN);
    assert_int_equal(p->status[0].seq, 10);
    assert_int_equal(p->n_conviction, 1);
    assert_int_equal(p->conviction[0].sentence_days, 730);
    assert_int_equal(p->n_allegation, 1);
    assert_int_equal(p->n_consent, 1);
    assert_int_equal(p->consent[0].given, 1);
    assert_int_equal(state_transfer(f->s, "T-1")->agreement, ST_NONE);
}

static void admissions(void **st)
{
    fx *f = *st;
    base_world(f);
    int64_t a1 = OK(f, admit("P-1", "F-1", "C-2"));
    const st_person *p = P(f, "P-1");
    assert_int_equal(p->custody, CUST_HELD);
    assert_string_equal(state_facility_at(f->s, p->facility)->id, "F-1");
    assert_string_equal(state_unit_at(f->s, p->unit)->id, "C-2");
    assert_int_equal(p->basis_kind, BASIS_SENTENCE);
    assert_string_equal(p->basis_reference, "REF-1");
    assert_int_equal(p->basis_until, 21000);
    assert_int_equal(p->custody_since_seq, a1);

    REFUSED(f, admit("P-1", "F-2", "D-1"), 1,
            "custody.admitted.person: person \"P-1\" is already held at \"F-1\" unit \"C-2\" "
            "since seq 10: record custody.released or a transfer first");
    REFUSED(f, admit("P-1", "F-1", "C-1"), 1, "already held at \"F-1\" unit \"C-2\"");

    int64_t r = OK(f, release("P-1"));
    assert_int_equal(p->custody, CUST_RELEASED);
    assert_int_equal(p->facility, ST_NONE);
    assert_int_equal(p->basis_kind, -1);
    assert_null(p->basis_reference);
    assert_int_equal(p->custody_since_seq, r);
    REFUSED(f, release("P-1"), 1,
            "person \"P-1\" is not in custody (released at seq 11): there "
            "is nothing to release");
    REFUSED(f, move("P-1", "F-1", "C-1"), 1, "is not held (released at seq 11)");
    REFUSED(f, release("P-2"), 1, "person \"P-2\" is not in custody (never admitted)");

    OK(f, admit("P-1", "F-2", "D-1")); /* admission after release */
    assert_int_equal(p->custody, CUST_HELD);
    int64_t d = OK(f, die("P-1"));
    assert_int_equal(p->custody, CUST_DECEASED);
    REFUSED(f, die("P-1"), 1, "person \"P-1\" is already recorded as deceased at seq 13");
    REFUSED(f, admit("P-1", "F-1", "C-1"), 1,
            "is recorded as deceased at seq 13: a deceased person cannot be admitted");
    REFUSED(f, release("P-1"), 1, "not in custody (recorded as deceased at seq 13)");
    assert_int_equal(d, 13);
    OK(f, die("P-2")); /* a death outside custody is still recorded */
    assert_int_equal(P(f, "P-2")->custody, CUST_DECEASED);
}

static void occupancy(void **st)
{
    fx *f = *st;
    base_world(f);
    OK(f, admit("P-1", "F-1", "C-1"));
    OK(f, admit("P-2", "F-1", "C-1"));
    OK(f, admit("P-3", "F-1", "C-2"));
    assert_int_equal(held_f(f, "F-1"), 3);
    assert_int_equal(held_u(f, "F-1", "C-1"), 2);
    assert_int_equal(held_u(f, "F-1", "C-2"), 1);

    OK(f, move("P-1", "F-1", "C-2")); /* within the facility */
    assert_int_equal(held_f(f, "F-1"), 3);
    assert_int_equal(held_u(f, "F-1", "C-1"), 1);
    assert_int_equal(held_u(f, "F-1", "C-2"), 2);
    int64_t m = OK(f, move("P-2", "F-2", "D-1")); /* to another facility */
    assert_int_equal(held_f(f, "F-1"), 2);
    assert_int_equal(held_f(f, "F-2"), 1);
    assert_int_equal(held_u(f, "F-1", "C-1"), 0);
    assert_int_equal(P(f, "P-2")->custody_since_seq, m);
    assert_int_equal(P(f, "P-2")->basis_kind, BASIS_SENTENCE); /* a move keeps the basis */

    OK(f, propose("T-1", "F-1", "F-2", "A-1", LIST("P-1", "P-3")));
    OK(f, tstep(EV_TRANSFER_APPROVED, "T-1", LIST("P-1", "P-3")));
    int64_t dep = OK(f, tstep(EV_TRANSFER_DEPARTED, "T-1", LIST("P-1", "P-3")));
    const st_person *p1 = P(f, "P-1");
    assert_int_equal(p1->custody, CUST_IN_TRANSIT);
    assert_string_equal(state_transfer_at(f->s, p1->transfer)->id, "T-1");
    assert_int_equal(p1->facility, ST_NONE);
    assert_int_equal(p1->custody_since_seq, dep);
    assert_int_equal(held_f(f, "F-1"), 0);
    assert_int_equal(held_u(f, "F-1", "C-2"), 0);
    REFUSED(f, move("P-1", "F-2", "D-1"), 1,
            "person \"P-1\" is not held (in transit on "
            "transfer \"T-1\" since seq 17)");
    REFUSED(f, admit("P-9", "F-2", "D-1"), 1, "no person \"P-9\"");

    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-1", LIST("P-1", "P-3")));
    assert_int_equal(p1->custody, CUST_HELD);
    assert_string_equal(state_facility_at(f->s, p1->facility)->id, "F-2");
    assert_int_equal(p1->unit, ST_NONE);
    assert_int_equal(p1->transfer, ST_NONE);
    assert_int_equal(held_f(f, "F-2"), 3);
    assert_int_equal(held_u(f, "F-2", "D-1"), 1);

    /* Admission at the destination after an arrival gives a unit; elsewhere it is refused. */
    OK(f, facility("F-3"));
    OK(f, unit("F-3", "E-1", 10));
    REFUSED(f, admit("P-1", "F-3", "E-1"), 1,
            "person \"P-1\" is already held at \"F-2\" with no unit assigned since seq 18");
    OK(f, admit("P-1", "F-2", "D-1"));
    assert_int_equal(held_f(f, "F-2"), 3);
    assert_int_equal(held_u(f, "F-2", "D-1"), 2);
    REFUSED(f, admit("P-1", "F-2", "D-1"), 1, "already held at \"F-2\" unit \"D-1\"");

    OK(f, release("P-2"));
    assert_int_equal(held_f(f, "F-2"), 2);
    assert_int_equal(held_u(f, "F-2", "D-1"), 1);
    OK(f, die("P-3")); /* held at F-2 with no unit */
    assert_int_equal(held_f(f, "F-2"), 1);
    assert_int_equal(held_u(f, "F-2", "D-1"), 1);
    OK(f, move("P-1", "F-3", "E-1"));
    assert_int_equal(held_f(f, "F-2"), 0);
    assert_int_equal(held_u(f, "F-2", "D-1"), 0);
    assert_int_equal(held_f(f, "F-3"), 1);
    assert_int_equal(held_u(f, "F-3", "E-1"), 1);
    OK(f, release("P-1"));
    assert_int_equal(held_f(f, "F-3"), 0);
    assert_int_equal(held_u(f, "F-3", "E-1"), 0);
}

static const st_transfer_person *tp(fx *f, const char *t, const char *pid)
{
    const st_transfer *tr = state_transfer(f->s, t);
    const st_person *p = P(f, pid);
    for (uint32_t i = 0; i < tr->n_persons; i++)
        if (state_person_at(f->s, tr->persons[i].person) == p) return &tr->persons[i];
    return NULL;
}

static void transfers(void **st)
{
    fx *f = *st;
    base_world(f);
    OK(f, person("P-4"));
    OK(f, person("P-5"));
    for (const char *const *id = (const char *const[]){"P-1", "P-2", "P-3", "P-4", NULL}; *id; id++)
        OK(f, admit(*id, "F-1", "C-1"));
    int64_t prop = OK(f, propose("T-1", "F-1", "F-2", "A-1", LIST("P-1", "P-2", "P-3")));
    const st_transfer *t = state_transfer(f->s, "T-1");
    assert_int_equal(t->n_persons, 3);
    assert_int_equal(t->from_facility, 0);
    assert_int_equal(t->to_facility, 1);
    assert_int_equal(t->agreement, 0);
    assert_string_equal(t->departure_planned.text.p, "2025-03-15T17:25:00-04:00");
    assert_int_equal(tp(f, "T-1", "P-2")->state, TP_PROPOSED);
    assert_int_equal(tp(f, "T-1", "P-2")->seq, prop);

    int64_t ap = OK(f, tstep(EV_TRANSFER_APPROVED, "T-1", LIST("P-1", "P-2")));
    assert_int_equal(tp(f, "T-1", "P-1")->state, TP_APPROVED);
    assert_int_equal(tp(f, "T-1", "P-1")->seq, ap);
    int64_t ca = OK(f, tstep(EV_TRANSFER_CANCELLED, "T-1", LIST("P-3")));
    assert_int_equal(tp(f, "T-1", "P-3")->state, TP_CANCELLED);
    REFUSED(f, tstep(EV_TRANSFER_APPROVED, "T-1", LIST("P-3", "P-4", "P-9")), 3,
            "transfer.approved.persons[0]: person \"P-3\" was cancelled from transfer \"T-1\" "
            "at seq 18: propose a new transfer",
            "persons[1]: person \"P-4\" is not on transfer \"T-1\"",
            "persons[2]: no person \"P-9\"");
    REFUSED(f, tstep(EV_TRANSFER_CANCELLED, "T-1", LIST("P-4")), 1,
            "transfer.cancelled.persons[0]: person \"P-4\" is not on transfer \"T-1\"");
    assert_int_equal(ca, 18);

    /* Departure is a fact: P-3 (cancelled) and P-4 (not on the transfer) still go. */
    int64_t dep = OK(f, tstep(EV_TRANSFER_DEPARTED, "T-1", LIST("P-1", "P-3", "P-4")));
    assert_int_equal(t->n_persons, 4);
    assert_int_equal(tp(f, "T-1", "P-4")->state, TP_DEPARTED);
    assert_int_equal(tp(f, "T-1", "P-3")->state, TP_DEPARTED);
    assert_int_equal(tp(f, "T-1", "P-2")->state, TP_APPROVED);
    assert_int_equal(tp(f, "T-1", "P-4")->seq, dep);
    assert_int_equal(P(f, "P-4")->custody, CUST_IN_TRANSIT);
    assert_int_equal(held_f(f, "F-1"), 1);
    REFUSED(f, tstep(EV_TRANSFER_CANCELLED, "T-1", LIST("P-1")), 1,
            "person \"P-1\" already departed on transfer \"T-1\" at seq 19: a departure cannot "
            "be cancelled");
    REFUSED(f, tstep(EV_TRANSFER_APPROVED, "T-1", LIST("P-4")), 1, "already departed");

    /* Arrival is a fact too: P-2 never departed (held at F-1), P-5 was never admitted. */
    OK(f, die("P-3"));
    REFUSED(f, tstep(EV_TRANSFER_ARRIVED, "T-1", LIST("P-1", "P-3")), 1,
            "transfer.arrived.persons[1]: person \"P-3\" is recorded as deceased at seq 20: a "
            "deceased person cannot arrive");
    REFUSED(f, tstep(EV_TRANSFER_DEPARTED, "T-1", LIST("P-3")), 1, "cannot depart");
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-1", LIST("P-1", "P-2", "P-5")));
    assert_int_equal(tp(f, "T-1", "P-1")->state, TP_ARRIVED);
    assert_int_equal(tp(f, "T-1", "P-2")->state, TP_ARRIVED);
    assert_int_equal(tp(f, "T-1", "P-5")->state, TP_ARRIVED);
    assert_int_equal(t->n_persons, 5);
    assert_int_equal(held_f(f, "F-1"), 0);
    assert_int_equal(held_u(f, "F-1", "C-1"), 0);
    assert_int_equal(held_f(f, "F-2"), 3);
    assert_int_equal(P(f, "P-5")->custody, CUST_HELD);
    assert_int_equal(P(f, "P-4")->custody, CUST_IN_TRANSIT);
    REFUSED(f, tstep(EV_TRANSFER_CANCELLED, "T-1", LIST("P-2")), 1,
            "person \"P-2\" already arrived on transfer \"T-1\"");
}

static void large_transfer(void **st)
{
    fx *f = *st;
    base_world(f);
    enum { N = 300 };
    static char ids[N][16];
    hb_strs l = {arena_alloc(&A, N * sizeof(hb_str)), N};
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "Q-%04d", i);
        l.v[i] = S(ids[i]);
        OK(f, person(ids[i]));
        OK(f, admit(ids[i], "F-1", "C-1"));
    }
    OK(f, propose("T-1", "F-1", "F-2", "A-1", (hb_strs){l.v, N - 10}));
    OK(f, tstep(EV_TRANSFER_APPROVED, "T-1", (hb_strs){l.v, N - 10}));
    REFUSED(f, tstep(EV_TRANSFER_APPROVED, "T-1", l), 10,
            "persons[290]: person \"Q-0290\" is "
            "not on transfer");
    OK(f, tstep(EV_TRANSFER_DEPARTED, "T-1", l));
    assert_int_equal(state_transfer(f->s, "T-1")->n_persons, N);
    assert_int_equal(held_f(f, "F-1"), 0);
    assert_int_equal(held_u(f, "F-1", "C-1"), 0);
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-1", l));
    assert_int_equal(held_f(f, "F-2"), N);
    assert_int_equal(tp(f, "T-1", "Q-0299")->state, TP_ARRIVED);
}

static void holds(void **st)
{
    fx *f = *st;
    base_world(f);
    int64_t pl = OK(f, hold("H-1", LIST("P-1", "P-2")));
    const st_hold *h = state_hold(f->s, "H-1");
    assert_int_equal(h->n_persons, 2);
    assert_string_equal(state_person_at(f->s, h->persons[1])->id, "P-2");
    assert_string_equal(h->authority, "AUTH");
    assert_int_equal(h->until_us, INT64_MAX);
    assert_int_equal(h->lifted_seq, 0);
    assert_int_equal(h->lifted_us, INT64_MAX);
    assert_int_equal(h->placed_seq, pl);
    event e = lift("H-1");
    int64_t li = OK(f, e);
    assert_int_equal(h->lifted_seq, li);
    assert_int_equal(h->lifted_us, e.at.us);
    REFUSED(f, lift("H-1"), 1, "hold.lifted.hold: hold \"H-1\" was already lifted at seq 11");
    /* Placing and lifting are in the history of the persons in scope. */
    const st_seqs *hist = &P(f, "P-2")->history;
    assert_int_equal(hist->n, 3);
    assert_int_equal(hist->v[1], pl);
    assert_int_equal(hist->v[2], li);
}

static void assert_seqs(const st_seqs *h, const int64_t *want, uint32_t n)
{
    assert_int_equal(h->n, n);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(h->v[i], want[i]);
}
#define SEQS(h, ...)                                                                               \
    assert_seqs((h), (const int64_t[]){__VA_ARGS__},                                               \
                sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t))

static void history(void **st)
{
    fx *f = *st;
    base_world(f);                     /* F-1 1,2,3; F-2 4,5,6; A-1 6; P-1 7; P-2 8; P-3 9 */
    OK(f, admit("P-1", "F-1", "C-1")); /* 10 */
    OK(f, admit("P-2", "F-1", "C-1")); /* 11 */
    OK(f, status("P-1", ST_WITHHOLDING_OF_REMOVAL));         /* 12 */
    OK(f, count("F-1", "C-1", LIST("P-1", "P-2")));          /* 13 */
    OK(f, condition("F-2", NULL));                           /* 14 */
    OK(f, propose("T-1", "F-1", "F-2", "A-1", LIST("P-1"))); /* 15 */
    OK(f, tstep(EV_TRANSFER_DEPARTED, "T-1", LIST("P-1")));  /* 16 */
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-1", LIST("P-1")));   /* 17 */
    OK(f, move("P-2", "F-2", "D-1"));                        /* 18 */
    OK(f, release("P-2"));                                   /* 19 */
    OK(f, work("P-1"));                                      /* 20 */
    SEQS(&P(f, "P-1")->history, 7, 10, 12, 13, 15, 16, 17, 20);
    SEQS(&P(f, "P-2")->history, 8, 11, 13, 18, 19);
    SEQS(&P(f, "P-3")->history, 9);
    SEQS(&state_facility(f->s, "F-1")->history, 1, 2, 3, 10, 11, 13, 15, 16, 18);
    SEQS(&state_facility(f->s, "F-2")->history, 4, 5, 6, 14, 15, 17, 18, 19);
    SEQS(&state_agreement(f->s, "A-1")->history, 6, 15);
    SEQS(&state_transfer(f->s, "T-1")->history, 15, 16, 17);
    assert_int_equal(state_last_seq(f->s), 20);
}

/* A batch touching every kind of change, rolled back, leaves an identical dump;
 * applied again it gives the same projection as without a transaction. */
static void mixed_batch(fx *f)
{
    OK(f, facility("F-9"));
    OK(f, unit("F-9", "Z-1", 5));
    OK(f, unit("F-1", "C-1", 50)); /* recertification */
    OK(f, unit("F-1", "C-3", 5));  /* F-1's unit list grows */
    OK(f, agreement("A-2", LIST("F-1", "F-9")));
    OK(f, person("P-7"));
    for (int i = 0; i < 9; i++)
        OK(f, status("P-1", ST_ASYLUM_PENDING)); /* array growth */
    for (int i = 0; i < 5; i++)
        OK(f, conviction("P-7"));
    OK(f, consent("P-2"));
    OK(f, allegation("P-2"));
    OK(f, admit("P-7", "F-9", "Z-1"));
    OK(f, move("P-2", "F-1", "C-3"));
    OK(f, hold("H-2", LIST("P-7")));
    OK(f, lift("H-1"));
    OK(f, tstep(EV_TRANSFER_APPROVED, "T-1", LIST("P-1")));
    OK(f, tstep(EV_TRANSFER_DEPARTED, "T-1", LIST("P-1", "P-3")));
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-1", LIST("P-1")));
    OK(f, admit("P-1", "F-2", "D-1"));
    OK(f, propose("T-2", "F-9", "F-2", "A-2", LIST("P-7")));
    OK(f, tstep(EV_TRANSFER_CANCELLED, "T-2", LIST("P-7")));
    OK(f, count("F-1", NULL, LIST("P-2", "P-3")));
    OK(f, release("P-2"));
    OK(f, die("P-7"));
    for (int i = 0; i < 40; i++)
        OK(f, condition("F-1", NULL)); /* history growth */
}

static void rollback_prelude(fx *f)
{
    base_world(f);
    OK(f, admit("P-1", "F-1", "C-1"));
    OK(f, admit("P-2", "F-1", "C-2"));
    OK(f, admit("P-3", "F-1", "C-2"));
    OK(f, status("P-1", ST_CITIZEN));
    OK(f, hold("H-1", LIST("P-3")));
    OK(f, propose("T-1", "F-1", "F-2", "A-1", LIST("P-1", "P-2")));
}

static void rollback(void **st)
{
    fx *f = *st;
    int64_t t0 = at_us;
    rollback_prelude(f);
    char *before = dump(f->s);
    int64_t seq0 = f->seq, t1 = at_us;

    state_begin(f->s);
    mixed_batch(f);
    char *applied = dump(f->s);
    assert_string_not_equal(before, applied);
    state_rollback(f->s);
    char *after = dump(f->s);
    assert_string_equal(before, after);
    assert_null(state_person(f->s, "P-7"));
    assert_null(state_facility(f->s, "F-9"));
    assert_null(state_unit(f->s, state_facility(f->s, "F-1"), "C-3"));
    assert_null(state_transfer(f->s, "T-2"));
    assert_null(state_hold(f->s, "H-2"));
    assert_null(state_agreement(f->s, "A-2"));
    assert_int_equal(state_last_seq(f->s), seq0);

    /* The same batch again, committed ... */
    f->seq = seq0;
    at_us = t1;
    state_begin(f->s);
    mixed_batch(f);
    state_commit(f->s);
    char *committed = dump(f->s);
    assert_string_equal(applied, committed);

    /* ... and replayed from scratch without any transaction. */
    state_free(f->s);
    f->s = state_new();
    f->seq = 0;
    at_us = t0;
    rollback_prelude(f);
    mixed_batch(f);
    char *replayed = dump(f->s);
    assert_string_equal(applied, replayed);
    free(before);
    free(applied);
    free(after);
    free(committed);
    free(replayed);
}

/* A transaction that only adds to existing vectors and counters. */
static void rollback_commit_rollback(void **st)
{
    fx *f = *st;
    base_world(f);
    OK(f, admit("P-1", "F-1", "C-1"));
    state_begin(f->s);
    OK(f, status("P-1", ST_CITIZEN));
    OK(f, person("P-8")); /* created in a committed transaction: no longer "fresh" */
    OK(f, unit("F-2", "D-2", 3));
    state_commit(f->s);
    char *before = dump(f->s);
    state_begin(f->s);
    OK(f, status("P-1", ST_CITIZEN));
    OK(f, move("P-1", "F-2", "D-1"));
    OK(f, admit("P-8", "F-2", "D-2"));
    OK(f, status("P-8", ST_CITIZEN));
    OK(f, move("P-8", "F-2", "D-1"));
    OK(f, unit("F-2", "D-2", 30));
    OK(f, move("P-1", "F-2", "D-2"));
    state_rollback(f->s);
    char *after = dump(f->s);
    assert_string_equal(before, after);
    state_rollback(f->s); /* nothing to undo */
    free(after);
    after = dump(f->s);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(registrations, setup, teardown),
        cmocka_unit_test_setup_teardown(references, setup, teardown),
        cmocka_unit_test_setup_teardown(admissions, setup, teardown),
        cmocka_unit_test_setup_teardown(occupancy, setup, teardown),
        cmocka_unit_test_setup_teardown(transfers, setup, teardown),
        cmocka_unit_test_setup_teardown(large_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(holds, setup, teardown),
        cmocka_unit_test_setup_teardown(history, setup, teardown),
        cmocka_unit_test_setup_teardown(rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(rollback_commit_rollback, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
