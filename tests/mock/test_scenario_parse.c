/*
 * Scenario files: every construct parses into the expected values (defaults included),
 * every validation error names its JSON path and what was expected, all of them in one
 * pass, the limits hold, garbage never crashes, and the shipped library parses.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <esomock/scenario.h>
#include <esomock/server.h>

#include "api_private.h"
#include "fixtures_private.h"
#include "problems_private.h"
#include "scenario_load_private.h"
#include "scenario_step_private.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/*
 * Test documents are written with ' for " so they stay readable in C; this turns them
 * into JSON. The caller frees the result.
 */
static char *json_of(const char *single_quoted)
{
    char *s = strdup(single_quoted);
    cr_assert_not_null(s);
    for (char *c = s; *c != '\0'; c++) {
        if (*c == '\'')
            *c = '"';
    }
    return s;
}

/*
 * One load's problems as these tests read them: the entries in order, and how many
 * problems there were in all (those kept, plus what "N more problems not shown" counts).
 */
#define FOUND_MAX 64
struct found {
    struct esomock_problem items[FOUND_MAX];
    size_t count;
    size_t total;
};

/* Lists stay reachable until the test's process ends, so the items' strings stay valid. */
static struct esomock_problems *lists[256];
static size_t list_count;

static struct esomock_problems *new_list(void)
{
    if (list_count == sizeof(lists) / sizeof(lists[0])) {
        for (size_t i = 0; i < list_count; i++)
            esomock_problems_destroy(lists[i]);
        list_count = 0;
    }
    struct esomock_problems *p = esomock_problems_create();
    cr_assert_not_null(p);
    lists[list_count++] = p;
    return p;
}

static void read_found(const struct esomock_problems *p, struct found *f)
{
    f->count = f->total = 0;
    for (size_t i = 0; i < esomock_problems_count(p); i++) {
        const struct esomock_problem *e = esomock_problems_get(p, i);
        size_t more = 0;
        if (e->path[0] == '\0' && strstr(e->message, " more problems not shown") != NULL &&
            sscanf(e->message, "%zu", &more) == 1) {
            f->total += more;
            continue;
        }
        if (f->count < FOUND_MAX)
            f->items[f->count++] = *e;
        f->total++;
    }
}

static enum esomock_status parse_found(const char *text, size_t len, const char *source,
                                       const struct esomock_load *how,
                                       struct esomock_scenario **out, struct found *f)
{
    if (f == NULL)
        return esomock__scenario_parse(text, len, source, how, out, NULL);
    struct esomock_problems *p = new_list();
    enum esomock_status rc = esomock__scenario_parse(text, len, source, how, out, p);
    read_found(p, f);
    return rc;
}

static enum esomock_status load_found(const char *path, const struct esomock_load *how,
                                      struct esomock_scenario **out, struct found *f)
{
    struct esomock_problems *p = new_list();
    enum esomock_status rc = esomock__scenario_load_file(path, how, out, p);
    read_found(p, f);
    return rc;
}

/* The library's scenarios carry eso-scenario's `expect`: accepted here as eso-mock does. */
static const struct esomock_section expect_unchecked = {
    .key = "expect", .checked_by = "eso-scenario check validates it"};
static const struct esomock_load library = {.sections = &expect_unchecked, .section_count = 1};

/* Every error, one per line, for assertion messages. */
static void dump_errors(const struct found *errors, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < errors->count && o < size; i++) {
        const struct esomock_problem *e = &errors->items[i];
        int n = snprintf(buf + o, size - o, "\n  t: %s: %s", e->path, e->message);
        if (n < 0)
            break;
        o += (size_t)n;
    }
}

static struct esomock_scenario *parse_ok(const char *single_quoted)
{
    char *text = json_of(single_quoted);
    struct found errors;
    struct esomock_scenario *sc = NULL;
    enum esomock_status rc = parse_found(text, strlen(text), "test", NULL, &sc, &errors);
    char dump[4096];
    dump_errors(&errors, dump, sizeof(dump));
    cr_assert_eq(rc, ESOMOCK_OK, "parse failed (%s):%s\nfor: %s", esomock_strerror(rc), dump, text);
    cr_assert_not_null(sc);
    cr_assert_eq(errors.total, 0, "no errors on success");
    free(text);
    return sc;
}

static enum esomock_status parse_raw(const char *text, size_t len, struct found *errors)
{
    struct esomock_scenario *sc = NULL;
    enum esomock_status rc = parse_found(text, len, "test", NULL, &sc, errors);
    if (rc != ESOMOCK_OK) {
        cr_assert_null(sc, "nothing is returned on failure");
    }
    esomock__scenario_free(sc);
    return rc;
}

/* Parse and expect failure; returns the errors. */
static void parse_fails(const char *single_quoted, struct found *errors)
{
    char *text = json_of(single_quoted);
    enum esomock_status rc = parse_raw(text, strlen(text), errors);
    cr_assert_eq(rc, ESOMOCK_SCENARIO_INVALID, "expected INVALID, got %s for: %s",
                 esomock_strerror(rc), text);
    cr_assert_gt(errors->count, 0, "at least one error");
    free(text);
}

static bool has_error(const struct found *errors, const char *path, const char *needle)
{
    for (size_t i = 0; i < errors->count; i++) {
        if (strcmp(errors->items[i].path, path) == 0 &&
            (needle == NULL || strstr(errors->items[i].message, needle) != NULL))
            return true;
    }
    return false;
}

static void assert_error(const struct found *errors, const char *path, const char *needle)
{
    char dump[4096];
    dump_errors(errors, dump, sizeof(dump));
    cr_assert(has_error(errors, path, needle), "no error at '%s' containing '%s'; got:%s", path,
              needle != NULL ? needle : "", dump);
}

/* ---- valid documents -------------------------------------------------------------------- */

Test(scenario_parse, minimal_scenario_gets_every_default)
{
    struct esomock_scenario *sc = parse_ok("{'name':'minimal','rules':[]}");
    cr_assert_str_eq(sc->name, "minimal");
    cr_assert_null(sc->description);
    cr_assert_str_eq(sc->source, "test");
    cr_assert_str_eq(sc->text, "{\"name\":\"minimal\",\"rules\":[]}", "text is kept verbatim");
    cr_assert_not(sc->has_seed);
    cr_assert_eq(sc->rule_count, 0);
    cr_assert_null(sc->rules);
    const struct esomock_settings *st = &sc->settings;
    cr_assert_eq(st->time_scale, 0.0, "0 = not set");
    cr_assert_not(st->strict_auth_set);
    cr_assert_eq(st->token_ttl_s, 0);
    cr_assert_eq(st->hang_max_ms, 60000.0);
    cr_assert_eq(st->max_requests_per_connection, 0);
    cr_assert_not(st->rate_limit.enabled, "no rate_limit: tracked, not enforced");
    cr_assert_eq(st->rate_limit.points_per_hour, 18000.0);
    cr_assert_eq(st->rate_limit.period_ms, 3600000.0);
    cr_assert_lt(st->rate_limit.default_cost, 0.0, "no flat cost: what each query costs");
    cr_assert_null(st->rate_limit.costs);
    cr_assert_eq(st->rate_limit.retry_after, ESOMOCK_RETRY_AFTER_RESET);
    esomock__scenario_free(sc);
}

Test(scenario_parse, top_level_and_settings)
{
    struct esomock_scenario *sc = parse_ok(
        "{'$schema':'./schema.json','name':'a.b_c-9','description':'d','seed':9007199254740992,"
        "'settings':{'time_scale':0.01,'strict_auth':false,'token_ttl_s':2,'hang_max_ms':1500,"
        "'max_requests_per_connection':3,"
        "'rate_limit':{'points_per_hour':5,'period_s':60,'default_cost':0.5,"
        "'costs':{'getReportEvents':2,'getZones':0},'retry_after':7.5,'enforce':true}},"
        "'rules':[]}");
    cr_assert_str_eq(sc->name, "a.b_c-9");
    cr_assert_str_eq(sc->description, "d");
    cr_assert(sc->has_seed);
    cr_assert_eq(sc->seed, UINT64_C(9007199254740992), "2^53 is the largest seed");
    const struct esomock_settings *st = &sc->settings;
    cr_assert_eq(st->time_scale, 0.01);
    cr_assert(st->strict_auth_set);
    cr_assert_not(st->strict_auth);
    cr_assert_eq(st->token_ttl_s, 2);
    cr_assert_eq(st->hang_max_ms, 1500.0);
    cr_assert_eq(st->max_requests_per_connection, 3);
    cr_assert(st->rate_limit.enabled);
    cr_assert_eq(st->rate_limit.points_per_hour, 5.0);
    cr_assert_eq(st->rate_limit.period_ms, 60000.0);
    cr_assert_eq(st->rate_limit.default_cost, 0.5);
    cr_assert_eq(
        cJSON_GetObjectItemCaseSensitive(st->rate_limit.costs, "getReportEvents")->valuedouble,
        2.0);
    cr_assert_eq(st->rate_limit.retry_after, ESOMOCK_RETRY_AFTER_FIXED);
    cr_assert_eq(st->rate_limit.retry_after_s, 7.5);
    esomock__scenario_free(sc);
}

Test(scenario_parse, rate_limit_defaults_and_variants)
{
    struct esomock_scenario *sc =
        parse_ok("{'name':'r','rules':[],'settings':{'strict_auth':true,'rate_limit':{}}}");
    const struct esomock_rate_limit *rl = &sc->settings.rate_limit;
    cr_assert(sc->settings.strict_auth_set && sc->settings.strict_auth);
    cr_assert(rl->enabled, "an empty rate_limit enforces");
    cr_assert_eq(rl->points_per_hour, 18000.0);
    cr_assert_eq(rl->period_ms, 3600000.0);
    cr_assert_lt(rl->default_cost, 0.0, "no flat cost: what each query costs");
    cr_assert_eq(rl->retry_after, ESOMOCK_RETRY_AFTER_RESET);
    esomock__scenario_free(sc);

    sc = parse_ok("{'name':'r','rules':[],'settings':{'rate_limit':{'retry_after':'none',"
                  "'enforce':false}}}");
    cr_assert_not(sc->settings.rate_limit.enabled);
    cr_assert_eq(sc->settings.rate_limit.retry_after, ESOMOCK_RETRY_AFTER_NONE);
    esomock__scenario_free(sc);

    sc = parse_ok("{'name':'r','rules':[],'settings':{'rate_limit':{'retry_after':'reset'}}}");
    cr_assert_eq(sc->settings.rate_limit.retry_after, ESOMOCK_RETRY_AFTER_RESET);
    esomock__scenario_free(sc);

    sc = parse_ok("{'name':'r','rules':[],'settings':{'rate_limit':{'retry_after':0}}}");
    cr_assert_eq(sc->settings.rate_limit.retry_after, ESOMOCK_RETRY_AFTER_FIXED);
    cr_assert_eq(sc->settings.rate_limit.retry_after_s, 0.0);
    esomock__scenario_free(sc);
}

Test(scenario_parse, rule_defaults)
{
    struct esomock_scenario *sc = parse_ok(
        "{'name':'r','rules':[{'script':[{'action':'pass'}]},"
        "{'name':'second','match':{'operation':'*'},'window':{},'script':[{'action':'drop'}]}]}");
    cr_assert_eq(sc->rule_count, 2);
    const struct esomock_rule *r = &sc->rules[0];
    cr_assert_str_eq(r->name, "rules[0]", "default name is the path");
    cr_assert_null(r->operation);
    cr_assert_null(r->variables);
    cr_assert_null(r->path);
    cr_assert_eq(r->header_count, 0);
    cr_assert_eq(r->window_from_ms, 0.0);
    cr_assert_lt(r->window_until_ms, 0.0, "no end");
    cr_assert_eq(r->step_count, 1);
    r = &sc->rules[1];
    cr_assert_str_eq(r->name, "second");
    cr_assert_null(r->operation, "'*' is any operation");
    cr_assert_lt(r->window_until_ms, 0.0);
    esomock__scenario_free(sc);
}

