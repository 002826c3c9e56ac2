/*
 * eso-scenario capture. A journal says what eso-mock did to every request; seeded faults
 * repeat only while requests arrive in the same order, so the captured scenario keys each
 * request by what it asks (path, operation and variables, or its first field and arguments)
 * and gives every key a script of `times: 1` steps in the captured order: no probability,
 * no seed, no window. The expect section lists the client's calls (grouped by X-Request-Id)
 * with the attempts, server requests, faults and, where the journal tells it, the outcome.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <esologs/esologs.h>

#include <esoharness/runner.h>

#include "capture_private.h"
#include "text_private.h"

#define MAX_JOURNAL_BYTES (256u * 1024u * 1024u)
#define MAX_SCENARIO_BYTES (4u * 1024u * 1024u)
#define MAX_ENTRIES 1000000u
#define MAX_RULES 1000u     /* eso-mock takes 1024 */
#define STEPS_PER_RULE 250u /* eso-mock takes 256 steps; the last rule adds a pass */
#define MAX_CALLS 256u      /* the runner's limit (ESOH__EXPECT_MAX_CALLS) */
#define MAX_STEP_HEADERS 8u

struct entry {
    uint64_t seq;
    double t_ms;
    const cJSON *json;
    const char *path, *operation, *action, *state, *request_id;
    const cJSON *variables, *fields, *reply;
    int status;
    double delay_ms;
    size_t key;        /* index into keys */
    cJSON *step;       /* the step it becomes (owned until added to a script) */
    const char *fault; /* the action the replay journals */
};

struct key {
    char *text;      /* identity: path, operation or field, variables or arguments */
    cJSON *match;    /* owned */
    char label[48];  /* for the rule's name */
    int specificity; /* variables or arguments given: tried before the looser keys */
    int kind;        /* 0 operation, 1 field, 2 token */
    size_t first;    /* first entry */
};

struct call {
    char id[128];
    uint64_t number; /* the call number in the request id (libesologs: instance-number) */
    char instance[64];
    size_t entries[128];
    size_t count;
    uint64_t first_seq;
};

struct capture {
    const struct esoh__capture_options *o;
    FILE *notes;
    cJSON *doc;    /* the parsed journal (admin JSON), or NULL */
    cJSON **lines; /* parsed JSON lines */
    size_t line_count;
    struct entry *entries;
    size_t count;
    struct key *keys;
    size_t key_count;
    cJSON *original;       /* the --client-from scenario, or NULL */
    unsigned max_attempts; /* the client's, for outcomes of calls that gave up */
    bool has_deadline;
};

