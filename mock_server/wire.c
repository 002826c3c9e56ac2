/*
 * The `wire` section: checked with the scenario (every problem with its JSON path and a
 * did-you-mean), and read into expectations the judge (wire_judge.c) applies to a journal.
 * Its vocabulary is the journal's, so libesomock owns it; scenario_parse.c lists it first
 * among the sections it knows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "problems_private.h"
#include "vet_private.h"
#include "wire_private.h"

const char *const esomock__wire_kind_names[ESOMOCK_WK_COUNT] = {
    [ESOMOCK_WK_ATTEMPTS] = "attempts",
    [ESOMOCK_WK_LAST_ANSWER] = "last_answer",
    [ESOMOCK_WK_WAIT] = "wait_s",
    [ESOMOCK_WK_GROWTH] = "growth",
    [ESOMOCK_WK_JITTER] = "jitter",
    [ESOMOCK_WK_RETRY_AFTER] = "retry_after",
    [ESOMOCK_WK_NO_RETRY_AFTER] = "no_retry_after",
    [ESOMOCK_WK_DEADLINE] = "deadline_s",
    [ESOMOCK_WK_REQUESTS] = "requests",
    [ESOMOCK_WK_REQUESTS_PER_CALL] = "requests_per_call",
    [ESOMOCK_WK_BREAKER] = "breaker",
    [ESOMOCK_WK_TOKEN_REQUESTS] = "token_requests",
    [ESOMOCK_WK_UNAUTHORIZED] = "unauthorized",
    [ESOMOCK_WK_RATE_LIMITED] = "rate_limited",
    [ESOMOCK_WK_MAX_IN_FLIGHT] = "max_in_flight",
};

static const char *const section_keys[] = {"tolerance_ms", "late_ms", "expect"};
static const char *const breaker_keys[] = {"opens_after", "quiet_s", "probes", "reopens"};
static const char *const bound_keys[] = {"at_least", "at_most"};
#define EXPECT_KEY_COUNT (3 + ESOMOCK_WK_COUNT)

static const struct esomock_vet_range range_tolerance = {false, 0, false, 1e7, false};
static const struct esomock_vet_range range_count = {true, 0, false, 1e9, false};
static const struct esomock_vet_range range_amount = {false, 0, false, 1e9, false};
static const struct esomock_vet_range range_seconds = {false, 0, true, 1e7, false};
static const struct esomock_vet_range range_group = {true, 1, false, 100000, false};
static const struct esomock_vet_range range_status = {true, 100, false, 599, true};
static const struct esomock_vet_range range_probes = {true, 1, false, 1000, true};
static const struct esomock_vet_range range_in_flight = {true, 1, false, 1e6, false};

/* A count or amount: N, [min, max], or {"at_least": min, "at_most": max} (one or both). */
static bool parse_bounds(struct esomock_vet *v, const cJSON *item, const char *path,
                         const struct esomock_vet_range *range, struct esomock_wire_bounds *out)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    *out = (struct esomock_wire_bounds){0};
    const char *what = range->integer
                           ? "a whole number, [min, max] or {\"at_least\": N, \"at_most\": M}"
                           : "a number, [min, max] or {\"at_least\": x, \"at_most\": y}";
    if (cJSON_IsNumber(item)) {
        if (!esomock__vet_number(v, item, path, range, &out->min))
            return false;
        out->max = out->min;
        out->has_min = out->has_max = true;
        return true;
    }
    if (cJSON_IsArray(item)) {
        if (cJSON_GetArraySize(item) != 2) {
            esomock__vet_expected(v, path, what, item);
            return false;
        }
        bool ok = true;
        esomock__vet_path_index(child, sizeof(child), path, 0);
        ok = esomock__vet_number(v, cJSON_GetArrayItem(item, 0), child, range, &out->min) && ok;
        esomock__vet_path_index(child, sizeof(child), path, 1);
        ok = esomock__vet_number(v, cJSON_GetArrayItem(item, 1), child, range, &out->max) && ok;
        if (ok && out->min > out->max) {
            esomock__vet_error(v, path, "expected [min, max] with min <= max");
            return false;
        }
        out->has_min = out->has_max = ok;
        return ok;
    }
    if (cJSON_IsObject(item)) {
        esomock__vet_keys(v, item, path, bound_keys, 2);
        const cJSON *lo = esomock__vet_get(item, "at_least");
        const cJSON *hi = esomock__vet_get(item, "at_most");
        if (lo == NULL && hi == NULL) {
            esomock__vet_error(v, path, "expected \"at_least\", \"at_most\" or both");
            return false;
        }
        bool ok = true;
        if (lo != NULL) {
            esomock__vet_path_key(child, sizeof(child), path, "at_least");
            out->has_min = esomock__vet_number(v, lo, child, range, &out->min);
            ok = out->has_min;
        }
        if (hi != NULL) {
            esomock__vet_path_key(child, sizeof(child), path, "at_most");
            out->has_max = esomock__vet_number(v, hi, child, range, &out->max);
            ok = out->has_max && ok;
        }
        if (ok && out->has_min && out->has_max && out->min > out->max) {
            esomock__vet_error(v, path, "expected at_least <= at_most");
            return false;
        }
        return ok;
    }
    esomock__vet_expected(v, path, what, item);
    return false;
}

