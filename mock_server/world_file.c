/*
 * World files (world_file_private.h): the default world, and a world document checked key
 * by key with the validation kit (vet.c), every problem with its JSON path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_private.h"
#include "fixtures_private.h"
#include "problems_private.h"
#include "utf8_private.h"
#include "world_file_private.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 2025-12-01T00:00:00Z: the default fixtures' reports are of October and November 2025. */
#define DEFAULT_END_MS 1764547200000.0

static const struct {
    const char *name;
    const char *graphql; /* the object type its keys fetch */
    int64_t max;         /* the default range's end (ranged types) */
} types[ESOMOCK_WT_COUNT] = {
    [ESOMOCK_WT_CHARACTER] = {"character", "Character", 10000000},
    [ESOMOCK_WT_GUILD] = {"guild", "Guild", 14823},
    [ESOMOCK_WT_USER] = {"user", "User", 20000},
    [ESOMOCK_WT_ABILITY] = {"ability", "GameAbility", 98432},
    [ESOMOCK_WT_ITEM] = {"item", "GameItem", 61874},
    [ESOMOCK_WT_ITEM_SET] = {"item_set", "GameItemSet", 612},
    [ESOMOCK_WT_NPC] = {"npc", "GameNPC", 24317},
    [ESOMOCK_WT_MAP] = {"map", "GameMap", 1873},
    [ESOMOCK_WT_REPORT] = {"report", "Report", 0},
    [ESOMOCK_WT_CLASS] = {"class", "GameClass", 0},
    [ESOMOCK_WT_SPEC] = {"spec", "GameSpec", 0},
    [ESOMOCK_WT_FACTION] = {"faction", "GameFaction", 0},
    [ESOMOCK_WT_ZONE] = {"zone", "Zone", 0},
    [ESOMOCK_WT_ENCOUNTER] = {"encounter", "Encounter", 0},
    [ESOMOCK_WT_EXPANSION] = {"expansion", "Expansion", 0},
    [ESOMOCK_WT_REGION] = {"region", "Region", 0},
    [ESOMOCK_WT_SUBREGION] = {"subregion", "Subregion", 0},
    [ESOMOCK_WT_SERVER] = {"server", "Server", 0},
    [ESOMOCK_WT_GUILD_TAG] = {"guild_tag", "GuildTag", 0},
};

/* With the default span (365 days): 1,284,522 reports, so the global list's total with the
 * default fixture's 8 rows in front is the fixture's 1,284,530. */
#define DEFAULT_REPORTS 1284522

/* Fields a world file may not pin: lists and lookups are built on them. */
static const char *const structural[] = {"id",        "canonicalID", "code",
                                         "startTime", "endTime",     "classID"};

const char *esomock__wtype_name(enum esomock_wtype type)
{
    return type < ESOMOCK_WT_COUNT ? types[type].name : NULL;
}

void esomock__world_config_defaults(struct esomock_world_config *c)
{
    memset(c, 0, sizeof(*c));
    for (int t = 0; t < ESOMOCK_WT_RANGED; t++) {
        c->keys[t].min = 1;
        c->keys[t].max = types[t].max;
    }
    c->report_count = DEFAULT_REPORTS;
    c->end_ms = DEFAULT_END_MS;
    c->span_days = 365;
}

void esomock__world_config_finish(struct esomock_world_config *c)
{
    for (int t = 0; t < ESOMOCK_WT_COUNT; t++)
        free(c->keys[t].missing);
    for (size_t i = 0; i < c->missing_code_count; i++)
        free(c->missing_codes[i]);
    free(c->missing_codes);
    for (size_t i = 0; i < c->override_count; i++) {
        free(c->overrides[i].code);
        cJSON_Delete(c->overrides[i].fields);
    }
    free(c->overrides);
    free(c->source);
    memset(c, 0, sizeof(*c));
}

