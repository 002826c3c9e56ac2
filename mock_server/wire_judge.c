/*
 * Judging a journal against a wire section: each request is attributed to the call that
 * made it, each call's requests become a sequence of attempts with waits between them, and
 * each expectation's kinds are checked on the calls it selects. Times are scenario time:
 * journal times divided by the run's time scale.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_private.h"

/* A request that arrives this long (real ms) after its call's end still counts as its own:
 * the caller's clock and the journal's are read a few microseconds apart. */
#define CALL_END_SLACK_MS 1.0

/* ---- answers ---------------------------------------------------------------------------- */

enum esomock_wire_answer esomock_wire_answer_of(const struct esomock_journal_entry *e)
{
    if (e->state == ESOMOCK_ENTRY_IN_FLIGHT)
        return ESOMOCK_WIRE_IN_FLIGHT;
    const char *a = e->action;
    if (strcmp(a, "drop") == 0 || strcmp(a, "reset") == 0)
        return ESOMOCK_WIRE_NO_ANSWER;
    if (strcmp(a, "truncate") == 0 || strcmp(a, "malformed") == 0 || strcmp(a, "empty") == 0)
        return ESOMOCK_WIRE_BROKEN;
    /* The client left before the answer ended: it timed out (or gave up). */
    if (e->state == ESOMOCK_ENTRY_ABORTED || strcmp(a, "hang") == 0 || e->status == 0)
        return ESOMOCK_WIRE_TIMED_OUT;
    if (e->status == 429)
        return ESOMOCK_WIRE_RATE_LIMITED;
    if (e->status == 401)
        return ESOMOCK_WIRE_UNAUTHORIZED;
    if (e->status >= 500)
        return ESOMOCK_WIRE_SERVER_ERROR;
    if (e->status >= 300)
        return ESOMOCK_WIRE_REJECTED;
    return e->graphql_errors ? ESOMOCK_WIRE_GRAPHQL_ERRORS : ESOMOCK_WIRE_OK;
}

/*
 * libmicrohttpd notes an answer's end (duration_ms) only when it next looks at the
 * connection, on a loaded machine as late as the client's next request, and a real wait
 * would read as none; sent_ms is when eso-mock handed the end over. A sent_ms before the
 * arrival (a journal made by hand without one) is none.
 */
double esomock_wire_answer_end_ms(const struct esomock_journal_entry *e)
{
    if (e->state == ESOMOCK_ENTRY_IN_FLIGHT)
        return -1;
    if (e->state == ESOMOCK_ENTRY_COMPLETED && e->sent_ms >= e->t_ms)
        return e->sent_ms;
    return e->t_ms + e->duration_ms;
}

const char *esomock_wire_answer_name(enum esomock_wire_answer answer)
{
    switch (answer) {
    case ESOMOCK_WIRE_OK:
        return "ok";
    case ESOMOCK_WIRE_GRAPHQL_ERRORS:
        return "graphql_errors";
    case ESOMOCK_WIRE_SERVER_ERROR:
        return "server_error";
    case ESOMOCK_WIRE_RATE_LIMITED:
        return "rate_limited";
    case ESOMOCK_WIRE_UNAUTHORIZED:
        return "unauthorized";
    case ESOMOCK_WIRE_REJECTED:
        return "rejected";
    case ESOMOCK_WIRE_NO_ANSWER:
        return "no_answer";
    case ESOMOCK_WIRE_TIMED_OUT:
        return "timed_out";
    case ESOMOCK_WIRE_BROKEN:
        return "broken";
    case ESOMOCK_WIRE_IN_FLIGHT:
        return "in_flight";
    }
    return "unknown";
}

bool esomock_wire_answer_is_transient(enum esomock_wire_answer answer)
{
    return answer == ESOMOCK_WIRE_SERVER_ERROR || answer == ESOMOCK_WIRE_RATE_LIMITED ||
           answer == ESOMOCK_WIRE_NO_ANSWER || answer == ESOMOCK_WIRE_TIMED_OUT ||
           answer == ESOMOCK_WIRE_BROKEN;
}

/* What a breaker counts as a failure: the server's health, not a rate limit or a bad query. */
static bool breaker_failure(enum esomock_wire_answer a)
{
    return esomock_wire_answer_is_transient(a) && a != ESOMOCK_WIRE_RATE_LIMITED;
}

static bool is_graphql(const struct esomock_journal_entry *e)
{
    return !e->admin && strncmp(e->path, "/api/v2/", 8) == 0;
}

static bool is_token(const struct esomock_journal_entry *e)
{
    return !e->admin && strcmp(e->path, "/oauth/token") == 0;
}

/* ---- attribution ------------------------------------------------------------------------ */

static bool running_at(const struct esomock_wire_call *c, double t_ms)
{
    return c->start_ms <= t_ms && (c->end_ms < 0 || t_ms <= c->end_ms + CALL_END_SLACK_MS);
}

/* The call @p e belongs to, or -1; *shared is set when another call ran as well and the
 * request carried no id to tell them apart. */
static long attribute_one(const struct esomock_journal_entry *e,
                          const struct esomock_wire_call *calls, size_t call_count, bool *shared)
{
    *shared = false;
    if (e->admin)
        return -1;
    if (e->request_id[0] != '\0') {
        for (size_t i = 0; i < call_count; i++) {
            if (calls[i].request_id != NULL && strcmp(calls[i].request_id, e->request_id) == 0)
                return (long)i;
        }
    }
    /* The latest call asked before the request arrived: a request of an earlier call that
     * had ended by then (give or take the clocks' slack) is not one. */
    long latest = -1;
    for (size_t i = 0; i < call_count; i++) {
        if (running_at(&calls[i], e->t_ms) &&
            (latest < 0 || calls[i].start_ms >= calls[latest].start_ms))
            latest = (long)i;
    }
    if (latest < 0)
        return -1;
    /* Calls really running at the same time as it (not merely ending as it began): the
     * request could be any of theirs. It goes to the earliest, and they are judged together. */
    long earliest = latest;
    for (size_t i = 0; i < call_count; i++) {
        if ((long)i == latest || !running_at(&calls[i], e->t_ms))
            continue;
        if (calls[i].end_ms >= 0 && calls[i].end_ms <= calls[latest].start_ms)
            continue;
        *shared = true;
        if (calls[i].start_ms < calls[earliest].start_ms ||
            (calls[i].start_ms == calls[earliest].start_ms && (long)i < earliest))
            earliest = (long)i;
    }
    return earliest;
}

