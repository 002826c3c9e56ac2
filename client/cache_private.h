/*
 * The fallback cache: the last good `data` per operation + variables, served
 * (flagged stale) when a later call fails transiently. Bounded in entries and
 * age; thread-safe.
 */
#ifndef ESOLOGS_CACHE_PRIVATE_H
#define ESOLOGS_CACHE_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct eso__cache_entry;

struct eso__cache {
    pthread_mutex_t lock;
    bool enabled;
    uint64_t max_age_ns;
    unsigned max_entries;
    unsigned count;
    struct eso__cache_entry *head; /* most recently stored first */
};

void eso__cache_init(struct eso__cache *c, bool enabled, uint64_t max_age_ns, unsigned max_entries);
void eso__cache_finish(struct eso__cache *c);
void eso__cache_clear(struct eso__cache *c);

/*
 * The key of @p operation + @p document + @p variables: the name, a 64-bit hash of
 * the document (NULL = 0), and the variables printed with object keys sorted (so
 * {"a":1,"b":2} and {"b":2,"a":1} match), newline-separated.
 * Returns a heap string (free()), or NULL when out of memory.
 */
char *eso__cache_key(const char *operation, const char *document, const cJSON *variables);

/* Store a copy of @p data under @p key at @p now. 0 or ESO_OUT_OF_MEMORY. */
int eso__cache_store(struct eso__cache *c, const char *key, const cJSON *data, uint64_t now);

/*
 * Look @p key up. true: *data_out is a new copy (caller frees) no older than
 * max_age at @p now, and *age_out its age. false: absent, expired or out of memory.
 */
bool eso__cache_lookup(struct eso__cache *c, const char *key, uint64_t now, cJSON **data_out,
                       uint64_t *age_out);

#endif
