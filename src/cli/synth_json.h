/* synth_json: a tiny JSON Lines writer for generated events.
 *
 * Events are written as text and imported through ledger_import, the same path a
 * user's file takes, so the demo and the bench exercise the real decoder. Field
 * writers add the separating comma themselves (none right after '{' or '['), and
 * errors are sticky: after an out-of-memory every call is a no-op and w->rc says
 * HB_EINTERNAL, so callers check once at the end. Keys are ASCII literals; values
 * are escaped (RFC 8259), UTF-8 passes through. */
#ifndef HB_CLI_SYNTH_JSON_H
#define HB_CLI_SYNTH_JSON_H
#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"

typedef struct {
    buf b;         /* the lines written; owner frees with synth_w_free */
    int rc;        /* 0, or HB_EINTERNAL after the first failed append */
    size_t events; /* lines ended with synth_w_end */
} synth_w;

void synth_w_init(synth_w *w);
void synth_w_free(synth_w *w);

/* {"type":"<type>","at":"<at>" ... then fields ... then synth_w_end writes "}\n". */
void synth_w_begin(synth_w *w, const char *type, const char *at);
void synth_w_end(synth_w *w);

/* A member "key":value, or a bare array element when key is NULL. */
void synth_w_str(synth_w *w, const char *key, const char *val); /* val NULL: nothing */
void synth_w_int(synth_w *w, const char *key, int64_t v);
void synth_w_num(synth_w *w, const char *key, double v);
void synth_w_bool(synth_w *w, const char *key, int v);
/* "YYYY-MM-DD"; nothing when days is HB_DATE_ABSENT. */
void synth_w_date(synth_w *w, const char *key, int32_t days);
/* "key":{ ... synth_w_close("}"); "key":[ ... synth_w_close("]"). */
void synth_w_object(synth_w *w, const char *key);
void synth_w_array(synth_w *w, const char *key);
void synth_w_close(synth_w *w, char c);

/* "P-000042": prefix, '-', n zero-padded to width digits. */
void synth_id(char out[32], const char *prefix, uint64_t n, int width);
#endif
