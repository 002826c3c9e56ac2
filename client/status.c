/* Status descriptions, names, classification and CLI exit codes. */
#include <esologs/status.h>

const char *eso_strerror(enum eso_status status)
{
    switch (status) {
    case ESO_OK:
        return "success";
    case ESO_BAD_ARGUMENT:
        return "bad argument";
    case ESO_OUT_OF_MEMORY:
        return "out of memory";
    case ESO_CONNECT_FAILED:
        return "could not connect to the server";
    case ESO_TIMEOUT:
        return "timed out";
    case ESO_CONNECTION_DROPPED:
        return "the server closed the connection without an answer";
    case ESO_CONNECTION_RESET:
        return "the connection was reset";
    case ESO_TRUNCATED:
        return "the response body was truncated";
    case ESO_RATE_LIMITED:
        return "rate limited (HTTP 429)";
    case ESO_SERVER_ERROR:
        return "server error (HTTP 5xx)";
    case ESO_UNAUTHORIZED:
        return "unauthorized (HTTP 401)";
    case ESO_HTTP_ERROR:
        return "unexpected HTTP status";
    case ESO_MALFORMED_JSON:
        return "malformed JSON response";
    case ESO_GRAPHQL_ERROR:
        return "GraphQL error";
    case ESO_GRAPHQL_TRANSIENT:
        return "transient GraphQL error";
    case ESO_BREAKER_OPEN:
        return "circuit breaker open";
    case ESO_BUDGET_EXHAUSTED:
        return "retry budget exhausted";
    case ESO_DEADLINE_EXCEEDED:
        return "deadline exceeded";
    case ESO_POOL_TIMEOUT:
        return "no free connection in time";
    case ESO_AUTH_FAILED:
        return "the token endpoint refused the credentials";
    case ESO_NO_CREDENTIALS:
        return "no credentials (bearer token or ESOLOGS_ID/ESOLOGS_SECRET)";
    case ESO_RESPONSE_TOO_LARGE:
        return "response body too large";
    case ESO_UNKNOWN_OPERATION:
        return "unknown operation";
    case ESO_TRANSPORT:
        return "transport error";
    case ESO_PROTOCOL_ERROR:
        return "the server's answer breaks the protocol";
    }
    return "unknown status";
}

const char *eso_status_name(enum eso_status status)
{
    switch (status) {
    case ESO_OK:
        return "ok";
    case ESO_BAD_ARGUMENT:
        return "bad_argument";
    case ESO_OUT_OF_MEMORY:
        return "out_of_memory";
    case ESO_CONNECT_FAILED:
        return "connect_failed";
    case ESO_TIMEOUT:
        return "timeout";
    case ESO_CONNECTION_DROPPED:
        return "connection_dropped";
    case ESO_CONNECTION_RESET:
        return "connection_reset";
    case ESO_TRUNCATED:
        return "truncated";
    case ESO_RATE_LIMITED:
        return "rate_limited";
    case ESO_SERVER_ERROR:
        return "server_error";
    case ESO_UNAUTHORIZED:
        return "unauthorized";
    case ESO_HTTP_ERROR:
        return "http_error";
    case ESO_MALFORMED_JSON:
        return "malformed_json";
    case ESO_GRAPHQL_ERROR:
        return "graphql_error";
    case ESO_GRAPHQL_TRANSIENT:
        return "graphql_transient";
    case ESO_BREAKER_OPEN:
        return "breaker_open";
    case ESO_BUDGET_EXHAUSTED:
        return "budget_exhausted";
    case ESO_DEADLINE_EXCEEDED:
        return "deadline_exceeded";
    case ESO_POOL_TIMEOUT:
        return "pool_timeout";
    case ESO_AUTH_FAILED:
        return "auth_failed";
    case ESO_NO_CREDENTIALS:
        return "no_credentials";
    case ESO_RESPONSE_TOO_LARGE:
        return "response_too_large";
    case ESO_UNKNOWN_OPERATION:
        return "unknown_operation";
    case ESO_TRANSPORT:
        return "transport";
    case ESO_PROTOCOL_ERROR:
        return "protocol_error";
    }
    return "unknown";
}

bool eso_status_is_transient(enum eso_status status)
{
    switch (status) {
    case ESO_CONNECT_FAILED:
    case ESO_TIMEOUT:
    case ESO_CONNECTION_DROPPED:
    case ESO_CONNECTION_RESET:
    case ESO_TRUNCATED:
    case ESO_RATE_LIMITED:
    case ESO_SERVER_ERROR:
    case ESO_MALFORMED_JSON:
    case ESO_GRAPHQL_TRANSIENT:
    case ESO_BREAKER_OPEN:
    case ESO_BUDGET_EXHAUSTED:
    case ESO_DEADLINE_EXCEEDED:
    case ESO_POOL_TIMEOUT:
        return true;
    case ESO_OK:
    case ESO_BAD_ARGUMENT:
    case ESO_OUT_OF_MEMORY:
    case ESO_UNAUTHORIZED:
    case ESO_HTTP_ERROR:
    case ESO_GRAPHQL_ERROR:
    case ESO_AUTH_FAILED:
    case ESO_NO_CREDENTIALS:
    case ESO_RESPONSE_TOO_LARGE:
    case ESO_UNKNOWN_OPERATION:
    case ESO_TRANSPORT:
    case ESO_PROTOCOL_ERROR:
        return false;
    }
    return false;
}

int eso_status_exit_code(enum eso_status status)
{
    switch (status) {
    case ESO_OK:
        return 0;
    case ESO_OUT_OF_MEMORY:
        return 1;
    case ESO_BAD_ARGUMENT:
    case ESO_UNKNOWN_OPERATION:
        return 2;
    case ESO_CONNECT_FAILED:
        return 3;
    case ESO_TIMEOUT:
        return 4;
    case ESO_CONNECTION_DROPPED:
    case ESO_CONNECTION_RESET:
    case ESO_TRUNCATED:
        return 5;
    case ESO_RATE_LIMITED:
        return 6;
    case ESO_SERVER_ERROR:
        return 7;
    case ESO_UNAUTHORIZED:
    case ESO_AUTH_FAILED:
    case ESO_NO_CREDENTIALS:
        return 8;
    case ESO_MALFORMED_JSON:
    case ESO_RESPONSE_TOO_LARGE:
        return 9;
    case ESO_GRAPHQL_ERROR:
        return 10;
    case ESO_GRAPHQL_TRANSIENT:
        return 17; /* its own code: worth running again, unlike a query the API refuses */
    case ESO_BREAKER_OPEN:
        return 11;
    case ESO_BUDGET_EXHAUSTED:
        return 12;
    case ESO_DEADLINE_EXCEEDED:
        return 13;
    case ESO_HTTP_ERROR:
        return 14;
    case ESO_TRANSPORT:
        return 15;
    case ESO_POOL_TIMEOUT:
        return 16;
    case ESO_PROTOCOL_ERROR:
        return 18;
    }
    return 1;
}
