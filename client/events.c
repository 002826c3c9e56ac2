/* Emitting events, counters, formatters and the ready-made loggers. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <esologs/client.h>

#include "events_private.h"
#include "text_private.h"

void eso__events_init(struct eso__events *e, eso_event_fn fn, void *userdata)
{
    memset(e, 0, sizeof *e);
    e->fn = fn;
    e->userdata = userdata;
}

void eso__count(atomic_uint_fast64_t *counter)
{
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

/*
 * Word characters for the boundary rule of short secrets. '=', '+', '/' and ':'
 * are separators here: secrets sit next to them in "secret=...", "id:secret" and
 * base64 text, and a boundary rule that counted them as part of the word let such
 * secrets through.
 */
static bool is_word_char(char c)
{
    return c != '\0' && (isalnum((unsigned char)c) || strchr("-._~", c) != NULL);
}

/* Replace buf[pos, pos + len) by the mark, keeping what fits of the tail; returns the end. */
static size_t splice_mark(char *buf, size_t size, size_t pos, size_t len)
{
    static const char mark[] = "[redacted]";
    char *p = buf + pos;
    size_t tail = strlen(p + len);
    size_t room = size - pos - 1;
    size_t mlen = sizeof mark - 1 < room ? sizeof mark - 1 : room;
    size_t keep = tail < room - mlen ? tail : room - mlen;
    memmove(p + mlen, p + len, keep);
    memcpy(p, mark, mlen);
    p[mlen + keep] = '\0';
    return pos + mlen;
}

void eso__redact(char *buf, size_t size, const char *secret)
{
    if (secret == NULL || *secret == '\0' || buf == NULL || size == 0)
        return;
    size_t slen = strlen(secret);
    /* A secret this long never occurs by chance: redact it wherever it appears. Shorter
     * ones only as whole words, so a 1-character test token does not eat every "t". */
    bool anywhere = slen >= ESO__REDACT_ANYWHERE_LEN;
    bool full = strlen(buf) + 1 >= size; /* maybe cut: see the end */
    size_t from = 0;
    char *p = strstr(buf, secret);
    while (p != NULL) {
        size_t pos = (size_t)(p - buf);
        if (!anywhere && ((pos > 0 && is_word_char(p[-1])) || is_word_char(p[slen]))) {
            p = strstr(p + 1, secret);
            continue;
        }
        from = splice_mark(buf, size, pos, slen);
        p = strstr(buf + from, secret);
    }
    /* A mark longer than the secret may itself have pushed the tail out of the buffer,
     * cutting a later copy of the secret short. */
    if (!anywhere || !(full || strlen(buf) + 1 >= size))
        return;
    /* A detail cut to its buffer may end in the first part of a secret: drop that too. */
    size_t blen = strlen(buf + from) + from;
    for (size_t k = slen - 1; k >= ESO__REDACT_ANYWHERE_LEN / 2; k--) {
        if (blen - from >= k && memcmp(buf + blen - k, secret, k) == 0) {
            splice_mark(buf, size, blen - k, k);
            break;
        }
    }
}

/* A credential after "Bearer "/"Basic ": the length of its b64token characters and
 * optional '=' padding at @p s (at most @p n), or 0 when it is not shaped like one (short
 * and a plain word), so prose such as "a bearer token" stays. Whatever follows the token
 * (a bracket, '&', '>'...) ends it rather than hiding it. */
static size_t token_length(const char *s, size_t n)
{
    size_t i = 0;
    bool plain_word = true;
    while (i < n && (isalnum((unsigned char)s[i]) || strchr("-._~+/", s[i]) != NULL)) {
        if (!isalpha((unsigned char)s[i]))
            plain_word = false;
        i++;
    }
    if (i == 0)
        return 0;
    while (i < n && s[i] == '=') {
        plain_word = false;
        i++;
    }
    return i >= ESO__REDACT_ANYWHERE_LEN || !plain_word ? i : 0;
}

