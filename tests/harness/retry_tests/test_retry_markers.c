/*
 * Meta-tests of the retry markers: run the subject binary ($ESO_RETRY_SUBJECT_BIN,
 * retry_subject.c) one test at a time with --filter, as a subprocess, and check
 * its exit status, its retry log lines and what its eso-mock saw; plus in-process
 * unit tests of the policy (esoh_test_effective_policy, esoh_test_retry_parse).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <esoharness/retry.h>

extern char **environ;

/* A subject run that takes longer than this is killed (with its Criterion workers). */
#define RUN_TIMEOUT_MS 30000
#define RUN_TIMEOUT_VALGRIND_MS 300000
/* Output kept from one run. */
#define OUTPUT_MAX (4u << 20)
#define ENV_MAX 512

struct subject_run {
    int exit_code; /* -1 when killed by a signal */
    int signal;
    char *out; /* stdout and stderr, interleaved; NUL-terminated */
    size_t len;
    double elapsed_ms;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether "NAME=..." entry @p entry sets variable @p name_eq ("NAME=" form). */
static bool sets(const char *entry, const char *name_eq)
{
    return has_prefix(entry, name_eq);
}

/*
 * The subject's environment: ours without Criterion's and BoxFort's own variables
 * (BXFI_MAP would make the subject think it is a sandboxed worker) and without the
 * variables a test controls; then ESO_TIME_SCALE=0.01 unless @p extra sets it,
 * then @p extra ("NAME=VALUE" strings, NULL-terminated; may be NULL).
 */
static size_t build_env(char **envp, const char *const *extra)
{
    static const char *const dropped[] = {
        "BXFI_", "BXF_", "CRITERION_", "ESO_TEST_RETRY=", "ESO_TEST_RETRY_LOG=", "ESO_TIME_SCALE="};
    size_t n = 0;
    for (char **e = environ; *e != NULL && n < ENV_MAX - 16; e++) {
        bool keep = true;
        for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
            keep = keep && !has_prefix(*e, dropped[i]);
        if (keep)
            envp[n++] = *e;
    }
    bool scale_given = false;
    for (const char *const *x = extra; x != NULL && *x != NULL && n < ENV_MAX - 2; x++) {
        scale_given = scale_given || sets(*x, "ESO_TIME_SCALE=");
        envp[n++] = (char *)*x;
    }
    if (!scale_given)
        envp[n++] = "ESO_TIME_SCALE=0.01";
    envp[n] = NULL;
    return n;
}

static int run_timeout_ms(void)
{
    return getenv("ESO_UNDER_VALGRIND") != NULL ? RUN_TIMEOUT_VALGRIND_MS : RUN_TIMEOUT_MS;
}

/* Read @p fd into @p r->out until EOF or @p deadline; false on timeout. */
static bool read_all(int fd, struct subject_run *r, double deadline)
{
    size_t cap = 1 << 14;
    r->out = malloc(cap);
    cr_assert_not_null(r->out);
    r->len = 0;
    for (;;) {
        double left = deadline - now_ms();
        if (left <= 0)
            return false;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = poll(&pfd, 1, (int)ceil(left));
        if (ready < 0 && errno == EINTR)
            continue;
        cr_assert_geq(ready, 0, "poll: %s", strerror(errno));
        if (ready == 0)
            return false;
        if (r->len + 4096 + 1 > cap && cap < OUTPUT_MAX) {
            cap *= 2;
            r->out = realloc(r->out, cap);
            cr_assert_not_null(r->out);
        }
        size_t room = cap - r->len - 1;
        if (room == 0) {
            /* Output limit reached: keep draining so the subject does not block. */
            char sink[4096];
            ssize_t got = read(fd, sink, sizeof(sink));
            if (got == 0)
                return true;
            continue;
        }
        ssize_t got = read(fd, r->out + r->len, room);
        if (got < 0 && errno == EINTR)
            continue;
        cr_assert_geq(got, 0, "read: %s", strerror(errno));
        if (got == 0)
            return true;
        r->len += (size_t)got;
        r->out[r->len] = '\0';
    }
}

/* Wait for @p pid until @p deadline; false on timeout. */
static bool wait_child(pid_t pid, int *status, double deadline)
{
    for (;;) {
        pid_t done = waitpid(pid, status, WNOHANG);
        if (done == pid)
            return true;
        cr_assert(done == 0 || errno == EINTR, "waitpid: %s", strerror(errno));
        if (now_ms() >= deadline)
            return false;
        /* The pipe is closed, so the subject is exiting: poll its end briefly. */
        nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
    }
}

/*
 * Run subject test retry_subject/@p test with Criterion output flag @p output_flag
 * ("--verbose" or "--tap") and the environment above; fails the meta-test if it
 * does not end within the timeout or dies of a signal.
 */
static void run_subject_with(struct subject_run *r, const char *test, const char *const *extra_env,
                             const char *output_flag)
{
    /* meson test sets the variable; run by hand, tests/support's default does. */
    const char *bin = getenv("ESO_RETRY_SUBJECT_BIN");
    cr_assert(bin != NULL && bin[0] != '\0', "ESO_RETRY_SUBJECT_BIN is not set");
    char filter[128];
    snprintf(filter, sizeof(filter), "retry_subject/%s", test);
    char *argv[] = {(char *)bin,     "--filter", filter, (char *)output_flag,
                    "--color=never", "-j1",      NULL};
    char *envp[ENV_MAX];
    build_env(envp, extra_env);

    int fds[2];
    cr_assert_eq(pipe2(fds, O_CLOEXEC), 0, "pipe2: %s", strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    /* Its own process group, so a timeout kills the runner and its workers together. */
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);

    double start = now_ms();
    pid_t pid = -1;
    int rc = posix_spawn(&pid, bin, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(fds[1]);
    cr_assert_eq(rc, 0, "posix_spawn %s: %s", bin, strerror(rc));

    double deadline = start + run_timeout_ms();
    bool finished = read_all(fds[0], r, deadline);
    close(fds[0]);
    int status = 0;
    if (!finished || !wait_child(pid, &status, deadline)) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        cr_assert_fail("retry_subject/%s did not finish within %d ms; output so far:\n%s", test,
                       run_timeout_ms(), r->out);
    }
    r->elapsed_ms = now_ms() - start;
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    cr_assert_eq(r->signal, 0, "retry_subject/%s was killed by signal %d; output:\n%s", test,
                 r->signal, r->out);
}

static void run_subject(struct subject_run *r, const char *test, const char *const *extra_env)
{
    run_subject_with(r, test, extra_env, "--verbose");
}

static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The number after "subject: KEY=" in the output; -1 when absent. */
static long subject_value(const struct subject_run *r, const char *key)
{
    char tag[64];
    snprintf(tag, sizeof(tag), "subject: %s=", key);
    const char *p = strstr(r->out, tag);
    return p != NULL ? strtol(p + strlen(tag), NULL, 10) : -1;
}

/* The text after "subject: KEY=" up to the end of its line. */
static const char *subject_text(const struct subject_run *r, const char *key, char *buf,
                                size_t size)
{
    char tag[64];
    snprintf(tag, sizeof(tag), "subject: %s=", key);
    const char *p = strstr(r->out, tag);
    buf[0] = '\0';
    if (p != NULL) {
        p += strlen(tag);
        size_t len = strcspn(p, "\n");
        snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), p);
    }
    return buf;
}

