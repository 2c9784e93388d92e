/* leaf: RFC 9162 leaf hash, SHA-256(0x00 || bytes), with OpenSSL's libcrypto, or
 * queued on a hash_batch (verify, which hashes every stored record). */
#ifndef HB_LEAF_H
#define HB_LEAF_H
#include <stddef.h>
#include <stdint.h>
#include "ledger/hash_batch.h"
/* Thread-safe, allocates nothing. Returns 0: SHA-256 cannot fail here (the int
 * is kept so that callers written for a fallible hash need no change). */
int leaf_hash(const void *bytes, size_t n, uint8_t out[32]);
/* Queues the leaf hash of bytes[0..n) on b, to be written to out by
 * hash_batch_run (the bytes are copied now). 0, or HB_EINTERNAL out of memory. */
int leaf_hash_add(hash_batch *b, const void *bytes, size_t n, uint8_t out[32]);
void hex32(const uint8_t h[32], char out[65]);
/* 0, or -1 if s is not 64 lower-case hex digits. */
int unhex32(const char *s, size_t n, uint8_t out[32]);
#endif
