/*
 * The game's static tables (world_data.c): regions, subregions, servers, factions, classes
 * and specs, the trial zones with their encounters, difficulties and partitions, the
 * expansions. The values are those of the default fixtures (scenarios/fixtures/README.md,
 * "The world the fixtures share"), so a generated entity that refers to one agrees with
 * the fixture that describes it.
 */
#ifndef ESOMOCK_WORLD_DATA_PRIVATE_H
#define ESOMOCK_WORLD_DATA_PRIVATE_H

#include <stddef.h>

struct esomock_region {
    int id;
    const char *name, *compact, *slug;
};

struct esomock_subregion {
    int id;
    const char *name;
    int region;
};

struct esomock_server_info {
    int id;
    const char *name, *slug;
    int region, subregion;
    double weight; /* share of guilds and characters */
};

struct esomock_class {
    int id;
    const char *name, *slug;
};

struct esomock_zone {
    int id;
    const char *name, *short_name;
    int expansion;
    int frozen;
    int encounters[3];
    int game_zone; /* the in-game zone id of its map */
    int weight;    /* reports per ESOMOCK_WORLD_ZONE_BLOCK */
};

struct esomock_encounter {
    int id;
    const char *name;
    int zone;
    int npc; /* the boss's game id */
};

struct esomock_named {
    int id;
    const char *name;
};

extern const struct esomock_region esomock__regions[2];
extern const struct esomock_subregion esomock__subregions[6];
extern const struct esomock_server_info esomock__servers[6];
extern const struct esomock_named esomock__factions[3];
extern const struct esomock_class esomock__classes[7];
extern const char *const esomock__spec_names[3]; /* DPS, Healer, Tank */
extern const char *const esomock__spec_slugs[3];
extern const char *const esomock__role_names[3]; /* dps, healer, tank */
extern const struct esomock_zone esomock__zones[6];
extern const struct esomock_encounter esomock__encounters[18];
extern const struct esomock_named esomock__expansions[6];
extern const struct esomock_named esomock__difficulties[3];
extern const struct esomock_named esomock__partitions[3];
extern const char *const esomock__races[10]; /* raceID 1..10 */

#define ESOMOCK_SPECS (7 * 3)
#define ESOMOCK_DEFAULT_PARTITION 3

/* Lookups by id: NULL when the table has none. */
const struct esomock_region *esomock__region(int id);
const struct esomock_subregion *esomock__subregion(int id);
const struct esomock_server_info *esomock__server(int id);
const struct esomock_class *esomock__class(int id);
const struct esomock_zone *esomock__zone(int id);
int esomock__zone_index(int id); /* -1 when none */
const struct esomock_encounter *esomock__encounter(int id);
const char *esomock__expansion_name(int id);
const char *esomock__faction_name(int id);
const char *esomock__difficulty_name(int id);
/* The server a region compact name or slug and a server slug name ("NA", "pc-na"), or 0. */
int esomock__server_by_slug(const char *region, const char *slug);
/* A region by compact name or slug, case-insensitive ("NA", "na"), or 0. */
int esomock__region_by_name(const char *name);
/* A class by its slug, or 0. */
int esomock__class_by_slug(const char *slug);
/* A spec (0 dps, 1 healer, 2 tank) by its slug, or -1. */
int esomock__spec_by_slug(const char *slug);

#endif
