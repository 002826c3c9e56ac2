/*
 * A bounded memo of shared, immutable values keyed by bytes (least recently used out): the
 * GraphQL path keeps what it made of a request body (the parse, the engine's verdict, the
 * answer), so the same body sent again costs a hash and a compare. Values are
 * reference-counted: one evicted while a request holds it lives on until released.
 */
#ifndef ESOMOCK_MEMO_PRIVATE_H
#define ESOMOCK_MEMO_PRIVATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Embed first in a memoised value; fill key, key_len, bytes and destroy before putting it. */
struct esomock_memo_item {
    atomic_uint refs;
    uint64_t hash;
    const char *key; /* owned by the value */
    size_t key_len;
    size_t bytes;                                    /* the value's size, for the bound */
    void (*destroy)(struct esomock_memo_item *item); /* frees the whole value */
    struct esomock_memo_item *prev, *next;           /* recency (the memo's) */
    struct esomock_memo_item *chain;                 /* hash bucket (the memo's) */
    bool held;                                       /* in a memo */
};

struct esomock_memo;

struct esomock_memo_stats {
    uint64_t hits;
    uint64_t misses;
    uint64_t evictions;
    size_t items;
    size_t bytes;
};

/* A memo of at most @p max_items values and @p max_bytes; NULL without memory. */
struct esomock_memo *esomock__memo_create(size_t max_items, size_t max_bytes);

/* Free the memo and release its values (NULL is a no-op). */
void esomock__memo_destroy(struct esomock_memo *memo);

/* A fast 64-bit hash of @p len bytes (not for adversaries: collisions are compared away). */
uint64_t esomock__memo_hash(const void *key, size_t len);

/* Start @p item with one reference (the caller's). */
void esomock__memo_item_init(struct esomock_memo_item *item);

/* The value stored under @p key, with a reference for the caller, or NULL. */
struct esomock_memo_item *esomock__memo_get(struct esomock_memo *memo, const void *key, size_t len,
                                            uint64_t hash);

/*
 * Keep @p item (the memo takes a reference of its own), evicting the least recently used
 * values to stay within the bounds. A value already stored under the same key stays; so does
 * nothing when @p item alone is over a sixteenth of max_bytes.
 */
void esomock__memo_put(struct esomock_memo *memo, struct esomock_memo_item *item);

void esomock__memo_ref(struct esomock_memo_item *item);

/* Drop a reference; the last one destroys the value. NULL is a no-op. */
void esomock__memo_unref(struct esomock_memo_item *item);

void esomock__memo_stats(struct esomock_memo *memo, struct esomock_memo_stats *out);

#endif
