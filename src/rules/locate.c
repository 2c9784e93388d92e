/* locate: query parsing, the search over the name index, and the one place that
 * decides what a result discloses. */
#include "rules/locate.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/countries.h"
#include "util/hbtime.h"

static int fault(locate_fault *f, const char *slug, const char *field, const char *expected,
                 const char *detail)
{
    f->slug = slug;
    f->field = field;
    f->expected = expected;
    snprintf(f->detail, sizeof f->detail, "%s", detail);
    return HB_EINPUT;
}

static bool blank(const char *s)
{
    return !s || !*s;
}

static int name_field(const char *field, const char *s, char **norm, names_tok *t, size_t *n,
                      locate_fault *f)
{
    *n = 0;
    if (blank(s)) return 0;
    if (strlen(s) > LOCATE_MAX_FIELD_BYTES)
        return fault(f, "locate-name-too-long", field, "at most 200 bytes",
                     "a name field is limited to 200 bytes");
    int rc = names_normalise(s, strlen(s), norm);
    if (rc == HB_EINPUT)
        return fault(f, "locate-name-invalid", field, "UTF-8 text", "the name is not valid UTF-8");
    if (rc) return rc;
    names_tok all[NAMES_MAX_TOKENS];
    size_t k = names_tokens(*norm, all, NAMES_MAX_TOKENS);
    if (k > LOCATE_MAX_TOKENS)
        return fault(f, "locate-name-too-long", field, "at most 8 words",
                     "a name field is limited to 8 words");
    memcpy(t, all, k * sizeof *t);
    *n = k;
    return 0;
}

static int country_field(const char *s, char out[3], locate_fault *f)
{
    if (blank(s))
        return fault(f, "locate-birth-country-required", "birth_country",
                     "an ISO 3166-1 alpha-2 code, e.g. VE",
                     "birth_country is required, so that the locator cannot list everyone");
    if (strlen(s) != 2 || !country_valid(s, 2))
        return fault(f, "locate-birth-country-invalid", "birth_country",
                     "an ISO 3166-1 alpha-2 code in capitals, e.g. VE",
                     "birth_country is not an ISO 3166-1 alpha-2 code");
    memcpy(out, s, 3);
    return 0;
}

int locate_query_parse(const char *family, const char *given, const char *birth_country,
                       const char *birth_date, locate_query *q, locate_fault *f)
{
    memset(q, 0, sizeof *q);
    q->birth_date = HB_DATE_ABSENT;
    int rc = country_field(birth_country, q->birth_country, f);
    const char *why;
    if (!rc && !blank(birth_date) &&
        hbdate_parse(birth_date, strlen(birth_date), &q->birth_date, &why))
        rc =
            fault(f, "locate-birth-date-invalid", "birth_date", "YYYY-MM-DD, e.g. 1990-04-23", why);
    if (!rc) rc = name_field("family", family, &q->family_norm, q->family, &q->n_family, f);
    if (!rc) rc = name_field("given", given, &q->given_norm, q->given, &q->n_given, f);
    if (!rc && !q->n_family && !q->n_given)
        rc = fault(f, "locate-name-required", "family", "family and/or given names",
                   "give a family name or a given name (with a letter or digit in it)");
    if (rc) locate_query_free(q);
    return rc;
}

void locate_query_free(locate_query *q)
{
    free(q->family_norm);
    free(q->given_norm);
    q->family_norm = q->given_norm = NULL;
}

/* Held under an inter-state agreement counts as transferred: the person was
 * sent abroad (or is held for another state) under it. */
static bool held_abroad(const state *s, const st_person *p)
{
    if (p->agreement == ST_NONE) return false;
    const st_agreement *a = state_agreement_at(s, p->agreement);
    return a && strcmp(a->sending_state.cc, a->receiving_state.cc) != 0;
}

static void describe(const state *s, const st_person *p, locate_hit *h)
{
    h->person = p;
    __builtin_prefetch(p->given_names); /* read by the writer, a miss each */
    __builtin_prefetch(p->family_names);
    h->since_us = p->custody_since_us;
    h->facility = NULL;
    switch (p->custody) {
    case CUST_HELD:
        h->status = held_abroad(s, p) ? LOC_TRANSFERRED : LOC_IN_CUSTODY;
        h->facility = state_facility_at(s, p->facility);
        break;
    case CUST_IN_TRANSIT: {
        const st_transfer *t = state_transfer_at(s, p->transfer);
        h->status = LOC_TRANSFERRED;
        h->facility = t ? state_facility_at(s, t->to_facility) : NULL;
        break;
    }
    case CUST_RELEASED:
    case CUST_DECEASED:
        h->status = p->custody == CUST_RELEASED ? LOC_RELEASED : LOC_DECEASED;
        h->facility = p->left_facility != ST_NONE ? state_facility_at(s, p->left_facility) : NULL;
        break;
    case CUST_NEVER:
        break;
    }
}

/* The query reduced to what a candidate is checked against: token hashes and
 * the bloom bits they need. */
typedef struct {
    uint64_t h[2 * LOCATE_MAX_TOKENS];
    size_t n;
    uint32_t bloom;
} qhashes;

