/*
 * Scenario files: parsing and validation. One pass over the cJSON tree fills the
 * scenario and collects every problem with its JSON path, so a user fixes a file
 * in one edit instead of one error per run. Nothing here trusts the input: every
 * number is range-checked before it is converted, every count is checked before
 * anything is allocated for it, and every string that reaches a message is cut
 * and escaped.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_private.h"
#include "expect_check_private.h"
#include "fixtures_private.h"
#include "scenario_private.h"

#define PATH_SIZE sizeof(((struct esomock_scenario_error *)0)->path)

/* Quoted values in messages are cut to this many bytes, so one long string cannot crowd out the
 * rest. */
#define QUOTE_MAX 48
#define NAME_MAX_LEN 64
#define RULE_NAME_MAX_LEN 128
#define FIXTURE_NAME_MAX_LEN 255
#define MATCH_PATH_MAX_LEN 1024
#define HEADER_NAME_MAX_LEN 128
#define HEADER_VALUE_MAX_LEN 4096
/* Two to the 53rd: the largest integer a JSON number (a double) holds exactly. */
#define MAX_EXACT_INTEGER 9007199254740992.0

struct parser {
    struct esomock_scenario_errors *errors;
    bool oom;
};

/* ---- errors ----------------------------------------------------------------------------- */

static void add_error(struct parser *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_error(struct parser *p, const char *path, const char *fmt, ...)
{
    struct esomock_scenario_errors *errors = p->errors;
    errors->total++;
    if (errors->count >= ESOMOCK_SCENARIO_MAX_ERRORS)
        return;
    struct esomock_scenario_error *e = &errors->items[errors->count++];
    snprintf(e->path, sizeof(e->path), "%s", path != NULL ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
}

static char *dup_string(struct parser *p, const char *s)
{
    char *copy = strdup(s);
    if (copy == NULL)
        p->oom = true;
    return copy;
}

/*
 * Copy at most QUOTE_MAX bytes of @p s into @p buf with quotes around, escaping what
 * would garble a terminal; a UTF-8 sequence is never cut in half.
 */
static void quote(const char *s, char *buf, size_t size)
{
    size_t o = 0, i = 0;
    if (size < 8) {
        if (size > 0)
            buf[0] = '\0';
        return;
    }
    buf[o++] = '"';
    for (; s[i] != '\0' && i < QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        /* Leave room for a \u escape, the closing quote, "..." and the NUL. */
        if (o + 11 > size)
            break;
        if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
        } else if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else {
            buf[o++] = (char)c;
        }
    }
    if (s[i] != '\0') {
        /* Back off to the start of a UTF-8 sequence before marking the cut. */
        while (o > 1 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
            o--;
        if (o > 1 && ((unsigned char)buf[o - 1] & 0xc0) == 0xc0)
            o--;
        buf[o++] = '.';
        buf[o++] = '.';
        buf[o++] = '.';
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

void esomock__format_number(double v, char *buf, size_t size)
{
    /* Below 1e21 %.0f prints an integral double's every digit; past it, exponents read better. */
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

/* What a value is, for "got ..." in messages. */
static void describe(const cJSON *item, char *buf, size_t size)
{
    if (item == NULL)
        snprintf(buf, size, "nothing");
    else if (cJSON_IsString(item))
        quote(item->valuestring, buf, size);
    else if (cJSON_IsNumber(item))
        esomock__format_number(item->valuedouble, buf, size);
    else if (cJSON_IsTrue(item))
        snprintf(buf, size, "true");
    else if (cJSON_IsFalse(item))
        snprintf(buf, size, "false");
    else if (cJSON_IsNull(item))
        snprintf(buf, size, "null");
    else if (cJSON_IsArray(item))
        snprintf(buf, size, "an array");
    else if (cJSON_IsObject(item))
        snprintf(buf, size, "an object");
    else
        snprintf(buf, size, "an unknown value");
}

static void expected(struct parser *p, const char *path, const char *what, const cJSON *got)
{
    char found[QUOTE_MAX + 16];
    describe(got, found, sizeof(found));
    add_error(p, path, "expected %s; got %s", what, found);
}

/* As expected(), but a secret's value (an Authorization header...) is not repeated. */
static void expected_secret(struct parser *p, const char *path, const char *key, const char *what,
                            const cJSON *got)
{
    if (cJSON_IsString(got) && esomock__is_secret_key(key))
        add_error(p, path, "expected %s; got a string (not shown: it may be a secret)", what);
    else
        expected(p, path, what, got);
}

static void missing(struct parser *p, const char *path, const char *what)
{
    add_error(p, path, "missing; expected %s", what);
}

/* ---- paths ------------------------------------------------------------------------------ */

static bool is_plain_key(const char *key)
{
    if (key[0] == '\0')
        return false;
    for (const char *c = key; *c != '\0'; c++) {
        unsigned char u = (unsigned char)*c;
        if (!((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
              u == '_' || u == '-' || u == '$'))
            return false;
    }
    return true;
}

/* Paths are cut to fit the error record; a cut one ends in "..." so nobody mistakes it. */
static void mark_cut(char *buf, size_t size, int written)
{
    if (written >= 0 && (size_t)written < size)
        return;
    if (size >= 4)
        memcpy(buf + size - 4, "...", 4);
}

/* parent.key, or key at the top level; keys that are not plain words go in ["..."]. */
static void path_key(char *buf, size_t size, const char *parent, const char *key)
{
    int n;
    if (is_plain_key(key)) {
        n = snprintf(buf, size, "%s%s%s", parent, parent[0] != '\0' ? "." : "", key);
    } else {
        char quoted[QUOTE_MAX + 16];
        quote(key, quoted, sizeof(quoted));
        n = snprintf(buf, size, "%s[%s]", parent, quoted);
    }
    mark_cut(buf, size, n);
}

static void path_index(char *buf, size_t size, const char *parent, size_t index)
{
    mark_cut(buf, size, snprintf(buf, size, "%s[%zu]", parent, index));
}

/* ---- suggestions ------------------------------------------------------------------------ */

#define EDIT_MAX 32

/*
 * Edit distance counting a swap of neighbours as one edit (optimal string alignment),
 * or SIZE_MAX for strings too long to be worth comparing.
 */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > EDIT_MAX || lb > EDIT_MAX)
        return SIZE_MAX;
    size_t before[EDIT_MAX + 1], prev[EDIT_MAX + 1], cur[EDIT_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    memcpy(before, prev, sizeof(before));
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t best = sub < del ? sub : del;
            best = best < ins ? best : ins;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            cur[j] = best;
        }
        memcpy(before, prev, sizeof(before));
        memcpy(prev, cur, sizeof(prev));
    }
    return prev[lb];
}

/*
 * The candidate close enough to @p word to be a likely typo of it, or NULL. A word that
 * begins a candidate ("until" for "until_ms") counts as close: the unit was left off.
 */
static const char *closest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word), best = SIZE_MAX;
    size_t limit = len <= 4 ? 1 : 2;
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, candidates[i]);
        if (len >= 3 && strncmp(candidates[i], word, len) == 0)
            d = 1;
        if (d <= limit && d < best) {
            best = d;
            found = candidates[i];
        }
    }
    return found;
}

