/* Putting scenarios in force: load, clear, reset, check, and --watch. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <esomock/scenario.h>

#include "clock_private.h"
#include "redact_private.h"
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

/*
 * A file changed less than this long ago may change again within the same timestamp tick
 * (coarse timestamps, same size): its content is compared too until then.
 */
#define WATCH_SETTLE_S 2

static struct esomock_watch_stamp take_stamp(const char *path)
{
    struct esomock_watch_stamp stamp = {0};
    struct stat st;
    if (stat(path, &st) != 0)
        return stamp;
    stamp.exists = true;
    stamp.regular = S_ISREG(st.st_mode);
    stamp.dev = st.st_dev;
    stamp.ino = st.st_ino;
    stamp.size = (long long)st.st_size;
    stamp.mtime = st.st_mtim;
    stamp.ctime = st.st_ctim;
    return stamp;
}

static bool same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool same_stamp(const struct esomock_watch_stamp *a, const struct esomock_watch_stamp *b)
{
    return a->exists == b->exists && a->regular == b->regular && a->dev == b->dev &&
           a->ino == b->ino && a->size == b->size && same_time(a->mtime, b->mtime) &&
           same_time(a->ctime, b->ctime);
}

/* Changed so recently that another edit could share its timestamps. */
static bool settling(const struct esomock_watch_stamp *stamp)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long age = (long long)now.tv_sec - (long long)stamp->ctime.tv_sec;
    return age >= -WATCH_SETTLE_S && age <= WATCH_SETTLE_S;
}

/* FNV-1a: enough to tell two versions of a file apart. */
static uint64_t content_hash(const char *text, size_t len)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* The hash of @p path's content, or 0 when it cannot be read. */
static uint64_t file_hash(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    if (esomock__read_file(path, ESOMOCK_SCENARIO_MAX_BYTES, &text, &len, NULL) != ESOMOCK_OK)
        return 0;
    uint64_t h = content_hash(text, len);
    free(text);
    return h;
}

void esomock__watch_note(struct esomock_server *srv, const char *path)
{
    srv->watch_stamp = take_stamp(path);
    srv->watch_hash = file_hash(path);
}

static void watch_log(struct esomock_server *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void watch_log(struct esomock_server *srv, const char *fmt, ...)
{
    if (srv->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(srv->log, fmt, ap);
    va_end(ap);
    fflush(srv->log);
}

/* Read @p path as it is now and put it in force; say on the log what came of it. */
static void watch_reload(struct esomock_server *srv, const char *text, size_t len)
{
    struct esomock_scenario_errors errors = {0};
    enum esomock_status rc = esomock__load_scenario_text(srv, text, len, srv->watch_path, &errors);
    if (rc == ESOMOCK_OK) {
        watch_log(srv, "eso-mock: reloaded %s\n", srv->watch_path);
        return;
    }
    char *all = errors_text(srv->watch_path, &errors, rc);
    watch_log(srv, "eso-mock: kept the previous scenario; %s is invalid:\n%s\n", srv->watch_path,
              all != NULL ? all : esomock_strerror(rc));
    free(all);
}

/*
 * One look at the file. Any change of its stat stamp reloads it (a touch too, as before);
 * while it settles, a same-stamp edit is caught by its content. Only regular files are read,
 * and never with a blocking open, so a FIFO put in its place cannot stall the watcher (nor
 * the server's stop, which waits for it).
 */
static void watch_look(struct esomock_server *srv, struct esomock_watch_stamp *last,
                       uint64_t *last_hash)
{
    struct esomock_watch_stamp now = take_stamp(srv->watch_path);
    if (!now.exists)
        return; /* an editor's save may remove it for a moment: keep waiting */
    bool changed = !same_stamp(&now, last);
    if (!changed && !(now.regular && settling(&now)))
        return;
    *last = now;
    if (!now.regular) {
        if (changed)
            watch_log(srv, "eso-mock: kept the previous scenario; %s is not a regular file\n",
                      srv->watch_path);
        return;
    }
    char err[ESOMOCK_ERROR_SIZE] = "";
    char *text = NULL;
    size_t len = 0;
    if (esomock__read_file(srv->watch_path, ESOMOCK_SCENARIO_MAX_BYTES, &text, &len, err) !=
        ESOMOCK_OK) {
        if (changed)
            watch_log(srv, "eso-mock: kept the previous scenario; %s\n", err);
        return;
    }
    uint64_t hash = content_hash(text, len);
    if (changed || hash != *last_hash) {
        *last_hash = hash;
        watch_reload(srv, text, len);
    }
    free(text);
}

static void *watch_main(void *arg)
{
    struct esomock_server *srv = arg;
    struct esomock_watch_stamp last = srv->watch_stamp;
    uint64_t last_hash = srv->watch_hash;
    pthread_mutex_lock(&srv->watch_lock);
    while (!srv->watch_stop) {
        struct timespec deadline = esomock__deadline_after_ms(WATCH_INTERVAL_MS);
        pthread_cond_timedwait(&srv->watch_cond, &srv->watch_lock, &deadline);
        if (srv->watch_stop)
            break;
        pthread_mutex_unlock(&srv->watch_lock);
        watch_look(srv, &last, &last_hash);
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
