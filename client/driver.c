/* The drivers: the blocking one, the multi one, and the libcurl poll loop they share. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "auth_private.h"
#include "handle_private.h"
#include "driver_private.h"
#include "hook_private.h"
#include "pool_private.h"
#include "xfer_private.h"

int eso__poll_ms(uint64_t now, uint64_t next_ns, int cap_ms)
{
    if (next_ns <= now)
        return 0;
    /* Rounded up without adding first: next_ns may be UINT64_MAX ("no timer"), and
     * UINT64_MAX - now + 999999 wraps to a 0 ms poll, a busy loop, when now is small. */
    uint64_t d = next_ns - now;
    uint64_t ms = d / 1000000u + (d % 1000000u != 0);
    return ms > (uint64_t)cap_ms ? cap_ms : (int)ms;
}

/* ---- the poll loop ---- */

/* A transfer of the loop ended with @p code: the owner ends it and takes it off the multi. */
typedef void (*done_fn)(void *userdata, struct eso__xfer *x, CURLcode code);

/*
 * One turn of the loop over the transfers @p live (@p n of them, on @p multi): let
 * libcurl work, hand every finished one to @p done (also those our read/write timers
 * end), and when none finished wait in curl_multi_poll until libcurl, one of our timers,
 * @p wake_ns (UINT64_MAX = none) or a curl_multi_wakeup() says so, at most 1 s.
 * Returns how many finished.
 */
static unsigned multi_turn(CURLM *multi, const struct eso__clock *clk, struct eso__xfer **live,
                           size_t n, uint64_t wake_ns, done_fn done, void *userdata)
{
    unsigned finished = 0;
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
        for (size_t i = 0; i < n; i++)
            done(userdata, live[i], CURLE_FAILED_INIT);
        return (unsigned)n;
    }
    int queued = 0;
    for (CURLMsg *msg = curl_multi_info_read(multi, &queued); msg != NULL;
         msg = curl_multi_info_read(multi, &queued)) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct eso__xfer *x = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        CURLcode code = msg->data.result; /* msg dies with the handle's removal */
        done(userdata, x, code);
        finished++;
    }
    uint64_t now = eso__clock_now(clk);
    uint64_t due = wake_ns;
    for (size_t i = 0; i < n; i++) {
        struct eso__xfer *x = live[i];
        if (x->resp == NULL) /* ended above */
            continue;
        uint64_t next = UINT64_MAX;
        if (eso__xfer_tick(x, now, &next)) {
            done(userdata, x, CURLE_OPERATION_TIMEDOUT);
            finished++;
        } else if (next < due) {
            due = next;
        }
    }
    if (finished > 0)
        return finished;
    long curl_ms = -1;
    curl_multi_timeout(multi, &curl_ms);
    int wait_ms = eso__poll_ms(now, due, 1000);
    if (curl_ms >= 0 && curl_ms < wait_ms)
        wait_ms = (int)curl_ms;
    curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
    return 0;
}

/* ---- one request on a pooled connection ---- */

static void lane_done(void *userdata, struct eso__xfer *x, CURLcode code)
{
    struct eso__lane *lane = userdata;
    eso__xfer_done(x, code);
    curl_multi_remove_handle(lane->multi, x->easy);
}

static void lane_perform(struct eso__transport *t, struct eso__lane *lane,
                         const struct eso__request *req, struct eso__response *resp)
{
    struct eso__xfer *x = &lane->xfer;
    eso__xfer_start(x, req, resp, eso__request_max_body(req, t->max_body));
    if (curl_multi_add_handle(lane->multi, x->easy) != CURLM_OK) {
        eso__xfer_cancel(x);
        eso__response_fail(resp, CURLE_FAILED_INIT, "curl_multi_add_handle failed");
        return;
    }
    while (multi_turn(lane->multi, t->clk, &x, 1, UINT64_MAX, lane_done, lane) == 0) {
    }
}

int eso__drive_request(struct eso__transport *t, const struct eso__request *req,
                       struct eso__response *resp, struct eso__lane **held)
{
    *held = NULL;
    if (t->hook != NULL)
        return eso__hook_perform(t->hook, t->clk, t->max_body, req, resp);
    struct eso__lane *lane = NULL;
    uint64_t start = eso__clock_now(t->clk);
    /* Never wait for a connection past the call's deadline. */
    uint64_t wait = t->pool_timeout_ns;
    if (req->deadline_left_ns != 0 && req->deadline_left_ns < wait)
        wait = req->deadline_left_ns;
    int rc = eso__pool_acquire(&t->pool, wait, &lane);
    if (rc == ESO_POOL_TIMEOUT) {
        char msg[128];
        snprintf(msg, sizeof msg, "no free connection within %.0f ms%s", (double)wait / 1e6,
                 wait < t->pool_timeout_ns ? " (the call's deadline)" : "");
        eso__response_fail(resp, CURLE_OPERATION_TIMEDOUT, msg);
        resp->timeout_phase = "pool";
        resp->duration_ns = eso__clock_now(t->clk) - start;
        return 0;
    }
    if (rc != 0) {
        memset(resp, 0, sizeof *resp);
        return rc;
    }
    /* The wait for the lane came out of the call's time: the transfer gets what is left. */
    struct eso__request cut = *req;
    uint64_t waited = eso__clock_now(t->clk) - start;
    if (!eso__request_shrink(&cut, waited)) {
        eso__pool_release(&t->pool, lane);
        char msg[128];
        snprintf(msg, sizeof msg, "a connection came free after %.0f ms, at the call's deadline",
                 (double)waited / 1e6);
        eso__response_fail(resp, CURLE_OPERATION_TIMEDOUT, msg);
        resp->timeout_phase = "pool";
        resp->duration_ns = waited;
        return 0;
    }
    lane_perform(t, lane, &cut, resp);
    *held = lane; /* the body is the lane's: it goes back once the call has read it */
    return 0;
}

