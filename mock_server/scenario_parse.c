/*
 * A scenario document from the top: its name, seed and settings (the points budget among
 * them), and its rules with their match conditions and windows. Steps are scenario_step.c's
 * (scenario_parse_private.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_private.h"
#include "scenario_parse_private.h"
#include "scenario_step_private.h"
#include "wire_private.h"
#include "world_file_private.h"

#define NAME_MAX_LEN 64
#define RULE_NAME_MAX_LEN 128
#define MATCH_PATH_MAX_LEN 1024

static const struct esomock_vet_range range_seconds = {false, 0, false, ESOMOCK_SCENARIO_MAX_S,
                                                       false};
static const struct esomock_vet_range range_seconds_positive = {false, 0, true,
                                                                ESOMOCK_SCENARIO_MAX_S, false};
static const struct esomock_vet_range range_ttl = {true, 1, false, ESOMOCK_SCENARIO_MAX_S, false};
static const struct esomock_vet_range range_time_scale = {false, 0, true, 1000, true};
static const struct esomock_vet_range range_seed = {true, 0, false, ESOMOCK_VET_MAX_EXACT_INTEGER,
                                                    false};
static const struct esomock_vet_range range_points = {false, 0, true, 1e15, false};
static const struct esomock_vet_range range_cost = {false, 0, false, 1e15, false};

/* ---- rules ------------------------------------------------------------------------------ */

static const char *const rule_keys[] = {"name", "match", "window", "script"};
static const char *const match_keys[] = {"operation", "variables", "field",
                                         "arguments", "path",      "headers"};
static const char *const window_keys[] = {"from_ms", "until_ms"};

static void parse_match_headers(struct esomock_vet *v, const cJSON *obj, const char *path,
                                struct esomock_rule *rule)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path,
                              "an object of header name -> string (equal) or true (present)", obj);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(obj);
    if (n > ESOMOCK_SCENARIO_MAX_HEADERS) {
        esomock__vet_error(v, path, "expected at most %u headers; got %zu",
                           ESOMOCK_SCENARIO_MAX_HEADERS, n);
        return;
    }
    if (n == 0)
        return;
    rule->headers = calloc(n, sizeof(*rule->headers));
    if (rule->headers == NULL) {
        v->oom = true;
        return;
    }
    for (const cJSON *h = obj->child; h != NULL; h = h->next) {
        esomock__vet_path_key(child, sizeof(child), path, h->string);
        if (!esomock__vet_is_header_name(h->string)) {
            esomock__vet_error(v, child,
                               "expected a header name (letters, digits and !#$%%&'*+-.^_`|~)");
            continue;
        }
        bool dup = false;
        for (const cJSON *before = obj->child; before != h && !dup; before = before->next)
            dup = strcasecmp(before->string, h->string) == 0;
        if (dup) {
            esomock__vet_error(v, child, "duplicate header (names are case-insensitive)");
            continue;
        }
        if (!(cJSON_IsTrue(h) ||
              (cJSON_IsString(h) && esomock__vet_is_header_value(h->valuestring)))) {
            esomock__vet_expected_secret(v, child, h->string,
                                         "a string (the value must equal it) or true (present)", h);
            continue;
        }
        struct esomock_header_match *m = &rule->headers[rule->header_count++];
        m->name = esomock__vet_strdup(v, h->string);
        if (cJSON_IsString(h))
            m->value = esomock__vet_strdup(v, h->valuestring);
    }
}

