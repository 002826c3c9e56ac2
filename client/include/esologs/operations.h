/*
 * The 39 ESO Logs operations: their compiled-in query documents (from
 * client/queries/<operationName>.graphql) and typed calls for the common ones.
 *
 * Thread safety: the registry functions are pure; the typed calls are as
 * eso_query() (a client may be shared by threads).
 */
#ifndef ESOLOGS_OPERATIONS_H
#define ESOLOGS_OPERATIONS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <esologs/client.h>
#include <esologs/export.h>
#include <esologs/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Number of operations the registry knows (39; some may lack a document if the
 * build found no file for them, see eso_operation_document()).
 * @return the count.
 */
ESO_API size_t eso_operation_count(void);

/**
 * The name of operation @p index, in the reference table's order.
 * @return a static string; NULL when index >= eso_operation_count().
 */
ESO_API const char *eso_operation_name(size_t index);

/**
 * The compiled-in query document of @p name (case-sensitive).
 * @return a static string valid forever; NULL for an unknown name or one whose
 *         .graphql file was missing at build time.
 */
ESO_API const char *eso_operation_document(const char *name);

/**
 * Build a variables object from NAME=VALUE strings, typed by the variable
 * declarations of the operation's document: Int -> integer (checked, 32-bit),
 * Float -> number, Boolean -> true/false, String and ID -> string, lists and other
 * named types (enums, input objects) -> VALUE as JSON when it parses, else as a
 * string. Without a known document every VALUE is JSON when it parses, else a string.
 * @param operation    operation name (selects the document); may be unknown.
 * @param assignments  @p count strings "NAME=VALUE"; borrowed.
 * @param out          receives a new object owned by the caller (cJSON_Delete());
 *                     set only on ESO_OK.
 * @param err          optional ESO_DETAIL_SIZE buffer naming the bad assignment.
 * @return ESO_OK, ESO_BAD_ARGUMENT (no '=', unknown variable, value not of its type),
 *         ESO_OUT_OF_MEMORY.
 */
ESO_API enum eso_status eso_variables_from_strings(const char *operation,
                                                   const char *const *assignments, size_t count,
                                                   cJSON **out, char *err);

/* getGuilds filters: 0 / NULL = leave the variable out. Strings borrowed for the call. */
struct eso_guilds_query {
    int32_t limit;
    int32_t page;
    int32_t server_id;
    const char *server_slug;
    const char *server_region;
};

/* getReports filters (search by guild, zone, time): 0 / NULL = leave out. */
struct eso_reports_query {
    int32_t guild_id;
    const char *guild_name;
    const char *guild_server_slug;
    const char *guild_server_region;
    int32_t guild_tag_id;
    int32_t user_id;
    int32_t zone_id;
    int32_t game_zone_id;
    double start_time; /* Unix ms */
    double end_time;   /* Unix ms */
    int32_t limit;
    int32_t page;
};

/* getRateLimitData, decoded. */
struct eso_rate_limit {
    double limit_per_hour;
    double points_spent_this_hour;
    double points_reset_in_s;
};

/*
 * Typed calls. Each runs eso_query() with the registry's document; @p res is
 * filled as eso_query() fills it (caller storage, release with eso_result_finish())
 * and the return value is res->status.
 */

/** getGuildById(guildId). @return as eso_query(); ESO_BAD_ARGUMENT for NULL client/res. */
ESO_API enum eso_status eso_get_guild_by_id(struct eso_client *client, int32_t guild_id,
                                            struct eso_result *res);
/** getGuilds(limit, page, serverID, serverSlug, serverRegion); @p q NULL = no filter. @return as
 * eso_query(). */
ESO_API enum eso_status eso_get_guilds(struct eso_client *client, const struct eso_guilds_query *q,
                                       struct eso_result *res);
/** getReports with the filters of @p q (NULL = none). @return as eso_query(). */
ESO_API enum eso_status eso_get_reports(struct eso_client *client,
                                        const struct eso_reports_query *q, struct eso_result *res);
/** getAbility(id). @return as eso_query(). */
ESO_API enum eso_status eso_get_ability(struct eso_client *client, int32_t id,
                                        struct eso_result *res);
/** getReportByCode(code); @p code borrowed, non-empty. @return as eso_query(). */
ESO_API enum eso_status eso_get_report_by_code(struct eso_client *client, const char *code,
                                               struct eso_result *res);
/** getCharacterById(id). @return as eso_query(). */
ESO_API enum eso_status eso_get_character_by_id(struct eso_client *client, int32_t id,
                                                struct eso_result *res);
/** getZones. @return as eso_query(). */
ESO_API enum eso_status eso_get_zones(struct eso_client *client, struct eso_result *res);
/**
 * getRateLimitData; also feeds points-aware pacing.
 * @param out  optional; set only on ESO_OK with fresh or cached data holding the three numbers.
 * @return as eso_query(); ESO_MALFORMED_JSON when the answer lacks the numbers.
 */
ESO_API enum eso_status eso_get_rate_limit_data(struct eso_client *client,
                                                struct eso_rate_limit *out, struct eso_result *res);

#ifdef __cplusplus
}
#endif

#endif
