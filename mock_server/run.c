#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock_private.h"
#include "run_private.h"

/* Used when neither the scenario nor the server gives a seed: runs are still repeatable. */
#define DEFAULT_SEED 0x5EED5EEDull

static bool is_header_rule(const struct esomock_rule *rule)
{
    for (size_t i = 0; i < rule->step_count; i++) {
        if (rule->steps[i].action == ESOMOCK_ACTION_SLOW_READ)
            return true;
    }
    return false;
}

static void rewind_state(struct esomock_run *run)
{
    run->start_ms = esomock__now_ms();
    for (size_t i = 0; i < run->scenario->rule_count; i++) {
        struct esomock_rule_state *st = &run->rules[i];
        memset(st, 0, sizeof(*st));
        esomock__rng_seed(&st->rng, run->seed, i);
    }
}

struct esomock_run *esomock__run_create(struct esomock_scenario *scenario, bool use_override,
                                        uint64_t seed_override)
{
    struct esomock_run *run = calloc(1, sizeof(*run));
    if (run == NULL)
        goto fail;
    run->rules = calloc(scenario->rule_count ? scenario->rule_count : 1, sizeof(*run->rules));
    if (run->rules == NULL)
        goto fail;
    atomic_init(&run->refs, 1);
    pthread_mutex_init(&run->lock, NULL);
    run->scenario = scenario;
    run->seed = use_override ? seed_override : scenario->has_seed ? scenario->seed : DEFAULT_SEED;
    for (size_t i = 0; i < scenario->rule_count; i++)
        run->has_header_rules |= is_header_rule(&scenario->rules[i]);
    rewind_state(run);
    return run;
fail:
    if (run != NULL)
        free(run->rules);
    free(run);
    esomock__scenario_free(scenario);
    return NULL;
}

void esomock__run_ref(struct esomock_run *run)
{
    atomic_fetch_add(&run->refs, 1);
}

void esomock__run_unref(struct esomock_run *run)
{
    if (run == NULL || atomic_fetch_sub(&run->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&run->lock);
    esomock__scenario_free(run->scenario);
    free(run->rules);
    free(run);
}

void esomock__run_reset(struct esomock_run *run)
{
    pthread_mutex_lock(&run->lock);
    rewind_state(run);
    pthread_mutex_unlock(&run->lock);
}

double esomock__run_elapsed(struct esomock_run *run, double time_scale)
{
    pthread_mutex_lock(&run->lock);
    double start = run->start_ms;
    pthread_mutex_unlock(&run->lock);
    return (esomock__now_ms() - start) / time_scale;
}

/* Draw a delay in scenario ms; the run lock is held (the rule's stream is shared). */
static double sample_delay(const struct esomock_delay *d, struct esomock_rng *rng,
                           double scenario_ms)
{
    switch (d->kind) {
    case ESOMOCK_DELAY_NONE:
        return 0;
    case ESOMOCK_DELAY_FIXED:
        return d->ms;
    case ESOMOCK_DELAY_UNIFORM:
        return d->min_ms + esomock__rng_unit(rng) * (d->max_ms - d->min_ms);
    case ESOMOCK_DELAY_LOGNORMAL:
        return d->median_ms * exp(d->sigma * esomock__rng_normal(rng));
    case ESOMOCK_DELAY_RAMP: {
        double span = d->ramp_end_ms - d->ramp_start_ms;
        double f = span > 0 ? (scenario_ms - d->ramp_start_ms) / span : 1;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        return d->from_ms + f * (d->to_ms - d->from_ms);
    }
    }
    return 0;
}

/* Take the next request for @p rule's script; false when its probability draw failed.
 * The run lock is held. */
static bool take_step(const struct esomock_rule *rule, struct esomock_rule_state *st,
                      double scenario_ms, struct esomock_plan *plan)
{
    const struct esomock_step *step = &rule->steps[st->step];
    plan->step_index = (int)st->step;
    st->used++;
    st->applied++;
    bool last = st->step + 1 == rule->step_count;
    if (step->times > 0 && st->used >= step->times) {
        if (!last) {
            st->step++;
            st->used = 0;
        } else if (!step->repeat) {
            st->finished = true;
        }
    }
    /* The draw happens whatever the probability, so one request's outcome never shifts
     * the stream for the requests after it. */
    double draw = esomock__rng_unit(&st->rng);
    if (draw >= step->probability)
        return false;
    plan->step = step;
    plan->action = step->action;
    plan->delay_ms = sample_delay(&step->delay, &st->rng, scenario_ms);
    /* A log-normal tail is unbounded; keep every delay within what a scenario may say. */
    if (!(plan->delay_ms <= ESOMOCK_SCENARIO_MAX_MS))
        plan->delay_ms = ESOMOCK_SCENARIO_MAX_MS;
    return true;
}

static void plan_none(struct esomock_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    plan->action = ESOMOCK_ACTION_PASS;
    plan->step_index = -1;
}

bool esomock__run_decide_head(struct esomock_run *run, const struct esomock_request_view *view,
                              struct esomock_plan *plan, size_t *resume)
{
    plan_none(plan);
    *resume = 0;
    if (!run->has_header_rules)
        return false;
    bool decided = false;
    pthread_mutex_lock(&run->lock);
    size_t i = 0;
    for (; i < run->scenario->rule_count; i++) {
        const struct esomock_rule *rule = &run->scenario->rules[i];
        struct esomock_rule_state *st = &run->rules[i];
        if (st->finished)
            continue;
        enum esomock_head_match m = esomock__rule_matches_head(rule, view);
        if (m == ESOMOCK_HEAD_NO)
            continue;
        /* First match wins: an earlier rule the body may still pick (or any rule that needs
         * no early action) is left to the body phase, which starts from it. */
        if (m == ESOMOCK_HEAD_MAYBE || !is_header_rule(rule))
            break;
        if (take_step(rule, st, view->scenario_ms, plan)) {
            plan->rule = rule;
            decided = true;
            break;
        }
        plan->step_index = -1;
    }
    pthread_mutex_unlock(&run->lock);
    /* Rules before i were ruled out (or drew and failed) here; they are not judged twice. */
    *resume = decided ? run->scenario->rule_count : i;
    return decided;
}

void esomock__run_decide(struct esomock_run *run, const struct esomock_request_view *view,
                         size_t first_rule, struct esomock_plan *plan)
{
    plan_none(plan);
    pthread_mutex_lock(&run->lock);
    for (size_t i = first_rule; i < run->scenario->rule_count; i++) {
        const struct esomock_rule *rule = &run->scenario->rules[i];
        struct esomock_rule_state *st = &run->rules[i];
        if (st->finished || !esomock__rule_matches(rule, view))
            continue;
        /* A failed probability draw lets the later rules have their chance. */
        if (take_step(rule, st, view->scenario_ms, plan)) {
            plan->rule = rule;
            break;
        }
        plan->step_index = -1;
    }
    pthread_mutex_unlock(&run->lock);
}

uint64_t *esomock__run_rule_counts(struct esomock_run *run, size_t *count)
{
    size_t n = run->scenario->rule_count;
    uint64_t *counts = calloc(n ? n : 1, sizeof(*counts));
    if (counts == NULL) {
        *count = 0;
        return NULL;
    }
    pthread_mutex_lock(&run->lock);
    for (size_t i = 0; i < n; i++)
        counts[i] = run->rules[i].applied;
    pthread_mutex_unlock(&run->lock);
    *count = n;
    return counts;
}
