/* note: Ed25519 keys, C2SP signed notes and tlog checkpoints, to the contract in
 * note.h. Go's golang.org/x/mod/sumdb/note is the reference: what it signs we sign
 * byte for byte, and a note it opens we open (C2SP signed-note's rules: UTF-8, no
 * character below U+0020 but newline, split at the last empty line), except that
 * we are stricter in three places, each because habeas only makes the strict form:
 * - key names are printable ASCII (Go allows any UTF-8 without spaces or '+');
 * - key ids in key texts are lower-case hex (Go also takes upper case);
 * - every signature line by the trusted key must verify (Go checks the first).
 * Lines by other signers (witnesses' cosignatures) are parsed with Go's looser
 * name rule and then ignored, so a cosigned note still verifies.
 *
 * Secrets: every stack copy of a seed or a signer-key text is wiped with
 * sodium_memzero before return; error messages never quote a signer key. */
#include "ledger/note.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/hbtime.h"

#define ALG_ED25519 0x01
#define SIG_LINES_MAX 100 /* as Go: bounds the work a hostile note can cause */
#define B64 sodium_base64_VARIANT_ORIGINAL
#define KEY_FILE_MAX 1024 /* a signer key is under 240 bytes; more is not a key file */

static const char DASH[] = "\xE2\x80\x94 "; /* U+2014 and a space: starts a signature line */
#define DASH_LEN 4
static const char SKEY_PREFIX[] = "PRIVATE+KEY+";
#define SKEY_PREFIX_LEN 12

int note_init(hb_err *err)
{
    /* sodium_init is idempotent and thread-safe; 1 means "already done". */
    if (sodium_init() < 0)
        return hb_fail(err, HB_EINTERNAL,
                       "libsodium could not start (sodium_init failed), so no key can be made "
                       "or checked; check that the system's random source (getrandom, "
                       "/dev/urandom) works");
    return 0;
}

static bool name_valid_n(const char *s, size_t n)
{
    if (n == 0 || n > NOTE_NAME_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '+') return false;
    }
    return true;
}

bool note_name_valid(const char *name)
{
    return name && name_valid_n(name, strnlen(name, NOTE_NAME_MAX + 1));
}

static int key_id(const char *name, size_t n, const uint8_t pub[32], uint8_t id[4])
{
    static const uint8_t sep[2] = {'\n', ALG_ED25519};
    crypto_hash_sha256_state st;
    uint8_t h[crypto_hash_sha256_BYTES];
    if (crypto_hash_sha256_init(&st) || crypto_hash_sha256_update(&st, (const uint8_t *)name, n) ||
        crypto_hash_sha256_update(&st, sep, 2) || crypto_hash_sha256_update(&st, pub, 32) ||
        crypto_hash_sha256_final(&st, h))
        return HB_EINTERNAL;
    memcpy(id, h, 4);
    return 0;
}

static void id_hex(const uint8_t id[4], char out[9])
{
    snprintf(out, 9, "%02x%02x%02x%02x", id[0], id[1], id[2], id[3]);
}

static int id_unhex(const char *s, size_t n, uint8_t id[4])
{
    if (n != 8) return -1;
    for (size_t i = 0; i < 8; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) return -1;
        id[i / 2] = (uint8_t)(i % 2 ? id[i / 2] | v : v << 4);
    }
    return 0;
}

/* Decodes standard padded base64 of exactly want bytes; libsodium also refuses
 * non-zero padding bits, so each value has one encoding. */
static int b64_exact(const char *s, size_t n, uint8_t *out, size_t want)
{
    size_t len = 0;
    if (n != sodium_base64_ENCODED_LEN(want, B64) - 1) return -1;
    if (sodium_base642bin(out, want, s, n, NULL, &len, NULL, B64) != 0 || len != want) return -1;
    return 0;
}

/* Splits "NAME+ID+KEY" (the tail both key texts share); the key is base64 of
 * 0x01 || 32 bytes. what names the text in messages; secret keeps its bytes out. */
