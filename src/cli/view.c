#include <stdarg.h>
#include <stdio.h>
#include "cli/out.h"
#include "cli/view.h"

#define LABEL_WIDTH 17

const char *view_custody_name(custody_state c)
{
    switch (c) {
    case CUST_NEVER:
        return "never admitted";
    case CUST_HELD:
        return "held";
    case CUST_IN_TRANSIT:
        return "in transit";
    case CUST_RELEASED:
        return "released";
    case CUST_DECEASED:
        return "died in custody";
    }
    return "?";
}

const char *view_tp_name(transfer_person_state s)
{
    return views_tp_name(s);
}

int view_print_json(json_t *j, const hb_err *err)
{
    if (!j && !err->code) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    if (!j) return out_fail(err, HB_EINTERNAL);
    return out_json(j);
}

void view_field(const char *label, const char *fmt, ...)
{
    fputs("  ", stdout);
    out_pad(stdout, label, LABEL_WIDTH);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}
