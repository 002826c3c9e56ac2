/*
 * Rendering a run: one row per decision, server faults joined to client attempts. With
 * libesologs the rows are its events; with a client adapter, whose decisions are its own
 * business, they are the calls and what the server saw of each (the journal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esomock/wire.h>

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

static bool is_graphql(const struct esomock_journal_entry *e)
{
    return !e->admin && strncmp(e->path, "/api/v2/", 8) == 0;
}

static bool is_token(const struct esomock_journal_entry *e)
{
    return !e->admin && strcmp(e->path, "/oauth/token") == 0;
}

/* Whether entry @p i repeats the X-Request-Id and X-Attempt of an earlier GraphQL entry: a
 * request libcurl sent again by itself (a reused connection that was closed under it),
 * which the client never saw as an attempt of its own. */
static bool is_resend(const struct esoh__timeline_input *in, size_t i)
{
    const struct esomock_journal_entry *e = &in->journal[i];
    if (!is_graphql(e) || e->request_id[0] == '\0' || e->attempt <= 0)
        return false;
    for (size_t k = 0; k < i; k++) {
        const struct esomock_journal_entry *before = &in->journal[k];
        if (is_graphql(before) && before->attempt == e->attempt &&
            strcmp(before->request_id, e->request_id) == 0)
            return true;
    }
    return false;
}

/* The @p nth (1-based) journal entry of client call @p call_id sent with X-Attempt
 * @p attempt, or NULL; its index in *index. */
static const struct esomock_journal_entry *nth_with_attempt(const struct esoh__timeline_input *in,
                                                            unsigned long long call_id,
                                                            unsigned attempt, unsigned nth,
                                                            size_t *index)
{
    for (size_t i = 0; i < in->journal_count; i++) {
        const struct esomock_journal_entry *e = &in->journal[i];
        const char *dash = strrchr(e->request_id, '-');
        if (!is_graphql(e) || dash == NULL || (unsigned)e->attempt != attempt)
            continue;
        if (strtoull(dash + 1, NULL, 10) == call_id && --nth == 0) {
            *index = i;
            return e;
        }
    }
    return NULL;
}

/* The journal entry for attempt @p attempt of client call @p call_id, or NULL. libcurl's
 * own resend repeats the bytes of the attempt before it, X-Attempt included, while the
 * client counts it as the next attempt: it is the second entry with the earlier number. */
static const struct esomock_journal_entry *server_side(const struct esoh__timeline_input *in,
                                                       unsigned long long call_id, unsigned attempt,
                                                       size_t *index)
{
    const struct esomock_journal_entry *e = nth_with_attempt(in, call_id, attempt, 1, index);
    if (e == NULL && attempt > 1)
        e = nth_with_attempt(in, call_id, attempt - 1, 2, index);
    return e;
}

static void describe_fault(const struct esomock_journal_entry *e, bool resend, char *buf,
                           size_t size)
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
    if (resend) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, " [libcurl resend]");
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
        size_t index = 0;
        const struct esomock_journal_entry *e = server_side(in, ev->call_id, ev->attempt, &index);
        bool resend = e != NULL && is_resend(in, index);
        describe_fault(e, resend, server, ssize);
        const struct esoh_fixture_event *retry = retry_after_attempt(in, i);
        char http[32] = "";
        if (ev->http_status > 0)
            snprintf(http, sizeof(http), " (%ld)", ev->http_status);
        if (retry != NULL)
            snprintf(client, csize, "%s%s -> retry in %.3f s (%s)", eso_status_name(ev->status),
                     http, retry->delay_ms / scale / 1000.0, retry->reason);
        else
            snprintf(client, csize, "%s%s", eso_status_name(ev->status), http);
        if (resend) {
            size_t n = strlen(client);
            snprintf(client + n, csize - n, " (libcurl sent this attempt twice)");
        }
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

static void row(FILE *out, double t_s, const char *label, const char *attempt, const char *server,
                const char *client, const char *breaker)
{
    char l[29], s[4 * 40], c[4 * 160];
    fprintf(out, "   %8.3f  %-28s %3s  %-22s %-56s %s\n", t_s, ESC(label, l), attempt,
            ESC(server, s), ESC(client, c), breaker);
}

