/*
 * The conformance suite's scorecards, pinned: libesologs scores every line; the naive
 * examples (Python, Node) fail exactly the lines a client without retries, breaker, pacing
 * or token refresh must fail; the seed-guide examples fail exactly what the guide leaves out
 * (docs/harness.md says which and why). A line that moves fails here, naming it.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness_test_util.h"
#include "scenario_run.h"

/* The behaviours of scenarios/conformance/, as the scorecard names them. */
#define B_BREAKER "stops after repeated failures, then sends one probe (a circuit breaker)"
#define B_REOPEN "opens again when the probe fails"
#define B_BUDGET "stays within a retry budget in a sustained outage"
#define B_DEADLINE "gives up by its deadline (60 s)"
#define B_400 "never retries a 400"
#define B_VALIDATION "never retries a GraphQL validation error"
#define B_PACING "paces its calls under the points budget (no 429)"
#define B_5XX "retries 5xx answers (500, 502, 503, 504) until one succeeds"
#define B_JITTER "randomises its waits (jitter)"
#define B_RA_SECONDS "waits for Retry-After in seconds, then retries"
#define B_RA_DATE "waits for Retry-After as an HTTP-date, then retries"
#define B_CONNECTION "retries dropped and reset connections"
#define B_TIMEOUT "retries read timeouts"
#define B_GROWTH "waits longer after each failed attempt (exponential backoff)"
#define B_REFRESH "refreshes an expired token"
#define B_TOKEN_REUSE "reuses its access token (not one per call)"
#define B_401 "stops after a 401 with a fresh token"

static const char *const all_behaviours[] = {
    B_BREAKER, B_REOPEN, B_BUDGET,  B_DEADLINE,    B_400,     B_VALIDATION,
    B_PACING,  B_5XX,    B_JITTER,  B_RA_SECONDS,  B_RA_DATE, B_CONNECTION,
    B_TIMEOUT, B_GROWTH, B_REFRESH, B_TOKEN_REUSE, B_401,
};
#define BEHAVIOURS (sizeof(all_behaviours) / sizeof(all_behaviours[0]))

/* What the naive client lacks: every retry, the breaker, pacing and token refresh. */
static const char *const naive_fails[] = {
    B_BREAKER, B_REOPEN,     B_PACING,  B_5XX,    B_JITTER,  B_RA_SECONDS,
    B_RA_DATE, B_CONNECTION, B_TIMEOUT, B_GROWTH, B_REFRESH, NULL,
};

/* What the seed guide leaves out: 5xx and connection retries (its selective retry takes
 * timeouts only), jitter, Retry-After (a fixed 5 s), deadlines (60 s timeouts, retried), a
 * half-open breaker (its breaker closes after the timeout), pacing by the points budget,
 * token refresh. */
static const char *const seed_fails[] = {
    B_REOPEN,     B_DEADLINE, B_PACING,     B_5XX,     B_JITTER,
    B_RA_SECONDS, B_RA_DATE,  B_CONNECTION, B_REFRESH, NULL,
};

static bool listed(const char *const *list, const char *behaviour)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        if (strcmp(list[i], behaviour) == 0)
            return true;
    }
    return false;
}

/* The scorecard line of @p behaviour in @p out: "PASS" or "FAIL", or NULL. */
static const char *result_of(const char *out, const char *behaviour)
{
    char needle[256];
    snprintf(needle, sizeof(needle), "  %s  [", behaviour);
    const char *at = strstr(out, needle);
    if (at == NULL || at - out < 4)
        return NULL;
    return strncmp(at - 4, "PASS", 4) == 0   ? "PASS"
           : strncmp(at - 4, "FAIL", 4) == 0 ? "FAIL"
                                             : NULL;
}

/* Play the suite against @p cmd (NULL: libesologs) and compare every line. */
static void scorecard(const char *cmd, const char *const *fails)
{
    char *out = NULL;
    int rc = cmd != NULL
                 ? scenario_run((const char *const[]){"conform", "--client-cmd", cmd, NULL}, &out)
                 : scenario_run((const char *const[]){"conform", NULL}, &out);
    size_t expected_fails = 0;
    for (size_t i = 0; i < BEHAVIOURS; i++) {
        const char *got = result_of(out, all_behaviours[i]);
        bool should_fail = listed(fails, all_behaviours[i]);
        expected_fails += should_fail;
        cr_assert_not_null(got, "no scorecard line \"%s\":\n%s", all_behaviours[i], out);
        cr_expect_str_eq(got, should_fail ? "FAIL" : "PASS", "%s: \"%s\"\n%s",
                         cmd != NULL ? cmd : "libesologs", all_behaviours[i], out);
    }
    char score[64];
    snprintf(score, sizeof(score), "score: %zu of %zu behaviours", BEHAVIOURS - expected_fails,
             BEHAVIOURS);
    cr_expect_not_null(strstr(out, score), "\"%s\" and no other line:\n%s", score, out);
    cr_expect_eq(rc, expected_fails == 0 ? 0 : 1, "exit status %d", rc);
    free(out);
}

/* `python3 FILE` / `node FILE` for an example, or skip when the interpreter is missing. */
static void example(const char *interpreter, const char *file, char *cmd, size_t size)
{
    if (under_valgrind())
        cr_skip_test("the examples are Python and Node: not run under valgrind");
    if (!have_program(interpreter))
        cr_skip_test("%s is not installed (ci/bootstrap examples)", interpreter);
    char path[512];
    snprintf(cmd, size, "'%s' '%s'", interpreter, source_path(file, path, sizeof(path)));
}

TestSuite(conform, .timeout = 120);

Test(conform, libesologs_scores_every_line)
{
    if (under_valgrind())
        cr_skip_test("the suite's timing needs real speed");
    scorecard(NULL, NULL);
}

Test(conform, naive_python_fails_what_it_lacks)
{
    char cmd[600];
    example(python(), "examples/python/naive.py", cmd, sizeof(cmd));
    scorecard(cmd, naive_fails);
}

Test(conform, naive_node_fails_what_it_lacks)
{
    char cmd[600];
    example("node", "examples/node/naive.js", cmd, sizeof(cmd));
    scorecard(cmd, naive_fails);
}

Test(conform, seed_python_fails_what_the_guide_leaves_out)
{
    char cmd[600];
    example(python(), "examples/python/resilient.py", cmd, sizeof(cmd));
    scorecard(cmd, seed_fails);
}

Test(conform, seed_node_fails_what_the_guide_leaves_out)
{
    char cmd[600];
    example("node", "examples/node/resilient.js", cmd, sizeof(cmd));
    scorecard(cmd, seed_fails);
}
