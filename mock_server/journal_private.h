/* The journal ring: bounded memory, entries updated in place from arrival to completion. */
#ifndef ESOMOCK_JOURNAL_PRIVATE_H
#define ESOMOCK_JOURNAL_PRIVATE_H

#include <pthread.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include <esomock/journal.h>

struct esomock_journal {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* an entry arrived or completed */
    struct esomock_journal_entry *ring;
    size_t capacity;
    uint64_t first_seq; /* oldest seq still held (after clears and drops) */
    uint64_t last_seq;  /* newest seq added */
    uint64_t dropped;   /* pushed out by newer entries */
    FILE *jsonl;        /* completed entries as JSON lines, or NULL; not owned */
};

/* Allocate the ring; false when out of memory. */
bool esomock__journal_init(struct esomock_journal *j, size_t capacity, FILE *jsonl);

void esomock__journal_finish(struct esomock_journal *j);

/* Record an arrival; @p e->seq must be the next sequence number. */
void esomock__journal_add(struct esomock_journal *j, const struct esomock_journal_entry *e);

/*
 * Apply @p update to entry @p seq under the lock, if the ring still holds it.
 * When @p completed, the entry is also written to the JSON-lines file.
 */
void esomock__journal_update(struct esomock_journal *j, uint64_t seq,
                             void (*update)(struct esomock_journal_entry *, const void *),
                             const void *arg, bool completed);

/* Copy out entries passing @p filter (see esomock_server_journal). */
int esomock__journal_copy(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                          struct esomock_journal_entry **out, size_t *count);

/* Wait (up to @p timeout_ms) for @p count entries passing @p filter; returns the count seen. */
size_t esomock__journal_wait(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                             size_t count, bool completed, unsigned timeout_ms);

void esomock__journal_clear(struct esomock_journal *j);

uint64_t esomock__journal_dropped(struct esomock_journal *j);

/* One entry as a JSON object; NULL when out of memory. The caller frees with cJSON_Delete. */
cJSON *esomock__journal_entry_json(const struct esomock_journal_entry *e);

/* The name of a state as the JSON and the docs spell it. */
const char *esomock__entry_state_name(enum esomock_entry_state state);

#endif