/* The "retry retry_subject/TEST: attempt" lines of a run. */
static size_t retry_lines(const struct subject_run *r, const char *test)
{
    char needle[128];
    snprintf(needle, sizeof(needle), "retry retry_subject/%s: attempt ", test);
    return count(r->out, needle);
}

#define assert_contains(r, text)                                                                   \
    cr_assert(strstr((r)->out, (text)) != NULL, "expected \"%s\" in the output:\n%s", (text),      \
              (r)->out)

#define assert_passed(r, test)                                                                     \
    cr_assert_eq((r)->exit_code, 0, "retry_subject/%s should pass; output:\n%s", (test), (r)->out)

#define assert_failed(r, test)                                                                     \
    cr_assert_neq((r)->exit_code, 0, "retry_subject/%s should fail; output:\n%s", (test), (r)->out)

#define assert_requests(r, n)                                                                      \
    cr_assert_eq(subject_value((r), "requests"), (n),                                              \
                 "expected %d getZones requests at the server; output:\n%s", (n), (r)->out)

/* The line of retry_subject.c that carries the comment "mark: NAME". */
static int mark_line(const char *name)
{
    const char *root = getenv("ESO_SOURCE_ROOT"); /* meson's, else tests/support's default */
    cr_assert(root != NULL && root[0] != '\0', "ESO_SOURCE_ROOT is not set");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/harness/retry_tests/retry_subject.c", root);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    char needle[64], text[512];
    snprintf(needle, sizeof(needle), "/* mark: %s */", name);
    int line = 0, found = 0;
    while (found == 0 && fgets(text, sizeof(text), f) != NULL) {
        line++;
        if (strstr(text, needle) != NULL)
            found = line;
    }
    fclose(f);
    cr_assert_gt(found, 0, "no \"%s\" in %s", needle, path);
    return found;
}

