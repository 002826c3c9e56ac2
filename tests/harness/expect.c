/* Turning a scenario's `expect` section into client options and a list of calls. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "expect_private.h"

struct ctx {
    char *err;
    size_t err_size;
    bool failed;
};

static void fail(struct ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct ctx *c, const char *path, const char *fmt, ...)
{
    if (c->failed)
        return; /* the first problem is the one reported */
    c->failed = true;
    int n = snprintf(c->err, c->err_size, "%s: ", path);
    if (n < 0 || (size_t)n >= c->err_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->err_size - (size_t)n, fmt, ap);
    va_end(ap);
}

bool eso__outcome_from_name(const char *name, enum eso_status *out)
{
    for (int s = ESO_OK; s <= ESO_TRANSPORT; s++) {
        if (strcmp(eso_status_name((enum eso_status)s), name) == 0) {
            *out = (enum eso_status)s;
            return true;
        }
    }
    return false;
}

/* A non-negative number within [min, max], or fail. */
static double number(struct ctx *c, const cJSON *item, const char *path, double min, double max)
{
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) || item->valuedouble < min ||
        item->valuedouble > max) {
        fail(c, path, "expected a number from %g to %g", min, max);
        return min;
    }
    return item->valuedouble;
}

static unsigned whole(struct ctx *c, const cJSON *item, const char *path, double min, double max)
{
    double v = number(c, item, path, min, max);
    if (!c->failed && v != floor(v))
        fail(c, path, "expected a whole number");
    return (unsigned)v;
}

/* 3 or [2, 4]. */
static struct eso_range range(struct ctx *c, const cJSON *item, const char *path)
{
    struct eso_range r = {.set = true};
    if (cJSON_IsNumber(item)) {
        r.min = r.max = number(c, item, path, 0, 1e12);
    } else if (cJSON_IsArray(item) && cJSON_GetArraySize(item) == 2) {
        r.min = number(c, cJSON_GetArrayItem(item, 0), path, 0, 1e12);
        r.max = number(c, cJSON_GetArrayItem(item, 1), path, 0, 1e12);
        if (!c->failed && r.min > r.max)
            fail(c, path, "expected [min, max] with min <= max");
    } else {
        fail(c, path, "expected a number or an array [min, max]");
    }
    return r;
}

static bool boolean(struct ctx *c, const cJSON *item, const char *path)
{
    if (!cJSON_IsBool(item))
        fail(c, path, "expected true or false");
    return cJSON_IsTrue(item);
}

/* "parent.key" into @p buf, cut to fit (paths are for messages only). */
static const char *join_path(char *buf, size_t size, const char *parent, const char *key)
{
    if (snprintf(buf, size, "%s.%s", parent, key) >= (int)size)
        buf[size - 1] = '\0';
    return buf;
}
#define PATH(buf, parent, key) join_path((buf), sizeof(buf), (parent), (key))

static void unknown(struct ctx *c, const cJSON *item, const char *path, const char *allowed)
{
    char where[192];
    fail(c, join_path(where, sizeof(where), path, item->string), "unknown key (expected one of %s)", allowed);
}


