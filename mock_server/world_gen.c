/*
 * The world's answers (world_gen_private.h): lookups of the root namespaces, the fields of
 * characters, guilds, users, game data and the world's static tables, pages, and the
 * fields a fixture's object lacks. Reports' insides are world_report.c's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_data_private.h"
#include "world_fixtures_private.h"
#include "world_gen_private.h"
#include "world_json_private.h"
#include "world_names_private.h"

static const char origin_world[] = "the world";
static const char origin_fixtures[] = "the fixtures";

/* ---- outputs ----------------------------------------------------------------------------- */

static void out_int(struct gql_source *out, int64_t v)
{
    out->kind = GQL_SOURCE_INT;
    out->i = v;
}

static void out_float(struct gql_source *out, double v)
{
    out->kind = GQL_SOURCE_FLOAT;
    out->f = v;
}

static void out_bool(struct gql_source *out, bool v)
{
    out->kind = GQL_SOURCE_BOOLEAN;
    out->b = v;
}

static void out_null(struct gql_source *out)
{
    out->kind = GQL_SOURCE_NULL;
}

/* A value a fixture holds, as it stands there. */
static void out_fixture(struct gql_source *out, const cJSON *json)
{
    out->kind = GQL_SOURCE_JSON;
    out->json = json;
    out->origin = origin_fixtures;
}

static void out_static(struct gql_source *out, const char *s)
{
    out->kind = GQL_SOURCE_STRING;
    out->s = s;
}

void esomock__out_string(struct gql_source *out, struct gql_exec *exec, const char *s)
{
    out->s = gql_exec_strdup(exec, s);
    out->kind = out->s != NULL ? GQL_SOURCE_STRING : GQL_SOURCE_ERROR;
    if (out->s == NULL)
        out->s = "Out of memory.";
}

void esomock__out_error(struct gql_source *out, struct gql_exec *exec, const char *message)
{
    out->kind = GQL_SOURCE_ERROR;
    out->s = gql_exec_strdup(exec, message);
    if (out->s == NULL)
        out->s = "Out of memory.";
    out->category = "graphql";
}

/* ---- objects ----------------------------------------------------------------------------- */

struct esomock_wnode *esomock__wnode(const struct esomock_world *w, struct gql_exec *exec,
                                     enum esomock_wobj kind, int64_t id)
{
    struct esomock_wnode *n = gql_exec_alloc(exec, sizeof(*n));
    if (n == NULL)
        return NULL;
    n->head.owner = &w->source;
    n->kind = kind;
    n->id = id;
    n->next = -1;
    return n;
}

static void out_node(struct gql_source *out, struct esomock_wnode *n)
{
    if (n == NULL) {
        out->kind = GQL_SOURCE_ERROR;
        out->s = "Out of memory.";
        return;
    }
    out->kind = GQL_SOURCE_HANDLE;
    out->handle = n;
    out->origin = origin_world;
}

void esomock__wentity(const struct esomock_world *w, const struct gql_field_info *info,
                      enum esomock_wobj kind, int64_t id, const char *code, struct gql_source *out)
{
    char buf[17];
    if (kind == WO_REPORT && code == NULL && id >= 0) {
        esomock__world_report_code(w, id, buf);
        code = buf;
    }
    size_t count = 0;
    const cJSON *const *objs =
        esomock__windex_objects(w->index, kind, kind == WO_REPORT ? 0 : id, code, &count);
    if (count > 0) {
        out_fixture(out, objs[0]);
        return;
    }
    struct esomock_wnode *n = esomock__wnode(w, info->exec, kind, id);
    if (n != NULL && code != NULL) {
        n->code = gql_exec_strdup(info->exec, code);
        if (n->code == NULL)
            n = NULL;
    }
    out_node(out, n);
}

/* A list handle: items made one by one by list_item. */
struct wlist_h {
    struct esomock_handle head;
    enum esomock_wobj item;
    const int64_t *ids;
    const cJSON **json; /* a fixture's filtered items, or NULL */
    const struct esomock_wnode *parent;
    const struct esomock_wnode *page; /* rows of a page, or NULL */
};

void esomock__wlist_out(const struct esomock_world *w, const struct gql_field_info *info,
                        enum esomock_wobj item, const int64_t *ids, size_t count,
                        const struct esomock_wnode *parent, struct gql_source *out)
{
    struct wlist_h *l = gql_exec_alloc(info->exec, sizeof(*l));
    int64_t *copy = count > 0 ? gql_exec_alloc(info->exec, count * sizeof(*copy)) : NULL;
    if (l == NULL || (count > 0 && copy == NULL)) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return;
    }
    if (count > 0)
        memcpy(copy, ids, count * sizeof(*copy));
    l->head.owner = &w->source;
    l->item = item;
    l->ids = copy;
    l->parent = parent;
    out->kind = GQL_SOURCE_LIST;
    out->handle = l;
    out->count = count;
    out->origin = origin_world;
}

/* ---- types ------------------------------------------------------------------------------- */

static const struct {
    enum esomock_wobj kind;
    const char *name;
} object_type_names[] = {
    {WO_CHARACTER, "Character"},
    {WO_GUILD, "Guild"},
    {WO_GUILD_TAG, "GuildTag"},
    {WO_GUILD_ZONE_RANKINGS, "GuildZoneRankings"},
    {WO_RANK_POSITIONS, "WorldRegionServerRankPositions"},
    {WO_RANK, "Rank"},
    {WO_ATTENDANCE, "GuildAttendance"},
    {WO_PLAYER_ATTENDANCE, "PlayerAttendance"},
    {WO_REPORT, "Report"},
    {WO_ARCHIVE_STATUS, "ReportArchiveStatus"},
    {WO_FIGHT, "ReportFight"},
    {WO_GAME_ZONE, "GameZone"},
    {WO_MASTER_DATA, "ReportMasterData"},
    {WO_ACTOR, "ReportActor"},
    {WO_REPORT_ABILITY, "ReportAbility"},
    {WO_REPORT_MAP, "ReportMap"},
    {WO_FIGHT_NPC, "ReportFightNPC"},
    {WO_ENCOUNTER_PHASES, "EncounterPhases"},
    {WO_PHASE, "PhaseMetadata"},
    {WO_EVENT_PAGINATOR, "ReportEventPaginator"},
    {WO_USER, "User"},
    {WO_ABILITY, "GameAbility"},
    {WO_ITEM, "GameItem"},
    {WO_ITEM_SET, "GameItemSet"},
    {WO_NPC, "GameNPC"},
    {WO_MAP, "GameMap"},
    {WO_CLASS, "GameClass"},
    {WO_SPEC, "GameSpec"},
    {WO_FACTION, "GameFaction"},
    {WO_ZONE, "Zone"},
    {WO_DIFFICULTY, "Difficulty"},
    {WO_PARTITION, "Partition"},
    {WO_ENCOUNTER, "Encounter"},
    {WO_EXPANSION, "Expansion"},
    {WO_REGION, "Region"},
    {WO_SUBREGION, "Subregion"},
    {WO_SERVER, "Server"},
};

static enum esomock_wobj kind_of(const struct esomock_world *w, const struct gql_type *t)
{
    for (int k = 1; k < WO_COUNT; k++) {
        if (w->types[k] == t && t != NULL)
            return (enum esomock_wobj)k;
    }
    const char *name = t != NULL ? gql_type_name(t) : NULL;
    size_t len = name != NULL ? strlen(name) : 0;
    if (len > 10 && strcmp(name + len - 10, "Pagination") == 0)
        return WO_PAGE;
    return WO_NONE;
}

/* The world-file type of an object kind (for overrides), or ESOMOCK_WT_COUNT. */
static enum esomock_wtype wtype_of(enum esomock_wobj k)
{
    switch (k) {
    case WO_CHARACTER:
        return ESOMOCK_WT_CHARACTER;
    case WO_GUILD:
        return ESOMOCK_WT_GUILD;
    case WO_GUILD_TAG:
        return ESOMOCK_WT_GUILD_TAG;
    case WO_REPORT:
        return ESOMOCK_WT_REPORT;
    case WO_USER:
        return ESOMOCK_WT_USER;
    case WO_ABILITY:
        return ESOMOCK_WT_ABILITY;
    case WO_ITEM:
        return ESOMOCK_WT_ITEM;
    case WO_ITEM_SET:
        return ESOMOCK_WT_ITEM_SET;
    case WO_NPC:
        return ESOMOCK_WT_NPC;
    case WO_MAP:
        return ESOMOCK_WT_MAP;
    case WO_CLASS:
        return ESOMOCK_WT_CLASS;
    case WO_SPEC:
        return ESOMOCK_WT_SPEC;
    case WO_FACTION:
        return ESOMOCK_WT_FACTION;
    case WO_ZONE:
        return ESOMOCK_WT_ZONE;
    case WO_ENCOUNTER:
        return ESOMOCK_WT_ENCOUNTER;
    case WO_EXPANSION:
        return ESOMOCK_WT_EXPANSION;
    case WO_REGION:
        return ESOMOCK_WT_REGION;
    case WO_SUBREGION:
        return ESOMOCK_WT_SUBREGION;
    case WO_SERVER:
        return ESOMOCK_WT_SERVER;
    default:
        return ESOMOCK_WT_COUNT;
    }
}

