/* Option defaults, validation and resolution into a client. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esologs/version.h>

#include "auth_private.h"
#include "handle_private.h"
#include "text_private.h"

/* The defaults; docs/client.md says why each was chosen. */
#define DEF_TOKEN_MARGIN_MS 60000u
#define DEF_TIMEOUT_MS 30000u
#define DEF_CONNECT_TIMEOUT_MS 10000u
#define DEF_READ_TIMEOUT_MS 30000u
#define DEF_WRITE_TIMEOUT_MS 10000u
#define DEF_POOL_TIMEOUT_MS 5000u
#define DEF_DEADLINE_MS 120000u
#define DEF_MAX_CONNECTIONS 100u
#define DEF_MAX_KEEPALIVE 20u
#define DEF_MAX_RESPONSE_BYTES ((size_t)16 << 20)
#define DEF_MAX_ATTEMPTS 4u
#define DEF_INITIAL_DELAY_MS 1000u
#define DEF_MULTIPLIER 2.0
#define DEF_MAX_DELAY_MS 20000u
#define DEF_RETRY_AFTER_MAX_MS 60000u
#define DEF_BUDGET_CAPACITY 500u
#define DEF_BUDGET_RETRY_COST 5u
#define DEF_BUDGET_TIMEOUT_COST 10u
#define DEF_BUDGET_SUCCESS_REFUND 1u
#define DEF_BREAKER_THRESHOLD 5u
#define DEF_BREAKER_FAILURE_RATE 50u
#define DEF_BREAKER_WINDOW 20u
#define DEF_BREAKER_MIN_CALLS 10u
#define DEF_BREAKER_COOLDOWN_MS 30000u
#define DEF_BREAKER_COOLDOWN_MULTIPLIER 2.0
#define DEF_BREAKER_COOLDOWN_MAX_MS 300000u
#define DEF_BREAKER_PROBES 3u
#define DEF_POINTS_RESERVE_PCT 10u
#define DEF_CACHE_MAX_AGE_MS 600000u
#define DEF_CACHE_MAX_ENTRIES 256u
#define POINTS_REFRESH_MS 60000u

#define OR(v, d) ((v) != 0 ? (v) : (d))
#define STR_(x) #x
#define STR(x) STR_(x)

void eso_options_init(struct eso_options *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof *o);
    o->token_refresh_margin_ms = DEF_TOKEN_MARGIN_MS;
    o->timeout_ms = DEF_TIMEOUT_MS;
    o->connect_timeout_ms = DEF_CONNECT_TIMEOUT_MS;
    o->read_timeout_ms = DEF_READ_TIMEOUT_MS;
    o->write_timeout_ms = DEF_WRITE_TIMEOUT_MS;
    o->pool_timeout_ms = DEF_POOL_TIMEOUT_MS;
    o->deadline_ms = DEF_DEADLINE_MS;
    o->max_connections = DEF_MAX_CONNECTIONS;
    o->max_keepalive = DEF_MAX_KEEPALIVE;
    o->max_response_bytes = DEF_MAX_RESPONSE_BYTES;
    o->max_attempts = DEF_MAX_ATTEMPTS;
    o->initial_delay_ms = DEF_INITIAL_DELAY_MS;
    o->multiplier = DEF_MULTIPLIER;
    o->max_delay_ms = DEF_MAX_DELAY_MS;
    o->jitter = ESO_JITTER_FULL;
    o->retry_on = ESO_RETRY_DEFAULT;
    o->retry_after_max_ms = DEF_RETRY_AFTER_MAX_MS;
    o->budget_capacity = DEF_BUDGET_CAPACITY;
    o->budget_retry_cost = DEF_BUDGET_RETRY_COST;
    o->budget_timeout_cost = DEF_BUDGET_TIMEOUT_COST;
    o->budget_success_refund = DEF_BUDGET_SUCCESS_REFUND;
    o->breaker_threshold = DEF_BREAKER_THRESHOLD;
    o->breaker_failure_rate = DEF_BREAKER_FAILURE_RATE;
    o->breaker_window = DEF_BREAKER_WINDOW;
    o->breaker_min_calls = DEF_BREAKER_MIN_CALLS;
    o->breaker_cooldown_ms = DEF_BREAKER_COOLDOWN_MS;
    o->breaker_cooldown_multiplier = DEF_BREAKER_COOLDOWN_MULTIPLIER;
    o->breaker_cooldown_max_ms = DEF_BREAKER_COOLDOWN_MAX_MS;
    o->breaker_half_open_probes = DEF_BREAKER_PROBES;
    o->points_reserve_pct = DEF_POINTS_RESERVE_PCT;
    o->cache_max_age_ms = DEF_CACHE_MAX_AGE_MS;
    o->cache_max_entries = DEF_CACHE_MAX_ENTRIES;
}