static void breaker_options(struct ctx *c, const cJSON *obj, const char *path,
                            struct eso_options *o)
{
    char p[192];
    if (cJSON_IsFalse(obj)) {
        o->breaker_disabled = true;
        return;
    }
    if (!cJSON_IsObject(obj)) {
        fail(c, path, "expected false or an object");
        return;
    }
    for (const cJSON *f = obj->child; f != NULL && !c->failed; f = f->next) {
        const char *k = f->string;
        if (strcmp(k, "threshold") == 0)
            o->breaker_threshold = whole(c, f, PATH(p, path, k), 1, 1e6);
        else if (strcmp(k, "failure_rate") == 0)
            o->breaker_failure_rate = whole(c, f, PATH(p, path, k), 1, 100);
        else if (strcmp(k, "window") == 0)
            o->breaker_window = whole(c, f, PATH(p, path, k), 1, 1e6);
        else if (strcmp(k, "min_calls") == 0)
            o->breaker_min_calls = whole(c, f, PATH(p, path, k), 1, 1e6);
        else if (strcmp(k, "cooldown_ms") == 0)
            o->breaker_cooldown_ms = whole(c, f, PATH(p, path, k), 1, 1e9);
        else if (strcmp(k, "cooldown_multiplier") == 0)
            o->breaker_cooldown_multiplier = number(c, f, PATH(p, path, k), 1, 100);
        else if (strcmp(k, "cooldown_max_ms") == 0)
            o->breaker_cooldown_max_ms = whole(c, f, PATH(p, path, k), 1, 1e9);
        else if (strcmp(k, "half_open_probes") == 0)
            o->breaker_half_open_probes = whole(c, f, PATH(p, path, k), 1, 1000);
        else
            unknown(c, f, path, "threshold, failure_rate, window, min_calls, cooldown_ms, "
                                "cooldown_multiplier, cooldown_max_ms, half_open_probes");
    }
}

static void budget_options(struct ctx *c, const cJSON *obj, const char *path,
                           struct eso_options *o)
{
    char p[192];
    if (cJSON_IsFalse(obj)) {
        o->budget_disabled = true;
        return;
    }
    if (!cJSON_IsObject(obj)) {
        fail(c, path, "expected false or an object");
        return;
    }
    for (const cJSON *f = obj->child; f != NULL && !c->failed; f = f->next) {
        const char *k = f->string;
        if (strcmp(k, "capacity") == 0)
            o->budget_capacity = whole(c, f, PATH(p, path, k), 1, 1e9);
        else if (strcmp(k, "retry_cost") == 0)
            o->budget_retry_cost = whole(c, f, PATH(p, path, k), 1, 1e9);
        else if (strcmp(k, "timeout_cost") == 0)
            o->budget_timeout_cost = whole(c, f, PATH(p, path, k), 1, 1e9);
        else if (strcmp(k, "success_refund") == 0)
            o->budget_success_refund = whole(c, f, PATH(p, path, k), 1, 1e9);
        else
            unknown(c, f, path, "capacity, retry_cost, timeout_cost, success_refund");
    }
}

static const struct {
    const char *name;
    unsigned bits;
} retry_classes[] = {
    {"connect", ESO_RETRY_CONNECT},
    {"timeout", ESO_RETRY_TIMEOUT},
    {"dropped", ESO_RETRY_DROPPED},
    {"429", ESO_RETRY_429},
    {"500", ESO_RETRY_500},
    {"502", ESO_RETRY_502},
    {"503", ESO_RETRY_503},
    {"504", ESO_RETRY_504},
    {"5xx", ESO_RETRY_500 | ESO_RETRY_502 | ESO_RETRY_503 | ESO_RETRY_504 | ESO_RETRY_5XX_OTHER},
    {"malformed", ESO_RETRY_MALFORMED},
    {"graphql_transient", ESO_RETRY_GRAPHQL_TRANSIENT},
    {"pool_timeout", ESO_RETRY_POOL_TIMEOUT},
};

static unsigned retry_on(struct ctx *c, const cJSON *arr, const char *path)
{
    unsigned bits = 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
        fail(c, path, "expected a non-empty array of failure classes");
        return 0;
    }
    int i = 0;
    for (const cJSON *item = arr->child; item != NULL; item = item->next, i++) {
        bool found = false;
        for (size_t k = 0; cJSON_IsString(item) && k < sizeof(retry_classes) / sizeof(retry_classes[0]);
             k++) {
            if (strcmp(item->valuestring, retry_classes[k].name) == 0) {
                bits |= retry_classes[k].bits;
                found = true;
            }
        }
        if (!found) {
            char p[192];
            if (snprintf(p, sizeof(p), "%s[%d]", path, i) >= (int)sizeof(p))
                p[sizeof(p) - 1] = '\0';
            fail(c, p, "expected one of connect, timeout, dropped, 429, 500, 502, 503, 504, 5xx, "
                       "malformed, graphql_transient, pool_timeout");
        }
    }
    return bits;
}

