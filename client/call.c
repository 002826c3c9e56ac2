/* One call's retry state machine. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <esologs/operations.h>

#include "call_private.h"
#include "classify_private.h"
#include "client_private.h"
#include "registry_private.h"
#include "retry_after_private.h"
#include "text_private.h"

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static unsigned max_tries(const struct eso__call *call)
{
    return call->max_tries != 0 ? call->max_tries : call->c->max_attempts;
}

static void event(struct eso__call *call, enum eso_event_kind kind, uint64_t now,
                  struct eso_event *ev)
{
    ev->kind = kind;
    ev->call_id = call->id;
    ev->operation = call->operation;
    ev->elapsed_ms = ms(now - call->start_ns);
    eso__emit(&call->c->events, ev);
}

static void breaker_event(struct eso__call *call, uint64_t now, const struct eso__transition *tr)
{
    if (!tr->happened)
        return;
    struct eso_event ev = {0};
    ev.breaker_from = tr->from;
    ev.breaker_to = tr->to;
    ev.reason = tr->reason;
    ev.attempt = call->res->attempts;
    event(call, ESO_EV_BREAKER_TRANSITION, now, &ev);
}

static void wipe_header(struct eso__call *call)
{
    if (call->auth_header != NULL) {
        explicit_bzero(call->auth_header, strlen(call->auth_header));
        free(call->auth_header);
        call->auth_header = NULL;
    }
}

/*
 * Scrub what an attempt brought back at once, with the token this attempt sent as well as
 * the current one: by the time the detail is logged or the call ends, a 401 (this call's,
 * or another thread's) may have dropped or replaced it, and the scrubbers at the end only
 * know the token of that moment.
 */
static void scrub_answer(struct eso__call *call, char *buf, size_t size)
{
    static const char scheme[] = "Bearer ";
    if (call->auth_header != NULL && strncmp(call->auth_header, scheme, sizeof scheme - 1) == 0)
        eso__redact(buf, size, call->auth_header + sizeof scheme - 1);
    eso__auth_scrub(&call->c->auth, buf, size);
    eso__redact_schemes(buf, size);
}

enum eso_status eso__call_init(struct eso__call *call, struct eso_client *c, const char *operation,
                               const char *document, const cJSON *variables, struct eso_result *res)
{
    return eso__call_init_tagged(call, c, operation, document, variables, res, NULL);
}

enum eso_status eso__call_init_tagged(struct eso__call *call, struct eso_client *c,
                                      const char *operation, const char *document,
                                      const cJSON *variables, struct eso_result *res,
                                      const char *tag)
{
    enum eso_status rc = ESO_BAD_ARGUMENT;
    cJSON *body = NULL;
    memset(call, 0, sizeof *call);
    memset(res, 0, sizeof *res);
    call->c = c;
    call->res = res;
    call->tag = tag;
    call->operation = operation != NULL ? operation : "";
    if (document == NULL && *call->operation == '\0') {
        snprintf(res->detail, sizeof res->detail, "an operation name or a document is required");
        goto out;
    }
    if (document == NULL) {
        document = eso_operation_document(operation);
        if (document == NULL) {
            rc = ESO_UNKNOWN_OPERATION;
            eso__fmt(res->detail, sizeof res->detail, "no compiled-in document named '%s'",
                     call->operation);
            goto out;
        }
    }
    if (*document == '\0' || (variables != NULL && !cJSON_IsObject(variables))) {
        snprintf(res->detail, sizeof res->detail, "%s",
                 *document == '\0' ? "empty query document" : "variables must be a JSON object");
        goto out;
    }
    rc = ESO_OUT_OF_MEMORY;
    body = cJSON_CreateObject();
    if (body == NULL || cJSON_AddStringToObject(body, "query", document) == NULL)
        goto out;
    if (*call->operation != '\0' &&
        cJSON_AddStringToObject(body, "operationName", call->operation) == NULL)
        goto out;
    cJSON *vars = variables != NULL ? cJSON_Duplicate(variables, true) : cJSON_CreateObject();
    if (vars == NULL || !cJSON_AddItemToObject(body, "variables", vars)) {
        cJSON_Delete(vars);
        goto out;
    }
    call->body = cJSON_PrintUnformatted(body);
    if (call->body == NULL)
        goto out;
    call->body_len = strlen(call->body);
    if (c->cache.enabled) {
        call->cache_key = eso__cache_key(call->operation, document, variables);
        if (call->cache_key == NULL)
            goto out;
    }
    call->idempotent = !eso__document_is_mutation(document);
    call->id = atomic_fetch_add(&c->next_call_id, 1) + 1;
    snprintf(call->request_id, sizeof call->request_id, "%08x-%llu", c->instance,
             (unsigned long long)call->id);
    call->start_ns = eso__clock_now(&c->clock);
    call->deadline_ns = eso__sat_add(call->start_ns, c->deadline_ns);
    call->state = ESO__CALL_GATE;
    call->wake_ns = call->start_ns;
    rc = ESO_OK;
out:
    cJSON_Delete(body);
    if (rc != ESO_OK) {
        cJSON_free(call->body);
        free(call->cache_key);
        call->body = NULL;
        call->cache_key = NULL;
        res->status = rc;
        res->cause = rc;
        if (res->detail[0] == '\0')
            snprintf(res->detail, sizeof res->detail, "%s", eso_strerror(rc));
        return rc;
    }
    struct eso_event ev = {0};
    ev.reason = tag;
    event(call, ESO_EV_CALL_START, call->start_ns, &ev);
    return ESO_OK;
}

