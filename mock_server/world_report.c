/*
 * Reports of the world (world_gen_private.h): how a report went (its fights, from its
 * zone's encounters), who took part (its guild's members), and the report's JSON fields
 * (events, tables, graphs, rankings, player details), all from the report's key. Also the
 * rankings of characters and encounters.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "world_data_private.h"
#include "world_fixtures_private.h"
#include "world_gen_private.h"
#include "world_json_private.h"
#include "world_names_private.h"

#define EVENT_SPACING 400.0 /* ms between two event slots of a fight */

static void out_json(struct gql_source *out, struct esomock_wjson *j, const cJSON *value,
                     struct gql_exec *exec)
{
    if (j->failed || value == NULL) {
        esomock__out_error(out, exec, "Out of memory.");
        return;
    }
    out->kind = GQL_SOURCE_JSON;
    out->json = value;
}

/* ---- a report's key, layout and roster --------------------------------------------------- */

uint64_t esomock__wreport_key(const struct esomock_world *w, int64_t n, const char *code)
{
    if (n >= 0 || code == NULL)
        return (uint64_t)n;
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *c = code; *c != '\0'; c++)
        h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
    return esomock__mix64(h ^ w->cfg.seed) | (1ull << 63); /* never a world index */
}

void esomock__wreport_layout(const struct esomock_world *w, uint64_t key, int zone,
                             struct esomock_wlayout *out)
{
    const struct esomock_zone *z = esomock__zone(zone);
    memset(out, 0, sizeof(*out));
    out->zone = z != NULL ? zone : 18;
    if (z == NULL)
        z = esomock__zone(18);
    uint64_t h = esomock__wh(w, WT_REPORT_DIFFICULTY, key, 0);
    unsigned d = (unsigned)esomock__below(h, 100);
    out->difficulty = d < 40 ? 122 : d < 85 ? 121 : 120;
    double t = 30000 + (double)esomock__below(h >> 8, 60000);
    for (int e = 0; e < 3; e++) {
        uint64_t fh = esomock__wh(w, WT_FIGHT, key, (uint64_t)e);
        struct esomock_wfight *trash = &out->fights[out->nfights++];
        trash->encounter = 0;
        trash->start = t;
        trash->end = t + 120000 + (double)esomock__below(fh, 180000);
        t = trash->end + 30000 + (double)esomock__below(fh >> 20, 60000);
        unsigned wipes = (unsigned)esomock__below(fh >> 30, out->difficulty == 122 ? 4 : 2);
        bool killed = e < 2 || esomock__below(fh >> 40, 100) >= 15;
        for (unsigned k = 0; k < wipes + (killed ? 1 : 0); k++) {
            uint64_t bh = esomock__wh(w, WT_FIGHT, key, (uint64_t)(e * 8 + (int)k + 100));
            struct esomock_wfight *f = &out->fights[out->nfights++];
            f->encounter = z->encounters[e];
            f->kill = killed && k == wipes;
            f->start = t;
            f->end = t + (f->kill ? 300000 + (double)esomock__below(bh, 420000)
                                  : 60000 + (double)esomock__below(bh, 340000));
            f->boss_pct = f->kill ? 0 : round(5 + esomock__unit(bh >> 8) * 750) / 10.0;
            f->fight_pct =
                f->kill ? 0 : round(f->boss_pct * 10 * (0.5 + esomock__unit(bh >> 16) / 2)) / 10.0;
            t = f->end + 30000 + (double)esomock__below(bh >> 24, 90000);
        }
    }
    out->length = t + (double)esomock__below(h >> 32, 60000);
}

/* What a report node stands for: its key, zone, owner and start. */
struct report_info {
    uint64_t key;
    int zone;
    bool world; /* a world report (its owner and place in the sequence known) */
    struct esomock_owner owner;
    double start;
};

static void report_info(const struct esomock_world *w, int64_t n, const char *code,
                        struct report_info *out)
{
    out->key = esomock__wreport_key(w, n, code);
    out->world = n >= 0;
    if (out->world) {
        out->zone = esomock__world_report_zone(w, n);
        out->owner = esomock__world_report_owner(w, n);
        out->start = esomock__world_report_start(w, n);
    } else {
        out->zone = esomock__zones[esomock__below(out->key, 6)].id;
        out->owner.guild = false;
        out->owner.id = w->cfg.keys[ESOMOCK_WT_USER].min +
                        (int64_t)esomock__below(out->key >> 8, (uint64_t)w->n[ESOMOCK_WT_USER]);
        out->start =
            floor(w->cfg.end_ms - esomock__unit(out->key >> 4) * w->cfg.span_days * 86400000.0);
    }
}

size_t esomock__wreport_roster(const struct esomock_world *w, const struct esomock_wnode *r,
                               struct gql_exec *exec, struct esomock_wplayer *out)
{
    struct report_info ri;
    report_info(w, r->id, r->code, &ri);
    struct esomock_wview members;
    if (ri.world && ri.owner.guild && esomock__world_exists(w, ESOMOCK_WT_GUILD, ri.owner.id) &&
        esomock__wview_members(&members, w, ri.owner.id, exec) && members.total > 0) {
        int64_t total = members.total;
        int64_t start = (int64_t)esomock__below(
            esomock__wh(w, WT_REPORT_ROSTER, (uint64_t)r->id, 0), (uint64_t)total);
        size_t size = total < ESOMOCK_WORLD_ROSTER ? (size_t)total : ESOMOCK_WORLD_ROSTER;
        for (size_t k = 0; k < size; k++) {
            const cJSON *json = NULL;
            int64_t key = 0;
            esomock__wview_at(&members, (start + (int64_t)k) % total, &json, &key);
            out[k].json = json;
            out[k].id = key;
            if (json != NULL) {
                const char *code = NULL;
                esomock__windex_key(json, &out[k].id, &code);
            }
        }
        return size;
    }
    /* A personal log: a pick-up group. */
    uint64_t nc = (uint64_t)w->n[ESOMOCK_WT_CHARACTER];
    uint64_t base = esomock__below(esomock__wh(w, WT_REPORT_ROSTER, ri.key, 1), nc);
    for (size_t k = 0; k < ESOMOCK_WORLD_ROSTER; k++) {
        out[k].json = NULL;
        out[k].id = w->cfg.keys[ESOMOCK_WT_CHARACTER].min +
                    (int64_t)esomock__perm((base + k) % nc, nc, w->key_character ^ 7u);
    }
    return ESOMOCK_WORLD_ROSTER;
}

/* The role of roster member @p k of @p size: two tanks, two healers, the rest damage. */
static int role_of(size_t k, size_t size)
{
    if (size >= 8)
        return k < 2 ? 2 : k < 4 ? 1 : 0;
    return k == 0 ? 2 : k == 1 ? 1 : 0;
}

static double guid_of(const struct esomock_world *w, int64_t id)
{
    return 8000000 + (double)esomock__below(esomock__wh(w, WT_ACTOR, (uint64_t)id, 0), 99999);
}

/* ---- the report's fields ----------------------------------------------------------------- */

