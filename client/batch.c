/* Batch: many calls at once on one libcurl multi handle, with a concurrency limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "call_private.h"
#include "client_private.h"

#define DEFAULT_CONCURRENCY 8u

enum item_state {
    ITEM_WAITING = 0, /* not started */
    ITEM_ACTIVE = 1,
    ITEM_DONE = 2,
};

struct slot {
    CURL *easy;
    struct eso__xfer xfer;
    struct eso__response resp;
    size_t item;
    bool busy;
};

struct batch {
    struct eso_client *c;
    struct eso_batch_item *items;
    size_t count;
    unsigned concurrency;
    struct eso__call *calls;
    enum item_state *state;
    int *slot_of; /* slot index per item, -1 when not in flight */
    struct slot *slots;
    CURLM *multi;
    size_t next;
    unsigned active;
    size_t done;
    unsigned in_flight;
};

static void finish_item(struct batch *b, size_t i)
{
    eso__call_finish(&b->calls[i]);
    b->state[i] = ITEM_DONE;
    b->active--;
    b->done++;
}

/* A transfer of slot @p s ended with @p code: feed the call. */
static void complete_slot(struct batch *b, int s, CURLcode code)
{
    struct slot *sl = &b->slots[s];
    eso__xfer_done(&sl->xfer, code);
    curl_multi_remove_handle(b->multi, sl->easy);
    eso__xfer_cleanup(&sl->xfer);
    eso__call_complete(&b->calls[sl->item], &sl->resp);
    eso__response_finish(&sl->resp);
    b->slot_of[sl->item] = -1;
    sl->busy = false;
    b->in_flight--;
}

static int free_slot(struct batch *b)
{
    for (unsigned s = 0; s < b->concurrency; s++) {
        if (!b->slots[s].busy)
            return (int)s;
    }
    return -1;
}

/* Start an attempt for item @p i. */
static void launch(struct batch *b, size_t i)
{
    struct eso__call *call = &b->calls[i];
    struct eso_client *c = b->c;
    if (c->transport.hook != NULL) {
        struct eso__response resp;
        if (eso__transport_hook_perform(&c->transport, &call->req, &resp) != 0) {
            memset(&resp, 0, sizeof resp);
            resp.curl_code = CURLE_OUT_OF_MEMORY;
            snprintf(resp.error, sizeof resp.error, "out of memory");
        }
        eso__call_complete(call, &resp);
        eso__response_finish(&resp);
        return;
    }
    int s = free_slot(b);
    struct slot *sl = &b->slots[s];
    sl->item = i;
    if (eso__xfer_setup(&sl->xfer, sl->easy, &call->req, &sl->resp, &c->clock,
                        c->transport.max_body, c->transport.user_agent) != 0 ||
        curl_multi_add_handle(b->multi, sl->easy) != CURLM_OK) {
        eso__xfer_cleanup(&sl->xfer);
        sl->resp.curl_code = CURLE_OUT_OF_MEMORY;
        snprintf(sl->resp.error, sizeof sl->resp.error, "could not start the transfer");
        eso__call_complete(call, &sl->resp);
        eso__response_finish(&sl->resp);
        return;
    }
    sl->busy = true;
    b->slot_of[i] = s;
    b->in_flight++;
}

/* Start new items and step every idle one once; returns whether anything moved. */
static bool advance(struct batch *b)
{
    bool moved = false;
    while (b->active < b->concurrency && b->next < b->count) {
        size_t i = b->next++;
        struct eso_batch_item *it = &b->items[i];
        enum eso_status st = eso__call_init(&b->calls[i], b->c, it->operation, it->document,
                                            it->variables, &it->result);
        b->active++;
        b->state[i] = ITEM_ACTIVE;
        if (st != ESO_OK) {
            b->state[i] = ITEM_DONE;
            b->active--;
            b->done++;
        }
        moved = true;
    }
    uint64_t now = eso__clock_now(&b->c->clock);
    for (size_t i = 0; i < b->next; i++) {
        if (b->state[i] != ITEM_ACTIVE || b->slot_of[i] >= 0)
            continue;
        enum eso__step step = eso__call_next(&b->calls[i], now);
        if (step == ESO__STEP_DONE) {
            finish_item(b, i);
            moved = true;
        } else if (step == ESO__STEP_ATTEMPT) {
            launch(b, i);
            moved = true;
        }
        /* A token fetch (in eso__call_next) or a hook transfer took time: the next item
         * must not clip its attempt, or its own fetch, to a deadline measured from before. */
        now = eso__clock_now(&b->c->clock);
    }
    return moved;
}

