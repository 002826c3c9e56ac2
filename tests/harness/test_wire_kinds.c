/*
 * Every kind of wire expectation, judged on a real run: a scripted client (wire_subject.py,
 * an eso-adapter/1 adapter whose behaviour its arguments set) meets it in one run and breaks
 * it in another, against the scenarios of tests/harness/wire/. Each case names the verdicts
 * the run must give; a verdict that does not hold fails the case with the run's whole JSON.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "harness_test_util.h"
#include "scenario_run.h"

struct verdict {
    const char *behaviour; /* the wire expectation's */
    const char *kind;      /* "attempts", "breaker"... */
    bool passed;
};

struct wire_case {
    const char *name;
    const char *scenario; /* in tests/harness/wire/ */
    const char *subject;  /* wire_subject.py's arguments */
    struct verdict verdicts[6];
};

static const struct wire_case cases[] = {
    {"retry_meets",
     "wire-retry",
     "--attempts 3 --wait 1 --growth 2 --jitter 0.4",
     {{"three attempts", "attempts", true},
      {"ends ok", "last_answer", true},
      {"waits", "wait_s", true},
      {"grows", "growth", true},
      {"jittered", "jitter", true}}},
    {"retry_breaks_attempts",
     "wire-retry",
     "--attempts 1",
     {{"three attempts", "attempts", false},
      {"ends ok", "last_answer", false},
      {"grows", "growth", false},
      {"jittered", "jitter", false}}},
    /* Waits that shrink (0.6 s, then 0.15 s): a client's latency on a loaded machine only
     * lengthens a wait, so neither the short one nor the shrinking can pass by accident. And
     * no X-Request-Id: calls are told apart by time alone. Run at its own time scale
     * (time_scale_of). */
    {"retry_breaks_waits",
     "wire-retry",
     "--attempts 3 --wait 0.6 --growth 0.25 --no-request-id",
     {{"three attempts", "attempts", true},
      {"ends ok", "last_answer", true},
      {"waits", "wait_s", false},
      {"grows", "growth", false},
      {"jittered", "jitter", false}}},
    {"wait_too_long",
     "wire-retry",
     "--attempts 3 --wait 5",
     {{"waits", "wait_s", false}, {"three attempts", "attempts", true}}},
    {"retry_after_meets",
     "wire-retry-after",
     "--attempts 2 --honour-retry-after",
     {{"honours Retry-After", "retry_after", true}, {"honours Retry-After", "attempts", true}}},
    {"retry_after_breaks",
     "wire-retry-after",
     "--attempts 2 --wait 0.5",
     {{"honours Retry-After", "retry_after", false}, {"honours Retry-After", "attempts", true}}},
    {"no_retry_meets",
     "wire-no-retry",
     "--retry-on 5xx --token refresh --attempts 3",
     {{"400", "no_retry_after", true},
      {"graphql", "no_retry_after", true},
      {"401", "no_retry_after", true}}},
    {"no_retry_breaks",
     "wire-no-retry",
     "--retry-on 400,graphql,401 --attempts 3 --wait 0.2",
     {{"400", "no_retry_after", false},
      {"graphql", "no_retry_after", false},
      {"401", "no_retry_after", false}}},
    {"deadline_meets",
     "wire-deadline",
     "--timeout 2 --attempts 5 --deadline 5",
     {{"deadline", "deadline_s", true}}},
    {"deadline_breaks",
     "wire-deadline",
     "--timeout 3 --attempts 4",
     {{"deadline", "deadline_s", false}}},
    {"outage_meets",
     "wire-outage",
     "--breaker 3,5,1",
     {{"requests", "requests", true},
      {"per call", "requests_per_call", true},
      {"breaker", "breaker", true},
      {"reopens", "breaker", true}}},
    {"outage_breaks",
     "wire-outage",
     "--attempts 3 --wait 0.1",
     {{"requests", "requests", false},
      {"per call", "requests_per_call", false},
      {"breaker", "breaker", false},
      {"reopens", "breaker", false}}},
    {"breaker_does_not_reopen",
     "wire-outage",
     "--breaker 3,5,0",
     {{"breaker", "breaker", true}, {"reopens", "breaker", false}}},
    {"tokens_meet",
     "wire-tokens",
     "--token proactive",
     {{"tokens", "token_requests", true}, {"no 401", "unauthorized", true}}},
    {"tokens_per_call",
     "wire-tokens",
     "--token per-call",
     {{"tokens", "token_requests", false}, {"no 401", "unauthorized", true}}},
    {"token_never_refreshed",
     "wire-tokens",
     "--token once",
     {{"tokens", "token_requests", false}, {"no 401", "unauthorized", false}}},
    {"budget_meets", "wire-budget", "--pace 2.5", {{"no 429", "rate_limited", true}}},
    {"budget_breaks", "wire-budget", "", {{"no 429", "rate_limited", false}}},
    {"concurrency_meets",
     "wire-concurrency",
     "--concurrency 2",
     {{"two at once", "max_in_flight", true}}},
    {"concurrency_breaks",
     "wire-concurrency",
     "--concurrency 6",
     {{"two at once", "max_in_flight", false}}},
};