/* "field" (a root field or a field of one, from the schema) and its "arguments". */
static void parse_match_field(struct esomock_vet *v, const cJSON *obj, const char *path,
                              struct esomock_rule *rule)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    const cJSON *field = esomock__vet_get(obj, "field");
    const cJSON *args = esomock__vet_get(obj, "arguments");
    const struct gql_field *def = NULL;
    if (field != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "field");
        char err[ESOMOCK_ERROR_SIZE] = "";
        const struct gql_schema *schema = esomock__api_schema(err);
        char why[512];
        if (!cJSON_IsString(field) || field->valuestring[0] == '\0' ||
            strlen(field->valuestring) > 255) {
            esomock__vet_expected(v, child,
                                  "a field path: a root field (\"rateLimitData\") or a field of "
                                  "one (\"guildData.guild\")",
                                  field);
        } else if (schema == NULL) {
            esomock__vet_error(v, child, "cannot check the field: %s", err);
        } else {
            def = esomock__api_field_path(schema, field->valuestring, why, sizeof(why));
            if (def == NULL)
                esomock__vet_error(v, child, "%s", why);
            else
                rule->field = esomock__vet_strdup(v, field->valuestring);
        }
    }
    if (args == NULL)
        return;
    esomock__vet_path_key(child, sizeof(child), path, "arguments");
    if (field == NULL) {
        esomock__vet_error(v, child,
                           "\"arguments\" applies only with \"field\" (the field they are "
                           "arguments of)");
    } else if (!cJSON_IsObject(args)) {
        esomock__vet_expected(v, child, "an object (arguments the field must be fetched with)",
                              args);
    } else if (def != NULL) {
        char why[512];
        if (!esomock__api_field_arguments(def, args, why, sizeof(why))) {
            esomock__vet_error(v, child, "%s", why);
        } else {
            rule->arguments = cJSON_Duplicate(args, 1);
            if (rule->arguments == NULL)
                v->oom = true;
        }
    }
}

static void parse_match(struct esomock_vet *v, const cJSON *obj, const char *path,
                        struct esomock_rule *rule)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(
            v, path, "an object with operation, variables, field, arguments, path or headers", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, match_keys, 6);

    const cJSON *item = esomock__vet_get(obj, "operation");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "operation");
        if (!cJSON_IsString(item) || (strcmp(item->valuestring, "*") != 0 &&
                                      (!esomock__vet_is_graphql_name(item->valuestring) ||
                                       strlen(item->valuestring) > 128))) {
            esomock__vet_expected(v, child, "an operation name ([_A-Za-z][_0-9A-Za-z]*) or \"*\"",
                                  item);
        } else if (strcmp(item->valuestring, "*") == 0) {
            rule->any_operation = true;
        } else if (!esomock__api_is_operation(item->valuestring)) {
            /* A typo would silently never match: the API's 39 operations only (a client
             * with names of its own matches on "field"). */
            char hint[256];
            esomock__api_operation_hint(item->valuestring, hint, sizeof(hint));
            esomock__vet_error(v, child,
                               "unknown operation \"%s\": not one of the ESO Logs API's 39 "
                               "operations (match a client's own operation names with "
                               "\"field\").%s",
                               item->valuestring, hint);
        } else {
            rule->operation = esomock__vet_strdup(v, item->valuestring);
        }
    }

    parse_match_field(v, obj, path, rule);

    item = esomock__vet_get(obj, "variables");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "variables");
        if (!cJSON_IsObject(item)) {
            esomock__vet_expected(v, child, "an object (variables the request must contain)", item);
        } else {
            rule->variables = cJSON_Duplicate(item, 1);
            if (rule->variables == NULL)
                v->oom = true;
        }
    }

    item = esomock__vet_get(obj, "path");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "path");
        const char *s = NULL;
        if (!cJSON_IsString(item) || item->valuestring[0] != '/' ||
            strlen(item->valuestring) > MATCH_PATH_MAX_LEN ||
            !esomock__vet_is_header_value(item->valuestring))
            esomock__vet_expected(v, child, "a URL path starting with \"/\"", item);
        else
            s = item->valuestring;
        if (s != NULL)
            rule->path = esomock__vet_strdup(v, s);
    }

    item = esomock__vet_get(obj, "headers");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "headers");
        parse_match_headers(v, item, child, rule);
    }
}

static void parse_window(struct esomock_vet *v, const cJSON *obj, const char *path,
                         struct esomock_rule *rule)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object with from_ms and/or until_ms", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, window_keys, 2);
    bool from_ok = true;
    const cJSON *item = esomock__vet_get(obj, "from_ms");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "from_ms");
        from_ok = esomock__vet_number(v, item, child, &esomock__range_ms, &rule->window_from_ms);
    }
    item = esomock__vet_get(obj, "until_ms");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "until_ms");
        double until = 0;
        if (!esomock__vet_number(v, item, child, &esomock__range_ms, &until))
            return;
        if (from_ok && until <= rule->window_from_ms) {
            char what[64];
            char number[32];
            esomock__format_number(rule->window_from_ms, number, sizeof(number));
            snprintf(what, sizeof(what), "a number > from_ms (%s)", number);
            esomock__vet_expected(v, child, what, item);
            return;
        }
        rule->window_until_ms = until;
    }
}

