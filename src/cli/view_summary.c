/* One line per event for the history views: what happened, in words, with the
 * ids a reader needs to follow it. Money and dates are shown as stored. */
#include <stdio.h>
#include <string.h>
#include "cli/out.h"
#include "cli/view.h"

#define LIST_SHOWN 3 /* ids named in a list before "and N more" */

static const char *S(hb_str s)
{
    return s.p ? s.p : "";
}

static void who(buf *b, hb_str person, const char *subject)
{
    if (person.p && !(subject && strcmp(person.p, subject) == 0)) buf_printf(b, "%s: ", person.p);
}

static void ids(buf *b, hb_strs l)
{
    for (int32_t i = 0; i < l.n && i < LIST_SHOWN; i++)
        buf_printf(b, "%s%s", i ? ", " : "", S(l.v[i]));
    if (l.n > LIST_SHOWN) buf_printf(b, " and %d more", (int)(l.n - LIST_SHOWN));
}

static void ccs(buf *b, hb_ccs l)
{
    for (int32_t i = 0; i < l.n; i++)
        buf_printf(b, "%s%s", i ? ", " : "", l.v[i].cc);
}

static void place(buf *b, hb_str facility, hb_str unit)
{
    buf_puts(b, S(facility));
    if (unit.p) buf_printf(b, " unit %s", unit.p);
}

static const char *en(event_enum e, int v)
{
    const char *s = event_enum_name(e, v);
    return s ? s : "?";
}

static const char *yesno(int8_t v, const char *yes, const char *no, const char *unknown)
{
    return v == 1 ? yes : v == 0 ? no : unknown;
}

static void facility_registered(buf *b, const ev_facility_registered *e)
{
    buf_printf(b, "registered \"%s\" (%s, %s), design capacity %lld", S(e->name),
               en(ENUM_FACILITY_KIND, e->kind), e->country.cc, (long long)e->design_capacity);
    if (e->contact.p) buf_printf(b, ", contact %s", e->contact.p);
}

static void unit_certified(buf *b, const ev_unit_certified *e)
{
    buf_printf(b, "certified unit %s of %s: %s, capacity %lld, %lld bed%s, %.1f m2", S(e->unit),
               S(e->facility), en(ENUM_UNIT_KIND, e->kind), (long long)e->capacity,
               (long long)e->beds, e->beds == 1 ? "" : "s", e->floor_area_m2);
}

static void agreement_signed(buf *b, const ev_agreement_signed *e)
{
    char d1[11], d2[11];
    buf_printf(b, "agreement %s signed: %s -> %s, %s..%s, facilities ", S(e->agreement),
               e->sending_state.cc, e->receiving_state.cc, out_date(e->starts, d1),
               out_date(e->ends, d2));
    ids(b, e->facilities);
    if (e->fee.present)
        buf_printf(b, ", fee %lld %s for %lld persons x %lld days", (long long)e->fee.amount,
                   e->fee.currency, (long long)e->fee.persons, (long long)e->fee.days);
}

static void person_registered(buf *b, const ev_person_registered *e)
{
    char d[11];
    buf_printf(b, "registered: %s %s", S(e->given_names), S(e->family_names));
    if (e->birth_date != HB_DATE_ABSENT) buf_printf(b, ", born %s", out_date(e->birth_date, d));
    if (e->birth_country.cc[0]) buf_printf(b, " in %s", e->birth_country.cc);
    if (e->nationalities.n > 0) {
        buf_puts(b, ", nationalities ");
        ccs(b, e->nationalities);
    }
}

static void status_recorded(buf *b, const ev_status_recorded *e)
{
    char d[11];
    buf_printf(b, "status %s in %s", en(ENUM_STATUS, e->status), e->jurisdiction.cc);
    if (e->country.cc[0]) buf_printf(b, " (not to %s)", e->country.cc);
    buf_printf(b, " from %s", out_date(e->valid_from, d));
    if (e->valid_until != HB_DATE_ABSENT) buf_printf(b, " until %s", out_date(e->valid_until, d));
    buf_printf(b, " (source %s)", S(e->source));
}

static void conviction_recorded(buf *b, const ev_conviction_recorded *e)
{
    char d[11];
    buf_printf(b, "convicted of %s by %s (case %s, %s), %s, %s, sentence %lld days", S(e->offense),
               S(e->court), S(e->case_), out_date(e->date, d),
               yesno(e->final, "final", "not final", "finality unknown"),
               yesno(e->violent, "violent", "non-violent", "violence unknown"),
               (long long)e->sentence_days);
}