enum esomock_status esomock_wire_attribute(const struct esomock_journal_entry *entries,
                                           size_t entry_count,
                                           const struct esomock_wire_call *calls, size_t call_count,
                                           long *call_of)
{
    if ((entry_count > 0 && (entries == NULL || call_of == NULL)) ||
        (call_count > 0 && calls == NULL))
        return ESOMOCK_BAD_ARGUMENT;
    for (size_t i = 0; i < entry_count; i++) {
        bool shared = false;
        call_of[i] = attribute_one(&entries[i], calls, call_count, &shared);
    }
    return ESOMOCK_OK;
}

/* ---- the run, prepared ------------------------------------------------------------------ */

struct request {
    const struct esomock_journal_entry *e;
    double at;  /* arrival, scenario ms */
    double end; /* end of the answer (or of the client's wait), scenario ms */
    long call;  /* index in calls, or -1 */
    enum esomock_wire_answer answer;
};

struct judge {
    const struct esomock_wire *wire;
    const struct esomock_wire_call *calls;
    size_t call_count;
    double scale;
    double early; /* scenario ms a lower bound allows */
    double late;  /* scenario ms an upper bound allows */
    bool upper_unjudged;
    double run_end;      /* scenario ms */
    struct request *gql; /* GraphQL requests, arrival order */
    size_t gql_count;
    struct request *tokens; /* token requests */
    size_t token_count;
    size_t *cluster; /* per call: the first call of the calls it ran with, unseparated */
    struct esomock_wire_verdict *out;
    size_t out_count;
    size_t out_cap;
};

