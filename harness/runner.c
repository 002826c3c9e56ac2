/*
 * Playing one scenario: fixture up, the expect section's calls made in order by libesologs or
 * by a client adapter, every expectation compared with what client and server recorded (the
 * wire section judged from the journal alone), output.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <esoharness/fixture.h>
#include <esoharness/runner.h>
#include <esomock/scenario.h>
#include <esomock/wire.h>

#include "adapter_private.h"
#include "expect_private.h"
#include "fixture_private.h"
#include "runner_private.h"
#include "text_private.h"
#include "timeline_private.h"

#define MAX_SCENARIO_BYTES (4u * 1024u * 1024u)
#define MAX_CHECKS 4096
#define MAX_CALLS 20000
/* Why a file could not be played: room for several of eso-mock's problem lines. */
#define ERROR_SIZE 2048
/* Real ms an adapter has to say it is ready, and to exit once its stdin ends. */
#define ADAPTER_READY_MS 10000.0
#define ADAPTER_GRACE_MS 2000.0
/* The least real time an adapter gets for one call, whatever the scale. */
#define ADAPTER_MIN_BOUND_MS 1000.0
/* The adapter's credentials: the fixture's defaults (eso-mock accepts any non-empty pair). */
#define ADAPTER_CLIENT_ID "harness-client"
#define ADAPTER_CLIENT_SECRET "harness-secret"

struct run {
    const struct esoh_run_options *opts;
    struct esoh__run_plan plan;
    struct esomock_wire *wire;
    struct esoh_fixture *fx;
    double scale;
    double epoch_ms; /* monotonic ms of the journal's time 0 */
    struct esoh__check *checks;
    size_t check_count;
    struct esoh__call_label labels[ESOH__EXPECT_MAX_CALLS * 4];
    size_t label_count;
    struct esoh__call_record *records;
    size_t record_count;
    size_t journal_seen;  /* GraphQL journal entries before the current call */
    bool timing_unjudged; /* ESO_UNDER_VALGRIND: elapsed times are reported only */
    const char *scenario; /* its name */
    struct esoh__adapter *adapter;
    char adapter_failure[512]; /* why the adapter stopped answering; "" while it answers */
    unsigned next_number;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Journal time now: real ms since the scenario started. */
static double journal_now(const struct run *r)
{
    return now_ms() - r->epoch_ms;
}

/* Wait @p ms of real time: the scenario asked for time to pass (windows, cool-downs). */
static void wait_real_ms(double ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000.0),
                          .tv_nsec = (long)(fmod(ms, 1000.0) * 1e6)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static struct esoh__check *add_check(struct run *r, const char *label, const char *what,
                                     bool passed, const char *expected, const char *got_fmt, ...)
    __attribute__((format(printf, 6, 7)));
static struct esoh__check *add_check(struct run *r, const char *label, const char *what,
                                     bool passed, const char *expected, const char *got_fmt, ...)
{
    if (r->check_count == MAX_CHECKS)
        return NULL;
    struct esoh__check *c = &r->checks[r->check_count++];
    *c = (struct esoh__check){.passed = passed};
    snprintf(c->label, sizeof(c->label), "%s", label);
    snprintf(c->what, sizeof(c->what), "%s", what);
    snprintf(c->expected, sizeof(c->expected), "%s", expected);
    va_list ap;
    va_start(ap, got_fmt);
    vsnprintf(c->got, sizeof(c->got), got_fmt, ap);
    va_end(ap);
    return c;
}

static void range_text(const struct esoh__range *range, char *buf, size_t size)
{
    if (range->min == range->max)
        snprintf(buf, size, "%g", range->min);
    else
        snprintf(buf, size, "[%g, %g]", range->min, range->max);
}

static void check_range(struct run *r, const char *label, const char *what,
                        const struct esoh__range *range, double value)
{
    if (!range->set)
        return;
    char expected[80];
    range_text(range, expected, sizeof(expected));
    bool passed = value >= range->min && value <= range->max;
    bool time = strcmp(what, "elapsed_ms") == 0;
    if (time) { /* say which clock: eso-client prints real ms */
        size_t n = strlen(expected);
        snprintf(expected + n, sizeof(expected) - n, " scenario ms");
    }
    /* Under valgrind everything runs tens of times slower: times are shown, not judged. */
    if (r->timing_unjudged && time && !passed) {
        add_check(r, label, what, true, expected, "%g scenario ms (not judged under valgrind)",
                  round(value * 1000.0) / 1000.0);
        return;
    }
    add_check(r, label, what, passed, expected, "%g%s", round(value * 1000.0) / 1000.0,
              time ? " scenario ms" : "");
}

/* The GraphQL journal entries that arrived since the last look, and the new mark. */
static struct esomock_journal_entry *new_entries(struct run *r, size_t *count)
{
    size_t n = 0;
    struct esomock_journal_entry *all = esoh_fixture_journal(r->fx, NULL, &n);
    size_t first = r->journal_seen < n ? r->journal_seen : n;
    *count = n - first;
    r->journal_seen = n;
    if (*count == 0) {
        free(all);
        return NULL;
    }
    memmove(all, all + first, *count * sizeof(*all));
    return all;
}

static void check_server_side(struct run *r, const struct esoh__call_plan *call, const char *label)
{
    size_t n = 0;
    struct esomock_journal_entry *entries = new_entries(r, &n);
    check_range(r, label, "server_requests", &call->server_requests, (double)n);
    if (call->faults_set) {
        char expected[160] = "", got[160] = "";
        size_t used = 0;
        for (size_t i = 0; i < call->fault_count && used < sizeof(expected); i++)
            used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%s", i ? "," : "",
                                     call->faults[i]);
        used = 0;
        bool same = n == call->fault_count;
        for (size_t i = 0; i < n && used < sizeof(got); i++) {
            used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%s", i ? "," : "",
                                     entries[i].action);
            same = same && strcmp(entries[i].action, call->faults[i]) == 0;
        }
        add_check(r, label, "faults", same, expected, "%s", got);
    }
    free(entries);
}