/* ---- the blocking driver ---- */

/* Perform what @p step asks of @p call and feed the outcome back. */
static void perform_step(struct eso__call *call, enum eso__step step)
{
    struct eso__transport *t = &call->c->transport;
    struct eso__response resp;
    struct eso__lane *lane = NULL;
    if (eso__drive_request(t, &call->req, &resp, &lane) != 0)
        eso__response_fail(&resp, CURLE_OUT_OF_MEMORY, "no memory for the transfer");
    if (step == ESO__STEP_TOKEN)
        eso__call_token_complete(call, &resp);
    else
        eso__call_complete(call, &resp);
    eso__response_finish(&resp);
    if (lane != NULL)
        eso__pool_release(&t->pool, lane);
}

void eso__drive_blocking(struct eso__call *call)
{
    struct eso_client *c = call->c;
    for (;;) {
        enum eso__step step = eso__call_next(call, eso__clock_now(&c->clock));
        /* The clock again, not the time stepped at: stepping may have taken time, and
         * waiting that again would carry the call past its deadline. */
        uint64_t t = 0;
        switch (step) {
        case ESO__STEP_DONE:
            return;
        case ESO__STEP_WAIT:
            t = eso__clock_now(&c->clock);
            if (call->wake_ns > t)
                eso__clock_sleep(&c->clock, call->wake_ns - t);
            break;
        case ESO__STEP_TOKEN_WAIT:
            /* Another thread's fetch: until it ends, or the call's deadline (real time). */
            t = eso__clock_now(&c->clock);
            eso__auth_wait(&c->auth, call->wake_ns > t ? call->wake_ns - t : 0);
            break;
        case ESO__STEP_ATTEMPT:
        case ESO__STEP_TOKEN:
            perform_step(call, step);
            break;
        }
    }
}

/* ---- the multi driver ---- */

/* A call of a multi run and its transfer (one at a time: an attempt or a token request). */
struct slot {
    struct eso__call call;
    bool busy;      /* holds a call */
    bool in_flight; /* its transfer is on the multi handle */
    bool token;     /* that transfer is a token request */
    struct eso__xfer xfer;
    struct eso__response resp;
};

struct multi_run {
    struct eso_client *c;
    const struct eso__call_source *src;
    CURLM *multi; /* NULL with a transport hook: its transfers run at once */
    struct slot *slots;
    struct eso__xfer **live; /* room for the transfers in flight, one per slot */
    unsigned nslots;
    size_t next;        /* calls started (or failed to start) */
    size_t ended;       /* calls at their end */
    unsigned in_flight; /* transfers on the multi handle */
    bool token_wait;    /* a call waits for a token another call is fetching */
};

/* Hand the outcome of @p s's transfer to its call. */
static void deliver(struct slot *s)
{
    if (s->token)
        eso__call_token_complete(&s->call, &s->resp);
    else
        eso__call_complete(&s->call, &s->resp);
    eso__response_finish(&s->resp);
}

static void slot_done(void *userdata, struct eso__xfer *x, CURLcode code)
{
    struct multi_run *run = userdata;
    struct slot *s = (struct slot *)((char *)x - offsetof(struct slot, xfer));
    eso__xfer_done(x, code);
    curl_multi_remove_handle(run->multi, x->easy);
    s->in_flight = false;
    run->in_flight--;
    deliver(s);
}

/* Start the transfer @p s's call asks for (@p token: its token request). */
static void launch(struct multi_run *run, struct slot *s, bool token)
{
    struct eso_client *c = run->c;
    const struct eso__request *req = &s->call.req;
    s->token = token;
    if (run->multi == NULL) {
        int rc =
            eso__hook_perform(c->transport.hook, &c->clock, c->transport.max_body, req, &s->resp);
        if (rc != 0)
            eso__response_fail(&s->resp, CURLE_OUT_OF_MEMORY, "no memory for the transfer");
        deliver(s);
        return;
    }
    eso__xfer_start(&s->xfer, req, &s->resp, eso__request_max_body(req, c->transport.max_body));
    if (curl_multi_add_handle(run->multi, s->xfer.easy) != CURLM_OK) {
        eso__xfer_cancel(&s->xfer);
        eso__response_fail(&s->resp, CURLE_OUT_OF_MEMORY, "could not start the transfer");
        deliver(s);
        return;
    }
    s->in_flight = true;
    run->in_flight++;
}