/* "calls": "all", a call's number (1-based) or name, or an array of them. */
static void parse_selector(struct esomock_vet *v, const cJSON *item, const char *path,
                           struct esomock_wire_expectation *x)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    static const char *const what =
        "\"all\", a call's number in expect.calls (1-based), its name, or an array of them";
    if (cJSON_IsString(item) && strcmp(item->valuestring, "all") == 0) {
        x->all_calls = true;
        return;
    }
    const cJSON *single = cJSON_IsArray(item) ? NULL : item;
    if (cJSON_IsArray(item) && (cJSON_GetArraySize(item) == 0 ||
                                (size_t)cJSON_GetArraySize(item) > ESOMOCK_WIRE_MAX_SELECT)) {
        esomock__vet_error(v, path, "expected 1 to %u calls", ESOMOCK_WIRE_MAX_SELECT);
        return;
    }
    size_t i = 0;
    for (const cJSON *c = single != NULL ? single : item->child; c != NULL;
         c = single != NULL ? NULL : c->next, i++) {
        if (single != NULL)
            snprintf(child, sizeof(child), "%s", path);
        else
            esomock__vet_path_index(child, sizeof(child), path, i);
        double group = 0;
        const char *name = NULL;
        if (cJSON_IsNumber(c)) {
            if (esomock__vet_number(v, c, child, &range_group, &group))
                x->groups[x->group_count++] = (unsigned)group;
        } else if (cJSON_IsString(c) && strcmp(c->valuestring, "all") != 0) {
            if (esomock__vet_string(v, c, child, 128, &name))
                x->names[x->name_count++] = esomock__vet_strdup(v, name);
        } else {
            esomock__vet_expected(v, child, what, c);
        }
    }
}

static void parse_no_retry(struct esomock_vet *v, const cJSON *item, const char *path,
                           struct esomock_wire_expectation *x)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    static const char *const words[] = {"graphql_errors", "unauthorized"};
    if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) == 0 ||
        (size_t)cJSON_GetArraySize(item) > ESOMOCK_WIRE_MAX_NO_RETRY) {
        esomock__vet_expected(v, path,
                              "an array of 1 to 16 HTTP statuses (400, 404, ...), "
                              "\"graphql_errors\" or \"unauthorized\"",
                              item);
        return;
    }
    size_t i = 0;
    for (const cJSON *c = item->child; c != NULL; c = c->next, i++) {
        esomock__vet_path_index(child, sizeof(child), path, i);
        if (cJSON_IsNumber(c)) {
            double status = 0;
            if (esomock__vet_number(v, c, child, &range_status, &status))
                x->no_retry_statuses[x->no_retry_status_count++] = (int)status;
            continue;
        }
        size_t which = 0;
        if (!esomock__vet_enum(v, c, child, words, 2, &which))
            continue;
        if (which == 0)
            x->no_retry_graphql_errors = true;
        else
            x->no_retry_unauthorized = true;
    }
}

