/* views: JSON values for absent fields, UTC times and transfer-person states. */
#include <string.h>
#include "util/hbtime.h"
#include "views/views.h"

json_t *views_jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *views_jdate(int32_t days)
{
    if (days == HB_DATE_ABSENT) return json_null();
    char d[11];
    hbdate_format(days, d);
    return json_string(d);
}

json_t *views_jcc(const char cc[3])
{
    return cc[0] ? json_string(cc) : json_null();
}

const char *views_time(int64_t us, char out[28])
{
    hbtime_format_utc(us, out);
    char *dot = strchr(out, '.');
    if (dot && strcmp(dot, ".000000Z") == 0) strcpy(dot, "Z");
    return out;
}

const char *views_tp_name(transfer_person_state s)
{
    switch (s) {
    case TP_PROPOSED:
        return "proposed";
    case TP_APPROVED:
        return "approved";
    case TP_CANCELLED:
        return "cancelled";
    case TP_DEPARTED:
        return "departed";
    case TP_ARRIVED:
        return "arrived";
    }
    return "?";
}
