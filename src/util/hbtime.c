#include "util/hbtime.h"
#include <time.h>

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
int64_t hb_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int ymd(const char *s, int *y, int *m, int *d, const char **why)
{
    if (s[4] != '-' || s[7] != '-' || digits(s, 4, y) || digits(s + 5, 2, m) ||
        digits(s + 8, 2, d)) {
        *why = "expected a date YYYY-MM-DD";
        return -1;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1] + (*m == 2 && leap(*y))) {
        *why = "no such calendar date";
        return -1;
    }
    return 0;
}

int hbdate_parse(const char *s, size_t n, int32_t *days, const char **why)
{
    int y, m, d;
    if (n != 10) {
        *why = "expected a date YYYY-MM-DD";
        return -1;
    }
    if (ymd(s, &y, &m, &d, why)) return -1;
    *days = (int32_t)hb_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

int hbtime_parse(const char *s, size_t n, int64_t *us, const char **why)
{
    int y, mo, d, h, mi, se;
    *why = "expected an RFC 3339 time with offset, e.g. 2025-03-15T17:25:00-04:00";
    if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return -1;
    if (ymd(s, &y, &mo, &d, why)) return -1;
    *why = "expected an RFC 3339 time with offset, e.g. 2025-03-15T17:25:00-04:00";
    if (digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se)) return -1;
    if (h > 23 || mi > 59 || se > 59) {
        *why = "hour, minute or second out of range";
        return -1;
    }
    size_t i = 19;
    int64_t frac = 0;
    if (i < n && s[i] == '.') {
        size_t start = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (i - start < 6) frac = frac * 10 + (s[i] - '0');
            i++;
        }
        if (i == start || i - start > 9) return -1;
        for (size_t k = i - start; k < 6; k++)
            frac *= 10;
    }
    int off = 0;
    if (i + 1 == n && s[i] == 'Z') {
        off = 0;
    } else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh, om;
        if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) || oh > 23 || om > 59) return -1;
        off = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    } else {
        *why = "a time needs an offset: Z or +hh:mm / -hh:mm";
        return -1;
    }
    int64_t days = hb_days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - (int64_t)off * 60;
    *us = secs * 1000000 + frac;
    return 0;
}

/* Fixed-width decimal, so formatting needs no snprintf length reasoning. */
static char *put2(char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

static char *put_date(char *p, int32_t days)
{
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    p = put2(p, (unsigned)(y < 0 ? 0 : y), 4);
    *p++ = '-';
    p = put2(p, m, 2);
    *p++ = '-';
    return put2(p, d, 2);
}

void hbdate_format(int32_t days, char out[11])
{
    *put_date(out, days) = '\0';
}

void hbtime_format_utc(int64_t us, char out[28])
{
    int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    int64_t frac = us - secs * 1000000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    char *p = put_date(out, (int32_t)days);
    *p++ = 'T';
    p = put2(p, (unsigned)(rem / 3600), 2);
    *p++ = ':';
    p = put2(p, (unsigned)(rem / 60 % 60), 2);
    *p++ = ':';
    p = put2(p, (unsigned)(rem % 60), 2);
    *p++ = '.';
    p = put2(p, (unsigned)frac, 6);
    *p++ = 'Z';
    *p = '\0';
}

int32_t hbtime_date(int64_t us)
{
    int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    return (int32_t)(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
}

int64_t hbtime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
