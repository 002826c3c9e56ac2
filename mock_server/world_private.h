/*
 * The data world behind the fixtures (docs/world.md): every key the API offers a lookup
 * for answers an entity generated lazily from a hash of the world's seed and the key, so
 * the same key gives the same bytes in every operation, run and thread and memory stays
 * flat whatever keys clients ask for. Which keys exist is a rule per type (an id range
 * minus explicit missing keys, a static table, or the shape of a report code); relations
 * (a character's guild and server, a guild's members, a report's owner, zone and time)
 * come from keyed permutations, so each can be walked both ways without a table.
 *
 * world.c keeps the keys and the relations; world_gen.c answers fields, world_page.c
 * pages and filters lists, world_fixtures.c indexes what the fixtures hold (fixtures win),
 * world_names.c and world_data.c give names and the game's static tables, world_file.c
 * reads a world file. A world is immutable once made: share it between threads.
 */
#ifndef ESOMOCK_WORLD_PRIVATE_H
#define ESOMOCK_WORLD_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <esomock/error.h>

#include "fixtures_private.h"
#include "gql.h"
#include "resolver_private.h"
#include "world_file_private.h"

/* Characters of a report's roster (a trial group). */
#define ESOMOCK_WORLD_ROSTER 12
/* Most members a generated guild has (ESO's guild size). */
#define ESOMOCK_WORLD_GUILD_MAX_MEMBERS 500
/* World guild tag ids start here (fixture tags keep their own). */
#define ESOMOCK_WORLD_TAG_BASE 20000
/* Tags a generated guild has at most; tag ids are TAG_BASE + guild index * 4 + j. */
#define ESOMOCK_WORLD_TAGS_PER_GUILD 4
/* Reports per zone-composition block of the global report sequence. */
#define ESOMOCK_WORLD_ZONE_BLOCK 64

struct esomock_world_index;  /* world_fixtures.c */
struct esomock_world_fields; /* world_gen.c */

/* The GraphQL object types the world answers, resolved once against the schema. */
enum esomock_wobj {
    WO_NONE,
    WO_CHARACTER,
    WO_GUILD,
    WO_GUILD_TAG,
    WO_GUILD_ZONE_RANKINGS,
    WO_RANK_POSITIONS,
    WO_RANK,
    WO_ATTENDANCE,
    WO_PLAYER_ATTENDANCE,
    WO_REPORT,
    WO_ARCHIVE_STATUS,
    WO_FIGHT,
    WO_GAME_ZONE,
    WO_MASTER_DATA,
    WO_ACTOR,
    WO_REPORT_ABILITY,
    WO_REPORT_MAP,
    WO_FIGHT_NPC,
    WO_ENCOUNTER_PHASES,
    WO_PHASE,
    WO_EVENT_PAGINATOR,
    WO_USER,
    WO_ABILITY,
    WO_ITEM,
    WO_ITEM_SET,
    WO_NPC,
    WO_MAP,
    WO_CLASS,
    WO_SPEC,
    WO_FACTION,
    WO_ZONE,
    WO_DIFFICULTY,
    WO_PARTITION,
    WO_ENCOUNTER,
    WO_EXPANSION,
    WO_REGION,
    WO_SUBREGION,
    WO_SERVER,
    WO_PAGE, /* any *Pagination */
    WO_COUNT
};

struct esomock_world {
    struct esomock_world_config cfg; /* owned */
    const struct gql_schema *schema;
    const struct esomock_fixture_set *fixtures;
    struct esomock_data_source source;
    uint64_t stamp; /* distinct per world made in this process: part of memo keys */

    /* id space sizes of the ranged types (max - min + 1) */
    int64_t n[ESOMOCK_WT_RANGED];
    int64_t reports; /* reports in the world */
    int64_t owners;  /* guilds + users: report owners, interleaved */
    int64_t block;   /* character slots per guild */
    /* server regions (ids 1..6): [start[k], start[k + 1]) of the guild order and of the
       character slots */
    int64_t guild_start[7];
    int64_t slot_start[7];
    double report_step_ms; /* time between two reports of the global sequence */

