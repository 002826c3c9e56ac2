/*
 * Turning a scenario's `expect` section into client options and a list of calls.
 * The section's shape is validated once, by eso-mock's scenario parser
 * (mock_server/expect_check.c), before the runner gets here; this file only maps
 * validated values onto libesologs' options and the runner's plan.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "expect_private.h"

bool esoh__outcome_from_name(const char *name, enum eso_status *out)
{
    for (int s = ESO_OK; s <= ESO_TRANSPORT; s++) {
        if (strcmp(eso_status_name((enum eso_status)s), name) == 0) {
            *out = (enum eso_status)s;
            return true;
        }
    }
    return false;
}

/* ---- client options: key -> field of struct eso_options --------------------------------- */

enum opt_kind { OPT_UNSIGNED, OPT_U32, OPT_DOUBLE, OPT_BOOL, OPT_U64, OPT_STRING };

struct opt_field {
    const char *key;
    enum opt_kind kind;
    size_t offset;
};

#define FIELD(key, kind, member)                                                                   \
    {                                                                                              \
        key, kind, offsetof(struct eso_options, member)                                            \
    }

static const struct opt_field client_fields[] = {
    FIELD("max_attempts", OPT_UNSIGNED, max_attempts),
    FIELD("initial_delay_ms", OPT_U32, initial_delay_ms),
    FIELD("multiplier", OPT_DOUBLE, multiplier),
    FIELD("max_delay_ms", OPT_U32, max_delay_ms),
    FIELD("timeout_ms", OPT_U32, timeout_ms),
    FIELD("connect_timeout_ms", OPT_U32, connect_timeout_ms),
    FIELD("read_timeout_ms", OPT_U32, read_timeout_ms),
    FIELD("write_timeout_ms", OPT_U32, write_timeout_ms),
    FIELD("deadline_ms", OPT_U32, deadline_ms),
    FIELD("retry_after_max_ms", OPT_U32, retry_after_max_ms),
    FIELD("fallback_cache", OPT_BOOL, fallback_cache),
    FIELD("cache_max_age_ms", OPT_U32, cache_max_age_ms),
    FIELD("min_interval_ms", OPT_U32, min_interval_ms),
    FIELD("points_aware", OPT_BOOL, points_aware),
    FIELD("bearer_token", OPT_STRING, bearer_token),
    FIELD("seed", OPT_U64, seed),
    {NULL, OPT_BOOL, 0},
};

static const struct opt_field breaker_fields[] = {
    FIELD("threshold", OPT_UNSIGNED, breaker_threshold),
    FIELD("failure_rate", OPT_UNSIGNED, breaker_failure_rate),
    FIELD("window", OPT_UNSIGNED, breaker_window),
    FIELD("min_calls", OPT_UNSIGNED, breaker_min_calls),
    FIELD("cooldown_ms", OPT_U32, breaker_cooldown_ms),
    FIELD("cooldown_multiplier", OPT_DOUBLE, breaker_cooldown_multiplier),
    FIELD("cooldown_max_ms", OPT_U32, breaker_cooldown_max_ms),
    FIELD("half_open_probes", OPT_UNSIGNED, breaker_half_open_probes),
    {NULL, OPT_BOOL, 0},
};

static const struct opt_field budget_fields[] = {
    FIELD("capacity", OPT_UNSIGNED, budget_capacity),
    FIELD("retry_cost", OPT_UNSIGNED, budget_retry_cost),
    FIELD("timeout_cost", OPT_UNSIGNED, budget_timeout_cost),
    FIELD("success_refund", OPT_UNSIGNED, budget_success_refund),
    {NULL, OPT_BOOL, 0},
};

/* A validated number as an unsigned of at most @p max (the parser checked the range). */
static double bounded(const cJSON *item, double max)
{
    double v = cJSON_IsNumber(item) && isfinite(item->valuedouble) ? item->valuedouble : 0;
    return v < 0 ? 0 : v > max ? max : v;
}

