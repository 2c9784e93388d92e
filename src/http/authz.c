/* authz: the one table of who may do what (docs/auth.md gives the reasons, and
 * a test checks that its tables match these). Admin may do everything; the
 * public role is the caller without a token. */
#include "http/authz.h"
#include <stdio.h>
#include <string.h>

#define B(r) (1u << (r))
#define ADMIN B(ROLE_ADMIN)
#define RECORDS B(ROLE_RECORDS)
#define TRANSPORT B(ROLE_TRANSPORT)
#define COURT B(ROLE_COURT)
#define INSPECTOR B(ROLE_INSPECTOR)
#define STAFF (ADMIN | RECORDS | TRANSPORT | COURT | INSPECTOR)
#define EVERYONE (B(ROLE_PUBLIC) | STAFF)

static const unsigned ROUTE_ROLES[R__COUNT] = {
    [R_HEALTHZ] = EVERYONE,
    /* Counts only (requests, events, findings by severity), no person or place. */
    [R_METRICS] = EVERYONE,
    [R_OPENAPI] = EVERYONE,
    /* Any staff role may post; authz_event then decides per event type. */
    [R_EVENTS_POST] = STAFF,
    /* The raw log holds every person's full record, unlogged: replicas only. */
    [R_EVENTS_GET] = ADMIN,
    [R_PERSON_GET] = STAFF,
    [R_FACILITIES_LIST] = STAFF,
    [R_FACILITY_GET] = STAFF,
    [R_TRANSFER_GET] = STAFF,
    [R_TRANSFER_CHECK] = STAFF,
    [R_FINDINGS] = ADMIN | COURT | INSPECTOR,
    [R_REPORT_COSTS] = ADMIN | COURT | INSPECTOR,
    [R_REPORT_OCCUPANCY] = STAFF,
    [R_LOCATE] = EVERYONE,
    [R_ACCESS_LOG] = ADMIN | COURT | INSPECTOR,
    /* Transparency is for everyone: heads and proofs are hashes and sizes, never
     * a record, and a witness or a family's lawyer checks them without a token. */
    [R_LOG_HEAD] = EVERYONE,
    [R_LOG_INCLUSION] = EVERYONE,
    [R_LOG_CONSISTENCY] = EVERYONE,
};

static const unsigned EVENT_ROLES[EV__COUNT] = {
    [EV_FACILITY_REGISTERED] = ADMIN,
    [EV_UNIT_CERTIFIED] = ADMIN,
    [EV_AGREEMENT_SIGNED] = ADMIN,
    [EV_PERSON_REGISTERED] = ADMIN | RECORDS,
    /* Protection from removal is granted by courts; records copy it in from papers. */
    [EV_STATUS_RECORDED] = ADMIN | RECORDS | COURT,
    [EV_CONVICTION_RECORDED] = ADMIN | RECORDS | COURT,
    [EV_ALLEGATION_RECORDED] = ADMIN | RECORDS,
    /* Only a court places or lifts a hold: the custodian must not lift its own. */
    [EV_HOLD_PLACED] = ADMIN | COURT,
    [EV_HOLD_LIFTED] = ADMIN | COURT,
    [EV_CONSENT_RECORDED] = ADMIN | RECORDS,
    [EV_CUSTODY_ADMITTED] = ADMIN | RECORDS,
    [EV_CUSTODY_MOVED] = ADMIN | RECORDS | TRANSPORT,
    [EV_TRANSFER_PROPOSED] = ADMIN | TRANSPORT,
    [EV_TRANSFER_APPROVED] = ADMIN | TRANSPORT,
    [EV_TRANSFER_CANCELLED] = ADMIN | TRANSPORT,
    [EV_TRANSFER_DEPARTED] = ADMIN | TRANSPORT,
    [EV_TRANSFER_ARRIVED] = ADMIN | TRANSPORT,
    [EV_CUSTODY_RELEASED] = ADMIN | RECORDS,
    [EV_CUSTODY_DIED] = ADMIN | RECORDS,
    /* Inspectors count and observe; the custodian's own word is not the check. */
    [EV_COUNT_RECORDED] = ADMIN | INSPECTOR,
    [EV_CONDITION_OBSERVED] = ADMIN | INSPECTOR,
    [EV_WORK_LOGGED] = ADMIN | RECORDS,
};

static bool has(unsigned mask, http_role role)
{
    return (unsigned)role < ROLE__COUNT && (mask & B(role));
}

bool authz_route(route_id r, http_role role)
{
    return (unsigned)r < R__COUNT && has(ROUTE_ROLES[r], role);
}

bool authz_event(event_type t, http_role role)
{
    return (unsigned)t < EV__COUNT && has(EVENT_ROLES[t], role);
}

static void roles(unsigned mask, char *out, size_t n)
{
    size_t at = 0;
    if (n) out[0] = '\0';
    for (int r = 0; r < ROLE__COUNT; r++) {
        if (!(mask & B(r)) || at >= n) continue;
        int w = snprintf(out + at, n - at, "%s%s", at ? ", " : "", http_role_name((http_role)r));
        at += w > 0 ? (size_t)w : 0;
    }
    if (!at && n) snprintf(out, n, "nobody");
}

void authz_route_roles(route_id r, char *out, size_t n)
{
    roles((unsigned)r < R__COUNT ? ROUTE_ROLES[r] : 0, out, n);
}

void authz_event_roles(event_type t, char *out, size_t n)
{
    roles((unsigned)t < EV__COUNT ? EVENT_ROLES[t] : 0, out, n);
}
