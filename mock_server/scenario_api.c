/* Putting scenarios in force: load, clear, reset, check, and --watch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <esomock/scenario.h>

#include "clock_private.h"
#include "server_private.h"

#define DEFAULT_HANG_MAX_MS 60000.0
#define WATCH_INTERVAL_MS 200

/* Join the errors as "SOURCE: PATH: message" lines into @p err (ESOMOCK_ERROR_SIZE bytes). */
static void format_errors(const char *source, const struct esomock_scenario_errors *errors,
                          char *err)
{
    if (err == NULL)
        return;
    size_t used = 0;
    err[0] = '\0';
    for (size_t i = 0; i < errors->count && used + 1 < ESOMOCK_ERROR_SIZE; i++) {
        char line[ESOMOCK_ERROR_SIZE];
        esomock__scenario_error_format(source, &errors->items[i], line, sizeof(line));
        int n = snprintf(err + used, ESOMOCK_ERROR_SIZE - used, "%s%s", used ? "\n" : "", line);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (errors->total > errors->count && used + 1 < ESOMOCK_ERROR_SIZE)
        snprintf(err + used, ESOMOCK_ERROR_SIZE - used, "\n%s: %zu more problems not shown", source,
                 errors->total - errors->count);
}

/* The settings in force under @p scenario (NULL = the options alone). The lock is held. */
static void apply_settings(struct esomock_server *srv, const struct esomock_scenario *scenario)
{
    const struct esomock_settings *s = scenario != NULL ? &scenario->settings : NULL;
    struct esomock_effective eff = {
        .time_scale = srv->opts_time_scale > 0         ? srv->opts_time_scale
                      : s != NULL && s->time_scale > 0 ? s->time_scale
                                                       : 1.0,
        .hang_max_ms = s != NULL && s->hang_max_ms > 0 ? s->hang_max_ms : DEFAULT_HANG_MAX_MS,
        .max_requests_per_connection = s != NULL ? s->max_requests_per_connection : 0,
    };
    srv->effective = eff;
    srv->epoch_ms = esomock__now_ms();
    esomock__auth_set_time_scale(srv->auth, eff.time_scale);
    esomock__auth_set_strict(srv->auth, s != NULL && s->strict_auth_set ? s->strict_auth
                                                                        : srv->opts_strict_auth);
    esomock__auth_set_ttl(srv->auth,
                          s != NULL && s->token_ttl_s ? s->token_ttl_s : srv->opts_token_ttl_s);
    esomock__ratelimit_reconfigure(&srv->ratelimit, s != NULL ? &s->rate_limit : NULL,
                                   eff.time_scale);
}

/* Swap in @p run (may be NULL); the old one is released once its last request ends. */
static void install(struct esomock_server *srv, struct esomock_run *run)
{
    pthread_mutex_lock(&srv->scenario_lock);
    struct esomock_run *old = srv->run;
    srv->run = run;
    apply_settings(srv, run != NULL ? run->scenario : NULL);
    pthread_mutex_unlock(&srv->scenario_lock);
    esomock__run_unref(old);
}

static enum esomock_status install_parsed(struct esomock_server *srv,
                                          struct esomock_scenario *scenario,
                                          struct esomock_scenario_errors *errors)
{
    enum esomock_status rc = esomock__scenario_check_fixtures(scenario, srv->fixtures, errors);
    if (rc != ESOMOCK_OK) {
        esomock__scenario_free(scenario);
        return rc;
    }
    struct esomock_run *run = esomock__run_create(scenario, srv->opts_has_seed, srv->opts_seed);
    if (run == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    install(srv, run);
    return ESOMOCK_OK;
}

enum esomock_status esomock_server_load_scenario(struct esomock_server *srv, const char *json,
                                                 size_t len, const char *source, char *err)
{
    if (srv == NULL || json == NULL) {
        if (err != NULL)
            snprintf(err, ESOMOCK_ERROR_SIZE, "esomock_server_load_scenario: NULL argument");
        return ESOMOCK_BAD_ARGUMENT;
    }
    if (source == NULL)
        source = "<inline>";
    /* The parser wants a NUL at json[len]; the caller's buffer need not have one. */
    char *text = malloc(len + 1);
    if (text == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    memcpy(text, json, len);
    text[len] = '\0';
    struct esomock_scenario_errors errors = {0};
    struct esomock_scenario *scenario = NULL;
    enum esomock_status rc = esomock__scenario_parse(text, len, source, &scenario, &errors);
    free(text);
    if (rc == ESOMOCK_OK)
        rc = install_parsed(srv, scenario, &errors);
    if (rc != ESOMOCK_OK)
        format_errors(source, &errors, err);
    return rc;
}

enum esomock_status esomock_server_load_scenario_file(struct esomock_server *srv, const char *path,
                                                      char *err)
{
    if (srv == NULL || path == NULL)
        return ESOMOCK_BAD_ARGUMENT;
    struct esomock_scenario_errors errors = {0};
    struct esomock_scenario *scenario = NULL;
    enum esomock_status rc = esomock__scenario_load_file(path, &scenario, &errors);
    if (rc == ESOMOCK_OK)
        rc = install_parsed(srv, scenario, &errors);
    if (rc != ESOMOCK_OK)
        format_errors(path, &errors, err);
    return rc;
}

void esomock_server_clear_scenario(struct esomock_server *srv)
{
    if (srv != NULL)
        install(srv, NULL);
}

void esomock_server_reset(struct esomock_server *srv)
{
    if (srv == NULL)
        return;
    pthread_mutex_lock(&srv->scenario_lock);
    if (srv->run != NULL)
        esomock__run_reset(srv->run);
    apply_settings(srv, srv->run != NULL ? srv->run->scenario : NULL);
    pthread_mutex_unlock(&srv->scenario_lock);
}

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
        enum esomock_status rc = esomock__scenario_load_file(paths[i], &scenario, &errors);
        if (rc == ESOMOCK_OK)
            rc = esomock__scenario_check_fixtures(scenario, fixtures, &errors);
        for (size_t e = 0; e < errors.count; e++) {
            char line[ESOMOCK_ERROR_SIZE];
            esomock__scenario_error_format(paths[i], &errors.items[e], line, sizeof(line));
            fprintf(report, "%s\n", line);
        }
        if (errors.total > errors.count)
            fprintf(report, "%s: %zu more problems not shown\n", paths[i],
                    errors.total - errors.count);
        esomock__scenario_free(scenario);
        if (rc != ESOMOCK_OK && first == ESOMOCK_OK)
            first = rc;
    }
    esomock__fixtures_free(fixtures);
    return first;
}

/* ---- --watch ---------------------------------------------------------------------------- */

static bool file_stamp(const char *path, struct timespec *stamp, long long *size)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    *stamp = st.st_mtim;
    *size = (long long)st.st_size;
    return true;
}