enum eso_status eso_jitter_from_name(const char *name, enum eso_jitter *out)
{
    static const struct {
        const char *name;
        enum eso_jitter jitter;
    } names[] = {{"none", ESO_JITTER_NONE},
                 {"full", ESO_JITTER_FULL},
                 {"equal", ESO_JITTER_EQUAL},
                 {"decorrelated", ESO_JITTER_DECORRELATED}};
    if (name == NULL || out == NULL)
        return ESO_BAD_ARGUMENT;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].jitter;
            return ESO_OK;
        }
    }
    return ESO_BAD_ARGUMENT;
}

const char *eso_jitter_name(enum eso_jitter jitter)
{
    switch (jitter) {
    case ESO_JITTER_NONE:
        return "none";
    case ESO_JITTER_DEFAULT:
    case ESO_JITTER_FULL:
        return "full";
    case ESO_JITTER_EQUAL:
        return "equal";
    case ESO_JITTER_DECORRELATED:
        return "decorrelated";
    }
    return "unknown";
}

/* Printable text of at most @p max bytes: safe as a header value. */
static bool header_safe(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        unsigned char c = (unsigned char)s[n];
        if ((c < 0x20 && c != '\t') || c == 0x7f || n >= max)
            return false;
    }
    return true;
}

/* Whether @p n bytes at @p p are all zero (reserved space). */
static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0)
            return false;
    }
    return true;
}

static enum eso_status bad(char *err, const char *what)
{
    if (err != NULL)
        snprintf(err, ESO_DETAIL_SIZE, "bad option: %s", what);
    return ESO_BAD_ARGUMENT;
}