/* Start calls into free slots, then step every call not in flight once. Whether any moved. */
static bool advance(struct multi_run *run)
{
    bool moved = false;
    for (unsigned k = 0; k < run->nslots && run->next < run->src->count; k++) {
        struct slot *s = &run->slots[k];
        while (!s->busy && run->next < run->src->count) {
            size_t i = run->next++;
            s->busy = run->src->start(run->src->userdata, i, &s->call);
            if (!s->busy)
                run->ended++;
            moved = true;
        }
    }
    run->token_wait = false;
    uint64_t now = eso__clock_now(&run->c->clock);
    for (unsigned k = 0; k < run->nslots; k++) {
        struct slot *s = &run->slots[k];
        if (!s->busy || s->in_flight)
            continue;
        enum eso__step step = eso__call_next(&s->call, now);
        switch (step) {
        case ESO__STEP_DONE:
            eso__call_finish(&s->call);
            s->busy = false;
            run->ended++;
            moved = true;
            break;
        case ESO__STEP_ATTEMPT:
        case ESO__STEP_TOKEN:
            launch(run, s, step == ESO__STEP_TOKEN);
            moved = true;
            break;
        case ESO__STEP_TOKEN_WAIT:
            run->token_wait = true;
            break;
        case ESO__STEP_WAIT:
            break;
        }
        /* A step (or a hook transfer) took time: the next call must not clip its attempt,
         * or its own token request, to a deadline measured from before. */
        now = eso__clock_now(&run->c->clock);
    }
    return moved;
}

/* The earliest wake-up of a call not in flight (UINT64_MAX = none). */
static uint64_t next_wake(const struct multi_run *run)
{
    uint64_t w = UINT64_MAX;
    for (unsigned k = 0; k < run->nslots; k++) {
        const struct slot *s = &run->slots[k];
        if (s->busy && !s->in_flight && s->call.wake_ns < w)
            w = s->call.wake_ns;
    }
    return w;
}

static void wake_multi(void *multi)
{
    curl_multi_wakeup(multi);
}

static void run_loop(struct multi_run *run)
{
    const struct eso__clock *clk = &run->c->clock;
    while (run->ended < run->src->count) {
        while (advance(run)) {
        }
        if (run->ended == run->src->count)
            break;
        uint64_t now = eso__clock_now(clk);
        uint64_t wake = next_wake(run);
        if (run->in_flight == 0) {
            /* Nothing to poll: a wait for another thread's token fetch blocks until it
             * ends; a backoff or pacing wait sleeps. */
            if (run->token_wait)
                eso__auth_wait(&run->c->auth, wake > now ? wake - now : 0);
            else if (wake > now && wake != UINT64_MAX)
                eso__clock_sleep(clk, wake - now);
            continue;
        }
        size_t n = 0;
        for (unsigned k = 0; k < run->nslots; k++) {
            if (run->slots[k].in_flight)
                run->live[n++] = &run->slots[k].xfer;
        }
        multi_turn(run->multi, clk, run->live, n, wake, slot_done, run);
    }
}

int eso__drive_multi(struct eso_client *c, const struct eso__call_source *src, unsigned concurrency)
{
    int rc = ESO_OUT_OF_MEMORY;
    struct eso__auth_waiter waiter = {.wake = wake_multi};
    struct multi_run run;
    memset(&run, 0, sizeof run);
    run.c = c;
    run.src = src;
    run.nslots = concurrency;
    run.slots = calloc(run.nslots, sizeof *run.slots);
    run.live = calloc(run.nslots, sizeof *run.live);
    if (run.slots == NULL || run.live == NULL)
        goto out;
    if (c->transport.hook == NULL) {
        run.multi = curl_multi_init();
        if (run.multi == NULL)
            goto out;
        curl_multi_setopt(run.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)run.nslots);
        curl_multi_setopt(run.multi, CURLMOPT_MAXCONNECTS, (long)run.nslots);
        for (unsigned k = 0; k < run.nslots; k++) {
            if (eso__xfer_init(&run.slots[k].xfer, c->transport.user_agent, &c->clock) != 0)
                goto out;
        }
        /* A token fetch by another thread ends: the poll wakes for the calls waiting. */
        waiter.userdata = run.multi;
        eso__auth_watch(&c->auth, &waiter);
    }
    run_loop(&run);
    if (run.multi != NULL)
        eso__auth_unwatch(&c->auth, &waiter);
    rc = 0;
out:
    for (unsigned k = 0; run.slots != NULL && k < run.nslots; k++)
        eso__xfer_finish(&run.slots[k].xfer);
    curl_multi_cleanup(run.multi);
    free(run.live);
    free(run.slots);
    return rc;
}
