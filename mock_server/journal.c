#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strings.h>

#include "clock_private.h"
#include "journal_private.h"
#include "redact_private.h"
#include "reply_private.h"
#include "scenario_private.h"
#include "utf8_private.h"

/*
 * Slots grow as entries arrive (doubling up to the capacity). One calloc of the whole capacity
 * (35 MB per ring at the default 10000) is lazily paged only while malloc is left alone: under
 * MALLOC_PERTURB_, which `meson test` sets, glibc writes every byte, 0.2 s per server start.
 */
#define RING_FIRST_SLOTS 64u

static bool ring_init(struct esomock_journal_ring *r, size_t capacity)
{
    r->allocated = capacity < RING_FIRST_SLOTS ? capacity : RING_FIRST_SLOTS;
    r->slots = calloc(r->allocated > 0 ? r->allocated : 1, sizeof(*r->slots));
    r->capacity = capacity;
    return r->slots != NULL;
}

/* The i-th oldest entry of @p r (i < r->count). */
static struct esomock_journal_entry *ring_at(struct esomock_journal_ring *r, size_t i)
{
    return &r->slots[(r->head + i) % r->allocated];
}

/* Double the slots (at most to the capacity), oldest first; false when out of memory. */
static bool ring_grow(struct esomock_journal_ring *r)
{
    size_t n = r->allocated <= r->capacity / 2 ? r->allocated * 2 : r->capacity;
    struct esomock_journal_entry *slots = calloc(n, sizeof(*slots));
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < r->count; i++)
        slots[i] = *ring_at(r, i);
    free(r->slots);
    r->slots = slots;
    r->allocated = n;
    r->head = 0;
    return true;
}

static void ring_drop_oldest(struct esomock_journal_ring *r)
{
    r->head = (r->head + 1) % r->allocated;
    r->count--;
    r->dropped++;
}

/*
 * Insert @p e in seq order. Requests take their seq before they are added, so two threads
 * may add out of order: the newcomer moves back past the few newer ones.
 */
static void ring_insert(struct esomock_journal_ring *r, const struct esomock_journal_entry *e)
{
    if (r->count == r->allocated && r->allocated < r->capacity)
        (void)ring_grow(r); /* out of memory: the ring stays as it is and drops its oldest */
    if (r->count == r->allocated) {
        if (e->seq < ring_at(r, 0)->seq) {
            r->dropped++; /* older than everything kept: it would be the one pushed out */
            return;
        }
        ring_drop_oldest(r);
    }
    size_t pos = r->count;
    while (pos > 0 && ring_at(r, pos - 1)->seq > e->seq)
        pos--;
    for (size_t i = r->count; i > pos; i--)
        *ring_at(r, i) = *ring_at(r, i - 1);
    *ring_at(r, pos) = *e;
    r->count++;
}