static void report_field(const struct esomock_world *w, const struct esomock_wnode *r,
                         const struct gql_field_info *info, struct gql_source *out)
{
    struct report_info ri;
    report_info(w, r->id, r->code, &ri);
    struct esomock_wlayout lay;
    esomock__wreport_layout(w, ri.key, ri.zone, &lay);
    const struct esomock_zone *z = esomock__zone(lay.zone);
    char buf[ESOMOCK_NAME_SIZE];
    uint64_t h = esomock__wh(w, WT_REPORT_TITLE, ri.key, 0);
    if (is(info, "code")) {
        if (r->code != NULL) {
            out->kind = GQL_SOURCE_STRING;
            out->s = r->code;
        } else {
            esomock__world_report_code(w, r->id, buf);
            esomock__out_string(out, info->exec, buf);
        }
    } else if (is(info, "title")) {
        esomock__text_report_title(h, z->short_name, lay.difficulty, buf, sizeof(buf));
        esomock__out_string(out, info->exec, buf);
    } else if (is(info, "visibility")) {
        out->kind = GQL_SOURCE_STRING;
        out->s = esomock__below(h >> 8, 10) == 0 ? "unlisted" : "public";
    } else if (is(info, "startTime")) {
        out->kind = GQL_SOURCE_FLOAT;
        out->f = ri.start;
    } else if (is(info, "endTime")) {
        out->kind = GQL_SOURCE_FLOAT;
        out->f = ri.start + lay.length;
    } else if (is(info, "revision")) {
        out->kind = GQL_SOURCE_INT;
        out->i = 1 + (int64_t)esomock__below(h >> 12, 3);
    } else if (is(info, "segments") || is(info, "exportedSegments")) {
        out->kind = GQL_SOURCE_INT;
        out->i = (int64_t)lay.nfights + 2;
    } else if (is(info, "zone")) {
        esomock__wentity(w, info, WO_ZONE, lay.zone, NULL, out);
    } else if (is(info, "region")) {
        int server = ri.owner.guild && esomock__world_exists(w, ESOMOCK_WT_GUILD, ri.owner.id)
                         ? esomock__world_guild_server(w, ri.owner.id)
                         : 1 + (int)esomock__below(h >> 16, 6);
        const struct esomock_wguild_rel *rel =
            ri.owner.guild ? esomock__windex_guild(w->index, ri.owner.id) : NULL;
        if (rel != NULL && rel->server != 0)
            server = rel->server;
        esomock__wentity(w, info, WO_REGION, esomock__server(server)->region, NULL, out);
    } else if (is(info, "guild")) {
        size_t count = 0;
        if (ri.owner.guild)
            esomock__windex_objects(w->index, WO_GUILD, ri.owner.id, NULL, &count);
        if (ri.owner.guild &&
            (count > 0 || esomock__world_exists(w, ESOMOCK_WT_GUILD, ri.owner.id)))
            esomock__wentity(w, info, WO_GUILD, ri.owner.id, NULL, out);
        else
            out->kind = GQL_SOURCE_NULL; /* a personal log */
    } else if (is(info, "guildTag")) {
        int64_t tag =
            ri.world && ri.owner.guild ? esomock__world_report_tag(w, r->id, ri.owner.id) : 0;
        if (tag == 0) {
            out->kind = GQL_SOURCE_NULL;
            return;
        }
        size_t count = 0;
        esomock__windex_objects(w->index, WO_GUILD_TAG, tag, NULL, &count);
        if (count > 0) {
            esomock__wentity(w, info, WO_GUILD_TAG, tag, NULL, out);
            return;
        }
        struct esomock_wnode *t = esomock__wnode(w, info->exec, WO_GUILD_TAG, tag);
        out->kind = t != NULL ? GQL_SOURCE_HANDLE : GQL_SOURCE_ERROR;
        out->handle = t;
        out->s = "Out of memory.";
    } else if (is(info, "owner")) {
        int64_t user = ri.world ? esomock__world_report_uploader(w, r->id) : ri.owner.id;
        esomock__wentity(w, info, WO_USER, user, NULL, out);
    } else if (is(info, "archiveStatus") || is(info, "masterData")) {
        struct esomock_wnode *p = esomock__wnode(
            w, info->exec, is(info, "masterData") ? WO_MASTER_DATA : WO_ARCHIVE_STATUS, r->id);
        if (p != NULL) {
            p->a = r->id;
            p->code = r->code;
        }
        out->kind = p != NULL ? GQL_SOURCE_HANDLE : GQL_SOURCE_ERROR;
        out->handle = p;
        out->s = "Out of memory.";
    } else if (is(info, "fights")) {
        int64_t ids[ESOMOCK_WORLD_MAX_FIGHTS];
        size_t count = 0;
        int64_t v = 0;
        const char *kt = arg_string(info, "killType");
        const struct gql_value *fids = arg(info, "fightIDs");
        for (size_t i = 0; i < lay.nfights; i++) {
            const struct esomock_wfight *f = &lay.fights[i];
            bool boss = f->encounter != 0;
            if (arg_int(info, "encounterID", &v) && v != f->encounter)
                continue;
            if (arg_int(info, "difficulty", &v) && (!boss || v != lay.difficulty))
                continue;
            if (fids != NULL) {
                bool found = false;
                for (size_t k = 0; k < gql_value_count(fids) && !found; k++)
                    found = gql_value_float(gql_value_at(fids, k)) == (double)(i + 1);
                if (!found)
                    continue;
            }
            if (kt != NULL &&
                ((strcmp(kt, "Encounters") == 0 && !boss) || (strcmp(kt, "Trash") == 0 && boss) ||
                 (strcmp(kt, "Kills") == 0 && !(boss && f->kill)) ||
                 (strcmp(kt, "Wipes") == 0 && !(boss && !f->kill))))
                continue;
            ids[count++] = (int64_t)i;
        }
        esomock__wlist_out(w, info, WO_FIGHT, ids, count, r, out);
    } else if (is(info, "rankedCharacters")) {
        struct esomock_wplayer players[ESOMOCK_WORLD_ROSTER];
        size_t count = esomock__wreport_roster(w, r, info->exec, players);
        int64_t ids[ESOMOCK_WORLD_ROSTER];
        for (size_t i = 0; i < count; i++)
            ids[i] = players[i].id;
        esomock__wlist_out(w, info, WO_CHARACTER, ids, count, NULL, out);
    } else if (is(info, "phases")) {
        int64_t ids[3];
        size_t count = 0;
        for (size_t i = 0; i < lay.nfights; i++) {
            int e = lay.fights[i].encounter;
            if (e != 0 && (count == 0 || ids[count - 1] != e))
                ids[count++] = e;
        }
        esomock__wlist_out(w, info, WO_ENCOUNTER_PHASES, ids, count, r, out);
    }
}

/* ---- the parts of a report ---------------------------------------------------------------- */

static void fight_field(const struct esomock_world *w, const struct esomock_wnode *n,
                        const struct gql_field_info *info, struct gql_source *out)
{
    struct report_info ri;
    report_info(w, n->a, n->code, &ri);
    struct esomock_wlayout lay;
    esomock__wreport_layout(w, ri.key, ri.zone, &lay);
    size_t i = (size_t)n->id < lay.nfights ? (size_t)n->id : 0;
    const struct esomock_wfight *f = &lay.fights[i];
    const struct esomock_zone *z = esomock__zone(lay.zone);
    bool boss = f->encounter != 0;
    bool last = boss && f->kill && f->encounter == z->encounters[2];
    struct esomock_wjson j = {.exec = info->exec};
    if (is(info, "id")) {
        out->kind = GQL_SOURCE_INT;
        out->i = (int64_t)i + 1;
    } else if (is(info, "name")) {
        out->kind = GQL_SOURCE_STRING;
        out->s = boss ? esomock__encounter(f->encounter)->name : z->name;
    } else if (is(info, "encounterID")) {
        out->kind = GQL_SOURCE_INT;
        out->i = f->encounter;
    } else if (is(info, "difficulty") || is(info, "size")) {
        out->kind = boss ? GQL_SOURCE_INT : GQL_SOURCE_NULL;
        out->i = is(info, "size") ? ESOMOCK_WORLD_ROSTER : lay.difficulty;
    } else if (is(info, "startTime") || is(info, "endTime")) {
        out->kind = GQL_SOURCE_FLOAT;
        out->f = is(info, "startTime") ? f->start : f->end;
    } else if (is(info, "kill")) {
        out->kind = boss ? GQL_SOURCE_BOOLEAN : GQL_SOURCE_NULL;
        out->b = f->kill;
    } else if (is(info, "completeRaid") || is(info, "inProgress") ||
               is(info, "lastPhaseIsIntermission")) {
        out->kind = GQL_SOURCE_BOOLEAN;
        out->b = false;
    } else if (is(info, "bossPercentage") || is(info, "fightPercentage")) {
        out->kind = boss ? GQL_SOURCE_FLOAT : GQL_SOURCE_NULL;
        out->f = is(info, "bossPercentage") ? f->boss_pct : f->fight_pct;
    } else if (is(info, "averageItemLevel")) {
        out->kind = GQL_SOURCE_FLOAT;
        out->f = 160.0;
    } else if (is(info, "trialScore") || is(info, "trialTime")) {
        out->kind = last ? GQL_SOURCE_FLOAT : GQL_SOURCE_NULL;
        out->f = is(info, "trialTime")
                     ? f->end - lay.fights[0].start
                     : 90000 + (double)esomock__below(esomock__wh(w, WT_AMOUNT, ri.key, 9), 70000);
    } else if (is(info, "lastPhase") || is(info, "lastPhaseAsAbsoluteIndex")) {
        out->kind = boss ? GQL_SOURCE_INT : GQL_SOURCE_NULL;
        out->i = f->kill ? 3 : 1 + (int64_t)(f->boss_pct < 30) + (int64_t)(f->boss_pct < 60);
        if (is(info, "lastPhaseAsAbsoluteIndex"))
            out->i -= 1;
    } else if (is(info, "originalEncounterID") || is(info, "wipeCalledTime") ||
               is(info, "dungeonPulls") || is(info, "phaseTransitions")) {
        out->kind = GQL_SOURCE_NULL;
    } else if (is(info, "friendlyPlayers") || is(info, "enemyPlayers")) {
        cJSON *a = esomock__wj_array(&j);
        for (int k = 1; is(info, "friendlyPlayers") && k <= ESOMOCK_WORLD_ROSTER; k++)
            esomock__wj_add(&j, a, NULL, esomock__wj_number(&j, k));
        out_json(out, &j, a, info->exec);
    } else if (is(info, "gameZone")) {
        struct esomock_wnode *g = esomock__wnode(w, info->exec, WO_GAME_ZONE, lay.zone);
        out->kind = g != NULL ? GQL_SOURCE_HANDLE : GQL_SOURCE_ERROR;
        out->handle = g;
        out->s = "Out of memory.";
    } else if (is(info, "maps")) {
        int64_t id = z->game_zone;
        esomock__wlist_out(w, info, WO_REPORT_MAP, &id, 1, n, out);
    } else if (is(info, "enemyNPCs")) {
        int64_t id = f->encounter;
        esomock__wlist_out(w, info, WO_FIGHT_NPC, &id, boss ? 1 : 0, n, out);
    } else if (is(info, "friendlyNPCs") || is(info, "enemyPets") || is(info, "friendlyPets")) {
        esomock__wlist_out(w, info, WO_FIGHT_NPC, NULL, 0, n, out);
    }
    /* boundingBox: not provided (generated) */
}

