/* findings_count: headcount reconciliation. A count.recorded of a unit (or of a
 * whole facility when it names no unit) is compared with the persons the ledger
 * holds there: one finding per person held there and not counted present
 * (MISSING), one per person counted present and not held there (UNEXPECTED).
 * Cost O(present + held there): the present ids go into a small table of their
 * own, the occupant list is walked once against it, and only the ids left over
 * (the unexpected, few) are looked up in the state. */
#include <stdlib.h>
#include <string.h>
#include "rules/findings_internal.h"
#include "util/map.h"

typedef struct {
    uint32_t fi, ui;
    double counted, held; /* the figures every finding of the count carries */
    const hb_strs *present;
    uint32_t mask; /* of f->table */
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

static int build_table(findings *f, count_ctx *c)
{
    size_t n = c->present->n > 0 ? (size_t)c->present->n : 0, cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    if (fnd_grow((void **)&f->table, &f->cap_table, cap, sizeof *f->table) ||
        fnd_grow((void **)&f->matched, &f->cap_matched, n + 1, 1))
        return HB_EINTERNAL;
    memset(f->table, 0xff, cap * sizeof *f->table);
    memset(f->matched, 0, n);
    c->mask = (uint32_t)cap - 1;
    for (uint32_t i = 0; i < n; i++) {
        const hb_str *id = &c->present->v[i];
        uint32_t k = (uint32_t)map_hash(id->p, id->n) & c->mask;
        while (f->table[k] != ST_NONE)
            k = (k + 1) & c->mask;
        f->table[k] = i;
    }
    return 0;
}

/* Whether id was counted present (and mark it found). */
static bool counted(findings *f, const count_ctx *c, const char *id)
{
    size_t len = strlen(id);
    for (uint32_t k = (uint32_t)map_hash(id, len) & c->mask; f->table[k] != ST_NONE;
         k = (k + 1) & c->mask) {
        const hb_str *p = &c->present->v[f->table[k]];
        if (p->n == len && memcmp(p->p, id, len) == 0) {
            f->matched[f->table[k]] = 1;
            return true;
        }
    }
    return false;
}

/* Persons on the occupant list and not counted, in pool order (the list's own
 * order is not part of the contract, and a re-run must raise the same list). */
static int missing(findings *f, const state *s, const count_ctx *c, int64_t seq, int64_t at_us)
{
    size_t n = 0;
    bool unit = c->ui != ST_NONE;
    for (uint32_t q = unit ? state_unit_first_held(s, c->ui) : state_facility_first_held(s, c->fi);
         q != ST_NONE; q = unit ? state_unit_next_held(s, q) : state_facility_next_held(s, q)) {
        if (counted(f, c, state_person_at(s, q)->id)) continue;
        if (fnd_grow((void **)&f->scratch, &f->cap_scratch, n + 1, sizeof *f->scratch))
            return HB_EINTERNAL;
        f->scratch[n++] = q;
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
    count_ctx c = {state_facility_index(s, e->facility), ST_NONE, 0, 0, &e->present, 0};
    if (c.fi == ST_NONE) return 0;
    c.ui = state_unit_index(s, c.fi, e->unit);
    if (e->unit.p && c.ui == ST_NONE) return 0;
    c.counted = e->present.n > 0 ? e->present.n : 0;
    c.held = c.ui != ST_NONE ? state_unit_at(s, c.ui)->held : state_facility_at(s, c.fi)->held;
    if (build_table(f, &c) || missing(f, s, &c, seq, ev->at.us)) return HB_EINTERNAL;
    /* Not on the list: not held there, whatever the ledger has them doing. */
    for (int32_t i = 0; i < e->present.n; i++) {
        if (f->matched[i]) continue;
        uint32_t pi = state_person_index(s, e->present.v[i]);
        if (pi != ST_NONE &&
            raise_one(f, &c, FC_HEADCOUNT_UNEXPECTED, state_person_at(s, pi), pi, seq, ev->at.us))
            return HB_EINTERNAL;
    }
    return 0;
}
