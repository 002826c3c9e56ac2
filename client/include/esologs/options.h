/*
 * Client configuration: one zero-initialisable struct, read once by eso_client_create().
 *
 * `struct eso_options o = {0};` is a valid configuration: every 0 / NULL / false
 * field means "the default", documented per field and chosen in docs/client.md.
 * eso_options_init() writes those defaults explicitly, for callers who want to
 * read or tweak them. Every duration is in milliseconds of *scenario time*: the
 * client multiplies it by the time scale before applying it.
 */
#ifndef ESOLOGS_OPTIONS_H
#define ESOLOGS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <esologs/events.h>
#include <esologs/export.h>
#include <esologs/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ESO_DEFAULT_API_URL "https://www.esologs.com/api/v2/client"
#define ESO_DEFAULT_TOKEN_URL "https://www.esologs.com/oauth/token"

/* A duration field set to ESO_NEVER means "no limit" (timeouts, deadline, cache age). */
#define ESO_NEVER UINT32_MAX

/*
 * Reserved space: the structs a caller allocates end in reserved space, which later versions
 * turn into new fields without changing the struct's size (libuv's way). In the structs
 * the library reads (eso_options and its clock, random and transport hooks, a batch
 * item's inputs) it must be zero, as `= {0}` and eso_options_init() leave it: a field a
 * newer header set, read by an older library, is then refused (ESO_BAD_ARGUMENT) rather
 * than ignored. In the structs the library fills (eso_result, eso_counters) it is zeroed.
 * The structs the library allocates (eso_event, eso_http_request, eso_http_response) only
 * ever grow at their end.
 */

/* Backoff jitter. 0 is the default so a zeroed struct works. Append-only. */
enum eso_jitter {
    ESO_JITTER_DEFAULT = 0,      /* = ESO_JITTER_FULL */
    ESO_JITTER_NONE = 1,         /* d(n) = min(max, initial * multiplier^(n-1)) */
    ESO_JITTER_FULL = 2,         /* uniform in [0, d(n)] (AWS "full jitter") */
    ESO_JITTER_EQUAL = 3,        /* d(n)/2 + uniform in [0, d(n)/2] */
    ESO_JITTER_DECORRELATED = 4, /* min(max, uniform in [initial, 3 * previous]) */
};

/* Failure classes a retry may be spent on (eso_options.retry_on bits). */
enum eso_retry_class {
    ESO_RETRY_CONNECT = 1u << 0, /* connection refused / unreachable / DNS */
    ESO_RETRY_TIMEOUT = 1u << 1, /* connect, read, write or total timeout */
    ESO_RETRY_DROPPED = 1u << 2, /* dropped, reset or truncated */
    ESO_RETRY_429 = 1u << 3,     /* rate limited */
    ESO_RETRY_500 = 1u << 4,
    ESO_RETRY_502 = 1u << 5,
    ESO_RETRY_503 = 1u << 6,
    ESO_RETRY_504 = 1u << 7,
    ESO_RETRY_5XX_OTHER = 1u << 8,          /* 501, 505..599 */
    ESO_RETRY_MALFORMED = 1u << 9,          /* unparsable body on a 2xx */
    ESO_RETRY_GRAPHQL_TRANSIENT = 1u << 10, /* GraphQL error saying rate limit / internal error */
    ESO_RETRY_POOL_TIMEOUT = 1u << 11,      /* no free connection in time */
};
#define ESO_RETRY_DEFAULT                                                                          \
    (ESO_RETRY_CONNECT | ESO_RETRY_TIMEOUT | ESO_RETRY_DROPPED | ESO_RETRY_429 | ESO_RETRY_502 |   \
     ESO_RETRY_503 | ESO_RETRY_504 | ESO_RETRY_MALFORMED | ESO_RETRY_GRAPHQL_TRANSIENT |           \
     ESO_RETRY_POOL_TIMEOUT)

/*
 * Injectable clock. now_ns must be monotonic. sleep_ns blocks (a fake clock just
 * advances its time). wall_s gives Unix seconds for Retry-After HTTP-dates; NULL =
 * time(NULL). The struct and userdata are borrowed for the client's lifetime.
 */
