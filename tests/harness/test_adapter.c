/*
 * The adapter protocol's failure modes: a client command that never starts, dies, writes
 * garbage, says nothing, speaks another version, answers a call that was not asked or never
 * answers. Each is reported in a line a person can act on, fails its scenario, and never
 * hangs the harness. The adapters are small sh scripts, so these run under valgrind too.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "harness_test_util.h"
#include "scenario_run.h"

static char dir[] = "/tmp/eso-adapter-test-XXXXXX";
static char scenario[600];

/* The bounds, in s: under valgrind (which traces the sh, sed and head of these adapters too)
 * a loaded machine takes seconds to start them. */
static int call_bound_s(void)
{
    return under_valgrind() ? 8 : 2;
}

static double ready_bound_s(void)
{
    return under_valgrind() ? 6 : 1.5;
}

/* Two calls of getZones with no faults, and a bound of call_bound_s() per call. */
static void make_scenario(void)
{
    cr_assert_not_null(mkdtemp(dir), "mkdtemp");
    snprintf(scenario, sizeof(scenario), "%s/two-calls.json", dir);
    FILE *f = fopen(scenario, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "{\"name\":\"two-calls\",\"rules\":[],\"expect\":{\"call_bound_ms\":%d,"
            "\"time_scale\":1,\"calls\":[{\"operation\":\"getZones\",\"expect\":{\"outcome\":"
            "\"ok\"}},{\"operation\":\"getZones\"}]}}",
            call_bound_s() * 1000);
    cr_assert_eq(fclose(f), 0);
    char ready[32];
    snprintf(ready, sizeof(ready), "%.0f", ready_bound_s() * 1000);
    setenv("ESO_ADAPTER_READY_MS", ready, 1);
}

static void remove_scenario(void)
{
    unlink(scenario);
    rmdir(dir);
}

TestSuite(adapter, .init = make_scenario, .fini = remove_scenario, .timeout = 60);

/* An sh adapter: ready, then @p on_call for each call line (in $l, its number in $n). */
#define ADAPTER(on_call)                                                                           \
    "while read -r l; do case \"$l\" in *'\"hello\"'*) "                                           \
    "echo '{\"type\":\"ready\",\"protocol\":\"eso-adapter/1\"}';; *'\"call\"'*) "                  \
    "n=$(printf '%s\\n' \"$l\" | sed 's/.*\"call\":\\([0-9]*\\).*/\\1/'); " on_call                \
    ";; esac; done"

#define ANSWER_OK "echo \"{\\\"type\\\":\\\"result\\\",\\\"call\\\":$n,\\\"ok\\\":true}\""

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run the scenario against @p cmd: its exit status, its text output in *out. */
static int run_with(const char *cmd, char **out)
{
    return scenario_run((const char *const[]){"run", "--client-cmd", cmd, scenario, NULL}, out);
}

Test(adapter, a_well_behaved_script_passes)
{
    char *out = NULL;
    int rc = run_with(ADAPTER(ANSWER_OK), &out);
    cr_assert_eq(rc, 0, "a client answering ok passes: %s", out);
    cr_assert_not_null(strstr(out, "client exited with status 0"), "it ended by itself: %s", out);
    free(out);
}

Test(adapter, a_command_that_does_not_exist_is_named)
{
    char *out = NULL;
    int rc = run_with("no-such-client-command-xyz", &out);
    cr_assert_eq(rc, 1, "%s", out);
    /* Gone before or after the hello was written: either way, its exit status. */
    cr_assert(strstr(out, "the client command closed its stdout (exited with status 127)") !=
                      NULL ||
                  strstr(out, "the client command stopped reading its stdin (Broken pipe) "
                              "(exited with status 127)") != NULL,
              "the exit status: %s", out);
    cr_assert_not_null(strstr(out, "no-such-client-command-xyz"), "its stderr: %s", out);
    free(out);
}

/* On its first call, its last words come after a flood of stderr, just before it exits: the
 * report waits for the stderr drain to reach the end, so they are what it quotes. */
Test(adapter, its_last_words_on_stderr_are_quoted)
{
    char *out = NULL;
    int rc = run_with(ADAPTER("head -c 400000 /dev/zero | tr '\\0' x >&2; echo >&2; "
                              "echo 'last words: no licence' >&2; exit 3"),
                      &out);
    cr_assert_eq(rc, 1, "%s", out);
    cr_assert_not_null(
        strstr(out, "(exited with status 3); its stderr ends: last words: no licence"),
        "why it went: %s", out);
    free(out);
}

