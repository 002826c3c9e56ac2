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

/*
 * Every error as "SOURCE: PATH: message" lines, then a line for problems past the
 * list's cap, as `eso-mock check` prints them. Returns a malloc'd string (the caller
 * frees it), or NULL when out of memory. @p rc names the failure when no error was listed.
 */
static char *errors_text(const char *source, const struct esomock_scenario_errors *errors,
                         enum esomock_status rc)
{
    size_t cap = (errors->count + 2) * (ESOMOCK_ERROR_SIZE + 1) + strlen(source);
    char *text = malloc(cap);
    if (text == NULL)
        return NULL;
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < errors->count; i++) {
        char line[ESOMOCK_ERROR_SIZE];
        esomock__scenario_error_format(source, &errors->items[i], line, sizeof(line));
        used += (size_t)snprintf(text + used, cap - used, "%s%s", used ? "\n" : "", line);
    }
    if (errors->total > errors->count)
        used += (size_t)snprintf(text + used, cap - used, "%s%s: %zu more problems not shown",
                                 used ? "\n" : "", source, errors->total - errors->count);
    if (used == 0)
        snprintf(text, cap, "%s: %s", source, esomock_strerror(rc));
    return text;
}

/*
 * Fit the errors into @p err (ESOMOCK_ERROR_SIZE bytes): whole lines only, then a count
 * of the lines left out. The *_ex functions give every line.
 */
static void format_errors(const char *source, const struct esomock_scenario_errors *errors,
                          enum esomock_status rc, char *err)
{
    if (err == NULL)
        return;
    char *all = errors_text(source, errors, rc);
    if (all == NULL) {
        snprintf(err, ESOMOCK_ERROR_SIZE, "%s: %s", source, esomock_strerror(rc));
        return;
    }
    size_t len = strlen(all);
    if (len < ESOMOCK_ERROR_SIZE) {
        memcpy(err, all, len + 1);
        free(all);
        return;
    }
    size_t lines = 1;
    for (const char *c = all; *c != '\0'; c++)
        lines += *c == '\n';
    /* Whole lines, leaving room for the note about the rest. */
    size_t room = strlen(source) + 48;
    size_t used = 0, kept = 0;
    for (const char *line = all; kept < lines; kept++) {
        const char *eol = strchr(line, '\n');
        size_t n = eol != NULL ? (size_t)(eol - line) : strlen(line);
        if (used + n + 1 + room >= ESOMOCK_ERROR_SIZE)
            break;
        if (used > 0)
            err[used++] = '\n';
        memcpy(err + used, line, n);
        used += n;
        line += n + 1;
    }
    snprintf(err + used, ESOMOCK_ERROR_SIZE - used, "%s%s: %zu more lines not shown",
             used ? "\n" : "", source, lines - kept);
    free(all);
}

/* Hand back @p errors as @p err (truncated) and @p full (every line) when asked. */
static void report_errors(const char *source, const struct esomock_scenario_errors *errors,
                          enum esomock_status rc, char *err, char **full)
{
    format_errors(source, errors, rc, err);
    if (full != NULL)
        *full = errors_text(source, errors, rc);
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
    esomock__listen_tune(srv, run != NULL && run->has_header_rules);
    pthread_mutex_unlock(&srv->scenario_lock);
    esomock__run_unref(old);
}