static void parse_rule(struct esomock_vet *v, const cJSON *obj, size_t index,
                       struct esomock_rule *rule)
{
    char path[ESOMOCK_VET_PATH_SIZE], child[ESOMOCK_VET_PATH_SIZE];
    esomock__vet_path_index(path, sizeof(path), "rules", index);
    rule->window_until_ms = -1;
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object (a rule with a \"script\")", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, rule_keys, 4);

    const cJSON *item = esomock__vet_get(obj, "name");
    const char *name = NULL;
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "name");
        esomock__vet_string(v, item, child, RULE_NAME_MAX_LEN, &name);
    }
    rule->name = esomock__vet_strdup(v, name != NULL ? name : path);

    const cJSON *match = esomock__vet_get(obj, "match");
    if (match != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "match");
        parse_match(v, match, child, rule);
    }

    item = esomock__vet_get(obj, "window");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "window");
        parse_window(v, item, child, rule);
    }

    const cJSON *script = esomock__vet_get(obj, "script");
    esomock__vet_path_key(child, sizeof(child), path, "script");
    if (script == NULL) {
        esomock__vet_missing(v, child, "an array of steps");
        return;
    }
    if (!cJSON_IsArray(script) || script->child == NULL) {
        esomock__vet_expected(v, child, "a non-empty array of steps", script);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(script);
    if (n > ESOMOCK_SCENARIO_MAX_STEPS) {
        esomock__vet_error(v, child, "expected at most %u steps; got %zu",
                           ESOMOCK_SCENARIO_MAX_STEPS, n);
        return;
    }
    rule->steps = calloc(n, sizeof(*rule->steps));
    if (rule->steps == NULL) {
        v->oom = true;
        return;
    }
    rule->step_count = n;
    size_t i = 0;
    size_t slow_read_step = SIZE_MAX;
    for (const cJSON *s = script->child; s != NULL; s = s->next, i++) {
        char step_path[ESOMOCK_VET_PATH_SIZE];
        esomock__vet_path_index(step_path, sizeof(step_path), child, i);
        esomock__parse_step(v, s, step_path, i, n, &rule->steps[i]);
        const cJSON *action = cJSON_IsObject(s) ? esomock__vet_get(s, "action") : NULL;
        if (slow_read_step == SIZE_MAX && cJSON_IsString(action) &&
            strcmp(action->valuestring, "slow_read") == 0)
            slow_read_step = i;
    }

    /* slow_read acts before the body is read, so the rule must be chosen without it. */
    if (slow_read_step != SIZE_MAX && cJSON_IsObject(match)) {
        const cJSON *op = esomock__vet_get(match, "operation");
        bool on_operation =
            op != NULL && !(cJSON_IsString(op) && strcmp(op->valuestring, "*") == 0);
        if (on_operation || esomock__vet_get(match, "variables") != NULL ||
            esomock__vet_get(match, "field") != NULL ||
            esomock__vet_get(match, "arguments") != NULL) {
            esomock__vet_path_key(child, sizeof(child), path, "match");
            esomock__vet_error(
                v, child,
                "a rule with a slow_read step (script[%zu]) cannot match on operation, "
                "variables, field or arguments: the request body is not read yet when the rule "
                "is chosen; match on path or headers",
                slow_read_step);
        }
    }
}

static void check_rule_names(struct esomock_vet *v, const struct esomock_scenario *sc)
{
    char path[ESOMOCK_VET_PATH_SIZE];
    for (size_t j = 1; j < sc->rule_count; j++) {
        if (sc->rules[j].name == NULL)
            continue;
        for (size_t i = 0; i < j; i++) {
            if (sc->rules[i].name != NULL && strcmp(sc->rules[i].name, sc->rules[j].name) == 0) {
                snprintf(path, sizeof(path), "rules[%zu].name", j);
                esomock__vet_error(v, path, "duplicate rule name; rules[%zu] is also called that",
                                   i);
                break;
            }
        }
    }
}

/* ---- settings --------------------------------------------------------------------------- */