struct eso_clock {
    uint64_t (*now_ns)(void *userdata);
    void (*sleep_ns)(void *userdata, uint64_t ns);
    int64_t (*wall_s)(void *userdata);
    void *userdata;
    void *reserved[4]; /* must be NULL: room for later hooks (see "Reserved space", options.h) */
};

/*
 * Injectable random source: next() returns 64 uniformly random bits. Called under
 * the client's lock, so it need not be thread-safe. Borrowed for the client's lifetime.
 */
struct eso_random {
    uint64_t (*next)(void *userdata);
    void *userdata;
    void *reserved[4]; /* must be NULL (see "Reserved space", options.h) */
};

/* What a transport hook is asked to send. Every pointer is borrowed for the hook call. */
struct eso_http_request {
    const char *url;
    const char *content_type;  /* "application/json" or "application/x-www-form-urlencoded" */
    const char *authorization; /* the Authorization header value (secret: never log it) */
    const char *body;
    size_t body_len;
    const char *operation;  /* operation name; "" for a token request */
    const char *request_id; /* the X-Request-Id sent ("<client>-<call>"); "" for a token request */
    bool token_request;     /* true: this is the OAuth token request */
    unsigned attempt;       /* 1-based attempt of the call */
    uint64_t timeout_ns;    /* effective (scaled, deadline-clipped) limits; 0 = none */
    uint64_t connect_timeout_ns;
    uint64_t read_timeout_ns;
    uint64_t write_timeout_ns;
};

/*
 * What a transport hook reports. Zeroed before the hook runs. The hook's pointers
 * must stay valid until the hook returns to the client (the client copies them).
 */
struct eso_http_response {
    int curl_code;    /* a CURLcode; 0 = an HTTP answer arrived */
    long http_status; /* when curl_code is 0 */
    const char *body;
    size_t body_len;
    const char *retry_after; /* raw Retry-After header value; NULL = absent */
    const char *error;       /* message for curl_code != 0; NULL = curl's generic text */
    bool reused_connection;
    bool request_sent; /* the request left completely (for curl errors: ambiguity) */
};

/*
 * Transport hook: replaces libcurl for every request (tests script outcomes with it,
 * record/replay tools wrap it). Return 0; a non-zero return is treated as
 * ESO_TRANSPORT. Called from the calling thread; must be thread-safe if the client is
 * shared. Borrowed for the client's lifetime.
 */
struct eso_transport {
    int (*perform)(void *userdata, const struct eso_http_request *req,
                   struct eso_http_response *resp);
    void *userdata;
    void *reserved[4]; /* must be NULL (see "Reserved space", options.h) */
};

struct eso_options {
    /* Endpoints. Strings are copied at create. */
    const char *api_url;    /* GraphQL endpoint; NULL = ESO_DEFAULT_API_URL */
    const char *token_url;  /* OAuth token endpoint; NULL = ESO_DEFAULT_TOKEN_URL */
    const char *user_agent; /* NULL = "libesologs/<version>" */

    /* Auth: a bearer token wins; else client credentials; else env ESOLOGS_ID/SECRET. */
    const char *bearer_token;  /* caller-supplied token; NULL = fetch one. A 401 is then final */
    const char *client_id;     /* NULL = getenv("ESOLOGS_ID") */
    const char *client_secret; /* NULL = getenv("ESOLOGS_SECRET"); never logged */
    uint32_t token_refresh_margin_ms; /* renew this long before expiry; 0 = 60000 (at most half the
                                         lifetime) */

    /* Timeouts, per attempt (ms; 0 = default; ESO_NEVER = no limit). */
    uint32_t timeout_ms;         /* whole attempt; 0 = 30000 */
    uint32_t connect_timeout_ms; /* TCP + TLS connect; 0 = 10000 */
    uint32_t read_timeout_ms;    /* longest silence once the request is sent; 0 = 30000 */
    uint32_t write_timeout_ms;   /* longest stall while sending the request; 0 = 10000 */
    uint32_t pool_timeout_ms;    /* waiting for a free connection; 0 = 5000 */
    uint32_t deadline_ms;        /* one call, all attempts and waits; 0 = 120000 */

    /* Connections. */
    unsigned max_connections;  /* concurrent connections of single calls; 0 = 100 */
    unsigned max_keepalive;    /* idle connections kept open for reuse; 0 = 20 */
    size_t max_response_bytes; /* body limit; 0 = 16 MiB */

