#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "clock_private.h"
#include "journal_private.h"

bool esomock__journal_init(struct esomock_journal *j, size_t capacity, FILE *jsonl)
{
    memset(j, 0, sizeof(*j));
    /* calloc'd pages are touched only as entries arrive, so a large cap costs little up front. */
    j->ring = calloc(capacity, sizeof(*j->ring));
    if (j->ring == NULL)
        return false;
    pthread_mutex_init(&j->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&j->changed, &attr);
    pthread_condattr_destroy(&attr);
    j->capacity = capacity;
    j->first_seq = 1;
    j->jsonl = jsonl;
    return true;
}

void esomock__journal_finish(struct esomock_journal *j)
{
    if (j->ring == NULL)
        return;
    pthread_cond_destroy(&j->changed);
    pthread_mutex_destroy(&j->lock);
    free(j->ring);
    j->ring = NULL;
}

static struct esomock_journal_entry *slot(struct esomock_journal *j, uint64_t seq)
{
    return &j->ring[seq % j->capacity];
}

void esomock__journal_add(struct esomock_journal *j, const struct esomock_journal_entry *e)
{
    pthread_mutex_lock(&j->lock);
    if (e->seq > j->last_seq)
        j->last_seq = e->seq;
    while (j->last_seq - j->first_seq + 1 > j->capacity) {
        j->first_seq++;
        j->dropped++;
    }
    if (e->seq >= j->first_seq)
        *slot(j, e->seq) = *e;
    pthread_cond_broadcast(&j->changed);
    pthread_mutex_unlock(&j->lock);
}

static void write_jsonl(struct esomock_journal *j, const struct esomock_journal_entry *e)
{
    cJSON *json = esomock__journal_entry_json(e);
    char *line = json != NULL ? cJSON_PrintUnformatted(json) : NULL;
    if (line != NULL) {
        fputs(line, j->jsonl);
        fputc('\n', j->jsonl);
        fflush(j->jsonl);
    }
    free(line);
    cJSON_Delete(json);
}

void esomock__journal_update(struct esomock_journal *j, uint64_t seq,
                             void (*update)(struct esomock_journal_entry *, const void *),
                             const void *arg, bool completed)
{
    pthread_mutex_lock(&j->lock);
    if (seq >= j->first_seq && seq <= j->last_seq && slot(j, seq)->seq == seq) {
        update(slot(j, seq), arg);
        if (completed && j->jsonl != NULL)
            write_jsonl(j, slot(j, seq));
        /* Waiters may filter on what this update filled in (the operation, say). */
        pthread_cond_broadcast(&j->changed);
    }
    pthread_mutex_unlock(&j->lock);
}

static bool passes(const struct esomock_journal_entry *e, const struct esomock_journal_filter *f)
{
    if (e->seq == 0)
        return false; /* a slot never filled (a sequence number taken but not yet added) */
    if (f == NULL)
        return !e->admin;
    if (e->admin && !f->include_admin)
        return false;
    if (e->seq <= f->since_seq)
        return false;
    return f->operation == NULL || strcmp(f->operation, e->operation) == 0;
}

int esomock__journal_copy(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                          struct esomock_journal_entry **out, size_t *count)
{
    pthread_mutex_lock(&j->lock);
    size_t n = 0;
    for (uint64_t seq = j->first_seq; seq <= j->last_seq; seq++) {
        if (slot(j, seq)->seq == seq && passes(slot(j, seq), filter))
            n++;
    }
    struct esomock_journal_entry *copy = NULL;
    if (n > 0) {
        copy = malloc(n * sizeof(*copy));
        if (copy == NULL) {
            pthread_mutex_unlock(&j->lock);
            return -1;
        }
        size_t i = 0;
        for (uint64_t seq = j->first_seq; seq <= j->last_seq; seq++) {
            if (slot(j, seq)->seq == seq && passes(slot(j, seq), filter))
                copy[i++] = *slot(j, seq);
        }
    }
    pthread_mutex_unlock(&j->lock);
    *out = copy;
    *count = n;
    return 0;
}

