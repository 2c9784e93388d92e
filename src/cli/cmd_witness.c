/* `habeas witness`: checks that a log only grew since the head this witness saw
 * last, and saves the new head (docs/transparency.md).
 *
 * Trust comes from the pinned verifier key alone: the source (a ledger file, or
 * a habeas server's /v1/log/...) gives a signed head and a consistency proof,
 * and both are checked here against the key and the saved head; nothing the
 * source says about roots is believed. The saved head is replaced only after
 * every check passed, atomically (FILE.tmp, fsync, rename, fsync of the folder),
 * so a crash or a refusal leaves the previous one in place.
 *
 * Exit codes: 0 consistent (or first head saved); 1 the source or the saved head
 * fails a check (unsigned, shrunk, forked, not an extension); 2 usage, a bad
 * key, a missing ledger; 3 network or storage failure. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "cli/commands.h"
#include "cli/fetch.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "ledger/log.h"

static const char USAGE[] =
    "usage: habeas witness --head FILE --key VKEY|@KEYFILE SOURCE [--json]\n"
    "\n"
    "Checks that the log at SOURCE only grew since the head saved in FILE: nothing\n"
    "recorded before was changed, removed or reordered. SOURCE is a ledger file or\n"
    "the URL of a habeas server (http:// or https://, e.g. http://host:8080).\n"
    "\n"
    "Fetches SOURCE's newest signed head and checks its signature with the pinned\n"
    "verifier key (from the ledger's owner: habeas key show). When FILE exists, it\n"
    "holds the head saved last: it is checked with the same key, then SOURCE must\n"
    "prove, with an RFC 9162 consistency proof, that its log extends that one.\n"
    "On success the new head replaces FILE (atomically); on any failure FILE is\n"
    "left as it was. Run it regularly (cron) with the same FILE and key.\n"
    "\n"
    "options:\n"
    "  --head FILE  where the last seen head is kept (created on the first run)\n"
    "  --key VKEY   the pinned verifier key, \"<origin>+<key id>+<base64>\", or\n"
    "               @FILE to read it from the first line of FILE\n"
    "  --json       print {\"ok\", \"source\", \"first\", \"old_size\", \"size\",\n"
    "               \"root\"} on success\n"
    "  -h, --help   show this help\n"
    "\n"
    "exit status: 0 consistent, or the first head saved; 1 a check failed: the\n"
    "head is not signed by the key, the log shrank, forked (two heads of one size)\n"
    "or is not an extension of the saved one; 2 bad usage or key, or no ledger at\n"
    "SOURCE; 3 SOURCE or FILE could not be read or written (network, storage).\n"
    "\n"
    "examples:\n"
    "  habeas key show --db habeas.db | head -1 > habeas.vkey\n"
    "  habeas witness --head seen.txt --key @habeas.vkey habeas.db\n"
    "  habeas witness --head seen.txt --key @habeas.vkey http://127.0.0.1:8080\n";

#define ANSWER_MAX 65536 /* a head or a proof answer is a few KB at most */

/* Where heads and proofs come from: one open ledger, or one server. */
typedef struct {
    const char *name; /* as given, for messages */
    store *st;        /* file source; NULL for a URL */
    char base[2048];  /* URL source, without a trailing '/' */
} source;

typedef struct {
    note_vkey key;
    char key_name[NOTE_NAME_MAX + 16]; /* "origin+keyid", for messages */
    const char *head_file, *src_arg;
} witness;

/* ------------------------------------------------------------ the pinned key */

/* The key text: as given, or the first non-blank line of @FILE. */
static int load_key(const opts *o, const char *arg, witness *w)
{
    buf data = BUF_INIT; /* freed below */
    const char *text = arg, *where = "--key";
    size_t n = strlen(arg);
    if (arg[0] == '@') {
        const char *name;
        int rc = opts_read_input(arg + 1, &data, &name);
        if (rc) return rc;
        where = arg + 1;
        text = data.p;
        while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
            text++;
        n = strcspn(text, "\r\n");
    }
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    hb_err err = {0};
    int rc = n ? note_vkey_parse(text, n, &w->key, &err) : hb_fail(&err, HB_EINPUT, "it is empty");
    buf_free(&data);
    if (rc)
        return opts_usage_error(o,
                                "%s is not a verifier key (\"<origin>+<key id>+<base64>\", "
                                "as habeas key show prints it): %s",
                                where, err.msg);
    snprintf(w->key_name, sizeof w->key_name, "%s+%02x%02x%02x%02x", w->key.name, w->key.id[0],
             w->key.id[1], w->key.id[2], w->key.id[3]);
    return 0;
}