static void actor_list(const struct esomock_world *w, const struct esomock_wnode *m,
                       const struct gql_field_info *info, struct gql_source *out)
{
    struct report_info ri;
    report_info(w, m->a, m->code, &ri);
    struct esomock_wlayout lay;
    esomock__wreport_layout(w, ri.key, ri.zone, &lay);
    struct esomock_wnode r = {.kind = WO_REPORT, .id = m->a, .code = m->code};
    struct esomock_wplayer *players =
        gql_exec_alloc(info->exec, ESOMOCK_WORLD_ROSTER * sizeof(*players));
    struct esomock_wnode *ctx = esomock__wnode(w, info->exec, WO_MASTER_DATA, m->a);
    if (players == NULL || ctx == NULL) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return;
    }
    size_t count = esomock__wreport_roster(w, &r, info->exec, players);
    ctx->a = m->a;
    ctx->code = m->code;
    ctx->ptr = players;
    ctx->c = (int64_t)count;
    const char *type = arg_string(info, "type"), *sub = arg_string(info, "subType");
    int64_t ids[ESOMOCK_WORLD_ROSTER + 3];
    size_t n = 0;
    for (size_t k = 0; k < count; k++) {
        struct esomock_wplayer_info pi;
        esomock__wplayer_info(w, &players[k], info->exec, &pi);
        if ((type == NULL || strcmp(type, "Player") == 0) &&
            (sub == NULL || strcmp(sub, esomock__class(pi.class_id)->name) == 0))
            ids[n++] = (int64_t)k + 1;
    }
    const struct esomock_zone *z = esomock__zone(lay.zone);
    for (int e = 0; e < 3; e++) {
        if ((type == NULL || strcmp(type, "NPC") == 0) && (sub == NULL || strcmp(sub, "Boss") == 0))
            ids[n++] = (int64_t)count + 1 + e;
    }
    (void)z;
    esomock__wlist_out(w, info, WO_ACTOR, ids, n, ctx, out);
}

static void actor_field(const struct esomock_world *w, const struct esomock_wnode *n,
                        const struct gql_field_info *info, struct gql_source *out)
{
    /* n->id the actor id; n->ptr the roster, its size in the parent's c (copied in b) */
    struct report_info ri;
    report_info(w, n->a, n->code, &ri);
    struct esomock_wnode r = {.kind = WO_REPORT, .id = n->a, .code = n->code};
    struct esomock_wplayer players[ESOMOCK_WORLD_ROSTER];
    size_t count = esomock__wreport_roster(w, &r, info->exec, players);
    bool player = n->id >= 1 && (size_t)n->id <= count;
    char buf[ESOMOCK_NAME_SIZE];
    struct esomock_wplayer_info pi = {0};
    const struct esomock_encounter *boss = NULL;
    if (player) {
        esomock__wplayer_info(w, &players[n->id - 1], info->exec, &pi);
    } else {
        int e = (int)(n->id - (int64_t)count - 1);
        boss = esomock__encounter(esomock__zone(ri.zone)->encounters[e >= 0 && e < 3 ? e : 0]);
    }
    if (is(info, "id")) {
        out->kind = GQL_SOURCE_INT;
        out->i = n->id;
    } else if (is(info, "name") || is(info, "displayName")) {
        out->kind = GQL_SOURCE_STRING;
        out->s = player ? (is(info, "name") ? pi.name : pi.account) : boss->name;
    } else if (is(info, "type")) {
        out->kind = GQL_SOURCE_STRING;
        out->s = player ? "Player" : "NPC";
    } else if (is(info, "subType")) {
        out->kind = GQL_SOURCE_STRING;
        out->s = player ? esomock__class(pi.class_id)->name : "Boss";
    } else if (is(info, "server")) {
        out->kind = player ? GQL_SOURCE_STRING : GQL_SOURCE_NULL;
        out->s = player ? esomock__server(pi.server)->name : NULL;
    } else if (is(info, "gameID")) {
        out->kind = GQL_SOURCE_FLOAT;
        out->f = player ? guid_of(w, players[n->id - 1].id) : boss->npc;
    } else if (is(info, "icon")) {
        if (!player) {
            out->kind = GQL_SOURCE_STRING;
            out->s = "Boss";
            return;
        }
        snprintf(buf, sizeof(buf), "%s-%s", esomock__class(pi.class_id)->name,
                 esomock__spec_names[role_of((size_t)n->id - 1, count) == 0   ? 0
                                     : role_of((size_t)n->id - 1, count) == 1 ? 1
                                                                              : 2]);
        esomock__out_string(out, info->exec, buf);
    } else if (is(info, "petOwner")) {
        out->kind = GQL_SOURCE_NULL;
    } else if (is(info, "anonymous")) {
        out->kind = GQL_SOURCE_BOOLEAN;
        out->b = false;
    }
}

/* An ability of the world by id: its name as gameData.ability gives it. */
static void ability_name(const struct esomock_world *w, int64_t id, char *buf, size_t size)
{
    esomock__name_ability(esomock__wh(w, WT_NAME, WO_ABILITY, (uint64_t)id), buf, size);
}

static int64_t report_ability(const struct esomock_world *w, uint64_t key, int64_t k)
{
    const struct esomock_world_keys *a = &w->cfg.keys[ESOMOCK_WT_ABILITY];
    return a->min + (int64_t)esomock__below(esomock__wh(w, WT_ICON, key, (uint64_t)k),
                                            (uint64_t)w->n[ESOMOCK_WT_ABILITY]);
}

