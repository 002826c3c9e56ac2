/*
 * A rule's script steps and their delays, as scenario files spell them: which keys each
 * action takes, what each must have, and the defaults (scenario_step_private.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_step_private.h"

#define FIXTURE_NAME_MAX_LEN 255

const struct esomock_vet_range esomock__range_ms = {false, 0, false, ESOMOCK_SCENARIO_MAX_MS,
                                                    false};
const struct esomock_vet_range esomock__range_ms_positive = {false, 0, true,
                                                             ESOMOCK_SCENARIO_MAX_MS, false};
const struct esomock_vet_range esomock__range_count = {true, 1, false, 4294967295.0, false};

static const struct esomock_vet_range range_probability = {false, 0, false, 1, true};
/* Final statuses only: a 1xx is interim, and a client that gets one waits for the real answer. */
static const struct esomock_vet_range range_status = {true, 200, false, 599, true};
static const struct esomock_vet_range range_bytes = {true, 0, false, ESOMOCK_VET_MAX_EXACT_INTEGER,
                                                     false};
static const struct esomock_vet_range range_chunk = {true, 1, false, ESOMOCK_VET_MAX_EXACT_INTEGER,
                                                     false};
static const struct esomock_vet_range range_sigma = {false, 0, false, 10, false};
/* Seconds ahead for a Retry-After date: whole seconds (a date has no finer grain), a day at most.
 */
static const struct esomock_vet_range range_date_s = {true, 0, false, 86400, true};

/* ---- delays ----------------------------------------------------------------------------- */

static const char *const delay_kinds[] = {"fixed_ms", "uniform_ms", "lognormal", "ramp"};
static const char *const lognormal_keys[] = {"median_ms", "sigma"};
static const char *const ramp_keys[] = {"from_ms", "to_ms", "start_ms", "end_ms"};

static void parse_lognormal(struct esomock_vet *v, const cJSON *obj, const char *path,
                            struct esomock_delay *d)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object {\"median_ms\": ..., \"sigma\": ...}", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, lognormal_keys, 2);
    bool ok = true;
    esomock__vet_path_key(child, sizeof(child), path, "median_ms");
    const cJSON *median = esomock__vet_get(obj, "median_ms");
    if (median == NULL) {
        esomock__vet_missing(v, child, "a number > 0 (the median delay in ms)");
        ok = false;
    } else {
        ok =
            esomock__vet_number(v, median, child, &esomock__range_ms_positive, &d->median_ms) && ok;
    }
    esomock__vet_path_key(child, sizeof(child), path, "sigma");
    const cJSON *sigma = esomock__vet_get(obj, "sigma");
    if (sigma == NULL) {
        esomock__vet_missing(v, child, "a number >= 0 (the spread of the logarithm)");
        ok = false;
    } else {
        ok = esomock__vet_number(v, sigma, child, &range_sigma, &d->sigma) && ok;
    }
    if (ok)
        d->kind = ESOMOCK_DELAY_LOGNORMAL;
}

static void parse_ramp(struct esomock_vet *v, const cJSON *obj, const char *path,
                       struct esomock_delay *d)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path,
                              "an object {\"from_ms\", \"to_ms\", \"start_ms\", \"end_ms\"}", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, ramp_keys, 4);
    bool ok = true;
    const cJSON *item = esomock__vet_get(obj, "from_ms");
    esomock__vet_path_key(child, sizeof(child), path, "from_ms");
    if (item != NULL)
        ok = esomock__vet_number(v, item, child, &esomock__range_ms, &d->from_ms) && ok;
    item = esomock__vet_get(obj, "to_ms");
    esomock__vet_path_key(child, sizeof(child), path, "to_ms");
    if (item == NULL) {
        esomock__vet_missing(v, child, "a number >= 0 (the delay at end_ms)");
        ok = false;
    } else {
        ok = esomock__vet_number(v, item, child, &esomock__range_ms, &d->to_ms) && ok;
    }
    bool start_ok = true;
    item = esomock__vet_get(obj, "start_ms");
    esomock__vet_path_key(child, sizeof(child), path, "start_ms");
    if (item != NULL)
        start_ok = esomock__vet_number(v, item, child, &esomock__range_ms, &d->ramp_start_ms);
    ok = ok && start_ok;
    item = esomock__vet_get(obj, "end_ms");
    esomock__vet_path_key(child, sizeof(child), path, "end_ms");
    if (item == NULL) {
        esomock__vet_missing(v, child, "a number > start_ms (when the ramp reaches to_ms)");
        ok = false;
    } else if (esomock__vet_number(v, item, child, &esomock__range_ms, &d->ramp_end_ms)) {
        if (start_ok && d->ramp_end_ms <= d->ramp_start_ms) {
            char what[64];
            char number[32];
            esomock__format_number(d->ramp_start_ms, number, sizeof(number));
            snprintf(what, sizeof(what), "a number > start_ms (%s)", number);
            esomock__vet_expected(v, child, what, item);
            ok = false;
        }
    } else {
        ok = false;
    }
    if (ok)
        d->kind = ESOMOCK_DELAY_RAMP;
}