/* Set the field of @p o that @p item names; false when @p fields has no such key. */
static bool set_field(const struct opt_field *fields, const cJSON *item, struct eso_options *o)
{
    for (const struct opt_field *f = fields; f->key != NULL; f++) {
        if (strcmp(f->key, item->string) != 0)
            continue;
        char *field = (char *)o + f->offset;
        switch (f->kind) {
        case OPT_UNSIGNED:
            *(unsigned *)(void *)field = (unsigned)bounded(item, 4294967295.0);
            break;
        case OPT_U32:
            *(uint32_t *)(void *)field = (uint32_t)bounded(item, 4294967294.0);
            break;
        case OPT_DOUBLE:
            *(double *)(void *)field = bounded(item, 1e9);
            break;
        case OPT_BOOL:
            *(bool *)(void *)field = cJSON_IsTrue(item);
            break;
        case OPT_U64:
            *(uint64_t *)(void *)field = (uint64_t)bounded(item, 9007199254740991.0);
            break;
        case OPT_STRING:
            *(const char **)(void *)field = cJSON_IsString(item) ? item->valuestring : NULL;
            break;
        }
        return true;
    }
    return false;
}

static void set_fields(const struct opt_field *fields, const cJSON *obj, struct eso_options *o)
{
    for (const cJSON *item = cJSON_IsObject(obj) ? obj->child : NULL; item != NULL;
         item = item->next)
        set_field(fields, item, o);
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

static const struct {
    const char *name;
    enum eso_jitter value;
} jitters[] = {
    {"none", ESO_JITTER_NONE},
    {"full", ESO_JITTER_FULL},
    {"equal", ESO_JITTER_EQUAL},
    {"decorrelated", ESO_JITTER_DECORRELATED},
};

static void client_options(const cJSON *obj, struct eso_options *o)
{
    set_fields(client_fields, obj, o);
    const cJSON *jitter = cJSON_GetObjectItemCaseSensitive(obj, "jitter");
    for (size_t i = 0; cJSON_IsString(jitter) && i < sizeof(jitters) / sizeof(jitters[0]); i++) {
        if (strcmp(jitter->valuestring, jitters[i].name) == 0)
            o->jitter = jitters[i].value;
    }
    const cJSON *classes = cJSON_GetObjectItemCaseSensitive(obj, "retry_on");
    for (const cJSON *c = cJSON_IsArray(classes) ? classes->child : NULL; c != NULL; c = c->next) {
        for (size_t i = 0;
             cJSON_IsString(c) && i < sizeof(retry_classes) / sizeof(retry_classes[0]); i++) {
            if (strcmp(c->valuestring, retry_classes[i].name) == 0)
                o->retry_on |= retry_classes[i].bits;
        }
    }
    const cJSON *breaker = cJSON_GetObjectItemCaseSensitive(obj, "breaker");
    o->breaker_disabled = cJSON_IsFalse(breaker);
    set_fields(breaker_fields, breaker, o);
    const cJSON *budget = cJSON_GetObjectItemCaseSensitive(obj, "budget");
    o->budget_disabled = cJSON_IsFalse(budget);
    set_fields(budget_fields, budget, o);
}

/* ---- calls and expectations ------------------------------------------------------------- */

/* 3 or [2, 4]; unset when absent. */
static struct esoh__range range(const cJSON *item)
{
    struct esoh__range r = {0};
    if (cJSON_IsNumber(item)) {
        r.set = true;
        r.min = r.max = item->valuedouble;
    } else if (cJSON_IsArray(item) && cJSON_GetArraySize(item) == 2) {
        r.set = true;
        r.min = cJSON_GetArrayItem(item, 0)->valuedouble;
        r.max = cJSON_GetArrayItem(item, 1)->valuedouble;
    }
    return r;
}

static void string_list(const cJSON *arr, const char **out, size_t *count)
{
    *count = 0;
    for (const cJSON *item = cJSON_IsArray(arr) ? arr->child : NULL;
         item != NULL && *count < ESOH__EXPECT_MAX_LIST; item = item->next) {
        if (cJSON_IsString(item))
            out[(*count)++] = item->valuestring;
    }
}

static void call_plan(const cJSON *obj, size_t index, struct esoh__call_plan *call)
{
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(obj, "operation");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(obj, "variables");
    const cJSON *repeat = cJSON_GetObjectItemCaseSensitive(obj, "repeat");
    const cJSON *concurrency = cJSON_GetObjectItemCaseSensitive(obj, "concurrency");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(obj, "expect");

    call->operation = cJSON_IsString(op) ? op->valuestring : "";
    call->variables = cJSON_IsObject(vars) ? vars : NULL;
    call->repeat = repeat != NULL ? (unsigned)bounded(repeat, 10000) : 1;
    call->concurrency = concurrency != NULL ? (unsigned)bounded(concurrency, 256) : 1;
    call->wait_ms = bounded(cJSON_GetObjectItemCaseSensitive(obj, "wait_ms"), 1e9);
    if (cJSON_IsString(name))
        snprintf(call->label, sizeof(call->label), "%s", name->valuestring);
    else
        snprintf(call->label, sizeof(call->label), "call %zu %s", index + 1, call->operation);

    const cJSON *outcome = cJSON_GetObjectItemCaseSensitive(expect, "outcome");
    call->outcome_set =
        cJSON_IsString(outcome) && esoh__outcome_from_name(outcome->valuestring, &call->outcome);
    call->attempts = range(cJSON_GetObjectItemCaseSensitive(expect, "attempts"));
    call->server_requests = range(cJSON_GetObjectItemCaseSensitive(expect, "server_requests"));
    call->elapsed_ms = range(cJSON_GetObjectItemCaseSensitive(expect, "elapsed_ms"));
    const cJSON *from_cache = cJSON_GetObjectItemCaseSensitive(expect, "from_cache");
    call->from_cache = cJSON_IsBool(from_cache) ? cJSON_IsTrue(from_cache) : -1;
    const cJSON *faults = cJSON_GetObjectItemCaseSensitive(expect, "faults");
    call->faults_set = cJSON_IsArray(faults);
    string_list(faults, call->faults, &call->fault_count);
}

static const char *const counter_names[] = {
    "calls",
    "calls_ok",
    "calls_failed",
    "attempts",
    "retries",
    "give_ups",
    "breaker_rejections",
    "breaker_opens",
    "budget_rejections",
    "deadline_exceeded",
    "cache_fallbacks",
    "cache_stores",
    "pacing_waits",
    "token_fetches",
    "token_invalidations",
};

bool esoh__counter_value(const struct eso_counters *k, const char *name, double *out)
{
    const uint64_t values[] = {
        k->calls,
        k->calls_ok,
        k->calls_failed,
        k->attempts,
        k->retries,
        k->give_ups,
        k->breaker_rejections,
        k->breaker_opens,
        k->budget_rejections,
        k->deadline_exceeded,
        k->cache_fallbacks,
        k->cache_stores,
        k->pacing_waits,
        k->token_fetches,
        k->token_invalidations,
    };
    for (size_t i = 0; i < sizeof(counter_names) / sizeof(counter_names[0]); i++) {
        if (strcmp(counter_names[i], name) == 0) {
            *out = (double)values[i];
            return true;
        }
    }
    return false;
}

int esoh__expect_plan(const cJSON *expect, struct esoh__run_plan *plan, char *err, size_t err_size)
{
    memset(plan, 0, sizeof(*plan));
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(expect, "calls");
    if (!cJSON_IsObject(expect) || !cJSON_IsArray(calls) || cJSON_GetArraySize(calls) == 0) {
        snprintf(err, err_size,
                 "expect: missing, or without calls: every scenario the runner "
                 "plays says which calls to make and what must come of them");
        return -1;
    }
    plan->time_scale = bounded(cJSON_GetObjectItemCaseSensitive(expect, "time_scale"), 1000);
    client_options(cJSON_GetObjectItemCaseSensitive(expect, "client"), &plan->client);
    for (const cJSON *call = calls->child;
         call != NULL && plan->call_count < ESOH__EXPECT_MAX_CALLS; call = call->next) {
        call_plan(call, plan->call_count, &plan->calls[plan->call_count]);
        plan->call_count++;
    }
    const cJSON *breaker = cJSON_GetObjectItemCaseSensitive(expect, "breaker");
    plan->breaker_set = cJSON_IsArray(breaker);
    string_list(breaker, plan->breaker, &plan->breaker_count);
    const cJSON *counters = cJSON_GetObjectItemCaseSensitive(expect, "counters");
    for (const cJSON *c = cJSON_IsObject(counters) ? counters->child : NULL;
         c != NULL && plan->counter_count < ESOH__EXPECT_MAX_LIST; c = c->next) {
        plan->counters[plan->counter_count].name = c->string;
        plan->counters[plan->counter_count].range = range(c);
        plan->counter_count++;
    }
    return 0;
}