static void print_builtin_rows(FILE *out, const struct esoh__timeline_input *in)
{
    for (size_t i = 0; i < in->event_count; i++) {
        char server[64], client[224];
        if (!row_text(in, i, server, sizeof(server), client, sizeof(client)))
            continue;
        const struct esoh_fixture_event *ev = &in->events[i];
        char attempt[16] = "";
        if (ev->attempt > 0)
            snprintf(attempt, sizeof(attempt), "%u", ev->attempt);
        row(out, (ev->at_ms + in->events_offset_ms) / in->time_scale / 1000.0,
            label_of(in, ev->call_id), attempt, server, client, breaker_after(in, i));
    }
}

/* A call's requests so far, for an attempt number. */
static unsigned attempt_of(const struct esoh__timeline_input *in, size_t index)
{
    unsigned n = 0;
    for (size_t k = 0; k <= index; k++)
        n += is_graphql(&in->journal[k]) && in->call_of != NULL &&
             in->call_of[k] == in->call_of[index];
    return n;
}

/* An adapter's run: each call's start and end and each request between, in time order. */
static void print_adapter_rows(FILE *out, const struct esoh__timeline_input *in)
{
    size_t c = 0, j = 0;
    /* Calls in the order they were asked; requests in the order they arrived. Merged. */
    bool *ended = calloc(in->call_count + 1, sizeof(*ended));
    if (ended == NULL)
        return;
    for (;;) {
        double tc = c < in->call_count ? in->calls[c].start_ms : 1e300;
        double tj = j < in->journal_count ? in->journal[j].t_ms : 1e300;
        double te = 1e300;
        size_t end_index = in->call_count;
        for (size_t k = 0; k < c; k++) {
            if (!ended[k] && in->calls[k].state == ESOH__CALL_ANSWERED &&
                in->calls[k].end_ms < te) {
                te = in->calls[k].end_ms;
                end_index = k;
            }
        }
        if (tc >= 1e300 && tj >= 1e300 && te >= 1e300)
            break;
        char server[64], client[224], attempt[16] = "";
        if (te <= tc && te <= tj) {
            const struct esoh__call_record *rec = &in->calls[end_index];
            ended[end_index] = true;
            snprintf(client, sizeof(client), "=> %s%s%.160s", rec->outcome,
                     rec->detail[0] ? ": " : "", rec->detail);
            row(out, te / in->time_scale / 1000.0, rec->label, "", "-", client, "");
        } else if (tc <= tj) {
            const struct esoh__call_record *rec = &in->calls[c++];
            if (rec->state == ESOH__CALL_NOT_MADE) {
                row(out, tc / in->time_scale / 1000.0, rec->label, "", "-",
                    "not made: the client had stopped answering", "");
                continue;
            }
            row(out, tc / in->time_scale / 1000.0, rec->label, "", "-", "asked", "");
            if (rec->state == ESOH__CALL_NO_ANSWER)
                row(out, tc / in->time_scale / 1000.0, rec->label, "", "-", "(no answer)", "");
        } else {
            const struct esomock_journal_entry *e = &in->journal[j];
            long call = in->call_of != NULL ? in->call_of[j] : -1;
            const char *label = call >= 0 ? in->calls[call].label : "(no call running)";
            describe_fault(e, false, server, sizeof(server));
            if (is_token(e)) {
                snprintf(client, sizeof(client), "token request");
            } else if (is_graphql(e)) {
                snprintf(attempt, sizeof(attempt), "%u", call >= 0 ? attempt_of(in, j) : 0u);
                snprintf(client, sizeof(client), "request: %s",
                         esomock_wire_answer_name(esomock_wire_answer_of(e)));
            } else {
                snprintf(client, sizeof(client), "%s %.190s", e->method, e->path);
            }
            row(out, tj / in->time_scale / 1000.0, label, attempt, server, client, "");
            j++;
        }
    }
    free(ended);
}