static void settings_defaults(struct esomock_settings *st)
{
    st->hang_max_ms = 60000.0;
    st->rate_limit.enabled = false;
    st->rate_limit.points_per_hour = 18000.0;
    st->rate_limit.period_ms = 3600.0 * 1000.0;
    st->rate_limit.default_cost = -1.0; /* what each query costs (cost.c) */
    st->rate_limit.retry_after = ESOMOCK_RETRY_AFTER_RESET;
}

static const char *const settings_keys[] = {
    "time_scale", "strict_auth", "token_ttl_s", "hang_max_ms", "max_requests_per_connection",
    "rate_limit", "world"};
static const char *const rate_limit_keys[] = {"points_per_hour", "period_s",    "default_cost",
                                              "costs",           "retry_after", "enforce"};

static void parse_rate_limit(struct esomock_vet *v, const cJSON *obj, const char *path,
                             struct esomock_rate_limit *rl)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object (the points budget)", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, rate_limit_keys, 6);
    rl->enabled = true;

    const cJSON *item = esomock__vet_get(obj, "points_per_hour");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "points_per_hour");
        esomock__vet_number(v, item, child, &range_points, &rl->points_per_hour);
    }
    item = esomock__vet_get(obj, "period_s");
    if (item != NULL) {
        double s = 0;
        esomock__vet_path_key(child, sizeof(child), path, "period_s");
        if (esomock__vet_number(v, item, child, &range_seconds_positive, &s))
            rl->period_ms = s * 1000.0;
    }
    item = esomock__vet_get(obj, "default_cost");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "default_cost");
        esomock__vet_number(v, item, child, &range_cost, &rl->default_cost);
    }
    item = esomock__vet_get(obj, "costs");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "costs");
        if (!cJSON_IsObject(item)) {
            esomock__vet_expected(v, child, "an object of operation name -> points", item);
        } else {
            bool ok = true;
            for (const cJSON *c = item->child; c != NULL; c = c->next) {
                char cost_path[ESOMOCK_VET_PATH_SIZE];
                double cost = 0;
                esomock__vet_path_key(cost_path, sizeof(cost_path), child, c->string);
                if (!esomock__vet_is_graphql_name(c->string)) {
                    esomock__vet_error(v, cost_path, "expected an operation name as the key");
                    ok = false;
                    continue;
                }
                if (!esomock__api_is_operation(c->string)) {
                    char hint[256];
                    esomock__api_operation_hint(c->string, hint, sizeof(hint));
                    esomock__vet_error(v, cost_path,
                                       "unknown operation \"%s\": not one of the ESO Logs "
                                       "API's 39 operations.%s",
                                       c->string, hint);
                    ok = false;
                    continue;
                }
                ok = esomock__vet_number(v, c, cost_path, &range_cost, &cost) && ok;
            }
            if (ok) {
                rl->costs = cJSON_Duplicate(item, 1);
                if (rl->costs == NULL)
                    v->oom = true;
            }
        }
    }
    item = esomock__vet_get(obj, "retry_after");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "retry_after");
        if (cJSON_IsString(item) && strcmp(item->valuestring, "reset") == 0) {
            rl->retry_after = ESOMOCK_RETRY_AFTER_RESET;
        } else if (cJSON_IsString(item) && strcmp(item->valuestring, "none") == 0) {
            rl->retry_after = ESOMOCK_RETRY_AFTER_NONE;
        } else if (cJSON_IsNumber(item)) {
            if (esomock__vet_number(v, item, child, &range_seconds, &rl->retry_after_s))
                rl->retry_after = ESOMOCK_RETRY_AFTER_FIXED;
        } else {
            esomock__vet_expected(v, child, "\"reset\", \"none\" or a number of seconds >= 0",
                                  item);
        }
    }
    item = esomock__vet_get(obj, "enforce");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "enforce");
        esomock__vet_bool(v, item, child, &rl->enabled);
    }
}