static void hold_placed(buf *b, const ev_hold_placed *e)
{
    buf_printf(b, "hold %s placed: %s by %s, case %s, from %s", S(e->hold),
               en(ENUM_HOLD_KIND, e->kind), S(e->issued_by), S(e->case_),
               S(e->effective_from.text));
    if (e->until.text.p) buf_printf(b, " until %s", e->until.text.p);
    if (e->scope.persons.n > 0) {
        buf_puts(b, "; persons ");
        ids(b, e->scope.persons);
    }
    if (e->scope.authority.p) buf_printf(b, "; authority %s", e->scope.authority.p);
    if (e->scope.destination_country.cc[0])
        buf_printf(b, "; destination %s", e->scope.destination_country.cc);
}

static void hold_lifted(buf *b, const ev_hold_lifted *e)
{
    buf_printf(b, "hold %s lifted", S(e->hold));
    if (e->issued_by.p) buf_printf(b, " by %s", e->issued_by.p);
    if (e->reason.p) buf_printf(b, ": %s", e->reason.p);
}

static void custody_admitted(buf *b, const ev_custody_admitted *e)
{
    char d[11];
    buf_puts(b, "admitted to ");
    place(b, e->facility, e->unit);
    if (!e->basis.present) return;
    buf_printf(b, " (%s %s", en(ENUM_BASIS_KIND, e->basis.kind), S(e->basis.reference));
    if (e->basis.until != HB_DATE_ABSENT) buf_printf(b, ", until %s", out_date(e->basis.until, d));
    if (e->basis.review_by != HB_DATE_ABSENT)
        buf_printf(b, ", review by %s", out_date(e->basis.review_by, d));
    buf_putc(b, ')');
}

static void transfer_proposed(buf *b, const ev_transfer_proposed *e)
{
    buf_printf(b, "transfer %s proposed: %s -> %s", S(e->transfer), S(e->from_facility),
               S(e->to_facility));
    if (e->agreement.p) buf_printf(b, ", agreement %s", e->agreement.p);
    buf_printf(b, ", by %s, %d person%s, departure planned %s", S(e->authority), (int)e->persons.n,
               e->persons.n == 1 ? "" : "s", S(e->departure_planned.text));
}

static bool names_subject(hb_strs l, const char *subject)
{
    for (int32_t i = 0; subject && i < l.n; i++)
        if (strcmp(S(l.v[i]), subject) == 0) return true;
    return false;
}

static void transfer_step(buf *b, const char *verb, const ev_transfer_step *e, const char *subject)
{
    buf_printf(b, "transfer %s %s", S(e->transfer), verb);
    if (names_subject(e->persons, subject)) {
        buf_printf(b, " (%d person%s)", (int)e->persons.n, e->persons.n == 1 ? "" : "s");
        return;
    }
    buf_printf(b, ": %d person%s: ", (int)e->persons.n, e->persons.n == 1 ? "" : "s");
    ids(b, e->persons);
}

static void observed(buf *b, const ev_condition_observed *e)
{
    buf_printf(b, "observed %s = %g at ", en(ENUM_METRIC, e->metric), e->value);
    place(b, e->facility, e->unit);
}

static void work_logged(buf *b, const ev_work_logged *e)
{
    buf_printf(b, "worked %g h in %s, ", e->hours, S(e->programme));
    if (e->pay.present)
        buf_printf(b, "paid %lld %s", (long long)e->pay.amount, e->pay.currency);
    else
        buf_puts(b, "unpaid");
    buf_printf(b, ", %s",
               yesno(e->consented, "with consent", "without consent", "consent unknown"));
}

