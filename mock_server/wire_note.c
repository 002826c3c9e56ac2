/*
 * Notes on an answer for the journal, so a judge reading the journal alone knows what the
 * client was told: the Retry-After (and the wait it means) and whether the body carried
 * GraphQL errors (an HTTP 200 with "errors" is how the API refuses a query).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "utf8_private.h"
#include "wire_note_private.h"

double esomock__wire_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void esomock__wire_http_date(long long unix_s, char *buf, size_t size)
{
    time_t t = (time_t)unix_s;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0) {
        if (size > 0)
            buf[0] = '\0';
    }
}

/* Delta-seconds: digits with an optional fraction, nothing else (blanks around aside). */
static bool delta_seconds(const char *s, double *out)
{
    s += strspn(s, " \t");
    size_t whole = strspn(s, "0123456789");
    if (whole == 0)
        return false;
    const char *end = s + whole;
    if (*end == '.') {
        size_t frac = strspn(end + 1, "0123456789");
        if (frac == 0)
            return false;
        end += 1 + frac;
    }
    if (end[strspn(end, " \t")] != '\0')
        return false;
    char text[64];
    size_t n = (size_t)(end - s);
    if (n >= sizeof(text))
        return false;
    memcpy(text, s, n);
    text[n] = '\0';
    double v = 0;
    if (sscanf(text, "%lf", &v) != 1)
        return false;
    *out = v;
    return true;
}

double esomock__wire_retry_after_seconds(const char *value, double now_s)
{
    double seconds = 0;
    if (delta_seconds(value, &seconds))
        return seconds;
    /* IMF-fixdate, then the two obsolete forms a recipient must accept (RFC 9110 5.6.7). */
    static const char *const forms[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                                        "%a %b %d %H:%M:%S %Y"};
    const char *s = value + strspn(value, " \t");
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct tm tm = {0};
        const char *end = strptime(s, forms[i], &tm);
        if (end == NULL || end[strspn(end, " \t")] != '\0')
            continue;
        double when = (double)timegm(&tm);
        return when > now_s ? when - now_s : 0;
    }
    return -1;
}

/* ---- a top-level "errors" member, found without parsing the whole body ----------------- */

struct scan {
    const char *p;
    const char *end;
};

static void skip_blanks(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* Past a string starting at its opening quote; false when it does not end. */
static bool skip_string(struct scan *s)
{
    for (s->p++; s->p < s->end; s->p++) {
        if (*s->p == '\\') {
            s->p++;
            continue;
        }
        if (*s->p == '"') {
            s->p++;
            return true;
        }
    }
    return false;
}

/* Past one value; false on a body that is not JSON enough to go on. */
static bool skip_value(struct scan *s)
{
    skip_blanks(s);
    if (s->p >= s->end)
        return false;
    if (*s->p == '"')
        return skip_string(s);
    if (*s->p == '{' || *s->p == '[') {
        size_t depth = 0;
        while (s->p < s->end) {
            char c = *s->p;
            if (c == '"') {
                if (!skip_string(s))
                    return false;
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if ((c == '}' || c == ']') && --depth == 0) {
                s->p++;
                return true;
            }
            s->p++;
        }
        return false;
    }
    /* A number, true, false or null: up to the next delimiter. */
    while (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ']' && *s->p != ' ' &&
           *s->p != '\t' && *s->p != '\n' && *s->p != '\r')
        s->p++;
    return true;
}

bool esomock__wire_has_errors(const char *body, size_t len)
{
    /* Most answers never name it: one fast search rules them out. */
    if (body == NULL || len < 10 || memmem(body, len, "\"errors\"", 8) == NULL)
        return false;
    struct scan s = {body, body + len};
    skip_blanks(&s);
    if (s.p >= s.end || *s.p != '{')
        return false;
    s.p++;
    for (;;) {
        skip_blanks(&s);
        if (s.p >= s.end || *s.p != '"')
            return false;
        const char *key = s.p;
        if (!skip_string(&s))
            return false;
        if (s.p - key == 8 && memcmp(key, "\"errors\"", 8) == 0)
            return true;
        skip_blanks(&s);
        if (s.p >= s.end || *s.p != ':')
            return false;
        s.p++;
        if (!skip_value(&s))
            return false;
        skip_blanks(&s);
        if (s.p >= s.end || *s.p != ',')
            return false;
        s.p++;
    }
}

void esomock__wire_note_answer(struct esomock_journal_entry *e, const struct esomock_reply *reply,
                               double now_s)
{
    e->retry_after[0] = '\0';
    e->retry_after_s = 0;
    for (size_t i = 0; i < reply->header_count; i++) {
        if (strcasecmp(reply->headers[i].name, "Retry-After") != 0)
            continue;
        /* The journal is UTF-8 JSON whatever a scenario put in a header. */
        esomock__utf8_copy(e->retry_after, sizeof(e->retry_after), reply->headers[i].value,
                           strlen(reply->headers[i].value));
        e->retry_after_s = esomock__wire_retry_after_seconds(reply->headers[i].value, now_s);
        break;
    }
    e->graphql_errors = esomock__wire_has_errors(reply->body, reply->body_len);
}