static void parse_uniform(struct esomock_vet *v, const cJSON *arr, const char *path,
                          struct esomock_delay *d)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != 2) {
        esomock__vet_expected(v, path, "an array [min_ms, max_ms]", arr);
        return;
    }
    esomock__vet_path_index(child, sizeof(child), path, 0);
    bool ok = esomock__vet_number(v, arr->child, child, &esomock__range_ms, &d->min_ms);
    esomock__vet_path_index(child, sizeof(child), path, 1);
    if (!esomock__vet_number(v, arr->child->next, child, &esomock__range_ms, &d->max_ms))
        return;
    if (ok && d->max_ms < d->min_ms) {
        char what[64];
        char number[32];
        esomock__format_number(d->min_ms, number, sizeof(number));
        snprintf(what, sizeof(what), "a number >= min_ms (%s)", number);
        esomock__vet_expected(v, child, what, arr->child->next);
        return;
    }
    if (ok)
        d->kind = ESOMOCK_DELAY_UNIFORM;
}

static void parse_delay(struct esomock_vet *v, const cJSON *obj, const char *path,
                        struct esomock_delay *d)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path,
                              "an object with one of fixed_ms, uniform_ms, lognormal, ramp", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, delay_kinds, 4);
    const cJSON *given[4];
    size_t count = 0;
    for (size_t i = 0; i < 4; i++) {
        given[i] = esomock__vet_get(obj, delay_kinds[i]);
        count += given[i] != NULL;
    }
    if (count == 0) {
        esomock__vet_error(v, path,
                           "expected exactly one of fixed_ms, uniform_ms, lognormal, ramp; got %s",
                           obj->child == NULL ? "an empty object" : "none of them");
        return;
    }
    if (count > 1) {
        const char *names[4];
        size_t n = 0;
        for (size_t i = 0; i < 4; i++) {
            if (given[i] != NULL)
                names[n++] = delay_kinds[i];
        }
        char list[96];
        esomock__vet_join(names, n, list, sizeof(list));
        esomock__vet_error(
            v, path, "expected exactly one of fixed_ms, uniform_ms, lognormal, ramp; got %s", list);
        return;
    }
    if (given[0] != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "fixed_ms");
        if (esomock__vet_number(v, given[0], child, &esomock__range_ms, &d->ms))
            d->kind = ESOMOCK_DELAY_FIXED;
    } else if (given[1] != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "uniform_ms");
        parse_uniform(v, given[1], child, d);
    } else if (given[2] != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "lognormal");
        parse_lognormal(v, given[2], child, d);
    } else {
        esomock__vet_path_key(child, sizeof(child), path, "ramp");
        parse_ramp(v, given[3], child, d);
    }
}

/* ---- steps ------------------------------------------------------------------------------ */

/* Actions as files spell them; "delay" is pass that insists on a delay. */
enum spelled {
    SP_PASS,
    SP_DELAY,
    SP_RESPOND,
    SP_HANG,
    SP_DROP,
    SP_RESET,
    SP_TRUNCATE,
    SP_DRIP,
    SP_MALFORMED,
    SP_EMPTY,
    SP_SLOW_READ,
    SP_COUNT,
};

