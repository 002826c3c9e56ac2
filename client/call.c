/* One call's retry state machine. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <esologs/operations.h>

#include "call_private.h"
#include "classify_private.h"
#include "handle_private.h"
#include "redact_private.h"
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
    if (call->auth_owned != NULL) {
        explicit_bzero(call->auth_owned, strlen(call->auth_owned));
        free(call->auth_owned);
        call->auth_owned = NULL;
    }
    call->auth_line = NULL;
}

/*
 * Scrub what an attempt brought back at once, with the token this attempt sent as well as
 * the current one: by the time the detail is logged or the call ends, a 401 (this call's,
 * or another thread's) may have dropped or replaced it, and the scrubbers at the end only
 * know the token of that moment.
 */
static void scrub_answer(struct eso__call *call, char *buf, size_t size)
{
    static const char bearer[] = ESO__AUTH_PREFIX "Bearer ";
    if (buf[0] == '\0')
        return;
    if (call->auth_line != NULL && strncmp(call->auth_line, bearer, sizeof bearer - 1) == 0)
        eso__redact(buf, size, call->auth_line + sizeof bearer - 1);
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
    memset(call, 0, offsetof(struct eso__call, body_inline));
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
        const struct eso__operation *op = eso__operation_find(operation);
        if (op == NULL || op->document == NULL) {
            rc = ESO_UNKNOWN_OPERATION;
            eso__fmt(res->detail, sizeof res->detail, "no compiled-in document named '%s'",
                     call->operation);
            goto out;
        }
        document = op->document;
        call->document_json = op->document_json;
    }
    if (*document == '\0' || (variables != NULL && !cJSON_IsObject(variables))) {
        snprintf(res->detail, sizeof res->detail, "%s",
                 *document == '\0' ? "empty query document" : "variables must be a JSON object");
        goto out;
    }
    call->document = document;
    call->variables = variables;
    call->use_cache = c->cache.enabled;
    call->idempotent = !eso__document_is_mutation(document);
    call->id = atomic_fetch_add(&c->next_call_id, 1) + 1;
    call->start_ns = eso__clock_now(&c->clock);
    call->deadline_ns = eso__sat_add(call->start_ns, c->deadline_ns);
    call->state = ESO__CALL_GATE;
    call->wake_ns = call->start_ns;
    rc = ESO_OK;
out:
    if (rc != ESO_OK) {
        res->status = rc;
        res->cause = rc;
        return rc;
    }
    struct eso_event ev = {0};
    ev.reason = tag;
    event(call, ESO_EV_CALL_START, call->start_ns, &ev);
    return ESO_OK;
}

/* @p text as a JSON string (quotes included), printed by cJSON; NULL when out of memory. */
static char *json_string(const char *text)
{
    cJSON *s = cJSON_CreateStringReference(text);
    char *out = s != NULL ? cJSON_PrintUnformatted(s) : NULL;
    cJSON_Delete(s);
    return out;
}

/*
 * The request body, {"query":...,"operationName":...,"variables":...}, for the first
 * attempt (a call the breaker refuses never builds one). A registry document comes
 * JSON-escaped from the build; the variables are printed on the stack when they fit.
 * 0 or ESO_OUT_OF_MEMORY.
 */
static int build_body(struct eso__call *call)
{
    int rc = ESO_OUT_OF_MEMORY;
    char *doc_own = NULL, *name_own = NULL, *vars_own = NULL;
    char vars_buf[1024];
    const char *doc = call->document_json;
    const char *name = NULL;
    bool quote = false;
    const char *vars = "{}";
    if (doc == NULL) {
        doc = doc_own = json_string(call->document);
        if (doc == NULL)
            goto out;
    }
    if (*call->operation != '\0' && call->document_json != NULL) {
        /* A registry name is a GraphQL name: nothing in it needs escaping. */
        name = call->operation;
        quote = true;
    } else if (*call->operation != '\0') {
        name = name_own = json_string(call->operation);
        if (name == NULL)
            goto out;
    }
    if (call->variables != NULL) {
        /* cJSON asks for 5 bytes of slack beyond what it writes. */
        if (cJSON_PrintPreallocated((cJSON *)call->variables, vars_buf, sizeof vars_buf - 5,
                                    false)) {
            vars = vars_buf;
        } else {
            vars = vars_own = cJSON_PrintUnformatted(call->variables);
            if (vars == NULL)
                goto out;
        }
    }
    size_t len = strlen("{\"query\":") + strlen(doc) + strlen(",\"variables\":") + strlen(vars) +
                 1 + (name != NULL ? strlen(",\"operationName\":") + strlen(name) + 2 : 0);
    call->body = len < sizeof call->body_inline ? call->body_inline : malloc(len + 1);
    if (call->body == NULL)
        goto out;
    int n = snprintf(call->body, len + 1, "{\"query\":%s%s%s%s%s,\"variables\":%s}", doc,
                     name != NULL ? ",\"operationName\":" : "", quote ? "\"" : "",
                     name != NULL ? name : "", quote ? "\"" : "", vars);
    call->body_len = (size_t)n;
    rc = 0;
out:
    cJSON_free(doc_own);
    cJSON_free(name_own);
    cJSON_free(vars_own);
    return rc;
}

