/* tokens: make, list, revoke and check Bearer tokens. Only the SHA-256 of a
 * secret is stored, and a presented token is found by that hash, so no secret
 * is ever compared byte by byte, logged or echoed. */
#include "http/tokens.h"
#include <ctype.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "util/hbtime.h"

#define TOKEN_PREFIX "hb_"
#define TOKEN_HEX 64
#define TOKEN_LEN (sizeof TOKEN_PREFIX - 1 + TOKEN_HEX)

static void to_info(const store_token *t, token_info *info)
{
    memset(info, 0, sizeof *info);
    info->id = t->id;
    int r = http_role_of(t->role);
    /* A role this build does not know (a hand-edited row) gets nothing: public. */
    info->role = r > ROLE_PUBLIC ? (http_role)r : ROLE_PUBLIC;
    snprintf(info->name, sizeof info->name, "%s", t->name);
    snprintf(info->created_at, sizeof info->created_at, "%s", t->created_at);
    snprintf(info->revoked_at, sizeof info->revoked_at, "%s", t->revoked_at);
}

/* Names are shown in lists and the access log and pick a token to revoke: one
 * printable line, and never all digits (that would read as an id). */
static int check_name(const char *name, hb_err *err)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0) return hb_fail(err, HB_EINPUT, "a token needs a name (--name \"...\")");
    if (n >= sizeof((store_token *)0)->name)
        return hb_fail(err, HB_EINPUT, "token name too long (%zu bytes; at most %zu)", n,
                       sizeof((store_token *)0)->name - 1);
    bool digits = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch < 0x20 || ch == 0x7f)
            return hb_fail(err, HB_EINPUT,
                           "token name has a control character at byte %zu: use one line of "
                           "printable text",
                           i + 1);
        if (!isdigit(ch)) digits = false;
    }
    if (digits)
        return hb_fail(err, HB_EINPUT,
                       "token name \"%s\" is all digits, which `habeas token revoke` would read "
                       "as an id: add a letter",
                       name);
    return 0;
}

static int check_role(http_role role, hb_err *err)
{
    if (role > ROLE_PUBLIC && role < ROLE__COUNT) return 0;
    return hb_fail(err, HB_EINPUT,
                   "a token's role must be one of admin, records, transport, court, inspector "
                   "(the public role needs no token)");
}

static void hash_secret(const char *secret, size_t n, uint8_t hash[32])
{
    SHA256((const unsigned char *)secret, n, hash);
}

int tokens_create(store *st, http_role role, const char *name, char **secret, token_info *info,
                  hb_err *err)
{
    *secret = NULL;
    if (check_role(role, err) || check_name(name, err)) return HB_EINPUT;
    uint8_t raw[32], hash[32];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return hb_fail(err, HB_EINTERNAL, "the system's random number generator failed");
    char *s = malloc(TOKEN_LEN + 1);
    if (!s) return hb_fail(err, HB_EINTERNAL, "out of memory");
    memcpy(s, TOKEN_PREFIX, sizeof TOKEN_PREFIX - 1);
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(s + sizeof TOKEN_PREFIX - 1 + 2 * i, 3, "%02x", raw[i]);
    OPENSSL_cleanse(raw, sizeof raw);
    hash_secret(s, TOKEN_LEN, hash);
    store_token t = {0};
    snprintf(t.role, sizeof t.role, "%s", http_role_name(role));
    snprintf(t.name, sizeof t.name, "%s", name);
    hbtime_format_utc(hbtime_now(), t.created_at);
    int rc = store_token_insert(st, hash, &t, err);
    if (rc) {
        OPENSSL_cleanse(s, TOKEN_LEN);
        free(s);
        return rc;
    }
    to_info(&t, info);
    *secret = s;
    return 0;
}

int tokens_list(store *st, token_info **out, size_t *n, hb_err *err)
{
    *out = NULL;
    *n = 0;
    store_token *rows;
    size_t nr;
    int rc = store_token_list(st, &rows, &nr, err);
    if (rc) return rc;
    token_info *v = nr ? malloc(nr * sizeof *v) : NULL;
    if (nr && !v) {
        free(rows);
        return hb_fail(err, HB_EINTERNAL, "out of memory");
    }
    for (size_t i = 0; i < nr; i++)
        to_info(&rows[i], &v[i]);
    free(rows);
    *out = v;
    *n = nr;
    return 0;
}