void esoh__timeline_print_text(FILE *out, const struct esoh__timeline_input *in, bool quiet)
{
    char name[512], text[1024];
    ESC(in->name, name);
    bool adapter = in->client != NULL && strcmp(in->client, "libesologs") != 0;
    if (!quiet) {
        fprintf(out, "== %s: ", name);
        esoh__text_put(out, in->description);
        fprintf(out,
                "\n   file %s, time scale %g: times below are scenario time (real = scenario "
                "x %g)\n",
                ESC(in->path, text), in->time_scale, in->time_scale);
        if (adapter) {
            fprintf(out, "   client: ");
            esoh__text_put(out, in->client);
            fprintf(out, " (eso-adapter/1; libesologs' own expectations, attempts, breaker and "
                         "counters, are not judged)\n");
        }
    }
    if (in->setup_error != NULL) {
        fprintf(out, "FAIL %s: ", name);
        esoh__text_put_lines(out, in->setup_error, "   "); /* eso-mock lists several problems */
        return;
    }
    if (!quiet) {
        fprintf(out, "   %8s  %-28s %3s  %-22s %-56s %s\n", "t(s)", "call", "att", "server",
                "client", adapter ? "" : "breaker");
        if (adapter)
            print_adapter_rows(out, in);
        else
            print_builtin_rows(out, in);
    }
    size_t failed = 0;
    for (size_t i = 0; i < in->check_count; i++) {
        const struct esoh__check *c = &in->checks[i];
        failed += !c->passed;
        if (quiet && c->passed)
            continue;
        char label[4 * 96], what[4 * 48], expected[4 * 160], got[4 * 256];
        fprintf(out, "   %s %s: %s expected %s, got %s\n", c->passed ? "PASS" : "FAIL",
                ESC(c->label, label), ESC(c->what, what), ESC(c->expected, expected),
                ESC(c->got, got));
        if (!c->passed && c->hint[0] != '\0') {
            char hint[4 * 192];
            fprintf(out, "        hint: %s\n", ESC(c->hint, hint));
        }
    }
    if (!quiet && in->adapter_status != NULL) {
        fprintf(out, "   client ");
        esoh__text_put(out, in->adapter_status);
        fputc('\n', out);
    }
    if (!quiet && in->adapter_stderr != NULL && in->adapter_stderr[0] != '\0') {
        fprintf(out, "   client stderr:\n      ");
        esoh__text_put_lines(out, in->adapter_stderr, "      ");
    }
    fprintf(out, "%s %s (%zu checks, %zu failed) in %.2f s of real time\n",
            in->passed ? "PASS" : "FAIL", name, in->check_count, failed, in->wall_ms / 1000.0);
}

/* ---- JSON: the same, and what the HTML report draws -------------------------------------- */

static double seconds(const struct esoh__timeline_input *in, double journal_ms)
{
    return journal_ms / in->time_scale / 1000.0;
}