/* ---- the calls -------------------------------------------------------------------------- */

static struct esoh__call_record *new_record(struct run *r, const struct esoh__call_plan *call,
                                            size_t group, const char *label)
{
    if (r->record_count == MAX_CALLS)
        return NULL;
    struct esoh__call_record *rec = &r->records[r->record_count++];
    *rec = (struct esoh__call_record){
        .group = (unsigned)group + 1,
        .name = call->name,
        .operation = call->operation,
        .number = ++r->next_number,
        .end_ms = -1,
        .state = ESOH__CALL_NOT_MADE,
    };
    snprintf(rec->label, sizeof(rec->label), "%s", label);
    return rec;
}

/* The label of run @p i of @p call ("call 2 getZones #3" when it repeats). */
static void run_label(const struct esoh__call_plan *call, unsigned i, char *buf, size_t size)
{
    if (call->repeat > 1)
        snprintf(buf, size, "%.80s #%u", call->label, i + 1);
    else
        snprintf(buf, size, "%s", call->label);
}

static void check_result(struct run *r, const struct esoh__call_plan *call, const char *label,
                         const struct eso_result *res)
{
    if (call->outcome_set)
        add_check(r, label, "outcome", res->status == call->outcome, eso_status_name(call->outcome),
                  "%s%s%s", eso_status_name(res->status), res->detail[0] ? ": " : "", res->detail);
    check_range(r, label, "attempts", &call->attempts, res->attempts);
    check_range(r, label, "elapsed_ms", &call->elapsed_ms, res->elapsed_ms / r->scale);
    if (call->from_cache >= 0)
        add_check(r, label, "from_cache", res->from_cache == (call->from_cache == 1),
                  call->from_cache ? "true" : "false", "%s", res->from_cache ? "true" : "false");
}

static void record_result(struct esoh__call_record *rec, const struct eso_result *res)
{
    rec->state = ESOH__CALL_ANSWERED;
    rec->ok = res->status == ESO_OK;
    snprintf(rec->outcome, sizeof(rec->outcome), "%s", eso_status_name(res->status));
    snprintf(rec->detail, sizeof(rec->detail), "%s", res->detail);
}

/* Note which client call ids belong to @p label (they are the CALL_STARTs since @p first),
 * giving them to @p recs in order. */
static void label_calls(struct run *r, size_t first_event, const char *label,
                        struct esoh__call_record *recs, size_t rec_count)
{
    size_t n = 0, given = 0;
    struct esoh_fixture_event *events = esoh_fixture_events(r->fx, &n);
    for (size_t i = first_event; i < n; i++) {
        if (events[i].kind != ESO_EV_CALL_START)
            continue;
        if (given < rec_count)
            recs[given++].call_id = events[i].call_id;
        if (r->label_count == sizeof(r->labels) / sizeof(r->labels[0]))
            continue;
        r->labels[r->label_count].call_id = events[i].call_id;
        snprintf(r->labels[r->label_count].label, sizeof(r->labels[0].label), "%s", label);
        r->label_count++;
    }
    free(events);
}

static size_t event_count(struct run *r)
{
    size_t n = 0;
    free(esoh_fixture_events(r->fx, &n));
    return n;
}

static void builtin_call(struct run *r, const struct esoh__call_plan *call, size_t group)
{
    struct eso_client *client = esoh_fixture_client(r->fx);
    if (call->concurrency > 1) {
        struct eso_batch_item *items = calloc(call->repeat, sizeof(*items));
        struct esoh__call_record *first = NULL;
        if (items == NULL)
            return;
        for (unsigned i = 0; i < call->repeat; i++) {
            items[i].operation = call->operation;
            items[i].document = call->document;
            items[i].variables = call->variables;
            char label[96];
            run_label(call, i, label, sizeof(label));
            struct esoh__call_record *rec = new_record(r, call, group, label);
            first = first != NULL ? first : rec;
        }
        size_t first_event = event_count(r);
        double start = journal_now(r);
        eso_batch(client, items, call->repeat, call->concurrency);
        double end = journal_now(r);
        size_t recs = first != NULL ? (size_t)(&r->records[r->record_count] - first) : 0;
        label_calls(r, first_event, call->label, first, recs);
        for (unsigned i = 0; i < call->repeat; i++) {
            if (first != NULL && i < recs) {
                first[i].start_ms = start;
                first[i].end_ms = end;
                record_result(&first[i], &items[i].result);
            }
            check_result(r, call, call->label, &items[i].result);
            eso_result_finish(&items[i].result);
        }
        check_server_side(r, call, call->label);
        free(items);
        return;
    }
    for (unsigned i = 0; i < call->repeat; i++) {
        char label[96];
        run_label(call, i, label, sizeof(label));
        if (i > 0)
            wait_real_ms(call->spacing_ms * r->scale);
        struct esoh__call_record *rec = new_record(r, call, group, label);
        size_t first_event = event_count(r);
        struct eso_result res = {0};
        double start = journal_now(r);
        eso_query(client, call->operation, call->document, call->variables, &res);
        double end = journal_now(r);
        label_calls(r, first_event, label, rec, rec != NULL);
        if (rec != NULL) {
            rec->start_ms = start;
            rec->end_ms = end;
            record_result(rec, &res);
        }
        check_result(r, call, label, &res);
        check_server_side(r, call, label);
        eso_result_finish(&res);
    }
}

