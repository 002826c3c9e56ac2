/* The game's static tables (world_data_private.h). */
#include <string.h>
#include <strings.h>

#include "world_data_private.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const struct esomock_region esomock__regions[2] = {
    {1, "North America", "NA", "na"},
    {2, "Europe", "EU", "eu"},
};

const struct esomock_subregion esomock__subregions[6] = {
    {1, "PC", 1}, {2, "Xbox", 1}, {3, "PlayStation", 1},
    {4, "PC", 2}, {5, "Xbox", 2}, {6, "PlayStation", 2},
};

/* Shares of the population per megaserver and platform (sum 1). */
const struct esomock_server_info esomock__servers[6] = {
    {1, "PC-NA", "pc-na", 1, 1, 0.34}, {2, "XB-NA", "xb-na", 1, 2, 0.10},
    {3, "PS-NA", "ps-na", 1, 3, 0.14}, {4, "PC-EU", "pc-eu", 2, 4, 0.26},
    {5, "XB-EU", "xb-eu", 2, 5, 0.06}, {6, "PS-EU", "ps-eu", 2, 6, 0.10},
};

const struct esomock_named esomock__factions[3] = {
    {1, "Aldmeri Dominion"},
    {2, "Ebonheart Pact"},
    {3, "Daggerfall Covenant"},
};

const struct esomock_class esomock__classes[7] = {
    {1, "Dragonknight", "dragonknight"},
    {2, "Sorcerer", "sorcerer"},
    {3, "Nightblade", "nightblade"},
    {4, "Templar", "templar"},
    {5, "Warden", "warden"},
    {6, "Necromancer", "necromancer"},
    {7, "Arcanist", "arcanist"},
};

const char *const esomock__spec_names[3] = {"DPS", "Healer", "Tank"};
const char *const esomock__spec_slugs[3] = {"dps", "healer", "tank"};
const char *const esomock__role_names[3] = {"dps", "healer", "tank"};

/* Newer trials draw more groups: weights per block of 64 reports. */
const struct esomock_zone esomock__zones[6] = {
    {8, "Sunspire", "SS", 5, 1, {1, 2, 3}, 1121, 8},
    {12, "Kyne's Aegis", "KA", 6, 1, {4, 5, 6}, 1196, 7},
    {15, "Rockgrove", "RG", 7, 0, {7, 8, 9}, 1263, 9},
    {16, "Dreadsail Reef", "DSR", 8, 0, {10, 11, 12}, 1344, 11},
    {17, "Sanity's Edge", "SE", 9, 0, {13, 14, 15}, 1427, 13},
    {18, "Lucent Citadel", "LC", 10, 0, {16, 17, 18}, 1478, 16},
};

const struct esomock_encounter esomock__encounters[18] = {
    {1, "Lokkestiiz", 8, 86001},
    {2, "Yolnahkriin", 8, 86002},
    {3, "Nahviintaas", 8, 86003},
    {4, "Yandir the Butcher", 12, 97301},
    {5, "Captain Vrol", 12, 97302},
    {6, "Lord Falgravn", 12, 97303},
    {7, "Oaxiltso", 15, 112401},
    {8, "Flame-Herald Bahsei", 15, 112402},
    {9, "Xalvakka", 15, 112403},
    {10, "Lylanar and Turlassil", 16, 126701},
    {11, "Reef Guardian", 16, 126702},
    {12, "Tideborn Taleria", 16, 126703},
    {13, "Exarchanic Yaseyla", 17, 141501},
    {14, "Archwizard Twelvane and Chimera", 17, 141502},
    {15, "Ansuul the Tormentor", 17, 141503},
    {16, "Count Ryelaz and Zilyesset", 18, 156201},
    {17, "Orphic Shattered Shard", 18, 156202},
    {18, "Xoryn", 18, 156203},
};

const struct esomock_named esomock__expansions[6] = {
    {5, "Elsweyr"},   {6, "Greymoor"}, {7, "Blackwood"},
    {8, "High Isle"}, {9, "Necrom"},   {10, "Gold Road"},
};

const struct esomock_named esomock__difficulties[3] = {
    {120, "Normal"},
    {121, "Veteran"},
    {122, "Veteran Hard Mode"},
};

const struct esomock_named esomock__partitions[3] = {
    {1, "Update 46"},
    {2, "Update 47"},
    {3, "Update 48"},
};

const char *const esomock__races[10] = {"Breton",   "Redguard", "Orc",      "Dark Elf", "Nord",
                                        "Argonian", "High Elf", "Wood Elf", "Khajiit",  "Imperial"};

const struct esomock_region *esomock__region(int id)
{
    for (size_t i = 0; i < COUNT(esomock__regions); i++) {
        if (esomock__regions[i].id == id)
            return &esomock__regions[i];
    }
    return NULL;
}

const struct esomock_subregion *esomock__subregion(int id)
{
    return id >= 1 && id <= 6 ? &esomock__subregions[id - 1] : NULL;
}

const struct esomock_server_info *esomock__server(int id)
{
    return id >= 1 && id <= 6 ? &esomock__servers[id - 1] : NULL;
}

const struct esomock_class *esomock__class(int id)
{
    return id >= 1 && id <= 7 ? &esomock__classes[id - 1] : NULL;
}

int esomock__zone_index(int id)
{
    for (size_t i = 0; i < COUNT(esomock__zones); i++) {
        if (esomock__zones[i].id == id)
            return (int)i;
    }
    return -1;
}

const struct esomock_zone *esomock__zone(int id)
{
    int i = esomock__zone_index(id);
    return i >= 0 ? &esomock__zones[i] : NULL;
}

const struct esomock_encounter *esomock__encounter(int id)
{
    return id >= 1 && id <= 18 ? &esomock__encounters[id - 1] : NULL;
}

const char *esomock__expansion_name(int id)
{
    for (size_t i = 0; i < COUNT(esomock__expansions); i++) {
        if (esomock__expansions[i].id == id)
            return esomock__expansions[i].name;
    }
    return NULL;
}

const char *esomock__faction_name(int id)
{
    return id >= 1 && id <= 3 ? esomock__factions[id - 1].name : NULL;
}

const char *esomock__difficulty_name(int id)
{
    return id >= 120 && id <= 122 ? esomock__difficulties[id - 120].name : NULL;
}

int esomock__region_by_name(const char *name)
{
    for (size_t i = 0; name != NULL && i < COUNT(esomock__regions); i++) {
        if (strcasecmp(name, esomock__regions[i].compact) == 0 ||
            strcasecmp(name, esomock__regions[i].slug) == 0)
            return esomock__regions[i].id;
    }
    return 0;
}

int esomock__server_by_slug(const char *region, const char *slug)
{
    int r = esomock__region_by_name(region);
    for (size_t i = 0; r != 0 && slug != NULL && i < COUNT(esomock__servers); i++) {
        if (esomock__servers[i].region == r && strcasecmp(slug, esomock__servers[i].slug) == 0)
            return esomock__servers[i].id;
    }
    return 0;
}

int esomock__class_by_slug(const char *slug)
{
    for (size_t i = 0; slug != NULL && i < COUNT(esomock__classes); i++) {
        if (strcasecmp(slug, esomock__classes[i].slug) == 0)
            return esomock__classes[i].id;
    }
    return 0;
}

int esomock__spec_by_slug(const char *slug)
{
    for (int i = 0; slug != NULL && i < 3; i++) {
        if (strcasecmp(slug, esomock__spec_slugs[i]) == 0)
            return i;
    }
    return -1;
}
