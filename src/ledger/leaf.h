/* leaf: RFC 9162 leaf hash, SHA-256(0x00 || bytes), with OpenSSL's libcrypto. */
#ifndef HB_LEAF_H
#define HB_LEAF_H
#include <stddef.h>
#include <stdint.h>
/* 0, or HB_EINTERNAL if libcrypto fails. Thread-safe. */
int leaf_hash(const void *bytes, size_t n, uint8_t out[32]);
void hex32(const uint8_t h[32], char out[65]);
/* 0, or -1 if s is not 64 lower-case hex digits. */
int unhex32(const char *s, size_t n, uint8_t out[32]);
#endif