static void note(struct capture *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct capture *c, const char *fmt, ...)
{
    if (c->notes == NULL)
        return;
    char line[512], shown[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(c->notes, "eso-scenario capture: %s\n", esoh__text_escape(line, shown, sizeof(shown)));
}

static char *read_all(const char *path, size_t max, char *err, size_t err_size)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, len = 0;
    char *text = malloc(cap);
    while (text != NULL) {
        if (len + 1 >= cap) {
            char *grown = cap <= max ? realloc(text, cap * 2) : NULL;
            if (grown == NULL) {
                free(text);
                text = NULL;
                snprintf(err, err_size, "%s is larger than %zu bytes (or out of memory)", path,
                         max);
                break;
            }
            text = grown;
            cap *= 2;
        }
        size_t n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    if (text != NULL)
        text[len] = '\0';
    if (f != stdin)
        fclose(f);
    return text;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *o, const char *key, double fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

/* Every journal entry object of the text: the admin API's {"requests": [...]} or JSON lines. */
static int parse_journal(struct capture *c, char *text, char *err, size_t err_size)
{
    c->doc = cJSON_Parse(text);
    const cJSON *requests = cJSON_GetObjectItemCaseSensitive(c->doc, "requests");
    size_t n = 0;
    if (cJSON_IsArray(requests)) {
        n = (size_t)cJSON_GetArraySize(requests);
    } else {
        cJSON_Delete(c->doc);
        c->doc = NULL;
        for (const char *p = text; *p != '\0'; p++)
            n += *p == '\n';
        n++;
    }
    if (n > MAX_ENTRIES) {
        snprintf(err, err_size, "more than %u journal entries", MAX_ENTRIES);
        return -1;
    }
    c->entries = calloc(n + 1, sizeof(*c->entries));
    c->lines = c->doc == NULL ? calloc(n + 1, sizeof(*c->lines)) : NULL;
    if (c->entries == NULL || (c->doc == NULL && c->lines == NULL)) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    if (c->doc != NULL) {
        const cJSON *e;
        cJSON_ArrayForEach(e, requests) c->entries[c->count++].json = e;
        return 0;
    }
    size_t line_no = 0;
    for (char *line = text; line != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end != NULL)
            *end = '\0';
        line_no++;
        if (line[strspn(line, " \t\r")] != '\0') {
            cJSON *json = cJSON_Parse(line);
            if (!cJSON_IsObject(json)) {
                cJSON_Delete(json);
                snprintf(err, err_size,
                         "line %zu is not a journal entry (a JSON object); expected eso-mock "
                         "--journal lines or the JSON of GET /__admin/requests",
                         line_no);
                return -1;
            }
            c->lines[c->line_count++] = json;
            c->entries[c->count++].json = json;
        }
        line = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

static int by_seq(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool wanted_operation(const struct capture *c, const char *operation)
{
    if (c->o->operation_count == 0)
        return true;
    for (size_t i = 0; i < c->o->operation_count; i++)
        if (operation != NULL && strcmp(operation, c->o->operations[i]) == 0)
            return true;
    return false;
}

/* Fill the entries' fields from their JSON, drop what is not kept, sort by arrival. */
static int select_entries(struct capture *c, char *err, size_t err_size)
{
    size_t kept = 0;
    for (size_t i = 0; i < c->count; i++) {
        struct entry e = c->entries[i];
        const cJSON *j = e.json;
        const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
        e.path = str_of(j, "path");
        e.action = str_of(j, "action");
        if (!cJSON_IsNumber(seq) || e.path == NULL || e.action == NULL) {
            snprintf(err, err_size,
                     "entry %zu is not an eso-mock journal entry (no seq, path or action)", i + 1);
            return -1;
        }
        e.seq = (uint64_t)seq->valuedouble;
        e.t_ms = num_of(j, "t_ms", 0);
        e.operation = str_of(j, "operation");
        e.state = str_of(j, "state");
        e.request_id = str_of(j, "request_id");
        e.variables = cJSON_GetObjectItemCaseSensitive(j, "variables");
        e.fields = cJSON_GetObjectItemCaseSensitive(j, "fields");
        e.reply = cJSON_GetObjectItemCaseSensitive(j, "reply");
        e.status = (int)num_of(j, "status", 0);
        e.delay_ms = num_of(j, "delay_ms", 0);
        bool token = strcmp(e.path, "/oauth/token") == 0;
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "admin")) ||
            (!token && strcmp(e.path, "/api/v2/client") != 0 &&
             strcmp(e.path, "/api/v2/user") != 0))
            continue; /* admin requests take no faults; other paths get their normal answer */
        if (e.seq <= c->o->since_seq || (c->o->until_seq > 0 && e.seq > c->o->until_seq) ||
            e.t_ms < c->o->since_ms || (c->o->until_ms >= 0 && e.t_ms >= c->o->until_ms))
            continue;
        /* Token requests stay: the calls that are kept need them. */
        if (!token && !wanted_operation(c, e.operation))
            continue;
        if (e.state != NULL && strcmp(e.state, "in_flight") == 0) {
            note(c, "seq %llu: still in flight when the journal was read; left out",
                 (unsigned long long)e.seq);
            continue;
        }
        c->entries[kept++] = e;
    }
    c->count = kept;
    qsort(c->entries, c->count, sizeof(*c->entries), by_seq);
    if (c->count == 0) {
        snprintf(err, err_size, "no journal entry to capture (none left after the filters)");
        return -1;
    }
    return 0;
}

/* The key of entry @p e: its identity text and the rule match that takes exactly such requests. */
static int key_of(struct capture *c, struct entry *e)
{
    cJSON *match = cJSON_CreateObject();
    char *vars = NULL;
    int kind = 2, specificity = 0;
    char label[48];
    if (strcmp(e->path, "/oauth/token") == 0) {
        snprintf(label, sizeof(label), "token");
    } else if (e->operation != NULL && eso_operation_document(e->operation) != NULL) {
        /* One of the API's operations: eso-mock matches it by name. */
        kind = 0;
        cJSON_AddStringToObject(match, "operation", e->operation);
        snprintf(label, sizeof(label), "%.40s", e->operation);
        if (cJSON_IsObject(e->variables) && e->variables->child != NULL) {
            cJSON_AddItemToObject(match, "variables", cJSON_Duplicate(e->variables, true));
            specificity = cJSON_GetArraySize(e->variables);
        } else if (cJSON_IsString(e->variables)) {
            note(c, "seq %llu: variables cut in the journal; matched on the operation alone",
                 (unsigned long long)e->seq);
        }
    } else {
        const cJSON *first = cJSON_IsArray(e->fields) ? cJSON_GetArrayItem(e->fields, 0) : NULL;
        const char *field = str_of(first, "field");
        if (field == NULL) {
            note(c, "seq %llu: no operation eso-mock knows and no field (%s); left out",
                 (unsigned long long)e->seq, e->action);
            cJSON_Delete(match);
            return -1;
        }
        kind = 1;
        cJSON_AddStringToObject(match, "field", field);
        snprintf(label, sizeof(label), "%.40s", field);
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(first, "arguments");
        if (cJSON_IsObject(args) && args->child != NULL) {
            cJSON_AddItemToObject(match, "arguments", cJSON_Duplicate(args, true));
            specificity = cJSON_GetArraySize(args);
        }
    }
    cJSON_AddStringToObject(match, "path", e->path);
    vars = cJSON_PrintUnformatted(match);
    if (vars == NULL) {
        cJSON_Delete(match);
        return -1;
    }
    for (size_t k = 0; k < c->key_count; k++) {
        if (strcmp(c->keys[k].text, vars) == 0) {
            free(vars);
            cJSON_Delete(match);
            e->key = k;
            return 0;
        }
    }
    if (c->key_count == MAX_RULES) {
        note(c, "seq %llu: more than %u distinct requests; left out", (unsigned long long)e->seq,
             MAX_RULES);
        free(vars);
        cJSON_Delete(match);
        return -1;
    }
    struct key *k = &c->keys[c->key_count];
    *k = (struct key){.text = vars,
                      .match = match,
                      .specificity = specificity,
                      .kind = kind,
                      .first = (size_t)(e - c->entries)};
    snprintf(k->label, sizeof(k->label), "%s", label);
    e->key = c->key_count++;
    return 0;
}

/* Copy the journaled reply's headers (at most eso-mock's 8) into @p step. */
static void add_headers(cJSON *step, const cJSON *reply)
{
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(reply, "headers");
    if (!cJSON_IsObject(headers) || headers->child == NULL)
        return;
    cJSON *copy = cJSON_AddObjectToObject(step, "headers");
    unsigned n = 0;
    const cJSON *h;
    cJSON_ArrayForEach(h, headers)
    {
        if (cJSON_IsString(h) && n < MAX_STEP_HEADERS) {
            cJSON_AddStringToObject(copy, h->string, h->valuestring);
            n++;
        }
    }
}

/* The journaled body (or fixture) into @p step; false when the journal did not keep it. */
static bool add_body(struct capture *c, const struct entry *e, cJSON *step)
{
    const char *fixture = str_of(e->reply, "fixture");
    const char *body = str_of(e->reply, "body");
    if (fixture != NULL) {
        cJSON_AddStringToObject(step, "fixture", fixture);
        return true;
    }
    if (body != NULL) {
        cJSON_AddStringToObject(step, "body", body);
        return true;
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e->reply, "body_cut")))
        note(c,
             "seq %llu: the body was too long for the journal; the replay sends the body "
             "eso-mock sends by default for status %d",
             (unsigned long long)e->seq, e->status);
    return false;
}

