#include "cli/out.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "util/buf.h"
#include "util/hbtime.h"

void out_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("habeas: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int out_fail(const hb_err *e, int rc)
{
    int code = e->code ? e->code : rc ? rc : HB_EINTERNAL;
    out_error("%s", e->msg[0] ? e->msg : "internal error (no message)");
    return code;
}

void out_errlist(FILE *f, const hb_errlist *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        fprintf(f, "%s\n", errs->msgs[i]);
    if (errs->total > errs->n) {
        size_t more = errs->total - errs->n;
        fprintf(f, "... and %zu more error%s\n", more, more == 1 ? "" : "s");
    }
}

int out_json(json_t *j)
{
    return out_json_file(stdout, j);
}

int out_json_file(FILE *f, json_t *j)
{
    if (!j) {
        out_error("out of memory while building the JSON output");
        return HB_EINTERNAL;
    }
    int rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(j);
    if (rc || fputc('\n', f) == EOF || fflush(f)) {
        out_error("cannot write the JSON output");
        return HB_EINTERNAL;
    }
    return 0;
}

json_t *out_jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *out_jdate(int32_t days)
{
    char d[11];
    return days == HB_DATE_ABSENT ? json_null() : json_string(out_date(days, d));
}

json_t *out_jcc(const char cc[3])
{
    return cc[0] ? json_string(cc) : json_null();
}

const char *out_date(int32_t days, char out[11])
{
    if (days == HB_DATE_ABSENT) {
        strcpy(out, "-");
        return out;
    }
    hbdate_format(days, out);
    return out;
}

const char *out_time(int64_t us, char out[28])
{
    hbtime_format_utc(us, out);
    char *dot = strchr(out, '.');
    if (dot && strcmp(dot, ".000000Z") == 0) strcpy(dot, "Z");
    return out;
}

size_t out_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

void out_pad(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = out_width(s); w < width; w++)
        fputc(' ', f);
}

void out_table_init(out_table *t, size_t ncols, const char *align)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols < OUT_TABLE_MAX_COLS ? ncols : OUT_TABLE_MAX_COLS;
    t->align = align;
}

int out_table_add(out_table *t, const char *const *cols)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (!c) return HB_EINTERNAL;
        t->cells = c;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        row[i] = strdup(cols[i] ? cols[i] : "");
        if (!row[i]) {
            while (i--)
                free(row[i]);
            return HB_EINTERNAL;
        }
    }
    t->nrows++;
    return 0;
}

static void put_spaces(buf *b, size_t n)
{
    while (n--)
        buf_putc(b, ' ');
}

/* Each line is built whole so trailing blanks (empty last cells) can be cut. */
static void print_row(const out_table *t, size_t r, const size_t *width, const char *indent,
                      FILE *f, buf *line)
{
    buf_clear(line);
    buf_puts(line, indent);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = t->cells[r * t->ncols + c];
        size_t w = out_width(s);
        if (c) put_spaces(line, 2);
        if (t->align[c] == 'r') put_spaces(line, width[c] - w);
        buf_puts(line, s);
        if (t->align[c] != 'r') put_spaces(line, width[c] - w);
    }
    while (line->len && line->p[line->len - 1] == ' ')
        line->len--;
    fwrite(line->p ? line->p : "", 1, line->len, f);
    fputc('\n', f);
}

void out_table_print(const out_table *t, FILE *f, const char *indent)
{
    size_t width[OUT_TABLE_MAX_COLS] = {0};
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t w = out_width(t->cells[r * t->ncols + c]);
            if (w > width[c]) width[c] = w;
        }
    buf line = BUF_INIT;
    for (size_t r = 0; r < t->nrows; r++)
        print_row(t, r, width, indent, f, &line);
    buf_free(&line);
}

void out_table_free(out_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}
