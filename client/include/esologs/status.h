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
 * Every status, in one table: X(SUFFIX, value, "name", "description", transient, exit).
 * SUFFIX names the enum constant ESO_<SUFFIX>; "name" is the stable machine name
 * (eso_status_name(), JSON events, eso_status_from_name()); "description" is
 * eso_strerror()'s text; transient is eso_status_is_transient(); exit is
 * eso_status_exit_code(). Expand it with your own X to list or check the statuses
 * (as libuv's UV_ERRNO_MAP).
 *
 * Append-only: the numbers are part of the ABI. Never remove or renumber a row; a new
 * one goes at the end, with the next number.
 */
#define ESO_STATUS_MAP(X)                                                                          \
    X(OK, 0, "ok", "success", false, 0)                                                            \
    /* NULL handle, empty name, out-of-range option */                                             \
    X(BAD_ARGUMENT, 1, "bad_argument", "bad argument", false, 2)                                   \
    /* an allocation failed */                                                                     \
    X(OUT_OF_MEMORY, 2, "out_of_memory", "out of memory", false, 1)                                \
    /* no connection: refused, unreachable, DNS failure */                                         \
    X(CONNECT_FAILED, 3, "connect_failed", "could not connect to the server", true, 3)             \
    /* a connect, read, write or total attempt timeout fired */                                    \
    X(TIMEOUT, 4, "timeout", "timed out", true, 4)                                                 \
    /* the server closed the connection without answering */                                       \
    X(CONNECTION_DROPPED, 5, "connection_dropped",                                                 \
      "the server closed the connection without an answer", true, 5)                               \
    /* the connection broke while sending or receiving */                                          \
    X(CONNECTION_RESET, 6, "connection_reset", "the connection was reset", true, 5)                \
    /* the body ended before its announced length */                                               \
    X(TRUNCATED, 7, "truncated", "the response body was truncated", true, 5)                       \
    /* HTTP 429 */                                                                                 \
    X(RATE_LIMITED, 8, "rate_limited", "rate limited (HTTP 429)", true, 6)                         \
    /* HTTP 5xx */                                                                                 \
    X(SERVER_ERROR, 9, "server_error", "server error (HTTP 5xx)", true, 7)                         \
    /* HTTP 401 (after the one token refresh, if any) */                                           \
    X(UNAUTHORIZED, 10, "unauthorized", "unauthorized (HTTP 401)", false, 8)                       \
    /* another unexpected HTTP status (400, 403, 404, 3xx...) */                                   \
    X(HTTP_ERROR, 11, "http_error", "unexpected HTTP status", false, 14)                           \
    /* the body is not a JSON object with data or errors */                                        \
    X(MALFORMED_JSON, 12, "malformed_json", "malformed JSON response", true, 9)                    \
    /* the answer carries GraphQL errors judged permanent */                                       \
    X(GRAPHQL_ERROR, 13, "graphql_error", "GraphQL error", false, 10)                              \
    /* GraphQL errors that say rate limit / internal error (exit 17: worth running again) */       \
    X(GRAPHQL_TRANSIENT, 14, "graphql_transient", "transient GraphQL error", true, 17)             \
    /* the circuit breaker refused the call; no network used */                                    \
    X(BREAKER_OPEN, 15, "breaker_open", "circuit breaker open", true, 11)                          \
    /* a retry was due but the retry budget is empty */                                            \
    X(BUDGET_EXHAUSTED, 16, "budget_exhausted", "retry budget exhausted", true, 12)                \
    /* the call's deadline passed or a wait would pass it */                                       \
    X(DEADLINE_EXCEEDED, 17, "deadline_exceeded", "deadline exceeded", true, 13)                   \
    /* no free connection within the pool timeout */                                               \
    X(POOL_TIMEOUT, 18, "pool_timeout", "no free connection in time", true, 16)                    \
    /* the token endpoint refused the credentials */                                               \
    X(AUTH_FAILED, 19, "auth_failed", "the token endpoint refused the credentials", false, 8)      \
    /* no bearer token, no client id/secret, no env vars */                                        \
    X(NO_CREDENTIALS, 20, "no_credentials",                                                        \
      "no credentials (bearer token or ESOLOGS_ID/ESOLOGS_SECRET)", false, 8)                      \
    /* the body passed max_response_bytes */                                                       \
    X(RESPONSE_TOO_LARGE, 21, "response_too_large", "response body too large", false, 9)           \
    /* no compiled-in query document has that name */                                              \
    X(UNKNOWN_OPERATION, 22, "unknown_operation", "unknown operation", false, 2)                   \
    /* another libcurl failure (TLS, protocol, ...) */                                             \
    X(TRANSPORT, 23, "transport", "transport error", false, 15)                                    \
    /* an answer no valid server sends (an access token with characters a bearer token             \
     * cannot have, a token_type other than Bearer) */                                             \
    X(PROTOCOL_ERROR, 24, "protocol_error", "the server's answer breaks the protocol", false, 18)

#define ESO__STATUS_ENUM(suffix, value, name, text, transient, exit) ESO_##suffix = value,
enum eso_status { ESO_STATUS_MAP(ESO__STATUS_ENUM) };
#undef ESO__STATUS_ENUM

/**
 * A short, static, English description of @p status (a result's detail says more; print
 * them as "%s: %s").
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
 * The status whose eso_status_name() is @p name (exact, case-sensitive).
 * @param out  set only on ESO_OK.
 * @return ESO_OK, or ESO_BAD_ARGUMENT for NULL arguments or a name no status has.
 */
ESO_API enum eso_status eso_status_from_name(const char *name, enum eso_status *out);

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