static void add_delay(cJSON *step, double delay_ms)
{
    if (delay_ms > 0)
        cJSON_AddNumberToObject(step, "delay_ms", round(delay_ms * 1000.0) / 1000.0);
}

/* The step that gives this request the same behaviour again (NULL when out of memory). */
static cJSON *step_of(struct capture *c, struct entry *e)
{
    const char *a = e->action;
    cJSON *step = cJSON_CreateObject();
    bool close = str_of(e->reply, "connection") != NULL;
    bool answers = true; /* the action may carry "connection" */
    if (strcmp(a, "pass") == 0 || strcmp(a, "delay") == 0) {
        const char *body = str_of(e->reply, "body");
        if (body != NULL && e->status > 0) {
            /* A live answer (the points budget's state): the body it sent, not a new one. */
            cJSON_AddStringToObject(step, "action", "respond");
            cJSON_AddNumberToObject(step, "status", e->status);
            add_headers(step, e->reply);
            cJSON_AddStringToObject(step, "body", body);
        } else if (strcmp(a, "delay") == 0 && e->delay_ms > 0) {
            cJSON_AddStringToObject(step, "action", "delay");
        } else {
            cJSON_AddStringToObject(step, "action", "pass");
        }
        add_delay(step, e->delay_ms);
    } else if (strcmp(a, "respond") == 0 || strcmp(a, "auth") == 0 ||
               strcmp(a, "rate_limit") == 0 || strcmp(a, "error") == 0) {
        if (e->status < 200) {
            note(c, "seq %llu: %s with no status sent; the replay answers normally",
                 (unsigned long long)e->seq, a);
            cJSON_AddStringToObject(step, "action", "pass");
            e->fault = "pass";
            return step;
        }
        cJSON_AddStringToObject(step, "action", "respond");
        cJSON_AddNumberToObject(step, "status", e->status);
        add_headers(step, e->reply);
        add_body(c, e, step);
        add_delay(step, e->delay_ms);
    } else if (strcmp(a, "truncate") == 0 || strcmp(a, "drip") == 0) {
        cJSON_AddStringToObject(step, "action", a);
        if (e->status >= 200)
            cJSON_AddNumberToObject(step, "status", e->status);
        add_headers(step, e->reply);
        add_body(c, e, step);
        const char *keys[] = {"bytes", "chunk_bytes", "interval_ms"};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(e->reply, keys[i]);
            if (cJSON_IsNumber(v))
                cJSON_AddNumberToObject(step, keys[i], v->valuedouble);
        }
        const char *end = str_of(e->reply, "end");
        if (end != NULL && strcmp(end, "reset") == 0)
            cJSON_AddStringToObject(step, "end", "reset");
        if (strcmp(a, "truncate") == 0) {
            answers = false;
            if (!cJSON_HasObjectItem(step, "bytes")) { /* an older journal: what went */
                cJSON_AddNumberToObject(step, "bytes", num_of(e->json, "bytes_sent", 0));
                note(c, "seq %llu: no truncation point journaled; cut after the bytes sent",
                     (unsigned long long)e->seq);
            }
        } else if (!cJSON_HasObjectItem(step, "interval_ms")) {
            cJSON_AddNumberToObject(step, "interval_ms", 50);
            note(c, "seq %llu: no drip chunking journaled; 1 byte every 50 ms",
                 (unsigned long long)e->seq);
        }
        add_delay(step, e->delay_ms);
    } else if (strcmp(a, "hang") == 0) {
        cJSON_AddStringToObject(step, "action", "hang");
        const cJSON *max = cJSON_GetObjectItemCaseSensitive(e->reply, "max_ms");
        if (cJSON_IsNumber(max))
            cJSON_AddNumberToObject(step, "max_ms", max->valuedouble);
        answers = false;
    } else if (strcmp(a, "drop") == 0 || strcmp(a, "reset") == 0) {
        cJSON_AddStringToObject(step, "action", a);
        add_delay(step, e->delay_ms);
        answers = false;
    } else if (strcmp(a, "malformed") == 0 || strcmp(a, "empty") == 0) {
        cJSON_AddStringToObject(step, "action", a);
        const char *body = str_of(e->reply, "body");
        if (body != NULL && strcmp(a, "malformed") == 0)
            cJSON_AddStringToObject(step, "body", body);
        add_delay(step, e->delay_ms);
    } else if (strcmp(a, "slow_read") == 0) {
        /* A slow_read rule cannot match on the operation: the body is read slowly before it
         * is known. The replay reads it at full speed. */
        note(c,
             "seq %llu: slow_read is not reproduced per operation; the replay answers "
             "normally",
             (unsigned long long)e->seq);
        cJSON_AddStringToObject(step, "action", "pass");
        add_delay(step, e->delay_ms);
    } else {
        note(c, "seq %llu: action \"%s\" is not one capture knows; the replay answers normally",
             (unsigned long long)e->seq, a);
        cJSON_AddStringToObject(step, "action", "pass");
    }
    if (close && answers)
        cJSON_AddStringToObject(step, "connection", "close");
    e->fault = str_of(step, "action");
    return step;
}

