/*
 * The world's keys and relations (world_private.h): which keys exist, report codes, and
 * the keyed permutations that place characters in guilds and on servers, reports with
 * their owners, times and zones, each computable both ways.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_data_private.h"
#include "world_fixtures_private.h"
#include "world_gen_private.h"
#include "world_private.h"

/* ---- permutations ------------------------------------------------------------------------ */

static inline uint64_t round_fn(uint64_t half_value, uint64_t key, unsigned round, uint64_t mask)
{
    return esomock__mix64(half_value ^ key ^ ((uint64_t)(round + 1) * 0x9e3779b97f4a7c15ull)) &
           mask;
}

static uint64_t feistel(uint64_t x, unsigned half, uint64_t key)
{
    uint64_t mask = half >= 32 ? 0xffffffffull : (1ull << half) - 1;
    uint64_t l = (x >> half) & mask, r = x & mask;
    for (unsigned i = 0; i < 4; i++) {
        uint64_t t = l ^ round_fn(r, key, i, mask);
        l = r;
        r = t;
    }
    return (l << half) | r;
}

static uint64_t feistel_inv(uint64_t x, unsigned half, uint64_t key)
{
    uint64_t mask = half >= 32 ? 0xffffffffull : (1ull << half) - 1;
    uint64_t l = (x >> half) & mask, r = x & mask;
    for (unsigned i = 4; i-- > 0;) {
        uint64_t t = r ^ round_fn(l, key, i, mask);
        r = l;
        l = t;
    }
    return (l << half) | r;
}

/* Half the bits of the smallest even-width domain holding [0, n). */
static unsigned half_bits(uint64_t n)
{
    unsigned bits = 1;
    while (bits < 64 && (n - 1) >> bits != 0)
        bits++;
    return (bits + 1) / 2;
}

uint64_t esomock__perm(uint64_t x, uint64_t n, uint64_t key)
{
    if (n <= 1)
        return 0;
    unsigned half = half_bits(n);
    uint64_t y = x;
    do
        y = feistel(y, half, key);
    while (y >= n);
    return y;
}

uint64_t esomock__perm_inv(uint64_t x, uint64_t n, uint64_t key)
{
    if (n <= 1)
        return 0;
    unsigned half = half_bits(n);
    uint64_t y = x;
    do
        y = feistel_inv(y, half, key);
    while (y >= n);
    return y;
}

/* ---- existence --------------------------------------------------------------------------- */

static bool in_sorted(const int64_t *a, size_t n, int64_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo] == v;
}

static bool in_static_table(enum esomock_wtype type, int64_t id)
{
    if (id < 1 || id > 1000000)
        return false;
    switch (type) {
    case ESOMOCK_WT_CLASS:
        return esomock__class((int)id) != NULL;
    case ESOMOCK_WT_SPEC:
        return id <= ESOMOCK_SPECS;
    case ESOMOCK_WT_FACTION:
        return esomock__faction_name((int)id) != NULL;
    case ESOMOCK_WT_ZONE:
        return esomock__zone((int)id) != NULL;
    case ESOMOCK_WT_ENCOUNTER:
        return esomock__encounter((int)id) != NULL;
    case ESOMOCK_WT_EXPANSION:
        return esomock__expansion_name((int)id) != NULL;
    case ESOMOCK_WT_REGION:
        return esomock__region((int)id) != NULL;
    case ESOMOCK_WT_SUBREGION:
        return esomock__subregion((int)id) != NULL;
    case ESOMOCK_WT_SERVER:
        return esomock__server((int)id) != NULL;
    default:
        return false;
    }
}

bool esomock__world_exists(const struct esomock_world *w, enum esomock_wtype type, int64_t id)
{
    if (type >= ESOMOCK_WT_COUNT)
        return false;
    const struct esomock_world_keys *k = &w->cfg.keys[type];
    if (in_sorted(k->missing, k->missing_count, id))
        return false;
    if (type < ESOMOCK_WT_RANGED)
        return id >= k->min && id <= k->max;
    if (type == ESOMOCK_WT_GUILD_TAG)
        return esomock__world_tag_guild(w, id) != 0;
    return in_static_table(type, id);
}

/* ---- report codes ------------------------------------------------------------------------ */

