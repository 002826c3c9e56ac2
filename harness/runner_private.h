/* The runner inside: what eso-scenario's report, scorecard and HTML need of a run. */
#ifndef ESOHARNESS_RUNNER_PRIVATE_H
#define ESOHARNESS_RUNNER_PRIVATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include <esoharness/runner.h>

#include "timeline_private.h"

/* What a run leaves for its caller beyond the report: all of it owned by the caller. */
struct esoh__run_output {
    cJSON *report;              /* the scenario's JSON object (as --json prints it) */
    struct esoh__check *checks; /* every check, the wire's verdicts among them */
    size_t check_count;
    size_t wire_expectations; /* the scenario's wire.expect entries */
};

/* Free what @p out holds and zero it. */
void esoh__run_output_finish(struct esoh__run_output *out);

/*
 * esoh_scenario_run_file(), keeping the report object and the checks in @p out (NULL = not
 * kept).
 */
int esoh__run_file(const char *path, const struct esoh_run_options *opts,
                   struct esoh_run_report *report, struct esoh__run_output *out);

/*
 * Write the HTML report of a run: one self-contained page (inline CSS, SVG and script; nothing
 * fetched) with, per scenario of @p reports (an array of report objects), a timeline of calls,
 * attempts and what the server did, and the verdicts.
 * @param title  the page's heading ("eso-scenario run", "conformance of CMD").
 * @return 0, or -1 on a write error.
 */
int esoh__html_write(FILE *out, const char *title, const cJSON *reports);

#endif
