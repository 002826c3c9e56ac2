/* Parsing the Retry-After header: delta-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "retry_after_private.h"

#define MAX_SECONDS 1e9

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int month_from_name(const char *p)
{
    static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++) {
        if (strncmp(p, names[i], 3) == 0)
            return i + 1;
    }
    return 0;
}

/* Read exactly @p n digits (n <= 4) at *p. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

static bool skip_day_name(const char **p, bool long_form)
{
    static const char *const longs[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
    static const char *const shorts[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    for (int i = 0; i < 7; i++) {
        if (expect(p, long_form ? longs[i] : shorts[i]))
            return true;
    }
    return false;
}

static bool time_of_day(const char **p, int *h, int *mi, int *s)
{
    return digits(p, 2, h) && expect(p, ":") && digits(p, 2, mi) && expect(p, ":") &&
           digits(p, 2, s) && *h <= 23 && *mi <= 59 && *s <= 60;
}

static bool finish(const char *p)
{
    while (is_space(*p))
        p++;
    return *p == '\0';
}

int eso__http_date_parse(const char *value, int64_t *unix_out)
{
    const char *p = value;
    int day = 0, month = 0, year = 0, h = 0, mi = 0, s = 0;
    while (is_space(*p))
        p++;
    const char *start = p;

    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
    if (skip_day_name(&p, false) && expect(&p, ", ") && digits(&p, 2, &day) && expect(&p, " ") &&
        (month = month_from_name(p)) != 0) {
        p += 3;
        if (!(expect(&p, " ") && digits(&p, 4, &year) && expect(&p, " ") &&
              time_of_day(&p, &h, &mi, &s) && expect(&p, " GMT") && finish(p)))
            return -1;
        goto done;
    }

    /* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit year: 1970-2069). */
    p = start;
    if (skip_day_name(&p, true) && expect(&p, ", ") && digits(&p, 2, &day) && expect(&p, "-") &&
        (month = month_from_name(p)) != 0) {
        p += 3;
        if (!(expect(&p, "-") && digits(&p, 2, &year) && expect(&p, " ") &&
              time_of_day(&p, &h, &mi, &s) && expect(&p, " GMT") && finish(p)))
            return -1;
        year += year < 70 ? 2000 : 1900;
        goto done;
    }

    /* asctime: "Sun Nov  6 08:49:37 1994". */
    p = start;
    if (skip_day_name(&p, false) && expect(&p, " ") && (month = month_from_name(p)) != 0) {
        p += 3;
        if (!expect(&p, " "))
            return -1;
        if (*p == ' ') {
            p++;
            if (!digits(&p, 1, &day))
                return -1;
        } else if (!digits(&p, 2, &day)) {
            return -1;
        }
        if (!(expect(&p, " ") && time_of_day(&p, &h, &mi, &s) && expect(&p, " ") &&
              digits(&p, 4, &year) && finish(p)))
            return -1;
        goto done;
    }
    return -1;

done:
    if (day < 1 || day > 31 || month < 1 || month > 12)
        return -1;
    *unix_out =
        days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
}

/* Non-negative decimal: digits with an optional fraction; saturates at MAX_SECONDS. */
static bool parse_seconds(const char *p, double *out)
{
    while (is_space(*p))
        p++;
    if (!is_digit(*p))
        return false;
    double v = 0;
    while (is_digit(*p)) {
        if (v < MAX_SECONDS)
            v = v * 10 + (*p - '0');
        p++;
    }
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return false;
        double scale = 0.1;
        while (is_digit(*p)) {
            v += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    if (!finish(p))
        return false;
    *out = v > MAX_SECONDS ? MAX_SECONDS : v;
    return true;
}

enum eso__retry_after eso__retry_after_parse(const char *value, int64_t now_unix,
                                             double *seconds_out)
{
    if (value == NULL)
        return ESO__RA_ABSENT;
    const char *p = value;
    while (is_space(*p))
        p++;
    if (*p == '\0')
        return ESO__RA_ABSENT;

    double secs = 0;
    if (parse_seconds(p, &secs)) {
        *seconds_out = secs;
        return ESO__RA_SECONDS;
    }
    int64_t when = 0;
    if (eso__http_date_parse(p, &when) == 0) {
        int64_t delta = when - now_unix;
        double d = delta > 0 ? (double)delta : 0.0;
        *seconds_out = d > MAX_SECONDS ? MAX_SECONDS : d;
        return ESO__RA_DATE;
    }
    return ESO__RA_INVALID;
}
