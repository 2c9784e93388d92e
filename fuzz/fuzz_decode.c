/* fuzz_decode: libFuzzer target for the event and record decoders.
 *
 * Checks, for any input: no crash, leak or undefined behaviour; every refusal comes
 * with at least one message; and every accepted line has a canonical form that is
 * a fixed point (decoding the canonical bytes gives the same canonical bytes).
 *
 * Not built by CMake. Build and run from the repository root:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -D_DEFAULT_SOURCE \
 *         -D_POSIX_C_SOURCE=200809L -Isrc fuzz/fuzz_decode.c src/model/[a-z]*.c \
 *         src/util/[a-z]*.c -lm -o fuzz_decode
 *   mkdir -p fuzz/corpus && cp examples/[a-z]*.jsonl fuzz/corpus/ 2>/dev/null
 *   ./fuzz_decode -max_len=4096 -dict=fuzz/events.dict fuzz/corpus
 * (-dict is optional: a file of "token" lines such as "\"custody.admitted\"".) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int ok, const char *what, const uint8_t *data, size_t size)
{
    if (ok) return;
    fprintf(stderr, "fuzz_decode: %s\ninput: %.*s\n", what, (int)size, (const char *)data);
    abort();
}

static void event_round_trip(arena *a, const uint8_t *data, size_t size)
{
    event ev, again;
    hb_errlist errs;
    errlist_init(&errs, 20);
    int rc = event_decode((const char *)data, size, a, &ev, &errs, "fuzz");
    must(rc == HB_OK || rc == HB_EINPUT, "unexpected event_decode result", data, size);
    must(rc == HB_OK || errs.n > 0, "refused without a message", data, size);
    errlist_free(&errs);
    if (rc) return;
    buf c1 = BUF_INIT, c2 = BUF_INIT;
    must(event_canonical(&c1, &ev) == 0, "accepted event has no canonical form", data, size);
    must(event_decode(c1.p, c1.len, a, &again, NULL, NULL) == 0, "canonical form refused", data,
         size);
    must(event_canonical(&c2, &again) == 0, "second canonical form failed", data, size);
    must(c1.len == c2.len && memcmp(c1.p, c2.p, c1.len) == 0, "canonical form not a fixed point",
         data, size);
    buf_free(&c1);
    buf_free(&c2);
}

static void record_round_trip(arena *a, const uint8_t *data, size_t size)
{
    record r, again;
    hb_errlist errs;
    errlist_init(&errs, 20);
    int rc = record_decode((const char *)data, size, a, &r, &errs, "fuzz");
    must(rc == HB_OK || rc == HB_EINPUT, "unexpected record_decode result", data, size);
    must(rc == HB_OK || errs.n > 0, "record refused without a message", data, size);
    errlist_free(&errs);
    if (rc) return;
    buf c1 = BUF_INIT, c2 = BUF_INIT;
    must(record_export(&c1, &r) == 0, "accepted record has no export form", data, size);
    must(record_decode(c1.p, c1.len, a, &again, NULL, NULL) == 0, "export form refused", data,
         size);
    must(record_export(&c2, &again) == 0, "second export failed", data, size);
    must(c1.len == c2.len && memcmp(c1.p, c2.p, c1.len) == 0, "export form not a fixed point", data,
         size);
    buf_free(&c1);
    buf_free(&c2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a;
    arena_init(&a, 4096);
    event_round_trip(&a, data, size);
    record_round_trip(&a, data, size);
    arena_free(&a);
    return 0;
}