/* "a, b, c" into @p buf. */
static void join_names(const char *const *names, size_t n, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%s", i > 0 ? ", " : "", names[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* ---- keys ------------------------------------------------------------------------------- */

static bool errors_full(const struct parser *p)
{
    return p->errors->count >= ESOMOCK_SCENARIO_MAX_ERRORS;
}

/*
 * Report unknown and repeated keys of @p obj; @p allowed lists the n <= 32 keys it may
 * have. Linear in the number of keys, so a hostile object with 100k of them stays cheap.
 */
static void check_keys(struct parser *p, const cJSON *obj, const char *path,
                       const char *const *allowed, size_t n)
{
    char child[PATH_SIZE];
    uint32_t seen = 0;
    for (const cJSON *item = obj->child; item != NULL; item = item->next) {
        size_t k = 0;
        while (k < n && strcmp(item->string, allowed[k]) != 0)
            k++;
        if (errors_full(p) && (k == n || (seen & (UINT32_C(1) << k)))) {
            /* Only counted: there is no room left to say more. */
            add_error(p, "", "%s", "");
            continue;
        }
        if (k == n) {
            char list[256];
            path_key(child, sizeof(child), path, item->string);
            join_names(allowed, n, list, sizeof(list));
            const char *guess = closest(item->string, allowed, n);
            if (guess != NULL)
                add_error(p, child, "unknown key; did you mean \"%s\"? (expected one of %s)", guess,
                          list);
            else
                add_error(p, child, "unknown key; expected one of %s", list);
            continue;
        }
        /* cJSON keeps both copies of a repeated key and lookups see only the first. */
        if (seen & (UINT32_C(1) << k)) {
            path_key(child, sizeof(child), path, item->string);
            add_error(p, child, "duplicate key; each key may appear once");
        }
        seen |= UINT32_C(1) << k;
    }
}

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* ---- numbers and strings ---------------------------------------------------------------- */

struct range {
    bool integer;
    double lo;
    bool lo_open; /* lo itself is not allowed */
    double hi;
    bool hi_in_text; /* hi belongs to the format and every message names it; else a safety cap */
};

static const struct range range_ms = {false, 0, false, ESOMOCK_SCENARIO_MAX_MS, false};
static const struct range range_ms_positive = {false, 0, true, ESOMOCK_SCENARIO_MAX_MS, false};
static const struct range range_seconds = {false, 0, false, ESOMOCK_SCENARIO_MAX_S, false};
static const struct range range_seconds_positive = {false, 0, true, ESOMOCK_SCENARIO_MAX_S, false};
static const struct range range_ttl = {true, 1, false, ESOMOCK_SCENARIO_MAX_S, false};
static const struct range range_probability = {false, 0, false, 1, true};
static const struct range range_time_scale = {false, 0, true, 1000, true};
/* Final statuses only: a 1xx is interim, and a client that gets one waits for the real answer. */
static const struct range range_status = {true, 200, false, 599, true};
static const struct range range_count = {true, 1, false, 4294967295.0, false};
static const struct range range_seed = {true, 0, false, MAX_EXACT_INTEGER, false};
static const struct range range_bytes = {true, 0, false, MAX_EXACT_INTEGER, false};
static const struct range range_chunk = {true, 1, false, MAX_EXACT_INTEGER, false};
static const struct range range_points = {false, 0, true, 1e15, false};
static const struct range range_cost = {false, 0, false, 1e15, false};
static const struct range range_sigma = {false, 0, false, 10, false};

static void range_text(const struct range *r, bool with_cap, char *buf, size_t size)
{
    const char *kind = r->integer ? "an integer" : "a number";
    char lo[32], hi[32];
    esomock__format_number(r->lo, lo, sizeof(lo));
    esomock__format_number(r->hi, hi, sizeof(hi));
    if (r->hi_in_text && !r->lo_open)
        snprintf(buf, size, "%s from %s to %s", kind, lo, hi);
    else if (r->hi_in_text || with_cap)
        snprintf(buf, size, "%s %s %s and <= %s", kind, r->lo_open ? ">" : ">=", lo, hi);
    else
        snprintf(buf, size, "%s %s %s", kind, r->lo_open ? ">" : ">=", lo);
}

/* Check @p item against @p r; on success store it in *out. */
static bool get_number(struct parser *p, const cJSON *item, const char *path, const struct range *r,
                       double *out)
{
    char what[96];
    if (!cJSON_IsNumber(item)) {
        range_text(r, false, what, sizeof(what));
        expected(p, path, what, item);
        return false;
    }
    double v = item->valuedouble;
    bool ok = isfinite(v) && (r->lo_open ? v > r->lo : v >= r->lo);
    if (ok && r->integer)
        ok = floor(v) == v;
    if (!ok) {
        range_text(r, false, what, sizeof(what));
        expected(p, path, what, item);
        return false;
    }
    if (v > r->hi) {
        range_text(r, true, what, sizeof(what));
        expected(p, path, what, item);
        return false;
    }
    *out = v;
    return true;
}

static bool get_bool(struct parser *p, const cJSON *item, const char *path, bool *out)
{
    if (!cJSON_IsBool(item)) {
        expected(p, path, "true or false", item);
        return false;
    }
    *out = cJSON_IsTrue(item);
    return true;
}

/* A string of 1..@p max_len bytes. */
static bool get_string(struct parser *p, const cJSON *item, const char *path, size_t max_len,
                       const char **out)
{
    char what[64];
    snprintf(what, sizeof(what), "a non-empty string of at most %zu bytes", max_len);
    if (!cJSON_IsString(item) || item->valuestring[0] == '\0' ||
        strlen(item->valuestring) > max_len) {
        expected(p, path, what, item);
        return false;
    }
    *out = item->valuestring;
    return true;
}

/* One of @p names; on success *out is its index. */
static bool get_enum(struct parser *p, const cJSON *item, const char *path,
                     const char *const *names, size_t n, size_t *out)
{
    if (cJSON_IsString(item)) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(item->valuestring, names[i]) == 0) {
                *out = i;
                return true;
            }
        }
    }
    char list[256], found[QUOTE_MAX + 16];
    join_names(names, n, list, sizeof(list));
    describe(item, found, sizeof(found));
    const char *guess = cJSON_IsString(item) ? closest(item->valuestring, names, n) : NULL;
    if (guess != NULL)
        add_error(p, path, "expected one of %s; got %s (did you mean \"%s\"?)", list, found, guess);
    else
        add_error(p, path, "expected one of %s; got %s", list, found);
    return false;
}

/* A GraphQL name: [_A-Za-z][_0-9A-Za-z]*. */
static bool is_graphql_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (s++; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    }
    return true;
}

/* An HTTP header name (RFC 9110 token). */
static bool is_header_name(const char *s)
{
    if (*s == '\0' || strlen(s) > HEADER_NAME_MAX_LEN)
        return false;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
        if (!ok)
            return false;
    }
    return true;
}

/* A header value the server can send as is: no line breaks, no control characters but tab. */
static bool is_header_value(const char *s)
{
    if (strlen(s) > HEADER_VALUE_MAX_LEN)
        return false;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

/* ---- delays ----------------------------------------------------------------------------- */

static const char *const delay_kinds[] = {"fixed_ms", "uniform_ms", "lognormal", "ramp"};
static const char *const lognormal_keys[] = {"median_ms", "sigma"};
static const char *const ramp_keys[] = {"from_ms", "to_ms", "start_ms", "end_ms"};

static void parse_lognormal(struct parser *p, const cJSON *obj, const char *path,
                            struct esomock_delay *d)
{
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object {\"median_ms\": ..., \"sigma\": ...}", obj);
        return;
    }
    check_keys(p, obj, path, lognormal_keys, 2);
    bool ok = true;
    path_key(child, sizeof(child), path, "median_ms");
    const cJSON *median = get(obj, "median_ms");
    if (median == NULL) {
        missing(p, child, "a number > 0 (the median delay in ms)");
        ok = false;
    } else {
        ok = get_number(p, median, child, &range_ms_positive, &d->median_ms) && ok;
    }
    path_key(child, sizeof(child), path, "sigma");
    const cJSON *sigma = get(obj, "sigma");
    if (sigma == NULL) {
        missing(p, child, "a number >= 0 (the spread of the logarithm)");
        ok = false;
    } else {
        ok = get_number(p, sigma, child, &range_sigma, &d->sigma) && ok;
    }
    if (ok)
        d->kind = ESOMOCK_DELAY_LOGNORMAL;
}