void esomock__watch_note(struct esomock_server *srv, const char *path)
{
    srv->watch_size = -1;
    file_stamp(path, &srv->watch_mtime, &srv->watch_size);
}

static void *watch_main(void *arg)
{
    struct esomock_server *srv = arg;
    struct timespec last = srv->watch_mtime;
    long long last_size = srv->watch_size;
    pthread_mutex_lock(&srv->watch_lock);
    while (!srv->watch_stop) {
        struct timespec deadline = esomock__deadline_after_ms(WATCH_INTERVAL_MS);
        pthread_cond_timedwait(&srv->watch_cond, &srv->watch_lock, &deadline);
        if (srv->watch_stop)
            break;
        struct timespec now;
        long long size;
        if (!file_stamp(srv->watch_path, &now, &size))
            continue;
        if (now.tv_sec == last.tv_sec && now.tv_nsec == last.tv_nsec && size == last_size)
            continue;
        last = now;
        last_size = size;
        pthread_mutex_unlock(&srv->watch_lock);
        char err[ESOMOCK_ERROR_SIZE] = "";
        enum esomock_status rc = esomock_server_load_scenario_file(srv, srv->watch_path, err);
        if (srv->log != NULL) {
            if (rc == ESOMOCK_OK)
                fprintf(srv->log, "eso-mock: reloaded %s\n", srv->watch_path);
            else
                fprintf(srv->log, "eso-mock: kept the previous scenario; %s is invalid:\n%s\n",
                        srv->watch_path, err);
            fflush(srv->log);
        }
        pthread_mutex_lock(&srv->watch_lock);
    }
    pthread_mutex_unlock(&srv->watch_lock);
    return NULL;
}

enum esomock_status esomock__watch_start(struct esomock_server *srv, const char *path, char *err)
{
    srv->watch_path = strdup(path);
    if (srv->watch_path == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    srv->watch_stop = false;
    if (pthread_create(&srv->watch_thread, NULL, watch_main, srv) != 0) {
        if (err != NULL)
            snprintf(err, ESOMOCK_ERROR_SIZE, "cannot start the --watch thread: %s",
                     strerror(errno));
        return ESOMOCK_OUT_OF_MEMORY;
    }
    srv->watch_started = true;
    return ESOMOCK_OK;
}

void esomock__watch_stop(struct esomock_server *srv)
{
    if (srv->watch_started) {
        pthread_mutex_lock(&srv->watch_lock);
        srv->watch_stop = true;
        pthread_cond_signal(&srv->watch_cond);
        pthread_mutex_unlock(&srv->watch_lock);
        pthread_join(srv->watch_thread, NULL);
        srv->watch_started = false;
    }
    free(srv->watch_path);
    srv->watch_path = NULL;
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
