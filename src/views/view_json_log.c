/* views: the transparency log's head and proofs as JSON (views.h,
 * docs/transparency.md). Hashes are standard base64 with padding, the encoding
 * the checkpoint itself uses, so a client compares the head's root_hash with
 * the note's third line byte for byte. The timestamp is the stored one, as the
 * checkpoint's timestamp line has it (microseconds kept). */
#include "views/views.h"

/* 32 bytes: 44 characters and the NUL. */

static json_t *jhash(const uint8_t h[32])
{
    char s[NOTE_HASH_B64];
    return json_string(note_hash_b64(h, s));
}

/* NULL when out of memory (the array is released). */
static json_t *jproof(const merkle_proof *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->n && i < MERKLE_MAX_DEPTH; i++)
        if (json_array_append_new(a, jhash(p->h[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* Each returns a new value (caller json_decref) or NULL when out of memory. */
json_t *views_log_head(const store_head *h)
{
    return json_pack("{s:I, s:o, s:s, s:s}", "size", (json_int_t)h->size, "root_hash",
                     jhash(h->root), "timestamp", h->timestamp, "checkpoint", h->note);
}

json_t *views_log_inclusion(const log_inclusion *p)
{
    /* A NULL from jhash or jproof (out of memory) fails the pack, which releases
     * the values already made (jansson >= 2.11 steals "o" even on error). */
    return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "seq", (json_int_t)p->seq, "leaf_index",
                     (json_int_t)(p->seq - 1), "tree_size", (json_int_t)p->size, "leaf_hash",
                     jhash(p->leaf), "root_hash", jhash(p->root), "proof", jproof(&p->proof));
}

json_t *views_log_consistency(const log_consistency *p)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:o}", "first", (json_int_t)p->first, "second",
                     (json_int_t)p->second, "first_root", jhash(p->first_root), "second_root",
                     jhash(p->second_root), "proof", jproof(&p->proof));
}