static int by_specificity(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    /* Operations before fields (a field rule would also take a named operation), tighter
     * matches first (variables are matched as a subset), then the captured order. */
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->specificity != y->specificity)
        return x->specificity > y->specificity ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* One rule (or several, past eso-mock's steps per rule) per key, in order. */
static cJSON *build_rules(struct capture *c)
{
    cJSON *rules = cJSON_CreateArray();
    size_t *order = calloc(c->key_count + 1, sizeof(*order));
    struct key *sorted = calloc(c->key_count + 1, sizeof(*sorted));
    if (rules == NULL || order == NULL || sorted == NULL)
        goto out;
    memcpy(sorted, c->keys, c->key_count * sizeof(*sorted));
    qsort(sorted, c->key_count, sizeof(*sorted), by_specificity);
    size_t rule_count = 0;
    for (size_t k = 0; k < c->key_count; k++) {
        size_t key = c->entries[sorted[k].first].key;
        size_t total = 0;
        for (size_t i = 0; i < c->count; i++)
            total += c->entries[i].key == key && c->entries[i].step != NULL;
        if (total == 0)
            continue;
        size_t placed = 0, part = 0;
        cJSON *script = NULL;
        for (size_t i = 0; i < c->count; i++) {
            struct entry *e = &c->entries[i];
            if (e->key != key || e->step == NULL)
                continue;
            if (script == NULL || cJSON_GetArraySize(script) == (int)STEPS_PER_RULE) {
                if (rule_count == MAX_RULES) {
                    note(c, "more than %u rules; the rest is left out", MAX_RULES);
                    goto out;
                }
                cJSON *rule = cJSON_CreateObject();
                char name[64];
                if (part == 0)
                    snprintf(name, sizeof(name), "%zu-%s", rule_count + 1, c->keys[key].label);
                else
                    snprintf(name, sizeof(name), "%zu-%s-%zu", rule_count + 1, c->keys[key].label,
                             part + 1);
                cJSON_AddStringToObject(rule, "name", name);
                cJSON_AddItemToObject(rule, "match", cJSON_Duplicate(c->keys[key].match, true));
                script = cJSON_AddArrayToObject(rule, "script");
                cJSON_AddItemToArray(rules, rule);
                rule_count++;
                part++;
            }
            cJSON_AddNumberToObject(e->step, "times", 1);
            placed++;
            bool last_of_part = cJSON_GetArraySize(script) == (int)STEPS_PER_RULE - 1;
            if (last_of_part && placed < total)
                cJSON_AddFalseToObject(e->step, "repeat"); /* the next rule takes over */
            cJSON_AddItemToArray(script, e->step);
            e->step = NULL;
        }
        /* What the captured run never asked: the normal answer, as without a scenario. */
        cJSON *pass = cJSON_CreateObject();
        cJSON_AddStringToObject(pass, "action", "pass");
        cJSON_AddItemToArray(script, pass);
    }
    free(order);
    free(sorted);
    return rules;
out:
    free(order);
    free(sorted);
    cJSON_Delete(rules);
    return NULL;
}

/* What libesologs made of the last attempt, when the journal tells it; NULL when it does not. */
static const char *outcome_of(const struct capture *c, const struct entry *e, size_t attempts)
{
    const char *f = e->fault != NULL ? e->fault : "pass";
    bool aborted = e->state != NULL && strcmp(e->state, "aborted") == 0;
    bool answered = !aborted && e->status >= 200 && e->status < 300;
    const char *body = str_of(e->reply, "body");
    if (answered &&
        (strcmp(f, "pass") == 0 || strcmp(f, "delay") == 0 || strcmp(f, "drip") == 0 ||
         (strcmp(f, "respond") == 0 && (body == NULL || strstr(body, "\"errors\"") == NULL))))
        return "ok";
    /* A failure: the call's outcome is its last attempt's only when it ran out of attempts
     * (a deadline or the retry budget would have said otherwise). */
    if (attempts < c->max_attempts || c->has_deadline)
        return NULL;
    if (aborted && (strcmp(f, "hang") == 0 || strcmp(f, "delay") == 0 || strcmp(f, "drip") == 0))
        return "timeout";
    if (strcmp(f, "hang") == 0)
        return "timeout";
    if (strcmp(f, "drop") == 0)
        return "connection_dropped";
    if (strcmp(f, "reset") == 0)
        return "connection_reset";
    if (strcmp(f, "truncate") == 0)
        return "truncated";
    if (strcmp(f, "malformed") == 0 || strcmp(f, "empty") == 0)
        return "malformed_json";
    if (strcmp(f, "respond") == 0 && e->status == 429)
        return "rate_limited";
    if (strcmp(f, "respond") == 0 && e->status >= 500)
        return "server_error";
    return NULL;
}

/* The call number and client instance of a libesologs request id ("1a2b3c4d-7"). */
static void parse_request_id(struct call *call)
{
    const char *dash = strrchr(call->id, '-');
    char *end = NULL;
    if (dash == NULL)
        return;
    errno = 0;
    unsigned long long n = strtoull(dash + 1, &end, 10);
    if (errno == 0 && end != dash + 1 && *end == '\0')
        call->number = n;
    snprintf(call->instance, sizeof(call->instance), "%.*s", (int)(dash - call->id), call->id);
}

static int by_number(const void *a, const void *b)
{
    const struct call *x = a, *y = b;
    return x->number < y->number ? -1 : x->number > y->number;
}

static int by_first_seq(const void *a, const void *b)
{
    const struct call *x = a, *y = b;
    return x->first_seq < y->first_seq ? -1 : x->first_seq > y->first_seq;
}

/* The client's calls: the GraphQL requests grouped by X-Request-Id, in the order made. */
static size_t group_calls(struct capture *c, struct call *calls, bool *one_client)
{
    size_t n = 0, anonymous = 0;
    for (size_t i = 0; i < c->count; i++) {
        const struct entry *e = &c->entries[i];
        if (strcmp(e->path, "/oauth/token") == 0 || e->fault == NULL)
            continue;
        if (e->request_id == NULL || e->operation == NULL ||
            eso_operation_document(e->operation) == NULL) {
            anonymous++;
            continue;
        }
        size_t k = 0;
        while (k < n && strcmp(calls[k].id, e->request_id) != 0)
            k++;
        if (k == n) {
            if (n == MAX_CALLS) {
                note(c, "more than %u calls: the expect section lists the first %u", MAX_CALLS,
                     MAX_CALLS);
                break;
            }
            calls[n] = (struct call){.first_seq = e->seq};
            snprintf(calls[n].id, sizeof(calls[n].id), "%s", e->request_id);
            parse_request_id(&calls[n]);
            n++;
        }
        if (calls[k].count < sizeof(calls[k].entries) / sizeof(calls[k].entries[0]))
            calls[k].entries[calls[k].count++] = i;
    }
    if (anonymous > 0)
        note(c,
             "%zu request%s not from libesologs (no X-Request-Id or another operation name): "
             "scripted, but not in the expect section",
             anonymous, anonymous == 1 ? "" : "s");
    *one_client = n > 0;
    for (size_t k = 0; k < n; k++)
        *one_client =
            *one_client && calls[k].number > 0 && strcmp(calls[k].instance, calls[0].instance) == 0;
    /* One client numbers its calls; several clients' calls are ordered by arrival. */
    qsort(calls, n, sizeof(*calls), *one_client ? by_number : by_first_seq);
    return n;
}

/* The original's calls one by one (repeat unrolled); 0 when there is none or a batch. */
static size_t unroll_original(struct capture *c, const cJSON **ops, const cJSON **vars,
                              double *waits, size_t max)
{
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(c->original, "expect"), "calls");
    size_t n = 0;
    const cJSON *call;
    cJSON_ArrayForEach(call, calls)
    {
        double repeat = num_of(call, "repeat", 1), concurrency = num_of(call, "concurrency", 1);
        if (concurrency > 1) {
            note(c, "the original makes a batch: its calls are not lined up with the journal");
            return 0;
        }
        for (double r = 0; r < repeat; r++) {
            if (n == max)
                return n;
            ops[n] = cJSON_GetObjectItemCaseSensitive(call, "operation");
            vars[n] = cJSON_GetObjectItemCaseSensitive(call, "variables");
            waits[n] = r == 0 ? num_of(call, "wait_ms", 0) : 0;
            n++;
        }
    }
    return n;
}