/* ------------------------------------------------------------ the source */

static int source_open(source *s, const char *arg)
{
    memset(s, 0, sizeof *s);
    s->name = arg;
    if (fetch_is_url(arg)) {
        size_t n = strlen(arg);
        while (n && arg[n - 1] == '/')
            n--;
        if (n >= sizeof s->base) {
            out_error("the URL %s is too long (at most %zu bytes)", arg, sizeof s->base - 1);
            return HB_EINPUT;
        }
        memcpy(s->base, arg, n);
        s->base[n] = '\0';
        return 0;
    }
    hb_err err = {0};
    int rc = store_open(arg, STORE_READ, &s->st, &err);
    return rc ? out_fail(&err, rc) : 0;
}

static void source_close(source *s)
{
    if (s->st) store_close(s->st);
    s->st = NULL;
}

/* GET base + path as a JSON object into *out (caller decrefs). */
static int get_json(const source *s, const char *path, json_t **out)
{
    char url[4096];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    buf body = BUF_INIT; /* freed below */
    hb_err err = {0};
    int rc = fetch_get(url, ANSWER_MAX, &body, &err);
    if (rc) {
        buf_free(&body);
        return out_fail(&err, HB_EINTERNAL);
    }
    json_error_t je;
    *out = json_loadb(body.p ? body.p : "", body.len, 0, &je);
    buf_free(&body);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        out_error("GET %s: the answer is not a JSON object (%s): is this a habeas server?", url,
                  je.text[0] ? je.text : "another JSON value");
        return HB_EINTERNAL;
    }
    return 0;
}

/* The source's newest signed head, the note text as signed, into note. */
static int source_head(const source *s, char note[STORE_NOTE_MAX], size_t *n)
{
    if (s->st) {
        store_head h;
        hb_err err = {0};
        int rc = log_head(s->st, &h, &err);
        if (rc) return out_fail(&err, rc == HB_EINPUT ? rc : HB_EINTERNAL);
        *n = strlen(h.note);
        memcpy(note, h.note, *n + 1);
        return 0;
    }
    json_t *j;
    int rc = get_json(s, "/v1/log/head", &j);
    if (rc) return rc;
    json_t *cp = json_object_get(j, "checkpoint");
    const char *text = json_string_value(cp);
    size_t len = text ? json_string_length(cp) : 0;
    if (!text || len >= STORE_NOTE_MAX) {
        out_error("GET %s/v1/log/head: the answer has %s: is this a habeas server?", s->base,
                  text ? "a \"checkpoint\" over 4096 bytes" : "no \"checkpoint\" string");
        json_decref(j);
        return HB_EINTERNAL;
    }
    memcpy(note, text, len);
    note[len] = '\0';
    *n = len;
    json_decref(j);
    return 0;
}

/* The "proof" array of a consistency answer, each hash decoded; else why. */
static const char *proof_of(json_t *j, merkle_proof *p)
{
    json_t *a = json_object_get(j, "proof");
    if (!json_is_array(a)) return "it has no \"proof\" array";
    if (json_array_size(a) > MERKLE_MAX_DEPTH) return "its proof has over 64 hashes";
    p->n = json_array_size(a);
    for (size_t i = 0; i < p->n; i++) {
        const char *h = json_string_value(json_array_get(a, i));
        size_t got = 0;
        if (!h ||
            sodium_base642bin(p->h[i], 32, h, strlen(h), NULL, &got, NULL,
                              sodium_base64_VARIANT_ORIGINAL) ||
            got != 32)
            return "a proof hash is not 32 bytes in standard base64";
    }
    return NULL;
}

