/*
 * What graphql.c includes until it gets a graphql_private.h of its own (with a view of the
 * request instead of the whole of it): the server handle, the request, the modules it calls,
 * and the one function server.c calls in it. Other modules include what they use.
 */
#ifndef ESOMOCK_SERVER_PRIVATE_H
#define ESOMOCK_SERVER_PRIVATE_H

#include "auth_private.h"
#include "fixtures_private.h"
#include "graphql_request_private.h"
#include "handle_private.h"
#include "metrics_private.h"
#include "ratelimit_private.h"
#include "reply_private.h"
#include "request_private.h"
#include "run_private.h"

/* The normal answer and the plan for a GraphQL request whose body is complete (graphql.c). */
void esomock__graphql_prepare(struct esomock_server *srv, struct esomock_request *req);

#endif