static void add_call(cJSON *list, const char *operation, const cJSON *variables, double wait_ms,
                     cJSON *expect)
{
    cJSON *call = cJSON_CreateObject();
    cJSON_AddStringToObject(call, "operation", operation);
    if (cJSON_IsObject(variables) && variables->child != NULL)
        cJSON_AddItemToObject(call, "variables", cJSON_Duplicate(variables, true));
    if (wait_ms > 0)
        cJSON_AddNumberToObject(call, "wait_ms", wait_ms);
    cJSON_AddItemToObject(call, "expect", expect);
    cJSON_AddItemToArray(list, call);
}

static cJSON *call_expect(struct capture *c, const struct call *call)
{
    cJSON *expect = cJSON_CreateObject();
    const struct entry *last = &c->entries[call->entries[call->count - 1]];
    const char *outcome = outcome_of(c, last, call->count);
    if (outcome != NULL)
        cJSON_AddStringToObject(expect, "outcome", outcome);
    cJSON_AddNumberToObject(expect, "attempts", (double)call->count);
    cJSON_AddNumberToObject(expect, "server_requests", (double)call->count);
    cJSON *faults = cJSON_AddArrayToObject(expect, "faults");
    for (size_t i = 0; i < call->count; i++)
        cJSON_AddItemToArray(faults, cJSON_CreateString(c->entries[call->entries[i]].fault));
    return expect;
}

