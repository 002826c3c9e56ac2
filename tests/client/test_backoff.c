/* Backoff: exact delay sequences per jitter kind, caps, the PRNG, and the delays the client sleeps.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "backoff_private.h"
#include "client_test_util.h"
#include "random_private.h"

#define HALF (UINT64_C(1) << 63)
#define QUARTER (UINT64_C(1) << 62)

static struct eso__backoff policy(enum eso_jitter j)
{
    struct eso__backoff b = {
        .initial_ns = MS(100), .max_ns = MS(1000), .multiplier = 2.0, .jitter = j};
    return b;
}

Test(backoff, none_is_exponential_and_capped)
{
    struct eso__backoff b = policy(ESO_JITTER_NONE);
    const uint64_t want[] = {MS(100), MS(200), MS(400), MS(800), MS(1000), MS(1000)};
    for (unsigned n = 1; n <= 6; n++)
        cr_assert_eq(eso__backoff_delay(&b, n, 0, 12345), want[n - 1], "retry %u: got %llu", n,
                     (unsigned long long)eso__backoff_delay(&b, n, 0, 12345));
}

Test(backoff, base_saturates_for_huge_retry_numbers)
{
    struct eso__backoff b = policy(ESO_JITTER_NONE);
    cr_assert_eq(eso__backoff_base(&b, 5000), MS(1000), "retry 5000 must hit the cap");
    b.multiplier = 1.0;
    cr_assert_eq(eso__backoff_base(&b, 50), MS(100), "multiplier 1 keeps the delay constant");
    cr_assert_eq(eso__backoff_base(&b, 0), MS(100), "retry 0 is treated as the first");
}

Test(backoff, full_jitter_exact_with_scripted_random)
{
    struct eso__backoff b = policy(ESO_JITTER_FULL);
    const uint64_t half[] = {MS(50), MS(100), MS(200), MS(400), MS(500), MS(500)};
    for (unsigned n = 1; n <= 6; n++)
        cr_assert_eq(eso__backoff_delay(&b, n, 0, HALF), half[n - 1], "retry %u at 0.5", n);
    cr_assert_eq(eso__backoff_delay(&b, 3, 0, QUARTER), MS(100), "0.25 of 400 ms");
    cr_assert_eq(eso__backoff_delay(&b, 3, 0, 0), 0, "random 0 gives no wait");
    uint64_t top = eso__backoff_delay(&b, 3, 0, UINT64_MAX);
    cr_assert(top < MS(400) && top > MS(400) - 1000, "random max stays just below the base: %llu",
              (unsigned long long)top);
}

Test(backoff, equal_jitter_exact_with_scripted_random)
{
    struct eso__backoff b = policy(ESO_JITTER_EQUAL);
    const uint64_t half[] = {MS(75), MS(150), MS(300), MS(600), MS(750), MS(750)};
    for (unsigned n = 1; n <= 6; n++)
        cr_assert_eq(eso__backoff_delay(&b, n, 0, HALF), half[n - 1], "retry %u at 0.5", n);
    cr_assert_eq(eso__backoff_delay(&b, 2, 0, 0), MS(100), "equal jitter never goes below half");
}

Test(backoff, decorrelated_jitter_exact_with_scripted_random)
{
    struct eso__backoff b = policy(ESO_JITTER_DECORRELATED);
    /* prev 0 -> [100,300]; 200 -> [100,600]; 350 -> [100,1000]; 550 -> [100,1000]. */
    const uint64_t want[] = {MS(200), MS(350), MS(550), MS(550)};
    uint64_t prev = 0;
    for (unsigned n = 1; n <= 4; n++) {
        uint64_t d = eso__backoff_delay(&b, n, prev, HALF);
        cr_assert_eq(d, want[n - 1], "retry %u: got %llu", n, (unsigned long long)d);
        prev = d;
    }
    cr_assert_eq(eso__backoff_delay(&b, 9, MS(900), 0), MS(100), "the floor is the initial delay");
    cr_assert(eso__backoff_delay(&b, 9, MS(900), UINT64_MAX) <= MS(1000), "capped at max");
}

Test(backoff, full_jitter_stays_in_bounds_with_the_prng)
{
    struct eso__backoff b = policy(ESO_JITTER_FULL);
    struct eso__rng rng;
    eso__rng_seed(&rng, 42);
    for (int i = 0; i < 2000; i++) {
        unsigned n = 1 + (unsigned)(i % 6);
        uint64_t d = eso__backoff_delay(&b, n, 0, eso__rng_next(&rng));
        cr_assert(d <= eso__backoff_base(&b, n), "draw %d above base", i);
    }
}

