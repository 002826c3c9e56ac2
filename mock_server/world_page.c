/* Lists, views and pages of the world (world_page_private.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_data_private.h"
#include "world_fixtures_private.h"
#include "world_gen_private.h"
#include "world_page_private.h"

/* ---- reports of an owner ----------------------------------------------------------------- */

/* The first k with slot + k * stride >= n. */
static int64_t first_k(int64_t slot, int64_t stride, int64_t n)
{
    if (n <= slot)
        return 0;
    return (n - slot + stride - 1) / stride;
}

static bool roster_has(const struct esomock_world *w, int64_t n, int64_t pos, int64_t total)
{
    if (total <= 0)
        return false;
    int64_t start =
        (int64_t)esomock__below(esomock__wh(w, WT_REPORT_ROSTER, (uint64_t)n, 0), (uint64_t)total);
    int64_t size = total < ESOMOCK_WORLD_ROSTER ? total : ESOMOCK_WORLD_ROSTER;
    return ((pos - start) % total + total) % total < size;
}

bool esomock__wlist_report_matches(const struct esomock_world *w, const struct esomock_wlist *l,
                                   int64_t n)
{
    if (n < l->n_lo || n >= l->n_hi)
        return false;
    if (l->has_owner) {
        struct esomock_owner o = esomock__world_report_owner(w, n);
        if (o.guild != l->owner.guild || o.id != l->owner.id)
            return false;
    }
    if (l->zone >= 0 && esomock__world_report_zone(w, n) != esomock__zones[l->zone].id)
        return false;
    if (l->tag != 0 && (!l->has_owner || !l->owner.guild ||
                        esomock__world_report_tag(w, n, l->owner.id) != l->tag))
        return false;
    if (l->kind == WL_CHARACTER_REPORTS && !roster_has(w, n, l->roster_pos, l->roster_total))
        return false;
    return true;
}

/* Whether the owner's reports need a scan (a filter the stride cannot count). */
static bool scanned(const struct esomock_wlist *l)
{
    return l->zone >= 0 || l->tag != 0 || l->kind == WL_CHARACTER_REPORTS;
}

/* ---- raw lists --------------------------------------------------------------------------- */

int64_t esomock__wlist_count(const struct esomock_world *w, const struct esomock_wlist *l)
{
    switch (l->kind) {
    case WL_EMPTY:
        return 0;
    case WL_RANGE:
        return w->n[l->type];
    case WL_SERVER_GUILDS:
        return esomock__world_server_guilds(w, l->server);
    case WL_MEMBERS:
        return esomock__world_guild_members(w, l->guild);
    case WL_SERVER_CHARACTERS:
        return esomock__world_server_characters(w, l->server);
    case WL_REPORTS:
    case WL_CHARACTER_REPORTS:
        break;
    }
    if (l->n_hi <= l->n_lo)
        return 0;
    if (l->has_owner) {
        int64_t slot = esomock__world_owner_slot(w, l->owner);
        int64_t k0 = first_k(slot, w->owners, l->n_lo), k1 = first_k(slot, w->owners, l->n_hi);
        if (!scanned(l))
            return k1 > k0 ? k1 - k0 : 0;
        int64_t count = 0;
        for (int64_t k = k0; k < k1; k++)
            count += esomock__wlist_report_matches(w, l, slot + k * w->owners);
        return count;
    }
    if (l->zone >= 0)
        return esomock__world_zone_count_before(w, l->zone, l->n_hi) -
               esomock__world_zone_count_before(w, l->zone, l->n_lo);
    return l->n_hi - l->n_lo;
}

int64_t esomock__wlist_key(const struct esomock_world *w, const struct esomock_wlist *l, int64_t i)
{
    switch (l->kind) {
    case WL_EMPTY:
        return 0;
    case WL_RANGE:
        return w->cfg.keys[l->type].min + i;
    case WL_SERVER_GUILDS:
        return esomock__world_server_guild(w, l->server, i);
    case WL_MEMBERS:
        return esomock__world_guild_member(w, l->guild, i);
    case WL_SERVER_CHARACTERS:
        return esomock__world_server_character(w, l->server, i);
    case WL_REPORTS:
    case WL_CHARACTER_REPORTS:
        break;
    }
    if (l->has_owner) {
        int64_t slot = esomock__world_owner_slot(w, l->owner);
        int64_t k0 = first_k(slot, w->owners, l->n_lo);
        if (!scanned(l))
            return slot + (k0 + i) * w->owners;
        int64_t k1 = first_k(slot, w->owners, l->n_hi);
        for (int64_t k = k0; k < k1; k++) {
            int64_t n = slot + k * w->owners;
            if (esomock__wlist_report_matches(w, l, n) && i-- == 0)
                return n;
        }
        return -1;
    }
    if (l->zone >= 0)
        return esomock__world_zone_select(
            w, l->zone, esomock__world_zone_count_before(w, l->zone, l->n_lo) + i);
    return l->n_lo + i;
}

