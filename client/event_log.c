/* Events as text: the JSON and text formatters and the ready-made loggers. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esologs/events.h>

#include "text_private.h"

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