static void parse_ramp(struct parser *p, const cJSON *obj, const char *path,
                       struct esomock_delay *d)
{
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object {\"from_ms\", \"to_ms\", \"start_ms\", \"end_ms\"}", obj);
        return;
    }
    check_keys(p, obj, path, ramp_keys, 4);
    bool ok = true;
    const cJSON *item = get(obj, "from_ms");
    path_key(child, sizeof(child), path, "from_ms");
    if (item != NULL)
        ok = get_number(p, item, child, &range_ms, &d->from_ms) && ok;
    item = get(obj, "to_ms");
    path_key(child, sizeof(child), path, "to_ms");
    if (item == NULL) {
        missing(p, child, "a number >= 0 (the delay at end_ms)");
        ok = false;
    } else {
        ok = get_number(p, item, child, &range_ms, &d->to_ms) && ok;
    }
    bool start_ok = true;
    item = get(obj, "start_ms");
    path_key(child, sizeof(child), path, "start_ms");
    if (item != NULL)
        start_ok = get_number(p, item, child, &range_ms, &d->ramp_start_ms);
    ok = ok && start_ok;
    item = get(obj, "end_ms");
    path_key(child, sizeof(child), path, "end_ms");
    if (item == NULL) {
        missing(p, child, "a number > start_ms (when the ramp reaches to_ms)");
        ok = false;
    } else if (get_number(p, item, child, &range_ms, &d->ramp_end_ms)) {
        if (start_ok && d->ramp_end_ms <= d->ramp_start_ms) {
            char what[64];
            char number[32];
            esomock__format_number(d->ramp_start_ms, number, sizeof(number));
            snprintf(what, sizeof(what), "a number > start_ms (%s)", number);
            expected(p, child, what, item);
            ok = false;
        }
    } else {
        ok = false;
    }
    if (ok)
        d->kind = ESOMOCK_DELAY_RAMP;
}

static void parse_uniform(struct parser *p, const cJSON *arr, const char *path,
                          struct esomock_delay *d)
{
    char child[PATH_SIZE];
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != 2) {
        expected(p, path, "an array [min_ms, max_ms]", arr);
        return;
    }
    path_index(child, sizeof(child), path, 0);
    bool ok = get_number(p, arr->child, child, &range_ms, &d->min_ms);
    path_index(child, sizeof(child), path, 1);
    if (!get_number(p, arr->child->next, child, &range_ms, &d->max_ms))
        return;
    if (ok && d->max_ms < d->min_ms) {
        char what[64];
        char number[32];
        esomock__format_number(d->min_ms, number, sizeof(number));
        snprintf(what, sizeof(what), "a number >= min_ms (%s)", number);
        expected(p, child, what, arr->child->next);
        return;
    }
    if (ok)
        d->kind = ESOMOCK_DELAY_UNIFORM;
}