Test(backoff, prng_is_reproducible_per_seed)
{
    struct eso__rng a, b, c;
    eso__rng_seed(&a, 7);
    eso__rng_seed(&b, 7);
    eso__rng_seed(&c, 8);
    bool differs = false;
    for (int i = 0; i < 16; i++) {
        uint64_t x = eso__rng_next(&a);
        cr_assert_eq(x, eso__rng_next(&b), "same seed, same draw %d", i);
        differs |= x != eso__rng_next(&c);
    }
    cr_assert(differs, "another seed gives another sequence");
    cr_assert_eq(eso__rng_fraction(HALF), 0.5, "fraction of 2^63 is 0.5");
}

/* Through the client: the fake clock records exactly the sleeps the policy asks for. */
static void run_503s(enum eso_jitter j, const uint64_t *want, size_t n)
{
    struct unit_env env;
    unit_env_init(&env);
    env.opts.jitter = j;
    env.opts.max_attempts = (unsigned)n + 1;
    env.opts.breaker_disabled = true;
    for (size_t i = 0; i <= n; i++)
        scripted_add(&env.transport, (struct step){.status = 503, .body = "{}"});
    struct eso_client *c = NULL;
    cr_assert_eq(eso_client_create(&env.opts, &c, NULL), ESO_OK, "create");
    struct eso_result res;
    enum eso_status st = eso_query(c, "getGuildById", NULL, NULL, &res);
    cr_assert_eq(st, ESO_SERVER_ERROR, "gives up with the 503: %s", res.detail);
    cr_assert_eq(res.attempts, n + 1, "attempts %u", res.attempts);
    cr_assert_eq(env.clock.nsleeps, n, "one sleep per retry, got %zu", env.clock.nsleeps);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(env.clock.sleeps[i], want[i], "sleep %zu: %llu", i,
                     (unsigned long long)env.clock.sleeps[i]);
    eso_result_finish(&res);
    eso_client_destroy(c);
}

Test(backoff, client_sleeps_exact_sequence_none)
{
    const uint64_t want[] = {MS(100), MS(200), MS(400), MS(800), MS(1000)};
    run_503s(ESO_JITTER_NONE, want, 5);
}

Test(backoff, client_sleeps_exact_sequence_full)
{
    const uint64_t want[] = {MS(50), MS(100), MS(200), MS(400)};
    run_503s(ESO_JITTER_FULL, want, 4);
}

Test(backoff, client_sleeps_exact_sequence_equal)
{
    const uint64_t want[] = {MS(75), MS(150), MS(300)};
    run_503s(ESO_JITTER_EQUAL, want, 3);
}

Test(backoff, client_sleeps_exact_sequence_decorrelated)
{
    const uint64_t want[] = {MS(200), MS(350), MS(550)};
    run_503s(ESO_JITTER_DECORRELATED, want, 3);
}

Test(backoff, time_scale_shrinks_every_delay)
{
    struct unit_env env;
    unit_env_init(&env);
    env.opts.time_scale = 0.01;
    env.opts.max_attempts = 3;
    scripted_add(&env.transport, (struct step){.status = 503});
    scripted_add(&env.transport, (struct step){.status = 503});
    struct eso_client *c = NULL;
    cr_assert_eq(eso_client_create(&env.opts, &c, NULL), ESO_OK, "create");
    cr_assert_float_eq(eso_client_time_scale(c), 0.01, 1e-12, "scale read back");
    struct eso_result res;
    cr_assert_eq(eso_query(c, "getGuildById", NULL, NULL, &res), ESO_OK, "third try succeeds");
    cr_assert_eq(env.clock.nsleeps, 2, "two sleeps");
    cr_assert_eq(env.clock.sleeps[0], MS(1), "100 ms scaled by 0.01");
    cr_assert_eq(env.clock.sleeps[1], MS(2), "200 ms scaled by 0.01");
    cr_assert_eq(env.transport.last_timeout_ns, MS(300), "30 s attempt timeout scaled to 300 ms");
    eso_result_finish(&res);
    eso_client_destroy(c);
}

Test(backoff, time_scale_from_environment)
{
    setenv("ESO_TIME_SCALE", "0.5", 1);
    struct unit_env env;
    unit_env_init(&env);
    env.opts.time_scale = 0;
    struct eso_client *c = NULL;
    cr_assert_eq(eso_client_create(&env.opts, &c, NULL), ESO_OK, "create");
    cr_assert_float_eq(eso_client_time_scale(c), 0.5, 1e-12, "ESO_TIME_SCALE read");
    eso_client_destroy(c);
    setenv("ESO_TIME_SCALE", "garbage", 1);
    cr_assert_eq(eso_client_create(&env.opts, &c, NULL), ESO_OK, "create");
    cr_assert_float_eq(eso_client_time_scale(c), 1.0, 1e-12, "garbage falls back to 1");
    eso_client_destroy(c);
    unsetenv("ESO_TIME_SCALE");
}