bool esomock__world_config_copy(struct esomock_world_config *to,
                                const struct esomock_world_config *from)
{
    *to = *from;
    for (int t = 0; t < ESOMOCK_WT_COUNT; t++)
        to->keys[t].missing = NULL;
    to->missing_codes = NULL;
    to->overrides = NULL;
    to->source = NULL;
    to->missing_code_count = 0;
    to->override_count = 0;
    bool ok = true;
    for (int t = 0; t < ESOMOCK_WT_COUNT && ok; t++) {
        size_t n = from->keys[t].missing_count;
        to->keys[t].missing_count = 0;
        if (n == 0)
            continue;
        to->keys[t].missing = malloc(n * sizeof(int64_t));
        ok = to->keys[t].missing != NULL;
        if (ok) {
            memcpy(to->keys[t].missing, from->keys[t].missing, n * sizeof(int64_t));
            to->keys[t].missing_count = n;
        }
    }
    if (ok && from->missing_code_count > 0) {
        to->missing_codes = calloc(from->missing_code_count, sizeof(char *));
        ok = to->missing_codes != NULL;
        for (size_t i = 0; ok && i < from->missing_code_count; i++) {
            to->missing_codes[i] = strdup(from->missing_codes[i]);
            ok = to->missing_codes[i] != NULL;
            to->missing_code_count = i + 1;
        }
    }
    if (ok && from->override_count > 0) {
        to->overrides = calloc(from->override_count, sizeof(*to->overrides));
        ok = to->overrides != NULL;
        for (size_t i = 0; ok && i < from->override_count; i++) {
            const struct esomock_world_override *o = &from->overrides[i];
            to->overrides[i].type = o->type;
            to->overrides[i].id = o->id;
            to->overrides[i].code = o->code != NULL ? strdup(o->code) : NULL;
            to->overrides[i].fields = cJSON_Duplicate(o->fields, 1);
            to->override_count = i + 1;
            ok = (o->code == NULL || to->overrides[i].code != NULL) &&
                 to->overrides[i].fields != NULL;
        }
    }
    if (ok && from->source != NULL) {
        to->source = strdup(from->source);
        ok = to->source != NULL;
    }
    if (!ok)
        esomock__world_config_finish(to);
    return ok;
}

/* ---- checking a world document ------------------------------------------------------------ */

static const struct esomock_vet_range range_seed = {true, 0, false, ESOMOCK_VET_MAX_EXACT_INTEGER,
                                                    false};
static const struct esomock_vet_range range_id = {true, 1, false, 2147483647, true};
static const struct esomock_vet_range range_end = {false, 0, false, 1e14, false};
static const struct esomock_vet_range range_span = {false, 0, true, 36500, true};
static const struct esomock_vet_range range_reports = {true, 1, false, 1e9, true};

static int type_by_name(const char *name)
{
    for (int t = 0; t < ESOMOCK_WT_COUNT; t++) {
        if (strcmp(types[t].name, name) == 0)
            return t;
    }
    return -1;
}

