/*
 * Names and flavour text (world_names_private.h). Character and guild names are
 * bijections with an index, so a lookup by name finds its key without a table; the other
 * names are picked from ESO-flavoured word lists by a hash.
 */
#include <stdio.h>
#include <string.h>

#include "world_names_private.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- characters: "Given Family", 64 x 64 given names and 64 x 64 family names ---------- */

static const char *const given_head[64] = {
    "Va",  "Tha", "Ael", "Bra", "Cal", "Dra", "El",  "Fae", "Gal", "Hja", "Ir",  "Jo",  "Ka",
    "Lu",  "Mar", "Nel", "Or",  "Pel", "Qua", "Ri",  "Sa",  "Tel", "Ul",  "Ves", "Wy",  "Xe",
    "Ys",  "Zan", "Al",  "Bel", "Cae", "Dun", "Er",  "Fen", "Gor", "Hal", "Is",  "Jar", "Ker",
    "Lor", "Mir", "Nor", "Od",  "Pra", "Ren", "Sil", "Tor", "Ura", "Vel", "Yr",  "Ama", "Bre",
    "Cyr", "Del", "Eri", "Fra", "Gi",  "Ha",  "Ily", "Kal", "Lys", "Mo",  "Ny",  "Oth",
};
static const char *const given_tail[64] = {
    "ren",  "this", "lia", "dor", "mir",  "wen",  "gar", "nus", "ra",  "vyn",  "dil",  "sa",  "ron",
    "thas", "nia",  "rik", "wyn", "dras", "los",  "ene", "ith", "ian", "mund", "vald", "rah", "sha",
    "gorn", "iel",  "dra", "lyn", "tar",  "mora", "vas", "dis", "rus", "nor",  "elle", "fir", "han",
    "sia",  "bek",  "ryn", "dyl", "mae",  "ros",  "tis", "ul",  "vor", "ael",  "kas",  "mon", "nya",
    "ric",  "sten", "var", "zha", "bor",  "ga",   "rae", "lio", "dun", "ve",   "wyr",  "ano",
};
static const char *const family_head[64] = {
    "Dre",   "Van",   "Tel",   "Hla",   "Ind",  "Sa",   "Ash",   "Bone",   "Storm", "Sun",  "Frost",
    "Green", "Ira",   "Vel",   "Mor",   "Ral",  "Dar",  "Thal",  "Hel",    "Ser",   "Uld",  "Hol",
    "Sil",   "Nir",   "Kor",   "Mal",   "Bal",  "Ren",  "Fal",   "Gre",    "Wyr",   "Ost",  "Ebon",
    "Iron",  "Ember", "Raven", "Thorn", "Gold", "Dusk", "Night", "Shadow", "Star",  "Moon", "Black",
    "White", "Red",   "Wolf",  "Bear",  "Oak",  "Ice",  "Fire",  "Stone",  "Glen",  "Vos",  "Mer",
    "Cor",   "Ald",   "Bry",   "Cass",  "Dun",  "Eld",  "Hart",  "Lan",    "Pyr",
};
static const char *const family_tail[64] = {
    "n",     "tis",   "vanni",  "lor",  "mont", "fall",   "hollow", "weaver", "bough", "caller",
    "hewn",  "shade", "moor",   "wood", "gard", "ric",    "vane",   "crest",  "helm",  "ward",
    "brook", "ton",   "ley",    "rend", "born", "stride", "blade",  "song",   "wind",  "mane",
    "fang",  "heart", "bane",   "more", "dane", "gate",   "ford",   "hall",   "wick",  "march",
    "rise",  "vale",  "vayn",   "rath", "lan",  "dris",   "mir",    "rin",    "dor",   "ren",
    "ros",   "vel",   "thas",   "kar",  "nor",  "vir",    "hal",    "ion",    "lius",  "ius",
    "orn",   "mund",  "thorne", "vyr",
};

/* ---- guilds: "Adj Noun", "The Adj Noun" or "Noun of Place", 128 words each ------------- */