static int key_fields(const char *what, const char *t, size_t n, note_vkey *v, uint8_t key[32],
                      hb_err *err)
{
    memset(v, 0, sizeof *v); /* first: key may point into v (v->pub) */
    const char *p1 = memchr(t, '+', n);
    const char *p2 = p1 ? memchr(p1 + 1, '+', n - (size_t)(p1 + 1 - t)) : NULL;
    if (!p2)
        return hb_fail(err, HB_EINPUT,
                       "%s: expected NAME+KEYID+KEY (three fields joined by '+'), found fewer "
                       "fields; copy the whole key as habeas printed it",
                       what);
    size_t name_n = (size_t)(p1 - t);
    if (!name_valid_n(t, name_n))
        return hb_fail(err, HB_EINPUT,
                       "%s: the name is not a valid key name (1 to %d printable ASCII characters, "
                       "no space, no '+'); copy the whole key as habeas printed it",
                       what, NOTE_NAME_MAX);
    uint8_t id[4];
    if (id_unhex(p1 + 1, (size_t)(p2 - p1 - 1), id))
        return hb_fail(err, HB_EINPUT,
                       "%s: the key id (second field) is not 8 lower-case hex digits; copy the "
                       "whole key as habeas printed it",
                       what);
    uint8_t raw[33];
    if (b64_exact(p2 + 1, n - (size_t)(p2 + 1 - t), raw, sizeof raw)) {
        sodium_memzero(raw, sizeof raw);
        return hb_fail(err, HB_EINPUT,
                       "%s: the key (third field) is not standard padded base64 of 33 bytes; "
                       "copy the whole key as habeas printed it",
                       what);
    }
    if (raw[0] != ALG_ED25519) {
        unsigned alg = raw[0];
        sodium_memzero(raw, sizeof raw);
        return hb_fail(err, HB_EINPUT,
                       "%s: the key's algorithm byte is 0x%02x, not 0x01 (Ed25519), the only "
                       "algorithm habeas knows",
                       what, alg);
    }
    memcpy(key, raw + 1, 32);
    sodium_memzero(raw, sizeof raw);
    memcpy(v->name, t, name_n);
    memcpy(v->id, id, 4);
    return 0;
}

static int id_matches(const char *what, note_vkey *v, hb_err *err)
{
    uint8_t id[4];
    if (key_id(v->name, strlen(v->name), v->pub, id))
        return hb_fail(err, HB_EINTERNAL, "%s: SHA-256 failed in libsodium", what);
    if (memcmp(id, v->id, 4) != 0) {
        char got[9], want[9];
        id_hex(v->id, got);
        id_hex(id, want);
        return hb_fail(err, HB_EINPUT,
                       "%s: key id %s does not match the key (whose id is %s): the key was "
                       "altered or copied wrongly; copy it again from where habeas printed it",
                       what, got, want);
    }
    return 0;
}

int note_vkey_parse(const char *text, size_t n, note_vkey *out, hb_err *err)
{
    int rc = note_init(err);
    if (rc) return rc;
    note_vkey v;
    if ((rc = key_fields("verifier key", text, n, &v, v.pub, err))) return rc;
    if ((rc = id_matches("verifier key", &v, err))) return rc;
    *out = v;
    return 0;
}

void note_vkey_format(const note_vkey *v, char out[NOTE_VKEY_MAX])
{
    uint8_t raw[33] = {ALG_ED25519};
    char hex[9], b64[sodium_base64_ENCODED_LEN(33, B64)];
    memcpy(raw + 1, v->pub, 32);
    id_hex(v->id, hex);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, B64);
    snprintf(out, NOTE_VKEY_MAX, "%s+%s+%s", v->name, hex, b64);
}

