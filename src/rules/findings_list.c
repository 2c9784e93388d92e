/* findings_list: raising and clearing findings, their evidence, the undo log
 * entries that let a transaction take them back, and the per-event marks. */
#include <stdlib.h>
#include <string.h>
#include "rules/findings_internal.h"

finding fnd_make(const findings *f, finding_code code, int64_t seq, int64_t at_us)
{
    finding x;
    memset(&x, 0, sizeof x);
    x.code = code;
    int sev = f->p->severity[code];
    x.severity = sev >= 0 && sev < SEV__COUNT ? (finding_severity)sev : SEV_CRITICAL;
    x.person = x.facility = x.unit = x.transfer = ST_NONE;
    x.seq = seq;
    x.raised_us = at_us;
    x.cleared_us = INT64_MAX;
    return x;
}

void fnd_evidence(finding *x, int64_t seq)
{
    if (seq <= 0) return; /* "no such event" (e.g. a unit never certified) */
    uint32_t n = x->n_evidence, i = n;
    while (i > 0 && x->evidence[i - 1] > seq)
        i--;
    if (i > 0 && x->evidence[i - 1] == seq) return;
    if (n == FIND_MAX_EVIDENCE) {
        if (x->n_more < UINT16_MAX) x->n_more++;
        if (i == n) return;
        n--; /* the highest makes room for a lower one */
    }
    memmove(&x->evidence[i + 1], &x->evidence[i], (n - i) * sizeof *x->evidence);
    x->evidence[i] = seq;
    x->n_evidence = (uint8_t)(n + 1);
}

static int add_chunk(findings *f)
{
    if (fnd_grow((void **)&f->chunks, &f->cap_chunks, f->n_chunks + 1, sizeof *f->chunks))
        return HB_EINTERNAL;
    f->chunks[f->n_chunks] = malloc(FND_CHUNK * sizeof(finding));
    return f->chunks[f->n_chunks] ? (f->n_chunks++, 0) : HB_EINTERNAL;
}

uint32_t fnd_raise(findings *f, const finding *x)
{
    bool full = f->n == (size_t)f->n_chunks << FND_CHUNK_SHIFT;
    if (f->n >= UINT32_MAX - 1 || (full && add_chunk(f))) {
        f->oom = true;
        return ST_NONE;
    }
    *fnd_at(f, (uint32_t)f->n) = *x;
    return (uint32_t)f->n++;
}

int fnd_pend(findings *f, const finding *x)
{
    if (fnd_grow((void **)&f->pending, &f->cap_pending, f->n_pending + 1, sizeof *x)) {
        f->oom = true;
        return HB_EINTERNAL;
    }
    f->pending[f->n_pending++] = *x;
    return 0;
}

void fnd_clear(findings *f, uint32_t i, int64_t seq, int64_t at_us)
{
    finding *x = fnd_at(f, i);
    /* Findings appended in this transaction go with the truncation. */
    if (f->in_tx && i < f->tx_n)
        fnd_undo_push(
            f, &(fnd_undo){.kind = FK__N, .idx = i, .old.f = {x->cleared_us, x->cleared_seq}});
    x->cleared_us = at_us;
    x->cleared_seq = seq;
}

void fnd_undo_push(findings *f, const fnd_undo *u)
{
    if (fnd_grow((void **)&f->undo, &f->cap_undo, f->n_undo + 1, sizeof *u)) {
        f->oom = true;
        return;
    }
    f->undo[f->n_undo++] = *u;
}

uint32_t fnd_next_epoch(findings *f)
{
    if (++f->epoch == 0) {
        for (int k = 0; k < FK__N; k++)
            if (f->stamps[k]) memset(f->stamps[k], 0, f->cap_ent[k] * sizeof(uint32_t));
        f->epoch = 1;
    }
    return f->epoch;
}

int fnd_touch(findings *f, fnd_kind k, uint32_t i)
{
    if (i == ST_NONE || i >= f->known[k]) return 0;
    if (k != FK_PERSON && f->stamps[k][i] == f->epoch) return 0;
    fnd_u32s *t = &f->touched[k];
    if (fnd_grow((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v)) {
        f->oom = true;
        return HB_EINTERNAL;
    }
    if (k != FK_PERSON) f->stamps[k][i] = f->epoch;
    t->v[t->n++] = i;
    return 0;
}