static void parse_breaker(struct esomock_vet *v, const cJSON *item, const char *path,
                          struct esomock_wire_breaker *b)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(item)) {
        esomock__vet_expected(v, path, "an object with opens_after, quiet_s, probes, reopens",
                              item);
        return;
    }
    esomock__vet_keys(v, item, path, breaker_keys, 4);
    b->probes = 1;
    const cJSON *c = esomock__vet_get(item, "opens_after");
    esomock__vet_path_key(child, sizeof(child), path, "opens_after");
    if (c == NULL)
        esomock__vet_missing(v, child, "the consecutive failed requests after which it opens");
    else if (parse_bounds(v, c, child, &range_count, &b->opens_after) && !b->opens_after.has_min)
        b->opens_after.has_min = true; /* at_most alone: from the first failure */
    c = esomock__vet_get(item, "quiet_s");
    esomock__vet_path_key(child, sizeof(child), path, "quiet_s");
    if (c == NULL)
        esomock__vet_missing(v, child, "a number > 0 (seconds without a request once open)");
    else
        esomock__vet_number(v, c, child, &range_seconds, &b->quiet_s);
    c = esomock__vet_get(item, "probes");
    if (c != NULL) {
        double probes = 0;
        esomock__vet_path_key(child, sizeof(child), path, "probes");
        if (esomock__vet_number(v, c, child, &range_probes, &probes))
            b->probes = (unsigned)probes;
    }
    c = esomock__vet_get(item, "reopens");
    if (c != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "reopens");
        esomock__vet_bool(v, c, child, &b->reopens);
    }
}

/* A summary of the kinds, for an expectation without "behaviour". */
static char *summary(struct esomock_vet *v, const struct esomock_wire_expectation *x)
{
    char text[128] = "";
    size_t used = 0;
    for (size_t k = 0; k < ESOMOCK_WK_COUNT && used + 1 < sizeof(text); k++) {
        if (x->kinds & (1u << k))
            used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s", used ? ", " : "",
                                     esomock__wire_kind_names[k]);
    }
    return esomock__vet_strdup(v, text);
}

static void parse_expectation(struct esomock_vet *v, const cJSON *obj, const char *path,
                              struct esomock_wire_expectation *x)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object (a behaviour and what the wire must show)", obj);
        return;
    }
    const char *keys[EXPECT_KEY_COUNT] = {"behaviour", "hint", "calls"};
    for (size_t k = 0; k < ESOMOCK_WK_COUNT; k++)
        keys[3 + k] = esomock__wire_kind_names[k];
    esomock__vet_keys(v, obj, path, keys, EXPECT_KEY_COUNT);

    const char *text = NULL;
    const cJSON *item = esomock__vet_get(obj, "behaviour");
    esomock__vet_path_key(child, sizeof(child), path, "behaviour");
    if (item != NULL && esomock__vet_string(v, item, child, 120, &text))
        x->behaviour = esomock__vet_strdup(v, text);
    item = esomock__vet_get(obj, "hint");
    esomock__vet_path_key(child, sizeof(child), path, "hint");
    if (item != NULL && esomock__vet_string(v, item, child, 180, &text))
        x->hint = esomock__vet_strdup(v, text);
    item = esomock__vet_get(obj, "calls");
    esomock__vet_path_key(child, sizeof(child), path, "calls");
    if (item != NULL)
        parse_selector(v, item, child, x);
    else
        x->all_calls = true;

    for (size_t k = 0; k < ESOMOCK_WK_COUNT; k++) {
        item = esomock__vet_get(obj, esomock__wire_kind_names[k]);
        if (item == NULL)
            continue;
        esomock__vet_path_key(child, sizeof(child), path, esomock__wire_kind_names[k]);
        bool ok = true;
        switch ((enum esomock_wire_kind)k) {
        case ESOMOCK_WK_ATTEMPTS:
            ok = parse_bounds(v, item, child, &range_count, &x->attempts);
            break;
        case ESOMOCK_WK_LAST_ANSWER: {
            static const char *const answers[] = {"ok", "not_ok"};
            size_t which = 0;
            ok = esomock__vet_enum(v, item, child, answers, 2, &which);
            x->last_answer_ok = which == 0;
            break;
        }
        case ESOMOCK_WK_WAIT:
            ok = parse_bounds(v, item, child, &range_amount, &x->wait_s);
            break;
        case ESOMOCK_WK_GROWTH:
            ok = parse_bounds(v, item, child, &range_amount, &x->growth);
            break;
        case ESOMOCK_WK_JITTER:
            ok = esomock__vet_bool(v, item, child, &x->jitter);
            break;
        case ESOMOCK_WK_RETRY_AFTER:
            if (!cJSON_IsTrue(item)) {
                /* false would judge nothing: a scenario never says less than it seems to. */
                esomock__vet_expected(v, child, "true (leave the key out to judge nothing)", item);
                ok = false;
            }
            break;
        case ESOMOCK_WK_NO_RETRY_AFTER:
            parse_no_retry(v, item, child, x);
            break;
        case ESOMOCK_WK_DEADLINE:
            ok = esomock__vet_number(v, item, child, &range_seconds, &x->deadline_s);
            break;
        case ESOMOCK_WK_REQUESTS:
            ok = parse_bounds(v, item, child, &range_count, &x->requests);
            break;
        case ESOMOCK_WK_REQUESTS_PER_CALL:
            ok = parse_bounds(v, item, child, &range_amount, &x->requests_per_call);
            break;
        case ESOMOCK_WK_BREAKER:
            parse_breaker(v, item, child, &x->breaker);
            break;
        case ESOMOCK_WK_TOKEN_REQUESTS:
            ok = parse_bounds(v, item, child, &range_count, &x->token_requests);
            break;
        case ESOMOCK_WK_UNAUTHORIZED:
            ok = parse_bounds(v, item, child, &range_count, &x->unauthorized);
            break;
        case ESOMOCK_WK_RATE_LIMITED:
            ok = parse_bounds(v, item, child, &range_count, &x->rate_limited);
            break;
        case ESOMOCK_WK_MAX_IN_FLIGHT: {
            double n = 0;
            ok = esomock__vet_number(v, item, child, &range_in_flight, &n);
            x->max_in_flight = (unsigned)n;
            break;
        }
        case ESOMOCK_WK_COUNT:
            break;
        }
        (void)ok;
        x->kinds |= 1u << k;
    }
    if (x->kinds == 0) {
        char list[400];
        esomock__vet_join(esomock__wire_kind_names, ESOMOCK_WK_COUNT, list, sizeof(list));
        esomock__vet_error(v, path, "expected at least one of %s", list);
    }
    if (x->behaviour == NULL)
        x->behaviour = summary(v, x);
}