static cJSON *events_json(const struct esoh__timeline_input *in)
{
    cJSON *rows = cJSON_CreateArray();
    for (size_t i = 0; i < in->event_count; i++) {
        const struct esoh_fixture_event *ev = &in->events[i];
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "t_s", seconds(in, ev->at_ms + in->events_offset_ms));
        cJSON_AddStringToObject(row, "event", eso_event_kind_name(ev->kind));
        cJSON_AddStringToObject(row, "call", label_of(in, ev->call_id));
        cJSON_AddStringToObject(row, "operation", ev->operation);
        if (ev->attempt > 0)
            cJSON_AddNumberToObject(row, "attempt", ev->attempt);
        if (ev->kind == ESO_EV_ATTEMPT_END) {
            size_t index = 0;
            const struct esomock_journal_entry *e =
                server_side(in, ev->call_id, ev->attempt, &index);
            if (e != NULL) {
                cJSON_AddStringToObject(row, "fault", e->action);
                cJSON_AddNumberToObject(row, "server_status", e->status);
                cJSON_AddNumberToObject(row, "server_delay_ms", e->delay_ms);
                cJSON_AddNumberToObject(row, "seq", (double)e->seq);
                if (is_resend(in, index))
                    cJSON_AddBoolToObject(row, "libcurl_resend", true);
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
    return rows;
}

static const char *state_name(enum esoh__call_state state)
{
    switch (state) {
    case ESOH__CALL_ANSWERED:
        return "answered";
    case ESOH__CALL_NO_ANSWER:
        return "no_answer";
    case ESOH__CALL_NOT_MADE:
        return "not_made";
    }
    return "unknown";
}

static cJSON *calls_json(const struct esoh__timeline_input *in)
{
    cJSON *calls = cJSON_CreateArray();
    for (size_t i = 0; i < in->call_count; i++) {
        const struct esoh__call_record *rec = &in->calls[i];
        cJSON *c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "index", (double)i);
        cJSON_AddStringToObject(c, "label", rec->label);
        cJSON_AddNumberToObject(c, "group", rec->group);
        cJSON_AddStringToObject(c, "operation", rec->operation != NULL ? rec->operation : "");
        cJSON_AddStringToObject(c, "state", state_name(rec->state));
        cJSON_AddNumberToObject(c, "start_s", seconds(in, rec->start_ms));
        if (rec->state == ESOH__CALL_ANSWERED) {
            cJSON_AddNumberToObject(c, "end_s", seconds(in, rec->end_ms));
            cJSON_AddBoolToObject(c, "ok", rec->ok);
            cJSON_AddStringToObject(c, "outcome", rec->outcome);
            if (rec->detail[0] != '\0')
                cJSON_AddStringToObject(c, "detail", rec->detail);
        }
        if (rec->request_id[0] != '\0')
            cJSON_AddStringToObject(c, "request_id", rec->request_id);
        cJSON_AddItemToArray(calls, c);
    }
    return calls;
}

/* The journal entry in the admin API's own form (journal.c's), rebuilt here from the public
 * struct: the report must not depend on a private header of the mock. */
static cJSON *entry_json(const struct esomock_journal_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seq", (double)e->seq);
    cJSON_AddNumberToObject(o, "t_ms", e->t_ms);
    cJSON_AddStringToObject(o, "state",
                            e->state == ESOMOCK_ENTRY_COMPLETED ? "completed"
                            : e->state == ESOMOCK_ENTRY_ABORTED ? "aborted"
                                                                : "in_flight");
    cJSON_AddNumberToObject(o, "duration_ms", e->duration_ms);
    if (e->sent_ms >= 0)
        cJSON_AddNumberToObject(o, "sent_ms", e->sent_ms);
    else
        cJSON_AddNullToObject(o, "sent_ms");
    cJSON_AddStringToObject(o, "method", e->method);
    cJSON_AddStringToObject(o, "path", e->path);
    cJSON_AddStringToObject(o, "operation", e->operation);
    cJSON *vars = e->variables[0] != '\0' ? cJSON_Parse(e->variables) : NULL;
    if (vars != NULL)
        cJSON_AddItemToObject(o, "variables", vars);
    cJSON_AddStringToObject(o, "request_id", e->request_id);
    if (e->attempt > 0)
        cJSON_AddNumberToObject(o, "attempt", e->attempt);
    cJSON_AddStringToObject(o, "rule", e->rule);
    if (e->rule[0] != '\0')
        cJSON_AddNumberToObject(o, "step", e->step);
    cJSON_AddStringToObject(o, "action", e->action);
    cJSON_AddNumberToObject(o, "delay_ms", e->delay_ms);
    if (e->status > 0)
        cJSON_AddNumberToObject(o, "status", e->status);
    cJSON_AddNumberToObject(o, "bytes_sent", (double)e->bytes_sent);
    if (e->retry_after[0] != '\0') {
        cJSON_AddStringToObject(o, "retry_after", e->retry_after);
        if (e->retry_after_s >= 0)
            cJSON_AddNumberToObject(o, "retry_after_s", e->retry_after_s);
    }
    cJSON_AddBoolToObject(o, "graphql_errors", e->graphql_errors);
    return o;
}

static cJSON *requests_json(const struct esoh__timeline_input *in)
{
    cJSON *requests = cJSON_CreateArray();
    for (size_t i = 0; i < in->journal_count; i++) {
        const struct esomock_journal_entry *e = &in->journal[i];
        if (e->admin)
            continue;
        cJSON *r = cJSON_CreateObject();
        long call = in->call_of != NULL ? in->call_of[i] : -1;
        cJSON_AddNumberToObject(r, "seq", (double)e->seq);
        cJSON_AddStringToObject(r, "kind",
                                is_graphql(e) ? "graphql"
                                : is_token(e) ? "token"
                                              : "other");
        cJSON_AddNumberToObject(r, "t_s", seconds(in, e->t_ms));
        /* The end the judge measures waits from (not when libmicrohttpd noted it). */
        double end_ms = esomock_wire_answer_end_ms(e);
        cJSON_AddNumberToObject(r, "end_s", seconds(in, end_ms >= 0 ? end_ms : e->t_ms));
        cJSON_AddNumberToObject(r, "call", (double)call);
        if (is_graphql(e) && call >= 0)
            cJSON_AddNumberToObject(r, "attempt", attempt_of(in, i));
        cJSON_AddStringToObject(r, "action", e->action);
        if (e->status > 0)
            cJSON_AddNumberToObject(r, "status", e->status);
        cJSON_AddNumberToObject(r, "delay_ms", e->delay_ms);
        cJSON_AddStringToObject(r, "answer", esomock_wire_answer_name(esomock_wire_answer_of(e)));
        if (is_resend(in, i))
            cJSON_AddBoolToObject(r, "libcurl_resend", true);
        cJSON_AddItemToObject(r, "journal", entry_json(e));
        cJSON_AddItemToArray(requests, r);
    }
    return requests;
}

static cJSON *breaker_json(const struct esoh__timeline_input *in)
{
    cJSON *moves = cJSON_CreateArray();
    for (size_t i = 0; i < in->event_count; i++) {
        const struct esoh_fixture_event *ev = &in->events[i];
        if (ev->kind != ESO_EV_BREAKER_TRANSITION)
            continue;
        cJSON *m = cJSON_CreateObject();
        cJSON_AddNumberToObject(m, "t_s", seconds(in, ev->at_ms + in->events_offset_ms));
        cJSON_AddStringToObject(m, "from", eso_breaker_state_name(ev->breaker_from));
        cJSON_AddStringToObject(m, "to", eso_breaker_state_name(ev->breaker_to));
        cJSON_AddStringToObject(m, "reason", ev->reason);
        cJSON_AddItemToArray(moves, m);
    }
    return moves;
}

cJSON *esoh__timeline_json(const struct esoh__timeline_input *in)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "scenario", in->name);
    cJSON_AddStringToObject(root, "file", in->path);
    cJSON_AddStringToObject(root, "description", in->description != NULL ? in->description : "");
    cJSON_AddStringToObject(root, "client", in->client != NULL ? in->client : "libesologs");
    cJSON_AddNumberToObject(root, "time_scale", in->time_scale);
    cJSON_AddBoolToObject(root, "passed", in->passed);
    cJSON_AddNumberToObject(root, "wall_ms", in->wall_ms);
    if (in->setup_error != NULL)
        cJSON_AddStringToObject(root, "error", in->setup_error);
    cJSON_AddItemToObject(root, "timeline", events_json(in));
    cJSON_AddItemToObject(root, "calls", calls_json(in));
    cJSON_AddItemToObject(root, "requests", requests_json(in));
    /* libesologs says what its breaker did; an adapter's breaker is seen only from outside. */
    if (in->client == NULL || strcmp(in->client, "libesologs") == 0)
        cJSON_AddItemToObject(root, "breaker", breaker_json(in));
    cJSON *checks = cJSON_AddArrayToObject(root, "checks");
    for (size_t i = 0; i < in->check_count; i++) {
        const struct esoh__check *c = &in->checks[i];
        cJSON *check = cJSON_CreateObject();
        cJSON_AddStringToObject(check, "call", c->label);
        cJSON_AddStringToObject(check, "what", c->what);
        cJSON_AddStringToObject(check, "expected", c->expected);
        cJSON_AddStringToObject(check, "got", c->got);
        cJSON_AddBoolToObject(check, "passed", c->passed);
        if (c->wire) {
            cJSON_AddNumberToObject(check, "expectation", (double)c->expectation);
            cJSON_AddStringToObject(check, "behaviour", c->behaviour);
            if (c->hint[0] != '\0')
                cJSON_AddStringToObject(check, "hint", c->hint);
        }
        cJSON_AddItemToArray(checks, check);
    }
    if (in->adapter_status != NULL || in->adapter_stderr != NULL) {
        cJSON *adapter = cJSON_AddObjectToObject(root, "adapter");
        cJSON_AddStringToObject(adapter, "status",
                                in->adapter_status != NULL ? in->adapter_status : "");
        cJSON_AddStringToObject(adapter, "stderr",
                                in->adapter_stderr != NULL ? in->adapter_stderr : "");
    }
    return root;
}