/* The subject's failure is reported at its own line marked @p mark (Criterion prints
 * "FILE:LINE: Assertion Failed"), never at a line of the harness's source. */
#define assert_reported_at(r, mark)                                                                \
    do {                                                                                           \
        char where_[64];                                                                           \
        snprintf(where_, sizeof(where_), "retry_subject.c:%d: ", mark_line(mark));                 \
        assert_contains((r), where_);                                                              \
        static const char *const harness_files_[] = {                                              \
            "/retry.c:", "/fixture_criterion.c:", "/criterion_report.c:"};                         \
        for (size_t i_ = 0; i_ < sizeof(harness_files_) / sizeof(harness_files_[0]); i_++)         \
            cr_assert_null(strstr((r)->out, harness_files_[i_]),                                   \
                           "a failure points into the harness (%s); output:\n%s",                  \
                           harness_files_[i_], (r)->out);                                          \
    } while (0)

static void finish(struct subject_run *r)
{
    free(r->out);
    r->out = NULL;
}

/* The marker re-runs the body on transient errors until it passes. */
Test(markers, retry_passes_on_third_attempt)
{
    struct subject_run r = {0};
    run_subject(&r, "passes_on_third", NULL);
    assert_passed(&r, "passes_on_third");
    assert_requests(&r, 3);
    cr_assert_eq(retry_lines(&r, "passes_on_third"), 2, "two retry lines; output:\n%s", r.out);
    assert_contains(&r, "retry retry_subject/passes_on_third: attempt 1 of 3 failed with "
                        "server_error (");
    assert_contains(&r, "retry retry_subject/passes_on_third: attempt 2 of 3 failed with "
                        "server_error (");
    assert_contains(&r, "next in 0.5 ms");
    assert_contains(&r, "retry retry_subject/passes_on_third: passed on attempt 3 of 3");
    cr_assert_eq(subject_value(&r, "attempts"), 3, "output:\n%s", r.out);
    finish(&r);
}

Test(markers, no_retry_fails_on_first_transient)
{
    struct subject_run r = {0};
    run_subject(&r, "no_retry_fails_first", NULL);
    assert_failed(&r, "no_retry_fails_first");
    assert_requests(&r, 1);
    cr_assert_eq(retry_lines(&r, "no_retry_fails_first"), 0, "no retry; output:\n%s", r.out);
    assert_contains(&r, "retry_subject/no_retry_fails_first: transient server_error on its only "
                        "attempt (no-retry test)");
    finish(&r);
}

Test(markers, assertion_failure_not_retried)
{
    struct subject_run r = {0};
    run_subject(&r, "assertion_not_retried", NULL);
    assert_failed(&r, "assertion_not_retried");
    assert_requests(&r, 1);
    assert_contains(&r, "deliberate assertion failure on server_error");
    cr_assert_eq(count(r.out, "retry retry_subject/"), 0, "no retry line; output:\n%s", r.out);
    cr_assert_eq(subject_value(&r, "attempts"), 1, "output:\n%s", r.out);
    finish(&r);
}

/* ESOH_TEST_RETRY_DEFAULT(3, 50, 1.0) in the subject: ESOH_TEST gets 3 attempts, not the
 * built-in 4.
 */
Test(markers, binary_default_applies)
{
    struct subject_run r = {0};
    run_subject(&r, "default_applies", NULL);
    assert_passed(&r, "default_applies");
    assert_requests(&r, 3);
    assert_contains(&r, "retry retry_subject/default_applies: passed on attempt 3 of 3");
    finish(&r);

    run_subject(&r, "default_exhausts", NULL);
    assert_failed(&r, "default_exhausts");
    assert_requests(&r, 3);
    assert_contains(&r, "retry_subject/default_exhausts: transient server_error on the last of 3 "
                        "attempts: ");
    finish(&r);
}

