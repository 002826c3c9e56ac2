/* The validation kit (vet_private.h). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact_private.h"
#include "vet_private.h"

/* Quoted values in messages are cut to this many bytes, so one long string cannot crowd out the
 * rest. */
#define QUOTE_MAX 48
#define HEADER_NAME_MAX_LEN 128
#define HEADER_VALUE_MAX_LEN 4096

_Static_assert(ESOMOCK_VET_QUOTE_SIZE == QUOTE_MAX + 16, "room for a quoted value");

/* ---- errors ----------------------------------------------------------------------------- */

void esomock__vet_error(struct esomock_vet *v, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    esomock__problems_vadd(v->problems, false, path, fmt, ap);
    va_end(ap);
}

char *esomock__vet_strdup(struct esomock_vet *v, const char *s)
{
    char *copy = strdup(s);
    if (copy == NULL)
        v->oom = true;
    return copy;
}

/*
 * Copy at most QUOTE_MAX bytes of @p s into @p buf with quotes around, escaping what
 * would garble a terminal; a UTF-8 sequence is never cut in half.
 */
void esomock__vet_quote(const char *s, char *buf, size_t size)
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
        esomock__vet_quote(item->valuestring, buf, size);
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

void esomock__vet_expected(struct esomock_vet *v, const char *path, const char *what,
                           const cJSON *got)
{
    char found[ESOMOCK_VET_QUOTE_SIZE];
    describe(got, found, sizeof(found));
    esomock__vet_error(v, path, "expected %s; got %s", what, found);
}

/* As esomock__vet_expected(), but a secret's value (an Authorization header...) is not repeated. */
void esomock__vet_expected_secret(struct esomock_vet *v, const char *path, const char *key,
                                  const char *what, const cJSON *got)
{
    if (cJSON_IsString(got) && esomock__is_secret_key(key))
        esomock__vet_error(v, path, "expected %s; got a string (not shown: it may be a secret)",
                           what);
    else
        esomock__vet_expected(v, path, what, got);
}

void esomock__vet_missing(struct esomock_vet *v, const char *path, const char *what)
{
    esomock__vet_error(v, path, "missing; expected %s", what);
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
void esomock__vet_path_key(char *buf, size_t size, const char *parent, const char *key)
{
    int n;
    if (is_plain_key(key)) {
        n = snprintf(buf, size, "%s%s%s", parent, parent[0] != '\0' ? "." : "", key);
    } else {
        char quoted[ESOMOCK_VET_QUOTE_SIZE];
        esomock__vet_quote(key, quoted, sizeof(quoted));
        n = snprintf(buf, size, "%s[%s]", parent, quoted);
    }
    mark_cut(buf, size, n);
}

void esomock__vet_path_index(char *buf, size_t size, const char *parent, size_t index)
{
    mark_cut(buf, size, snprintf(buf, size, "%s[%zu]", parent, index));
}

/* ---- suggestions ------------------------------------------------------------------------ */

#define EDIT_MAX 32

/*
 * Edit distance counting a swap of neighbours as one edit (optimal string alignment),
 * or SIZE_MAX for strings too long to be worth comparing.
 */
size_t esomock__vet_edit_distance(const char *a, const char *b)
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
const char *esomock__vet_closest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word), best = SIZE_MAX;
    size_t limit = len <= 4 ? 1 : 2;
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = esomock__vet_edit_distance(word, candidates[i]);
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
void esomock__vet_join(const char *const *names, size_t n, char *buf, size_t size)
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

static bool errors_full(const struct esomock_vet *v)
{
    return esomock__problems_full(v->problems);
}

/*
 * Report unknown and repeated keys of @p obj; @p allowed lists the n <= 32 keys it may
 * have. Linear in the number of keys, so a hostile object with 100k of them stays cheap.
 */
