/* Rendering a run: one row per decision, server faults joined to client attempts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_private.h"
#include "timeline_private.h"

static const char *label_of(const struct esoh__timeline_input *in, unsigned long long call_id)
{
    for (size_t i = 0; i < in->label_count; i++) {
        if (in->labels[i].call_id == call_id)
            return in->labels[i].label;
    }
    return "";
}

/* The @p nth (1-based) journal entry of client call @p call_id sent with X-Attempt
 * @p attempt, or NULL. */
static const struct esomock_journal_entry *nth_with_attempt(const struct esoh__timeline_input *in,
                                                            unsigned long long call_id,
                                                            unsigned attempt, unsigned nth)
{
    for (size_t i = 0; i < in->journal_count; i++) {
        const struct esomock_journal_entry *e = &in->journal[i];
        const char *dash = strrchr(e->request_id, '-');
        if (dash == NULL || (unsigned)e->attempt != attempt)
            continue;
        if (strtoull(dash + 1, NULL, 10) == call_id && --nth == 0)
            return e;
    }
    return NULL;
}

/* The journal entry for attempt @p attempt of client call @p call_id, or NULL. libcurl's
 * own resend repeats the bytes of the attempt before it, X-Attempt included, while the
 * client counts it as the next attempt: it is the second entry with the earlier number. */
static const struct esomock_journal_entry *server_side(const struct esoh__timeline_input *in,
                                                       unsigned long long call_id, unsigned attempt)
{
    const struct esomock_journal_entry *e = nth_with_attempt(in, call_id, attempt, 1);
    if (e == NULL && attempt > 1)
        e = nth_with_attempt(in, call_id, attempt - 1, 2);
    return e;
}

static void describe_fault(const struct esomock_journal_entry *e, char *buf, size_t size)
{
    if (e == NULL) {
        snprintf(buf, size, "-");
        return;
    }
    if (e->status > 0)
        snprintf(buf, size, "%s %d", e->action, e->status);
    else
        snprintf(buf, size, "%s", e->action);
    if (e->delay_ms > 0) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, " +%.0f ms", e->delay_ms); /* scenario ms */
    }
}

/* The RETRY_SCHEDULED following event @p i for the same call, if it comes next for that call. */
static const struct esoh_fixture_event *retry_after_attempt(const struct esoh__timeline_input *in,
                                                            size_t i)
{
    for (size_t j = i + 1; j < in->event_count; j++) {
        const struct esoh_fixture_event *next = &in->events[j];
        if (next->call_id != in->events[i].call_id)
            continue;
        return next->kind == ESO_EV_RETRY_SCHEDULED ? next : NULL;
    }
    return NULL;
}

/* One row's text for event @p i; false when the event is not shown on its own. */
static bool row_text(const struct esoh__timeline_input *in, size_t i, char *server, size_t ssize,
                     char *client, size_t csize)
{
    const struct esoh_fixture_event *ev = &in->events[i];
    double scale = in->time_scale;
    snprintf(server, ssize, "-");
    switch (ev->kind) {
    case ESO_EV_ATTEMPT_END: {
        describe_fault(server_side(in, ev->call_id, ev->attempt), server, ssize);
        const struct esoh_fixture_event *retry = retry_after_attempt(in, i);
        char http[32] = "";
        if (ev->http_status > 0)
            snprintf(http, sizeof(http), " (%ld)", ev->http_status);
        if (retry != NULL)
            snprintf(client, csize, "%s%s -> retry in %.3f s (%s)", eso_status_name(ev->status),
                     http, retry->delay_ms / scale / 1000.0, retry->reason);
        else
            snprintf(client, csize, "%s%s", eso_status_name(ev->status), http);
        return true;
    }
    case ESO_EV_GIVE_UP:
        snprintf(client, csize, "give up: %s (%s)", eso_status_name(ev->status), ev->reason);
        return true;
    case ESO_EV_BREAKER_TRANSITION:
        snprintf(client, csize, "breaker %s -> %s (%s)", eso_breaker_state_name(ev->breaker_from),
                 eso_breaker_state_name(ev->breaker_to), ev->reason);
        return true;
    case ESO_EV_BREAKER_REJECTED:
        snprintf(client, csize, "failed fast: breaker open");
        return true;
    case ESO_EV_CACHE_FALLBACK:
        snprintf(client, csize, "served the cached answer (%s)", ev->reason);
        return true;
    case ESO_EV_CALL_END:
        snprintf(client, csize, "=> %s%s", eso_status_name(ev->status),
                 ev->from_cache ? " (stale, from cache)" : "");
        return true;
    case ESO_EV_PACING_WAIT:
        snprintf(client, csize, "pacing: wait %.3f s (%s)", ev->delay_ms / scale / 1000.0,
                 ev->reason);
        return true;
    case ESO_EV_TOKEN_FETCH:
        snprintf(client, csize, "token fetch: %s", eso_status_name(ev->status));
        return true;
    case ESO_EV_TOKEN_INVALIDATED:
        snprintf(client, csize, "token dropped after 401; refreshing once");
        return true;
    case ESO_EV_PACING_REFRESH:
        snprintf(client, csize, "pacing: rate limit data refreshed: %s (%s)",
                 eso_status_name(ev->status), ev->reason);
        return true;
    case ESO_EV_CALL_START:
    case ESO_EV_ATTEMPT_START:
    case ESO_EV_RETRY_SCHEDULED:
        return false;
    }
    return false;
}

static const char *breaker_after(const struct esoh__timeline_input *in, size_t i)
{
    enum eso_breaker_state state = ESO_BREAKER_STATE_CLOSED;
    for (size_t j = 0; j <= i; j++) {
        if (in->events[j].kind == ESO_EV_BREAKER_TRANSITION)
            state = in->events[j].breaker_to;
    }
    return eso_breaker_state_name(state);
}