enum eso_status eso__options_resolve(const struct eso_options *in, struct eso_client *c,
                                     struct eso__breaker_config *bc, struct eso_options *o,
                                     char *err)
{
    struct eso_options zero;
    memset(&zero, 0, sizeof zero);
    if (in == NULL)
        in = &zero;
    *o = *in;

    /* A later version's field set through a newer header: refused, not silently dropped. */
    if (!all_zero(o->reserved, sizeof o->reserved))
        return bad(err, "reserved must be zero (start from {0} or eso_options_init(), or this "
                        "library is older than the header the program was built with)");
    if ((o->clock != NULL && !all_zero(o->clock->reserved, sizeof o->clock->reserved)) ||
        (o->random != NULL && !all_zero(o->random->reserved, sizeof o->random->reserved)) ||
        (o->transport != NULL && !all_zero(o->transport->reserved, sizeof o->transport->reserved)))
        return bad(err, "reserved of clock, random or transport must be NULL");
    if (isnan(o->multiplier) || (o->multiplier != 0 && o->multiplier < 1.0) || isinf(o->multiplier))
        return bad(err, "multiplier must be >= 1");
    if (isnan(o->time_scale) || o->time_scale < 0 || isinf(o->time_scale))
        return bad(err, "time_scale must be > 0");
    if (isnan(o->breaker_cooldown_multiplier) || isinf(o->breaker_cooldown_multiplier) ||
        (o->breaker_cooldown_multiplier != 0 && o->breaker_cooldown_multiplier < 1.0))
        return bad(err, "breaker_cooldown_multiplier must be >= 1");
    if (o->breaker_failure_rate > 100)
        return bad(err, "breaker_failure_rate is a percentage (0..100)");
    if (o->points_reserve_pct > 100)
        return bad(err, "points_reserve_pct is a percentage (0..100)");
    if ((unsigned)o->jitter > (unsigned)ESO_JITTER_DECORRELATED)
        return bad(err, "jitter is not an enum eso_jitter value");
    if ((o->retry_on & ~(unsigned)((ESO_RETRY_POOL_TIMEOUT << 1) - 1)) != 0)
        return bad(err, "retry_on has unknown bits");
    if (o->api_url != NULL && *o->api_url == '\0')
        return bad(err, "api_url is empty");
    if (o->token_url != NULL && *o->token_url == '\0')
        return bad(err, "token_url is empty");
    /* Both go into request headers: a CR or LF would end the header and start another. */
    if (o->bearer_token != NULL && *o->bearer_token != '\0' &&
        (strlen(o->bearer_token) > ESO__TOKEN_MAX_BYTES ||
         eso__b64token_span(o->bearer_token) != strlen(o->bearer_token)))
        return bad(err, "bearer_token must be an RFC 6750 token (letters, digits, -._~+/ and "
                        "trailing =) of at most " STR(ESO__TOKEN_MAX_BYTES) " bytes");
    if (o->user_agent != NULL && !header_safe(o->user_agent, 1024))
        return bad(err, "user_agent must be at most 1024 bytes without control characters");

    o->token_refresh_margin_ms = OR(o->token_refresh_margin_ms, DEF_TOKEN_MARGIN_MS);
    o->timeout_ms = OR(o->timeout_ms, DEF_TIMEOUT_MS);
    o->connect_timeout_ms = OR(o->connect_timeout_ms, DEF_CONNECT_TIMEOUT_MS);
    o->read_timeout_ms = OR(o->read_timeout_ms, DEF_READ_TIMEOUT_MS);
    o->write_timeout_ms = OR(o->write_timeout_ms, DEF_WRITE_TIMEOUT_MS);
    o->pool_timeout_ms = OR(o->pool_timeout_ms, DEF_POOL_TIMEOUT_MS);
    o->deadline_ms = OR(o->deadline_ms, DEF_DEADLINE_MS);
    o->max_connections = OR(o->max_connections, DEF_MAX_CONNECTIONS);
    o->max_keepalive = OR(o->max_keepalive, DEF_MAX_KEEPALIVE);
    o->max_response_bytes = OR(o->max_response_bytes, DEF_MAX_RESPONSE_BYTES);
    o->max_attempts = OR(o->max_attempts, DEF_MAX_ATTEMPTS);
    o->initial_delay_ms = OR(o->initial_delay_ms, DEF_INITIAL_DELAY_MS);
    o->multiplier = o->multiplier != 0 ? o->multiplier : DEF_MULTIPLIER;
    o->max_delay_ms = OR(o->max_delay_ms, DEF_MAX_DELAY_MS);
    o->jitter = o->jitter != ESO_JITTER_DEFAULT ? o->jitter : ESO_JITTER_FULL;
    o->retry_on = OR(o->retry_on, (unsigned)ESO_RETRY_DEFAULT);
    o->retry_after_max_ms = OR(o->retry_after_max_ms, DEF_RETRY_AFTER_MAX_MS);
    o->budget_capacity = OR(o->budget_capacity, DEF_BUDGET_CAPACITY);
    o->budget_retry_cost = OR(o->budget_retry_cost, DEF_BUDGET_RETRY_COST);
    o->budget_timeout_cost = OR(o->budget_timeout_cost, DEF_BUDGET_TIMEOUT_COST);
    o->budget_success_refund = OR(o->budget_success_refund, DEF_BUDGET_SUCCESS_REFUND);
    o->breaker_threshold = OR(o->breaker_threshold, DEF_BREAKER_THRESHOLD);
    o->breaker_failure_rate = OR(o->breaker_failure_rate, DEF_BREAKER_FAILURE_RATE);
    o->breaker_window = OR(o->breaker_window, DEF_BREAKER_WINDOW);
    o->breaker_min_calls = OR(o->breaker_min_calls, DEF_BREAKER_MIN_CALLS);
    o->breaker_cooldown_ms = OR(o->breaker_cooldown_ms, DEF_BREAKER_COOLDOWN_MS);
    o->breaker_cooldown_multiplier = o->breaker_cooldown_multiplier != 0
                                         ? o->breaker_cooldown_multiplier
                                         : DEF_BREAKER_COOLDOWN_MULTIPLIER;
    o->breaker_cooldown_max_ms = OR(o->breaker_cooldown_max_ms, DEF_BREAKER_COOLDOWN_MAX_MS);
    o->breaker_half_open_probes = OR(o->breaker_half_open_probes, DEF_BREAKER_PROBES);
    o->points_reserve_pct = OR(o->points_reserve_pct, DEF_POINTS_RESERVE_PCT);
    o->cache_max_age_ms = OR(o->cache_max_age_ms, DEF_CACHE_MAX_AGE_MS);
    o->cache_max_entries = OR(o->cache_max_entries, DEF_CACHE_MAX_ENTRIES);
    if (o->time_scale == 0)
        o->time_scale = eso__time_scale_env();
    if (o->max_keepalive > o->max_connections)
        o->max_keepalive = o->max_connections;
    if (o->breaker_min_calls > o->breaker_window)
        o->breaker_min_calls = o->breaker_window;

    double s = o->time_scale;
    c->max_attempts = o->max_attempts;
    c->retry_on = o->retry_on;
    c->max_connections = o->max_connections;
    c->retry_after_max_ns = eso__scale_ms(s, o->retry_after_max_ms);
    c->deadline_ns = eso__scale_ms(s, o->deadline_ms);
    c->timeout_ns = eso__scale_ms(s, o->timeout_ms);
    c->connect_timeout_ns = eso__scale_ms(s, o->connect_timeout_ms);
    c->read_timeout_ns = eso__scale_ms(s, o->read_timeout_ms);
    c->write_timeout_ns = eso__scale_ms(s, o->write_timeout_ms);
    c->points_refresh_ns = eso__scale_ms(s, POINTS_REFRESH_MS);
    c->points_aware = o->points_aware;
    c->backoff.initial_ns = eso__scale_ms(s, o->initial_delay_ms);
    c->backoff.max_ns = eso__scale_ms(s, o->max_delay_ms);
    c->backoff.multiplier = o->multiplier;
    c->backoff.jitter = o->jitter;

    memset(bc, 0, sizeof *bc);
    bc->disabled = o->breaker_disabled;
    bc->threshold = o->breaker_threshold == UINT32_MAX ? 0 : o->breaker_threshold;
    bc->failure_rate = o->breaker_failure_rate;
    bc->window = o->breaker_window;
    bc->min_calls = o->breaker_min_calls;
    bc->cooldown_ns = eso__scale_ms(s, o->breaker_cooldown_ms);
    bc->cooldown_multiplier = o->breaker_cooldown_multiplier;
    bc->cooldown_max_ns = eso__scale_ms(s, o->breaker_cooldown_max_ms);
    if (bc->cooldown_max_ns < bc->cooldown_ns)
        bc->cooldown_max_ns = bc->cooldown_ns;
    bc->half_open_probes = o->breaker_half_open_probes;
    return ESO_OK;
}
