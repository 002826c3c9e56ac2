/*
 * Status codes of libesologs and their transient/permanent classification.
 *
 * Thread safety: every function here is pure and may be called from any thread.
 */
#ifndef ESOLOGS_STATUS_H
#define ESOLOGS_STATUS_H

#include <stdbool.h>

#include <esologs/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Append-only: the numbers are part of the ABI. Never remove or renumber a code;
 * a new one goes at the end, before nothing.
 */
enum eso_status {
    ESO_OK = 0,
    ESO_BAD_ARGUMENT = 1,        /* NULL handle, empty name, out-of-range option */
    ESO_OUT_OF_MEMORY = 2,       /* an allocation failed */
    ESO_CONNECT_FAILED = 3,      /* no connection: refused, unreachable, DNS failure */
    ESO_TIMEOUT = 4,             /* a connect, read, write or total attempt timeout fired */
    ESO_CONNECTION_DROPPED = 5,  /* the server closed the connection without answering */
    ESO_CONNECTION_RESET = 6,    /* the connection broke while sending or receiving */
    ESO_TRUNCATED = 7,           /* the body ended before its announced length */
    ESO_RATE_LIMITED = 8,        /* HTTP 429 */
    ESO_SERVER_ERROR = 9,        /* HTTP 5xx */
    ESO_UNAUTHORIZED = 10,       /* HTTP 401 (after the one token refresh, if any) */
    ESO_HTTP_ERROR = 11,         /* another unexpected HTTP status (400, 403, 404, 3xx...) */
    ESO_MALFORMED_JSON = 12,     /* the body is not a JSON object with data or errors */
    ESO_GRAPHQL_ERROR = 13,      /* the answer carries GraphQL errors judged permanent */
    ESO_GRAPHQL_TRANSIENT = 14,  /* GraphQL errors that say rate limit / internal error */
    ESO_BREAKER_OPEN = 15,       /* the circuit breaker refused the call; no network used */
    ESO_BUDGET_EXHAUSTED = 16,   /* a retry was due but the retry budget is empty */
    ESO_DEADLINE_EXCEEDED = 17,  /* the call's deadline passed or a wait would pass it */
    ESO_POOL_TIMEOUT = 18,       /* no free connection within the pool timeout */
    ESO_AUTH_FAILED = 19,        /* the token endpoint refused the credentials */
    ESO_NO_CREDENTIALS = 20,     /* no bearer token, no client id/secret, no env vars */
    ESO_RESPONSE_TOO_LARGE = 21, /* the body passed max_response_bytes */
    ESO_UNKNOWN_OPERATION = 22,  /* no compiled-in query document has that name */
    ESO_TRANSPORT = 23,          /* another libcurl failure (TLS, protocol, ...) */
    ESO_PROTOCOL_ERROR = 24,     /* an answer no valid server sends (an access token with
                                    characters a bearer token cannot have, a token_type
                                    other than Bearer) */
    /* Append new codes here. */
};

/**
 * A short, static, English description of @p status.
 * @return a string owned by the library, valid forever; never NULL.
 */
ESO_API const char *eso_strerror(enum eso_status status);

/**
 * The code's stable machine name, e.g. "timeout" for ESO_TIMEOUT (used in JSON events).
 * @return a string owned by the library, valid forever; never NULL ("unknown" for
 *         a value outside the enum).
 */
ESO_API const char *eso_status_name(enum eso_status status);

/**
 * Whether a failure with this status may succeed if tried again later (connect,
 * timeout, dropped/reset/truncated, 429, 5xx, malformed JSON, transient GraphQL
 * errors, pool timeout, breaker open, budget exhausted, deadline exceeded).
 * Whether the client itself retries it is decided by eso_options.retry_on.
 * @return true for transient statuses; false for ESO_OK and permanent ones.
 */
ESO_API bool eso_status_is_transient(enum eso_status status);

/**
 * The process exit code eso-client uses for @p status, one per failure class:
 * 0 ok, 1 internal (out of memory), 2 usage (bad argument, unknown operation),
 * 3 connect, 4 timeout, 5 dropped/reset/truncated, 6 rate limited, 7 server 5xx,
 * 8 auth (401, token refused, no credentials), 9 bad response (malformed JSON,
 * too large), 10 GraphQL error, 11 breaker open, 12 retry budget exhausted,
 * 13 deadline exceeded, 14 other HTTP status, 15 other transport failure,
 * 16 pool timeout, 17 transient GraphQL error (a 200 whose errors say rate limit
 * or server trouble: worth running again, unlike 10), 18 protocol error.
 * @return the exit code; 1 for a value outside the enum.
 */
ESO_API int eso_status_exit_code(enum eso_status status);

#ifdef __cplusplus
}
#endif

#endif
