/* access: the access log (access.c): every read of a person's full record by a
 * non-public role is appended (who: token id, name and role; what: "person";
 * which: the id; when), in the store beside the event log but not in it (it is
 * not a fact about custody). Readable through GET /v1/access-log by court,
 * inspector and admin. */
#ifndef HB_HTTP_ACCESS_H
#define HB_HTTP_ACCESS_H
#include "http/http.h"

/* Readers that log at the same moment share one store transaction (group
 * commit): each still returns only once its own entry is stored. One queue per
 * app; NULL on out of memory; owner calls access_queue_free. */
typedef struct access_queue access_queue;
access_queue *access_queue_new(void);
void access_queue_free(access_queue *q);

/* 0, or HB_EINTERNAL (storage): the read must then fail too (500), since a read
 * that cannot be logged must not be served. Takes the app's aux lock itself. */
int access_record(http_call *c, const char *what, const char *id);
#endif