void esomock__wreport_part(const struct esomock_world *w, const struct esomock_wnode *n,
                           const struct gql_field_info *info, struct gql_source *out)
{
    char buf[ESOMOCK_NAME_SIZE];
    switch (n->kind) {
    case WO_REPORT:
        report_field(w, n, info, out);
        return;
    case WO_FIGHT:
        fight_field(w, n, info, out);
        return;
    case WO_ACTOR:
        actor_field(w, n, info, out);
        return;
    case WO_ARCHIVE_STATUS:
        if (is(info, "archiveDate")) {
            out->kind = GQL_SOURCE_NULL;
        } else {
            out->kind = GQL_SOURCE_BOOLEAN;
            out->b = is(info, "isAccessible"); /* nothing is archived within the world's year */
        }
        return;
    case WO_GAME_ZONE: {
        const struct esomock_zone *z = esomock__zone((int)n->id);
        if (is(info, "id")) {
            out->kind = GQL_SOURCE_FLOAT;
            out->f = z != NULL ? z->game_zone : 0;
        } else if (is(info, "name")) {
            out->kind = z != NULL ? GQL_SOURCE_STRING : GQL_SOURCE_NULL;
            out->s = z != NULL ? z->name : NULL;
        }
        return;
    }
    case WO_MASTER_DATA: {
        struct report_info ri;
        report_info(w, n->a, n->code, &ri);
        if (is(info, "logVersion")) {
            out->kind = GQL_SOURCE_INT;
            out->i = 29;
        } else if (is(info, "gameVersion")) {
            out->kind = GQL_SOURCE_INT;
            out->i = 1;
        } else if (is(info, "lang")) {
            out->kind = GQL_SOURCE_STRING;
            out->s = "en";
        } else if (is(info, "actors")) {
            actor_list(w, n, info, out);
        } else if (is(info, "abilities")) {
            int64_t ids[8];
            for (int64_t k = 0; k < 8; k++)
                ids[k] = report_ability(w, ri.key, k);
            esomock__wlist_out(w, info, WO_REPORT_ABILITY, ids, 8, n, out);
        }
        return;
    }
    case WO_REPORT_ABILITY: {
        static const char *const types[] = {"1", "2", "4", "8", "16", "32", "64"};
        if (is(info, "gameID")) {
            out->kind = GQL_SOURCE_FLOAT;
            out->f = (double)n->id;
        } else if (is(info, "name")) {
            ability_name(w, n->id, buf, sizeof(buf));
            esomock__out_string(out, info->exec, buf);
        } else if (is(info, "icon")) {
            esomock__icon("ability", esomock__wh(w, WT_NAME, WO_ABILITY, (uint64_t)n->id) >> 3, buf,
                          sizeof(buf));
            esomock__out_string(out, info->exec, buf);
        } else if (is(info, "type")) {
            out->kind = GQL_SOURCE_STRING;
            out->s = types[esomock__below((uint64_t)n->id, 7)];
        }
        return;
    }
    case WO_REPORT_MAP: {
        const struct esomock_zone *z = NULL;
        for (int k = 0; k < 6; k++) {
            if (esomock__zones[k].game_zone == n->id)
                z = &esomock__zones[k];
        }
        if (is(info, "id")) {
            out->kind = GQL_SOURCE_INT;
            out->i = n->id;
        } else if (is(info, "name")) {
            out->kind = z != NULL ? GQL_SOURCE_STRING : GQL_SOURCE_NULL;
            out->s = z != NULL ? z->name : NULL;
        } else if (is(info, "file")) {
            out->kind = GQL_SOURCE_NULL;
        }
        return;
    }
    case WO_FIGHT_NPC: {
        const struct esomock_encounter *e = esomock__encounter((int)n->id);
        if (is(info, "gameID")) {
            out->kind = GQL_SOURCE_INT;
            out->i = e != NULL ? e->npc : 0;
        } else if (is(info, "id")) {
            out->kind = GQL_SOURCE_INT;
            out->i = ESOMOCK_WORLD_ROSTER + 1 + (e != NULL ? (e->id - 1) % 3 : 0);
        } else if (is(info, "instanceCount") || is(info, "groupCount")) {
            out->kind = GQL_SOURCE_INT;
            out->i = 1;
        } else if (is(info, "petOwner")) {
            out->kind = GQL_SOURCE_NULL;
        }
        return;
    }
    case WO_ENCOUNTER_PHASES:
        if (is(info, "encounterID")) {
            out->kind = GQL_SOURCE_INT;
            out->i = n->id;
        } else if (is(info, "separatesWipes")) {
            out->kind = GQL_SOURCE_BOOLEAN;
            out->b = true;
        } else if (is(info, "phases")) {
            int64_t ids[3] = {1, 2, 3};
            esomock__wlist_out(w, info, WO_PHASE, ids, 3, n, out);
        }
        return;
    case WO_PHASE:
        if (is(info, "id")) {
            out->kind = GQL_SOURCE_INT;
            out->i = n->id;
        } else if (is(info, "name")) {
            snprintf(buf, sizeof(buf), "Phase %lld", (long long)n->id);
            esomock__out_string(out, info->exec, buf);
        } else if (is(info, "isIntermission")) {
            out->kind = GQL_SOURCE_BOOLEAN;
            out->b = false;
        }
        return;
    case WO_EVENT_PAGINATOR:
        if (is(info, "data")) {
            out->kind = GQL_SOURCE_JSON;
            out->json = n->json;
        } else if (is(info, "nextPageTimestamp")) {
            out->kind = n->next < 0 ? GQL_SOURCE_NULL : GQL_SOURCE_FLOAT;
            out->f = n->next;
        }
        return;
    default:
        return;
    }
}

/* ---- events ------------------------------------------------------------------------------- */

struct event_filter {
    const char *data_type;  /* NULL: All */
    int64_t source, target; /* 0: any */
    double ability;         /* 0: any */
    bool enemies;           /* hostilityType Enemies */
};

/* Event slot @p e of fight @p f into @p ev (its type and who); false when the slot is empty. */
struct event {
    double timestamp;
    const char *type;
    int64_t source, target;
    int64_t ability;
    int64_t amount;
    int hit;
};

static bool event_at(const struct esomock_world *w, uint64_t key, const struct esomock_wlayout *lay,
                     size_t f, int64_t e, size_t roster, struct event *ev)
{
    const struct esomock_wfight *fight = &lay->fights[f];
    uint64_t h = esomock__wh(w, WT_EVENT, key, (uint64_t)(f * 1000003u) + (uint64_t)e);
    ev->timestamp = fight->start + (double)e * EVENT_SPACING + (double)esomock__below(h, 400);
    int64_t enemy = (int64_t)roster + 1 + (fight->encounter != 0 ? (fight->encounter - 1) % 3 : 0);
    int64_t player = 1 + (int64_t)esomock__below(h >> 9, roster);
    ev->ability = w->cfg.keys[ESOMOCK_WT_ABILITY].min +
                  (int64_t)esomock__below(h >> 17, (uint64_t)w->n[ESOMOCK_WT_ABILITY]);
    ev->hit = 1 + (int)esomock__below(h >> 40, 2);
    ev->amount = 0;
    if (e == 0 && fight->encounter != 0) {
        ev->type = "encounterstart";
        ev->source = ev->target = -1;
        ev->timestamp = fight->start;
        return true;
    }
    unsigned kind = (unsigned)esomock__below(h >> 24, 100);
    if (kind < 40) {
        ev->type = "damage";
        ev->source = player;
        ev->target = enemy;
        ev->amount = 8000 + (int64_t)esomock__below(h >> 32, 60000);
    } else if (kind < 55) {
        ev->type = "damage";
        ev->source = enemy;
        ev->target = player;
        ev->amount = 4000 + (int64_t)esomock__below(h >> 32, 20000);
    } else if (kind < 72) {
        ev->type = "cast";
        ev->source = player;
        ev->target = enemy;
    } else if (kind < 86) {
        ev->type = "heal";
        ev->source =
            1 + (int64_t)esomock__below(h >> 44, roster < 4 ? roster : 2) + (roster >= 8 ? 2 : 0);
        ev->target = player;
        ev->amount = 3000 + (int64_t)esomock__below(h >> 32, 15000);
    } else if (kind < 94) {
        ev->type = "applybuff";
        ev->source = player;
        ev->target = player;
    } else if (kind < 99) {
        ev->type = "applydebuff";
        ev->source = player;
        ev->target = enemy;
    } else {
        ev->type = "death";
        ev->source = enemy;
        ev->target = player;
    }
    return true;
}

