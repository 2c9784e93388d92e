/* findings_count: headcount reconciliation. A count.recorded of a unit (or of a
 * whole facility when it names no unit) is compared with the persons the ledger
 * holds there: one finding per person held there and not counted present
 * (MISSING), one per person counted present and not held there (UNEXPECTED).
 * Cost O(present + held there), through the state's occupant lists. */
#include <stdlib.h>
#include "rules/findings_internal.h"

typedef struct {
    uint32_t fi, ui;
    double counted, held; /* the figures every finding of the count carries */
} count_ctx;

static int raise_one(findings *f, const count_ctx *c, finding_code code, const st_person *p,
                     uint32_t pi, int64_t seq, int64_t at_us)
{
    finding x = fnd_make(f, code, seq, at_us);
    x.person = pi;
    x.facility = c->fi;
    x.unit = c->ui;
    x.value = c->counted;
    x.limit = c->held;
    fnd_evidence(&x, seq);
    /* Where the ledger has the person: the custody step that put them there. */
    fnd_evidence(&x, p->custody == CUST_NEVER ? p->registered_seq : p->custody_since_seq);
    return fnd_raise(f, &x) == ST_NONE ? HB_EINTERNAL : 0;
}

static int by_index(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static bool held_there(const st_person *p, const count_ctx *c)
{
    return p->custody == CUST_HELD && p->facility == c->fi &&
           (c->ui == ST_NONE || p->unit == c->ui);
}

/* Persons on the list and not marked present, in pool order (the list's own
 * order is not part of the contract, and a re-run must raise the same list). */
static int missing(findings *f, const state *s, const count_ctx *c, uint32_t mark, int64_t seq,
                   int64_t at_us)
{
    size_t n = 0;
    uint32_t q =
        c->ui != ST_NONE ? state_unit_first_held(s, c->ui) : state_facility_first_held(s, c->fi);
    while (q != ST_NONE) {
        if (f->stamps[FK_PERSON][q] != mark) {
            if (fnd_grow((void **)&f->scratch, &f->cap_scratch, n + 1, sizeof *f->scratch))
                return HB_EINTERNAL;
            f->scratch[n++] = q;
        }
        q = c->ui != ST_NONE ? state_unit_next_held(s, q) : state_facility_next_held(s, q);
    }
    if (n > 1) qsort(f->scratch, n, sizeof *f->scratch, by_index);
    for (size_t i = 0; i < n; i++) {
        uint32_t pi = f->scratch[i];
        if (raise_one(f, c, FC_HEADCOUNT_MISSING, state_person_at(s, pi), pi, seq, at_us))
            return HB_EINTERNAL;
    }
    return 0;
}

int fnd_headcount(findings *f, const state *s, int64_t seq, const event *ev)
{
    const ev_count_recorded *e = &ev->u.count_recorded;
    count_ctx c = {fnd_facility_idx(f, s, e->facility), ST_NONE, 0, 0};
    if (c.fi == ST_NONE) return 0;
    c.ui = fnd_unit_idx(f, s, c.fi, e->unit);
    if (e->unit.p && c.ui == ST_NONE) return 0;
    c.counted = e->present.n > 0 ? e->present.n : 0;
    c.held = c.ui != ST_NONE ? state_unit_at(s, c.ui)->held : state_facility_at(s, c.fi)->held;
    uint32_t mark = fnd_next_epoch(f);
    for (int32_t i = 0; i < e->present.n; i++) {
        uint32_t pi = fnd_person_idx(f, s, e->present.v[i]);
        if (pi != ST_NONE) f->stamps[FK_PERSON][pi] = mark;
    }
    if (missing(f, s, &c, mark, seq, ev->at.us)) return HB_EINTERNAL;
    for (int32_t i = 0; i < e->present.n; i++) {
        uint32_t pi = fnd_person_idx(f, s, e->present.v[i]);
        if (pi == ST_NONE) continue;
        const st_person *p = state_person_at(s, pi);
        if (!held_there(p, &c) && raise_one(f, &c, FC_HEADCOUNT_UNEXPECTED, p, pi, seq, ev->at.us))
            return HB_EINTERNAL;
    }
    return 0;
}
