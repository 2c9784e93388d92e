/* hbtime: RFC 3339 timestamps and YYYY-MM-DD dates, strictly parsed.
 * Times are microseconds since 1970-01-01T00:00:00Z (UTC); dates are days since
 * 1970-01-01. Parsers return 0, or -1 with *why set to a static reason. */
#ifndef HB_TIME_H
#define HB_TIME_H
#include <stddef.h>
#include <stdint.h>

#define HB_DATE_ABSENT INT32_MIN
#define HB_US_PER_DAY 86400000000ll

/* "2025-03-15T17:25:00-04:00", "2025-03-15T21:25:00.5Z": a time-offset is required
 * (Z or +hh:mm / -hh:mm); 'T' and 'Z' must be upper case; seconds 00..59 (no leap
 * second); up to 9 fraction digits (kept to microseconds). */
int hbtime_parse(const char *s, size_t n, int64_t *us, const char **why);
/* "2025-03-15": a real calendar date in years 0001..9999. */
int hbdate_parse(const char *s, size_t n, int32_t *days, const char **why);
/* Writes "YYYY-MM-DD" and a NUL into out[11]. */
void hbdate_format(int32_t days, char out[11]);
/* Writes "YYYY-MM-DDThh:mm:ss.uuuuuuZ" and a NUL into out[28]. */
void hbtime_format_utc(int64_t us, char out[28]);
/* The UTC date containing a time. */
int32_t hbtime_date(int64_t us);
/* Current wall-clock time. */
int64_t hbtime_now(void);
int64_t hb_days_from_civil(int64_t y, unsigned m, unsigned d);
#endif
