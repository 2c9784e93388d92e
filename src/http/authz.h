/* authz: who may do what, one table for the whole API (authz.c).
 *
 * Per route: the roles that may call it (the public role included where the route
 * is public: healthz, openapi, locate, metrics, the log head and its proofs). Per event type: the
 * roles that may POST it (e.g. court: hold.placed/lifted; transport: transfer.departed/ arrived;
 * records: registrations, custody, statuses; inspector: count.recorded, condition.observed; admin:
 * everything). A test walks every route x role and every event type x role against this table. */
#ifndef HB_HTTP_AUTHZ_H
#define HB_HTTP_AUTHZ_H
#include <stdbool.h>
#include "http/http.h"
#include "http/routes.h"
#include "model/event.h"

bool authz_route(route_id r, http_role role);
bool authz_event(event_type t, http_role role);
/* "admin, records" : the roles allowed, for messages ("this route is for ..."). */
void authz_route_roles(route_id r, char *out, size_t n);
void authz_event_roles(event_type t, char *out, size_t n);
#endif