/* The consistency proof from m to n leaves, as the source gives it. */
static int source_proof(const source *s, uint64_t m, uint64_t n, merkle_proof *p)
{
    if (s->st) {
        log_consistency c;
        hb_err err = {0};
        int rc = log_consistent(s->st, (int64_t)m, (int64_t)n, &c, &err);
        if (rc) return out_fail(&err, HB_EINTERNAL);
        *p = c.proof;
        return 0;
    }
    char path[128];
    snprintf(path, sizeof path, "/v1/log/proof/consistency?first=%" PRIu64 "&second=%" PRIu64, m,
             n);
    json_t *j;
    int rc = get_json(s, path, &j);
    if (rc) return rc;
    const char *why = proof_of(j, p);
    json_decref(j);
    if (why) {
        out_error("GET %s%s: the answer is not a consistency proof: %s", s->base, path, why);
        return HB_EINTERNAL;
    }
    return 0;
}

/* ------------------------------------------------------------ heads */

/* Checks note[0..n) with the pinned key and parses its checkpoint; `what` names
 * it in messages ("the head from X"). HB_ERULE after saying why. */
static int check_head(const witness *w, const char *what, const char *note, size_t n,
                      note_checkpoint *cp)
{
    size_t text_len = 0;
    hb_err err = {0};
    if (note_verify(&w->key, note, n, &text_len, &err)) {
        out_error("%s is not signed by %s: %s", what, w->key_name, err.msg);
        return HB_ERULE;
    }
    if (note_checkpoint_parse(note, text_len, cp, &err)) {
        out_error("%s is signed by %s but is not a checkpoint: %s", what, w->key_name, err.msg);
        return HB_ERULE;
    }
    if (strcmp(cp->origin, w->key.name)) {
        out_error("%s is a checkpoint of the log \"%s\", not of \"%s\" (the key's log)", what,
                  cp->origin, w->key.name);
        return HB_ERULE;
    }
    if (cp->size > (uint64_t)INT64_MAX) {
        out_error("%s claims a size of %" PRIu64 " events: more than any log holds", what,
                  cp->size);
        return HB_ERULE;
    }
    return 0;
}

/* The saved head into note; *found false when FILE does not exist yet. */
static int read_saved(const char *path, char note[STORE_NOTE_MAX], size_t *n, bool *found)
{
    *found = false;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        out_error("cannot read the saved head %s: %s", path, strerror(errno));
        return HB_EINTERNAL;
    }
    size_t got = 0;
    ssize_t r = 0;
    while (got < STORE_NOTE_MAX && (r = read(fd, note + got, STORE_NOTE_MAX - got)) > 0)
        got += (size_t)r;
    int saved = errno;
    close(fd);
    if (r < 0) {
        out_error("cannot read the saved head %s: %s", path, strerror(saved));
        return HB_EINTERNAL;
    }
    if (got >= STORE_NOTE_MAX) {
        out_error("the saved head in %s is over %d bytes: it is not a head habeas saved (move "
                  "it away, or give another --head FILE)",
                  path, STORE_NOTE_MAX - 1);
        return HB_ERULE;
    }
    note[got] = '\0';
    *n = got;
    *found = true;
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* FILE.tmp, fsync, rename over FILE, fsync the folder: FILE is always one whole
 * head, the old or the new, even across a crash. */
static int save_head(const char *path, const char *note, size_t n)
{
    char tmp[4096], dir[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        out_error("the path %s is too long", path);
        return HB_EINPUT;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        out_error("cannot save the head: cannot create %s: %s", tmp, strerror(errno));
        return HB_EINTERNAL;
    }
    bool good = write_all(fd, note, n) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && good) {
        good = false;
        saved = errno;
    }
    if (good && rename(tmp, path) != 0) {
        good = false;
        saved = errno;
    }
    if (!good) {
        unlink(tmp);
        out_error("cannot save the head to %s: %s (the previous one, if any, is unchanged)", path,
                  strerror(saved));
        return HB_EINTERNAL;
    }
    snprintf(dir, sizeof dir, "%s", path);
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        /* Makes the rename itself durable; failing here leaves a good file. */
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* ------------------------------------------------------------ the checks */

