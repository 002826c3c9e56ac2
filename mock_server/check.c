/* Checking scenario files without a server: `eso-mock check` and esomock_check_scenario_files(). */
#include <stdlib.h>
#include <string.h>

#include <esomock/scenario.h>
#include <esomock/server.h>
#include <esomock/world.h>

#include "fixtures_private.h"
#include "problems_private.h"
#include "scenario_load_private.h"
#include "scenario_parse_private.h"
#include "world_file_private.h"

/* scenarios/schema.json sits beside the scenarios; checking the whole folder must not fail on it.
 */
static bool is_json_schema_file(const char *path)
{
    char *text = NULL;
    bool schema = false;
    if (esomock__read_file(path, ESOMOCK_SCENARIO_MAX_BYTES, &text, NULL, NULL) != ESOMOCK_OK)
        return false;
    cJSON *root = cJSON_Parse(text);
    const cJSON *dialect = cJSON_GetObjectItemCaseSensitive(root, "$schema");
    schema = cJSON_IsString(dialect) && strstr(dialect->valuestring, "json-schema.org") != NULL;
    cJSON_Delete(root);
    free(text);
    return schema;
}

enum esomock_status esomock_check_scenario_files(const char *const *paths, size_t count,
                                                 const struct esomock_check_options *opts,
                                                 struct esomock_problems *problems, size_t *checked)
{
    static const struct esomock_check_options defaults = {0};
    struct esomock_problems counting = ESOMOCK__PROBLEMS_COUNTING;
    struct esomock_problems *p = problems != NULL ? problems : &counting;
    struct esomock_fixture_set *fixtures = NULL;
    size_t scenarios = 0;
    enum esomock_status first = ESOMOCK_BAD_ARGUMENT;
    if (opts == NULL)
        opts = &defaults;

    esomock__problems_begin(p, "");
    if (paths == NULL && count > 0) {
        esomock__problems_error(p, "", "esomock_check_scenario_files: paths is NULL");
        goto out;
    }
    if (esomock__sections_check(opts->sections, opts->section_count, p) != ESOMOCK_OK)
        goto out;
    char err[ESOMOCK_ERROR_SIZE] = "";
    const char *dir =
        opts->fixtures_dir != NULL ? opts->fixtures_dir : esomock_default_fixtures_dir();
    first = esomock__fixtures_load(dir, &fixtures, err);
    if (first != ESOMOCK_OK) {
        esomock__problems_error(p, "", "%s", err);
        goto out;
    }
    struct esomock_load how = {
        .fixtures = fixtures,
        .sections = opts->sections,
        .section_count = opts->section_count,
    };
    for (size_t i = 0; i < count; i++) {
        if (is_json_schema_file(paths[i])) {
            esomock__problems_begin(p, paths[i]);
            esomock_problems_note(p, "", "skipped: a JSON Schema (of the format), not a scenario");
            continue;
        }
        scenarios++;
        struct esomock_scenario *scenario = NULL;
        enum esomock_status rc = esomock__scenario_load_file(paths[i], &how, &scenario, p);
        esomock__scenario_free(scenario);
        if (rc != ESOMOCK_OK && first == ESOMOCK_OK)
            first = rc;
    }
out:
    esomock__fixtures_free(fixtures);
    esomock__problems_finish(&counting);
    if (checked != NULL)
        *checked = scenarios;
    return first;
}

enum esomock_status esomock_check_world_file(const char *path, struct esomock_problems *problems)
{
    struct esomock_world_config config;
    enum esomock_status rc = esomock__world_load_file(path, &config, problems);
    if (rc == ESOMOCK_OK)
        esomock__world_config_finish(&config);
    return rc;
}
