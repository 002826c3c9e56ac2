/*
 * Defaults for the variables meson's test environment sets (tests/meson.build),
 * so a test binary also runs by hand, outside `meson test`. A variable already
 * in the environment is kept: meson's value, or the caller's, wins.
 */
#include <stdlib.h>

#include "test_defaults_config.h"

/*
 * A constructor, not a call in each test file: it runs before Criterion's main
 * and so before every test process is forked, and test files need no change.
 */
__attribute__((constructor)) static void set_test_defaults(void)
{
    static const char *const defaults[][2] = {
        {"ESO_SOURCE_ROOT", ESO_DEFAULT_SOURCE_ROOT},
        {"ESOMOCK_FIXTURES", ESO_DEFAULT_FIXTURES},
        {"ESO_SCENARIOS_DIR", ESO_DEFAULT_SCENARIOS_DIR},
        {"ESO_MOCK_BIN", ESO_DEFAULT_MOCK_BIN},
        {"ESO_SCHEMA_FILE", ESO_DEFAULT_SCHEMA_FILE},
        {"ESO_SCENARIO_BIN", ESO_DEFAULT_SCENARIO_BIN},
        {"ESO_RETRY_SUBJECT_BIN", ESO_DEFAULT_RETRY_SUBJECT_BIN},
    };
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        setenv(defaults[i][0], defaults[i][1], 0); /* 0: keep a value already set */
}
