/* The `expect` section's shape, as a table of fields: key, kind, bounds. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "expect_check_private.h"

/* Kept in step with libesologs' eso_status_name(); the harness's tests check that they agree. */
const char *const esomock__expect_outcomes[] = {
    "ok",
    "bad_argument",
    "out_of_memory",
    "connect_failed",
    "timeout",
    "connection_dropped",
    "connection_reset",
    "truncated",
    "rate_limited",
    "server_error",
    "unauthorized",
    "http_error",
    "malformed_json",
    "graphql_error",
    "graphql_transient",
    "breaker_open",
    "budget_exhausted",
    "deadline_exceeded",
    "pool_timeout",
    "auth_failed",
    "no_credentials",
    "response_too_large",
    "unknown_operation",
    "transport",
    NULL,
};

/*
 * The ESO Logs API v2 operations (the reference's list; scenarios/fixtures has a fixture
 * for each, and a test checks that the two agree). The mock library must not depend on
 * the client's registry, so it keeps its own copy.
 */
const char *const esomock__known_operations[] = {
    "getAbilities",
    "getAbility",
    "getCharacterById",
    "getCharacterEncounterRanking",
    "getCharacterEncounterRankings",
    "getCharacterReports",
    "getCharacterZoneRankings",
    "getClass",
    "getClasses",
    "getCurrentUser",
    "getEncountersByZone",
    "getFactions",
    "getGuildAttendance",
    "getGuildById",
    "getGuildByName",
    "getGuildMembers",
    "getGuilds",
    "getItem",
    "getItemSet",
    "getItemSets",
    "getItems",
    "getMap",
    "getMaps",
    "getNPC",
    "getNPCs",
    "getProgressRace",
    "getRateLimitData",
    "getRegions",
    "getReportByCode",
    "getReportEvents",
    "getReportGraph",
    "getReportPlayerDetails",
    "getReportRankings",
    "getReportTable",
    "getReports",
    "getUserById",
    "getUserData",
    "getWorldData",
    "getZones",
    NULL,
};

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
    K_ENUM_LIST, /* array of `names` */
    K_COUNTERS,  /* object of counter -> range */
    K_CALLS,     /* array of call objects */
};

struct field {
    const char *key;
    enum kind kind;
    double min, max;
    const char *const *names;
    const struct field *sub;
};

#define END                                                                                        \
    {                                                                                              \
        NULL, K_NUMBER, 0, 0, NULL, NULL                                                           \
    }

static const char *const jitters[] = {"none", "full", "equal", "decorrelated", NULL};
static const char *const retry_classes[] = {
    "connect", "timeout",   "dropped",           "429",          "500", "502", "503", "504",
    "5xx",     "malformed", "graphql_transient", "pool_timeout", NULL};
static const char *const breaker_states[] = {"closed", "open", "half_open", NULL};
static const char *const counters[] = {"calls",
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
                                       NULL};

