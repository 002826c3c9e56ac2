/* Typed calls for the common operations. */
#include <stdio.h>
#include <string.h>

#include <esologs/operations.h>

static enum eso_status bad(struct eso_result *res, const char *what)
{
    if (res != NULL) {
        memset(res, 0, sizeof *res);
        res->status = ESO_BAD_ARGUMENT;
        res->cause = ESO_BAD_ARGUMENT;
        snprintf(res->detail, sizeof res->detail, "%s", what);
    }
    return ESO_BAD_ARGUMENT;
}

/* Run @p op with @p vars (consumed), or fail with out of memory when vars is NULL. */
static enum eso_status call_operation(struct eso_client *c, const char *op, cJSON *vars,
                                      struct eso_result *res)
{
    if (vars == NULL) {
        memset(res, 0, sizeof *res);
        res->status = ESO_OUT_OF_MEMORY;
        res->cause = ESO_OUT_OF_MEMORY;
        return ESO_OUT_OF_MEMORY;
    }
    enum eso_status st = eso_query(c, op, NULL, vars, res);
    cJSON_Delete(vars);
    return st;
}

/* Add an Int variable when non-zero; false when out of memory. */
static bool add_int(cJSON *vars, const char *name, int32_t v)
{
    return v == 0 || cJSON_AddNumberToObject(vars, name, (double)v) != NULL;
}

static bool add_str(cJSON *vars, const char *name, const char *v)
{
    return v == NULL || cJSON_AddStringToObject(vars, name, v) != NULL;
}

static bool add_float(cJSON *vars, const char *name, double v)
{
    return v == 0 || cJSON_AddNumberToObject(vars, name, v) != NULL;
}

static cJSON *one_int(const char *name, int32_t v)
{
    cJSON *vars = cJSON_CreateObject();
    if (vars != NULL && cJSON_AddNumberToObject(vars, name, (double)v) == NULL) {
        cJSON_Delete(vars);
        return NULL;
    }
    return vars;
}

enum eso_status eso_get_guild_by_id(struct eso_client *c, int32_t guild_id, struct eso_result *res)
{
    if (c == NULL || res == NULL)
        return bad(res, "NULL client or result");
    return call_operation(c, "getGuildById", one_int("guildId", guild_id), res);
}

enum eso_status eso_get_guilds(struct eso_client *c, const struct eso_guilds_query *q,
                               struct eso_result *res)
{
    if (c == NULL || res == NULL)
        return bad(res, "NULL client or result");
    cJSON *vars = cJSON_CreateObject();
    if (vars != NULL && q != NULL &&
        !(add_int(vars, "limit", q->limit) && add_int(vars, "page", q->page) &&
          add_int(vars, "serverID", q->server_id) && add_str(vars, "serverSlug", q->server_slug) &&
          add_str(vars, "serverRegion", q->server_region))) {
        cJSON_Delete(vars);
        vars = NULL;
    }
    return call_operation(c, "getGuilds", vars, res);
}

enum eso_status eso_get_reports(struct eso_client *c, const struct eso_reports_query *q,
                                struct eso_result *res)
{
    if (c == NULL || res == NULL)
        return bad(res, "NULL client or result");
    cJSON *vars = cJSON_CreateObject();
    if (vars != NULL && q != NULL &&
        !(add_int(vars, "guildID", q->guild_id) && add_str(vars, "guildName", q->guild_name) &&
          add_str(vars, "guildServerSlug", q->guild_server_slug) &&
          add_str(vars, "guildServerRegion", q->guild_server_region) &&
          add_int(vars, "guildTagID", q->guild_tag_id) && add_int(vars, "userID", q->user_id) &&
          add_int(vars, "zoneID", q->zone_id) && add_int(vars, "gameZoneID", q->game_zone_id) &&
          add_float(vars, "startTime", q->start_time) && add_float(vars, "endTime", q->end_time) &&
          add_int(vars, "limit", q->limit) && add_int(vars, "page", q->page))) {
        cJSON_Delete(vars);
        vars = NULL;
    }
    return call_operation(c, "getReports", vars, res);
}

enum eso_status eso_get_ability(struct eso_client *c, int32_t id, struct eso_result *res)
{
    if (c == NULL || res == NULL)
        return bad(res, "NULL client or result");
    return call_operation(c, "getAbility", one_int("id", id), res);
}

enum eso_status eso_get_report_by_code(struct eso_client *c, const char *code,
                                       struct eso_result *res)
{
    if (c == NULL || res == NULL || code == NULL || *code == '\0')
        return bad(res, "NULL client or result, or empty code");
    cJSON *vars = cJSON_CreateObject();
    if (vars != NULL && cJSON_AddStringToObject(vars, "code", code) == NULL) {
        cJSON_Delete(vars);
        vars = NULL;
    }
    return call_operation(c, "getReportByCode", vars, res);
}

enum eso_status eso_get_character_by_id(struct eso_client *c, int32_t id, struct eso_result *res)
{
    if (c == NULL || res == NULL)
        return bad(res, "NULL client or result");
    return call_operation(c, "getCharacterById", one_int("id", id), res);
}

enum eso_status eso_get_zones(struct eso_client *c, struct eso_result *res)
{
    if (c == NULL || res == NULL)
        return bad(res, "NULL client or result");
    return eso_query(c, "getZones", NULL, NULL, res);
}

enum eso_status eso_get_rate_limit_data(struct eso_client *c, struct eso_rate_limit *out,
                                        struct eso_result *res)
{
    if (c == NULL || res == NULL)
        return bad(res, "NULL client or result");
    enum eso_status st = eso_query(c, "getRateLimitData", NULL, NULL, res);
    if (st != ESO_OK)
        return st;
    const cJSON *rl = cJSON_GetObjectItemCaseSensitive(res->data, "rateLimitData");
    const cJSON *lim = cJSON_GetObjectItemCaseSensitive(rl, "limitPerHour");
    const cJSON *spent = cJSON_GetObjectItemCaseSensitive(rl, "pointsSpentThisHour");
    const cJSON *reset = cJSON_GetObjectItemCaseSensitive(rl, "pointsResetIn");
    if (!cJSON_IsNumber(lim) || !cJSON_IsNumber(spent) || !cJSON_IsNumber(reset)) {
        res->status = ESO_MALFORMED_JSON;
        res->cause = ESO_MALFORMED_JSON;
        snprintf(res->detail, sizeof res->detail, "%s",
                 "rateLimitData lacks limitPerHour/pointsSpentThisHour/pointsResetIn");
        return ESO_MALFORMED_JSON;
    }
    if (out != NULL) {
        out->limit_per_hour = lim->valuedouble;
        out->points_spent_this_hour = spent->valuedouble;
        out->points_reset_in_s = reset->valuedouble;
    }
    return ESO_OK;
}
