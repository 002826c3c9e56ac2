/* The retry budget: token bucket arithmetic (AWS SDK standard mode). */
#include <criterion/criterion.h>

#include "budget_private.h"

Test(budget, drains_in_retry_cost_steps)
{
    struct eso__budget b;
    eso__budget_init(&b, false, 500, 5, 10, 1);
    unsigned cost = 0;
    for (int i = 0; i < 100; i++)
        cr_assert(eso__budget_withdraw(&b, false, &cost) && cost == 5, "retry %d fits", i);
    cr_assert_eq(eso__budget_tokens(&b), 0, "500 / 5 = 100 retries empty it");
    cost = 77;
    cr_assert(!eso__budget_withdraw(&b, false, &cost), "the 101st retry is refused");
    cr_assert_eq(cost, 77, "cost untouched on refusal");
    eso__budget_finish(&b);
}

Test(budget, timeouts_cost_more)
{
    struct eso__budget b;
    eso__budget_init(&b, false, 25, 5, 10, 1);
    unsigned cost = 0;
    cr_assert(eso__budget_withdraw(&b, true, &cost) && cost == 10, "timeout retry costs 10");
    cr_assert(eso__budget_withdraw(&b, true, &cost), "second timeout retry");
    cr_assert_eq(eso__budget_tokens(&b), 5, "25 - 20");
    cr_assert(!eso__budget_withdraw(&b, true, &cost), "5 tokens < 10");
    cr_assert(eso__budget_withdraw(&b, false, &cost) && cost == 5, "a plain retry still fits");
    eso__budget_finish(&b);
}

Test(budget, successes_refund_and_cap)
{
    struct eso__budget b;
    eso__budget_init(&b, false, 20, 5, 10, 1);
    unsigned cost = 0;
    cr_assert(eso__budget_withdraw(&b, false, &cost), "withdraw");
    cr_assert(eso__budget_withdraw(&b, false, &cost), "withdraw");
    cr_assert_eq(eso__budget_tokens(&b), 10, "two retries taken");
    eso__budget_on_success(&b, 0);
    cr_assert_eq(eso__budget_tokens(&b), 11, "a first-try success adds 1");
    eso__budget_on_success(&b, 5);
    cr_assert_eq(eso__budget_tokens(&b), 16, "a success on a retry refunds its cost");
    eso__budget_on_success(&b, 10);
    cr_assert_eq(eso__budget_tokens(&b), 20, "never above capacity");
    eso__budget_on_success(&b, 0);
    cr_assert_eq(eso__budget_tokens(&b), 20, "still capped");
    eso__budget_finish(&b);
}

Test(budget, disabled_never_refuses)
{
    struct eso__budget b;
    eso__budget_init(&b, true, 1, 5, 10, 1);
    unsigned cost = 99;
    for (int i = 0; i < 1000; i++)
        cr_assert(eso__budget_withdraw(&b, i % 2, &cost), "disabled budget allows retry %d", i);
    cr_assert_eq(cost, 0, "no cost when disabled");
    cr_assert_eq(eso__budget_tokens(&b), UINT64_MAX, "disabled reads as unlimited");
    eso__budget_finish(&b);
}
