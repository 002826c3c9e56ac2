/*
 * Monitoring: one structured event for every decision the client takes, ready-made
 * loggers, and counters.
 *
 * Events never carry an access token, the client secret or an Authorization
 * header: detail strings are scrubbed before they are emitted.
 *
 * Thread safety: the loggers and formatters may be called from any thread; a
 * callback installed on a client shared by threads is called from each of them
 * and must be thread-safe itself (the ready-made loggers lock the FILE).
 */
#ifndef ESOLOGS_EVENTS_H
#define ESOLOGS_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <esologs/export.h>
#include <esologs/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Append-only, like enum eso_status. */
enum eso_event_kind {
    ESO_EV_CALL_START = 0,         /* a call began (operation, call_id) */
    ESO_EV_ATTEMPT_START = 1,      /* an HTTP request is about to be sent (attempt) */
    ESO_EV_ATTEMPT_END = 2,        /* it finished: status, http_status, curl_code, duration */
    ESO_EV_RETRY_SCHEDULED = 3,    /* another attempt follows after delay_ms; reason says why */
    ESO_EV_BREAKER_TRANSITION = 4, /* breaker_from -> breaker_to; reason says why */
    ESO_EV_BREAKER_REJECTED = 5,   /* the open breaker failed the call fast */
    ESO_EV_CACHE_FALLBACK = 6,     /* a stale cached answer replaced a failure (age_ms) */
    ESO_EV_GIVE_UP = 7,            /* no more attempts: status and reason */
    ESO_EV_CALL_END = 8,           /* the call returned: status, attempt count, duration */
    ESO_EV_PACING_WAIT = 9,        /* pacing delays the next request by delay_ms */
    ESO_EV_TOKEN_FETCH = 10, /* a token request finished: status, duration (never the token) */
    ESO_EV_TOKEN_INVALIDATED = 11, /* a 401 dropped the cached token; one refresh follows */
    ESO_EV_PACING_REFRESH = 12,    /* points-aware pacing's getRateLimitData refresh ended (one
                                      attempt inside the call's deadline): status, duration;
                                      reason "ok" or "failed_backing_off" */
};

/* Append-only. */
enum eso_breaker_state {
    ESO_BREAKER_STATE_CLOSED = 0,
    ESO_BREAKER_STATE_OPEN = 1,
    ESO_BREAKER_STATE_HALF_OPEN = 2,
};

/*
 * One event. Every pointer in it is borrowed: valid only during the callback.
 * Fields that do not apply to a kind are 0 / NULL / "".
 */
struct eso_event {
    enum eso_event_kind kind;
    uint64_t call_id;       /* 1, 2, ... per client; 0 for breaker transitions of no call */
    const char *operation;  /* GraphQL operation name; "" when none */
    unsigned attempt;       /* 1-based attempt number; 0 when not about an attempt */
    enum eso_status status; /* outcome (ATTEMPT_END, GIVE_UP, CALL_END, TOKEN_FETCH) */
    long http_status;       /* 0 when no HTTP answer */
    int curl_code;          /* CURLcode of the attempt; 0 when none */
    double elapsed_ms;      /* since the call began */
    double duration_ms;     /* of the attempt / token fetch / whole call */
    double delay_ms;        /* RETRY_SCHEDULED and PACING_WAIT: the wait */
    const char *reason; /* machine word: "http_503", "retry_after", "consecutive_failures",... */
    const char *detail; /* human detail (curl message, first GraphQL error); scrubbed */
    enum eso_breaker_state breaker_from;
    enum eso_breaker_state breaker_to;
    double age_ms;          /* CACHE_FALLBACK: age of the cached answer */
    bool from_cache;        /* CALL_END: the answer came from the fallback cache */
    bool reused_connection; /* ATTEMPT_END: an existing keep-alive connection carried it */
};

/*
 * The event callback. @p userdata is eso_options.event_userdata. Called
 * synchronously on the calling thread; it must not call back into the same client.
 */
typedef void (*eso_event_fn)(const struct eso_event *event, void *userdata);

/**
 * The stable name of an event kind, e.g. "retry_scheduled".
 * @return a static string; never NULL ("unknown" outside the enum).
 */
ESO_API const char *eso_event_kind_name(enum eso_event_kind kind);

/**
 * The stable name of a breaker state: "closed", "open", "half_open".
 * @return a static string; never NULL.
 */
ESO_API const char *eso_breaker_state_name(enum eso_breaker_state state);

/**
 * Format @p event as one JSON object (no newline) into @p buf.
 * @param buf   caller's buffer, always NUL-terminated when size > 0; truncated to fit.
 * @return the length the full line needs (like snprintf); 0 on bad arguments.
 */
ESO_API size_t eso_event_format_json(const struct eso_event *event, char *buf, size_t size);

/**
 * Format @p event as one human-readable line (no newline) into @p buf.
 * @return as eso_event_format_json().
 */
ESO_API size_t eso_event_format_text(const struct eso_event *event, char *buf, size_t size);

/**
 * Ready-made callback: writes each event as one JSON line to the FILE * passed as
 * @p userdata (stderr when NULL), under flockfile so lines never interleave.
 * Use as `opts.on_event = eso_event_log_json; opts.event_userdata = stderr;`.
 * The FILE stays the caller's; it is never closed.
 */
ESO_API void eso_event_log_json(const struct eso_event *event, void *userdata);

/**
 * Ready-made callback: as eso_event_log_json() but one text line per event.
 */
ESO_API void eso_event_log_text(const struct eso_event *event, void *userdata);

/* A snapshot of a client's counters (eso_client_counters). Plain values, caller-owned. */
struct eso_counters {
    uint64_t calls;                       /* calls started */
    uint64_t calls_ok;                    /* returned ESO_OK from the network */
    uint64_t calls_failed;                /* returned a failure (cache fallbacks excluded) */
    uint64_t attempts;                    /* HTTP requests sent to the API endpoint */
    uint64_t retries;                     /* retries scheduled */
    uint64_t give_ups;                    /* GIVE_UP events */
    uint64_t breaker_rejections;          /* calls failed fast by the open breaker */
    uint64_t breaker_opens;               /* transitions to open */
    uint64_t budget_rejections;           /* retries refused by the retry budget */
    uint64_t deadline_exceeded;           /* calls ended by their deadline */
    uint64_t cache_fallbacks;             /* stale answers served */
    uint64_t cache_stores;                /* good answers stored */
    uint64_t pacing_waits;                /* requests delayed by pacing */
    uint64_t token_fetches;               /* token requests (success or not) */
    uint64_t token_invalidations;         /* tokens dropped after a 401 */
    uint64_t connections_opened;          /* attempts that opened a new connection */
    uint64_t connections_reused;          /* attempts carried by a kept-alive connection */
    uint64_t budget_tokens;               /* retry budget tokens left now (UINT64_MAX: no budget) */
    enum eso_breaker_state breaker_state; /* breaker state now */
    uint64_t reserved[16]; /* zeroed: room for later counters (see "Reserved space", options.h) */
};

#ifdef __cplusplus
}
#endif

#endif