int64_t esomock__wlist_index(const struct esomock_world *w, const struct esomock_wlist *l,
                             int64_t key)
{
    switch (l->kind) {
    case WL_EMPTY:
        return -1;
    case WL_RANGE:
        return key >= w->cfg.keys[l->type].min && key <= w->cfg.keys[l->type].max
                   ? key - w->cfg.keys[l->type].min
                   : -1;
    case WL_SERVER_GUILDS:
        if (key < w->cfg.keys[ESOMOCK_WT_GUILD].min || key > w->cfg.keys[ESOMOCK_WT_GUILD].max ||
            esomock__world_guild_server(w, key) != l->server)
            return -1;
        return esomock__world_guild_position(w, key);
    case WL_MEMBERS:
    case WL_SERVER_CHARACTERS: {
        if (key < w->cfg.keys[ESOMOCK_WT_CHARACTER].min ||
            key > w->cfg.keys[ESOMOCK_WT_CHARACTER].max)
            return -1;
        struct esomock_world_char c = esomock__world_character(w, key);
        if (l->kind == WL_MEMBERS)
            return c.guild == l->guild ? c.pos : -1;
        return c.server == l->server ? c.srv_i : -1;
    }
    case WL_REPORTS:
    case WL_CHARACTER_REPORTS:
        break;
    }
    if (key < 0 || key >= w->reports || !esomock__wlist_report_matches(w, l, key))
        return -1;
    if (l->has_owner) {
        int64_t slot = esomock__world_owner_slot(w, l->owner);
        int64_t k0 = first_k(slot, w->owners, l->n_lo), k = (key - slot) / w->owners;
        if (!scanned(l))
            return k - k0;
        int64_t rank = 0;
        for (int64_t j = k0; j < k; j++)
            rank += esomock__wlist_report_matches(w, l, slot + j * w->owners);
        return rank;
    }
    if (l->zone >= 0)
        return esomock__world_zone_count_before(w, l->zone, key) -
               esomock__world_zone_count_before(w, l->zone, l->n_lo);
    return key - l->n_lo;
}

/* ---- views ------------------------------------------------------------------------------- */

struct excl {
    int64_t *items;
    size_t n, cap;
    struct gql_exec *exec;
    bool oom;
};

static void excl_add(struct excl *e, int64_t raw)
{
    if (raw < 0 || e->oom)
        return;
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        int64_t *items = gql_exec_alloc(e->exec, cap * sizeof(*items));
        if (items == NULL) {
            e->oom = true;
            return;
        }
        if (e->n > 0)
            memcpy(items, e->items, e->n * sizeof(*items));
        e->items = items;
        e->cap = cap;
    }
    e->items[e->n++] = raw;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The raw index of a report code in @p l (missing codes included), or -1. */
static int64_t code_index(const struct esomock_world *w, const struct esomock_wlist *l,
                          const char *code)
{
    int64_t n = 0;
    if (code == NULL || esomock__world_report_decode_raw(w, code, &n) != ESOMOCK_CODE_OK)
        return -1;
    return esomock__wlist_index(w, l, n);
}