void eso__redact_schemes(char *buf, size_t size)
{
    static const char *const schemes[] = {"bearer ", "basic "};
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
        size_t plen = strlen(schemes[i]);
        for (size_t pos = 0; buf[pos] != '\0'; pos++) {
            if (strncasecmp(buf + pos, schemes[i], plen) != 0 ||
                (pos > 0 && isalnum((unsigned char)buf[pos - 1])))
                continue;
            char *cred = buf + pos + plen;
            size_t n = token_length(cred, strcspn(cred, " \t\r\n\",';)"));
            if (n == 0 || strncmp(cred, "[redacted]", 10) == 0)
                continue;
            char secret[512];
            snprintf(secret, sizeof secret, "%.*s", (int)n, cred);
            splice_mark(buf, size, pos + plen, n);
            /* The same credential elsewhere in the text, without its scheme. */
            eso__redact(buf, size, secret);
            explicit_bzero(secret, sizeof secret);
            /* That may have shortened the text before @p pos too: scan again from the
             * start (what is redacted already is skipped), or a later credential could
             * be jumped over. Each pass redacts one, so this ends. */
            pos = (size_t)-1;
        }
    }
}

static void count(struct eso__events *e, const struct eso_event *ev)
{
    switch (ev->kind) {
    case ESO_EV_CALL_START:
        eso__count(&e->calls);
        break;
    case ESO_EV_ATTEMPT_START:
        eso__count(&e->attempts);
        break;
    case ESO_EV_ATTEMPT_END:
        if (ev->http_status != 0 || ev->curl_code == 0 || ev->reused_connection)
            eso__count(ev->reused_connection ? &e->connections_reused : &e->connections_opened);
        break;
    case ESO_EV_RETRY_SCHEDULED:
        eso__count(&e->retries);
        break;
    case ESO_EV_BREAKER_TRANSITION:
        if (ev->breaker_to == ESO_BREAKER_STATE_OPEN)
            eso__count(&e->breaker_opens);
        break;
    case ESO_EV_BREAKER_REJECTED:
        eso__count(&e->breaker_rejections);
        break;
    case ESO_EV_CACHE_FALLBACK:
        eso__count(&e->cache_fallbacks);
        break;
    case ESO_EV_GIVE_UP:
        eso__count(&e->give_ups);
        if (ev->status == ESO_BUDGET_EXHAUSTED)
            eso__count(&e->budget_rejections);
        if (ev->status == ESO_DEADLINE_EXCEEDED)
            eso__count(&e->deadline_exceeded);
        break;
    case ESO_EV_CALL_END:
        if (ev->status == ESO_OK && !ev->from_cache)
            eso__count(&e->calls_ok);
        else if (ev->status != ESO_OK)
            eso__count(&e->calls_failed);
        break;
    case ESO_EV_PACING_WAIT:
        eso__count(&e->pacing_waits);
        break;
    case ESO_EV_TOKEN_FETCH:
        eso__count(&e->token_fetches);
        break;
    case ESO_EV_TOKEN_INVALIDATED:
        eso__count(&e->token_invalidations);
        break;
    case ESO_EV_PACING_REFRESH:
        break;
    }
}

void eso__emit(struct eso__events *e, const struct eso_event *ev)
{
    count(e, ev);
    if (e->fn == NULL)
        return;
    struct eso_event copy = *ev;
    char detail[ESO_DETAIL_SIZE];
    snprintf(detail, sizeof detail, "%s", ev->detail != NULL ? ev->detail : "");
    if (e->scrub != NULL)
        e->scrub(e->scrub_ud, detail, sizeof detail);
    eso__redact_schemes(detail, sizeof detail);
    eso__utf8_sanitize(detail, sizeof detail);
    eso__escape_controls(detail, sizeof detail);
    copy.detail = detail;
    if (copy.operation == NULL)
        copy.operation = "";
    if (copy.reason == NULL)
        copy.reason = "";
    e->fn(&copy, e->userdata);
}

