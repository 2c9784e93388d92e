/* tokens: Bearer tokens for the API (tokens.c), kept in the store.
 *
 * A token is 32 random bytes shown once as 64 hex characters prefixed "hb_"
 * ("hb_4f1c..."); only its SHA-256 is stored, with a role, a name, when it was
 * made and when it was revoked. Authenticating hashes the presented token and
 * looks the hash up (the app keeps a cache; revocation through the CLI is seen by
 * a running server within a second, or at once through tokens_reload). */
#ifndef HB_HTTP_TOKENS_H
#define HB_HTTP_TOKENS_H
#include <stdint.h>
#include "http/http.h"
#include "store/store.h"
#include "util/err.h"

typedef struct {
    int64_t id;
    http_role role;
    char name[128];
    char created_at[28], revoked_at[28]; /* "" when not revoked */
} token_info;

/* Makes a token: *secret (caller frees) is the text to hand to the user, once.
 * 0, HB_EINPUT (role public or unknown, empty name: err says), HB_EINTERNAL. */
int tokens_create(store *st, http_role role, const char *name, char **secret, token_info *info,
                  hb_err *err);
/* Every token (revoked ones too), in id order: *out malloc'd (caller frees). */
int tokens_list(store *st, token_info **out, size_t *n, hb_err *err);
/* By id or name; HB_EINPUT when there is none or it is already revoked. */
int tokens_revoke(store *st, const char *id_or_name, token_info *info, hb_err *err);
/* The token presented in an Authorization header value ("Bearer hb_..."): 0 with
 * *info filled; HB_EINPUT when malformed, unknown or revoked (err says which,
 * without echoing the secret). */
int tokens_check(store *st, const char *authorization, token_info *info, hb_err *err);
#endif