static uint64_t next_wake(struct batch *b)
{
    uint64_t w = UINT64_MAX;
    for (size_t i = 0; i < b->next; i++) {
        if (b->state[i] == ITEM_ACTIVE && b->slot_of[i] < 0 && b->calls[i].wake_ns < w)
            w = b->calls[i].wake_ns;
    }
    return w;
}

static void run(struct batch *b)
{
    struct eso__clock *clk = &b->c->clock;
    while (b->done < b->count) {
        while (advance(b)) {
        }
        if (b->done == b->count)
            break;
        uint64_t now = eso__clock_now(clk);
        uint64_t wake = next_wake(b);
        if (b->in_flight == 0) {
            if (wake > now && wake != UINT64_MAX)
                eso__clock_sleep(clk, wake - now);
            continue;
        }
        int running = 0;
        curl_multi_perform(b->multi, &running);
        bool completed = false;
        int queued = 0;
        for (CURLMsg *msg = curl_multi_info_read(b->multi, &queued); msg != NULL;
             msg = curl_multi_info_read(b->multi, &queued)) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            for (unsigned s = 0; s < b->concurrency; s++) {
                if (b->slots[s].busy && b->slots[s].easy == msg->easy_handle) {
                    complete_slot(b, (int)s, msg->data.result);
                    completed = true;
                    break;
                }
            }
        }
        now = eso__clock_now(clk);
        uint64_t due = wake;
        for (unsigned s = 0; s < b->concurrency; s++) {
            if (!b->slots[s].busy)
                continue;
            uint64_t next = UINT64_MAX;
            if (eso__xfer_tick(&b->slots[s].xfer, now, &next)) {
                complete_slot(b, (int)s, CURLE_OPERATION_TIMEDOUT);
                completed = true;
            } else if (next < due) {
                due = next;
            }
        }
        if (completed)
            continue;
        long curl_ms = -1;
        curl_multi_timeout(b->multi, &curl_ms);
        int wait_ms = eso__poll_ms(now, due, 1000);
        if (curl_ms >= 0 && curl_ms < wait_ms)
            wait_ms = (int)curl_ms;
        curl_multi_poll(b->multi, NULL, 0, wait_ms, NULL);
    }
}

enum eso_status eso_batch(struct eso_client *c, struct eso_batch_item *items, size_t count,
                          unsigned concurrency)
{
    enum eso_status rc = ESO_BAD_ARGUMENT;
    struct batch b;
    memset(&b, 0, sizeof b);
    if (c == NULL || (count > 0 && items == NULL))
        return ESO_BAD_ARGUMENT;
    for (size_t i = 0; i < count; i++)
        memset(&items[i].result, 0, sizeof items[i].result);
    if (count == 0)
        return ESO_OK;
    b.c = c;
    b.items = items;
    b.count = count;
    b.concurrency = concurrency != 0 ? concurrency : DEFAULT_CONCURRENCY;
    if (b.concurrency > c->max_connections)
        b.concurrency = c->max_connections;
    if (b.concurrency > count)
        b.concurrency = (unsigned)count;

    rc = ESO_OUT_OF_MEMORY;
    b.calls = calloc(count, sizeof *b.calls);
    b.state = calloc(count, sizeof *b.state);
    b.slot_of = malloc(count * sizeof *b.slot_of);
    b.slots = calloc(b.concurrency, sizeof *b.slots);
    if (b.calls == NULL || b.state == NULL || b.slot_of == NULL || b.slots == NULL)
        goto out;
    for (size_t i = 0; i < count; i++)
        b.slot_of[i] = -1;
    if (c->transport.hook == NULL) {
        b.multi = curl_multi_init();
        if (b.multi == NULL)
            goto out;
        curl_multi_setopt(b.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)b.concurrency);
        curl_multi_setopt(b.multi, CURLMOPT_MAXCONNECTS, (long)b.concurrency);
        for (unsigned s = 0; s < b.concurrency; s++) {
            b.slots[s].easy = curl_easy_init();
            if (b.slots[s].easy == NULL)
                goto out;
        }
    }
    /* A batch has no deadline of its own: a single call's bounds the refresh. */
    eso__client_refresh_points(c, NULL, NULL,
                               eso__sat_add(eso__clock_now(&c->clock), c->deadline_ns));
    run(&b);
    rc = ESO_OK;
out:
    if (b.slots != NULL) {
        for (unsigned s = 0; s < b.concurrency; s++)
            curl_easy_cleanup(b.slots[s].easy);
    }
    curl_multi_cleanup(b.multi);
    free(b.slots);
    free(b.slot_of);
    free(b.state);
    free(b.calls);
    if (rc != ESO_OK) {
        for (size_t i = 0; i < count; i++) {
            items[i].result.status = rc;
            items[i].result.cause = rc;
        }
    }
    return rc;
}