static const char *const guild_adjective[128] = {
    "Shadow",     "Crimson",    "Golden",    "Silver",    "Iron",     "Ebon",      "Azure",
    "Emerald",    "Obsidian",   "Ivory",     "Scarlet",   "Amber",    "Frozen",    "Burning",
    "Silent",     "Hidden",     "Eternal",   "Fallen",    "Risen",    "Wandering", "Howling",
    "Whispering", "Thundering", "Radiant",   "Gilded",    "Ashen",    "Bloody",    "Hallowed",
    "Cursed",     "Sacred",     "Ancient",   "Forgotten", "Lost",     "Veiled",    "Starlit",
    "Moonlit",    "Sunlit",     "Dawn",      "Dusk",      "Twilight", "Midnight",  "Stormborn",
    "Wild",       "Grim",       "Noble",     "Royal",     "Loyal",    "Valiant",   "Fearless",
    "Restless",   "Savage",     "Mystic",    "Arcane",    "Eldritch", "Primal",    "Feral",
    "Vigilant",   "Steadfast",  "Crystal",   "Stone",     "Oaken",    "Thorned",   "Windswept",
    "Salt",       "Mudcrab",    "Scaled",    "Horned",    "Winged",   "Clockwork", "Daedric",
    "Dwemer",     "Ayleid",     "Nordic",    "Khajiiti",  "Argonian", "Bosmer",    "Altmer",
    "Dunmer",     "Orcish",     "Imperial",  "Breton",    "Redguard", "Velvet",    "Brass",
    "Copper",     "Jade",       "Onyx",      "Sapphire",  "Ruby",     "Cobalt",    "Umbral",
    "Lunar",      "Solar",      "Celestial", "Infernal",  "Abyssal",  "Drowned",   "Hollow",
    "Broken",     "Unbroken",   "Last",      "First",     "Seventh",  "Ninth",     "Black",
    "White",      "Red",        "Grey",      "Green",     "Blue",     "Pale",      "Dark",
    "Bright",     "Swift",      "Sly",       "Quiet",     "Merry",    "Drunken",   "Jolly",
    "Honest",     "Wicked",     "Clever",    "Bold",      "Brave",    "Gentle",    "Stalwart",
    "Tenacious",  "Sundered",
};
static const char *const guild_noun[128] = {
    "Court",     "Legion",     "Order",       "Company",    "Guard",    "Watch",     "Circle",
    "Council",   "Covenant",   "Brotherhood", "Sisterhood", "Pact",     "Alliance",  "Syndicate",
    "Guild",     "Fellowship", "Society",     "Lodge",      "Conclave", "Coven",     "Host",
    "Warband",   "Clan",       "Kin",         "Hearth",     "Banner",   "Shield",    "Blade",
    "Spear",     "Arrow",      "Hammer",      "Axe",        "Crown",    "Throne",    "Tower",
    "Keep",      "Citadel",    "Bastion",     "Sanctum",    "Vault",    "Forge",     "Anvil",
    "Lantern",   "Compass",    "Quill",       "Tome",       "Chalice",  "Wolves",    "Ravens",
    "Lions",     "Dragons",    "Wyrms",       "Bears",      "Hawks",    "Serpents",  "Foxes",
    "Stags",     "Owls",       "Spiders",     "Scorpions",  "Mudcrabs", "Netches",   "Guars",
    "Senche",    "Kagouti",    "Durzogs",     "Hounds",     "Knights",  "Wardens",   "Templars",
    "Sentinels", "Rangers",    "Reavers",     "Raiders",    "Corsairs", "Pilgrims",  "Wanderers",
    "Scholars",  "Alchemists", "Merchants",   "Traders",    "Smiths",   "Hunters",   "Trackers",
    "Seekers",   "Keepers",    "Heralds",     "Oathbound",  "Sworn",    "Vanguard",  "Rearguard",
    "Outriders", "Marauders",  "Crusaders",   "Zealots",    "Vigil",    "Accord",    "Concord",
    "Assembly",  "Gathering",  "Tribe",       "Horde",      "Regiment", "Battalion", "Cohort",
    "Squadron",  "Retinue",    "Household",   "Dynasty",    "House",    "Estate",    "Harbor",
    "Haven",     "Refuge",     "Outpost",     "Expedition", "Caravan",  "Trading",   "Exchange",
    "Bazaar",    "Market",     "Tavern",      "Inn",        "Cellar",   "Den",       "Nest",
    "Hive",      "Grove",
};
static const char *const guild_place[128] = {
    "Tamriel",
    "Cyrodiil",
    "Skyrim",
    "Morrowind",
    "Elsweyr",
    "Valenwood",
    "Summerset",
    "Hammerfell",
    "Blackmarsh",
    "Stros M'Kai",
    "Betnikh",
    "Glenumbra",
    "Stormhaven",
    "Rivenspire",
    "Alik'r",
    "Bangkorai",
    "Auridon",
    "Grahtwood",
    "Greenshade",
    "Malabal Tor",
    "Reaper's March",
    "Stonefalls",
    "Deshaan",
    "Shadowfen",
    "Eastmarch",
    "The Rift",
    "Coldharbour",
    "Craglorn",
    "Wrothgar",
    "Hew's Bane",
    "Gold Coast",
    "Vvardenfell",
    "Clockwork City",
    "Artaeum",
    "Murkmire",
    "Northern Elsweyr",
    "Southern Elsweyr",
    "Western Skyrim",
    "Blackreach",
    "The Reach",
    "Blackwood",
    "Fargrave",
    "The Deadlands",
    "High Isle",
    "Galen",
    "Telvanni Peninsula",
    "Apocrypha",
    "West Weald",
    "Solitude",
    "Windhelm",
    "Riften",
    "Whiterun",
    "Markarth",
    "Daggerfall",
    "Wayrest",
    "Sentinel",
    "Evermor",
    "Shornhelm",
    "Camlorn",
    "Davon's Watch",
    "Mournhold",
    "Ebonheart",
    "Stormhold",
    "Vivec City",
    "Balmora",
    "Sadrith Mora",
    "Vulkhel Guard",
    "Skywatch",
    "Elden Root",
    "Marbruk",
    "Rawl'kha",
    "Senchal",
    "Riverhold",
    "Anvil",
    "Kvatch",
    "Leyawiin",
    "Bravil",
    "Chorrol",
    "Bruma",
    "Cheydinhal",
    "Skingrad",
    "the Imperial City",
    "Abah's Landing",
    "Orsinium",
    "Alinor",
    "Lillandril",
    "Cloudrest",
    "Dune",
    "Necrom",
    "Gonfalon Bay",
    "Firesong",
    "Dragonstar",
    "Belkarth",
    "Elinhir",
    "Hel Ra",
    "Sunspire",
    "Rockgrove",
    "Dreadsail Reef",
    "Lucent Citadel",
    "Kyne's Aegis",
    "Sanity's Edge",
    "Aetherian Archive",
    "Fabrication Halls",
    "Lorkhaj's Maw",
    "Asylum Sanctorium",
    "Blackrose Prison",
    "Maelstrom Arena",
    "Vateshran Hollows",
    "Infinite Archive",
    "Sotha Sil's Reach",
    "Nirn",
    "Mundus",
    "Aetherius",
    "Oblivion",
    "Sovngarde",
    "the Dreamsleeve",
    "the Far Shores",
    "the Sands Behind the Stars",
    "the Void",
    "the Aurbis",
    "Lorkhan's Heart",
    "Red Mountain",
    "Frostcrag",
    "High Hrothgar",
    "Labyrinthian",
    "Bleakrock",
    "Khenarthi's Roost",
    "Hircine's Hunt",
};

