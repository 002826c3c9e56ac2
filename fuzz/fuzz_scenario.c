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
    /* A checker-less section and a list of problems: both paths of the loader run. */
    static const struct esomock_section expect = {.key = "expect", .checked_by = "fuzz"};
    struct esomock_load how = {.sections = &expect, .section_count = 1};
    struct esomock_problems *problems = esomock_problems_create();
    if (esomock__scenario_parse(text, size, "fuzz", &how, &scenario, problems) == ESOMOCK_OK) {
        /* A scenario that parses must have a sane shape. */
        if (scenario->rule_count > ESOMOCK_SCENARIO_MAX_RULES)
            abort();
        for (size_t i = 0; i < scenario->rule_count; i++) {
            if (scenario->rules[i].step_count == 0)
                abort();
        }
        esomock__scenario_free(scenario);
    } else if (esomock_problems_count(problems) == 0 && problems != NULL) {
        abort(); /* a refusal always says why */
    }
    free(esomock_problems_text(problems));
    esomock_problems_destroy(problems);
    free(text);
    return 0;
}