static int key_parse(const char *what, const char *text, size_t n, note_key *out, hb_err *err)
{
    int rc = note_init(err);
    if (rc) return rc;
    if (n < SKEY_PREFIX_LEN || memcmp(text, SKEY_PREFIX, SKEY_PREFIX_LEN) != 0)
        return hb_fail(err, HB_EINPUT,
                       "%s: does not start with \"PRIVATE+KEY+\", so it is not a signer key "
                       "(a verifier key is NAME+KEYID+KEY and cannot sign)",
                       what);
    note_key k;
    uint8_t seed[32];
    rc = key_fields(what, text + SKEY_PREFIX_LEN, n - SKEY_PREFIX_LEN, &k.v, seed, err);
    if (!rc && crypto_sign_seed_keypair(k.v.pub, k.sk, seed) != 0)
        rc = hb_fail(err, HB_EINTERNAL, "%s: libsodium could not derive the key pair", what);
    sodium_memzero(seed, sizeof seed);
    if (!rc) rc = id_matches(what, &k.v, err);
    if (!rc) *out = k;
    sodium_memzero(&k, sizeof k);
    return rc;
}

int note_key_parse(const char *text, size_t n, note_key *out, hb_err *err)
{
    return key_parse("signer key", text, n, out, err);
}

int note_key_generate(const char *name, note_key *out, hb_err *err)
{
    int rc = note_init(err);
    if (rc) return rc;
    if (!note_name_valid(name))
        return hb_fail(err, HB_EINPUT,
                       "key name \"%.*s\" is not valid: use 1 to %d printable ASCII characters "
                       "with no space and no '+' (for example habeas/prison-registry)",
                       NOTE_NAME_MAX, name ? name : "", NOTE_NAME_MAX);
    note_key k;
    memset(&k, 0, sizeof k);
    snprintf(k.v.name, sizeof k.v.name, "%s", name);
    if (crypto_sign_keypair(k.v.pub, k.sk) != 0 || key_id(name, strlen(name), k.v.pub, k.v.id)) {
        sodium_memzero(&k, sizeof k);
        return hb_fail(err, HB_EINTERNAL, "libsodium could not generate a key pair");
    }
    *out = k;
    sodium_memzero(&k, sizeof k);
    return 0;
}

/* The signer-key line, with its newline. Returns its length. */
static size_t skey_format(const note_key *k, char *out, size_t cap)
{
    uint8_t raw[33] = {ALG_ED25519};
    char hex[9], b64[sodium_base64_ENCODED_LEN(33, B64)];
    memcpy(raw + 1, k->sk, 32); /* libsodium's secret key starts with the seed */
    id_hex(k->v.id, hex);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, B64);
    int len = snprintf(out, cap, "%s%s+%s+%s\n", SKEY_PREFIX, k->v.name, hex, b64);
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(b64, sizeof b64);
    return len < 0 ? 0 : (size_t)len;
}

/* A key struct filled by hand could pair a secret with someone else's public key
 * or id; signing with it would make notes nobody can verify. */
static int key_consistent(const note_key *k, hb_err *err)
{
    uint8_t id[4];
    if (!note_name_valid(k->v.name) || memcmp(k->sk + 32, k->v.pub, 32) != 0 ||
        key_id(k->v.name, strlen(k->v.name), k->v.pub, id) || memcmp(id, k->v.id, 4) != 0)
        return hb_fail(err, HB_EINPUT,
                       "the signing key is inconsistent (its name, public key and key id do not "
                       "belong together); load it with note_key_read_file or note_key_parse");
    return 0;
}

static int fsync_dir_of(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    /* Some file systems cannot fsync a directory (EINVAL); the file itself is safe. */
    int rc = fsync(fd) != 0 && errno != EINVAL ? -1 : 0;
    close(fd);
    return rc;
}