/* expect.calls: every call of the captured run with what it saw; NULL when there is none. */
static cJSON *build_calls(struct capture *c)
{
    struct call *calls = calloc(MAX_CALLS, sizeof(*calls));
    const cJSON **ops = calloc(MAX_CALLS, sizeof(*ops)), **vars = calloc(MAX_CALLS, sizeof(*vars));
    double *waits = calloc(MAX_CALLS, sizeof(*waits));
    cJSON *list = cJSON_CreateArray();
    if (calls == NULL || ops == NULL || vars == NULL || waits == NULL || list == NULL)
        goto fail;
    bool one_client = false;
    size_t n = group_calls(c, calls, &one_client);
    bool filtered = c->o->operation_count > 0 || c->o->since_seq > 0 || c->o->until_seq > 0 ||
                    c->o->since_ms > 0 || c->o->until_ms >= 0;
    size_t planned = one_client && !filtered && c->original != NULL
                         ? unroll_original(c, ops, vars, waits, MAX_CALLS)
                         : 0;
    /* Line the journal's calls up with the original's by call number: a call that never
     * reached the server (a breaker or budget refusal) is in the original only. */
    for (size_t k = 0; planned > 0 && k < n; k++) {
        uint64_t at = calls[k].number - 1; /* numbers start at 1 (one_client) */
        const cJSON *op = at < planned ? ops[at] : NULL;
        if (!cJSON_IsString(op) ||
            strcmp(op->valuestring, c->entries[calls[k].entries[0]].operation) != 0) {
            note(c,
                 "the journal's calls do not line up with %s's; the expect section lists "
                 "only the calls the journal shows",
                 c->o->client_from);
            planned = 0;
        }
    }
    if (planned > 0) {
        size_t k = 0;
        for (size_t i = 0; i < planned; i++) {
            if (k < n && calls[k].number == i + 1) {
                const struct entry *first = &c->entries[calls[k].entries[0]];
                add_call(list, first->operation, first->variables, waits[i],
                         call_expect(c, &calls[k]));
                k++;
            } else {
                cJSON *expect = cJSON_CreateObject();
                cJSON_AddNumberToObject(expect, "server_requests", 0);
                add_call(list, ops[i]->valuestring, vars[i], waits[i], expect);
            }
        }
    } else {
        for (size_t k = 0; k < n; k++) {
            const struct entry *first = &c->entries[calls[k].entries[0]];
            add_call(list, first->operation, first->variables, 0, call_expect(c, &calls[k]));
        }
    }
    free(calls);
    free(ops);
    free(vars);
    free(waits);
    if (cJSON_GetArraySize(list) == 0) {
        cJSON_Delete(list);
        return NULL;
    }
    return list;
fail:
    free(calls);
    free(ops);
    free(vars);
    free(waits);
    cJSON_Delete(list);
    return NULL;
}

static int load_original(struct capture *c, char *err, size_t err_size)
{
    c->max_attempts = 4; /* libesologs' default */
    if (c->o->client_from == NULL)
        return 0;
    char *text = read_all(c->o->client_from, MAX_SCENARIO_BYTES, err, err_size);
    if (text == NULL)
        return -1;
    c->original = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsObject(c->original)) {
        snprintf(err, err_size, "%s is not a scenario (a JSON object)", c->o->client_from);
        return -1;
    }
    const cJSON *client = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(c->original, "expect"), "client");
    double max = num_of(client, "max_attempts", 0);
    if (max >= 1)
        c->max_attempts = (unsigned)max;
    c->has_deadline = num_of(client, "deadline_ms", 0) > 0;
    return 0;
}

static void scenario_name(const struct capture *c, char *name, size_t size)
{
    const char *given = c->o->name;
    const char *orig = str_of(c->original, "name");
    char raw[128];
    if (given != NULL)
        snprintf(raw, sizeof(raw), "%s", given);
    else
        snprintf(raw, sizeof(raw), "replay-%s", orig != NULL ? orig : "journal");
    size_t n = 0;
    for (const char *p = raw; *p != '\0' && n + 1 < size && n < 64; p++) {
        char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
                  ch == '-';
        name[n++] = ok ? ch : '-';
    }
    name[n] = '\0';
}