/* ---- names and attributes ---------------------------------------------------------------- */

#define NAME_SPACE (1u << 24)

void esomock__wcharacter_name(const struct esomock_world *w, int64_t id, char *out, size_t size)
{
    uint64_t x = (uint64_t)(id - w->cfg.keys[ESOMOCK_WT_CHARACTER].min) % NAME_SPACE;
    esomock__name_character((uint32_t)esomock__perm(x, NAME_SPACE, w->key_names), out, size);
}

static int64_t character_by_name(const struct esomock_world *w, const char *name)
{
    uint32_t index = 0;
    if (!esomock__name_character_parse(name, &index))
        return 0;
    uint64_t x = esomock__perm_inv(index, NAME_SPACE, w->key_names);
    if ((int64_t)x >= w->n[ESOMOCK_WT_CHARACTER])
        return 0;
    return w->cfg.keys[ESOMOCK_WT_CHARACTER].min + (int64_t)x;
}

static void guild_name(const struct esomock_world *w, int64_t id, char *out, size_t size)
{
    uint64_t x = (uint64_t)(id - w->cfg.keys[ESOMOCK_WT_GUILD].min) % ESOMOCK_WORLD_MAX_GUILDS;
    esomock__name_guild((uint32_t)esomock__perm(x, ESOMOCK_WORLD_MAX_GUILDS, w->key_names ^ 1u),
                        out, size);
}

static int64_t guild_by_name(const struct esomock_world *w, const char *name)
{
    uint32_t index = 0;
    if (!esomock__name_guild_parse(name, &index))
        return 0;
    uint64_t x = esomock__perm_inv(index, ESOMOCK_WORLD_MAX_GUILDS, w->key_names ^ 1u);
    if ((int64_t)x >= w->n[ESOMOCK_WT_GUILD])
        return 0;
    return w->cfg.keys[ESOMOCK_WT_GUILD].min + (int64_t)x;
}

int esomock__wcharacter_class(const struct esomock_world *w, int64_t id)
{
    return (int)esomock__below(esomock__wh(w, WT_CLASS, (uint64_t)id, 0), 7) + 1;
}

int esomock__wcharacter_server(const struct esomock_world *w, int64_t id)
{
    return esomock__world_character_home(w, id);
}

/* Most players a fixture report's attendance row lists. */
#define FIXTURE_PLAYERS_MAX 64

/*
 * The players a fixture report's playerDetails lists (tanks, healers, dps; each name once),
 * from the first of its objects that has one: the report's own word on who was there.
 */
static size_t fixture_players(const cJSON *const *objs, size_t count, const cJSON **out)
{
    static const char *const roles[] = {"tanks", "healers", "dps"};
    for (size_t i = 0; i < count; i++) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(objs[i], "playerDetails");
        d = cJSON_IsObject(d) ? cJSON_GetObjectItemCaseSensitive(d, "data") : NULL;
        d = cJSON_IsObject(d) ? cJSON_GetObjectItemCaseSensitive(d, "playerDetails") : NULL;
        if (!cJSON_IsObject(d))
            continue;
        size_t n = 0;
        for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
            const cJSON *p;
            cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(d, roles[r]))
            {
                const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
                if (!cJSON_IsString(name) || n == FIXTURE_PLAYERS_MAX)
                    continue;
                bool seen = false;
                for (size_t k = 0; k < n && !seen; k++)
                    seen = strcmp(cJSON_GetObjectItemCaseSensitive(out[k], "name")->valuestring,
                                  name->valuestring) == 0;
                if (!seen)
                    out[n++] = p;
            }
        }
        return n;
    }
    return 0;
}

bool esomock__wreport_names_character(const struct esomock_world *w, const cJSON *const *objs,
                                      size_t count, int64_t id)
{
    const cJSON *players[FIXTURE_PLAYERS_MAX];
    size_t n = fixture_players(objs, count, players);
    if (n == 0)
        return false;
    char buf[ESOMOCK_NAME_SIZE];
    const char *name = NULL;
    size_t nobjs = 0;
    const cJSON *const *c = esomock__windex_objects(w->index, WO_CHARACTER, id, NULL, &nobjs);
    for (size_t i = 0; i < nobjs && name == NULL; i++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(c[i], "name");
        name = cJSON_IsString(s) ? s->valuestring : NULL;
    }
    if (name == NULL) {
        esomock__wcharacter_name(w, id, buf, sizeof(buf));
        name = buf;
    }
    const char *server = esomock__server(esomock__wcharacter_server(w, id))->name;
    for (size_t i = 0; i < n; i++) {
        const cJSON *pn = cJSON_GetObjectItemCaseSensitive(players[i], "name");
        const cJSON *ps = cJSON_GetObjectItemCaseSensitive(players[i], "server");
        if (strcmp(pn->valuestring, name) == 0 &&
            (!cJSON_IsString(ps) || strcmp(ps->valuestring, server) == 0))
            return true;
    }
    return false;
}

/* A character's guilds: the fixtures' when they say, else the world's (at most one). */
static size_t character_guilds(const struct esomock_world *w, int64_t id, int64_t *out)
{
    const struct esomock_wchar_rel *rel = esomock__windex_character(w->index, id);
    if (rel != NULL && rel->guild_count > 0) {
        memcpy(out, rel->guilds, rel->guild_count * sizeof(*out));
        return rel->guild_count;
    }
    if (id < w->cfg.keys[ESOMOCK_WT_CHARACTER].min || id > w->cfg.keys[ESOMOCK_WT_CHARACTER].max)
        return 0;
    struct esomock_world_char c = esomock__world_character(w, id);
    if (c.guild == 0)
        return 0;
    out[0] = c.guild;
    return 1;
}

static int guild_server(const struct esomock_world *w, int64_t id)
{
    return esomock__world_guild_home(w, id);
}

/* A fixture row's string member, or NULL. */
static const char *json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void esomock__wplayer_info(const struct esomock_world *w, const struct esomock_wplayer *p,
                           struct gql_exec *exec, struct esomock_wplayer_info *out)
{
    char buf[ESOMOCK_NAME_SIZE];
    const char *name = p->json != NULL ? json_string(p->json, "name") : NULL;
    if (name == NULL) {
        esomock__wcharacter_name(w, p->id, buf, sizeof(buf));
        name = gql_exec_strdup(exec, buf);
    }
    out->name = name != NULL ? name : "";
    const char *account = p->json != NULL ? json_string(p->json, "displayName") : NULL;
    if (account == NULL) {
        esomock__name_account(esomock__wh(w, WT_ACCOUNT, (uint64_t)p->id, 0), buf, sizeof(buf));
        account = gql_exec_strdup(exec, buf);
    }
    out->account = account != NULL ? account : "";
    const cJSON *cls =
        p->json != NULL ? cJSON_GetObjectItemCaseSensitive(p->json, "classID") : NULL;
    out->class_id = cJSON_IsNumber(cls) && esomock__class((int)cls->valuedouble) != NULL
                        ? (int)cls->valuedouble
                        : esomock__wcharacter_class(w, p->id);
    out->server = esomock__wcharacter_server(w, p->id);
}

/* ---- pages ------------------------------------------------------------------------------- */

/* The object a page's rows are, from its type's data field. */
static enum esomock_wobj row_kind(const struct esomock_world *w, const struct gql_field *field)
{
    const struct gql_type *page = gql_type_ref_named(gql_field_type(field));
    const struct gql_field *data = gql_type_field(page, "data");
    return data != NULL ? kind_of(w, gql_type_ref_named(gql_field_type(data))) : WO_NONE;
}

/* A page of @p list (with @p window, a fixture's page, or NULL) for a paginated field. */
static void out_page(const struct esomock_world *w, const struct gql_field_info *info,
                     const struct esomock_wlist *list, const cJSON *window, int64_t guild,
                     struct gql_source *out)
{
    struct esomock_wlimit limit = esomock__wlimit_parse(info->field);
    int64_t per_page = 0, page = 0;
    char msg[128];
    if (!esomock__wlimit_check(&limit, info->args, &per_page, &page, msg, sizeof(msg))) {
        esomock__out_error(out, info->exec, msg);
        return;
    }
    struct esomock_wview *v = gql_exec_alloc(info->exec, sizeof(*v));
    struct esomock_wnode *n = esomock__wnode(w, info->exec, WO_PAGE, 0);
    if (v == NULL || n == NULL || !esomock__wview_init(v, w, list, window, info->exec)) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return;
    }
    esomock__wpaging(v->total, per_page, page, &n->paging);
    n->ptr = v;
    n->row = row_kind(w, info->field);
    n->a = guild;
    out_node(out, n);
}