int note_key_write_file(const char *path, const note_key *k, hb_err *err)
{
    int rc = note_init(err);
    if (rc) return rc;
    if ((rc = key_consistent(k, err))) return rc;
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return hb_fail(err, HB_EINPUT,
                           "signing key file %s already exists; habeas never overwrites a key "
                           "(the log's signed heads depend on it): move it away or choose "
                           "another path with $HABEAS_KEY_FILE",
                           path);
        return hb_fail(err, HB_EINTERNAL, "cannot create signing key file %s: %s", path,
                       strerror(errno));
    }
    char line[SKEY_PREFIX_LEN + NOTE_NAME_MAX + 64];
    size_t n = skey_format(k, line, sizeof line), done = 0;
    const char *why = NULL;
    /* The umask may have taken bits off 0600 (0400 under umask 0277); we need it
     * readable and writable by its owner, and by nobody else. */
    if (fchmod(fd, 0600) != 0) why = "fchmod";
    while (!why && done < n) {
        ssize_t w = write(fd, line + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            why = "write";
        else
            done += (size_t)w;
    }
    if (!why && fsync(fd) != 0) why = "fsync";
    int saved = errno;
    sodium_memzero(line, sizeof line);
    if (close(fd) != 0 && !why) {
        why = "close";
        saved = errno;
    }
    if (!why && fsync_dir_of(path) != 0) {
        why = "fsync of its directory";
        saved = errno;
    }
    if (why) {
        unlink(path); /* a half-written key would block the retry (O_EXCL) */
        return hb_fail(err, HB_EINTERNAL,
                       "cannot write signing key file %s (%s: %s); nothing "
                       "was kept, fix the cause and retry",
                       path, why, strerror(saved));
    }
    return 0;
}

int note_key_read_file(const char *path, note_key *out, hb_err *err)
{
    int rc = note_init(err);
    if (rc) return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return hb_fail(err, HB_EINPUT,
                           "no signing key at %s; it is made when the ledger is created: set "
                           "$HABEAS_KEY_FILE if it is kept elsewhere",
                           path);
        return hb_fail(err, HB_EINPUT, "cannot open signing key file %s: %s", path,
                       strerror(errno));
    }
    struct stat st;
    /* fstat, not stat: the mode we judge is the mode of the file we read. */
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return hb_fail(err, HB_EINTERNAL, "cannot stat signing key file %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return hb_fail(err, HB_EINPUT, "signing key file %s is not a regular file", path);
    }
    if (st.st_mode & 077) {
        close(fd);
        return hb_fail(err, HB_EINPUT,
                       "signing key file %s has mode %04o: group or others may read or write "
                       "it, so it is refused; run chmod 600 %s (and consider the key leaked "
                       "if others could read it)",
                       path, (unsigned)(st.st_mode & 07777), path);
    }
    char text[KEY_FILE_MAX + 1];
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, text + n, sizeof text - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            sodium_memzero(text, sizeof text);
            return hb_fail(err, HB_EINTERNAL, "cannot read signing key file %s: %s", path,
                           strerror(e));
        }
        if (r == 0 || (n += (size_t)r) == sizeof text) break;
    }
    close(fd);
    char what[4200];
    snprintf(what, sizeof what, "signing key file %s", path);
    if (n > KEY_FILE_MAX) {
        rc = hb_fail(err, HB_EINPUT, "%s: over %d bytes, so it is not a key file", what,
                     KEY_FILE_MAX);
    } else {
        if (n > 0 && text[n - 1] == '\n') n--; /* we write one line; Go tools write none */
        rc = key_parse(what, text, n, out, err);
    }
    sodium_memzero(text, sizeof text);
    return rc;
}

/* Length of the well-formed UTF-8 sequence at s[0..n) (n > 0), or 0: overlong
 * forms, surrogates, values over U+10FFFF and truncated sequences are not. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) return *cp = c, 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, v = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, v = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return len;
}

/* The whole note (or text): UTF-8, and no control character but '\n'. */
static int chars_check(const char *what, const char *s, size_t n, hb_err *err)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t len = utf8_len((const unsigned char *)s + i, n - i, &cp);
        if (!len)
            return hb_fail(err, HB_EINPUT, "%s: byte %zu is not valid UTF-8; a note is UTF-8 text",
                           what, i);
        if (cp < 0x20 && cp != '\n')
            return hb_fail(err, HB_EINPUT,
                           "%s: byte %zu is a control character (0x%02x); a note may hold no "
                           "control character but newline",
                           what, i, (unsigned)cp);
        i += len;
    }
    return 0;
}

