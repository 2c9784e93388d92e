/* note: Ed25519 keys (libsodium), C2SP signed notes and tlog checkpoints.
 *
 * Formats (docs/transparency.md has a worked example):
 * - key name: the log's origin; non-empty, at most NOTE_NAME_MAX bytes, no
 *   whitespace, no '+', printable ASCII.
 * - key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
 * - verifier key (public, what witnesses pin): "<name>+<8 hex key id>+<base64(0x01 ||
 *   public key)>".
 * - signer key (the private key file's one line): "PRIVATE+KEY+<name>+<8 hex key
 *   id>+<base64(0x01 || 32-byte seed)>", as Go's sumdb/note writes it.
 * - signed note: text (lines ending in '\n', no blank line, no control character
 *   but '\n'), then "\n", then one or more lines "— <name> <base64(key id ||
 *   64-byte signature of the text)>\n" (U+2014 em dash, space).
 * - checkpoint text: "<origin>\n<size in decimal>\n<base64 root>\n" then our one
 *   extension line "timestamp <YYYY-MM-DDThh:mm:ss.uuuuuuZ>\n".
 *
 * Errors: HB_EINPUT for anything malformed or not verifying, with err saying what
 * and where in plain words; HB_EINTERNAL for libsodium or I/O failure. */
#ifndef HB_NOTE_H
#define HB_NOTE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"
#include "util/err.h"

#define NOTE_NAME_MAX 128
#define NOTE_VKEY_MAX 256   /* a verifier key's text, NUL included */
#define NOTE_BYTES_MAX 4096 /* a signed note we accept or make, bytes */

typedef struct {
    char name[NOTE_NAME_MAX + 1];
    uint8_t id[4];
    uint8_t pub[32];
} note_vkey;

typedef struct {
    note_vkey v;
    uint8_t sk[64]; /* libsodium's secret key (seed || public key) */
} note_key;

/* A 32-byte hash in standard base64 with padding, as checkpoints, proofs and
 * `habeas verify` print it (44 characters and a NUL). Returns out. */
#define NOTE_HASH_B64 45
const char *note_hash_b64(const uint8_t h[32], char out[NOTE_HASH_B64]);

/* libsodium's sodium_init, once; 0 or HB_EINTERNAL. Every function below calls it. */
int note_init(hb_err *err);
bool note_name_valid(const char *name);

/* A new random key named name. */
int note_key_generate(const char *name, note_key *out, hb_err *err);
/* The private key file: one line, the signer key text. Created with O_EXCL and
 * mode 0600 (HB_EINPUT if the file exists). */
int note_key_write_file(const char *path, const note_key *k, hb_err *err);
/* Reads it back. HB_EINPUT when the file is missing, malformed, its key id does not
 * match, or it is readable or writable by group or others ("chmod 600 FILE"). */
int note_key_read_file(const char *path, note_key *out, hb_err *err);
/* Signer-key text (skey) parse, for tests and tools. */
int note_key_parse(const char *text, size_t n, note_key *out, hb_err *err);

/* Verifier key: text out (NUL-terminated), and parsed back (key id checked). */
void note_vkey_format(const note_vkey *v, char out[NOTE_VKEY_MAX]);
int note_vkey_parse(const char *text, size_t n, note_vkey *out, hb_err *err);

/* Appends to out the signed note of text[0..n) (text must be a valid note text):
 * text, blank line, one signature line by k. */
int note_sign(const note_key *k, const char *text, size_t n, buf *out, hb_err *err);
/* Checks that note[0..n) is a well-formed signed note with a valid signature by
 * v (other signers' lines are allowed and ignored). *text_len gets the length of
 * its text (the text starts at note). HB_EINPUT saying why otherwise: malformed,
 * no signature line by this key, or a signature line by this key that does not
 * verify. */
int note_verify(const note_vkey *v, const char *note, size_t n, size_t *text_len, hb_err *err);

typedef struct {
    char origin[NOTE_NAME_MAX + 1];
    uint64_t size;
    uint8_t root[32];
    int64_t timestamp_us; /* INT64_MIN when the checkpoint has no timestamp line */
} note_checkpoint;

/* Appends the checkpoint text (not signed). */
int note_checkpoint_format(const note_checkpoint *c, buf *out);
/* Parses a checkpoint text (as note_verify delimits it): strict on the three
 * lines, the timestamp line optional, other extension lines ignored. */
int note_checkpoint_parse(const char *text, size_t n, note_checkpoint *out, hb_err *err);
#endif
