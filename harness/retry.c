/*
 * Criterion retry markers: the attempt loop, deferred cleanups and the
 * ESO_TEST_RETRY policy. Criterion 2.4 runs each test in its own process, so
 * the static state below belongs to one test.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/abort.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <esoharness/retry.h>

#include "criterion_report_private.h"

/* Defined by ESOH_TEST_RETRY_DEFAULT in the test binary, if at all. */
extern const struct esoh_test_retry esoh__test_retry_binary_default __attribute__((weak));

/* The Python client's integration tests: 3 reruns, 2 s apart. */
static const struct esoh_test_retry builtin_default = {4, 2000, 1.0};

/* Room for a log line or a failure message. */
#define MESSAGE_SIZE 768

struct deferred {
    void (*cleanup)(void *arg);
    void *arg;
};

struct defer_list {
    struct deferred items[ESOH_TEST_DEFER_MAX];
    size_t count;
};

/*
 * The retry-managed body of this test process. Written only by the body's
 * thread; every field the loop reads after a longjmp lives here, in static
 * storage, so setjmp cannot clobber it.
 */
static struct {
    jmp_buf jump;
    bool active;     /* a body is running under esoh_test_run_with_retry() */
    bool in_cleanup; /* the attempt's deferred cleanups are running */
    pthread_t body_thread;
    const char *name;
    enum esoh_test_retry_kind kind;
    struct esoh_test_retry policy; /* effective: after ESO_TEST_RETRY */
    bool env_override;             /* ESO_TEST_RETRY was set (and valid) */
    double time_scale;
    double delay_ms;        /* scenario ms before the next attempt */
    enum eso_status status; /* the transient error that ended the attempt */
    char detail[ESO_DETAIL_SIZE];
    const char *file; /* where it was reported: the failure points there */
    int line;
} run;

/* Read by esoh_test_attempt() from any thread. */
static atomic_uint current_attempt = 1;

static pthread_mutex_t defer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct defer_list attempt_defers; /* registered during an attempt */
static struct defer_list exit_defers;    /* registered outside a body; run at exit */
static bool exit_hook_installed;

/* Append @p line to $ESO_TEST_RETRY_LOG, in one write so parallel tests do not interleave. */
static void append_to_log_file(const char *line)
{
    const char *path = getenv(ESOH_TEST_RETRY_LOG_ENV);
    if (path == NULL || path[0] == '\0')
        return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char buf[MESSAGE_SIZE + 1];
    int len = snprintf(buf, sizeof(buf), "%s\n", line);
    if (len > 0) {
        size_t n = (size_t)len < sizeof(buf) ? (size_t)len : sizeof(buf) - 1;
        ssize_t written = write(fd, buf, n);
        (void)written; /* a log copy; nothing useful to do on failure */
    }
    close(fd);
}