static void parse_settings(struct esomock_vet *v, const cJSON *obj, const char *source,
                           struct esomock_settings *st)
{
    const char *path = "settings";
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, settings_keys, 7);

    const cJSON *item = esomock__vet_get(obj, "time_scale");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "time_scale");
        esomock__vet_number(v, item, child, &range_time_scale, &st->time_scale);
    }
    item = esomock__vet_get(obj, "strict_auth");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "strict_auth");
        st->strict_auth_set = esomock__vet_bool(v, item, child, &st->strict_auth);
    }
    item = esomock__vet_get(obj, "token_ttl_s");
    if (item != NULL) {
        double ttl = 0;
        esomock__vet_path_key(child, sizeof(child), path, "token_ttl_s");
        if (esomock__vet_number(v, item, child, &range_ttl, &ttl))
            st->token_ttl_s = (unsigned)ttl;
    }
    item = esomock__vet_get(obj, "hang_max_ms");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "hang_max_ms");
        esomock__vet_number(v, item, child, &esomock__range_ms_positive, &st->hang_max_ms);
    }
    item = esomock__vet_get(obj, "max_requests_per_connection");
    if (item != NULL) {
        double n = 0;
        esomock__vet_path_key(child, sizeof(child), path, "max_requests_per_connection");
        if (esomock__vet_number(v, item, child, &esomock__range_count, &n))
            st->max_requests_per_connection = (unsigned)n;
    }
    item = esomock__vet_get(obj, "rate_limit");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "rate_limit");
        parse_rate_limit(v, item, child, &st->rate_limit);
    }
    item = esomock__vet_get(obj, "world");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "world");
        esomock__world_setting(v, item, child, source, &st->world);
    }
}

/* ---- the scenario ----------------------------------------------------------------------- */

static const char *const root_keys[] = {"name",     "description", "seed",
                                        "settings", "rules",       "$schema"};
#define ROOT_KEY_COUNT (sizeof(root_keys) / sizeof(root_keys[0]))
_Static_assert(ROOT_KEY_COUNT + ESOMOCK_MAX_SECTIONS <= 32, "esomock__vet_keys tracks 32 keys");

/*
 * The sections libesomock owns beside the fault script, each with its checker, looked up
 * before the caller's: `wire` (expectations judged from the journal, esomock/wire.h).
 */
static const struct esomock_section *builtin_sections(size_t *count)
{
    *count = 1;
    return &esomock__wire_section;
}

enum esomock_status esomock__sections_check(const struct esomock_section *sections, size_t count,
                                            struct esomock_problems *problems)
{
    size_t builtin_count = 0;
    const struct esomock_section *builtin = builtin_sections(&builtin_count);
    if (count > 0 && sections == NULL) {
        esomock__problems_error(problems, "sections", "NULL with section_count %zu", count);
        return ESOMOCK_BAD_ARGUMENT;
    }
    if (count > ESOMOCK_MAX_SECTIONS - builtin_count) {
        esomock__problems_error(problems, "sections", "expected at most %zu sections; got %zu",
                                ESOMOCK_MAX_SECTIONS - builtin_count, count);
        return ESOMOCK_BAD_ARGUMENT;
    }
    size_t before = esomock__problems_errors(problems);
    for (size_t i = 0; i < count; i++) {
        char path[48];
        snprintf(path, sizeof(path), "sections[%zu].key", i);
        const char *key = sections[i].key;
        if (key == NULL || key[0] == '\0' || strlen(key) > 64) {
            esomock__problems_error(problems, path, "expected a top-level key of 1-64 bytes");
            continue;
        }
        bool taken = false;
        for (size_t k = 0; k < ROOT_KEY_COUNT && !taken; k++)
            taken = strcmp(root_keys[k], key) == 0;
        for (size_t k = 0; k < builtin_count && !taken; k++)
            taken = strcmp(builtin[k].key, key) == 0;
        if (taken) {
            esomock__problems_error(problems, path, "\"%.64s\" is eso-mock's own key", key);
            continue;
        }
        for (size_t k = 0; k < i; k++) {
            if (sections[k].key != NULL && strcmp(sections[k].key, key) == 0) {
                esomock__problems_error(problems, path, "\"%.64s\" is given twice", key);
                break;
            }
        }
    }
    return esomock__problems_errors(problems) > before ? ESOMOCK_BAD_ARGUMENT : ESOMOCK_OK;
}

/* Hand each section present in @p root to its checker (or note that none checks it). */
static void parse_sections(struct esomock_vet *v, const cJSON *root,
                           const struct esomock_section *const *sections, size_t count)
{
    char path[ESOMOCK_VET_PATH_SIZE];
    for (size_t i = 0; i < count; i++) {
        const struct esomock_section *s = sections[i];
        const cJSON *item = esomock__vet_get(root, s->key);
        if (item == NULL)
            continue;
        esomock__vet_path_key(path, sizeof(path), "", s->key);
        if (s->check != NULL)
            s->check(item, path, v->problems, s->context);
        else
            esomock_problems_note(v->problems, path, "not checked here%s%s",
                                  s->checked_by != NULL ? "; " : "",
                                  s->checked_by != NULL ? s->checked_by : "");
    }
}