    /* Retry policy. */
    unsigned max_attempts;       /* first try included; 0 = 4; 1 = never retry */
    uint32_t initial_delay_ms;   /* first backoff; 0 = 1000 */
    double multiplier;           /* backoff growth; 0 = 2.0 (values < 1 are bad arguments) */
    uint32_t max_delay_ms;       /* backoff cap; 0 = 20000 */
    enum eso_jitter jitter;      /* 0 = full jitter */
    unsigned retry_on;           /* enum eso_retry_class bits; 0 = ESO_RETRY_DEFAULT */
    uint32_t retry_after_max_ms; /* longest Retry-After honoured, else fail fast; 0 = 60000 */

    /* Retry budget: a token bucket shared by all calls of the client (AWS SDK standard mode). */
    bool budget_disabled;           /* true = no budget */
    unsigned budget_capacity;       /* tokens, and the initial fill; 0 = 500 */
    unsigned budget_retry_cost;     /* taken per retry; 0 = 5 */
    unsigned budget_timeout_cost;   /* taken per retry after a timeout; 0 = 10 */
    unsigned budget_success_refund; /* added by a first-try success; 0 = 1 */

    /* Circuit breaker, counting attempts against the API endpoint. */
    bool breaker_disabled;         /* true = never open */
    unsigned breaker_threshold;    /* consecutive failures that open it; 0 = 5 */
    unsigned breaker_failure_rate; /* percent of failures in the window that opens it; 0 = 50 */
    unsigned breaker_window;       /* sliding window, in attempts; 0 = 20 */
    unsigned breaker_min_calls;    /* attempts in the window before the rate counts; 0 = 10 */
    uint32_t breaker_cooldown_ms;  /* first open period; 0 = 30000 */
    double breaker_cooldown_multiplier; /* growth per consecutive re-open; 0 = 2.0; 1 = fixed */
    uint32_t breaker_cooldown_max_ms;   /* cap of the open period; 0 = 300000 */
    unsigned breaker_half_open_probes;  /* probes allowed, and successes needed to close; 0 = 3 */

    /* Pacing. */
    uint32_t min_interval_ms;    /* least time between request starts; 0 = no pacing */
    bool points_aware;           /* also spread the hourly points left (rateLimitData) */
    unsigned points_reserve_pct; /* share of the hourly points never planned for; 0 = 10 */

    /* Graceful degradation (opt-in). */
    bool fallback_cache;        /* serve the last good answer when a call fails transiently */
    uint32_t cache_max_age_ms;  /* oldest answer served; 0 = 600000 */
    unsigned cache_max_entries; /* least recently stored are evicted; 0 = 256 */

    /* Time, randomness, transport: injectable. */
    double time_scale;               /* multiplies every duration; 0 = $ESO_TIME_SCALE or 1.0 */
    const struct eso_clock *clock;   /* NULL = CLOCK_MONOTONIC + nanosleep */
    const struct eso_random *random; /* NULL = built-in PRNG seeded with seed */
    uint64_t seed;                   /* seed of the built-in PRNG; 0 = from the clock and pid */
    const struct eso_transport *transport; /* NULL = libcurl */

    /* Monitoring. */
    eso_event_fn on_event; /* NULL = no events (counters still count) */
    void *event_userdata;  /* passed to on_event; borrowed */

    uint64_t
        reserved[16]; /* must be zero: room for later options (see "Reserved space", options.h) */
};

/**
 * Write every default into @p opts (the same values a zeroed struct means).
 * Strings stay NULL (their defaults are resolved at create, env included).
 * @param opts  caller's struct; NULL is a no-op.
 */
ESO_API void eso_options_init(struct eso_options *opts);

/**
 * Parse a jitter name: "none", "full", "equal", "decorrelated".
 * @param out  set only on ESO_OK.
 * @return ESO_OK or ESO_BAD_ARGUMENT.
 */
ESO_API enum eso_status eso_jitter_from_name(const char *name, enum eso_jitter *out);

/**
 * The name of a jitter kind ("full" for ESO_JITTER_DEFAULT).
 * @return a static string; never NULL.
 */
ESO_API const char *eso_jitter_name(enum eso_jitter jitter);

#ifdef __cplusplus
}
#endif

#endif
