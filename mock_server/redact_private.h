/*
 * Secrets (client secrets, bearer tokens, cookies) never appear in what eso-mock shows:
 * GET /__admin/scenario serves the scenario with them replaced, and messages do not quote them.
 */
#ifndef ESOMOCK_REDACT_PRIVATE_H
#define ESOMOCK_REDACT_PRIVATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/* What replaces a secret's value where a scenario is shown. */
#define ESOMOCK_REDACTED "[redacted]"

/*
 * True for a key whose string value may be a secret: Authorization, Cookie, X-Api-Key,
 * bearer_token... (any name containing auth, token, secret, password, cookie, session, api key).
 */
bool esomock__is_secret_key(const char *key);

/* Replace every secret-keyed string in @p json (recursively) with ESOMOCK_REDACTED;
 * false when out of memory (@p json may then still hold secrets: do not show it). */
bool esomock__redact_secrets(cJSON *json);

#endif
