/* out: small output helpers shared by the subcommands.
 *
 * Messages for people go to stderr as "habeas: ...". JSON goes to stdout,
 * indented, one document per command. Text tables align on display columns
 * (UTF-8 aware, so "José" is four columns wide). No colour. */
#ifndef HB_CLI_OUT_H
#define HB_CLI_OUT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "util/err.h"

/* "habeas: <message>\n" on stderr. */
void out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints e's message and returns its code (rc when e has none; 3 when both are 0). */
int out_fail(const hb_err *e, int rc);
/* Every kept message, one a line, then "... and K more errors" when some were
 * dropped. */
void out_errlist(FILE *f, const hb_errlist *errs);
/* Dumps j to stdout (indented, newline) and releases it. 0, or HB_EINTERNAL when j
 * is NULL (a failed allocation upstream) or the write fails. */
int out_json(json_t *j);
int out_json_file(FILE *f, json_t *j);
/* Helpers that add nothing for absent values (JSON null instead). Return j. */
json_t *out_jstr(const char *s);   /* NULL -> null */
json_t *out_jdate(int32_t days);   /* HB_DATE_ABSENT -> null, else "YYYY-MM-DD" */
json_t *out_jcc(const char cc[3]); /* "" -> null */

/* "YYYY-MM-DD", or "-" when absent. out has room for 11 bytes. */
const char *out_date(int32_t days, char out[11]);
/* UTC time without a zero fraction: "2025-03-16T02:10:00Z". out: 28 bytes. */
const char *out_time(int64_t us, char out[28]);
/* Display columns of a UTF-8 string (code points; no wide-character tables). */
size_t out_width(const char *s);
/* Writes s then pads with spaces to width columns. */
void out_pad(FILE *f, const char *s, size_t width);

/* A text table: rows of strings, printed with aligned columns (no trailing blanks). */
#define OUT_TABLE_MAX_COLS 16
typedef struct {
    size_t ncols;
    const char *align; /* one char per column: 'l' or 'r' */
    char **cells;      /* nrows * ncols, malloc'd copies */
    size_t nrows, cap;
} out_table;

void out_table_init(out_table *t, size_t ncols, const char *align);
/* Appends one row of t->ncols strings (NULL prints as ""). 0 or HB_EINTERNAL. */
int out_table_add(out_table *t, const char *const *cols);
/* Every row, each line starting with indent; the last column is not padded. */
void out_table_print(const out_table *t, FILE *f, const char *indent);
void out_table_free(out_table *t);
#endif