/* What the world list must not show: missing keys, and what the fixtures place elsewhere. */
static void own_exclusions(const struct esomock_world *w, const struct esomock_wlist *l,
                           struct excl *e)
{
    enum esomock_wtype type = l->kind == WL_RANGE           ? l->type
                              : l->kind == WL_SERVER_GUILDS ? ESOMOCK_WT_GUILD
                              : l->kind == WL_MEMBERS || l->kind == WL_SERVER_CHARACTERS
                                  ? ESOMOCK_WT_CHARACTER
                                  : ESOMOCK_WT_REPORT;
    if (type == ESOMOCK_WT_REPORT) {
        for (size_t i = 0; i < w->cfg.missing_code_count; i++)
            excl_add(e, code_index(w, l, w->cfg.missing_codes[i]));
        /* A report the fixtures hold is where its own fields put it (report_extras). */
        size_t count = 0;
        if (l->search.on)
            esomock__windex_ids(w->index, WO_REPORT, &count);
        for (size_t i = 0; i < count; i++)
            excl_add(e, code_index(w, l, esomock__windex_code(w->index, WO_REPORT, i)));
        return;
    }
    const struct esomock_world_keys *k = &w->cfg.keys[type];
    for (size_t i = 0; i < k->missing_count; i++)
        excl_add(e, esomock__wlist_index(w, l, k->missing[i]));
    size_t count = 0;
    if (l->kind == WL_SERVER_GUILDS) {
        const struct esomock_wguild_rel *g = esomock__windex_guilds(w->index, &count);
        for (size_t i = 0; i < count; i++) {
            if (g[i].server != 0 && g[i].server != l->server)
                excl_add(e, esomock__wlist_index(w, l, g[i].id));
        }
    } else if (l->kind == WL_MEMBERS || l->kind == WL_SERVER_CHARACTERS) {
        const struct esomock_wchar_rel *c = esomock__windex_characters(w->index, &count);
        for (size_t i = 0; i < count; i++) {
            bool elsewhere = false;
            if (l->kind == WL_SERVER_CHARACTERS) {
                elsewhere = c[i].server != 0 && c[i].server != l->server;
            } else if (c[i].guild_count > 0) {
                elsewhere = true;
                for (size_t j = 0; j < c[i].guild_count; j++)
                    elsewhere = elsewhere && c[i].guilds[j] != l->guild;
            }
            if (elsewhere)
                excl_add(e, esomock__wlist_index(w, l, c[i].id));
        }
    }
}

/* The object type of a list's rows (the fixture index's type). */
static enum esomock_wobj list_object(const struct esomock_wlist *l)
{
    switch (l->kind) {
    case WL_RANGE:
        switch (l->type) {
        case ESOMOCK_WT_GUILD:
            return WO_GUILD;
        case ESOMOCK_WT_ABILITY:
            return WO_ABILITY;
        case ESOMOCK_WT_ITEM:
            return WO_ITEM;
        case ESOMOCK_WT_ITEM_SET:
            return WO_ITEM_SET;
        case ESOMOCK_WT_NPC:
            return WO_NPC;
        case ESOMOCK_WT_MAP:
            return WO_MAP;
        case ESOMOCK_WT_CHARACTER:
            return WO_CHARACTER;
        case ESOMOCK_WT_USER:
            return WO_USER;
        default:
            return WO_NONE;
        }
    case WL_SERVER_GUILDS:
        return WO_GUILD;
    case WL_MEMBERS:
    case WL_SERVER_CHARACTERS:
        return WO_CHARACTER;
    default:
        return WO_NONE; /* reports are keyed by code, not id */
    }
}

/* Whether the fixtures name @p guild among character @p c's guilds. */
static bool rel_in_guild(const struct esomock_wchar_rel *c, int64_t guild)
{
    for (size_t j = 0; c != NULL && j < c->guild_count; j++) {
        if (c->guilds[j] == guild)
            return true;
    }
    return false;
}

/* Whether the answers put fixture-held entity @p id in @p l (by its server, its guilds). */
static bool shown_in(const struct esomock_world *w, const struct esomock_wlist *l, int64_t id)
{
    switch (l->kind) {
    case WL_RANGE:
        return true;
    case WL_SERVER_GUILDS:
        return esomock__world_guild_home(w, id) == l->server;
    case WL_SERVER_CHARACTERS:
        return esomock__world_character_home(w, id) == l->server;
    case WL_MEMBERS:
        /* Without guilds of its own in the fixtures a character is the world's member. */
        return rel_in_guild(esomock__windex_character(w->index, id), l->guild);
    default:
        return false;
    }
}

static bool excluded_raw(const struct esomock_wview *v, int64_t raw)
{
    size_t lo = 0, hi = v->nexcluded;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->excluded[mid] < raw)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->nexcluded && v->excluded[lo] == raw;
}

static bool in_rows(const cJSON *rows, int64_t key)
{
    for (const cJSON *r = rows != NULL ? rows->child : NULL; r != NULL; r = r->next) {
        int64_t id = 0;
        const char *code = NULL;
        if (esomock__windex_key(r, &id, &code) && code == NULL && id == key)
            return true;
    }
    return false;
}

