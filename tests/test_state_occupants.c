/* state: the occupant lists of facilities and units, and agreement stays and
 * person-days. Random custody sequences (seeded: the seed is printed; set
 * HB_SEED to replay one) are checked against a scan of all persons and against a
 * day-by-day recount of a simulation kept by the test, after every event, after
 * commits and after rollbacks; then the exact figures the costs report relies on. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "state/state.h"
#include "util/arena.h"

/* ---- event builders: strings and lists live in the test arena ---- */

static arena A;
static int64_t now_us; /* the `at` of the next event */

#define HOUR_US 3600000000ll

static void at_day(int32_t day, int hour)
{
    now_us = (int64_t)day * HB_US_PER_DAY + hour * HOUR_US;
}

static int32_t today(void)
{
    return (int32_t)(now_us / HB_US_PER_DAY);
}

static hb_str S(const char *s)
{
    return (hb_str){s, s ? (uint32_t)strlen(s) : 0};
}

/* "prefix-i" in the arena. */
static const char *name(const char *prefix, int i)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%s-%d", prefix, i);
    return arena_strndup(&A, tmp, (size_t)n);
}

/* prefix-from .. prefix-(from + n - 1). */
static hb_strs names(const char *prefix, int from, int n)
{
    hb_strs l = {arena_alloc(&A, sizeof(hb_str) * (size_t)n), n};
    for (int i = 0; i < n; i++)
        l.v[i] = S(name(prefix, from + i));
    return l;
}

static hb_strs one(const char *id)
{
    hb_strs l = {arena_alloc(&A, sizeof(hb_str)), 1};
    l.v[0] = S(id);
    return l;
}

static event base(event_type t)
{
    event e;
    memset(&e, 0, sizeof e);
    e.type = t;
    e.at = (hb_time){S("2025-01-01T00:00:00Z"), now_us};
    return e;
}

static event facility(const char *id)
{
    event e = base(EV_FACILITY_REGISTERED);
    e.u.facility_registered =
        (ev_facility_registered){S(id), S("Centro"), {"SV"}, FAC_PRISON, 40000, S(NULL), {0}};
    return e;
}

static event unit(const char *fac, const char *id)
{
    event e = base(EV_UNIT_CERTIFIED);
    e.u.unit_certified = (ev_unit_certified){S(fac), S(id), UNIT_CELL, 100, 80.0, 100};
    return e;
}

static event agreement(const char *id, hb_strs facilities, int32_t starts, int32_t ends)
{
    event e = base(EV_AGREEMENT_SIGNED);
    ev_agreement_signed *a = &e.u.agreement_signed;
    a->agreement = S(id);
    memcpy(a->sending_state.cc, "US", 3);
    memcpy(a->receiving_state.cc, "SV", 3);
    a->facilities = facilities;
    a->starts = starts;
    a->ends = ends;
    a->fee = (ev_fee){true, 600000000, "USD", 238, 365};
    return e;
}

static event person(const char *id)
{
    event e = base(EV_PERSON_REGISTERED);
    ev_person_registered *p = &e.u.person_registered;
    p->person = S(id);
    p->given_names = S("Given");
    p->family_names = S("Family");
    p->aliases = (hb_strs){NULL, -1};
    p->birth_date = 9000;
    p->nationalities = (hb_ccs){NULL, -1};
    p->identifiers = (hb_kvs){NULL, -1};
    return e;
}