/* A signature line's name by Go's rule (any UTF-8 but spaces and '+'), so that
 * cosignatures by witnesses with other naming schemes are still well-formed. */
static bool sig_name_valid(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t len = utf8_len((const unsigned char *)s + i, n - i, &cp);
        if (!len || cp == '+' || cp <= 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
            (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
            cp == 0x205f || cp == 0x3000)
            return false;
        i += len;
    }
    return true;
}

/* What note_sign accepts as text: non-empty lines each ending in '\n', none empty. */
static int text_check(const char *t, size_t n, hb_err *err)
{
    if (n == 0 || t[n - 1] != '\n')
        return hb_fail(err, HB_EINPUT,
                       "note text: %s; a note's text is one or more lines, each ending in a "
                       "newline",
                       n == 0 ? "it is empty" : "it does not end with a newline");
    bool blank = t[0] == '\n';
    for (size_t i = 1; i < n && !blank; i++)
        blank = t[i] == '\n' && t[i - 1] == '\n';
    if (blank)
        return hb_fail(err, HB_EINPUT,
                       "note text: it has an empty line; the empty line is what separates a "
                       "note's text from its signatures");
    return chars_check("note text", t, n, err);
}

int note_sign(const note_key *k, const char *text, size_t n, buf *out, hb_err *err)
{
    int rc = note_init(err);
    if (rc) return rc;
    if ((rc = key_consistent(k, err)) || (rc = text_check(text, n, err))) return rc;
    uint8_t sig[4 + crypto_sign_BYTES];
    char b64[sodium_base64_ENCODED_LEN(sizeof sig, B64)];
    memcpy(sig, k->v.id, 4);
    if (crypto_sign_detached(sig + 4, NULL, (const uint8_t *)text, n, k->sk) != 0)
        return hb_fail(err, HB_EINTERNAL, "libsodium could not sign the note");
    sodium_bin2base64(b64, sizeof b64, sig, sizeof sig, B64);
    size_t name_n = strlen(k->v.name), b64_n = strlen(b64);
    size_t total = n + 1 + DASH_LEN + name_n + 1 + b64_n + 1;
    if (total > NOTE_BYTES_MAX)
        return hb_fail(err, HB_EINPUT,
                       "note text: the signed note would be %zu bytes, over the %d-byte limit "
                       "that verifiers apply; shorten the text",
                       total, NOTE_BYTES_MAX);
    /* Reserved first, the appends below cannot fail half-way. */
    if (buf_reserve(out, total))
        return hb_fail(err, HB_EINTERNAL, "out of memory making a %zu-byte signed note", total);
    buf_put(out, text, n);
    buf_putc(out, '\n');
    buf_put(out, DASH, DASH_LEN);
    buf_put(out, k->v.name, name_n);
    buf_putc(out, ' ');
    buf_put(out, b64, b64_n);
    buf_putc(out, '\n');
    return 0;
}

static size_t last_blank_line(const char *s, size_t n)
{
    for (size_t i = n - 1; i > 0; i--)
        if (s[i] == '\n' && s[i - 1] == '\n') return i - 1;
    return SIZE_MAX;
}