static size_t find_root(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static int by_arrival(const void *a, const void *b)
{
    const struct request *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->e->seq < y->e->seq ? -1 : x->e->seq > y->e->seq;
}

static int prepare(struct judge *j, const struct esomock_journal_entry *entries, size_t n,
                   const struct esomock_wire_options *opts)
{
    j->gql = calloc(n + 1, sizeof(*j->gql));
    j->tokens = calloc(n + 1, sizeof(*j->tokens));
    j->cluster = calloc(j->call_count + 1, sizeof(*j->cluster));
    if (j->gql == NULL || j->tokens == NULL || j->cluster == NULL)
        return -1;
    for (size_t i = 0; i < j->call_count; i++)
        j->cluster[i] = i;
    double last_end = 0;
    for (size_t i = 0; i < n; i++) {
        const struct esomock_journal_entry *e = &entries[i];
        if (!is_graphql(e) && !is_token(e))
            continue;
        bool shared = false;
        long call = attribute_one(e, j->calls, j->call_count, &shared);
        /* Calls running together whose requests carry no id to tell them apart: one unit. */
        if (shared) {
            for (size_t k = 0; k < j->call_count; k++) {
                const struct esomock_wire_call *c = &j->calls[k];
                if (running_at(c, e->t_ms) && call >= 0 &&
                    (c->end_ms < 0 || c->end_ms > j->calls[call].start_ms)) {
                    size_t a = find_root(j->cluster, k), b = find_root(j->cluster, (size_t)call);
                    j->cluster[a > b ? a : b] = a < b ? a : b;
                }
            }
        }
        struct request r = {
            .e = e,
            .at = e->t_ms / j->scale,
            .end =
                (e->state == ESOMOCK_ENTRY_IN_FLIGHT ? (opts->end_ms > 0 ? opts->end_ms : e->t_ms)
                                                     : esomock_wire_answer_end_ms(e)) /
                j->scale,
            .call = call,
            .answer = esomock_wire_answer_of(e),
        };
        if (r.end > last_end)
            last_end = r.end;
        if (is_graphql(e))
            j->gql[j->gql_count++] = r;
        else
            j->tokens[j->token_count++] = r;
    }
    for (size_t i = 0; i < j->call_count; i++)
        j->cluster[i] = find_root(j->cluster, i);
    qsort(j->gql, j->gql_count, sizeof(*j->gql), by_arrival);
    qsort(j->tokens, j->token_count, sizeof(*j->tokens), by_arrival);
    j->run_end = opts->end_ms > 0 ? opts->end_ms / j->scale : last_end;
    for (size_t i = 0; i < j->call_count; i++) {
        double end = j->calls[i].end_ms / j->scale;
        if (j->calls[i].end_ms >= 0 && end > j->run_end)
            j->run_end = end;
    }
    return 0;
}

/* ---- selection -------------------------------------------------------------------------- */

static bool selects(const struct esomock_wire_expectation *x, const struct esomock_wire_call *c)
{
    if (x->all_calls)
        return true;
    for (size_t i = 0; i < x->group_count; i++) {
        if (x->groups[i] == c->group)
            return true;
    }
    for (size_t i = 0; i < x->name_count; i++) {
        if (c->name != NULL && strcmp(c->name, x->names[i]) == 0)
            return true;
    }
    return false;
}

/* Whether request @p r belongs to the expectation's selection. */
static bool in_selection(const struct judge *j, const struct esomock_wire_expectation *x,
                         const struct request *r)
{
    if (x->all_calls)
        return true;
    if (r->call < 0)
        return false;
    /* A request of a unit of calls that ran together counts for each of them. */
    size_t root = j->cluster[r->call];
    for (size_t i = 0; i < j->call_count; i++) {
        if (j->cluster[i] == root && selects(x, &j->calls[i]))
            return true;
    }
    return false;
}

/* A call, or calls that ran together without ids, with its requests in arrival order. */
struct unit {
    size_t first_call; /* the unit's first call */
    size_t call_count; /* calls in the unit */
    const struct request **req;
    size_t req_count;
    double start; /* scenario ms */
};

/* The units of the calls @p x selects. The caller frees each req array and the array. */
static struct unit *units_of(const struct judge *j, const struct esomock_wire_expectation *x,
                             size_t *count)
{
    struct unit *units = calloc(j->call_count + 1, sizeof(*units));
    *count = 0;
    if (units == NULL)
        return NULL;
    for (size_t i = 0; i < j->call_count; i++) {
        if (!selects(x, &j->calls[i]))
            continue;
        size_t root = j->cluster[i];
        size_t u = 0;
        while (u < *count && units[u].first_call != root)
            u++;
        if (u == *count) {
            units[u] =
                (struct unit){.first_call = root, .start = j->calls[root].start_ms / j->scale};
            for (size_t k = 0; k < j->call_count; k++)
                units[u].call_count += j->cluster[k] == root;
            units[u].req = calloc(j->gql_count + 1, sizeof(*units[u].req));
            if (units[u].req == NULL)
                break;
            for (size_t r = 0; r < j->gql_count; r++) {
                if (j->gql[r].call >= 0 && j->cluster[j->gql[r].call] == root)
                    units[u].req[units[u].req_count++] = &j->gql[r];
            }
            (*count)++;
        }
    }
    return units;
}

static void units_free(struct unit *units, size_t count)
{
    for (size_t i = 0; units != NULL && i < count; i++)
        free(units[i].req);
    free(units);
}

/* ---- text ------------------------------------------------------------------------------- */

static void s_text(double scenario_ms, char *buf, size_t size)
{
    snprintf(buf, size, "%.2f s", scenario_ms / 1000.0);
}

static const char *unit_label(const struct judge *j, const struct unit *u, char *buf, size_t size)
{
    const struct esomock_wire_call *c = &j->calls[u->first_call];
    char own[32];
    const char *label = c->label;
    if (label == NULL) {
        snprintf(own, sizeof(own), "call %zu", u->first_call + 1);
        label = own;
    }
    if (u->call_count > 1)
        snprintf(buf, size, "%s and %zu more run at once", label, u->call_count - 1);
    else
        snprintf(buf, size, "%s", label);
    return buf;
}

/* "1, 2 and 5" / "all calls". */
static void calls_text(const struct esomock_wire_expectation *x, char *buf, size_t size)
{
    if (x->all_calls) {
        snprintf(buf, size, "all calls");
        return;
    }
    size_t used =
        (size_t)snprintf(buf, size, "call%s ", x->group_count + x->name_count > 1 ? "s" : "");
    for (size_t i = 0; i < x->group_count && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%u", i ? ", " : "", x->groups[i]);
    for (size_t i = 0; i < x->name_count && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s\"%s\"",
                                 i || x->group_count ? ", " : "", x->names[i]);
}

static void bounds_text(const struct esomock_wire_bounds *b, const char *unit, char *buf,
                        size_t size)
{
    if (b->has_min && b->has_max && b->min == b->max)
        snprintf(buf, size, "%g%s", b->min, unit);
    else if (b->has_min && b->has_max)
        snprintf(buf, size, "%g to %g%s", b->min, b->max, unit);
    else if (b->has_min)
        snprintf(buf, size, "at least %g%s", b->min, unit);
    else
        snprintf(buf, size, "at most %g%s", b->max, unit);
}

/* ---- verdicts --------------------------------------------------------------------------- */

static struct esomock_wire_verdict *verdict(struct judge *j, size_t index,
                                            enum esomock_wire_kind kind)
{
    if (j->out_count == j->out_cap) {
        size_t cap = j->out_cap ? j->out_cap * 2 : 16;
        struct esomock_wire_verdict *grown = realloc(j->out, cap * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        j->out = grown;
        j->out_cap = cap;
    }
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = &j->out[j->out_count++];
    *v = (struct esomock_wire_verdict){.expectation = index, .judged = true, .passed = true};
    snprintf(v->behaviour, sizeof(v->behaviour), "%s", x->behaviour != NULL ? x->behaviour : "");
    snprintf(v->kind, sizeof(v->kind), "%s", esomock__wire_kind_names[kind]);
    calls_text(x, v->calls, sizeof(v->calls));
    return v;
}

static void set_text(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_text(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

/* Fail @p v with @p hint unless the expectation has its own. */
static void fail(const struct judge *j, struct esomock_wire_verdict *v, const char *hint)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[v->expectation];
    v->passed = false;
    snprintf(v->hint, sizeof(v->hint), "%s", x->hint != NULL ? x->hint : hint);
}

static bool within(const struct esomock_wire_bounds *b, double value)
{
    return (!b->has_min || value >= b->min) && (!b->has_max || value <= b->max);
}

/* Append "a, b, c" of per-unit values to @p buf, at most 12. */
static void list_values(const double *values, size_t n, char *buf, size_t size)
{
    size_t used = strlen(buf);
    for (size_t i = 0; i < n && i < 12 && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%g", i ? ", " : "", values[i]);
    if (n > 12 && used < size)
        snprintf(buf + used, size - used, ", ... (%zu calls)", n);
}

/* ---- per-call kinds --------------------------------------------------------------------- */

static void judge_attempts(struct judge *j, size_t index, const struct unit *units, size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_ATTEMPTS);
    if (v == NULL)
        return;
    bool one = x->attempts.has_min && x->attempts.has_max && x->attempts.max == 1;
    bounds_text(&x->attempts, one ? " request per call" : " requests per call", v->expected,
                sizeof(v->expected));
    double *values = calloc(n + 1, sizeof(*values));
    if (values == NULL)
        return;
    for (size_t u = 0; u < n; u++) {
        values[u] = (double)units[u].req_count;
        struct esomock_wire_bounds b = x->attempts;
        b.min *= (double)units[u].call_count;
        b.max *= (double)units[u].call_count;
        if (v->passed && !within(&b, values[u])) {
            char label[96];
            set_text(v->observed, sizeof(v->observed), "%s: %zu request%s",
                     unit_label(j, &units[u], label, sizeof(label)), units[u].req_count,
                     units[u].req_count == 1 ? "" : "s");
            fail(j, v,
                 x->attempts.has_min && values[u] < b.min
                     ? "retry transient failures (5xx, 429, timeouts, dropped connections) "
                       "before giving up"
                     : "send fewer requests per call: cap the attempts");
        }
    }
    if (v->passed) {
        set_text(v->observed, sizeof(v->observed), "%s", "");
        list_values(values, n, v->observed, sizeof(v->observed));
        size_t used = strlen(v->observed);
        snprintf(v->observed + used, sizeof(v->observed) - used, " request%s",
                 n == 1 && values[0] == 1 ? "" : "s");
        if (n == 0)
            set_text(v->observed, sizeof(v->observed), "no call selected");
    }
    free(values);
}

static void judge_last_answer(struct judge *j, size_t index, const struct unit *units, size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_LAST_ANSWER);
    if (v == NULL)
        return;
    set_text(v->expected, sizeof(v->expected), "%s",
             x->last_answer_ok ? "each call's last request answered ok"
                               : "each call's last request not answered ok");
    size_t ok = 0;
    for (size_t u = 0; u < n; u++) {
        const struct request *last =
            units[u].req_count ? units[u].req[units[u].req_count - 1] : NULL;
        bool is_ok = last != NULL && last->answer == ESOMOCK_WIRE_OK;
        ok += is_ok;
        if (v->passed && is_ok != x->last_answer_ok) {
            char label[96];
            set_text(v->observed, sizeof(v->observed), "%s: %s",
                     unit_label(j, &units[u], label, sizeof(label)),
                     last == NULL ? "no request at all" : esomock_wire_answer_name(last->answer));
            fail(j, v,
                 x->last_answer_ok
                     ? "keep retrying transient failures until the call succeeds (within its "
                       "deadline)"
                     : "give up on an answer no retry can fix");
        }
    }
    if (v->passed)
        set_text(v->observed, sizeof(v->observed), "%zu of %zu calls ended ok", ok, n);
}

/* The wait between @p prev's answer and @p next's arrival (one call's attempts), scenario ms. */
static double wait_between(const struct request *prev, const struct request *next)
{
    return next->at - prev->end;
}

/* The waits of unit @p u (wait_between), scenario ms. */
static size_t waits_of(const struct unit *u, double *out, size_t max)
{
    size_t n = 0;
    for (size_t k = 1; k < u->req_count && n < max; k++)
        out[n++] = wait_between(u->req[k - 1], u->req[k]);
    return n;
}

static void judge_wait(struct judge *j, size_t index, const struct unit *units, size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_WAIT);
    if (v == NULL)
        return;
    char bounds[64];
    bounds_text(&x->wait_s, " s", bounds, sizeof(bounds));
    set_text(v->expected, sizeof(v->expected),
             "every wait between attempts %s (-%.0f ms / +%.0f ms)", bounds, j->early, j->late);
    size_t judged = 0;
    double lo = 1e300, hi = 0;
    for (size_t u = 0; u < n && v->passed; u++) {
        if (units[u].call_count > 1)
            continue;
        for (size_t k = 1; k < units[u].req_count; k++) {
            double w = wait_between(units[u].req[k - 1], units[u].req[k]);
            judged++;
            lo = w < lo ? w : lo;
            hi = w > hi ? w : hi;
            bool short_ = x->wait_s.has_min && w < x->wait_s.min * 1000.0 - j->early;
            bool long_ = x->wait_s.has_max && w > x->wait_s.max * 1000.0 + j->late;
            if (!short_ && !(long_ && !j->upper_unjudged))
                continue;
            char label[96], ws[32], at[32];
            s_text(w, ws, sizeof(ws));
            s_text(units[u].req[k]->at, at, sizeof(at));
            set_text(v->observed, sizeof(v->observed), "%s: attempt %zu at %s after a wait of %s",
                     unit_label(j, &units[u], label, sizeof(label)), k + 1, at, ws);
            fail(j, v,
                 short_ ? "wait longer before a retry (exponential backoff from about 1 s)"
                        : "wait less before a retry: cap the backoff");
            break;
        }
    }
    if (!v->passed)
        return;
    if (judged == 0)
        set_text(v->observed, sizeof(v->observed), "no retries (nothing to judge)");
    else
        set_text(v->observed, sizeof(v->observed), "%zu waits from %.2f s to %.2f s", judged,
                 lo / 1000.0, hi / 1000.0);
    if (judged > 0 && x->wait_s.has_max && hi > x->wait_s.max * 1000.0 + j->late &&
        j->upper_unjudged)
        v->judged = false;
}

#define MAX_WAIT_INDEX 16

static void judge_growth(struct judge *j, size_t index, const struct unit *units, size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_GROWTH);
    if (v == NULL)
        return;
    char bounds[64];
    bounds_text(&x->growth, "", bounds, sizeof(bounds));
    set_text(v->expected, sizeof(v->expected),
             "each wait %s times the one before (means over the calls)", bounds);
    double sum[MAX_WAIT_INDEX] = {0};
    size_t samples[MAX_WAIT_INDEX] = {0};
    for (size_t u = 0; u < n; u++) {
        if (units[u].call_count > 1)
            continue;
        double waits[MAX_WAIT_INDEX];
        size_t w = waits_of(&units[u], waits, MAX_WAIT_INDEX);
        for (size_t k = 0; k < w; k++) {
            sum[k] += waits[k];
            samples[k]++;
        }
    }
    size_t levels = 0;
    while (levels < MAX_WAIT_INDEX && samples[levels] > 0)
        levels++;
    if (levels < 2) {
        set_text(v->observed, sizeof(v->observed),
                 "%s: growth needs a call with 3 attempts or more",
                 levels == 0 ? "no retries" : "one retry per call at most");
        fail(j, v, "retry more than once, each wait longer than the last (exponential backoff)");
        return;
    }
    size_t used = (size_t)snprintf(v->observed, sizeof(v->observed), "mean waits");
    for (size_t k = 0; k < levels && used < sizeof(v->observed); k++)
        used += (size_t)snprintf(v->observed + used, sizeof(v->observed) - used, "%s%.2f s",
                                 k ? " -> " : " ", sum[k] / (double)samples[k] / 1000.0);
    for (size_t k = 0; k + 1 < levels; k++) {
        double before = sum[k] / (double)samples[k], after = sum[k + 1] / (double)samples[k + 1];
        if (before <= j->early) {
            set_text(v->observed + strlen(v->observed), sizeof(v->observed) - strlen(v->observed),
                     "; wait %zu is no wait at all", k + 1);
            fail(j, v, "wait before retrying, longer each time (exponential backoff)");
            return;
        }
        double ratio = after / before;
        if (!within(&x->growth, ratio)) {
            set_text(v->observed + strlen(v->observed), sizeof(v->observed) - strlen(v->observed),
                     " (x%.2f after wait %zu)", ratio, k + 1);
            fail(j, v,
                 x->growth.has_min && ratio < x->growth.min
                     ? "multiply the wait after each failed attempt (exponential backoff)"
                     : "cap the growth of the backoff");
            return;
        }
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void judge_jitter(struct judge *j, size_t index, const struct unit *units, size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_JITTER);
    if (v == NULL)
        return;
    /* The retry level most calls reached: its waits, one per call. */
    size_t samples[MAX_WAIT_INDEX] = {0};
    for (size_t u = 0; u < n; u++) {
        double waits[MAX_WAIT_INDEX];
        size_t w = units[u].call_count > 1 ? 0 : waits_of(&units[u], waits, MAX_WAIT_INDEX);
        for (size_t k = 0; k < w; k++)
            samples[k]++;
    }
    size_t level = 0;
    for (size_t k = 1; k < MAX_WAIT_INDEX; k++)
        level = samples[k] > samples[level] ? k : level;
    double *values = calloc(n + 1, sizeof(*values));
    size_t count = 0;
    for (size_t u = 0; values != NULL && u < n; u++) {
        double waits[MAX_WAIT_INDEX];
        size_t w = units[u].call_count > 1 ? 0 : waits_of(&units[u], waits, MAX_WAIT_INDEX);
        if (w > level)
            values[count++] = waits[level];
    }
    if (count < 2) {
        set_text(v->expected, sizeof(v->expected), "%s",
                 x->jitter ? "waits that differ from call to call"
                           : "the same waits in every call");
        set_text(v->observed, sizeof(v->observed),
                 "%zu call%s retried: jitter needs 2 or more to compare", count,
                 count == 1 ? "" : "s");
        fail(j, v, "retry transient failures with a randomised wait (full or equal jitter)");
        free(values);
        return;
    }
    /* The median difference between pairs: a single wait late on a loaded machine moves it
     * little, waits drawn at random move it a lot. */
    size_t pairs = count * (count - 1) / 2, p = 0;
    double *diffs = calloc(pairs + 1, sizeof(*diffs));
    double mean = 0;
    for (size_t a = 0; a < count; a++) {
        mean += values[a] / (double)count;
        for (size_t b = a + 1; diffs != NULL && b < count; b++)
            diffs[p++] = fabs(values[a] - values[b]);
    }
    double spread = 0;
    if (diffs != NULL) {
        qsort(diffs, p, sizeof(*diffs), by_value);
        spread = p % 2 ? diffs[p / 2] : (diffs[p / 2 - 1] + diffs[p / 2]) / 2;
    }
    free(diffs);
    double threshold = 2 * j->early > 0.05 * mean ? 2 * j->early : 0.05 * mean;
    set_text(v->expected, sizeof(v->expected), "%s %.2f s (retry %zu, across calls)",
             x->jitter ? "waits differing by more than" : "waits differing by at most",
             threshold / 1000.0, level + 1);
    size_t used = (size_t)snprintf(v->observed, sizeof(v->observed), "retry %zu waits", level + 1);
    for (size_t i = 0; i < count && i < 8 && used < sizeof(v->observed); i++)
        used += (size_t)snprintf(v->observed + used, sizeof(v->observed) - used, "%s%.2f s",
                                 i ? ", " : " ", values[i] / 1000.0);
    if (used < sizeof(v->observed))
        snprintf(v->observed + used, sizeof(v->observed) - used, "%s: they differ by %.2f s",
                 count > 8 ? ", ..." : "", spread / 1000.0);
    free(values);
    if (x->jitter && spread <= threshold)
        fail(j, v, "randomise each wait (full or equal jitter) so clients do not retry in step");
    else if (!x->jitter && spread > threshold)
        fail(j, v, "use the same wait each time here (no jitter)");
}

static void judge_retry_after(struct judge *j, size_t index, const struct unit *units, size_t n)
{
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_RETRY_AFTER);
    if (v == NULL)
        return;
    set_text(v->expected, sizeof(v->expected),
             "no attempt before the previous answer's Retry-After ended (-%.0f ms)", j->early);
    size_t judged = 0;
    double shortest = 1e300;
    for (size_t u = 0; u < n && v->passed; u++) {
        for (size_t k = 1; k < units[u].req_count; k++) {
            const struct request *prev = units[u].req[k - 1], *next = units[u].req[k];
            if (prev->e->retry_after[0] == '\0' || prev->e->retry_after_s < 0)
                continue;
            judged++;
            double w = wait_between(prev, next), asked = prev->e->retry_after_s * 1000.0;
            shortest = w - asked < shortest ? w - asked : shortest;
            if (w >= asked - j->early)
                continue;
            char label[96], ws[32];
            s_text(w, ws, sizeof(ws));
            set_text(v->observed, sizeof(v->observed),
                     "%s: attempt %zu came %s after \"Retry-After: %s\" (%.2f s)",
                     unit_label(j, &units[u], label, sizeof(label)), k + 1, ws,
                     prev->e->retry_after, prev->e->retry_after_s);
            fail(j, v,
                 "wait at least as long as Retry-After says (seconds or an HTTP-date) before "
                 "retrying");
            break;
        }
    }
    if (!v->passed)
        return;
    if (judged == 0)
        set_text(v->observed, sizeof(v->observed),
                 "no attempt followed an answer with Retry-After (nothing to judge)");
    else
        set_text(v->observed, sizeof(v->observed),
                 "%zu retr%s after Retry-After, none early (the closest %.2f s after it ended)",
                 judged, judged == 1 ? "y" : "ies", shortest / 1000.0);
}

/* Whether answer @p r is one the expectation says ends a call (401 aside). */
static bool ends_call(const struct esomock_wire_expectation *x, const struct request *r)
{
    if (r->e->graphql_errors && x->no_retry_graphql_errors && r->answer != ESOMOCK_WIRE_IN_FLIGHT)
        return true;
    for (size_t i = 0; i < x->no_retry_status_count; i++) {
        if (r->e->status == x->no_retry_statuses[i])
            return true;
    }
    return false;
}

static bool token_request_between(const struct judge *j, double from, double to)
{
    for (size_t i = 0; i < j->token_count; i++) {
        if (j->tokens[i].at >= from && j->tokens[i].at <= to)
            return true;
    }
    return false;
}

static void judge_no_retry(struct judge *j, size_t index, const struct unit *units, size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_NO_RETRY_AFTER);
    if (v == NULL)
        return;
    size_t used = (size_t)snprintf(v->expected, sizeof(v->expected), "no retry after");
    for (size_t i = 0; i < x->no_retry_status_count && used < sizeof(v->expected); i++)
        used += (size_t)snprintf(v->expected + used, sizeof(v->expected) - used, "%s %d",
                                 i ? "," : "", x->no_retry_statuses[i]);
    if (x->no_retry_graphql_errors && used < sizeof(v->expected))
        used += (size_t)snprintf(v->expected + used, sizeof(v->expected) - used,
                                 "%s GraphQL errors", x->no_retry_status_count ? "," : "");
    if (x->no_retry_unauthorized && used < sizeof(v->expected))
        snprintf(v->expected + used, sizeof(v->expected) - used,
                 "%s a second 401 (one retry after a 401, with a new token)",
                 x->no_retry_status_count || x->no_retry_graphql_errors ? "," : "");
    size_t seen = 0;
    for (size_t u = 0; u < n && v->passed; u++) {
        unsigned unauthorized = 0;
        for (size_t k = 0; k + 1 < units[u].req_count && v->passed; k++) {
            const struct request *r = units[u].req[k], *next = units[u].req[k + 1];
            char label[96], at[32], next_at[32];
            unit_label(j, &units[u], label, sizeof(label));
            s_text(r->at, at, sizeof(at));
            s_text(next->at, next_at, sizeof(next_at));
            if (ends_call(x, r)) {
                seen++;
                char what[48];
                if (r->e->graphql_errors && r->e->status < 300)
                    set_text(what, sizeof(what), "GraphQL errors (HTTP %d)", r->e->status);
                else
                    set_text(what, sizeof(what), "a %d", r->e->status);
                set_text(v->observed, sizeof(v->observed), "%s: attempt %zu at %s after %s at %s",
                         label, k + 2, next_at, what, at);
                fail(j, v,
                     "do not retry an answer no retry can fix (a 400, GraphQL validation "
                     "errors)");
            } else if (x->no_retry_unauthorized && r->answer == ESOMOCK_WIRE_UNAUTHORIZED) {
                seen++;
                unauthorized++;
                if (unauthorized > 1) {
                    set_text(v->observed, sizeof(v->observed),
                             "%s: attempt %zu at %s after a second 401 at %s", label, k + 2,
                             next_at, at);
                    fail(j, v, "after a 401 with a fresh token, stop: the credentials are wrong");
                } else if (!token_request_between(j, r->at, next->at)) {
                    set_text(v->observed, sizeof(v->observed),
                             "%s: attempt %zu at %s after a 401 at %s without a new token", label,
                             k + 2, next_at, at);
                    fail(j, v, "after a 401, fetch a new token once before the one retry");
                }
            }
        }
        /* A final answer of the kind ends the call: count it. */
        if (units[u].req_count > 0) {
            const struct request *last = units[u].req[units[u].req_count - 1];
            seen += ends_call(x, last) ||
                    (x->no_retry_unauthorized && last->answer == ESOMOCK_WIRE_UNAUTHORIZED);
        }
    }
    if (v->passed)
        set_text(v->observed, sizeof(v->observed), "%zu such answer%s, none retried%s", seen,
                 seen == 1 ? "" : "s", seen == 0 ? " (nothing to judge)" : "");
}