/* The fallback cache's key of this call (heap; free()), or NULL when out of memory. */
static char *cache_key(const struct eso__call *call)
{
    return eso__cache_key(call->operation, call->document, call->variables);
}

void eso__call_finish(struct eso__call *call)
{
    if (call->state == ESO__CALL_TOKEN) /* a fetch its driver never finished */
        eso__auth_fetch_abandon(&call->c->auth);
    wipe_header(call);
    if (call->body != call->body_inline)
        free(call->body);
    call->body = NULL;
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
    char *key = call->use_cache && eso_status_is_transient(status) ? cache_key(call) : NULL;
    if (key != NULL && eso__cache_lookup(&call->c->cache, key, now, &cached, &age)) {
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
    free(key);
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

/* The call's deadline passed before an attempt could start: end it there. */
static void deadline_passed(struct eso__call *call, uint64_t now, const char *detail)
{
    if (call->res->cause == ESO_OK || detail != NULL)
        snprintf(call->res->detail, sizeof call->res->detail, "%s",
                 detail != NULL ? detail : "deadline passed");
    give_up(call, now, ESO_DEADLINE_EXCEEDED, "deadline");
}

/* An attempt is due: a try is counted and its request set up but for the token. */
static void begin_attempt(struct eso__call *call)
{
    struct eso__request *req = &call->req;
    memset(req, 0, sizeof *req);
    /* An attempt that may not be followed by another (no retry left, or a mutation) gets a
     * new connection, so libcurl cannot resend it on a reused one that died: the requests
     * on the wire never exceed max_attempts. */
    req->fresh_connect = !call->idempotent || call->tries + 1 >= max_tries(call);
    req->operation = call->operation;
    req->attempt = call->res->attempts + 1;
    call->tries++;
    wipe_header(call);
    call->state = ESO__CALL_AUTH;
}

/* The token could not be had (fetch failed, no credentials): tell the breaker, decide. */
static void token_failed(struct eso__call *call, uint64_t now, struct eso__verdict *v,
                         const char *retry_after)
{
    struct eso_client *c = call->c;
    if (call->have_permit) {
        struct eso__transition tr = {0};
        eso__breaker_record(&c->breaker, now, &call->permit, v->breaker, &tr);
        call->have_permit = false;
        breaker_event(call, now, &tr);
    }
    if (v->status == ESO_OUT_OF_MEMORY) {
        snprintf(call->res->detail, sizeof call->res->detail, "%s",
                 v->detail[0] != '\0' ? v->detail : "no memory for the token");
        call->res->cause = v->status;
        give_up(call, now, v->status, "out_of_memory");
        return;
    }
    decide(call, now, v, retry_after);
}

/* The header is in hand at @p now: the attempt's request, on its way. */
static enum eso__step start_attempt(struct eso__call *call, uint64_t now)
{
    struct eso_client *c = call->c;
    struct eso__request *req = &call->req;
    /* A token step may have taken time: the attempt gets what is left. */
    uint64_t left = call->deadline_ns > now ? call->deadline_ns - now : 0;
    if (left == 0) {
        deadline_passed(call, now, NULL);
        return ESO__STEP_DONE;
    }
    if (call->body == NULL && build_body(call) != 0) {
        snprintf(call->res->detail, sizeof call->res->detail, "no memory for the request body");
        call->res->cause = ESO_OUT_OF_MEMORY;
        give_up(call, now, ESO_OUT_OF_MEMORY, "out_of_memory");
        return ESO__STEP_DONE;
    }
    if (call->request_id[0] == '\0')
        snprintf(call->request_id, sizeof call->request_id, "%08x-%llu", c->instance,
                 (unsigned long long)call->id);
    clip_to_deadline(call, left);
    req->url = c->api_url;
    req->operation = call->operation;
    req->form = false;
    req->auth_line = call->auth_line;
    req->body = call->body;
    req->body_len = call->body_len;
    req->request_id = call->request_id;
    req->token_request = false;
    req->max_body = 0;
    call->res->attempts++;
    call->state = ESO__CALL_IN_FLIGHT;
    struct eso_event ev = {0};
    ev.attempt = req->attempt;
    event(call, ESO_EV_ATTEMPT_START, now, &ev);
    return ESO__STEP_ATTEMPT;
}

/*
 * The attempt needs its Authorization header: the client's, a cached token, or a token
 * this call fetches (its driver sends the request) or another call is fetching.
 */
static enum eso__step authorize(struct eso__call *call, uint64_t now)
{
    struct eso_client *c = call->c;
    if (call->auth_line != NULL) /* this call's own fetch just brought it */
        return start_attempt(call, now);
    struct eso__verdict v;
    memset(&v, 0, sizeof v);
    switch (eso__auth_acquire(&c->auth, now, &call->auth_line, &call->auth_owned,
                              &call->auth_generation, &v)) {
    case ESO__TOKEN_READY:
        return start_attempt(call, now);
    case ESO__TOKEN_FAIL:
        token_failed(call, now, &v, NULL);
        return ESO__STEP_DONE; /* or a retry: eso__call_next() looks again */
    case ESO__TOKEN_BUSY:
        /* Another call's fetch runs on its own call's limits: never wait past ours. */
        if (now >= call->deadline_ns) {
            deadline_passed(call, now,
                            "the deadline passed while another call fetched the access token");
            return ESO__STEP_DONE;
        }
        call->wake_ns = call->deadline_ns;
        return ESO__STEP_TOKEN_WAIT;
    case ESO__TOKEN_FETCH:
        break;
    }
    /* This call fetches: the token request, on the attempt's limits (cut to the deadline). */
    uint64_t left = call->deadline_ns > now ? call->deadline_ns - now : 0;
    clip_to_deadline(call, left);
    eso__auth_token_request(&c->auth, &call->req);
    call->state = ESO__CALL_TOKEN;
    return ESO__STEP_TOKEN;
}

void eso__call_token_complete(struct eso__call *call, struct eso__response *resp)
{
    struct eso_client *c = call->c;
    uint64_t now = eso__clock_now(&c->clock);
    struct eso__verdict v;
    memset(&v, 0, sizeof v);
    struct eso__token_fetch fetch;
    char *line = NULL;
    enum eso_status st =
        eso__auth_fetch_end(&c->auth, now, resp, &line, &call->auth_generation, &v, &fetch);
    if (resp->body != NULL) /* it held the access token */
        explicit_bzero(resp->body, resp->body_len);
    call->state = ESO__CALL_AUTH;
    struct eso_event ev = {0};
    ev.status = fetch.status;
    ev.http_status = fetch.http_status;
    ev.curl_code = fetch.curl_code;
    ev.duration_ms = ms(fetch.duration_ns);
    ev.attempt = call->req.attempt;
    ev.reason = fetch.status == ESO_OK ? "ok" : v.reason;
    ev.detail = fetch.detail;
    event(call, ESO_EV_TOKEN_FETCH, now, &ev);
    if (st == ESO_OK) {
        call->auth_owned = line;
        call->auth_line = line;
        return; /* the attempt starts at the next eso__call_next() */
    }
    token_failed(call, now, &v, fetch.has_retry_after ? fetch.retry_after : NULL);
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
        case ESO__CALL_TOKEN:
            return ESO__STEP_TOKEN;
        case ESO__CALL_GATE: {
            if (now < call->wake_ns)
                return ESO__STEP_WAIT;
            if (now >= call->deadline_ns) {
                deadline_passed(call, now, NULL);
                continue;
            }
            struct eso__transition tr = {0};
            bool go = eso__breaker_acquire(&c->breaker, now, &call->permit, &tr);
            breaker_event(call, now, &tr);
            if (!go) {
                /* Read after eso_strerror()'s "circuit breaker open": no repeat of it. */
                if (call->res->cause == ESO_OK)
                    snprintf(call->res->detail, sizeof call->res->detail,
                             "failing fast, no request sent until the cool-down ends");
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
                deadline_passed(call, now, NULL);
                continue;
            }
            begin_attempt(call);
            continue;
        case ESO__CALL_AUTH: {
            enum eso__step step = authorize(call, now);
            if (step == ESO__STEP_DONE)
                continue; /* ended, or a retry was scheduled: the state says which */
            return step;
        }
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
        snprintf(v.detail, sizeof v.detail, "no memory to parse the answer");
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
        char *key = call->use_cache ? cache_key(call) : NULL;
        if (key != NULL && eso__cache_store(&c->cache, key, res->data, now) == 0)
            eso__count(&c->events.cache_stores);
        free(key);
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