/* A page of a static list of ids (a region's servers). */
static void out_static_page(const struct esomock_world *w, const struct gql_field_info *info,
                            const int64_t *ids, size_t count, struct gql_source *out)
{
    struct esomock_wlimit limit = esomock__wlimit_parse(info->field);
    int64_t per_page = 0, page = 0;
    char msg[128];
    if (!esomock__wlimit_check(&limit, info->args, &per_page, &page, msg, sizeof(msg))) {
        esomock__out_error(out, info->exec, msg);
        return;
    }
    struct esomock_wnode *n = esomock__wnode(w, info->exec, WO_PAGE, 0);
    int64_t *copy = gql_exec_alloc(info->exec, (count + 1) * sizeof(*copy));
    if (n == NULL || copy == NULL) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return;
    }
    memcpy(copy, ids, count * sizeof(*copy));
    esomock__wpaging((int64_t)count, per_page, page, &n->paging);
    n->ptr = NULL;
    n->json = NULL;
    n->b = (int64_t)(uintptr_t)copy;
    n->row = row_kind(w, info->field);
    out_node(out, n);
}

static void page_field(const struct esomock_world *w, const struct esomock_wnode *n,
                       const struct gql_field_info *info, struct gql_source *out)
{
    const struct esomock_wpaging *p = &n->paging;
    if (is(info, "total"))
        out_int(out, p->total);
    else if (is(info, "per_page"))
        out_int(out, p->per_page);
    else if (is(info, "current_page"))
        out_int(out, p->current_page);
    else if (is(info, "last_page"))
        out_int(out, p->last_page);
    else if (is(info, "has_more_pages"))
        out_bool(out, p->has_more);
    else if (is(info, "from") || is(info, "to")) {
        if (p->count == 0)
            out_null(out);
        else
            out_int(out, is(info, "from") ? p->offset + 1 : p->offset + p->count);
    } else if (is(info, "data")) {
        struct wlist_h *l = gql_exec_alloc(info->exec, sizeof(*l));
        if (l == NULL) {
            esomock__out_error(out, info->exec, "Out of memory.");
            return;
        }
        l->head.owner = &w->source;
        l->item = n->row;
        l->page = n;
        out->kind = GQL_SOURCE_LIST;
        out->handle = l;
        out->count = (size_t)p->count;
    }
}

/* Row @p i of a page. */
static void page_row(const struct esomock_world *w, const struct esomock_wnode *page, size_t i,
                     enum esomock_wobj kind, const struct gql_field_info *info,
                     struct gql_source *out)
{
    int64_t p = page->paging.offset + (int64_t)i;
    if (page->ptr == NULL) { /* a static list */
        const int64_t *ids = (const int64_t *)(uintptr_t)page->b;
        esomock__wentity(w, info, kind, ids[p], NULL, out);
        return;
    }
    const cJSON *json = NULL;
    int64_t key = 0;
    esomock__wview_at(page->ptr, p, &json, &key);
    if (json != NULL && kind == WO_ATTENDANCE && esomock__wview_is_extra(page->ptr, p)) {
        /* A fixture report: its row is built from what its fixtures say. */
        int64_t id = 0;
        const char *code = NULL;
        struct esomock_wnode *n = esomock__wnode(w, info->exec, WO_ATTENDANCE, -1);
        if (n != NULL && esomock__windex_key(json, &id, &code)) {
            n->code = code;
            n->json = json;
            n->a = page->a;
        }
        out_node(out, n);
        return;
    }
    if (json != NULL) {
        out_fixture(out, json);
        return;
    }
    if (kind == WO_ATTENDANCE) {
        struct esomock_wnode *n = esomock__wnode(w, info->exec, WO_ATTENDANCE, key);
        if (n != NULL)
            n->a = page->a;
        out_node(out, n);
        return;
    }
    esomock__wentity(w, info, kind, key, NULL, out);
}

/* ---- lists of the world ------------------------------------------------------------------ */

/* The reports list for a guild's attendance or a report search. */
static void report_list(const struct esomock_world *w, struct esomock_wlist *l)
{
    memset(l, 0, sizeof(*l));
    l->kind = WL_REPORTS;
    l->zone = -1;
    l->n_lo = 0;
    l->n_hi = w->reports;
}

static void members_page(const struct esomock_world *w, int64_t guild,
                         const struct gql_field_info *info, const cJSON *window,
                         struct gql_source *out)
{
    struct esomock_wlist l = {.kind = WL_MEMBERS, .guild = guild, .zone = -1};
    const struct esomock_wguild_rel *rel = esomock__windex_guild(w->index, guild);
    if (window == NULL && rel != NULL)
        window = rel->members;
    out_page(w, info, &l, window, guild, out);
}

static void recent_reports(const struct esomock_world *w, int64_t id,
                           const struct gql_field_info *info, const cJSON *window,
                           struct gql_source *out)
{
    struct esomock_wlist l;
    report_list(w, &l);
    l.kind = WL_CHARACTER_REPORTS;
    l.search.on = true; /* with the fixture reports that name the character */
    l.search.character = id;
    int64_t guilds[ESOMOCK_WINDEX_MAX_REL];
    size_t n = character_guilds(w, id, guilds);
    struct esomock_wview members;
    if (n == 0 || !esomock__wview_members(&members, w, guilds[0], info->exec)) {
        l.kind = WL_EMPTY;
    } else {
        l.has_owner = true;
        l.owner.guild = true;
        l.owner.id = guilds[0];
        l.roster_pos = esomock__wview_position(&members, id);
        l.roster_total = members.total;
        if (l.roster_pos < 0)
            l.kind = WL_EMPTY;
    }
    out_page(w, info, &l, window, 0, out);
}

static void attendance(const struct esomock_world *w, int64_t guild,
                       const struct gql_field_info *info, const cJSON *window,
                       struct gql_source *out)
{
    struct esomock_wlist l;
    report_list(w, &l);
    l.has_owner = true;
    l.owner.guild = true;
    l.owner.id = guild;
    /* with the fixture reports of the guild, as its report search has them */
    l.search.on = true;
    l.search.guild = guild;
    int64_t zone = 0, tag = 0;
    if (arg_int(info, "zoneID", &zone)) {
        l.zone = esomock__zone_index((int)zone);
        if (l.zone < 0)
            l.kind = WL_EMPTY;
        l.search.zone = zone != 0 ? zone : -1;
    }
    if (arg_int(info, "guildTagID", &tag)) {
        l.tag = tag;
        l.search.tag = tag;
        if (esomock__world_tag_guild(w, tag) != guild)
            l.kind = WL_EMPTY;
    }
    out_page(w, info, &l, window, guild, out);
}

/* ---- fields of the world's objects ------------------------------------------------------- */

static void resolve_node(const struct esomock_world *w, const struct esomock_wnode *n,
                         const struct gql_field_info *info, const cJSON *window,
                         struct gql_source *out);

