/* Putting scenarios in force: load, clear, reset, check, and --watch. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <esomock/scenario.h>

#include "auth_private.h"
#include "clock_private.h"
#include "fixtures_private.h"
#include "handle_private.h"
#include "ratelimit_private.h"
#include "redact_private.h"
#include "problems_private.h"
#include "run_private.h"
#include "scenario_api_private.h"
#include "scenario_load_private.h"
#include "tcp_tune_private.h"
#include "world_private.h"

#define DEFAULT_HANG_MAX_MS 60000.0

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
    esomock__listen_tune(srv->daemon, &srv->listen_tuned, run != NULL && run->has_header_rules);
    pthread_mutex_unlock(&srv->scenario_lock);
    esomock__run_unref(old);
}

/* Put a parsed (and fixture-checked) scenario in force. */
static enum esomock_status install_parsed(struct esomock_server *srv,
                                          struct esomock_scenario *scenario)
{
    /* A scenario naming a world brings it: its requests are answered from it. */
    const struct esomock_world_config *wc = scenario->settings.world;
    if (wc != NULL && !wc->disabled) {
        char err[ESOMOCK_ERROR_SIZE];
        scenario->world = esomock__world_create(wc, srv->fixtures, srv->schema, err);
        if (scenario->world == NULL) {
            esomock__scenario_free(scenario);
            return ESOMOCK_OUT_OF_MEMORY;
        }
    }
    struct esomock_run *run = esomock__run_create(scenario, srv->opts_has_seed, srv->opts_seed);
    if (run == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    install(srv, run);
    return ESOMOCK_OK;
}

/* What a load on @p srv checks besides the format. */
static struct esomock_load load_rules(const struct esomock_server *srv)
{
    return (struct esomock_load){
        .fixtures = srv->fixtures,
        .sections = srv->sections,
        .section_count = srv->section_count,
    };
}

/* Install what parsed; a failure to install goes to @p problems after the parse's. */
static enum esomock_status install_or_say(struct esomock_server *srv, enum esomock_status rc,
                                          struct esomock_scenario *scenario,
                                          struct esomock_problems *problems)
{
    if (rc == ESOMOCK_OK)
        rc = install_parsed(srv, scenario);
    if (rc == ESOMOCK_OUT_OF_MEMORY)
        esomock_problems_add(problems, "", "out of memory");
    return rc;
}

enum esomock_status esomock__load_scenario_text(struct esomock_server *srv, const char *json,
                                                size_t len, const char *source,
                                                struct esomock_problems *problems)
{
    struct esomock_load how = load_rules(srv);
    struct esomock_scenario *scenario = NULL;
    enum esomock_status rc = esomock__scenario_parse(json, len, source, &how, &scenario, problems);
    return install_or_say(srv, rc, scenario, problems);
}

enum esomock_status esomock_server_load_scenario(struct esomock_server *srv, const char *json,
                                                 size_t len, const char *source,
                                                 struct esomock_problems *problems)
{
    if (source == NULL)
        source = "<inline>";
    if (srv == NULL || json == NULL) {
        if (problems != NULL) {
            esomock__problems_begin(problems, source);
            esomock__problems_error(problems, "", "esomock_server_load_scenario: NULL argument");
        }
        return ESOMOCK_BAD_ARGUMENT;
    }
    return esomock__load_scenario_text(srv, json, len, source, problems);
}

enum esomock_status esomock_server_load_scenario_file(struct esomock_server *srv, const char *path,
                                                      struct esomock_problems *problems)
{
    if (srv == NULL || path == NULL) {
        if (problems != NULL) {
            esomock__problems_begin(problems, path != NULL ? path : "");
            esomock__problems_error(problems, "",
                                    "esomock_server_load_scenario_file: NULL argument");
        }
        return ESOMOCK_BAD_ARGUMENT;
    }
    struct esomock_load how = load_rules(srv);
    struct esomock_scenario *scenario = NULL;
    enum esomock_status rc = esomock__scenario_load_file(path, &how, &scenario, problems);
    return install_or_say(srv, rc, scenario, problems);
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

/* ---- --watch ---------------------------------------------------------------------------- */

static void log_line(struct esomock_server *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void log_line(struct esomock_server *srv, const char *fmt, ...)
{
    if (srv->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(srv->log, fmt, ap);
    va_end(ap);
    fflush(srv->log);
}

void esomock__scenario_reload(void *context, const char *path, const char *text, size_t len)
{
    struct esomock_server *srv = context;
    struct esomock_problems *problems = esomock_problems_create();
    enum esomock_status rc = esomock__load_scenario_text(srv, text, len, path, problems);
    if (rc == ESOMOCK_OK) {
        log_line(srv, "eso-mock: reloaded %s\n", path);
    } else {
        char *all = esomock_problems_text(problems);
        log_line(srv, "eso-mock: kept the previous scenario; %s is invalid:\n%s\n", path,
                 all != NULL && all[0] != '\0' ? all : esomock_strerror(rc));
        free(all);
    }
    esomock_problems_destroy(problems);
}
