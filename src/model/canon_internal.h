/* canon_internal (internal to model/): helpers the decoder shares with the writer. */
#ifndef HB_CANON_INTERNAL_H
#define HB_CANON_INTERNAL_H
#include <stddef.h>

/* Compare two valid UTF-8 strings in UTF-16 code unit order (RFC 8785 sec. 3.2.3):
 * <0, 0, >0. */
int canon_utf16_cmp(const char *a, size_t an, const char *b, size_t bn);
#endif
