/* schema (internal to model/): one table per event type says each field's JSON name,
 * kind, flags and where it lives in the typed struct. The decoder (decode*.c) and the
 * canonical writer (canonical.c) are both driven by these tables, so each event type
 * is described exactly once.
 *
 * Fields are sorted by name in byte order, which for ASCII names is the RFC 8785
 * (UTF-16 code unit) order: the canonical writer walks them as they are. Top-level
 * offsets are into `event` (the "type" and "at" keys included), sub-object offsets
 * into the sub-struct, record offsets into `record`. */
#ifndef HB_SCHEMA_H
#define HB_SCHEMA_H
#include <stdint.h>
#include "model/event.h"

typedef enum {
    SK_TYPE,          /* the event's "type" (top level only) */
    SK_ID,            /* hb_str: 1..128 of A-Z a-z 0-9 . _ : - */
    SK_TEXT,          /* hb_str: UTF-8, at most 4096 bytes, required ones non-empty */
    SK_UINT,          /* int64: 0 .. 2^53-1, a plain JSON integer */
    SK_NUMBER,        /* double: finite */
    SK_BOOL,          /* int8 */
    SK_DATE,          /* int32 days */
    SK_TIME,          /* hb_time */
    SK_COUNTRY,       /* hb_cc */
    SK_CURRENCY,      /* char[4] */
    SK_ENUM,          /* int8 index into the names of enumeration `en` */
    SK_OBJECT,        /* sub-struct described by `sub`, with a bool present */
    SK_IDS,           /* hb_strs of ids */
    SK_TEXTS,         /* hb_strs of non-empty texts */
    SK_COUNTRIES,     /* hb_ccs */
    SK_STRMAP,        /* hb_kvs: non-empty text keys and values, kept sorted by key */
    SK_NATIONALITIES, /* hb_nationalities: "any" or a non-empty array of countries */
    SK_EVENT,         /* record only: the event */
    SK_HASH,          /* record only: uint8_t[32] as 64 lower-case hex digits */
} schema_kind;

enum {
    SF_REQ = 1,      /* required */
    SF_NONNEG = 2,   /* number >= 0 */
    SF_POS = 4,      /* uint > 0 */
    SF_NONEMPTY = 8, /* array with at least one element */
    SF_UNIQUE = 16,  /* array without repeated elements */
};

#define SCHEMA_MAX_ID 128
#define SCHEMA_MAX_TEXT 4096

typedef struct schema schema;

typedef struct {
    const char *name;
    uint8_t len;
    uint8_t kind;  /* schema_kind */
    uint8_t flags; /* SF_* */
    int8_t en;     /* event_enum for SK_ENUM */
    uint32_t off;
    const schema *sub; /* SK_OBJECT */
} schema_field;

/* The decoder's error sink, as seen by cross-field checks. */
typedef struct shape_ctx shape_ctx;
/* Report a cross-field rule broken by the object being checked; field names the
 * member the message is about (NULL: the object itself). */
void shape_error(shape_ctx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Cross-field rules of one object; run only when all its fields decoded cleanly. */
typedef void (*schema_check_fn)(shape_ctx *c, const void *obj);

struct schema {
    const char *name; /* "custody.admitted", or the member name of a sub-object */
    const schema_field *fields;
    int nfields;
    int present_off; /* sub-objects: offset of their bool present; -1 otherwise */
    schema_check_fn check;
};

/* NULL for an out-of-range type. */
const schema *schema_event(event_type t);
const schema *schema_record(void);

/* Cross-field rules (checks.c). */
void check_agreement(shape_ctx *c, const void *obj);
void check_status(shape_ctx *c, const void *obj);
void check_hold(shape_ctx *c, const void *obj);
void check_scope(shape_ctx *c, const void *obj);
void check_transfer_proposed(shape_ctx *c, const void *obj);
#endif