static bool all_digits(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

/* The token id_or_name names: by id, else the valid token of that name, else
 * the latest revoked one of that name (to say when it was revoked). */
static const store_token *pick(const store_token *v, size_t n, const char *id_or_name)
{
    const store_token *hit = NULL;
    bool by_id = all_digits(id_or_name);
    int64_t id = by_id ? strtoll(id_or_name, NULL, 10) : 0;
    for (size_t i = 0; i < n; i++) {
        if (by_id ? v[i].id != id : strcmp(v[i].name, id_or_name) != 0) continue;
        if (!hit || hit->revoked_at[0] || by_id) hit = &v[i];
    }
    return hit;
}

int tokens_revoke(store *st, const char *id_or_name, token_info *info, hb_err *err)
{
    if (!id_or_name || !*id_or_name)
        return hb_fail(err, HB_EINPUT, "name the token to revoke, by id or name");
    store_token *v;
    size_t n;
    int rc = store_token_list(st, &v, &n, err);
    if (rc) return rc;
    const store_token *t = pick(v, n, id_or_name);
    if (!t) {
        rc = hb_fail(err, HB_EINPUT, "no token has the id or name \"%s\" (see `habeas token list`)",
                     id_or_name);
    } else if (t->revoked_at[0]) {
        rc = hb_fail(err, HB_EINPUT, "token %" PRId64 " (\"%s\") was already revoked at %s", t->id,
                     t->name, t->revoked_at);
    } else {
        store_token done = *t;
        bool changed;
        hbtime_format_utc(hbtime_now(), done.revoked_at);
        rc = store_token_revoke(st, done.id, done.revoked_at, &changed, err);
        if (!rc && !changed)
            rc = hb_fail(err, HB_EINPUT, "token %" PRId64 " was revoked meanwhile", done.id);
        if (!rc) to_info(&done, info);
    }
    free(v);
    return rc;
}

/* Splits "Bearer <token>" (scheme in any case, then spaces); *tok points into h. */
static int parse_header(const char *h, const char **tok, size_t *len, hb_err *err)
{
    while (*h == ' ' || *h == '\t')
        h++;
    if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
        return hb_fail(err, HB_EINPUT,
                       "the Authorization header must be \"Bearer <token>\"; it uses another "
                       "scheme or none");
    h += 6;
    while (*h == ' ' || *h == '\t')
        h++;
    size_t n = strlen(h);
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    bool shape = n == TOKEN_LEN && !strncmp(h, TOKEN_PREFIX, sizeof TOKEN_PREFIX - 1);
    for (size_t i = sizeof TOKEN_PREFIX - 1; shape && i < n; i++)
        shape = isdigit((unsigned char)h[i]) || (h[i] >= 'a' && h[i] <= 'f');
    if (!shape)
        return hb_fail(err, HB_EINPUT,
                       "the bearer token is malformed (%zu characters): a habeas token is "
                       "\"hb_\" followed by 64 lower-case hex digits",
                       n);
    *tok = h;
    *len = n;
    return 0;
}

int tokens_check(store *st, const char *authorization, token_info *info, hb_err *err)
{
    const char *tok = NULL;
    size_t n = 0;
    if (!authorization) return hb_fail(err, HB_EINPUT, "no Authorization header");
    if (parse_header(authorization, &tok, &n, err)) return HB_EINPUT;
    uint8_t hash[32];
    hash_secret(tok, n, hash);
    store_token t;
    bool found;
    int rc = store_token_by_hash(st, hash, &t, &found, err);
    if (rc) return rc;
    if (!found)
        return hb_fail(err, HB_EINPUT,
                       "the bearer token is not known to this ledger (tokens are made with "
                       "`habeas token create` on the same ledger)");
    if (t.revoked_at[0])
        return hb_fail(err, HB_EINPUT, "the bearer token \"%s\" (id %" PRId64 ") was revoked at %s",
                       t.name, t.id, t.revoked_at);
    to_info(&t, info);
    if (info->role == ROLE_PUBLIC)
        return hb_fail(err, HB_EINPUT,
                       "the bearer token \"%s\" (id %" PRId64 ") has the unknown role \"%s\"",
                       t.name, t.id, t.role);
    return 0;
}
