/* Test doubles for libesologs unit tests. */
#include <stdio.h>
#include <string.h>

#include "client_test_util.h"

static uint64_t fc_now(void *ud)
{
    return ((struct fake_clock *)ud)->now;
}

static void fc_sleep(void *ud, uint64_t ns)
{
    struct fake_clock *fc = ud;
    if (fc->nsleeps < sizeof fc->sleeps / sizeof *fc->sleeps)
        fc->sleeps[fc->nsleeps++] = ns;
    fc->slept += ns;
    fc->now += ns;
}

static int64_t fc_wall(void *ud)
{
    struct fake_clock *fc = ud;
    return fc->wall + (int64_t)(fc->now / 1000000000u);
}

void fake_clock_init(struct fake_clock *fc, struct eso_clock *hooks)
{
    memset(fc, 0, sizeof *fc);
    fc->now = MS(1000);
    fc->wall = 1700000000;
    hooks->now_ns = fc_now;
    hooks->sleep_ns = fc_sleep;
    hooks->wall_s = fc_wall;
    hooks->userdata = fc;
}

static uint64_t sr_next(void *ud)
{
    struct script_random *sr = ud;
    uint64_t v = sr->values[sr->next];
    sr->next = (sr->next + 1) % sr->n;
    sr->used++;
    return v;
}

void script_random_init(struct script_random *sr, struct eso_random *hooks, const uint64_t *values,
                        size_t n)
{
    memset(sr, 0, sizeof *sr);
    for (size_t i = 0; i < n && i < 16; i++)
        sr->values[i] = values[i];
    sr->n = n > 0 ? (n < 16 ? n : 16) : 1;
    hooks->next = sr_next;
    hooks->userdata = sr;
}

/* Advance the fake clock by what the step takes, then fill the answer. */
static void answer(struct scripted *s, const struct eso_http_request *req, const struct step *st,
                   struct eso_http_response *resp);

static void fill(struct eso_http_response *resp, const struct step *st)
{
    resp->curl_code = st->curl;
    resp->http_status = st->status;
    resp->body = st->body;
    resp->body_len = st->body != NULL ? strlen(st->body) : 0;
    resp->retry_after = st->retry_after;
    resp->request_sent = st->sent;
}

static int sc_perform(void *ud, const struct eso_http_request *req, struct eso_http_response *resp)
{
    struct scripted *s = ud;
    if (req->token_request) {
        struct step st = {.status = 200,
                          .body = "{\"token_type\":\"Bearer\",\"expires_in\":3600,"
                                  "\"access_token\":\"tok-default\"}"};
        if (s->token_next < s->ntoken)
            st = s->token_steps[s->token_next++];
        if (s->token_calls < 16) {
            s->token_at[s->token_calls] = s->clock->now;
            s->token_timeout[s->token_calls] = req->timeout_ns;
        }
        s->token_calls++;
        answer(s, req, &st, resp);
        return 0;
    }
    size_t i = s->calls++;
    if (i < 64) {
        s->at[i] = s->clock->now;
        s->attempt[i] = req->attempt;
        s->timeout[i] = req->timeout_ns;
        snprintf(s->auth[i], sizeof s->auth[i], "%s",
                 req->authorization != NULL ? req->authorization : "");
    }
    snprintf(s->last_body, sizeof s->last_body, "%.*s", (int)req->body_len, req->body);
    snprintf(s->last_request_id, sizeof s->last_request_id, "%s", req->request_id);
    s->last_timeout_ns = req->timeout_ns;
    struct step st = {.status = 200, .body = OK_BODY};
    if (s->next < s->nsteps)
        st = s->steps[s->next++];
    answer(s, req, &st, resp);
    return 0;
}

static void answer(struct scripted *s, const struct eso_http_request *req, const struct step *st,
                   struct eso_http_response *resp)
{
    if (st->hang) {
        /* What libcurl does when nothing comes back: its total timer ends the attempt. */
        s->clock->now += req->timeout_ns;
        resp->curl_code = 28;
        resp->request_sent = true;
        return;
    }
    s->clock->now += st->take_ns;
    fill(resp, st);
}

void scripted_init(struct scripted *s, struct fake_clock *fc, struct eso_transport *hooks)
{
    memset(s, 0, sizeof *s);
    s->clock = fc;
    hooks->perform = sc_perform;
    hooks->userdata = s;
}

void scripted_add(struct scripted *s, struct step st)
{
    if (s->nsteps < 64)
        s->steps[s->nsteps++] = st;
}

void scripted_add_token(struct scripted *s, struct step st)
{
    if (s->ntoken < 16)
        s->token_steps[s->ntoken++] = st;
}

void recorder_fn(const struct eso_event *ev, void *userdata)
{
    struct recorder *r = userdata;
    if (r->n >= sizeof r->ev / sizeof *r->ev)
        return;
    struct rec_event *e = &r->ev[r->n++];
    memset(e, 0, sizeof *e);
    e->kind = ev->kind;
    e->call_id = ev->call_id;
    e->attempt = ev->attempt;
    e->status = ev->status;
    e->http_status = ev->http_status;
    e->curl_code = ev->curl_code;
    e->delay_ms = ev->delay_ms;
    e->elapsed_ms = ev->elapsed_ms;
    e->duration_ms = ev->duration_ms;
    e->from = ev->breaker_from;
    e->to = ev->breaker_to;
    e->from_cache = ev->from_cache;
    snprintf(e->reason, sizeof e->reason, "%s", ev->reason != NULL ? ev->reason : "");
    snprintf(e->detail, sizeof e->detail, "%s", ev->detail != NULL ? ev->detail : "");
    eso_event_format_json(ev, e->json, sizeof e->json);
}

const char *recorder_kinds(const struct recorder *r, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "",
                                eso_event_kind_name(r->ev[i].kind));
    return buf;
}

size_t recorder_count(const struct recorder *r, enum eso_event_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += r->ev[i].kind == kind;
    return n;
}

const struct rec_event *recorder_find(const struct recorder *r, enum eso_event_kind kind,
                                      size_t nth)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->ev[i].kind == kind && nth-- == 0)
            return &r->ev[i];
    }
    return NULL;
}

void unit_env_init(struct unit_env *env)
{
    memset(env, 0, sizeof *env);
    fake_clock_init(&env->clock, &env->clock_hooks);
    static const uint64_t half = UINT64_C(1) << 63;
    script_random_init(&env->random, &env->random_hooks, &half, 1);
    scripted_init(&env->transport, &env->clock, &env->transport_hooks);
    env->opts.clock = &env->clock_hooks;
    env->opts.random = &env->random_hooks;
    env->opts.transport = &env->transport_hooks;
    env->opts.on_event = recorder_fn;
    env->opts.event_userdata = &env->rec;
    env->opts.bearer_token = "secret-bearer-token";
    env->opts.api_url = "http://unit.test/api/v2/client";
    env->opts.time_scale = 1.0;
    env->opts.jitter = ESO_JITTER_NONE;
    env->opts.initial_delay_ms = 100;
    env->opts.multiplier = 2.0;
    env->opts.max_delay_ms = 1000;
}