/* Entries passing @p filter (and completed, when asked); the lock is held. */
static size_t count_matching(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                             bool completed)
{
    size_t n = 0;
    for (uint64_t seq = j->first_seq; seq <= j->last_seq; seq++) {
        const struct esomock_journal_entry *e = slot(j, seq);
        if (e->seq == seq && passes(e, filter) &&
            (!completed || e->state != ESOMOCK_ENTRY_IN_FLIGHT))
            n++;
    }
    return n;
}

size_t esomock__journal_wait(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                             size_t count, bool completed, unsigned timeout_ms)
{
    struct timespec deadline = esomock__deadline_after_ms(timeout_ms);
    pthread_mutex_lock(&j->lock);
    size_t n = count_matching(j, filter, completed);
    while (n < count) {
        if (pthread_cond_timedwait(&j->changed, &j->lock, &deadline) != 0) {
            n = count_matching(j, filter, completed);
            break;
        }
        n = count_matching(j, filter, completed);
    }
    pthread_mutex_unlock(&j->lock);
    return n;
}

void esomock__journal_clear(struct esomock_journal *j)
{
    pthread_mutex_lock(&j->lock);
    j->first_seq = j->last_seq + 1;
    pthread_mutex_unlock(&j->lock);
}

uint64_t esomock__journal_dropped(struct esomock_journal *j)
{
    pthread_mutex_lock(&j->lock);
    uint64_t n = j->dropped;
    pthread_mutex_unlock(&j->lock);
    return n;
}

const char *esomock__entry_state_name(enum esomock_entry_state state)
{
    switch (state) {
    case ESOMOCK_ENTRY_IN_FLIGHT:
        return "in_flight";
    case ESOMOCK_ENTRY_COMPLETED:
        return "completed";
    case ESOMOCK_ENTRY_ABORTED:
        return "aborted";
    }
    return "unknown";
}

cJSON *esomock__journal_entry_json(const struct esomock_journal_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddNumberToObject(o, "seq", (double)e->seq);
    cJSON_AddNumberToObject(o, "t_ms", e->t_ms);
    cJSON_AddStringToObject(o, "state", esomock__entry_state_name(e->state));
    cJSON_AddNumberToObject(o, "duration_ms", e->duration_ms);
    cJSON_AddStringToObject(o, "method", e->method);
    cJSON_AddStringToObject(o, "path", e->path);
    if (e->operation[0] != '\0')
        cJSON_AddStringToObject(o, "operation", e->operation);
    else
        cJSON_AddNullToObject(o, "operation");
    cJSON *vars = e->variables[0] != '\0' ? cJSON_Parse(e->variables) : NULL;
    if (vars != NULL)
        cJSON_AddItemToObject(o, "variables", vars);
    else if (e->variables[0] != '\0')
        cJSON_AddStringToObject(o, "variables", e->variables); /* cut to fit: kept as text */
    else
        cJSON_AddNullToObject(o, "variables");
    if (e->request_id[0] != '\0')
        cJSON_AddStringToObject(o, "request_id", e->request_id);
    else
        cJSON_AddNullToObject(o, "request_id");
    if (e->attempt > 0)
        cJSON_AddNumberToObject(o, "attempt", e->attempt);
    else
        cJSON_AddNullToObject(o, "attempt");
    if (e->rule[0] != '\0') {
        cJSON_AddStringToObject(o, "rule", e->rule);
        cJSON_AddNumberToObject(o, "step", e->step);
    } else {
        cJSON_AddNullToObject(o, "rule");
        cJSON_AddNullToObject(o, "step");
    }
    cJSON_AddStringToObject(o, "action", e->action);
    cJSON_AddNumberToObject(o, "delay_ms", e->delay_ms);
    if (e->status > 0)
        cJSON_AddNumberToObject(o, "status", e->status);
    else
        cJSON_AddNullToObject(o, "status");
    cJSON_AddNumberToObject(o, "bytes_sent", (double)e->bytes_sent);
    cJSON_AddBoolToObject(o, "admin", e->admin);
    return o;
}