/* The new head against the saved one: 0 when the log only grew. */
static int compare(const witness *w, const source *s, const note_checkpoint *old,
                   const note_checkpoint *cur)
{
    if (cur->size < old->size) {
        out_error("the log shrank from %" PRIu64 " to %" PRIu64
                  " events: history was rewritten (%s signs a head of size %" PRIu64
                  ", after the one of size %" PRIu64 " saved in %s)",
                  old->size, cur->size, s->name, cur->size, old->size, w->head_file);
        return HB_ERULE;
    }
    if (cur->size == old->size) {
        if (sodium_memcmp(cur->root, old->root, 32) == 0) return 0;
        out_error("two different heads for size %" PRIu64
                  ": the log forked (the head from %s and the one saved in %s have different "
                  "roots)",
                  cur->size, s->name, w->head_file);
        return HB_ERULE;
    }
    if (old->size == 0) return 0; /* every tree extends the empty one */
    merkle_proof p;
    int rc = source_proof(s, old->size, cur->size, &p);
    if (rc) return rc;
    if (!merkle_verify_consistency(old->size, cur->size, old->root, cur->root, &p)) {
        out_error("the log at %" PRIu64 " is not an extension of the log at %" PRIu64
                  ": history was rewritten (%s's consistency proof from the head saved in %s "
                  "to its own does not verify)",
                  cur->size, old->size, s->name, w->head_file);
        return HB_ERULE;
    }
    return 0;
}

static int report(const opts *o, const witness *w, bool first, const note_checkpoint *old,
                  const note_checkpoint *cur)
{
    char root[NOTE_HASH_B64];
    note_hash_b64(cur->root, root);
    if (o->json)
        return out_json(json_pack("{s:b, s:s, s:s, s:b, s:o, s:I, s:s}", "ok", 1, "source",
                                  w->src_arg, "head_file", w->head_file, "first", first, "old_size",
                                  first ? json_null() : json_integer((json_int_t)old->size), "size",
                                  (json_int_t)cur->size, "root", root));
    if (first)
        printf("first head saved: size %" PRIu64 "\n", cur->size);
    else
        printf("OK: size %" PRIu64 " -> %" PRIu64 ", consistent\n", old->size, cur->size);
    return 0;
}

static int run(const opts *o, witness *w, source *s)
{
    char what[2200], note[STORE_NOTE_MAX], saved[STORE_NOTE_MAX];
    size_t n = 0, saved_n = 0;
    bool found = false;
    note_checkpoint cur, old;
    memset(&old, 0, sizeof old);
    int rc = source_head(s, note, &n);
    snprintf(what, sizeof what, "the head from %s", s->name);
    if (!rc) rc = check_head(w, what, note, n, &cur);
    if (!rc) rc = read_saved(w->head_file, saved, &saved_n, &found);
    if (rc) return rc;
    if (found) {
        snprintf(what, sizeof what, "the saved head in %s", w->head_file);
        if ((rc = check_head(w, what, saved, saved_n, &old))) return rc;
        if ((rc = compare(w, s, &old, &cur))) return rc;
    }
    if ((rc = save_head(w->head_file, note, n))) return rc;
    return report(o, w, !found, &old, &cur);
}

int cmd_witness(int argc, char **argv)
{
    const char *head = NULL, *key = NULL;
    const opts_extra extra[] = {{"head", &head, NULL}, {"key", &key, NULL}};
    opts o;
    int rc = opts_parse(&o, "witness", USAGE, argc, argv, extra, 2);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 1, 1, "SOURCE: the ledger file or the server's URL"))) return rc;
    if (!head || !*head)
        return opts_usage_error(&o, "missing --head FILE (where the head is kept)");
    if (!key || !*key) return opts_usage_error(&o, "missing --key VKEY (the pinned verifier key)");
    witness w;
    memset(&w, 0, sizeof w);
    w.head_file = head;
    w.src_arg = o.args[0];
    hb_err err = {0};
    if ((rc = note_init(&err))) return out_fail(&err, rc);
    if ((rc = load_key(&o, key, &w))) return rc;
    source s;
    if ((rc = source_open(&s, o.args[0]))) return rc;
    rc = run(&o, &w, &s);
    source_close(&s);
    return rc;
}
