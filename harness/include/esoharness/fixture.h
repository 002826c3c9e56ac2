/*
 * Test fixtures: an in-process eso-mock on an ephemeral port, loaded with a
 * scenario, and a libesologs client pointed at it, in one call; teardown
 * stops both. Helpers read the server's journal and the client's events so a
 * test can assert on what happened on the wire and what the client decided.
 *
 *     struct esoh_fixture *fx = esoh_fixture_start(&(struct esoh_fixture_options){
 *         .scenario_file = "scenarios/rate-limit-429.json"});
 *     struct eso_result res = {0};
 *     eso_query(esoh_fixture_client(fx), "getGuildById", NULL, vars, &res);
 *     cr_assert_eq(esoh_fixture_attempts(fx, "getGuildById"), 3);
 *     esoh_fixture_stop(fx);
 *
 * Thread safety: one fixture per test; the client inside may be shared by
 * threads (see esologs/client.h), the helpers may be called from any thread.
 *
 * Includes: this header brings in all of libesologs' API (<esologs/esologs.h>:
 * eso_query, the typed operations, options, events, statuses) and the libesomock
 * headers its functions name (server, scenario, journal), so a test needs no other
 * include for them. It does not include Criterion (the runner uses it without):
 * a Criterion test includes <criterion/criterion.h> or <esoharness/retry.h>.
 */
#ifndef ESOHARNESS_FIXTURE_H
#define ESOHARNESS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include <esologs/esologs.h>
#include <esomock/journal.h>
#include <esomock/scenario.h>
#include <esomock/server.h>

#ifdef __cplusplus
extern "C" {
#endif

struct esoh_fixture;

struct esoh_fixture_options {
    const char *scenario_file; /* scenario to load; NULL = none (unless scenario_json) */
    const char *scenario_json; /* inline scenario text; used when scenario_file is NULL */
    double time_scale;         /* for server and client; 0 = $ESO_TIME_SCALE, else 1 */
    const struct esomock_options *server; /* NULL = defaults (loopback, ephemeral port) */
    const struct eso_options *client;     /* NULL = defaults; api_url, token_url and the
                                             event hook are always the fixture's */
    bool no_client;                       /* true: start only the server */
    bool blackhole;                       /* also open eso-mock's never-accepting port */
};

/* One client event as the fixture recorded it (a copy: strings are owned by the fixture). */
struct esoh_fixture_event {
    enum eso_event_kind kind;
    unsigned long long call_id;
    char operation[64];
    unsigned attempt;
    enum eso_status status;
    long http_status;
    double at_ms; /* real ms since the fixture started */
    double delay_ms;
    double duration_ms;
    char reason[48];
    enum eso_breaker_state breaker_from;
    enum eso_breaker_state breaker_to;
    bool from_cache;
};

/**
 * esoh_fixture_start(opts): start the server (and the client unless
 * opts.no_client) or fail the test with the reason (a bad scenario names the
 * file, the JSON path and what was expected), reported at the caller's file and
 * line. Criterion tests only (libesoharness); elsewhere use esoh_fixture_try_start().
 * Release it with esoh_fixture_stop(): from Criterion's .fini when started in
 * .init (it then outlives retried attempts), or, inside a retry-marked body, with
 * esoh_test_defer(esoh_fixture_release, fx).
 * A macro: it passes __FILE__ and __LINE__ to esoh_fixture_start_at().
 * @param file  where a failure is reported (__FILE__); borrowed for the call; NULL = unknown.
 * @param line  its line (__LINE__).
 * @param opts  borrowed for the call; NULL = no scenario, all defaults.
 * @return the fixture, owned by the caller (esoh_fixture_stop()); never NULL.
 */
struct esoh_fixture *esoh_fixture_start_at(const char *file, int line,
                                           const struct esoh_fixture_options *opts);
#define esoh_fixture_start(...) esoh_fixture_start_at(__FILE__, __LINE__, __VA_ARGS__)

/**
 * As esoh_fixture_start(), reporting failure instead of asserting.
 * @param out  receives the fixture on success; stop it with esoh_fixture_stop().
 * @param err  optional ESOMOCK_ERROR_SIZE buffer for the reason.
 * @return 0 on success, -1 on failure.
 */
int esoh_fixture_try_start(const struct esoh_fixture_options *opts, struct esoh_fixture **out,
                           char *err);

/** Stop the client and the server and free everything. NULL is a no-op. */
void esoh_fixture_stop(struct esoh_fixture *fx);

/** esoh_fixture_stop() with the signature esoh_test_defer() takes. */
void esoh_fixture_release(void *fixture);

/** The server; owned by the fixture. */
struct esomock_server *esoh_fixture_server(struct esoh_fixture *fx);

/** The client; owned by the fixture; NULL with opts.no_client. */
struct eso_client *esoh_fixture_client(struct esoh_fixture *fx);

/** The GraphQL endpoint URL; owned by the fixture. */
const char *esoh_fixture_api_url(struct esoh_fixture *fx);

/** The time scale in force (real ms per scenario ms). */
double esoh_fixture_time_scale(const struct esoh_fixture *fx);

/**
 * Requests the server received for @p operation (NULL = every GraphQL request),
 * faulted or not: the client's attempts as the server saw them.
 */
size_t esoh_fixture_attempts(struct esoh_fixture *fx, const char *operation);

/**
 * The journal entries for @p operation (NULL = all), oldest first.
 * @param count  receives the number of entries.
 * @return a malloc'd array the caller frees with free(); NULL when none.
 */
struct esomock_journal_entry *esoh_fixture_journal(struct esoh_fixture *fx, const char *operation,
                                                   size_t *count);

/**
 * The gaps between consecutive arrivals of @p operation, in scenario ms.
 * @param out  caller's array of @p max slots.
 * @return the number of gaps (attempts - 1), possibly more than @p max (only max are written).
 */
size_t esoh_fixture_gaps(struct esoh_fixture *fx, const char *operation, double *out, size_t max);

/**
 * True when every gap of @p operation is within @p tolerance_ms (scenario ms) of
 * @p expected_ms[i] and there are exactly @p count gaps (esoh_fixture_gaps() gives the
 * measured ones for a failure message).
 */
bool esoh_fixture_gaps_within(struct esoh_fixture *fx, const char *operation,
                              const double *expected_ms, size_t count, double tolerance_ms);

/**
 * The actions the server applied to @p operation's requests in order ("respond",
 * "hang", "pass", ...), joined with commas into @p buf, e.g. "respond,respond,pass".
 * @return @p buf.
 */
const char *esoh_fixture_faults(struct esoh_fixture *fx, const char *operation, char *buf,
                                size_t size);

/**
 * A copy of the client events recorded so far.
 * @param count  receives the number of events.
 * @return a malloc'd array the caller frees with free(); NULL when none.
 */
struct esoh_fixture_event *esoh_fixture_events(struct esoh_fixture *fx, size_t *count);

/**
 * The breaker states the client moved to, in order, as names joined with commas
 * ("open,half_open,closed"), into @p buf; "" when it never moved.
 * @return @p buf.
 */
const char *esoh_fixture_breaker_path(struct esoh_fixture *fx, char *buf, size_t size);

/** Forget the recorded events and the server's journal (between phases of a test). */
void esoh_fixture_clear(struct esoh_fixture *fx);

#ifdef __cplusplus
}
#endif

#endif