Test(scenario_parse, match_and_window)
{
    struct esomock_scenario *sc = parse_ok(
        "{'name':'m','rules':[{'match':{'operation':'getGuildById','variables':{'guildId':3468},"
        "'path':'/api/v2/client','headers':{'X-Attempt':'2','X-Request-Id':true}},"
        "'window':{'from_ms':2000,'until_ms':5000},'script':[{'action':'pass'}]}]}");
    const struct esomock_rule *r = &sc->rules[0];
    cr_assert_str_eq(r->operation, "getGuildById");
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(r->variables, "guildId")->valuedouble, 3468.0);
    cr_assert_str_eq(r->path, "/api/v2/client");
    cr_assert_eq(r->header_count, 2);
    cr_assert_str_eq(r->headers[0].name, "X-Attempt");
    cr_assert_str_eq(r->headers[0].value, "2");
    cr_assert_str_eq(r->headers[1].name, "X-Request-Id");
    cr_assert_null(r->headers[1].value, "true = present with any value");
    cr_assert_eq(r->window_from_ms, 2000.0);
    cr_assert_eq(r->window_until_ms, 5000.0);
    esomock__scenario_free(sc);
}

Test(scenario_parse, times_and_repeat)
{
    struct esomock_scenario *sc =
        parse_ok("{'name':'t','rules':["
                 "{'script':[{'action':'drop'},{'action':'reset','times':3},{'action':'pass'}]},"
                 "{'script':[{'action':'drop','repeat':false}]},"
                 "{'script':[{'action':'drop','repeat':false,'times':4}]},"
                 "{'script':[{'action':'drop','repeat':true}]}]}");
    const struct esomock_step *s = sc->rules[0].steps;
    cr_assert_eq(s[0].times, 1, "a step covers one request by default");
    cr_assert_not(s[0].repeat);
    cr_assert_eq(s[1].times, 3);
    cr_assert_not(s[1].repeat);
    cr_assert_eq(s[2].times, 0, "the last step is unbounded by default");
    cr_assert(s[2].repeat);
    cr_assert_eq(s[2].probability, 1.0);
    cr_assert_eq(s[2].delay.kind, ESOMOCK_DELAY_NONE);
    cr_assert_eq(sc->rules[1].steps[0].times, 1, "repeat false: once by default");
    cr_assert_not(sc->rules[1].steps[0].repeat);
    cr_assert_eq(sc->rules[2].steps[0].times, 4);
    cr_assert_not(sc->rules[2].steps[0].repeat);
    cr_assert_eq(sc->rules[3].steps[0].times, 0);
    cr_assert(sc->rules[3].steps[0].repeat);
    esomock__scenario_free(sc);
}

/* One step, parsed. */
static struct esomock_scenario *one_step(const char *step)
{
    char doc[2048];
    snprintf(doc, sizeof(doc), "{'name':'s','rules':[{'script':[%s]}]}", step);
    return parse_ok(doc);
}

Test(scenario_parse, action_pass_and_delay)
{
    struct esomock_scenario *sc = one_step("{'action':'pass','probability':0.25}");
    struct esomock_step *s = &sc->rules[0].steps[0];
    cr_assert_eq(s->action, ESOMOCK_ACTION_PASS);
    cr_assert_eq(s->probability, 0.25);
    cr_assert_str_eq(esomock__step_action_name(s), "pass");
    cr_assert_not(s->close_connection);
    esomock__scenario_free(sc);

    sc = one_step("{'action':'delay','delay_ms':250,'connection':'close'}");
    s = &sc->rules[0].steps[0];
    cr_assert_eq(s->action, ESOMOCK_ACTION_PASS, "delay is pass with a delay");
    cr_assert_eq(s->delay.kind, ESOMOCK_DELAY_FIXED);
    cr_assert_eq(s->delay.ms, 250.0);
    cr_assert(s->close_connection);
    cr_assert_str_eq(esomock__step_action_name(s), "delay");
    esomock__scenario_free(sc);
}

Test(scenario_parse, action_respond)
{
    struct esomock_scenario *sc = one_step(
        "{'action':'respond','status':429,'headers':{'Retry-After':'1'},'body':{'a':[1,true]}}");
    struct esomock_step *s = &sc->rules[0].steps[0];
    cr_assert_eq(s->action, ESOMOCK_ACTION_RESPOND);
    cr_assert_eq(s->status, 429);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(s->headers, "Retry-After")->valuestring, "1");
    cr_assert_str_eq(s->body, "{\"a\":[1,true]}", "JSON bodies are serialised compactly");
    cr_assert_eq(s->body_len, strlen(s->body));
    cr_assert_null(s->fixture);
    esomock__scenario_free(sc);

    sc = one_step("{'action':'respond','status':503,'body':'<html>down</html>'}");
    s = &sc->rules[0].steps[0];
    cr_assert_str_eq(s->body, "<html>down</html>", "string bodies are sent as is");
    cr_assert_null(s->headers);
    esomock__scenario_free(sc);

    sc = one_step("{'action':'respond','status':200,'fixture':'getGuildById.3468'}");
    s = &sc->rules[0].steps[0];
    cr_assert_str_eq(s->fixture, "getGuildById.3468");
    cr_assert_null(s->body);
    esomock__scenario_free(sc);

    sc = one_step("{'action':'respond','status':500,'body':[]}");
    cr_assert_str_eq(sc->rules[0].steps[0].body, "[]");
    esomock__scenario_free(sc);
}

Test(scenario_parse, action_hang_drop_reset_empty)
{
    struct esomock_scenario *sc = parse_ok(
        "{'name':'h','rules':[{'script':[{'action':'hang','max_ms':10000},{'action':'hang'},"
        "{'action':'drop','delay_ms':5},{'action':'reset'},{'action':'empty','connection':'close'}]"
        "}]}");
    struct esomock_step *s = sc->rules[0].steps;
    cr_assert_eq(s[0].action, ESOMOCK_ACTION_HANG);
    cr_assert_eq(s[0].hang_max_ms, 10000.0);
    cr_assert_eq(s[1].hang_max_ms, 0.0, "0 = the scenario's hang_max_ms");
    cr_assert_eq(s[2].action, ESOMOCK_ACTION_DROP);
    cr_assert_eq(s[2].delay.ms, 5.0, "a delay before dropping is allowed");
    cr_assert_eq(s[3].action, ESOMOCK_ACTION_RESET);
    cr_assert_eq(s[4].action, ESOMOCK_ACTION_EMPTY);
    cr_assert(s[4].close_connection);
    esomock__scenario_free(sc);
}

Test(scenario_parse, action_truncate)
{
    struct esomock_scenario *sc =
        parse_ok("{'name':'t','rules':[{'script':[{'action':'truncate','bytes':20},"
                 "{'action':'truncate','bytes':0,'end':'reset','status':500,'headers':{'X-A':'b'},"
                 "'body':'0123456789'}]}]}");
    struct esomock_step *s = sc->rules[0].steps;
    cr_assert_eq(s[0].action, ESOMOCK_ACTION_TRUNCATE);
    cr_assert_eq(s[0].truncate_bytes, 20);
    cr_assert_eq(s[0].truncate_end, ESOMOCK_END_CLOSE, "close by default");
    cr_assert_eq(s[0].status, 0, "0 = the fixture's status");
    cr_assert_null(s[0].body);
    cr_assert_eq(s[1].truncate_bytes, 0);
    cr_assert_eq(s[1].truncate_end, ESOMOCK_END_RESET);
    cr_assert_eq(s[1].status, 500);
    cr_assert_str_eq(s[1].body, "0123456789");
    cr_assert_not_null(s[1].headers);
    esomock__scenario_free(sc);
}

Test(scenario_parse, action_drip_and_slow_read)
{
    struct esomock_scenario *sc = parse_ok(
        "{'name':'d','rules':[{'match':{'path':'/api/v2/client','headers':{'X-Slow':true}},"
        "'script':[{'action':'drip','interval_ms':50},"
        "{'action':'drip','interval_ms':5,'chunk_bytes':64,'fixture':'getZones','status':201},"
        "{'action':'slow_read','interval_ms':100},"
        "{'action':'slow_read','interval_ms':10,'chunk_bytes':16,'connection':'close'}]}]}");
    struct esomock_step *s = sc->rules[0].steps;
    cr_assert_eq(s[0].action, ESOMOCK_ACTION_DRIP);
    cr_assert_eq(s[0].interval_ms, 50.0);
    cr_assert_eq(s[0].chunk_bytes, 1, "drip: one byte at a time by default");
    cr_assert_eq(s[1].chunk_bytes, 64);
    cr_assert_str_eq(s[1].fixture, "getZones");
    cr_assert_eq(s[1].status, 201);
    cr_assert_eq(s[2].action, ESOMOCK_ACTION_SLOW_READ);
    cr_assert_eq(s[2].chunk_bytes, 1024, "slow_read: 1024 bytes at a time by default");
    cr_assert_eq(s[2].interval_ms, 100.0);
    cr_assert_eq(s[3].chunk_bytes, 16);
    cr_assert(s[3].close_connection);
    esomock__scenario_free(sc);

    sc = parse_ok("{'name':'d','rules':[{'match':{'operation':'*'},"
                  "'script':[{'action':'slow_read','interval_ms':1}]}]}");
    cr_assert_null(sc->rules[0].operation, "'*' is no match on the operation");
    esomock__scenario_free(sc);
}

Test(scenario_parse, action_malformed)
{
    struct esomock_scenario *sc =
        parse_ok("{'name':'m','rules':[{'script':[{'action':'malformed'},{'action':'malformed',"
                 "'body':'{not json'}]}]}");
    cr_assert_eq(sc->rules[0].steps[0].action, ESOMOCK_ACTION_MALFORMED);
    cr_assert_null(sc->rules[0].steps[0].body, "NULL = the server's default broken JSON");
    cr_assert_str_eq(sc->rules[0].steps[1].body, "{not json");
    cr_assert_eq(sc->rules[0].steps[1].body_len, 9);
    esomock__scenario_free(sc);
}

Test(scenario_parse, delays)
{
    struct esomock_scenario *sc = parse_ok(
        "{'name':'d','rules':[{'script':["
        "{'action':'pass','delay':{'fixed_ms':12.5}},"
        "{'action':'pass','delay':{'uniform_ms':[10,30]}},"
        "{'action':'pass','delay':{'uniform_ms':[7,7]}},"
        "{'action':'respond','status':200,'delay':{'lognormal':{'median_ms':100,'sigma':0.5}}},"
        "{'action':'delay','delay':{'ramp':{'to_ms':2000,'end_ms':10000}}},"
        "{'action':'delay','delay':{'ramp':{'from_ms':5,'to_ms':1,'start_ms':100,'end_ms':200}}}"
        "]}]}");
    const struct esomock_step *s = sc->rules[0].steps;
    cr_assert_eq(s[0].delay.kind, ESOMOCK_DELAY_FIXED);
    cr_assert_eq(s[0].delay.ms, 12.5);
    cr_assert_eq(s[1].delay.kind, ESOMOCK_DELAY_UNIFORM);
    cr_assert_eq(s[1].delay.min_ms, 10.0);
    cr_assert_eq(s[1].delay.max_ms, 30.0);
    cr_assert_eq(s[2].delay.min_ms, s[2].delay.max_ms, "min == max is allowed");
    cr_assert_eq(s[3].delay.kind, ESOMOCK_DELAY_LOGNORMAL);
    cr_assert_eq(s[3].delay.median_ms, 100.0);
    cr_assert_eq(s[3].delay.sigma, 0.5);
    cr_assert_eq(s[4].delay.kind, ESOMOCK_DELAY_RAMP);
    cr_assert_eq(s[4].delay.from_ms, 0.0, "from_ms defaults to 0");
    cr_assert_eq(s[4].delay.ramp_start_ms, 0.0, "start_ms defaults to 0");
    cr_assert_eq(s[4].delay.to_ms, 2000.0);
    cr_assert_eq(s[4].delay.ramp_end_ms, 10000.0);
    cr_assert_eq(s[5].delay.from_ms, 5.0);
    cr_assert_eq(s[5].delay.to_ms, 1.0, "a ramp may go down");
    cr_assert_eq(s[5].delay.ramp_start_ms, 100.0);
    esomock__scenario_free(sc);
}