/* kind: a basis_kind; ref: the basis reference (NULL: absent). */
static event admit(const char *pid, const char *fac, const char *u, int8_t kind, const char *ref)
{
    event e = base(EV_CUSTODY_ADMITTED);
    e.u.custody_admitted = (ev_custody_admitted){
        S(pid), S(fac), S(u), {true, kind, S(ref), HB_DATE_ABSENT, HB_DATE_ABSENT}};
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
    at_day(20000, 0);
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

/* Checks and applies; fails the test when refused. */
static void ok_(fx *f, event e, int line)
{
    hb_errlist errs;
    errlist_init(&errs, 10);
    int rc = state_check(f->s, &e, &errs, "t");
    for (size_t i = 0; rc && i < errs.n; i++)
        fprintf(stderr, "line %d: %s\n", line, errs.msgs[i]);
    assert_int_equal(rc, 0);
    errlist_free(&errs);
    assert_int_equal(state_apply(f->s, ++f->seq, &e), 0);
}
#define OK(f, e) ok_((f), (e), __LINE__)

static const st_person *P(fx *f, const char *id)
{
    const st_person *p = state_person(f->s, id);
    assert_non_null(p);
    return p;
}

static const st_agreement *AG(fx *f, const char *id)
{
    const st_agreement *a = state_agreement(f->s, id);
    assert_non_null(a);
    return a;
}

/* The agreement a person is held under now, by id; "" for none. */
static const char *under(fx *f, const char *pid)
{
    uint32_t ai = P(f, pid)->agreement;
    return ai == ST_NONE ? "" : state_agreement_at(f->s, ai)->id;
}

/* Every field the lists and stays keep, to compare before and after a rollback.
 * Caller frees; *n gets the count. */
static int64_t *index_fields(const state *s, size_t *n)
{
    size_t np = state_count_persons(s), nf = state_count_facilities(s);
    size_t nu = state_count_units(s), na = state_count_agreements(s);
    int64_t *v = malloc(sizeof *v * (6 * np + 2 * nf + 2 * nu + 4 * na + 4));
    size_t k = 0;
    v[k++] = (int64_t)np, v[k++] = (int64_t)nf, v[k++] = (int64_t)nu, v[k++] = (int64_t)na;
    for (uint32_t i = 0; i < np; i++) {
        const st_person *p = state_person_at(s, i);
        v[k++] = p->agreement, v[k++] = p->agreement_since, v[k++] = p->held_next;
        v[k++] = p->held_prev, v[k++] = p->unit_next, v[k++] = p->unit_prev;
    }
    for (uint32_t i = 0; i < nf; i++)
        v[k++] = state_facility_at(s, i)->held, v[k++] = state_facility_at(s, i)->first_held;
    for (uint32_t i = 0; i < nu; i++)
        v[k++] = state_unit_at(s, i)->held, v[k++] = state_unit_at(s, i)->first_held;
    for (uint32_t i = 0; i < na; i++) {
        const st_agreement *a = state_agreement_at(s, i);
        v[k++] = a->held_now, v[k++] = a->open_stays;
        v[k++] = a->closed_days, v[k++] = a->open_first_days;
    }
    *n = k;
    return v;
}

static void assert_same_fields(const int64_t *a, size_t na, const int64_t *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        if (a[i] != b[i])
            fail_msg("field %zu: %lld, want %lld", i, (long long)b[i], (long long)a[i]);
}

/* ---- the simulation: what the lists and stays should say ---- */

enum { NF = 4, NU = 3, NA = 3, NT = 6, NP = 40, STEPS = 3000 };

/* F-0 is in no agreement; F-2 is in A-0 and A-1 (A-0 signed first); F-3 is in
 * Terms begin a few days after the first events, and A-2's is short
 * and late, so stays start before, inside and after terms. */
static const struct {
    int32_t starts, ends;
    int nfac, fac[2];
} SPEC_A[NA] = {{20010, 20040, 2, {1, 2}}, {20000, 20200, 2, {2, 3}}, {20100, 20110, 1, {3}}};

static const struct {
    int from, to, ag; /* ag -1: a transfer without agreement */
} SPEC_T[NT] = {{0, 1, 0}, {1, 3, 1}, {3, 2, -1}, {2, 0, 2}, {0, 3, -1}, {1, 2, 0}};

typedef struct {
    custody_state custody;
    int fac, unit, ag; /* -1: none */
    int32_t since;     /* the day the stay began, unclipped */
} m_person;

typedef struct {
    m_person p[NP];
    int64_t closed[NA];
} model;

static bool m_lists(int a, int fac)
{
    for (int i = 0; i < SPEC_A[a].nfac; i++)
        if (SPEC_A[a].fac[i] == fac) return true;
    return false;
}

/* Days from `from` up to, not including, `to` that fall in agreement a's term,
 * counted one by one (days well outside the term are skipped: they count 0). */
static int64_t m_days(int a, int32_t from, int32_t to)
{
    int64_t n = 0;
    int32_t lo = SPEC_A[a].starts - 1, hi = SPEC_A[a].ends + 2;
    for (int32_t d = from > lo ? from : lo; d < to && d < hi; d++)
        n += d >= SPEC_A[a].starts && d <= SPEC_A[a].ends;
    return n;
}

static void m_end(model *m, int pi, int32_t day)
{
    m_person *p = &m->p[pi];
    if (p->ag < 0) return;
    m->closed[p->ag] += m_days(p->ag, p->since, day);
    p->ag = -1;
}

static void m_switch(model *m, int pi, int a, int32_t day)
{
    if (a < 0 || m->p[pi].ag == a) return;
    m_end(m, pi, day);
    m->p[pi].ag = a;
    m->p[pi].since = day;
}

static void m_moved(model *m, int pi, int from, int32_t day)
{
    m_person *p = &m->p[pi];
    if (p->ag >= 0 && p->fac != from && !m_lists(p->ag, p->fac)) m_end(m, pi, day);
}

/* basis: 0 sentence, 1 agreement naming none, 2 naming A-k, 3 naming an unknown id. */
static void m_admitted(model *m, int pi, int basis, int k, int32_t day)
{
    if (basis == 0) return;
    int a = basis == 2 ? k : -1;
    if (a < 0 && m->p[pi].ag >= 0) return;
    for (int i = 0; a < 0 && i < NA; i++)
        if (m_lists(i, m->p[pi].fac)) a = i;
    m_switch(m, pi, a, day);
}

/* ---- checks against the simulation ---- */

/* Walks one list: well linked (prev matches), every member held there, no more
 * members than persons; returns the length. */
static uint32_t walk(const state *s, uint32_t first, bool units, uint32_t where)
{
    uint32_t n = 0, prev = ST_NONE;
    for (uint32_t pi = first; pi != ST_NONE; n++) {
        assert_true(n < state_count_persons(s));
        const st_person *p = state_person_at(s, pi);
        assert_int_equal(p->custody, CUST_HELD);
        assert_int_equal(units ? p->unit : p->facility, where);
        assert_int_equal(units ? p->unit_prev : p->held_prev, prev);
        prev = pi;
        pi = units ? state_unit_next_held(s, pi) : state_facility_next_held(s, pi);
    }
    return n;
}

/* Each list holds exactly the persons a scan finds there (members are checked by
 * walk, so equal counts mean equal sets), and persons off a list are unlinked. */
static void check_lists(const state *s)
{
    uint32_t nf = (uint32_t)state_count_facilities(s), nu = (uint32_t)state_count_units(s);
    uint32_t *fac = calloc(nf, sizeof *fac), *un = calloc(nu, sizeof *un);
    for (uint32_t i = 0; i < state_count_persons(s); i++) {
        const st_person *p = state_person_at(s, i);
        bool held = p->custody == CUST_HELD;
        if (held) fac[p->facility]++;
        if (held && p->unit != ST_NONE) un[p->unit]++;
        if (!held) assert_true(p->held_next == ST_NONE && p->held_prev == ST_NONE);
        if (!held || p->unit == ST_NONE)
            assert_true(p->unit_next == ST_NONE && p->unit_prev == ST_NONE);
    }
    for (uint32_t f = 0; f < nf; f++) {
        assert_int_equal(walk(s, state_facility_first_held(s, f), false, f), fac[f]);
        assert_int_equal(state_facility_at(s, f)->held, fac[f]);
    }
    for (uint32_t u = 0; u < nu; u++) {
        assert_int_equal(walk(s, state_unit_first_held(s, u), true, u), un[u]);
        assert_int_equal(state_unit_at(s, u)->held, un[u]);
    }
    free(fac);
    free(un);
}

/* The model's person-days of agreement a on day t, stay by stay, day by day. */
static int64_t m_person_days(const model *m, int a, int32_t t)
{
    int64_t n = m->closed[a];
    for (int i = 0; i < NP; i++)
        if (m->p[i].ag == a) n += m_days(a, m->p[i].since, t + 1);
    return n;
}

static void check_stays(const state *s, const model *m, int32_t day)
{
    for (int a = 0; a < NA; a++) {
        const st_agreement *ag = state_agreement_at(s, (uint32_t)a);
        uint32_t held = 0, open = 0;
        int64_t firsts = 0;
        for (int i = 0; i < NP; i++) {
            const m_person *mp = &m->p[i];
            if (mp->ag != a) continue;
            int32_t first = mp->since > ag->starts ? mp->since : ag->starts;
            assert_int_equal(state_person_at(s, (uint32_t)i)->agreement_since, first);
            held++;
            if (first <= ag->ends) open++, firsts += first;
        }
        assert_int_equal(ag->held_now, held);
        assert_int_equal(ag->open_stays, open);
        assert_int_equal(ag->open_first_days, firsts);
        assert_int_equal(ag->closed_days, m->closed[a]);
        for (int32_t t = day; t <= day + 400; t += 400)
            assert_int_equal(state_agreement_person_days(ag, t), m_person_days(m, a, t));
    }
    for (int i = 0; i < NP; i++) {
        uint32_t ai = state_person_at(s, (uint32_t)i)->agreement;
        assert_int_equal(ai == ST_NONE ? -1 : (int)ai, m->p[i].ag);
    }
}

/* ---- the random walk ---- */

static unsigned rnd(uint64_t *x, unsigned n)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17; /* xorshift64 */
    return (unsigned)(*x % n);
}

