/*
 * The scenario library as a Criterion suite: one parameterized test per file in
 * scenarios/, so a new scenario file is a new test. Each plays the file's fault
 * script against libesologs and checks its `expect` section.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <esoharness/runner.h>

struct scenario_param {
    char path[512];
};

/* A scenario of the library: a .json file that is not the format's schema. */
static bool is_scenario_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0 && !esoh_scenario_is_schema_file(name);
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct scenario_param *)a)->path,
                  ((const struct scenario_param *)b)->path);
}

ParameterizedTestParameters(scenarios, library)
{
    const char *dir = getenv("ESO_SCENARIOS_DIR");
    size_t count = 0;
    struct scenario_param *params = NULL;
    DIR *d = dir != NULL ? opendir(dir) : NULL;
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (is_scenario_name(e->d_name))
                count++;
        }
        rewinddir(d);
        params = cr_malloc(sizeof(*params) * (count ? count : 1));
        size_t i = 0;
        while ((e = readdir(d)) != NULL && i < count) {
            if (is_scenario_name(e->d_name))
                snprintf(params[i++].path, sizeof(params[0].path), "%s/%s", dir, e->d_name);
        }
        closedir(d);
        qsort(params, count, sizeof(*params), by_path);
    }
    return cr_make_param_array(struct scenario_param, params, count);
}

ParameterizedTest(struct scenario_param *param, scenarios, library, .timeout = 60)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    struct esoh_run_options opts = {.out = out};
    struct esoh_run_report report;
    int rc = esoh_scenario_run_file(param->path, &opts, &report);
    fclose(out);
    cr_log_info("%s", text);
    cr_assert_eq(rc, 0, "%s failed: %s\n%s", report.name, report.first_failure, text);
    cr_assert_gt(report.checks, 0, "%s checked nothing", report.name);
    free(text);
}

Test(scenarios, the_library_is_not_empty)
{
    const char *dir = getenv("ESO_SCENARIOS_DIR");
    cr_assert_not_null(dir, "ESO_SCENARIOS_DIR is set by meson");
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    size_t count = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
        count += is_scenario_name(e->d_name);
    closedir(d);
    cr_assert_geq(count, 14, "the scenario library has the issue's 14 scenarios at least");
}