/*
 * The entities the fixtures hold that the answers put in the list (a guild on this server,
 * a character in this guild) but the world's list does not show (the world has them
 * elsewhere, outside its range, or missing) and the fixture's page does not hold. Ids
 * ascending; false without memory.
 */
static bool own_extras(struct esomock_wview *v, struct gql_exec *exec)
{
    size_t count = 0;
    const int64_t *ids = NULL;
    const struct esomock_wchar_rel *chars = NULL;
    if (v->list.kind == WL_MEMBERS) /* only characters with guilds of their own can be */
        chars = esomock__windex_characters(v->w->index, &count);
    else if (list_object(&v->list) != WO_NONE)
        ids = esomock__windex_ids(v->w->index, list_object(&v->list), &count);
    struct excl x = {.exec = exec};
    for (size_t i = 0; i < count; i++) {
        int64_t id = chars != NULL ? chars[i].id : ids[i];
        if (x.n > 0 && x.items[x.n - 1] == id)
            continue;
        bool shown =
            chars != NULL ? rel_in_guild(&chars[i], v->list.guild) : shown_in(v->w, &v->list, id);
        if (!shown || in_rows(v->rows, id))
            continue;
        int64_t raw = esomock__wlist_index(v->w, &v->list, id);
        if (raw < 0 || excluded_raw(v, raw))
            excl_add(&x, id);
    }
    v->extras = x.items;
    v->nextras = x.n;
    return !x.oom;
}

/* ---- the fixtures' reports on a report search --------------------------------------------- */

/* The number @p outer.@p inner (or @p outer, inner NULL) in any of a report's fixture objects. */
static bool report_num(const cJSON *const *objs, size_t count, const char *outer, const char *inner,
                       double *out)
{
    for (size_t i = 0; i < count; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(objs[i], outer);
        if (inner != NULL)
            v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, inner) : NULL;
        if (cJSON_IsNumber(v)) {
            *out = v->valuedouble;
            return true;
        }
    }
    return false;
}

/* Whether a report's @p outer.id is @p want (0: any). */
static bool report_id_is(const cJSON *const *objs, size_t count, const char *outer, int64_t want)
{
    double v = 0;
    return want == 0 || (report_num(objs, count, outer, "id", &v) && (int64_t)v == want);
}

/* Whether any of a report's fixture objects gives it a guild (not null). */
static bool report_has_guild(const cJSON *const *objs, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(objs[i], "guild")))
            return true;
    }
    return false;
}

/* Whether a fixture report passes a search by its own fields; its start in *start. */
static bool search_matches(const struct esomock_world *w, const struct esomock_wsearch *s,
                           const cJSON *const *objs, size_t count, double *start)
{
    if (!report_num(objs, count, "startTime", NULL, start))
        return false; /* a report with no start has no place in a list newest first */
    /* As the world's: a user's reports are its personal ones, a guild's log is the guild's. */
    if (s->user != 0 && report_has_guild(objs, count))
        return false;
    if (s->character != 0 && !esomock__wreport_names_character(w, objs, count, s->character))
        return false;
    if (!report_id_is(objs, count, "guild", s->guild) ||
        !report_id_is(objs, count, "guildTag", s->tag) ||
        !report_id_is(objs, count, "owner", s->user) || !report_id_is(objs, count, "zone", s->zone))
        return false;
    if (s->game_zone != 0) {
        double zone = 0;
        int k = report_num(objs, count, "zone", "id", &zone) ? esomock__zone_index((int)zone) : -1;
        if (k < 0 || esomock__zones[k].game_zone != s->game_zone)
            return false;
    }
    return (!s->has_t0 || *start >= s->t0) && (!s->has_t1 || *start <= s->t1);
}

static bool in_rows_code(const cJSON *rows, const char *code)
{
    for (const cJSON *r = rows != NULL ? rows->child : NULL; r != NULL; r = r->next) {
        int64_t id = 0;
        const char *c = NULL;
        if (esomock__windex_key(r, &id, &c) && c != NULL && strcmp(c, code) == 0)
            return true;
    }
    return false;
}

