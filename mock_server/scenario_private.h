/*
 * Scenarios: parsed, validated fault scripts. A scenario is immutable once
 * parsed; the per-run state (step counters, random streams, the start time)
 * lives in struct esomock_scenario_run so that a reset rewinds it in place.
 */
#ifndef ESOMOCK_SCENARIO_PRIVATE_H
#define ESOMOCK_SCENARIO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <esomock/error.h>

struct esomock_world;
struct esomock_world_config;

/* Limits that keep a hostile scenario from taking unbounded memory or time. */
#define ESOMOCK_SCENARIO_MAX_BYTES (4u * 1024u * 1024u)
#define ESOMOCK_SCENARIO_MAX_RULES 1024u
#define ESOMOCK_SCENARIO_MAX_STEPS 256u
/* Headers per step (respond/truncate/drip) and per rule match. */
#define ESOMOCK_SCENARIO_MAX_HEADERS 8u
/*
 * Caps on durations, so that converting them (times the time scale, at most 1000) to
 * integer micro- or nanoseconds cannot overflow: about 115 days, in ms and in seconds.
 * Every *_ms value in a parsed scenario is <= ESOMOCK_SCENARIO_MAX_MS, every *_s value
 * <= ESOMOCK_SCENARIO_MAX_S; a lognormal draw is not bounded and must be clamped.
 */
#define ESOMOCK_SCENARIO_MAX_MS 1e10
#define ESOMOCK_SCENARIO_MAX_S 1e7

enum esomock_action {
    ESOMOCK_ACTION_PASS,      /* the normal fixture answer */
    ESOMOCK_ACTION_RESPOND,   /* status, headers and a fixture or inline body */
    ESOMOCK_ACTION_HANG,      /* accept, never answer; released when the client leaves */
    ESOMOCK_ACTION_DROP,      /* close with no response */
    ESOMOCK_ACTION_RESET,     /* close with a TCP RST */
    ESOMOCK_ACTION_TRUNCATE,  /* headers and part of the body, then close or reset */
    ESOMOCK_ACTION_DRIP,      /* the body a few bytes per interval */
    ESOMOCK_ACTION_MALFORMED, /* 200 with a body that is not valid JSON */
    ESOMOCK_ACTION_EMPTY,     /* 200 with an empty body */
    ESOMOCK_ACTION_SLOW_READ, /* read the request body a few bytes per interval, then pass */
};

enum esomock_delay_kind {
    ESOMOCK_DELAY_NONE,
    ESOMOCK_DELAY_FIXED,     /* ms */
    ESOMOCK_DELAY_UNIFORM,   /* min_ms..max_ms */
    ESOMOCK_DELAY_LOGNORMAL, /* median_ms, sigma */
    ESOMOCK_DELAY_RAMP,      /* from_ms at ramp_start_ms after start, to_ms at ramp_end_ms */
};

struct esomock_delay {
    enum esomock_delay_kind kind;
    double ms;     /* FIXED */
    double min_ms; /* UNIFORM */
    double max_ms;
    double median_ms; /* LOGNORMAL */
    double sigma;
    double from_ms; /* RAMP: delay at ramp_start_ms */
    double to_ms;   /*       delay at ramp_end_ms and after */
    double ramp_start_ms;
    double ramp_end_ms;
};

enum esomock_truncate_end {
    ESOMOCK_END_CLOSE, /* clean FIN */
    ESOMOCK_END_RESET, /* RST */
};

struct esomock_step {
    unsigned times;     /* matching requests this step covers; 0 = unbounded (last step) */
    bool repeat;        /* last step only: keep applying after `times` (default true) */
    double probability; /* 0..1; when the draw fails the rule does not apply to the request
                           (it still counts toward `times`) and later rules may */
    struct esomock_delay delay;
    enum esomock_action action;

