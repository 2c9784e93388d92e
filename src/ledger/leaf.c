/* leaf: RFC 9162 leaf hashes with OpenSSL 3's EVP interface. The digest is fetched
 * once per process and each thread keeps one context, so hashing a record costs no
 * allocation (import hashes every event). */
#include "ledger/leaf.h"
#include <openssl/evp.h>
#include <pthread.h>
#include "util/err.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256;
static pthread_key_t ctx_key;
static int key_ok;

static void ctx_free(void *p)
{
    EVP_MD_CTX_free(p);
}

static void init(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    key_ok = pthread_key_create(&ctx_key, ctx_free) == 0;
}

static EVP_MD_CTX *thread_ctx(void)
{
    EVP_MD_CTX *c = pthread_getspecific(ctx_key);
    if (c) return c;
    c = EVP_MD_CTX_new();
    if (c && pthread_setspecific(ctx_key, c) != 0) {
        EVP_MD_CTX_free(c);
        c = NULL;
    }
    return c;
}

int leaf_hash(const void *bytes, size_t n, uint8_t out[32])
{
    static const unsigned char leaf_prefix = 0x00; /* RFC 9162 2.1.1: leaves, not nodes */
    pthread_once(&once, init);
    if (!sha256 || !key_ok) return HB_EINTERNAL;
    EVP_MD_CTX *c = thread_ctx();
    unsigned int len = 0;
    if (!c || !EVP_DigestInit_ex2(c, sha256, NULL) || !EVP_DigestUpdate(c, &leaf_prefix, 1) ||
        !EVP_DigestUpdate(c, bytes, n) || !EVP_DigestFinal_ex(c, out, &len) || len != 32)
        return HB_EINTERNAL;
    return 0;
}

void hex32(const uint8_t h[32], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[64] = '\0';
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int unhex32(const char *s, size_t n, uint8_t out[32])
{
    if (n != 64) return -1;
    for (int i = 0; i < 32; i++) {
        int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}