int note_verify(const note_vkey *v, const char *note, size_t n, size_t *text_len, hb_err *err)
{
    int rc = note_init(err);
    if (rc) return rc;
    if (n > NOTE_BYTES_MAX)
        return hb_fail(err, HB_EINPUT,
                       "signed note: %zu bytes, over the %d-byte limit; this is not a note "
                       "habeas makes or accepts",
                       n, NOTE_BYTES_MAX);
    if ((rc = chars_check("signed note", note, n, err))) return rc;
    size_t split = n >= 2 ? last_blank_line(note, n) : SIZE_MAX;
    if (split == SIZE_MAX)
        return hb_fail(err, HB_EINPUT,
                       "signed note: no empty line between the text and the signatures; "
                       "expected the text, an empty line, then lines \"— NAME SIGNATURE\"");
    const char *sigs = note + split + 2, *end = note + n;
    if (sigs == end || end[-1] != '\n')
        return hb_fail(err, HB_EINPUT, "signed note: %s after the empty line",
                       sigs == end ? "no signature lines"
                                   : "the last line does not end in a "
                                     "newline");
    size_t text_n = split + 1;
    char want[NOTE_NAME_MAX + 10];
    char hex[9];
    id_hex(v->id, hex);
    snprintf(want, sizeof want, "%s+%s", v->name, hex);
    size_t vname_n = strlen(v->name);
    int lines = 0, matched = 0;
    uint8_t raw[NOTE_BYTES_MAX / 4 * 3]; /* the most a line of a note can decode to */
    for (const char *p = sigs; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)(nl - p);
        if (++lines > SIG_LINES_MAX)
            return hb_fail(err, HB_EINPUT, "signed note: more than %d signature lines",
                           SIG_LINES_MAX);
        if (len < DASH_LEN || memcmp(p, DASH, DASH_LEN) != 0)
            return hb_fail(err, HB_EINPUT,
                           "signed note: signature line %d does not start with an em dash "
                           "(U+2014) and a space; expected \"— NAME SIGNATURE\"",
                           lines);
        const char *name = p + DASH_LEN;
        const char *sp = memchr(name, ' ', (size_t)(nl - name));
        size_t name_n = sp ? (size_t)(sp - name) : 0, raw_n = 0;
        const char *b64 = sp ? sp + 1 : nl;
        if (!sp || !sig_name_valid(name, name_n) || b64 == nl ||
            sodium_base642bin(raw, sizeof raw, b64, (size_t)(nl - b64), NULL, &raw_n, NULL, B64) !=
                0 ||
            raw_n < 5)
            return hb_fail(err, HB_EINPUT,
                           "signed note: signature line %d is malformed; expected \"— NAME "
                           "BASE64\" with a name (no space, no '+') and standard padded base64 "
                           "of a 4-byte key id and a signature",
                           lines);
        if (name_n == vname_n && memcmp(name, v->name, name_n) == 0 && memcmp(raw, v->id, 4) == 0) {
            matched++;
            if (raw_n != 4 + crypto_sign_BYTES ||
                crypto_sign_verify_detached(raw + 4, (const uint8_t *)note, text_n, v->pub) != 0)
                return hb_fail(err, HB_EINPUT,
                               "signed note: the signature by %s (line %d) does not verify: "
                               "the text was changed after signing or the signature is not "
                               "this key's; do not trust this note",
                               want, lines);
        }
        p = nl + 1;
    }
    if (!matched)
        return hb_fail(err, HB_EINPUT,
                       "signed note: not signed by %s (the key you trust): none of its %d "
                       "signature lines is by that name and key id; check that you pinned "
                       "this log's verifier key",
                       want, lines);
    if (text_len) *text_len = text_n;
    return 0;
}

static bool timestamp_in_range(int64_t us)
{
    /* hbtime formats four-digit years only: 0001-01-01 .. 9999-12-31. */
    int64_t lo = hb_days_from_civil(1, 1, 1) * HB_US_PER_DAY;
    int64_t hi = hb_days_from_civil(10000, 1, 1) * HB_US_PER_DAY;
    return us >= lo && us < hi;
}

const char *note_hash_b64(const uint8_t h[32], char out[NOTE_HASH_B64])
{
    return sodium_bin2base64(out, NOTE_HASH_B64, h, 32, B64);
}

