/*
 * A scenario in force: the parsed scenario plus its run state (where each rule's
 * script is, each rule's random stream, when the run started). Reference-counted:
 * a request keeps the run it was planned with until its answer ends, so a scenario
 * can be replaced while requests are in flight.
 */
#ifndef ESOMOCK_RUN_PRIVATE_H
#define ESOMOCK_RUN_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "match_private.h"
#include "rng_private.h"
#include "scenario_private.h"

struct esomock_rule_state {
    size_t step;   /* current script step */
    unsigned used; /* requests the current step has covered */
    bool finished; /* a non-repeating script ran out: the rule no longer matches */
    struct esomock_rng rng;
    uint64_t applied; /* requests this rule matched, for metrics */
};

struct esomock_run {
    atomic_int refs;
    struct esomock_scenario *scenario; /* owned */
    uint64_t seed;
    pthread_mutex_t lock;
    double start_ms; /* monotonic */
    struct esomock_rule_state *rules;
    bool has_header_rules; /* some rule must be decided when headers arrive */
};

/* Settings in force: the server's options, overridden by the scenario's where it sets them. */
struct esomock_effective {
    double time_scale;  /* real ms per scenario ms */
    double hang_max_ms; /* scenario ms */
    unsigned max_requests_per_connection;
};

/* What the server will do with one request. */
struct esomock_plan {
    const struct esomock_rule *rule; /* NULL: no rule applied, the normal answer */
    int step_index;                  /* -1 with no rule */
    const struct esomock_step *step; /* NULL with no rule, or when the probability draw failed */
    enum esomock_action action;
    double delay_ms; /* scenario ms before the action */
};

/*
 * Wrap @p scenario (ownership passes to the run, even on failure) with fresh state.
 * @p seed_override is used instead of the scenario's seed when @p use_override.
 * Returns NULL when out of memory. One reference is held by the caller.
 */
struct esomock_run *esomock__run_create(struct esomock_scenario *scenario, bool use_override,
                                        uint64_t seed_override);

void esomock__run_ref(struct esomock_run *run);

/* Drop a reference; the last one frees the run and its scenario. NULL is a no-op. */
void esomock__run_unref(struct esomock_run *run);

/* Rewind every script, random stream and the start time. */
void esomock__run_reset(struct esomock_run *run);

/* Scenario ms since the run started, given the time scale. */
double esomock__run_elapsed(struct esomock_run *run, double time_scale);

/*
 * The header phase: decide what to do with a request from its path, headers and time,
 * before its body is read, as far as "first matching rule wins" allows. Rules are judged
 * in order; the first that could match decides. When it is a rule with a slow_read step
 * and no condition on the body, its script advances by exactly one step into @p plan and
 * true is returned: the body phase must then not decide again. Otherwise (an earlier rule
 * needs the body, or no rule wants early action) returns false with @p plan empty and
 * *@p resume set to the first rule the body phase must consider.
 */
bool esomock__run_decide_head(struct esomock_run *run, const struct esomock_request_view *view,
                              struct esomock_plan *plan, size_t *resume);

/*
 * The body phase: the first rule from @p first_rule on that matches @p view decides, and
 * its script advances by one step. Always fills @p plan (no rule: the normal answer).
 */
void esomock__run_decide(struct esomock_run *run, const struct esomock_request_view *view,
                         size_t first_rule, struct esomock_plan *plan);

/* Copy of how many requests each rule has matched, for metrics (caller frees). */
uint64_t *esomock__run_rule_counts(struct esomock_run *run, size_t *count);

#endif