static bool is_code(const char *s)
{
    if (strlen(s) != 16)
        return false;
    for (; *s != '\0'; s++) {
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
            return false;
    }
    return true;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "missing": ids (or report codes), sorted and distinct into the config. */
static void parse_missing(struct esomock_vet *v, const cJSON *item, const char *path, int type,
                          struct esomock_world_config *c, size_t *total)
{
    if (!cJSON_IsArray(item)) {
        esomock__vet_expected(
            v, path, type == ESOMOCK_WT_REPORT ? "an array of report codes" : "an array of ids",
            item);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(item);
    if (*total + n > ESOMOCK_WORLD_MAX_MISSING) {
        esomock__vet_error(v, path, "expected at most %u missing keys in a world; got %zu",
                           ESOMOCK_WORLD_MAX_MISSING, *total + n);
        return;
    }
    *total += n;
    if (n == 0)
        return;
    char child[ESOMOCK_VET_PATH_SIZE];
    size_t i = 0;
    if (type == ESOMOCK_WT_REPORT) {
        char **codes = calloc(n, sizeof(*codes));
        if (codes == NULL) {
            v->oom = true;
            return;
        }
        size_t k = 0;
        for (const cJSON *m = item->child; m != NULL; m = m->next, i++) {
            esomock__vet_path_index(child, sizeof(child), path, i);
            if (!cJSON_IsString(m) || !is_code(m->valuestring)) {
                esomock__vet_expected(v, child, "a report code: 16 letters and digits", m);
                continue;
            }
            codes[k] = esomock__vet_strdup(v, m->valuestring);
            if (codes[k] != NULL)
                k++;
        }
        qsort(codes, k, sizeof(*codes), cmp_str);
        size_t d = 0;
        for (size_t j = 0; j < k; j++) {
            if (d > 0 && strcmp(codes[d - 1], codes[j]) == 0)
                free(codes[j]);
            else
                codes[d++] = codes[j];
        }
        c->missing_codes = codes;
        c->missing_code_count = d;
        return;
    }
    int64_t *ids = malloc(n * sizeof(*ids));
    if (ids == NULL) {
        v->oom = true;
        return;
    }
    size_t k = 0;
    for (const cJSON *m = item->child; m != NULL; m = m->next, i++) {
        double d = 0;
        esomock__vet_path_index(child, sizeof(child), path, i);
        if (esomock__vet_number(v, m, child, &range_id, &d))
            ids[k++] = (int64_t)d;
    }
    qsort(ids, k, sizeof(*ids), cmp_i64);
    size_t d = 0;
    for (size_t j = 0; j < k; j++) {
        if (d == 0 || ids[d - 1] != ids[j])
            ids[d++] = ids[j];
    }
    c->keys[type].missing = ids;
    c->keys[type].missing_count = d;
}

static void parse_type(struct esomock_vet *v, const cJSON *obj, const char *path, int type,
                       struct esomock_world_config *c, size_t *missing_total)
{
    static const char *const ranged_keys[] = {"min", "max", "missing"};
    static const char *const report_keys[] = {"count", "missing"};
    static const char *const static_keys[] = {"missing"};
    char child[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsObject(obj)) {
        esomock__vet_expected(v, path, "an object", obj);
        return;
    }
    if (type < ESOMOCK_WT_RANGED)
        esomock__vet_keys(v, obj, path, ranged_keys, COUNT(ranged_keys));
    else if (type == ESOMOCK_WT_REPORT)
        esomock__vet_keys(v, obj, path, report_keys, COUNT(report_keys));
    else
        esomock__vet_keys(v, obj, path, static_keys, COUNT(static_keys));
    const cJSON *item;
    double d = 0;
    if (type < ESOMOCK_WT_RANGED) {
        item = esomock__vet_get(obj, "min");
        esomock__vet_path_key(child, sizeof(child), path, "min");
        if (item != NULL && esomock__vet_number(v, item, child, &range_id, &d))
            c->keys[type].min = (int64_t)d;
        item = esomock__vet_get(obj, "max");
        esomock__vet_path_key(child, sizeof(child), path, "max");
        if (item != NULL && esomock__vet_number(v, item, child, &range_id, &d))
            c->keys[type].max = (int64_t)d;
        if (c->keys[type].max < c->keys[type].min)
            esomock__vet_error(v, path, "expected min <= max; got min %lld, max %lld",
                               (long long)c->keys[type].min, (long long)c->keys[type].max);
    } else if (type == ESOMOCK_WT_REPORT) {
        item = esomock__vet_get(obj, "count");
        esomock__vet_path_key(child, sizeof(child), path, "count");
        if (item != NULL && esomock__vet_number(v, item, child, &range_reports, &d))
            c->report_count = (int64_t)d;
    }
    item = esomock__vet_get(obj, "missing");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "missing");
        parse_missing(v, item, child, type, c, missing_total);
    }
}

/* A pinned value of the right type for field @p f. */
static bool value_fits(const struct gql_field *f, const cJSON *value)
{
    const struct gql_type_ref *ref = gql_field_type(f);
    if (cJSON_IsNull(value))
        return !gql_type_ref_is_non_null(ref);
    const struct gql_type *t = gql_type_ref_named(ref);
    const char *name = gql_type_name(t);
    if (gql_type_kind(t) == GQL_ENUM) {
        for (size_t i = 0; cJSON_IsString(value) && i < gql_type_enum_count(t); i++) {
            if (strcmp(gql_type_enum_at(t, i), value->valuestring) == 0)
                return true;
        }
        return false;
    }
    if (strcmp(name, "Int") == 0)
        return cJSON_IsNumber(value) && floor(value->valuedouble) == value->valuedouble &&
               fabs(value->valuedouble) <= 2147483647.0;
    if (strcmp(name, "Float") == 0)
        return cJSON_IsNumber(value);
    if (strcmp(name, "String") == 0 || strcmp(name, "ID") == 0)
        return cJSON_IsString(value);
    if (strcmp(name, "Boolean") == 0)
        return cJSON_IsBool(value);
    return true; /* JSON: anything */
}

