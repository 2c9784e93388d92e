#include "http/findings_open.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "util/buf.h"

/* A profile is small; anything larger than this is not one (a wrong path). */
#define PROFILE_MAX_BYTES (1u << 20)

static int obs_before(void *ctx, const state *s, int64_t seq, const event *ev)
{
    return findings_before(ctx, s, seq, ev);
}

static int obs_after(void *ctx, const state *s, int64_t seq, const event *ev)
{
    return findings_after(ctx, s, seq, ev);
}

static void obs_begin(void *ctx)
{
    findings_begin(ctx);
}

static void obs_commit(void *ctx)
{
    findings_commit(ctx);
}

static void obs_rollback(void *ctx)
{
    findings_rollback(ctx);
}

int findings_open_ledger(const char *uri, const profile *p, ledger **l, findings **f, hb_err *err)
{
    *l = NULL;
    *f = findings_new(p);
    if (!*f) return hb_fail(err, HB_EINTERNAL, "out of memory creating the findings set");
    ledger_observer obs = {*f, obs_before, obs_after, obs_begin, obs_commit, obs_rollback};
    int rc = ledger_open_observed(uri, STORE_OPEN, &obs, l, err);
    if (rc) {
        findings_free(*f);
        *f = NULL;
    }
    return rc;
}

void findings_open_close(ledger *l, findings *f)
{
    ledger_close(l);
    findings_free(f);
}

static const char *builtin_list(char *out, size_t n)
{
    const char *const *names = profile_builtin_names();
    out[0] = 0;
    for (size_t i = 0; names[i]; i++)
        snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? ", " : "", names[i]);
    return out;
}

/* Opens a profile file, or says why not: a bare word that is neither a built-in
 * name nor a file is most likely a mistyped name, and is told as one. */
static int open_file(const char *path, FILE **fp, struct stat *st, hb_err *err)
{
    *fp = fopen(path, "rb");
    if (*fp && (fstat(fileno(*fp), st) || !S_ISREG(st->st_mode))) {
        fclose(*fp);
        return hb_fail(err, HB_EINPUT, "profile %s: not a regular file", path);
    }
    if (*fp) return 0;
    char list[256];
    if (errno == ENOENT && !strchr(path, '/') && !strstr(path, ".json"))
        return hb_fail(err, HB_EINPUT,
                       "unknown profile \"%s\": no built-in profile of that name (built in: "
                       "%s) and no file of that name",
                       path, builtin_list(list, sizeof list));
    return hb_fail(err, HB_EINPUT, "cannot read profile %s: %s", path, strerror(errno));
}

static int read_file(const char *path, buf *b, hb_err *err)
{
    FILE *fp;
    struct stat st;
    int rc = open_file(path, &fp, &st, err);
    if (rc) return rc;
    if (st.st_size > PROFILE_MAX_BYTES)
        rc = hb_fail(err, HB_EINPUT, "profile %s: %lld bytes, more than a profile can be", path,
                     (long long)st.st_size);
    char chunk[8192];
    size_t r;
    while (!rc && (r = fread(chunk, 1, sizeof chunk, fp)) > 0)
        rc = buf_put(b, chunk, r);
    if (!rc && ferror(fp)) rc = hb_fail(err, HB_EINPUT, "cannot read profile %s", path);
    fclose(fp);
    if (rc == HB_EINTERNAL) hb_fail(err, rc, "out of memory reading profile %s", path);
    return rc;
}

int findings_open_profile(const char *arg, profile *out, hb_err *err)
{
    memset(out, 0, sizeof *out);
    if (!arg) arg = profile_builtin_names()[0];
    if (profile_builtin_text(arg)) return profile_builtin(arg, out, err);
    buf b = BUF_INIT;
    int rc = read_file(arg, &b, err);
    if (!rc) rc = profile_parse(b.p ? b.p : "", b.len, arg, out, err);
    buf_free(&b);
    return rc;
}
