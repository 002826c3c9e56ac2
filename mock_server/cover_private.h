/*
 * What the fixtures answer of a document, field by field: with a proxy (proxy_private.h), a
 * document that fetches a field no fixture answers goes to the upstream whole, and only those
 * fields of the upstream's answer are recorded (docs/mock.md, "Proxy and record"). The rules
 * are the fixture resolver's (resolver_private.h), without executing anything.
 */
#ifndef ESOMOCK_COVER_PRIVATE_H
#define ESOMOCK_COVER_PRIVATE_H

#include <stdbool.h>

#include "fixtures_private.h"
#include "gql.h"

/*
 * True when eso-mock answers the fetched field @p path ("guildData.guild", "rateLimitData")
 * with coerced arguments @p args without the upstream: a field it answers live
 * (rateLimitData, introspection), the envelope fixture's data (@p envelope, from
 * esomock__answer_envelope, may be NULL), a fixture keyed by the field and a subset of the
 * arguments, a fixture keyed by the field's namespace, or a root namespace nothing below
 * which is fetched (guildData { __typename }).
 */
bool esomock__cover_field(const struct esomock_fixture_set *fixtures,
                          const struct esomock_fixture *envelope, const struct gql_schema *schema,
                          const char *path, const struct gql_value *args);

/* True when esomock__cover_field() holds for every field @p prepared fetches. */
bool esomock__cover_all(const struct esomock_fixture_set *fixtures,
                        const struct esomock_fixture *envelope, const struct gql_schema *schema,
                        const struct gql_prepared *prepared);

#endif