static void client_options(struct ctx *c, const cJSON *obj, const char *path,
                           struct eso_options *o)
{
    char p[192];
    if (!cJSON_IsObject(obj)) {
        fail(c, path, "expected an object of client options");
        return;
    }
    for (const cJSON *f = obj->child; f != NULL && !c->failed; f = f->next) {
        const char *k = f->string;
        PATH(p, path, k);
        if (strcmp(k, "max_attempts") == 0)
            o->max_attempts = whole(c, f, p, 1, 100);
        else if (strcmp(k, "initial_delay_ms") == 0)
            o->initial_delay_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "multiplier") == 0)
            o->multiplier = number(c, f, p, 1, 100);
        else if (strcmp(k, "max_delay_ms") == 0)
            o->max_delay_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "jitter") == 0) {
            static const char *const kinds[] = {"none", "full", "equal", "decorrelated"};
            static const enum eso_jitter values[] = {ESO_JITTER_NONE, ESO_JITTER_FULL,
                                                     ESO_JITTER_EQUAL, ESO_JITTER_DECORRELATED};
            bool found = false;
            for (size_t i = 0; i < 4 && cJSON_IsString(f); i++) {
                if (strcmp(f->valuestring, kinds[i]) == 0) {
                    o->jitter = values[i];
                    found = true;
                }
            }
            if (!found)
                fail(c, p, "expected one of none, full, equal, decorrelated");
        } else if (strcmp(k, "retry_on") == 0)
            o->retry_on = retry_on(c, f, p);
        else if (strcmp(k, "timeout_ms") == 0)
            o->timeout_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "connect_timeout_ms") == 0)
            o->connect_timeout_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "read_timeout_ms") == 0)
            o->read_timeout_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "write_timeout_ms") == 0)
            o->write_timeout_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "deadline_ms") == 0)
            o->deadline_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "retry_after_max_ms") == 0)
            o->retry_after_max_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "breaker") == 0)
            breaker_options(c, f, p, o);
        else if (strcmp(k, "budget") == 0)
            budget_options(c, f, p, o);
        else if (strcmp(k, "fallback_cache") == 0)
            o->fallback_cache = boolean(c, f, p);
        else if (strcmp(k, "cache_max_age_ms") == 0)
            o->cache_max_age_ms = whole(c, f, p, 1, 1e10);
        else if (strcmp(k, "min_interval_ms") == 0)
            o->min_interval_ms = whole(c, f, p, 1, 1e9);
        else if (strcmp(k, "points_aware") == 0)
            o->points_aware = boolean(c, f, p);
        else if (strcmp(k, "bearer_token") == 0) {
            if (!cJSON_IsString(f) || f->valuestring[0] == '\0')
                fail(c, p, "expected a non-empty string");
            else
                o->bearer_token = f->valuestring;
        } else if (strcmp(k, "seed") == 0)
            o->seed = (uint64_t)whole(c, f, p, 1, 9007199254740991.0);
        else
            unknown(c, f, path,
                    "max_attempts, initial_delay_ms, multiplier, max_delay_ms, jitter, retry_on, "
                    "timeout_ms, connect_timeout_ms, read_timeout_ms, write_timeout_ms, "
                    "deadline_ms, retry_after_max_ms, breaker, budget, fallback_cache, "
                    "cache_max_age_ms, min_interval_ms, points_aware, bearer_token, seed");
    }
}

static void string_list(struct ctx *c, const cJSON *arr, const char *path, const char **out,
                        size_t *count)
{
    *count = 0;
    if (!cJSON_IsArray(arr)) {
        fail(c, path, "expected an array of strings");
        return;
    }
    for (const cJSON *item = arr->child; item != NULL; item = item->next) {
        if (!cJSON_IsString(item) || *count == ESO_EXPECT_MAX_LIST) {
            fail(c, path, "expected at most %d strings", ESO_EXPECT_MAX_LIST);
            return;
        }
        out[(*count)++] = item->valuestring;
    }
}

