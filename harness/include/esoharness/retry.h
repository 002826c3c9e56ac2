/*
 * Per-test retry and no-retry markers for Criterion tests.
 *
 * A test that talks to a network service may fail on a transient error
 * (timeout, refused or dropped connection, 429, 5xx) that says nothing about
 * the code under test. A retry marker re-runs the test body, in the same test
 * process, when, and only when, the body reported such an error through
 * esoh_test_transient() (or the ESOH_REQUIRE_OK() helper). An assertion failure
 * is never retried: it fails the test at once, as Criterion always does.
 *
 *     ESOH_RETRY_TEST(5, 2000, 2.0, guilds, large_fetch, .timeout = 60) { ... }
 *     ESOH_NO_RETRY_TEST(abilities, quick) { ... }
 *     ESOH_TEST(guilds, by_id) { ... }          // the binary's default policy
 *
 * The arguments after the policy are Criterion's Test() arguments, unchanged.
 *
 * Policy for ESOH_TEST: ESOH_TEST_RETRY_DEFAULT(...) in one file of the test
 * binary (it is per binary: other binaries keep theirs), else 4 attempts
 * (1 + 3 reruns), 2000 ms apart, backoff 1.0 — the Python client's integration
 * tests. A plain Criterion Test() is never retried: neither the default nor
 * ESO_TEST_RETRY applies to it. The environment variable ESO_TEST_RETRY
 * overrides every marker's policy for a whole CI run: "off" (no retries),
 * "N" (attempts), "N,DELAY_MS" or "N,DELAY_MS,BACKOFF"; the fields it leaves
 * out keep the marker's values; set but empty counts as unset. A value that
 * does not parse fails every ESOH_TEST and ESOH_RETRY_TEST before its body runs,
 * naming the variable (a CI misconfiguration is loud). ESOH_NO_RETRY_TEST is
 * never retried, whatever ESO_TEST_RETRY says.
 * ESO_TIME_SCALE (a positive number, as for libesologs) multiplies the delays.
 *
 * Each retry is logged with cr_log_info (shown by `--verbose`) with the
 * attempt, the error and the delay; a test that needed more than one attempt
 * logs "passed on attempt K of N". cr_log_warn is not used on purpose: any
 * warning makes a Criterion 2.4 binary exit non-zero, which meson reports as an
 * error even when every test passed. With `--tap` Criterion discards the
 * tests' log and stderr; set ESO_TEST_RETRY_LOG to a file path and every such
 * line is also appended there (one write per line, safe with -jN).
 *
 * The body runs again from the top, so state it built in an earlier attempt
 * must be released: register cleanups with esoh_test_defer() (harness fixtures
 * do this themselves); they run after each attempt, newest first. Criterion's
 * .init/.fini run once per test, around all attempts. After an assertion
 * failure the attempt's deferred cleanups do not run: Criterion leaves the body
 * at once, runs .fini and ends the test process (a cleanup could otherwise run
 * after .fini freed what it uses).
 *
 * A failed cr_expect() in an attempt that is then retried still fails the
 * test: an assertion failure is never undone by a later attempt.
 *
 * Thread safety: esoh_test_transient() must be called by the thread running the
 * body (a call from another thread kills the test with a message saying so),
 * from the body or a function it calls, never from .init/.fini (after an
 * assertion failure the loop it would jump back to is gone), and not from inside
 * a callback that holds a lock (the longjmp would leave it held).
 * esoh_test_defer() and esoh_test_attempt() may be called from any thread.
 * Criterion runs each test in its own process, so the markers' state is per test.
 *
 * Where failures point: a failure the harness reports (the last attempt's
 * transient error, a permanent status, a bad policy, misuse) names the caller's
 * file and line (the esoh_test_transient() or ESOH_REQUIRE_OK() call, the
 * esoh_test_defer() call, the marker), not the harness's source. The lower-case
 * names below are macros that pass __FILE__ and __LINE__ to the *_at()
 * functions; a helper of yours that wraps them can pass its own caller's.
 */
#ifndef ESOHARNESS_RETRY_H
#define ESOHARNESS_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <criterion/criterion.h>

#include <esologs/client.h>
#include <esologs/status.h>

