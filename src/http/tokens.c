/* tokens: placeholder until written. */
#include "http/tokens.h"
int tokens_create(store *st, http_role role, const char *name, char **secret, token_info *info,
                  hb_err *err)
{
    (void)st, (void)role, (void)name, (void)secret, (void)info;
    return hb_fail(err, HB_EINTERNAL, "not built yet");
}
int tokens_list(store *st, token_info **out, size_t *n, hb_err *err)
{
    (void)st, (void)out, (void)n;
    return hb_fail(err, HB_EINTERNAL, "not built yet");
}
int tokens_revoke(store *st, const char *id_or_name, token_info *info, hb_err *err)
{
    (void)st, (void)id_or_name, (void)info;
    return hb_fail(err, HB_EINTERNAL, "not built yet");
}
int tokens_check(store *st, const char *authorization, token_info *info, hb_err *err)
{
    (void)st, (void)authorization, (void)info;
    return hb_fail(err, HB_EINPUT, "tokens are not built yet");
}