static const char *const spelled_names[SP_COUNT] = {
    "pass",     "delay", "respond",   "hang",  "drop",      "reset",
    "truncate", "drip",  "malformed", "empty", "slow_read",
};

static const enum esomock_action spelled_actions[SP_COUNT] = {
    ESOMOCK_ACTION_PASS,      ESOMOCK_ACTION_PASS,  ESOMOCK_ACTION_RESPOND,   ESOMOCK_ACTION_HANG,
    ESOMOCK_ACTION_DROP,      ESOMOCK_ACTION_RESET, ESOMOCK_ACTION_TRUNCATE,  ESOMOCK_ACTION_DRIP,
    ESOMOCK_ACTION_MALFORMED, ESOMOCK_ACTION_EMPTY, ESOMOCK_ACTION_SLOW_READ,
};

#define BIT(a) (1u << (a))
#define ALL_ACTIONS (BIT(SP_COUNT) - 1u)

/* The keys a step may have, and (in step_key_actions) which actions each applies to. */
static const char *const step_key_names[] = {
    "action",
    "times",
    "repeat",
    "probability",
    "delay_ms",
    "delay",
    "connection",
    "status",
    "headers",
    "fixture",
    "body",
    "bytes",
    "end",
    "interval_ms",
    "chunk_bytes",
    "max_ms",
    "retry_after_date_s",
};

static const unsigned step_key_actions[] = {
    ALL_ACTIONS, /* action */
    ALL_ACTIONS, /* times */
    ALL_ACTIONS, /* repeat */
    ALL_ACTIONS, /* probability */
    /* A hang never answers, so a delay before it means nothing. */
    ALL_ACTIONS & ~BIT(SP_HANG), /* delay_ms */
    ALL_ACTIONS & ~BIT(SP_HANG), /* delay */
    /* drop, reset, truncate and hang end the connection themselves. */
    BIT(SP_PASS) | BIT(SP_DELAY) | BIT(SP_RESPOND) | BIT(SP_DRIP) | BIT(SP_MALFORMED) |
        BIT(SP_EMPTY) | BIT(SP_SLOW_READ),                                 /* connection */
    BIT(SP_RESPOND) | BIT(SP_TRUNCATE) | BIT(SP_DRIP),                     /* status */
    BIT(SP_RESPOND) | BIT(SP_TRUNCATE) | BIT(SP_DRIP),                     /* headers */
    BIT(SP_RESPOND) | BIT(SP_TRUNCATE) | BIT(SP_DRIP),                     /* fixture */
    BIT(SP_RESPOND) | BIT(SP_TRUNCATE) | BIT(SP_DRIP) | BIT(SP_MALFORMED), /* body */
    BIT(SP_TRUNCATE),                                                      /* bytes */
    BIT(SP_TRUNCATE),                                                      /* end */
    BIT(SP_DRIP) | BIT(SP_SLOW_READ),                                      /* interval_ms */
    BIT(SP_DRIP) | BIT(SP_SLOW_READ),                                      /* chunk_bytes */
    BIT(SP_HANG),                                                          /* max_ms */
    BIT(SP_RESPOND) | BIT(SP_TRUNCATE) | BIT(SP_DRIP),                     /* retry_after_date_s */
};

#define STEP_KEY_COUNT (sizeof(step_key_names) / sizeof(step_key_names[0]))
_Static_assert(STEP_KEY_COUNT == sizeof(step_key_actions) / sizeof(step_key_actions[0]),
               "every step key has its actions");
_Static_assert(STEP_KEY_COUNT <= 32, "check_keys tracks keys in a 32-bit mask");

static unsigned key_actions(const char *key)
{
    for (size_t i = 0; i < STEP_KEY_COUNT; i++) {
        if (strcmp(step_key_names[i], key) == 0)
            return step_key_actions[i];
    }
    return 0;
}