Test(markers, exhausted_attempts_fail_naming_the_error)
{
    struct subject_run r = {0};
    run_subject(&r, "exhausted", NULL);
    assert_failed(&r, "exhausted");
    assert_requests(&r, 3);
    cr_assert_eq(retry_lines(&r, "exhausted"), 2, "two retry lines; output:\n%s", r.out);
    /* Backoff 2.0: 50 ms then 100 ms, times ESO_TIME_SCALE=0.01. */
    assert_contains(&r, "attempt 1 of 3 failed with server_error (HTTP 503");
    assert_contains(&r, "next in 0.5 ms");
    assert_contains(&r, "next in 1 ms");
    assert_contains(&r, "retry_subject/exhausted: transient server_error on the last of 3 "
                        "attempts: HTTP 503");
    /* Where the last transient error was handed to the marker: the test's ESOH_REQUIRE_OK. */
    assert_reported_at(&r, "require");
    cr_assert_eq(count(r.out, "passed on attempt"), 0, "output:\n%s", r.out);
    finish(&r);
}

Test(markers, permanent_error_not_retried)
{
    struct subject_run r = {0};
    run_subject(&r, "permanent_not_retried", NULL);
    assert_failed(&r, "permanent_not_retried");
    assert_requests(&r, 1);
    cr_assert_eq(count(r.out, "retry retry_subject/"), 0, "no retry line; output:\n%s", r.out);
    assert_contains(&r, "eso_query(client, \"getZones\", NULL, NULL, &res) failed: ");
    assert_contains(&r, "400");
    assert_reported_at(&r, "require");
    finish(&r);

    run_subject(&r, "transient_with_permanent_status", NULL);
    assert_failed(&r, "transient_with_permanent_status");
    assert_contains(&r, "retry_subject/transient_with_permanent_status: graphql_error is not a "
                        "transient error (not retried) on attempt 1 of 3: Unknown field 'zones'");
    assert_reported_at(&r, "permanent");
    cr_assert_eq(count(r.out, "retry retry_subject/"), 0, "no retry line; output:\n%s", r.out);
    finish(&r);
}

Test(markers, env_off_disables_retries)
{
    struct subject_run r = {0};
    run_subject(&r, "passes_on_third", (const char *const[]){"ESO_TEST_RETRY=off", NULL});
    assert_failed(&r, "passes_on_third");
    assert_requests(&r, 1);
    cr_assert_eq(retry_lines(&r, "passes_on_third"), 0, "no retry; output:\n%s", r.out);
    assert_contains(&r, "retry_subject/passes_on_third: transient server_error on its only "
                        "attempt (ESO_TEST_RETRY allows 1 attempt)");
    finish(&r);
}

Test(markers, env_raises_attempts)
{
    struct subject_run r = {0};
    run_subject(&r, "exhausted", (const char *const[]){"ESO_TEST_RETRY=5", NULL});
    assert_passed(&r, "exhausted");
    assert_requests(&r, 5);
    cr_assert_eq(retry_lines(&r, "exhausted"), 4, "four retry lines; output:\n%s", r.out);
    /* "5" keeps the marker's delay and backoff: 50, 100, 200, 400 ms, scaled by 0.01. */
    assert_contains(&r, "attempt 4 of 5 failed with server_error (HTTP 503");
    assert_contains(&r, "next in 4 ms");
    assert_contains(&r, "retry retry_subject/exhausted: passed on attempt 5 of 5");
    finish(&r);

    run_subject(&r, "default_exhausts", (const char *const[]){"ESO_TEST_RETRY=4,10,1", NULL});
    assert_passed(&r, "default_exhausts");
    assert_contains(&r, "retry retry_subject/default_exhausts: passed on attempt 4 of 4");
    assert_contains(&r, "next in 0.1 ms");
    finish(&r);
}

Test(markers, env_never_reaches_no_retry_tests)
{
    struct subject_run r = {0};
    run_subject(&r, "no_retry_fails_first", (const char *const[]){"ESO_TEST_RETRY=5", NULL});
    assert_failed(&r, "no_retry_fails_first");
    assert_requests(&r, 1);
    assert_contains(&r, "on its only attempt (no-retry test)");
    finish(&r);
}

