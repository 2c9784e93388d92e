/* locate: query parsing, the search over the name index, and the one place that
 * decides what a result discloses. */
#include "rules/locate.h"
#include <jansson.h>
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

/* The facility whose history holds seq: where a released or dead person was
 * last held (release and death go into the history of the facility left). */
static const st_facility *facility_with(const state *s, int64_t seq)
{
    for (uint32_t i = 0; i < state_count_facilities(s); i++) {
        const st_facility *f = state_facility_at(s, i);
        uint32_t lo = 0, hi = f->history.n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (f->history.v[mid] < seq)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < f->history.n && f->history.v[lo] == seq) return f;
    }
    return NULL;
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
        h->facility = facility_with(s, p->custody_since_seq);
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

/* A list this short costs less to scan than looking up another key (two cache
 * misses each), so the search stops looking there. */
#define LIST_SHORT 8

/* Keeps the key with fewer persons; false once there is no point looking
 * further: a key has no one (nobody can match), or the list is already short. */
static bool take(cands *best, uint32_t key, uint32_t count)
{
    if (count < best->count) *best = (cands){key, count};
    return best->count > LIST_SHORT;
}

/* The key with the fewest persons among those the query can use, the most
 * selective kinds first: the birth date, each (family, given) pair, each token.
 * Every key lists everyone who has it, so any one of them holds all the
 * matches. count 0: no match. */
static cands shortest(const state *s, const locate_query *q)
{
    cands best = {ST_NONE, UINT32_MAX};
    const char *cc = q->birth_country;
    uint32_t key, n;
    bool any = true;
    if (q->birth_date != HB_DATE_ABSENT) {
        key = state_names_find_date(s, cc, q->birth_date, &n);
        any = take(&best, key, n);
    }
    for (size_t i = 0; any && i < q->n_family; i++)
        for (size_t j = 0; any && j < q->n_given; j++) {
            key = state_names_find_pair(s, cc, q->family[i].p, q->family[i].n, q->given[j].p,
                                        q->given[j].n, &n);
            any = take(&best, key, n);
        }
    for (size_t i = 0; any && i < q->n_family; i++) {
        key = state_names_find(s, cc, 'f', q->family[i].p, q->family[i].n, &n);
        any = take(&best, key, n);
    }
    for (size_t i = 0; any && i < q->n_given; i++) {
        key = state_names_find(s, cc, 'g', q->given[i].p, q->given[i].n, &n);
        any = take(&best, key, n);
    }
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
    for (uint32_t i = v ? c.count : 0; i-- > 0 && out->n < LOCATE_MAX;) {
        if ((v[i].bloom & qh.bloom) != qh.bloom || !matches(s, q, &qh, v[i].person)) continue;
        describe(s, state_person_at(s, v[i].person), &out->hit[out->n++]);
    }
    return 0;
}

const char *locate_status_name(locate_status st)
{
    static const char *const NAMES[] = {"in_custody", "transferred", "released", "deceased"};
    return NAMES[st];
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *facility_json(const st_facility *f)
{
    if (!f) return json_null();
    return json_pack("{s:o, s:s, s:o}", "name", str_or_null(f->name), "country", f->country.cc,
                     "contact", str_or_null(f->contact));
}

static json_t *birth_year(int32_t days)
{
    if (days == HB_DATE_ABSENT) return json_null();
    char d[11];
    hbdate_format(days, d);
    return json_integer(atoi(d));
}

/* The only fields a result has. Adding one is a disclosure decision: change
 * docs/locate.md and the test that walks every key (tests/test_locate.c). */
static json_t *hit_json(const locate_hit *h)
{
    char since[28];
    hbtime_format_utc(h->since_us, since);
    if (!strcmp(since + 19, ".000000Z")) strcpy(since + 19, "Z"); /* whole seconds */
    return json_pack("{s:o, s:o, s:o, s:s, s:o, s:s}", "given_names",
                     str_or_null(h->person->given_names), "family_names",
                     str_or_null(h->person->family_names), "birth_year",
                     birth_year(h->person->birth_date), "status", locate_status_name(h->status),
                     "facility", facility_json(h->facility), "since", since);
}

json_t *locate_json(const locate_result *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < r->n; i++)
        if (json_array_append_new(arr, hit_json(&r->hit[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr ? json_pack("{s:o}", "results", arr) : NULL;
}