static void character_field(const struct esomock_world *w, const struct esomock_wnode *n,
                            const struct gql_field_info *info, const cJSON *window,
                            struct gql_source *out)
{
    int64_t id = n->id;
    char buf[ESOMOCK_NAME_SIZE];
    if (is(info, "id") || is(info, "canonicalID")) {
        out_int(out, id);
    } else if (is(info, "name")) {
        esomock__wcharacter_name(w, id, buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
    } else if (is(info, "displayName")) {
        esomock__name_account(esomock__wh(w, WT_ACCOUNT, (uint64_t)id, 0), buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
    } else if (is(info, "classID")) {
        out_int(out, esomock__wcharacter_class(w, id));
    } else if (is(info, "raceID")) {
        out_int(out, (int64_t)esomock__below(esomock__wh(w, WT_RACE, (uint64_t)id, 0), 10) + 1);
    } else if (is(info, "guildRank")) {
        int64_t guilds[ESOMOCK_WINDEX_MAX_REL];
        if (character_guilds(w, id, guilds) == 0) {
            out_int(out, 0);
            return;
        }
        int64_t pos = esomock__world_character(w, id).pos;
        out_int(out, pos == 0  ? 1
                     : pos < 5 ? 2
                               : 3 + (int64_t)esomock__below(
                                         esomock__wh(w, WT_RANK, (uint64_t)id, 0), 3));
    } else if (is(info, "hidden")) {
        out_bool(out, esomock__below(esomock__wh(w, WT_HIDDEN, (uint64_t)id, 0), 50) == 0);
    } else if (is(info, "anonymous")) {
        out_bool(out, false);
    } else if (is(info, "claimed")) {
        out_null(out); /* only the user API with view-user-profile knows */
    } else if (is(info, "server")) {
        esomock__wentity(w, info, WO_SERVER, esomock__wcharacter_server(w, id), NULL, out);
    } else if (is(info, "guilds")) {
        int64_t guilds[ESOMOCK_WINDEX_MAX_REL];
        size_t count = character_guilds(w, id, guilds);
        esomock__wlist_out(w, info, WO_GUILD, guilds, count, n, out);
    } else if (is(info, "recentReports")) {
        recent_reports(w, id, info, window, out);
    } else if (is(info, "encounterRankings") || is(info, "zoneRankings")) {
        esomock__wrankings(w, n, info, out);
    } else if (is(info, "gameData")) {
        struct esomock_wjson j = {.exec = info->exec};
        cJSON *o = esomock__wj_object(&j);
        cJSON *c = esomock__wj_add(&j, o, "character", esomock__wj_object(&j));
        esomock__wj_num(&j, c, "id", (double)id);
        esomock__wcharacter_name(w, id, buf, sizeof(buf));
        esomock__wj_str(&j, c, "name", buf);
        esomock__wj_num(&j, c, "classID", esomock__wcharacter_class(w, id));
        esomock__wj_num(&j, c, "level", 50);
        esomock__wj_num(&j, c, "championPoints",
                        810 +
                            (double)esomock__below(esomock__wh(w, WT_RANK, (uint64_t)id, 1), 2790));
        if (j.failed) {
            esomock__out_error(out, info->exec, "Out of memory.");
            return;
        }
        out->kind = GQL_SOURCE_JSON;
        out->json = o;
    }
}

static void guild_field(const struct esomock_world *w, const struct esomock_wnode *n,
                        const struct gql_field_info *info, const cJSON *window,
                        struct gql_source *out)
{
    int64_t id = n->id;
    char buf[ESOMOCK_NAME_SIZE];
    if (is(info, "id")) {
        out_int(out, id);
    } else if (is(info, "name")) {
        guild_name(w, id, buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
    } else if (is(info, "description")) {
        esomock__text_guild(esomock__wh(w, WT_GUILD_TEXT, (uint64_t)id, 0),
                            esomock__server(guild_server(w, id))->name, buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
    } else if (is(info, "competitionMode")) {
        out_bool(out, esomock__below(esomock__wh(w, WT_GUILD_MODE, (uint64_t)id, 0), 10) == 0);
    } else if (is(info, "stealthMode")) {
        out_bool(out, esomock__below(esomock__wh(w, WT_GUILD_MODE, (uint64_t)id, 1), 25) == 0);
    } else if (is(info, "faction")) {
        esomock__wentity(w, info, WO_FACTION, esomock__world_guild_faction(w, id), NULL, out);
    } else if (is(info, "server")) {
        esomock__wentity(w, info, WO_SERVER, guild_server(w, id), NULL, out);
    } else if (is(info, "tags")) {
        int64_t tags[ESOMOCK_WINDEX_MAX_REL];
        size_t count = esomock__world_guild_tags(w, id, tags, ESOMOCK_WINDEX_MAX_REL);
        esomock__wlist_out(w, info, WO_GUILD_TAG, tags, count, n, out);
    } else if (is(info, "members")) {
        members_page(w, id, info, window, out);
    } else if (is(info, "attendance")) {
        attendance(w, id, info, window, out);
    } else if (is(info, "currentUserRank")) {
        out_null(out); /* only the user API knows the current user */
    } else if (is(info, "zoneRanking")) {
        int64_t zone = 18;
        arg_int(info, "zoneId", &zone);
        struct esomock_wnode *z = esomock__wnode(w, info->exec, WO_GUILD_ZONE_RANKINGS, id);
        if (z != NULL)
            z->a = zone;
        out_node(out, z);
    }
}

static void rank_field(const struct esomock_world *w, const struct esomock_wnode *n,
                       const struct gql_field_info *info, struct gql_source *out)
{
    /* n->id the guild, n->a the zone, n->b which ranking, n->c which scope */
    uint64_t h =
        esomock__wh(w, WT_RANKING, (uint64_t)n->id, (uint64_t)(n->a * 16 + n->b * 4 + n->c));
    int64_t scale = n->c == 0 ? 4000 : n->c == 1 ? 1800 : 600;
    int64_t number = 1 + (int64_t)esomock__below(h, (uint64_t)scale);
    if (is(info, "number")) {
        out_int(out, number);
    } else if (is(info, "percentile")) {
        out_null(out); /* "Always null for guild ranks." */
    } else if (is(info, "color")) {
        double share = (double)number / (double)scale;
        out_static(out, share < 0.01   ? "legendary"
                        : share < 0.05 ? "epic"
                        : share < 0.25 ? "rare"
                        : share < 0.5  ? "uncommon"
                                       : "common");
    }
}

static void zone_rankings_field(const struct esomock_world *w, const struct esomock_wnode *n,
                                const struct gql_field_info *info, struct gql_source *out)
{
    if (n->kind == WO_GUILD_ZONE_RANKINGS) {
        if (is(info, "completeRaidSpeed")) {
            out_null(out); /* ESO trials have no complete raid ranks */
            return;
        }
        struct esomock_wnode *p = esomock__wnode(w, info->exec, WO_RANK_POSITIONS, n->id);
        if (p != NULL) {
            p->a = n->a;
            p->b = is(info, "progress") ? 0 : 1;
        }
        out_node(out, p);
        return;
    }
    struct esomock_wnode *r = esomock__wnode(w, info->exec, WO_RANK, n->id);
    if (r != NULL) {
        r->a = n->a;
        r->b = n->b;
        r->c = is(info, "worldRank") ? 0 : is(info, "regionRank") ? 1 : 2;
    }
    out_node(out, r);
}

static void user_field(const struct esomock_world *w, const struct esomock_wnode *n,
                       const struct gql_field_info *info, struct gql_source *out)
{
    char buf[ESOMOCK_NAME_SIZE];
    uint64_t h = esomock__wh(w, WT_USER, (uint64_t)n->id, 1);
    if (is(info, "id")) {
        out_int(out, n->id);
    } else if (is(info, "name")) {
        esomock__name_user(h, buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
    } else if (is(info, "guilds") || is(info, "characters")) {
        out_null(out); /* only with the user API's view-user-profile scope */
    } else if (is(info, "naDisplayName") || is(info, "euDisplayName")) {
        /* Players link the megaserver they play on; some link both. */
        bool na = (h >> 20) % 3 != 1, eu = (h >> 20) % 3 != 0;
        if (is(info, "naDisplayName") ? !na : !eu) {
            out_null(out);
            return;
        }
        esomock__name_user(h, buf + 1, sizeof(buf) - 1);
        buf[0] = '@';
        esomock__out_string(out, info->exec, buf);
    }
}

static void game_field(const struct esomock_world *w, const struct esomock_wnode *n,
                       const struct gql_field_info *info, struct gql_source *out)
{
    char buf[ESOMOCK_NAME_SIZE];
    uint64_t h = esomock__wh(w, WT_NAME, (uint64_t)n->kind, (uint64_t)n->id);
    if (is(info, "id")) {
        out_int(out, n->id);
        return;
    }
    if (is(info, "icon")) {
        esomock__icon(n->kind == WO_ABILITY ? "ability" : "gear", h >> 3, buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
        return;
    }
    if (is(info, "description")) {
        esomock__text_ability(h >> 5, buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
        return;
    }
    if (!is(info, "name"))
        return;
    switch (n->kind) {
    case WO_ABILITY:
        esomock__name_ability(h, buf, sizeof(buf));
        break;
    case WO_ITEM:
        esomock__name_item(h, buf, sizeof(buf));
        break;
    case WO_ITEM_SET:
        esomock__name_item_set(h, buf, sizeof(buf));
        break;
    case WO_NPC:
        esomock__name_npc(h, buf, sizeof(buf));
        break;
    default:
        esomock__name_map(h, buf, sizeof(buf));
        break;
    }
    esomock__out_string(out, info->exec, buf);
}

static void static_field(const struct esomock_world *w, const struct esomock_wnode *n,
                         const struct gql_field_info *info, struct gql_source *out)
{
    int id = (int)n->id;
    int64_t ids[32];
    size_t count = 0;
    switch (n->kind) {
    case WO_CLASS: {
        const struct esomock_class *c = esomock__class(id);
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, c->name);
        else if (is(info, "slug"))
            out_static(out, c->slug);
        else if (is(info, "specs")) {
            for (int k = 0; k < 3; k++)
                ids[count++] = (id - 1) * 3 + k + 1;
            esomock__wlist_out(w, info, WO_SPEC, ids, count, n, out);
        }
        return;
    }
    case WO_SPEC: {
        int cls = (id - 1) / 3 + 1, k = (id - 1) % 3;
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "class"))
            esomock__wentity(w, info, WO_CLASS, cls, NULL, out);
        else if (is(info, "name"))
            out_static(out, esomock__spec_names[k]);
        else if (is(info, "slug"))
            out_static(out, esomock__spec_slugs[k]);
        return;
    }
    case WO_FACTION:
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, esomock__faction_name(id));
        return;
    case WO_ZONE: {
        const struct esomock_zone *z = esomock__zone(id);
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, z->name);
        else if (is(info, "frozen"))
            out_bool(out, z->frozen != 0);
        else if (is(info, "brackets"))
            out_null(out); /* "null if the zone does not support brackets" */
        else if (is(info, "expansion"))
            esomock__wentity(w, info, WO_EXPANSION, z->expansion, NULL, out);
        else if (is(info, "encounters")) {
            for (int k = 0; k < 3; k++)
                ids[count++] = z->encounters[k];
            esomock__wlist_out(w, info, WO_ENCOUNTER, ids, count, n, out);
        } else if (is(info, "difficulties")) {
            for (int k = 0; k < 3; k++)
                ids[count++] = esomock__difficulties[k].id;
            esomock__wlist_out(w, info, WO_DIFFICULTY, ids, count, n, out);
        } else if (is(info, "partitions")) {
            for (int k = 0; k < 3; k++)
                ids[count++] = esomock__partitions[k].id;
            esomock__wlist_out(w, info, WO_PARTITION, ids, count, n, out);
        }
        return;
    }
    case WO_DIFFICULTY:
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, esomock__difficulty_name(id));
        else if (is(info, "sizes")) {
            struct esomock_wjson j = {.exec = info->exec};
            cJSON *a = esomock__wj_array(&j);
            esomock__wj_add(&j, a, NULL, esomock__wj_number(&j, 12));
            out->kind = j.failed ? GQL_SOURCE_ERROR : GQL_SOURCE_JSON;
            out->json = a;
            out->s = "Out of memory.";
        }
        return;
    case WO_PARTITION:
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, esomock__partitions[id - 1].name);
        else if (is(info, "compactName")) {
            char buf[16];
            snprintf(buf, sizeof(buf), "U%d", 45 + id);
            esomock__out_string(out, info->exec, buf);
        } else if (is(info, "default"))
            out_bool(out, id == ESOMOCK_DEFAULT_PARTITION);
        return;
    case WO_ENCOUNTER: {
        const struct esomock_encounter *e = esomock__encounter(id);
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, e->name);
        else if (is(info, "zone"))
            esomock__wentity(w, info, WO_ZONE, e->zone, NULL, out);
        else if (is(info, "characterRankings") || is(info, "fightRankings"))
            esomock__wrankings(w, n, info, out);
        return;
    }
    case WO_EXPANSION:
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, esomock__expansion_name(id));
        else if (is(info, "zones")) {
            for (int k = 0; k < 6; k++) {
                if (esomock__zones[k].expansion == id)
                    ids[count++] = esomock__zones[k].id;
            }
            esomock__wlist_out(w, info, WO_ZONE, ids, count, n, out);
        }
        return;
    case WO_REGION: {
        const struct esomock_region *r = esomock__region(id);
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, r->name);
        else if (is(info, "compactName"))
            out_static(out, r->compact);
        else if (is(info, "slug"))
            out_static(out, r->slug);
        else if (is(info, "subregions") || is(info, "servers")) {
            for (int k = 0; k < 6; k++) {
                if (esomock__servers[k].region == id)
                    ids[count++] = is(info, "servers") ? esomock__servers[k].id
                                                       : esomock__servers[k].subregion;
            }
            if (is(info, "servers"))
                out_static_page(w, info, ids, count, out);
            else
                esomock__wlist_out(w, info, WO_SUBREGION, ids, count, n, out);
        }
        return;
    }
    case WO_SUBREGION: {
        const struct esomock_subregion *s = esomock__subregion(id);
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name"))
            out_static(out, s->name);
        else if (is(info, "region"))
            esomock__wentity(w, info, WO_REGION, s->region, NULL, out);
        else if (is(info, "servers")) {
            for (int k = 0; k < 6; k++) {
                if (esomock__servers[k].subregion == id)
                    ids[count++] = esomock__servers[k].id;
            }
            out_static_page(w, info, ids, count, out);
        }
        return;
    }
    case WO_SERVER: {
        const struct esomock_server_info *s = esomock__server(id);
        if (is(info, "id"))
            out_int(out, id);
        else if (is(info, "name") || is(info, "normalizedName"))
            out_static(out, s->name);
        else if (is(info, "slug"))
            out_static(out, s->slug);
        else if (is(info, "region"))
            esomock__wentity(w, info, WO_REGION, s->region, NULL, out);
        else if (is(info, "subregion"))
            esomock__wentity(w, info, WO_SUBREGION, s->subregion, NULL, out);
        else if (is(info, "guilds") || is(info, "characters")) {
            struct esomock_wlist l = {.kind = is(info, "guilds") ? WL_SERVER_GUILDS
                                                                 : WL_SERVER_CHARACTERS,
                                      .server = id,
                                      .zone = -1};
            out_page(w, info, &l, NULL, 0, out);
        }
        return;
    }
    default:
        return;
    }
}

