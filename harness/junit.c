/*
 * JUnit XML for a run of scenarios: one <testcase> per scenario, named after it,
 * so a CI system tracks each scenario across runs (Criterion's parameterized
 * suite gives every one the same name).
 */
#include <stdio.h>
#include <string.h>

#include <esoharness/runner.h>

#include "text_private.h"

/* Write @p s as XML text: special characters escaped, bytes that are not UTF-8 as U+FFFD,
 * control characters (not allowed in XML 1.0) as '?'. */
static void put_escaped(FILE *out, const char *s)
{
    esoh__markup_put(out, s, "\t\n\r", '?');
}

int esoh_run_write_junit(FILE *out, const char *suite, const char *const *paths,
                         const struct esoh_run_report *reports, size_t count)
{
    if (out == NULL || (count > 0 && (paths == NULL || reports == NULL)))
        return -1;
    if (suite == NULL)
        suite = "scenarios";
    size_t failures = 0;
    double seconds = 0;
    for (size_t i = 0; i < count; i++) {
        failures += !reports[i].passed;
        seconds += reports[i].wall_ms / 1000.0;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", out);
    put_escaped(out, suite);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n", count, failures,
            seconds);
    fputs("  <testsuite name=\"", out);
    put_escaped(out, suite);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
            count, failures, seconds);
    for (size_t i = 0; i < count; i++) {
        const struct esoh_run_report *r = &reports[i];
        /* A file that did not load has no scenario name: its path stands in. */
        const char *name = r->name[0] != '\0' ? r->name : paths[i];
        fputs("    <testcase classname=\"", out);
        put_escaped(out, suite);
        fputs("\" name=\"", out);
        put_escaped(out, name);
        fputs("\" file=\"", out);
        put_escaped(out, paths[i]);
        fprintf(out, "\" assertions=\"%zu\" time=\"%.3f\"", r->checks, r->wall_ms / 1000.0);
        if (r->passed) {
            fputs("/>\n", out);
            continue;
        }
        fputs(">\n      <failure type=\"expectation\" message=\"", out);
        put_escaped(out, r->first_failure);
        fprintf(out, "\">%zu of %zu checks failed at time scale %g; first: ", r->failures,
                r->checks, r->time_scale);
        put_escaped(out, r->first_failure);
        fputs("</failure>\n    </testcase>\n", out);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}