Test(scenario_parse, action_names)
{
    static const struct {
        enum esomock_action action;
        const char *name;
    } names[] = {
        {ESOMOCK_ACTION_PASS, "pass"},   {ESOMOCK_ACTION_RESPOND, "respond"},
        {ESOMOCK_ACTION_HANG, "hang"},   {ESOMOCK_ACTION_DROP, "drop"},
        {ESOMOCK_ACTION_RESET, "reset"}, {ESOMOCK_ACTION_TRUNCATE, "truncate"},
        {ESOMOCK_ACTION_DRIP, "drip"},   {ESOMOCK_ACTION_MALFORMED, "malformed"},
        {ESOMOCK_ACTION_EMPTY, "empty"}, {ESOMOCK_ACTION_SLOW_READ, "slow_read"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        cr_assert_str_eq(esomock__action_name(names[i].action), names[i].name);
}

Test(scenario_parse, problem_text_format)
{
    struct esomock_problems *p = esomock_problems_create();
    cr_assert_not_null(p);
    esomock__problems_begin(p, "a.json");
    esomock_problems_add(p, "rules[2].script[0].action", "bad");
    esomock_problems_add(p, NULL, "bad");
    esomock_problems_note(p, "expect", "not checked here");
    esomock__problems_begin(p, "");
    esomock_problems_add(p, "", "no file");
    char *text = esomock_problems_text(p);
    cr_assert_str_eq(text, "a.json: rules[2].script[0].action: bad\n"
                           "a.json: bad\n"
                           "a.json: expect: not checked here\n"
                           "no file");
    free(text);
    cr_assert_eq(esomock_problems_count(p), 4);
    cr_assert(esomock_problems_get(p, 2)->note, "a note is marked");
    cr_assert_not(esomock_problems_get(p, 1)->note);
    cr_assert_null(esomock_problems_get(p, 4));
    esomock_problems_clear(p);
    cr_assert_eq(esomock_problems_count(p), 0);
    text = esomock_problems_text(p);
    cr_assert_str_eq(text, "", "an empty list is an empty text");
    free(text);
    esomock_problems_destroy(p);
    esomock_problems_destroy(NULL);
    cr_assert_eq(esomock_problems_count(NULL), 0);
    cr_assert_null(esomock_problems_text(NULL));
}

Test(scenario_parse, json_numbers_in_any_spelling)
{
    struct esomock_scenario *sc =
        parse_ok("{'name':'n','seed':4.2e1,'rules':[{'script':[{'action':'drop','times':2.0,"
                 "'probability':1e-1},{'action':'pass'}]}]}");
    cr_assert_eq(sc->seed, 42);
    cr_assert_eq(sc->rules[0].steps[0].times, 2, "2.0 is an integer");
    esomock__scenario_free(sc);
}

/* ---- validation errors, one table ------------------------------------------------------- */

enum wrap {
    ROOT, /* the document as given */
    RULE, /* {"name":"t","rules":[X]} */
    STEP, /* {"name":"t","rules":[{"script":[X]}]} */
};

struct error_case {
    enum wrap wrap;
    const char *doc;
    const char *path;
    const char *needle;
};

#define ACTIONS_LIST                                                                               \
    "expected one of pass, delay, respond, hang, drop, reset, truncate, drip, malformed, empty, "  \
    "slow_read; got \"explode\""

static const struct error_case error_cases[] = {
    /* the document */
    {ROOT, "[]", "", "expected an object"},
    {ROOT, "'name'", "", "got \"name\""},
    {ROOT, "{'rules':[]}", "name", "missing"},
    {ROOT, "{'name':'x'}", "rules", "missing; expected an array"},
    {ROOT, "{'name':'x','rules':{}}", "rules", "expected an array of rules; got an object"},
    {ROOT, "{'name':'x','rules':[],'foo':1}", "foo", "unknown key; expected one of name"},
    {ROOT, "{'name':'x','rule':[]}", "rule", "did you mean \"rules\"?"},
    {ROOT, "{'name':'x','rules':[],'a b':1}", "[\"a b\"]", "unknown key"},
    {ROOT, "{'name':'x','rules':[],'name':'y'}", "name", "duplicate key"},
    {ROOT, "{'name':'My Scenario','rules':[]}", "name", "got \"My Scenario\""},
    {ROOT, "{'name':'','rules':[]}", "name", "1-64 characters"},
    {ROOT,
     "{'name':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','rules':[]}",
     "name", "1-64 characters"},
    {ROOT, "{'name':7,'rules':[]}", "name", "got 7"},
    {ROOT, "{'name':'x','rules':[],'description':true}", "description",
     "expected a string; got true"},
    {ROOT, "{'name':'x','rules':[],'seed':-1}", "seed", "expected an integer >= 0; got -1"},
    {ROOT, "{'name':'x','rules':[],'seed':1.5}", "seed", "got 1.5"},
    {ROOT, "{'name':'x','rules':[],'seed':9007199254740994}", "seed", "<= 9007199254740992"},
    {ROOT, "{'name':'x','rules':[],'seed':'42'}", "seed", "got \"42\""},
    {ROOT, "{'name':'x','rules':[],'seed':1e999}", "seed", "expected an integer >= 0"},
    {ROOT, "{'name':'x','rules':[],'$schema':1}", "$schema", "expected a string"},
    /* a section nobody registered (eso-scenario's expect, here) is an unknown key */
    {ROOT, "{'name':'x','rules':[],'expect':{}}", "expect", "unknown key; expected one of name"},
    /* settings */
    {ROOT, "{'name':'x','rules':[],'settings':[]}", "settings", "expected an object"},
    {ROOT, "{'name':'x','rules':[],'settings':{'timescale':1}}", "settings.timescale",
     "did you mean \"time_scale\"?"},
    {ROOT, "{'name':'x','rules':[],'settings':{'time_scale':0}}", "settings.time_scale",
     "expected a number > 0 and <= 1000; got 0"},
    {ROOT, "{'name':'x','rules':[],'settings':{'time_scale':1001}}", "settings.time_scale",
     "got 1001"},
    {ROOT, "{'name':'x','rules':[],'settings':{'time_scale':'fast'}}", "settings.time_scale",
     "got \"fast\""},
    {ROOT, "{'name':'x','rules':[],'settings':{'strict_auth':'yes'}}", "settings.strict_auth",
     "expected true or false; got \"yes\""},
    {ROOT, "{'name':'x','rules':[],'settings':{'token_ttl_s':0}}", "settings.token_ttl_s",
     "expected an integer >= 1; got 0"},
    {ROOT, "{'name':'x','rules':[],'settings':{'token_ttl_s':2.5}}", "settings.token_ttl_s",
     "got 2.5"},
    {ROOT, "{'name':'x','rules':[],'settings':{'hang_max_ms':0}}", "settings.hang_max_ms",
     "expected a number > 0; got 0"},
    {ROOT, "{'name':'x','rules':[],'settings':{'hang_max_ms':1e11}}", "settings.hang_max_ms",
     "<= 10000000000"},
    {ROOT, "{'name':'x','rules':[],'settings':{'max_requests_per_connection':0}}",
     "settings.max_requests_per_connection", "expected an integer >= 1"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':true}}", "settings.rate_limit",
     "expected an object"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'points_per_hour':0}}}",
     "settings.rate_limit.points_per_hour", "expected a number > 0"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'period_s':-1}}}",
     "settings.rate_limit.period_s", "expected a number > 0; got -1"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'default_cost':-1}}}",
     "settings.rate_limit.default_cost", "expected a number >= 0"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'costs':[]}}}",
     "settings.rate_limit.costs", "expected an object of operation name -> points"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'costs':{'getZones':'2'}}}}",
     "settings.rate_limit.costs.getZones", "got \"2\""},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'costs':{'get zones':2}}}}",
     "settings.rate_limit.costs[\"get zones\"]", "operation name"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'costs':{'getReportEvent':2}}}}",
     "settings.rate_limit.costs.getReportEvent",
     "unknown operation \"getReportEvent\": not one of the ESO Logs API's 39 operations. Did "
     "you mean \"getReportEvents\""},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'retry_after':'soon'}}}",
     "settings.rate_limit.retry_after",
     "expected \"reset\", \"none\" or a number of seconds >= 0; got \"soon\""},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'retry_after':-2}}}",
     "settings.rate_limit.retry_after", "got -2"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'enforce':1}}}",
     "settings.rate_limit.enforce", "expected true or false; got 1"},
    {ROOT, "{'name':'x','rules':[],'settings':{'rate_limit':{'limit':1}}}",
     "settings.rate_limit.limit", "unknown key"},
    /* rules */
    {RULE, "7", "rules[0]", "expected an object (a rule"},
    {RULE, "{}", "rules[0].script", "missing; expected an array of steps"},
    {RULE, "{'script':[]}", "rules[0].script", "a non-empty array of steps; got an array"},
    {RULE, "{'script':{}}", "rules[0].script", "got an object"},
    {RULE, "{'name':'','script':[{'action':'pass'}]}", "rules[0].name", "non-empty string"},
    {RULE, "{'scripts':[]}", "rules[0].scripts", "did you mean \"script\"?"},
    {RULE, "{'match':[],'script':[{'action':'pass'}]}", "rules[0].match", "expected an object"},
    {RULE, "{'match':{'op':'x'},'script':[{'action':'pass'}]}", "rules[0].match.op", "unknown key"},
    {RULE, "{'match':{'operation':'get guild'},'script':[{'action':'pass'}]}",
     "rules[0].match.operation", "an operation name"},
    {RULE, "{'match':{'operation':5},'script':[{'action':'pass'}]}", "rules[0].match.operation",
     "got 5"},
    /* A typo would silently never match: the API's 39 operations, schema fields and
     * arguments only, with graphql-js's "Did you mean". */
    {RULE, "{'match':{'operation':'getZone'},'script':[{'action':'pass'}]}",
     "rules[0].match.operation",
     "unknown operation \"getZone\": not one of the ESO Logs API's 39 operations (match a "
     "client's own operation names with \"field\"). Did you mean \"getZones\""},
    {RULE, "{'match':{'field':'guildData.gulid'},'script':[{'action':'pass'}]}",
     "rules[0].match.field",
     "Cannot query field \"gulid\" on type \"GuildData\". Did you mean \"guild\" or "
     "\"guilds\"?"},
    {RULE, "{'match':{'field':'gildData'},'script':[{'action':'pass'}]}", "rules[0].match.field",
     "Cannot query field \"gildData\" on type \"Query\". Did you mean \"guildData\""},
    {RULE, "{'match':{'field':'guildData.guild.name'},'script':[{'action':'pass'}]}",
     "rules[0].match.field", "goes too deep"},
    {RULE, "{'match':{'field':7},'script':[{'action':'pass'}]}", "rules[0].match.field",
     "expected a field path"},
    {RULE,
     "{'match':{'field':'guildData.guild','arguments':{'idd':1}},'script':[{'action':'pass'}]}",
     "rules[0].match.arguments",
     "Unknown argument \"idd\" on field \"guild\". Did you mean \"id\"?"},
    {RULE, "{'match':{'field':'guildData.guild','arguments':[1]},'script':[{'action':'pass'}]}",
     "rules[0].match.arguments", "expected an object"},
    {RULE, "{'match':{'arguments':{'id':1}},'script':[{'action':'pass'}]}",
     "rules[0].match.arguments", "applies only with \"field\""},
    {RULE,
     "{'match':{'field':'guildData.guild'},'script':[{'action':'slow_read','interval_ms':1}]}",
     "rules[0].match", "cannot match on operation, variables, field or arguments"},
    {RULE, "{'match':{'variables':[1]},'script':[{'action':'pass'}]}", "rules[0].match.variables",
     "expected an object"},
    {RULE, "{'match':{'path':'api/v2/client'},'script':[{'action':'pass'}]}", "rules[0].match.path",
     "starting with \"/\""},
    {RULE, "{'match':{'headers':['a']},'script':[{'action':'pass'}]}", "rules[0].match.headers",
     "expected an object"},
    {RULE, "{'match':{'headers':{'X-A':false}},'script':[{'action':'pass'}]}",
     "rules[0].match.headers.X-A", "or true (present); got false"},
    {RULE, "{'match':{'headers':{'X A':true}},'script':[{'action':'pass'}]}",
     "rules[0].match.headers[\"X A\"]", "header name"},
    {RULE, "{'match':{'headers':{'X-A':true,'x-a':'1'}},'script':[{'action':'pass'}]}",
     "rules[0].match.headers.x-a", "duplicate header"},
    {RULE,
     "{'match':{'headers':{'a':true,'b':true,'c':true,'d':true,'e':true,'f':true,'g':true,"
     "'h':true,'i':true}},'script':[{'action':'pass'}]}",
     "rules[0].match.headers", "at most 8 headers; got 9"},
    {RULE, "{'window':3,'script':[{'action':'pass'}]}", "rules[0].window", "expected an object"},
    {RULE, "{'window':{'from_ms':-1},'script':[{'action':'pass'}]}", "rules[0].window.from_ms",
     "expected a number >= 0; got -1"},
    {RULE, "{'window':{'from_ms':500,'until_ms':500},'script':[{'action':'pass'}]}",
     "rules[0].window.until_ms", "expected a number > from_ms (500); got 500"},
    {RULE, "{'window':{'until':5},'script':[{'action':'pass'}]}", "rules[0].window.until",
     "did you mean \"until_ms\"?"},
    {RULE, "{'match':{'operation':'getZones'},'script':[{'action':'slow_read','interval_ms':1}]}",
     "rules[0].match", "cannot match on operation, variables, field or arguments"},
    {RULE,
     "{'match':{'variables':{}},'script':[{'action':'pass'},{'action':'slow_read',"
     "'interval_ms':1}]}",
     "rules[0].match", "slow_read step (script[1])"},
    /* steps */
    {STEP, "'drop'", "rules[0].script[0]", "expected an object (a step"},
    {STEP, "{}", "rules[0].script[0].action", "missing; expected one of pass, delay"},
    {STEP, "{'action':'explode'}", "rules[0].script[0].action", ACTIONS_LIST},
    {STEP, "{'action':'hnag'}", "rules[0].script[0].action", "did you mean \"hang\"?"},
    {STEP, "{'action':5}", "rules[0].script[0].action", "got 5"},
    {STEP, "{'action':'drop','delay_msec':5}", "rules[0].script[0].delay_msec",
     "did you mean \"delay_ms\"?"},
    {STEP, "{'action':'drop','times':0,'repeat':false}", "rules[0].script[0].times",
     "expected an integer >= 1; got 0"},
    {STEP, "{'action':'drop','times':1.5,'repeat':false}", "rules[0].script[0].times", "got 1.5"},
    {STEP, "{'action':'drop','times':2}", "rules[0].script[0].times",
     "add \"repeat\": false to stop after 2"},
    {STEP, "{'action':'drop','repeat':false,'times':5e9}", "rules[0].script[0].times",
     "<= 4294967295"},
    {STEP, "{'action':'drop','repeat':false,'times':1},{'action':'pass'}",
     "rules[0].script[0].repeat", "only to the last step of a script; this is step 1 of 2"},
    {STEP, "{'action':'drop','repeat':'no'}", "rules[0].script[0].repeat",
     "expected true or false"},
    {STEP, "{'action':'drop','probability':1.5}", "rules[0].script[0].probability",
     "expected a number from 0 to 1; got 1.5"},
    {STEP, "{'action':'drop','probability':-0.1}", "rules[0].script[0].probability", "got -0.1"},
    {STEP, "{'action':'pass','delay_ms':-1}", "rules[0].script[0].delay_ms",
     "expected a number >= 0; got -1"},
    {STEP, "{'action':'pass','delay_ms':1,'delay':{'fixed_ms':1}}", "rules[0].script[0].delay",
     "not both"},
    {STEP, "{'action':'pass','delay':{}}", "rules[0].script[0].delay",
     "expected exactly one of fixed_ms, uniform_ms, lognormal, ramp; got an empty object"},
    {STEP, "{'action':'pass','delay':{'fixed_ms':1,'uniform_ms':[1,2]}}",
     "rules[0].script[0].delay", "got fixed_ms, uniform_ms"},
    {STEP, "{'action':'pass','delay':{'fixed':1}}", "rules[0].script[0].delay.fixed",
     "did you mean \"fixed_ms\"?"},
    {STEP, "{'action':'pass','delay':5}", "rules[0].script[0].delay", "expected an object"},
    {STEP, "{'action':'pass','delay':{'fixed_ms':-3}}", "rules[0].script[0].delay.fixed_ms",
     "got -3"},
    {STEP, "{'action':'pass','delay':{'uniform_ms':[5]}}", "rules[0].script[0].delay.uniform_ms",
     "expected an array [min_ms, max_ms]"},
    {STEP, "{'action':'pass','delay':{'uniform_ms':[10,5]}}",
     "rules[0].script[0].delay.uniform_ms[1]", "expected a number >= min_ms (10); got 5"},
    {STEP, "{'action':'pass','delay':{'uniform_ms':['a',5]}}",
     "rules[0].script[0].delay.uniform_ms[0]", "got \"a\""},
    {STEP, "{'action':'pass','delay':{'lognormal':{'sigma':1}}}",
     "rules[0].script[0].delay.lognormal.median_ms", "missing"},
    {STEP, "{'action':'pass','delay':{'lognormal':{'median_ms':0,'sigma':1}}}",
     "rules[0].script[0].delay.lognormal.median_ms", "expected a number > 0; got 0"},
    {STEP, "{'action':'pass','delay':{'lognormal':{'median_ms':10,'sigma':-1}}}",
     "rules[0].script[0].delay.lognormal.sigma", "got -1"},
    {STEP, "{'action':'pass','delay':{'lognormal':{'median_ms':10}}}",
     "rules[0].script[0].delay.lognormal.sigma", "missing"},
    {STEP, "{'action':'pass','delay':{'lognormal':[]}}", "rules[0].script[0].delay.lognormal",
     "expected an object"},
    {STEP, "{'action':'pass','delay':{'ramp':{'to_ms':5}}}", "rules[0].script[0].delay.ramp.end_ms",
     "missing"},
    {STEP, "{'action':'pass','delay':{'ramp':{'end_ms':5}}}", "rules[0].script[0].delay.ramp.to_ms",
     "missing"},
    {STEP, "{'action':'pass','delay':{'ramp':{'to_ms':5,'start_ms':100,'end_ms':100}}}",
     "rules[0].script[0].delay.ramp.end_ms", "expected a number > start_ms (100); got 100"},
    {STEP, "{'action':'pass','delay':{'ramp':{'to_ms':5,'end_ms':9,'slope':1}}}",
     "rules[0].script[0].delay.ramp.slope", "unknown key"},
    {STEP, "{'action':'delay'}", "rules[0].script[0]", "action delay needs delay_ms or delay"},
    {STEP, "{'action':'hang','delay_ms':5}", "rules[0].script[0].delay_ms",
     "\"delay_ms\" does not apply to hang"},
    {STEP, "{'action':'drop','bytes':5}", "rules[0].script[0].bytes",
     "\"bytes\" applies only to truncate; this step's action is drop"},
    {STEP, "{'action':'pass','status':500}", "rules[0].script[0].status",
     "applies only to respond, truncate, drip"},
    {STEP, "{'action':'empty','body':'x'}", "rules[0].script[0].body",
     "applies only to respond, truncate, drip, malformed"},
    {STEP, "{'action':'pass','max_ms':5}", "rules[0].script[0].max_ms", "applies only to hang"},
    {STEP, "{'action':'respond','interval_ms':5,'status':200}", "rules[0].script[0].interval_ms",
     "applies only to drip, slow_read"},
    {STEP, "{'action':'drop','connection':'close'}", "rules[0].script[0].connection",
     "applies only to pass, delay, respond, drip, malformed, empty, slow_read"},
    {STEP, "{'action':'truncate','bytes':1,'end':'close','chunk_bytes':2}",
     "rules[0].script[0].chunk_bytes", "this step's action is truncate"},
    {STEP, "{'action':'pass','connection':'keep-alive'}", "rules[0].script[0].connection",
     "expected one of close; got \"keep-alive\""},
    {STEP, "{'action':'respond'}", "rules[0].script[0].status",
     "missing; expected an integer HTTP status from 200 to 599"},
    {STEP, "{'action':'respond','status':600}", "rules[0].script[0].status",
     "expected an integer from 200 to 599; got 600"},
    /* A 1xx is interim: the client would wait for a final answer that never comes. */
    {STEP, "{'action':'respond','status':100}", "rules[0].script[0].status",
     "expected an integer from 200 to 599; got 100"},
    {STEP, "{'action':'respond','status':101}", "rules[0].script[0].status",
     "expected an integer from 200 to 599; got 101"},
    {STEP, "{'action':'truncate','bytes':1,'status':199}", "rules[0].script[0].status",
     "expected an integer from 200 to 599; got 199"},
    {STEP, "{'action':'respond','status':200.5}", "rules[0].script[0].status", "got 200.5"},
    {STEP, "{'action':'respond','status':'429'}", "rules[0].script[0].status", "got \"429\""},
    {STEP, "{'action':'respond','status':200,'headers':[]}", "rules[0].script[0].headers",
     "expected an object of header name -> string"},
    {STEP, "{'action':'respond','status':200,'headers':{'Retry-After':1}}",
     "rules[0].script[0].headers.Retry-After", "got 1"},
    {STEP, "{'action':'respond','status':200,'headers':{'X-A':'a\\nb'}}",
     "rules[0].script[0].headers.X-A", "without line breaks"},
    {STEP, "{'action':'respond','status':200,'headers':{'Content-Length':'5'}}",
     "rules[0].script[0].headers.Content-Length", "use truncate"},
    {STEP, "{'action':'respond','status':200,'headers':{'connection':'close'}}",
     "rules[0].script[0].headers.connection", "\"connection\": \"close\""},
    {STEP, "{'action':'respond','status':200,'headers':{'Transfer-Encoding':'chunked'}}",
     "rules[0].script[0].headers.Transfer-Encoding", "not allowed"},
    {STEP, "{'action':'respond','status':200,'headers':{'X(A)':'1'}}",
     "rules[0].script[0].headers[\"X(A)\"]", "header name"},
    {STEP, "{'action':'respond','status':200,'headers':{'X-A':'1','x-A':'2'}}",
     "rules[0].script[0].headers.x-A", "duplicate header"},
    {STEP,
     "{'action':'respond','status':200,'headers':{'a':'1','b':'1','c':'1','d':'1','e':'1',"
     "'f':'1','g':'1','h':'1','i':'1'}}",
     "rules[0].script[0].headers", "at most 8 headers; got 9"},
    {STEP, "{'action':'respond','status':200,'fixture':'a','body':{}}", "rules[0].script[0].body",
     "give fixture or body, not both"},
    {STEP, "{'action':'respond','status':200,'fixture':''}", "rules[0].script[0].fixture",
     "non-empty string"},
    {STEP, "{'action':'respond','status':200,'fixture':'../etc/passwd'}",
     "rules[0].script[0].fixture", "a fixture name"},
    {STEP, "{'action':'respond','status':200,'body':5}", "rules[0].script[0].body",
     "an object or array (sent as JSON) or a string (sent as is); got 5"},
    {STEP, "{'action':'respond','status':200,'body':null}", "rules[0].script[0].body", "got null"},
    {STEP, "{'action':'malformed','body':{}}", "rules[0].script[0].body",
     "expected a string (the broken text to send); got an object"},
    {STEP, "{'action':'truncate'}", "rules[0].script[0].bytes", "missing; expected an integer"},
    {STEP, "{'action':'truncate','bytes':-1}", "rules[0].script[0].bytes",
     "expected an integer >= 0; got -1"},
    {STEP, "{'action':'truncate','bytes':3,'end':'fin'}", "rules[0].script[0].end",
     "expected one of close, reset; got \"fin\""},
    {STEP, "{'action':'drip'}", "rules[0].script[0].interval_ms", "missing; expected a number > 0"},
    {STEP, "{'action':'drip','interval_ms':0}", "rules[0].script[0].interval_ms",
     "expected a number > 0; got 0"},
    {STEP, "{'action':'drip','interval_ms':1,'chunk_bytes':0}", "rules[0].script[0].chunk_bytes",
     "expected an integer >= 1; got 0"},
    {STEP, "{'action':'slow_read'}", "rules[0].script[0].interval_ms", "missing"},
    {STEP, "{'action':'hang','max_ms':0}", "rules[0].script[0].max_ms",
     "expected a number > 0; got 0"},
};