/*
 * The value of @p key in step @p obj when it applies to the step's action @p act
 * (or the action is unknown, so the value is still checked); NULL when absent or
 * when it does not apply, which is reported.
 */
static const cJSON *step_item(struct esomock_vet *v, const cJSON *obj, const char *path,
                              const char *key, int act)
{
    const cJSON *item = esomock__vet_get(obj, key);
    if (item == NULL || act < 0)
        return item;
    unsigned mask = key_actions(key);
    if (mask & BIT(act))
        return item;
    char child[ESOMOCK_VET_PATH_SIZE], list[160];
    const char *names[SP_COUNT];
    size_t n = 0;
    for (size_t i = 0; i < SP_COUNT; i++) {
        if (mask & BIT(i))
            names[n++] = spelled_names[i];
    }
    esomock__vet_join(names, n, list, sizeof(list));
    esomock__vet_path_key(child, sizeof(child), path, key);
    /* For a key that fits nearly every action, naming the exceptions is shorter. */
    if (n + 2 >= SP_COUNT)
        esomock__vet_error(v, child, "\"%s\" does not apply to %s", key, spelled_names[act]);
    else
        esomock__vet_error(v, child, "\"%s\" applies only to %s; this step's action is %s", key,
                           list, spelled_names[act]);
    return NULL;
}

/* Headers the server sets itself; a scenario that set them would break the framing. */
static const char *reserved_header_hint(const char *name)
{
    if (strcasecmp(name, "Content-Length") == 0)
        return "the server sets Content-Length (use truncate to send fewer bytes)";
    if (strcasecmp(name, "Transfer-Encoding") == 0)
        return "the server sets Transfer-Encoding";
    if (strcasecmp(name, "Connection") == 0)
        return "use \"connection\": \"close\" on the step instead";
    return NULL;
}

static void parse_response_headers(struct esomock_vet *v, const cJSON *obj, const char *path,
                                   struct esomock_step *step)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object of header name -> string", obj);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(obj);
    if (n > ESOMOCK_SCENARIO_MAX_HEADERS) {
        esomock__vet_error(v, path, "expected at most %u headers; got %zu",
                           ESOMOCK_SCENARIO_MAX_HEADERS, n);
        return;
    }
    bool ok = true;
    for (const cJSON *h = obj->child; h != NULL; h = h->next) {
        esomock__vet_path_key(child, sizeof(child), path, h->string);
        if (!esomock__vet_is_header_name(h->string)) {
            esomock__vet_error(v, child,
                               "expected a header name (letters, digits and !#$%%&'*+-.^_`|~)");
            ok = false;
            continue;
        }
        const char *hint = reserved_header_hint(h->string);
        if (hint != NULL) {
            esomock__vet_error(v, child, "not allowed: %s", hint);
            ok = false;
            continue;
        }
        for (const cJSON *before = obj->child; before != h; before = before->next) {
            if (strcasecmp(before->string, h->string) == 0) {
                esomock__vet_error(v, child, "duplicate header (names are case-insensitive)");
                ok = false;
                break;
            }
        }
        if (!cJSON_IsString(h) || !esomock__vet_is_header_value(h->valuestring)) {
            esomock__vet_expected_secret(v, child, h->string,
                                         "a string without line breaks or control characters", h);
            ok = false;
        }
    }
    if (!ok)
        return;
    step->headers = cJSON_Duplicate(obj, 1);
    if (step->headers == NULL)
        v->oom = true;
}

/* The body of respond/truncate/drip/malformed: JSON is serialised, a string is sent as is. */
static void parse_body(struct esomock_vet *v, const cJSON *item, const char *path, bool string_only,
                       struct esomock_step *step)
{
    if (cJSON_IsString(item)) {
        step->body = esomock__vet_strdup(v, item->valuestring);
        if (step->body != NULL)
            step->body_len = strlen(step->body);
        return;
    }
    if (string_only || !(cJSON_IsObject(item) || cJSON_IsArray(item))) {
        esomock__vet_expected(v, path,
                              string_only
                                  ? "a string (the broken text to send)"
                                  : "an object or array (sent as JSON) or a string (sent as is)",
                              item);
        return;
    }
    step->body = cJSON_PrintUnformatted(item);
    if (step->body == NULL) {
        v->oom = true;
        return;
    }
    step->body_len = strlen(step->body);
}