static cJSON *build_scenario(struct capture *c, cJSON *rules, cJSON *calls)
{
    cJSON *doc = cJSON_CreateObject();
    char name[65], description[512];
    scenario_name(c, name, sizeof(name));
    cJSON_AddStringToObject(doc, "name", name);
    snprintf(description, sizeof(description),
             "Captured by eso-scenario capture from %.200s: %zu requests, each given the server "
             "behaviour it got, in the same order per operation, whatever the seed and the "
             "timing. Run it: PASS means the replay reproduced the captured run.",
             c->o->journal_path, c->count);
    cJSON_AddStringToObject(doc, "description", description);
    for (size_t i = 0; i < c->count; i++) {
        const cJSON *ttl = cJSON_GetObjectItemCaseSensitive(c->entries[i].reply, "expires_in");
        if (strcmp(c->entries[i].path, "/oauth/token") == 0 && cJSON_IsNumber(ttl) &&
            ttl->valuedouble >= 1) {
            /* The client renews its token by its lifetime: the same lifetime again. */
            cJSON *settings = cJSON_AddObjectToObject(doc, "settings");
            cJSON_AddNumberToObject(settings, "token_ttl_s", floor(ttl->valuedouble));
            break;
        }
    }
    cJSON_AddItemToObject(doc, "rules", rules);
    if (calls != NULL) {
        cJSON *expect = cJSON_AddObjectToObject(doc, "expect");
        const cJSON *orig = cJSON_GetObjectItemCaseSensitive(c->original, "expect");
        const cJSON *scale = cJSON_GetObjectItemCaseSensitive(orig, "time_scale");
        const cJSON *client = cJSON_GetObjectItemCaseSensitive(orig, "client");
        if (cJSON_IsNumber(scale))
            cJSON_AddItemToObject(expect, "time_scale", cJSON_Duplicate(scale, true));
        if (cJSON_IsObject(client)) {
            cJSON *copy = cJSON_Duplicate(client, true);
            /* Never copy a secret; the replay fetches a token of its own. */
            cJSON_DeleteItemFromObjectCaseSensitive(copy, "bearer_token");
            cJSON_AddItemToObject(expect, "client", copy);
        }
        cJSON_AddItemToObject(expect, "calls", calls);
    } else {
        note(c, "no libesologs call in the journal: the scenario has no expect section");
    }
    return doc;
}

int esoh__capture(const struct esoh__capture_options *opts, char **out, FILE *notes, char *err,
                  size_t err_size)
{
    int rc = -1;
    struct capture c = {.o = opts, .notes = notes};
    char *text = NULL;
    cJSON *doc = NULL;
    *out = NULL;
    if (load_original(&c, err, err_size) != 0)
        goto out;
    text = read_all(opts->journal_path, MAX_JOURNAL_BYTES, err, err_size);
    if (text == NULL || parse_journal(&c, text, err, err_size) != 0 ||
        select_entries(&c, err, err_size) != 0)
        goto out;
    c.keys = calloc(MAX_RULES + 1, sizeof(*c.keys));
    if (c.keys == NULL) {
        snprintf(err, err_size, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c.count; i++) {
        struct entry *e = &c.entries[i];
        if (key_of(&c, e) == 0)
            e->step = step_of(&c, e);
    }
    cJSON *rules = build_rules(&c);
    if (rules == NULL) {
        snprintf(err, err_size, "out of memory");
        goto out;
    }
    doc = build_scenario(&c, rules, build_calls(&c));
    *out = doc != NULL ? cJSON_Print(doc) : NULL;
    if (*out == NULL) {
        snprintf(err, err_size, "out of memory");
        goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; i < c.count; i++)
        cJSON_Delete(c.entries[i].step);
    for (size_t k = 0; k < c.key_count; k++) {
        free(c.keys[k].text);
        cJSON_Delete(c.keys[k].match);
    }
    free(c.keys);
    for (size_t i = 0; i < c.line_count; i++)
        cJSON_Delete(c.lines[i]);
    free(c.lines);
    free(c.entries);
    cJSON_Delete(c.doc);
    cJSON_Delete(c.original);
    cJSON_Delete(doc);
    free(text);
    return rc;
}

static void capture_usage(FILE *to)
{
    fprintf(
        to,
        "Usage: eso-scenario capture [-o FILE] [--client-from SCENARIO] [--operation NAME]...\n"
        "                            [--since MS] [--until MS] [--since-seq N] [--until-seq N]\n"
        "                            [--name NAME] JOURNAL\n"
        "\n"
        "Turn an eso-mock journal (--journal JSON lines, or the JSON of GET /__admin/requests;\n"
        "\"-\" reads stdin) into a scenario that gives the same client calls the same server\n"
        "behaviour again, request by request in the same order per operation (status,\n"
        "headers, delay, truncation point, drip, token answers), with no seed and no\n"
        "probability; its expect section says what the captured run saw (attempts, faults,\n"
        "outcome per call), so `eso-scenario run` on it says whether it reproduced.\n"
        "Secrets (Authorization, client secrets, tokens) are never copied.\n"
        "\n"
        "  -o, --output FILE       write the scenario to FILE (checked as `check` would);\n"
        "                          default stdout\n"
        "      --client-from FILE  the scenario the journal came from: its expect.client,\n"
        "                          time_scale and calls (calls that never reached the server\n"
        "                          included) are used for the replay\n"
        "      --operation NAME    keep only this operation's requests (repeatable)\n"
        "      --since MS, --until MS\n"
        "                          keep requests that arrived at t_ms >= since, < until\n"
        "      --since-seq N, --until-seq N\n"
        "                          keep requests with seq > N, <= N\n"
        "      --name NAME         the scenario's name (default replay-ORIGINAL)\n"
        "  -h, --help              this text\n"
        "\n"
        "What it could not reproduce goes to stderr, one line each. Exit status: 0 written,\n"
        "1 the journal could not be used (or the output failed its check), 2 usage error.\n");
}

static int capture_usage_error(const char *what, const char *arg)
{
    char shown[512];
    fprintf(stderr, "eso-scenario capture: %s%s%s%s\nTry 'eso-scenario capture --help'.\n", what,
            arg != NULL ? " '" : "",
            arg != NULL ? esoh__text_escape(arg, shown, sizeof(shown)) : "",
            arg != NULL ? "'" : "");
    return 2;
}

static bool parse_number(const char *text, double min, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(v) || v < min)
        return false;
    *out = v;
    return true;
}

