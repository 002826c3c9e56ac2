/*
 * Answers from fixtures, whatever the document: the resolver the engine executes a request
 * with (docs/mock.md, "How an answer is built").
 *
 * The document is executed against, in this order, for each field it fetches (a root field
 * such as rateLimitData, or a field of a root namespace such as guildData.guild):
 *   1. the envelope fixture chosen by operationName + variables, when its own field key
 *      (if it has one) agrees with the arguments the document gives that field;
 *   2. the fixture keyed by the field and a subset of its coerced arguments (most keys win);
 *   3. a data source behind the fixtures (struct esomock_data_source: the world);
 *   4. nothing: the engine generates the value (or, with strict fixtures, answers an error).
 * rateLimitData always answers from the live points model. With a data source, a fixture
 * answers a field only for exactly the arguments it is keyed by (a default fixture does not
 * answer keys it does not name), and fields of fixture objects go through the source
 * (fixture_field: list arguments applied, missing fields filled from the same entity).
 */
#ifndef ESOMOCK_RESOLVER_PRIVATE_H
#define ESOMOCK_RESOLVER_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "fixtures_private.h"
#include "gql.h"
#include "ratelimit_private.h"

struct esomock_data_source;

/*
 * Every GQL_SOURCE_HANDLE and GQL_SOURCE_LIST handle in an answer starts with this, so the
 * one resolver the engine calls can hand a handle back to whoever made it.
 */
struct esomock_handle {
    const struct esomock_data_source *owner; /* NULL: the fixture resolver's own */
};

/*
 * A source of data behind the fixtures: the data world (issue 11) plugs in here, through
 * struct esomock_graphql's world (graphql_private.h). Its functions run on request threads,
 * concurrently: it must be thread-safe and deterministic (the same key gives the same
 * bytes), because graphql.c keeps a request body's answer for the next identical body
 * (memo.c; only answers reading rateLimitData, which set struct esomock_answer.live, are
 * made anew each time).
 */
struct esomock_data_source {
    /*
     * A fetched field no fixture answers: @p path ("guildData.guild", "rateLimitData"),
     * info->args its coerced arguments. @p window is the data of a fixture keyed by the
     * field and some of its arguments when the others are only `limit` and `page` (a page
     * of the list the fixture shows), else NULL. Fill @p out as a gql_resolver does: a
     * GQL_SOURCE_HANDLE or GQL_SOURCE_LIST whose handle starts with a struct esomock_handle
     * naming this source, GQL_SOURCE_NULL for an unknown key, GQL_SOURCE_ERROR for the API's
     * error; leave it GQL_SOURCE_NOT_PROVIDED to let the engine generate the value.
     */
    void (*lookup)(void *user, const char *path, const struct gql_field_info *info,
                   const cJSON *window, struct gql_source *out);
    /*
     * A field of a fixture's object (parent->kind GQL_SOURCE_JSON): the member when there is
     * one (with the request's arguments applied), else the value of the same entity's field
     * in the source. Leave @p out GQL_SOURCE_NOT_PROVIDED to let the engine generate it.
     * NULL: the fixture's members as they are.
     */
    void (*fixture_field)(void *user, const struct gql_source *parent,
                          const struct gql_field_info *info, struct gql_source *out);
    /* Fields of this source's handles, and items of its lists (gql.h). */
    struct gql_resolver resolver;
    /* Distinct for every source made in the process: answers are memoised per source. */
    uint64_t stamp;
};

/* One answer being built. Zero it, set the inputs, then esomock__answer_execute. */
struct esomock_answer {
    /* inputs */
    const struct esomock_fixture_set *fixtures;
    const struct esomock_fixture *envelope;  /* from esomock__answer_envelope, or NULL */
    const struct esomock_data_source *world; /* NULL: none */
    struct esomock_ratelimit *ratelimit;     /* for rateLimitData */
    bool strict;                             /* a field no fixture gives is an error */
    /* outputs */
    bool live; /* the answer read live state (the points budget): never memoise it */
    /* private */
    bool have_budget;
    struct esomock_budget budget;
};

/*
 * The envelope fixture for a request: chosen by @p operation (may be NULL) and @p variables
 * (may be NULL) as esomock__fixtures_match does, and kept only when every field of its
 * field key that @p prepared fetches is fetched with arguments it answers (so a document
 * asking for guild 2290 under a name and variables that pick guild 3468's envelope gets
 * guild 2290); with @p exact (a data source behind the fixtures), with exactly its
 * arguments, so a default fixture leaves a key it does not name to the data source. NULL
 * when none applies. A fixture whose response is not {"data": {...}} alone (a canned error)
 * is returned whatever the document: its body is sent as is.
 */
const struct esomock_fixture *esomock__answer_envelope(const struct esomock_fixture_set *fixtures,
                                                       const struct gql_prepared *prepared,
                                                       const char *operation,
                                                       const cJSON *variables, bool exact);

/*
 * Execute @p prepared against the fixtures and append the answer ({"data":...}, with
 * "errors" first when fields failed) to @p out.
 * @return gql_execute's status.
 */
enum gql_status esomock__answer_execute(struct esomock_answer *answer,
                                        const struct gql_prepared *prepared, struct gql_buf *out);

#endif
