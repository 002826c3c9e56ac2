/* The circuit breaker state machine: every transition allowed and forbidden, both opening rules,
 * growing cool-down, bounded half-open probes, stale permits. */
#include <criterion/criterion.h>

#include "breaker_private.h"
#include "client_test_util.h"

static struct eso__breaker br;

static struct eso__breaker_config cfg(unsigned threshold, unsigned rate)
{
    struct eso__breaker_config c = {
        .threshold = threshold,
        .failure_rate = rate,
        .window = 10,
        .min_calls = 4,
        .cooldown_ns = MS(1000),
        .cooldown_multiplier = 2.0,
        .cooldown_max_ns = MS(3000),
        .half_open_probes = 2,
    };
    return c;
}

static void setup_br(unsigned threshold, unsigned rate)
{
    struct eso__breaker_config c = cfg(threshold, rate);
    cr_assert_eq(eso__breaker_init(&br, &c), 0, "init");
}

static void fini(void)
{
    eso__breaker_finish(&br);
}

static void record(uint64_t now, enum eso__outcome o, struct eso__transition *tr)
{
    struct eso__permit p;
    struct eso__transition atr = {0};
    cr_assert(eso__breaker_acquire(&br, now, &p, &atr), "acquire at %llu", (unsigned long long)now);
    eso__breaker_record(&br, now, &p, o, tr);
}

static void open_it(uint64_t now)
{
    struct eso__transition tr = {0};
    cr_assert(eso__breaker_transition(&br, now, ESO_BREAKER_STATE_OPEN, "test", &tr), "to open");
}

static void goto_state(enum eso_breaker_state s)
{
    if (s == ESO_BREAKER_STATE_CLOSED)
        return;
    open_it(0);
    if (s == ESO_BREAKER_STATE_OPEN)
        return;
    cr_assert(eso__breaker_transition(&br, 0, ESO_BREAKER_STATE_HALF_OPEN, "test", NULL),
              "to half");
}

Test(breaker, transition_table, .fini = fini)
{
    const enum eso_breaker_state all[] = {ESO_BREAKER_STATE_CLOSED, ESO_BREAKER_STATE_OPEN,
                                          ESO_BREAKER_STATE_HALF_OPEN};
    /* allowed[from][to] */
    const bool allowed[3][3] = {
        {false, true, false}, /* closed -> open only */
        {false, false, true}, /* open -> half-open only */
        {true, true, false},  /* half-open -> closed or open */
    };
    for (int f = 0; f < 3; f++) {
        for (int t = 0; t < 3; t++) {
            setup_br(3, 0);
            goto_state(all[f]);
            cr_assert_eq(eso__breaker_state(&br), all[f], "reached %d", f);
            struct eso__transition tr = {0};
            bool ok = eso__breaker_transition(&br, 0, all[t], "test", &tr);
            cr_assert_eq(ok, allowed[f][t], "%s -> %s allowed=%d", eso_breaker_state_name(all[f]),
                         eso_breaker_state_name(all[t]), ok);
            cr_assert_eq(tr.happened, ok, "a transition is reported iff it happened");
            cr_assert_eq(eso__breaker_state(&br), ok ? all[t] : all[f], "state after");
            if (ok) {
                cr_assert_eq(tr.from, all[f], "from");
                cr_assert_eq(tr.to, all[t], "to");
            }
            eso__breaker_finish(&br);
        }
    }
    setup_br(3, 0);
}

Test(breaker, consecutive_failures_open_it, .fini = fini)
{
    setup_br(3, 0);
    struct eso__transition tr = {0};
    record(0, ESO__OUTCOME_FAILURE, &tr);
    record(0, ESO__OUTCOME_FAILURE, &tr);
    record(0, ESO__OUTCOME_SUCCESS, &tr);
    record(0, ESO__OUTCOME_FAILURE, &tr);
    record(0, ESO__OUTCOME_FAILURE, &tr);
    cr_assert(!tr.happened, "a success resets the streak");
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_CLOSED, "still closed");
    record(MS(5), ESO__OUTCOME_FAILURE, &tr);
    cr_assert(tr.happened, "third failure in a row opens");
    cr_assert_str_eq(tr.reason, "consecutive_failures", "reason");
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_OPEN, "open");
    cr_assert_eq(eso__breaker_open_until(&br), MS(1005), "open for the cool-down");
}