void eso__call_finish(struct eso__call *call)
{
    wipe_header(call);
    cJSON_free(call->body);
    free(call->cache_key);
    call->body = NULL;
    call->cache_key = NULL;
}

static void end_call(struct eso__call *call, uint64_t now)
{
    struct eso_result *res = call->res;
    res->elapsed_ms = ms(now - call->start_ns);
    if (res->status == ESO_OK && !res->from_cache)
        res->detail[0] = '\0';
    call->state = ESO__CALL_DONE;
    wipe_header(call);
    /* Servers may echo credentials in error messages: the detail never carries them. */
    eso__auth_scrub(&call->c->auth, res->detail, sizeof res->detail);
    eso__redact_schemes(res->detail, sizeof res->detail);
    eso__utf8_sanitize(res->detail, sizeof res->detail);
    /* Server text: printed as it is, a newline or ESC in it could forge log lines. */
    eso__escape_controls(res->detail, sizeof res->detail);
    struct eso_event ev = {0};
    ev.status = res->status;
    ev.attempt = res->attempts;
    ev.http_status = res->http_status;
    ev.duration_ms = res->elapsed_ms;
    ev.from_cache = res->from_cache;
    ev.reason = call->tag;
    ev.detail = res->status == ESO_OK ? "" : res->detail;
    event(call, ESO_EV_CALL_END, now, &ev);
}

/* The call failed with @p status: report, maybe answer from the cache, end. */
static void give_up(struct eso__call *call, uint64_t now, enum eso_status status,
                    const char *reason)
{
    struct eso_result *res = call->res;
    if (call->have_permit) {
        eso__breaker_release(&call->c->breaker, &call->permit);
        call->have_permit = false;
    }
    res->status = status;
    if (res->cause == ESO_OK)
        res->cause = status;
    struct eso_event ev = {0};
    ev.status = status;
    ev.attempt = res->attempts;
    ev.reason = reason;
    ev.detail = res->detail;
    event(call, ESO_EV_GIVE_UP, now, &ev);

    cJSON *cached = NULL;
    uint64_t age = 0;
    if (call->cache_key != NULL && eso_status_is_transient(status) &&
        eso__cache_lookup(&call->c->cache, call->cache_key, now, &cached, &age)) {
        cJSON_Delete(res->data);
        cJSON_Delete(res->errors);
        res->errors = NULL;
        res->data = cJSON_IsNull(cached) ? NULL : cached;
        if (res->data == NULL)
            cJSON_Delete(cached);
        res->from_cache = true;
        res->cache_age_ms = ms(age);
        res->status = ESO_OK;
        struct eso_event cev = {0};
        cev.status = status;
        cev.attempt = res->attempts;
        cev.age_ms = res->cache_age_ms;
        cev.reason = reason;
        event(call, ESO_EV_CACHE_FALLBACK, now, &cev);
    }
    end_call(call, now);
}