static void parse_delay(struct parser *p, const cJSON *obj, const char *path,
                        struct esomock_delay *d)
{
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object with one of fixed_ms, uniform_ms, lognormal, ramp", obj);
        return;
    }
    check_keys(p, obj, path, delay_kinds, 4);
    const cJSON *given[4];
    size_t count = 0;
    for (size_t i = 0; i < 4; i++) {
        given[i] = get(obj, delay_kinds[i]);
        count += given[i] != NULL;
    }
    if (count == 0) {
        add_error(p, path, "expected exactly one of fixed_ms, uniform_ms, lognormal, ramp; got %s",
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
        join_names(names, n, list, sizeof(list));
        add_error(p, path, "expected exactly one of fixed_ms, uniform_ms, lognormal, ramp; got %s",
                  list);
        return;
    }
    if (given[0] != NULL) {
        path_key(child, sizeof(child), path, "fixed_ms");
        if (get_number(p, given[0], child, &range_ms, &d->ms))
            d->kind = ESOMOCK_DELAY_FIXED;
    } else if (given[1] != NULL) {
        path_key(child, sizeof(child), path, "uniform_ms");
        parse_uniform(p, given[1], child, d);
    } else if (given[2] != NULL) {
        path_key(child, sizeof(child), path, "lognormal");
        parse_lognormal(p, given[2], child, d);
    } else {
        path_key(child, sizeof(child), path, "ramp");
        parse_ramp(p, given[3], child, d);
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
    "action",     "times",       "repeat",      "probability", "delay_ms", "delay",
    "connection", "status",      "headers",     "fixture",     "body",     "bytes",
    "end",        "interval_ms", "chunk_bytes", "max_ms",
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
static const cJSON *step_item(struct parser *p, const cJSON *obj, const char *path, const char *key,
                              int act)
{
    const cJSON *item = get(obj, key);
    if (item == NULL || act < 0)
        return item;
    unsigned mask = key_actions(key);
    if (mask & BIT(act))
        return item;
    char child[PATH_SIZE], list[160];
    const char *names[SP_COUNT];
    size_t n = 0;
    for (size_t i = 0; i < SP_COUNT; i++) {
        if (mask & BIT(i))
            names[n++] = spelled_names[i];
    }
    join_names(names, n, list, sizeof(list));
    path_key(child, sizeof(child), path, key);
    /* For a key that fits nearly every action, naming the exceptions is shorter. */
    if (n + 2 >= SP_COUNT)
        add_error(p, child, "\"%s\" does not apply to %s", key, spelled_names[act]);
    else
        add_error(p, child, "\"%s\" applies only to %s; this step's action is %s", key, list,
                  spelled_names[act]);
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

static void parse_response_headers(struct parser *p, const cJSON *obj, const char *path,
                                   struct esomock_step *step)
{
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object of header name -> string", obj);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(obj);
    if (n > ESOMOCK_SCENARIO_MAX_HEADERS) {
        add_error(p, path, "expected at most %u headers; got %zu", ESOMOCK_SCENARIO_MAX_HEADERS, n);
        return;
    }
    bool ok = true;
    for (const cJSON *h = obj->child; h != NULL; h = h->next) {
        path_key(child, sizeof(child), path, h->string);
        if (!is_header_name(h->string)) {
            add_error(p, child, "expected a header name (letters, digits and !#$%%&'*+-.^_`|~)");
            ok = false;
            continue;
        }
        const char *hint = reserved_header_hint(h->string);
        if (hint != NULL) {
            add_error(p, child, "not allowed: %s", hint);
            ok = false;
            continue;
        }
        for (const cJSON *before = obj->child; before != h; before = before->next) {
            if (strcasecmp(before->string, h->string) == 0) {
                add_error(p, child, "duplicate header (names are case-insensitive)");
                ok = false;
                break;
            }
        }
        if (!cJSON_IsString(h) || !is_header_value(h->valuestring)) {
            expected_secret(p, child, h->string,
                            "a string without line breaks or control characters", h);
            ok = false;
        }
    }
    if (!ok)
        return;
    step->headers = cJSON_Duplicate(obj, 1);
    if (step->headers == NULL)
        p->oom = true;
}

/* The body of respond/truncate/drip/malformed: JSON is serialised, a string is sent as is. */
static void parse_body(struct parser *p, const cJSON *item, const char *path, bool string_only,
                       struct esomock_step *step)
{
    if (cJSON_IsString(item)) {
        step->body = dup_string(p, item->valuestring);
        if (step->body != NULL)
            step->body_len = strlen(step->body);
        return;
    }
    if (string_only || !(cJSON_IsObject(item) || cJSON_IsArray(item))) {
        expected(p, path,
                 string_only ? "a string (the broken text to send)"
                             : "an object or array (sent as JSON) or a string (sent as is)",
                 item);
        return;
    }
    step->body = cJSON_PrintUnformatted(item);
    if (step->body == NULL) {
        p->oom = true;
        return;
    }
    step->body_len = strlen(step->body);
}

/* times and repeat: the last step repeats unless it says "repeat": false. */
static void parse_times(struct parser *p, const cJSON *obj, const char *path, bool last,
                        size_t index, size_t count, struct esomock_step *step)
{
    char child[PATH_SIZE];
    const cJSON *repeat = get(obj, "repeat");
    bool repeats = last, repeat_ok = true;
    path_key(child, sizeof(child), path, "repeat");
    if (repeat != NULL && !last) {
        add_error(p, child,
                  "\"repeat\" applies only to the last step of a script; this is step %zu of %zu",
                  index + 1, count);
        repeat_ok = false;
    } else if (repeat != NULL) {
        repeat_ok = get_bool(p, repeat, child, &repeats);
        if (!repeat_ok)
            repeats = true;
    }
    step->repeat = last && repeats;

    const cJSON *times = get(obj, "times");
    if (times == NULL) {
        step->times = step->repeat ? 0 : 1;
        return;
    }
    path_key(child, sizeof(child), path, "times");
    double t = 0;
    if (!get_number(p, times, child, &range_count, &t))
        return;
    if (step->repeat && repeat_ok) {
        add_error(p, child,
                  "\"times\" has no effect on the last step, which repeats for every later request "
                  "unless it says \"repeat\": false; add \"repeat\": false to stop after %.0f",
                  t);
        return;
    }
    step->times = (unsigned)t;
}

static void parse_step(struct parser *p, const cJSON *obj, const char *path, size_t index,
                       size_t count, struct esomock_step *step)
{
    char child[PATH_SIZE];
    bool last = index + 1 == count;
    step->times = 1;
    step->probability = 1.0;
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object (a step with an \"action\")", obj);
        return;
    }
    check_keys(p, obj, path, step_key_names, STEP_KEY_COUNT);

    int act = -1;
    const cJSON *action = get(obj, "action");
    path_key(child, sizeof(child), path, "action");
    if (action == NULL) {
        char list[160];
        join_names(spelled_names, SP_COUNT, list, sizeof(list));
        char what[200];
        snprintf(what, sizeof(what), "one of %s", list);
        missing(p, child, what);
    } else {
        size_t i = 0;
        if (get_enum(p, action, child, spelled_names, SP_COUNT, &i)) {
            act = (int)i;
            step->action = spelled_actions[i];
        }
    }

    parse_times(p, obj, path, last, index, count, step);

    const cJSON *item = step_item(p, obj, path, "probability", act);
    path_key(child, sizeof(child), path, "probability");
    if (item != NULL)
        get_number(p, item, child, &range_probability, &step->probability);

    const cJSON *delay_ms = step_item(p, obj, path, "delay_ms", act);
    const cJSON *delay = step_item(p, obj, path, "delay", act);
    if (delay_ms != NULL && delay != NULL) {
        path_key(child, sizeof(child), path, "delay");
        add_error(p, child, "give delay_ms or delay, not both");
    } else if (delay_ms != NULL) {
        path_key(child, sizeof(child), path, "delay_ms");
        if (get_number(p, delay_ms, child, &range_ms, &step->delay.ms))
            step->delay.kind = ESOMOCK_DELAY_FIXED;
    } else if (delay != NULL) {
        path_key(child, sizeof(child), path, "delay");
        parse_delay(p, delay, child, &step->delay);
    } else if (act == SP_DELAY) {
        add_error(p, path, "action delay needs delay_ms or delay");
    }

    item = step_item(p, obj, path, "connection", act);
    if (item != NULL) {
        static const char *const values[] = {"close"};
        size_t i = 0;
        path_key(child, sizeof(child), path, "connection");
        if (get_enum(p, item, child, values, 1, &i))
            step->close_connection = true;
    }

    item = step_item(p, obj, path, "status", act);
    path_key(child, sizeof(child), path, "status");
    if (item != NULL) {
        double status = 0;
        if (get_number(p, item, child, &range_status, &status))
            step->status = (int)status;
    } else if (act == SP_RESPOND && get(obj, "status") == NULL) {
        missing(p, child, "an integer HTTP status from 200 to 599 (respond needs one)");
    }

    item = step_item(p, obj, path, "headers", act);
    if (item != NULL) {
        path_key(child, sizeof(child), path, "headers");
        parse_response_headers(p, item, child, step);
    }

    const cJSON *fixture = step_item(p, obj, path, "fixture", act);
    const cJSON *body = step_item(p, obj, path, "body", act);
    if (fixture != NULL && body != NULL) {
        path_key(child, sizeof(child), path, "body");
        add_error(p, child, "give fixture or body, not both");
    } else if (fixture != NULL) {
        const char *name = NULL;
        path_key(child, sizeof(child), path, "fixture");
        if (get_string(p, fixture, child, FIXTURE_NAME_MAX_LEN, &name)) {
            if (strchr(name, '/') != NULL)
                expected(p, child, "a fixture name (a file stem in the fixture directory)",
                         fixture);
            else
                step->fixture = dup_string(p, name);
        }
    } else if (body != NULL) {
        path_key(child, sizeof(child), path, "body");
        parse_body(p, body, child, act == SP_MALFORMED, step);
    }

    item = step_item(p, obj, path, "bytes", act);
    path_key(child, sizeof(child), path, "bytes");
    if (item != NULL) {
        double bytes = 0;
        if (get_number(p, item, child, &range_bytes, &bytes))
            step->truncate_bytes = (size_t)bytes;
    } else if (act == SP_TRUNCATE) {
        missing(p, child, "an integer >= 0 (the body bytes to send before the end)");
    }

    item = step_item(p, obj, path, "end", act);
    if (item != NULL) {
        static const char *const ends[] = {"close", "reset"};
        size_t i = 0;
        path_key(child, sizeof(child), path, "end");
        if (get_enum(p, item, child, ends, 2, &i))
            step->truncate_end = i == 0 ? ESOMOCK_END_CLOSE : ESOMOCK_END_RESET;
    }

    item = step_item(p, obj, path, "interval_ms", act);
    path_key(child, sizeof(child), path, "interval_ms");
    if (item != NULL)
        get_number(p, item, child, &range_ms_positive, &step->interval_ms);
    else if (act == SP_DRIP || act == SP_SLOW_READ)
        missing(p, child, "a number > 0 (ms between chunks)");

    step->chunk_bytes = act == SP_SLOW_READ ? 1024 : act == SP_DRIP ? 1 : 0;
    item = step_item(p, obj, path, "chunk_bytes", act);
    if (item != NULL) {
        double chunk = 0;
        path_key(child, sizeof(child), path, "chunk_bytes");
        if (get_number(p, item, child, &range_chunk, &chunk))
            step->chunk_bytes = (size_t)chunk;
    }

    item = step_item(p, obj, path, "max_ms", act);
    if (item != NULL) {
        path_key(child, sizeof(child), path, "max_ms");
        get_number(p, item, child, &range_ms_positive, &step->hang_max_ms);
    }
}

/* ---- rules ------------------------------------------------------------------------------ */

static const char *const rule_keys[] = {"name", "match", "window", "script"};
static const char *const match_keys[] = {"operation", "variables", "field",
                                         "arguments", "path",      "headers"};
static const char *const window_keys[] = {"from_ms", "until_ms"};

static void parse_match_headers(struct parser *p, const cJSON *obj, const char *path,
                                struct esomock_rule *rule)
{
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object of header name -> string (equal) or true (present)", obj);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(obj);
    if (n > ESOMOCK_SCENARIO_MAX_HEADERS) {
        add_error(p, path, "expected at most %u headers; got %zu", ESOMOCK_SCENARIO_MAX_HEADERS, n);
        return;
    }
    if (n == 0)
        return;
    rule->headers = calloc(n, sizeof(*rule->headers));
    if (rule->headers == NULL) {
        p->oom = true;
        return;
    }
    for (const cJSON *h = obj->child; h != NULL; h = h->next) {
        path_key(child, sizeof(child), path, h->string);
        if (!is_header_name(h->string)) {
            add_error(p, child, "expected a header name (letters, digits and !#$%%&'*+-.^_`|~)");
            continue;
        }
        bool dup = false;
        for (const cJSON *before = obj->child; before != h && !dup; before = before->next)
            dup = strcasecmp(before->string, h->string) == 0;
        if (dup) {
            add_error(p, child, "duplicate header (names are case-insensitive)");
            continue;
        }
        if (!(cJSON_IsTrue(h) || (cJSON_IsString(h) && is_header_value(h->valuestring)))) {
            expected_secret(p, child, h->string,
                            "a string (the value must equal it) or true (present)", h);
            continue;
        }
        struct esomock_header_match *m = &rule->headers[rule->header_count++];
        m->name = dup_string(p, h->string);
        if (cJSON_IsString(h))
            m->value = dup_string(p, h->valuestring);
    }
}

/* "field" (a root field or a field of one, from the schema) and its "arguments". */
static void parse_match_field(struct parser *p, const cJSON *obj, const char *path,
                              struct esomock_rule *rule)
{
    char child[PATH_SIZE];
    const cJSON *field = get(obj, "field");
    const cJSON *args = get(obj, "arguments");
    const struct gql_field *def = NULL;
    if (field != NULL) {
        path_key(child, sizeof(child), path, "field");
        char err[ESOMOCK_ERROR_SIZE] = "";
        const struct gql_schema *schema = esomock__api_schema(err);
        char why[512];
        if (!cJSON_IsString(field) || field->valuestring[0] == '\0' ||
            strlen(field->valuestring) > 255) {
            expected(p, child,
                     "a field path: a root field (\"rateLimitData\") or a field of one "
                     "(\"guildData.guild\")",
                     field);
        } else if (schema == NULL) {
            add_error(p, child, "cannot check the field: %s", err);
        } else if ((def = esomock__api_field_path(schema, field->valuestring, why, sizeof(why))) ==
                   NULL) {
            add_error(p, child, "%s", why);
        } else {
            rule->field = dup_string(p, field->valuestring);
        }
    }
    if (args == NULL)
        return;
    path_key(child, sizeof(child), path, "arguments");
    if (field == NULL) {
        add_error(p, child,
                  "\"arguments\" applies only with \"field\" (the field they are "
                  "arguments of)");
    } else if (!cJSON_IsObject(args)) {
        expected(p, child, "an object (arguments the field must be fetched with)", args);
    } else if (def != NULL) {
        char why[512];
        if (!esomock__api_field_arguments(def, args, why, sizeof(why))) {
            add_error(p, child, "%s", why);
        } else {
            rule->arguments = cJSON_Duplicate(args, 1);
            if (rule->arguments == NULL)
                p->oom = true;
        }
    }
}

static void parse_match(struct parser *p, const cJSON *obj, const char *path,
                        struct esomock_rule *rule)
{
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object with operation, variables, field, arguments, path or headers",
                 obj);
        return;
    }
    check_keys(p, obj, path, match_keys, 6);

    const cJSON *item = get(obj, "operation");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "operation");
        if (!cJSON_IsString(item) ||
            (strcmp(item->valuestring, "*") != 0 &&
             (!is_graphql_name(item->valuestring) || strlen(item->valuestring) > 128))) {
            expected(p, child, "an operation name ([_A-Za-z][_0-9A-Za-z]*) or \"*\"", item);
        } else if (strcmp(item->valuestring, "*") == 0) {
            rule->any_operation = true;
        } else if (!esomock__api_is_operation(item->valuestring)) {
            /* A typo would silently never match: the API's 39 operations only (a client
             * with names of its own matches on "field"). */
            char hint[256];
            esomock__api_operation_hint(item->valuestring, hint, sizeof(hint));
            add_error(p, child,
                      "unknown operation \"%s\": not one of the ESO Logs API's 39 operations "
                      "(match a client's own operation names with \"field\").%s",
                      item->valuestring, hint);
        } else {
            rule->operation = dup_string(p, item->valuestring);
        }
    }

    parse_match_field(p, obj, path, rule);

    item = get(obj, "variables");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "variables");
        if (!cJSON_IsObject(item)) {
            expected(p, child, "an object (variables the request must contain)", item);
        } else {
            rule->variables = cJSON_Duplicate(item, 1);
            if (rule->variables == NULL)
                p->oom = true;
        }
    }

    item = get(obj, "path");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "path");
        const char *s = NULL;
        if (!cJSON_IsString(item) || item->valuestring[0] != '/' ||
            strlen(item->valuestring) > MATCH_PATH_MAX_LEN || !is_header_value(item->valuestring))
            expected(p, child, "a URL path starting with \"/\"", item);
        else
            s = item->valuestring;
        if (s != NULL)
            rule->path = dup_string(p, s);
    }

    item = get(obj, "headers");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "headers");
        parse_match_headers(p, item, child, rule);
    }
}