/* Log a line of the retry loop: Criterion's log (--verbose) and $ESO_TEST_RETRY_LOG. */
__attribute__((format(printf, 1, 2))) static void log_line(const char *fmt, ...)
{
    char line[MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    cr_log_info("%s", line);
    append_to_log_file(line);
}

/* Fail the test from its own thread, reported at @p file:@p line (the caller's), with a
 * formatted message (also copied to the log file). */
__attribute__((format(printf, 3, 4))) static _Noreturn void fail(const char *file, int line,
                                                                 const char *fmt, ...)
{
    char msg[MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    append_to_log_file(msg);
    esoh__fail_at(file, line, "%s", msg);
}

/* Kill the test from a thread other than the test's (an assertion would longjmp across
 * threads); the message starts with @p file:@p line, since no assertion report carries it. */
__attribute__((format(printf, 3, 4))) static _Noreturn void
die_from_other_thread(const char *file, int line, const char *fmt, ...)
{
    char msg[MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(msg, sizeof(msg), "%s:%d: ", file != NULL ? file : "?", line);
    if (n < 0 || (size_t)n >= sizeof(msg))
        n = 0;
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    append_to_log_file(msg);
    criterion_test_die("%s", msg); /* reports the message, then exits the test process */
    abort();
}

/* $ESO_TIME_SCALE as libesologs reads it: a positive finite number, else 1. */
static double time_scale_from_env(void)
{
    const char *v = getenv("ESO_TIME_SCALE");
    if (v == NULL || v[0] == '\0')
        return 1.0;
    char *end = NULL;
    errno = 0;
    double d = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !isfinite(d) || d <= 0)
        return 1.0;
    return d;
}

/* Sleep @p ms real milliseconds, resuming after signals. */
static void sleep_ms(double ms)
{
    if (!(ms > 0))
        return;
    struct timespec left = {
        .tv_sec = (time_t)(ms / 1000.0),
        .tv_nsec = (long)fmod(ms * 1e6, 1e9),
    };
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
}

/* "2000", "0.5": a duration for a log line. */
static const char *format_ms(double ms, char *buf, size_t size)
{
    snprintf(buf, size, ms >= 10 ? "%.0f" : "%.3g", ms);
    return buf;
}

static struct esoh_test_retry binary_default(void)
{
    /* A weak undefined symbol has the address NULL. */
    const struct esoh_test_retry *def = &esoh__test_retry_binary_default;
    return def != NULL ? *def : builtin_default;
}

/* Whether @p p is within the documented limits; says what is not in @p err. */
static bool policy_valid(const struct esoh_test_retry *p, char *err, size_t size)
{
    if (p->max_attempts < 1 || p->max_attempts > ESOH_TEST_RETRY_MAX_ATTEMPTS) {
        snprintf(err, size, "attempts %u is not within 1..%u", p->max_attempts,
                 ESOH_TEST_RETRY_MAX_ATTEMPTS);
        return false;
    }
    if (p->initial_delay_ms > ESOH_TEST_RETRY_MAX_DELAY_MS) {
        snprintf(err, size, "delay %u ms is above %u ms", p->initial_delay_ms,
                 ESOH_TEST_RETRY_MAX_DELAY_MS);
        return false;
    }
    if (!isfinite(p->backoff) || p->backoff < 1.0 || p->backoff > ESOH_TEST_RETRY_MAX_BACKOFF) {
        snprintf(err, size, "backoff %g is not within 1..%g", p->backoff,
                 ESOH_TEST_RETRY_MAX_BACKOFF);
        return false;
    }
    return true;
}

/* Copy [start, end) into @p out as a string; false when it does not fit. */
static bool field_text(const char *start, const char *end, char *out, size_t size)
{
    size_t len = (size_t)(end - start);
    if (len >= size)
        return false;
    memcpy(out, start, len);
    out[len] = '\0';
    return true;
}

/* A whole decimal number in 0..max, digits only. */
static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (s[0] == '\0')
        return false;
    unsigned long v = 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

/* "1", "1.5": digits with an optional fraction, without the locale's help. */
static bool parse_decimal(const char *s, double *out)
{
    double v = 0, scale = 1;
    bool fraction = false, digits = false;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '.' && !fraction && digits) {
            fraction = true;
            continue;
        }
        if (*p < '0' || *p > '9' || p - s > 16)
            return false;
        digits = true;
        if (fraction) {
            scale /= 10;
            v += (*p - '0') * scale;
        } else {
            v = v * 10 + (*p - '0');
        }
    }
    if (!digits || s[strlen(s) - 1] == '.')
        return false;
    *out = v;
    return true;
}

bool esoh_test_retry_parse(const char *spec, struct esoh_test_retry *policy, char *err,
                           size_t err_size)
{
    char scratch[160];
    if (err == NULL || err_size == 0) {
        err = scratch;
        err_size = sizeof(scratch);
    }
    err[0] = '\0';
    if (policy == NULL) {
        snprintf(err, err_size, "no policy to update");
        return false;
    }
    if (spec == NULL || spec[0] == '\0') {
        snprintf(err, err_size, "the value is empty");
        return false;
    }
    if (strcmp(spec, "off") == 0) {
        policy->max_attempts = 1;
        return true;
    }

    static const char *const names[] = {"N", "DELAY_MS", "BACKOFF"};
    struct esoh_test_retry p = *policy;
    const char *start = spec;
    for (size_t i = 0;; i++) {
        if (i == 3) {
            snprintf(err, err_size, "more than 3 fields (N,DELAY_MS,BACKOFF)");
            return false;
        }
        const char *comma = strchr(start, ',');
        const char *end = comma != NULL ? comma : start + strlen(start);
        char text[24];
        if (!field_text(start, end, text, sizeof(text))) {
            snprintf(err, err_size, "%s is too long", names[i]);
            return false;
        }
        if (text[0] == '\0') {
            snprintf(err, err_size, "%s is empty", names[i]);
            return false;
        }
        unsigned long n = 0;
        double d = 0;
        switch (i) {
        case 0:
            if (!parse_uint(text, ESOH_TEST_RETRY_MAX_ATTEMPTS, &n) || n < 1) {
                snprintf(err, err_size,
                         "N \"%s\" is not a number of attempts from 1 to %u (\"off\" disables "
                         "retries)",
                         text, ESOH_TEST_RETRY_MAX_ATTEMPTS);
                return false;
            }
            p.max_attempts = (unsigned)n;
            break;
        case 1:
            if (!parse_uint(text, ESOH_TEST_RETRY_MAX_DELAY_MS, &n)) {
                snprintf(err, err_size, "DELAY_MS \"%s\" is not a whole number from 0 to %u", text,
                         ESOH_TEST_RETRY_MAX_DELAY_MS);
                return false;
            }
            p.initial_delay_ms = (unsigned)n;
            break;
        default:
            if (!parse_decimal(text, &d) || d < 1.0 || d > ESOH_TEST_RETRY_MAX_BACKOFF) {
                snprintf(err, err_size, "BACKOFF \"%s\" is not a number from 1 to %g", text,
                         ESOH_TEST_RETRY_MAX_BACKOFF);
                return false;
            }
            p.backoff = d;
            break;
        }
        if (comma == NULL)
            break;
        start = comma + 1;
    }
    *policy = p;
    return true;
}