/* Read @p section (at JSON path @p path) into @p wire; problems go to v. */
static void parse_section(struct esomock_vet *v, const cJSON *section, const char *path,
                          struct esomock_wire *wire)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    wire->tolerance_ms = ESOMOCK_WIRE_TOLERANCE_MS;
    wire->late_ms = ESOMOCK_WIRE_LATE_MS;
    if (!cJSON_IsObject(section)) {
        esomock__vet_expected(v, path, "an object with \"expect\" (what the wire must show)",
                              section);
        return;
    }
    esomock__vet_keys(v, section, path, section_keys, 3);
    const cJSON *item = esomock__vet_get(section, "tolerance_ms");
    esomock__vet_path_key(child, sizeof(child), path, "tolerance_ms");
    if (item != NULL)
        esomock__vet_number(v, item, child, &range_tolerance, &wire->tolerance_ms);
    item = esomock__vet_get(section, "late_ms");
    esomock__vet_path_key(child, sizeof(child), path, "late_ms");
    if (item != NULL)
        esomock__vet_number(v, item, child, &range_tolerance, &wire->late_ms);

    const cJSON *expect = esomock__vet_get(section, "expect");
    esomock__vet_path_key(child, sizeof(child), path, "expect");
    if (expect == NULL) {
        esomock__vet_missing(v, child, "an array of expectations");
        return;
    }
    size_t n = cJSON_IsArray(expect) ? (size_t)cJSON_GetArraySize(expect) : 0;
    if (n == 0 || n > ESOMOCK_WIRE_MAX_EXPECT) {
        esomock__vet_expected(v, child, "an array of 1 to 64 expectations", expect);
        return;
    }
    wire->expect = calloc(n, sizeof(*wire->expect));
    if (wire->expect == NULL) {
        v->oom = true;
        return;
    }
    wire->expect_count = n;
    size_t i = 0;
    for (const cJSON *x = expect->child; x != NULL && !v->oom; x = x->next, i++) {
        char x_path[ESOMOCK_VET_PATH_SIZE];
        esomock__vet_path_index(x_path, sizeof(x_path), child, i);
        parse_expectation(v, x, x_path, &wire->expect[i]);
    }
}