/* times and repeat: the last step repeats unless it says "repeat": false. */
static void parse_times(struct esomock_vet *v, const cJSON *obj, const char *path, bool last,
                        size_t index, size_t count, struct esomock_step *step)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    const cJSON *repeat = esomock__vet_get(obj, "repeat");
    bool repeats = last, repeat_ok = true;
    esomock__vet_path_key(child, sizeof(child), path, "repeat");
    if (repeat != NULL && !last) {
        esomock__vet_error(
            v, child,
            "\"repeat\" applies only to the last step of a script; this is step %zu of %zu",
            index + 1, count);
        repeat_ok = false;
    } else if (repeat != NULL) {
        repeat_ok = esomock__vet_bool(v, repeat, child, &repeats);
        if (!repeat_ok)
            repeats = true;
    }
    step->repeat = last && repeats;

    const cJSON *times = esomock__vet_get(obj, "times");
    if (times == NULL) {
        step->times = step->repeat ? 0 : 1;
        return;
    }
    esomock__vet_path_key(child, sizeof(child), path, "times");
    double t = 0;
    if (!esomock__vet_number(v, times, child, &esomock__range_count, &t))
        return;
    if (step->repeat && repeat_ok) {
        esomock__vet_error(
            v, child,
            "\"times\" has no effect on the last step, which repeats for every later request "
            "unless it says \"repeat\": false; add \"repeat\": false to stop after %.0f",
            t);
        return;
    }
    step->times = (unsigned)t;
}

