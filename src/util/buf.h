/* buf: a growable byte buffer (always NUL-terminated after its len bytes).
 * Owner frees with buf_free. Appends return 0, or HB_EINTERNAL on out of memory
 * (after which the buffer is unchanged). */
#ifndef HB_BUF_H
#define HB_BUF_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *p;
    size_t len, cap;
} buf;

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }
int buf_reserve(buf *b, size_t extra);
int buf_put(buf *b, const void *p, size_t n);
int buf_puts(buf *b, const char *s);
int buf_putc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_put_int(buf *b, int64_t v);
void buf_clear(buf *b); /* len = 0, keeps memory */
void buf_free(buf *b);
#endif
