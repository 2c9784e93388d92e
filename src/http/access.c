/* access: append one entry to the access log before a person's record is served. */
#include "http/access.h"
#include <stdio.h>
#include <string.h>
#include "http/app.h"
#include "util/hbtime.h"

int access_record(http_call *c, const char *what, const char *id)
{
    store_access a = {0};
    hbtime_format_utc(hbtime_now(), a.at);
    a.token_id = c->token_id;
    const char *name = c->actor && !strncmp(c->actor, "token:", 6) ? c->actor + 6 : "";
    snprintf(a.token_name, sizeof a.token_name, "%s", name);
    snprintf(a.role, sizeof a.role, "%s", http_role_name(c->role));
    hb_err err = {0};
    /* Truncating would log a read of some other id: refuse the read instead. */
    if (strlen(what) >= sizeof a.what || strlen(id) >= sizeof a.which) {
        fprintf(stderr, "habeas: access log: \"%s\" id of %zu bytes is too long to log\n", what,
                strlen(id));
        return HB_EINTERNAL;
    }
    snprintf(a.what, sizeof a.what, "%s", what);
    snprintf(a.which, sizeof a.which, "%s", id);
    pthread_mutex_lock(&c->app->aux_mu);
    int rc = store_access_append(c->app->aux, &a, &err);
    pthread_mutex_unlock(&c->app->aux_mu);
    if (rc) fprintf(stderr, "habeas: access log: %s\n", err.msg);
    return rc ? HB_EINTERNAL : 0;
}
