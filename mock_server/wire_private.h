/*
 * The `wire` section inside: its expectations as wire.c reads them and wire_judge.c judges
 * them, and the section's entry in the scenario loader's table of sections.
 */
#ifndef ESOMOCK_WIRE_PRIVATE_H
#define ESOMOCK_WIRE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <esomock/scenario.h>
#include <esomock/wire.h>

#define ESOMOCK_WIRE_MAX_EXPECT 64u
#define ESOMOCK_WIRE_MAX_SELECT 64u
#define ESOMOCK_WIRE_MAX_NO_RETRY 16u
/* Defaults of the section's tolerances, scenario ms. */
#define ESOMOCK_WIRE_TOLERANCE_MS 20.0
#define ESOMOCK_WIRE_LATE_MS 250.0

/* The kinds of expectation, in the order verdicts list them (wire.c names them). */
enum esomock_wire_kind {
    ESOMOCK_WK_ATTEMPTS,
    ESOMOCK_WK_LAST_ANSWER,
    ESOMOCK_WK_WAIT,
    ESOMOCK_WK_GROWTH,
    ESOMOCK_WK_JITTER,
    ESOMOCK_WK_RETRY_AFTER,
    ESOMOCK_WK_NO_RETRY_AFTER,
    ESOMOCK_WK_DEADLINE,
    ESOMOCK_WK_REQUESTS,
    ESOMOCK_WK_REQUESTS_PER_CALL,
    ESOMOCK_WK_BREAKER,
    ESOMOCK_WK_TOKEN_REQUESTS,
    ESOMOCK_WK_UNAUTHORIZED,
    ESOMOCK_WK_RATE_LIMITED,
    ESOMOCK_WK_MAX_IN_FLIGHT,
    ESOMOCK_WK_COUNT,
};

/* The section's key for each kind. */
extern const char *const esomock__wire_kind_names[ESOMOCK_WK_COUNT];

/* A number, an inclusive [min, max], or {"at_least", "at_most"}: either side may be open. */
struct esomock_wire_bounds {
    bool has_min;
    bool has_max;
    double min;
    double max;
};

struct esomock_wire_breaker {
    struct esomock_wire_bounds opens_after; /* consecutive failed requests */
    double quiet_s;                         /* no request for this long once open */
    unsigned probes;                        /* requests let through at once after it */
    bool reopens;                           /* quiet again after a failed probe */
};

struct esomock_wire_expectation {
    char *behaviour; /* the section's, or a summary of the kinds; owned */
    char *hint;      /* the section's, or NULL (each kind has its own); owned */
    /* Which calls: all of them, or groups (1-based) and names. */
    bool all_calls;
    unsigned groups[ESOMOCK_WIRE_MAX_SELECT];
    size_t group_count;
    char *names[ESOMOCK_WIRE_MAX_SELECT]; /* owned */
    size_t name_count;

    unsigned kinds; /* bit per enum esomock_wire_kind */
    struct esomock_wire_bounds attempts;
    bool last_answer_ok;
    struct esomock_wire_bounds wait_s;
    struct esomock_wire_bounds growth;
    bool jitter;
    int no_retry_statuses[ESOMOCK_WIRE_MAX_NO_RETRY];
    size_t no_retry_status_count;
    bool no_retry_graphql_errors;
    bool no_retry_unauthorized; /* one retry after a token request; none after a second 401 */
    double deadline_s;
    struct esomock_wire_bounds requests;
    struct esomock_wire_bounds requests_per_call;
    struct esomock_wire_breaker breaker;
    struct esomock_wire_bounds token_requests;
    struct esomock_wire_bounds unauthorized;
    struct esomock_wire_bounds rate_limited;
    unsigned max_in_flight;
};

struct esomock_wire {
    double tolerance_ms; /* scenario ms a lower bound allows early */
    double late_ms;      /* scenario ms an upper bound allows late */
    struct esomock_wire_expectation *expect;
    size_t expect_count;
};

/* The section's checker, registered first in the loader's table (scenario_parse.c). */
extern const struct esomock_section esomock__wire_section;

#endif
