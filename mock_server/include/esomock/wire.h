/*
 * The wire: what a client did, judged from eso-mock's journal alone. A scenario's `wire`
 * section (scenarios/README.md) says what every request a client sends must look like from
 * the server's side, in the journal's vocabulary: attempts per call, the waits between them,
 * Retry-After honoured, no retry after an answer no retry can fix, a deadline kept, a
 * breaker seen from outside, requests per call, token requests, requests in flight. Any
 * client in any language can be judged by it; eso-scenario does, for each scenario it plays.
 *
 * The section is libesomock's own: eso-mock check validates it in every scenario file.
 *
 * Thread safety: a wire handle is read-only once created; any thread may judge with it.
 */
#ifndef ESOMOCK_WIRE_H
#define ESOMOCK_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#include <esomock/error.h>
#include <esomock/export.h>
#include <esomock/journal.h>
#include <esomock/problems.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* A checked `wire` section, ready to judge journals. */
struct esomock_wire;

/**
 * Check @p section (the value of a scenario's "wire" key) and build a judge from it.
 * @param section   borrowed for the call.
 * @param problems  optional (the caller's); receives each mistake, with its JSON path
 *                  ("wire.expect[2].attempts"), as eso-mock check prints them.
 * @param out       receives the handle, set only on ESOMOCK_OK; free with esomock_wire_destroy().
 * @return ESOMOCK_OK, ESOMOCK_SCENARIO_INVALID (the problems say why), ESOMOCK_BAD_ARGUMENT
 *         or ESOMOCK_OUT_OF_MEMORY.
 */
ESOMOCK_API enum esomock_status esomock_wire_create(const struct cJSON *section,
                                                    struct esomock_problems *problems,
                                                    struct esomock_wire **out);

/** Free @p wire. NULL is a no-op. */
ESOMOCK_API void esomock_wire_destroy(struct esomock_wire *wire);

/** @return how many expectations (wire.expect[]) @p wire holds; 0 for NULL. */
ESOMOCK_API size_t esomock_wire_expectation_count(const struct esomock_wire *wire);

/**
 * Expectation @p index's behaviour: its "behaviour" text, else a summary of its kinds.
 * @return a string owned by @p wire, valid until it is destroyed; NULL past the end.
 */
ESOMOCK_API const char *esomock_wire_behaviour(const struct esomock_wire *wire, size_t index);

/*
 * The calls a program asked the client to make, as that program saw them. Calls are named
 * by the scenario's list of calls they come from (eso-scenario: expect.calls, 1-based;
 * every repeat of an entry has its number), which is how a wire expectation's "calls"
 * selects them.
 */
struct esomock_wire_call {
    double start_ms;        /* when the client was asked, on the journal's clock (t_ms: real ms
                               since the scenario in force started) */
    double end_ms;          /* when its outcome came back, same clock; < 0: it never did */
    unsigned group;         /* the scenario's call it comes from, 1-based */
    const char *name;       /* that call's name, or NULL; borrowed */
    const char *label;      /* how messages name this call ("call 2 #3"), or NULL; borrowed */
    const char *request_id; /* an X-Request-Id all its requests carry, or NULL; borrowed */
};

/**
 * Check that every call @p wire's expectations select exists among @p group_count groups of
 * calls named @p names (names[i] is group i+1's name, or NULL).
 * @param problems  receives one problem per selector that names no call, with its path.
 * @return ESOMOCK_OK, or ESOMOCK_SCENARIO_INVALID.
 */
ESOMOCK_API enum esomock_status esomock_wire_check_calls(const struct esomock_wire *wire,
                                                         const char *const *names,
                                                         size_t group_count,
                                                         struct esomock_problems *problems);

/**
 * Attribute each journal entry to a call: the call whose request_id the entry's
 * X-Request-Id equals, else the call that was running when the request arrived (asked at or
 * before its arrival and not yet answered). Calls running at the same time share requests
 * without an id: such a request goes to the earliest of them (and the judge takes them
 * together). Admin requests, and requests that arrived while no call ran, get -1.
 * @param call_of  @p entry_count slots, the caller's: the call's index in @p calls, or -1.
 * @return ESOMOCK_OK or ESOMOCK_BAD_ARGUMENT.
 */
ESOMOCK_API enum esomock_status esomock_wire_attribute(const struct esomock_journal_entry *entries,
                                                       size_t entry_count,
                                                       const struct esomock_wire_call *calls,
                                                       size_t call_count, long *call_of);