/*
 * A fixture report's attendance row: code, start and zone its own, players those its
 * playerDetails lists (present; the fixtures say nothing of the bench), none without one.
 */
static void fixture_attendance_field(const struct esomock_world *w, const struct esomock_wnode *n,
                                     const struct gql_field_info *info, struct gql_source *out)
{
    if (is(info, "code")) {
        esomock__out_string(out, info->exec, n->code);
        return;
    }
    size_t count = 0;
    const cJSON *const *objs = esomock__windex_objects(w->index, WO_REPORT, 0, n->code, &count);
    if (is(info, "startTime") || is(info, "zone")) {
        for (size_t i = 0; i < count; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(objs[i], info->field_name);
            const cJSON *zid = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "id") : NULL;
            if (cJSON_IsNumber(zid)) {
                /* the zone entity, every selected field as a report's zone has it */
                esomock__wentity(w, info, WO_ZONE, (int64_t)zid->valuedouble, NULL, out);
                return;
            }
            if (v != NULL) {
                out_fixture(out, v);
                return;
            }
        }
        out_null(out);
    } else if (is(info, "players")) {
        const cJSON *players[FIXTURE_PLAYERS_MAX];
        size_t np = fixture_players(objs, count, players);
        struct esomock_wjson j = {.exec = info->exec};
        cJSON *a = esomock__wj_array(&j);
        for (size_t i = 0; i < np; i++) {
            cJSON *o = esomock__wj_add(&j, a, NULL, esomock__wj_object(&j));
            esomock__wj_str(&j, o, "name",
                            cJSON_GetObjectItemCaseSensitive(players[i], "name")->valuestring);
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(players[i], "type");
            if (cJSON_IsString(t))
                esomock__wj_str(&j, o, "type", t->valuestring);
            else
                esomock__wj_nul(&j, o, "type");
            esomock__wj_num(&j, o, "presence", 1);
        }
        if (j.failed) {
            esomock__out_error(out, info->exec, "Out of memory.");
            return;
        }
        out->kind = GQL_SOURCE_JSON;
        out->json = a;
    }
}

static void attendance_field(const struct esomock_world *w, const struct esomock_wnode *n,
                             const struct gql_field_info *info, struct gql_source *out)
{
    /* n->id a report, n->a its guild; a fixture report: n->id -1, n->code, n->json */
    if (n->id < 0) {
        fixture_attendance_field(w, n, info, out);
        return;
    }
    if (is(info, "code")) {
        char code[17];
        esomock__world_report_code(w, n->id, code);
        esomock__out_string(out, info->exec, code);
    } else if (is(info, "startTime")) {
        out_float(out, esomock__world_report_start(w, n->id));
    } else if (is(info, "zone")) {
        esomock__wentity(w, info, WO_ZONE, esomock__world_report_zone(w, n->id), NULL, out);
    } else if (is(info, "players")) {
        struct esomock_wnode r = {.kind = WO_REPORT, .id = n->id};
        struct esomock_wplayer players[ESOMOCK_WORLD_ROSTER];
        size_t count = esomock__wreport_roster(w, &r, info->exec, players);
        int64_t ids[ESOMOCK_WORLD_ROSTER];
        for (size_t i = 0; i < count; i++)
            ids[i] = (int64_t)i;
        struct esomock_wnode *copy = esomock__wnode(w, info->exec, WO_ATTENDANCE, n->id);
        struct esomock_wplayer *keep = gql_exec_alloc(info->exec, sizeof(players));
        if (copy == NULL || keep == NULL) {
            esomock__out_error(out, info->exec, "Out of memory.");
            return;
        }
        memcpy(keep, players, sizeof(players));
        copy->ptr = keep;
        esomock__wlist_out(w, info, WO_PLAYER_ATTENDANCE, ids, count, copy, out);
    }
}

static void player_attendance_field(const struct esomock_world *w, const struct esomock_wnode *n,
                                    const struct gql_field_info *info, struct gql_source *out)
{
    const struct esomock_wplayer *p = n->ptr;
    struct esomock_wplayer_info pi;
    esomock__wplayer_info(w, p, info->exec, &pi);
    if (is(info, "name"))
        out_static(out, pi.name);
    else if (is(info, "type"))
        out_static(out, esomock__class(pi.class_id)->name);
    else if (is(info, "presence"))
        out_int(out, esomock__below(
                         esomock__wh(w, WT_REPORT_ROSTER, (uint64_t)n->a, (uint64_t)p->id), 10) == 0
                         ? 2
                         : 1);
}

