/* Parsing the Retry-After header: delta-seconds or an HTTP-date. */
#ifndef ESOLOGS_RETRY_AFTER_PRIVATE_H
#define ESOLOGS_RETRY_AFTER_PRIVATE_H

#include <stdint.h>

enum eso__retry_after {
    ESO__RA_ABSENT = 0,  /* NULL or empty */
    ESO__RA_INVALID = 1, /* garbage, negative, non-finite: ignored, backoff applies */
    ESO__RA_SECONDS = 2, /* delta-seconds (a decimal fraction is tolerated) */
    ESO__RA_DATE = 3,    /* IMF-fixdate, RFC 850 or asctime date */
};

/*
 * Parse @p value. For a date, the wait is date - @p now_unix (0 when in the past).
 * @p seconds_out (scenario seconds, saturated at 1e9) is set for SECONDS and DATE.
 */
enum eso__retry_after eso__retry_after_parse(const char *value, int64_t now_unix,
                                             double *seconds_out);

/* Parse an HTTP-date into Unix seconds; returns 0 on success, -1 if invalid. */
int eso__http_date_parse(const char *value, int64_t *unix_out);

#endif
