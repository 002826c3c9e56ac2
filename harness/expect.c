/*
 * A scenario's `expect` section: its check and its run plan, both from one table of fields.
 * The vocabulary is libesologs' own: outcomes are eso_status_name()s, operations the
 * registry's, jitters and breaker states their libesologs names, and option fields land
 * in struct eso_options by offset. eso-mock's scenario loader hands the section to
 * esoh__expect_check() (registered as esoh__expect_section), so `eso-scenario check`,
 * `run` and the fixture validate it alike; the plan reads it only once it passed.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect_private.h"

/* Outcomes are libesologs' status names, in the order of its one status table. */
#define STATUS_CODE(suffix, value, name, text, transient, exit) ESO_##suffix,
static const enum eso_status all_statuses[] = {ESO_STATUS_MAP(STATUS_CODE)};
#undef STATUS_CODE

/* ---- vocabularies: a list of names, each from libesologs where it has one --------------- */

struct vocab {
    size_t (*count)(void);
    const char *(*name)(size_t index);
};

static size_t status_count(void)
{
    return sizeof(all_statuses) / sizeof(all_statuses[0]);
}

static const char *status_name(size_t i)
{
    return eso_status_name(all_statuses[i]);
}

static const struct vocab outcomes = {status_count, status_name};

static size_t jitter_count(void)
{
    return (size_t)ESO_JITTER_DECORRELATED; /* ESO_JITTER_NONE (1) .. DECORRELATED */
}

static const char *jitter_name(size_t i)
{
    return eso_jitter_name((enum eso_jitter)(i + ESO_JITTER_NONE));
}

static const struct vocab jitters = {jitter_count, jitter_name};

static size_t breaker_count(void)
{
    return (size_t)ESO_BREAKER_STATE_HALF_OPEN + 1;
}

static const char *breaker_name(size_t i)
{
    return eso_breaker_state_name((enum eso_breaker_state)i);
}

static const struct vocab breaker_states = {breaker_count, breaker_name};

static const struct vocab operations = {eso_operation_count, eso_operation_name};

/* Retry classes as scenarios name them; libesologs has the bits, not names. */
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

static size_t retry_class_count(void)
{
    return sizeof(retry_classes) / sizeof(retry_classes[0]);
}

static const char *retry_class_name(size_t i)
{
    return retry_classes[i].name;
}

static const struct vocab retry_class_names = {retry_class_count, retry_class_name};

/* The counters an expectation may name: struct eso_counters' fields, by name. */
#define COUNTER(field)                                                                             \
    {                                                                                              \
#field, offsetof(struct eso_counters, field)                                               \
    }
static const struct {
    const char *name;
    size_t offset;
} counters[] = {
    COUNTER(calls),
    COUNTER(calls_ok),
    COUNTER(calls_failed),
    COUNTER(attempts),
    COUNTER(retries),
    COUNTER(give_ups),
    COUNTER(breaker_rejections),
    COUNTER(breaker_opens),
    COUNTER(budget_rejections),
    COUNTER(deadline_exceeded),
    COUNTER(cache_fallbacks),
    COUNTER(cache_stores),
    COUNTER(pacing_waits),
    COUNTER(token_fetches),
    COUNTER(token_invalidations),
};

static size_t counter_count(void)
{
    return sizeof(counters) / sizeof(counters[0]);
}

static const char *counter_name(size_t i)
{
    return counters[i].name;
}

static const struct vocab counter_names = {counter_count, counter_name};

/* The index of @p s in @p v, or -1. */
static long vocab_find(const struct vocab *v, const char *s)
{
    size_t n = v->count();
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v->name(i), s) == 0)
            return (long)i;
    }
    return -1;
}