#define ERROR_CASE_COUNT (sizeof(error_cases) / sizeof(error_cases[0]))

/*
 * One test walks the table. Criterion runs each test in a fresh exec of this binary, about
 * 40 ms of CPU for the loader and Criterion alone: one test per case made two thirds of the
 * binary's time. Every case is checked with cr_expect, so a failing case does not hide the
 * others, and each failure names the case's index and document.
 */
Test(scenario_errors, table)
{
    for (size_t i = 0; i < ERROR_CASE_COUNT; i++) {
        const struct error_case *c = &error_cases[i];
        char doc[2048];
        if (c->wrap == ROOT)
            snprintf(doc, sizeof(doc), "%s", c->doc);
        else if (c->wrap == RULE)
            snprintf(doc, sizeof(doc), "{'name':'t','rules':[%s]}", c->doc);
        else
            snprintf(doc, sizeof(doc), "{'name':'t','rules':[{'script':[%s]}]}", c->doc);
        char *text = json_of(doc);
        struct found errors;
        enum esomock_status rc = parse_raw(text, strlen(text), &errors);
        char dump[4096];
        dump_errors(&errors, dump, sizeof(dump));
        cr_expect_eq(rc, ESOMOCK_SCENARIO_INVALID, "case %zu: expected INVALID, got %s for: %s", i,
                     esomock_strerror(rc), text);
        cr_expect_gt(errors.count, 0, "case %zu: at least one error for: %s", i, text);
        cr_expect(has_error(&errors, c->path, c->needle),
                  "case %zu: no error at '%s' containing '%s' for: %s; got:%s", i, c->path,
                  c->needle != NULL ? c->needle : "", text, dump);
        free(text);
    }
}

