/*
 * The `expect` section's check, in libesologs' vocabulary: every mistake names its JSON path
 * and what was expected; what libesologs knows (every status, every operation) is accepted.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <esologs/esologs.h>
#include <esomock/problems.h>

#include "expect_private.h"

/* Test documents are written with ' for " so they stay readable in C. */
static cJSON *parse_quoted(const char *single_quoted)
{
    char *s = strdup(single_quoted);
    cr_assert_not_null(s);
    for (char *c = s; *c != '\0'; c++) {
        if (*c == '\'')
            *c = '"';
    }
    cJSON *json = cJSON_Parse(s);
    cr_assert_not_null(json, "test JSON: %s", s);
    free(s);
    return json;
}

/* Check the section @p doc; the problems (or "") as text, malloc'd. */
static char *check(const char *doc, size_t *count)
{
    cJSON *section = parse_quoted(doc);
    struct esomock_problems *problems = esomock_problems_create();
    cr_assert_not_null(problems);
    esoh__expect_check(section, "expect", problems, NULL);
    *count = esomock_problems_count(problems);
    char *text = esomock_problems_text(problems);
    cr_assert_not_null(text);
    esomock_problems_destroy(problems);
    cJSON_Delete(section);
    return text;
}

struct expect_case {
    const char *doc;
    const char *line; /* a substring of the problems' text, "PATH: message" */
};

static const struct expect_case cases[] = {
    {"[]", "expect: expected an object; got an array"},
    {"{}", "expect.calls: missing; expected the calls the client makes"},
    {"{'calls':[]}", "expect.calls: expected an array of 1 to 256 calls"},
    {"{'calls':[{'expect':{}}]}", "expect.calls[0]: missing \"operation\""},
    {"{'calls':[{'operation':'getZones','expect':{'outcome':'boom'}}]}",
     "expect.calls[0].expect.outcome: expected one of ok, bad_argument"},
    {"{'calls':[{'operation':'getZones','expect':{'attempts':[3,1]}}]}",
     "expect.calls[0].expect.attempts: expected a number or an array [min, max] with 0 <= min "
     "<= max"},
    {"{'calls':[{'operation':'getZones','expect':{'elapsed_ms':1234567890123}}]}",
     "expect.calls[0].expect.elapsed_ms: expected a number from 0 to 1000000000000"},
    {"{'calls':[{'operation':'getZones','repeat':0}]}",
     "expect.calls[0].repeat: expected a whole number from 1 to 10000"},
    {"{'client':{'jitter':'wild'},'calls':[{'operation':'getZones'}]}",
     "expect.client.jitter: expected one of none, full, equal, decorrelated"},
    {"{'client':{'retry_on':['429','sometimes']},'calls':[{'operation':'getZones'}]}",
     "expect.client.retry_on[1]: expected one of connect, timeout"},
    {"{'client':{'breaker':{'treshold':1}},'calls':[{'operation':'getZones'}]}",
     "expect.client.breaker.treshold: unknown key; expected one of threshold"},
    {"{'client':{'max_attempts':0},'calls':[{'operation':'getZones'}]}",
     "expect.client.max_attempts: expected a whole number from 1 to 100"},
    {"{'calls':[{'operation':'getZones'}],'breaker':['ajar']}",
     "expect.breaker[0]: expected one of closed, open, half_open"},
    {"{'calls':[{'operation':'getZones'}],'counters':{'nope':1}}",
     "expect.counters.nope: unknown counter; expected one of calls, calls_ok"},
    {"{'calls':[{'operation':'getZones'}],'extra':1}",
     "expect.extra: unknown key; expected one of time_scale, call_bound_ms, client, calls, "
     "breaker, counters"},
    {"{'calls':[{'operation':'getZones'},{'operation':'noSuchOp'}]}",
     "expect.calls[1].operation: unknown operation \"noSuchOp\"; expected one of the ESO Logs "
     "API v2 operations"},
};

#define CASE_COUNT (sizeof(cases) / sizeof(cases[0]))

/*
 * One test walks the table: each Criterion test is a fresh exec of the binary (40-50 ms of
 * CPU), which one test per case paid for nothing. cr_expect checks every case, so a failing
 * one does not hide the others.
 */
Test(expect_check, table)
{
    for (size_t i = 0; i < CASE_COUNT; i++) {
        const struct expect_case *c = &cases[i];
        size_t count = 0;
        char *text = check(c->doc, &count);
        cr_expect_eq(count, 1, "case %zu: one problem for %s:\n%s", i, c->doc, text);
        cr_expect(strstr(text, c->line) != NULL, "case %zu: for %s\nwanted: %s\ngot:    %s", i,
                  c->doc, c->line, text);
        free(text);
    }
}