/* How a request ended, as a client saw it, from its journal entry. */
enum esomock_wire_answer {
    ESOMOCK_WIRE_OK = 0,         /* 2xx with a whole body and no GraphQL errors */
    ESOMOCK_WIRE_GRAPHQL_ERRORS, /* a whole answer whose body has "errors" */
    ESOMOCK_WIRE_SERVER_ERROR,   /* 5xx */
    ESOMOCK_WIRE_RATE_LIMITED,   /* 429 */
    ESOMOCK_WIRE_UNAUTHORIZED,   /* 401 */
    ESOMOCK_WIRE_REJECTED,       /* any other 3xx or 4xx */
    ESOMOCK_WIRE_NO_ANSWER,      /* dropped or reset: no status */
    ESOMOCK_WIRE_TIMED_OUT,      /* the client left first (hang, delay, drip, slow read) */
    ESOMOCK_WIRE_BROKEN,         /* truncated, malformed or empty */
    ESOMOCK_WIRE_IN_FLIGHT,      /* not over yet */
};

/** The class of @p entry's answer. */
ESOMOCK_API enum esomock_wire_answer
esomock_wire_answer_of(const struct esomock_journal_entry *entry);

/**
 * When @p entry's answer ended for its client, ms on t_ms's clock: its sent_ms for an answer
 * that ran its course, when the server saw the client leave for one it left, -1 while in
 * flight. The end the judge measures waits from. @p entry borrowed for the call.
 */
ESOMOCK_API double esomock_wire_answer_end_ms(const struct esomock_journal_entry *entry);

/**
 * A short name for @p answer ("ok", "server_error", "timed_out", ...).
 * @return a static string; never NULL.
 */
ESOMOCK_API const char *esomock_wire_answer_name(enum esomock_wire_answer answer);

/** True for answers a retry may fix (5xx, 429, no answer, timed out, broken). */
ESOMOCK_API bool esomock_wire_answer_is_transient(enum esomock_wire_answer answer);

/* How to judge. `= {0}` judges at time scale 1 with the default noise allowances. */
struct esomock_wire_options {
    double time_scale;          /* real ms per scenario ms the run used; 0 = 1 */
    double early_noise_ms;      /* real ms added to every lower-bound tolerance (a clock read, a
                                   wake-up a little early); 0 = 2 */
    double late_noise_ms;       /* real ms added to every upper-bound tolerance (a loaded machine
                                   runs late); 0 = 50 */
    bool upper_bounds_unjudged; /* report upper time bounds (wait_s.at_most, deadline_s)
                                   without judging them: a run under valgrind */
    double end_ms;              /* when the run ended, journal clock; 0 = the last entry's end */
};

/* One line of a judgement: one kind of one expectation. Plain data: free an array with free(). */
struct esomock_wire_verdict {
    size_t expectation;  /* its index in wire.expect */
    char behaviour[128]; /* the expectation's behaviour */
    char kind[24];       /* "attempts", "wait_s", "breaker", ... */
    char calls[64];      /* which calls: "all calls", "calls 1, 2", "call 3" */
    char expected[160];  /* what the section asks, with the tolerance allowed */
    char observed[256];  /* what the journal shows; on failure, where it first differs */
    char hint[192];      /* what to change in the client when it fails */
    bool passed;
    bool judged; /* false: reported only (an upper bound with upper_bounds_unjudged) */
};

/**
 * Judge @p entries (a run's journal, oldest first: API requests; admin ones are ignored)
 * against every expectation of @p wire.
 * @param calls  the calls the client was asked to make, in the order they were asked.
 * @param opts   NULL = `{0}`.
 * @param out    receives a malloc'd array the caller frees with free() (NULL when *count is 0).
 * @param count  receives its length: one verdict per kind of each expectation.
 * @return ESOMOCK_OK, ESOMOCK_BAD_ARGUMENT or ESOMOCK_OUT_OF_MEMORY.
 */
ESOMOCK_API enum esomock_status
esomock_wire_judge(const struct esomock_wire *wire, const struct esomock_journal_entry *entries,
                   size_t entry_count, const struct esomock_wire_call *calls, size_t call_count,
                   const struct esomock_wire_options *opts, struct esomock_wire_verdict **out,
                   size_t *count);

#ifdef __cplusplus
}
#endif

#endif