/* Append @p s to out[*len] within @p size (cut when full). */
static void put(char *out, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + 1 >= size)
        return;
    if (n > size - 1 - *len)
        n = size - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

/* The index of the word of @p words (n of them) that @p s starts with and is followed by a
 * word of @p tails, matching the whole of s; -1 when none. */
static int split_two(const char *s, size_t len, const char *const *heads, const char *const *tails,
                     size_t n, int *tail)
{
    for (size_t i = 0; i < n; i++) {
        size_t hl = strlen(heads[i]);
        if (hl >= len || strncmp(s, heads[i], hl) != 0)
            continue;
        for (size_t j = 0; j < n; j++) {
            if (strlen(tails[j]) == len - hl && strncmp(s + hl, tails[j], len - hl) == 0) {
                *tail = (int)j;
                return (int)i;
            }
        }
    }
    return -1;
}

void esomock__name_character(uint32_t index, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    uint32_t given = (index >> 12) & 4095u, family = index & 4095u;
    put(out, size, &len, given_head[given >> 6]);
    put(out, size, &len, given_tail[given & 63u]);
    put(out, size, &len, " ");
    put(out, size, &len, family_head[family >> 6]);
    put(out, size, &len, family_tail[family & 63u]);
}

bool esomock__name_character_parse(const char *name, uint32_t *index)
{
    const char *space = strchr(name, ' ');
    if (space == NULL || strchr(space + 1, ' ') != NULL)
        return false;
    int gt = 0, ft = 0;
    int gh = split_two(name, (size_t)(space - name), given_head, given_tail, 64, &gt);
    int fh = split_two(space + 1, strlen(space + 1), family_head, family_tail, 64, &ft);
    if (gh < 0 || fh < 0)
        return false;
    *index = ((uint32_t)gh << 18) | ((uint32_t)gt << 12) | ((uint32_t)fh << 6) | (uint32_t)ft;
    return true;
}