/* Escaped text of @p in, cut to fit @p size (whole characters and escapes). */
#define ESC(in, buf) esoh__text_escape((in), (buf), sizeof(buf))

void esoh__timeline_print_text(FILE *out, const struct esoh__timeline_input *in, bool quiet)
{
    char name[512], text[1024];
    ESC(in->name, name);
    if (!quiet) {
        fprintf(out, "== %s: ", name);
        esoh__text_put(out, in->description);
        fprintf(out,
                "\n   file %s, time scale %g: times below are scenario time (real = scenario "
                "x %g)\n",
                ESC(in->path, text), in->time_scale, in->time_scale);
    }
    if (in->setup_error != NULL) {
        fprintf(out, "FAIL %s: ", name);
        esoh__text_put_lines(out, in->setup_error, "   "); /* eso-mock lists several problems */
        return;
    }
    if (!quiet) {
        fprintf(out, "   %8s  %-28s %3s  %-20s %-56s %s\n", "t(s)", "call", "att", "server",
                "client", "breaker");
        for (size_t i = 0; i < in->event_count; i++) {
            char server[64], client[160];
            if (!row_text(in, i, server, sizeof(server), client, sizeof(client)))
                continue;
            const struct esoh_fixture_event *ev = &in->events[i];
            char attempt[16] = "";
            if (ev->attempt > 0)
                snprintf(attempt, sizeof(attempt), "%u", ev->attempt);
            char label[29], server_text[21], client_text[4 * 160];
            fprintf(out, "   %8.3f  %-28s %3s  %-20s %-56s %s\n",
                    ev->at_ms / in->time_scale / 1000.0, ESC(label_of(in, ev->call_id), label),
                    attempt, ESC(server, server_text), ESC(client, client_text),
                    breaker_after(in, i));
        }
    }
    size_t failed = 0;
    for (size_t i = 0; i < in->check_count; i++) {
        const struct esoh__check *c = &in->checks[i];
        failed += !c->passed;
        if (quiet && c->passed)
            continue;
        char label[4 * 96], what[4 * 48], expected[4 * 160], got[4 * 160];
        fprintf(out, "   %s %s: %s expected %s, got %s\n", c->passed ? "PASS" : "FAIL",
                ESC(c->label, label), ESC(c->what, what), ESC(c->expected, expected),
                ESC(c->got, got));
    }
    fprintf(out, "%s %s (%zu checks, %zu failed) in %.2f s of real time\n",
            in->passed ? "PASS" : "FAIL", name, in->check_count, failed, in->wall_ms / 1000.0);
}

cJSON *esoh__timeline_json(const struct esoh__timeline_input *in)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "scenario", in->name);
    cJSON_AddStringToObject(root, "file", in->path);
    cJSON_AddNumberToObject(root, "time_scale", in->time_scale);
    cJSON_AddBoolToObject(root, "passed", in->passed);
    cJSON_AddNumberToObject(root, "wall_ms", in->wall_ms);
    if (in->setup_error != NULL)
        cJSON_AddStringToObject(root, "error", in->setup_error);
    cJSON *rows = cJSON_AddArrayToObject(root, "timeline");
    for (size_t i = 0; i < in->event_count; i++) {
        const struct esoh_fixture_event *ev = &in->events[i];
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "t_s", ev->at_ms / in->time_scale / 1000.0);
        cJSON_AddStringToObject(row, "event", eso_event_kind_name(ev->kind));
        cJSON_AddStringToObject(row, "call", label_of(in, ev->call_id));
        cJSON_AddStringToObject(row, "operation", ev->operation);
        if (ev->attempt > 0)
            cJSON_AddNumberToObject(row, "attempt", ev->attempt);
        if (ev->kind == ESO_EV_ATTEMPT_END) {
            const struct esomock_journal_entry *e = server_side(in, ev->call_id, ev->attempt);
            if (e != NULL) {
                cJSON_AddStringToObject(row, "fault", e->action);
                cJSON_AddNumberToObject(row, "server_status", e->status);
                cJSON_AddNumberToObject(row, "server_delay_ms", e->delay_ms);
            }
        }
        if (ev->kind == ESO_EV_ATTEMPT_END || ev->kind == ESO_EV_GIVE_UP ||
            ev->kind == ESO_EV_CALL_END || ev->kind == ESO_EV_TOKEN_FETCH)
            cJSON_AddStringToObject(row, "status", eso_status_name(ev->status));
        if (ev->http_status > 0)
            cJSON_AddNumberToObject(row, "http_status", ev->http_status);
        if (ev->delay_ms > 0)
            cJSON_AddNumberToObject(row, "delay_s", ev->delay_ms / in->time_scale / 1000.0);
        if (ev->reason[0] != '\0')
            cJSON_AddStringToObject(row, "reason", ev->reason);
        cJSON_AddStringToObject(row, "breaker", breaker_after(in, i));
        cJSON_AddItemToArray(rows, row);
    }
    cJSON *checks = cJSON_AddArrayToObject(root, "checks");
    for (size_t i = 0; i < in->check_count; i++) {
        const struct esoh__check *c = &in->checks[i];
        cJSON *check = cJSON_CreateObject();
        cJSON_AddStringToObject(check, "call", c->label);
        cJSON_AddStringToObject(check, "what", c->what);
        cJSON_AddStringToObject(check, "expected", c->expected);
        cJSON_AddStringToObject(check, "got", c->got);
        cJSON_AddBoolToObject(check, "passed", c->passed);
        cJSON_AddItemToArray(checks, check);
    }
    return root;
}