/* ---- errors: all of them, at once ------------------------------------------------------- */

Test(scenario_errors, every_problem_in_one_pass)
{
    struct found errors;
    parse_fails(
        "{'name':'Bad Name','seed':-1,'extra':1,"
        "'settings':{'time_scale':0,'rate_limit':{'retry_after':'later'}},"
        "'rules':[{'script':[{'action':'explode'}]},"
        "{'match':{'path':'x'},'script':[{'action':'drop','bytes':1},{'action':'respond'}]},"
        "{'window':{'until_ms':-5},'script':[]}]}",
        &errors);
    cr_assert_eq(errors.total, 11, "11 problems, got %zu", errors.total);
    cr_assert_eq(errors.count, 11);
    assert_error(&errors, "extra", "unknown key");
    assert_error(&errors, "name", "got \"Bad Name\"");
    assert_error(&errors, "seed", "got -1");
    assert_error(&errors, "settings.time_scale", "got 0");
    assert_error(&errors, "settings.rate_limit.retry_after", "got \"later\"");
    assert_error(&errors, "rules[0].script[0].action", "got \"explode\"");
    assert_error(&errors, "rules[1].match.path", "starting with");
    assert_error(&errors, "rules[1].script[0].bytes", "applies only to truncate");
    assert_error(&errors, "rules[1].script[1].status", "missing");
    assert_error(&errors, "rules[2].window.until_ms", "got -5");
    assert_error(&errors, "rules[2].script", "a non-empty array of steps");
}

Test(scenario_errors, duplicate_rule_names)
{
    struct found errors;
    parse_fails("{'name':'t','rules':[{'name':'a','script':[{'action':'pass'}]},"
                "{'name':'b','script':[{'action':'pass'}]},"
                "{'name':'a','script':[{'action':'pass'}]},"
                "{'name':'rules[3]','script':[{'action':'pass'}]},"
                "{'name':'rules[1]','script':[{'action':'pass'}]}]}",
                &errors);
    cr_assert_eq(errors.total, 1, "only the repeated explicit name");
    assert_error(&errors, "rules[2].name", "rules[0] is also called that");

    parse_fails("{'name':'t','rules':[{'script':[{'action':'pass'}]},"
                "{'name':'rules[0]','script':[{'action':'pass'}]}]}",
                &errors);
    assert_error(&errors, "rules[1].name", "duplicate rule name");
}

Test(scenario_errors, the_error_list_is_capped_but_counted)
{
    char doc[8192];
    size_t o = (size_t)snprintf(doc, sizeof(doc), "{\"name\":\"t\",\"rules\":[]");
    for (int i = 0; i < 100; i++)
        o += (size_t)snprintf(doc + o, sizeof(doc) - o, ",\"k%d\":1", i);
    snprintf(doc + o, sizeof(doc) - o, "}");
    struct found errors;
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(errors.count, ESOMOCK_PROBLEMS_PER_SOURCE);
    cr_assert_eq(errors.total, 100);
    cr_assert_str_eq(errors.items[0].path, "k0", "errors come in document order");
}

/* 50k unknown or repeated keys: checked in linear time, the extra errors only counted. */
Test(scenario_errors, many_keys_are_cheap, .timeout = 20)
{
    /* Memcheck runs this 10-50 times slower (more on a loaded machine): there the point is the
     * error accounting, not the time, so fewer keys. */
    size_t n = getenv("ESO_UNDER_VALGRIND") != NULL ? 5000 : 50000, cap = n * 16 + 64, o = 0;
    char *doc = malloc(cap);
    cr_assert_not_null(doc);
    o += (size_t)snprintf(doc, cap, "{\"name\":\"t\",\"rules\":[]");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(doc + o, cap - o, ",\"k%zu\":1", i);
    snprintf(doc + o, cap - o, "}");
    struct found errors;
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(errors.total, n);
    cr_assert_eq(errors.count, ESOMOCK_PROBLEMS_PER_SOURCE);

    o = (size_t)snprintf(doc, cap, "{\"rules\":[]");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(doc + o, cap - o, ",\"name\":\"t\"");
    snprintf(doc + o, cap - o, "}");
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(errors.total, n - 1, "every repeat of name is counted");
    assert_error(&errors, "name", "duplicate key");
    free(doc);
}

Test(scenario_errors, long_keys_and_values_are_cut_in_messages)
{
    char key[400], doc[1200];
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    snprintf(doc, sizeof(doc),
             "{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"%s\"}]}],"
             "\"%s\":1}",
             key, key);
    struct found errors;
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(errors.total, 2);
    for (size_t i = 0; i < errors.count; i++) {
        cr_assert_lt(strlen(errors.items[i].path), ESOMOCK_PROBLEM_PATH_SIZE);
        cr_assert_lt(strlen(errors.items[i].message), 300, "message: %s", errors.items[i].message);
    }
    assert_error(&errors, "rules[0].script[0].action", "kkk...\"");
    cr_assert(strstr(errors.items[0].path, "kkk...") != NULL, "a cut path says so: %s",
              errors.items[0].path);
}

Test(scenario_errors, control_characters_are_escaped_in_messages)
{
    const char *doc = "{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"a\\u001b[31mb\"}]}]}";
    struct found errors;
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    assert_error(&errors, "rules[0].script[0].action", "got \"a\\u001b[31mb\"");
}

/* ---- invalid JSON and garbage ----------------------------------------------------------- */

Test(scenario_json, syntax_error_has_line_and_column)
{
    const char *doc = "{\n  \"name\": \"t\",\n  \"rules\": [,]\n}\n";
    struct found errors;
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(errors.total, 1, "one error for invalid JSON");
    cr_assert_str_eq(errors.items[0].path, "");
    cr_assert(strstr(errors.items[0].message, "invalid JSON at line 3, column 13") != NULL, "%s",
              errors.items[0].message);
    cr_assert(strstr(errors.items[0].message, "near \",]\"") != NULL, "%s",
              errors.items[0].message);
}

Test(scenario_json, trailing_garbage_is_refused)
{
    const char *doc = "{\"name\":\"t\",\"rules\":[]} {}";
    struct found errors;
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(errors.items[0].message, "line 1, column 25") != NULL, "%s",
              errors.items[0].message);
}