/* ---- a client adapter's calls ----------------------------------------------------------- */

/* The adapter stopped answering: say so once, end it, and note why. */
static void adapter_failed(struct run *r, const char *label, const char *why)
{
    snprintf(r->adapter_failure, sizeof(r->adapter_failure), "%s", why);
    struct esoh__check *c = add_check(r, label, "answer", false, "the client's answer", "%s", why);
    (void)c;
}

static int send_call(struct run *r, struct esoh__call_record *rec,
                     const struct esoh__call_plan *call)
{
    const char *document =
        call->document != NULL ? call->document : eso_operation_document(call->operation);
    snprintf(rec->request_id, sizeof(rec->request_id), "esoh-%u", rec->number);
    cJSON *line = cJSON_CreateObject();
    cJSON_AddStringToObject(line, "type", "call");
    cJSON_AddNumberToObject(line, "call", rec->number);
    cJSON_AddStringToObject(line, "operation", call->operation);
    cJSON_AddStringToObject(line, "document", document != NULL ? document : "");
    cJSON *vars =
        call->variables != NULL ? cJSON_Duplicate(call->variables, 1) : cJSON_CreateObject();
    cJSON_AddItemToObject(line, "variables", vars);
    cJSON_AddStringToObject(line, "request_id", rec->request_id);
    rec->start_ms = journal_now(r);
    cJSON_AddNumberToObject(line, "at_s", round(rec->start_ms / r->scale) / 1000.0);
    char err[512];
    int rc = esoh__adapter_send(r->adapter, line, err, sizeof(err));
    cJSON_Delete(line);
    if (rc != 0) {
        rec->state = ESOH__CALL_NO_ANSWER;
        adapter_failed(r, rec->label, err);
    }
    return rc;
}

/* Fill @p rec from a result line. */
static void take_result(struct run *r, struct esoh__call_record *rec, const cJSON *result)
{
    rec->end_ms = journal_now(r);
    rec->state = ESOH__CALL_ANSWERED;
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(result, "ok");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(result, "error");
    const cJSON *cls = cJSON_GetObjectItemCaseSensitive(error, "class");
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(error, "message");
    rec->ok = cJSON_IsTrue(ok);
    snprintf(rec->outcome, sizeof(rec->outcome), "%s",
             rec->ok                                      ? "ok"
             : cJSON_IsString(cls) && cls->valuestring[0] ? cls->valuestring
                                                          : "error");
    if (cJSON_IsString(message))
        snprintf(rec->detail, sizeof(rec->detail), "%s", message->valuestring);
}

/* Wait for the results of @p count calls from @p first on; false when the adapter failed. */
static bool read_results(struct run *r, struct esoh__call_record *first, size_t count)
{
    double bound = r->plan.call_bound_ms * r->scale;
    bound = bound > ADAPTER_MIN_BOUND_MS ? bound : ADAPTER_MIN_BOUND_MS;
    double deadline = now_ms() + bound;
    size_t missing = count;
    while (missing > 0) {
        cJSON *result = NULL;
        char err[512] = "";
        double left = deadline - now_ms();
        int got = left > 0 ? esoh__adapter_read(r->adapter, left, &result, err, sizeof(err)) : 0;
        if (got <= 0) {
            struct esoh__call_record *late = NULL;
            for (size_t i = 0; i < count && late == NULL; i++)
                late = first[i].state == ESOH__CALL_NOT_MADE ? &first[i] : NULL;
            if (got == 0)
                snprintf(err, sizeof(err),
                         "no answer within %.0f scenario s (%.1f s of real time): a client that "
                         "hangs fails its call",
                         r->plan.call_bound_ms / 1000.0, bound / 1000.0);
            for (size_t i = 0; i < count; i++) {
                if (first[i].state == ESOH__CALL_NOT_MADE)
                    first[i].state = ESOH__CALL_NO_ANSWER;
            }
            adapter_failed(r, late != NULL ? late->label : first->label, err);
            return false;
        }
        const cJSON *number = cJSON_GetObjectItemCaseSensitive(result, "call");
        struct esoh__call_record *rec = NULL;
        for (size_t i = 0; i < count && rec == NULL && cJSON_IsNumber(number); i++) {
            if (first[i].number == (unsigned)number->valuedouble &&
                first[i].state == ESOH__CALL_NOT_MADE)
                rec = &first[i];
        }
        if (rec == NULL || !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(result, "ok"))) {
            char text[160];
            char *printed = cJSON_PrintUnformatted(result);
            esoh__text_escape(printed, text, sizeof(text));
            free(printed);
            snprintf(err, sizeof(err),
                     rec == NULL ? "the client answered a call that was not due: %s"
                                 : "the client's result has no \"ok\": true or false: %s",
                     text);
            cJSON_Delete(result);
            for (size_t i = 0; i < count; i++) {
                if (first[i].state == ESOH__CALL_NOT_MADE)
                    first[i].state = ESOH__CALL_NO_ANSWER;
            }
            adapter_failed(r, first->label, err);
            return false;
        }
        take_result(r, rec, result);
        cJSON_Delete(result);
        missing--;
    }
    return true;
}