static void tag_field(const struct esomock_world *w, const struct esomock_wnode *n,
                      const struct gql_field_info *info, struct gql_source *out)
{
    char buf[ESOMOCK_NAME_SIZE];
    if (is(info, "id")) {
        out_int(out, n->id);
    } else if (is(info, "name")) {
        esomock__text_tag(esomock__wh(w, WT_TAGS, (uint64_t)n->id, 1), buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
    } else if (is(info, "guild")) {
        esomock__wentity(w, info, WO_GUILD, esomock__world_tag_guild(w, n->id), NULL, out);
    }
}

/* Fields the world file pins for this key. */
static bool overridden(const struct esomock_world *w, const struct esomock_wnode *n,
                       const struct gql_field_info *info, struct gql_source *out)
{
    if (w->cfg.override_count == 0 ||
        !gql_type_is_leaf(gql_type_ref_named(gql_field_type(info->field))))
        return false;
    enum esomock_wtype t = wtype_of(n->kind);
    if (t == ESOMOCK_WT_COUNT)
        return false;
    const cJSON *v =
        esomock__world_override(w, t, n->kind == WO_REPORT ? 0 : n->id,
                                n->kind == WO_REPORT ? n->code : NULL, info->field_name);
    if (v == NULL)
        return false;
    out->kind = GQL_SOURCE_JSON;
    out->json = v;
    out->origin = origin_world;
    return true;
}

static void resolve_node(const struct esomock_world *w, const struct esomock_wnode *n,
                         const struct gql_field_info *info, const cJSON *window,
                         struct gql_source *out)
{
    if (overridden(w, n, info, out))
        return;
    switch (n->kind) {
    case WO_CHARACTER:
        character_field(w, n, info, window, out);
        return;
    case WO_GUILD:
        guild_field(w, n, info, window, out);
        return;
    case WO_GUILD_TAG:
        tag_field(w, n, info, out);
        return;
    case WO_GUILD_ZONE_RANKINGS:
    case WO_RANK_POSITIONS:
        zone_rankings_field(w, n, info, out);
        return;
    case WO_RANK:
        rank_field(w, n, info, out);
        return;
    case WO_ATTENDANCE:
        attendance_field(w, n, info, out);
        return;
    case WO_PLAYER_ATTENDANCE:
        player_attendance_field(w, n, info, out);
        return;
    case WO_USER:
        user_field(w, n, info, out);
        return;
    case WO_ABILITY:
    case WO_ITEM:
    case WO_ITEM_SET:
    case WO_NPC:
    case WO_MAP:
        game_field(w, n, info, out);
        return;
    case WO_CLASS:
    case WO_SPEC:
    case WO_FACTION:
    case WO_ZONE:
    case WO_DIFFICULTY:
    case WO_PARTITION:
    case WO_ENCOUNTER:
    case WO_EXPANSION:
    case WO_REGION:
    case WO_SUBREGION:
    case WO_SERVER:
        static_field(w, n, info, out);
        return;
    case WO_PAGE:
        page_field(w, n, info, out);
        return;
    case WO_REPORT:
        if (is(info, "events") || is(info, "graph") || is(info, "table") || is(info, "rankings") ||
            is(info, "playerDetails"))
            esomock__wreport_field(w, n, info, out);
        else
            esomock__wreport_part(w, n, info, out);
        return;
    case WO_ARCHIVE_STATUS:
    case WO_FIGHT:
    case WO_GAME_ZONE:
    case WO_MASTER_DATA:
    case WO_ACTOR:
    case WO_REPORT_ABILITY:
    case WO_REPORT_MAP:
    case WO_FIGHT_NPC:
    case WO_ENCOUNTER_PHASES:
    case WO_PHASE:
    case WO_EVENT_PAGINATOR:
        esomock__wreport_part(w, n, info, out);
        return;
    case WO_NONE:
    case WO_COUNT:
        return;
    }
}

/* ---- the data source --------------------------------------------------------------------- */

static void resolve(void *user, const struct gql_source *parent, const struct gql_field_info *info,
                    struct gql_source *out)
{
    resolve_node(user, parent->handle, info, NULL, out);
}

static void list_item(void *user, const struct gql_source *list, size_t index,
                      const struct gql_field_info *info, struct gql_source *out)
{
    const struct esomock_world *w = user;
    const struct wlist_h *l = list->handle;
    if (l->page != NULL) {
        page_row(w, l->page, index, l->item, info, out);
        return;
    }
    if (l->json != NULL) {
        out_fixture(out, l->json[index]);
        return;
    }
    int64_t id = l->ids[index];
    switch (l->item) {
    case WO_GUILD_TAG:
    case WO_PLAYER_ATTENDANCE:
    case WO_FIGHT:
    case WO_ACTOR:
    case WO_REPORT_ABILITY:
    case WO_REPORT_MAP:
    case WO_FIGHT_NPC:
    case WO_ENCOUNTER_PHASES:
    case WO_PHASE:
    case WO_DIFFICULTY:
    case WO_PARTITION: {
        /* parts of their parent: the parent's context comes along */
        if (l->item == WO_GUILD_TAG) {
            size_t count = 0;
            esomock__windex_objects(w->index, WO_GUILD_TAG, id, NULL, &count);
            if (count > 0) {
                esomock__wentity(w, info, WO_GUILD_TAG, id, NULL, out);
                return;
            }
        }
        struct esomock_wnode *n = esomock__wnode(w, info->exec, l->item, id);
        if (n != NULL && l->parent != NULL) {
            n->code = l->parent->code;
            /* a report's parts carry the report's index in a, their parent's id in b */
            n->a = l->parent->kind == WO_FIGHT || l->parent->kind == WO_MASTER_DATA ||
                           l->parent->kind == WO_ENCOUNTER_PHASES
                       ? l->parent->a
                       : l->parent->id;
            n->b = l->parent->id;
            n->ptr = l->parent->ptr;
            if (l->item == WO_PLAYER_ATTENDANCE) {
                const struct esomock_wplayer *players = l->parent->ptr;
                n->ptr = &players[id];
                n->a = l->parent->id;
            }
        }
        out_node(out, n);
        return;
    }
    default:
        esomock__wentity(w, info, l->item, id, NULL, out);
        return;
    }
}

/* ---- lookups ----------------------------------------------------------------------------- */

/* An entity by id when it exists, else null. */
static void by_id(const struct esomock_world *w, const struct gql_field_info *info,
                  enum esomock_wobj kind, struct gql_source *out)
{
    int64_t id = 0;
    size_t count = 0;
    if (!arg_int(info, "id", &id)) {
        out_null(out);
        return;
    }
    esomock__windex_objects(w->index, kind, id, NULL, &count);
    if (count > 0 || esomock__world_exists(w, wtype_of(kind), id))
        esomock__wentity(w, info, kind, id, NULL, out);
    else
        out_null(out);
}

/* A character or guild by name, server slug and region, or 0. */
static int64_t by_name(const struct esomock_world *w, enum esomock_wobj kind, const char *name,
                       const char *slug, const char *region)
{
    int server = esomock__server_by_slug(region, slug);
    if (name == NULL || server == 0)
        return 0;
    int64_t id = esomock__windex_by_name(w->index, kind, name, server);
    if (id != 0)
        return id;
    enum esomock_wtype t = kind == WO_CHARACTER ? ESOMOCK_WT_CHARACTER : ESOMOCK_WT_GUILD;
    id = esomock__world_override_by_name(w, t, name);
    if (id == 0) {
        id = kind == WO_CHARACTER ? character_by_name(w, name) : guild_by_name(w, name);
        /* A key whose name is pinned or held by a fixture answers to that name only. */
        size_t count = 0;
        if (id != 0 && (esomock__world_override(w, t, id, NULL, "name") != NULL ||
                        esomock__windex_objects(w->index, kind, id, NULL, &count) != NULL))
            return 0;
    }
    if (id == 0 || !esomock__world_exists(w, t, id))
        return 0;
    int at = kind == WO_CHARACTER ? esomock__wcharacter_server(w, id) : guild_server(w, id);
    return at == server ? id : 0;
}

/* The guild a report search names (precedence: tag, id, name), 0: none, -1: unknown. */
static int64_t search_guild(const struct esomock_world *w, const struct gql_field_info *info,
                            const char **error)
{
    int64_t tag = 0, id = 0;
    if (arg_int(info, "guildTagID", &tag)) {
        int64_t g = esomock__world_tag_guild(w, tag);
        *error = "No guild tag exists for this id";
        return g != 0 ? g : -1;
    }
    if (arg_int(info, "guildID", &id)) {
        size_t count = 0;
        esomock__windex_objects(w->index, WO_GUILD, id, NULL, &count);
        *error = "No guild exists for this id";
        return count > 0 || esomock__world_exists(w, ESOMOCK_WT_GUILD, id) ? id : -1;
    }
    const char *name = arg_string(info, "guildName");
    const char *slug = arg_string(info, "guildServerSlug");
    const char *region = arg_string(info, "guildServerRegion");
    if (name != NULL || slug != NULL || region != NULL) {
        int64_t g = by_name(w, WO_GUILD, name, slug, region);
        *error = "No guild exists for this name, server slug and region";
        return g != 0 ? g : -1;
    }
    return 0;
}

static void reports(const struct esomock_world *w, const struct gql_field_info *info,
                    const cJSON *window, struct gql_source *out)
{
    struct esomock_wlist l;
    report_list(w, &l);
    const char *error = NULL;
    int64_t guild = search_guild(w, info, &error);
    int64_t user = 0, zone = 0, game_zone = 0;
    if (guild < 0) {
        esomock__out_error(out, info->exec, error);
        return;
    }
    l.search.on = true;
    if (guild > 0) {
        l.has_owner = true;
        l.owner.guild = true;
        l.owner.id = guild;
        arg_int(info, "guildTagID", &l.tag);
        l.search.guild = guild;
        l.search.tag = l.tag;
    } else if (arg_int(info, "userID", &user)) {
        size_t count = 0;
        esomock__windex_objects(w->index, WO_USER, user, NULL, &count);
        if (count == 0 && !esomock__world_exists(w, ESOMOCK_WT_USER, user)) {
            esomock__out_error(out, info->exec, "No user exists for this id");
            return;
        }
        l.has_owner = true;
        l.owner.guild = false;
        l.owner.id = user;
        l.search.user = user;
    }
    /* A guild the world lacks (a fixture's own) has no world reports. */
    if (l.has_owner && l.owner.guild && !esomock__world_exists(w, ESOMOCK_WT_GUILD, l.owner.id))
        l.kind = WL_EMPTY;
    if (l.has_owner && !l.owner.guild && !esomock__world_exists(w, ESOMOCK_WT_USER, l.owner.id))
        l.kind = WL_EMPTY;
    if (arg_int(info, "zoneID", &zone)) {
        l.zone = esomock__zone_index((int)zone);
        if (l.zone < 0)
            l.kind = WL_EMPTY;
        l.search.zone = zone != 0 ? zone : -1; /* 0 names no zone, not any */
    }
    if (arg_int(info, "gameZoneID", &game_zone)) {
        l.search.game_zone = game_zone != 0 ? game_zone : -1;
        int z = -1;
        for (int k = 0; k < 6; k++) {
            if (esomock__zones[k].game_zone == game_zone)
                z = k;
        }
        if (z < 0 || (l.zone >= 0 && l.zone != z))
            l.kind = WL_EMPTY;
        l.zone = z;
    }
    const struct gql_value *t0 = arg(info, "startTime"), *t1 = arg(info, "endTime");
    if (t1 != NULL) {
        l.n_lo = esomock__world_report_at(w, gql_value_float(t1));
        l.search.has_t1 = true;
        l.search.t1 = gql_value_float(t1);
    }
    if (t0 != NULL) {
        l.search.has_t0 = true;
        l.search.t0 = gql_value_float(t0);
        /* reports starting at or after startTime: those before the first one earlier */
        double t = gql_value_float(t0);
        int64_t hi = esomock__world_report_at(w, t);
        while (hi < w->reports && esomock__world_report_start(w, hi) >= t)
            hi++;
        l.n_hi = hi;
    }
    out_page(w, info, &l, window, 0, out);
}

static void lookup_character(const struct esomock_world *w, const struct gql_field_info *info,
                             struct gql_source *out)
{
    if (arg(info, "id") != NULL) {
        by_id(w, info, WO_CHARACTER, out);
        return;
    }
    int64_t id = by_name(w, WO_CHARACTER, arg_string(info, "name"), arg_string(info, "serverSlug"),
                         arg_string(info, "serverRegion"));
    if (id != 0)
        esomock__wentity(w, info, WO_CHARACTER, id, NULL, out);
    else
        out_null(out);
}

static void lookup_guild(const struct esomock_world *w, const struct gql_field_info *info,
                         struct gql_source *out)
{
    if (arg(info, "id") != NULL) {
        by_id(w, info, WO_GUILD, out);
        return;
    }
    int64_t id = by_name(w, WO_GUILD, arg_string(info, "name"), arg_string(info, "serverSlug"),
                         arg_string(info, "serverRegion"));
    if (id != 0)
        esomock__wentity(w, info, WO_GUILD, id, NULL, out);
    else
        out_null(out);
}

static void lookup_report(const struct esomock_world *w, const struct gql_field_info *info,
                          struct gql_source *out)
{
    const char *code = arg_string(info, "code");
    int64_t n = 0;
    size_t count = 0;
    if (code == NULL) {
        out_null(out);
        return;
    }
    esomock__windex_objects(w->index, WO_REPORT, 0, code, &count);
    if (count > 0) {
        esomock__wentity(w, info, WO_REPORT, -1, code, out);
        return;
    }
    switch (esomock__world_report_decode(w, code, &n)) {
    case ESOMOCK_CODE_OK:
        esomock__wentity(w, info, WO_REPORT, n, code, out);
        return;
    case ESOMOCK_CODE_UNKNOWN:
        out_null(out);
        return;
    case ESOMOCK_CODE_MALFORMED:
        esomock__out_error(out, info->exec,
                           "The code argument must be a report code of 16 letters and digits.");
        return;
    }
}

static void lookup_server(const struct esomock_world *w, const struct gql_field_info *info,
                          struct gql_source *out)
{
    if (arg(info, "id") != NULL) {
        by_id(w, info, WO_SERVER, out);
        return;
    }
    int id = esomock__server_by_slug(arg_string(info, "region"), arg_string(info, "slug"));
    if (id != 0)
        esomock__wentity(w, info, WO_SERVER, id, NULL, out);
    else
        out_null(out);
}

static void guilds(const struct esomock_world *w, const struct gql_field_info *info,
                   const cJSON *window, struct gql_source *out)
{
    struct esomock_wlist l = {.kind = WL_RANGE, .type = ESOMOCK_WT_GUILD, .zone = -1};
    int64_t server = 0;
    const char *slug = arg_string(info, "serverSlug"), *region = arg_string(info, "serverRegion");
    if (arg_int(info, "serverID", &server)) {
        if (esomock__server((int)server) == NULL) {
            esomock__out_error(out, info->exec, "No server exists for this id");
            return;
        }
    } else if (slug != NULL || region != NULL) {
        server = esomock__server_by_slug(region, slug);
        if (server == 0) {
            esomock__out_error(out, info->exec, "No server exists for this slug and region");
            return;
        }
    }
    if (server != 0) {
        l.kind = WL_SERVER_GUILDS;
        l.server = (int)server;
    }
    out_page(w, info, &l, window, 0, out);
}

static void all_of(const struct esomock_world *w, const struct gql_field_info *info,
                   enum esomock_wobj kind, struct gql_source *out)
{
    int64_t ids[16];
    size_t count = 0;
    int64_t expansion = 0;
    bool by_expansion = kind == WO_ZONE && arg_int(info, "expansion_id", &expansion);
    for (int64_t id = 1; id <= 200 && count < 16; id++) {
        if (!esomock__world_exists(w, wtype_of(kind), id))
            continue;
        if (by_expansion && esomock__zone((int)id)->expansion != expansion)
            continue;
        ids[count++] = id;
    }
    esomock__wlist_out(w, info, kind, ids, count, NULL, out);
}

static void lookup(void *user, const char *path, const struct gql_field_info *info,
                   const cJSON *window, struct gql_source *out)
{
    const struct esomock_world *w = user;
    static const struct {
        const char *path;
        enum esomock_wobj kind;
    } by_ids[] = {
        {"gameData.ability", WO_ABILITY},
        {"gameData.item", WO_ITEM},
        {"gameData.item_set", WO_ITEM_SET},
        {"gameData.map", WO_MAP},
        {"gameData.npc", WO_NPC},
        {"gameData.class", WO_CLASS},
        {"userData.user", WO_USER},
        {"worldData.encounter", WO_ENCOUNTER},
        {"worldData.expansion", WO_EXPANSION},
        {"worldData.region", WO_REGION},
        {"worldData.subregion", WO_SUBREGION},
        {"worldData.zone", WO_ZONE},
    };
    static const struct {
        const char *path;
        enum esomock_wtype type;
    } ranges[] = {
        {"gameData.abilities", ESOMOCK_WT_ABILITY},  {"gameData.items", ESOMOCK_WT_ITEM},
        {"gameData.item_sets", ESOMOCK_WT_ITEM_SET}, {"gameData.maps", ESOMOCK_WT_MAP},
        {"gameData.npcs", ESOMOCK_WT_NPC},
    };
    for (size_t i = 0; i < sizeof(by_ids) / sizeof(by_ids[0]); i++) {
        if (strcmp(path, by_ids[i].path) == 0) {
            by_id(w, info, by_ids[i].kind, out);
            return;
        }
    }
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        if (strcmp(path, ranges[i].path) == 0) {
            struct esomock_wlist l = {.kind = WL_RANGE, .type = ranges[i].type, .zone = -1};
            out_page(w, info, &l, window, 0, out);
            return;
        }
    }
    if (strcmp(path, "characterData.character") == 0) {
        lookup_character(w, info, out);
    } else if (strcmp(path, "characterData.characters") == 0) {
        int64_t guild = 0;
        size_t count = 0;
        if (arg_int(info, "guildID", &guild))
            esomock__windex_objects(w->index, WO_GUILD, guild, NULL, &count);
        if (count == 0 && !esomock__world_exists(w, ESOMOCK_WT_GUILD, guild))
            esomock__out_error(out, info->exec, "No guild exists for this id");
        else
            members_page(w, guild, info, window, out);
    } else if (strcmp(path, "guildData.guild") == 0) {
        lookup_guild(w, info, out);
    } else if (strcmp(path, "guildData.guilds") == 0) {
        guilds(w, info, window, out);
    } else if (strcmp(path, "reportData.report") == 0) {
        lookup_report(w, info, out);
    } else if (strcmp(path, "reportData.reports") == 0) {
        reports(w, info, window, out);
    } else if (strcmp(path, "worldData.server") == 0) {
        lookup_server(w, info, out);
    } else if (strcmp(path, "gameData.classes") == 0) {
        all_of(w, info, WO_CLASS, out);
    } else if (strcmp(path, "gameData.factions") == 0) {
        all_of(w, info, WO_FACTION, out);
    } else if (strcmp(path, "worldData.expansions") == 0) {
        all_of(w, info, WO_EXPANSION, out);
    } else if (strcmp(path, "worldData.regions") == 0) {
        all_of(w, info, WO_REGION, out);
    } else if (strcmp(path, "worldData.zones") == 0) {
        all_of(w, info, WO_ZONE, out);
    } else if (strcmp(path, "userData.currentUser") == 0 ||
               strcmp(path, "progressRaceData.progressRace") == 0 ||
               strcmp(path, "progressRaceData.detailedComposition") == 0) {
        /* No user behind client credentials; no race running in the world. */
        out_null(out);
    }
}