static void parse_fields(struct esomock_vet *v, const cJSON *obj, const char *path, int type,
                         struct esomock_world_override *o)
{
    char child[ESOMOCK_VET_PATH_SIZE], err[ESOMOCK_ERROR_SIZE] = "";
    if (!cJSON_IsObject(obj) || obj->child == NULL) {
        esomock__vet_expected(v, path, "an object of field name -> value (at least one)", obj);
        return;
    }
    const struct gql_schema *schema = esomock__api_schema(err);
    const struct gql_type *t = schema != NULL ? gql_schema_type(schema, types[type].graphql) : NULL;
    if (t == NULL) {
        esomock__vet_error(v, path, "cannot check the fields: %s",
                           err[0] ? err : "the schema lacks the type");
        return;
    }
    bool ok = true;
    for (const cJSON *m = obj->child; m != NULL; m = m->next) {
        esomock__vet_path_key(child, sizeof(child), path, m->string);
        const struct gql_field *f = gql_type_field(t, m->string);
        if (f == NULL) {
            const char *names[128];
            size_t n = gql_type_field_count(t) < 128 ? gql_type_field_count(t) : 128;
            for (size_t i = 0; i < n; i++)
                names[i] = gql_field_name(gql_type_field_at(t, i));
            const char *guess = esomock__vet_closest(m->string, names, n);
            esomock__vet_error(v, child, "%s has no field \"%.64s\"%s%s%s", types[type].graphql,
                               m->string, guess ? "; did you mean \"" : "", guess ? guess : "",
                               guess ? "\"?" : "");
            ok = false;
            continue;
        }
        if (!gql_type_is_leaf(gql_type_ref_named(gql_field_type(f)))) {
            esomock__vet_error(v, child,
                               "only fields with a scalar or enum value can be pinned; %s.%s is "
                               "an object or a list",
                               types[type].graphql, m->string);
            ok = false;
            continue;
        }
        bool fixed = false;
        for (size_t i = 0; i < COUNT(structural); i++)
            fixed = fixed || strcmp(structural[i], m->string) == 0;
        if (fixed) {
            esomock__vet_error(v, child,
                               "\"%s\" cannot be pinned: lookups and lists of the world are "
                               "built on it",
                               m->string);
            ok = false;
            continue;
        }
        if (!value_fits(f, m)) {
            char want[64];
            gql_type_ref_print(gql_field_type(f), want, sizeof(want));
            char what[96];
            snprintf(what, sizeof(what), "a value of type %s", want);
            esomock__vet_expected(v, child, what, m);
            ok = false;
        }
    }
    if (ok) {
        o->fields = cJSON_Duplicate(obj, 1);
        if (o->fields == NULL)
            v->oom = true;
    }
}

static int cmp_override(const void *a, const void *b)
{
    const struct esomock_world_override *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return strcmp(x->code != NULL ? x->code : "", y->code != NULL ? y->code : "");
}