static bool event_passes(const struct event *ev, const struct event_filter *f, size_t roster)
{
    if (f->source != 0 && ev->source != f->source)
        return false;
    if (f->target != 0 && ev->target != f->target)
        return false;
    if (f->ability != 0 && (double)ev->ability != f->ability)
        return false;
    if (f->enemies && ev->source <= (int64_t)roster)
        return false;
    if (f->data_type == NULL || strcmp(f->data_type, "All") == 0)
        return true;
    const char *t = ev->type, *d = f->data_type;
    bool from_player = ev->source >= 1 && ev->source <= (int64_t)roster;
    if (strcmp(d, "DamageDone") == 0)
        return strcmp(t, "damage") == 0 && from_player;
    if (strcmp(d, "DamageTaken") == 0)
        return strcmp(t, "damage") == 0 && !from_player;
    if (strcmp(d, "Healing") == 0)
        return strcmp(t, "heal") == 0;
    if (strcmp(d, "Casts") == 0)
        return strcmp(t, "cast") == 0;
    if (strcmp(d, "Buffs") == 0)
        return strcmp(t, "applybuff") == 0;
    if (strcmp(d, "Debuffs") == 0)
        return strcmp(t, "applydebuff") == 0;
    if (strcmp(d, "Deaths") == 0)
        return strcmp(t, "death") == 0;
    return false; /* Resources, Summons, Interrupts, Dispels, Threat, CombatantInfo: none here */
}

static cJSON *event_json(struct esomock_wjson *j, const struct event *ev, size_t fight,
                         int difficulty)
{
    cJSON *o = esomock__wj_object(j);
    esomock__wj_num(j, o, "timestamp", ev->timestamp);
    esomock__wj_str(j, o, "type", ev->type);
    if (strcmp(ev->type, "encounterstart") == 0) {
        esomock__wj_num(j, o, "fight", (double)fight + 1);
        esomock__wj_num(j, o, "difficulty", difficulty);
        esomock__wj_num(j, o, "size", ESOMOCK_WORLD_ROSTER);
        return o;
    }
    esomock__wj_num(j, o, "sourceID", (double)ev->source);
    esomock__wj_num(j, o, "targetID", (double)ev->target);
    esomock__wj_num(j, o, "abilityGameID", (double)ev->ability);
    esomock__wj_num(j, o, "fight", (double)fight + 1);
    if (ev->amount > 0) {
        esomock__wj_num(j, o, "hitType", ev->hit);
        esomock__wj_num(j, o, "amount", (double)ev->amount);
    }
    return o;
}

/* Whether fight @p i passes the fight filters of @p info. */
static bool fight_selected(const struct gql_field_info *info, const struct esomock_wlayout *lay,
                           size_t i)
{
    const struct esomock_wfight *f = &lay->fights[i];
    bool boss = f->encounter != 0;
    int64_t v = 0;
    if (arg_int(info, "encounterID", &v) && v != f->encounter)
        return false;
    if (arg_int(info, "difficulty", &v) && (!boss || v != lay->difficulty))
        return false;
    const struct gql_value *ids = arg(info, "fightIDs");
    if (ids != NULL) {
        bool found = false;
        for (size_t k = 0; k < gql_value_count(ids) && !found; k++)
            found = gql_value_float(gql_value_at(ids, k)) == (double)(i + 1);
        if (!found)
            return false;
    }
    const char *kt = arg_string(info, "killType");
    return kt == NULL || strcmp(kt, "All") == 0 || (strcmp(kt, "Encounters") == 0 && boss) ||
           (strcmp(kt, "Trash") == 0 && !boss) || (strcmp(kt, "Kills") == 0 && boss && f->kill) ||
           (strcmp(kt, "Wipes") == 0 && boss && !f->kill);
}

static void events(const struct esomock_world *w, const struct esomock_wnode *r,
                   const struct gql_field_info *info, struct gql_source *out)
{
    struct esomock_wlimit limit = esomock__wlimit_parse(info->field);
    int64_t per_page = 0, page = 0;
    char msg[128];
    if (!esomock__wlimit_check(&limit, info->args, &per_page, &page, msg, sizeof(msg))) {
        esomock__out_error(out, info->exec, msg);
        return;
    }
    struct report_info ri;
    report_info(w, r->id, r->code, &ri);
    struct esomock_wlayout lay;
    esomock__wreport_layout(w, ri.key, ri.zone, &lay);
    const struct gql_value *t0 = arg(info, "startTime"), *t1 = arg(info, "endTime");
    double from = t0 != NULL ? gql_value_float(t0) : 0;
    double to = t1 != NULL ? gql_value_float(t1) : lay.length;
    struct event_filter ef = {.data_type = arg_string(info, "dataType")};
    int64_t v = 0;
    if (arg_int(info, "sourceID", &v))
        ef.source = v;
    if (arg_int(info, "targetID", &v))
        ef.target = v;
    if (arg(info, "abilityID") != NULL)
        ef.ability = gql_value_float(arg(info, "abilityID"));
    const char *hostility = arg_string(info, "hostilityType");
    ef.enemies = hostility != NULL && strcmp(hostility, "Enemies") == 0;
    struct esomock_wjson j = {.exec = info->exec};
    cJSON *data = esomock__wj_array(&j);
    struct esomock_wnode *page_node = esomock__wnode(w, info->exec, WO_EVENT_PAGINATOR, r->id);
    if (page_node == NULL) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return;
    }
    size_t roster = ESOMOCK_WORLD_ROSTER;
    int64_t count = 0;
    page_node->next = -1;
    for (size_t f = 0; f < lay.nfights && page_node->next < 0; f++) {
        const struct esomock_wfight *fight = &lay.fights[f];
        if (fight->end < from || fight->start > to || !fight_selected(info, &lay, f))
            continue;
        int64_t slots = (int64_t)((fight->end - fight->start) / EVENT_SPACING);
        int64_t e0 = fight->start >= from ? 0 : (int64_t)((from - fight->start) / EVENT_SPACING);
        if (e0 > 0)
            e0--;
        for (int64_t e = e0; e < slots; e++) {
            struct event ev;
            if (!event_at(w, ri.key, &lay, f, e, roster, &ev) || ev.timestamp < from)
                continue;
            if (ev.timestamp > to)
                break;
            if (!event_passes(&ev, &ef, roster))
                continue;
            if (count == per_page) {
                page_node->next = ev.timestamp;
                break;
            }
            esomock__wj_add(&j, data, NULL, event_json(&j, &ev, f, lay.difficulty));
            count++;
        }
    }
    if (j.failed) {
        esomock__out_error(out, info->exec, "Out of memory.");
        return;
    }
    page_node->json = data;
    out->kind = GQL_SOURCE_HANDLE;
    out->handle = page_node;
}

/* ---- tables, graphs, rankings, player details --------------------------------------------- */

static cJSON *player_json(struct esomock_wjson *j, const struct esomock_world *w,
                          const struct esomock_wplayer *p, const struct esomock_wplayer_info *pi,
                          size_t k)
{
    cJSON *o = esomock__wj_object(j);
    esomock__wj_str(j, o, "name", pi->name);
    esomock__wj_num(j, o, "id", (double)k + 1);
    esomock__wj_num(j, o, "guid", guid_of(w, p->id));
    esomock__wj_str(j, o, "type", esomock__class(pi->class_id)->name);
    return o;
}

