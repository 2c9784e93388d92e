/* findings_open: a ledger opened with a findings set that follows it, and the
 * profile a user names. Shared by `habeas report findings` and (later) the HTTP
 * server, so neither prints: errors come back in an hb_err for the caller to
 * show. The set sees the replay and every later batch (ledger_observer), so it
 * holds every finding raised by the log so far, at O(event) cost per event. */
#ifndef HB_HTTP_FINDINGS_OPEN_H
#define HB_HTTP_FINDINGS_OPEN_H
#include "ledger/ledger.h"
#include "rules/findings.h"
#include "rules/profile.h"

/* The profile arg names: a built-in profile's name, else the path of a profile
 * file (read and parsed strictly); NULL names the default. 0, HB_EINPUT (an
 * unknown name, an unreadable file, a file that is not a valid profile: err says
 * which and where) or HB_EINTERNAL. Owner calls profile_free. */
int findings_open_profile(const char *arg, profile *out, hb_err *err);

/* Opens the ledger at uri (STORE_OPEN) with a new findings set fed by it. p is
 * borrowed and must outlive both. On success the owner calls
 * findings_open_close(*l, *f); on failure both are NULL and err says why
 * (its code: HB_EINPUT for a missing ledger, else HB_EINTERNAL). */
int findings_open_ledger(const char *uri, const profile *p, ledger **l, findings **f, hb_err *err);
/* Closes the ledger before freeing the set it feeds. Either may be NULL. */
void findings_open_close(ledger *l, findings *f);
#endif
