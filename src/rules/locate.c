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

/* Every query token is among the person's tokens of that kind. */
static int has_all(const char *name, const names_tok *want, size_t n_want, bool *ok)
{
    *ok = n_want == 0;
    if (*ok) return 0;
    char *norm = NULL;
    int rc = name ? names_normalise(name, strlen(name), &norm) : 0;
    if (rc) return rc == HB_EINPUT ? 0 : rc;
    names_tok t[NAMES_MAX_TOKENS];
    size_t n = norm ? names_tokens(norm, t, NAMES_MAX_TOKENS) : 0;
    size_t found = 0;
    for (size_t i = 0; i < n_want; i++)
        for (size_t j = 0; j < n; j++)
            if (t[j].n == want[i].n && !memcmp(t[j].p, want[i].p, t[j].n)) {
                found++;
                break;
            }
    *ok = found == n_want;
    free(norm);
    return 0;
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

typedef struct {
    char kind;
    const names_tok *t;
} qtok;

/* The query token with the fewest persons under it: the chain to walk. */
static uint32_t rarest(const state *s, const locate_query *q, uint32_t *bloom)
{
    qtok all[2 * LOCATE_MAX_TOKENS];
    size_t n = 0;
    for (size_t i = 0; i < q->n_family; i++)
        all[n++] = (qtok){'f', &q->family[i]};
    for (size_t i = 0; i < q->n_given; i++)
        all[n++] = (qtok){'g', &q->given[i]};
    uint32_t best = ST_NONE, best_count = UINT32_MAX;
    *bloom = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t count;
        uint32_t head =
            state_names_find(s, q->birth_country, all[i].kind, all[i].t->p, all[i].t->n, &count);
        if (!count) return ST_NONE;
        *bloom |= names_bloom(all[i].kind, all[i].t->p, all[i].t->n);
        if (count < best_count) best = head, best_count = count;
    }
    return best;
}

static int matches(const locate_query *q, const st_person *p, bool *ok)
{
    *ok = false;
    if (p->custody == CUST_NEVER) return 0;
    if (q->birth_date != HB_DATE_ABSENT && p->birth_date != q->birth_date) return 0;
    int rc = has_all(p->family_names, q->family, q->n_family, ok);
    if (!rc && *ok) rc = has_all(p->given_names, q->given, q->n_given, ok);
    return rc;
}

int locate_search(const state *s, const locate_query *q, locate_result *out)
{
    out->n = 0;
    uint32_t mask;
    for (uint32_t i = rarest(s, q, &mask); i != ST_NONE && out->n < LOCATE_MAX;) {
        const st_name_post *pp = state_name_post(s, i);
        i = pp->next;
        if ((pp->bloom & mask) != mask) continue;
        const st_person *p = state_person_at(s, pp->person);
        bool ok;
        int rc = matches(q, p, &ok);
        if (rc) return rc;
        if (ok) describe(s, p, &out->hit[out->n++]);
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