/* The checks an adapter's call can be held to: its outcome (ok or not: adapters name errors
 * in their own words), its time, and what the server saw. */
static void check_adapter_result(struct run *r, const struct esoh__call_plan *call,
                                 const struct esoh__call_record *rec)
{
    if (rec->state != ESOH__CALL_ANSWERED)
        return;
    if (call->outcome_set) {
        bool want_ok = call->outcome == ESO_OK;
        char expected[96];
        snprintf(expected, sizeof(expected), "%s", want_ok ? "ok" : "an error");
        if (!want_ok) {
            size_t n = strlen(expected);
            snprintf(expected + n, sizeof(expected) - n, " (libesologs: %s)",
                     eso_status_name(call->outcome));
        }
        add_check(r, rec->label, "outcome", rec->ok == want_ok, expected, "%s%s%s", rec->outcome,
                  rec->detail[0] ? ": " : "", rec->detail);
    }
    check_range(r, rec->label, "elapsed_ms", &call->elapsed_ms,
                (rec->end_ms - rec->start_ms) / r->scale);
}

static void adapter_call(struct run *r, const struct esoh__call_plan *call, size_t group)
{
    if (call->concurrency > 1) {
        struct esoh__call_record *first = NULL;
        size_t made = 0;
        for (unsigned i = 0; i < call->repeat; i++) {
            char label[96];
            run_label(call, i, label, sizeof(label));
            struct esoh__call_record *rec = new_record(r, call, group, label);
            if (rec == NULL)
                break;
            first = first != NULL ? first : rec;
            made++;
            if (r->adapter_failure[0] == '\0' && send_call(r, rec, call) != 0)
                break;
        }
        if (r->adapter_failure[0] == '\0' && first != NULL && read_results(r, first, made)) {
            for (size_t i = 0; i < made; i++)
                check_adapter_result(r, call, &first[i]);
        }
        if (r->adapter_failure[0] == '\0')
            check_server_side(r, call, call->label);
        return;
    }
    for (unsigned i = 0; i < call->repeat; i++) {
        char label[96];
        run_label(call, i, label, sizeof(label));
        if (i > 0 && r->adapter_failure[0] == '\0')
            wait_real_ms(call->spacing_ms * r->scale);
        struct esoh__call_record *rec = new_record(r, call, group, label);
        if (rec == NULL || r->adapter_failure[0] != '\0')
            continue; /* not made: the client had stopped answering */
        if (send_call(r, rec, call) != 0 || !read_results(r, rec, 1))
            continue;
        check_adapter_result(r, call, rec);
        check_server_side(r, call, label);
    }
}

static void run_call(struct run *r, const struct esoh__call_plan *call, size_t group)
{
    if (r->adapter_failure[0] == '\0')
        wait_real_ms(call->wait_ms * r->scale);
    if (r->opts->client_cmd != NULL)
        adapter_call(r, call, group);
    else
        builtin_call(r, call, group);
}

static void check_run(struct run *r)
{
    if (r->plan.breaker_set) {
        char expected[256] = "", got[256];
        size_t used = 0;
        for (size_t i = 0; i < r->plan.breaker_count && used < sizeof(expected); i++)
            used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%s", i ? "," : "",
                                     r->plan.breaker[i]);
        esoh_fixture_breaker_path(r->fx, got, sizeof(got));
        add_check(r, "run", "breaker", strcmp(expected, got) == 0,
                  expected[0] ? expected : "(no transition)", "%s",
                  got[0] ? got : "(no transition)");
    }
    if (r->plan.counter_count > 0) {
        struct eso_counters counters;
        eso_client_counters(esoh_fixture_client(r->fx), &counters);
        for (size_t i = 0; i < r->plan.counter_count; i++) {
            double value = 0;
            esoh__counter_value(&counters, r->plan.counters[i].name, &value);
            char what[48];
            snprintf(what, sizeof(what), "counters.%s", r->plan.counters[i].name);
            check_range(r, "run", what, &r->plan.counters[i].range, value);
        }
    }
}

/* libesologs' X-Request-Id for each recorded call: "<instance>-<call id>", as the journal
 * shows it, so the wire judge can tell concurrent calls apart. */