Test(scenario_json, empty_and_blank_text)
{
    struct found errors;
    cr_assert_eq(parse_raw("", 0, &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(errors.items[0].message, "empty") != NULL, "%s", errors.items[0].message);
    cr_assert_eq(parse_raw(" \n\t ", 4, &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(errors.items[0].message, "empty") != NULL, "%s", errors.items[0].message);
}

Test(scenario_json, nul_byte_and_bad_utf8_are_refused)
{
    const char with_nul[] = "{\"name\":\"t\",\n\"rules\":[]}\0garbage";
    struct found errors;
    cr_assert_eq(parse_raw(with_nul, sizeof(with_nul) - 1, &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(errors.items[0].message, "line 2, column 12: a NUL byte") != NULL, "%s",
              errors.items[0].message);

    const char bad_utf8[] = "{\"name\":\"t\",\"description\":\"caf\xc3\x28\",\"rules\":[]}";
    cr_assert_eq(parse_raw(bad_utf8, strlen(bad_utf8), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(errors.items[0].message, "invalid UTF-8 (byte 0xc3)") != NULL, "%s",
              errors.items[0].message);

    const char overlong[] = "{\"name\":\"t\",\"description\":\"\xc0\xaf\",\"rules\":[]}";
    cr_assert_eq(parse_raw(overlong, strlen(overlong), &errors), ESOMOCK_SCENARIO_INVALID);
    const char surrogate[] = "{\"name\":\"t\",\"description\":\"\xed\xa0\x80\",\"rules\":[]}";
    cr_assert_eq(parse_raw(surrogate, strlen(surrogate), &errors), ESOMOCK_SCENARIO_INVALID);
    const char cut[] = "{\"name\":\"t\",\"rules\":[]}\xe2\x82";
    cr_assert_eq(parse_raw(cut, strlen(cut), &errors), ESOMOCK_SCENARIO_INVALID);

    struct esomock_scenario *sc =
        parse_ok("{'name':'t','description':'caf\xc3\xa9 \xf0\x9f\x90\x89','rules':[]}");
    cr_assert_str_eq(sc->description, "caf\xc3\xa9 \xf0\x9f\x90\x89", "valid UTF-8 is kept");
    esomock__scenario_free(sc);
}

Test(scenario_json, deep_nesting_is_refused_not_crashed)
{
    size_t depth = 5000;
    char *doc = malloc(depth * 2 + 1);
    cr_assert_not_null(doc);
    memset(doc, '[', depth);
    memset(doc + depth, ']', depth);
    doc[depth * 2] = '\0';
    struct found errors;
    cr_assert_eq(parse_raw(doc, depth * 2, &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(errors.items[0].message, "invalid JSON") != NULL);
    free(doc);
}

Test(scenario_json, deep_variables_within_the_limit_parse)
{
    /* 900 levels inside match.variables: copied without trouble. */
    size_t depth = 900;
    size_t cap = depth * 8 + 256, o = 0;
    char *doc = malloc(cap);
    cr_assert_not_null(doc);
    o +=
        (size_t)snprintf(doc + o, cap - o, "{\"name\":\"t\",\"rules\":[{\"match\":{\"variables\":");
    for (size_t i = 0; i < depth; i++)
        o += (size_t)snprintf(doc + o, cap - o, "{\"a\":");
    o += (size_t)snprintf(doc + o, cap - o, "1");
    for (size_t i = 0; i < depth; i++)
        doc[o++] = '}';
    snprintf(doc + o, cap - o, "},\"script\":[{\"action\":\"pass\"}]}]}");
    struct found errors;
    struct esomock_scenario *sc = NULL;
    cr_assert_eq(parse_found(doc, strlen(doc), "deep", NULL, &sc, &errors), ESOMOCK_OK, "%s",
                 errors.count ? errors.items[0].message : "");
    cr_assert_not_null(sc->rules[0].variables);
    esomock__scenario_free(sc);
    free(doc);
}

Test(scenario_json, bad_arguments)
{
    struct found errors;
    struct esomock_scenario *sc = NULL;
    cr_assert_eq(parse_found(NULL, 0, "x", NULL, &sc, &errors), ESOMOCK_BAD_ARGUMENT);
    cr_assert_eq(errors.count, 1);
    cr_assert_eq(parse_found("{}", 2, "x", NULL, NULL, &errors), ESOMOCK_BAD_ARGUMENT);
    /* errors may be NULL: the result alone tells success from failure. */
    cr_assert_eq(parse_found("{}", 2, "x", NULL, &sc, NULL), ESOMOCK_SCENARIO_INVALID);
    cr_assert_null(sc);
    cr_assert_eq(parse_found("{\"name\":\"n\",\"rules\":[]}", 23, NULL, NULL, &sc, NULL),
                 ESOMOCK_OK);
    cr_assert_str_eq(sc->source, "<scenario>", "a source name is always set");
    esomock__scenario_free(sc);
    esomock__scenario_free(NULL);
    cr_assert_eq(load_found(NULL, NULL, &sc, &errors), ESOMOCK_BAD_ARGUMENT);
    cr_assert_eq(esomock__scenario_check_fixtures(NULL, NULL, NULL), ESOMOCK_BAD_ARGUMENT);
}

Test(scenario_json, length_is_respected_without_a_terminator)
{
    /* Only len bytes are read: the valid prefix of a longer buffer parses. */
    const char buf[] = "{\"name\":\"t\",\"rules\":[]}GARBAGE";
    struct esomock_scenario *sc = NULL;
    struct found errors;
    cr_assert_eq(parse_found(buf, 23, "p", NULL, &sc, &errors), ESOMOCK_OK);
    cr_assert_str_eq(sc->text, "{\"name\":\"t\",\"rules\":[]}");
    esomock__scenario_free(sc);
}

/* A small deterministic generator, so a failure reproduces. */
static uint64_t next_random(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return *state >> 33;
}

Test(scenario_json, garbage_and_mutations_never_crash)
{
    uint64_t state = 12345;
    char buf[512];
    struct found errors;
    for (int round = 0; round < 300; round++) {
        size_t len = next_random(&state) % sizeof(buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)(next_random(&state) & 0xff);
        enum esomock_status rc = parse_raw(buf, len, &errors);
        cr_assert_eq(rc, ESOMOCK_SCENARIO_INVALID, "random bytes are not a scenario");
        cr_assert_leq(errors.count, ESOMOCK_PROBLEMS_PER_SOURCE);
    }

    /* Flip, drop and duplicate bytes of a rich valid scenario: anything may come out, but
     * nothing may crash or leak, and every failure says why. */
    char *base = json_of(
        "{'name':'m','seed':3,'settings':{'time_scale':0.5,'rate_limit':{'costs':{'getZones':1}}},"
        "'rules':[{'name':'r','match':{'operation':'getZones','variables':{'x':[1,{'y':2}]},"
        "'headers':{'X-A':true}},'window':{'from_ms':1,'until_ms':9},'script':["
        "{'action':'respond','status':429,'headers':{'Retry-After':'1'},'body':{'e':[1]},"
        "'times':2,'probability':0.5,'delay':{'uniform_ms':[1,2]}},"
        "{'action':'truncate','bytes':3,'end':'reset','fixture':'f'},"
        "{'action':'drip','interval_ms':1,'chunk_bytes':2,'delay':{'ramp':{'to_ms':1,'end_ms':2}}},"
        "{'action':'hang','max_ms':5,'repeat':false}]}],"
        "'expect':{'calls':[{'operation':'getZones','expect':{'attempts':[1,2]}}]}}");
    size_t base_len = strlen(base);
    char *mutant = malloc(base_len * 2 + 1);
    cr_assert_not_null(mutant);
    struct esomock_scenario *sc = NULL;
    cr_assert_eq(parse_found(base, base_len, "base", &library, &sc, &errors), ESOMOCK_OK,
                 "the base is valid: %s", errors.count ? errors.items[0].message : "");
    esomock__scenario_free(sc);
    for (int round = 0; round < 3000; round++) {
        size_t n = base_len;
        memcpy(mutant, base, base_len);
        int edits = 1 + (int)(next_random(&state) % 4);
        for (int e = 0; e < edits && n > 0; e++) {
            size_t at = next_random(&state) % n;
            switch (next_random(&state) % 4) {
            case 0:
                mutant[at] = (char)(next_random(&state) & 0xff);
                break;
            case 1:
                mutant[at] = "{}[]\",:0-e.tn "[next_random(&state) % 15];
                break;
            case 2:
                memmove(mutant + at, mutant + at + 1, n - at - 1);
                n--;
                break;
            default:
                if (n < base_len * 2) {
                    memmove(mutant + at + 1, mutant + at, n - at);
                    n++;
                }
                break;
            }
        }
        sc = NULL;
        enum esomock_status rc = parse_found(mutant, n, "mutant", &library, &sc, &errors);
        if (rc == ESOMOCK_OK) {
            cr_assert_not_null(sc);
            esomock__scenario_free(sc);
        } else {
            cr_assert_eq(rc, ESOMOCK_SCENARIO_INVALID);
            cr_assert_null(sc);
            cr_assert_gt(errors.count, 0, "a refusal gives a reason");
        }
    }
    free(mutant);
    free(base);
}

/* ---- limits ----------------------------------------------------------------------------- */

/* {"name":"t","rules":[R,R,...]} with @p n copies of @p rule. */
static char *repeat_rules(const char *rule, size_t n)
{
    size_t rl = strlen(rule), cap = 64 + n * (rl + 1), o = 0;
    char *doc = malloc(cap);
    cr_assert_not_null(doc);
    o += (size_t)snprintf(doc, cap, "{\"name\":\"t\",\"rules\":[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            doc[o++] = ',';
        memcpy(doc + o, rule, rl);
        o += rl;
    }
    snprintf(doc + o, cap - o, "]}");
    return doc;
}

Test(scenario_limits, rules)
{
    char *doc = repeat_rules("{\"script\":[{\"action\":\"pass\"}]}", ESOMOCK_SCENARIO_MAX_RULES);
    struct esomock_scenario *sc = NULL;
    struct found errors;
    cr_assert_eq(parse_found(doc, strlen(doc), "t", NULL, &sc, &errors), ESOMOCK_OK,
                 "exactly the limit is fine: %s", errors.count ? errors.items[0].message : "");
    cr_assert_eq(sc->rule_count, ESOMOCK_SCENARIO_MAX_RULES);
    cr_assert_str_eq(sc->rules[1023].name, "rules[1023]");
    esomock__scenario_free(sc);
    free(doc);

    doc = repeat_rules("{}", ESOMOCK_SCENARIO_MAX_RULES + 1);
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(errors.total, 1, "one error, the rules are not looked at");
    assert_error(&errors, "rules", "expected at most 1024 rules; got 1025");
    free(doc);
}

/* {"name":"t","rules":[{"script":[S,S,...,{"action":"pass"}]}]} with @p n steps in all. */
static char *repeat_steps(size_t n)
{
    const char *step = "{\"action\":\"drop\"}";
    size_t sl = strlen(step), cap = 128 + n * (sl + 1), o = 0;
    char *doc = malloc(cap);
    cr_assert_not_null(doc);
    o += (size_t)snprintf(doc, cap, "{\"name\":\"t\",\"rules\":[{\"script\":[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            doc[o++] = ',';
        memcpy(doc + o, step, sl);
        o += sl;
    }
    snprintf(doc + o, cap - o, "]}]}");
    return doc;
}

Test(scenario_limits, steps)
{
    char *doc = repeat_steps(ESOMOCK_SCENARIO_MAX_STEPS);
    struct esomock_scenario *sc = NULL;
    struct found errors;
    cr_assert_eq(parse_found(doc, strlen(doc), "t", NULL, &sc, &errors), ESOMOCK_OK);
    cr_assert_eq(sc->rules[0].step_count, ESOMOCK_SCENARIO_MAX_STEPS);
    cr_assert_eq(sc->rules[0].steps[254].times, 1);
    cr_assert_eq(sc->rules[0].steps[255].times, 0);
    esomock__scenario_free(sc);
    free(doc);

    doc = repeat_steps(ESOMOCK_SCENARIO_MAX_STEPS + 1);
    cr_assert_eq(parse_raw(doc, strlen(doc), &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(errors.total, 1);
    assert_error(&errors, "rules[0].script", "expected at most 256 steps; got 257");
    free(doc);
}

Test(scenario_limits, text_size)
{
    size_t len = ESOMOCK_SCENARIO_MAX_BYTES + 1;
    char *doc = malloc(len + 1);
    cr_assert_not_null(doc);
    memset(doc, ' ', len);
    memcpy(doc, "{\"name\":\"t\",\"rules\":[]}", 23);
    doc[len] = '\0';
    struct found errors;
    cr_assert_eq(parse_raw(doc, len, &errors), ESOMOCK_SCENARIO_INVALID);
    assert_error(&errors, "", "over the limit of 4194304");
    /* One byte less is accepted: trailing whitespace is fine. */
    struct esomock_scenario *sc = NULL;
    cr_assert_eq(parse_found(doc, len - 1, "t", NULL, &sc, &errors), ESOMOCK_OK);
    esomock__scenario_free(sc);
    free(doc);
}

/* Numbers in messages are exact: an integer in full, others in their shortest exact form. */
Test(scenario_limits, numbers_in_messages_are_printed_exactly)
{
    struct found errors;
    parse_fails("{'name':'x','rules':[],'seed':9007199254740994}", &errors);
    assert_error(&errors, "seed",
                 "expected an integer >= 0 and <= 9007199254740992; got 9007199254740994");
    parse_fails("{'name':'x','rules':[{'script':[{'action':'truncate','bytes':1.5}]}]}", &errors);
    assert_error(&errors, "rules[0].script[0].bytes", "got 1.5");
    parse_fails(
        "{'name':'x','rules':[{'script':[{'action':'pass','probability':1.0000000000000002}]}]}",
        &errors);
    assert_error(&errors, "rules[0].script[0].probability", "from 0 to 1; got 1.0000000000000002");
    parse_fails("{'name':'x','rules':[{'script':[{'action':'pass','times':0.1}]}]}", &errors);
    assert_error(&errors, "rules[0].script[0].times", "got 0.1");
    parse_fails("{'name':'x','rules':[{'script':[{'action':'pass','times':1e300}]}]}", &errors);
    assert_error(&errors, "rules[0].script[0].times", "got 1e+300");
    parse_fails("{'name':'x','rules':[{'window':{'from_ms':1234567.8901234567,'until_ms':5},"
                "'script':[{'action':'pass'}]}]}",
                &errors);
    assert_error(&errors, "rules[0].window.until_ms", "> from_ms (1234567.8901234567)");
}

Test(scenario_limits, huge_numbers_stay_in_range)
{
    struct found errors;
    parse_fails("{'name':'t','rules':[{'script':[{'action':'truncate','bytes':1e300}]}]}", &errors);
    assert_error(&errors, "rules[0].script[0].bytes", "<= 9007199254740992");
    parse_fails("{'name':'t','rules':[{'window':{'until_ms':1e12},'script':[{'action':'pass'}]}]}",
                &errors);
    assert_error(&errors, "rules[0].window.until_ms", "<= 10000000000");
    parse_fails("{'name':'t','rules':[],'settings':{'rate_limit':{'period_s':1e8}}}", &errors);
    assert_error(&errors, "settings.rate_limit.period_s", "<= 10000000");
}

/* ---- files ------------------------------------------------------------------------------ */

static char tmp_dir[64];

static void make_tmp(void)
{
    snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/esomock-scenario-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp_dir), "mkdtemp");
}

static void remove_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(scenario_files, .init = make_tmp, .fini = remove_tmp);

Test(scenario_files, load_file_ok_and_missing)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/ok.json", tmp_dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"name\":\"ok\",\"rules\":[]}\n", f);
    fclose(f);
    struct esomock_scenario *sc = NULL;
    struct found errors;
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_OK);
    cr_assert_str_eq(sc->source, path, "the source is the file name");
    cr_assert_str_eq(sc->text, "{\"name\":\"ok\",\"rules\":[]}\n");
    esomock__scenario_free(sc);

    snprintf(path, sizeof(path), "%s/missing.json", tmp_dir);
    sc = NULL;
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_IO);
    cr_assert_null(sc);
    cr_assert_eq(errors.count, 1);
    cr_assert_str_eq(errors.items[0].path, "");
    char line[600];
    snprintf(line, sizeof(line), "%s: %s", errors.items[0].source, errors.items[0].message);
    cr_assert(strstr(line, ": cannot open: No such file") != NULL, "%s", line);
    cr_assert(strstr(line + strlen(path) + 1, path) == NULL, "the file is named once: %s", line);
}

Test(scenario_files, load_file_refuses_large_files_and_reports_the_source)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/big.json", tmp_dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(ftruncate(fileno(f), (off_t)ESOMOCK_SCENARIO_MAX_BYTES + 1), 0);
    fclose(f);
    struct esomock_scenario *sc = NULL;
    struct found errors;
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_IO);
    assert_error(&errors, "", "over the limit");

    snprintf(path, sizeof(path), "%s/bad.json", tmp_dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"name\":\"bad\",\"rules\":[{\"script\":[{\"action\":\"nope\"}]}]}", f);
    fclose(f);
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_SCENARIO_INVALID);
    assert_error(&errors, "rules[0].script[0].action", "got \"nope\"");
}

