/*
 * Fixtures: eso-mock + libesologs wired together, and readers for what they recorded.
 * Criterion-free, so eso-scenario can use it outside a test; fixture_criterion.c adds
 * the asserting start.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <esoharness/fixture.h>
#include <esomock/problems.h>
#include <esomock/scenario.h>
#include <esomock/server.h>

#include "expect_private.h"
#include "fixture_private.h"

/* Bounded so a runaway test cannot eat the machine; later events are counted, not kept. */
#define MAX_EVENTS 100000

struct esoh_fixture {
    struct esomock_server *server;
    struct eso_client *client;
    char api_url[160];
    char token_url[160];
    double time_scale;
    double started_ms;
    eso_event_fn user_on_event;
    void *user_event_userdata;

    pthread_mutex_t lock;
    struct esoh_fixture_event *events;
    size_t event_count;
    size_t event_cap;
    size_t events_dropped;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double scale_from_env(void)
{
    const char *env = getenv("ESO_TIME_SCALE");
    if (env == NULL || env[0] == '\0')
        return 1.0;
    char *end = NULL;
    double v = strtod(env, &end);
    return end != env && *end == '\0' && v > 0 && isfinite(v) ? v : 1.0;
}

static void record_event(const struct eso_event *ev, void *userdata)
{
    struct esoh_fixture *fx = userdata;
    struct esoh_fixture_event copy = {
        .kind = ev->kind,
        .call_id = ev->call_id,
        .attempt = ev->attempt,
        .status = ev->status,
        .http_status = ev->http_status,
        .at_ms = now_ms() - fx->started_ms,
        .delay_ms = ev->delay_ms,
        .duration_ms = ev->duration_ms,
        .breaker_from = ev->breaker_from,
        .breaker_to = ev->breaker_to,
        .from_cache = ev->from_cache,
    };
    snprintf(copy.operation, sizeof(copy.operation), "%s", ev->operation ? ev->operation : "");
    snprintf(copy.reason, sizeof(copy.reason), "%s", ev->reason ? ev->reason : "");
    pthread_mutex_lock(&fx->lock);
    if (fx->event_count == fx->event_cap && fx->event_cap < MAX_EVENTS) {
        size_t cap = fx->event_cap ? fx->event_cap * 2 : 256;
        struct esoh_fixture_event *grown = realloc(fx->events, cap * sizeof(*grown));
        if (grown != NULL) {
            fx->events = grown;
            fx->event_cap = cap;
        }
    }
    if (fx->event_count < fx->event_cap)
        fx->events[fx->event_count++] = copy;
    else
        fx->events_dropped++;
    pthread_mutex_unlock(&fx->lock);
    if (fx->user_on_event != NULL)
        fx->user_on_event(ev, fx->user_event_userdata);
}

/* Fit @p problems into @p err (ESOMOCK_ERROR_SIZE bytes, may be NULL): its first lines. */
static void problems_to_err(const struct esomock_problems *problems, char *err)
{
    if (err == NULL)
        return;
    char *text = esomock_problems_text(problems);
    snprintf(err, ESOMOCK_ERROR_SIZE, "%s", text != NULL ? text : "out of memory");
    free(text);
}

static int start_server(struct esoh_fixture *fx, const struct esoh_fixture_options *opts, char *err)
{
    struct esomock_options server_opts = {0};
    if (opts->server != NULL)
        server_opts = *opts->server;
    server_opts.time_scale = fx->time_scale;
    server_opts.blackhole = server_opts.blackhole || opts->blackhole;
    if (server_opts.log == NULL && getenv("ESO_FIXTURE_LOG") != NULL)
        server_opts.log = stderr;
    /* Scenario files carry the harness's `expect` section: the server checks it as run does. */
    if (server_opts.section_count == 0) {
        server_opts.sections = &esoh__expect_section;
        server_opts.section_count = 1;
    }
    struct esomock_problems *problems = esomock_problems_create();
    enum esomock_status rc = esomock_server_start(&server_opts, &fx->server, problems);
    if (rc == ESOMOCK_OK && opts->scenario_file != NULL)
        rc = esomock_server_load_scenario_file(fx->server, opts->scenario_file, problems);
    else if (rc == ESOMOCK_OK && opts->scenario_json != NULL)
        rc = esomock_server_load_scenario(fx->server, opts->scenario_json,
                                          strlen(opts->scenario_json), "<inline>", problems);
    if (rc != ESOMOCK_OK)
        problems_to_err(problems, err);
    if (fx->server != NULL) { /* a client of the fixture's, or any other, finds it here */
        snprintf(fx->api_url, sizeof(fx->api_url), "%s/api/v2/client",
                 esomock_server_url(fx->server));
        snprintf(fx->token_url, sizeof(fx->token_url), "%s/oauth/token",
                 esomock_server_url(fx->server));
    }
    esomock_problems_destroy(problems);
    return rc == ESOMOCK_OK ? 0 : -1;
}

static int start_client(struct esoh_fixture *fx, const struct esoh_fixture_options *opts, char *err)
{
    struct eso_options client_opts = {0};
    if (opts->client != NULL)
        client_opts = *opts->client;
    client_opts.api_url = fx->api_url;
    client_opts.token_url = fx->token_url;
    client_opts.time_scale = fx->time_scale;
    /* Exercise the real token flow unless the test chose how to authenticate. */
    if (client_opts.bearer_token == NULL && client_opts.client_id == NULL) {
        client_opts.client_id = "harness-client";
        client_opts.client_secret = "harness-secret";
    }
    fx->user_on_event = client_opts.on_event;
    fx->user_event_userdata = client_opts.event_userdata;
    client_opts.on_event = record_event;
    client_opts.event_userdata = fx;
    char detail[ESO_DETAIL_SIZE] = "";
    enum eso_status rc = eso_client_create(&client_opts, &fx->client, detail);
    if (rc != ESO_OK) {
        if (err != NULL)
            snprintf(err, ESOMOCK_ERROR_SIZE, "client: %s: %s", eso_strerror(rc), detail);
        return -1;
    }
    return 0;
}

int esoh_fixture_try_start(const struct esoh_fixture_options *opts, struct esoh_fixture **out,
                           char *err)
{
    static const struct esoh_fixture_options defaults = {0};
    if (opts == NULL)
        opts = &defaults;
    if (out == NULL)
        return -1;
    struct esoh_fixture *fx = calloc(1, sizeof(*fx));
    if (fx == NULL) {
        if (err != NULL)
            snprintf(err, ESOMOCK_ERROR_SIZE, "out of memory");
        return -1;
    }
    pthread_mutex_init(&fx->lock, NULL);
    fx->started_ms = now_ms();
    fx->time_scale = opts->time_scale > 0 ? opts->time_scale : scale_from_env();
    if (start_server(fx, opts, err) != 0 ||
        (!opts->no_client && start_client(fx, opts, err) != 0)) {
        esoh_fixture_stop(fx);
        return -1;
    }
    /* Times in events count from here: the scenario has just been put in force. */
    fx->started_ms = now_ms();
    *out = fx;
    return 0;
}

void esoh_fixture_release(void *fixture)
{
    esoh_fixture_stop(fixture);
}

void esoh_fixture_stop(struct esoh_fixture *fx)
{
    if (fx == NULL)
        return;
    eso_client_destroy(fx->client);
    esomock_server_stop(fx->server);
    pthread_mutex_destroy(&fx->lock);
    free(fx->events);
    free(fx);
}

struct esomock_server *esoh_fixture_server(struct esoh_fixture *fx)
{
    return fx->server;
}

struct eso_client *esoh_fixture_client(struct esoh_fixture *fx)
{
    return fx->client;
}

const char *esoh_fixture_api_url(struct esoh_fixture *fx)
{
    return fx->api_url;
}

double esoh__fixture_started_ms(const struct esoh_fixture *fx)
{
    return fx->started_ms;
}

double esoh_fixture_time_scale(const struct esoh_fixture *fx)
{
    return fx->time_scale;
}

static bool is_graphql(const struct esomock_journal_entry *e)
{
    return strncmp(e->path, "/api/v2/", 8) == 0;
}

struct esomock_journal_entry *esoh_fixture_journal(struct esoh_fixture *fx, const char *operation,
                                                   size_t *count)
{
    struct esomock_journal_filter filter = {.operation = operation};
    struct esomock_journal_entry *entries = NULL;
    *count = 0;
    if (esomock_server_journal(fx->server, &filter, &entries, count) != ESOMOCK_OK)
        return NULL;
    /* Keep only GraphQL requests: token fetches are not attempts of a query. */
    size_t kept = 0;
    for (size_t i = 0; i < *count; i++) {
        if (is_graphql(&entries[i]))
            entries[kept++] = entries[i];
    }
    *count = kept;
    if (kept == 0) {
        free(entries);
        return NULL;
    }
    return entries;
}

size_t esoh_fixture_attempts(struct esoh_fixture *fx, const char *operation)
{
    size_t n = 0;
    free(esoh_fixture_journal(fx, operation, &n));
    return n;
}

size_t esoh_fixture_gaps(struct esoh_fixture *fx, const char *operation, double *out, size_t max)
{
    size_t n = 0;
    struct esomock_journal_entry *e = esoh_fixture_journal(fx, operation, &n);
    size_t gaps = n > 1 ? n - 1 : 0;
    for (size_t i = 0; i < gaps && i < max; i++)
        out[i] = (e[i + 1].t_ms - e[i].t_ms) / fx->time_scale;
    free(e);
    return gaps;
}

bool esoh_fixture_gaps_within(struct esoh_fixture *fx, const char *operation,
                              const double *expected_ms, size_t count, double tolerance_ms)
{
    double gaps[64];
    size_t n = esoh_fixture_gaps(fx, operation, gaps, 64);
    bool ok = n == count;
    for (size_t i = 0; ok && i < n && i < 64; i++)
        ok = fabs(gaps[i] - expected_ms[i]) <= tolerance_ms;
    return ok;
}

const char *esoh_fixture_faults(struct esoh_fixture *fx, const char *operation, char *buf,
                                size_t size)
{
    size_t n = 0, used = 0;
    struct esomock_journal_entry *e = esoh_fixture_journal(fx, operation, &n);
    if (size > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? "," : "", e[i].action);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    free(e);
    return buf;
}

struct esoh_fixture_event *esoh_fixture_events(struct esoh_fixture *fx, size_t *count)
{
    pthread_mutex_lock(&fx->lock);
    struct esoh_fixture_event *copy = NULL;
    *count = 0;
    if (fx->event_count > 0) {
        copy = malloc(fx->event_count * sizeof(*copy));
        if (copy != NULL) {
            memcpy(copy, fx->events, fx->event_count * sizeof(*copy));
            *count = fx->event_count;
        }
    }
    pthread_mutex_unlock(&fx->lock);
    return copy;
}

const char *esoh_fixture_breaker_path(struct esoh_fixture *fx, char *buf, size_t size)
{
    size_t used = 0;
    if (size > 0)
        buf[0] = '\0';
    pthread_mutex_lock(&fx->lock);
    for (size_t i = 0; i < fx->event_count && used < size; i++) {
        if (fx->events[i].kind != ESO_EV_BREAKER_TRANSITION)
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? "," : "",
                         eso_breaker_state_name(fx->events[i].breaker_to));
        if (w < 0)
            break;
        used += (size_t)w;
    }
    pthread_mutex_unlock(&fx->lock);
    return buf;
}

void esoh_fixture_clear(struct esoh_fixture *fx)
{
    pthread_mutex_lock(&fx->lock);
    fx->event_count = 0;
    fx->events_dropped = 0;
    pthread_mutex_unlock(&fx->lock);
    esomock_server_journal_clear(fx->server);
}
