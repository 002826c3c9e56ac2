/*
 * --record DIR: each answer the upstream gives a forwarded request is stored as fixtures in
 * the field + arguments format (scenarios/fixtures/README.md), one file per field the document
 * fetched and the fixtures lacked, keyed as the engine keys them (the field's path and its
 * coerced arguments, gql_prepared_root_field_*), with the schema's own shape (response keys
 * that are aliases become field names). Restarted on DIR without --proxy, eso-mock gives
 * the same requests the same bytes (docs/mock.md, "Proxy and record").
 */
#ifndef ESOMOCK_RECORD_PRIVATE_H
#define ESOMOCK_RECORD_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <esomock/error.h>

#include "fixtures_private.h"
#include "gql.h"

/* Longest file stem a recorded fixture gets (a hash keeps longer keys apart). */
#define ESOMOCK_RECORD_STEM_MAX 160u
/* Most distinct keys one recorder writes (each is a file). */
#define ESOMOCK_RECORD_MAX_KEYS 100000u

struct esomock_recorder;

/* Says whether a text holds a secret (the proxy's client secret or token): never written. */
typedef bool esomock_secret_check_fn(void *context, const char *text, size_t len);

/*
 * Record into @p dir, an existing writable directory whose fixtures (if any) load and fit
 * @p schema. NULL on failure with @p err (ESOMOCK_ERROR_SIZE bytes) saying why. @p log (may
 * be NULL) gets a line per file written or answer left out.
 */
struct esomock_recorder *esomock__recorder_create(const char *dir, const struct gql_schema *schema,
                                                  FILE *log, char *err);

/* Free; NULL is a no-op. */
void esomock__recorder_destroy(struct esomock_recorder *rec);

/*
 * Store the upstream's answer @p body (@p len bytes) to @p prepared: for each field it
 * fetches that the fixtures (@p fixtures, @p envelope: see cover_private.h) do not answer,
 * one fixture, merged into the one already recorded for the same key (objects by key, lists
 * of one length item by item, the newer value winning). Only a {"data": {...}} answer with no
 * "errors" whose data has exactly the shape @p prepared selects (gql_shape_check) is recorded. A
 * field whose fixture would hold a secret (@p secret says so), take an argument named like one, or
 * tie with a fixture of the same field (two that one request could both match: the loader refuses
 * them) is left out, with a line on the log. Thread-safe: writes are serialised, each file replaced
 * whole (a temporary file renamed).
 * @return the number of fixture files written.
 */
int esomock__record_answer(struct esomock_recorder *rec, const struct esomock_fixture_set *fixtures,
                           const struct esomock_fixture *envelope,
                           const struct gql_prepared *prepared, const char *body, size_t len,
                           esomock_secret_check_fn *secret, void *secret_context);

/*
 * The file stem of the fixture recorded for field @p path with coerced arguments
 * @p args_json (a JSON object's text): the path, then ".name-value" per argument, only
 * [A-Za-z0-9_-] in values; when a value had other bytes or the stem was cut to
 * ESOMOCK_RECORD_STEM_MAX, a hash of the key follows (".1f3a9c2e"), so distinct keys get
 * distinct names. Deterministic; @p out holds ESOMOCK_RECORD_STEM_MAX + 16 bytes.
 */
void esomock__record_stem(const char *path, const char *args_json, char *out, size_t size);

#endif
