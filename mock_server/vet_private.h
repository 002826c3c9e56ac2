/*
 * The validation kit: checking a JSON document against a format, one value at a time,
 * collecting every problem with its JSON path ("rules[2].script[0].action") instead of
 * stopping at the first. Values quoted in messages are cut and escaped; an unknown key or
 * value gets a did-you-mean; numbers are range-checked before anything converts them.
 * The scenario parser is built on it (scenario.c, scenario_parse.c, scenario_step.c).
 */
#ifndef ESOMOCK_VET_PRIVATE_H
#define ESOMOCK_VET_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <esomock/error.h>

#include "problems_private.h"

/* Room for a JSON path (a longer one is cut and ends in "..."). */
#define ESOMOCK_VET_PATH_SIZE ESOMOCK_PROBLEM_PATH_SIZE
/* Room for a value quoted by esomock__vet_quote(). */
#define ESOMOCK_VET_QUOTE_SIZE (48 + 16)
/* Two to the 53rd: the largest integer a JSON number (a double) holds exactly. */
#define ESOMOCK_VET_MAX_EXACT_INTEGER 9007199254740992.0

/* Where problems go while a document is checked, and whether memory ran out meanwhile. */
struct esomock_vet {
    struct esomock_problems *problems; /* the file being read is begun */
    bool oom;
};

/* The allowed values of a number: kind, bounds, and how messages state them. */
struct esomock_vet_range {
    bool integer;
    double lo;
    bool lo_open; /* lo itself is not allowed */
    double hi;
    bool hi_in_text; /* hi belongs to the format and every message names it; else a safety cap */
};

/* Add a problem at @p path ("" for the whole document). */
void esomock__vet_error(struct esomock_vet *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "expected WHAT; got VALUE" at @p path. */
void esomock__vet_expected(struct esomock_vet *v, const char *path, const char *what,
                           const cJSON *got);

/* As esomock__vet_expected(), but a string under a secret-looking @p key is not repeated. */
void esomock__vet_expected_secret(struct esomock_vet *v, const char *path, const char *key,
                                  const char *what, const cJSON *got);

/* "missing; expected WHAT" at @p path. */
void esomock__vet_missing(struct esomock_vet *v, const char *path, const char *what);

/* strdup() that notes running out of memory. */
char *esomock__vet_strdup(struct esomock_vet *v, const char *s);

/*
 * Copy at most 48 bytes of @p s into @p buf with quotes around, escaping what would garble a
 * terminal; a UTF-8 sequence is never cut in half.
 */
void esomock__vet_quote(const char *s, char *buf, size_t size);

/*
 * A number as messages print it: an integer in full (9007199254740994, not 9.00719925474099e+15),
 * anything else in the fewest digits that read back as the same double (0.1, 1e+300).
 */
void esomock__format_number(double v, char *buf, size_t size);

/* parent.key, or key at the top level; keys that are not plain words go in ["..."]. */
void esomock__vet_path_key(char *buf, size_t size, const char *parent, const char *key);

/* parent[index]. */
void esomock__vet_path_index(char *buf, size_t size, const char *parent, size_t index);

/*
 * Edit distance counting a swap of neighbours as one edit (optimal string alignment),
 * or SIZE_MAX for strings too long to be worth comparing.
 */
size_t esomock__vet_edit_distance(const char *a, const char *b);

/* The one of @p n candidates close enough to @p word to be a likely typo of it, or NULL. */
const char *esomock__vet_closest(const char *word, const char *const *candidates, size_t n);

/* "a, b, c" into @p buf. */
void esomock__vet_join(const char *const *names, size_t n, char *buf, size_t size);

/* Report unknown and repeated keys of object @p obj; @p allowed lists its n <= 32 keys. */
void esomock__vet_keys(struct esomock_vet *v, const cJSON *obj, const char *path,
                       const char *const *allowed, size_t n);

/* The value of @p key in @p obj, or NULL. */
static inline const cJSON *esomock__vet_get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Check @p item against @p r; on success store it in *out. */
bool esomock__vet_number(struct esomock_vet *v, const cJSON *item, const char *path,
                         const struct esomock_vet_range *r, double *out);

/* true or false into *out. */
bool esomock__vet_bool(struct esomock_vet *v, const cJSON *item, const char *path, bool *out);

/* A string of 1..@p max_len bytes. */
bool esomock__vet_string(struct esomock_vet *v, const cJSON *item, const char *path, size_t max_len,
                         const char **out);

/* One of @p names; on success *out is its index. */
bool esomock__vet_enum(struct esomock_vet *v, const cJSON *item, const char *path,
                       const char *const *names, size_t n, size_t *out);

/* A GraphQL name: [_A-Za-z][_0-9A-Za-z]*. */
bool esomock__vet_is_graphql_name(const char *s);

/* An HTTP header name (RFC 9110 token, at most 128 bytes). */
bool esomock__vet_is_header_name(const char *s);

/* A header value the server can send as is: no line breaks, no control characters but tab. */
bool esomock__vet_is_header_value(const char *s);

#endif