static void random_world(fx *f)
{
    for (int i = 0; i < NF; i++) {
        OK(f, facility(name("F", i)));
        for (int u = 0; u < NU; u++)
            OK(f, unit(name("F", i), name("U", u)));
    }
    for (int a = 0; a < NA; a++) {
        hb_strs l = {arena_alloc(&A, sizeof(hb_str) * 2), SPEC_A[a].nfac};
        for (int i = 0; i < SPEC_A[a].nfac; i++)
            l.v[i] = S(name("F", SPEC_A[a].fac[i]));
        OK(f, agreement(name("A", a), l, SPEC_A[a].starts, SPEC_A[a].ends));
    }
    for (int i = 0; i < NP; i++)
        OK(f, person(name("P", i)));
    for (int t = 0; t < NT; t++)
        OK(f, propose(name("T", t), name("F", SPEC_T[t].from), name("F", SPEC_T[t].to),
                      SPEC_T[t].ag < 0 ? NULL : name("A", SPEC_T[t].ag), one(name("P", 0))));
}

static void r_admit(fx *f, model *m, int pi, uint64_t *x)
{
    m_person *p = &m->p[pi];
    if (p->custody == CUST_HELD && p->unit >= 0) return;
    int fac = p->custody == CUST_HELD ? p->fac : (int)rnd(x, NF), u = (int)rnd(x, NU);
    int basis = (int)rnd(x, 4), k = (int)rnd(x, NA);
    const char *ref = basis == 2 ? name("A", k) : basis == 3 ? "A-unknown" : NULL;
    OK(f, admit(name("P", pi), name("F", fac), name("U", u),
                basis ? BASIS_AGREEMENT : BASIS_SENTENCE, ref));
    *p = (m_person){CUST_HELD, fac, u, p->ag, p->since};
    m_admitted(m, pi, basis, k, today());
}