#ifdef __cplusplus
extern "C" {
#define ESOH_NORETURN [[noreturn]]
#else
#define ESOH_NORETURN _Noreturn
#endif

/* The environment variable that overrides every marker's policy. */
#define ESOH_TEST_RETRY_ENV "ESO_TEST_RETRY"
/* The environment variable naming a file that receives a copy of every retry log line. */
#define ESOH_TEST_RETRY_LOG_ENV "ESO_TEST_RETRY_LOG"

/* Limits of a policy (markers, ESOH_TEST_RETRY_DEFAULT and ESO_TEST_RETRY alike). */
#define ESOH_TEST_RETRY_MAX_ATTEMPTS 100u
#define ESOH_TEST_RETRY_MAX_DELAY_MS 3600000u /* one hour, before the time scale */
#define ESOH_TEST_RETRY_MAX_BACKOFF 100.0

/* Cleanups esoh_test_defer() accepts per attempt (and outside an attempt). */
#define ESOH_TEST_DEFER_MAX 64

struct esoh_test_retry {
    unsigned max_attempts;     /* first run included; 1 = no retry; 1..100 */
    unsigned initial_delay_ms; /* before the second attempt, scenario ms (ESO_TIME_SCALE
                                  applies); 0..3600000 */
    double backoff;            /* delay multiplier per further attempt; 1.0 = fixed; 1.0..100 */
};

/* The marker's kind, which decides how ESO_TEST_RETRY applies. */
enum esoh_test_retry_kind {
    ESOH_TEST_RETRY_KIND_DEFAULT, /* ESOH_TEST: the binary's default (env may override) */
    ESOH_TEST_RETRY_KIND_MARKED,  /* ESOH_RETRY_TEST: its own policy (env may override) */
    ESOH_TEST_RETRY_KIND_NEVER,   /* ESOH_NO_RETRY_TEST: never retried, whatever the env says */
};

/**
 * Run @p body under @p policy. Used by the marker macros; call it directly only
 * to build your own markers. Fails the test (a Criterion assertion failure) when
 * the policy is out of range, when ESO_TEST_RETRY does not parse, when nested,
 * or when the last attempt failed.
 * @param file    the marker's file (__FILE__), where a bad policy is reported;
 *                borrowed for the test's lifetime (a string literal); NULL = unknown.
 * @param line    the marker's line (__LINE__).
 * @param name    "suite/test", for the log lines. Borrowed for the call.
 * @param policy  the marker's policy; NULL = the binary's default (ignored for
 *                ESOH_TEST_RETRY_KIND_NEVER). Borrowed for the call.
 */
void esoh_test_run_with_retry(const char *file, int line, const char *name,
                              enum esoh_test_retry_kind kind, const struct esoh_test_retry *policy,
                              void (*body)(void));

/**
 * esoh_test_transient(status, detail): report a transient failure from inside a
 * test body. With attempts left the body is abandoned (longjmp), the attempt's
 * deferred cleanups run, and the body runs again after the backoff; otherwise the
 * test fails with the error and the number of attempts made, reported at this
 * call's file and line. Outside a retry-managed body (or from a deferred cleanup)
 * it fails the test at once.
 * @param file    where the error was seen (__FILE__); borrowed for the test's
 *                lifetime (a string literal); NULL = unknown.
 * @param line    its line (__LINE__).
 * @param status  the libesologs status; a non-transient one (eso_status_is_transient()
 *                false, ESO_OK included) fails the test at once.
 * @param detail  what happened (e.g. eso_result.detail); copied; may be NULL.
 */
ESOH_NORETURN void esoh_test_transient_at(const char *file, int line, enum eso_status status,
                                          const char *detail);
#define esoh_test_transient(...) esoh_test_transient_at(__FILE__, __LINE__, __VA_ARGS__)

/**
 * esoh_test_defer(cleanup, arg): register @p cleanup(@p arg) to run when the
 * current attempt ends (passed, about to be retried, or failed on its last
 * transient error), newest first.
 * Not after an assertion failure (see the top of this file). Outside a
 * retry-managed body (e.g. in .init) it runs when the test process exits,
 * after .fini. At most ESOH_TEST_DEFER_MAX per attempt: one more is run at once
 * and the test fails. @p arg is borrowed until the cleanup runs; it must not
 * point into the body's stack (the body's frame is gone when a retry's
 * cleanups run).
 */
void esoh_test_defer_at(const char *file, int line, void (*cleanup)(void *arg), void *arg);
#define esoh_test_defer(...) esoh_test_defer_at(__FILE__, __LINE__, __VA_ARGS__)

/**
 * The current attempt, 1-based: 1 before a retry-managed body starts (and outside
 * one); once it ended (e.g. in .fini), the attempt it ended on.
 */
unsigned esoh_test_attempt(void);

/**
 * The policy a marker of @p kind gets after ESO_TEST_RETRY, given its own @p policy
 * (NULL = the binary's default). ESOH_TEST_RETRY_KIND_NEVER gives {1, 0, 1.0}.
 * An ESO_TEST_RETRY that does not parse is ignored here (the marker's own policy
 * is returned); esoh_test_run_with_retry() fails the test for it.
 */
struct esoh_test_retry esoh_test_effective_policy(enum esoh_test_retry_kind kind,
                                                  const struct esoh_test_retry *policy);

/**
 * Parse an ESO_TEST_RETRY value into @p policy: "off" sets max_attempts to 1;
 * "N", "N,DELAY_MS" and "N,DELAY_MS,BACKOFF" set the fields given and keep the
 * others. Decimal digits only (BACKOFF may have a fraction: "1.5"), no spaces,
 * each within the limits above. Locale-independent.
 * @param spec      the text; NULL or "" is an error.
 * @param policy    in: the marker's policy; out: updated, only on success.
 * @param err       optional buffer for what is wrong, e.g.
 *                  "BACKOFF \"0.5\" is not a number from 1 to 100"; may be NULL.
 * @param err_size  its size in bytes.
 * @return true on success.
 */
bool esoh_test_retry_parse(const char *spec, struct esoh_test_retry *policy, char *err,
                           size_t err_size);

/*
 * Fail on a permanent error, hand a transient one to the retry marker.
 * @p call is an expression giving an enum eso_status; @p res (may be NULL) a
 * struct eso_result * whose detail is reported. On failure *res is released with
 * eso_result_finish() first (its detail is copied), so a retried attempt leaks
 * nothing.
 */
#define ESOH_REQUIRE_OK(call, res)                                                                 \
    do {                                                                                           \
        struct eso_result *esoh__require_res_ = (res);                                             \
        enum eso_status esoh__require_status_ = (call);                                            \
        if (esoh__require_status_ != ESO_OK) {                                                     \
            char esoh__require_detail_[ESO_DETAIL_SIZE] = "";                                      \
            if (esoh__require_res_ != NULL) {                                                      \
                memcpy(esoh__require_detail_, esoh__require_res_->detail,                          \
                       sizeof(esoh__require_detail_) - 1);                                         \
                eso_result_finish(esoh__require_res_);                                             \
            }                                                                                      \
            if (eso_status_is_transient(esoh__require_status_))                                    \
                esoh_test_transient(esoh__require_status_, esoh__require_detail_);                 \
            cr_assert_fail("%s failed: %s (%s)", #call, eso_status_name(esoh__require_status_),    \
                           esoh__require_detail_);                                                 \
        }                                                                                          \
    } while (0)

/*
 * The binary's default policy for ESOH_TEST; write it once, at file scope, in any
 * one file of the binary. Without it ESOH_TEST gets {4, 2000, 1.0}.
 */
#define ESOH_TEST_RETRY_DEFAULT(attempts, delay_ms, backoff_factor)                                \
    extern const struct esoh_test_retry esoh__test_retry_binary_default;                           \
    const struct esoh_test_retry esoh__test_retry_binary_default = {(attempts), (delay_ms),        \
                                                                    (backoff_factor)}

/* esoh__test_body_SUITE_NAME, from (suite, name[, options...]). */
#define ESOH__TEST_BODY_NAME(...) ESOH__TEST_BODY_NAME2(__VA_ARGS__, ignored_)
#define ESOH__TEST_BODY_NAME2(suite, name, ...) esoh__test_body_##suite##_##name
#define ESOH__TEST_LABEL(...) ESOH__TEST_LABEL2(__VA_ARGS__, ignored_)
#define ESOH__TEST_LABEL2(suite, name, ...) #suite "/" #name

/* The arguments are passed to Test() whole, so an empty option list needs no comma tricks. */
#define ESOH__TEST_WITH(kind, policy, ...)                                                         \
    static void ESOH__TEST_BODY_NAME(__VA_ARGS__)(void);                                           \
    Test(__VA_ARGS__)                                                                              \
    {                                                                                              \
        esoh_test_run_with_retry(__FILE__, __LINE__, ESOH__TEST_LABEL(__VA_ARGS__), kind, policy,  \
                                 ESOH__TEST_BODY_NAME(__VA_ARGS__));                               \
    }                                                                                              \
    static void ESOH__TEST_BODY_NAME(__VA_ARGS__)(void)

/* ESOH_TEST(suite, name[, Criterion options]): the binary's default retry policy. */
#define ESOH_TEST(...) ESOH__TEST_WITH(ESOH_TEST_RETRY_KIND_DEFAULT, NULL, __VA_ARGS__)

/*
 * ESOH_RETRY_TEST(attempts, delay_ms, backoff, suite, name[, Criterion options]):
 * up to @p attempts runs, the first retry after @p delay_ms, each next one @p backoff times later.
 */
#define ESOH_RETRY_TEST(attempts, delay_ms, backoff_factor, ...)                                   \
    ESOH__TEST_WITH(ESOH_TEST_RETRY_KIND_MARKED,                                                   \
                    (&(const struct esoh_test_retry){(attempts), (delay_ms), (backoff_factor)}),   \
                    __VA_ARGS__)

/* ESOH_NO_RETRY_TEST(suite, name[, Criterion options]): its first transient error fails it. */
#define ESOH_NO_RETRY_TEST(...) ESOH__TEST_WITH(ESOH_TEST_RETRY_KIND_NEVER, NULL, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