#define SNAP(field) out->field = atomic_load_explicit(&e->field, memory_order_relaxed)
void eso__events_snapshot(struct eso__events *e, struct eso_counters *out)
{
    SNAP(calls);
    SNAP(calls_ok);
    SNAP(calls_failed);
    SNAP(attempts);
    SNAP(retries);
    SNAP(give_ups);
    SNAP(breaker_rejections);
    SNAP(breaker_opens);
    SNAP(budget_rejections);
    SNAP(deadline_exceeded);
    SNAP(cache_fallbacks);
    SNAP(cache_stores);
    SNAP(pacing_waits);
    SNAP(token_fetches);
    SNAP(token_invalidations);
    SNAP(connections_opened);
    SNAP(connections_reused);
}
#undef SNAP

const char *eso_event_kind_name(enum eso_event_kind kind)
{
    switch (kind) {
    case ESO_EV_CALL_START:
        return "call_start";
    case ESO_EV_ATTEMPT_START:
        return "attempt_start";
    case ESO_EV_ATTEMPT_END:
        return "attempt_end";
    case ESO_EV_RETRY_SCHEDULED:
        return "retry_scheduled";
    case ESO_EV_BREAKER_TRANSITION:
        return "breaker_transition";
    case ESO_EV_BREAKER_REJECTED:
        return "breaker_rejected";
    case ESO_EV_CACHE_FALLBACK:
        return "cache_fallback";
    case ESO_EV_GIVE_UP:
        return "give_up";
    case ESO_EV_CALL_END:
        return "call_end";
    case ESO_EV_PACING_WAIT:
        return "pacing_wait";
    case ESO_EV_TOKEN_FETCH:
        return "token_fetch";
    case ESO_EV_TOKEN_INVALIDATED:
        return "token_invalidated";
    case ESO_EV_PACING_REFRESH:
        return "pacing_refresh";
    }
    return "unknown";
}

const char *eso_breaker_state_name(enum eso_breaker_state state)
{
    switch (state) {
    case ESO_BREAKER_STATE_CLOSED:
        return "closed";
    case ESO_BREAKER_STATE_OPEN:
        return "open";
    case ESO_BREAKER_STATE_HALF_OPEN:
        return "half_open";
    }
    return "unknown";
}

/* A bounded appender that keeps counting past the end, like snprintf. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int n = vsnprintf(room > 0 ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static void put_json_string(struct out *o, const char *s)
{
    put(o, "\"");
    for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p; p++) {
        switch (*p) {
        case '"':
            put(o, "\\\"");
            break;
        case '\\':
            put(o, "\\\\");
            break;
        case '\n':
            put(o, "\\n");
            break;
        case '\r':
            put(o, "\\r");
            break;
        case '\t':
            put(o, "\\t");
            break;
        default:
            if (*p < 0x20) {
                put(o, "\\u%04x", *p);
            } else if (*p < 0x80) {
                put(o, "%c", *p);
            } else {
                /* JSON text is UTF-8: copy well-formed characters, replace the rest. */
                size_t n = eso__utf8_seq((const char *)p);
                if (n == 0)
                    put(o, "\xef\xbf\xbd"); /* U+FFFD */
                else
                    put(o, "%.*s", (int)n, (const char *)p);
                if (n > 1)
                    p += n - 1;
            }
        }
    }
    put(o, "\"");
}