static const struct field breaker_fields[] = {
    {"threshold", K_WHOLE, 1, 1e6, NULL, NULL},
    {"failure_rate", K_WHOLE, 1, 100, NULL, NULL},
    {"window", K_WHOLE, 1, 1e6, NULL, NULL},
    {"min_calls", K_WHOLE, 1, 1e6, NULL, NULL},
    {"cooldown_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"cooldown_multiplier", K_NUMBER, 1, 100, NULL, NULL},
    {"cooldown_max_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"half_open_probes", K_WHOLE, 1, 1000, NULL, NULL},
    END,
};

static const struct field budget_fields[] = {
    {"capacity", K_WHOLE, 1, 1e9, NULL, NULL},
    {"retry_cost", K_WHOLE, 1, 1e9, NULL, NULL},
    {"timeout_cost", K_WHOLE, 1, 1e9, NULL, NULL},
    {"success_refund", K_WHOLE, 1, 1e9, NULL, NULL},
    END,
};

static const struct field client_fields[] = {
    {"max_attempts", K_WHOLE, 1, 100, NULL, NULL},
    {"initial_delay_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"multiplier", K_NUMBER, 1, 100, NULL, NULL},
    {"max_delay_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"jitter", K_ENUM, 0, 0, jitters, NULL},
    {"retry_on", K_ENUM_LIST, 0, 0, retry_classes, NULL},
    {"timeout_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"connect_timeout_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"read_timeout_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"write_timeout_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"deadline_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"retry_after_max_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"breaker", K_OBJECT_OR_FALSE, 0, 0, NULL, breaker_fields},
    {"budget", K_OBJECT_OR_FALSE, 0, 0, NULL, budget_fields},
    {"fallback_cache", K_BOOL, 0, 0, NULL, NULL},
    {"cache_max_age_ms", K_WHOLE, 1, 1e10, NULL, NULL},
    {"min_interval_ms", K_WHOLE, 1, 1e9, NULL, NULL},
    {"points_aware", K_BOOL, 0, 0, NULL, NULL},
    {"bearer_token", K_STRING, 0, 0, NULL, NULL},
    {"seed", K_WHOLE, 1, 9007199254740991.0, NULL, NULL},
    END,
};

static const struct field call_expect_fields[] = {
    {"outcome", K_ENUM, 0, 0, esomock__expect_outcomes, NULL},
    {"attempts", K_RANGE, 0, 0, NULL, NULL},
    {"server_requests", K_RANGE, 0, 0, NULL, NULL},
    {"elapsed_ms", K_RANGE, 0, 0, NULL, NULL},
    {"from_cache", K_BOOL, 0, 0, NULL, NULL},
    {"faults", K_ENUM_LIST, 0, 0, NULL, NULL}, /* action names; the journal spells them */
    END,
};

static const struct field call_fields[] = {
    {"name", K_STRING, 0, 0, NULL, NULL},
    {"operation", K_STRING, 0, 0, NULL, NULL},
    {"variables", K_ANY_OBJECT, 0, 0, NULL, NULL},
    {"repeat", K_WHOLE, 1, 10000, NULL, NULL},
    {"concurrency", K_WHOLE, 1, 256, NULL, NULL},
    {"wait_ms", K_NUMBER, 0, 1e9, NULL, NULL},
    {"expect", K_OBJECT, 0, 0, NULL, call_expect_fields},
    END,
};

static const struct field expect_fields[] = {
    {"time_scale", K_NUMBER, 1e-6, 1000, NULL, NULL},
    {"client", K_OBJECT, 0, 0, NULL, client_fields},
    {"calls", K_CALLS, 0, 0, NULL, call_fields},
    {"breaker", K_ENUM_LIST, 0, 0, breaker_states, NULL},
    {"counters", K_COUNTERS, 0, 0, counters, NULL},
    END,
};

static void add(struct esomock_scenario_errors *errors, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(struct esomock_scenario_errors *errors, const char *path, const char *fmt, ...)
{
    errors->total++;
    if (errors->count >= ESOMOCK_SCENARIO_MAX_ERRORS)
        return;
    struct esomock_scenario_error *e = &errors->items[errors->count++];
    snprintf(e->path, sizeof(e->path), "%s", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
}

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

static void list_names(const char *const *names, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i] != NULL && used + 1 < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static bool in_names(const char *const *names, const char *s)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], s) == 0)
            return true;
    }
    return false;
}

static void check_number(const cJSON *v, const char *path, double min, double max, bool whole,
                         struct esomock_scenario_errors *errors)
{
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= min &&
        v->valuedouble <= max && (!whole || v->valuedouble == floor(v->valuedouble)))
        return;
    char lo[32], hi[32];
    esomock__format_number(min, lo, sizeof(lo));
    esomock__format_number(max, hi, sizeof(hi));
    add(errors, path, "expected %s from %s to %s", whole ? "a whole number" : "a number", lo, hi);
}

