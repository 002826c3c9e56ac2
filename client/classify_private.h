/*
 * Classification: turn what the transport saw (curl code, HTTP status, body)
 * into a status, a retry class, a breaker outcome and a detail string.
 */
#ifndef ESOLOGS_CLASSIFY_PRIVATE_H
#define ESOLOGS_CLASSIFY_PRIVATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include <esologs/client.h>
#include <esologs/status.h>

#include "breaker_private.h"
#include "transport_private.h"

struct eso__verdict {
    enum eso_status status;
    unsigned retry_class;      /* the one ESO_RETRY_* bit this failure belongs to; 0 = never */
    enum eso__outcome breaker; /* what it says about the server's health */
    bool ambiguous;            /* the server may have acted on the request */
    bool timeout;              /* for the budget's timeout cost */
    cJSON *json;               /* the parsed body (owned) when it parsed as an object */
    const char *reason;        /* machine word for events, e.g. "http_503" */
    char detail[ESO_DETAIL_SIZE];
};

/* Classify a GraphQL endpoint answer. 0, or ESO_OUT_OF_MEMORY. */
int eso__classify(const struct eso__response *resp, struct eso__verdict *v);

/* Classify transport-level failures only (used for the token endpoint too). */
bool eso__classify_transport(const struct eso__response *resp, struct eso__verdict *v);

/*
 * Whether a GraphQL error object is transient: a transient code or whole phrase
 * ("rate limit", "timed out", "internal server error", "try again", ...) and no
 * permanent marker. Permanent: extensions.category "graphql", a validation code, or
 * a validation message ("Cannot query field", "Unknown argument", "Syntax Error",
 * "Variable \"$x\" of required type ...").
 */
bool eso__graphql_error_is_transient(const cJSON *error);

void eso__verdict_finish(struct eso__verdict *v);

#endif