/* ---- fields of fixture objects ----------------------------------------------------------- */

static bool paginated(const struct gql_field *field)
{
    const char *name = gql_type_name(gql_type_ref_named(gql_field_type(field)));
    size_t len = strlen(name);
    return len > 10 && strcmp(name + len - 10, "Pagination") == 0;
}

/* Which arguments the request gives (not null): any, and any but limit and page. */
static void given_args(const struct gql_field_info *info, bool *any, bool *filters)
{
    *any = *filters = false;
    for (size_t i = 0; i < gql_value_count(info->args); i++) {
        if (gql_value_kind(gql_value_at(info->args, i)) == GQL_VALUE_NULL)
            continue;
        const char *key = gql_value_key_at(info->args, i);
        *any = true;
        if (strcmp(key, "limit") != 0 && strcmp(key, "page") != 0)
            *filters = true;
    }
}

/* Whether a fixture's fight passes fights(...)'s filters. */
static bool fight_passes(const struct gql_field_info *info, const cJSON *f)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(f, "id");
    const cJSON *enc = cJSON_GetObjectItemCaseSensitive(f, "encounterID");
    const cJSON *diff = cJSON_GetObjectItemCaseSensitive(f, "difficulty");
    const cJSON *kill = cJSON_GetObjectItemCaseSensitive(f, "kill");
    int64_t v = 0;
    if (arg_int(info, "encounterID", &v) && !(cJSON_IsNumber(enc) && enc->valuedouble == v))
        return false;
    if (arg_int(info, "difficulty", &v) && !(cJSON_IsNumber(diff) && diff->valuedouble == v))
        return false;
    const struct gql_value *ids = arg(info, "fightIDs");
    if (ids != NULL) {
        bool found = false;
        for (size_t i = 0; i < gql_value_count(ids) && !found; i++)
            found = cJSON_IsNumber(id) && gql_value_float(gql_value_at(ids, i)) == id->valuedouble;
        if (!found)
            return false;
    }
    const char *kt = arg_string(info, "killType");
    bool boss = cJSON_IsNumber(enc) && enc->valuedouble != 0;
    if (kt == NULL || strcmp(kt, "All") == 0)
        return true;
    if (strcmp(kt, "Encounters") == 0)
        return boss;
    if (strcmp(kt, "Trash") == 0)
        return !boss;
    if (strcmp(kt, "Kills") == 0)
        return boss && cJSON_IsTrue(kill);
    return boss && cJSON_IsFalse(kill); /* Wipes */
}