Test(breaker, ignored_outcomes_do_not_count, .fini = fini)
{
    setup_br(2, 0);
    struct eso__transition tr = {0};
    record(0, ESO__OUTCOME_FAILURE, &tr);
    record(0, ESO__OUTCOME_IGNORED, &tr);
    record(0, ESO__OUTCOME_IGNORED, &tr);
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_CLOSED, "429s say nothing");
    record(0, ESO__OUTCOME_FAILURE, &tr);
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_OPEN,
                 "ignored ones did not break the streak");
}

Test(breaker, failure_rate_needs_minimum_calls, .fini = fini)
{
    setup_br(0, 50);
    struct eso__transition tr = {0};
    record(0, ESO__OUTCOME_FAILURE, &tr);
    record(0, ESO__OUTCOME_FAILURE, &tr);
    record(0, ESO__OUTCOME_FAILURE, &tr);
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_CLOSED, "3 calls < min 4");
    record(0, ESO__OUTCOME_SUCCESS, &tr);
    cr_assert(tr.happened, "3 of 4 failed = 75%% >= 50%%");
    cr_assert_str_eq(tr.reason, "failure_rate", "reason");
}

Test(breaker, failure_rate_below_threshold_stays_closed, .fini = fini)
{
    setup_br(0, 50);
    struct eso__transition tr = {0};
    for (int i = 0; i < 40; i++)
        record(0, i % 4 == 0 ? ESO__OUTCOME_FAILURE : ESO__OUTCOME_SUCCESS, &tr);
    cr_assert(!tr.happened, "a quarter failing stays under 50%%");
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_CLOSED, "closed");
}

Test(breaker, sliding_window_forgets_old_failures, .fini = fini)
{
    setup_br(0, 50);
    struct eso__transition tr = {0};
    for (int i = 0; i < 4; i++)
        record(0, i < 1 ? ESO__OUTCOME_FAILURE : ESO__OUTCOME_SUCCESS, &tr); /* 1/4 */
    for (int i = 0; i < 10; i++)
        record(0, ESO__OUTCOME_SUCCESS, &tr); /* the failure slides out */
    for (int i = 0; i < 4; i++)
        record(0, ESO__OUTCOME_FAILURE, &tr); /* 4/10 */
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_CLOSED, "40%% over the window");
    record(0, ESO__OUTCOME_FAILURE, &tr); /* 5/10 */
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_OPEN, "50%% opens it");
}

Test(breaker, open_rejects_until_cooldown_then_half_open, .fini = fini)
{
    setup_br(1, 0);
    struct eso__transition tr = {0};
    record(0, ESO__OUTCOME_FAILURE, &tr);
    struct eso__permit p;
    struct eso__transition atr = {0};
    cr_assert(!eso__breaker_acquire(&br, MS(999), &p, &atr), "fails fast while open");
    cr_assert(!atr.happened, "no transition before the cool-down");
    cr_assert(eso__breaker_acquire(&br, MS(1000), &p, &atr), "a probe at the cool-down");
    cr_assert(atr.happened && atr.to == ESO_BREAKER_STATE_HALF_OPEN, "open -> half-open");
    cr_assert_str_eq(atr.reason, "cooldown_elapsed", "reason");
    cr_assert(p.probe, "the permit is a probe");
}

Test(breaker, half_open_admits_a_bounded_number_of_probes, .fini = fini)
{
    setup_br(1, 0);
    struct eso__transition tr = {0};
    record(0, ESO__OUTCOME_FAILURE, &tr);
    struct eso__permit p1, p2, p3;
    struct eso__transition atr = {0};
    cr_assert(eso__breaker_acquire(&br, MS(1000), &p1, &atr), "probe 1");
    cr_assert(eso__breaker_acquire(&br, MS(1000), &p2, &atr), "probe 2");
    cr_assert(!eso__breaker_acquire(&br, MS(1000), &p3, &atr),
              "a third concurrent call is refused");
    eso__breaker_release(&br, &p2);
    cr_assert(eso__breaker_acquire(&br, MS(1000), &p3, &atr), "a released probe frees its slot");
    struct eso__transition rtr = {0};
    eso__breaker_record(&br, MS(1001), &p1, ESO__OUTCOME_SUCCESS, &rtr);
    cr_assert(!rtr.happened, "one success of two needed");
    eso__breaker_record(&br, MS(1002), &p3, ESO__OUTCOME_SUCCESS, &rtr);
    cr_assert(rtr.happened && rtr.to == ESO_BREAKER_STATE_CLOSED, "two successes close it");
    cr_assert_str_eq(rtr.reason, "probes_succeeded", "reason");
}

