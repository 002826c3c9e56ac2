/* The asserting fixture start, for Criterion tests. */
#include <criterion/criterion.h>

#include <esoharness/fixture.h>

struct eso_fixture *eso_fixture_start(const struct eso_fixture_options *opts)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct eso_fixture *fx = NULL;
    cr_assert_eq(eso_fixture_try_start(opts, &fx, err), 0, "fixture did not start: %s", err);
    return fx;
}