static void call_expectations(struct ctx *c, const cJSON *obj, const char *path,
                              struct eso_call_plan *call)
{
    char p[192];
    if (!cJSON_IsObject(obj)) {
        fail(c, path, "expected an object of expectations");
        return;
    }
    for (const cJSON *f = obj->child; f != NULL && !c->failed; f = f->next) {
        const char *k = f->string;
        PATH(p, path, k);
        if (strcmp(k, "outcome") == 0) {
            call->outcome_set = true;
            if (!cJSON_IsString(f) || !eso__outcome_from_name(f->valuestring, &call->outcome))
                fail(c, p, "expected \"ok\" or a failure class such as \"timeout\", "
                           "\"rate_limited\", \"server_error\", \"breaker_open\" (the names "
                           "eso_status_name() gives)");
        } else if (strcmp(k, "attempts") == 0)
            call->attempts = range(c, f, p);
        else if (strcmp(k, "server_requests") == 0)
            call->server_requests = range(c, f, p);
        else if (strcmp(k, "elapsed_ms") == 0)
            call->elapsed_ms = range(c, f, p);
        else if (strcmp(k, "from_cache") == 0)
            call->from_cache = boolean(c, f, p);
        else if (strcmp(k, "faults") == 0) {
            call->faults_set = true;
            string_list(c, f, p, call->faults, &call->fault_count);
        } else
            unknown(c, f, path,
                    "outcome, attempts, server_requests, elapsed_ms, from_cache, faults");
    }
}

static void call_plan(struct ctx *c, const cJSON *obj, const char *path, size_t index,
                      struct eso_call_plan *call)
{
    char p[192];
    call->repeat = 1;
    call->concurrency = 1;
    call->from_cache = -1;
    if (!cJSON_IsObject(obj)) {
        fail(c, path, "expected an object {\"operation\": ..., \"expect\": {...}}");
        return;
    }
    const char *name = NULL;
    for (const cJSON *f = obj->child; f != NULL && !c->failed; f = f->next) {
        const char *k = f->string;
        PATH(p, path, k);
        if (strcmp(k, "operation") == 0) {
            if (!cJSON_IsString(f) || f->valuestring[0] == '\0')
                fail(c, p, "expected an operation name");
            else
                call->operation = f->valuestring;
        } else if (strcmp(k, "name") == 0) {
            if (!cJSON_IsString(f))
                fail(c, p, "expected a string");
            else
                name = f->valuestring;
        } else if (strcmp(k, "variables") == 0) {
            if (!cJSON_IsObject(f))
                fail(c, p, "expected an object");
            call->variables = f;
        } else if (strcmp(k, "repeat") == 0)
            call->repeat = whole(c, f, p, 1, 10000);
        else if (strcmp(k, "concurrency") == 0)
            call->concurrency = whole(c, f, p, 1, 256);
        else if (strcmp(k, "wait_ms") == 0)
            call->wait_ms = number(c, f, p, 0, 1e9);
        else if (strcmp(k, "expect") == 0)
            call_expectations(c, f, p, call);
        else
            unknown(c, f, path, "name, operation, variables, repeat, concurrency, wait_ms, expect");
    }
    if (!c->failed && call->operation == NULL)
        fail(c, path, "missing \"operation\"");
    if (name != NULL)
        snprintf(call->label, sizeof(call->label), "%s", name);
    else
        snprintf(call->label, sizeof(call->label), "call %zu %s", index + 1,
                 call->operation != NULL ? call->operation : "?");
}

static const char *const counter_names[] = {
    "calls",          "calls_ok",          "calls_failed",      "attempts",
    "retries",        "give_ups",          "breaker_rejections", "breaker_opens",
    "budget_rejections", "deadline_exceeded", "cache_fallbacks",  "cache_stores",
    "pacing_waits",   "token_fetches",     "token_invalidations",
};