static struct esomock_fixture_set *real_fixtures(void)
{
    const char *dir = getenv("ESOMOCK_FIXTURES");
    if (dir == NULL)
        cr_skip_test("ESOMOCK_FIXTURES is not set");
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esomock_fixture_set *set = NULL;
    cr_assert_eq(esomock__fixtures_load(dir, &set, err), ESOMOCK_OK, "%s", err);
    return set;
}

Test(scenario_files, fixture_references_are_checked)
{
    struct esomock_fixture_set *set = real_fixtures();
    struct esomock_scenario *sc =
        parse_ok("{'name':'f','rules':[{'script':[{'action':'respond','status':200,"
                 "'fixture':'getGuildById.3468'},{'action':'truncate','bytes':1,'fixture':'"
                 "getGuildByID.3468'},"
                 "{'action':'drip','interval_ms':1,'fixture':'no-such-thing-at-all'}]}]}");
    struct esomock_problems *list = new_list();
    esomock__problems_begin(list, "t");
    esomock_problems_add(list, "earlier", "a problem found before");
    cr_assert_eq(esomock__scenario_check_fixtures(sc, set, list), ESOMOCK_SCENARIO_INVALID);
    struct found errors;
    read_found(list, &errors);
    cr_assert_eq(errors.total, 3, "errors are appended to what was there");
    cr_assert_str_eq(errors.items[0].path, "earlier");
    assert_error(&errors, "rules[0].script[1].fixture", "no fixture named \"getGuildByID.3468\"");
    assert_error(&errors, "rules[0].script[1].fixture", "did you mean \"getGuildById.3468\"?");
    assert_error(&errors, "rules[0].script[2].fixture",
                 "no fixture named \"no-such-thing-at-all\"");
    esomock__scenario_free(sc);

    sc = parse_ok("{'name':'f','rules':[{'script':[{'action':'respond','status':200,"
                  "'fixture':'getZones'}]}]}");
    list = new_list();
    esomock__problems_begin(list, "t");
    cr_assert_eq(esomock__scenario_check_fixtures(sc, set, list), ESOMOCK_OK);
    cr_assert_eq(esomock_problems_count(list), 0);
    esomock__scenario_free(sc);
    esomock__fixtures_free(set);
}

/* A bad fixture name is reported with the file's other problems, not only once they are fixed. */
Test(scenario_files, fixture_errors_come_with_the_other_errors)
{
    struct esomock_fixture_set *set = real_fixtures();
    char *text = json_of("{'name':'f','bogus':1,'rules':[{'script':[{'action':'respond',"
                         "'status':200,'fixture':'noSuchFixture'},{'action':'explode'}]}]}");
    struct found errors;
    struct esomock_scenario *sc = NULL;
    struct esomock_load with_fixtures = {.fixtures = set};
    cr_assert_eq(parse_found(text, strlen(text), "t", &with_fixtures, &sc, &errors),
                 ESOMOCK_SCENARIO_INVALID);
    cr_assert_null(sc);
    assert_error(&errors, "bogus", "unknown key");
    assert_error(&errors, "rules[0].script[1].action", "explode");
    assert_error(&errors, "rules[0].script[0].fixture", "no fixture named \"noSuchFixture\"");
    free(text);

    /* The same through `eso-mock check`'s function. */
    char path[] = "/tmp/esomock-fixture-and-more-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"name\":\"f\",\"bogus\":1,\"rules\":[{\"script\":[{\"action\":\"respond\","
          "\"status\":200,\"fixture\":\"noSuchFixture\"}]}]}",
          f);
    fclose(f);
    const char *one[] = {path};
    struct esomock_check_options opts = {.fixtures_dir = set->dir};
    struct esomock_problems *report = new_list();
    cr_assert_eq(esomock_check_scenario_files(one, 1, &opts, report, NULL),
                 ESOMOCK_SCENARIO_INVALID);
    char *report_text = esomock_problems_text(report);
    cr_assert(strstr(report_text, "bogus") != NULL, "%s", report_text);
    cr_assert(strstr(report_text, "noSuchFixture") != NULL, "%s", report_text);
    free(report_text);
    remove(path);
    esomock__fixtures_free(set);
}

static bool is_scenario_file(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0 && name[0] != '.' &&
           strcmp(name, "schema.json") != 0;
}

Test(scenario_files, every_library_scenario_is_valid)
{
    const char *dir = getenv("ESO_SCENARIOS_DIR");
    if (dir == NULL)
        cr_skip_test("ESO_SCENARIOS_DIR is not set");
    struct esomock_fixture_set *set = real_fixtures();
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    size_t seen = 0;
    static const char *const required[] = {
        "happy-path",         "rate-limit-429",   "timeout-then-success",
        "dropped-connection", "connection-reset", "truncated-body",
        "server-errors",      "outage",           "slow-drip",
        "malformed-json",     "graphql-errors",   "points-budget",
        "token-expiry",       "flaky-random",     "gateway-timeout-504",
        "degrading-latency",  "keepalive-close",  "retry-after-http-date",
        "slow-read",
    };
    bool found[sizeof(required) / sizeof(required[0])] = {false};
    for (struct dirent *ent = readdir(d); ent != NULL; ent = readdir(d)) {
        if (!is_scenario_file(ent->d_name))
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
        struct esomock_scenario *sc = NULL;
        struct found errors;
        enum esomock_status rc = load_found(path, &library, &sc, &errors);
        char dump[4096];
        dump_errors(&errors, dump, sizeof(dump));
        cr_assert_eq(rc, ESOMOCK_OK, "%s: %s:%s", path, esomock_strerror(rc), dump);
        struct esomock_problems *more = new_list();
        esomock__problems_begin(more, path);
        cr_assert_eq(esomock__scenario_check_fixtures(sc, set, more), ESOMOCK_OK, "%s", path);
        size_t stem = strlen(ent->d_name) - 5;
        cr_assert(strlen(sc->name) == stem && strncmp(sc->name, ent->d_name, stem) == 0,
                  "%s: name %s is not the file stem", path, sc->name);
        cr_assert(sc->description != NULL && sc->description[0] != '\0', "%s: no description",
                  path);
        cJSON *root = cJSON_Parse(sc->text);
        cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "$schema");
        cr_assert(cJSON_IsString(schema) && strcmp(schema->valuestring, "./schema.json") == 0,
                  "%s: $schema is ./schema.json", path);
        cJSON_Delete(root);
        for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
            if (strcmp(sc->name, required[i]) == 0)
                found[i] = true;
        }
        esomock__scenario_free(sc);
        seen++;
    }
    closedir(d);
    esomock__fixtures_free(set);
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        cr_assert(found[i], "the library has %s.json", required[i]);
    cr_assert_geq(seen, sizeof(required) / sizeof(required[0]));
}

/* Spot checks that the library says what its README promises. */
Test(scenario_files, library_semantics)
{
    const char *dir = getenv("ESO_SCENARIOS_DIR");
    if (dir == NULL)
        cr_skip_test("ESO_SCENARIOS_DIR is not set");
    char path[1024];
    struct esomock_scenario *sc = NULL;
    struct found errors;

    snprintf(path, sizeof(path), "%s/rate-limit-429.json", dir);
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_OK);
    const struct esomock_step *s = &sc->rules[0].steps[0];
    cr_assert_str_eq(sc->rules[0].operation, "getGuildById");
    cr_assert(s->status == 429 && s->times == 2 && !s->repeat, "429 twice, then normal");
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(s->headers, "Retry-After")->valuestring, "1");
    esomock__scenario_free(sc);

    snprintf(path, sizeof(path), "%s/outage.json", dir);
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_OK);
    cr_assert_eq(sc->rules[0].window_until_ms, 6000.0);
    cr_assert_eq(sc->rules[0].steps[0].status, 503);
    cr_assert_null(sc->rules[0].steps[0].headers, "no Retry-After");
    cr_assert(sc->rules[0].steps[0].repeat);
    esomock__scenario_free(sc);

    snprintf(path, sizeof(path), "%s/flaky-random.json", dir);
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_OK);
    cr_assert(sc->has_seed && sc->seed == 42);
    /* Four chained rules, one fault each; a failed draw passes the call on to the next. */
    cr_assert_eq(sc->rule_count, 4);
    static const enum esomock_action kinds[] = {ESOMOCK_ACTION_RESPOND, ESOMOCK_ACTION_DROP,
                                                ESOMOCK_ACTION_RESET, ESOMOCK_ACTION_PASS};
    double chance_left = 1.0, total = 0;
    for (size_t i = 0; i < 4; i++) {
        const struct esomock_step *st = &sc->rules[i].steps[0];
        cr_assert_eq(sc->rules[i].step_count, 1);
        cr_assert_eq(st->action, kinds[i], "rule %zu's fault", i);
        cr_assert_eq(st->times, 0, "rule %zu repeats", i);
        total += chance_left * st->probability;
        chance_left *= 1 - st->probability;
    }
    cr_assert(total > 0.199 && total < 0.201, "20%% of calls in all (%g)", total);
    esomock__scenario_free(sc);

    snprintf(path, sizeof(path), "%s/degrading-latency.json", dir);
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_OK);
    const struct esomock_delay *dl = &sc->rules[0].steps[0].delay;
    cr_assert(dl->kind == ESOMOCK_DELAY_RAMP && dl->from_ms == 0 && dl->to_ms == 2000 &&
              dl->ramp_start_ms == 0 && dl->ramp_end_ms == 10000);
    esomock__scenario_free(sc);

    snprintf(path, sizeof(path), "%s/points-budget.json", dir);
    cr_assert_eq(load_found(path, &library, &sc, &errors), ESOMOCK_OK);
    cr_assert(sc->settings.rate_limit.enabled);
    cr_assert_eq(sc->settings.rate_limit.points_per_hour, 5.0);
    cr_assert_eq(sc->settings.rate_limit.retry_after, ESOMOCK_RETRY_AFTER_RESET);
    esomock__scenario_free(sc);
}

