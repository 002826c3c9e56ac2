/*
 * Parsing the Retry-After header (RFC 9110 section 10.2.3): delta-seconds or an
 * HTTP-date. libcurl's curl_getdate() reads the date; it is lenient (other zones,
 * layouts, and it stops after six words), so the text must also be exactly what that
 * time is in one of the three HTTP-date forms, weekday aside (as before, not checked
 * against the date). CURLINFO_RETRY_AFTER is not used: it cannot tell "0" from absent or
 * garbage, takes a date against the real clock (not the client's injected one), drops
 * fractions, and the hook transport has no libcurl handle.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "retry_after_private.h"

#define MAX_SECONDS 1e9
#define DIGITS "0123456789"
#define LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/* @p s without leading and trailing blanks, into @p out (false when it does not fit). */
static bool trim(const char *s, char *out, size_t size)
{
    s += strspn(s, " \t");
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len >= size)
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

int eso__http_date_parse(const char *value, int64_t *unix_out)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char text[128];
    if (!trim(value, text, sizeof text))
        return -1;
    time_t t = curl_getdate(text, NULL);
    struct tm tm;
    if (t == -1 || gmtime_r(&t, &tm) == NULL)
        return -1;
    /* The weekday, then the rest as each form writes this time. */
    size_t day = strspn(text, LETTERS);
    const char *rest = text + day;
    const char *mon = months[tm.tm_mon];
    int year = tm.tm_year + 1900;
    char form[64];
    if (day == 3) {
        /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
        snprintf(form, sizeof form, ", %02d %s %04d %02d:%02d:%02d GMT", tm.tm_mday, mon, year,
                 tm.tm_hour, tm.tm_min, tm.tm_sec);
        if (strcmp(rest, form) == 0)
            goto ok;
        /* asctime: "Sun Nov  6 08:49:37 1994" (a day of two digits may have its zero). */
        snprintf(form, sizeof form, " %s %2d %02d:%02d:%02d %04d", mon, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, year);
        if (strcmp(rest, form) == 0)
            goto ok;
        snprintf(form, sizeof form, " %s %02d %02d:%02d:%02d %04d", mon, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, year);
        if (strcmp(rest, form) == 0)
            goto ok;
    } else if (day > 3) {
        /* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (libcurl's century for 2-digit years). */
        snprintf(form, sizeof form, ", %02d-%s-%02d %02d:%02d:%02d GMT", tm.tm_mday, mon,
                 year % 100, tm.tm_hour, tm.tm_min, tm.tm_sec);
        if (strcmp(rest, form) == 0)
            goto ok;
    }
    return -1;
ok:
    *unix_out = (int64_t)t;
    return 0;
}

/* Non-negative decimal: digits with an optional fraction; saturates at MAX_SECONDS. */
static bool parse_seconds(const char *p, double *out)
{
    char text[128];
    if (!trim(p, text, sizeof text))
        return false;
    size_t whole = strspn(text, DIGITS);
    if (whole == 0)
        return false;
    if (text[whole] == '.') {
        size_t frac = strspn(text + whole + 1, DIGITS);
        if (frac == 0 || text[whole + 1 + frac] != '\0')
            return false;
    } else if (text[whole] != '\0') {
        return false;
    }
    /* Only digits and one dot are left, which strtod reads whole. */
    double v = strtod(text, NULL);
    *out = v > MAX_SECONDS ? MAX_SECONDS : v;
    return true;
}

enum eso__retry_after eso__retry_after_parse(const char *value, int64_t now_unix,
                                             double *seconds_out)
{
    if (value == NULL || value[strspn(value, " \t")] == '\0')
        return ESO__RA_ABSENT;
    double secs = 0;
    if (parse_seconds(value, &secs)) {
        *seconds_out = secs;
        return ESO__RA_SECONDS;
    }
    int64_t when = 0;
    if (eso__http_date_parse(value, &when) == 0) {
        int64_t delta = when - now_unix;
        double d = delta > 0 ? (double)delta : 0.0;
        *seconds_out = d > MAX_SECONDS ? MAX_SECONDS : d;
        return ESO__RA_DATE;
    }
    return ESO__RA_INVALID;
}
