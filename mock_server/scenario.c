/* The parsed scenario's lifecycle and names (scenario_private.h). */
#include <stdlib.h>

#include "scenario_private.h"
#include "world_private.h"

static void step_clear(struct esomock_step *step)
{
    cJSON_Delete(step->headers);
    free(step->fixture);
    free(step->body);
}

static void rule_clear(struct esomock_rule *rule)
{
    free(rule->name);
    free(rule->operation);
    free(rule->field);
    cJSON_Delete(rule->arguments);
    cJSON_Delete(rule->variables);
    free(rule->path);
    for (size_t i = 0; i < rule->header_count; i++) {
        free(rule->headers[i].name);
        free(rule->headers[i].value);
    }
    free(rule->headers);
    for (size_t i = 0; i < rule->step_count; i++)
        step_clear(&rule->steps[i]);
    free(rule->steps);
}

void esomock__scenario_free(struct esomock_scenario *scenario)
{
    if (scenario == NULL)
        return;
    for (size_t i = 0; i < scenario->rule_count; i++)
        rule_clear(&scenario->rules[i]);
    free(scenario->rules);
    cJSON_Delete(scenario->settings.rate_limit.costs);
    if (scenario->settings.world != NULL) {
        esomock__world_config_finish(scenario->settings.world);
        free(scenario->settings.world);
    }
    esomock__world_destroy(scenario->world);
    free(scenario->name);
    free(scenario->description);
    free(scenario->source);
    free(scenario->text);
    free(scenario);
}

const char *esomock__action_name(enum esomock_action action)
{
    switch (action) {
    case ESOMOCK_ACTION_PASS:
        return "pass";
    case ESOMOCK_ACTION_RESPOND:
        return "respond";
    case ESOMOCK_ACTION_HANG:
        return "hang";
    case ESOMOCK_ACTION_DROP:
        return "drop";
    case ESOMOCK_ACTION_RESET:
        return "reset";
    case ESOMOCK_ACTION_TRUNCATE:
        return "truncate";
    case ESOMOCK_ACTION_DRIP:
        return "drip";
    case ESOMOCK_ACTION_MALFORMED:
        return "malformed";
    case ESOMOCK_ACTION_EMPTY:
        return "empty";
    case ESOMOCK_ACTION_SLOW_READ:
        return "slow_read";
    }
    return "unknown";
}

const char *esomock__step_action_name(const struct esomock_step *step)
{
    if (esomock__step_is_delay(step))
        return "delay";
    return esomock__action_name(step->action);
}
