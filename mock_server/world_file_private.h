/*
 * A world's configuration and the world file that gives it (docs/world.md, "The world
 * file"): the seed, each type's id range and missing keys, the report sequence, and fields
 * pinned for given keys. Read from `--world FILE`, from a scenario's `settings.world`, or
 * checked by `eso-mock check`; every problem is reported with its JSON path.
 */
#ifndef ESOMOCK_WORLD_FILE_PRIVATE_H
#define ESOMOCK_WORLD_FILE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <esomock/error.h>
#include <esomock/problems.h>

#include "vet_private.h"

/* A world file larger than this is refused. */
#define ESOMOCK_WORLD_MAX_BYTES (4u * 1024u * 1024u)
/* Missing keys and overrides a world holds at most. */
#define ESOMOCK_WORLD_MAX_MISSING 100000u
#define ESOMOCK_WORLD_MAX_OVERRIDES 10000u
/* Name codecs: distinct character and guild names there are. */
#define ESOMOCK_WORLD_MAX_CHARACTERS (1 << 24)
#define ESOMOCK_WORLD_MAX_GUILDS 49152

/* The entity types a world knows. The ranged ones come first. */
enum esomock_wtype {
    ESOMOCK_WT_CHARACTER,
    ESOMOCK_WT_GUILD,
    ESOMOCK_WT_USER,
    ESOMOCK_WT_ABILITY,
    ESOMOCK_WT_ITEM,
    ESOMOCK_WT_ITEM_SET,
    ESOMOCK_WT_NPC,
    ESOMOCK_WT_MAP,
    ESOMOCK_WT_RANGED, /* the types above have a configurable id range */
    ESOMOCK_WT_REPORT = ESOMOCK_WT_RANGED,
    ESOMOCK_WT_CLASS,
    ESOMOCK_WT_SPEC,
    ESOMOCK_WT_FACTION,
    ESOMOCK_WT_ZONE,
    ESOMOCK_WT_ENCOUNTER,
    ESOMOCK_WT_EXPANSION,
    ESOMOCK_WT_REGION,
    ESOMOCK_WT_SUBREGION,
    ESOMOCK_WT_SERVER,
    ESOMOCK_WT_GUILD_TAG,
    ESOMOCK_WT_COUNT
};

/* The type's name in world files ("character", "item_set"), or NULL. */
const char *esomock__wtype_name(enum esomock_wtype type);

struct esomock_world_keys {
    int64_t min, max; /* ranged types: ids [min, max] */
    int64_t *missing; /* sorted, distinct; owned */
    size_t missing_count;
};

struct esomock_world_override {
    enum esomock_wtype type;
    int64_t id;    /* the key, or 0 for a report */
    char *code;    /* a report's code; owned */
    cJSON *fields; /* field -> value; owned */
};

struct esomock_world_config {
    bool disabled; /* "--world none": fixtures only, the engine generates the rest */
    uint64_t seed;
    struct esomock_world_keys keys[ESOMOCK_WT_COUNT]; /* REPORT: missing unused (codes) */
    int64_t report_count;
    char **missing_codes; /* sorted by strcmp; owned */
    size_t missing_code_count;
    double end_ms;    /* the newest report starts before this (unix ms) */
    double span_days; /* reports start within this many days before end_ms */
    struct esomock_world_override *overrides; /* sorted by type, id, code; owned */
    size_t override_count;
    char *source; /* the file it came from ("<default>", "<scenario>"), owned */
};

/* The default world (docs/world.md): realistic sizes, seed 0. Free with _finish. */
void esomock__world_config_defaults(struct esomock_world_config *config);

/* Free what @p config owns and zero it. */
void esomock__world_config_finish(struct esomock_world_config *config);

/* A deep copy of @p from into @p to. false without memory (to is then zeroed). */
bool esomock__world_config_copy(struct esomock_world_config *to,
                                const struct esomock_world_config *from);

/*
 * Check @p json (a world document) and, when it is valid, fill @p config (defaults first).
 * Problems go to @p v with @p path ("" for a file, "settings.world" in a scenario) before
 * each JSON path. @return true when valid.
 */
bool esomock__world_parse(struct esomock_vet *v, const cJSON *json, const char *path,
                          struct esomock_world_config *config);

/*
 * Read and check a world file. "none" is the world turned off. On success @p config is
 * filled (free with _finish); problems go to @p problems (the file begun by this call).
 */
enum esomock_status esomock__world_load_file(const char *path, struct esomock_world_config *config,
                                             struct esomock_problems *problems);

/*
 * A scenario's `settings.world` at @p path: an object (a world document), a world file's path
 * (relative to the directory of @p source, the scenario's file) or "none". On success *out is
 * a new config (free with _finish, then free()); its `disabled` says "none". Problems of a
 * named file are reported at @p path with the file's own paths.
 */
void esomock__world_setting(struct esomock_vet *v, const cJSON *item, const char *path,
                            const char *source, struct esomock_world_config **out);

#endif