static void report_json(const struct esomock_world *w, const struct esomock_wnode *r,
                        const struct gql_field_info *info, struct gql_source *out)
{
    struct report_info ri;
    report_info(w, r->id, r->code, &ri);
    struct esomock_wlayout lay;
    esomock__wreport_layout(w, ri.key, ri.zone, &lay);
    struct esomock_wplayer players[ESOMOCK_WORLD_ROSTER];
    struct esomock_wplayer_info pis[ESOMOCK_WORLD_ROSTER];
    size_t count = esomock__wreport_roster(w, r, info->exec, players);
    for (size_t k = 0; k < count; k++)
        esomock__wplayer_info(w, &players[k], info->exec, &pis[k]);
    double active = 0, first = -1, last = 0;
    for (size_t i = 0; i < lay.nfights; i++) {
        if (!fight_selected(info, &lay, i))
            continue;
        active += lay.fights[i].end - lay.fights[i].start;
        if (first < 0)
            first = lay.fights[i].start;
        last = lay.fights[i].end;
    }
    if (first < 0)
        first = 0;
    struct esomock_wjson j = {.exec = info->exec};
    cJSON *root = esomock__wj_object(&j);
    cJSON *data = esomock__wj_add(
        &j, root, "data", is(info, "rankings") ? esomock__wj_array(&j) : esomock__wj_object(&j));
    if (is(info, "table")) {
        esomock__wj_num(&j, data, "totalTime", active);
        esomock__wj_num(&j, data, "itemLevel", 160);
        cJSON *comp = esomock__wj_add(&j, data, "composition", esomock__wj_array(&j));
        cJSON *entries = esomock__wj_add(&j, data, "entries", esomock__wj_array(&j));
        for (size_t k = 0; k < count; k++) {
            int role = role_of(k, count);
            cJSON *c = esomock__wj_add(&j, comp, NULL, player_json(&j, w, &players[k], &pis[k], k));
            cJSON *specs = esomock__wj_add(&j, c, "specs", esomock__wj_array(&j));
            cJSON *s = esomock__wj_add(&j, specs, NULL, esomock__wj_object(&j));
            esomock__wj_str(&j, s, "spec", esomock__spec_names[role]);
            esomock__wj_str(&j, s, "role", esomock__role_names[role]);
        }
        /* damage dealers first, the most damage first */
        for (size_t k = 0; k < count; k++) {
            cJSON *e =
                esomock__wj_add(&j, entries, NULL, player_json(&j, w, &players[k], &pis[k], k));
            char icon[64];
            snprintf(icon, sizeof(icon), "%s-%s", esomock__class(pis[k].class_id)->name,
                     esomock__spec_names[role_of(k, count)]);
            esomock__wj_str(&j, e, "icon", icon);
            double rate =
                role_of(k, count) == 0 ? 120000 - (double)k * 3000 : 20000 - (double)k * 500;
            esomock__wj_num(&j, e, "total", floor(rate * active / 1000.0));
            esomock__wj_num(&j, e, "activeTime", floor(active * 0.99));
            esomock__wj_num(&j, e, "activeTimeReduced", floor(active * 0.99));
        }
    } else if (is(info, "graph")) {
        esomock__wj_num(&j, data, "startTime", first);
        esomock__wj_num(&j, data, "endTime", last);
        cJSON *series = esomock__wj_add(&j, data, "series", esomock__wj_array(&j));
        double interval = last > first ? floor((last - first) / 5) : 1000;
        for (size_t k = 0; k < count; k++) {
            if (role_of(k, count) != 0)
                continue;
            cJSON *s =
                esomock__wj_add(&j, series, NULL, player_json(&j, w, &players[k], &pis[k], k));
            esomock__wj_num(&j, s, "pointStart", first);
            esomock__wj_num(&j, s, "pointInterval", interval);
            cJSON *pts = esomock__wj_add(&j, s, "data", esomock__wj_array(&j));
            for (int p = 0; p < 5; p++)
                esomock__wj_add(&j, pts, NULL,
                                esomock__wj_number(&j, 90000 + (double)esomock__below(
                                                                   esomock__wh(w, WT_AMOUNT, ri.key,
                                                                               k * 8 + (size_t)p),
                                                                   40000)));
        }
    } else if (is(info, "playerDetails")) {
        cJSON *pd = esomock__wj_add(&j, data, "playerDetails", esomock__wj_object(&j));
        cJSON *roles[3] = {NULL, NULL, NULL};
        static const char *const keys[3] = {"dps", "healers", "tanks"};
        for (int r2 = 2; r2 >= 0; r2--)
            roles[r2] = esomock__wj_add(&j, pd, keys[r2], esomock__wj_array(&j));
        for (size_t k = 0; k < count; k++) {
            int role = role_of(k, count);
            cJSON *p =
                esomock__wj_add(&j, roles[role], NULL, player_json(&j, w, &players[k], &pis[k], k));
            esomock__wj_str(&j, p, "server", esomock__server(pis[k].server)->name);
            esomock__wj_str(&j, p, "displayName", pis[k].account);
            esomock__wj_flag(&j, p, "anonymous", false);
            char icon[64];
            snprintf(icon, sizeof(icon), "%s-%s", esomock__class(pis[k].class_id)->name,
                     esomock__spec_names[role]);
            esomock__wj_str(&j, p, "icon", icon);
            cJSON *specs = esomock__wj_add(&j, p, "specs", esomock__wj_array(&j));
            cJSON *s = esomock__wj_add(&j, specs, NULL, esomock__wj_object(&j));
            esomock__wj_str(&j, s, "spec", esomock__spec_names[role]);
            esomock__wj_num(&j, s, "count", (double)lay.nfights);
            esomock__wj_num(&j, p, "minItemLevel", 160);
            esomock__wj_num(&j, p, "maxItemLevel", 160);
            esomock__wj_num(&j, p, "potionUse", 0);
            esomock__wj_num(&j, p, "healthstoneUse", 0);
        }
    } else { /* rankings: one entry per boss kill */
        for (size_t i = 0; i < lay.nfights; i++) {
            const struct esomock_wfight *f = &lay.fights[i];
            if (f->encounter == 0 || !f->kill || !fight_selected(info, &lay, i))
                continue;
            cJSON *e = esomock__wj_add(&j, data, NULL, esomock__wj_object(&j));
            esomock__wj_num(&j, e, "fightID", (double)i + 1);
            esomock__wj_num(&j, e, "partition", ESOMOCK_DEFAULT_PARTITION);
            esomock__wj_num(&j, e, "zone", lay.zone);
            cJSON *enc = esomock__wj_add(&j, e, "encounter", esomock__wj_object(&j));
            esomock__wj_num(&j, enc, "id", f->encounter);
            esomock__wj_str(&j, enc, "name", esomock__encounter(f->encounter)->name);
            esomock__wj_num(&j, e, "difficulty", lay.difficulty);
            esomock__wj_num(&j, e, "size", ESOMOCK_WORLD_ROSTER);
            esomock__wj_num(&j, e, "kill", 1);
            esomock__wj_num(&j, e, "duration", f->end - f->start);
            esomock__wj_num(&j, e, "bracketData", 160);
            esomock__wj_num(&j, e, "deaths",
                            (double)esomock__below(esomock__wh(w, WT_AMOUNT, ri.key, i), 5));
            cJSON *roles = esomock__wj_add(&j, e, "roles", esomock__wj_object(&j));
            static const char *const keys[3] = {"dps", "healers", "tanks"};
            static const char *const names[3] = {"DPS", "Healers", "Tanks"};
            cJSON *by_role[3];
            for (int r2 = 2; r2 >= 0; r2--) {
                cJSON *ro = esomock__wj_add(&j, roles, keys[r2], esomock__wj_object(&j));
                esomock__wj_str(&j, ro, "name", names[r2]);
                by_role[r2] = esomock__wj_add(&j, ro, "characters", esomock__wj_array(&j));
            }
            for (size_t k = 0; k < count; k++) {
                int role = role_of(k, count);
                cJSON *c = esomock__wj_add(&j, by_role[role], NULL,
                                           player_json(&j, w, &players[k], &pis[k], k));
                uint64_t h = esomock__wh(w, WT_RANKING, ri.key, i * 64 + k);
                double pct = floor(300 + esomock__unit(h) * 700) / 10.0;
                esomock__wj_str(&j, c, "spec", esomock__spec_names[role]);
                esomock__wj_num(&j, c, "amount",
                                floor((role == 0 ? 80000 : 15000) * (0.6 + pct / 250) * 10) / 10);
                char rank[32];
                snprintf(rank, sizeof(rank), "~%d", (int)((100 - pct) * 24) + 1);
                esomock__wj_str(&j, c, "rank", rank);
                snprintf(rank, sizeof(rank), "%d", (int)pct);
                esomock__wj_str(&j, c, "best", rank);
                esomock__wj_num(&j, c, "totalParses", 2400);
                esomock__wj_num(&j, c, "rankPercent", pct);
                esomock__wj_num(&j, c, "bracketData", 160);
                cJSON *sv = esomock__wj_add(&j, c, "server", esomock__wj_object(&j));
                const struct esomock_server_info *s = esomock__server(pis[k].server);
                esomock__wj_num(&j, sv, "id", s->id);
                esomock__wj_str(&j, sv, "name", s->name);
                esomock__wj_str(&j, sv, "region", esomock__region(s->region)->compact);
            }
        }
    }
    out_json(out, &j, root, info->exec);
}

void esomock__wreport_field(const struct esomock_world *w, const struct esomock_wnode *r,
                            const struct gql_field_info *info, struct gql_source *out)
{
    if (is(info, "events"))
        events(w, r, info, out);
    else
        report_json(w, r, info, out);
}

/* ---- rankings of characters and encounters ------------------------------------------------ */

#define RANKED_CHARACTERS 5000
#define RANKED_GUILDS 2000
#define RANKINGS_PER_PAGE 100