    /* permutation keys */
    uint64_t key_character, key_guild, key_owner, key_code, key_names;

    const struct gql_type *types[WO_COUNT];
    struct esomock_world_index *index;   /* what the fixtures hold */
    struct esomock_world_fields *fields; /* field dispatch (world_gen.c) */
};

/* ---- hashing ---------------------------------------------------------------------------- */

static inline uint64_t esomock__mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* A hash of the world's seed, a purpose tag and two values. */
static inline uint64_t esomock__wh(const struct esomock_world *w, uint64_t tag, uint64_t a,
                                   uint64_t b)
{
    return esomock__mix64(w->cfg.seed ^ esomock__mix64(tag ^ esomock__mix64(a + 0x9e37u) * 31u) ^
                          esomock__mix64(b ^ 0x5bd1e995u));
}

/* A number in [0, n) from a hash (n > 0). */
static inline uint64_t esomock__below(uint64_t h, uint64_t n)
{
    return n == 0 ? 0 : h % n;
}

/* A number in [0, 1) from a hash. */
static inline double esomock__unit(uint64_t h)
{
    return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

/* A keyed permutation of [0, n) and its inverse (a Feistel network, cycle-walked). */
uint64_t esomock__perm(uint64_t x, uint64_t n, uint64_t key);
uint64_t esomock__perm_inv(uint64_t x, uint64_t n, uint64_t key);

/* Distinct hash tags, one per purpose. */
enum esomock_wtag {
    WT_CLASS = 1,
    WT_RACE,
    WT_RANK,
    WT_HIDDEN,
    WT_ACCOUNT,
    WT_MEMBERS,
    WT_FACTION,
    WT_GUILD_TEXT,
    WT_GUILD_MODE,
    WT_TAGS,
    WT_REPORT_TIME,
    WT_REPORT_LENGTH,
    WT_REPORT_TAG,
    WT_REPORT_ROSTER,
    WT_REPORT_TITLE,
    WT_REPORT_DIFFICULTY,
    WT_REPORT_VISIBILITY,
    WT_ZONE_BLOCK,
    WT_FIGHT,
    WT_EVENT,
    WT_NAME,
    WT_TEXT,
    WT_ICON,
    WT_AMOUNT,
    WT_RANKING,
    WT_USER,
    WT_ACTOR,
    WT_SPEC,
};

/* ---- the world ---------------------------------------------------------------------- */

/*
 * Make a world from @p config (copied), over @p fixtures (borrowed: it must outlive the
 * world; fixtures win over generation) and @p schema (borrowed). NULL with @p err
 * (ESOMOCK_ERROR_SIZE bytes) saying why.
 */
struct esomock_world *esomock__world_create(const struct esomock_world_config *config,
                                            const struct esomock_fixture_set *fixtures,
                                            const struct gql_schema *schema, char *err);

/* Free a world; NULL is a no-op. */
void esomock__world_destroy(struct esomock_world *world);

/* The data source the fixture resolver asks (resolver_private.h). */
const struct esomock_data_source *esomock__world_source(const struct esomock_world *world);

/* ---- keys and existence (world.c) ------------------------------------------------------ */

/* True when @p id of ranged or static type @p type exists (in range, not missing). */
bool esomock__world_exists(const struct esomock_world *w, enum esomock_wtype type, int64_t id);

/* A report code's verdict. */
enum esomock_code {
    ESOMOCK_CODE_OK,        /* a world report: *n its index */
    ESOMOCK_CODE_UNKNOWN,   /* well formed, no such report */
    ESOMOCK_CODE_MALFORMED, /* not 16 letters and digits */
};

enum esomock_code esomock__world_report_decode(const struct esomock_world *w, const char *code,
                                               int64_t *n);
/* As _decode, a missing code included (the lists hide it). */
enum esomock_code esomock__world_report_decode_raw(const struct esomock_world *w, const char *code,
                                                   int64_t *n);
/* The code of report @p n into out[17]. */
void esomock__world_report_code(const struct esomock_world *w, int64_t n, char out[17]);
/* True when @p n is a report (in range, its code not missing). */
bool esomock__world_report_exists(const struct esomock_world *w, int64_t n);

/* ---- relations (world.c) ------------------------------------------------------------ */

/* A guild's server (1..6), its members' slot block and its member count. */
int esomock__world_guild_server(const struct esomock_world *w, int64_t guild);
int64_t esomock__world_guild_members(const struct esomock_world *w, int64_t guild);
int esomock__world_guild_faction(const struct esomock_world *w, int64_t guild);
/* The server a guild (a character) is shown on: the fixtures' when they say, else the world's. */
int esomock__world_guild_home(const struct esomock_world *w, int64_t guild);
int esomock__world_character_home(const struct esomock_world *w, int64_t id);
/* Guild @p i (0-based) of server @p server's guilds, in the world's order. */
int64_t esomock__world_server_guild(const struct esomock_world *w, int server, int64_t i);
/* The position of @p guild among its server's guilds. */
int64_t esomock__world_guild_position(const struct esomock_world *w, int64_t guild);

/* Member @p p (0-based, below the member count) of @p guild's block: a character id. */
int64_t esomock__world_guild_member(const struct esomock_world *w, int64_t guild, int64_t p);
/* Character @p slot of server @p server's characters. */
int64_t esomock__world_server_character(const struct esomock_world *w, int server, int64_t i);
int64_t esomock__world_server_characters(const struct esomock_world *w, int server);
int64_t esomock__world_server_guilds(const struct esomock_world *w, int server);

struct esomock_world_char {
    int server;    /* 1..6 */
    int64_t guild; /* 0: none */
    int64_t pos;   /* its position in the guild's block (with a guild) */
    int64_t srv_i; /* its position among its server's characters */
};
/* Where character @p id sits in the world (not the fixtures). */
struct esomock_world_char esomock__world_character(const struct esomock_world *w, int64_t id);

/* Report owners: a guild or a user, interleaved through the report sequence. */
struct esomock_owner {
    bool guild; /* else a user */
    int64_t id;
};
struct esomock_owner esomock__world_report_owner(const struct esomock_world *w, int64_t n);
/* The first report of @p owner (its slot) and the stride between its reports. */
int64_t esomock__world_owner_slot(const struct esomock_world *w, struct esomock_owner owner);
/* Reports of @p owner. */
int64_t esomock__world_owner_reports(const struct esomock_world *w, struct esomock_owner owner);

/* A report's start (unix ms) and end. */
double esomock__world_report_start(const struct esomock_world *w, int64_t n);
double esomock__world_report_end(const struct esomock_world *w, int64_t n);
/* The first report index starting at or before @p t (reports run newest first). */
int64_t esomock__world_report_at(const struct esomock_world *w, double t);
/* A report's zone (a zone id). */
int esomock__world_report_zone(const struct esomock_world *w, int64_t n);
/* Reports of zone table index @p z among the first @p n reports, and the i-th of them. */
int64_t esomock__world_zone_count_before(const struct esomock_world *w, int z, int64_t n);
int64_t esomock__world_zone_select(const struct esomock_world *w, int z, int64_t i);
/* The uploader of a report (a user id). */
int64_t esomock__world_report_uploader(const struct esomock_world *w, int64_t n);

/* Tags of a guild (fixture tags first when the fixtures hold them): count and ids. */
size_t esomock__world_guild_tags(const struct esomock_world *w, int64_t guild, int64_t *ids,
                                 size_t max);
/* The guild of tag @p id, or 0. */
int64_t esomock__world_tag_guild(const struct esomock_world *w, int64_t id);
/* The tag of report @p n of guild @p guild, or 0 for none. */
int64_t esomock__world_report_tag(const struct esomock_world *w, int64_t n, int64_t guild);

/* ---- overrides ---------------------------------------------------------------------- */

/* The world file's pinned value of @p field for key (@p id or @p code), or NULL. */
const cJSON *esomock__world_override(const struct esomock_world *w, enum esomock_wtype type,
                                     int64_t id, const char *code, const char *field);
/* The id whose pinned name is @p name, or 0. */
int64_t esomock__world_override_by_name(const struct esomock_world *w, enum esomock_wtype type,
                                        const char *name);

#endif