struct esoh_test_retry esoh_test_effective_policy(enum esoh_test_retry_kind kind,
                                                  const struct esoh_test_retry *policy)
{
    if (kind == ESOH_TEST_RETRY_KIND_NEVER)
        return (struct esoh_test_retry){1, 0, 1.0};
    struct esoh_test_retry p = policy != NULL ? *policy : binary_default();
    const char *env = getenv(ESOH_TEST_RETRY_ENV);
    if (env != NULL && env[0] != '\0')
        (void)esoh_test_retry_parse(env, &p, NULL, 0); /* unchanged when it does not parse */
    return p;
}

/* Take the newest cleanup of @p list; false when it is empty. */
static bool pop_deferred(struct defer_list *list, struct deferred *out)
{
    pthread_mutex_lock(&defer_lock);
    bool found = list->count > 0;
    if (found)
        *out = list->items[--list->count];
    pthread_mutex_unlock(&defer_lock);
    return found;
}

/* Run @p list newest first (a cleanup that defers another one gets it run too). */
static void run_deferred(struct defer_list *list)
{
    struct deferred d;
    while (pop_deferred(list, &d))
        d.cleanup(d.arg);
}

static void run_exit_deferred(void)
{
    run_deferred(&exit_defers);
}

void esoh_test_defer_at(const char *file, int line, void (*cleanup)(void *arg), void *arg)
{
    if (cleanup == NULL)
        fail(file, line, "esoh_test_defer: the cleanup is NULL");
    pthread_mutex_lock(&defer_lock);
    bool in_attempt = run.active;
    struct defer_list *list = in_attempt ? &attempt_defers : &exit_defers;
    bool full = list->count == ESOH_TEST_DEFER_MAX;
    if (!full)
        list->items[list->count++] = (struct deferred){cleanup, arg};
    bool install_hook = !in_attempt && !exit_hook_installed;
    if (install_hook)
        exit_hook_installed = true;
    pthread_mutex_unlock(&defer_lock);

    if (install_hook && atexit(run_exit_deferred) != 0)
        fail(file, line, "esoh_test_defer: atexit failed");
    if (full) {
        cleanup(arg);
        if (in_attempt && !pthread_equal(pthread_self(), run.body_thread))
            die_from_other_thread(file, line,
                                  "esoh_test_defer: more than %d cleanups in one attempt",
                                  ESOH_TEST_DEFER_MAX);
        fail(file, line, "esoh_test_defer: more than %d cleanups %s", ESOH_TEST_DEFER_MAX,
             in_attempt ? "in one attempt" : "outside a retry-marked body");
    }
}

unsigned esoh_test_attempt(void)
{
    return atomic_load(&current_attempt);
}

_Noreturn void esoh_test_transient_at(const char *file, int line, enum eso_status status,
                                      const char *detail)
{
    if (detail == NULL)
        detail = "";
    if (!run.active)
        fail(file, line,
             "esoh_test_transient(%s) outside a retry-managed test body (ESOH_TEST, "
             "ESOH_RETRY_TEST or ESOH_NO_RETRY_TEST): %s",
             eso_status_name(status), detail);
    if (!pthread_equal(pthread_self(), run.body_thread))
        die_from_other_thread(file, line,
                              "%s: esoh_test_transient(%s) called from a thread other than the "
                              "one running the test body (misuse: report the error to the body's "
                              "thread): %s",
                              run.name, eso_status_name(status), detail);
    if (run.in_cleanup)
        fail(file, line, "%s: esoh_test_transient(%s) called from a deferred cleanup: %s", run.name,
             eso_status_name(status), detail);
    if (!eso_status_is_transient(status))
        fail(file, line, "%s: %s is not a transient error (not retried) on attempt %u of %u: %s",
             run.name, eso_status_name(status), esoh_test_attempt(), run.policy.max_attempts,
             detail);
    run.status = status;
    snprintf(run.detail, sizeof(run.detail), "%s", detail);
    run.file = file;
    run.line = line;
    longjmp(run.jump, 1);
}