static void wire_free(struct esomock_wire *wire)
{
    for (size_t i = 0; i < wire->expect_count; i++) {
        struct esomock_wire_expectation *x = &wire->expect[i];
        free(x->behaviour);
        free(x->hint);
        for (size_t k = 0; k < x->name_count; k++)
            free(x->names[k]);
    }
    free(wire->expect);
}

static void check_section(const struct cJSON *section, const char *path,
                          struct esomock_problems *problems, void *context)
{
    (void)context;
    struct esomock_vet v = {.problems = problems};
    struct esomock_wire wire = {0};
    parse_section(&v, section, path, &wire);
    if (v.oom)
        esomock__problems_error(problems, path, "out of memory while checking the section");
    wire_free(&wire);
}

const struct esomock_section esomock__wire_section = {
    .key = "wire",
    .check = check_section,
};

enum esomock_status esomock_wire_create(const struct cJSON *section,
                                        struct esomock_problems *problems,
                                        struct esomock_wire **out)
{
    if (section == NULL || out == NULL)
        return ESOMOCK_BAD_ARGUMENT;
    struct esomock_problems counting = ESOMOCK__PROBLEMS_COUNTING;
    struct esomock_problems *p = problems != NULL ? problems : &counting;
    struct esomock_wire *wire = calloc(1, sizeof(*wire));
    if (wire == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    size_t before = esomock__problems_errors(p);
    struct esomock_vet v = {.problems = p};
    parse_section(&v, section, "wire", wire);
    enum esomock_status rc = v.oom                                  ? ESOMOCK_OUT_OF_MEMORY
                             : esomock__problems_errors(p) > before ? ESOMOCK_SCENARIO_INVALID
                                                                    : ESOMOCK_OK;
    esomock__problems_finish(&counting);
    if (rc != ESOMOCK_OK) {
        esomock_wire_destroy(wire);
        return rc;
    }
    *out = wire;
    return ESOMOCK_OK;
}

void esomock_wire_destroy(struct esomock_wire *wire)
{
    if (wire == NULL)
        return;
    wire_free(wire);
    free(wire);
}

size_t esomock_wire_expectation_count(const struct esomock_wire *wire)
{
    return wire != NULL ? wire->expect_count : 0;
}

const char *esomock_wire_behaviour(const struct esomock_wire *wire, size_t index)
{
    if (wire == NULL || index >= wire->expect_count)
        return NULL;
    return wire->expect[index].behaviour != NULL ? wire->expect[index].behaviour : "";
}

enum esomock_status esomock_wire_check_calls(const struct esomock_wire *wire,
                                             const char *const *names, size_t group_count,
                                             struct esomock_problems *problems)
{
    if (wire == NULL || (group_count > 0 && names == NULL))
        return ESOMOCK_BAD_ARGUMENT;
    size_t bad = 0;
    for (size_t i = 0; i < wire->expect_count; i++) {
        const struct esomock_wire_expectation *x = &wire->expect[i];
        char path[64];
        snprintf(path, sizeof(path), "wire.expect[%zu].calls", i);
        for (size_t k = 0; k < x->group_count; k++) {
            if (x->groups[k] <= group_count)
                continue;
            bad++;
            esomock_problems_add(problems, path, "no call %u: expect.calls has %zu", x->groups[k],
                                 group_count);
        }
        for (size_t k = 0; k < x->name_count; k++) {
            bool found = false;
            for (size_t g = 0; g < group_count && !found; g++)
                found = names[g] != NULL && strcmp(names[g], x->names[k]) == 0;
            if (found)
                continue;
            bad++;
            const char *named[ESOMOCK_WIRE_MAX_SELECT * 4];
            size_t named_count = 0;
            for (size_t g = 0; g < group_count && named_count < sizeof(named) / sizeof(*named);
                 g++) {
                if (names[g] != NULL)
                    named[named_count++] = names[g];
            }
            const char *guess = esomock__vet_closest(x->names[k], named, named_count);
            char quoted[ESOMOCK_VET_QUOTE_SIZE];
            esomock__vet_quote(x->names[k], quoted, sizeof(quoted));
            if (guess != NULL)
                esomock_problems_add(problems, path, "no call is named %s; did you mean \"%s\"?",
                                     quoted, guess);
            else
                esomock_problems_add(problems, path, "no call in expect.calls is named %s", quoted);
        }
    }
    return bad > 0 ? ESOMOCK_SCENARIO_INVALID : ESOMOCK_OK;
}
