/* log_internal: what log.c shares with the rest of src/ledger/ (the ledger's
 * open and commit paths). */
#ifndef HB_LOG_INTERNAL_H
#define HB_LOG_INTERNAL_H
#include "ledger/log.h"

/* A merkle_reader over a store: nodes of level >= STORE_TREE_MIN_LEVEL from
 * tree_get, lower ones hashed up from one range read of at most 16 leaf hashes
 * (the last block read is cached). A node that is not stored, or leaves that do
 * not exist, fail with HB_EINTERNAL and *err saying which (node level/index, or
 * the seqs). ctx lives as long as the reader is used. */
typedef struct {
    store *st;
    hb_err *err;
    int64_t block_from; /* first seq of the cached leaves, 0 when none */
    size_t block_n;
    uint8_t block[1 << STORE_TREE_MIN_LEVEL][32];
} log_reader_ctx;
void log_reader_init(log_reader_ctx *c, store *st, hb_err *err, merkle_reader *out);
#endif
