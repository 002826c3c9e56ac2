#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_private.h"

void esomock__metrics_init(struct esomock_metrics *m)
{
    memset(m, 0, sizeof(*m));
    pthread_mutex_init(&m->lock, NULL);
    snprintf(m->ops[ESOMOCK_METRICS_MAX_OPERATIONS].name,
             sizeof(m->ops[ESOMOCK_METRICS_MAX_OPERATIONS].name), "other");
}

void esomock__metrics_finish(struct esomock_metrics *m)
{
    pthread_mutex_destroy(&m->lock);
}

/* The counters for @p operation, added on first sight; the lock is held. */
static struct esomock_op_counters *counters_for(struct esomock_metrics *m, const char *operation)
{
    for (size_t i = 0; i < m->op_count; i++) {
        if (strcmp(m->ops[i].name, operation) == 0)
            return &m->ops[i];
    }
    if (m->op_count == ESOMOCK_METRICS_MAX_OPERATIONS)
        return &m->ops[ESOMOCK_METRICS_MAX_OPERATIONS];
    struct esomock_op_counters *c = &m->ops[m->op_count++];
    snprintf(c->name, sizeof(c->name), "%s", operation);
    return c;
}

/* The kind a step is counted under: its action, or "delay" for a pass with a delay. */
static size_t fault_kind(const struct esomock_step *step)
{
    if (esomock__step_is_delay(step))
        return ESOMOCK_FAULT_KIND_DELAY;
    return (size_t)step->action;
}

static const char *fault_kind_name(size_t kind)
{
    if (kind == ESOMOCK_FAULT_KIND_DELAY)
        return "delay";
    return esomock__action_name((enum esomock_action)kind);
}

void esomock__metrics_count(struct esomock_metrics *m, const char *operation,
                            const struct esomock_step *step, int status)
{
    pthread_mutex_lock(&m->lock);
    struct esomock_op_counters *c = counters_for(
        m, operation != NULL && operation[0] != '\0' ? operation : ESOMOCK_METRICS_NO_OPERATION);
    c->requests++;
    if (step != NULL)
        c->faults[fault_kind(step)]++;
    int cls = status >= 100 && status <= 599 ? status / 100 : 0;
    m->by_status_class[cls]++;
    pthread_mutex_unlock(&m->lock);
}

void esomock__metrics_count_rate_limited(struct esomock_metrics *m)
{
    pthread_mutex_lock(&m->lock);
    m->rate_limited++;
    pthread_mutex_unlock(&m->lock);
}

void esomock__metrics_count_unauthorized(struct esomock_metrics *m)
{
    pthread_mutex_lock(&m->lock);
    m->unauthorized++;
    pthread_mutex_unlock(&m->lock);
}

struct text {
    char *data;
    size_t len, cap;
    bool failed;
};

static void append(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->data + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n;
        char *grown = realloc(t->data, cap);
        if (grown == NULL) {
            t->failed = true;
            return;
        }
        t->data = grown;
        t->cap = cap;
    }
}

char *esomock__metrics_render(struct esomock_metrics *m, const struct esomock_gauges *g)
{
    struct text t = {.data = malloc(4096), .cap = 4096};
    if (t.data == NULL)
        return NULL;
    t.data[0] = '\0';
    pthread_mutex_lock(&m->lock);
    append(&t, "# HELP esomock_requests_total API requests received, by GraphQL operation; "
               "(token) is POST /oauth/token, (none) a GraphQL request naming no operation, "
               "(unrouted) a 404 or 405.\n"
               "# TYPE esomock_requests_total counter\n");
    for (size_t i = 0; i <= ESOMOCK_METRICS_MAX_OPERATIONS; i++) {
        if (i < m->op_count || (i == ESOMOCK_METRICS_MAX_OPERATIONS && m->ops[i].requests > 0))
            append(&t, "esomock_requests_total{operation=\"%s\"} %llu\n", m->ops[i].name,
                   (unsigned long long)m->ops[i].requests);
    }
    append(&t, "# HELP esomock_faults_total Scripted faults applied, by operation and kind.\n"
               "# TYPE esomock_faults_total counter\n");
    for (size_t i = 0; i <= ESOMOCK_METRICS_MAX_OPERATIONS; i++) {
        for (size_t k = 0; k < ESOMOCK_FAULT_KIND_COUNT; k++) {
            if (m->ops[i].faults[k] > 0)
                append(&t, "esomock_faults_total{operation=\"%s\",kind=\"%s\"} %llu\n",
                       m->ops[i].name, fault_kind_name(k), (unsigned long long)m->ops[i].faults[k]);
        }
    }
    append(&t, "# HELP esomock_responses_total Answers by HTTP status class (none: no status "
               "was sent).\n# TYPE esomock_responses_total counter\n");
    static const char *const classes[] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int c = 0; c < 6; c++)
        append(&t, "esomock_responses_total{class=\"%s\"} %llu\n", classes[c],
               (unsigned long long)m->by_status_class[c]);
    append(&t,
           "# HELP esomock_rate_limited_total Requests refused because the points budget was "
           "spent.\n# TYPE esomock_rate_limited_total counter\nesomock_rate_limited_total %llu\n"
           "# HELP esomock_unauthorized_total Requests refused for a missing or bad token.\n"
           "# TYPE esomock_unauthorized_total counter\nesomock_unauthorized_total %llu\n",
           (unsigned long long)m->rate_limited, (unsigned long long)m->unauthorized);
    pthread_mutex_unlock(&m->lock);
    append(&t,
           "# HELP esomock_in_flight Requests received whose answer has not ended.\n"
           "# TYPE esomock_in_flight gauge\nesomock_in_flight %llu\n"
           "# HELP esomock_waiting_connections Connections parked by a delay, hang or drip.\n"
           "# TYPE esomock_waiting_connections gauge\nesomock_waiting_connections %llu\n"
           "# HELP esomock_points_remaining Points left in the current rate-limit period.\n"
           "# TYPE esomock_points_remaining gauge\nesomock_points_remaining %g\n"
           "# HELP esomock_points_limit Points per period.\n"
           "# TYPE esomock_points_limit gauge\nesomock_points_limit %g\n"
           "# HELP esomock_journal_dropped_total Journal entries pushed out of its rings.\n"
           "# TYPE esomock_journal_dropped_total counter\nesomock_journal_dropped_total %llu\n",
           (unsigned long long)g->in_flight, (unsigned long long)g->waiting, g->points_remaining,
           g->points_limit, (unsigned long long)g->journal_dropped);
    if (t.failed) {
        free(t.data);
        return NULL;
    }
    return t.data;
}