void esomock__name_guild(uint32_t index, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    uint32_t form = (index >> 14) % 3u, a = (index >> 7) & 127u, b = index & 127u;
    if (form == 2) {
        put(out, size, &len, guild_noun[b]);
        put(out, size, &len, " of ");
        put(out, size, &len, guild_place[a]);
        return;
    }
    if (form == 1)
        put(out, size, &len, "The ");
    put(out, size, &len, guild_adjective[a]);
    put(out, size, &len, " ");
    put(out, size, &len, guild_noun[b]);
}

static int find_word(const char *const *words, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(words[i]) == len && strncmp(words[i], s, len) == 0)
            return (int)i;
    }
    return -1;
}

bool esomock__name_guild_parse(const char *name, uint32_t *index)
{
    const char *of = strstr(name, " of ");
    if (of != NULL) {
        int b = find_word(guild_noun, 128, name, (size_t)(of - name));
        int a = find_word(guild_place, 128, of + 4, strlen(of + 4));
        if (a < 0 || b < 0)
            return false;
        *index = (2u << 14) | ((uint32_t)a << 7) | (uint32_t)b;
        return true;
    }
    uint32_t form = 0;
    if (strncmp(name, "The ", 4) == 0) {
        form = 1;
        name += 4;
    }
    const char *space = strchr(name, ' ');
    if (space == NULL)
        return false;
    int a = find_word(guild_adjective, 128, name, (size_t)(space - name));
    int b = find_word(guild_noun, 128, space + 1, strlen(space + 1));
    if (a < 0 || b < 0)
        return false;
    *index = (form << 14) | ((uint32_t)a << 7) | (uint32_t)b;
    return true;
}

/* ---- flavour ----------------------------------------------------------------------------- */

static const char *pick(const char *const *words, size_t n, uint64_t h)
{
    return words[h % n];
}

void esomock__name_user(uint64_t h, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    put(out, size, &len, given_head[h % 64]);
    put(out, size, &len, given_tail[(h >> 6) % 64]);
    if ((h >> 12) % 3 == 0) {
        char num[8];
        snprintf(num, sizeof(num), "%u", (unsigned)((h >> 16) % 900 + 10));
        put(out, size, &len, num);
    }
}

void esomock__name_account(uint64_t h, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    put(out, size, &len, "@");
    put(out, size, &len, given_head[h % 64]);
    put(out, size, &len, given_tail[(h >> 6) % 64]);
    if ((h >> 12) % 2 == 0) {
        put(out, size, &len, family_head[(h >> 13) % 64]);
    } else {
        char num[8];
        snprintf(num, sizeof(num), "%u", (unsigned)((h >> 20) % 99 + 1));
        put(out, size, &len, num);
    }
}