static const char code_alphabet[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/* Positions of the five check characters among the sixteen. */
static const bool check_position[16] = {true,  false, false, true,  false, false, true,  false,
                                        false, true,  false, false, true,  false, false, false};

static int code_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 36;
    return -1;
}

static uint64_t code_check(const struct esomock_world *w, uint64_t v)
{
    return esomock__mix64(v ^ w->key_code ^ 0x6a09e667f3bcc909ull) % 916132832ull; /* 62^5 */
}

void esomock__world_report_code(const struct esomock_world *w, int64_t n, char out[17])
{
    uint64_t v = feistel((uint64_t)n, 32, w->key_code);
    uint64_t check = code_check(w, v);
    char value[11], sum[5];
    for (int i = 10; i >= 0; i--) {
        value[i] = code_alphabet[v % 62];
        v /= 62;
    }
    for (int i = 4; i >= 0; i--) {
        sum[i] = code_alphabet[check % 62];
        check /= 62;
    }
    for (int i = 0, a = 0, b = 0; i < 16; i++)
        out[i] = check_position[i] ? sum[a++] : value[b++];
    out[16] = '\0';
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool code_missing(const struct esomock_world *w, const char *code)
{
    return w->cfg.missing_code_count > 0 &&
           bsearch(&code, w->cfg.missing_codes, w->cfg.missing_code_count, sizeof(char *),
                   cmp_code) != NULL;
}

enum esomock_code esomock__world_report_decode(const struct esomock_world *w, const char *code,
                                               int64_t *n)
{
    enum esomock_code c = esomock__world_report_decode_raw(w, code, n);
    if (c == ESOMOCK_CODE_OK && code_missing(w, code))
        return ESOMOCK_CODE_UNKNOWN;
    return c;
}

enum esomock_code esomock__world_report_decode_raw(const struct esomock_world *w, const char *code,
                                                   int64_t *n)
{
    if (code == NULL || strlen(code) != 16)
        return ESOMOCK_CODE_MALFORMED;
    uint64_t v = 0, check = 0;
    bool overflow = false;
    for (int i = 0; i < 16; i++) {
        int d = code_digit(code[i]);
        if (d < 0)
            return ESOMOCK_CODE_MALFORMED;
        if (check_position[i]) {
            check = check * 62 + (uint64_t)d;
        } else {
            if (v > (UINT64_MAX - (uint64_t)d) / 62)
                overflow = true;
            v = v * 62 + (uint64_t)d;
        }
    }
    if (overflow || check != code_check(w, v))
        return ESOMOCK_CODE_UNKNOWN;
    uint64_t index = feistel_inv(v, 32, w->key_code);
    if (index >= (uint64_t)w->reports)
        return ESOMOCK_CODE_UNKNOWN;
    *n = (int64_t)index;
    return ESOMOCK_CODE_OK;
}

bool esomock__world_report_exists(const struct esomock_world *w, int64_t n)
{
    if (n < 0 || n >= w->reports)
        return false;
    if (w->cfg.missing_code_count == 0)
        return true;
    char code[17];
    esomock__world_report_code(w, n, code);
    return !code_missing(w, code);
}

/* ---- guilds, characters and servers ------------------------------------------------------ */

static int region_of(const int64_t *start, int64_t x)
{
    for (int k = 0; k < 6; k++) {
        if (x < start[k + 1])
            return k;
    }
    return 5;
}

int esomock__world_guild_server(const struct esomock_world *w, int64_t guild)
{
    uint64_t b = esomock__perm((uint64_t)(guild - w->cfg.keys[ESOMOCK_WT_GUILD].min),
                               (uint64_t)w->n[ESOMOCK_WT_GUILD], w->key_guild);
    return region_of(w->guild_start, (int64_t)b) + 1;
}

int esomock__world_guild_home(const struct esomock_world *w, int64_t guild)
{
    const struct esomock_wguild_rel *rel = esomock__windex_guild(w->index, guild);
    if (rel != NULL && rel->server != 0)
        return rel->server;
    return esomock__world_guild_server(w, guild);
}

int esomock__world_character_home(const struct esomock_world *w, int64_t id)
{
    const struct esomock_wchar_rel *rel = esomock__windex_character(w->index, id);
    if (rel != NULL && rel->server != 0)
        return rel->server;
    return esomock__world_character(w, id).server;
}

int64_t esomock__world_guild_position(const struct esomock_world *w, int64_t guild)
{
    int64_t b = (int64_t)esomock__perm((uint64_t)(guild - w->cfg.keys[ESOMOCK_WT_GUILD].min),
                                       (uint64_t)w->n[ESOMOCK_WT_GUILD], w->key_guild);
    return b - w->guild_start[region_of(w->guild_start, b)];
}

int64_t esomock__world_server_guilds(const struct esomock_world *w, int server)
{
    return w->guild_start[server] - w->guild_start[server - 1];
}

int64_t esomock__world_server_guild(const struct esomock_world *w, int server, int64_t i)
{
    uint64_t b = (uint64_t)(w->guild_start[server - 1] + i);
    return w->cfg.keys[ESOMOCK_WT_GUILD].min +
           (int64_t)esomock__perm_inv(b, (uint64_t)w->n[ESOMOCK_WT_GUILD], w->key_guild);
}

int esomock__world_guild_faction(const struct esomock_world *w, int64_t guild)
{
    return (int)esomock__below(esomock__wh(w, WT_FACTION, (uint64_t)guild, 0), 3) + 1;
}

int64_t esomock__world_guild_members(const struct esomock_world *w, int64_t guild)
{
    const struct esomock_wguild_rel *rel = esomock__windex_guild(w->index, guild);
    if (rel != NULL && rel->members != NULL) {
        /* A fixture's page fixes the count: the world fills what its rows do not. */
        const cJSON *total = cJSON_GetObjectItemCaseSensitive(rel->members, "total");
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(rel->members, "data");
        int64_t t = cJSON_IsNumber(total) ? (int64_t)total->valuedouble : 0;
        int64_t rows = cJSON_IsArray(data) ? cJSON_GetArraySize(data) : 0;
        int64_t m = t - rows;
        return m < 0 ? 0 : m > w->block ? w->block : m;
    }
    if (w->block <= 3)
        return w->block;
    double u = esomock__unit(esomock__wh(w, WT_MEMBERS, (uint64_t)guild, 0));
    return 3 + (int64_t)((double)(w->block - 3) * u * u * u);
}

static int64_t block_start(const struct esomock_world *w, int64_t guild)
{
    int64_t b = (int64_t)esomock__perm((uint64_t)(guild - w->cfg.keys[ESOMOCK_WT_GUILD].min),
                                       (uint64_t)w->n[ESOMOCK_WT_GUILD], w->key_guild);
    int k = region_of(w->guild_start, b);
    return w->slot_start[k] + (b - w->guild_start[k]) * w->block;
}

static int64_t character_of_slot(const struct esomock_world *w, int64_t slot)
{
    return w->cfg.keys[ESOMOCK_WT_CHARACTER].min +
           (int64_t)esomock__perm((uint64_t)slot, (uint64_t)w->n[ESOMOCK_WT_CHARACTER],
                                  w->key_character);
}

int64_t esomock__world_guild_member(const struct esomock_world *w, int64_t guild, int64_t p)
{
    return character_of_slot(w, block_start(w, guild) + p);
}

int64_t esomock__world_server_characters(const struct esomock_world *w, int server)
{
    return w->slot_start[server] - w->slot_start[server - 1];
}

int64_t esomock__world_server_character(const struct esomock_world *w, int server, int64_t i)
{
    return character_of_slot(w, w->slot_start[server - 1] + i);
}

struct esomock_world_char esomock__world_character(const struct esomock_world *w, int64_t id)
{
    struct esomock_world_char c = {0};
    int64_t slot =
        (int64_t)esomock__perm_inv((uint64_t)(id - w->cfg.keys[ESOMOCK_WT_CHARACTER].min),
                                   (uint64_t)w->n[ESOMOCK_WT_CHARACTER], w->key_character);
    int k = region_of(w->slot_start, slot);
    c.server = k + 1;
    c.srv_i = slot - w->slot_start[k];
    int64_t local = c.srv_i / w->block;
    if (local < w->guild_start[k + 1] - w->guild_start[k]) {
        int64_t guild = w->cfg.keys[ESOMOCK_WT_GUILD].min +
                        (int64_t)esomock__perm_inv((uint64_t)(w->guild_start[k] + local),
                                                   (uint64_t)w->n[ESOMOCK_WT_GUILD], w->key_guild);
        int64_t p = c.srv_i % w->block;
        if (esomock__world_exists(w, ESOMOCK_WT_GUILD, guild) &&
            p < esomock__world_guild_members(w, guild)) {
            c.guild = guild;
            c.pos = p;
        }
    }
    return c;
}

/* ---- reports ----------------------------------------------------------------------------- */

struct esomock_owner esomock__world_report_owner(const struct esomock_world *w, int64_t n)
{
    uint64_t o = esomock__perm_inv((uint64_t)(n % w->owners), (uint64_t)w->owners, w->key_owner);
    struct esomock_owner owner;
    owner.guild = (int64_t)o < w->n[ESOMOCK_WT_GUILD];
    owner.id = owner.guild ? w->cfg.keys[ESOMOCK_WT_GUILD].min + (int64_t)o
                           : w->cfg.keys[ESOMOCK_WT_USER].min + (int64_t)o - w->n[ESOMOCK_WT_GUILD];
    return owner;
}

int64_t esomock__world_owner_slot(const struct esomock_world *w, struct esomock_owner owner)
{
    int64_t o = owner.guild ? owner.id - w->cfg.keys[ESOMOCK_WT_GUILD].min
                            : w->n[ESOMOCK_WT_GUILD] + owner.id - w->cfg.keys[ESOMOCK_WT_USER].min;
    return (int64_t)esomock__perm((uint64_t)o, (uint64_t)w->owners, w->key_owner);
}

int64_t esomock__world_owner_reports(const struct esomock_world *w, struct esomock_owner owner)
{
    int64_t slot = esomock__world_owner_slot(w, owner);
    return slot < w->reports ? (w->reports - 1 - slot) / w->owners + 1 : 0;
}

double esomock__world_report_start(const struct esomock_world *w, int64_t n)
{
    double u = 0.05 + 0.9 * esomock__unit(esomock__wh(w, WT_REPORT_TIME, (uint64_t)n, 0));
    return floor(w->cfg.end_ms - ((double)n + u) * w->report_step_ms);
}

double esomock__world_report_end(const struct esomock_world *w, int64_t n)
{
    struct esomock_wlayout layout;
    esomock__wreport_layout(w, esomock__wreport_key(w, n, NULL), esomock__world_report_zone(w, n),
                            &layout);
    return esomock__world_report_start(w, n) + layout.length;
}

int64_t esomock__world_report_at(const struct esomock_world *w, double t)
{
    double guess = ceil((w->cfg.end_ms - t) / w->report_step_ms - 1.0);
    int64_t n = guess < 0 ? 0 : guess > (double)w->reports ? w->reports : (int64_t)guess;
    while (n > 0 && esomock__world_report_start(w, n - 1) <= t)
        n--;
    while (n < w->reports && esomock__world_report_start(w, n) > t)
        n++;
    return n;
}

/* The zone table index of block position @p q of block @p block. */
static int zone_at(const struct esomock_world *w, int64_t block, int q)
{
    int slot = (int)esomock__perm((uint64_t)q, ESOMOCK_WORLD_ZONE_BLOCK,
                                  esomock__wh(w, WT_ZONE_BLOCK, (uint64_t)block, 0));
    int sum = 0;
    for (int z = 0; z < 6; z++) {
        sum += esomock__zones[z].weight;
        if (slot < sum)
            return z;
    }
    return 5;
}

int esomock__world_report_zone(const struct esomock_world *w, int64_t n)
{
    return esomock__zones[zone_at(w, n / ESOMOCK_WORLD_ZONE_BLOCK,
                                  (int)(n % ESOMOCK_WORLD_ZONE_BLOCK))]
        .id;
}

int64_t esomock__world_zone_count_before(const struct esomock_world *w, int z, int64_t n)
{
    int64_t block = n / ESOMOCK_WORLD_ZONE_BLOCK;
    int64_t count = block * esomock__zones[z].weight;
    for (int q = 0; q < (int)(n % ESOMOCK_WORLD_ZONE_BLOCK); q++)
        count += zone_at(w, block, q) == z;
    return count;
}

int64_t esomock__world_zone_select(const struct esomock_world *w, int z, int64_t i)
{
    int weight = esomock__zones[z].weight;
    int64_t block = i / weight;
    int64_t r = i % weight;
    for (int q = 0; q < ESOMOCK_WORLD_ZONE_BLOCK; q++) {
        if (zone_at(w, block, q) == z && r-- == 0)
            return block * ESOMOCK_WORLD_ZONE_BLOCK + q;
    }
    return block * ESOMOCK_WORLD_ZONE_BLOCK; /* not reached: a block holds weight of each */
}

int64_t esomock__world_report_uploader(const struct esomock_world *w, int64_t n)
{
    struct esomock_owner owner = esomock__world_report_owner(w, n);
    if (!owner.guild)
        return owner.id;
    /* A guild's logs are uploaded by its logger. */
    return w->cfg.keys[ESOMOCK_WT_USER].min +
           (int64_t)esomock__below(esomock__wh(w, WT_USER, (uint64_t)owner.id, 0),
                                   (uint64_t)w->n[ESOMOCK_WT_USER]);
}

/* ---- tags -------------------------------------------------------------------------------- */

size_t esomock__world_guild_tags(const struct esomock_world *w, int64_t guild, int64_t *ids,
                                 size_t max)
{
    const struct esomock_wguild_rel *rel = esomock__windex_guild(w->index, guild);
    if (rel != NULL && rel->has_tags) {
        size_t n = rel->tag_count < max ? rel->tag_count : max;
        memcpy(ids, rel->tags, n * sizeof(*ids));
        return n;
    }
    size_t n = (size_t)esomock__below(esomock__wh(w, WT_TAGS, (uint64_t)guild, 0), 3);
    if (n > max)
        n = max;
    int64_t index = guild - w->cfg.keys[ESOMOCK_WT_GUILD].min;
    for (size_t j = 0; j < n; j++)
        ids[j] = ESOMOCK_WORLD_TAG_BASE + index * ESOMOCK_WORLD_TAGS_PER_GUILD + (int64_t)j;
    return n;
}

int64_t esomock__world_tag_guild(const struct esomock_world *w, int64_t id)
{
    int64_t guild = esomock__windex_tag_guild(w->index, id);
    if (guild != 0)
        return guild;
    if (id < ESOMOCK_WORLD_TAG_BASE)
        return 0;
    int64_t index = (id - ESOMOCK_WORLD_TAG_BASE) / ESOMOCK_WORLD_TAGS_PER_GUILD;
    if (index >= w->n[ESOMOCK_WT_GUILD])
        return 0;
    guild = w->cfg.keys[ESOMOCK_WT_GUILD].min + index;
    if (!esomock__world_exists(w, ESOMOCK_WT_GUILD, guild))
        return 0;
    int64_t tags[ESOMOCK_WINDEX_MAX_REL];
    size_t n = esomock__world_guild_tags(w, guild, tags, ESOMOCK_WINDEX_MAX_REL);
    for (size_t j = 0; j < n; j++) {
        if (tags[j] == id)
            return guild;
    }
    return 0;
}

int64_t esomock__world_report_tag(const struct esomock_world *w, int64_t n, int64_t guild)
{
    int64_t tags[ESOMOCK_WINDEX_MAX_REL];
    size_t count = esomock__world_guild_tags(w, guild, tags, ESOMOCK_WINDEX_MAX_REL);
    size_t j = (size_t)esomock__below(esomock__wh(w, WT_REPORT_TAG, (uint64_t)n, 0), count + 1);
    return j < count ? tags[j] : 0;
}

/* ---- overrides --------------------------------------------------------------------------- */

static int cmp_override(enum esomock_wtype type, int64_t id, const char *code,
                        const struct esomock_world_override *o)
{
    if (type != o->type)
        return type < o->type ? -1 : 1;
    if (id != o->id)
        return id < o->id ? -1 : 1;
    return strcmp(code != NULL ? code : "", o->code != NULL ? o->code : "");
}

const cJSON *esomock__world_override(const struct esomock_world *w, enum esomock_wtype type,
                                     int64_t id, const char *code, const char *field)
{
    size_t lo = 0, hi = w->cfg.override_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_override(type, id, code, &w->cfg.overrides[mid]);
        if (c == 0)
            return cJSON_GetObjectItemCaseSensitive(w->cfg.overrides[mid].fields, field);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int64_t esomock__world_override_by_name(const struct esomock_world *w, enum esomock_wtype type,
                                        const char *name)
{
    for (size_t i = 0; i < w->cfg.override_count; i++) {
        const struct esomock_world_override *o = &w->cfg.overrides[i];
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(o->fields, "name");
        if (o->type == type && cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return o->id;
    }
    return 0;
}

/* ---- the world --------------------------------------------------------------------------- */

static atomic_uint_fast64_t next_stamp = 1;

/* Split [0, n) among the six servers by their weights. */
static void split_by_server(int64_t n, int64_t start[7])
{
    double sum = 0;
    start[0] = 0;
    for (int k = 0; k < 6; k++) {
        sum += esomock__servers[k].weight;
        start[k + 1] = k == 5 ? n : (int64_t)floor((double)n * sum);
    }
}

static bool derive(struct esomock_world *w, char *err)
{
    const struct esomock_world_config *c = &w->cfg;
    for (int t = 0; t < ESOMOCK_WT_RANGED; t++)
        w->n[t] = c->keys[t].max - c->keys[t].min + 1;
    w->reports = c->report_count;
    w->owners = w->n[ESOMOCK_WT_GUILD] + w->n[ESOMOCK_WT_USER];
    w->report_step_ms = c->span_days * 86400000.0 / (double)(w->reports > 0 ? w->reports : 1);
    split_by_server(w->n[ESOMOCK_WT_GUILD], w->guild_start);
    split_by_server(w->n[ESOMOCK_WT_CHARACTER], w->slot_start);
    /* Each server's guilds take equal blocks of its character slots. */
    w->block = ESOMOCK_WORLD_GUILD_MAX_MEMBERS;
    for (int k = 0; k < 6; k++) {
        int64_t guilds = w->guild_start[k + 1] - w->guild_start[k];
        int64_t slots = w->slot_start[k + 1] - w->slot_start[k];
        if (guilds > 0 && slots / guilds < w->block)
            w->block = slots / guilds;
    }
    if (w->block < 1) {
        snprintf(err, ESOMOCK_ERROR_SIZE,
                 "%s: the world has fewer characters (%lld) than guilds (%lld): each guild "
                 "needs room for members",
                 c->source != NULL ? c->source : "world", (long long)w->n[ESOMOCK_WT_CHARACTER],
                 (long long)w->n[ESOMOCK_WT_GUILD]);
        return false;
    }
    w->key_character = esomock__mix64(c->seed ^ 0x1c4a7u);
    w->key_guild = esomock__mix64(c->seed ^ 0x2b9e1u);
    w->key_owner = esomock__mix64(c->seed ^ 0x3d0f5u);
    w->key_code = esomock__mix64(c->seed ^ 0x4e6a3u);
    w->key_names = esomock__mix64(c->seed ^ 0x5f1c7u);
    return true;
}

struct esomock_world *esomock__world_create(const struct esomock_world_config *config,
                                            const struct esomock_fixture_set *fixtures,
                                            const struct gql_schema *schema, char *err)
{
    struct esomock_world *w = calloc(1, sizeof(*w));
    if (w == NULL || !esomock__world_config_copy(&w->cfg, config)) {
        snprintf(err, ESOMOCK_ERROR_SIZE, "out of memory while making the world");
        free(w);
        return NULL;
    }
    w->schema = schema;
    w->fixtures = fixtures;
    w->stamp = atomic_fetch_add(&next_stamp, 1);
    if (!derive(w, err) || !esomock__wgen_init(w, err))
        goto fail;
    w->index = esomock__windex_build(w, err);
    if (w->index == NULL)
        goto fail;
    return w;
fail:
    esomock__world_destroy(w);
    return NULL;
}

void esomock__world_destroy(struct esomock_world *w)
{
    if (w == NULL)
        return;
    esomock__windex_free(w->index);
    esomock__wgen_finish(w);
    esomock__world_config_finish(&w->cfg);
    free(w);
}

const struct esomock_data_source *esomock__world_source(const struct esomock_world *w)
{
    return w != NULL ? &w->source : NULL;
}
