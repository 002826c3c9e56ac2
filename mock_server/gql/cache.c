/*
 * The document cache: parsed and validated documents keyed by their text (and
 * schema), least recently used first out, bounded in entries and bytes. One
 * mutex; documents are reference-counted, so an evicted one lives on in the
 * prepared operations that hold it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache_private.h"

struct entry {
    struct gql_document *doc;
    struct entry *prev; /* LRU: most recent at head */
    struct entry *next;
    struct entry *chain; /* hash bucket */
};

#define BUCKETS 1024

struct gql_cache {
    pthread_mutex_t lock;
    struct entry *buckets[BUCKETS];
    struct entry *head;
    struct entry *tail;
    size_t entries;
    size_t bytes;
    size_t max_entries;
    size_t max_bytes;
    uint64_t hits;
    uint64_t misses;
    uint64_t evictions;
};

struct gql_cache *gql_cache_create(size_t max_entries, size_t max_bytes)
{
    struct gql_cache *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        return NULL;
    }
    c->max_entries = max_entries != 0 ? max_entries : 256;
    c->max_bytes = max_bytes != 0 ? max_bytes : 8u * 1024u * 1024u;
    return c;
}

static void unlink_lru(struct gql_cache *c, struct entry *e)
{
    if (e->prev != NULL)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next != NULL)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(struct gql_cache *c, struct entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head != NULL)
        c->head->prev = e;
    c->head = e;
    if (c->tail == NULL)
        c->tail = e;
}

static void remove_entry(struct gql_cache *c, struct entry *e)
{
    struct entry **pp = &c->buckets[e->doc->hash % BUCKETS];

    while (*pp != NULL && *pp != e)
        pp = &(*pp)->chain;
    if (*pp == e)
        *pp = e->chain;
    unlink_lru(c, e);
    c->entries--;
    c->bytes -= e->doc->len;
    gql_document_unref(e->doc);
    free(e);
}

void gql_cache_destroy(struct gql_cache *cache)
{
    if (cache == NULL)
        return;
    while (cache->head != NULL)
        remove_entry(cache, cache->head);
    pthread_mutex_destroy(&cache->lock);
    free(cache);
}

struct gql_document *gql_cache_get(struct gql_cache *c, const struct gql_schema *schema,
                                   const char *text, size_t len, uint64_t hash)
{
    struct entry *e;
    struct gql_document *doc = NULL;

    pthread_mutex_lock(&c->lock);
    for (e = c->buckets[hash % BUCKETS]; e != NULL; e = e->chain) {
        if (e->doc->hash == hash && e->doc->len == len && e->doc->schema == schema &&
            (len == 0 || memcmp(e->doc->text, text, len) == 0)) {
            doc = e->doc;
            gql_document_ref(doc);
            unlink_lru(c, e);
            push_front(c, e);
            break;
        }
    }
    if (doc != NULL)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->lock);
    return doc;
}

void gql_cache_put(struct gql_cache *c, struct gql_document *doc)
{
    struct entry *e;

    if (doc->len > c->max_bytes)
        return;
    pthread_mutex_lock(&c->lock);
    for (e = c->buckets[doc->hash % BUCKETS]; e != NULL; e = e->chain) {
        if (e->doc->hash == doc->hash && e->doc->len == doc->len && e->doc->schema == doc->schema &&
            (doc->len == 0 || memcmp(e->doc->text, doc->text, doc->len) == 0)) {
            pthread_mutex_unlock(&c->lock); /* another thread was first */
            return;
        }
    }
    e = calloc(1, sizeof(*e));
    if (e == NULL) {
        pthread_mutex_unlock(&c->lock);
        return;
    }
    gql_document_ref(doc);
    e->doc = doc;
    e->chain = c->buckets[doc->hash % BUCKETS];
    c->buckets[doc->hash % BUCKETS] = e;
    push_front(c, e);
    c->entries++;
    c->bytes += doc->len;
    while ((c->entries > c->max_entries || c->bytes > c->max_bytes) && c->tail != NULL &&
           c->tail != e) {
        remove_entry(c, c->tail);
        c->evictions++;
    }
    pthread_mutex_unlock(&c->lock);
}

void gql_cache_stats(const struct gql_cache *cache, struct gql_cache_stats *out)
{
    struct gql_cache *c = (struct gql_cache *)cache;

    memset(out, 0, sizeof(*out));
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    out->hits = c->hits;
    out->misses = c->misses;
    out->evictions = c->evictions;
    out->entries = c->entries;
    pthread_mutex_unlock(&c->lock);
}