static const char *const ability_adjective[] = {
    "Molten",   "Crystal",   "Blessed", "Unstable", "Radiant",  "Searing",  "Venomous", "Frozen",
    "Shocking", "Cleansing", "Barbed",  "Arcane",   "Spectral", "Volatile", "Piercing", "Draining",
    "Soul",     "Shadow",    "Burning", "Living",   "Blazing",  "Bitter",   "Grim",     "Echoing",
    "Mystic",   "Runic",     "Deadly",  "Brutal",   "Healing",  "Warding",  "Vigorous", "Elemental",
};
static const char *const ability_noun[] = {
    "Whip",  "Fragments", "Shards", "Fissure", "Flail",   "Strike",  "Barrage", "Wall",
    "Blast", "Surge",     "Ward",   "Cloak",   "Talons",  "Embrace", "Lance",   "Burst",
    "Grasp", "Totem",     "Beacon", "Mending", "Cascade", "Tide",    "Pounce",  "Cleave",
    "Rune",  "Sigil",     "Bolt",   "Nova",    "Aura",    "Wings",   "Bulwark", "Harvest",
};
static const char *const element[] = {"Flame",    "Frost",  "Shock",   "Magic",
                                      "Physical", "Poison", "Disease", "Bleed"};

void esomock__name_ability(uint64_t h, char *out, size_t size)
{
    snprintf(out, size, "%s %s", pick(ability_adjective, COUNT(ability_adjective), h),
             pick(ability_noun, COUNT(ability_noun), h >> 8));
}

void esomock__text_ability(uint64_t h, char *out, size_t size)
{
    unsigned amount = (unsigned)(h % 4000) + 800;
    unsigned meters = (unsigned)((h >> 12) % 20) + 5;
    unsigned form = (unsigned)((h >> 20) % 4);
    const char *el = pick(element, COUNT(element), h >> 24);
    /* Literal formats, so the compiler checks each against its arguments. */
    switch (form) {
    case 0:
        snprintf(out, size, "Deal %u %s Damage to enemies within %u meters.", amount, el, meters);
        break;
    case 1:
        snprintf(out, size,
                 "Strike an enemy for %u %s Damage and reduce their movement speed for %u "
                 "seconds.",
                 amount, el, meters / 4 + 2);
        break;
    case 2:
        snprintf(out, size, "Heal yourself and allies within %u meters for %u Health.", meters,
                 amount);
        break;
    default:
        snprintf(out, size, "Gain a damage shield that absorbs %u damage for %u seconds.",
                 amount * 3, meters / 3 + 4);
        break;
    }
}

void esomock__icon(const char *kind, uint64_t h, char *out, size_t size)
{
    static const char *const themes[] = {"dragonknight", "sorcerer",    "nightblade", "templar",
                                         "warden",       "necromancer", "arcanist",   "weapon",
                                         "armor",        "mage",        "fighter",    "undaunted"};
    snprintf(out, size, "%s_%s_%03u.png", kind, pick(themes, COUNT(themes), h),
             (unsigned)((h >> 8) % 200) + 1);
}

static const char *const set_name[] = {
    "Kinra",  "Relequen",     "Siroria",  "Mother Ciannait", "Yandir",     "Olorime", "Vrol",
    "Bahsei", "Pillager",     "Coral",    "Tzogvin",         "Lokkestiiz", "Ansuul",  "Azureblight",
    "Whorl",  "Stone-Talker", "Saxhleel", "Sul-Xan",         "Jorvuld",    "Zaan",    "Nazaray",
};
static const char *const set_noun[] = {
    "Wrath",   "Fury",   "Might", "Focus",  "Cleaver", "Decisive", "Ward",    "Mantle",
    "Resolve", "Reaper", "Vigor", "Bounty", "Embrace", "Oath",     "Torment", "Profit",
};

void esomock__name_item_set(uint64_t h, char *out, size_t size)
{
    snprintf(out, size, "%s's %s", pick(set_name, COUNT(set_name), h),
             pick(set_noun, COUNT(set_noun), h >> 8));
}

