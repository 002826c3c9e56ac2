/*
 * Test doubles for libesologs unit tests: a fake clock (sleeping advances it),
 * a scripted random source, a scripted transport and an event recorder. No
 * network, no real sleeps.
 */
#ifndef CLIENT_TEST_UTIL_H
#define CLIENT_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <esologs/esologs.h>

#define MS(x) ((uint64_t)(x)*1000000u)

struct fake_clock {
    uint64_t now;         /* ns */
    int64_t wall;         /* Unix seconds */
    uint64_t sleeps[128]; /* every sleep, in order */
    size_t nsleeps;
    uint64_t slept; /* total */
};

void fake_clock_init(struct fake_clock *fc, struct eso_clock *hooks);

/* Random source returning a fixed cycle of values. */
struct script_random {
    uint64_t values[16];
    size_t n;
    size_t next;
    size_t used;
};

void script_random_init(struct script_random *sr, struct eso_random *hooks, const uint64_t *values,
                        size_t n);

/* One scripted outcome. */
struct step {
    int curl;                /* CURLcode; 0 = an HTTP answer */
    long status;             /* HTTP status */
    const char *body;        /* NULL = "" */
    const char *retry_after; /* NULL = absent */
    uint64_t take_ns;        /* how long the attempt "takes" on the fake clock */
    bool sent;               /* request_sent for curl failures */
    bool hang;               /* no answer: times out at the request's own limit (curl 28) */
};

struct scripted {
    struct fake_clock *clock;
    struct step steps[64];
    size_t nsteps;
    size_t next;
    struct step token_steps[16];
    size_t ntoken;
    size_t token_next;
    size_t calls; /* API requests */
    size_t token_calls;
    uint64_t token_at[16];      /* fake time of each token request */
    uint64_t token_timeout[16]; /* req->timeout_ns of each */
    uint64_t at[64];            /* fake time of each API request */
    unsigned attempt[64];       /* req->attempt of each */
    uint64_t timeout[64];       /* req->timeout_ns of each */
    char auth[64][128];         /* Authorization of each */
    char last_body[4096];
    char last_request_id[64];
    uint64_t last_timeout_ns;
};

void scripted_init(struct scripted *s, struct fake_clock *fc, struct eso_transport *hooks);
void scripted_add(struct scripted *s, struct step st);
void scripted_add_token(struct scripted *s, struct step st);

/* Bodies. */
#define OK_BODY "{\"data\":{\"guildData\":{\"guild\":{\"id\":1,\"name\":\"G\"}}}}"

/* Recorded events. */
struct rec_event {
    enum eso_event_kind kind;
    uint64_t call_id;
    unsigned attempt;
    enum eso_status status;
    long http_status;
    int curl_code;
    double delay_ms;
    double elapsed_ms;
    double duration_ms;
    char reason[64];
    char detail[256];
    char json[1024];
    enum eso_breaker_state from;
    enum eso_breaker_state to;
    bool from_cache;
};

struct recorder {
    struct rec_event ev[256];
    size_t n;
};

/* eso_event_fn recording into the struct recorder passed as userdata. */
void recorder_fn(const struct eso_event *ev, void *userdata);

/* The kinds as "call_start,attempt_start,..." into buf. */
const char *recorder_kinds(const struct recorder *r, char *buf, size_t size);

/* Number of events of @p kind. */
size_t recorder_count(const struct recorder *r, enum eso_event_kind kind);

/* The n-th (0-based) event of @p kind, or NULL. */
const struct rec_event *recorder_find(const struct recorder *r, enum eso_event_kind kind,
                                      size_t nth);

/*
 * Options for a unit test: fake clock, scripted transport and random, a bearer
 * token, the recorder, deterministic backoff (no jitter, 100 ms initial, x2, 1 s max).
 */
struct unit_env {
    struct fake_clock clock;
    struct eso_clock clock_hooks;
    struct script_random random;
    struct eso_random random_hooks;
    struct scripted transport;
    struct eso_transport transport_hooks;
    struct recorder rec;
    struct eso_options opts;
};

void unit_env_init(struct unit_env *env);

#endif
