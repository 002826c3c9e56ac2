/* Emitting events: the counters, the scrubbing of their text, the caller's callback. */
#include <stdio.h>
#include <string.h>

#include <esologs/client.h>

#include "events_private.h"
#include "redact_private.h"
#include "text_private.h"

void eso__events_init(struct eso__events *e, eso_event_fn fn, void *userdata)
{
    memset(e, 0, sizeof *e);
    e->fn = fn;
    e->userdata = userdata;
}

void eso__count(atomic_uint_fast64_t *counter)
{
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

static void count(struct eso__events *e, const struct eso_event *ev)
{
    switch (ev->kind) {
    case ESO_EV_CALL_START:
        eso__count(&e->calls);
        break;
    case ESO_EV_ATTEMPT_START:
        eso__count(&e->attempts);
        break;
    case ESO_EV_ATTEMPT_END:
        if (ev->http_status != 0 || ev->curl_code == 0 || ev->reused_connection)
            eso__count(ev->reused_connection ? &e->connections_reused : &e->connections_opened);
        break;
    case ESO_EV_RETRY_SCHEDULED:
        eso__count(&e->retries);
        break;
    case ESO_EV_BREAKER_TRANSITION:
        if (ev->breaker_to == ESO_BREAKER_STATE_OPEN)
            eso__count(&e->breaker_opens);
        break;
    case ESO_EV_BREAKER_REJECTED:
        eso__count(&e->breaker_rejections);
        break;
    case ESO_EV_CACHE_FALLBACK:
        eso__count(&e->cache_fallbacks);
        break;
    case ESO_EV_GIVE_UP:
        eso__count(&e->give_ups);
        if (ev->status == ESO_BUDGET_EXHAUSTED)
            eso__count(&e->budget_rejections);
        if (ev->status == ESO_DEADLINE_EXCEEDED)
            eso__count(&e->deadline_exceeded);
        break;
    case ESO_EV_CALL_END:
        if (ev->status == ESO_OK && !ev->from_cache)
            eso__count(&e->calls_ok);
        else if (ev->status != ESO_OK)
            eso__count(&e->calls_failed);
        break;
    case ESO_EV_PACING_WAIT:
        eso__count(&e->pacing_waits);
        break;
    case ESO_EV_TOKEN_FETCH:
        eso__count(&e->token_fetches);
        break;
    case ESO_EV_TOKEN_INVALIDATED:
        eso__count(&e->token_invalidations);
        break;
    case ESO_EV_PACING_REFRESH:
        break;
    }
}

void eso__emit(struct eso__events *e, const struct eso_event *ev)
{
    count(e, ev);
    if (e->fn == NULL)
        return;
    struct eso_event copy = *ev;
    char detail[ESO_DETAIL_SIZE];
    snprintf(detail, sizeof detail, "%s", ev->detail != NULL ? ev->detail : "");
    if (e->scrub != NULL)
        e->scrub(e->scrub_ud, detail, sizeof detail);
    eso__redact_schemes(detail, sizeof detail);
    eso__utf8_sanitize(detail, sizeof detail);
    eso__escape_controls(detail, sizeof detail);
    copy.detail = detail;
    if (copy.operation == NULL)
        copy.operation = "";
    if (copy.reason == NULL)
        copy.reason = "";
    e->fn(&copy, e->userdata);
}

#define SNAP(field) out->field = atomic_load_explicit(&e->field, memory_order_relaxed)
void eso__events_snapshot(struct eso__events *e, struct eso_counters *out)
{
    SNAP(calls);
    SNAP(calls_ok);
    SNAP(calls_failed);
    SNAP(attempts);
    SNAP(retries);
    SNAP(give_ups);
    SNAP(breaker_rejections);
    SNAP(breaker_opens);
    SNAP(budget_rejections);
    SNAP(deadline_exceeded);
    SNAP(cache_fallbacks);
    SNAP(cache_stores);
    SNAP(pacing_waits);
    SNAP(token_fetches);
    SNAP(token_invalidations);
    SNAP(connections_opened);
    SNAP(connections_reused);
}
#undef SNAP

const char *eso_event_kind_name(enum eso_event_kind kind)
{
    switch (kind) {
    case ESO_EV_CALL_START:
        return "call_start";
    case ESO_EV_ATTEMPT_START:
        return "attempt_start";
    case ESO_EV_ATTEMPT_END:
        return "attempt_end";
    case ESO_EV_RETRY_SCHEDULED:
        return "retry_scheduled";
    case ESO_EV_BREAKER_TRANSITION:
        return "breaker_transition";
    case ESO_EV_BREAKER_REJECTED:
        return "breaker_rejected";
    case ESO_EV_CACHE_FALLBACK:
        return "cache_fallback";
    case ESO_EV_GIVE_UP:
        return "give_up";
    case ESO_EV_CALL_END:
        return "call_end";
    case ESO_EV_PACING_WAIT:
        return "pacing_wait";
    case ESO_EV_TOKEN_FETCH:
        return "token_fetch";
    case ESO_EV_TOKEN_INVALIDATED:
        return "token_invalidated";
    case ESO_EV_PACING_REFRESH:
        return "pacing_refresh";
    }
    return "unknown";
}

const char *eso_breaker_state_name(enum eso_breaker_state state)
{
    switch (state) {
    case ESO_BREAKER_STATE_CLOSED:
        return "closed";
    case ESO_BREAKER_STATE_OPEN:
        return "open";
    case ESO_BREAKER_STATE_HALF_OPEN:
        return "half_open";
    }
    return "unknown";
}
