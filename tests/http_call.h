/* http_call: the in-process API the HTTP tests call (test_http_api, test_http_log):
 * an app on examples/minimal.jsonl (tu_example_app) with one token per role, and
 * requests through http_dispatch as any role, the public included. */
#ifndef HB_HTTP_CALL_H
#define HB_HTTP_CALL_H
#include <jansson.h>
#include <stdint.h>
#include "http/app.h"

extern http_app *APP;               /* hc_open .. hc_close */
extern const char *DB;              /* the app's ledger file */
extern char AUTH[ROLE__COUNT][128]; /* "Bearer hb_..." per role; "" for the public */

/* name: the ledger file's name and the tokens' prefix. *events (may be NULL) gets
 * the number of events in the ledger. Fails the test on error. */
void hc_open(const char *name, int64_t *events);
void hc_close(void);

typedef struct {
    int status;
    char ctype[64];
    json_t *j;  /* the parsed body, NULL when not JSON; owner: reply_free */
    char *text; /* the body; owner: reply_free */
} reply;
void reply_free(reply *r);

/* query: "a=1&b=2" (no escapes) or NULL; body NULL for none. */
reply call_as(http_role role, const char *method, const char *path, const char *query,
              const char *body);
#endif