/* "a, b, c" into @p buf. */
static void vocab_list(const struct vocab *v, char *buf, size_t size)
{
    size_t used = 0, n = v->count();
    buf[0] = '\0';
    for (size_t i = 0; i < n && used + 1 < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", v->name(i));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

bool esoh__outcome_from_name(const char *name, enum eso_status *out)
{
    return eso_status_from_name(name, out) == ESO_OK;
}

bool esoh__counter_value(const struct eso_counters *k, const char *name, double *out)
{
    long i = vocab_find(&counter_names, name);
    if (i < 0)
        return false;
    *out = (double)*(const uint64_t *)(const void *)((const char *)k + counters[i].offset);
    return true;
}

/* ---- the fields: their check, and where the plan puts them ------------------------------ */

enum kind {
    K_NUMBER, /* min..max */
    K_WHOLE,  /* integer min..max */
    K_BOOL,
    K_STRING, /* non-empty */
    K_ENUM,   /* one of `names` */
    K_RANGE,  /* number or [min, max] */
    K_OBJECT, /* fields in `sub` */
    K_OBJECT_OR_FALSE,
    K_ANY_OBJECT,
    K_LIST,     /* array of strings, of `names` when set */
    K_COUNTERS, /* object of counter -> range */
    K_CALLS,    /* array of call objects */
};

/* Where a client option goes in struct eso_options. */
enum opt { OPT_NONE, OPT_UNSIGNED, OPT_U32, OPT_DOUBLE, OPT_BOOL, OPT_U64, OPT_STRING };

struct field {
    const char *key;
    enum kind kind;
    double min, max;
    const struct vocab *names;
    const struct field *sub;
    enum opt opt; /* OPT_NONE: not a plain option (the plan reads it itself) */
    size_t offset;
};

#define OPTION(key, kind, min, max, opt, member)                                                   \
    {                                                                                              \
        key, kind, min, max, NULL, NULL, opt, offsetof(struct eso_options, member)                 \
    }
#define FIELD(key, kind, min, max, names, sub)                                                     \
    {                                                                                              \
        key, kind, min, max, names, sub, OPT_NONE, 0                                               \
    }
#define END FIELD(NULL, K_NUMBER, 0, 0, NULL, NULL)

static const struct field breaker_fields[] = {
    OPTION("threshold", K_WHOLE, 1, 1e6, OPT_UNSIGNED, breaker_threshold),
    OPTION("failure_rate", K_WHOLE, 1, 100, OPT_UNSIGNED, breaker_failure_rate),
    OPTION("window", K_WHOLE, 1, 1e6, OPT_UNSIGNED, breaker_window),
    OPTION("min_calls", K_WHOLE, 1, 1e6, OPT_UNSIGNED, breaker_min_calls),
    OPTION("cooldown_ms", K_WHOLE, 1, 1e9, OPT_U32, breaker_cooldown_ms),
    OPTION("cooldown_multiplier", K_NUMBER, 1, 100, OPT_DOUBLE, breaker_cooldown_multiplier),
    OPTION("cooldown_max_ms", K_WHOLE, 1, 1e9, OPT_U32, breaker_cooldown_max_ms),
    OPTION("half_open_probes", K_WHOLE, 1, 1000, OPT_UNSIGNED, breaker_half_open_probes),
    END,
};

static const struct field budget_fields[] = {
    OPTION("capacity", K_WHOLE, 1, 1e9, OPT_UNSIGNED, budget_capacity),
    OPTION("retry_cost", K_WHOLE, 1, 1e9, OPT_UNSIGNED, budget_retry_cost),
    OPTION("timeout_cost", K_WHOLE, 1, 1e9, OPT_UNSIGNED, budget_timeout_cost),
    OPTION("success_refund", K_WHOLE, 1, 1e9, OPT_UNSIGNED, budget_success_refund),
    END,
};

static const struct field client_fields[] = {
    OPTION("max_attempts", K_WHOLE, 1, 100, OPT_UNSIGNED, max_attempts),
    OPTION("initial_delay_ms", K_WHOLE, 1, 1e9, OPT_U32, initial_delay_ms),
    OPTION("multiplier", K_NUMBER, 1, 100, OPT_DOUBLE, multiplier),
    OPTION("max_delay_ms", K_WHOLE, 1, 1e9, OPT_U32, max_delay_ms),
    FIELD("jitter", K_ENUM, 0, 0, &jitters, NULL),
    FIELD("retry_on", K_LIST, 0, 0, &retry_class_names, NULL),
    OPTION("timeout_ms", K_WHOLE, 1, 1e9, OPT_U32, timeout_ms),
    OPTION("connect_timeout_ms", K_WHOLE, 1, 1e9, OPT_U32, connect_timeout_ms),
    OPTION("read_timeout_ms", K_WHOLE, 1, 1e9, OPT_U32, read_timeout_ms),
    OPTION("write_timeout_ms", K_WHOLE, 1, 1e9, OPT_U32, write_timeout_ms),
    OPTION("deadline_ms", K_WHOLE, 1, 1e9, OPT_U32, deadline_ms),
    OPTION("retry_after_max_ms", K_WHOLE, 1, 1e9, OPT_U32, retry_after_max_ms),
    FIELD("breaker", K_OBJECT_OR_FALSE, 0, 0, NULL, breaker_fields),
    FIELD("budget", K_OBJECT_OR_FALSE, 0, 0, NULL, budget_fields),
    OPTION("fallback_cache", K_BOOL, 0, 0, OPT_BOOL, fallback_cache),
    OPTION("cache_max_age_ms", K_WHOLE, 1, 1e10, OPT_U32, cache_max_age_ms),
    OPTION("min_interval_ms", K_WHOLE, 1, 1e9, OPT_U32, min_interval_ms),
    OPTION("points_aware", K_BOOL, 0, 0, OPT_BOOL, points_aware),
    OPTION("bearer_token", K_STRING, 0, 0, OPT_STRING, bearer_token),
    OPTION("seed", K_WHOLE, 1, 9007199254740991.0, OPT_U64, seed),
    END,
};

static const struct field call_expect_fields[] = {
    FIELD("outcome", K_ENUM, 0, 0, &outcomes, NULL),
    FIELD("attempts", K_RANGE, 0, 0, NULL, NULL),
    FIELD("server_requests", K_RANGE, 0, 0, NULL, NULL),
    FIELD("elapsed_ms", K_RANGE, 0, 0, NULL, NULL),
    FIELD("from_cache", K_BOOL, 0, 0, NULL, NULL),
    FIELD("faults", K_LIST, 0, 0, NULL, NULL), /* action names; the journal spells them */
    END,
};

static const struct field call_fields[] = {
    FIELD("name", K_STRING, 0, 0, NULL, NULL),
    FIELD("operation", K_STRING, 0, 0, NULL, NULL),
    FIELD("variables", K_ANY_OBJECT, 0, 0, NULL, NULL),
    FIELD("document", K_STRING, 0, 0, NULL, NULL),
    FIELD("repeat", K_WHOLE, 1, 10000, NULL, NULL),
    FIELD("concurrency", K_WHOLE, 1, 256, NULL, NULL),
    FIELD("wait_ms", K_NUMBER, 0, 1e9, NULL, NULL),
    FIELD("spacing_ms", K_NUMBER, 0, 1e9, NULL, NULL),
    FIELD("expect", K_OBJECT, 0, 0, NULL, call_expect_fields),
    END,
};

static const struct field expect_fields[] = {
    FIELD("time_scale", K_NUMBER, 1e-6, 1000, NULL, NULL),
    FIELD("call_bound_ms", K_NUMBER, 1, 1e9, NULL, NULL),
    FIELD("client", K_OBJECT, 0, 0, NULL, client_fields),
    FIELD("calls", K_CALLS, 0, 0, NULL, call_fields),
    FIELD("breaker", K_LIST, 0, 0, &breaker_states, NULL),
    FIELD("counters", K_COUNTERS, 0, 0, &counter_names, NULL),
    END,
};

/* ---- the check -------------------------------------------------------------------------- */

static void join(char *buf, size_t size, const char *parent, const char *key)
{
    if (snprintf(buf, size, "%s.%s", parent, key) >= (int)size)
        buf[size - 1] = '\0';
}

static void join_index(char *buf, size_t size, const char *parent, int index)
{
    if (snprintf(buf, size, "%s[%d]", parent, index) >= (int)size)
        buf[size - 1] = '\0';
}

/* A bound as messages print it: an integer in full, else the fewest digits that read back. */
static void number_text(double v, char *buf, size_t size)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e21) {
        snprintf(buf, size, "%.0f", v);
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void check_number(const cJSON *v, const char *path, double min, double max, bool whole,
                         struct esomock_problems *problems)
{
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= min &&
        v->valuedouble <= max && (!whole || v->valuedouble == floor(v->valuedouble)))
        return;
    char lo[32], hi[32];
    number_text(min, lo, sizeof(lo));
    number_text(max, hi, sizeof(hi));
    esomock_problems_add(problems, path, "expected %s from %s to %s",
                         whole ? "a whole number" : "a number", lo, hi);
}

static void check_range(const cJSON *v, const char *path, struct esomock_problems *problems)
{
    if (cJSON_IsNumber(v)) {
        check_number(v, path, 0, 1e12, false, problems);
        return;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 ||
        !cJSON_IsNumber(cJSON_GetArrayItem(v, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(v, 1)) ||
        cJSON_GetArrayItem(v, 0)->valuedouble < 0 ||
        cJSON_GetArrayItem(v, 0)->valuedouble > cJSON_GetArrayItem(v, 1)->valuedouble) {
        esomock_problems_add(problems, path,
                             "expected a number or an array [min, max] with 0 <= min <= max");
    }
}

static void check_object(const cJSON *obj, const char *path, const struct field *fields,
                         struct esomock_problems *problems);

static void check_calls(const cJSON *v, const char *path, const struct field *f,
                        struct esomock_problems *problems)
{
    char child[160];
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0 || cJSON_GetArraySize(v) > 256) {
        esomock_problems_add(problems, path, "expected an array of 1 to 256 calls");
        return;
    }
    int i = 0;
    for (const cJSON *call = v->child; call != NULL; call = call->next, i++) {
        join_index(child, sizeof(child), path, i);
        check_object(call, child, f->sub, problems);
        const cJSON *op =
            cJSON_IsObject(call) ? cJSON_GetObjectItemCaseSensitive(call, "operation") : NULL;
        if (cJSON_IsObject(call) && op == NULL)
            esomock_problems_add(problems, child, "missing \"operation\"");
        /* The client would refuse it at run time; say so now. */
        if (cJSON_IsString(op) && op->valuestring[0] != '\0' &&
            vocab_find(&operations, op->valuestring) < 0) {
            char op_path[160];
            join(op_path, sizeof(op_path), child, "operation");
            esomock_problems_add(problems, op_path,
                                 "unknown operation \"%.64s\"; expected one of the ESO Logs API "
                                 "v2 operations (getZones, getGuildById, ...: a fixture in "
                                 "scenarios/fixtures names each)",
                                 op->valuestring);
        }
    }
}

static void check_value(const cJSON *v, const char *path, const struct field *f,
                        struct esomock_problems *problems)
{
    char names[1024], child[160];
    switch (f->kind) {
    case K_NUMBER:
        check_number(v, path, f->min, f->max, false, problems);
        break;
    case K_WHOLE:
        check_number(v, path, f->min, f->max, true, problems);
        break;
    case K_BOOL:
        if (!cJSON_IsBool(v))
            esomock_problems_add(problems, path, "expected true or false");
        break;
    case K_STRING:
        if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
            esomock_problems_add(problems, path, "expected a non-empty string");
        break;
    case K_ENUM:
        if (!cJSON_IsString(v) || vocab_find(f->names, v->valuestring) < 0) {
            vocab_list(f->names, names, sizeof(names));
            esomock_problems_add(problems, path, "expected one of %s", names);
        }
        break;
    case K_RANGE:
        check_range(v, path, problems);
        break;
    case K_OBJECT_OR_FALSE:
        if (cJSON_IsFalse(v))
            break;
        /* fall through */
    case K_OBJECT:
        check_object(v, path, f->sub, problems);
        break;
    case K_ANY_OBJECT:
        if (!cJSON_IsObject(v))
            esomock_problems_add(problems, path, "expected an object");
        break;
    case K_LIST: {
        if (!cJSON_IsArray(v)) {
            esomock_problems_add(problems, path, "expected an array of strings");
            break;
        }
        int i = 0;
        for (const cJSON *item = v->child; item != NULL; item = item->next, i++) {
            join_index(child, sizeof(child), path, i);
            if (f->names == NULL && !cJSON_IsString(item)) {
                esomock_problems_add(problems, child, "expected a string");
            } else if (f->names != NULL &&
                       (!cJSON_IsString(item) || vocab_find(f->names, item->valuestring) < 0)) {
                vocab_list(f->names, names, sizeof(names));
                esomock_problems_add(problems, child, "expected one of %s", names);
            }
        }
        break;
    }
    case K_COUNTERS:
        if (!cJSON_IsObject(v)) {
            esomock_problems_add(problems, path,
                                 "expected an object of counter name -> number or [min, max]");
            break;
        }
        for (const cJSON *item = v->child; item != NULL; item = item->next) {
            join(child, sizeof(child), path, item->string);
            if (vocab_find(f->names, item->string) < 0) {
                vocab_list(f->names, names, sizeof(names));
                esomock_problems_add(problems, child, "unknown counter; expected one of %s", names);
            } else {
                check_range(item, child, problems);
            }
        }
        break;
    case K_CALLS:
        check_calls(v, path, f, problems);
        break;
    }
}

static void check_object(const cJSON *obj, const char *path, const struct field *fields,
                         struct esomock_problems *problems)
{
    if (!cJSON_IsObject(obj)) {
        esomock_problems_add(problems, path, "expected an object");
        return;
    }
    for (const cJSON *item = obj->child; item != NULL; item = item->next) {
        char child[160];
        join(child, sizeof(child), path, item->string);
        const struct field *f = fields;
        while (f->key != NULL && strcmp(f->key, item->string) != 0)
            f++;
        if (f->key == NULL) {
            char keys[512] = "";
            size_t used = 0;
            for (const struct field *k = fields; k->key != NULL && used + 1 < sizeof(keys); k++) {
                int n =
                    snprintf(keys + used, sizeof(keys) - used, "%s%s", used ? ", " : "", k->key);
                if (n < 0)
                    break;
                used += (size_t)n;
            }
            esomock_problems_add(problems, child, "unknown key; expected one of %s", keys);
            continue;
        }
        check_value(item, child, f, problems);
    }
}

/* What a value is, for "got ..." when the section is not an object at all. */
static const char *kind_of(const cJSON *v)
{
    return cJSON_IsArray(v)    ? "an array"
           : cJSON_IsString(v) ? "a string"
           : cJSON_IsNumber(v) ? "a number"
           : cJSON_IsTrue(v)   ? "true"
           : cJSON_IsFalse(v)  ? "false"
                               : "null";
}

void esoh__expect_check(const struct cJSON *section, const char *path,
                        struct esomock_problems *problems, void *context)
{
    (void)context;
    if (!cJSON_IsObject(section)) {
        esomock_problems_add(problems, path, "expected an object; got %s", kind_of(section));
        return;
    }
    check_object(section, path, expect_fields, problems);
    if (cJSON_GetObjectItemCaseSensitive(section, "calls") == NULL) {
        char calls[160];
        join(calls, sizeof(calls), path, "calls");
        esomock_problems_add(problems, calls, "missing; expected the calls the client makes");
    }
}

const struct esomock_section esoh__expect_section = {
    .key = "expect",
    .check = esoh__expect_check,
};

/* ---- the plan (of a section that passed the check) -------------------------------------- */

/* A checked number as a value of at most @p max. */
static double bounded(const cJSON *item, double max)
{
    double v = cJSON_IsNumber(item) && isfinite(item->valuedouble) ? item->valuedouble : 0;
    return v < 0 ? 0 : v > max ? max : v;
}

/* Set the options @p obj gives for @p fields (the OPTION rows). */
static void set_options(const struct field *fields, const cJSON *obj, struct eso_options *o)
{
    for (const cJSON *item = cJSON_IsObject(obj) ? obj->child : NULL; item != NULL;
         item = item->next) {
        const struct field *f = fields;
        while (f->key != NULL && strcmp(f->key, item->string) != 0)
            f++;
        if (f->key == NULL || f->opt == OPT_NONE)
            continue;
        char *field = (char *)o + f->offset;
        switch (f->opt) {
        case OPT_NONE:
            break;
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
    }
}

static void client_options(const cJSON *obj, struct eso_options *o)
{
    set_options(client_fields, obj, o);
    const cJSON *jitter = cJSON_GetObjectItemCaseSensitive(obj, "jitter");
    enum eso_jitter j;
    if (cJSON_IsString(jitter) && eso_jitter_from_name(jitter->valuestring, &j) == ESO_OK)
        o->jitter = j;
    const cJSON *classes = cJSON_GetObjectItemCaseSensitive(obj, "retry_on");
    for (const cJSON *c = cJSON_IsArray(classes) ? classes->child : NULL; c != NULL; c = c->next) {
        long i = cJSON_IsString(c) ? vocab_find(&retry_class_names, c->valuestring) : -1;
        if (i >= 0)
            o->retry_on |= retry_classes[i].bits;
    }
    const cJSON *breaker = cJSON_GetObjectItemCaseSensitive(obj, "breaker");
    o->breaker_disabled = cJSON_IsFalse(breaker);
    set_options(breaker_fields, breaker, o);
    const cJSON *budget = cJSON_GetObjectItemCaseSensitive(obj, "budget");
    o->budget_disabled = cJSON_IsFalse(budget);
    set_options(budget_fields, budget, o);
}

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

    const cJSON *document = cJSON_GetObjectItemCaseSensitive(obj, "document");
    call->name = cJSON_IsString(name) ? name->valuestring : NULL;
    call->operation = cJSON_IsString(op) ? op->valuestring : "";
    call->document = cJSON_IsString(document) ? document->valuestring : NULL;
    call->variables = cJSON_IsObject(vars) ? vars : NULL;
    call->spacing_ms = bounded(cJSON_GetObjectItemCaseSensitive(obj, "spacing_ms"), 1e9);
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
    const cJSON *bound = cJSON_GetObjectItemCaseSensitive(expect, "call_bound_ms");
    plan->call_bound_ms = bound != NULL ? bounded(bound, 1e9) : ESOH__DEFAULT_CALL_BOUND_MS;
    client_options(cJSON_GetObjectItemCaseSensitive(expect, "client"), &plan->client);
    for (const cJSON *call = calls->child;
         call != NULL && plan->call_count < ESOH__EXPECT_MAX_CALLS; call = call->next) {
        call_plan(call, plan->call_count, &plan->calls[plan->call_count]);
        plan->call_count++;
    }
    const cJSON *breaker = cJSON_GetObjectItemCaseSensitive(expect, "breaker");
    plan->breaker_set = cJSON_IsArray(breaker);
    string_list(breaker, plan->breaker, &plan->breaker_count);
    const cJSON *counter_ranges = cJSON_GetObjectItemCaseSensitive(expect, "counters");
    for (const cJSON *c = cJSON_IsObject(counter_ranges) ? counter_ranges->child : NULL;
         c != NULL && plan->counter_count < ESOH__EXPECT_MAX_LIST; c = c->next) {
        plan->counters[plan->counter_count].name = c->string;
        plan->counters[plan->counter_count].range = range(c);
        plan->counter_count++;
    }
    return 0;
}