/* How many of the world's shown rows start after @p start (they come first, newest first). */
static int64_t shown_before(const struct esomock_wview *v, double start)
{
    if (v->list.kind != WL_REPORTS && v->list.kind != WL_CHARACTER_REPORTS)
        return 0;
    struct esomock_wlist sub = v->list;
    int64_t cut = esomock__world_report_at(v->w, start);
    if (cut < sub.n_hi)
        sub.n_hi = cut;
    int64_t raw = esomock__wlist_count(v->w, &sub);
    int64_t hidden = 0;
    for (size_t i = 0; i < v->nexcluded && v->excluded[i] < raw; i++)
        hidden++;
    return raw - hidden;
}

/*
 * The reports the fixtures hold that pass a report search by their own fields (zone,
 * guild, tag, owner, start) and are not among the fixture page's rows: newest first, each
 * among the world's rows where its start puts it. false without memory.
 */
static bool report_extras(struct esomock_wview *v, struct gql_exec *exec)
{
    const struct esomock_world_index *ix = v->w->index;
    size_t count = 0, n = 0;
    esomock__windex_ids(ix, WO_REPORT, &count);
    v->extras = NULL;
    v->nextras = 0;
    if (count == 0)
        return true;
    const cJSON **json = gql_exec_alloc(exec, count * sizeof(*json));
    double *start = gql_exec_alloc(exec, count * sizeof(*start));
    int64_t *before = gql_exec_alloc(exec, count * sizeof(*before));
    if (json == NULL || start == NULL || before == NULL)
        return false;
    for (size_t i = 0; i < count; i++) {
        const char *code = esomock__windex_code(ix, WO_REPORT, i);
        size_t nobjs = 0;
        const cJSON *const *objs =
            code != NULL ? esomock__windex_objects(ix, WO_REPORT, 0, code, &nobjs) : NULL;
        double t = 0;
        if (nobjs == 0 || in_rows_code(v->rows, code) ||
            !search_matches(v->w, &v->list.search, objs, nobjs, &t))
            continue;
        /* Newest first; equal starts keep code order. */
        size_t at = n++;
        for (; at > 0 && start[at - 1] < t; at--) {
            start[at] = start[at - 1];
            json[at] = json[at - 1];
        }
        start[at] = t;
        json[at] = objs[0];
    }
    for (size_t i = 0; i < n; i++)
        before[i] = shown_before(v, start[i]);
    v->extra_json = json;
    v->extra_before = before;
    v->nextras = n;
    return true;
}

/* The raw index of a fixture row's key in the view's list, or -1. */
static int64_t row_index(const struct esomock_world *w, const struct esomock_wlist *l,
                         const cJSON *row)
{
    int64_t id = 0;
    const char *code = NULL;
    if (!esomock__windex_key(row, &id, &code))
        return -1;
    return code != NULL ? code_index(w, l, code) : esomock__wlist_index(w, l, id);
}

bool esomock__wview_init(struct esomock_wview *v, const struct esomock_world *w,
                         const struct esomock_wlist *list, const cJSON *window,
                         struct gql_exec *exec)
{
    memset(v, 0, sizeof(*v));
    v->w = w;
    v->list = *list;
    v->raw = esomock__wlist_count(w, list);
    struct excl e = {.exec = exec};
    own_exclusions(w, list, &e);
    const cJSON *rows = window != NULL ? cJSON_GetObjectItemCaseSensitive(window, "data") : NULL;
    if (cJSON_IsArray(rows)) {
        v->rows = rows;
        v->nrows = cJSON_GetArraySize(rows);
        for (const cJSON *r = rows->child; r != NULL; r = r->next)
            excl_add(&e, row_index(w, list, r));
        const cJSON *from = cJSON_GetObjectItemCaseSensitive(window, "from");
        v->from =
            cJSON_IsNumber(from) && from->valuedouble >= 1 ? (int64_t)from->valuedouble - 1 : 0;
    }
    if (e.oom)
        return false;
    /* Sorted and distinct: a key excluded twice is hidden once. */
    if (e.n > 1)
        qsort(e.items, e.n, sizeof(*e.items), cmp_i64);
    size_t n = 0;
    for (size_t i = 0; i < e.n; i++) {
        if (e.items[i] < v->raw && (n == 0 || e.items[n - 1] != e.items[i]))
            e.items[n++] = e.items[i];
    }
    v->excluded = e.items;
    v->nexcluded = n;
    if (!own_extras(v, exec) || (list->search.on && !report_extras(v, exec)))
        return false;
    int64_t supply = v->raw - (int64_t)n + (int64_t)v->nextras;
    if (v->rows == NULL) {
        v->total = supply;
        return true;
    }
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(window, "total");
    int64_t fixture_total = cJSON_IsNumber(total) ? (int64_t)total->valuedouble : v->nrows;
    if (v->from > supply)
        v->from = supply; /* the world cannot fill the positions before the rows */
    v->total = v->nrows + supply;
    if (fixture_total < v->total)
        v->total = fixture_total;
    /* The fixture's total cuts the world's rows, never the fixtures' own. */
    int64_t own = (int64_t)v->nextras;
    if (v->extra_before != NULL && v->nextras > 0)
        own += v->extra_before[v->nextras - 1];
    if (v->total < v->nrows + own)
        v->total = v->nrows + own;
    if (v->total < v->from + v->nrows)
        v->total = v->from + v->nrows;
    return true;
}