static void parse_window(struct parser *p, const cJSON *obj, const char *path,
                         struct esomock_rule *rule)
{
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object with from_ms and/or until_ms", obj);
        return;
    }
    check_keys(p, obj, path, window_keys, 2);
    bool from_ok = true;
    const cJSON *item = get(obj, "from_ms");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "from_ms");
        from_ok = get_number(p, item, child, &range_ms, &rule->window_from_ms);
    }
    item = get(obj, "until_ms");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "until_ms");
        double until = 0;
        if (!get_number(p, item, child, &range_ms, &until))
            return;
        if (from_ok && until <= rule->window_from_ms) {
            char what[64];
            char number[32];
            esomock__format_number(rule->window_from_ms, number, sizeof(number));
            snprintf(what, sizeof(what), "a number > from_ms (%s)", number);
            expected(p, child, what, item);
            return;
        }
        rule->window_until_ms = until;
    }
}

static void parse_rule(struct parser *p, const cJSON *obj, size_t index, struct esomock_rule *rule)
{
    char path[PATH_SIZE], child[PATH_SIZE];
    path_index(path, sizeof(path), "rules", index);
    rule->window_until_ms = -1;
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object (a rule with a \"script\")", obj);
        return;
    }
    check_keys(p, obj, path, rule_keys, 4);

    const cJSON *item = get(obj, "name");
    const char *name = NULL;
    if (item != NULL) {
        path_key(child, sizeof(child), path, "name");
        get_string(p, item, child, RULE_NAME_MAX_LEN, &name);
    }
    rule->name = dup_string(p, name != NULL ? name : path);

    const cJSON *match = get(obj, "match");
    if (match != NULL) {
        path_key(child, sizeof(child), path, "match");
        parse_match(p, match, child, rule);
    }

    item = get(obj, "window");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "window");
        parse_window(p, item, child, rule);
    }

    const cJSON *script = get(obj, "script");
    path_key(child, sizeof(child), path, "script");
    if (script == NULL) {
        missing(p, child, "an array of steps");
        return;
    }
    if (!cJSON_IsArray(script) || script->child == NULL) {
        expected(p, child, "a non-empty array of steps", script);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(script);
    if (n > ESOMOCK_SCENARIO_MAX_STEPS) {
        add_error(p, child, "expected at most %u steps; got %zu", ESOMOCK_SCENARIO_MAX_STEPS, n);
        return;
    }
    rule->steps = calloc(n, sizeof(*rule->steps));
    if (rule->steps == NULL) {
        p->oom = true;
        return;
    }
    rule->step_count = n;
    size_t i = 0;
    size_t slow_read_step = SIZE_MAX;
    for (const cJSON *s = script->child; s != NULL; s = s->next, i++) {
        char step_path[PATH_SIZE];
        path_index(step_path, sizeof(step_path), child, i);
        parse_step(p, s, step_path, i, n, &rule->steps[i]);
        const cJSON *action = cJSON_IsObject(s) ? get(s, "action") : NULL;
        if (slow_read_step == SIZE_MAX && cJSON_IsString(action) &&
            strcmp(action->valuestring, "slow_read") == 0)
            slow_read_step = i;
    }

    /* slow_read acts before the body is read, so the rule must be chosen without it. */
    if (slow_read_step != SIZE_MAX && cJSON_IsObject(match)) {
        const cJSON *op = get(match, "operation");
        bool on_operation =
            op != NULL && !(cJSON_IsString(op) && strcmp(op->valuestring, "*") == 0);
        if (on_operation || get(match, "variables") != NULL || get(match, "field") != NULL ||
            get(match, "arguments") != NULL) {
            path_key(child, sizeof(child), path, "match");
            add_error(p, child,
                      "a rule with a slow_read step (script[%zu]) cannot match on operation, "
                      "variables, field or arguments: the request body is not read yet when the "
                      "rule is chosen; match on path or headers",
                      slow_read_step);
        }
    }
}