Test(markers, env_garbage_fails_loudly)
{
    struct subject_run r = {0};
    run_subject(&r, "passes_on_third", (const char *const[]){"ESO_TEST_RETRY=three", NULL});
    assert_failed(&r, "passes_on_third");
    assert_requests(&r, 0);
    assert_contains(&r, "retry_subject/passes_on_third: ESO_TEST_RETRY=\"three\" is not valid: "
                        "N \"three\" is not a number of attempts");
    finish(&r);
}

/* Cleanups run after every attempt, newest first (B before A), once each. */
Test(markers, deferred_cleanups_run_once_per_attempt)
{
    struct subject_run r = {0};
    run_subject(&r, "defer_each_attempt", NULL);
    assert_passed(&r, "defer_each_attempt");
    char buf[256];
    cr_assert_str_eq(subject_text(&r, "cleanups", buf, sizeof(buf)), "B1,A1,B2,A2,B3,A3",
                     "output:\n%s", r.out);
    finish(&r);
}

/* The delays grow by the backoff and follow ESO_TIME_SCALE (checked on the server's clock). */
Test(markers, backoff_and_time_scale)
{
    static const char *const scales[] = {"ESO_TIME_SCALE=1", "ESO_TIME_SCALE=2"};
    for (int i = 0; i < 2; i++) {
        double factor = i + 1;
        struct subject_run r = {0};
        run_subject(&r, "backoff_timing", (const char *const[]){scales[i], NULL});
        assert_passed(&r, "backoff_timing");
        assert_requests(&r, 3);
        char buf[128];
        double gap1 = 0, gap2 = 0;
        cr_assert_eq(sscanf(subject_text(&r, "gaps", buf, sizeof(buf)), "%lf,%lf", &gap1, &gap2), 2,
                     "gaps; output:\n%s", r.out);
        cr_expect_geq(gap1, 20 * factor, "%s: first gap %.1f ms", scales[i], gap1);
        cr_expect_geq(gap2, 40 * factor, "%s: second gap %.1f ms", scales[i], gap2);
        char line[64];
        snprintf(line, sizeof(line), "next in %.0f ms", 20 * factor);
        assert_contains(&r, line);
        snprintf(line, sizeof(line), "next in %.0f ms", 40 * factor);
        assert_contains(&r, line);
        finish(&r);
    }
}

Test(markers, transient_from_another_thread_is_refused)
{
    struct subject_run r = {0};
    run_subject(&r, "transient_from_other_thread", NULL);
    assert_failed(&r, "transient_from_other_thread");
    assert_contains(&r, "called from a thread other than the one running the test body");
    assert_reported_at(&r, "thread");
    cr_assert_eq(count(r.out, "should have ended the test"), 0, "output:\n%s", r.out);
    finish(&r);
}

Test(markers, transient_outside_a_marker_fails_at_once)
{
    struct subject_run r = {0};
    run_subject(&r, "transient_outside_marker", NULL);
    assert_failed(&r, "transient_outside_marker");
    assert_contains(&r, "esoh_test_transient(server_error) outside a retry-managed test body");
    assert_reported_at(&r, "outside");
    finish(&r);
}

Test(markers, bad_marker_fails_without_running)
{
    struct subject_run r = {0};
    run_subject(&r, "bad_marker", NULL);
    assert_failed(&r, "bad_marker");
    assert_contains(&r, "retry_subject/bad_marker: bad retry policy in ESOH_RETRY_TEST: attempts 0 "
                        "is not within 1..100");
    assert_reported_at(&r, "marker");
    cr_assert_eq(count(r.out, "must not run its body"), 0, "output:\n%s", r.out);
    finish(&r);
}

/* A fixture that cannot start and a misused esoh_test_defer fail at the caller's line. */
Test(markers, fixture_and_defer_failures_point_at_the_caller)
{
    struct subject_run r = {0};
    run_subject(&r, "fixture_start_fails", NULL);
    assert_failed(&r, "fixture_start_fails");
    assert_contains(&r, "fixture did not start: ");
    cr_assert_eq(count(r.out, "must not start"), 0, "output:\n%s", r.out);
    assert_reported_at(&r, "fixture");
    finish(&r);

    run_subject(&r, "defer_null_cleanup", NULL);
    assert_failed(&r, "defer_null_cleanup");
    assert_contains(&r, "esoh_test_defer: the cleanup is NULL");
    assert_reported_at(&r, "defer");
    finish(&r);
}