size_t eso_event_format_json(const struct eso_event *ev, char *buf, size_t size)
{
    if (ev == NULL || (buf == NULL && size > 0))
        return 0;
    struct out o = {buf, size, 0};
    if (size > 0)
        buf[0] = '\0';
    put(&o, "{\"event\":\"%s\",\"call\":%llu,\"op\":", eso_event_kind_name(ev->kind),
        (unsigned long long)ev->call_id);
    put_json_string(&o, ev->operation);
    put(&o, ",\"elapsed_ms\":%.3f", ev->elapsed_ms);
    switch (ev->kind) {
    case ESO_EV_CALL_START:
        break;
    case ESO_EV_ATTEMPT_START:
        put(&o, ",\"attempt\":%u", ev->attempt);
        break;
    case ESO_EV_ATTEMPT_END:
        put(&o,
            ",\"attempt\":%u,\"status\":\"%s\",\"http\":%ld,\"curl\":%d,\"duration_ms\":%.3f,"
            "\"reused\":%s",
            ev->attempt, eso_status_name(ev->status), ev->http_status, ev->curl_code,
            ev->duration_ms, ev->reused_connection ? "true" : "false");
        break;
    case ESO_EV_RETRY_SCHEDULED:
        put(&o, ",\"attempt\":%u,\"status\":\"%s\",\"delay_ms\":%.3f", ev->attempt,
            eso_status_name(ev->status), ev->delay_ms);
        break;
    case ESO_EV_BREAKER_TRANSITION:
        put(&o, ",\"from\":\"%s\",\"to\":\"%s\"", eso_breaker_state_name(ev->breaker_from),
            eso_breaker_state_name(ev->breaker_to));
        break;
    case ESO_EV_BREAKER_REJECTED:
        put(&o, ",\"attempt\":%u,\"status\":\"%s\"", ev->attempt, eso_status_name(ev->status));
        break;
    case ESO_EV_CACHE_FALLBACK:
        put(&o, ",\"status\":\"%s\",\"age_ms\":%.3f", eso_status_name(ev->status), ev->age_ms);
        break;
    case ESO_EV_GIVE_UP:
        put(&o, ",\"attempt\":%u,\"status\":\"%s\"", ev->attempt, eso_status_name(ev->status));
        break;
    case ESO_EV_CALL_END:
        put(&o,
            ",\"attempts\":%u,\"status\":\"%s\",\"http\":%ld,\"duration_ms\":%.3f,"
            "\"from_cache\":%s",
            ev->attempt, eso_status_name(ev->status), ev->http_status, ev->duration_ms,
            ev->from_cache ? "true" : "false");
        break;
    case ESO_EV_PACING_WAIT:
        put(&o, ",\"attempt\":%u,\"delay_ms\":%.3f", ev->attempt, ev->delay_ms);
        break;
    case ESO_EV_TOKEN_FETCH:
        put(&o, ",\"status\":\"%s\",\"http\":%ld,\"curl\":%d,\"duration_ms\":%.3f",
            eso_status_name(ev->status), ev->http_status, ev->curl_code, ev->duration_ms);
        break;
    case ESO_EV_TOKEN_INVALIDATED:
        put(&o, ",\"attempt\":%u", ev->attempt);
        break;
    case ESO_EV_PACING_REFRESH:
        put(&o,
            ",\"attempts\":%u,\"status\":\"%s\",\"http\":%ld,\"curl\":%d,"
            "\"duration_ms\":%.3f",
            ev->attempt, eso_status_name(ev->status), ev->http_status, ev->curl_code,
            ev->duration_ms);
        break;
    }
    if (ev->reason != NULL && *ev->reason != '\0') {
        put(&o, ",\"reason\":");
        put_json_string(&o, ev->reason);
    }
    if (ev->detail != NULL && *ev->detail != '\0') {
        put(&o, ",\"detail\":");
        put_json_string(&o, ev->detail);
    }
    put(&o, "}");
    return o.len;
}

/* Text for a log line: control characters escaped (see eso__control_escape). */
static void put_text(struct out *o, const char *s)
{
    for (const char *p = s != NULL ? s : ""; *p != '\0';) {
        char esc[8];
        size_t len = 0;
        size_t elen = eso__control_escape(p, &len, esc);
        if (elen > 0)
            put(o, "%s", esc);
        else
            put(o, "%.*s", (int)len, p);
        p += len;
    }
}