/* The @p j-th raw index that is not excluded. */
static int64_t skip_select(const struct esomock_wview *v, int64_t j)
{
    int64_t r = j;
    for (size_t i = 0; i < v->nexcluded && v->excluded[i] <= r; i++)
        r++;
    return r;
}

void esomock__wview_at(const struct esomock_wview *v, int64_t p, const cJSON **json, int64_t *key)
{
    *json = NULL;
    *key = 0;
    if (v->rows != NULL && p >= v->from && p < v->from + v->nrows) {
        *json = cJSON_GetArrayItem(v->rows, (int)(p - v->from));
        return;
    }
    int64_t j = v->rows != NULL && p >= v->from ? p - v->nrows : p;
    /* Extra i stands at extra_before[i] + i (0 + i: the extras come first). */
    size_t i = 0;
    if (v->extra_before != NULL) {
        while (i < v->nextras && v->extra_before[i] + (int64_t)i < j)
            i++;
        if (i < v->nextras && v->extra_before[i] + (int64_t)i == j) {
            *json = v->extra_json[i];
            return;
        }
    } else if (j < (int64_t)v->nextras) {
        *key = v->extras[j];
        return;
    } else {
        i = v->nextras;
    }
    *key = esomock__wlist_key(v->w, &v->list, skip_select(v, j - (int64_t)i));
}

bool esomock__wview_is_extra(const struct esomock_wview *v, int64_t p)
{
    const cJSON *json = NULL;
    int64_t key = 0;
    if (v->extra_json == NULL)
        return false;
    esomock__wview_at(v, p, &json, &key);
    for (size_t i = 0; json != NULL && i < v->nextras; i++) {
        if (v->extra_json[i] == json)
            return true;
    }
    return false;
}

int64_t esomock__wview_position(const struct esomock_wview *v, int64_t key)
{
    if (v->rows != NULL) {
        int64_t i = 0;
        for (const cJSON *r = v->rows->child; r != NULL; r = r->next, i++) {
            int64_t id = 0;
            const char *code = NULL;
            if (esomock__windex_key(r, &id, &code) && code == NULL && id == key)
                return v->from + i;
        }
    }
    int64_t j = -1;
    for (size_t i = 0; v->extras != NULL && i < v->nextras && j < 0; i++) {
        if (v->extras[i] == key)
            j = (int64_t)i;
    }
    if (j < 0) {
        int64_t raw = esomock__wlist_index(v->w, &v->list, key);
        if (raw < 0)
            return -1;
        int64_t before = 0;
        for (size_t i = 0; i < v->nexcluded && v->excluded[i] <= raw; i++) {
            if (v->excluded[i] == raw)
                return -1;
            before++;
        }
        int64_t shown = raw - before, ahead = 0;
        for (size_t i = 0; i < v->nextras; i++)
            ahead += v->extra_before == NULL || v->extra_before[i] <= shown;
        j = shown + ahead;
    }
    int64_t p = v->rows != NULL && j >= v->from ? j + v->nrows : j;
    return p < v->total ? p : -1;
}

bool esomock__wview_members(struct esomock_wview *v, const struct esomock_world *w, int64_t guild,
                            struct gql_exec *exec)
{
    struct esomock_wlist list = {.kind = WL_MEMBERS, .guild = guild, .zone = -1};
    const struct esomock_wguild_rel *rel = esomock__windex_guild(w->index, guild);
    return esomock__wview_init(v, w, &list, rel != NULL ? rel->members : NULL, exec);
}

