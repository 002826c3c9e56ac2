/*
 * A downstream project's Criterion test, built only against the installed headers and
 * pkg-config files (ci/check-install): the harness is usable outside this tree.
 */
#include <esoharness/fixture.h>
#include <esoharness/retry.h>

ESOH_RETRY_TEST(3, 10, 1.0, downstream, guild)
{
    struct esoh_fixture *fx =
        esoh_fixture_start(&(struct esoh_fixture_options){.time_scale = 0.05});
    esoh_test_defer(esoh_fixture_release, fx);
    struct eso_result res = {0};
    ESOH_REQUIRE_OK(eso_query(esoh_fixture_client(fx), "getZones", NULL, NULL, &res), &res);
    cr_assert_eq(esoh_fixture_attempts(fx, "getZones"), 1);
    eso_result_finish(&res);
}