/* The whole vocabulary of a rich section passes, with nothing to say. */
Test(expect_check, a_full_section_passes)
{
    size_t count = 0;
    char *text = check(
        "{'time_scale':0.05,'client':{'max_attempts':4,'initial_delay_ms':1000,'multiplier':2,"
        "'max_delay_ms':8000,'jitter':'decorrelated','retry_on':['connect','5xx','429'],"
        "'timeout_ms':500,'deadline_ms':9000,'breaker':{'threshold':3,'cooldown_ms':2000},"
        "'budget':false,'fallback_cache':true,'bearer_token':'t','seed':7},"
        "'calls':[{'name':'first','operation':'getGuildById','variables':{'guildId':1},"
        "'repeat':2,'concurrency':2,'wait_ms':10,'expect':{'outcome':'ok','attempts':[1,3],"
        "'server_requests':2,'elapsed_ms':[0,100],'from_cache':false,'faults':['respond']}}],"
        "'breaker':['open','half_open','closed'],'counters':{'retries':2,'token_fetches':[0,1]}}",
        &count);
    cr_assert_eq(count, 0, "%s", text);
    free(text);
}

/* Every status libesologs has is an outcome (protocol_error, the newest, too). */
Test(expect_check, every_status_is_an_outcome)
{
    for (int s = ESO_OK; s <= ESO_PROTOCOL_ERROR; s++) {
        char doc[256];
        snprintf(doc, sizeof(doc), "{'calls':[{'operation':'getZones','expect':{'outcome':'%s'}}]}",
                 eso_status_name((enum eso_status)s));
        size_t count = 0;
        char *text = check(doc, &count);
        cr_assert_eq(count, 0, "%s: %s", eso_status_name((enum eso_status)s), text);
        free(text);
        enum eso_status back;
        cr_assert(esoh__outcome_from_name(eso_status_name((enum eso_status)s), &back));
        cr_assert_eq(back, s);
    }
}

/* Every operation libesologs knows is one a call may name, and has a fixture to answer it. */
Test(expect_check, every_operation_is_callable_and_has_a_fixture)
{
    const char *dir = getenv("ESOMOCK_FIXTURES");
    if (dir == NULL)
        cr_skip_test("ESOMOCK_FIXTURES is not set");
    size_t n = eso_operation_count();
    cr_assert_eq(n, 39, "the reference lists 39 operations; libesologs knows %zu", n);
    bool *answered = calloc(n, sizeof(*answered));
    cr_assert_not_null(answered);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "open %s", dir);
    for (struct dirent *ent = readdir(d); ent != NULL; ent = readdir(d)) {
        const char *name = ent->d_name;
        size_t len = strlen(name);
        if (len < 6 || strcmp(name + len - 5, ".json") != 0)
            continue;
        /* getGuildById.3468.json and getGuildById.json both answer getGuildById. */
        size_t op_len = strcspn(name, ".");
        bool known = false;
        for (size_t i = 0; i < n && !known; i++) {
            const char *op = eso_operation_name(i);
            if (strlen(op) == op_len && strncmp(op, name, op_len) == 0)
                answered[i] = known = true;
        }
        cr_assert(known, "fixture %s answers an operation libesologs does not know", name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        cr_assert(answered[i], "no fixture answers %s", eso_operation_name(i));
        char doc[256];
        snprintf(doc, sizeof(doc), "{'calls':[{'operation':'%s'}]}", eso_operation_name(i));
        size_t count = 0;
        char *text = check(doc, &count);
        cr_assert_eq(count, 0, "%s", text);
        free(text);
    }
    free(answered);
}

/* The plan puts what the check accepted where libesologs reads it. */
Test(expect_plan, options_land_in_eso_options)
{
    cJSON *section =
        parse_quoted("{'client':{'max_attempts':4,'jitter':'equal','retry_on':['5xx','dropped'],"
                     "'breaker':{'threshold':3},'budget':false,'seed':7,'bearer_token':'t'},"
                     "'calls':[{'operation':'getZones'}],'counters':{'retries':[1,2]}}");
    struct esoh__run_plan *plan = malloc(sizeof(*plan));
    cr_assert_not_null(plan);
    char err[256];
    cr_assert_eq(esoh__expect_plan(section, plan, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(plan->client.max_attempts, 4);
    cr_assert_eq(plan->client.jitter, ESO_JITTER_EQUAL);
    cr_assert_eq(plan->client.retry_on, ESO_RETRY_500 | ESO_RETRY_502 | ESO_RETRY_503 |
                                            ESO_RETRY_504 | ESO_RETRY_5XX_OTHER |
                                            ESO_RETRY_DROPPED);
    cr_assert_eq(plan->client.breaker_threshold, 3);
    cr_assert(plan->client.budget_disabled);
    cr_assert_not(plan->client.breaker_disabled);
    cr_assert_eq(plan->client.seed, 7);
    cr_assert_str_eq(plan->client.bearer_token, "t");
    cr_assert_eq(plan->call_count, 1);
    cr_assert_eq(plan->counter_count, 1);
    struct eso_counters counters = {.retries = 2};
    double value = 0;
    cr_assert(esoh__counter_value(&counters, "retries", &value));
    cr_assert_eq(value, 2);
    cr_assert_not(esoh__counter_value(&counters, "nope", &value));
    free(plan);
    cJSON_Delete(section);
}