/* The entry with @p seq, or NULL when the ring no longer (or never) held it. */
static struct esomock_journal_entry *ring_find(struct esomock_journal_ring *r, uint64_t seq)
{
    size_t lo = 0, hi = r->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t s = ring_at(r, mid)->seq;
        if (s == seq)
            return ring_at(r, mid);
        if (s < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool esomock__journal_init(struct esomock_journal *j, size_t capacity, FILE *jsonl)
{
    memset(j, 0, sizeof(*j));
    size_t admin = capacity < ESOMOCK_JOURNAL_ADMIN_MAX ? capacity : ESOMOCK_JOURNAL_ADMIN_MAX;
    if (!ring_init(&j->api, capacity) || !ring_init(&j->admin, admin)) {
        free(j->api.slots);
        free(j->admin.slots);
        j->api.slots = NULL;
        return false;
    }
    pthread_mutex_init(&j->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&j->changed, &attr);
    pthread_condattr_destroy(&attr);
    j->jsonl = jsonl;
    return true;
}

void esomock__journal_finish(struct esomock_journal *j)
{
    if (j->api.slots == NULL)
        return;
    pthread_cond_destroy(&j->changed);
    pthread_mutex_destroy(&j->lock);
    free(j->api.slots);
    free(j->admin.slots);
    j->api.slots = NULL;
    j->admin.slots = NULL;
}

static struct esomock_journal_ring *ring_of(struct esomock_journal *j,
                                            const struct esomock_journal_entry *e)
{
    return e->admin ? &j->admin : &j->api;
}

void esomock__journal_add(struct esomock_journal *j, const struct esomock_journal_entry *e)
{
    pthread_mutex_lock(&j->lock);
    if (e->seq > j->last_seq)
        j->last_seq = e->seq;
    if (e->seq > j->cleared_seq)
        ring_insert(ring_of(j, e), e);
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

void esomock__journal_update(struct esomock_journal *j, const struct esomock_journal_entry *e,
                             bool completed)
{
    pthread_mutex_lock(&j->lock);
    struct esomock_journal_entry *held = ring_find(ring_of(j, e), e->seq);
    if (held != NULL) {
        *held = *e;
        /* Waiters may filter on what this update filled in (the operation, say). */
        pthread_cond_broadcast(&j->changed);
    }
    /* The file is the complete record: cleared or pushed out of the ring, the line goes. */
    if (completed && j->jsonl != NULL)
        write_jsonl(j, e);
    pthread_mutex_unlock(&j->lock);
}

static bool passes(const struct esomock_journal_entry *e, const struct esomock_journal_filter *f)
{
    if (f == NULL)
        return !e->admin;
    if (e->admin && !f->include_admin)
        return false;
    if (e->seq <= f->since_seq)
        return false;
    return f->operation == NULL || strcmp(f->operation, e->operation) == 0;
}

/*
 * Walk the entries @p filter may pass, in seq order (both rings merged when admin entries
 * are wanted), calling @p visit on those that pass. The lock is held.
 */
static void each_passing(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                         void (*visit)(const struct esomock_journal_entry *, void *), void *arg)
{
    bool with_admin = filter != NULL && filter->include_admin;
    size_t a = 0, b = 0, na = j->api.count, nb = with_admin ? j->admin.count : 0;
    while (a < na || b < nb) {
        const struct esomock_journal_entry *e;
        if (b >= nb || (a < na && ring_at(&j->api, a)->seq < ring_at(&j->admin, b)->seq))
            e = ring_at(&j->api, a++);
        else
            e = ring_at(&j->admin, b++);
        if (passes(e, filter))
            visit(e, arg);
    }
}

struct copy_state {
    struct esomock_journal_entry *out;
    size_t n;
    bool completed_only;
};

static void count_one(const struct esomock_journal_entry *e, void *arg)
{
    struct copy_state *s = arg;
    if (!s->completed_only || e->state != ESOMOCK_ENTRY_IN_FLIGHT)
        s->n++;
}

static void copy_one(const struct esomock_journal_entry *e, void *arg)
{
    struct copy_state *s = arg;
    s->out[s->n++] = *e;
}

int esomock__journal_copy(struct esomock_journal *j, const struct esomock_journal_filter *filter,
                          struct esomock_journal_entry **out, size_t *count)
{
    pthread_mutex_lock(&j->lock);
    struct copy_state s = {0};
    each_passing(j, filter, count_one, &s);
    size_t n = s.n;
    struct esomock_journal_entry *copy = NULL;
    if (n > 0) {
        copy = malloc(n * sizeof(*copy));
        if (copy == NULL) {
            pthread_mutex_unlock(&j->lock);
            return -1;
        }
        s = (struct copy_state){.out = copy};
        each_passing(j, filter, copy_one, &s);
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
    struct copy_state s = {.completed_only = completed};
    each_passing(j, filter, count_one, &s);
    return s.n;
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
    j->cleared_seq = j->last_seq;
    j->api.count = 0;
    j->admin.count = 0;
    pthread_mutex_unlock(&j->lock);
}

uint64_t esomock__journal_dropped(struct esomock_journal *j, uint64_t *admin)
{
    pthread_mutex_lock(&j->lock);
    uint64_t n = j->api.dropped + j->admin.dropped;
    if (admin != NULL)
        *admin = j->admin.dropped;
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
    if (e->sent_ms >= 0)
        cJSON_AddNumberToObject(o, "sent_ms", e->sent_ms);
    else
        cJSON_AddNullToObject(o, "sent_ms");
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
    cJSON *fields = e->fields[0] != '\0' ? cJSON_Parse(e->fields) : NULL;
    if (fields != NULL)
        cJSON_AddItemToObject(o, "fields", fields);
    else if (e->fields[0] != '\0')
        cJSON_AddStringToObject(o, "fields", e->fields); /* cut to fit: kept as text */
    else
        cJSON_AddNullToObject(o, "fields");
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
    if (e->retry_after[0] != '\0')
        cJSON_AddStringToObject(o, "retry_after", e->retry_after);
    else
        cJSON_AddNullToObject(o, "retry_after");
    if (e->retry_after[0] != '\0' && e->retry_after_s >= 0)
        cJSON_AddNumberToObject(o, "retry_after_s", e->retry_after_s);
    else
        cJSON_AddNullToObject(o, "retry_after_s");
    cJSON_AddBoolToObject(o, "graphql_errors", e->graphql_errors);
    if (e->forwarded) {
        cJSON *up = cJSON_AddObjectToObject(o, "upstream");
        if (e->upstream_status > 0)
            cJSON_AddNumberToObject(up, "status", e->upstream_status);
        else
            cJSON_AddNullToObject(up, "status");
        cJSON_AddNumberToObject(up, "ms", e->upstream_ms);
        cJSON_AddNumberToObject(up, "attempts", e->upstream_attempts);
        cJSON_AddBoolToObject(up, "token_fetch", e->upstream_token_fetch);
        if (e->upstream_error[0] != '\0')
            cJSON_AddStringToObject(up, "error", e->upstream_error);
        else
            cJSON_AddNullToObject(up, "error");
        cJSON_AddNumberToObject(up, "recorded", e->recorded);
    } else {
        cJSON_AddNullToObject(o, "upstream");
    }
    cJSON *reply = e->reply[0] != '\0' ? cJSON_Parse(e->reply) : NULL;
    if (reply != NULL)
        cJSON_AddItemToObject(o, "reply", reply);
    else
        cJSON_AddNullToObject(o, "reply");
    return o;
}

/* The body as the journal may show it: valid UTF-8, secrets redacted; NULL to leave it out. */
static char *shown_body(const char *body, size_t len)
{
    if (esomock__utf8_invalid(body, len) != NULL || memchr(body, '\0', len) != NULL)
        return NULL;
    char *text = malloc(len + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, body, len);
    text[len] = '\0';
    cJSON *json = cJSON_Parse(text);
    if (json == NULL)
        return text;
    /* Redacting rewrites the text; only when it changed something (so bytes stay exact). */
    char *before = cJSON_PrintUnformatted(json);
    bool redacted = esomock__redact_secrets(json);
    char *after = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    if (!redacted || before == NULL || after == NULL) {
        free(text);
        text = NULL; /* cannot tell whether a secret is in it */
    } else if (strcmp(before, after) != 0) {
        free(text);
        text = after;
        after = NULL;
    }
    free(before);
    free(after);
    return text;
}

static void describe_step(cJSON *o, const struct esomock_step *step, double hang_max_ms)
{
    if (step->fixture != NULL)
        cJSON_AddStringToObject(o, "fixture", step->fixture);
    switch (step->action) {
    case ESOMOCK_ACTION_TRUNCATE:
        cJSON_AddNumberToObject(o, "bytes", (double)step->truncate_bytes);
        cJSON_AddStringToObject(o, "end",
                                step->truncate_end == ESOMOCK_END_RESET ? "reset" : "close");
        break;
    case ESOMOCK_ACTION_DRIP:
    case ESOMOCK_ACTION_SLOW_READ:
        cJSON_AddNumberToObject(o, "chunk_bytes", (double)step->chunk_bytes);
        cJSON_AddNumberToObject(o, "interval_ms", step->interval_ms);
        break;
    case ESOMOCK_ACTION_HANG:
        cJSON_AddNumberToObject(o, "max_ms",
                                step->hang_max_ms > 0 ? step->hang_max_ms : hang_max_ms);
        break;
    default:
        break;
    }
}

void esomock__journal_describe_reply(const struct esomock_reply_view *v, char *out, size_t size)
{
    out[0] = '\0';
    cJSON *o = cJSON_CreateObject();
    cJSON *headers = cJSON_CreateObject();
    if (o == NULL || headers == NULL) {
        cJSON_Delete(o);
        cJSON_Delete(headers);
        return;
    }
    for (size_t i = 0; i < v->header_count; i++) {
        const char *name = v->headers[i].name, *value = v->headers[i].value;
        if (strcasecmp(name, "Connection") == 0) {
            if (strcasecmp(value, "close") == 0)
                cJSON_AddStringToObject(o, "connection", "close");
        } else if (!esomock__is_secret_key(name) && strcasecmp(name, "Content-Length") != 0 &&
                   strcasecmp(name, "Transfer-Encoding") != 0 &&
                   esomock__utf8_invalid(value, strlen(value)) == NULL) {
            cJSON_AddStringToObject(headers, name, value);
        }
    }
    if (headers->child != NULL)
        cJSON_AddItemToObject(o, "headers", headers);
    else
        cJSON_Delete(headers);
    if (v->step != NULL)
        describe_step(o, v->step, v->hang_max_ms);
    if (v->token_route && v->body != NULL) {
        /* Only the lifetime: the rest of a token answer is the token. */
        char *text = strndup(v->body, v->body_len);
        cJSON *token = text != NULL ? cJSON_Parse(text) : NULL;
        const cJSON *ttl = cJSON_GetObjectItemCaseSensitive(token, "expires_in");
        if (cJSON_IsNumber(ttl))
            cJSON_AddNumberToObject(o, "expires_in", ttl->valuedouble);
        cJSON_Delete(token);
        free(text);
    }
    bool own_body =
        v->step != NULL && (v->step->body != NULL || v->step->action == ESOMOCK_ACTION_MALFORMED);
    char *body = NULL;
    if (!v->token_route && v->body != NULL && (own_body || (v->step == NULL && v->live_body)))
        body = shown_body(v->body, v->body_len);
    char *text = NULL;
    if (body != NULL) {
        cJSON_AddStringToObject(o, "body", body);
        text = cJSON_PrintUnformatted(o);
        if (text != NULL && strlen(text) >= size) { /* too long: say so rather than cut it */
            free(text);
            text = NULL;
            cJSON_DeleteItemFromObjectCaseSensitive(o, "body");
            cJSON_AddTrueToObject(o, "body_cut");
        }
    }
    if (text == NULL && o->child != NULL)
        text = cJSON_PrintUnformatted(o);
    if (text != NULL && strlen(text) < size)
        memcpy(out, text, strlen(text) + 1);
    free(text);
    free(body);
    cJSON_Delete(o);
}