static void person_event(buf *b, const event *ev)
{
    switch (ev->type) {
    case EV_PERSON_REGISTERED:
        person_registered(b, &ev->u.person_registered);
        break;
    case EV_STATUS_RECORDED:
        status_recorded(b, &ev->u.status_recorded);
        break;
    case EV_CONVICTION_RECORDED:
        conviction_recorded(b, &ev->u.conviction_recorded);
        break;
    case EV_ALLEGATION_RECORDED: {
        const ev_allegation_recorded *e = &ev->u.allegation_recorded;
        buf_printf(b, "allegation (not a conviction): %s, source %s", S(e->kind), S(e->source));
        if (e->detail.p) buf_printf(b, ": %s", e->detail.p);
        break;
    }
    case EV_CONSENT_RECORDED: {
        const ev_consent_recorded *e = &ev->u.consent_recorded;
        buf_printf(b, "consent to %s %s (reference %s)", en(ENUM_CONSENT_TO, e->to),
                   yesno(e->given, "given", "refused", "?"), S(e->reference));
        break;
    }
    case EV_CUSTODY_ADMITTED:
        custody_admitted(b, &ev->u.custody_admitted);
        break;
    case EV_CUSTODY_MOVED:
        buf_puts(b, "moved to ");
        place(b, ev->u.custody_moved.facility, ev->u.custody_moved.unit);
        break;
    case EV_CUSTODY_RELEASED: {
        const ev_custody_released *e = &ev->u.custody_released;
        buf_printf(b, "released: %s", S(e->reason));
        if (e->released_to.p) buf_printf(b, ", to %s", e->released_to.p);
        break;
    }
    case EV_CUSTODY_DIED:
        buf_printf(b, "died in custody: %s", S(ev->u.custody_died.cause));
        break;
    case EV_WORK_LOGGED:
        work_logged(b, &ev->u.work_logged);
        break;
    default:
        break;
    }
}

/* The person an event is about, for the "P-1: " prefix; absent for others. */
static hb_str event_person(const event *ev)
{
    switch (ev->type) {
    case EV_PERSON_REGISTERED:
        return ev->u.person_registered.person;
    case EV_STATUS_RECORDED:
        return ev->u.status_recorded.person;
    case EV_CONVICTION_RECORDED:
        return ev->u.conviction_recorded.person;
    case EV_ALLEGATION_RECORDED:
        return ev->u.allegation_recorded.person;
    case EV_CONSENT_RECORDED:
        return ev->u.consent_recorded.person;
    case EV_CUSTODY_ADMITTED:
        return ev->u.custody_admitted.person;
    case EV_CUSTODY_MOVED:
        return ev->u.custody_moved.person;
    case EV_CUSTODY_RELEASED:
        return ev->u.custody_released.person;
    case EV_CUSTODY_DIED:
        return ev->u.custody_died.person;
    case EV_WORK_LOGGED:
        return ev->u.work_logged.person;
    default:
        return (hb_str){NULL, 0};
    }
}

static const char *step_verb(event_type t)
{
    switch (t) {
    case EV_TRANSFER_APPROVED:
        return "approved";
    case EV_TRANSFER_CANCELLED:
        return "cancelled";
    case EV_TRANSFER_DEPARTED:
        return "departed";
    default:
        return "arrived";
    }
}

int view_summary(buf *out, const record *r, const char *subject)
{
    const event *ev = &r->ev;
    size_t before = out->len;
    hb_str person = event_person(ev);
    if (person.p) {
        who(out, person, subject);
        person_event(out, ev);
        return out->len > before ? 0 : HB_EINTERNAL;
    }
    switch (ev->type) {
    case EV_FACILITY_REGISTERED:
        facility_registered(out, &ev->u.facility_registered);
        break;
    case EV_UNIT_CERTIFIED:
        unit_certified(out, &ev->u.unit_certified);
        break;
    case EV_AGREEMENT_SIGNED:
        agreement_signed(out, &ev->u.agreement_signed);
        break;
    case EV_HOLD_PLACED:
        hold_placed(out, &ev->u.hold_placed);
        break;
    case EV_HOLD_LIFTED:
        hold_lifted(out, &ev->u.hold_lifted);
        break;
    case EV_TRANSFER_PROPOSED:
        transfer_proposed(out, &ev->u.transfer_proposed);
        break;
    case EV_TRANSFER_APPROVED:
    case EV_TRANSFER_CANCELLED:
    case EV_TRANSFER_DEPARTED:
    case EV_TRANSFER_ARRIVED:
        transfer_step(out, step_verb(ev->type), &ev->u.transfer_step, subject);
        break;
    case EV_COUNT_RECORDED: {
        const ev_count_recorded *e = &ev->u.count_recorded;
        buf_puts(out, "count at ");
        place(out, e->facility, e->unit);
        buf_printf(out, ": %d present", (int)(e->present.n > 0 ? e->present.n : 0));
        break;
    }
    case EV_CONDITION_OBSERVED:
        observed(out, &ev->u.condition_observed);
        break;
    default:
        buf_puts(out, "(unknown event)");
        break;
    }
    return out->len > before ? 0 : HB_EINTERNAL;
}