/* Put a parsed (and fixture-checked) scenario in force. */
static enum esomock_status install_parsed(struct esomock_server *srv,
                                          struct esomock_scenario *scenario)
{
    struct esomock_run *run = esomock__run_create(scenario, srv->opts_has_seed, srv->opts_seed);
    if (run == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    install(srv, run);
    return ESOMOCK_OK;
}

enum esomock_status esomock__load_scenario_text(struct esomock_server *srv, const char *json,
                                                size_t len, const char *source,
                                                struct esomock_scenario_errors *errors)
{
    /* The parser wants a NUL at json[len]; the caller's buffer need not have one. */
    char *text = malloc(len + 1);
    if (text == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    memcpy(text, json, len);
    text[len] = '\0';
    struct esomock_scenario *scenario = NULL;
    enum esomock_status rc =
        esomock__scenario_parse_with(text, len, source, srv->fixtures, &scenario, errors);
    free(text);
    if (rc == ESOMOCK_OK)
        rc = install_parsed(srv, scenario);
    return rc;
}

static enum esomock_status load_text(struct esomock_server *srv, const char *json, size_t len,
                                     const char *source, char *err, char **full)
{
    if (full != NULL)
        *full = NULL;
    if (srv == NULL || json == NULL) {
        if (err != NULL)
            snprintf(err, ESOMOCK_ERROR_SIZE, "esomock_server_load_scenario: NULL argument");
        if (full != NULL)
            *full = strdup("esomock_server_load_scenario: NULL argument");
        return ESOMOCK_BAD_ARGUMENT;
    }
    if (source == NULL)
        source = "<inline>";
    struct esomock_scenario_errors errors = {0};
    enum esomock_status rc = esomock__load_scenario_text(srv, json, len, source, &errors);
    if (rc != ESOMOCK_OK)
        report_errors(source, &errors, rc, err, full);
    return rc;
}

enum esomock_status esomock_server_load_scenario(struct esomock_server *srv, const char *json,
                                                 size_t len, const char *source, char *err)
{
    return load_text(srv, json, len, source, err, NULL);
}

enum esomock_status esomock_server_load_scenario_ex(struct esomock_server *srv, const char *json,
                                                    size_t len, const char *source, char **errors)
{
    return load_text(srv, json, len, source, NULL, errors);
}

enum esomock_status esomock__load_scenario_file(struct esomock_server *srv, const char *path,
                                                char *err, char **full)
{
    if (full != NULL)
        *full = NULL;
    if (srv == NULL || path == NULL)
        return ESOMOCK_BAD_ARGUMENT;
    struct esomock_scenario_errors errors = {0};
    struct esomock_scenario *scenario = NULL;
    enum esomock_status rc =
        esomock__scenario_load_file_with(path, srv->fixtures, &scenario, &errors);
    if (rc == ESOMOCK_OK)
        rc = install_parsed(srv, scenario);
    if (rc != ESOMOCK_OK)
        report_errors(path, &errors, rc, err, full);
    return rc;
}

enum esomock_status esomock_server_load_scenario_file(struct esomock_server *srv, const char *path,
                                                      char *err)
{
    return esomock__load_scenario_file(srv, path, err, NULL);
}

enum esomock_status esomock_server_load_scenario_file_ex(struct esomock_server *srv,
                                                         const char *path, char **errors)
{
    return esomock__load_scenario_file(srv, path, NULL, errors);
}

char *esomock_server_scenario_json(struct esomock_server *srv)
{
    if (srv == NULL)
        return NULL;
    pthread_mutex_lock(&srv->scenario_lock);
    struct esomock_run *run = srv->run;
    if (run != NULL)
        esomock__run_ref(run);
    pthread_mutex_unlock(&srv->scenario_lock);
    if (run == NULL)
        return strdup("{\"scenario\":null}");

    char *text = NULL;
    size_t n = 0;
    uint64_t *counts = esomock__run_rule_counts(run, &n);
    cJSON *root = cJSON_CreateObject();
    if (counts == NULL || root == NULL)
        goto out;
    cJSON_AddStringToObject(root, "source", run->scenario->source);
    cJSON_AddStringToObject(root, "name", run->scenario->name);
    cJSON *parsed = cJSON_Parse(run->scenario->text);
    /* Header values to match and the harness's bearer token are not for every reader. */
    if (parsed == NULL || !esomock__redact_secrets(parsed)) {
        cJSON_Delete(parsed);
        goto out;
    }
    cJSON_AddItemToObject(root, "scenario", parsed);
    cJSON *matched = cJSON_AddObjectToObject(root, "rule_matches");
    if (matched == NULL)
        goto out;
    for (size_t i = 0; i < n; i++)
        cJSON_AddNumberToObject(matched, run->scenario->rules[i].name, (double)counts[i]);
    text = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    free(counts);
    esomock__run_unref(run);
    return text;
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
        enum esomock_status rc =
            esomock__scenario_load_file_with(paths[i], fixtures, &scenario, &errors);
        if (errors.total > 0) {
            char *text = errors_text(paths[i], &errors, rc);
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
        char *errors = NULL;
        enum esomock_status rc = esomock__load_scenario_file(srv, srv->watch_path, NULL, &errors);
        if (srv->log != NULL) {
            if (rc == ESOMOCK_OK)
                fprintf(srv->log, "eso-mock: reloaded %s\n", srv->watch_path);
            else
                fprintf(srv->log, "eso-mock: kept the previous scenario; %s is invalid:\n%s\n",
                        srv->watch_path, errors != NULL ? errors : esomock_strerror(rc));
            fflush(srv->log);
        }
        free(errors);
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
