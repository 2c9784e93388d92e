/* locate_out: the one place that decides what a locator result discloses, in
 * two forms that must agree: a jansson tree for the CLI, and compact bytes
 * written straight into a buffer for the HTTP locator (no tree, no per-field
 * allocation: that answer is the hot path of the public service). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"
#include "rules/locate.h"
#include "util/hbtime.h"

/* "2024-01-19T04:12:09Z": whole seconds lose their ".000000". */
static void since_text(int64_t us, char out[28])
{
    hbtime_format_utc(us, out);
    if (!strcmp(out + 19, ".000000Z")) strcpy(out + 19, "Z");
}

static int year_of(int32_t days)
{
    char d[11];
    hbdate_format(days, d);
    return atoi(d);
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
    return days == HB_DATE_ABSENT ? json_null() : json_integer(year_of(days));
}

/* The only fields a result has. Adding one is a disclosure decision: change
 * docs/locate.md and the test that walks every key (tests/test_locate.c). */
static json_t *hit_json(const locate_hit *h)
{
    char since[28];
    since_text(h->since_us, since);
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

/* ---------------------------------------------------------------- compact bytes */

static int put_str_or_null(buf *b, const char *s)
{
    return s ? canon_string(b, s, strlen(s)) : buf_puts(b, "null");
}

static int put_facility(buf *b, const st_facility *f)
{
    if (!f) return buf_puts(b, "null");
    int rc = buf_puts(b, "{\"name\":");
    if (!rc) rc = put_str_or_null(b, f->name);
    if (!rc) rc = buf_puts(b, ",\"country\":");
    if (!rc) rc = canon_string(b, f->country.cc, strlen(f->country.cc));
    if (!rc) rc = buf_puts(b, ",\"contact\":");
    if (!rc) rc = put_str_or_null(b, f->contact);
    if (!rc) rc = buf_putc(b, '}');
    return rc;
}

/* Same keys, same order as hit_json: a test holds the two equal. */
static int put_hit(buf *b, const locate_hit *h)
{
    char since[28];
    since_text(h->since_us, since);
    int rc = buf_puts(b, "{\"given_names\":");
    if (!rc) rc = put_str_or_null(b, h->person->given_names);
    if (!rc) rc = buf_puts(b, ",\"family_names\":");
    if (!rc) rc = put_str_or_null(b, h->person->family_names);
    if (!rc) rc = buf_puts(b, ",\"birth_year\":");
    if (!rc)
        rc = h->person->birth_date == HB_DATE_ABSENT
                 ? buf_puts(b, "null")
                 : buf_put_int(b, year_of(h->person->birth_date));
    if (!rc) rc = buf_puts(b, ",\"status\":\"");
    if (!rc) rc = buf_puts(b, locate_status_name(h->status));
    if (!rc) rc = buf_puts(b, "\",\"facility\":");
    if (!rc) rc = put_facility(b, h->facility);
    if (!rc) rc = buf_puts(b, ",\"since\":\"");
    if (!rc) rc = buf_puts(b, since);
    if (!rc) rc = buf_puts(b, "\"}");
    return rc;
}

int locate_write(buf *out, const locate_result *r)
{
    size_t start = out->len;
    int rc = buf_reserve(out, 64 + r->n * 320);
    if (!rc) rc = buf_puts(out, "{\"results\":[");
    for (size_t i = 0; !rc && i < r->n; i++) {
        if (i) rc = buf_putc(out, ',');
        if (!rc) rc = put_hit(out, &r->hit[i]);
    }
    if (!rc) rc = buf_puts(out, "]}");
    if (rc == HB_EINPUT) rc = HB_EINTERNAL; /* stored names are valid UTF-8 */
    if (rc && out->p) {
        out->len = start;
        out->p[start] = '\0';
    }
    return rc;
}
