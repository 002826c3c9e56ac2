/* The memo (memo_private.h): a hash table of 1024 buckets, an LRU list and one mutex. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "memo_private.h"

#define BUCKETS 1024u

struct esomock_memo {
    pthread_mutex_t lock;
    struct esomock_memo_item *buckets[BUCKETS];
    struct esomock_memo_item *head, *tail; /* most recent first */
    size_t items, bytes, max_items, max_bytes;
    uint64_t hits, misses, evictions;
};

static inline uint64_t lane(uint64_t h, const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 29);
}

/* Four independent lanes of 8 bytes, so a body hashes at several bytes a cycle. */
uint64_t esomock__memo_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h0 = 0x9e3779b97f4a7c15ull ^ len, h1 = 0xc2b2ae3d27d4eb4full;
    uint64_t h2 = 0x165667b19e3779f9ull, h3 = 0x85ebca77c2b2ae63ull;
    while (len >= 32) {
        h0 = lane(h0, p);
        h1 = lane(h1, p + 8);
        h2 = lane(h2, p + 16);
        h3 = lane(h3, p + 24);
        p += 32;
        len -= 32;
    }
    uint64_t out = h0 ^ (h1 * 31) ^ (h2 * 961) ^ (h3 * 29791);
    while (len > 0) {
        unsigned char tail[8] = {0};
        size_t n = len < 8 ? len : 8;
        memcpy(tail, p, n);
        out = lane(out, tail);
        p += n;
        len -= n;
    }
    out *= 0x94d049bb133111ebull;
    return out ^ (out >> 32);
}

struct esomock_memo *esomock__memo_create(size_t max_items, size_t max_bytes)
{
    struct esomock_memo *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return NULL;
    }
    m->max_items = max_items;
    m->max_bytes = max_bytes;
    return m;
}

void esomock__memo_item_init(struct esomock_memo_item *item)
{
    atomic_init(&item->refs, 1);
    item->prev = item->next = item->chain = NULL;
    item->held = false;
}

void esomock__memo_ref(struct esomock_memo_item *item)
{
    atomic_fetch_add_explicit(&item->refs, 1, memory_order_relaxed);
}

void esomock__memo_unref(struct esomock_memo_item *item)
{
    if (item != NULL && atomic_fetch_sub_explicit(&item->refs, 1, memory_order_acq_rel) == 1)
        item->destroy(item);
}

static void unlink_recency(struct esomock_memo *m, struct esomock_memo_item *e)
{
    if (e->prev != NULL)
        e->prev->next = e->next;
    else
        m->head = e->next;
    if (e->next != NULL)
        e->next->prev = e->prev;
    else
        m->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(struct esomock_memo *m, struct esomock_memo_item *e)
{
    e->prev = NULL;
    e->next = m->head;
    if (m->head != NULL)
        m->head->prev = e;
    m->head = e;
    if (m->tail == NULL)
        m->tail = e;
}

/* Take @p e out of the memo (the lock is held); the caller drops the memo's reference. */
static void remove_item(struct esomock_memo *m, struct esomock_memo_item *e)
{
    struct esomock_memo_item **pp = &m->buckets[e->hash % BUCKETS];
    while (*pp != NULL && *pp != e)
        pp = &(*pp)->chain;
    if (*pp == e)
        *pp = e->chain;
    unlink_recency(m, e);
    e->held = false;
    m->items--;
    m->bytes -= e->bytes;
}

void esomock__memo_destroy(struct esomock_memo *m)
{
    if (m == NULL)
        return;
    while (m->head != NULL) {
        struct esomock_memo_item *e = m->head;
        remove_item(m, e);
        esomock__memo_unref(e);
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static bool same_key(const struct esomock_memo_item *e, const void *key, size_t len, uint64_t hash)
{
    return e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0;
}

struct esomock_memo_item *esomock__memo_get(struct esomock_memo *m, const void *key, size_t len,
                                            uint64_t hash)
{
    struct esomock_memo_item *found = NULL;
    pthread_mutex_lock(&m->lock);
    for (struct esomock_memo_item *e = m->buckets[hash % BUCKETS]; e != NULL; e = e->chain) {
        if (same_key(e, key, len, hash)) {
            found = e;
            esomock__memo_ref(e);
            if (m->head != e) {
                unlink_recency(m, e);
                push_front(m, e);
            }
            break;
        }
    }
    if (found != NULL)
        m->hits++;
    else
        m->misses++;
    pthread_mutex_unlock(&m->lock);
    return found;
}

void esomock__memo_put(struct esomock_memo *m, struct esomock_memo_item *item)
{
    struct esomock_memo_item *evicted = NULL;
    if (item->bytes > m->max_bytes / 16 || m->max_items == 0)
        return;
    pthread_mutex_lock(&m->lock);
    for (struct esomock_memo_item *e = m->buckets[item->hash % BUCKETS]; e != NULL; e = e->chain) {
        if (same_key(e, item->key, item->key_len, item->hash)) {
            pthread_mutex_unlock(&m->lock); /* another request was first */
            return;
        }
    }
    esomock__memo_ref(item);
    item->held = true;
    item->chain = m->buckets[item->hash % BUCKETS];
    m->buckets[item->hash % BUCKETS] = item;
    push_front(m, item);
    m->items++;
    m->bytes += item->bytes;
    /* Evicted values are released outside the lock, in a list through their chain links. */
    while ((m->items > m->max_items || m->bytes > m->max_bytes) && m->tail != item) {
        struct esomock_memo_item *e = m->tail;
        remove_item(m, e);
        e->chain = evicted;
        evicted = e;
        m->evictions++;
    }
    pthread_mutex_unlock(&m->lock);
    while (evicted != NULL) {
        struct esomock_memo_item *next = evicted->chain;
        esomock__memo_unref(evicted);
        evicted = next;
    }
}

void esomock__memo_stats(struct esomock_memo *m, struct esomock_memo_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (m == NULL)
        return;
    pthread_mutex_lock(&m->lock);
    out->hits = m->hits;
    out->misses = m->misses;
    out->evictions = m->evictions;
    out->items = m->items;
    out->bytes = m->bytes;
    pthread_mutex_unlock(&m->lock);
}