static void r_move(fx *f, model *m, int pi, uint64_t *x)
{
    m_person *p = &m->p[pi];
    if (p->custody != CUST_HELD) return;
    int fac = rnd(x, 2) ? p->fac : (int)rnd(x, NF), u = (int)rnd(x, NU), from = p->fac;
    OK(f, move(name("P", pi), name("F", fac), name("U", u)));
    p->fac = fac, p->unit = u;
    m_moved(m, pi, from, today());
}

/* Departures and arrivals are facts: anyone alive may depart or arrive on any
 * transfer, listed on it or not. */
static void r_transfer(fx *f, model *m, int pi, uint64_t *x, bool depart)
{
    m_person *p = &m->p[pi];
    int t = (int)rnd(x, NT), from = p->custody == CUST_HELD ? p->fac : -1;
    OK(f, tstep(depart ? EV_TRANSFER_DEPARTED : EV_TRANSFER_ARRIVED, name("T", t),
                one(name("P", pi))));
    if (depart) {
        m_end(m, pi, today());
        p->custody = CUST_IN_TRANSIT, p->fac = p->unit = -1;
        return;
    }
    p->custody = CUST_HELD, p->fac = SPEC_T[t].to, p->unit = -1;
    if (SPEC_T[t].ag >= 0)
        m_switch(m, pi, SPEC_T[t].ag, today());
    else
        m_moved(m, pi, from, today());
}

static void r_end(fx *f, model *m, int pi, bool death)
{
    m_person *p = &m->p[pi];
    if (!death && p->custody != CUST_HELD && p->custody != CUST_IN_TRANSIT) return;
    OK(f, death ? die(name("P", pi)) : release(name("P", pi)));
    m_end(m, pi, today());
    p->custody = death ? CUST_DECEASED : CUST_RELEASED, p->fac = p->unit = -1;
}

/* One event about a random living person (or none when the draw does not fit). */
static void random_step(fx *f, model *m, uint64_t *x)
{
    now_us += (int64_t)rnd(x, 6) * HOUR_US;
    int pi = (int)rnd(x, NP);
    if (m->p[pi].custody == CUST_DECEASED) return;
    unsigned c = rnd(x, 100);
    if (c < 30)
        r_admit(f, m, pi, x);
    else if (c < 55)
        r_move(f, m, pi, x);
    else if (c < 70)
        r_transfer(f, m, pi, x, true);
    else if (c < 85)
        r_transfer(f, m, pi, x, false);
    else
        r_end(f, m, pi, c == 99 && rnd(x, 4) == 0);
}

static void check_all(fx *f, const model *m)
{
    check_lists(f->s);
    check_stays(f->s, m, today());
}

