/* checks: the cross-field shape rules, the ones a single field cannot say about
 * itself (ranges, "required when", "at least one of"). They run only on objects
 * whose fields all decoded, so every value they look at is valid or absent. */
#include <string.h>
#include "model/schema.h"

static void date_text(int32_t d, char out[11])
{
    hbdate_format(d, out);
}

void check_agreement(shape_ctx *c, const void *obj)
{
    const ev_agreement_signed *a = &((const event *)obj)->u.agreement_signed;
    if (a->starts != HB_DATE_ABSENT && a->ends != HB_DATE_ABSENT && a->ends < a->starts) {
        char s[11], e[11];
        date_text(a->starts, s);
        date_text(a->ends, e);
        shape_error(c, "ends", "expected a date on or after starts (%s), found \"%s\"", s, e);
    }
}

void check_status(shape_ctx *c, const void *obj)
{
    const ev_status_recorded *s = &((const event *)obj)->u.status_recorded;
    if ((s->status == ST_WITHHOLDING_OF_REMOVAL || s->status == ST_CAT_PROTECTION) &&
        !s->country.cc[0])
        shape_error(c, "country",
                    "missing (required when status is %s: the country the person may not be "
                    "sent to)",
                    event_enum_name(ENUM_STATUS, s->status));
    if (s->valid_from != HB_DATE_ABSENT && s->valid_until != HB_DATE_ABSENT &&
        s->valid_until < s->valid_from) {
        char f[11], u[11];
        date_text(s->valid_from, f);
        date_text(s->valid_until, u);
        shape_error(c, "valid_until", "expected a date on or after valid_from (%s), found \"%s\"",
                    f, u);
    }
}

void check_scope(shape_ctx *c, const void *obj)
{
    const ev_scope *s = obj;
    if (s->persons.n < 0 && !s->authority.p && !s->destination_country.cc[0])
        shape_error(c, NULL,
                    "expected at least one of persons, authority, destination_country, found "
                    "none");
}

void check_hold(shape_ctx *c, const void *obj)
{
    const ev_hold_placed *h = &((const event *)obj)->u.hold_placed;
    if (h->until.text.p && h->effective_from.text.p && h->until.us <= h->effective_from.us)
        shape_error(c, "until", "expected a time after effective_from (%s), found \"%s\"",
                    h->effective_from.text.p, h->until.text.p);
}

void check_transfer_proposed(shape_ctx *c, const void *obj)
{
    const ev_transfer_proposed *t = &((const event *)obj)->u.transfer_proposed;
    if (t->from_facility.p && t->to_facility.p && t->from_facility.n == t->to_facility.n &&
        memcmp(t->from_facility.p, t->to_facility.p, t->to_facility.n) == 0)
        shape_error(c, "to_facility",
                    "expected a facility other than from_facility, found \"%s\" "
                    "for both",
                    t->to_facility.p);
}