void esomock__vet_keys(struct esomock_vet *v, const cJSON *obj, const char *path,
                       const char *const *allowed, size_t n)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    uint32_t seen = 0;
    for (const cJSON *item = obj->child; item != NULL; item = item->next) {
        size_t k = 0;
        while (k < n && strcmp(item->string, allowed[k]) != 0)
            k++;
        if (errors_full(v) && (k == n || (seen & (UINT32_C(1) << k)))) {
            /* Only counted: there is no room left to say more. */
            esomock__vet_error(v, "", "%s", "");
            continue;
        }
        if (k == n) {
            char list[256];
            esomock__vet_path_key(child, sizeof(child), path, item->string);
            esomock__vet_join(allowed, n, list, sizeof(list));
            const char *guess = esomock__vet_closest(item->string, allowed, n);
            if (guess != NULL)
                esomock__vet_error(v, child,
                                   "unknown key; did you mean \"%s\"? (expected one of %s)", guess,
                                   list);
            else
                esomock__vet_error(v, child, "unknown key; expected one of %s", list);
            continue;
        }
        /* cJSON keeps both copies of a repeated key and lookups see only the first. */
        if (seen & (UINT32_C(1) << k)) {
            esomock__vet_path_key(child, sizeof(child), path, item->string);
            esomock__vet_error(v, child, "duplicate key; each key may appear once");
        }
        seen |= UINT32_C(1) << k;
    }
}

/* ---- numbers and strings ---------------------------------------------------------------- */

static void range_text(const struct esomock_vet_range *r, bool with_cap, char *buf, size_t size)
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
bool esomock__vet_number(struct esomock_vet *v, const cJSON *item, const char *path,
                         const struct esomock_vet_range *r, double *out)
{
    char what[96];
    if (!cJSON_IsNumber(item)) {
        range_text(r, false, what, sizeof(what));
        esomock__vet_expected(v, path, what, item);
        return false;
    }
    double x = item->valuedouble;
    bool ok = isfinite(x) && (r->lo_open ? x > r->lo : x >= r->lo);
    if (ok && r->integer)
        ok = floor(x) == x;
    if (!ok) {
        range_text(r, false, what, sizeof(what));
        esomock__vet_expected(v, path, what, item);
        return false;
    }
    if (x > r->hi) {
        range_text(r, true, what, sizeof(what));
        esomock__vet_expected(v, path, what, item);
        return false;
    }
    *out = x;
    return true;
}

bool esomock__vet_bool(struct esomock_vet *v, const cJSON *item, const char *path, bool *out)
{
    if (!cJSON_IsBool(item)) {
        esomock__vet_expected(v, path, "true or false", item);
        return false;
    }
    *out = cJSON_IsTrue(item);
    return true;
}

/* A string of 1..@p max_len bytes. */
bool esomock__vet_string(struct esomock_vet *v, const cJSON *item, const char *path, size_t max_len,
                         const char **out)
{
    char what[64];
    snprintf(what, sizeof(what), "a non-empty string of at most %zu bytes", max_len);
    if (!cJSON_IsString(item) || item->valuestring[0] == '\0' ||
        strlen(item->valuestring) > max_len) {
        esomock__vet_expected(v, path, what, item);
        return false;
    }
    *out = item->valuestring;
    return true;
}

/* One of @p names; on success *out is its index. */
bool esomock__vet_enum(struct esomock_vet *v, const cJSON *item, const char *path,
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
    char list[256], found[ESOMOCK_VET_QUOTE_SIZE];
    esomock__vet_join(names, n, list, sizeof(list));
    describe(item, found, sizeof(found));
    const char *guess =
        cJSON_IsString(item) ? esomock__vet_closest(item->valuestring, names, n) : NULL;
    if (guess != NULL)
        esomock__vet_error(v, path, "expected one of %s; got %s (did you mean \"%s\"?)", list,
                           found, guess);
    else
        esomock__vet_error(v, path, "expected one of %s; got %s", list, found);
    return false;
}

/* A GraphQL name: [_A-Za-z][_0-9A-Za-z]*. */
bool esomock__vet_is_graphql_name(const char *s)
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
bool esomock__vet_is_header_name(const char *s)
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
bool esomock__vet_is_header_value(const char *s)
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