static void check_rule_names(struct parser *p, const struct esomock_scenario *sc)
{
    char path[PATH_SIZE];
    for (size_t j = 1; j < sc->rule_count; j++) {
        if (sc->rules[j].name == NULL)
            continue;
        for (size_t i = 0; i < j; i++) {
            if (sc->rules[i].name != NULL && strcmp(sc->rules[i].name, sc->rules[j].name) == 0) {
                snprintf(path, sizeof(path), "rules[%zu].name", j);
                add_error(p, path, "duplicate rule name; rules[%zu] is also called that", i);
                break;
            }
        }
    }
}

/* ---- settings --------------------------------------------------------------------------- */

static const char *const settings_keys[] = {
    "time_scale", "strict_auth", "token_ttl_s", "hang_max_ms", "max_requests_per_connection",
    "rate_limit"};
static const char *const rate_limit_keys[] = {"points_per_hour", "period_s",    "default_cost",
                                              "costs",           "retry_after", "enforce"};

static void parse_rate_limit(struct parser *p, const cJSON *obj, const char *path,
                             struct esomock_rate_limit *rl)
{
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object (the points budget)", obj);
        return;
    }
    check_keys(p, obj, path, rate_limit_keys, 6);
    rl->enabled = true;

    const cJSON *item = get(obj, "points_per_hour");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "points_per_hour");
        get_number(p, item, child, &range_points, &rl->points_per_hour);
    }
    item = get(obj, "period_s");
    if (item != NULL) {
        double s = 0;
        path_key(child, sizeof(child), path, "period_s");
        if (get_number(p, item, child, &range_seconds_positive, &s))
            rl->period_ms = s * 1000.0;
    }
    item = get(obj, "default_cost");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "default_cost");
        get_number(p, item, child, &range_cost, &rl->default_cost);
    }
    item = get(obj, "costs");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "costs");
        if (!cJSON_IsObject(item)) {
            expected(p, child, "an object of operation name -> points", item);
        } else {
            bool ok = true;
            for (const cJSON *c = item->child; c != NULL; c = c->next) {
                char cost_path[PATH_SIZE];
                double cost = 0;
                path_key(cost_path, sizeof(cost_path), child, c->string);
                if (!is_graphql_name(c->string)) {
                    add_error(p, cost_path, "expected an operation name as the key");
                    ok = false;
                    continue;
                }
                if (!esomock__api_is_operation(c->string)) {
                    char hint[256];
                    esomock__api_operation_hint(c->string, hint, sizeof(hint));
                    add_error(p, cost_path,
                              "unknown operation \"%s\": not one of the ESO Logs API's 39 "
                              "operations.%s",
                              c->string, hint);
                    ok = false;
                    continue;
                }
                ok = get_number(p, c, cost_path, &range_cost, &cost) && ok;
            }
            if (ok) {
                rl->costs = cJSON_Duplicate(item, 1);
                if (rl->costs == NULL)
                    p->oom = true;
            }
        }
    }
    item = get(obj, "retry_after");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "retry_after");
        if (cJSON_IsString(item) && strcmp(item->valuestring, "reset") == 0) {
            rl->retry_after = ESOMOCK_RETRY_AFTER_RESET;
        } else if (cJSON_IsString(item) && strcmp(item->valuestring, "none") == 0) {
            rl->retry_after = ESOMOCK_RETRY_AFTER_NONE;
        } else if (cJSON_IsNumber(item)) {
            if (get_number(p, item, child, &range_seconds, &rl->retry_after_s))
                rl->retry_after = ESOMOCK_RETRY_AFTER_FIXED;
        } else {
            expected(p, child, "\"reset\", \"none\" or a number of seconds >= 0", item);
        }
    }
    item = get(obj, "enforce");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "enforce");
        get_bool(p, item, child, &rl->enabled);
    }
}

static void parse_settings(struct parser *p, const cJSON *obj, struct esomock_settings *st)
{
    const char *path = "settings";
    char child[PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        expected(p, path, "an object", obj);
        return;
    }
    check_keys(p, obj, path, settings_keys, 6);

    const cJSON *item = get(obj, "time_scale");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "time_scale");
        get_number(p, item, child, &range_time_scale, &st->time_scale);
    }
    item = get(obj, "strict_auth");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "strict_auth");
        st->strict_auth_set = get_bool(p, item, child, &st->strict_auth);
    }
    item = get(obj, "token_ttl_s");
    if (item != NULL) {
        double ttl = 0;
        path_key(child, sizeof(child), path, "token_ttl_s");
        if (get_number(p, item, child, &range_ttl, &ttl))
            st->token_ttl_s = (unsigned)ttl;
    }
    item = get(obj, "hang_max_ms");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "hang_max_ms");
        get_number(p, item, child, &range_ms_positive, &st->hang_max_ms);
    }
    item = get(obj, "max_requests_per_connection");
    if (item != NULL) {
        double n = 0;
        path_key(child, sizeof(child), path, "max_requests_per_connection");
        if (get_number(p, item, child, &range_count, &n))
            st->max_requests_per_connection = (unsigned)n;
    }
    item = get(obj, "rate_limit");
    if (item != NULL) {
        path_key(child, sizeof(child), path, "rate_limit");
        parse_rate_limit(p, item, child, &st->rate_limit);
    }
}

/* ---- the scenario ----------------------------------------------------------------------- */

static const char *const root_keys[] = {"name",  "description", "seed",   "settings",
                                        "rules", "expect",      "$schema"};

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