static void judge_deadline(struct judge *j, size_t index, const struct unit *units, size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_DEADLINE);
    if (v == NULL)
        return;
    set_text(v->expected, sizeof(v->expected),
             "no request of a call still open %g s after the call began (+%.0f ms)", x->deadline_s,
             j->late);
    double longest = 0;
    bool over = false;
    for (size_t u = 0; u < n; u++) {
        for (size_t k = 0; k < units[u].req_count; k++) {
            double end = units[u].req[k]->end - units[u].start;
            longest = end > longest ? end : longest;
            if (over || end <= x->deadline_s * 1000.0 + j->late)
                continue;
            over = true;
            char label[96], es[32];
            s_text(end, es, sizeof(es));
            set_text(v->observed, sizeof(v->observed), "%s: attempt %zu %s %s after the call began",
                     unit_label(j, &units[u], label, sizeof(label)), k + 1,
                     units[u].req[k]->answer == ESOMOCK_WIRE_IN_FLIGHT ? "still open" : "ended",
                     es);
        }
    }
    if (over && j->upper_unjudged) {
        v->judged = false;
        return;
    }
    if (over) {
        fail(j, v, "give each call a deadline: stop retrying and close the request when it passes");
        return;
    }
    set_text(v->observed, sizeof(v->observed), "the last request ended %.2f s after its call began",
             longest / 1000.0);
}

