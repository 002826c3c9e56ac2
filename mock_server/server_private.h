/* The server handle and per-request state shared by the server's modules. */
#ifndef ESOMOCK_SERVER_PRIVATE_H
#define ESOMOCK_SERVER_PRIVATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <microhttpd.h>

#include <esomock/server.h>

#include "auth_private.h"
#include "fixtures_private.h"
#include "graphql_request_private.h"
#include "reply_private.h"

enum esomock_route {
    ESOMOCK_ROUTE_NOT_FOUND,
    ESOMOCK_ROUTE_GRAPHQL,
    ESOMOCK_ROUTE_TOKEN,
    ESOMOCK_ROUTE_ADMIN_HEALTH,
};

struct esomock_server {
    struct MHD_Daemon *daemon;
    uint16_t port;
    char url[96];
    char *fixtures_dir;
    struct esomock_fixture_set *fixtures;
    struct esomock_auth *auth;
    size_t max_body_bytes;
    double time_scale;
    double started_ms; /* monotonic */
    FILE *log;
    atomic_uint_fast64_t next_seq;
};

/* One HTTP request, from its first header to the end of its answer. */
struct esomock_request {
    struct esomock_server *server;
    uint64_t seq;
    double arrived_ms;        /* monotonic */
    enum esomock_route route;
    bool method_allowed;
    char method[16];
    char path[256];
    char *body;               /* request body, NUL-terminated, at most max_body_bytes */
    size_t body_len;
    size_t body_cap;
    bool body_too_large;
    bool answered;            /* a response has been queued */
    struct esomock_gql_request gql; /* parsed GraphQL request, when route is GRAPHQL */
    struct esomock_reply reply;
};

#endif