static void builtin_request_ids(struct run *r, const struct esomock_journal_entry *journal,
                                size_t n)
{
    for (size_t c = 0; c < r->record_count; c++) {
        struct esoh__call_record *rec = &r->records[c];
        if (rec->call_id == 0)
            continue;
        for (size_t i = 0; i < n && rec->request_id[0] == '\0'; i++) {
            const char *dash = strrchr(journal[i].request_id, '-');
            if (dash != NULL && strtoull(dash + 1, NULL, 10) == rec->call_id)
                snprintf(rec->request_id, sizeof(rec->request_id), "%s", journal[i].request_id);
        }
    }
}

/* The wire section's verdicts, as checks. */
static void check_wire(struct run *r, const struct esomock_journal_entry *journal, size_t n,
                       double end_ms)
{
    if (r->wire == NULL)
        return;
    struct esomock_wire_call *calls = calloc(r->record_count + 1, sizeof(*calls));
    if (calls == NULL)
        return;
    for (size_t i = 0; i < r->record_count; i++) {
        const struct esoh__call_record *rec = &r->records[i];
        calls[i] = (struct esomock_wire_call){
            .start_ms = rec->start_ms,
            .end_ms = rec->state == ESOH__CALL_ANSWERED ? rec->end_ms : -1,
            .group = rec->group,
            .name = rec->name,
            .label = rec->label,
            .request_id = rec->request_id[0] ? rec->request_id : NULL,
        };
        /* A call never made ran for no time at all. */
        if (rec->state == ESOH__CALL_NOT_MADE) {
            calls[i].start_ms = end_ms + 1;
            calls[i].end_ms = end_ms + 1;
        }
    }
    struct esomock_wire_options opts = {
        .time_scale = r->scale,
        /* Under valgrind the server notes an answer's end tens of ms after the client read
         * it, so a wait measured from that end looks short: lower bounds allow for it. */
        .early_noise_ms = r->timing_unjudged ? 100 : 0,
        .upper_bounds_unjudged = r->timing_unjudged,
        .end_ms = end_ms,
    };
    struct esomock_wire_verdict *verdicts = NULL;
    size_t count = 0;
    enum esomock_status rc =
        esomock_wire_judge(r->wire, journal, n, calls, r->record_count, &opts, &verdicts, &count);
    if (rc != ESOMOCK_OK)
        add_check(r, "run", "wire", false, "the wire judged", "%s", esomock_strerror(rc));
    for (size_t i = 0; i < count; i++) {
        const struct esomock_wire_verdict *v = &verdicts[i];
        char what[48];
        snprintf(what, sizeof(what), "wire.%s", v->kind);
        struct esoh__check *c =
            add_check(r, v->calls, what, v->passed || !v->judged, v->expected, "%s%s", v->observed,
                      v->judged ? "" : " (not judged under valgrind)");
        if (c == NULL)
            break;
        c->wire = true;
        c->expectation = v->expectation;
        snprintf(c->behaviour, sizeof(c->behaviour), "%s", v->behaviour);
        snprintf(c->hint, sizeof(c->hint), "%s", v->hint);
    }
    free(verdicts);
    free(calls);
}

/* ---- loading ---------------------------------------------------------------------------- */

/* DIR/NAME.jsonl for the journal of scenario @p name (a scenario name is a safe file name). */
static FILE *open_journal(const char *dir, const char *name, char *err, size_t err_size)
{
    char path[1024];
    const char *base = strrchr(name, '/'); /* a file that did not load is named by its path */
    int n = snprintf(path, sizeof(path), "%s/%s.jsonl", dir, base != NULL ? base + 1 : name);
    FILE *f = n > 0 && (size_t)n < sizeof(path) ? fopen(path, "w") : NULL;
    if (f == NULL)
        snprintf(err, err_size, "cannot write the journal %s", path);
    return f;
}