/* ---- run kinds (over the selection) ----------------------------------------------------- */

static void judge_count(struct judge *j, size_t index, enum esomock_wire_kind kind,
                        const struct esomock_wire_bounds *b, double value, const char *one,
                        const char *many, const char *hint_low, const char *hint_high)
{
    struct esomock_wire_verdict *v = verdict(j, index, kind);
    if (v == NULL)
        return;
    bounds_text(b, "", v->expected, sizeof(v->expected));
    size_t n = strlen(v->expected);
    bool single = b->has_min && b->has_max && b->min == 1 && b->max == 1;
    snprintf(v->expected + n, sizeof(v->expected) - n, " %s", single ? one : many);
    value = round(value * 100) / 100;
    set_text(v->observed, sizeof(v->observed), "%g %s", value, value == 1 ? one : many);
    if (!within(b, value))
        fail(j, v, b->has_min && value < b->min ? hint_low : hint_high);
}

static void judge_breaker(struct judge *j, size_t index, const struct request *const *req, size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    const struct esomock_wire_breaker *b = &x->breaker;
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_BREAKER);
    if (v == NULL)
        return;
    char after[64];
    bounds_text(&b->opens_after, "", after, sizeof(after));
    set_text(v->expected, sizeof(v->expected),
             "after %s failed requests in a row: none for %g s (-%.0f ms), then %u probe%s at "
             "once%s",
             after, b->quiet_s, j->early, b->probes, b->probes == 1 ? "" : "s",
             b->reopens ? "; quiet again after a failed probe" : "");
    double quiet = b->quiet_s * 1000.0 - j->early;
    size_t streak = 0, longest_streak = 0, open = n;
    double longest_gap = 0;
    for (size_t i = 0; i < n; i++) {
        if (!breaker_failure(req[i]->answer)) {
            streak = 0;
            continue;
        }
        streak++;
        longest_streak = streak > longest_streak ? streak : longest_streak;
        if ((double)streak < b->opens_after.min)
            continue;
        double gap = (i + 1 < n ? req[i + 1]->at : j->run_end) - req[i]->end;
        longest_gap = gap > longest_gap ? gap : longest_gap;
        if (gap >= quiet) {
            open = i;
            break;
        }
        if (b->opens_after.has_max && (double)streak >= b->opens_after.max)
            break;
    }
    const char *hint = "stop sending after repeated failures (a circuit breaker), wait a "
                       "cool-down, then send one probe";
    if (open == n) {
        if ((double)longest_streak < b->opens_after.min)
            set_text(v->observed, sizeof(v->observed),
                     "at most %zu failed requests in a row: never enough to open", longest_streak);
        else
            set_text(v->observed, sizeof(v->observed),
                     "%zu failed requests in a row and no quiet period (longest gap %.2f s)",
                     longest_streak, longest_gap / 1000.0);
        fail(j, v, hint);
        return;
    }
    /* The quiet period says something only if the client refused calls during it: a call
     * that began in it and was answered in it, with no request. A client that merely stalls
     * (a loaded machine, a long pause) is quiet too, but answers the calls asked meanwhile
     * only after it, each with a request. */
    double from = req[open]->end, to = from + b->quiet_s * 1000.0;
    bool asked = false;
    for (size_t c = 0; c < j->call_count && !asked; c++) {
        double start = j->calls[c].start_ms / j->scale;
        double end = j->calls[c].end_ms < 0 ? 1e300 : j->calls[c].end_ms / j->scale;
        bool began = start >= from - CALL_END_SLACK_MS / j->scale && start < to;
        asked = selects(x, &j->calls[c]) && began && end <= to;
    }
    char at[32];
    s_text(req[open]->end, at, sizeof(at));
    size_t used = (size_t)snprintf(v->observed, sizeof(v->observed),
                                   "open after %zu failed requests (at %s)", streak, at);
    if (!asked) {
        snprintf(v->observed + used, sizeof(v->observed) - used,
                 "; but no call was asked and refused during the next %g s, so the quiet "
                 "proves nothing",
                 b->quiet_s);
        fail(j, v, "while the breaker is open, fail each call at once without a request");
        return;
    }
    if (open + 1 >= n) {
        snprintf(v->observed + used, sizeof(v->observed) - used,
                 "; quiet until the run ended: no probe");
        fail(j, v, "after the cool-down, let one probe request through");
        return;
    }
    const struct request *probe = req[open + 1];
    size_t together = 1;
    for (size_t k = open + 2; k < n && req[k]->at < probe->end; k++)
        together++;
    s_text(probe->at, at, sizeof(at));
    used += (size_t)snprintf(
        v->observed + used, sizeof(v->observed) - used, "; quiet %.2f s; probe at %s (%s)",
        (probe->at - req[open]->end) / 1000.0, at, esomock_wire_answer_name(probe->answer));
    if (together > b->probes) {
        snprintf(v->observed + used, sizeof(v->observed) - used, " with %zu requests at once",
                 together);
        fail(j, v, "after the cool-down, let only one probe through until it is answered");
        return;
    }
    if (!b->reopens || used >= sizeof(v->observed))
        return;
    if (!breaker_failure(probe->answer)) {
        snprintf(v->observed + used, sizeof(v->observed) - used,
                 "; the probe succeeded (no reopening to judge)");
        return;
    }
    size_t after_probe = open + together;
    double gap =
        (after_probe + 1 < n ? req[after_probe + 1]->at : j->run_end) - req[after_probe]->end;
    snprintf(v->observed + used, sizeof(v->observed) - used, "; then %.2f s without a request",
             gap / 1000.0);
    if (gap < quiet)
        fail(j, v, "after a failed probe, open the breaker again for the cool-down");
}