static bool is_scenario_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_LEN)
        return false;
    for (; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
              *s == '-'))
            return false;
    }
    return true;
}

void esomock__parse_root(struct esomock_vet *v, const cJSON *root,
                         const struct esomock_section *sections, size_t section_count,
                         struct esomock_scenario *sc)
{
    settings_defaults(&sc->settings);
    if (!cJSON_IsObject(root)) {
        esomock__vet_expected(v, "", "an object (a scenario with \"name\" and \"rules\")", root);
        return;
    }
    /* The keys a file may have: the format's, then the sections' (libesomock's own first). */
    size_t builtin_count = 0;
    const struct esomock_section *builtin = builtin_sections(&builtin_count);
    const struct esomock_section *known[ESOMOCK_MAX_SECTIONS];
    const char *keys[ROOT_KEY_COUNT + ESOMOCK_MAX_SECTIONS];
    size_t known_count = 0, key_count = 0;
    for (size_t i = 0; i < ROOT_KEY_COUNT; i++)
        keys[key_count++] = root_keys[i];
    for (size_t i = 0; i < builtin_count && known_count < ESOMOCK_MAX_SECTIONS; i++)
        known[known_count++] = &builtin[i];
    for (size_t i = 0; i < section_count && known_count < ESOMOCK_MAX_SECTIONS; i++)
        known[known_count++] = &sections[i];
    for (size_t i = 0; i < known_count; i++)
        keys[key_count++] = known[i]->key;
    esomock__vet_keys(v, root, "", keys, key_count);

    const cJSON *item = esomock__vet_get(root, "name");
    if (item == NULL)
        esomock__vet_missing(v, "name", "a name of 1-64 characters from a-z, 0-9, '.', '_', '-'");
    else if (!cJSON_IsString(item) || !is_scenario_name(item->valuestring))
        esomock__vet_expected(v, "name", "1-64 characters from a-z, 0-9, '.', '_', '-'", item);
    else
        sc->name = esomock__vet_strdup(v, item->valuestring);

    item = esomock__vet_get(root, "description");
    if (item != NULL) {
        if (!cJSON_IsString(item))
            esomock__vet_expected(v, "description", "a string", item);
        else
            sc->description = esomock__vet_strdup(v, item->valuestring);
    }

    item = esomock__vet_get(root, "seed");
    if (item != NULL) {
        double seed = 0;
        if (esomock__vet_number(v, item, "seed", &range_seed, &seed)) {
            sc->seed = (uint64_t)seed;
            sc->has_seed = true;
        }
    }

    item = esomock__vet_get(root, "$schema");
    if (item != NULL && !cJSON_IsString(item))
        esomock__vet_expected(v, "$schema", "a string (the schema's location, for editors)", item);

    item = esomock__vet_get(root, "settings");
    if (item != NULL)
        parse_settings(v, item, sc->source, &sc->settings);

    parse_sections(v, root, known, known_count);

    const cJSON *rules = esomock__vet_get(root, "rules");
    if (rules == NULL) {
        esomock__vet_missing(v, "rules", "an array of rules (may be empty)");
        return;
    }
    if (!cJSON_IsArray(rules)) {
        esomock__vet_expected(v, "rules", "an array of rules", rules);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(rules);
    if (n > ESOMOCK_SCENARIO_MAX_RULES) {
        esomock__vet_error(v, "rules", "expected at most %u rules; got %zu",
                           ESOMOCK_SCENARIO_MAX_RULES, n);
        return;
    }
    if (n == 0)
        return;
    sc->rules = calloc(n, sizeof(*sc->rules));
    if (sc->rules == NULL) {
        v->oom = true;
        return;
    }
    sc->rule_count = n;
    size_t i = 0;
    for (const cJSON *r = rules->child; r != NULL && !v->oom; r = r->next, i++)
        parse_rule(v, r, i, &sc->rules[i]);
    check_rule_names(v, sc);
}
