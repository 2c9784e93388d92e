/* canon_number: doubles as ECMAScript's Number.prototype.toString writes them, which
 * is what RFC 8785 sec. 3.2.2.3 requires: the shortest digit string that reads back
 * as the same double, in plain notation for decimal exponents -6 < n <= 21 and
 * exponent notation (1e+21, 1.5e-7) outside it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"

/* Shortest round-trip digits of v > 0: digits[0..k) and decimal exponent n such
 * that v = 0.d1d2...dk * 10^n. glibc's printf rounds correctly, so the first
 * precision that reads back is the shortest, and the nearest of its length. */
static int shortest(double v, char *digits, int *n)
{
    char tmp[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        if (strtod(tmp, NULL) != v && p < 17) continue;
        int k = 0;
        const char *s = tmp;
        for (; *s && *s != 'e'; s++)
            if (*s >= '0' && *s <= '9') digits[k++] = *s;
        while (k > 1 && digits[k - 1] == '0')
            k--;
        *n = atoi(s + 1) + 1;
        return k;
    }
    return 0; /* not reached: 17 digits always round-trip */
}

static char *put_uint(char *o, unsigned long long u)
{
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (k)
        *o++ = tmp[--k];
    return o;
}

/* Writes v's text into out (at most 32 bytes); returns its length. */
static size_t format(double v, char *out)
{
    char *o = out;
    if (v < 0) {
        *o++ = '-';
        v = -v;
    }
    if (v < 9007199254740992.0 && v == floor(v)) /* exact integer: plain digits */
        return (size_t)(put_uint(o, (unsigned long long)v) - out);
    char d[24];
    int n, k = shortest(v, d, &n);
    if (k <= n && n <= 21) {
        memcpy(o, d, (size_t)k);
        o += k;
        for (int i = k; i < n; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, d, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, d + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, d, (size_t)k);
        o += k;
    } else {
        int e = n - 1;
        *o++ = d[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)(k - 1));
            o += k - 1;
        }
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        o = put_uint(o, (unsigned long long)(e < 0 ? -e : e));
    }
    return (size_t)(o - out);
}

int canon_number(buf *out, double v)
{
    if (!isfinite(v)) return HB_EINPUT;
    if (v == 0) return buf_putc(out, '0'); /* also -0 */
    char tmp[40];
    return buf_put(out, tmp, format(v, tmp));
}