/* A request starting (+1) or ending (-1) at t. */
struct edge {
    double t;
    int delta;
};

static int by_edge(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->delta - y->delta;
}

static void judge_in_flight(struct judge *j, size_t index, const struct request *const *req,
                            size_t n)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    struct esomock_wire_verdict *v = verdict(j, index, ESOMOCK_WK_MAX_IN_FLIGHT);
    if (v == NULL)
        return;
    set_text(v->expected, sizeof(v->expected), "at most %u requests in flight at once",
             x->max_in_flight);
    /* Arrivals and ends in time order (an end before an arrival at the same instant). */
    struct edge *edges = calloc(2 * n + 1, sizeof(*edges));
    size_t most = 0, now = 0;
    double when = 0;
    for (size_t i = 0; edges != NULL && i < n; i++) {
        edges[2 * i] = (struct edge){req[i]->at, +1};
        edges[2 * i + 1] = (struct edge){req[i]->end, -1};
    }
    if (edges != NULL)
        qsort(edges, 2 * n, sizeof(*edges), by_edge);
    for (size_t i = 0; edges != NULL && i < 2 * n; i++) {
        now = edges[i].delta > 0 ? now + 1 : now - 1;
        if (now > most) {
            most = now;
            when = edges[i].t;
        }
    }
    free(edges);
    set_text(v->observed, sizeof(v->observed), "at most %zu at once (at %.2f s)", most,
             when / 1000.0);
    if (most > x->max_in_flight)
        fail(j, v, "limit the requests in flight (a connection pool or a semaphore)");
}