/* A world report of zone table index @p z, picked by @p h. */
static int64_t zone_report(const struct esomock_world *w, int z, uint64_t h)
{
    int64_t total = esomock__world_zone_count_before(w, z, w->reports);
    if (total <= 0)
        return 0;
    return esomock__world_zone_select(w, z, (int64_t)esomock__below(h, (uint64_t)total));
}

static void report_ref(struct esomock_wjson *j, const struct esomock_world *w, cJSON *o, int64_t n,
                       int encounter)
{
    char code[17];
    esomock__world_report_code(w, n, code);
    cJSON *rep = esomock__wj_add(j, o, "report", esomock__wj_object(j));
    esomock__wj_str(j, rep, "code", code);
    esomock__wj_num(j, rep, "startTime", esomock__world_report_start(w, n));
    /* the kill of the encounter: the fight after its trash and wipes */
    struct esomock_wlayout lay;
    esomock__wreport_layout(w, esomock__wreport_key(w, n, NULL), esomock__world_report_zone(w, n),
                            &lay);
    size_t fight = 0;
    for (size_t i = 0; i < lay.nfights; i++) {
        if (lay.fights[i].encounter == encounter && (fight == 0 || lay.fights[i].kill))
            fight = i + 1;
    }
    esomock__wj_num(j, rep, "fightID", (double)(fight > 0 ? fight : 1));
}

static void guild_ref(struct esomock_wjson *j, const struct esomock_world *w, cJSON *o,
                      int64_t guild)
{
    if (guild == 0) {
        esomock__wj_nul(j, o, "guild");
        return;
    }
    char name[ESOMOCK_NAME_SIZE];
    size_t count = 0;
    const cJSON *const *objs = esomock__windex_objects(w->index, WO_GUILD, guild, NULL, &count);
    const char *fixture_name =
        count > 0 ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(objs[0], "name")) : NULL;
    uint64_t x = (uint64_t)(guild - w->cfg.keys[ESOMOCK_WT_GUILD].min) % ESOMOCK_WORLD_MAX_GUILDS;
    esomock__name_guild((uint32_t)esomock__perm(x, ESOMOCK_WORLD_MAX_GUILDS, w->key_names ^ 1u),
                        name, sizeof(name));
    cJSON *g = esomock__wj_add(j, o, "guild", esomock__wj_object(j));
    esomock__wj_num(j, g, "id", (double)guild);
    esomock__wj_str(j, g, "name", fixture_name != NULL ? fixture_name : name);
    esomock__wj_num(j, g, "faction", esomock__world_guild_faction(w, guild));
}

static void server_ref(struct esomock_wjson *j, cJSON *o, int server)
{
    const struct esomock_server_info *s = esomock__server(server);
    cJSON *sv = esomock__wj_add(j, o, "server", esomock__wj_object(j));
    esomock__wj_num(j, sv, "id", s->id);
    esomock__wj_str(j, sv, "name", s->name);
    esomock__wj_str(j, sv, "region", esomock__region(s->region)->compact);
}

/* Encounter.characterRankings: a page of the characters ranked on the encounter. */
static void character_rankings(const struct esomock_world *w, int encounter,
                               const struct gql_field_info *info, struct esomock_wjson *j,
                               cJSON *root)
{
    int cls = 0, spec = -1, region = 0, server = 0;
    const char *s = arg_string(info, "className");
    if (s != NULL)
        cls = esomock__class_by_slug(s) > 0 ? esomock__class_by_slug(s) : -1;
    s = arg_string(info, "specName");
    if (s != NULL)
        spec = esomock__spec_by_slug(s) >= 0 ? esomock__spec_by_slug(s) : 3;
    const char *sr = arg_string(info, "serverRegion"), *ss = arg_string(info, "serverSlug");
    if (sr != NULL) {
        region = esomock__region_by_name(sr);
        if (region == 0)
            region = -1;
    }
    if (ss != NULL) {
        server = esomock__server_by_slug(sr, ss);
        if (server == 0)
            server = -1;
    }
    int64_t page = 1;
    if (arg_int(info, "page", &page) && page < 1)
        page = 1;
    const char *metric = arg_string(info, "metric");
    bool heal = metric != NULL && strcmp(metric, "hps") == 0;
    uint64_t nc = (uint64_t)w->n[ESOMOCK_WT_CHARACTER];
    int64_t ranked = nc < RANKED_CHARACTERS ? (int64_t)nc : RANKED_CHARACTERS;
    uint64_t key = esomock__wh(w, WT_RANKING, (uint64_t)encounter, 7);
    int64_t skip = (page - 1) * RANKINGS_PER_PAGE, shown = 0, seen = 0;
    bool more = false;
    cJSON *rows = esomock__wj_array(j);
    const struct esomock_encounter *enc = esomock__encounter(encounter);
    for (int64_t i = 0; i < ranked; i++) {
        int64_t id =
            w->cfg.keys[ESOMOCK_WT_CHARACTER].min + (int64_t)esomock__perm((uint64_t)i, nc, key);
        if (!esomock__world_exists(w, ESOMOCK_WT_CHARACTER, id))
            continue; /* a missing character is ranked nowhere, as its lookup is null */
        int c = esomock__wcharacter_class(w, id);
        int sp = (int)esomock__below(esomock__wh(w, WT_SPEC, (uint64_t)id, (uint64_t)encounter), 3);
        int at = esomock__wcharacter_server(w, id);
        if ((cls != 0 && c != cls) || (spec >= 0 && sp != spec) ||
            (region != 0 && esomock__server(at)->region != region) || (server != 0 && at != server))
            continue;
        if (seen++ < skip)
            continue;
        if (shown == RANKINGS_PER_PAGE) {
            more = true;
            break;
        }
        shown++;
        cJSON *r = esomock__wj_add(j, rows, NULL, esomock__wj_object(j));
        char name[ESOMOCK_NAME_SIZE];
        esomock__wcharacter_name(w, id, name, sizeof(name));
        esomock__wj_str(j, r, "name", name);
        esomock__wj_num(j, r, "id", (double)id);
        esomock__wj_str(j, r, "class", esomock__class(c)->name);
        esomock__wj_str(j, r, "spec", esomock__spec_names[sp]);
        esomock__wj_num(
            j, r, "amount",
            floor((heal ? 30000.0 : 150000.0) * (1.0 - 0.6 * (double)i / (double)ranked) * 10) /
                10);
        esomock__wj_num(j, r, "rank", (double)seen);
        esomock__wj_num(
            j, r, "duration",
            300000 + (double)esomock__below(
                         esomock__wh(w, WT_AMOUNT, (uint64_t)id, (uint64_t)encounter), 400000));
        int64_t n = zone_report(w, esomock__zone_index(enc->zone),
                                esomock__wh(w, WT_RANKING, (uint64_t)id, (uint64_t)encounter));
        esomock__wj_num(j, r, "startTime", esomock__world_report_start(w, n));
        report_ref(j, w, r, n, encounter);
        int64_t guilds[ESOMOCK_WINDEX_MAX_REL];
        struct esomock_world_char wc = esomock__world_character(w, id);
        (void)guilds;
        guild_ref(j, w, r, wc.guild);
        server_ref(j, r, at);
        esomock__wj_num(j, r, "bracketData", 160);
        esomock__wj_num(j, r, "faction", 1 + (double)esomock__below((uint64_t)id, 3));
    }
    esomock__wj_num(j, root, "page", (double)page);
    esomock__wj_flag(j, root, "hasMorePages", more);
    esomock__wj_num(j, root, "count", (double)shown);
    esomock__wj_add(j, root, "rankings", rows);
}