/* End an attempt: its cleanups, newest first, on the body's thread. */
static void finish_attempt(void)
{
    run.in_cleanup = true;
    run_deferred(&attempt_defers);
    run.in_cleanup = false;
}

/* Why a test had a single attempt, for its failure message. */
static const char *single_attempt_reason(void)
{
    if (run.kind == ESOH_TEST_RETRY_KIND_NEVER)
        return "no-retry test";
    if (run.env_override)
        return ESOH_TEST_RETRY_ENV " allows 1 attempt";
    return "its policy allows 1 attempt";
}

/* The failure that ends a test whose last attempt hit a transient error, reported where that
 * error was handed to the marker. */
static _Noreturn void fail_exhausted(void)
{
    unsigned attempts = esoh_test_attempt();
    if (run.policy.max_attempts == 1)
        fail(run.file, run.line, "%s: transient %s on its only attempt (%s): %s", run.name,
             eso_status_name(run.status), single_attempt_reason(), run.detail);
    fail(run.file, run.line, "%s: transient %s on the last of %u attempts: %s", run.name,
         eso_status_name(run.status), attempts, run.detail);
}

void esoh_test_run_with_retry(const char *file, int line, const char *name,
                              enum esoh_test_retry_kind kind, const struct esoh_test_retry *policy,
                              void (*body)(void))
{
    char err[200];
    if (name == NULL)
        name = "(unnamed test)";
    if (body == NULL)
        fail(file, line, "%s: esoh_test_run_with_retry without a body", name);
    if (run.active)
        fail(file, line, "%s: esoh_test_run_with_retry called inside the retry-managed body of %s",
             name, run.name);

    if (kind != ESOH_TEST_RETRY_KIND_NEVER) {
        struct esoh_test_retry own = policy != NULL ? *policy : binary_default();
        if (!policy_valid(&own, err, sizeof(err)))
            fail(file, line, "%s: bad retry policy %s: %s", name,
                 policy != NULL ? "in ESOH_RETRY_TEST" : "in ESOH_TEST_RETRY_DEFAULT", err);
        const char *env = getenv(ESOH_TEST_RETRY_ENV);
        if (env != NULL && env[0] != '\0' && !esoh_test_retry_parse(env, &own, err, sizeof(err)))
            fail(file, line,
                 "%s: %s=\"%s\" is not valid: %s (expected off, N, N,DELAY_MS or "
                 "N,DELAY_MS,BACKOFF)",
                 name, ESOH_TEST_RETRY_ENV, env, err);
        run.env_override = env != NULL && env[0] != '\0';
    }

    run.name = name;
    run.kind = kind;
    run.policy = esoh_test_effective_policy(kind, policy);
    run.time_scale = time_scale_from_env();
    run.delay_ms = run.policy.initial_delay_ms;
    run.body_thread = pthread_self();
    run.in_cleanup = false;
    atomic_store(&current_attempt, 0);
    run.active = true;

    for (;;) {
        atomic_fetch_add(&current_attempt, 1);
        if (setjmp(run.jump) == 0) {
            body();
            finish_attempt();
            run.active = false;
            if (esoh_test_attempt() > 1)
                log_line("retry %s: passed on attempt %u of %u", run.name, esoh_test_attempt(),
                         run.policy.max_attempts);
            return;
        }
        /* The body called esoh_test_transient(): the error is in run.status and run.detail. */
        finish_attempt();
        if (esoh_test_attempt() >= run.policy.max_attempts) {
            run.active = false;
            fail_exhausted();
        }
        double real_ms = run.delay_ms * run.time_scale;
        char wait[32];
        log_line("retry %s: attempt %u of %u failed with %s (%s); next in %s ms", run.name,
                 esoh_test_attempt(), run.policy.max_attempts, eso_status_name(run.status),
                 run.detail, format_ms(real_ms, wait, sizeof(wait)));
        sleep_ms(real_ms);
        run.delay_ms = fmin(run.delay_ms * run.policy.backoff, ESOH_TEST_RETRY_MAX_DELAY_MS);
    }
}