/*
 * The schema and the parser agree on the vocabulary: every property the schema lists is
 * a key the parser knows, and every action the schema allows is one the parser accepts.
 */
Test(scenario_files, schema_and_parser_agree)
{
    const char *dir = getenv("ESO_SCENARIOS_DIR");
    if (dir == NULL)
        cr_skip_test("ESO_SCENARIOS_DIR is not set");
    char path[1024];
    snprintf(path, sizeof(path), "%s/schema.json", dir);
    char *text = NULL, err[ESOMOCK_ERROR_SIZE];
    cr_assert_eq(esomock__read_file(path, 1u << 20, &text, NULL, err), ESOMOCK_OK, "%s", err);
    cJSON *schema = cJSON_Parse(text);
    cr_assert_not_null(schema, "schema.json is JSON");
    cJSON *defs = cJSON_GetObjectItemCaseSensitive(schema, "$defs");
    cr_assert_not_null(defs);

    /* Where each definition's properties sit in a document, as a template. */
    static const struct {
        const char *def;
        const char *doc; /* %s is replaced by "KEY":null */
        const char *path_prefix;
    } places[] = {
        {NULL, "{'name':'t','rules':[],%s}", ""},
        {"settings", "{'name':'t','rules':[],'settings':{%s}}", "settings."},
        {"rate_limit", "{'name':'t','rules':[],'settings':{'rate_limit':{%s}}}",
         "settings.rate_limit."},
        {"rule", "{'name':'t','rules':[{%s}]}", "rules[0]."},
        {"match", "{'name':'t','rules':[{'match':{%s},'script':[]}]}", "rules[0].match."},
        {"window", "{'name':'t','rules':[{'window':{%s},'script':[]}]}", "rules[0].window."},
        {"step", "{'name':'t','rules':[{'script':[{%s}]}]}", "rules[0].script[0]."},
        {"delay", "{'name':'t','rules':[{'script':[{'action':'pass','delay':{%s}}]}]}",
         "rules[0].script[0].delay."},
    };
    for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
        cJSON *def =
            places[i].def == NULL ? schema : cJSON_GetObjectItemCaseSensitive(defs, places[i].def);
        cr_assert_not_null(def, "$defs.%s exists", places[i].def);
        cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(def, "additionalProperties")),
                  "%s: additionalProperties is false", places[i].def ? places[i].def : "root");
        cJSON *props = cJSON_GetObjectItemCaseSensitive(def, "properties");
        cr_assert(cJSON_IsObject(props));
        for (cJSON *p = props->child; p != NULL; p = p->next) {
            char member[128], doc[512], want[160];
            snprintf(member, sizeof(member), "'%s':null", p->string);
            snprintf(doc, sizeof(doc), places[i].doc, member);
            snprintf(want, sizeof(want), "%s%s", places[i].path_prefix, p->string);
            struct found errors;
            char *json = json_of(doc);
            struct esomock_scenario *sc = NULL;
            /* The schema has eso-scenario's expect too: registered as eso-mock does. */
            parse_found(json, strlen(json), "t", &library, &sc, &errors);
            esomock__scenario_free(sc);
            free(json);
            cr_assert_not(has_error(&errors, want, "unknown key"),
                          "%s is in the schema but the "
                          "parser does not know it",
                          want);
        }
    }

    cJSON *action = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(defs, "step"),
                                         "properties"),
        "action");
    cJSON *actions = cJSON_GetObjectItemCaseSensitive(action, "enum");
    cr_assert_eq(cJSON_GetArraySize(actions), 11, "eleven actions");
    for (cJSON *a = actions->child; a != NULL; a = a->next) {
        char doc[256];
        snprintf(doc, sizeof(doc), "{'name':'t','rules':[{'script':[{'action':'%s'}]}]}",
                 a->valuestring);
        struct found errors;
        char *json = json_of(doc);
        struct esomock_scenario *sc = NULL;
        parse_found(json, strlen(json), "t", NULL, &sc, &errors);
        esomock__scenario_free(sc);
        free(json);
        cr_assert_not(has_error(&errors, "rules[0].script[0].action", NULL),
                      "the parser accepts action %s", a->valuestring);
    }

    /* match.operation: the API's 39 and "*"; match.field: every field path the parser takes
     * (the schema's root fields and the fields of its root namespaces, plain values aside). */
    cJSON *match = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(defs, "match"),
                                                    "properties");
    cJSON *ops = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(match, "operation"), "enum");
    size_t n_ops = 0;
    while (esomock__api_operations[n_ops] != NULL)
        n_ops++;
    cr_assert_eq((size_t)cJSON_GetArraySize(ops), n_ops + 1, "the 39 and \"*\"");
    for (size_t i = 0; i < n_ops; i++)
        cr_assert_str_eq(cJSON_GetArrayItem(ops, (int)i)->valuestring, esomock__api_operations[i]);
    cJSON *fields =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(match, "field"), "enum");
    const struct gql_schema *api = esomock__api_schema(NULL);
    cr_assert_not_null(api);
    const struct gql_type *query = gql_schema_query_type(api);
    size_t accepted = 0;
    for (size_t i = 0; i < gql_type_field_count(query); i++) {
        const struct gql_field *root = gql_type_field_at(query, i);
        const struct gql_type *t = gql_type_ref_named(gql_field_type(root));
        size_t below = gql_field_arg_count(root) == 0 && gql_type_kind(t) == GQL_OBJECT
                           ? gql_type_field_count(t)
                           : 0;
        for (size_t j = 0; j <= below; j++) {
            char field[256], why[512];
            if (j == 0)
                snprintf(field, sizeof(field), "%s", gql_field_name(root));
            else
                snprintf(field, sizeof(field), "%s.%s", gql_field_name(root),
                         gql_field_name(gql_type_field_at(t, j - 1)));
            bool takes = esomock__api_field_path(api, field, why, sizeof(why)) != NULL;
            bool listed = false;
            for (cJSON *f = fields->child; f != NULL && !listed; f = f->next)
                listed = strcmp(f->valuestring, field) == 0;
            cr_assert_eq(listed, takes, "%s: in schema.json %d, taken by the parser %d (%s)", field,
                         listed, takes, takes ? "" : why);
            accepted += takes;
        }
    }
    cr_assert_eq((size_t)cJSON_GetArraySize(fields), accepted);
    cJSON_Delete(schema);
    free(text);
}

/* ---- sections other programs own -------------------------------------------------------- */

struct seen_section {
    int calls;
    char path[64];
    double x;
};

/* A checker for a made-up section {"x": 1}: it says what it was given. */
static void check_extra(const struct cJSON *section, const char *path,
                        struct esomock_problems *problems, void *context)
{
    struct seen_section *seen = context;
    seen->calls++;
    snprintf(seen->path, sizeof(seen->path), "%s", path);
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(section, "x");
    seen->x = cJSON_IsNumber(x) ? x->valuedouble : -1;
    if (seen->x != 1) {
        char child[80];
        snprintf(child, sizeof(child), "%s.x", path);
        esomock_problems_add(problems, child, "expected 1");
    }
}

Test(scenario_sections, a_checker_gets_its_section_and_its_problems_refuse_the_file)
{
    struct seen_section seen = {0};
    struct esomock_section extra = {.key = "extra", .check = check_extra, .context = &seen};
    struct esomock_load how = {.sections = &extra, .section_count = 1};
    struct esomock_scenario *sc = NULL;
    struct found errors;
    char *ok = json_of("{'name':'t','rules':[],'extra':{'x':1}}");
    cr_assert_eq(parse_found(ok, strlen(ok), "t", &how, &sc, &errors), ESOMOCK_OK);
    cr_assert_eq(seen.calls, 1, "the checker ran once");
    cr_assert_str_eq(seen.path, "extra", "it got the section's path");
    cr_assert_eq(seen.x, 1, "it got the section's value");
    cr_assert_eq(errors.total, 0);
    esomock__scenario_free(sc);
    free(ok);

    sc = NULL;
    char *bad = json_of("{'name':'t','rules':[{'script':[{'action':'explode'}]}],'extra':{'x':2}}");
    cr_assert_eq(parse_found(bad, strlen(bad), "t", &how, &sc, &errors), ESOMOCK_SCENARIO_INVALID);
    cr_assert_null(sc);
    assert_error(&errors, "extra.x", "expected 1");
    assert_error(&errors, "rules[0].script[0].action", "explode");
    cr_assert_eq(errors.total, 2, "the section's problems come with the file's others");
    free(bad);
}

Test(scenario_sections, a_section_nobody_checks_passes_with_a_note)
{
    struct esomock_section extra = {.key = "extra", .checked_by = "the other tool validates it"};
    struct esomock_load how = {.sections = &extra, .section_count = 1};
    struct esomock_problems *list = new_list();
    struct esomock_scenario *sc = NULL;
    const char *doc = "{\"name\":\"t\",\"rules\":[],\"extra\":[\"anything\"]}";
    cr_assert_eq(esomock__scenario_parse(doc, strlen(doc), "f.json", &how, &sc, list), ESOMOCK_OK);
    cr_assert_not_null(sc);
    esomock__scenario_free(sc);
    cr_assert_eq(esomock_problems_count(list), 1);
    const struct esomock_problem *note = esomock_problems_get(list, 0);
    cr_assert(note->note);
    cr_assert_str_eq(note->source, "f.json");
    cr_assert_str_eq(note->path, "extra");
    cr_assert_str_eq(note->message, "not checked here; the other tool validates it");
}

Test(scenario_sections, an_unknown_key_is_still_an_error_and_sections_are_suggested)
{
    struct esomock_section extra = {.key = "extra", .checked_by = "x"};
    struct esomock_load how = {.sections = &extra, .section_count = 1};
    struct esomock_scenario *sc = NULL;
    struct found errors;
    char *doc = json_of("{'name':'t','rules':[],'extr':{}}");
    cr_assert_eq(parse_found(doc, strlen(doc), "t", &how, &sc, &errors), ESOMOCK_SCENARIO_INVALID);
    assert_error(&errors, "extr", "did you mean \"extra\"?");
    assert_error(&errors, "extr",
                 "expected one of name, description, seed, settings, rules, "
                 "$schema, wire, extra");
    free(doc);
}

Test(scenario_sections, sections_are_checked_when_registered)
{
    const char *one[] = {"/nonexistent/never-read.json"};
    static const struct {
        struct esomock_section sections[2];
        size_t count;
        const char *path;
        const char *needle;
    } cases[] = {
        {{{.key = "rules"}}, 1, "sections[0].key", "eso-mock's own key"},
        {{{.key = ""}}, 1, "sections[0].key", "1-64 bytes"},
        {{{.key = NULL}}, 1, "sections[0].key", "1-64 bytes"},
        {{{.key = "a"}, {.key = "a"}}, 2, "sections[1].key", "given twice"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct esomock_check_options opts = {.sections = cases[i].sections,
                                             .section_count = cases[i].count};
        struct esomock_problems *list = new_list();
        cr_assert_eq(esomock_check_scenario_files(one, 1, &opts, list, NULL), ESOMOCK_BAD_ARGUMENT,
                     "case %zu", i);
        struct found errors;
        read_found(list, &errors);
        assert_error(&errors, cases[i].path, cases[i].needle);
    }
    struct esomock_check_options too_many = {.sections = NULL, .section_count = 1};
    cr_assert_eq(esomock_check_scenario_files(one, 1, &too_many, NULL, NULL), ESOMOCK_BAD_ARGUMENT);
    struct esomock_options server = {.sections = NULL, .section_count = 1};
    struct esomock_server *srv = NULL;
    cr_assert_eq(esomock_server_start(&server, &srv, NULL), ESOMOCK_BAD_ARGUMENT);
    cr_assert_null(srv);
}