size_t eso_event_format_text(const struct eso_event *ev, char *buf, size_t size)
{
    if (ev == NULL || (buf == NULL && size > 0))
        return 0;
    struct out o = {buf, size, 0};
    if (size > 0)
        buf[0] = '\0';
    put(&o, "[%9.3f ms] #%llu ", ev->elapsed_ms, (unsigned long long)ev->call_id);
    put_text(&o, ev->operation != NULL && *ev->operation ? ev->operation : "-");
    put(&o, " %s", eso_event_kind_name(ev->kind));
    switch (ev->kind) {
    case ESO_EV_CALL_START:
        break;
    case ESO_EV_ATTEMPT_START:
        put(&o, " attempt=%u", ev->attempt);
        break;
    case ESO_EV_ATTEMPT_END:
        put(&o, " attempt=%u status=%s http=%ld curl=%d took=%.1fms%s", ev->attempt,
            eso_status_name(ev->status), ev->http_status, ev->curl_code, ev->duration_ms,
            ev->reused_connection ? " reused" : "");
        break;
    case ESO_EV_RETRY_SCHEDULED:
        put(&o, " after attempt=%u status=%s delay=%.1fms", ev->attempt,
            eso_status_name(ev->status), ev->delay_ms);
        break;
    case ESO_EV_BREAKER_TRANSITION:
        put(&o, " %s -> %s", eso_breaker_state_name(ev->breaker_from),
            eso_breaker_state_name(ev->breaker_to));
        break;
    case ESO_EV_CACHE_FALLBACK:
        put(&o, " status=%s age=%.1fms", eso_status_name(ev->status), ev->age_ms);
        break;
    case ESO_EV_BREAKER_REJECTED:
    case ESO_EV_GIVE_UP:
        put(&o, " attempt=%u status=%s", ev->attempt, eso_status_name(ev->status));
        break;
    case ESO_EV_CALL_END:
        put(&o, " attempts=%u status=%s took=%.1fms%s", ev->attempt, eso_status_name(ev->status),
            ev->duration_ms, ev->from_cache ? " from_cache" : "");
        break;
    case ESO_EV_PACING_WAIT:
        put(&o, " delay=%.1fms", ev->delay_ms);
        break;
    case ESO_EV_TOKEN_FETCH:
        put(&o, " status=%s http=%ld curl=%d took=%.1fms", eso_status_name(ev->status),
            ev->http_status, ev->curl_code, ev->duration_ms);
        break;
    case ESO_EV_TOKEN_INVALIDATED:
        break;
    case ESO_EV_PACING_REFRESH:
        put(&o, " attempts=%u status=%s took=%.1fms", ev->attempt, eso_status_name(ev->status),
            ev->duration_ms);
        break;
    }
    if (ev->reason != NULL && *ev->reason != '\0') {
        put(&o, " reason=");
        put_text(&o, ev->reason);
    }
    if (ev->detail != NULL && *ev->detail != '\0') {
        put(&o, " (");
        put_text(&o, ev->detail);
        put(&o, ")");
    }
    return o.len;
}

static void log_line(const struct eso_event *ev, void *userdata, bool json)
{
    FILE *fp = userdata != NULL ? userdata : stderr;
    char line[2048];
    char *text = line;
    size_t (*format)(const struct eso_event *, char *, size_t) =
        json ? eso_event_format_json : eso_event_format_text;
    size_t need = format(ev, line, sizeof line);
    if (need >= sizeof line) {
        /* Never cut a JSON line in half: format the long one on the heap. */
        char *big = malloc(need + 1);
        if (big != NULL) {
            format(ev, big, need + 1);
            text = big;
        }
    }
    flockfile(fp);
    fputs(text, fp);
    fputc('\n', fp);
    fflush(fp);
    funlockfile(fp);
    if (text != line)
        free(text);
}

void eso_event_log_json(const struct eso_event *event, void *userdata)
{
    if (event != NULL)
        log_line(event, userdata, true);
}

void eso_event_log_text(const struct eso_event *event, void *userdata)
{
    if (event != NULL)
        log_line(event, userdata, false);
}