void esomock__name_item(uint64_t h, char *out, size_t size)
{
    static const char *const kinds[] = {
        "Inferno Staff",
        "Lightning Staff",
        "Restoration Staff",
        "Ice Staff",
        "Dagger",
        "Greatsword",
        "Bow",
        "Sword",
        "Shield",
        "Helmet",
        "Cuirass",
        "Gauntlets",
        "Greaves",
        "Sabatons",
        "Necklace",
        "Ring",
        "Jerkin",
        "Robe",
        "Hat",
        "Belt",
    };
    char set[64];
    esomock__name_item_set(h >> 16, set, sizeof(set));
    snprintf(out, size, "%s%s %s", (h & 3) == 0 ? "Perfected " : "", set,
             pick(kinds, COUNT(kinds), h >> 4));
}

void esomock__name_npc(uint64_t h, char *out, size_t size)
{
    static const char *const kinds[] = {"Skeletal Archer", "Dremora Kynval", "Flesh Atronach",
                                        "Daedric Titan",   "Spriggan",       "Ogrim",
                                        "Welwa",           "Scamp",          "Clannfear",
                                        "Lurcher",         "Harvester",      "Bone Colossus",
                                        "Fire Mage",       "Nord Berserker", "Argonian Behemoth",
                                        "Sea Giant",       "Gryphon",        "Wamasu"};
    if ((h & 3) == 0) {
        char given[32];
        size_t len = 0;
        given[0] = '\0';
        put(given, sizeof(given), &len, given_head[(h >> 2) % 64]);
        put(given, sizeof(given), &len, given_tail[(h >> 8) % 64]);
        snprintf(out, size, "%s the %s", given,
                 pick(ability_adjective, COUNT(ability_adjective), h >> 14));
        return;
    }
    snprintf(out, size, "%s", pick(kinds, COUNT(kinds), h >> 2));
}

void esomock__name_map(uint64_t h, char *out, size_t size)
{
    static const char *const parts[] = {"Vaults", "Ruins",  "Sanctum", "Halls",   "Depths",
                                        "Hollow", "Grotto", "Keep",    "Outpost", "Barrow",
                                        "Crypt",  "Mine",   "Delve",   "Harbor",  "Spire"};
    snprintf(out, size, "%s %s", pick(guild_place, 128, h), pick(parts, COUNT(parts), h >> 8));
}

void esomock__text_guild(uint64_t h, const char *server, char *out, size_t size)
{
    static const char *const what[] = {
        "Veteran trial progression and score pushing",
        "A relaxed social guild for questers and crafters",
        "Hard mode trials and leaderboard runs",
        "PvP in Cyrodiil and weekly trial nights",
        "Trading guild with a kiosk in every city",
        "Dungeon speed runs, achievements and trifectas",
    };
    static const char *const days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
    /* Put together by hand: this is on every generated guild's path, and snprintf was a
     * tenth of a generated lookup (bench/world_bench.c). */
    static const char *const hours[] = {"7", "8", "9", "10"};
    size_t len = 0;
    out[0] = '\0';
    put(out, size, &len, pick(what, COUNT(what), h));
    put(out, size, &len, " on ");
    put(out, size, &len, server);
    put(out, size, &len, ". Raids ");
    put(out, size, &len, pick(days, 7, h >> 8));
    put(out, size, &len, " and ");
    put(out, size, &len, pick(days, 7, (h >> 8) + 2 + (h >> 16) % 3));
    put(out, size, &len, ", ");
    put(out, size, &len, hours[(h >> 24) % 4]);
    put(out, size, &len, " PM.");
}

void esomock__text_tag(uint64_t h, char *out, size_t size)
{
    static const char *const tags[] = {"Main Roster",     "Progression Team",   "Alt Run",
                                       "Weeknight Crew",  "Score Push",         "Training Night",
                                       "Hard Mode Squad", "Achievement Hunters"};
    snprintf(out, size, "%s", pick(tags, COUNT(tags), h));
}

void esomock__text_report_title(uint64_t h, const char *zone_short, int difficulty, char *out,
                                size_t size)
{
    static const char *const what[] = {"prog night",        "score runs",  "farm",
                                       "trifecta attempts", "reclears",    "practice",
                                       "speed runs",        "achievements"};
    const char *prefix = difficulty == 122 ? "v" : difficulty == 121 ? "v" : "n";
    snprintf(out, size, "%s%s%s - %s", prefix, zone_short, difficulty == 122 ? " HM" : "",
             pick(what, COUNT(what), h));
}
