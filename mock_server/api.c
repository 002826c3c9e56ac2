/* The ESO Logs API as eso-mock knows it (api_private.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <esomock/error.h>

#include "api_private.h"
#include "fixtures_private.h"

const char *const esomock__api_operations[] = {
    "getAbilities",
    "getAbility",
    "getCharacterById",
    "getCharacterEncounterRanking",
    "getCharacterEncounterRankings",
    "getCharacterReports",
    "getCharacterZoneRankings",
    "getClass",
    "getClasses",
    "getCurrentUser",
    "getEncountersByZone",
    "getFactions",
    "getGuildAttendance",
    "getGuildById",
    "getGuildByName",
    "getGuildMembers",
    "getGuilds",
    "getItem",
    "getItemSet",
    "getItemSets",
    "getItems",
    "getMap",
    "getMaps",
    "getNPC",
    "getNPCs",
    "getProgressRace",
    "getRateLimitData",
    "getRegions",
    "getReportByCode",
    "getReportEvents",
    "getReportGraph",
    "getReportPlayerDetails",
    "getReportRankings",
    "getReportTable",
    "getReports",
    "getUserById",
    "getUserData",
    "getWorldData",
    "getZones",
    NULL,
};

#define OPERATION_COUNT (sizeof(esomock__api_operations) / sizeof(esomock__api_operations[0]) - 1)

static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gql_schema *api_schema; /* loaded once; never freed (read-only, process-wide) */

const char *esomock__api_schema_file(void)
{
    const char *env = getenv("ESOMOCK_SCHEMA");
    if (env != NULL && env[0] != '\0')
        return env;
    struct stat st;
    if (stat(ESOMOCK_SOURCE_SCHEMA, &st) == 0 && S_ISREG(st.st_mode))
        return ESOMOCK_SOURCE_SCHEMA;
    return ESOMOCK_INSTALLED_SCHEMA;
}

const struct gql_schema *esomock__api_schema(char *err)
{
    pthread_mutex_lock(&schema_lock);
    if (api_schema == NULL) {
        char why[GQL_ERROR_SIZE];
        if (gql_schema_load(esomock__api_schema_file(), &api_schema, why, sizeof(why)) != GQL_OK &&
            err != NULL)
            snprintf(err, ESOMOCK_ERROR_SIZE, "cannot load the API schema: %.480s", why);
    }
    const struct gql_schema *s = api_schema;
    pthread_mutex_unlock(&schema_lock);
    return s;
}

bool esomock__api_is_operation(const char *name)
{
    size_t lo = 0, hi = OPERATION_COUNT;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(esomock__api_operations[mid], name);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static const char *operation_at(const void *owner, size_t i)
{
    (void)owner;
    return esomock__api_operations[i];
}

void esomock__api_operation_hint(const char *name, char *out, size_t size)
{
    esomock__api_did_you_mean(name, OPERATION_COUNT, operation_at, NULL, out, size);
}

void esomock__api_did_you_mean(const char *name, size_t count,
                               const char *(*name_at)(const void *owner, size_t i),
                               const void *owner, char *out, size_t size)
{
    const char *options[512];
    const char *best[5];
    size_t n = count < 512 ? count : 512;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        options[i] = name_at(owner, i);
    size_t found = gql_suggestion_list(name, options, n, best, 5);
    if (found == 0)
        return;
    size_t len = (size_t)snprintf(out, size, " Did you mean ");
    for (size_t i = 0; i < found && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s\"%s\"",
                                i == 0           ? ""
                                : found == 2     ? " or "
                                : i + 1 == found ? ", or "
                                                 : ", ",
                                best[i]);
    if (len < size)
        snprintf(out + len, size - len, "?");
}

static const char *field_name_at(const void *type, size_t i)
{
    return gql_field_name(gql_type_field_at(type, i));
}

static const char *arg_name_at(const void *field, size_t i)
{
    return gql_input_value_name(gql_field_arg_at(field, i));
}

const struct gql_field *esomock__api_field_path(const struct gql_schema *schema, const char *path,
                                                char *why, size_t why_size)
{
    const struct gql_type *type = gql_schema_query_type(schema);
    const struct gql_field *field = NULL;
    char name[ESOMOCK_FIELD_PATH_MAX + 1];
    const char *p = path;
    unsigned depth = 0;
    while (*p != '\0') {
        const char *dot = strchr(p, '.');
        size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof(name) || n == 0) {
            snprintf(why, why_size, "\"%.200s\" is not a field path", path);
            return NULL;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        if (depth == 2 || type == NULL || !gql_type_is_composite(type) ||
            gql_type_kind(type) == GQL_UNION) {
            snprintf(why, why_size,
                     "\"%.200s\" goes too deep: a fixture or a rule names a root field "
                     "(\"rateLimitData\") or a field of one (\"guildData.guild\")",
                     path);
            return NULL;
        }
        if (depth == 1 && gql_field_arg_count(field) > 0) {
            snprintf(why, why_size, "\"%.200s\" goes below %s, which takes arguments itself", path,
                     gql_field_name(field));
            return NULL;
        }
        field = gql_type_field(type, name);
        if (field == NULL) {
            char hint[160];
            esomock__api_did_you_mean(name, gql_type_field_count(type), field_name_at, type, hint,
                                      sizeof(hint));
            snprintf(why, why_size, "Cannot query field \"%s\" on type \"%s\".%s", name,
                     gql_type_name(type), hint);
            return NULL;
        }
        type = gql_type_ref_named(gql_field_type(field));
        p += n + (dot != NULL);
        depth++;
    }
    if (depth == 2 && gql_field_arg_count(field) == 0 && gql_type_is_leaf(type)) {
        /* A document selecting only leaves of a namespace fetches the namespace whole. */
        int root_len = (int)(strchr(path, '.') - path);
        snprintf(why, why_size,
                 "\"%.200s\" is a plain value of %.*s, which a document fetches whole: name "
                 "\"%.*s\"",
                 path, root_len, path, root_len, path);
        return NULL;
    }
    return field;
}

bool esomock__api_field_arguments(const struct gql_field *field, const cJSON *args, char *why,
                                  size_t why_size)
{
    for (const cJSON *a = args != NULL ? args->child : NULL; a != NULL; a = a->next) {
        if (gql_field_arg(field, a->string) != NULL)
            continue;
        char hint[160];
        esomock__api_did_you_mean(a->string, gql_field_arg_count(field), arg_name_at, field, hint,
                                  sizeof(hint));
        snprintf(why, why_size, "Unknown argument \"%.100s\" on field \"%s\".%s", a->string,
                 gql_field_name(field), hint);
        return false;
    }
    return true;
}
