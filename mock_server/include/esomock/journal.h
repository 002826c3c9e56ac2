/*
 * The request journal: every request eso-mock receives, faulted or not,
 * recorded when it arrives (in flight) and completed when its answer ends.
 */
#ifndef ESOMOCK_JOURNAL_H
#define ESOMOCK_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <esomock/error.h>
#include <esomock/export.h>

#ifdef __cplusplus
extern "C" {
#endif

struct esomock_server;

enum esomock_entry_state {
    ESOMOCK_ENTRY_IN_FLIGHT = 0, /* arrived; no answer finished yet (a hang stays here) */
    ESOMOCK_ENTRY_COMPLETED = 1, /* the answer was sent in full (or the fault ran its course) */
    ESOMOCK_ENTRY_ABORTED = 2,   /* the connection ended before the answer did */
};

/* One request. Plain data: copy it, free an array of them with free(). */
struct esomock_journal_entry {
    uint64_t seq;       /* 1, 2, ... in arrival order */
    double t_ms;        /* arrival, ms since the scenario in force started */
    double duration_ms; /* arrival to end of answer; 0 while in flight */
    double sent_ms;     /* when the answer's end left eso-mock, on t_ms's clock: its last byte
                           handed to libmicrohttpd (a whole answer when queued, a drip's last
                           chunk), or the connection closed on purpose (drop, reset, truncate,
                           a hang's bound); -1 when that never happened (in flight, or the
                           client left first). The end a judge of waits measures from: the
                           end of duration_ms is when libmicrohttpd next looked at the
                           connection, which on a loaded machine can be much later */
    enum esomock_entry_state state;
    char method[16];
    char path[256];
    char operation[129];  /* GraphQL operation, "" when none */
    char variables[1024]; /* variables as compact JSON, "" when none; cut to fit */
    char fields[512];     /* the fields the document fetches, with their coerced arguments, as
                             compact JSON: [{"field":"guildData.guild","arguments":{"id":3468}}];
                             "" when none (no valid document); cut to fit */
    char request_id[128]; /* X-Request-Id header, "" when absent */
    int attempt;          /* X-Attempt header, 0 when absent */
    char rule[64];        /* scenario rule that applied, "" when none */
    int step;             /* index of its script step, -1 when none */
    char action[16];      /* pass, respond, hang, drop, reset, truncate, drip, malformed,
                             empty, slow_read, auth (401), rate_limit (429), error (4xx), admin */
    double delay_ms;      /* delay applied before the action, scenario ms */
    int status;           /* HTTP status sent, 0 when none (drop, reset, hang) */
    uint64_t bytes_sent;  /* body bytes written */
    bool admin;           /* an /__admin/ request */
    /* What a judge of the client needs to know about the answer (esomock/wire.h). */
    char retry_after[40]; /* the Retry-After header the answer carried, as sent; "" when none */
    double retry_after_s; /* with retry_after: the wait it asks for, scenario seconds from the
                             answer (an HTTP-date: from when it was sent; 0 for a date past);
                             -1 when not understood. 0 without retry_after */
    bool graphql_errors;  /* the body is a JSON object with a top-level "errors" member */
    /* With a proxy (<esomock/proxy.h>): what the upstream did with a forwarded request. */
    bool forwarded;            /* forwarded to the upstream; the fields below are set only then */
    int upstream_status;       /* the upstream's HTTP status, 0 when it sent none */
    double upstream_ms;        /* from forwarding to the upstream's answer (a token fetch and a
                                  retry included), real ms */
    int upstream_attempts;     /* requests sent upstream: 2 after its 401 and a fresh token */
    bool upstream_token_fetch; /* the request waited for eso-mock's token to be fetched */
    char upstream_error[192];  /* what went wrong ("" when nothing did): no answer within the
                                  timeout, a refused or reset connection, the token refused */
    int recorded;              /* fixture files --record wrote from the answer */
    char reply[1024];          /* what the answer was made of beyond its status, as compact JSON
                                  (headers, a step's truncation point, drip chunking, hang bound,
                                  fixture, a body that is not the normal data, a token's expires_in),
                                  enough to send it again; secrets left out; "" when none */
};

struct esomock_journal_filter {
    const char *operation; /* only this operation; NULL = all */
    uint64_t since_seq;    /* only entries with seq > since_seq */
    bool include_admin;    /* admin requests are left out unless true */
};

/**
 * Copy the journal entries that pass @p filter, oldest first.
 * @param filter  NULL = every non-admin entry; borrowed for the call.
 * @param out     receives a malloc'd array the caller frees with free(); NULL when count is 0.
 * @param count   receives the number of entries.
 * @return ESOMOCK_OK, ESOMOCK_BAD_ARGUMENT or ESOMOCK_OUT_OF_MEMORY.
 */
ESOMOCK_API enum esomock_status esomock_server_journal(struct esomock_server *server,
                                                       const struct esomock_journal_filter *filter,
                                                       struct esomock_journal_entry **out,
                                                       size_t *count);

/**
 * Block until the journal holds at least @p count entries passing @p filter
 * (completed ones only, when @p completed), or @p timeout_ms passes. Lets a test
 * wait for "the server has seen the request" without sleeping. @p filter as
 * esomock_server_journal()'s (NULL = every non-admin entry; borrowed for the call).
 * @return the number of matching entries when it returned (>= count unless it timed out).
 */
ESOMOCK_API size_t esomock_server_wait_for_requests(struct esomock_server *server,
                                                    const struct esomock_journal_filter *filter,
                                                    size_t count, bool completed,
                                                    unsigned timeout_ms);

/** Forget every entry (sequence numbers keep counting). NULL is a no-op. */
ESOMOCK_API void esomock_server_journal_clear(struct esomock_server *server);

/**
 * Entries pushed out of the journal since start. API requests and admin requests have rings of
 * their own (opts.journal_capacity each, the admin one at most 10000), so polling the admin
 * API never pushes out an API request. The JSON-lines file (opts.journal) keeps every entry.
 */
ESOMOCK_API uint64_t esomock_server_journal_dropped(struct esomock_server *server);

#ifdef __cplusplus
}
#endif

#endif
