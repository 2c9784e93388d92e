/* elig_explain_internal: the explanation writer's state, shared by its files. */
#ifndef HB_ELIG_EXPLAIN_INTERNAL_H
#define HB_ELIG_EXPLAIN_INTERNAL_H
#include <stdio.h>
#include "rules/elig_internal.h"

typedef struct {
    const state *s;
    const elig_plan *p;
    const elig_verdict *v;
    const elig_reason *r;
    const st_person *person;
    const st_facility *to;
    const st_agreement *ag; /* NULL for a domestic plan */
    int32_t date;           /* the plan's UTC date */
    buf *out;
    int rc; /* the first failure; later writes do nothing */
} ex;

void ex_put(ex *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* UTC, without a zero fraction: "2025-03-15T22:47:00Z". */
void ex_time(int64_t us, char out[28]);
void ex_date(int32_t days, char out[11]);
bool ex_has(const elig_reason *r, int64_t seq);

/* The agreement's clauses (SENDING_STATE_NATIONAL .. SENTENCE_TOO_SHORT). */
void ex_clause(ex *x);
void ex_capacity(ex *x);
void ex_custody(ex *x);
#endif
