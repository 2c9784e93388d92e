/* names: personal names reduced to search tokens, for the public locator.
 *
 * A name is normalised with utf8proc (NFKC, case fold, marks stripped, control
 * characters dropped), then letters that have no decomposition are spelled
 * out (ł l, ø o, æ ae, œ oe, đ d, ð d, ı i, þ th; ß is already "ss" after case
 * folding), then split into tokens: every character that is not a letter or a
 * digit (space, hyphen, apostrophe, punctuation) separates tokens. So
 * "José Ángel", "JOSE angel" and "jose-angel" all give the tokens "jose" "angel".
 * docs/locate.md has the table. */
#ifndef HB_MODEL_NAMES_H
#define HB_MODEL_NAMES_H
#include <stddef.h>
#include <stdint.h>

/* At most this many tokens are kept per name (a longer name keeps its first ones). */
#define NAMES_MAX_TOKENS 16

typedef struct {
    const char *p; /* into the normalised string: not NUL-terminated */
    uint32_t n;
} names_tok;

/* The tokens of s[0..n) joined by single spaces, into *out (malloc'd, caller
 * frees; "" when s has no letter or digit). 0, HB_EINPUT when s is not valid
 * UTF-8 (*out NULL), HB_EINTERNAL on out of memory. */
int names_normalise(const char *s, size_t n, char **out);

/* Splits a string made by names_normalise into at most max tokens; the count. */
size_t names_tokens(const char *norm, names_tok *out, size_t max);

/* Two bits of a 32-bit filter for one token; kind tells family ('f') from given
 * ('g') tokens. A person's filter ORs the bits of all their tokens, so a query
 * whose bits are not all in it cannot match. */
uint32_t names_bloom(char kind, const char *tok, size_t n);

/* A 64-bit hash of (kind, token), to compare tokens without their text: two
 * different tokens share one with odds of about 2^-64 a comparison, which the
 * locator accepts (docs/locate.md). */
uint64_t names_token_hash(char kind, const char *tok, size_t n);
#endif
