/*
 * A downstream project's Criterion test, built only against the installed headers and
 * pkg-config files (ci/check-install): the harness is usable outside this tree.
 */
#include <esoharness/fixture.h>
#include <esoharness/retry.h>

ESO_RETRY_TEST(3, 10, 1.0, downstream, guild)
{
    struct eso_fixture *fx = eso_fixture_start(&(struct eso_fixture_options){.time_scale = 0.05});
    eso_test_defer(eso_fixture_release, fx);
    struct eso_result res = {0};
    ESO_REQUIRE_OK(eso_query(eso_fixture_client(fx), "getZones", NULL, NULL, &res), &res);
    cr_assert_eq(eso_fixture_attempts(fx, "getZones"), 1);
    eso_result_finish(&res);
}
