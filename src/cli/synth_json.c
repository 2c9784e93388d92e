#include "cli/synth_json.h"
#include <stdio.h>
#include <string.h>
#include "model/codec.h"
#include "util/err.h"
#include "util/hbtime.h"

void synth_w_init(synth_w *w)
{
    memset(w, 0, sizeof *w);
}

void synth_w_free(synth_w *w)
{
    buf_free(&w->b);
}

static void put(synth_w *w, const char *s, size_t n)
{
    if (!w->rc && buf_put(&w->b, s, n)) w->rc = HB_EINTERNAL;
}

static void puts_(synth_w *w, const char *s)
{
    put(w, s, strlen(s));
}

/* RFC 8259: quote, backslash and control characters must be escaped; every other
 * byte (UTF-8 included) is copied, in runs, so long names cost one memcpy. */
static void put_string(synth_w *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        put(w, run, (size_t)(s - run));
        run = s + 1;
        char esc[7] = {'\\', (char)c, 0};
        if (c == '\n')
            esc[1] = 'n';
        else if (c == '\t')
            esc[1] = 't';
        else if (c == '\r')
            esc[1] = 'r';
        else if (c < 0x20)
            snprintf(esc, sizeof esc, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        puts_(w, esc);
    }
    put(w, run, (size_t)(s - run));
    put(w, "\"", 1);
}

/* The comma before a member, unless it opens its object or array. */
static void key(synth_w *w, const char *k)
{
    if (w->rc) return;
    char last = w->b.len ? w->b.p[w->b.len - 1] : '\n';
    if (last != '{' && last != '[' && last != '\n') put(w, ",", 1);
    if (!k) return;
    put_string(w, k);
    put(w, ":", 1);
}

void synth_w_begin(synth_w *w, const char *type, const char *at)
{
    put(w, "{", 1);
    synth_w_str(w, "type", type);
    synth_w_str(w, "at", at);
}

void synth_w_end(synth_w *w)
{
    put(w, "}\n", 2);
    if (!w->rc) w->events++;
}

void synth_w_str(synth_w *w, const char *k, const char *val)
{
    if (!val) return;
    key(w, k);
    put_string(w, val);
}

void synth_w_int(synth_w *w, const char *k, int64_t v)
{
    key(w, k);
    if (!w->rc && buf_put_int(&w->b, v)) w->rc = HB_EINTERNAL;
}

void synth_w_num(synth_w *w, const char *k, double v)
{
    key(w, k);
    if (!w->rc && canon_number(&w->b, v)) w->rc = HB_EINTERNAL;
}

void synth_w_bool(synth_w *w, const char *k, int v)
{
    key(w, k);
    puts_(w, v ? "true" : "false");
}

void synth_w_date(synth_w *w, const char *k, int32_t days)
{
    if (days == HB_DATE_ABSENT) return;
    char d[11];
    hbdate_format(days, d);
    synth_w_str(w, k, d);
}

void synth_w_object(synth_w *w, const char *k)
{
    key(w, k);
    put(w, "{", 1);
}

void synth_w_array(synth_w *w, const char *k)
{
    key(w, k);
    put(w, "[", 1);
}

void synth_w_close(synth_w *w, char c)
{
    put(w, &c, 1);
}

void synth_id(char out[32], const char *prefix, uint64_t n, int width)
{
    snprintf(out, 32, "%s-%0*llu", prefix, width, (unsigned long long)n);
}