static char *read_scenario(const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_size, "cannot open %s", path);
        return NULL;
    }
    char *text = malloc(MAX_SCENARIO_BYTES + 1);
    size_t n = text != NULL ? fread(text, 1, MAX_SCENARIO_BYTES + 1, f) : 0;
    fclose(f);
    if (text == NULL || n > MAX_SCENARIO_BYTES) {
        snprintf(err, err_size, "%s is larger than %u bytes", path, MAX_SCENARIO_BYTES);
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/* A scenario file as the runner plays it. */
struct loaded {
    char *text;
    cJSON *json;
    const char *name;        /* the scenario's, borrowed from json; else the path */
    const char *description; /* borrowed from json; else "" */
    struct esomock_wire *wire;
};

static void unload(struct loaded *l)
{
    esomock_wire_destroy(l->wire);
    cJSON_Delete(l->json);
    free(l->text);
    *l = (struct loaded){0};
}

/* Problems as the error text: eso-mock's lines already start with the path. */
static void problems_error(struct esomock_problems *problems, const char *path,
                           enum esomock_status status, char *error, size_t size)
{
    char *text = esomock_problems_text(problems);
    if (text != NULL && text[0] != '\0')
        snprintf(error, size, "%s", text);
    else
        snprintf(error, size, "%s: %s", path, esomock_strerror(status));
    free(text);
}

/*
 * Load @p path and apply every rule `run` applies before it plays a file: eso-mock's
 * validation of the whole file (fault script, settings, wire and expect sections), then the
 * runner's own (an expect section with calls, and wire expectations that name calls it has).
 * `check` calls this too, so the two commands accept the same files. On failure @p error says
 * why (eso-mock's problems one per line) and @p out still has the name when the file was a
 * JSON object.
 */
static int load(const char *path, const char *fixtures_dir, struct loaded *out,
                struct esoh__run_plan *plan, char *error, size_t size)
{
    *out = (struct loaded){.name = path, .description = ""};
    out->text = read_scenario(path, error, size);
    if (out->text == NULL)
        return -1;
    out->json = cJSON_Parse(out->text);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(out->json, "name");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(out->json, "description");
    if (cJSON_IsString(n))
        out->name = n->valuestring;
    if (cJSON_IsString(d))
        out->description = d->valuestring;
    /* Validate the whole file, expect section included, before trusting any of it. */
    struct esomock_check_options check = {
        .fixtures_dir = fixtures_dir,
        .sections = &esoh__expect_section,
        .section_count = 1,
    };
    struct esomock_problems *problems = esomock_problems_create();
    enum esomock_status valid = problems != NULL
                                    ? esomock_check_scenario_files(&path, 1, &check, problems, NULL)
                                    : ESOMOCK_OUT_OF_MEMORY;
    if (valid != ESOMOCK_OK) {
        problems_error(problems, path, valid, error, size);
        esomock_problems_destroy(problems);
        return -1;
    }
    if (!cJSON_IsObject(out->json)) { /* eso-mock accepted it, so it changed under us */
        esomock_problems_destroy(problems);
        snprintf(error, size, "%s: no longer a JSON object", path);
        return -1;
    }
    char plan_error[400];
    if (esoh__expect_plan(cJSON_GetObjectItemCaseSensitive(out->json, "expect"), plan, plan_error,
                          sizeof(plan_error)) != 0) {
        esomock_problems_destroy(problems);
        snprintf(error, size, "%s: %s", path, plan_error);
        return -1;
    }
    /* The wire's expectations may name calls: each must be one the expect section makes. */
    const cJSON *wire = cJSON_GetObjectItemCaseSensitive(out->json, "wire");
    esomock_problems_clear(problems);
    enum esomock_status rc = ESOMOCK_OK;
    if (wire != NULL && problems != NULL) {
        rc = esomock_wire_create(wire, problems, &out->wire);
        const char *names[ESOH__EXPECT_MAX_CALLS];
        for (size_t i = 0; i < plan->call_count; i++)
            names[i] = plan->calls[i].name;
        if (rc == ESOMOCK_OK)
            rc = esomock_wire_check_calls(out->wire, names, plan->call_count, problems);
    }
    if (rc != ESOMOCK_OK) {
        char *text = esomock_problems_text(problems);
        /* Problems the runner finds have no file yet: the lines get the path here. */
        size_t used = 0;
        error[0] = '\0';
        for (const char *line = text; line != NULL && *line != '\0' && used < size;) {
            const char *end = strchr(line, '\n');
            int len = end != NULL ? (int)(end - line) : (int)strlen(line);
            used += (size_t)snprintf(error + used, size - used, "%s%s: %.*s", used ? "\n" : "",
                                     path, len, line);
            line = end != NULL ? end + 1 : NULL;
        }
        if (error[0] == '\0')
            snprintf(error, size, "%s: wire: %s", path, esomock_strerror(rc));
        free(text);
        esomock_problems_destroy(problems);
        return -1;
    }
    esomock_problems_destroy(problems);
    return 0;
}

int esoh_scenario_check_file(const char *path, const char *fixtures_dir, FILE *errors)
{
    char error[ERROR_SIZE] = "";
    struct loaded l;
    struct esoh__run_plan *plan = malloc(sizeof(*plan));
    int rc = 1;
    if (plan == NULL) {
        snprintf(error, sizeof(error), "%s: out of memory", path);
        l = (struct loaded){0};
    } else {
        rc = load(path, fixtures_dir, &l, plan, error, sizeof(error)) == 0 ? 0 : 1;
    }
    if (rc != 0 && errors != NULL)
        esoh__text_put_lines(errors, error, NULL);
    unload(&l);
    free(plan);
    return rc;
}

/* ---- output ----------------------------------------------------------------------------- */

static void emit(const struct run *r, const struct esoh__timeline_input *in, cJSON *json)
{
    FILE *out = r->opts->out;
    if (out == NULL)
        return;
    if (r->opts->json) {
        char *text = json != NULL ? cJSON_PrintUnformatted(json) : NULL;
        if (text != NULL)
            fprintf(out, "%s\n", text);
        free(text);
    } else {
        esoh__timeline_print_text(out, in, r->opts->quiet);
    }
    fflush(out);
}

static void first_failure(const char *error, const struct run *r, struct esoh_run_report *report)
{
    if (error[0] != '\0') {
        /* Its first line; eso-mock may list several problems (the timeline shows them all). */
        size_t first = strcspn(error, "\n");
        size_t more = 0;
        for (const char *p = strchr(error, '\n'); p != NULL; p = strchr(p + 1, '\n'))
            more += p[1] != '\0';
        if (more > 0)
            snprintf(report->first_failure, sizeof(report->first_failure),
                     "%.*s (and %zu more problem%s)", (int)first, error, more,
                     more == 1 ? "" : "s");
        else
            snprintf(report->first_failure, sizeof(report->first_failure), "%.*s",
                     (int)sizeof(report->first_failure) - 1, error); /* cut on purpose */
        return;
    }
    for (size_t i = 0; i < r->check_count; i++) {
        if (!r->checks[i].passed) {
            const struct esoh__check *c = &r->checks[i];
            snprintf(report->first_failure, sizeof(report->first_failure),
                     "%s: %s expected %s, got %.150s", c->label, c->what, c->expected, c->got);
            return;
        }
    }
}

/* Real ms an adapter has to say it is ready: ESO_ADAPTER_READY_MS, else 10 s. */
static double ready_ms(void)
{
    const char *env = getenv("ESO_ADAPTER_READY_MS");
    char *end = NULL;
    double v = env != NULL ? strtod(env, &end) : 0;
    return env != NULL && end != env && *end == '\0' && v > 0 && v < 1e7 ? v : ADAPTER_READY_MS;
}

/* Start the adapter with the mock's URLs in its environment; -1 with @p error. */
static int start_adapter(struct run *r, char *error, size_t size)
{
    char token_url[192];
    const char *api = esoh_fixture_api_url(r->fx);
    snprintf(token_url, sizeof(token_url), "%s/oauth/token",
             esomock_server_url(esoh_fixture_server(r->fx)));
    struct esoh__adapter_setup setup = {
        .command = r->opts->client_cmd,
        .api_url = api,
        .token_url = token_url,
        .client_id = ADAPTER_CLIENT_ID,
        .client_secret = ADAPTER_CLIENT_SECRET,
        .time_scale = r->scale,
        .scenario = r->scenario,
        .ready_ms = ready_ms(),
    };
    char err[1024];
    if (esoh__adapter_start(&setup, &r->adapter, err, sizeof(err)) != 0) {
        snprintf(error, size, "%s", err);
        return -1;
    }
    return 0;
}

void esoh__run_output_finish(struct esoh__run_output *out)
{
    if (out == NULL)
        return;
    cJSON_Delete(out->report);
    free(out->checks);
    *out = (struct esoh__run_output){0};
}

int esoh__run_file(const char *path, const struct esoh_run_options *opts,
                   struct esoh_run_report *report, struct esoh__run_output *output)
{
    static const struct esoh_run_options defaults = {0};
    struct run r = {.opts = opts != NULL ? opts : &defaults};
    char error[ERROR_SIZE] = "";
    double started = now_ms();
    struct loaded l = {.name = path, .description = ""};
    struct esoh_fixture_event *events = NULL;
    struct esomock_journal_entry *journal = NULL;
    long *call_of = NULL;
    size_t event_n = 0, journal_n = 0;
    char adapter_status[128] = "";
    char *adapter_stderr = NULL;
    double events_offset = 0;
    FILE *journal_file = NULL;

    memset(report, 0, sizeof(*report));
    if (output != NULL)
        *output = (struct esoh__run_output){0};
    r.checks = calloc(MAX_CHECKS, sizeof(*r.checks));
    r.records = calloc(MAX_CALLS, sizeof(*r.records));
    if (r.checks == NULL || r.records == NULL) {
        snprintf(error, sizeof(error), "%s: out of memory", path);
        goto out;
    }
    if (load(path, r.opts->fixtures_dir, &l, &r.plan, error, sizeof(error)) != 0)
        goto out;
    r.wire = l.wire;
    r.scenario = l.name;
    /* Under valgrind, scenario time runs at real speed so timeouts keep their meaning. */
    r.timing_unjudged = getenv("ESO_UNDER_VALGRIND") != NULL;
    r.scale = r.opts->time_scale > 0  ? r.opts->time_scale
              : r.timing_unjudged     ? 1.0
              : r.plan.time_scale > 0 ? r.plan.time_scale
                                      : ESOH_RUN_DEFAULT_TIME_SCALE;
    struct esomock_options server_opts = {.fixtures_dir = r.opts->fixtures_dir,
                                          .seed = r.opts->seed};
    if (r.opts->journal_dir != NULL) {
        journal_file = open_journal(r.opts->journal_dir, l.name, error, sizeof(error));
        if (journal_file == NULL)
            goto out;
        server_opts.journal = journal_file;
    }
    struct esoh_fixture_options fx_opts = {
        .scenario_file = path,
        .time_scale = r.scale,
        .server = &server_opts,
        .client = &r.plan.client,
        .no_client = r.opts->client_cmd != NULL,
    };
    char fx_error[ESOMOCK_ERROR_SIZE] = "";
    if (esoh_fixture_try_start(&fx_opts, &r.fx, fx_error) != 0) {
        snprintf(error, sizeof(error), "%s", fx_error);
        goto out;
    }
    if (r.opts->client_cmd != NULL && start_adapter(&r, error, sizeof(error)) != 0)
        goto out;
    /* Scenario time starts now, on the journal's clock and ours alike: windows, ramps and
     * budgets from here (the adapter's start-up is not the scenario's). */
    uint64_t before_reset = 0;
    struct esomock_journal_entry *early = NULL;
    size_t early_n = 0;
    if (esomock_server_journal(esoh_fixture_server(r.fx), NULL, &early, &early_n) == ESOMOCK_OK &&
        early_n > 0)
        before_reset = early[early_n - 1].seq;
    free(early);
    esomock_server_reset(esoh_fixture_server(r.fx));
    r.epoch_ms = now_ms();
    events_offset = esoh__fixture_started_ms(r.fx) - r.epoch_ms;
    for (size_t i = 0; i < r.plan.call_count; i++)
        run_call(&r, &r.plan.calls[i], i);
    if (r.adapter != NULL || r.opts->client_cmd != NULL)
        esoh__adapter_stop(r.adapter, ADAPTER_GRACE_MS, adapter_status, sizeof(adapter_status),
                           &adapter_stderr);
    r.adapter = NULL;
    if (r.opts->client_cmd == NULL)
        check_run(&r);
    double end_ms = journal_now(&r);
    struct esomock_server *srv = esoh_fixture_server(r.fx);
    /* Requests the client left are closed now: let the journal say so before judging. */
    struct esomock_journal_entry *seen = NULL;
    size_t seen_n = 0;
    if (esomock_server_journal(srv, NULL, &seen, &seen_n) == ESOMOCK_OK && seen_n > 0)
        esomock_server_wait_for_requests(srv, NULL, seen_n, true, 2000);
    free(seen);
    if (esomock_server_journal(srv, NULL, &journal, &journal_n) != ESOMOCK_OK)
        journal_n = 0;
    /* Requests from before the reset (a token fetched while the adapter started) are dated
     * from the scenario's load: on the run's clock they come before time 0. */
    for (size_t i = 0; i < journal_n && journal[i].seq <= before_reset; i++)
        journal[i].t_ms -= r.epoch_ms - esoh__fixture_started_ms(r.fx);
    if (r.opts->client_cmd == NULL)
        builtin_request_ids(&r, journal, journal_n);
    check_wire(&r, journal, journal_n, end_ms);
    events = esoh_fixture_events(r.fx, &event_n);
    call_of = calloc(journal_n + 1, sizeof(*call_of));
    if (call_of != NULL) {
        struct esomock_wire_call *calls = calloc(r.record_count + 1, sizeof(*calls));
        for (size_t i = 0; calls != NULL && i < r.record_count; i++)
            calls[i] = (struct esomock_wire_call){
                .start_ms = r.records[i].start_ms,
                .end_ms = r.records[i].state == ESOH__CALL_ANSWERED ? r.records[i].end_ms : -1,
                .request_id = r.records[i].request_id[0] ? r.records[i].request_id : NULL,
            };
        if (calls == NULL || esomock_wire_attribute(journal, journal_n, calls, r.record_count,
                                                    call_of) != ESOMOCK_OK) {
            free(call_of);
            call_of = NULL;
        }
        free(calls);
    }
out:
    if (r.adapter != NULL)
        esoh__adapter_stop(r.adapter, 0, adapter_status, sizeof(adapter_status), &adapter_stderr);
    size_t failed = 0;
    for (size_t i = 0; i < r.check_count; i++)
        failed += !r.checks[i].passed;
    bool passed = error[0] == '\0' && failed == 0;
    snprintf(report->name, sizeof(report->name), "%s", l.name);
    report->passed = passed;
    report->checks = r.check_count;
    report->failures = failed + (error[0] != '\0');
    report->time_scale = r.scale;
    report->wall_ms = now_ms() - started;
    first_failure(error, &r, report);
    struct esoh__timeline_input in = {
        .name = l.name,
        .description = l.description,
        .path = path,
        .time_scale = r.scale > 0 ? r.scale : ESOH_RUN_DEFAULT_TIME_SCALE,
        .client = r.opts->client_cmd != NULL ? r.opts->client_cmd : "libesologs",
        .events = events,
        .event_count = event_n,
        .events_offset_ms = events_offset,
        .journal = journal,
        .journal_count = journal_n,
        .call_of = call_of,
        .calls = r.records,
        .call_count = r.record_count,
        .labels = r.labels,
        .label_count = r.label_count,
        .checks = r.checks,
        .check_count = r.check_count,
        .passed = passed,
        .wall_ms = report->wall_ms,
        .setup_error = error[0] != '\0' ? error : NULL,
        .adapter_status = adapter_status[0] ? adapter_status : NULL,
        .adapter_stderr = adapter_stderr,
    };
    cJSON *json =
        (r.opts->json && r.opts->out != NULL) || output != NULL ? esoh__timeline_json(&in) : NULL;
    emit(&r, &in, json);
    if (output != NULL) {
        output->report = json;
        json = NULL;
        output->checks = r.checks;
        output->check_count = r.check_count;
        output->wire_expectations = esomock_wire_expectation_count(r.wire);
        r.checks = NULL;
    }
    cJSON_Delete(json);
    free(adapter_stderr);
    free(call_of);
    free(events);
    free(journal);
    esoh_fixture_stop(r.fx);
    if (journal_file != NULL)
        fclose(journal_file);
    unload(&l);
    free(r.checks);
    free(r.records);
    return passed ? 0 : 1;
}

int esoh_scenario_run_file(const char *path, const struct esoh_run_options *opts,
                           struct esoh_run_report *report)
{
    return esoh__run_file(path, opts, report, NULL);
}

bool esoh_scenario_is_schema_file(const char *path)
{
    const char *base = strrchr(path, '/');
    return strcmp(base != NULL ? base + 1 : path, "schema.json") == 0;
}