static void hash_query(const locate_query *q, qhashes *qh)
{
    qh->n = 0;
    qh->bloom = 0;
    for (size_t i = 0; i < q->n_family; i++) {
        qh->h[qh->n++] = names_token_hash('f', q->family[i].p, q->family[i].n);
        qh->bloom |= state_name_bloom(qh->h[qh->n - 1]);
    }
    for (size_t i = 0; i < q->n_given; i++) {
        qh->h[qh->n++] = names_token_hash('g', q->given[i].p, q->given[i].n);
        qh->bloom |= state_name_bloom(qh->h[qh->n - 1]);
    }
}

typedef struct {
    uint32_t key, count;
} cands;

/* The most keys a query can try: its birth date and every (family, given)
 * pair, or, without one of the two, each of its tokens. */
#define MAX_KEYS (1 + LOCATE_MAX_TOKENS * LOCATE_MAX_TOKENS)

/* The hashes of the keys worth trying. A pair key lists a subset of each of
 * its two tokens' lists, so with both kinds of name only pairs are tried. */
static size_t query_keys(const locate_query *q, uint64_t *h)
{
    const char *cc = q->birth_country;
    size_t n = 0;
    if (q->birth_date != HB_DATE_ABSENT) h[n++] = state_names_hash_date(cc, q->birth_date);
    for (size_t i = 0; i < q->n_family; i++)
        for (size_t j = 0; j < q->n_given; j++)
            n += state_names_hash_pair(cc, q->family[i].p, q->family[i].n, q->given[j].p,
                                       q->given[j].n, &h[n]);
    if (q->n_family && q->n_given) return n;
    for (size_t i = 0; i < q->n_family; i++)
        n += state_names_hash_token(cc, 'f', q->family[i].p, q->family[i].n, &h[n]);
    for (size_t i = 0; i < q->n_given; i++)
        n += state_names_hash_token(cc, 'g', q->given[i].p, q->given[i].n, &h[n]);
    return n;
}

/* The key with the fewest persons among those the query can use. Every key
 * lists everyone who has it, so any one of them holds all the matches; count
 * 0: no match. All keys are looked up at once (their cache misses overlap). */
static cands shortest(const state *s, const locate_query *q)
{
    uint64_t h[MAX_KEYS];
    uint32_t key[MAX_KEYS], count[MAX_KEYS];
    size_t n = query_keys(q, h);
    state_names_find_many(s, h, n, key, count);
    cands best = {ST_NONE, n ? UINT32_MAX : 0};
    for (size_t i = 0; i < n; i++)
        if (count[i] < best.count) best = (cands){key[i], count[i]};
    return best;
}

/* Every query token is among the person's (kind included in the hash). */
static bool has_all(const state *s, uint32_t pi, const qhashes *qh)
{
    size_t n;
    const uint64_t *h = state_name_hashes(s, pi, &n);
    for (size_t i = 0; i < qh->n; i++) {
        size_t j = 0;
        while (j < n && h[j] != qh->h[i])
            j++;
        if (j == n) return false;
    }
    return true;
}

/* The birth country is checked again because keys are hashes: a list may (very
 * rarely) hold persons filed under another key. */
static bool matches(const state *s, const locate_query *q, const qhashes *qh, uint32_t pi)
{
    const st_person *p = state_person_at(s, pi);
    if (p->custody == CUST_NEVER) return false;
    if (q->birth_date != HB_DATE_ABSENT && p->birth_date != q->birth_date) return false;
    if (memcmp(p->birth_country.cc, q->birth_country, 2) != 0) return false;
    return has_all(s, pi, qh);
}

/* Candidates checked together, their person records and name hashes fetched
 * before any is looked at. */
#define BATCH 8

/* The next (up to) BATCH postings, going down from *i, whose bloom admits the
 * query; their records are asked for now and read by matches() later. */
static size_t next_batch(const state *s, const st_name_post *v, uint32_t *i, uint32_t bloom,
                         uint32_t out[BATCH])
{
    size_t n = 0;
    while (*i > 0 && n < BATCH) {
        const st_name_post *p = &v[--*i];
        if ((p->bloom & bloom) != bloom) continue;
        state_name_prefetch(s, p->person);
        out[n++] = p->person;
    }
    size_t k;
    for (size_t j = 0; j < n; j++) /* where they start is in cache by now */
        __builtin_prefetch(state_name_hashes(s, out[j], &k));
    return n;
}

/* The key's postings are scanned newest first (from the end of the array), so
 * that with more than LOCATE_MAX matches the most recently registered show. */
int locate_search(const state *s, const locate_query *q, locate_result *out)
{
    out->n = 0;
    qhashes qh;
    hash_query(q, &qh);
    cands c = shortest(s, q);
    st_name_post one;
    const st_name_post *v = c.count ? state_name_posts(s, c.key, &one) : NULL;
    uint32_t i = v ? c.count : 0, batch[BATCH];
    while (out->n < LOCATE_MAX) {
        size_t n = next_batch(s, v, &i, qh.bloom, batch);
        if (!n) break;
        for (size_t k = 0; k < n && out->n < LOCATE_MAX; k++)
            if (matches(s, q, &qh, batch[k]))
                describe(s, state_person_at(s, batch[k]), &out->hit[out->n++]);
    }
    return 0;
}

const char *locate_status_name(locate_status st)
{
    static const char *const NAMES[] = {"in_custody", "transferred", "released", "deceased"};
    return NAMES[st];
}