void esomock__parse_step(struct esomock_vet *v, const cJSON *obj, const char *path, size_t index,
                         size_t count, struct esomock_step *step)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    bool last = index + 1 == count;
    step->times = 1;
    step->probability = 1.0;
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object (a step with an \"action\")", obj);
        return;
    }
    esomock__vet_keys(v, obj, path, step_key_names, STEP_KEY_COUNT);

    int act = -1;
    const cJSON *action = esomock__vet_get(obj, "action");
    esomock__vet_path_key(child, sizeof(child), path, "action");
    if (action == NULL) {
        char list[160];
        esomock__vet_join(spelled_names, SP_COUNT, list, sizeof(list));
        char what[200];
        snprintf(what, sizeof(what), "one of %s", list);
        esomock__vet_missing(v, child, what);
    } else {
        size_t i = 0;
        if (esomock__vet_enum(v, action, child, spelled_names, SP_COUNT, &i)) {
            act = (int)i;
            step->action = spelled_actions[i];
        }
    }

    parse_times(v, obj, path, last, index, count, step);

    const cJSON *item = step_item(v, obj, path, "probability", act);
    esomock__vet_path_key(child, sizeof(child), path, "probability");
    if (item != NULL)
        esomock__vet_number(v, item, child, &range_probability, &step->probability);

    const cJSON *delay_ms = step_item(v, obj, path, "delay_ms", act);
    const cJSON *delay = step_item(v, obj, path, "delay", act);
    if (delay_ms != NULL && delay != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "delay");
        esomock__vet_error(v, child, "give delay_ms or delay, not both");
    } else if (delay_ms != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "delay_ms");
        if (esomock__vet_number(v, delay_ms, child, &esomock__range_ms, &step->delay.ms))
            step->delay.kind = ESOMOCK_DELAY_FIXED;
    } else if (delay != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "delay");
        parse_delay(v, delay, child, &step->delay);
    } else if (act == SP_DELAY) {
        esomock__vet_error(v, path, "action delay needs delay_ms or delay");
    }

    item = step_item(v, obj, path, "connection", act);
    if (item != NULL) {
        static const char *const values[] = {"close"};
        size_t i = 0;
        esomock__vet_path_key(child, sizeof(child), path, "connection");
        if (esomock__vet_enum(v, item, child, values, 1, &i))
            step->close_connection = true;
    }

    item = step_item(v, obj, path, "status", act);
    esomock__vet_path_key(child, sizeof(child), path, "status");
    if (item != NULL) {
        double status = 0;
        if (esomock__vet_number(v, item, child, &range_status, &status))
            step->status = (int)status;
    } else if (act == SP_RESPOND && esomock__vet_get(obj, "status") == NULL) {
        esomock__vet_missing(v, child,
                             "an integer HTTP status from 200 to 599 (respond needs one)");
    }

    item = step_item(v, obj, path, "headers", act);
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "headers");
        parse_response_headers(v, item, child, step);
    }

    const cJSON *fixture = step_item(v, obj, path, "fixture", act);
    const cJSON *body = step_item(v, obj, path, "body", act);
    if (fixture != NULL && body != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "body");
        esomock__vet_error(v, child, "give fixture or body, not both");
    } else if (fixture != NULL) {
        const char *name = NULL;
        esomock__vet_path_key(child, sizeof(child), path, "fixture");
        if (esomock__vet_string(v, fixture, child, FIXTURE_NAME_MAX_LEN, &name)) {
            if (strchr(name, '/') != NULL)
                esomock__vet_expected(
                    v, child, "a fixture name (a file stem in the fixture directory)", fixture);
            else
                step->fixture = esomock__vet_strdup(v, name);
        }
    } else if (body != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "body");
        parse_body(v, body, child, act == SP_MALFORMED, step);
    }

    item = step_item(v, obj, path, "bytes", act);
    esomock__vet_path_key(child, sizeof(child), path, "bytes");
    if (item != NULL) {
        double bytes = 0;
        if (esomock__vet_number(v, item, child, &range_bytes, &bytes))
            step->truncate_bytes = (size_t)bytes;
    } else if (act == SP_TRUNCATE) {
        esomock__vet_missing(v, child, "an integer >= 0 (the body bytes to send before the end)");
    }

    item = step_item(v, obj, path, "end", act);
    if (item != NULL) {
        static const char *const ends[] = {"close", "reset"};
        size_t i = 0;
        esomock__vet_path_key(child, sizeof(child), path, "end");
        if (esomock__vet_enum(v, item, child, ends, 2, &i))
            step->truncate_end = i == 0 ? ESOMOCK_END_CLOSE : ESOMOCK_END_RESET;
    }

    item = step_item(v, obj, path, "interval_ms", act);
    esomock__vet_path_key(child, sizeof(child), path, "interval_ms");
    if (item != NULL)
        esomock__vet_number(v, item, child, &esomock__range_ms_positive, &step->interval_ms);
    else if (act == SP_DRIP || act == SP_SLOW_READ)
        esomock__vet_missing(v, child, "a number > 0 (ms between chunks)");

    step->chunk_bytes = act == SP_SLOW_READ ? 1024 : act == SP_DRIP ? 1 : 0;
    item = step_item(v, obj, path, "chunk_bytes", act);
    if (item != NULL) {
        double chunk = 0;
        esomock__vet_path_key(child, sizeof(child), path, "chunk_bytes");
        if (esomock__vet_number(v, item, child, &range_chunk, &chunk))
            step->chunk_bytes = (size_t)chunk;
    }

    item = step_item(v, obj, path, "max_ms", act);
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "max_ms");
        esomock__vet_number(v, item, child, &esomock__range_ms_positive, &step->hang_max_ms);
    }

    /* A date a static file cannot hold: computed when the answer is sent (faults.c). */
    item = step_item(v, obj, path, "retry_after_date_s", act);
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "retry_after_date_s");
        const cJSON *headers = esomock__vet_get(obj, "headers");
        bool given = false;
        for (const cJSON *h = cJSON_IsObject(headers) ? headers->child : NULL; h != NULL && !given;
             h = h->next)
            given = strcasecmp(h->string, "Retry-After") == 0;
        if (given)
            esomock__vet_error(v, child,
                               "give headers.Retry-After or retry_after_date_s, not both");
        else if (esomock__vet_number(v, item, child, &range_date_s, &step->retry_after_date_s))
            step->retry_after_date = true;
    }
}