    /* RESPOND (and the body of TRUNCATE/DRIP when given) */
    int status;     /* 0 = the fixture's, or 200 */
    cJSON *headers; /* object of strings, or NULL; owned */
    char *fixture;  /* fixture name to send, or NULL */
    char *body;     /* inline body (serialised JSON or raw text), or NULL; owned */
    size_t body_len;

    /* TRUNCATE */
    size_t truncate_bytes;
    enum esomock_truncate_end truncate_end;

    /* DRIP and SLOW_READ */
    size_t chunk_bytes;
    double interval_ms;

    /* HANG: release after this long even if the client stays; 0 = the scenario's hang_max_ms */
    double hang_max_ms;

    bool close_connection; /* add Connection: close to the answer */

    /* RESPOND, TRUNCATE, DRIP: Retry-After as the HTTP-date this many seconds after the answer
     * (wall clock, unscaled: a client reads the difference as scenario seconds) */
    bool retry_after_date;
    double retry_after_date_s;
};

struct esomock_header_match {
    char *name;
    char *value; /* NULL = present with any value */
};

struct esomock_rule {
    char *name;         /* "rules[3]" when the file gives none */
    char *operation;    /* NULL = any */
    bool any_operation; /* "operation": "*": any GraphQL operation (not token requests) */
    cJSON *variables;   /* subset to match, or NULL; owned */
    char *field;        /* a field the document must fetch ("guildData.guild"), or NULL */
    cJSON *arguments;   /* with field: a subset of its coerced arguments, or NULL; owned */
    char *path;         /* NULL = any */
    struct esomock_header_match *headers;
    size_t header_count;
    double window_from_ms;  /* active from this offset after scenario start */
    double window_until_ms; /* ... until this one; < 0 = no end */
    struct esomock_step *steps;
    size_t step_count;
};

struct esomock_rate_limit {
    bool enabled;           /* enforce the budget with 429s */
    double points_per_hour; /* default 18000 */
    double period_ms;       /* budget period, scenario ms; default 3600000 */
    double default_cost;    /* flat cost; < 0 (the default): what the query costs */
    cJSON *costs;           /* object: operation -> points; owned; NULL = none */
    enum {
        ESOMOCK_RETRY_AFTER_RESET,
        ESOMOCK_RETRY_AFTER_FIXED,
        ESOMOCK_RETRY_AFTER_NONE
    } retry_after;
    double retry_after_s; /* FIXED */
};

struct esomock_settings {
    double time_scale; /* 0 = not set */
    bool strict_auth;
    bool strict_auth_set;
    unsigned token_ttl_s;                 /* 0 = not set */
    double hang_max_ms;                   /* bound on hangs; default 60000 */
    unsigned max_requests_per_connection; /* 0 = unlimited */
    struct esomock_rate_limit rate_limit;
    struct esomock_world_config *world; /* settings.world, owned; NULL: the server's world */
};

struct esomock_scenario {
    char *name;
    char *description;
    char *source; /* file name or "<admin>", for messages */
    char *text;   /* the scenario as loaded, for GET /__admin/scenario */
    uint64_t seed;
    bool has_seed;
    struct esomock_settings settings;
    struct esomock_rule *rules;
    size_t rule_count;
    struct esomock_world *world; /* made from settings.world when put in force; owned */
};

/* Free a scenario; NULL is a no-op. */
void esomock__scenario_free(struct esomock_scenario *scenario);

/* A `delay` step is a pass with a delay: journaled, logged and counted as "delay". */
static inline bool esomock__step_is_delay(const struct esomock_step *step)
{
    return step->action == ESOMOCK_ACTION_PASS && step->delay.kind != ESOMOCK_DELAY_NONE;
}

/* The action's name as scenario files spell it. */
const char *esomock__action_name(enum esomock_action action);

/* The step's action as its file spelled it: "delay" for a pass with a delay, else as above. */
const char *esomock__step_action_name(const struct esomock_step *step);

#endif