static bool parse_seq(const char *text, uint64_t *out)
{
    if (text[0] < '0' || text[0] > '9')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

enum {
    OPT_CLIENT_FROM = 256,
    OPT_OPERATION,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_SINCE_SEQ,
    OPT_UNTIL_SEQ,
    OPT_NAME
};

int esoh__capture_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"client-from", required_argument, NULL, OPT_CLIENT_FROM},
        {"operation", required_argument, NULL, OPT_OPERATION},
        {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"since-seq", required_argument, NULL, OPT_SINCE_SEQ},
        {"until-seq", required_argument, NULL, OPT_UNTIL_SEQ},
        {"name", required_argument, NULL, OPT_NAME},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct esoh__capture_options o = {.until_ms = -1};
    const char *output = NULL;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            output = optarg;
            break;
        case OPT_CLIENT_FROM:
            o.client_from = optarg;
            break;
        case OPT_OPERATION:
            if (o.operation_count == ESOH__CAPTURE_MAX_OPERATIONS)
                return capture_usage_error("too many --operation options", NULL);
            o.operations[o.operation_count++] = optarg;
            break;
        case OPT_SINCE:
            if (!parse_number(optarg, 0, &o.since_ms))
                return capture_usage_error("--since wants milliseconds >= 0, got", optarg);
            break;
        case OPT_UNTIL:
            if (!parse_number(optarg, 0, &o.until_ms))
                return capture_usage_error("--until wants milliseconds >= 0, got", optarg);
            break;
        case OPT_SINCE_SEQ:
            if (!parse_seq(optarg, &o.since_seq))
                return capture_usage_error("--since-seq wants a sequence number, got", optarg);
            break;
        case OPT_UNTIL_SEQ:
            if (!parse_seq(optarg, &o.until_seq) || o.until_seq == 0)
                return capture_usage_error("--until-seq wants a sequence number >= 1, got", optarg);
            break;
        case OPT_NAME:
            o.name = optarg;
            break;
        case 'h':
            capture_usage(stdout);
            return 0;
        case ':':
            return capture_usage_error("this option needs a value:", argv[optind - 1]);
        default:
            return capture_usage_error("unknown option", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return capture_usage_error("no journal given", NULL);
    if (optind + 1 < argc)
        return capture_usage_error("one journal at a time; also got", argv[optind + 1]);
    if (o.until_ms >= 0 && o.until_ms <= o.since_ms)
        return capture_usage_error("--until must be after --since", NULL);
    o.journal_path = argv[optind];

    char err[512] = "", shown[2048];
    char *text = NULL;
    if (esoh__capture(&o, &text, stderr, err, sizeof(err)) != 0) {
        fprintf(stderr, "eso-scenario capture: %s\n", esoh__text_escape(err, shown, sizeof(shown)));
        return 1;
    }
    int rc = 0;
    FILE *f = output != NULL ? fopen(output, "w") : stdout;
    if (f == NULL || fputs(text, f) == EOF || fputc('\n', f) == EOF) {
        fprintf(stderr, "eso-scenario capture: cannot write %s\n",
                esoh__text_escape(output != NULL ? output : "stdout", shown, sizeof(shown)));
        rc = 1;
    }
    if (f != NULL && f != stdout && fclose(f) != 0)
        rc = 1;
    free(text);
    /* What capture writes, run plays: say at once when it would not. */
    if (rc == 0 && output != NULL && esoh_scenario_check_file(output, NULL, stderr) != 0) {
        fprintf(stderr, "eso-scenario capture: %s does not pass check (a bug: please report it)\n",
                esoh__text_escape(output, shown, sizeof(shown)));
        rc = 1;
    }
    if (rc == 0 && output != NULL)
        fprintf(stderr, "eso-scenario capture: wrote %s; replay it with: eso-scenario run %s\n",
                esoh__text_escape(output, shown, sizeof(shown)), shown);
    return rc;
}