/* ---- pages ------------------------------------------------------------------------------- */

void esomock__wpaging(int64_t total, int64_t per_page, int64_t page, struct esomock_wpaging *out)
{
    memset(out, 0, sizeof(*out));
    if (per_page < 1)
        per_page = 1;
    if (page < 1)
        page = 1;
    out->total = total;
    out->per_page = per_page;
    out->current_page = page;
    out->last_page = total > 0 ? (total + per_page - 1) / per_page : 1;
    /* Far past the end (page * per_page would overflow): an empty page all the same. */
    if (page - 1 <= (total - 1) / per_page && total > 0) {
        out->offset = (page - 1) * per_page;
        out->count = total - out->offset < per_page ? total - out->offset : per_page;
    } else {
        out->offset = 0;
        out->count = 0;
    }
    out->has_more = out->current_page < out->last_page;
}

/* The integer after @p phrase in @p text (spaces normalised), or -1. */
static int64_t number_after(const char *text, const char *phrase)
{
    const char *at = strstr(text, phrase);
    if (at == NULL)
        return -1;
    at += strlen(phrase);
    while (*at == ' ')
        at++;
    if (!isdigit((unsigned char)*at))
        return -1;
    int64_t n = 0;
    while (isdigit((unsigned char)*at) && n < 1000000000)
        n = n * 10 + (*at++ - '0');
    return n;
}

struct esomock_wlimit esomock__wlimit_parse(const struct gql_field *field)
{
    struct esomock_wlimit out = {0};
    const char *comment = gql_field_comment(field);
    if (comment == NULL || gql_field_arg(field, "limit") == NULL)
        return out;
    const char *start = strstr(comment, "limit:");
    while (start != NULL && start != comment && start[-1] != ' ' && start[-1] != '\n')
        start = strstr(start + 1, "limit:");
    if (start == NULL)
        return out;
    /* The paragraph runs to the next argument's line; one line of normalised text. */
    char text[1024];
    size_t n = 0;
    for (const char *c = start + 6; *c != '\0' && n + 1 < sizeof(text); c++) {
        if (*c == '\n') {
            const char *word = c + 1;
            while (*word == ' ')
                word++;
            const char *end = word;
            while (isalnum((unsigned char)*end) || *end == '_')
                end++;
            if (end > word && *end == ':')
                break;
            if (n > 0 && text[n - 1] != ' ')
                text[n++] = ' ';
            continue;
        }
        if (*c == ' ' && n > 0 && text[n - 1] == ' ')
            continue;
        text[n++] = *c;
    }
    text[n] = '\0';
    int64_t def = number_after(text, "defaults to");
    if (def < 0)
        def = number_after(text, "The default value is");
    int64_t hi = number_after(text, "maximum allowed value is");
    int64_t lo = number_after(text, "minimum allowed value is");
    const char *ranges = strstr(text, "Allowed value ranges are");
    if (ranges != NULL) {
        lo = number_after(ranges, "Allowed value ranges are");
        const char *dash = strchr(ranges, '-');
        hi = dash != NULL ? number_after(dash, "-") : -1;
    }
    if (lo < 0 || hi < 0 || hi < lo)
        return out;
    out.found = true;
    out.lo = lo;
    out.hi = hi;
    /* "The maximum allowed value is 100" with no default: the API pages by the maximum. */
    out.def = def >= lo && def <= hi ? def : hi;
    return out;
}

bool esomock__wlimit_check(const struct esomock_wlimit *limit, const struct gql_value *args,
                           int64_t *per_page, int64_t *page, char *msg, size_t size)
{
    const struct gql_value *l = gql_value_get(args, "limit");
    const struct gql_value *p = gql_value_get(args, "page");
    *per_page = limit->found ? limit->def : 100;
    *page = 1;
    if (l != NULL && gql_value_kind(l) == GQL_VALUE_INT) {
        int64_t v = gql_value_int(l);
        if (limit->found && (v < limit->lo || v > limit->hi)) {
            snprintf(msg, size, "The limit argument must be between %lld and %lld.",
                     (long long)limit->lo, (long long)limit->hi);
            return false;
        }
        *per_page = v;
    }
    /* Laravel's paginator takes a page below 1 as the first. */
    if (p != NULL && gql_value_kind(p) == GQL_VALUE_INT && gql_value_int(p) > 1)
        *page = gql_value_int(p);
    return true;
}
