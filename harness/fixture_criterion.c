/* The asserting fixture start, for Criterion tests. */
#include <criterion/criterion.h>

#include <esoharness/fixture.h>

struct esoh_fixture *esoh_fixture_start(const struct esoh_fixture_options *opts)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esoh_fixture *fx = NULL;
    cr_assert_eq(esoh_fixture_try_start(opts, &fx, err), 0, "fixture did not start: %s", err);
    return fx;
}