/* With --tap Criterion drops the tests' log; ESO_TEST_RETRY_LOG keeps the retry lines. */
Test(markers, retry_log_file_under_tap)
{
    char path[] = "/tmp/eso-retry-log-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0, "mkstemp: %s", strerror(errno));
    close(fd);
    char env[sizeof(path) + 32];
    snprintf(env, sizeof(env), "ESO_TEST_RETRY_LOG=%s", path);

    struct subject_run r = {0};
    run_subject_with(&r, "passes_on_third", (const char *const[]){env, NULL}, "--tap");
    assert_passed(&r, "passes_on_third");
    assert_contains(&r, "ok - retry_subject::passes_on_third");
    finish(&r);

    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    char text[4096];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    cr_assert_str_eq(text,
                     "retry retry_subject/passes_on_third: attempt 1 of 3 failed with "
                     "server_error (HTTP 503: Service Unavailable); next in 0.5 ms\n"
                     "retry retry_subject/passes_on_third: attempt 2 of 3 failed with "
                     "server_error (HTTP 503: Service Unavailable); next in 0.5 ms\n"
                     "retry retry_subject/passes_on_third: passed on attempt 3 of 3\n",
                     "log file");
}

/* ---- The policy, in process (each Criterion test is its own process: setenv stays here). */

static const struct esoh_test_retry marker = {3, 50, 2.0};

#define assert_policy(p, attempts, delay, backoff_)                                                \
    do {                                                                                           \
        struct esoh_test_retry p_ = (p);                                                           \
        cr_assert(p_.max_attempts == (attempts) && p_.initial_delay_ms == (delay) &&               \
                      p_.backoff == (backoff_),                                                    \
                  "%s: got {%u, %u, %g}, expected {%u, %u, %g}", #p, p_.max_attempts,              \
                  p_.initial_delay_ms, p_.backoff, (unsigned)(attempts), (unsigned)(delay),        \
                  (double)(backoff_));                                                             \
    } while (0)

Test(policy, without_env)
{
    unsetenv("ESO_TEST_RETRY");
    assert_policy(esoh_test_effective_policy(ESOH_TEST_RETRY_KIND_MARKED, &marker), 3, 50, 2.0);
    /* This binary has no ESOH_TEST_RETRY_DEFAULT: the built-in default applies. */
    assert_policy(esoh_test_effective_policy(ESOH_TEST_RETRY_KIND_DEFAULT, NULL), 4, 2000, 1.0);
    assert_policy(esoh_test_effective_policy(ESOH_TEST_RETRY_KIND_NEVER, NULL), 1, 0, 1.0);
    assert_policy(esoh_test_effective_policy(ESOH_TEST_RETRY_KIND_NEVER, &marker), 1, 0, 1.0);
    cr_assert_eq(esoh_test_attempt(), 1);
}

Test(policy, env_forms)
{
    static const struct {
        const char *env;
        unsigned attempts, delay;
        double backoff;
    } cases[] = {
        {"off", 1, 50, 2.0},
        {"1", 1, 50, 2.0},
        {"5", 5, 50, 2.0},
        {"5,100", 5, 100, 2.0},
        {"5,0", 5, 0, 2.0},
        {"5,100,1.5", 5, 100, 1.5},
        {"2,10,1", 2, 10, 1.0},
        {"007,08,01.25", 7, 8, 1.25},
        {"100,3600000,100", 100, 3600000, 100},
        {"", 3, 50, 2.0}, /* empty = unset */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        setenv("ESO_TEST_RETRY", cases[i].env, 1);
        struct esoh_test_retry p = esoh_test_effective_policy(ESOH_TEST_RETRY_KIND_MARKED, &marker);
        cr_expect(p.max_attempts == cases[i].attempts && p.initial_delay_ms == cases[i].delay &&
                      p.backoff == cases[i].backoff,
                  "ESO_TEST_RETRY=\"%s\": got {%u, %u, %g}", cases[i].env, p.max_attempts,
                  p.initial_delay_ms, p.backoff);
        /* The binary's default is overridden the same way; no-retry never is. */
        struct esoh_test_retry d = esoh_test_effective_policy(ESOH_TEST_RETRY_KIND_DEFAULT, NULL);
        if (cases[i].env[0] != '\0')
            cr_expect_eq(d.max_attempts, cases[i].attempts, "default, \"%s\"", cases[i].env);
        cr_expect_eq(esoh_test_effective_policy(ESOH_TEST_RETRY_KIND_NEVER, NULL).max_attempts, 1,
                     "no-retry, \"%s\"", cases[i].env);
    }
}

