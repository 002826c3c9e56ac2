/*
 * One HTTP request, from its first header to the end of its answer (struct esomock_request),
 * and what the modules of the pipeline ask of it: a header, the scenario clock, its
 * keep-alive count, and a word for the log when they close its connection on purpose.
 */
#ifndef ESOMOCK_REQUEST_PRIVATE_H
#define ESOMOCK_REQUEST_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <microhttpd.h>

#include <esomock/journal.h>

#include "graphql_private.h"
#include "proxy_private.h"
#include "reply_private.h"
#include "run_private.h"
#include "timer_private.h"

struct esomock_server;

enum esomock_route {
    ESOMOCK_ROUTE_NOT_FOUND,
    ESOMOCK_ROUTE_GRAPHQL,
    ESOMOCK_ROUTE_TOKEN,
    ESOMOCK_ROUTE_ADMIN,
};

enum esomock_phase {
    ESOMOCK_PHASE_RECEIVING,  /* headers and body arriving */
    ESOMOCK_PHASE_DELAYING,   /* suspended until the step's delay ends */
    ESOMOCK_PHASE_HANGING,    /* suspended with no answer until the client leaves or the bound */
    ESOMOCK_PHASE_FORWARDING, /* suspended while the upstream answers (--proxy) */
    ESOMOCK_PHASE_ANSWERED,   /* a response is queued (or streaming) */
};

struct esomock_request {
    struct esomock_server *server;
    struct MHD_Connection *connection;
    bool started; /* the handler has run: seq, method and route are set */
    uint64_t seq;
    double arrived_ms; /* monotonic */
    enum esomock_route route;
    bool method_allowed;
    char method[16];
    char path[256];

    struct esomock_run *run; /* the scenario planned with (a reference), or NULL */
    struct esomock_effective effective;
    enum esomock_phase phase;
    struct esomock_plan plan;
    bool planned;      /* the header phase chose the plan: the body phase must not re-decide */
    size_t first_rule; /* otherwise, the first rule the body phase may choose */
    const struct esomock_step *slow_read; /* set when the body is to be read slowly */
    struct esomock_timer_entry wait;

    char *body; /* request body, NUL-terminated, at most max_body_bytes */
    size_t body_len;
    size_t body_cap;
    bool body_too_large;

    struct esomock_graphql_call gql;       /* the GraphQL request, as graphql.c parsed it */
    struct esomock_upstream_call upstream; /* --proxy: the forward, while phase is FORWARDING */
    struct esomock_reply reply;
    struct esomock_journal_entry entry; /* this request's journal entry; the rings hold copies */
    const char *outcome; /* journal action for answers no script chose: auth, error... */

    /* Streaming answers (truncate, drip). */
    size_t stream_stop;   /* truncate: bytes to send before cutting */
    double next_chunk_ms; /* drip: monotonic time of the next chunk */
    uint64_t bytes_sent;
    bool streamed;
    /* Monotonic: when the answer's end left eso-mock (its last byte handed to libmicrohttpd,
     * or the connection closed on purpose); 0 until then. The journal's sent_ms. */
    double sent_ms;
};

/* The request's header @p name, or NULL (a lookup function for match views). */
const char *esomock__request_header(void *request, const char *name);

/* Scenario ms since the scenario in force started, as seen by @p req's settings. */
double esomock__request_scenario_ms(const struct esomock_request *req);

/*
 * The calling thread is about to make libmicrohttpd close @p req's connection on purpose
 * (return MHD_NO or end a response with an error): say @p fmt on the log instead of
 * libmicrohttpd's "Application reported internal error", which reads like a crash.
 */
void esomock__close_on_purpose(const struct esomock_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * libmicrohttpd said @p msg on this thread: when it is its note of a close
 * esomock__close_on_purpose() announced, write the reason to @p log (may be NULL) instead
 * and return true.
 */
bool esomock__closed_on_purpose(FILE *log, const char *msg);

/* The request's connection is closed and logged: forget the reason this thread noted. */
void esomock__close_on_purpose_done(void);

/* What woke @p req's pause early, for esomock__close_on_purpose(). */
const char *esomock__wake_reason_text(const struct esomock_request *req);

/* libmicrohttpd's connection notifier: keeps each connection's request count. */
void esomock__connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                                enum MHD_ConnectionNotificationCode code);

/* Count a request on its keep-alive connection; true when its answer must close it. */
bool esomock__connection_count_request(struct esomock_request *req);

#endif