static void check_range(const cJSON *v, const char *path, struct esomock_scenario_errors *errors)
{
    if (cJSON_IsNumber(v)) {
        check_number(v, path, 0, 1e12, false, errors);
        return;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 ||
        !cJSON_IsNumber(cJSON_GetArrayItem(v, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(v, 1)) ||
        cJSON_GetArrayItem(v, 0)->valuedouble < 0 ||
        cJSON_GetArrayItem(v, 0)->valuedouble > cJSON_GetArrayItem(v, 1)->valuedouble) {
        add(errors, path, "expected a number or an array [min, max] with 0 <= min <= max");
    }
}

static void check_object(const cJSON *obj, const char *path, const struct field *fields,
                         struct esomock_scenario_errors *errors);

static void check_value(const cJSON *v, const char *path, const struct field *f,
                        struct esomock_scenario_errors *errors)
{
    char names[512], child[160];
    switch (f->kind) {
    case K_NUMBER:
        check_number(v, path, f->min, f->max, false, errors);
        break;
    case K_WHOLE:
        check_number(v, path, f->min, f->max, true, errors);
        break;
    case K_BOOL:
        if (!cJSON_IsBool(v))
            add(errors, path, "expected true or false");
        break;
    case K_STRING:
        if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
            add(errors, path, "expected a non-empty string");
        break;
    case K_ENUM:
        if (!cJSON_IsString(v) || !in_names(f->names, v->valuestring)) {
            list_names(f->names, names, sizeof(names));
            add(errors, path, "expected one of %s", names);
        }
        break;
    case K_RANGE:
        check_range(v, path, errors);
        break;
    case K_OBJECT_OR_FALSE:
        if (cJSON_IsFalse(v))
            break;
        /* fall through */
    case K_OBJECT:
        check_object(v, path, f->sub, errors);
        break;
    case K_ANY_OBJECT:
        if (!cJSON_IsObject(v))
            add(errors, path, "expected an object");
        break;
    case K_ENUM_LIST: {
        if (!cJSON_IsArray(v)) {
            add(errors, path, "expected an array of strings");
            break;
        }
        int i = 0;
        for (const cJSON *item = v->child; item != NULL; item = item->next, i++) {
            join_index(child, sizeof(child), path, i);
            if (!cJSON_IsString(item) ||
                (f->names != NULL && !in_names(f->names, item->valuestring))) {
                if (f->names != NULL) {
                    list_names(f->names, names, sizeof(names));
                    add(errors, child, "expected one of %s", names);
                } else {
                    add(errors, child, "expected a string");
                }
            }
        }
        break;
    }
    case K_COUNTERS:
        if (!cJSON_IsObject(v)) {
            add(errors, path, "expected an object of counter name -> number or [min, max]");
            break;
        }
        for (const cJSON *item = v->child; item != NULL; item = item->next) {
            join(child, sizeof(child), path, item->string);
            if (!in_names(f->names, item->string)) {
                list_names(f->names, names, sizeof(names));
                add(errors, child, "unknown counter; expected one of %s", names);
            } else {
                check_range(item, child, errors);
            }
        }
        break;
    case K_CALLS: {
        if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0 || cJSON_GetArraySize(v) > 256) {
            add(errors, path, "expected an array of 1 to 256 calls");
            break;
        }
        int i = 0;
        for (const cJSON *call = v->child; call != NULL; call = call->next, i++) {
            join_index(child, sizeof(child), path, i);
            check_object(call, child, f->sub, errors);
            const cJSON *op =
                cJSON_IsObject(call) ? cJSON_GetObjectItemCaseSensitive(call, "operation") : NULL;
            if (cJSON_IsObject(call) && op == NULL)
                add(errors, child, "missing \"operation\"");
            /* The client would refuse it at run time; say so now. */
            if (cJSON_IsString(op) && op->valuestring[0] != '\0' &&
                !in_names(esomock__known_operations, op->valuestring)) {
                char op_path[160];
                join(op_path, sizeof(op_path), child, "operation");
                add(errors, op_path,
                    "unknown operation \"%.64s\"; expected one of the ESO Logs API v2 "
                    "operations (getZones, getGuildById, ...: a fixture in scenarios/fixtures "
                    "names each)",
                    op->valuestring);
            }
        }
        break;
    }
    }
}

static void check_object(const cJSON *obj, const char *path, const struct field *fields,
                         struct esomock_scenario_errors *errors)
{
    if (!cJSON_IsObject(obj)) {
        add(errors, path, "expected an object");
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
            add(errors, child, "unknown key; expected one of %s", keys);
            continue;
        }
        check_value(item, child, f, errors);
    }
}

void esomock__expect_check(const cJSON *expect, struct esomock_scenario_errors *errors)
{
    check_object(expect, "expect", expect_fields, errors);
    if (cJSON_IsObject(expect) && cJSON_GetObjectItemCaseSensitive(expect, "calls") == NULL)
        add(errors, "expect.calls", "missing; expected the calls the client makes");
}
