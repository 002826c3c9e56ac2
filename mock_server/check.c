/* Checking scenario files without a server: `eso-mock check` and esomock_check_scenario_files(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esomock/scenario.h>
#include <esomock/server.h>

#include "fixtures_private.h"
#include "scenario_load_private.h"

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

static enum esomock_status check_files(const char *const *paths, size_t count,
                                       const char *fixtures_dir, FILE *report, size_t *skipped)
{
    if (report == NULL)
        report = stderr;
    if (paths == NULL && count > 0)
        return ESOMOCK_BAD_ARGUMENT;
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esomock_fixture_set *fixtures = NULL;
    enum esomock_status first = esomock__fixtures_load(
        fixtures_dir != NULL ? fixtures_dir : esomock_default_fixtures_dir(), &fixtures, err);
    if (first != ESOMOCK_OK) {
        fprintf(report, "%s\n", err);
        return first;
    }
    for (size_t i = 0; i < count; i++) {
        if (is_json_schema_file(paths[i])) {
            fprintf(report, "%s: skipped: a JSON Schema (of the format), not a scenario\n",
                    paths[i]);
            if (skipped != NULL)
                (*skipped)++;
            continue;
        }
        struct esomock_scenario_errors errors = {0};
        struct esomock_scenario *scenario = NULL;
        enum esomock_status rc =
            esomock__scenario_load_file_with(paths[i], fixtures, &scenario, &errors);
        if (errors.total > 0) {
            char *text = esomock__errors_text(paths[i], &errors, rc);
            if (text == NULL && rc == ESOMOCK_OK)
                rc = ESOMOCK_OUT_OF_MEMORY;
            fprintf(report, "%s\n", text != NULL ? text : "out of memory");
            free(text);
        }
        esomock__scenario_free(scenario);
        if (rc != ESOMOCK_OK && first == ESOMOCK_OK)
            first = rc;
    }
    esomock__fixtures_free(fixtures);
    return first;
}

enum esomock_status esomock_check_scenario_files(const char *const *paths, size_t count,
                                                 const char *fixtures_dir, FILE *report)
{
    return check_files(paths, count, fixtures_dir, report, NULL);
}

enum esomock_status esomock_check_scenario_files_counted(const char *const *paths, size_t count,
                                                         const char *fixtures_dir, FILE *report,
                                                         size_t *checked)
{
    size_t skipped = 0;
    enum esomock_status rc = check_files(paths, count, fixtures_dir, report, &skipped);
    if (checked != NULL)
        *checked = count - skipped;
    return rc;
}
