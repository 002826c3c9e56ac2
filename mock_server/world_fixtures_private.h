/*
 * What the fixtures hold, indexed once for the world (world_fixtures.c): every object of a
 * keyed type in any fixture (a guild, a character, a report, an ability...) is that
 * entity's data wherever the world shows it, and the relations the fixtures state (a
 * character's guilds and server, a guild's members, tags and server) win over the world's.
 * "Fixtures always win over generation" is this index plus the fixture resolver's choice.
 */
#ifndef ESOMOCK_WORLD_FIXTURES_PRIVATE_H
#define ESOMOCK_WORLD_FIXTURES_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "fixtures_private.h"
#include "gql.h"

struct esomock_world;
struct esomock_world_index;

/* Most guilds the fixtures may give one character, and tags one guild. */
#define ESOMOCK_WINDEX_MAX_REL 8

/* A character the fixtures place: in guilds, on a server. */
struct esomock_wchar_rel {
    int64_t id;
    int server; /* 0: the fixtures do not say */
    int64_t guilds[ESOMOCK_WINDEX_MAX_REL];
    size_t guild_count;
};

/* A guild the fixtures describe. */
struct esomock_wguild_rel {
    int64_t id;
    int server;
    bool has_tags; /* the fixtures list its tags (possibly none) */
    int64_t tags[ESOMOCK_WINDEX_MAX_REL];
    size_t tag_count;
    const cJSON *members; /* its members page (a CharacterPagination), or NULL */
};

/*
 * Index @p fixtures against the world's object types (w->types). NULL with @p err
 * (ESOMOCK_ERROR_SIZE bytes) when memory runs out.
 */
struct esomock_world_index *esomock__windex_build(const struct esomock_world *w, char *err);
void esomock__windex_free(struct esomock_world_index *index);

/*
 * The fixture objects of entity (@p type, @p id or @p code), the richest first; NULL (and
 * *count 0) when the fixtures hold none. Owned by the fixture set.
 */
const cJSON *const *esomock__windex_objects(const struct esomock_world_index *index, int type,
                                            int64_t id, const char *code, size_t *count);

/*
 * The ids of every entity of @p type the fixtures hold, ascending (report codes are not
 * ids: a report's is 0); *count of them. Owned by the index.
 */
const int64_t *esomock__windex_ids(const struct esomock_world_index *index, int type,
                                   size_t *count);

/*
 * The code of the @p i-th entity of @p type the fixtures hold (a report's), in code order;
 * NULL past the last (esomock__windex_ids counts them) or for a type keyed by id. Owned by
 * the fixture set.
 */
const char *esomock__windex_code(const struct esomock_world_index *index, int type, size_t i);

/* A character or guild the fixtures name on server @p server (0: any), or 0. */
int64_t esomock__windex_by_name(const struct esomock_world_index *index, int type, const char *name,
                                int server);

const struct esomock_wchar_rel *esomock__windex_character(const struct esomock_world_index *index,
                                                          int64_t id);
const struct esomock_wguild_rel *esomock__windex_guild(const struct esomock_world_index *index,
                                                       int64_t id);
/* The guild a fixture tag belongs to, or 0. */
int64_t esomock__windex_tag_guild(const struct esomock_world_index *index, int64_t tag);

/* Every character and guild the fixtures relate, for the exclusions of world lists. */
const struct esomock_wchar_rel *esomock__windex_characters(const struct esomock_world_index *index,
                                                           size_t *count);
const struct esomock_wguild_rel *esomock__windex_guilds(const struct esomock_world_index *index,
                                                        size_t *count);

/* The key of a fixture object: its "id" (*id) or its "code" (returned); false when none. */
bool esomock__windex_key(const cJSON *object, int64_t *id, const char **code);

#endif