int note_checkpoint_format(const note_checkpoint *c, buf *out)
{
    bool stamped = c->timestamp_us != INT64_MIN;
    if (!note_name_valid(c->origin) || (stamped && !timestamp_in_range(c->timestamp_us)))
        return HB_EINPUT;
    char root[NOTE_HASH_B64], ts[28];
    note_hash_b64(c->root, root);
    size_t at = out->len;
    int rc = buf_printf(out, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, root);
    if (!rc && stamped) {
        hbtime_format_utc(c->timestamp_us, ts);
        rc = buf_printf(out, "timestamp %s\n", ts);
    }
    if (rc) {
        out->len = at; /* the buffer as it was: no half checkpoint */
        if (out->p) out->p[at] = '\0';
        return HB_EINTERNAL;
    }
    return 0;
}

static int size_parse(const char *s, size_t n, uint64_t *out)
{
    /* C2SP tlog-checkpoint: decimal, no sign, no leading zero (so one spelling). */
    if (n == 0 || n > 20 || (n > 1 && s[0] == '0')) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int timestamp_parse(const char *s, size_t n, int64_t *us)
{
    const char *why;
    char back[28];
    if (n != 27 || hbtime_parse(s, n, us, &why) != 0) return -1;
    /* Only the one spelling we write, so a checkpoint has a single text. */
    hbtime_format_utc(*us, back);
    return memcmp(back, s, 27) == 0 ? 0 : -1;
}

int note_checkpoint_parse(const char *text, size_t n, note_checkpoint *out, hb_err *err)
{
    static const char *const what[3] = {"the origin", "the tree size", "the root hash"};
    note_checkpoint c;
    memset(&c, 0, sizeof c);
    c.timestamp_us = INT64_MIN;
    int rc = chars_check("checkpoint", text, n, err);
    if (rc) return rc;
    if (n == 0 || text[n - 1] != '\n')
        return hb_fail(err, HB_EINPUT,
                       "checkpoint: %s; expected lines origin, tree size, root hash, each "
                       "ending in a newline",
                       n == 0 ? "it is empty" : "the last line does not end in a newline");
    int line = 0;
    for (const char *p = text, *end = text + n; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)(nl - p);
        line++;
        if (line == 1 && !name_valid_n(p, len))
            return hb_fail(err, HB_EINPUT,
                           "checkpoint line 1: the origin is not a valid log name (1 to %d "
                           "printable ASCII characters, no space, no '+')",
                           NOTE_NAME_MAX);
        if (line == 2 && size_parse(p, len, &c.size))
            return hb_fail(err, HB_EINPUT,
                           "checkpoint line 2: the tree size \"%.*s\" is not a decimal number "
                           "without sign or leading zero, at most 2^64-1",
                           (int)(len > 40 ? 40 : len), p);
        if (line == 3 && b64_exact(p, len, c.root, 32))
            return hb_fail(err, HB_EINPUT,
                           "checkpoint line 3: the root hash is not standard padded base64 of "
                           "32 bytes");
        if (line > 3 && len == 0)
            return hb_fail(err, HB_EINPUT,
                           "checkpoint line %d is empty; extension lines may not be", line);
        if (line > 3 && len >= 10 && memcmp(p, "timestamp ", 10) == 0) {
            if (c.timestamp_us != INT64_MIN)
                return hb_fail(err, HB_EINPUT, "checkpoint line %d: a second timestamp line", line);
            if (timestamp_parse(p + 10, len - 10, &c.timestamp_us))
                return hb_fail(err, HB_EINPUT,
                               "checkpoint line %d: expected \"timestamp "
                               "YYYY-MM-DDThh:mm:ss.uuuuuuZ\" (UTC, six fraction digits)",
                               line);
        }
        if (line == 1) memcpy(c.origin, p, len);
        p = nl + 1;
    }
    if (line < 3)
        return hb_fail(err, HB_EINPUT,
                       "checkpoint: only %d line%s, %s missing; expected origin, tree size and "
                       "root hash",
                       line, line == 1 ? "" : "s", what[line]);
    *out = c;
    return 0;
}