/*
 * Cases run at the scenario's time scale unless they judge waits that must read as equal:
 * at wire-retry's 0.05 a 0.6 s wait is 30 real ms, and a loaded machine's scheduling (25 ms
 * seen at --num-processes 8 on 2 cores) spreads equal waits past the jitter judge's allowance
 * of 2 x (20 scenario + 2 real) ms; at 0.2 the same noise is a quarter as much.
 */
static const char *time_scale_of(const struct wire_case *c)
{
    return strcmp(c->name, "retry_breaks_waits") == 0 ? "0.2" : NULL;
}

ParameterizedTestParameters(wire_kinds, each)
{
    static size_t indexes[sizeof(cases) / sizeof(cases[0])];
    for (size_t i = 0; i < sizeof(indexes) / sizeof(indexes[0]); i++)
        indexes[i] = i;
    return cr_make_param_array(size_t, indexes, sizeof(indexes) / sizeof(indexes[0]));
}

ParameterizedTest(size_t *index, wire_kinds, each, .timeout = 60)
{
    const struct wire_case *c = &cases[*index];
    /* Python under valgrind (traced as a child) is far too slow and reports its own. */
    if (under_valgrind())
        cr_skip_test("%s: the scripted client is Python: not run under valgrind", c->name);
    char subject[512], scenario[512], cmd[1536], rel[128];
    source_path("tests/harness/wire_subject.py", subject, sizeof(subject));
    snprintf(rel, sizeof(rel), "tests/harness/wire/%s.json", c->scenario);
    source_path(rel, scenario, sizeof(scenario));
    snprintf(cmd, sizeof(cmd), "'%s' '%s' %s", python(), subject, c->subject);
    char *output = NULL;
    const char *scale = time_scale_of(c);
    int rc = scale != NULL
                 ? scenario_run((const char *const[]){"run", "--json", "--time-scale", scale,
                                                      "--client-cmd", cmd, scenario, NULL},
                                &output)
                 : scenario_run(
                       (const char *const[]){"run", "--json", "--client-cmd", cmd, scenario, NULL},
                       &output);
    cJSON *report = scenario_json(output, NULL);
    cr_assert_not_null(report, "%s: no JSON report (exit %d): %s", c->name, rc, output);
    cr_assert_null(cJSON_GetObjectItemCaseSensitive(report, "error"), "%s: the run failed: %s",
                   c->name, output);
    bool all = true;
    for (size_t i = 0; i < sizeof(c->verdicts) / sizeof(c->verdicts[0]); i++) {
        const struct verdict *v = &c->verdicts[i];
        if (v->kind == NULL)
            break;
        char what[64];
        snprintf(what, sizeof(what), "wire.%s", v->kind);
        const cJSON *check = find_check(report, v->behaviour, what);
        cr_assert_not_null(check, "%s: no %s verdict for \"%s\": %s", c->name, what, v->behaviour,
                           output);
        bool passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(check, "passed"));
        const cJSON *got = cJSON_GetObjectItemCaseSensitive(check, "got");
        cr_expect_eq(passed, v->passed, "%s: \"%s\" %s should %s; observed: %s", c->name,
                     v->behaviour, what, v->passed ? "pass" : "fail",
                     cJSON_IsString(got) ? got->valuestring : "?");
        all = all && v->passed;
    }
    /* The run's verdict follows: every check held exactly when every verdict passed. */
    const cJSON *passed = cJSON_GetObjectItemCaseSensitive(report, "passed");
    if (!all)
        cr_expect(cJSON_IsFalse(passed), "%s: a failed verdict fails the scenario", c->name);
    cr_expect_eq(rc, cJSON_IsTrue(passed) ? 0 : 1, "%s: exit status %d", c->name, rc);
    cJSON_Delete(report);
    free(output);
}