Test(policy, garbage_is_refused_and_ignored)
{
    static const struct {
        const char *env;
        const char *says; /* part of the error message */
    } cases[] = {
        {"three", "N \"three\""},
        {"0", "N \"0\" is not a number of attempts from 1 to 100 (\"off\" disables retries)"},
        {"-1", "N \"-1\""},
        {"+3", "N \"+3\""},
        {" 5", "N \" 5\""},
        {"5 ", "N \"5 \""},
        {"0x5", "N \"0x5\""},
        {"1e2", "N \"1e2\""},
        {"101", "N \"101\""},
        {"99999999999999999999", "N \"99999999999999999999\""},
        {"123456789012345678901234567890", "N is too long"},
        {"OFF", "N \"OFF\""},
        {"off,5", "N \"off\""},
        {"5;100", "N \"5;100\""},
        {",5", "N is empty"},
        {"5,", "DELAY_MS is empty"},
        {"5,x", "DELAY_MS \"x\" is not a whole number from 0 to 3600000"},
        {"5,-1", "DELAY_MS \"-1\""},
        {"5,3600001", "DELAY_MS \"3600001\""},
        {"5,100,", "BACKOFF is empty"},
        {"5,100,0.5", "BACKOFF \"0.5\" is not a number from 1 to 100"},
        {"5,100,101", "BACKOFF \"101\""},
        {"5,100,1.5.2", "BACKOFF \"1.5.2\""},
        {"5,100,.5", "BACKOFF \".5\""},
        {"5,100,2.", "BACKOFF \"2.\""},
        {"5,100,1,5", "more than 3 fields"}, /* locale-free: a comma is always a separator */
        {"5,100,2,3", "more than 3 fields"},
        {"5,100,nan", "BACKOFF \"nan\""},
        {"5,100,inf", "BACKOFF \"inf\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct esoh_test_retry p = marker;
        char err[200] = "unchanged";
        cr_expect_not(esoh_test_retry_parse(cases[i].env, &p, err, sizeof(err)),
                      "\"%s\" should not parse", cases[i].env);
        const char *expected = cases[i].says;
        cr_expect(strstr(err, expected) != NULL, "\"%s\": error \"%s\" should say \"%s\"",
                  cases[i].env, err, expected);
        cr_expect(p.max_attempts == 3 && p.initial_delay_ms == 50 && p.backoff == 2.0,
                  "\"%s\" changed the policy", cases[i].env);
        /* The effective policy ignores it (esoh_test_run_with_retry fails the test). */
        setenv("ESO_TEST_RETRY", cases[i].env, 1);
        struct esoh_test_retry e = esoh_test_effective_policy(ESOH_TEST_RETRY_KIND_MARKED, &marker);
        cr_expect(e.max_attempts == 3 && e.initial_delay_ms == 50 && e.backoff == 2.0,
                  "ESO_TEST_RETRY=\"%s\" changed the effective policy", cases[i].env);
    }
}

Test(policy, parse_edge_arguments)
{
    struct esoh_test_retry p = marker;
    char err[100];
    cr_assert_not(esoh_test_retry_parse(NULL, &p, err, sizeof(err)));
    cr_assert_str_eq(err, "the value is empty");
    cr_assert_not(esoh_test_retry_parse("", &p, err, sizeof(err)));
    cr_assert_not(esoh_test_retry_parse("5", NULL, err, sizeof(err)));
    cr_assert(esoh_test_retry_parse("5", &p, NULL, 0), "err may be NULL");
    cr_assert_eq(p.max_attempts, 5);
    cr_assert_not(esoh_test_retry_parse("x", &p, NULL, 0));
    char tiny[8];
    cr_assert_not(esoh_test_retry_parse("5,100,0.5", &p, tiny, sizeof(tiny)));
    cr_assert_eq(strlen(tiny), sizeof(tiny) - 1, "truncated, terminated");
}