/* Encounter.fightRankings: a page of the guilds ranked on the encounter. */
static void fight_rankings(const struct esomock_world *w, int encounter,
                           const struct gql_field_info *info, struct esomock_wjson *j, cJSON *root)
{
    int region = 0, server = 0;
    const char *sr = arg_string(info, "serverRegion"), *ss = arg_string(info, "serverSlug");
    if (sr != NULL)
        region = esomock__region_by_name(sr) != 0 ? esomock__region_by_name(sr) : -1;
    if (ss != NULL)
        server = esomock__server_by_slug(sr, ss) != 0 ? esomock__server_by_slug(sr, ss) : -1;
    int64_t page = 1;
    if (arg_int(info, "page", &page) && page < 1)
        page = 1;
    uint64_t ng = (uint64_t)w->n[ESOMOCK_WT_GUILD];
    int64_t ranked = ng < RANKED_GUILDS ? (int64_t)ng : RANKED_GUILDS;
    uint64_t key = esomock__wh(w, WT_RANKING, (uint64_t)encounter, 8);
    int64_t skip = (page - 1) * RANKINGS_PER_PAGE, shown = 0, seen = 0;
    bool more = false;
    cJSON *rows = esomock__wj_array(j);
    const struct esomock_encounter *enc = esomock__encounter(encounter);
    for (int64_t i = 0; i < ranked; i++) {
        int64_t guild =
            w->cfg.keys[ESOMOCK_WT_GUILD].min + (int64_t)esomock__perm((uint64_t)i, ng, key);
        if (!esomock__world_exists(w, ESOMOCK_WT_GUILD, guild))
            continue;
        int at = esomock__world_guild_server(w, guild);
        if ((region != 0 && esomock__server(at)->region != region) || (server != 0 && at != server))
            continue;
        if (seen++ < skip)
            continue;
        if (shown == RANKINGS_PER_PAGE) {
            more = true;
            break;
        }
        shown++;
        cJSON *r = esomock__wj_add(j, rows, NULL, esomock__wj_object(j));
        esomock__wj_num(j, r, "rank", (double)seen);
        esomock__wj_num(j, r, "duration", floor(240000 + 600000.0 * (double)i / (double)ranked));
        esomock__wj_num(j, r, "score", floor(160000 - 60000.0 * (double)i / (double)ranked));
        int64_t n = zone_report(w, esomock__zone_index(enc->zone),
                                esomock__wh(w, WT_RANKING, (uint64_t)guild, (uint64_t)encounter));
        esomock__wj_num(j, r, "startTime", esomock__world_report_start(w, n));
        report_ref(j, w, r, n, encounter);
        guild_ref(j, w, r, guild);
        server_ref(j, r, at);
    }
    esomock__wj_num(j, root, "page", (double)page);
    esomock__wj_flag(j, root, "hasMorePages", more);
    esomock__wj_num(j, root, "count", (double)shown);
    esomock__wj_add(j, root, "rankings", rows);
}

/* Character.encounterRankings and zoneRankings: ranks from hashed performances. */
static void character_ranks(const struct esomock_world *w, int64_t id,
                            const struct gql_field_info *info, struct esomock_wjson *j, cJSON *root)
{
    int64_t v = 0;
    const char *metric = arg_string(info, "metric");
    int difficulty = arg_int(info, "difficulty", &v) ? (int)v : 122;
    int partition = arg_int(info, "partition", &v) ? (int)v : ESOMOCK_DEFAULT_PARTITION;
    if (is(info, "encounterRankings")) {
        int encounter = arg_int(info, "encounterID", &v) ? (int)v : 0;
        const struct esomock_encounter *enc = esomock__encounter(encounter);
        if (enc == NULL)
            return; /* an empty object: the API has nothing for an unknown encounter */
        int zi = esomock__zone_index(enc->zone);
        int kills =
            (int)esomock__below(esomock__wh(w, WT_RANKING, (uint64_t)id, (uint64_t)encounter), 30);
        double best = 0, fastest = 0;
        cJSON *ranks = esomock__wj_array(j);
        for (int k = 0; k < kills && k < 5; k++) {
            uint64_t h = esomock__wh(w, WT_RANKING, (uint64_t)id, (uint64_t)(encounter * 64 + k));
            cJSON *r = esomock__wj_add(j, ranks, NULL, esomock__wj_object(j));
            double pct = floor(400 + esomock__unit(h) * 600) / 10.0;
            double amount = floor((80000 + pct * 500) * 10) / 10;
            double duration = 300000 + (double)esomock__below(h >> 20, 400000);
            best = amount > best ? amount : best;
            fastest = fastest == 0 || duration < fastest ? duration : fastest;
            esomock__wj_flag(j, r, "lockedIn", true);
            esomock__wj_num(j, r, "rankPercent", pct);
            esomock__wj_num(j, r, "historicalPercent", pct);
            esomock__wj_num(j, r, "todayPercent", pct);
            esomock__wj_num(j, r, "rankTotalParses", 2841);
            struct esomock_world_char wc = esomock__world_character(w, id);
            guild_ref(j, w, r, wc.guild);
            int64_t n = zone_report(w, zi, h >> 8);
            report_ref(j, w, r, n, encounter);
            esomock__wj_num(j, r, "duration", duration);
            esomock__wj_num(j, r, "startTime", esomock__world_report_start(w, n));
            esomock__wj_num(j, r, "amount", amount);
            esomock__wj_num(j, r, "bracketData", 160);
            esomock__wj_str(j, r, "spec", "DPS");
            esomock__wj_str(j, r, "bestSpec", "DPS");
            esomock__wj_num(j, r, "class", esomock__wcharacter_class(w, id));
        }
        esomock__wj_num(j, root, "bestAmount", best);
        esomock__wj_num(j, root, "medianPerformance", kills > 0 ? 75.0 : 0);
        esomock__wj_num(j, root, "averagePerformance", kills > 0 ? 72.5 : 0);
        esomock__wj_num(j, root, "totalKills", kills);
        esomock__wj_num(j, root, "fastestKill", fastest);
        esomock__wj_num(j, root, "difficulty", difficulty);
        esomock__wj_str(j, root, "metric", metric != NULL ? metric : "dps");
        esomock__wj_num(j, root, "partition", partition);
        esomock__wj_num(j, root, "zone", enc->zone);
        esomock__wj_add(j, root, "ranks", ranks);
        return;
    }
    int zone = arg_int(info, "zoneID", &v) ? (int)v : 18;
    const struct esomock_zone *z = esomock__zone(zone);
    if (z == NULL)
        return;
    cJSON *rankings = esomock__wj_array(j);
    double sum = 0;
    for (int e = 0; e < 3; e++) {
        uint64_t h = esomock__wh(w, WT_RANKING, (uint64_t)id, (uint64_t)(z->encounters[e] * 3 + 1));
        double pct = floor(300 + esomock__unit(h) * 700) / 10.0;
        sum += pct;
        cJSON *r = esomock__wj_add(j, rankings, NULL, esomock__wj_object(j));
        cJSON *enc = esomock__wj_add(j, r, "encounter", esomock__wj_object(j));
        esomock__wj_num(j, enc, "id", z->encounters[e]);
        esomock__wj_str(j, enc, "name", esomock__encounter(z->encounters[e])->name);
        esomock__wj_num(j, r, "rankPercent", pct);
        esomock__wj_num(j, r, "medianPercent", floor(pct * 9) / 10);
        esomock__wj_flag(j, r, "lockedIn", true);
        esomock__wj_num(j, r, "totalKills", 1 + (double)esomock__below(h >> 20, 20));
        esomock__wj_num(j, r, "fastestKill", 300000 + (double)esomock__below(h >> 30, 400000));
        esomock__wj_str(j, r, "spec", "DPS");
        esomock__wj_str(j, r, "bestSpec", "DPS");
        esomock__wj_num(j, r, "bestAmount", floor((80000 + pct * 500) * 10) / 10);
    }
    esomock__wj_num(j, root, "bestPerformanceAverage", floor(sum / 3 * 10) / 10);
    esomock__wj_num(j, root, "medianPerformanceAverage", floor(sum / 3 * 9) / 10);
    esomock__wj_num(j, root, "difficulty", difficulty);
    esomock__wj_str(j, root, "metric", metric != NULL ? metric : "playerscore");
    esomock__wj_num(j, root, "partition", partition);
    esomock__wj_num(j, root, "zone", zone);
    esomock__wj_add(j, root, "allStars", esomock__wj_array(j));
    esomock__wj_add(j, root, "rankings", rankings);
}

void esomock__wrankings(const struct esomock_world *w, const struct esomock_wnode *node,
                        const struct gql_field_info *info, struct gql_source *out)
{
    struct esomock_wjson j = {.exec = info->exec};
    cJSON *root = esomock__wj_object(&j);
    if (node->kind == WO_CHARACTER)
        character_ranks(w, node->id, info, &j, root);
    else if (is(info, "characterRankings"))
        character_rankings(w, (int)node->id, info, &j, root);
    else
        fight_rankings(w, (int)node->id, info, &j, root);
    out_json(out, &j, root, info->exec);
}