bool eso__counter_value(const struct eso_counters *k, const char *name, double *out)
{
    const uint64_t values[] = {
        k->calls,          k->calls_ok,          k->calls_failed,       k->attempts,
        k->retries,        k->give_ups,          k->breaker_rejections, k->breaker_opens,
        k->budget_rejections, k->deadline_exceeded, k->cache_fallbacks, k->cache_stores,
        k->pacing_waits,   k->token_fetches,     k->token_invalidations,
    };
    for (size_t i = 0; i < sizeof(counter_names) / sizeof(counter_names[0]); i++) {
        if (strcmp(counter_names[i], name) == 0) {
            *out = (double)values[i];
            return true;
        }
    }
    return false;
}

int eso__expect_plan(const cJSON *expect, struct eso_run_plan *plan, char *err, size_t err_size)
{
    struct ctx c = {.err = err, .err_size = err_size};
    char p[192];
    memset(plan, 0, sizeof(*plan));
    if (!cJSON_IsObject(expect)) {
        fail(&c, "expect", "missing or not an object: every scenario says what the client "
                           "must do");
        return -1;
    }
    for (const cJSON *f = expect->child; f != NULL && !c.failed; f = f->next) {
        const char *k = f->string;
        PATH(p, "expect", k);
        if (strcmp(k, "time_scale") == 0) {
            plan->time_scale = number(&c, f, p, 1e-6, 1000);
        } else if (strcmp(k, "client") == 0) {
            client_options(&c, f, p, &plan->client);
        } else if (strcmp(k, "calls") == 0) {
            if (!cJSON_IsArray(f) || cJSON_GetArraySize(f) == 0 ||
                cJSON_GetArraySize(f) > ESO_EXPECT_MAX_CALLS) {
                fail(&c, p, "expected an array of 1 to %d calls", ESO_EXPECT_MAX_CALLS);
                break;
            }
            for (const cJSON *call = f->child; call != NULL && !c.failed; call = call->next) {
                char cp[192];
                snprintf(cp, sizeof(cp), "expect.calls[%zu]", plan->call_count);
                call_plan(&c, call, cp, plan->call_count, &plan->calls[plan->call_count]);
                plan->call_count++;
            }
        } else if (strcmp(k, "breaker") == 0) {
            plan->breaker_set = true;
            string_list(&c, f, p, plan->breaker, &plan->breaker_count);
            for (size_t i = 0; i < plan->breaker_count && !c.failed; i++) {
                const char *s = plan->breaker[i];
                if (strcmp(s, "closed") != 0 && strcmp(s, "open") != 0 &&
                    strcmp(s, "half_open") != 0)
                    fail(&c, p, "expected states closed, open or half_open; got \"%s\"", s);
            }
        } else if (strcmp(k, "counters") == 0) {
            if (!cJSON_IsObject(f)) {
                fail(&c, p, "expected an object of counter name -> number or [min, max]");
                break;
            }
            for (const cJSON *counter = f->child; counter != NULL && !c.failed;
                 counter = counter->next) {
                char cp[192];
                double ignored;
                struct eso_counters zero = {0};
                PATH(cp, p, counter->string);
                if (!eso__counter_value(&zero, counter->string, &ignored)) {
                    fail(&c, cp, "unknown counter (see struct eso_counters)");
                    break;
                }
                if (plan->counter_count == ESO_EXPECT_MAX_LIST) {
                    fail(&c, cp, "too many counters");
                    break;
                }
                plan->counters[plan->counter_count].name = counter->string;
                plan->counters[plan->counter_count].range = range(&c, counter, cp);
                plan->counter_count++;
            }
        } else {
            unknown(&c, f, "expect", "time_scale, client, calls, breaker, counters");
        }
    }
    if (!c.failed && plan->call_count == 0)
        fail(&c, "expect.calls", "missing: the calls to make");
    return c.failed ? -1 : 0;
}
