/* authz: placeholder (everyone may do everything) until the table is written. */
#include "http/authz.h"
#include <stdio.h>
bool authz_route(route_id r, http_role role)
{
    (void)r;
    (void)role;
    return true;
}
bool authz_event(event_type t, http_role role)
{
    (void)t;
    (void)role;
    return true;
}
void authz_route_roles(route_id r, char *out, size_t n)
{
    (void)r;
    snprintf(out, n, "everyone");
}
void authz_event_roles(event_type t, char *out, size_t n)
{
    (void)t;
    snprintf(out, n, "everyone");
}
