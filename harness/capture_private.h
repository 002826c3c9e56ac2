/*
 * eso-scenario capture: turn an eso-mock journal into a scenario that gives the same client
 * calls the same server behaviour again, in the same order per operation (or root field),
 * whatever the seed and the timing; with an `expect` section saying what the captured run saw.
 */
#ifndef ESOHARNESS_CAPTURE_PRIVATE_H
#define ESOHARNESS_CAPTURE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ESOH__CAPTURE_MAX_OPERATIONS 64

struct esoh__capture_options {
    const char *journal_path; /* eso-mock --journal lines or GET /__admin/requests; "-" = stdin */
    const char *operations[ESOH__CAPTURE_MAX_OPERATIONS]; /* keep only these; none = all */
    size_t operation_count;
    double since_ms, until_ms; /* keep t_ms in [since, until); until < 0 = no end */
    uint64_t since_seq;        /* keep seq > since_seq */
    uint64_t until_seq;        /* keep seq <= until_seq; 0 = no end */
    const char *client_from;   /* a scenario whose expect.client, time_scale and calls the
                                  captured run used; NULL = none (libesologs' defaults) */
    const char *name;          /* the scenario's name; NULL = "replay-" + the original's */
};

/*
 * Capture: read the journal, write the scenario's JSON text to *@p out (malloc'd, the caller
 * frees) and a line per thing it could not reproduce to @p notes (may be NULL).
 * Returns 0, or -1 with the reason in @p err.
 */
int esoh__capture(const struct esoh__capture_options *opts, char **out, FILE *notes, char *err,
                  size_t err_size);

/* The `capture` command of eso-scenario: @p argv[0] is "capture". Returns the exit status. */
int esoh__capture_main(int argc, char **argv);

#endif