static bool actor_passes(const struct gql_field_info *info, const cJSON *a)
{
    const char *type = arg_string(info, "type"), *sub = arg_string(info, "subType");
    const char *at = json_string(a, "type"), *as = json_string(a, "subType");
    if (type != NULL && (at == NULL || strcmp(type, at) != 0))
        return false;
    return sub == NULL || (as != NULL && strcmp(sub, as) == 0);
}

/* A fixture's list with the request's filters applied to its items. */
static void filtered(const struct esomock_world *w, const struct gql_field_info *info,
                     const cJSON *items, bool fights, struct gql_source *out)
{
    size_t n = (size_t)cJSON_GetArraySize(items), count = 0;
    const cJSON **keep = gql_exec_alloc(info->exec, (n + 1) * sizeof(*keep));
    struct wlist_h *l = gql_exec_alloc(info->exec, sizeof(*l));
    if (keep == NULL || l == NULL) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
        if (fights ? fight_passes(info, item) : actor_passes(info, item))
            keep[count++] = item;
    }
    l->head.owner = &w->source;
    l->json = keep;
    out->kind = GQL_SOURCE_LIST;
    out->handle = l;
    out->count = count;
    out->origin = origin_fixtures;
}

/* A fixture's value of a field, with the request's arguments applied as the world would. */
static bool fixture_value(const struct esomock_world *w, const cJSON *member,
                          enum esomock_wobj kind, int64_t id, const char *code,
                          const struct gql_field_info *info, struct gql_source *out)
{
    bool any = false, filters = false;
    given_args(info, &any, &filters);
    bool fights = kind == WO_REPORT && is(info, "fights");
    bool actors = kind == WO_MASTER_DATA && is(info, "actors");
    if (any && (fights || actors) && cJSON_IsArray(member)) {
        bool real = fights ? arg(info, "encounterID") != NULL || arg(info, "difficulty") != NULL ||
                                 arg(info, "fightIDs") != NULL || arg(info, "killType") != NULL
                           : true;
        if (real) {
            filtered(w, info, member, fights, out);
            return true;
        }
    }
    if (!any || !paginated(info->field) || kind == WO_NONE || kind == WO_PAGE) {
        out_fixture(out, member);
        return true;
    }
    /* A page asked with arguments: the world's list of this entity, the fixture's rows in
     * front when only limit and page differ. */
    struct esomock_wnode *n = esomock__wnode(w, info->exec, kind, id);
    if (n == NULL) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return true;
    }
    n->code = code;
    resolve_node(w, n, info, filters ? NULL : member, out);
    return true;
}

static void fixture_field(void *user, const struct gql_source *parent,
                          const struct gql_field_info *info, struct gql_source *out)
{
    const struct esomock_world *w = user;
    const cJSON *json = parent->json;
    if (!cJSON_IsObject(json))
        return;
    enum esomock_wobj kind = kind_of(w, info->parent_type);
    int64_t id = 0;
    const char *code = NULL;
    bool has_key = esomock__windex_key(json, &id, &code);
    /* Arguments are checked before any data is read, as the API does. */
    if (gql_field_arg(info->field, "limit") != NULL) {
        struct esomock_wlimit limit = esomock__wlimit_parse(info->field);
        int64_t per_page = 0, page = 0;
        char msg[128];
        if (!esomock__wlimit_check(&limit, info->args, &per_page, &page, msg, sizeof(msg))) {
            esomock__out_error(out, info->exec, msg);
            return;
        }
    }
    const cJSON *member = cJSON_GetObjectItemCaseSensitive(json, info->field_name);
    if (member != NULL) {
        fixture_value(w, member, kind, id, code, info, out);
        return;
    }
    if (!has_key || kind == WO_NONE || kind == WO_PAGE)
        return; /* not provided: the engine generates it */
    /* Another fixture object of the same entity may hold it. */
    size_t count = 0;
    const cJSON *const *objs =
        esomock__windex_objects(w->index, kind, code != NULL ? 0 : id, code, &count);
    for (size_t i = 0; i < count; i++) {
        member =
            objs[i] != json ? cJSON_GetObjectItemCaseSensitive(objs[i], info->field_name) : NULL;
        if (member != NULL) {
            fixture_value(w, member, kind, id, code, info, out);
            return;
        }
    }
    /* Else the world's value for the same key. */
    struct esomock_wnode *n = esomock__wnode(w, info->exec, kind, id);
    if (n == NULL) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return;
    }
    if (kind == WO_REPORT) {
        int64_t index = -1;
        n->id = esomock__world_report_decode(w, code, &index) == ESOMOCK_CODE_OK ? index : -1;
        n->code = code;
    }
    resolve_node(w, n, info, NULL, out);
}

/* ---- set-up ------------------------------------------------------------------------------ */

bool esomock__wgen_init(struct esomock_world *w, char *err)
{
    (void)err;
    for (size_t i = 0; i < sizeof(object_type_names) / sizeof(object_type_names[0]); i++)
        w->types[object_type_names[i].kind] = gql_schema_type(w->schema, object_type_names[i].name);
    w->source = (struct esomock_data_source){
        .lookup = lookup,
        .fixture_field = fixture_field,
        .resolver = {.resolve = resolve, .list_item = list_item, .user = w},
        .stamp = w->stamp,
    };
    return true;
}

void esomock__wgen_finish(struct esomock_world *w)
{
    (void)w;
}
