/* http_call: see http_call.h. */
#include "http_call.h"
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/tokens.h"

http_app *APP;
const char *DB;
char AUTH[ROLE__COUNT][128];

void hc_open(const char *name, int64_t *events)
{
    APP = tu_example_app(name, events);
    DB = strdup(APP->cfg.db);
    hb_err err = {0};
    for (int r = ROLE_ADMIN; r < ROLE__COUNT; r++) {
        char *secret; /* freed here: AUTH keeps the header */
        token_info info;
        char tname[64];
        snprintf(tname, sizeof tname, "%.*s %s", (int)strcspn(name, "."), name,
                 http_role_name((http_role)r));
        assert_int_equal(tokens_create(APP->aux, (http_role)r, tname, &secret, &info, &err), 0);
        snprintf(AUTH[r], sizeof AUTH[r], "Bearer %s", secret);
        free(secret);
    }
}

void hc_close(void)
{
    http_app_close(APP);
    free((void *)DB);
    APP = NULL;
    DB = NULL;
}

void reply_free(reply *r)
{
    json_decref(r->j);
    free(r->text);
}

reply call_as(http_role role, const char *method, const char *path, const char *query,
              const char *body)
{
    http_param params[8];
    char qbuf[512] = "";
    size_t nq = 0;
    if (query) {
        snprintf(qbuf, sizeof qbuf, "%s", query);
        for (char *save = NULL, *kv = strtok_r(qbuf, "&", &save); kv && nq < 8;
             kv = strtok_r(NULL, "&", &save)) {
            char *eq = strchr(kv, '=');
            if (eq) *eq = '\0';
            params[nq++] = (http_param){kv, eq ? eq + 1 : ""};
        }
    }
    http_req req = {method,
                    path,
                    params,
                    nq,
                    role == ROLE_PUBLIC ? NULL : AUTH[role],
                    "127.0.0.1",
                    body,
                    body ? strlen(body) : 0};
    http_resp out;
    http_resp_init(&out);
    http_dispatch(APP, &req, &out);
    reply r = {.status = out.status};
    snprintf(r.ctype, sizeof r.ctype, "%s", out.content_type ? out.content_type : "");
    r.text = strdup(out.body.p ? out.body.p : "");
    r.j = json_loads(r.text, 0, NULL);
    http_resp_free(&out);
    return r;
}