static uint64_t seed_of(void)
{
    const char *env = getenv("HB_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL);
    printf("test_state_occupants: seed %llu (HB_SEED=%llu to replay)\n", (unsigned long long)seed,
           (unsigned long long)seed);
    return seed ? seed : 1;
}

/* Batches of up to 40 events: in a transaction committed or rolled back, or
 * applied as a replay (no transaction). A rollback must give back exactly the
 * fields of before (list order included), and the simulation goes back too. */
static void random_sequences(void **st)
{
    fx *f = *st;
    uint64_t x = seed_of();
    at_day(19995, 0);
    random_world(f);
    static model m;
    for (int i = 0; i < NP; i++)
        m.p[i] = (m_person){CUST_NEVER, -1, -1, -1, 0};
    int steps = 0, rollbacks = 0;
    while (steps < STEPS) {
        int mode = (int)rnd(&x, 3), n = 1 + (int)rnd(&x, 40); /* 0 replay, 1 commit, 2 rollback */
        size_t nb;
        int64_t *before = index_fields(f->s, &nb), seq = f->seq;
        model saved = m;
        if (mode) state_begin(f->s);
        for (int i = 0; i < n; i++, steps++) {
            random_step(f, &m, &x);
            check_all(f, &m);
        }
        if (mode == 2) {
            state_rollback(f->s);
            m = saved, f->seq = seq, rollbacks++;
            size_t na;
            int64_t *after = index_fields(f->s, &na);
            assert_same_fields(before, nb, after, na);
            free(after);
        } else if (mode == 1) {
            state_commit(f->s);
        }
        check_all(f, &m);
        free(before);
    }
    int64_t days = 0;
    printf("test_state_occupants: %d steps, %d rollbacks; person-days", steps, rollbacks);
    for (int a = 0; a < NA; a++) {
        int64_t d = state_agreement_person_days(state_agreement_at(f->s, (uint32_t)a), today());
        printf(" A-%d %lld", a, (long long)d);
        days += d;
    }
    printf("\n");
    assert_true(days > 0 && rollbacks > 0);
}

/* ---- exact figures ---- */

enum { S0 = 20162 }; /* 2025-03-16, the first day of the term */

/* F-US (unit U-1), F-CECOT (units M-1, M-2), F-X (unit X-1), A-1: F-CECOT for
 * 365 days from S0. */
static void cecot_world(fx *f)
{
    at_day(S0 - 60, 0);
    OK(f, facility("F-US"));
    OK(f, unit("F-US", "U-1"));
    OK(f, facility("F-CECOT"));
    OK(f, unit("F-CECOT", "M-1"));
    OK(f, unit("F-CECOT", "M-2"));
    OK(f, facility("F-X"));
    OK(f, unit("F-X", "X-1"));
    OK(f, agreement("A-1", one("F-CECOT"), S0, S0 + 364));
}

/* 238 persons arriving on the first day of a 365-day term and held past its end:
 * 238 x 365 = 86,870 person-days, whatever later day is asked. */
static void year_of_238(void **st)
{
    fx *f = *st;
    cecot_world(f);
    for (int i = 0; i < 238; i++) {
        OK(f, person(name("P", i)));
        OK(f, admit(name("P", i), "F-US", "U-1", BASIS_SENTENCE, "REF"));
    }
    OK(f, propose("T-1", "F-US", "F-CECOT", "A-1", names("P", 0, 238)));
    at_day(S0 - 1, 22);
    OK(f, tstep(EV_TRANSFER_DEPARTED, "T-1", names("P", 0, 238)));
    assert_int_equal(AG(f, "A-1")->held_now, 0);
    at_day(S0, 5);
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-1", names("P", 0, 238)));
    const st_agreement *a = AG(f, "A-1");
    assert_int_equal(a->held_now, 238);
    assert_int_equal(a->open_stays, 238);
    assert_int_equal(a->open_first_days, 238ll * S0);
    assert_int_equal(state_agreement_person_days(a, S0), 238);
    assert_int_equal(state_agreement_person_days(a, S0 + 99), 23800);
    assert_int_equal(state_agreement_person_days(a, S0 + 364), 86870);
    assert_int_equal(state_agreement_person_days(a, S0 + 5000), 86870);
    assert_int_equal(state_facility(f->s, "F-CECOT")->held, 238);
    at_day(S0 + 400, 12);
    for (int i = 0; i < 238; i++)
        OK(f, release(name("P", i)));
    assert_int_equal(a->held_now, 0);
    assert_int_equal(a->open_stays, 0);
    assert_int_equal(a->open_first_days, 0);
    assert_int_equal(a->closed_days, 86870);
    assert_int_equal(state_agreement_person_days(a, S0 + 9000), 86870);
}

/* Admitted ten days before the term: the stay counts from the first day. */
static void clipped_to_starts(void **st)
{
    fx *f = *st;
    cecot_world(f);
    OK(f, person("P-1"));
    OK(f, person("P-2"));
    /* Ended before the term began: nothing. */
    at_day(S0 - 30, 1);
    OK(f, admit("P-2", "F-CECOT", "M-1", BASIS_AGREEMENT, "A-1"));
    at_day(S0 - 20, 1);
    OK(f, release("P-2"));
    const st_agreement *a = AG(f, "A-1");
    assert_int_equal(a->closed_days, 0);
    at_day(S0 - 10, 9);
    OK(f, admit("P-1", "F-CECOT", "M-1", BASIS_AGREEMENT, "A-1"));
    assert_int_equal(P(f, "P-1")->agreement_since, S0);
    assert_int_equal(state_agreement_person_days(a, S0 - 5), 0);
    assert_int_equal(state_agreement_person_days(a, S0 + 9), 10);
    at_day(S0 + 5, 12);
    OK(f, release("P-1"));
    assert_int_equal(a->closed_days, 5);
}

/* Held from day D to a release on day X (any time that UTC day) accrues D .. X-1;
 * a stay over the end of the term stops at `ends`. */
static void released_day_x(void **st)
{
    fx *f = *st;
    cecot_world(f);
    OK(f, person("P-1"));
    OK(f, person("P-2"));
    /* 03:00 UTC is still the previous evening in the Americas: the UTC date counts. */
    at_day(S0 + 2, 3);
    OK(f, admit("P-1", "F-CECOT", "M-1", BASIS_AGREEMENT, NULL));
    assert_int_equal(P(f, "P-1")->agreement_since, S0 + 2);
    at_day(S0 + 7, 23);
    OK(f, release("P-1"));
    const st_agreement *a = AG(f, "A-1");
    assert_int_equal(a->closed_days, 5);
    at_day(S0 + 360, 8);
    OK(f, admit("P-2", "F-CECOT", "M-2", BASIS_AGREEMENT, NULL));
    at_day(S0 + 400, 8);
    OK(f, die("P-2"));
    assert_int_equal(a->closed_days, 5 + 5); /* S0+360 .. S0+364 */
    assert_int_equal(state_agreement_person_days(a, S0 + 500), 10);
    /* Released on the last day of the term: that day is not counted. */
    OK(f, person("P-3"));
    at_day(S0 + 300, 8);
    OK(f, admit("P-3", "F-CECOT", "M-2", BASIS_AGREEMENT, NULL));
    at_day(S0 + 364, 20);
    OK(f, release("P-3"));
    assert_int_equal(a->closed_days, 10 + 64);
}

/* A stay that starts after the term is held under the agreement but accrues
 * nothing, open or closed. */
static void after_ends(void **st)
{
    fx *f = *st;
    cecot_world(f);
    OK(f, person("P-1"));
    at_day(S0 + 364 + 3, 10);
    OK(f, admit("P-1", "F-CECOT", "M-1", BASIS_AGREEMENT, NULL));
    const st_agreement *a = AG(f, "A-1");
    assert_string_equal(under(f, "P-1"), "A-1");
    assert_int_equal(a->held_now, 1);
    assert_int_equal(a->open_stays, 0);
    assert_int_equal(a->open_first_days, 0);
    assert_int_equal(state_agreement_person_days(a, S0 + 5000), 0);
    at_day(S0 + 400, 10);
    OK(f, release("P-1"));
    assert_int_equal(a->held_now, 0);
    assert_int_equal(a->closed_days, 0);
}

/* F-0 in no agreement; A-1 lists F-1 and F-2; A-2 lists F-2 and F-3. */
static void two_agreements(fx *f)
{
    at_day(20000, 0);
    for (int i = 0; i < 4; i++) {
        OK(f, facility(name("F", i)));
        OK(f, unit(name("F", i), "C-1"));
        OK(f, unit(name("F", i), "C-2"));
    }
    hb_strs l1 = names("F", 1, 2), l2 = names("F", 2, 2);
    OK(f, agreement("A-1", l1, 20000, 21000));
    OK(f, agreement("A-2", l2, 20000, 21000));
    for (int i = 1; i <= 9; i++)
        OK(f, person(name("P", i)));
}

/* Which agreement an admission counts for. */
static void admission_basis(void **st)
{
    fx *f = *st;
    two_agreements(f);
    OK(f, admit("P-1", "F-2", "C-1", BASIS_AGREEMENT, NULL));      /* first signed listing F-2 */
    OK(f, admit("P-2", "F-3", "C-1", BASIS_AGREEMENT, NULL));      /* the only one listing F-3 */
    OK(f, admit("P-3", "F-0", "C-1", BASIS_AGREEMENT, "A-2"));     /* named: even unlisted */
    OK(f, admit("P-4", "F-2", "C-1", BASIS_AGREEMENT, "NO-SUCH")); /* names none known */
    OK(f, admit("P-5", "F-2", "C-1", BASIS_SENTENCE, "A-2"));      /* not an agreement basis */
    OK(f, admit("P-6", "F-0", "C-1", BASIS_AGREEMENT, NULL));      /* no agreement lists F-0 */
    assert_string_equal(under(f, "P-1"), "A-1");
    assert_string_equal(under(f, "P-2"), "A-2");
    assert_string_equal(under(f, "P-3"), "A-2");
    assert_string_equal(under(f, "P-4"), "A-1");
    assert_string_equal(under(f, "P-5"), "");
    assert_string_equal(under(f, "P-6"), "");
    assert_int_equal(AG(f, "A-1")->held_now, 2);
    assert_int_equal(AG(f, "A-2")->held_now, 2);
    /* Signing an agreement for a facility where persons are held starts no stay. */
    OK(f, agreement("A-3", one("F-0"), 20000, 21000));
    assert_string_equal(under(f, "P-6"), "");
    assert_int_equal(AG(f, "A-3")->held_now, 0);
    OK(f, admit("P-7", "F-0", "C-1", BASIS_AGREEMENT, NULL));
    assert_string_equal(under(f, "P-7"), "A-3");
}

/* Moves keep a stay while the facility is the same or listed; others end it. */
static void moves_and_ends(void **st)
{
    fx *f = *st;
    two_agreements(f);
    OK(f, admit("P-1", "F-2", "C-1", BASIS_AGREEMENT, NULL));
    OK(f, admit("P-3", "F-0", "C-1", BASIS_AGREEMENT, "A-2"));
    OK(f, admit("P-4", "F-1", "C-1", BASIS_AGREEMENT, NULL));
    OK(f, move("P-1", "F-1", "C-2")); /* F-1 is in A-1 */
    OK(f, move("P-3", "F-0", "C-2")); /* another unit, same facility */
    assert_string_equal(under(f, "P-1"), "A-1");
    assert_string_equal(under(f, "P-3"), "A-2");
    at_day(20010, 0);
    OK(f, move("P-1", "F-3", "C-1")); /* F-3 is not in A-1 */
    OK(f, move("P-3", "F-1", "C-1")); /* F-1 is not in A-2 */
    assert_string_equal(under(f, "P-1"), "");
    assert_string_equal(under(f, "P-3"), "");
    assert_int_equal(AG(f, "A-1")->closed_days, 10);
    assert_int_equal(AG(f, "A-2")->closed_days, 10);
    OK(f, admit("P-5", "F-2", "C-1", BASIS_AGREEMENT, NULL));
    at_day(20012, 0);
    OK(f, die("P-4"));
    OK(f, release("P-5"));
    assert_int_equal(AG(f, "A-1")->closed_days, 10 + 12 + 2);
    assert_int_equal(AG(f, "A-1")->held_now, 0);
}

/* A departure ends a stay; an arrival starts one under the transfer's agreement
 * (a later admission naming none keeps it; naming another switches); arriving
 * on a transfer without agreement is a move. */
static void transfers(void **st)
{
    fx *f = *st;
    two_agreements(f);
    OK(f, admit("P-1", "F-1", "C-1", BASIS_AGREEMENT, NULL));
    OK(f, propose("T-1", "F-1", "F-2", "A-2", one("P-1")));
    OK(f, propose("T-2", "F-2", "F-3", NULL, one("P-1")));
    OK(f, propose("T-3", "F-2", "F-1", NULL, one("P-1")));
    at_day(20004, 0);
    OK(f, tstep(EV_TRANSFER_DEPARTED, "T-1", one("P-1")));
    assert_string_equal(under(f, "P-1"), "");
    assert_int_equal(AG(f, "A-1")->closed_days, 4);
    at_day(20005, 0);
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-1", one("P-1")));
    assert_string_equal(under(f, "P-1"), "A-2"); /* F-2: A-1 is first, the transfer says A-2 */
    OK(f, admit("P-1", "F-2", "C-1", BASIS_AGREEMENT, NULL));
    assert_string_equal(under(f, "P-1"), "A-2");
    assert_int_equal(P(f, "P-1")->agreement_since, 20005);
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-3", one("P-1"))); /* no departure: to F-1, not in A-2 */
    assert_string_equal(under(f, "P-1"), "");
    OK(f, admit("P-2", "F-2", "C-1", BASIS_AGREEMENT, NULL));
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-2", one("P-2"))); /* to F-3, not in A-1 */
    assert_string_equal(under(f, "P-2"), "");
    OK(f, admit("P-3", "F-3", "C-1", BASIS_AGREEMENT, NULL));
    OK(f, propose("T-4", "F-3", "F-2", NULL, one("P-3")));
    OK(f, tstep(EV_TRANSFER_ARRIVED, "T-4", one("P-3"))); /* to F-2, in A-2: kept */
    assert_string_equal(under(f, "P-3"), "A-2");
    OK(f, admit("P-3", "F-2", "C-2", BASIS_AGREEMENT, "A-1"));
    assert_string_equal(under(f, "P-3"), "A-1");
    assert_int_equal(AG(f, "A-2")->held_now, 0);
}

/* The occupant lists on a small case, and the accessors out of range. */
static void lists_basic(void **st)
{
    fx *f = *st;
    two_agreements(f);
    for (int i = 1; i <= 3; i++)
        OK(f, admit(name("P", i), "F-1", "C-1", BASIS_SENTENCE, "REF"));
    uint32_t fi = 1, ui = 1 * 2; /* F-1 is the second facility, C-1 its first unit */
    assert_string_equal(state_unit_at(f->s, ui)->id, "C-1");
    uint32_t seen = 0;
    for (uint32_t p = state_unit_first_held(f->s, ui); p != ST_NONE;
         p = state_unit_next_held(f->s, p))
        seen |= 1u << (state_person_at(f->s, p)->id[2] - '0');
    assert_int_equal(seen, 0xe);
    OK(f, move("P-2", "F-1", "C-2"));
    OK(f, release("P-3"));
    assert_int_equal(walk(f->s, state_unit_first_held(f->s, ui), true, ui), 1);
    assert_int_equal(walk(f->s, state_unit_first_held(f->s, ui + 1), true, ui + 1), 1);
    assert_int_equal(walk(f->s, state_facility_first_held(f->s, fi), false, fi), 2);
    assert_int_equal(state_facility_first_held(f->s, 0), ST_NONE);
    assert_int_equal(state_facility_first_held(f->s, 999), ST_NONE);
    assert_int_equal(state_unit_first_held(f->s, 999), ST_NONE);
    assert_int_equal(state_facility_next_held(f->s, 999), ST_NONE);
    assert_int_equal(state_unit_next_held(f->s, 999), ST_NONE);
}

/* A rolled back batch leaves held_now, open_*, closed_days, the persons' stays
 * and every list exactly as before; the same batch committed changes them. */
static void rollback_stays(void **st)
{
    fx *f = *st;
    two_agreements(f);
    for (int i = 1; i <= 6; i++)
        OK(f, admit(name("P", i), i % 2 ? "F-1" : "F-2", "C-1", BASIS_AGREEMENT, NULL));
    hb_strs odd = {arena_alloc(&A, 3 * sizeof(hb_str)), 3}; /* held at F-1 */
    for (int i = 0; i < 3; i++)
        odd.v[i] = S(name("P", 1 + 2 * i));
    OK(f, propose("T-1", "F-1", "F-3", "A-2", odd));
    for (int pass = 0; pass < 2; pass++) {
        size_t nb, na;
        int64_t *before = index_fields(f->s, &nb);
        int64_t seq = f->seq;
        state_begin(f->s);
        at_day(20030 + 100 * pass, 0);
        OK(f, release("P-2"));
        OK(f, move("P-4", "F-3", "C-2"));
        OK(f, tstep(EV_TRANSFER_DEPARTED, "T-1", odd));
        OK(f, tstep(EV_TRANSFER_ARRIVED, "T-1", odd));
        OK(f, admit("P-7", "F-2", "C-2", BASIS_AGREEMENT, "A-2"));
        OK(f, die("P-6"));
        assert_int_equal(AG(f, "A-2")->held_now, 4);
        if (pass == 0) {
            state_rollback(f->s);
            f->seq = seq;
        } else {
            state_commit(f->s);
        }
        int64_t *after = index_fields(f->s, &na);
        if (pass == 0) assert_same_fields(before, nb, after, na);
        if (pass == 1) assert_memory_not_equal(before, after, nb * sizeof *before);
        free(before);
        free(after);
        check_lists(f->s);
    }
    assert_int_equal(AG(f, "A-2")->held_now, 4);
    assert_int_equal(AG(f, "A-1")->held_now, 0);
    assert_int_equal(AG(f, "A-1")->closed_days, 6 * 130);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(random_sequences, setup, teardown),
        cmocka_unit_test_setup_teardown(year_of_238, setup, teardown),
        cmocka_unit_test_setup_teardown(clipped_to_starts, setup, teardown),
        cmocka_unit_test_setup_teardown(released_day_x, setup, teardown),
        cmocka_unit_test_setup_teardown(after_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(admission_basis, setup, teardown),
        cmocka_unit_test_setup_teardown(moves_and_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(transfers, setup, teardown),
        cmocka_unit_test_setup_teardown(lists_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(rollback_stays, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
