/* libFuzzer target: the scenario parser and validator must refuse any input cleanly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_load_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The parser's contract: text NUL-terminated at text[len]. */
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct esomock_scenario *scenario = NULL;
    struct esomock_scenario_errors errors = {0};
    if (esomock__scenario_parse(text, size, "fuzz", &scenario, &errors) == ESOMOCK_OK) {
        /* A scenario that parses must have a sane shape. */
        if (scenario->rule_count > ESOMOCK_SCENARIO_MAX_RULES)
            abort();
        for (size_t i = 0; i < scenario->rule_count; i++) {
            if (scenario->rules[i].step_count == 0)
                abort();
        }
        esomock__scenario_free(scenario);
    } else {
        for (size_t i = 0; i < errors.count; i++) {
            char line[ESOMOCK_ERROR_SIZE];
            esomock__scenario_error_format("fuzz", &errors.items[i], line, sizeof(line));
        }
    }
    free(text);
    return 0;
}