static void parse_overrides(struct esomock_vet *v, const cJSON *item, const char *path,
                            struct esomock_world_config *c)
{
    static const char *const keys[] = {"type", "key", "fields"};
    char child[ESOMOCK_VET_PATH_SIZE], at[ESOMOCK_VET_PATH_SIZE];
    if (!cJSON_IsArray(item)) {
        esomock__vet_expected(v, path, "an array of {\"type\", \"key\", \"fields\"}", item);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(item);
    if (n > ESOMOCK_WORLD_MAX_OVERRIDES) {
        esomock__vet_error(v, path, "expected at most %u overrides; got %zu",
                           ESOMOCK_WORLD_MAX_OVERRIDES, n);
        return;
    }
    if (n == 0)
        return;
    c->overrides = calloc(n, sizeof(*c->overrides));
    if (c->overrides == NULL) {
        v->oom = true;
        return;
    }
    size_t i = 0;
    for (const cJSON *o = item->child; o != NULL; o = o->next, i++) {
        esomock__vet_path_index(at, sizeof(at), path, i);
        if (!cJSON_IsObject(o)) {
            esomock__vet_expected(v, at, "an object with \"type\", \"key\" and \"fields\"", o);
            continue;
        }
        esomock__vet_keys(v, o, at, keys, COUNT(keys));
        struct esomock_world_override *ov = &c->overrides[c->override_count];
        const cJSON *type = esomock__vet_get(o, "type");
        const cJSON *key = esomock__vet_get(o, "key");
        const cJSON *fields = esomock__vet_get(o, "fields");
        esomock__vet_path_key(child, sizeof(child), at, "type");
        int t = cJSON_IsString(type) ? type_by_name(type->valuestring) : -1;
        if (t < 0) {
            const char *names[ESOMOCK_WT_COUNT];
            for (int k = 0; k < ESOMOCK_WT_COUNT; k++)
                names[k] = types[k].name;
            size_t which = 0;
            esomock__vet_enum(v, type, child, names, ESOMOCK_WT_COUNT, &which);
            continue;
        }
        esomock__vet_path_key(child, sizeof(child), at, "key");
        double d = 0;
        if (t == ESOMOCK_WT_REPORT) {
            if (!cJSON_IsString(key) || !is_code(key->valuestring)) {
                esomock__vet_expected(v, child, "a report code: 16 letters and digits", key);
                continue;
            }
            ov->code = esomock__vet_strdup(v, key->valuestring);
        } else if (key == NULL) {
            esomock__vet_missing(v, child, "the id whose fields are pinned");
            continue;
        } else if (esomock__vet_number(v, key, child, &range_id, &d)) {
            ov->id = (int64_t)d;
        } else {
            continue;
        }
        ov->type = (enum esomock_wtype)t;
        esomock__vet_path_key(child, sizeof(child), at, "fields");
        if (fields == NULL) {
            esomock__vet_missing(v, child, "an object of field name -> value");
            free(ov->code);
            ov->code = NULL;
            continue;
        }
        parse_fields(v, fields, child, t, ov);
        if (ov->fields == NULL) {
            free(ov->code);
            memset(ov, 0, sizeof(*ov));
            continue;
        }
        for (size_t k = 0; k < c->override_count; k++) {
            if (cmp_override(&c->overrides[k], ov) == 0) {
                esomock__vet_error(v, at, "the same key is pinned twice; merge its fields");
                break;
            }
        }
        c->override_count++;
    }
    qsort(c->overrides, c->override_count, sizeof(*c->overrides), cmp_override);
}

/* What a world cannot be built with, beyond each key's own range. */
static void check_sizes(struct esomock_vet *v, const char *path, struct esomock_world_config *c)
{
    char child[ESOMOCK_VET_PATH_SIZE];
    int64_t chars = c->keys[ESOMOCK_WT_CHARACTER].max - c->keys[ESOMOCK_WT_CHARACTER].min + 1;
    int64_t guilds = c->keys[ESOMOCK_WT_GUILD].max - c->keys[ESOMOCK_WT_GUILD].min + 1;
    esomock__vet_path_key(child, sizeof(child), path, "types");
    if (chars > ESOMOCK_WORLD_MAX_CHARACTERS)
        esomock__vet_error(v, child,
                           "expected at most %d characters (every character has its own name); "
                           "got %lld",
                           ESOMOCK_WORLD_MAX_CHARACTERS, (long long)chars);
    if (guilds > ESOMOCK_WORLD_MAX_GUILDS)
        esomock__vet_error(v, child,
                           "expected at most %d guilds (every guild has its own name); got %lld",
                           ESOMOCK_WORLD_MAX_GUILDS, (long long)guilds);
    if (chars < guilds * 10)
        esomock__vet_error(v, child,
                           "expected at least 10 characters per guild (%lld guilds need %lld); "
                           "got %lld",
                           (long long)guilds, (long long)guilds * 10, (long long)chars);
    int64_t owners = guilds + c->keys[ESOMOCK_WT_USER].max - c->keys[ESOMOCK_WT_USER].min + 1;
    if (c->report_count > owners * 10000)
        esomock__vet_error(v, child,
                           "expected at most 10000 reports per guild or user (%lld owners); got "
                           "%lld reports",
                           (long long)owners, (long long)c->report_count);
    if (c->span_days * 86400000.0 / (double)c->report_count < 1000.0)
        esomock__vet_error(v, child,
                           "expected reports at least a second apart: %lld reports in %g days "
                           "is too many",
                           (long long)c->report_count, c->span_days);
}

bool esomock__world_parse(struct esomock_vet *v, const cJSON *json, const char *path,
                          struct esomock_world_config *c)
{
    static const char *const root_keys[] = {"$schema",   "description", "seed",     "end_time",
                                            "span_days", "types",       "overrides"};
    char child[ESOMOCK_VET_PATH_SIZE];
    size_t before = esomock__problems_errors(v->problems);
    esomock__world_config_defaults(c);
    if (!cJSON_IsObject(json)) {
        esomock__vet_expected(v, path, "an object (a world: seed, types, overrides)", json);
        return false;
    }
    esomock__vet_keys(v, json, path, root_keys, COUNT(root_keys));
    const cJSON *item = esomock__vet_get(json, "description");
    esomock__vet_path_key(child, sizeof(child), path, "description");
    if (item != NULL && !cJSON_IsString(item))
        esomock__vet_expected(v, child, "a string", item);
    item = esomock__vet_get(json, "$schema");
    esomock__vet_path_key(child, sizeof(child), path, "$schema");
    if (item != NULL && !cJSON_IsString(item))
        esomock__vet_expected(v, child, "a string (the schema's location, for editors)", item);
    double d = 0;
    item = esomock__vet_get(json, "seed");
    esomock__vet_path_key(child, sizeof(child), path, "seed");
    if (item != NULL && esomock__vet_number(v, item, child, &range_seed, &d))
        c->seed = (uint64_t)d;
    item = esomock__vet_get(json, "end_time");
    esomock__vet_path_key(child, sizeof(child), path, "end_time");
    if (item != NULL && esomock__vet_number(v, item, child, &range_end, &d))
        c->end_ms = d;
    item = esomock__vet_get(json, "span_days");
    esomock__vet_path_key(child, sizeof(child), path, "span_days");
    if (item != NULL && esomock__vet_number(v, item, child, &range_span, &d))
        c->span_days = d;
    item = esomock__vet_get(json, "types");
    if (item != NULL) {
        char tpath[ESOMOCK_VET_PATH_SIZE];
        esomock__vet_path_key(tpath, sizeof(tpath), path, "types");
        if (!cJSON_IsObject(item)) {
            esomock__vet_expected(v, tpath, "an object of type name -> keys", item);
        } else {
            const char *names[ESOMOCK_WT_COUNT];
            for (int k = 0; k < ESOMOCK_WT_COUNT; k++)
                names[k] = types[k].name;
            esomock__vet_keys(v, item, tpath, names, ESOMOCK_WT_COUNT);
            size_t missing = 0;
            for (const cJSON *m = item->child; m != NULL && !v->oom; m = m->next) {
                int t = type_by_name(m->string);
                if (t < 0)
                    continue;
                esomock__vet_path_key(child, sizeof(child), tpath, m->string);
                parse_type(v, m, child, t, c, &missing);
            }
        }
    }
    item = esomock__vet_get(json, "overrides");
    if (item != NULL) {
        esomock__vet_path_key(child, sizeof(child), path, "overrides");
        parse_overrides(v, item, child, c);
    }
    if (esomock__problems_errors(v->problems) == before)
        check_sizes(v, path, c);
    if (v->oom || esomock__problems_errors(v->problems) > before) {
        esomock__world_config_finish(c);
        return false;
    }
    return true;
}

enum esomock_status esomock__world_load_file(const char *path, struct esomock_world_config *c,
                                             struct esomock_problems *problems)
{
    struct esomock_problems counting = ESOMOCK__PROBLEMS_COUNTING;
    struct esomock_vet vet = {.problems = problems != NULL ? problems : &counting};
    char err[ESOMOCK_ERROR_SIZE] = "";
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    enum esomock_status rc = ESOMOCK_BAD_ARGUMENT;
    esomock__problems_begin(vet.problems, path != NULL ? path : "");
    if (path == NULL) {
        esomock__vet_error(&vet, "", "no world file given");
        goto out;
    }
    if (strcmp(path, "none") == 0) {
        esomock__world_config_defaults(c);
        c->disabled = true;
        rc = ESOMOCK_OK;
        goto out;
    }
    rc = esomock__read_file(path, ESOMOCK_WORLD_MAX_BYTES, &text, &len, err);
    if (rc != ESOMOCK_OK) {
        size_t plen = strlen(path);
        const char *msg = err;
        if (strncmp(err, path, plen) == 0 && err[plen] == ':' && err[plen + 1] == ' ')
            msg = err + plen + 2;
        esomock__vet_error(&vet, "", "%s", msg);
        goto out;
    }
    rc = ESOMOCK_WORLD_INVALID;
    const char *bad = esomock__utf8_invalid(text, len);
    if (memchr(text, '\0', len) != NULL || bad != NULL) {
        esomock__vet_error(&vet, "", "invalid JSON: the file is not UTF-8 text");
        goto out;
    }
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (root == NULL) {
        char where[64];
        esomock__text_position(text, end != NULL ? end : text, where, sizeof(where));
        esomock__vet_error(&vet, "", "invalid JSON at %s: syntax error", where);
        goto out;
    }
    if (esomock__world_parse(&vet, root, "", c)) {
        c->source = strdup(path);
        rc = c->source != NULL ? ESOMOCK_OK : ESOMOCK_OUT_OF_MEMORY;
        if (rc != ESOMOCK_OK)
            esomock__world_config_finish(c);
    } else if (vet.oom) {
        esomock__vet_error(&vet, "", "out of memory");
        rc = ESOMOCK_OUT_OF_MEMORY;
    }
out:
    cJSON_Delete(root);
    free(text);
    esomock__problems_end(vet.problems);
    esomock__problems_finish(&counting);
    return rc;
}

void esomock__world_setting(struct esomock_vet *v, const cJSON *item, const char *path,
                            const char *source, struct esomock_world_config **out)
{
    struct esomock_world_config *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        v->oom = true;
        return;
    }
    if (cJSON_IsObject(item)) {
        if (!esomock__world_parse(v, item, path, c)) {
            free(c);
            return;
        }
        c->source = strdup("<scenario>");
        if (c->source == NULL) {
            v->oom = true;
            esomock__world_config_finish(c);
            free(c);
            return;
        }
        *out = c;
        return;
    }
    if (!cJSON_IsString(item) || item->valuestring[0] == '\0') {
        esomock__vet_expected(v, path,
                              "a world: an object, a world file's path (from the scenario's "
                              "directory) or \"none\"",
                              item);
        free(c);
        return;
    }
    /* A relative path is the scenario file's neighbour (or the working directory's). */
    char file[4096];
    const char *slash = source != NULL && source[0] != '<' ? strrchr(source, '/') : NULL;
    if (item->valuestring[0] != '/' && strcmp(item->valuestring, "none") != 0 && slash != NULL)
        snprintf(file, sizeof(file), "%.*s/%s", (int)(slash - source), source, item->valuestring);
    else
        snprintf(file, sizeof(file), "%s", item->valuestring);
    struct esomock_problems *problems = esomock_problems_create();
    if (problems == NULL) {
        v->oom = true;
        free(c);
        return;
    }
    if (esomock__world_load_file(file, c, problems) == ESOMOCK_OK) {
        *out = c;
    } else {
        for (size_t i = 0; i < esomock_problems_count(problems); i++) {
            const struct esomock_problem *p = esomock_problems_get(problems, i);
            if (!p->note)
                esomock__vet_error(v, path, "%s: %s%s%s", p->source, p->path,
                                   p->path[0] != '\0' ? ": " : "", p->message);
        }
        free(c);
    }
    esomock_problems_destroy(problems);
}
