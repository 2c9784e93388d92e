/* note: Ed25519 keys, signed notes and checkpoints against Go's sumdb/note vector,
 * round trips, every malformed form refused, and the key file's mode rules. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>
#include "ledger/note.h"
#include "util/buf.h"

/* Go's golang.org/x/mod/sumdb/note test vector (note_test.go). */
static const char GO_SKEY[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char GO_VKEY[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char GO_TEXT[] = "If you think cryptography is the answer to your problem,\n"
                              "then you don't know what your problem is.\n";
static const char GO_SIG[] = "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZ"
                             "InNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static void go_key(note_key *k, note_vkey *v)
{
    hb_err err = {0};
    assert_int_equal(note_key_parse(GO_SKEY, strlen(GO_SKEY), k, &err), 0);
    assert_int_equal(note_vkey_parse(GO_VKEY, strlen(GO_VKEY), v, &err), 0);
}

/* The Go note as one string: text, blank line, signature. Caller frees. */
static char *go_note(void)
{
    size_t n = strlen(GO_TEXT) + 1 + strlen(GO_SIG) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%s\n%s", GO_TEXT, GO_SIG);
    return s;
}

/* note_verify of s with v; returns the code and leaves the message in err. */
static int verify_str(const note_vkey *v, const char *s, hb_err *err)
{
    size_t tl = 0;
    memset(err, 0, sizeof *err);
    return note_verify(v, s, strlen(s), &tl, err);
}

static void expect_refused(const note_vkey *v, const char *s, const char *says)
{
    hb_err err = {0};
    int rc = verify_str(v, s, &err);
    if (rc != HB_EINPUT || !strstr(err.msg, says))
        fail_msg("note %.60s...: rc %d, message \"%s\", wanted \"%s\"", s, rc, err.msg, says);
}

static void go_vector(void **st)
{
    (void)st;
    note_key k;
    note_vkey v;
    go_key(&k, &v);
    assert_string_equal(k.v.name, "PeterNeumann");
    assert_memory_equal(k.v.id, "\xc7\x4f\x20\xa3", 4);
    assert_memory_equal(&k.v, &v, sizeof v);
    char text[NOTE_VKEY_MAX];
    note_vkey_format(&k.v, text);
    assert_string_equal(text, GO_VKEY);

    hb_err err = {0};
    buf out = BUF_INIT; /* freed below */
    assert_int_equal(note_sign(&k, GO_TEXT, strlen(GO_TEXT), &out, &err), 0);
    char *want = go_note(); /* freed below */
    assert_string_equal(out.p, want);
    size_t tl = 0;
    assert_int_equal(note_verify(&v, out.p, out.len, &tl, &err), 0);
    assert_int_equal(tl, strlen(GO_TEXT));
    free(want);
    buf_free(&out);
}

static void round_trips(void **st)
{
    (void)st;
    hb_err err = {0};
    note_key k, k2;
    assert_int_equal(note_key_generate("habeas/0123456789abcdef", &k, &err), 0);
    char vtext[NOTE_VKEY_MAX];
    note_vkey_format(&k.v, vtext);
    note_vkey v;
    assert_int_equal(note_vkey_parse(vtext, strlen(vtext), &v, &err), 0);
    assert_memory_equal(&v, &k.v, sizeof v);

    const char *dir = tu_tmpdir();
    const char *path = tu_path(dir, "k.key");
    assert_int_equal(note_key_write_file(path, &k, &err), 0);
    assert_int_equal(note_key_read_file(path, &k2, &err), 0);
    assert_memory_equal(&k, &k2, sizeof k);
    size_t n = 0;
    char *line = tu_read(path, &n); /* freed below */
    assert_true(n > 12 && strncmp(line, "PRIVATE+KEY+habeas/0123456789abcdef+", 36) == 0);
    assert_int_equal(line[n - 1], '\n');
    note_key k3;
    assert_int_equal(note_key_parse(line, n - 1, &k3, &err), 0);
    assert_memory_equal(&k, &k3, sizeof k);
    free(line);

    buf out = BUF_INIT; /* freed below */
    buf_puts(&out, "prefix kept|");
    const char *t = "one\ntwo \xC3\xA9t\xC3\xA9\n";
    assert_int_equal(note_sign(&k, t, strlen(t), &out, &err), 0);
    size_t tl = 0;
    assert_int_equal(note_verify(&v, out.p + 12, out.len - 12, &tl, &err), 0);
    assert_int_equal(tl, strlen(t));
    assert_memory_equal(out.p, "prefix kept|", 12);

    /* Two keys never share an id or a signature. */
    note_key o;
    assert_int_equal(note_key_generate("habeas/0123456789abcdef", &o, &err), 0);
    assert_memory_not_equal(o.v.pub, k.v.pub, 32);
    buf_free(&out);
}

static void names(void **st)
{
    (void)st;
    assert_true(note_name_valid("a"));
    assert_true(note_name_valid("example.com/log-1"));
    char longest[NOTE_NAME_MAX + 2];
    memset(longest, 'x', sizeof longest);
    longest[NOTE_NAME_MAX] = '\0';
    assert_true(note_name_valid(longest));
    longest[NOTE_NAME_MAX] = 'x';
    longest[NOTE_NAME_MAX + 1] = '\0';
    assert_false(note_name_valid(longest));
    const char *bad[] = {"", "a b", "a+b", "+", "a\tb", "a\nb", "caf\xC3\xA9", "a\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_false(note_name_valid(bad[i]));
        note_key k;
        hb_err err = {0};
        assert_int_equal(note_key_generate(bad[i], &k, &err), HB_EINPUT);
        assert_non_null(strstr(err.msg, "not valid"));
    }
    assert_false(note_name_valid(NULL));
}

static void expect_vkey_refused(const char *s, const char *says)
{
    note_vkey v;
    hb_err err = {0};
    int rc = note_vkey_parse(s, strlen(s), &v, &err);
    if (rc != HB_EINPUT || !strstr(err.msg, says))
        fail_msg("vkey %s: rc %d, message \"%s\", wanted \"%s\"", s, rc, err.msg, says);
}

static void expect_skey_refused(const char *s, const char *says)
{
    note_key k;
    hb_err err = {0};
    int rc = note_key_parse(s, strlen(s), &k, &err);
    if (rc != HB_EINPUT || !strstr(err.msg, says))
        fail_msg("skey %s: rc %d, message \"%s\", wanted \"%s\"", s, rc, err.msg, says);
    /* A signer key's secret part is never echoed back. */
    assert_null(strstr(err.msg, "AYEKFALV"));
}

static void malformed_keys(void **st)
{
    (void)st;
    expect_vkey_refused("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                        "key id c74f20a4 does not match the key (whose id is c74f20a3)");
    expect_vkey_refused("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                        "8 lower-case hex");
    expect_vkey_refused("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                        "8 lower-case hex");
    expect_vkey_refused("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                        "not a valid key name");
    expect_vkey_refused("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                        "not a valid key name");
    expect_vkey_refused("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!",
                        "not standard padded base64 of 33 bytes");
    expect_vkey_refused("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
                        "not standard padded base64 of 33 bytes");
    expect_vkey_refused("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW ",
                        "base64");
    expect_vkey_refused("PeterNeumann+c74f20a3+", "base64");
    expect_vkey_refused("PeterNeumann+c74f20a3", "three fields");
    expect_vkey_refused("", "three fields");
    /* Same 32 key bytes with algorithm byte 0x02. */
    expect_vkey_refused("PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                        "algorithm byte is 0x02");
    /* A verifier key is not a signer key, and the other way round. */
    expect_skey_refused(GO_VKEY, "does not start with \"PRIVATE+KEY+\"");
    expect_vkey_refused(GO_SKEY, "key id (second field)");
    expect_skey_refused(
        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "does not match the key");
    expect_skey_refused(
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF", "base64");
    expect_skey_refused(
        "PRIVATE+KEY+Peter+Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "8 lower-case hex");
    /* The name is part of the key id: renaming a key breaks it. */
    expect_skey_refused(
        "PRIVATE+KEY+PeterNeumanN+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "does not match");
}

/* Decodes the last signature line's base64 of a note, sets its key id to id,
 * and writes it back: a signature that claims another key. */
static void set_sig_id(buf *note, const uint8_t id[4])
{
    char *b64 = strrchr(note->p, ' ') + 1;
    size_t n = strlen(b64) - 1, rn = 0;
    uint8_t raw[68];
    assert_int_equal(
        sodium_base642bin(raw, sizeof raw, b64, n, NULL, &rn, NULL, sodium_base64_VARIANT_ORIGINAL),
        0);
    assert_int_equal(rn, 68);
    memcpy(raw, id, 4);
    sodium_bin2base64(b64, n + 1, raw, rn, sodium_base64_VARIANT_ORIGINAL);
    b64[n] = '\n';
}

static void malformed_notes(void **st)
{
    (void)st;
    note_key k;
    note_vkey v;
    go_key(&k, &v);
    char *good = go_note(); /* freed below */
    static char s[NOTE_BYTES_MAX * 2];
    hb_err err = {0};
    int sig_n = (int)strlen(GO_SIG);
    assert_int_equal(verify_str(&v, good, &err), 0);

    snprintf(s, sizeof s, "%s%s", GO_TEXT, GO_SIG);
    expect_refused(&v, s, "no empty line");
    /* Control characters, in the text and after the signatures. */
    snprintf(s, sizeof s, "If you\tthink\n\n%s", GO_SIG);
    expect_refused(&v, s, "byte 6 is a control character (0x09)");
    snprintf(s, sizeof s, "%s\r\n", good);
    expect_refused(&v, s, "control character (0x0d)");
    snprintf(s, sizeof s, "a\x1f\n\n%s", GO_SIG);
    expect_refused(&v, s, "control character (0x1f)");
    /* Not UTF-8: a lone continuation byte, an overlong '/', a surrogate, a cut sequence. */
    snprintf(s, sizeof s, "a\x80\n\n%s", GO_SIG);
    expect_refused(&v, s, "byte 1 is not valid UTF-8");
    snprintf(s, sizeof s, "a\xC0\xAF\n\n%s", GO_SIG);
    expect_refused(&v, s, "not valid UTF-8");
    snprintf(s, sizeof s, "a\xED\xA0\x80\n\n%s", GO_SIG);
    expect_refused(&v, s, "not valid UTF-8");
    snprintf(s, sizeof s, "%s\xE2\x80", good);
    expect_refused(&v, s, "not valid UTF-8");
    /* The em dash replaced by '-'. */
    snprintf(s, sizeof s, "%s\n-%s", GO_TEXT, GO_SIG + 3);
    expect_refused(&v, s, "signature line 1 does not start with an em dash");
    /* Truncated signature: one character less is not base64; four less is base64 of
     * three bytes less, which is by the key but does not verify. */
    snprintf(s, sizeof s, "%s\n%.*s\n", GO_TEXT, sig_n - 2, GO_SIG);
    expect_refused(&v, s, "signature line 1 is malformed");
    snprintf(s, sizeof s, "%s\n%.*s\n", GO_TEXT, sig_n - 5, GO_SIG);
    expect_refused(&v, s, "the signature by PeterNeumann+c74f20a3 (line 1) does not verify");
    /* A flipped byte in the text (still valid UTF-8). */
    snprintf(s, sizeof s, "%s", good);
    s[3] ^= 0x01;
    expect_refused(&v, s, "does not verify");

    /* Signed by another key under the same name: another key id, so not ours. */
    note_key other;
    assert_int_equal(note_key_generate("PeterNeumann", &other, &err), 0);
    buf out = BUF_INIT; /* freed below */
    assert_int_equal(note_sign(&other, GO_TEXT, strlen(GO_TEXT), &out, &err), 0);
    expect_refused(&v, out.p, "not signed by PeterNeumann+c74f20a3");
    /* ... and the same signature relabelled with our key id. */
    set_sig_id(&out, v.id);
    expect_refused(&v, out.p, "does not verify");
    /* A good line followed by a bad line by the same key: every one must verify. */
    snprintf(s, sizeof s, "%s%s", good, strstr(out.p, "\n\n") + 2);
    expect_refused(&v, s, "(line 2) does not verify");

    snprintf(s, sizeof s, "%s\n", GO_TEXT);
    expect_refused(&v, s, "no signature lines");
    snprintf(s, sizeof s, "%.*s", (int)strlen(good) - 1, good);
    expect_refused(&v, s, "does not end in a newline");
    expect_refused(&v, "", "no empty line");
    expect_refused(&v, "\n", "no empty line");

    /* Too long, and too many signature lines. */
    memset(s, 'a', NOTE_BYTES_MAX);
    s[NOTE_BYTES_MAX - 1] = '\n';
    snprintf(s + NOTE_BYTES_MAX, sizeof s - NOTE_BYTES_MAX, "\n%s", GO_SIG);
    expect_refused(&v, s, "over the 4096-byte limit");
    int at = snprintf(s, sizeof s, "x\n\n");
    for (int i = 0; i < 101; i++)
        at += snprintf(s + at, sizeof s - (size_t)at, "\xE2\x80\x94 w%d AAAAAAAA\n", i);
    expect_refused(&v, s, "more than 100 signature lines");

    /* Malformed second lines: no name, '+' in the name, a no-break space in it,
     * empty base64, no space, fewer than 5 bytes. */
    const char *lines[] = {"\xE2\x80\x94  AAAAAAAA\n",          "\xE2\x80\x94 a+b AAAAAAAA\n",
                           "\xE2\x80\x94 a\xC2\xA0 AAAAAAAA\n", "\xE2\x80\x94 ab \n",
                           "\xE2\x80\x94 abAAAAAAAA\n",         "\xE2\x80\x94 ab AAAA\n",
                           "\xE2\x80\x94 ab AAAAAA==\n"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        snprintf(s, sizeof s, "%s%s", good, lines[i]);
        expect_refused(&v, s, "signature line 2 is malformed");
    }
    /* Only a stranger's signature. */
    snprintf(s, sizeof s, "%s\n\xE2\x80\x94 witness AAAAAAAA\n", GO_TEXT);
    expect_refused(&v, s, "not signed by PeterNeumann+c74f20a3");
    free(good);
    buf_free(&out);
}

/* Cosignatures by others (witnesses, non-ASCII names by Go's rule) are ignored,
 * before or after ours, and each key verifies its own line. */
static void cosigned(void **st)
{
    (void)st;
    note_key k, w;
    note_vkey v;
    go_key(&k, &v);
    hb_err err = {0};
    assert_int_equal(note_key_generate("witness.example/w1", &w, &err), 0);
    buf wn = BUF_INIT; /* freed below */
    assert_int_equal(note_sign(&w, GO_TEXT, strlen(GO_TEXT), &wn, &err), 0);
    static char s[NOTE_BYTES_MAX];
    snprintf(s, sizeof s, "%s\n\xE2\x80\x94 t\xC3\xA9moin AAAAAAAA\n%s%s", GO_TEXT,
             strstr(wn.p, "\n\n") + 2, GO_SIG);
    assert_int_equal(verify_str(&v, s, &err), 0);
    assert_int_equal(verify_str(&w.v, s, &err), 0);
    /* A text with an empty line inside verifies too (C2SP: the split is at the
     * last empty line), though note_sign never makes one. */
    const char *t = "a\n\nb\n";
    uint8_t raw[68];
    char b64[sodium_base64_ENCODED_LEN(68, sodium_base64_VARIANT_ORIGINAL)];
    memcpy(raw, k.v.id, 4);
    assert_int_equal(crypto_sign_detached(raw + 4, NULL, (const uint8_t *)t, 5, k.sk), 0);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
    snprintf(s, sizeof s, "%s\n\xE2\x80\x94 PeterNeumann %s\n", t, b64);
    size_t tl = 0;
    assert_int_equal(note_verify(&v, s, strlen(s), &tl, &err), 0);
    assert_int_equal(tl, 5);
    /* DEL is not below U+0020, so the spec allows it. */
    buf bn = BUF_INIT; /* freed below */
    assert_int_equal(note_sign(&k, "a\x7f\n", 3, &bn, &err), 0);
    assert_int_equal(note_verify(&v, bn.p, bn.len, &tl, &err), 0);
    buf_free(&wn);
    buf_free(&bn);
}

static void sign_refusals(void **st)
{
    (void)st;
    note_key k;
    note_vkey v;
    go_key(&k, &v);
    const char *bad[] = {"", "no newline", "a\n\nb\n", "\na\n", "a\tb\n", "a\x80\n", "a\rb\n"};
    const char *says[] = {"empty",
                          "does not end with a newline",
                          "empty line",
                          "empty line",
                          "control character",
                          "not valid UTF-8",
                          "control character"};
    buf out = BUF_INIT; /* freed below */
    buf_puts(&out, "kept");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hb_err err = {0};
        assert_int_equal(note_sign(&k, bad[i], strlen(bad[i]), &out, &err), HB_EINPUT);
        if (!strstr(err.msg, says[i])) fail_msg("text %zu: \"%s\"", i, err.msg);
        assert_int_equal(out.len, 4);
        assert_string_equal(out.p, "kept");
    }
    static char big[NOTE_BYTES_MAX];
    memset(big, 'a', sizeof big - 100);
    big[sizeof big - 101] = '\n';
    hb_err err = {0};
    assert_int_equal(note_sign(&k, big, strlen(big), &out, &err), HB_EINPUT);
    assert_non_null(strstr(err.msg, "over the 4096-byte limit"));
    assert_int_equal(out.len, 4);
    /* A key whose public half is someone else's is refused, not used. */
    note_key mixed = k;
    mixed.v.pub[0] ^= 1;
    assert_int_equal(note_sign(&mixed, "a\n", 2, &out, &err), HB_EINPUT);
    assert_non_null(strstr(err.msg, "inconsistent"));
    mixed = k;
    mixed.v.id[0] ^= 1;
    assert_int_equal(note_sign(&mixed, "a\n", 2, &out, &err), HB_EINPUT);
    assert_int_equal(out.len, 4);
    buf_free(&out);
}

/* 2025-03-15T21:25:00.123456Z in microseconds since the epoch. */
#define TS 1742073900123456ll

static void checkpoint_round_trip(void **st)
{
    (void)st;
    note_checkpoint c = {.origin = "habeas/0123456789abcdef", .size = 3, .timestamp_us = TS};
    for (int i = 0; i < 32; i++)
        c.root[i] = (uint8_t)i;
    buf out = BUF_INIT; /* freed below */
    assert_int_equal(note_checkpoint_format(&c, &out), 0);
    assert_string_equal(out.p, "habeas/0123456789abcdef\n3\n"
                               "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
                               "timestamp 2025-03-15T21:25:00.123456Z\n");
    note_checkpoint back;
    hb_err err = {0};
    assert_int_equal(note_checkpoint_parse(out.p, out.len, &back, &err), 0);
    assert_memory_equal(&back, &c, sizeof c);

    /* Signed, verified, and the verified text parsed. */
    note_key k;
    assert_int_equal(note_key_generate(c.origin, &k, &err), 0);
    buf sn = BUF_INIT; /* freed below */
    assert_int_equal(note_sign(&k, out.p, out.len, &sn, &err), 0);
    size_t tl = 0;
    assert_int_equal(note_verify(&k.v, sn.p, sn.len, &tl, &err), 0);
    assert_int_equal(tl, out.len);
    assert_int_equal(note_checkpoint_parse(sn.p, tl, &back, &err), 0);
    assert_memory_equal(&back, &c, sizeof c);

    /* No timestamp; the largest size; extension lines ignored. */
    c.timestamp_us = INT64_MIN;
    c.size = UINT64_MAX;
    buf_clear(&out);
    assert_int_equal(note_checkpoint_format(&c, &out), 0);
    assert_null(strstr(out.p, "timestamp"));
    assert_non_null(strstr(out.p, "\n18446744073709551615\n"));
    assert_int_equal(note_checkpoint_parse(out.p, out.len, &back, &err), 0);
    assert_memory_equal(&back, &c, sizeof c);
    buf_puts(&out, "other extension\ntimestamp 2025-03-15T21:25:00.123456Z\n");
    assert_int_equal(note_checkpoint_parse(out.p, out.len, &back, &err), 0);
    assert_int_equal(back.timestamp_us, TS);
    assert_int_equal(back.size, UINT64_MAX);

    /* Size 0 (the empty log) is "0". */
    c.size = 0;
    buf_clear(&out);
    assert_int_equal(note_checkpoint_format(&c, &out), 0);
    assert_non_null(strstr(out.p, "\n0\n"));
    assert_int_equal(note_checkpoint_parse(out.p, out.len, &back, &err), 0);
    assert_int_equal(back.size, 0);

    /* Refused: an invalid origin or a timestamp with no four-digit year; out kept. */
    buf_clear(&out);
    buf_puts(&out, "kept");
    note_checkpoint bad = c;
    snprintf(bad.origin, sizeof bad.origin, "has space");
    assert_int_equal(note_checkpoint_format(&bad, &out), HB_EINPUT);
    bad = c;
    bad.timestamp_us = -62135596800000001ll; /* just before 0001-01-01 */
    assert_int_equal(note_checkpoint_format(&bad, &out), HB_EINPUT);
    bad.timestamp_us = -62135596800000000ll;
    assert_int_equal(note_checkpoint_format(&bad, &out), 0);
    assert_non_null(strstr(out.p, "timestamp 0001-01-01T00:00:00.000000Z\n"));
    buf_free(&out);
    buf_free(&sn);
}

static void expect_cp_refused(const char *s, const char *says)
{
    note_checkpoint c;
    memset(&c, 0x5a, sizeof c);
    note_checkpoint before = c;
    hb_err err = {0};
    int rc = note_checkpoint_parse(s, strlen(s), &c, &err);
    if (rc != HB_EINPUT || !strstr(err.msg, says))
        fail_msg("checkpoint %s: rc %d, message \"%s\", wanted \"%s\"", s, rc, err.msg, says);
    assert_memory_equal(&c, &before, sizeof c);
}

#define ROOT "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"

static void checkpoint_strict(void **st)
{
    (void)st;
    expect_cp_refused("o\n007\n" ROOT, "line 2: the tree size \"007\"");
    expect_cp_refused("o\n00\n" ROOT, "line 2");
    expect_cp_refused("o\n+7\n" ROOT, "line 2");
    expect_cp_refused("o\n-1\n" ROOT, "line 2");
    expect_cp_refused("o\n7 \n" ROOT, "line 2");
    expect_cp_refused("o\n\n" ROOT, "line 2");
    expect_cp_refused("o\n18446744073709551616\n" ROOT, "line 2");
    expect_cp_refused("o\n0x10\n" ROOT, "line 2");
    expect_cp_refused("o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", "line 3: the root");
    expect_cp_refused("o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh!=\n", "line 3");
    expect_cp_refused("o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n", "line 3");
    expect_cp_refused("o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\n", "line 3");
    expect_cp_refused("o\n7\n000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
                      "line 3");
    expect_cp_refused("\n7\n" ROOT, "line 1: the origin");
    expect_cp_refused("a b\n7\n" ROOT, "line 1: the origin");
    expect_cp_refused("o\n7\n", "only 2 lines, the root hash missing");
    expect_cp_refused("o\n", "only 1 line, the tree size missing");
    expect_cp_refused("", "it is empty");
    expect_cp_refused("o\n7\n" ROOT "timestamp 2025-03-15T21:25:00.123456Z",
                      "does not end in a newline");
    expect_cp_refused("o\n7\n" ROOT "\n", "line 4 is empty");
    expect_cp_refused("o\n7\n" ROOT "timestamp 2025-03-15T21:25:00Z\n", "line 4: expected");
    expect_cp_refused("o\n7\n" ROOT "timestamp 2025-03-15T17:25:00.123456-04\n", "line 4");
    expect_cp_refused("o\n7\n" ROOT "timestamp 2025-02-30T21:25:00.123456Z\n", "line 4");
    expect_cp_refused("o\n7\n" ROOT "timestamp  2025-03-15T21:25:00.123456Z\n", "line 4");
    expect_cp_refused("o\n7\n" ROOT "x\ntimestamp 2025-03-15T21:25:00.123456Z\n"
                      "timestamp 2025-03-15T21:25:00.123456Z\n",
                      "line 6: a second timestamp line");
    expect_cp_refused("o\n7\n" ROOT "a\tb\n", "control character");
}

static void key_file(void **st)
{
    (void)st;
    const char *dir = tu_tmpdir();
    const char *path = tu_path(dir, "ledger.db.key");
    note_key k, back;
    hb_err err = {0};
    assert_int_equal(note_key_generate("habeas/k", &k, &err), 0);
    /* Under umask 0277 open() alone would give 0400: the file must still be 0600. */
    mode_t old = umask(0277);
    int rc = note_key_write_file(path, &k, &err);
    umask(old);
    assert_int_equal(rc, 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    assert_int_equal(note_key_read_file(path, &back, &err), 0);
    assert_memory_equal(&back, &k, sizeof k);

    /* O_EXCL: a second write is refused and the first key is untouched. */
    size_t n1 = 0, n2 = 0;
    char *before = tu_read(path, &n1); /* freed below */
    note_key k2;
    assert_int_equal(note_key_generate("habeas/k", &k2, &err), 0);
    assert_int_equal(note_key_write_file(path, &k2, &err), HB_EINPUT);
    assert_non_null(strstr(err.msg, "already exists"));
    char *after = tu_read(path, &n2); /* freed below */
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);

    /* Group or others may read or write: refused, saying how to fix it. */
    const mode_t loose[] = {0644, 0640, 0604, 0620, 0602, 0660};
    for (size_t i = 0; i < sizeof loose / sizeof *loose; i++) {
        assert_int_equal(chmod(path, loose[i]), 0);
        memset(&err, 0, sizeof err);
        assert_int_equal(note_key_read_file(path, &back, &err), HB_EINPUT);
        char want[800];
        snprintf(want, sizeof want, "chmod 600 %s", path);
        assert_non_null(strstr(err.msg, want));
    }
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(note_key_read_file(path, &back, &err), 0);

    memset(&err, 0, sizeof err);
    assert_int_equal(note_key_read_file(tu_path(dir, "missing.key"), &back, &err), HB_EINPUT);
    assert_non_null(strstr(err.msg, "no signing key at "));
    assert_non_null(strstr(err.msg, "missing.key"));
    assert_int_equal(note_key_read_file(dir, &back, &err), HB_EINPUT);
    assert_non_null(strstr(err.msg, "not a regular file"));

    /* A written key survives a round trip through Go's form (no final newline). */
    const char *go = tu_path(dir, "go.key");
    tu_write(go, GO_SKEY);
    assert_int_equal(chmod(go, 0600), 0);
    assert_int_equal(note_key_read_file(go, &back, &err), 0);
    assert_string_equal(back.v.name, "PeterNeumann");

    /* Malformed content: a verifier key, a wrong key id, two lines, too long. */
    const char *bad[] = {GO_VKEY,
                         "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvx"
                         "dXHKDFz\n",
                         "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvx"
                         "dXHKDFz\n\n",
                         ""};
    const char *says[] = {"not a signer key", "does not match", "base64", "not a signer key"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *p = tu_path(dir, "bad.key");
        tu_write(p, bad[i]);
        assert_int_equal(chmod(p, 0600), 0);
        memset(&err, 0, sizeof err);
        assert_int_equal(note_key_read_file(p, &back, &err), HB_EINPUT);
        if (!strstr(err.msg, says[i]) || !strstr(err.msg, "bad.key"))
            fail_msg("key file %zu: \"%s\"", i, err.msg);
        assert_null(strstr(err.msg, "AYEKFALV"));
    }
    static char huge[3000];
    memset(huge, 'A', sizeof huge - 1);
    const char *hp = tu_path(dir, "huge.key");
    tu_write(hp, huge);
    assert_int_equal(chmod(hp, 0600), 0);
    assert_int_equal(note_key_read_file(hp, &back, &err), HB_EINPUT);
    assert_non_null(strstr(err.msg, "over 1024 bytes"));

    /* A folder that does not exist: an I/O failure, and no file left behind. */
    const char *nowhere = tu_path(dir, "no/such/dir/k.key");
    assert_int_equal(note_key_write_file(nowhere, &k, &err), HB_EINTERNAL);
    assert_non_null(strstr(err.msg, "cannot create signing key file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(go_vector),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(names),
        cmocka_unit_test(malformed_keys),
        cmocka_unit_test(malformed_notes),
        cmocka_unit_test(cosigned),
        cmocka_unit_test(sign_refusals),
        cmocka_unit_test(checkpoint_round_trip),
        cmocka_unit_test(checkpoint_strict),
        cmocka_unit_test(key_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
