/*
 * Playing one scenario: fixture up, the expect section's calls made in order,
 * every expectation compared with what client and server recorded, output.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <esoharness/fixture.h>
#include <esoharness/runner.h>
#include <esomock/scenario.h>

#include "expect_private.h"
#include "text_private.h"
#include "timeline_private.h"

#define MAX_SCENARIO_BYTES (4u * 1024u * 1024u)
#define MAX_CHECKS 4096
/* Why a file could not be played: room for several of eso-mock's problem lines. */
#define ERROR_SIZE 2048

struct run {
    const struct esoh_run_options *opts;
    struct esoh__run_plan plan;
    struct esoh_fixture *fx;
    double scale;
    struct esoh__check *checks;
    size_t check_count;
    struct esoh__call_label labels[ESOH__EXPECT_MAX_CALLS * 4];
    size_t label_count;
    size_t journal_seen;  /* GraphQL journal entries before the current call */
    bool timing_unjudged; /* ESO_UNDER_VALGRIND: elapsed times are reported only */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
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

static void add_check(struct run *r, const char *label, const char *what, bool passed,
                      const char *expected, const char *got_fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void add_check(struct run *r, const char *label, const char *what, bool passed,
                      const char *expected, const char *got_fmt, ...)
{
    if (r->check_count == MAX_CHECKS)
        return;
    struct esoh__check *c = &r->checks[r->check_count++];
    snprintf(c->label, sizeof(c->label), "%s", label);
    snprintf(c->what, sizeof(c->what), "%s", what);
    snprintf(c->expected, sizeof(c->expected), "%s", expected);
    va_list ap;
    va_start(ap, got_fmt);
    vsnprintf(c->got, sizeof(c->got), got_fmt, ap);
    va_end(ap);
    c->passed = passed;
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

/* Note which client call ids belong to @p label (they are the CALL_STARTs since @p first). */
static void label_calls(struct run *r, size_t first_event, const char *label)
{
    size_t n = 0;
    struct esoh_fixture_event *events = esoh_fixture_events(r->fx, &n);
    for (size_t i = first_event; i < n; i++) {
        if (events[i].kind != ESO_EV_CALL_START ||
            r->label_count == sizeof(r->labels) / sizeof(r->labels[0]))
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

static void run_call(struct run *r, const struct esoh__call_plan *call)
{
    struct eso_client *client = esoh_fixture_client(r->fx);
    wait_real_ms(call->wait_ms * r->scale);
    if (call->concurrency > 1) {
        struct eso_batch_item *items = calloc(call->repeat, sizeof(*items));
        if (items == NULL)
            return;
        for (unsigned i = 0; i < call->repeat; i++) {
            items[i].operation = call->operation;
            items[i].variables = call->variables;
        }
        size_t first_event = event_count(r);
        eso_batch(client, items, call->repeat, call->concurrency);
        label_calls(r, first_event, call->label);
        for (unsigned i = 0; i < call->repeat; i++) {
            check_result(r, call, call->label, &items[i].result);
            eso_result_finish(&items[i].result);
        }
        check_server_side(r, call, call->label);
        free(items);
        return;
    }
    for (unsigned i = 0; i < call->repeat; i++) {
        char label[96];
        if (call->repeat > 1)
            snprintf(label, sizeof(label), "%.80s #%u", call->label, i + 1);
        else
            snprintf(label, sizeof(label), "%s", call->label);
        size_t first_event = event_count(r);
        struct eso_result res = {0};
        eso_query(client, call->operation, NULL, call->variables, &res);
        label_calls(r, first_event, label);
        check_result(r, call, label, &res);
        check_server_side(r, call, label);
        eso_result_finish(&res);
    }
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

static void emit(const struct run *r, const struct esoh__timeline_input *in)
{
    FILE *out = r->opts->out;
    if (out == NULL)
        return;
    if (r->opts->json) {
        cJSON *json = esoh__timeline_json(in);
        char *text = json != NULL ? cJSON_PrintUnformatted(json) : NULL;
        if (text != NULL)
            fprintf(out, "%s\n", text);
        free(text);
        cJSON_Delete(json);
    } else {
        esoh__timeline_print_text(out, in, r->opts->quiet);
    }
    fflush(out);
}

/* A scenario file as the runner plays it. */
struct loaded {
    char *text;
    cJSON *json;
    const char *name;        /* the scenario's, borrowed from json; else the path */
    const char *description; /* borrowed from json; else "" */
};

static void unload(struct loaded *l)
{
    cJSON_Delete(l->json);
    free(l->text);
    *l = (struct loaded){0};
}

/*
 * Load @p path and apply every rule `run` applies before it plays a file: eso-mock's
 * validation of the whole file (fault script, settings, expect section), then the
 * runner's own (an expect section with calls). `check` calls this too, so the two
 * commands accept the same files. On failure @p error says why (eso-mock's problems one
 * per line) and @p out still has the name when the file was a JSON object.
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
        /* eso-mock's lines already start with the path. */
        char *text = esomock_problems_text(problems);
        if (text != NULL && text[0] != '\0')
            snprintf(error, size, "%s", text);
        else
            snprintf(error, size, "%s: %s", path, esomock_strerror(valid));
        free(text);
        esomock_problems_destroy(problems);
        return -1;
    }
    esomock_problems_destroy(problems);
    if (!cJSON_IsObject(out->json)) { /* eso-mock accepted it, so it changed under us */
        snprintf(error, size, "%s: no longer a JSON object", path);
        return -1;
    }
    char plan_error[400];
    if (esoh__expect_plan(cJSON_GetObjectItemCaseSensitive(out->json, "expect"), plan, plan_error,
                          sizeof(plan_error)) != 0) {
        snprintf(error, size, "%s: %s", path, plan_error);
        return -1;
    }
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

int esoh_scenario_run_file(const char *path, const struct esoh_run_options *opts,
                           struct esoh_run_report *report)
{
    static const struct esoh_run_options defaults = {0};
    struct run r = {.opts = opts != NULL ? opts : &defaults};
    char error[ERROR_SIZE] = "";
    double started = now_ms();
    struct loaded l = {.name = path, .description = ""};
    struct esoh_fixture_event *events = NULL;
    struct esomock_journal_entry *journal = NULL;
    size_t event_n = 0, journal_n = 0;
    FILE *journal_file = NULL;

    memset(report, 0, sizeof(*report));
    r.checks = calloc(MAX_CHECKS, sizeof(*r.checks));
    if (r.checks == NULL) {
        snprintf(error, sizeof(error), "%s: out of memory", path);
        goto out;
    }
    if (load(path, r.opts->fixtures_dir, &l, &r.plan, error, sizeof(error)) != 0)
        goto out;
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
    };
    char fx_error[ESOMOCK_ERROR_SIZE] = "";
    if (esoh_fixture_try_start(&fx_opts, &r.fx, fx_error) != 0) {
        snprintf(error, sizeof(error), "%s", fx_error);
        goto out;
    }
    for (size_t i = 0; i < r.plan.call_count; i++)
        run_call(&r, &r.plan.calls[i]);
    check_run(&r);
    events = esoh_fixture_events(r.fx, &event_n);
    journal = esoh_fixture_journal(r.fx, NULL, &journal_n);
out:;
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
    } else {
        for (size_t i = 0; i < r.check_count; i++) {
            if (!r.checks[i].passed) {
                const struct esoh__check *c = &r.checks[i];
                snprintf(report->first_failure, sizeof(report->first_failure),
                         "%s: %s expected %s, got %s", c->label, c->what, c->expected, c->got);
                break;
            }
        }
    }
    struct esoh__timeline_input in = {
        .name = l.name,
        .description = l.description,
        .path = path,
        .time_scale = r.scale > 0 ? r.scale : ESOH_RUN_DEFAULT_TIME_SCALE,
        .events = events,
        .event_count = event_n,
        .journal = journal,
        .journal_count = journal_n,
        .labels = r.labels,
        .label_count = r.label_count,
        .checks = r.checks,
        .check_count = r.check_count,
        .passed = passed,
        .wall_ms = report->wall_ms,
        .setup_error = error[0] != '\0' ? error : NULL,
    };
    emit(&r, &in);
    free(events);
    free(journal);
    esoh_fixture_stop(r.fx);
    if (journal_file != NULL)
        fclose(journal_file);
    unload(&l);
    free(r.checks);
    return passed ? 0 : 1;
}

bool esoh_scenario_is_schema_file(const char *path)
{
    const char *base = strrchr(path, '/');
    return strcmp(base != NULL ? base + 1 : path, "schema.json") == 0;
}
