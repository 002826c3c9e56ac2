/*
 * A downstream project's Criterion test, built only against the installed headers and
 * pkg-config files (ci/check-install): the harness is usable outside this tree, and
 * <esoharness/fixture.h> with <esoharness/retry.h> is every include it needs (the typed
 * operation below comes from libesologs' <esologs/operations.h>, which fixture.h brings).
 */
#include <esoharness/fixture.h>
#include <esoharness/retry.h>

ESOH_RETRY_TEST(3, 10, 1.0, downstream, zones)
{
    struct esoh_fixture *fx =
        esoh_fixture_start(&(struct esoh_fixture_options){.time_scale = 0.05});
    esoh_test_defer(esoh_fixture_release, fx);
    struct eso_result res = {0};
    ESOH_REQUIRE_OK(eso_query(esoh_fixture_client(fx), "getZones", NULL, NULL, &res), &res);
    cr_assert_eq(esoh_fixture_attempts(fx, "getZones"), 1, "one request");
    eso_result_finish(&res);
}

ESOH_RETRY_TEST(3, 10, 1.0, downstream, guild_by_id)
{
    struct esoh_fixture *fx =
        esoh_fixture_start(&(struct esoh_fixture_options){.time_scale = 0.05});
    esoh_test_defer(esoh_fixture_release, fx);
    struct eso_result res = {0};
    ESOH_REQUIRE_OK(eso_get_guild_by_id(esoh_fixture_client(fx), 3468, &res), &res);
    const cJSON *guild = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(res.data, "guildData"), "guild");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(guild, "id");
    cr_assert(cJSON_IsNumber(id) && id->valueint == 3468, "the fixture's guild 3468");
    eso_result_finish(&res);
}
