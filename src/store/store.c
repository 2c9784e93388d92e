/* store: picks the backend a --db value names. */
#include "store/store.h"
#include <stdlib.h>
#include <string.h>

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int store_open(const char *uri, store_mode mode, store **out, hb_err *err)
{
    *out = NULL;
    if (!uri || !*uri) return hb_fail(err, HB_EINPUT, "no ledger named: give one with --db PATH");
    if (strlen(uri) >= sizeof(((store *)0)->uri))
        return hb_fail(err, HB_EINPUT, "ledger path too long (%zu bytes; at most %zu)", strlen(uri),
                       sizeof(((store *)0)->uri) - 1);
    if (starts_with(uri, "postgres://") || starts_with(uri, "postgresql://"))
        return hb_fail(err, HB_EINPUT,
                       "%s: the PostgreSQL store is not built yet: use a SQLite file path "
                       "(e.g. --db habeas.db)",
                       uri);
    return store_sqlite_open(uri, mode, out, err);
}

void store_close(store *s)
{
    if (s) s->ops->close(s);
}
