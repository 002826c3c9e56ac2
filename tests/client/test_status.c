/* Status codes: descriptions, names, the transient/permanent table, CLI exit codes. */
#include <criterion/criterion.h>
#include <string.h>

#include <esologs/esologs.h>

/* The last code, counted from the one table. */
#define ONE(...) +1
enum { COUNT = 0 ESO_STATUS_MAP(ONE) };
#undef ONE
#define LAST ((int)COUNT - 1)

/* Issue 15.5: one table gives every status its name, text, class and exit code; the names
 * read back. */
Test(status, the_table_is_whole_and_names_read_back)
{
#define CHECK(suffix, value, name, text, transient, exit)                                          \
    cr_assert_eq((int)ESO_##suffix, value, #suffix);                                               \
    cr_assert_str_eq(eso_status_name(ESO_##suffix), name, #suffix);                                \
    cr_assert_str_eq(eso_strerror(ESO_##suffix), text, #suffix);                                   \
    cr_assert_eq(eso_status_is_transient(ESO_##suffix), transient, #suffix);                       \
    cr_assert_eq(eso_status_exit_code(ESO_##suffix), exit, #suffix);
    ESO_STATUS_MAP(CHECK)
#undef CHECK
    cr_assert_eq(LAST, ESO_PROTOCOL_ERROR, "the map ends at the last code");
    for (int i = 0; i <= LAST; i++) {
        enum eso_status back = ESO_OK;
        const char *name = eso_status_name((enum eso_status)i);
        cr_assert_eq(eso_status_from_name(name, &back), ESO_OK, "%s is found", name);
        cr_assert_eq((int)back, i, "%s reads back as %d, got %d", name, i, (int)back);
    }
    enum eso_status out = ESO_TIMEOUT;
    cr_assert_eq(eso_status_from_name("Timeout", &out), ESO_BAD_ARGUMENT, "exact case");
    cr_assert_eq(eso_status_from_name("unknown", &out), ESO_BAD_ARGUMENT, "no such name");
    cr_assert_eq(eso_status_from_name(NULL, &out), ESO_BAD_ARGUMENT, "NULL name");
    cr_assert_eq(eso_status_from_name("ok", NULL), ESO_BAD_ARGUMENT, "NULL out");
    cr_assert_eq(out, ESO_TIMEOUT, "out untouched on failure");
}

Test(status, the_running_library_says_its_version)
{
    cr_assert_eq(eso_version(), (unsigned)ESO_VERSION_NUM, "the library of these headers");
    cr_assert_str_eq(eso_version_string(), ESO_VERSION_STR, "as text");
    cr_assert(ESO_VERSION_AT_LEAST(ESO_VERSION_MAJOR, ESO_VERSION_MINOR, ESO_VERSION_PATCH),
              "at least itself");
    cr_assert(!ESO_VERSION_AT_LEAST(ESO_VERSION_MAJOR + 1, 0, 0), "not the next major");
}

/* Issue 15.5: the caller-sized structs end in reserved space, so they can grow without
 * changing size; these are their sizes on LP64 at this ABI (a change here is an ABI break:
 * a new SONAME, see docs/client.md). */
Test(status, caller_sized_structs_keep_their_size)
{
    if (sizeof(void *) != 8 || sizeof(long) != 8)
        cr_skip_test("the sizes are pinned for LP64");
    cr_assert_eq(sizeof(struct eso_options), 400, "eso_options: %zu", sizeof(struct eso_options));
    cr_assert_eq(sizeof(struct eso_result), 392, "eso_result: %zu", sizeof(struct eso_result));
    cr_assert_eq(sizeof(struct eso_counters), 280, "eso_counters: %zu",
                 sizeof(struct eso_counters));
    cr_assert_eq(sizeof(struct eso_batch_item), 448, "eso_batch_item: %zu",
                 sizeof(struct eso_batch_item));
    cr_assert_eq(sizeof(struct eso_clock), 64, "eso_clock: %zu", sizeof(struct eso_clock));
    cr_assert_eq(sizeof(struct eso_random), 48, "eso_random: %zu", sizeof(struct eso_random));
    cr_assert_eq(sizeof(struct eso_transport), 48, "eso_transport: %zu",
                 sizeof(struct eso_transport));
}

/* What a newer header set in the reserved space is refused by this library, not ignored. */
Test(status, reserved_space_must_be_zero)
{
    struct eso_client *c = NULL;
    char err[ESO_DETAIL_SIZE];
    struct eso_options o;
    eso_options_init(&o);
    o.bearer_token = "t";
    o.reserved[15] = 1;
    cr_assert_eq(eso_client_create(&o, &c, err), ESO_BAD_ARGUMENT, "reserved options");
    cr_assert(strstr(err, "reserved") != NULL, "says so: %s", err);
    o.reserved[15] = 0;
    struct eso_clock clk = {0};
    clk.reserved[0] = &clk;
    o.clock = &clk;
    cr_assert_eq(eso_client_create(&o, &c, err), ESO_BAD_ARGUMENT, "reserved clock hook");
    o.clock = NULL;
    cr_assert_eq(eso_client_create(&o, &c, err), ESO_OK, "zero is fine: %s", err);
    struct eso_batch_item item = {.operation = "getZones"};
    item.reserved[3] = &item;
    cr_assert_eq(eso_batch(c, &item, 1, 1), ESO_BAD_ARGUMENT, "reserved batch input");
    struct eso_counters cnt;
    memset(&cnt, 0xff, sizeof cnt);
    cr_assert_eq(eso_client_counters(c, &cnt), ESO_OK, "counters");
    for (size_t i = 0; i < sizeof cnt.reserved / sizeof *cnt.reserved; i++)
        cr_assert_eq(cnt.reserved[i], 0, "counters' reserved space zeroed");
    eso_client_destroy(c);
}

Test(status, every_code_has_text_and_a_unique_name)
{
    for (int i = 0; i <= LAST; i++) {
        const char *s = eso_strerror((enum eso_status)i);
        cr_assert(s != NULL && strcmp(s, "unknown status") != 0, "code %d has a description", i);
        const char *n = eso_status_name((enum eso_status)i);
        cr_assert(strcmp(n, "unknown") != 0, "code %d has a name", i);
        for (int j = 0; j < i; j++)
            cr_assert_str_neq(n, eso_status_name((enum eso_status)j), "names %d and %d differ", i,
                              j);
    }
    cr_assert_str_eq(eso_strerror((enum eso_status)999), "unknown status", "out of range");
    cr_assert_str_eq(eso_status_name((enum eso_status)999), "unknown", "out of range");
}

Test(status, transient_table)
{
    const enum eso_status transient[] = {
        ESO_CONNECT_FAILED,    ESO_TIMEOUT,      ESO_CONNECTION_DROPPED, ESO_CONNECTION_RESET,
        ESO_TRUNCATED,         ESO_RATE_LIMITED, ESO_SERVER_ERROR,       ESO_MALFORMED_JSON,
        ESO_GRAPHQL_TRANSIENT, ESO_BREAKER_OPEN, ESO_BUDGET_EXHAUSTED,   ESO_DEADLINE_EXCEEDED,
        ESO_POOL_TIMEOUT,
    };
    for (int i = 0; i <= LAST; i++) {
        bool want = false;
        for (size_t j = 0; j < sizeof transient / sizeof *transient; j++)
            want |= transient[j] == (enum eso_status)i;
        cr_assert_eq(eso_status_is_transient((enum eso_status)i), want, "%s transient=%d",
                     eso_status_name((enum eso_status)i), want);
    }
}

Test(status, exit_codes_by_class)
{
    cr_assert_eq(eso_status_exit_code(ESO_OK), 0, "ok");
    cr_assert_eq(eso_status_exit_code(ESO_CONNECT_FAILED), 3, "connect");
    cr_assert_eq(eso_status_exit_code(ESO_TIMEOUT), 4, "timeout");
    cr_assert_eq(eso_status_exit_code(ESO_CONNECTION_DROPPED), 5, "dropped");
    cr_assert_eq(eso_status_exit_code(ESO_CONNECTION_RESET), 5, "reset");
    cr_assert_eq(eso_status_exit_code(ESO_TRUNCATED), 5, "truncated");
    cr_assert_eq(eso_status_exit_code(ESO_RATE_LIMITED), 6, "429");
    cr_assert_eq(eso_status_exit_code(ESO_SERVER_ERROR), 7, "5xx");
    cr_assert_eq(eso_status_exit_code(ESO_UNAUTHORIZED), 8, "401");
    cr_assert_eq(eso_status_exit_code(ESO_GRAPHQL_ERROR), 10, "graphql");
    cr_assert_eq(eso_status_exit_code(ESO_GRAPHQL_TRANSIENT), 17,
                 "transient GraphQL errors have their own code");
    cr_assert_eq(eso_status_exit_code(ESO_BREAKER_OPEN), 11, "breaker");
    cr_assert_eq(eso_status_exit_code(ESO_BUDGET_EXHAUSTED), 12, "budget");
    cr_assert_eq(eso_status_exit_code(ESO_DEADLINE_EXCEEDED), 13, "deadline");
    cr_assert_eq(eso_status_exit_code(ESO_BAD_ARGUMENT), 2, "usage");
    cr_assert_eq(eso_status_exit_code(ESO_RESPONSE_TOO_LARGE), 9, "too large");
    cr_assert_eq(eso_status_exit_code(ESO_PROTOCOL_ERROR), 18, "protocol error");
    for (int i = 1; i <= LAST; i++)
        cr_assert_neq(eso_status_exit_code((enum eso_status)i), 0, "failure %d exits non-zero", i);
    cr_assert_eq(eso_status_exit_code((enum eso_status)999), 1, "unknown -> 1");
}

Test(status, jitter_names_round_trip)
{
    const char *names[] = {"none", "full", "equal", "decorrelated"};
    for (size_t i = 0; i < 4; i++) {
        enum eso_jitter j;
        cr_assert_eq(eso_jitter_from_name(names[i], &j), ESO_OK, "%s parses", names[i]);
        cr_assert_str_eq(eso_jitter_name(j), names[i], "round trip");
    }
    enum eso_jitter j = ESO_JITTER_NONE;
    cr_assert_eq(eso_jitter_from_name("fancy", &j), ESO_BAD_ARGUMENT, "unknown name");
    cr_assert_eq(j, ESO_JITTER_NONE, "out-param untouched on failure");
    cr_assert_str_eq(eso_jitter_name(ESO_JITTER_DEFAULT), "full", "default is full");
}

Test(status, options_init_matches_zero_defaults)
{
    struct eso_options o;
    eso_options_init(&o);
    cr_assert_eq(o.max_attempts, 4, "4 attempts");
    cr_assert_eq(o.timeout_ms, 30000, "30 s");
    cr_assert_eq(o.connect_timeout_ms, 10000, "10 s");
    cr_assert_eq(o.pool_timeout_ms, 5000, "5 s");
    cr_assert_eq(o.max_connections, 100, "100");
    cr_assert_eq(o.max_keepalive, 20, "20");
    cr_assert_eq(o.retry_on, (unsigned)ESO_RETRY_DEFAULT, "default classes");
    cr_assert_eq(o.breaker_threshold, 5, "5 in a row");
    cr_assert_eq(o.budget_capacity, 500, "500 tokens");
    cr_assert((o.retry_on & ESO_RETRY_500) == 0, "500 is not retried by default");
    cr_assert((o.retry_on & ESO_RETRY_503) != 0, "503 is");
}

Test(status, bad_options_are_refused)
{
    struct eso_client *c = (struct eso_client *)0x1;
    char err[ESO_DETAIL_SIZE];
    struct eso_options o = {0};
    o.multiplier = 0.5;
    cr_assert_eq(eso_client_create(&o, &c, err), ESO_BAD_ARGUMENT, "multiplier < 1");
    cr_assert(strstr(err, "multiplier") != NULL, "err names it: %s", err);
    cr_assert_eq(c, (struct eso_client *)0x1, "out untouched");
    o.multiplier = 0;
    o.breaker_failure_rate = 101;
    cr_assert_eq(eso_client_create(&o, &c, err), ESO_BAD_ARGUMENT, "rate > 100");
    o.breaker_failure_rate = 0;
    o.time_scale = -1;
    cr_assert_eq(eso_client_create(&o, &c, err), ESO_BAD_ARGUMENT, "negative scale");
    o.time_scale = 0;
    o.jitter = (enum eso_jitter)9;
    cr_assert_eq(eso_client_create(&o, &c, err), ESO_BAD_ARGUMENT, "bad jitter");
    o.jitter = 0;
    o.api_url = "";
    cr_assert_eq(eso_client_create(&o, &c, err), ESO_BAD_ARGUMENT, "empty url");
    cr_assert_eq(eso_client_create(NULL, NULL, err), ESO_BAD_ARGUMENT, "NULL out");
    cr_assert_eq(eso_client_create_resilient(-1, 3, &c), ESO_BAD_ARGUMENT, "bad timeout");
    cr_assert_eq(eso_client_create_with_timeout(0, &c), ESO_BAD_ARGUMENT, "zero timeout");
}

Test(status, null_handles_are_safe)
{
    eso_client_destroy(NULL);
    eso_result_finish(NULL);
    struct eso_result res;
    cr_assert_eq(eso_query(NULL, "getZones", NULL, NULL, &res), ESO_BAD_ARGUMENT, "NULL client");
    cr_assert_eq(res.status, ESO_BAD_ARGUMENT, "result filled");
    eso_result_finish(&res);
    cr_assert_eq(eso_query(NULL, "getZones", NULL, NULL, NULL), ESO_BAD_ARGUMENT, "NULL result");
    struct eso_counters cnt;
    cr_assert_eq(eso_client_counters(NULL, &cnt), ESO_BAD_ARGUMENT, "counters");
    cr_assert_eq(eso_client_breaker_state(NULL), ESO_BREAKER_STATE_CLOSED, "breaker");
    cr_assert_eq(eso_batch(NULL, NULL, 0, 0), ESO_BAD_ARGUMENT, "batch");
    cr_assert_eq(eso_get_zones(NULL, &res), ESO_BAD_ARGUMENT, "typed call");
    eso_result_finish(&res);
}

Test(status, factories_set_timeouts_and_retries)
{
    struct eso_client *c = NULL;
    cr_assert_eq(eso_client_create_resilient(60.0, 3, &c), ESO_OK, "resilient client");
    eso_client_destroy(c);
    c = NULL;
    cr_assert_eq(eso_client_create_with_timeout(30.0, &c), ESO_OK, "timeout client");
    eso_client_destroy(c);
}