/* ---- one expectation -------------------------------------------------------------------- */

static void judge_expectation(struct judge *j, size_t index)
{
    const struct esomock_wire_expectation *x = &j->wire->expect[index];
    size_t n = 0;
    struct unit *units = units_of(j, x, &n);
    const struct request **sel = calloc(j->gql_count + 1, sizeof(*sel));
    if (units == NULL || sel == NULL) {
        units_free(units, n);
        free(sel);
        return;
    }
    size_t sel_count = 0, calls = 0, tokens = 0, unauthorized = 0, limited = 0;
    for (size_t i = 0; i < j->gql_count; i++) {
        if (!in_selection(j, x, &j->gql[i]))
            continue;
        sel[sel_count++] = &j->gql[i];
        unauthorized += j->gql[i].answer == ESOMOCK_WIRE_UNAUTHORIZED;
        limited += j->gql[i].answer == ESOMOCK_WIRE_RATE_LIMITED;
    }
    for (size_t i = 0; i < j->token_count; i++)
        tokens += in_selection(j, x, &j->tokens[i]);
    for (size_t i = 0; i < j->call_count; i++)
        calls += selects(x, &j->calls[i]);

    for (size_t k = 0; k < ESOMOCK_WK_COUNT; k++) {
        if (!(x->kinds & (1u << k)))
            continue;
        switch ((enum esomock_wire_kind)k) {
        case ESOMOCK_WK_ATTEMPTS:
            judge_attempts(j, index, units, n);
            break;
        case ESOMOCK_WK_LAST_ANSWER:
            judge_last_answer(j, index, units, n);
            break;
        case ESOMOCK_WK_WAIT:
            judge_wait(j, index, units, n);
            break;
        case ESOMOCK_WK_GROWTH:
            judge_growth(j, index, units, n);
            break;
        case ESOMOCK_WK_JITTER:
            judge_jitter(j, index, units, n);
            break;
        case ESOMOCK_WK_RETRY_AFTER:
            judge_retry_after(j, index, units, n);
            break;
        case ESOMOCK_WK_NO_RETRY_AFTER:
            judge_no_retry(j, index, units, n);
            break;
        case ESOMOCK_WK_DEADLINE:
            judge_deadline(j, index, units, n);
            break;
        case ESOMOCK_WK_REQUESTS:
            judge_count(j, index, ESOMOCK_WK_REQUESTS, &x->requests, (double)sel_count, "request",
                        "requests", "retry transient failures",
                        "send fewer requests: bound retries with a budget or a breaker");
            break;
        case ESOMOCK_WK_REQUESTS_PER_CALL:
            judge_count(j, index, ESOMOCK_WK_REQUESTS_PER_CALL, &x->requests_per_call,
                        calls ? (double)sel_count / (double)calls : 0, "request per call",
                        "requests per call", "retry transient failures",
                        "bound retries during an outage (a retry budget or a breaker)");
            break;
        case ESOMOCK_WK_BREAKER:
            judge_breaker(j, index, sel, sel_count);
            break;
        case ESOMOCK_WK_TOKEN_REQUESTS:
            judge_count(j, index, ESOMOCK_WK_TOKEN_REQUESTS, &x->token_requests, (double)tokens,
                        "token request", "token requests",
                        "fetch a new token when the old one expires (expires_in) or after a 401",
                        "cache the access token until it expires: not one per call");
            break;
        case ESOMOCK_WK_UNAUTHORIZED:
            judge_count(j, index, ESOMOCK_WK_UNAUTHORIZED, &x->unauthorized, (double)unauthorized,
                        "401 answer", "401 answers", "send the token the API expects",
                        "refresh the token before it expires, or once after a 401");
            break;
        case ESOMOCK_WK_RATE_LIMITED:
            judge_count(j, index, ESOMOCK_WK_RATE_LIMITED, &x->rate_limited, (double)limited,
                        "429 answer", "429 answers", "(the scenario) spend the points budget",
                        "pace requests by the points budget (rateLimitData) and honour "
                        "Retry-After");
            break;
        case ESOMOCK_WK_MAX_IN_FLIGHT:
            judge_in_flight(j, index, sel, sel_count);
            break;
        case ESOMOCK_WK_COUNT:
            break;
        }
    }
    units_free(units, n);
    free(sel);
}