static void parse_root(struct parser *p, const cJSON *root, struct esomock_scenario *sc)
{
    if (!cJSON_IsObject(root)) {
        expected(p, "", "an object (a scenario with \"name\" and \"rules\")", root);
        return;
    }
    check_keys(p, root, "", root_keys, 7);

    const cJSON *item = get(root, "name");
    if (item == NULL)
        missing(p, "name", "a name of 1-64 characters from a-z, 0-9, '.', '_', '-'");
    else if (!cJSON_IsString(item) || !is_scenario_name(item->valuestring))
        expected(p, "name", "1-64 characters from a-z, 0-9, '.', '_', '-'", item);
    else
        sc->name = dup_string(p, item->valuestring);

    item = get(root, "description");
    if (item != NULL) {
        if (!cJSON_IsString(item))
            expected(p, "description", "a string", item);
        else
            sc->description = dup_string(p, item->valuestring);
    }

    item = get(root, "seed");
    if (item != NULL) {
        double seed = 0;
        if (get_number(p, item, "seed", &range_seed, &seed)) {
            sc->seed = (uint64_t)seed;
            sc->has_seed = true;
        }
    }

    item = get(root, "$schema");
    if (item != NULL && !cJSON_IsString(item))
        expected(p, "$schema", "a string (the schema's location, for editors)", item);

    item = get(root, "settings");
    if (item != NULL)
        parse_settings(p, item, &sc->settings);

    item = get(root, "expect");
    if (item != NULL) {
        if (!cJSON_IsObject(item)) {
            expected(p, "expect", "an object", item);
        } else {
            esomock__expect_check(item, p->errors);
            sc->expect = cJSON_Duplicate(item, 1);
            if (sc->expect == NULL)
                p->oom = true;
        }
    }

    const cJSON *rules = get(root, "rules");
    if (rules == NULL) {
        missing(p, "rules", "an array of rules (may be empty)");
        return;
    }
    if (!cJSON_IsArray(rules)) {
        expected(p, "rules", "an array of rules", rules);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(rules);
    if (n > ESOMOCK_SCENARIO_MAX_RULES) {
        add_error(p, "rules", "expected at most %u rules; got %zu", ESOMOCK_SCENARIO_MAX_RULES, n);
        return;
    }
    if (n == 0)
        return;
    sc->rules = calloc(n, sizeof(*sc->rules));
    if (sc->rules == NULL) {
        p->oom = true;
        return;
    }
    sc->rule_count = n;
    size_t i = 0;
    for (const cJSON *r = rules->child; r != NULL && !p->oom; r = r->next, i++)
        parse_rule(p, r, i, &sc->rules[i]);
    check_rule_names(p, sc);
}

/* The first byte of @p s that is not part of a valid UTF-8 sequence, or NULL. */
static const char *invalid_utf8(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        size_t extra;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return s + i;
        }
        if (len - i <= extra)
            return s + i;
        for (size_t k = 1; k <= extra; k++) {
            if ((u[i + k] & 0xc0) != 0x80)
                return s + i;
            cp = (cp << 6) | (u[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return s + i;
        i += extra + 1;
    }
    return NULL;
}

static void settings_defaults(struct esomock_settings *st)
{
    st->hang_max_ms = 60000.0;
    st->rate_limit.enabled = false;
    st->rate_limit.points_per_hour = 18000.0;
    st->rate_limit.period_ms = 3600.0 * 1000.0;
    st->rate_limit.default_cost = 1.0;
    st->rate_limit.retry_after = ESOMOCK_RETRY_AFTER_RESET;
}

/* Report invalid JSON at @p at, with a glimpse of what is there when @p glimpse_it. */
static void json_error(struct parser *p, const char *text, size_t len, const char *at,
                       const char *why, bool glimpse_it)
{
    char where[64], near[QUOTE_MAX + 16];
    char glimpse[17];
    size_t n = 0;
    esomock__text_position(text, at, where, sizeof(where));
    for (const char *c = at; glimpse_it && c < text + len && n < sizeof(glimpse) - 1 && *c != '\n';
         c++)
        glimpse[n++] = *c;
    /* The glimpse may end inside a UTF-8 sequence; drop the partial character. */
    if (n == sizeof(glimpse) - 1) {
        while (n > 0 && ((unsigned char)glimpse[n - 1] & 0xc0) == 0x80)
            n--;
        if (n > 0 && ((unsigned char)glimpse[n - 1] & 0xc0) == 0xc0)
            n--;
    }
    glimpse[n] = '\0';
    if (n > 0) {
        quote(glimpse, near, sizeof(near));
        add_error(p, "", "invalid JSON at %s: %s near %s", where, why, near);
    } else {
        add_error(p, "", "invalid JSON at %s: %s", where, why);
    }
}

static bool only_whitespace(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            return false;
    }
    return true;
}

enum esomock_status esomock__scenario_parse(const char *text, size_t len, const char *source,
                                            struct esomock_scenario **out,
                                            struct esomock_scenario_errors *errors)
{
    return esomock__scenario_parse_with(text, len, source, NULL, out, errors);
}

enum esomock_status esomock__scenario_parse_with(const char *text, size_t len, const char *source,
                                                 const struct esomock_fixture_set *fixtures,
                                                 struct esomock_scenario **out,
                                                 struct esomock_scenario_errors *errors)
{
    enum esomock_status rc = ESOMOCK_OUT_OF_MEMORY;
    struct esomock_scenario_errors local;
    struct parser p = {.errors = errors != NULL ? errors : &local, .oom = false};
    struct esomock_scenario *sc = NULL;
    cJSON *root = NULL;

    p.errors->count = 0;
    p.errors->total = 0;
    if (text == NULL || out == NULL) {
        add_error(&p, "", "no scenario text given");
        return ESOMOCK_BAD_ARGUMENT;
    }
    if (len > ESOMOCK_SCENARIO_MAX_BYTES) {
        add_error(&p, "", "the scenario is %zu bytes, over the limit of %u", len,
                  ESOMOCK_SCENARIO_MAX_BYTES);
        return ESOMOCK_SCENARIO_INVALID;
    }
    sc = calloc(1, sizeof(*sc));
    if (sc == NULL)
        goto out;
    sc->source = strdup(source != NULL ? source : "<scenario>");
    /* A private, NUL-terminated copy: the caller's buffer need not outlive the call. */
    sc->text = malloc(len + 1);
    if (sc->source == NULL || sc->text == NULL)
        goto out;
    memcpy(sc->text, text, len);
    sc->text[len] = '\0';
    settings_defaults(&sc->settings);

    rc = ESOMOCK_SCENARIO_INVALID;
    const char *nul = memchr(sc->text, '\0', len);
    const char *bad = nul == NULL ? invalid_utf8(sc->text, len) : NULL;
    if (nul != NULL) {
        json_error(&p, sc->text, len, nul, "a NUL byte", false);
        goto out;
    }
    if (bad != NULL) {
        char why[48];
        snprintf(why, sizeof(why), "invalid UTF-8 (byte 0x%02x)", (unsigned)(unsigned char)*bad);
        json_error(&p, sc->text, len, bad, why, false);
        goto out;
    }
    if (only_whitespace(sc->text, len)) {
        add_error(&p, "", "invalid JSON: the text is empty");
        goto out;
    }
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(sc->text, len + 1, &end, 1);
    /* cJSON does not tell a syntax error from a failed allocation; both land here. */
    if (root == NULL) {
        json_error(&p, sc->text, len, end != NULL ? end : sc->text,
                   "syntax error (or nesting deeper than 1000)", true);
        goto out;
    }
    parse_root(&p, root, sc);
    if (p.oom) {
        rc = ESOMOCK_OUT_OF_MEMORY;
        goto out;
    }
    /* On what parsed, even when other parts did not: every problem is reported at once. */
    if (fixtures != NULL)
        esomock__scenario_check_fixtures(sc, fixtures, p.errors);
    if (p.errors->total > 0)
        goto out;
    *out = sc;
    sc = NULL;
    rc = ESOMOCK_OK;
out:
    if (rc == ESOMOCK_OUT_OF_MEMORY)
        add_error(&p, "", "out of memory");
    cJSON_Delete(root);
    esomock__scenario_free(sc);
    return rc;
}

enum esomock_status esomock__scenario_load_file(const char *path, struct esomock_scenario **out,
                                                struct esomock_scenario_errors *errors)
{
    return esomock__scenario_load_file_with(path, NULL, out, errors);
}

enum esomock_status esomock__scenario_load_file_with(const char *path,
                                                     const struct esomock_fixture_set *fixtures,
                                                     struct esomock_scenario **out,
                                                     struct esomock_scenario_errors *errors)
{
    struct esomock_scenario_errors local;
    struct parser p = {.errors = errors != NULL ? errors : &local, .oom = false};
    char err[ESOMOCK_ERROR_SIZE] = "";
    char *text = NULL;
    size_t len = 0;

    p.errors->count = 0;
    p.errors->total = 0;
    if (path == NULL || out == NULL) {
        add_error(&p, "", "no scenario file given");
        return ESOMOCK_BAD_ARGUMENT;
    }
    enum esomock_status rc = esomock__read_file(path, ESOMOCK_SCENARIO_MAX_BYTES, &text, &len, err);
    if (rc != ESOMOCK_OK) {
        /* The message starts with the file name, which the formatted error repeats. */
        size_t plen = strlen(path);
        const char *msg = err;
        if (strncmp(err, path, plen) == 0 && err[plen] == ':' && err[plen + 1] == ' ')
            msg = err + plen + 2;
        add_error(&p, "", "%s", msg);
        return rc;
    }
    rc = esomock__scenario_parse_with(text, len, path, fixtures, out, p.errors);
    free(text);
    return rc;
}

static void step_clear(struct esomock_step *step)
{
    cJSON_Delete(step->headers);
    free(step->fixture);
    free(step->body);
}

static void rule_clear(struct esomock_rule *rule)
{
    free(rule->name);
    free(rule->operation);
    cJSON_Delete(rule->variables);
    free(rule->field);
    cJSON_Delete(rule->arguments);
    free(rule->path);
    for (size_t i = 0; i < rule->header_count; i++) {
        free(rule->headers[i].name);
        free(rule->headers[i].value);
    }
    free(rule->headers);
    for (size_t i = 0; i < rule->step_count; i++)
        step_clear(&rule->steps[i]);
    free(rule->steps);
}

void esomock__scenario_free(struct esomock_scenario *scenario)
{
    if (scenario == NULL)
        return;
    for (size_t i = 0; i < scenario->rule_count; i++)
        rule_clear(&scenario->rules[i]);
    free(scenario->rules);
    cJSON_Delete(scenario->settings.rate_limit.costs);
    cJSON_Delete(scenario->expect);
    free(scenario->name);
    free(scenario->description);
    free(scenario->source);
    free(scenario->text);
    free(scenario);
}

void esomock__scenario_error_format(const char *source, const struct esomock_scenario_error *e,
                                    char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return;
    if (e == NULL) {
        buf[0] = '\0';
        return;
    }
    const char *src = source != NULL ? source : "<scenario>";
    if (e->path[0] != '\0')
        snprintf(buf, size, "%s: %s: %s", src, e->path, e->message);
    else
        snprintf(buf, size, "%s: %s", src, e->message);
}

enum esomock_status esomock__scenario_check_fixtures(const struct esomock_scenario *scenario,
                                                     const struct esomock_fixture_set *fixtures,
                                                     struct esomock_scenario_errors *errors)
{
    if (scenario == NULL || fixtures == NULL || errors == NULL)
        return ESOMOCK_BAD_ARGUMENT;
    struct parser p = {.errors = errors, .oom = false};
    size_t before = errors->total;
    for (size_t i = 0; i < scenario->rule_count; i++) {
        const struct esomock_rule *rule = &scenario->rules[i];
        for (size_t j = 0; j < rule->step_count; j++) {
            const char *name = rule->steps[j].fixture;
            if (name == NULL || esomock__fixtures_by_name(fixtures, name) != NULL)
                continue;
            char path[PATH_SIZE], quoted[QUOTE_MAX + 16];
            snprintf(path, sizeof(path), "rules[%zu].script[%zu].fixture", i, j);
            quote(name, quoted, sizeof(quoted));
            /* A near miss is most likely a typo; name it. */
            const char *guess = NULL;
            size_t best = SIZE_MAX;
            for (size_t k = 0; k < fixtures->count; k++) {
                size_t d = edit_distance(name, fixtures->items[k].name);
                if (d <= 2 && d < best) {
                    best = d;
                    guess = fixtures->items[k].name;
                }
            }
            if (guess != NULL)
                add_error(&p, path, "no fixture named %s in %s; did you mean \"%s\"?", quoted,
                          fixtures->dir != NULL ? fixtures->dir : "the fixture set", guess);
            else
                add_error(&p, path, "no fixture named %s in %s", quoted,
                          fixtures->dir != NULL ? fixtures->dir : "the fixture set");
        }
    }
    return errors->total > before ? ESOMOCK_SCENARIO_INVALID : ESOMOCK_OK;
}

const char *esomock__action_name(enum esomock_action action)
{
    switch (action) {
    case ESOMOCK_ACTION_PASS:
        return "pass";
    case ESOMOCK_ACTION_RESPOND:
        return "respond";
    case ESOMOCK_ACTION_HANG:
        return "hang";
    case ESOMOCK_ACTION_DROP:
        return "drop";
    case ESOMOCK_ACTION_RESET:
        return "reset";
    case ESOMOCK_ACTION_TRUNCATE:
        return "truncate";
    case ESOMOCK_ACTION_DRIP:
        return "drip";
    case ESOMOCK_ACTION_MALFORMED:
        return "malformed";
    case ESOMOCK_ACTION_EMPTY:
        return "empty";
    case ESOMOCK_ACTION_SLOW_READ:
        return "slow_read";
    }
    return "unknown";
}

bool esomock__is_secret_key(const char *key)
{
    static const char *const words[] = {"auth",   "token",   "secret", "password", "passwd",
                                        "cookie", "session", "apikey", "api-key",  "api_key"};
    if (key == NULL)
        return false;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcasestr(key, words[i]) != NULL)
            return true;
    }
    return false;
}

bool esomock__redact_secrets(cJSON *json)
{
    cJSON *next = NULL;
    for (cJSON *item = json != NULL ? json->child : NULL; item != NULL; item = next) {
        next = item->next;
        if (!(cJSON_IsString(item) && item->string != NULL &&
              esomock__is_secret_key(item->string))) {
            if (!esomock__redact_secrets(item))
                return false;
            continue;
        }
        /* ReplaceItemViaPointer keeps the place, not the key: give the new item its key. */
        cJSON *hidden = cJSON_CreateString(ESOMOCK_REDACTED);
        if (hidden != NULL)
            hidden->string = strdup(item->string);
        if (hidden == NULL || hidden->string == NULL ||
            !cJSON_ReplaceItemViaPointer(json, item, hidden)) {
            cJSON_Delete(hidden);
            return false;
        }
    }
    return true;
}

const char *esomock__step_action_name(const struct esomock_step *step)
{
    if (esomock__step_is_delay(step))
        return "delay";
    return esomock__action_name(step->action);
}
