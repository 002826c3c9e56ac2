/*
 * The API routes' answers (graphql.c): a GraphQL request is parsed, prepared by the engine
 * (mock_server/gql: parse, validate, coerce, with the document cache), planned against the
 * scenario, then answered as the real API would (auth, points budget, the document executed
 * against the fixtures) and changed by the scripted step. POST /oauth/token goes the same
 * way without the GraphQL part.
 */
#ifndef ESOMOCK_GRAPHQL_PRIVATE_H
#define ESOMOCK_GRAPHQL_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "auth_private.h"
#include "fixtures_private.h"
#include "gql.h"
#include "graphql_request_private.h"
#include "memo_private.h"
#include "metrics_private.h"
#include "proxy_private.h"
#include "ratelimit_private.h"
#include "record_private.h"
#include "reply_private.h"
#include "resolver_private.h"
#include "run_private.h"

/* The server's parts the API routes use; server.c sets them up at start. */
struct esomock_graphql {
    const struct esomock_fixture_set *fixtures;
    const struct gql_schema *schema;
    struct gql_cache *cache;       /* parsed and validated documents, keyed by their text */
    struct esomock_memo *requests; /* what was made of each request body: parse, verdict,
                                      answer (NULL: none kept) */
    struct esomock_auth *auth;
    struct esomock_ratelimit *ratelimit;
    struct esomock_metrics *metrics;
    bool strict_fixtures; /* a selected field no fixture gives is an error, not generated */
    /* What answers a fetched field no fixture answers (the data world plugs in here); NULL:
     * nothing, the engine generates it. Its answers are memoised with the request body: it
     * must be deterministic (resolver_private.h). */
    const struct esomock_data_source *world;
    /* --proxy: where a document goes when a field it fetches has no fixture (before the
     * world and generation); NULL: none. --record: where the upstream's answers are kept. */
    struct esomock_proxy *proxy;
    struct esomock_recorder *recorder;
};

/* What graphql.c sees of a request (server.c fills it). */
struct esomock_graphql_view {
    const char *path;
    bool graphql;     /* a GraphQL route; else POST /oauth/token */
    const char *body; /* NUL-terminated at body[body_len]; may be NULL when empty */
    size_t body_len;
    const char *(*header)(void *ctx, const char *name); /* NULL when the header is absent */
    void *header_ctx;
    struct esomock_run *run; /* the scenario planned with, or NULL */
    bool planned;            /* the header phase already chose the plan */
    size_t first_rule;       /* else the first rule the body phase may choose */
    double scenario_ms;      /* scenario ms since the scenario started (with a run) */
};

/* What graphql.c made of a request body (opaque; shared by identical bodies). */
struct esomock_parsed;

/* A GraphQL request as graphql.c leaves it: for the journal, the metrics and the log. */
struct esomock_graphql_call {
    struct esomock_parsed *parsed;          /* a reference, or NULL (not a GraphQL route) */
    char operation[ESOMOCK_OPNAME_MAX + 1]; /* the operation's name, else the body's
                                               operationName; "" when none */
    const char *variables; /* the variables as compact JSON, or NULL (owned by parsed) */
    const char *fields;    /* the fields it fetches as JSON for the journal
                              ([{"field":"guildData.guild","arguments":{"id":3468}}]), or NULL */
    bool forward;          /* its answer is the upstream's: forward the body, then call
                              esomock__graphql_forwarded() */
    int recorded;          /* fixtures --record wrote from the upstream's answer */
};

/* Free what @p call owns and zero it. */
void esomock__graphql_call_clear(struct esomock_graphql_call *call);

/*
 * Parse and plan an API request whose body is complete, and build its answer: @p plan is
 * read when view->planned, else decided; @p reply gets the answer; *@p outcome the journal
 * action of an answer no script chose (auth, rate_limit, error), else it is left alone.
 */
void esomock__graphql_prepare(const struct esomock_graphql *g,
                              const struct esomock_graphql_view *view,
                              struct esomock_graphql_call *call, struct esomock_plan *plan,
                              struct esomock_reply *reply, const char **outcome);

/*
 * With call->forward set by esomock__graphql_prepare() (auth, the document's verdict and the
 * points budget are settled, the plan made): the upstream's answer (or its failure) @p up
 * becomes the normal answer in @p reply (recorded when g->recorder is set), then the plan's
 * step changes it as it changes a fixture answer.
 */
void esomock__graphql_forwarded(const struct esomock_graphql *g,
                                const struct esomock_graphql_view *view,
                                struct esomock_graphql_call *call, const struct esomock_plan *plan,
                                struct esomock_upstream_call *up, struct esomock_reply *reply);

#endif