enum esomock_status esomock_wire_judge(const struct esomock_wire *wire,
                                       const struct esomock_journal_entry *entries,
                                       size_t entry_count, const struct esomock_wire_call *calls,
                                       size_t call_count, const struct esomock_wire_options *opts,
                                       struct esomock_wire_verdict **out, size_t *count)
{
    static const struct esomock_wire_options defaults = {0};
    if (wire == NULL || out == NULL || count == NULL || (entry_count > 0 && entries == NULL) ||
        (call_count > 0 && calls == NULL))
        return ESOMOCK_BAD_ARGUMENT;
    if (opts == NULL)
        opts = &defaults;
    *out = NULL;
    *count = 0;
    struct judge j = {
        .wire = wire,
        .calls = calls,
        .call_count = call_count,
        .scale = opts->time_scale > 0 ? opts->time_scale : 1.0,
        .upper_unjudged = opts->upper_bounds_unjudged,
    };
    double early_noise = opts->early_noise_ms > 0 ? opts->early_noise_ms : 2.0;
    double late_noise = opts->late_noise_ms > 0 ? opts->late_noise_ms : 50.0;
    j.early = wire->tolerance_ms + early_noise / j.scale;
    j.late = wire->late_ms + late_noise / j.scale;
    enum esomock_status rc = ESOMOCK_OUT_OF_MEMORY;
    if (prepare(&j, entries, entry_count, opts) != 0)
        goto out;
    for (size_t i = 0; i < wire->expect_count; i++)
        judge_expectation(&j, i);
    /* Each kind of each expectation has its line, or memory ran out on the way. */
    size_t expected = 0;
    for (size_t i = 0; i < wire->expect_count; i++) {
        for (size_t k = 0; k < ESOMOCK_WK_COUNT; k++)
            expected += (wire->expect[i].kinds >> k) & 1u;
    }
    if (j.out_count != expected)
        goto out;
    *out = j.out;
    *count = j.out_count;
    j.out = NULL;
    rc = ESOMOCK_OK;
out:
    free(j.out);
    free(j.gql);
    free(j.tokens);
    free(j.cluster);
    return rc;
}
