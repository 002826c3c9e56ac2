/*
 * The upstream client behind --proxy (docs/mock.md, "Proxy and record"). One thread runs a
 * libcurl multi handle. A request the fixtures do not answer suspends its connection and
 * hands its body here; the thread gets eso-mock's own token (client credentials: fetched
 * once, shared, fetched again when it nears expiry or after the upstream's 401), forwards
 * the body, and resumes the connection with the upstream's answer or with what went wrong.
 * No libmicrohttpd worker waits for the upstream, and a client that hangs up meanwhile
 * frees its connection and cancels its transfer at once.
 */
#ifndef ESOMOCK_PROXY_PRIVATE_H
#define ESOMOCK_PROXY_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <microhttpd.h>

#include <esomock/error.h>
#include <esomock/proxy.h>

#include "reply_private.h"

/* Default bound on each upstream transfer, and the largest answer taken from it. */
#define ESOMOCK_UPSTREAM_TIMEOUT_MS 30000u
#define ESOMOCK_UPSTREAM_MAX_ANSWER (64u * 1024u * 1024u)
/* Longest access token accepted from the upstream's token endpoint. */
#define ESOMOCK_UPSTREAM_TOKEN_MAX 8192u

enum esomock_upstream_outcome {
    ESOMOCK_UPSTREAM_ANSWERED,    /* an HTTP answer: status and body (error statuses too) */
    ESOMOCK_UPSTREAM_FAILED,      /* no usable answer (refused, reset, cut short, too large,
                                     no token): the client gets 502 */
    ESOMOCK_UPSTREAM_TIMEOUT,     /* no answer within timeout_ms: the client gets 504 */
    ESOMOCK_UPSTREAM_CLIENT_GONE, /* the client hung up while it waited: transfer cancelled */
    ESOMOCK_UPSTREAM_STOPPING,    /* the server is stopping: transfer cancelled */
};

struct curl_slist;

/* One forwarded request; embedded in the request that waits, never allocated here. */
struct esomock_upstream_call {
    /* in: set before esomock__proxy_forward(), borrowed until the connection resumes */
    const char *body;
    size_t body_len;
    const char *request_id; /* X-Request-Id to pass on, or NULL */
    struct MHD_Connection *connection;
    int client_fd; /* watched for the client hanging up; -1: not watched */
    /* out: read once the connection has resumed */
    enum esomock_upstream_outcome outcome;
    int status;   /* the upstream's HTTP status; 0 when it sent none */
    char *answer; /* ANSWERED: its body, malloc'd (esomock__upstream_reply takes it) */
    size_t answer_len;
    const char *content_type; /* a static string for the upstream's Content-Type */
    char retry_after[64];     /* the upstream's Retry-After, "" when none */
    char error[192];          /* what went wrong, "" when nothing did; never holds a secret */
    double ms;                /* from esomock__proxy_forward() to the end */
    unsigned attempts;        /* forwards sent: 2 after a 401 and a fresh token */
    bool token_fetched;       /* it waited for a token fetch */
    /* the proxy thread's */
    struct esomock_upstream_call *prev, *next;
    void *easy; /* CURL *, while a forward is in flight */
    struct curl_slist *headers;
    size_t answer_cap;
    double started_ms;
    unsigned token_generation; /* the token the forward in flight carries */
    bool waiting_token;
    bool retried;
    bool watched;
    bool too_big;
    char curl_error[256];
};

struct esomock_proxy;

/*
 * Check @p opts and start the thread. NULL on failure, with @p err (ESOMOCK_ERROR_SIZE bytes)
 * saying why (a missing URL or credential, a URL that is not http(s), no memory or thread).
 * @p log (may be NULL) gets a line per token fetch and per upstream failure.
 */
struct esomock_proxy *esomock__proxy_create(const struct esomock_proxy_options *opts, FILE *log,
                                            char *err);

/*
 * Suspend call->connection (the caller is in its libmicrohttpd handler) and forward
 * call->body; the connection resumes when call's outputs are set. False, without
 * suspending, when the proxy is stopping.
 */
bool esomock__proxy_forward(struct esomock_proxy *proxy, struct esomock_upstream_call *call);

/*
 * Cancel every call (ESOMOCK_UPSTREAM_STOPPING), resume their connections, refuse new ones
 * and stop the thread. Call before MHD_stop_daemon(), which cannot stop with suspended
 * connections. NULL is a no-op.
 */
void esomock__proxy_shutdown(struct esomock_proxy *proxy);

/* Shut down (if need be) and free; NULL is a no-op. */
void esomock__proxy_destroy(struct esomock_proxy *proxy);

/*
 * The answer the client gets for a finished @p call: the upstream's status, body (taken from
 * the call), Content-Type and Retry-After; 502 with a GraphQL-style error when it failed;
 * 504 when it timed out.
 */
void esomock__upstream_reply(struct esomock_upstream_call *call, struct esomock_reply *reply);

/* True when @p text (len bytes) holds the client secret or a token bought with it (one
 * shorter than 8 bytes only as a whole word: as a substring it would be found anywhere). */
bool esomock__proxy_holds_secret(struct esomock_proxy *proxy, const char *text, size_t len);

/* Token fetches that succeeded so far (for tests and the log). */
unsigned esomock__proxy_token_fetches(struct esomock_proxy *proxy);

/* Copy the token in use into out[size] (tests look for it where it must not be); false
 * when there is none. */
bool esomock__proxy_current_token(struct esomock_proxy *proxy, char *out, size_t size);

#endif
