/* The asserting fixture start, for Criterion tests: a failure points at the caller. */
#include <esoharness/fixture.h>

#include "criterion_report_private.h"

struct esoh_fixture *esoh_fixture_start_at(const char *file, int line,
                                           const struct esoh_fixture_options *opts)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esoh_fixture *fx = NULL;
    if (esoh_fixture_try_start(opts, &fx, err) != 0)
        esoh__fail_at(file, line, "fixture did not start: %s", err);
    return fx;
}
