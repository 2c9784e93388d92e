/* names: normalisation and tokens (names.h). ASCII names, most of them, take a
 * fast path with the same result as the utf8proc one. */
#include "model/names.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "util/buf.h"
#include "util/err.h"
#include "util/map.h"

/* Letters left whole by NFKC + case folding + stripping marks (they are letters
 * in their own right, not a base letter with a mark), as people type them
 * without the keyboard: Polish ł, Danish and Norwegian ø æ, French œ, South
 * Slavic đ, Icelandic þ ð, Turkish dotless ı. */
static const struct {
    int32_t cp;
    const char *as;
} SPELLED[] = {
    {0x0142, "l"}, {0x00F8, "o"},  {0x00E6, "ae"}, {0x0153, "oe"}, {0x0111, "d"},
    {0x0131, "i"}, {0x00FE, "th"}, {0x00F0, "d"},  {0x00DF, "ss"},
};

static const char *spelled(int32_t cp)
{
    for (size_t i = 0; i < sizeof SPELLED / sizeof *SPELLED; i++)
        if (SPELLED[i].cp == cp) return SPELLED[i].as;
    return NULL;
}

static bool word_char(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* Appends one character (or its spelling) to out, a space first when a token
 * starts after a separator. */
static int put_char(buf *out, bool *gap, const char *bytes, size_t n)
{
    if (*gap && out->len && buf_putc(out, ' ')) return HB_EINTERNAL;
    *gap = false;
    return buf_put(out, bytes, n) ? HB_EINTERNAL : 0;
}

static bool all_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

/* Writes straight into out (n + 1 bytes): the result is never longer. */
static void ascii_path(const char *s, size_t n, char *out)
{
    size_t k = 0;
    bool gap = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            gap = true;
            continue;
        }
        if (gap && k) out[k++] = ' ';
        gap = false;
        out[k++] = c;
    }
    out[k] = '\0';
}

static int unicode_path(const char *s, size_t n, buf *out)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
                                        UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                            UTF8PROC_STRIPMARK | UTF8PROC_STRIPCC);
    if (len < 0) return len == UTF8PROC_ERROR_NOMEM ? HB_EINTERNAL : HB_EINPUT;
    int rc = 0;
    bool gap = false;
    for (utf8proc_ssize_t i = 0; i < len && !rc;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(m + i, len - i, &cp);
        if (k <= 0) {
            rc = HB_EINPUT;
            break;
        }
        const char *as = spelled(cp);
        if (as)
            rc = put_char(out, &gap, as, strlen(as));
        else if (word_char(cp))
            rc = put_char(out, &gap, (const char *)m + i, (size_t)k);
        else
            gap = true;
        i += k;
    }
    free(m);
    return rc;
}

int names_normalise(const char *s, size_t n, char **out)
{
    *out = NULL;
    if (all_ascii(s, n)) {
        if (!(*out = malloc(n + 1))) return HB_EINTERNAL; /* the caller frees */
        ascii_path(s, n, *out);
        return 0;
    }
    buf b = BUF_INIT;
    int rc = unicode_path(s, n, &b);
    if (!rc && buf_reserve(&b, 1)) rc = HB_EINTERNAL; /* b.p exists even for "" */
    if (rc) {
        buf_free(&b);
        return rc;
    }
    b.p[b.len] = '\0';
    *out = b.p; /* handed over: the caller frees */
    return 0;
}

size_t names_tokens(const char *norm, names_tok *out, size_t max)
{
    size_t k = 0;
    for (const char *p = norm; *p && k < max;) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        out[k++] = (names_tok){p, (uint32_t)n};
        p += n;
        if (*p) p++;
    }
    return k;
}

uint32_t names_bloom(char kind, const char *tok, size_t n)
{
    uint64_t h = map_hash(tok, n) ^ ((uint64_t)(unsigned char)kind * 0x9E3779B97F4A7C15ull);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return (1u << (h & 31)) | (1u << ((h >> 8) & 31));
}

uint64_t names_token_hash(char kind, const char *tok, size_t n)
{
    uint64_t h = map_hash(tok, n) + (uint64_t)(unsigned char)kind * 0x9E3779B97F4A7C15ull;
    h ^= h >> 31;
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}