static void observe_rate_limit(struct eso__call *call, uint64_t now, const cJSON *data)
{
    const cJSON *rl = cJSON_GetObjectItemCaseSensitive(data, "rateLimitData");
    const cJSON *lim = cJSON_GetObjectItemCaseSensitive(rl, "limitPerHour");
    const cJSON *spent = cJSON_GetObjectItemCaseSensitive(rl, "pointsSpentThisHour");
    const cJSON *reset = cJSON_GetObjectItemCaseSensitive(rl, "pointsResetIn");
    if (cJSON_IsNumber(lim) && cJSON_IsNumber(spent) && cJSON_IsNumber(reset) &&
        lim->valuedouble >= 0 && spent->valuedouble >= 0 && reset->valuedouble >= 0)
        eso__pacing_observe(&call->c->pacing, now, lim->valuedouble, spent->valuedouble,
                            reset->valuedouble);
}

/* Move data and errors of a parsed answer into the result. */
static void take_json(struct eso_result *res, cJSON *root)
{
    cJSON_Delete(res->data);
    cJSON_Delete(res->errors);
    res->data = NULL;
    res->errors = NULL;
    if (root == NULL)
        return;
    cJSON *data = cJSON_DetachItemFromObjectCaseSensitive(root, "data");
    cJSON *errors = cJSON_DetachItemFromObjectCaseSensitive(root, "errors");
    if (data != NULL && !cJSON_IsNull(data))
        res->data = data;
    else
        cJSON_Delete(data);
    if (cJSON_IsArray(errors) && cJSON_GetArraySize(errors) > 0)
        res->errors = errors;
    else
        cJSON_Delete(errors);
}

/* The breaker refuses the call (at the gate, or for a retry it would refuse): report, end. */
static void reject_at_breaker(struct eso__call *call, uint64_t now, const char *detail)
{
    struct eso_event ev = {0};
    ev.attempt = call->res->attempts;
    ev.status = ESO_BREAKER_OPEN;
    ev.reason = "breaker_open";
    ev.detail = detail;
    event(call, ESO_EV_BREAKER_REJECTED, now, &ev);
    give_up(call, now, ESO_BREAKER_OPEN, "breaker_open");
}

/*
 * A failed attempt (or token fetch): retry after a delay, or give up.
 * @p ra is the raw Retry-After header or NULL.
 */