Test(breaker, failed_probe_reopens_with_growing_cooldown, .fini = fini)
{
    setup_br(1, 0);
    struct eso__transition tr = {0};
    record(0, ESO__OUTCOME_FAILURE, &tr);
    cr_assert_eq(eso__breaker_open_until(&br), MS(1000), "first open: 1 s");
    struct eso__permit p;
    struct eso__transition atr = {0};
    cr_assert(eso__breaker_acquire(&br, MS(1000), &p, &atr), "probe");
    eso__breaker_record(&br, MS(1000), &p, ESO__OUTCOME_FAILURE, &tr);
    cr_assert_str_eq(tr.reason, "probe_failed", "reason");
    cr_assert_eq(eso__breaker_open_until(&br), MS(3000), "second open: 2 s");
    cr_assert(eso__breaker_acquire(&br, MS(3000), &p, &atr), "probe");
    eso__breaker_record(&br, MS(3000), &p, ESO__OUTCOME_FAILURE, &tr);
    cr_assert_eq(eso__breaker_open_until(&br), MS(6000), "third open: 4 s capped to 3 s");
    /* Two good probes close it, and the next opening starts from 1 s again. */
    struct eso__permit a, b;
    cr_assert(eso__breaker_acquire(&br, MS(6000), &a, &atr), "probe a");
    cr_assert(eso__breaker_acquire(&br, MS(6000), &b, &atr), "probe b");
    eso__breaker_record(&br, MS(6000), &a, ESO__OUTCOME_SUCCESS, &tr);
    eso__breaker_record(&br, MS(6000), &b, ESO__OUTCOME_SUCCESS, &tr);
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_CLOSED, "closed");
    cr_assert_eq(eso__breaker_next_cooldown(&br), MS(1000), "cool-down reset after closing");
}

Test(breaker, ignored_probe_frees_its_slot, .fini = fini)
{
    setup_br(1, 0);
    struct eso__transition tr = {0};
    record(0, ESO__OUTCOME_FAILURE, &tr);
    struct eso__permit a, b, c;
    struct eso__transition atr = {0};
    cr_assert(eso__breaker_acquire(&br, MS(1000), &a, &atr), "probe a");
    cr_assert(eso__breaker_acquire(&br, MS(1000), &b, &atr), "probe b");
    eso__breaker_record(&br, MS(1000), &a, ESO__OUTCOME_IGNORED, &tr);
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_HALF_OPEN, "a 429 decides nothing");
    cr_assert(eso__breaker_acquire(&br, MS(1000), &c, &atr), "its slot is free again");
}

Test(breaker, stale_permits_are_ignored, .fini = fini)
{
    setup_br(1, 0);
    struct eso__permit old;
    struct eso__transition atr = {0};
    cr_assert(eso__breaker_acquire(&br, 0, &old, &atr), "permit while closed");
    struct eso__transition tr = {0};
    record(0, ESO__OUTCOME_FAILURE, &tr); /* another call opens it */
    struct eso__permit probe;
    cr_assert(eso__breaker_acquire(&br, MS(1000), &probe, &atr), "half-open probe");
    struct eso__transition rtr = {0};
    eso__breaker_record(&br, MS(1000), &old, ESO__OUTCOME_FAILURE, &rtr);
    cr_assert(!rtr.happened, "a result from before the opening does not reopen it");
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_HALF_OPEN, "still half-open");
}

Test(breaker, disabled_always_admits, .fini = fini)
{
    struct eso__breaker_config c = cfg(1, 0);
    c.disabled = true;
    cr_assert_eq(eso__breaker_init(&br, &c), 0, "init");
    struct eso__transition tr = {0};
    for (int i = 0; i < 20; i++)
        record(0, ESO__OUTCOME_FAILURE, &tr);
    cr_assert(!tr.happened, "never transitions");
    cr_assert_eq(eso__breaker_state(&br), ESO_BREAKER_STATE_CLOSED, "closed");
}
