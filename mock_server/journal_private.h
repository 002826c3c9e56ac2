/*
 * The journal: two bounded rings (API requests, admin requests), entries updated from arrival
 * to completion, and the JSON-lines file. Each request owns its entry and hands the journal a
 * copy at every change, so the file gets every completed request whatever the rings dropped.
 */
#ifndef ESOMOCK_JOURNAL_PRIVATE_H
#define ESOMOCK_JOURNAL_PRIVATE_H

#include <pthread.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include <esomock/journal.h>

/* The admin ring holds the journal's capacity, but at most this many entries. */
#define ESOMOCK_JOURNAL_ADMIN_MAX 10000u

/* Entries sorted by seq, oldest at head; a full ring drops its oldest. */
struct esomock_journal_ring {
    struct esomock_journal_entry *slots;
    size_t allocated; /* slots allocated, grown up to capacity as entries arrive */
    size_t capacity;
    size_t head;
    size_t count;
    uint64_t dropped; /* pushed out by newer entries */
};

struct esomock_journal {
    pthread_mutex_t lock;
    pthread_cond_t changed;            /* an entry arrived or changed */
    struct esomock_journal_ring api;   /* GraphQL, token and unrouted requests */
    struct esomock_journal_ring admin; /* /__admin/ requests: polling never evicts API entries */
    uint64_t cleared_seq;              /* entries up to this seq were cleared: not added back */
    uint64_t last_seq;                 /* newest seq added */
    FILE *jsonl;                       /* completed entries as JSON lines, or NULL; not owned */
};

/* Allocate the rings; false when out of memory. */
bool esomock__journal_init(struct esomock_journal *j, size_t capacity, FILE *jsonl);

void esomock__journal_finish(struct esomock_journal *j);

/* Record an arrival (e->admin picks the ring); @p e->seq is a fresh sequence number. */
void esomock__journal_add(struct esomock_journal *j, const struct esomock_journal_entry *e);

/*
 * Replace entry e->seq with @p e, if its ring still holds it. When @p completed, @p e is also
 * written to the JSON-lines file, held or not.
 */
void esomock__journal_update(struct esomock_journal *j, const struct esomock_journal_entry *e,
                             bool completed);

/* Copy out entries passing @p filter, in seq order (see esomock_server_journal). */
int esomock__journal_copy(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                          struct esomock_journal_entry **out, size_t *count);

/* Wait (up to @p timeout_ms) for @p count entries passing @p filter; returns the count seen. */
size_t esomock__journal_wait(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                             size_t count, bool completed, unsigned timeout_ms);

/* Forget every entry of both rings (sequence numbers keep counting). */
void esomock__journal_clear(struct esomock_journal *j);

/* Entries pushed out of both rings since start; @p admin (may be NULL) gets the admin part. */
uint64_t esomock__journal_dropped(struct esomock_journal *j, uint64_t *admin);

struct esomock_step;
struct esomock_header;

/* An answer as esomock__journal_describe_reply() sees it (all borrowed). */
struct esomock_reply_view {
    bool token_route;                /* /oauth/token: its body holds a token, never copied */
    const struct esomock_step *step; /* the script step that applied, or NULL */
    const struct esomock_header *headers;
    size_t header_count;
    const char *body;
    size_t body_len;
    bool live_body;     /* the body is not a fixture's (an error, the points budget's state) */
    double hang_max_ms; /* the bound of a hang without its own max_ms, scenario ms */
};

/*
 * Describe what an answer was made of into @p out (compact JSON, "" when nothing beyond the
 * status): enough for eso-scenario capture to send it again, with no secret in it.
 */
void esomock__journal_describe_reply(const struct esomock_reply_view *v, char *out, size_t size);

/* One entry as a JSON object; NULL when out of memory. The caller frees with cJSON_Delete. */
cJSON *esomock__journal_entry_json(const struct esomock_journal_entry *e);

/* The name of a state as the JSON and the docs spell it. */
const char *esomock__entry_state_name(enum esomock_entry_state state);

#endif