Test(adapter, one_that_never_says_ready_is_ended)
{
    char *out = NULL;
    double t0 = now_s();
    int rc = run_with("exec sleep 30", &out);
    cr_assert_eq(rc, 1, "%s", out);
    char said[96];
    snprintf(said, sizeof(said), "said nothing within %g s of starting (no ready line)",
             ready_bound_s());
    cr_assert_not_null(strstr(out, said), "why: %s", out);
    cr_assert_lt(now_s() - t0, 20, "the harness did not wait for the sleep: %s", out);
    free(out);
}

Test(adapter, another_protocol_version_is_refused)
{
    char *out = NULL;
    int rc = run_with("read -r l; echo '{\"type\":\"ready\",\"protocol\":\"eso-adapter/9\"}'; "
                      "cat >/dev/null",
                      &out);
    cr_assert_eq(rc, 1, "%s", out);
    cr_assert_not_null(strstr(out, "speaks \"eso-adapter/9\"; this harness speaks eso-adapter/1"),
                       "%s", out);
    free(out);
}

Test(adapter, one_that_dies_on_a_call_fails_it_and_the_rest_are_not_made)
{
    char *out = NULL;
    int rc = run_with(ADAPTER("exit 3"), &out);
    cr_assert_eq(rc, 1, "%s", out);
    cr_assert_not_null(strstr(out, "answer expected the client's answer, got the client command "
                                   "closed its stdout (exited with status 3)"),
                       "the call fails with the reason: %s", out);
    cr_assert_not_null(strstr(out, "not made: the client had stopped answering"),
                       "the second call is not made: %s", out);
    free(out);
}

Test(adapter, garbage_on_stdout_is_quoted)
{
    char *out = NULL;
    int rc = run_with(ADAPTER("echo 'hello from a debug print'"), &out);
    cr_assert_eq(rc, 1, "%s", out);
    cr_assert_not_null(strstr(out, "wrote \"hello from a debug print\" where a result line"), "%s",
                       out);
    free(out);
}

Test(adapter, an_answer_to_a_call_not_asked_is_refused)
{
    char *out = NULL;
    int rc = run_with(ADAPTER("echo '{\"type\":\"result\",\"call\":99,\"ok\":true}'"), &out);
    cr_assert_eq(rc, 1, "%s", out);
    cr_assert_not_null(strstr(out, "the client answered a call that was not due"), "%s", out);
    free(out);
}

Test(adapter, a_call_never_answered_fails_within_the_bound)
{
    char *out = NULL;
    double t0 = now_s();
    /* Reads the call, answers nothing, ignores the end of its stdin: ended by the harness. */
    int rc = run_with("trap '' TERM; " ADAPTER("sleep 30"), &out);
    double took = now_s() - t0;
    cr_assert_eq(rc, 1, "%s", out);
    char bound[64];
    snprintf(bound, sizeof(bound), "no answer within %d scenario s", call_bound_s());
    cr_assert_not_null(strstr(out, bound), "the bound: %s", out);
    cr_assert_not_null(strstr(out, "a client that hangs fails its call"), "%s", out);
    cr_assert_not_null(strstr(out, "(ended by the harness)"), "SIGTERM then SIGKILL: %s", out);
    cr_assert_lt(took, call_bound_s() + 18, "the harness did not wait for the client: %.1f s",
                 took);
    free(out);
}

Test(adapter, stderr_is_kept_and_secrets_masked)
{
    char *out = NULL;
    int rc = run_with("t=abc.def; echo \"id=$ESOLOGS_ID secret=$ESOLOGS_SECRET Bearer $t-123 "
                      "scale=$ESO_TIME_SCALE api=$ESOLOGS_API_URL\" >&2; " ADAPTER(ANSWER_OK),
                      &out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert_not_null(strstr(out, "id=harness-client secret=[redacted] Bearer [redacted]"),
                       "stderr is shown, the secret and the token masked: %s", out);
    cr_assert_null(strstr(out, "harness-secret"), "no secret: %s", out);
    cr_assert_null(strstr(out, "abc.def-123"), "no token: %s", out);
    cr_assert_not_null(strstr(out, "scale=1 api=http://127.0.0.1:"), "the environment: %s", out);
    cr_assert_not_null(strstr(out, "/api/v2/client"), "the API URL: %s", out);
    free(out);
}