static void decide(struct eso__call *call, uint64_t now, const struct eso__verdict *v,
                   const char *ra)
{
    struct eso_client *c = call->c;
    struct eso_result *res = call->res;
    res->cause = v->status;
    snprintf(res->detail, sizeof res->detail, "%s", v->detail);

    /* Only the clipped total timer firing at the deadline means "deadline"; a read or
     * connect timer firing earlier is an ordinary timeout (1 ms covers ms rounding). */
    bool at_deadline = eso__sat_add(now, 1000000u) >= call->deadline_ns;
    if (at_deadline && ((v->timeout && call->deadline_clipped) || v->status == ESO_POOL_TIMEOUT)) {
        /* The pool wait is cut to the time left too: ending there is the deadline's doing. */
        give_up(call, now, ESO_DEADLINE_EXCEEDED, "deadline");
        return;
    }
    if (v->retry_class == 0) {
        give_up(call, now, v->status, "permanent");
        return;
    }
    if ((c->retry_on & v->retry_class) == 0) {
        give_up(call, now, v->status, "not_retryable");
        return;
    }
    if (!call->idempotent && v->ambiguous) {
        give_up(call, now, v->status, "not_idempotent");
        return;
    }
    if (call->tries >= max_tries(call)) {
        give_up(call, now, v->status, "attempts_exhausted");
        return;
    }

    uint64_t delay = 0;
    const char *why = v->reason;
    double ra_s = 0;
    enum eso__retry_after kind = eso__retry_after_parse(ra, eso__clock_wall(&c->clock), &ra_s);
    if (kind == ESO__RA_SECONDS || kind == ESO__RA_DATE) {
        delay = eso__scale_s(c->clock.scale, ra_s);
        if (delay > c->retry_after_max_ns) {
            /* The server's seconds are scenario time: say so when it differs. */
            eso__fmt(res->detail, sizeof res->detail,
                     "%s; Retry-After %.0f s is over the %.0f s cap%s", v->detail, ra_s,
                     (double)c->retry_after_max_ns / 1e9 / c->clock.scale,
                     c->clock.scale != 1.0 ? " (scenario seconds)" : "");
            give_up(call, now, v->status, "retry_after_too_long");
            return;
        }
        why = "retry_after";
    } else {
        uint64_t bits = eso__backoff_uses_random(&c->backoff) ? eso__client_random(c) : 0;
        delay = eso__backoff_delay(&c->backoff, call->tries, call->prev_delay_ns, bits);
    }
    /* An open breaker would refuse the retry at the gate: fail now, without sleeping
     * or spending budget, unless its cool-down ends before the retry is due. */
    uint64_t open_until = eso__breaker_open_until(&c->breaker);
    if (open_until != 0 && open_until > eso__sat_add(now, delay)) {
        reject_at_breaker(call, now, v->detail);
        return;
    }
    if (eso__sat_add(now, delay) >= call->deadline_ns) {
        eso__fmt(res->detail, sizeof res->detail, "%s; a %.0f ms wait would pass the deadline",
                 v->detail, ms(delay));
        give_up(call, now, ESO_DEADLINE_EXCEEDED, "wait_past_deadline");
        return;
    }
    unsigned cost = 0;
    if (!eso__budget_withdraw(&c->budget, v->timeout, &cost)) {
        give_up(call, now, ESO_BUDGET_EXHAUSTED, "budget_exhausted");
        return;
    }
    call->last_retry_cost = cost;
    call->prev_delay_ns = delay;
    call->state = ESO__CALL_GATE;
    call->wake_ns = now + delay;
    struct eso_event ev = {0};
    ev.attempt = res->attempts;
    ev.status = v->status;
    ev.delay_ms = ms(delay);
    ev.reason = why;
    ev.detail = v->detail;
    event(call, ESO_EV_RETRY_SCHEDULED, now, &ev);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Cut every timer of the attempt to the @p left ns before the call's deadline. */
static void clip_to_deadline(struct eso__call *call, uint64_t left)
{
    struct eso_client *c = call->c;
    struct eso__request *req = &call->req;
    req->timeout_ns = min_u64(c->timeout_ns, left);
    req->connect_timeout_ns = min_u64(c->connect_timeout_ns, left);
    req->read_timeout_ns = min_u64(c->read_timeout_ns, left);
    req->write_timeout_ns = min_u64(c->write_timeout_ns, left);
    req->deadline_left_ns = left;
    call->deadline_clipped = left < c->timeout_ns;
}

/*
 * Fetch or reuse the token, then fill call->req. Returns false when the call moved on.
 * The token step may take time (a fetch, or waiting for another thread's): *now_io is
 * advanced to the clock after it, so nothing later decides on a time that has passed.
 */
static bool prepare_attempt(struct eso__call *call, uint64_t *now_io)
{
    struct eso_client *c = call->c;
    uint64_t now = *now_io;
    uint64_t left = call->deadline_ns > now ? call->deadline_ns - now : 0;
    struct eso__request *req = &call->req;
    memset(req, 0, sizeof *req);
    clip_to_deadline(call, left);
    /* An attempt that may not be followed by another (no retry left, or a mutation) gets a
     * new connection, so libcurl cannot resend it on a reused one that died: the requests
     * on the wire never exceed max_attempts. */
    req->fresh_connect = !call->idempotent || call->tries + 1 >= max_tries(call);
    req->operation = call->operation;
    req->attempt = call->res->attempts + 1;

    call->tries++;
    wipe_header(call);
    struct eso__verdict v;
    memset(&v, 0, sizeof v);
    struct eso__token_fetch fetch;
    enum eso_status st = eso__auth_header(&c->auth, &c->transport, req, now, &call->auth_header,
                                          &call->auth_generation, &v, &fetch);
    uint64_t after = eso__clock_now(&c->clock);
    *now_io = after;
    if (fetch.happened) {
        struct eso_event ev = {0};
        ev.status = fetch.status;
        ev.http_status = fetch.http_status;
        ev.curl_code = fetch.curl_code;
        ev.duration_ms = ms(fetch.duration_ns);
        ev.attempt = req->attempt;
        ev.reason = fetch.status == ESO_OK ? "ok" : v.reason;
        ev.detail = fetch.detail;
        event(call, ESO_EV_TOKEN_FETCH, after, &ev);
    }
    if (st == ESO_DEADLINE_EXCEEDED) {
        /* The deadline passed while another call's token fetch was under way. */
        snprintf(call->res->detail, sizeof call->res->detail, "%s", v.detail);
        give_up(call, after, st, "deadline");
        return false;
    }
    if (st != ESO_OK) {
        if (call->have_permit) {
            struct eso__transition tr = {0};
            eso__breaker_record(&c->breaker, after, &call->permit, v.breaker, &tr);
            call->have_permit = false;
            breaker_event(call, after, &tr);
        }
        if (st == ESO_OUT_OF_MEMORY) {
            snprintf(call->res->detail, sizeof call->res->detail, "out of memory");
            call->res->cause = st;
            give_up(call, after, st, "out_of_memory");
            return false;
        }
        decide(call, after, &v, fetch.has_retry_after ? fetch.retry_after : NULL);
        return false;
    }
    /* The token step took time: clip the attempt to what is left. */
    left = call->deadline_ns > after ? call->deadline_ns - after : 0;
    clip_to_deadline(call, left);
    if (left == 0) {
        if (call->res->cause == ESO_OK)
            snprintf(call->res->detail, sizeof call->res->detail, "deadline passed");
        give_up(call, after, ESO_DEADLINE_EXCEEDED, "deadline");
        return false;
    }
    req->url = c->api_url;
    req->content_type = "application/json";
    req->authorization = call->auth_header;
    req->body = call->body;
    req->body_len = call->body_len;
    req->request_id = call->request_id;
    call->res->attempts++;
    call->state = ESO__CALL_IN_FLIGHT;
    struct eso_event ev = {0};
    ev.attempt = req->attempt;
    event(call, ESO_EV_ATTEMPT_START, after, &ev);
    return true;
}

enum eso__step eso__call_next(struct eso__call *call, uint64_t now)
{
    struct eso_client *c = call->c;
    for (;;) {
        switch (call->state) {
        case ESO__CALL_DONE:
            return ESO__STEP_DONE;
        case ESO__CALL_IN_FLIGHT:
            return ESO__STEP_ATTEMPT;
        case ESO__CALL_GATE: {
            if (now < call->wake_ns)
                return ESO__STEP_WAIT;
            if (now >= call->deadline_ns) {
                if (call->res->cause == ESO_OK)
                    snprintf(call->res->detail, sizeof call->res->detail, "deadline passed");
                give_up(call, now, ESO_DEADLINE_EXCEEDED, "deadline");
                continue;
            }
            struct eso__transition tr = {0};
            bool go = eso__breaker_acquire(&c->breaker, now, &call->permit, &tr);
            breaker_event(call, now, &tr);
            if (!go) {
                if (call->res->cause == ESO_OK)
                    snprintf(call->res->detail, sizeof call->res->detail,
                             "circuit breaker open: failing fast");
                reject_at_breaker(call, now, NULL);
                continue;
            }
            call->have_permit = true;
            uint64_t wait = eso__pacing_reserve(&c->pacing, now, call->deadline_ns - now);
            if (wait == UINT64_MAX) {
                snprintf(call->res->detail, sizeof call->res->detail,
                         "pacing would delay the request past the deadline");
                give_up(call, now, ESO_DEADLINE_EXCEEDED, "pacing_past_deadline");
                continue;
            }
            call->state = ESO__CALL_PACED;
            call->wake_ns = now + wait;
            if (wait > 0) {
                struct eso_event ev = {0};
                ev.attempt = call->res->attempts + 1;
                ev.delay_ms = ms(wait);
                ev.reason = "min_interval";
                event(call, ESO_EV_PACING_WAIT, now, &ev);
                return ESO__STEP_WAIT;
            }
            continue;
        }
        case ESO__CALL_PACED:
            if (now < call->wake_ns)
                return ESO__STEP_WAIT;
            if (now >= call->deadline_ns) {
                /* A pacing slot at the deadline (or a late wake-up) leaves no time: an
                 * attempt now would run with every timer at 0, which libcurl reads as none. */
                if (call->res->cause == ESO_OK)
                    snprintf(call->res->detail, sizeof call->res->detail, "deadline passed");
                give_up(call, now, ESO_DEADLINE_EXCEEDED, "deadline");
                continue;
            }
            if (prepare_attempt(call, &now))
                return ESO__STEP_ATTEMPT;
            continue;
        }
    }
}

/*
 * libcurl resent the request by itself after a reused connection died unanswered:
 * report that attempt (it reached the server, which may have acted on it) and count
 * it like any other, against max_attempts too.
 */
static void hidden_attempt(struct eso__call *call, uint64_t now, const struct eso__response *resp)
{
    struct eso_result *res = call->res;
    bool reset = resp->hidden_errno == ECONNRESET || resp->hidden_errno == EPIPE;
    /* Classified as the curl error the first copy would have ended with. */
    struct eso__response lost = {.curl_code = reset ? CURLE_RECV_ERROR : CURLE_GOT_NOTHING};
    struct eso__verdict v;
    memset(&v, 0, sizeof v);
    eso__classify_transport(&lost, &v);
    struct eso_event ev = {0};
    ev.attempt = res->attempts;
    ev.status = v.status;
    ev.curl_code = lost.curl_code;
    ev.reused_connection = true;
    ev.reason = v.reason;
    ev.detail = "the reused connection died without an answer; libcurl resent the request "
                "on a fresh connection";
    event(call, ESO_EV_ATTEMPT_END, now, &ev);
    eso__verdict_finish(&v);
    res->attempts++;
    call->tries++;
    struct eso_event sev = {0};
    sev.attempt = res->attempts;
    sev.reason = "libcurl_resend";
    event(call, ESO_EV_ATTEMPT_START, now, &sev);
}

void eso__call_complete(struct eso__call *call, struct eso__response *resp)
{
    struct eso_client *c = call->c;
    struct eso_result *res = call->res;
    uint64_t now = eso__clock_now(&c->clock);
    struct eso__verdict v;
    if (eso__classify(resp, &v) != 0) {
        memset(&v, 0, sizeof v);
        v.status = ESO_OUT_OF_MEMORY;
        v.reason = "out_of_memory";
        v.breaker = ESO__OUTCOME_IGNORED;
        snprintf(v.detail, sizeof v.detail, "out of memory");
    }
    scrub_answer(call, v.detail, sizeof v.detail);
    struct eso__transition tr = {0};
    if (call->have_permit) {
        eso__breaker_record(&c->breaker, now, &call->permit, v.breaker, &tr);
        call->have_permit = false;
    }
    res->http_status = resp->http_status;
    res->curl_code = resp->curl_code;

    for (unsigned i = 0; i < resp->hidden_resends; i++)
        hidden_attempt(call, now, resp);

    struct eso_event ev = {0};
    ev.attempt = res->attempts;
    ev.status = v.status;
    ev.http_status = resp->http_status;
    ev.curl_code = resp->curl_code;
    ev.duration_ms = ms(resp->duration_ns);
    ev.reused_connection = resp->reused;
    ev.reason = v.reason;
    ev.detail = v.status == ESO_OK ? "" : v.detail;
    event(call, ESO_EV_ATTEMPT_END, now, &ev);
    /* After the attempt that caused it, so logs read in causal order. */
    breaker_event(call, now, &tr);

    take_json(res, v.json);

    if (v.status == ESO_OK) {
        res->status = ESO_OK;
        res->cause = ESO_OK;
        res->detail[0] = '\0';
        eso__budget_on_success(&c->budget, call->last_retry_cost);
        observe_rate_limit(call, now, res->data);
        if (call->cache_key != NULL &&
            eso__cache_store(&c->cache, call->cache_key, res->data, now) == 0)
            eso__count(&c->events.cache_stores);
        end_call(call, now);
    } else if (v.status == ESO_UNAUTHORIZED && !call->auth_refreshed &&
               eso__auth_invalidate(&c->auth, call->auth_generation)) {
        /* One refresh per call: fetch a new token and go again at once. */
        call->auth_refreshed = true;
        call->tries--;
        res->cause = v.status;
        snprintf(res->detail, sizeof res->detail, "%s", v.detail);
        struct eso_event iev = {0};
        iev.attempt = res->attempts;
        iev.reason = "http_401";
        event(call, ESO_EV_TOKEN_INVALIDATED, now, &iev);
        call->state = ESO__CALL_GATE;
        call->wake_ns = now;
    } else {
        decide(call, now, &v, resp->has_retry_after ? resp->retry_after : NULL);
    }
    eso__verdict_finish(&v);
}
