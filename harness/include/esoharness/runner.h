/*
 * The scenario runner: play a scenario file's fault script with in-process
 * eso-mock, have a client (libesologs, or any program speaking the adapter
 * protocol) make the calls its `expect` section lists, and check what the client
 * did (outcomes, attempts, timing, breaker states) and what the server saw (the
 * `wire` section: eso-mock's journal judged by <esomock/wire.h>). The
 * eso-scenario CLI and the Criterion scenario suite are both thin wrappers
 * around it.
 */
#ifndef ESOHARNESS_RUNNER_H
#define ESOHARNESS_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Time scale used when neither the caller nor the scenario's expect.time_scale sets one. */
#define ESOH_RUN_DEFAULT_TIME_SCALE 0.05

/*
 * With ESO_UNDER_VALGRIND in the environment (meson's valgrind test setup sets it) the
 * default scale is 1 and elapsed-time expectations are reported but not judged: the run
 * is there to check memory, and valgrind slows everything tens of times.
 */
struct esoh_run_options {
    double time_scale;        /* real ms per scenario ms; 0 = expect.time_scale, else the default */
    FILE *out;                /* where the timeline and verdicts go; NULL = nowhere */
    bool json;                /* write one JSON object per scenario instead of text */
    bool quiet;               /* text: only the verdict line (and failed checks) */
    const char *fixtures_dir; /* NULL = eso-mock's default set */
    const char *client_cmd;   /* a client adapter to judge instead of libesologs: run by
                                 /bin/sh -c once per scenario, speaking eso-adapter/1
                                 (docs/harness.md); NULL = libesologs, in-process */
    unsigned long long seed;  /* eso-mock's seed for every random draw; 0 = the scenario's */
    const char *journal_dir;  /* write eso-mock's journal of each scenario to DIR/NAME.jsonl
                                 (for eso-scenario capture); NULL = none */
    void *reserved[4];        /* must be NULL: room for later options */
};

struct esoh_run_report {
    char name[96];           /* the scenario's name */
    bool passed;             /* every check passed (and the scenario loaded) */
    size_t checks;           /* expectations checked */
    size_t failures;         /* of which failed */
    double wall_ms;          /* real time the run took */
    double time_scale;       /* the scale used */
    char first_failure[512]; /* what differed first; "" when passed */
};

/**
 * Play the scenario at @p path.
 * @param opts    NULL = defaults. Borrowed.
 * @param report  caller's storage, always filled.
 * @return 0 when every expectation held, 1 when one failed or the file was unusable.
 */
int esoh_scenario_run_file(const char *path, const struct esoh_run_options *opts,
                           struct esoh_run_report *report);

/**
 * Check the scenario at @p path without playing it, by exactly the rules
 * esoh_scenario_run_file() applies before it plays one: eso-mock's validation of the
 * whole file (fault script, settings, expect section) and the runner's own (an expect
 * section with at least one call). A file this accepts, run plays; one it refuses, run
 * refuses with the same message.
 * @param fixtures_dir  eso-mock fixture directory; NULL = the default set. Borrowed.
 * @param errors        where each problem goes, one escaped line each ("FILE: PATH:
 *                      message"); NULL = nowhere. Not closed.
 * @return 0 when the file would be played, 1 when it would be refused.
 */
int esoh_scenario_check_file(const char *path, const char *fixtures_dir, FILE *errors);

/**
 * Whether @p path names the scenario format's JSON Schema (scenarios/schema.json), which
 * sits among the scenarios and is not one. @p path is borrowed.
 */
bool esoh_scenario_is_schema_file(const char *path);

/**
 * Write JUnit XML for a run: one <testcase> per report, named after the scenario
 * (its path when it did not load), with a <failure> naming the first difference.
 * @param out      where to write; not closed.
 * @param suite    the testsuite and classname; NULL = "scenarios".
 * @param paths    the scenario file of each report. Borrowed.
 * @param reports  @p count reports filled by esoh_scenario_run_file(). Borrowed.
 * @return 0, or -1 on a bad argument or a write error.
 */
int esoh_run_write_junit(FILE *out, const char *suite, const char *const *paths,
                         const struct esoh_run_report *reports, size_t count);

#ifdef __cplusplus
}
#endif

#endif
