/* Retry-After parsing: delta-seconds, the three HTTP-date forms, garbage, negative, huge. */
#include <criterion/criterion.h>

#include "retry_after_private.h"

/* Sun, 06 Nov 1994 08:49:37 GMT */
#define T1994 INT64_C(784111777)

static void expect(const char *v, int64_t now, enum eso__retry_after kind, double secs)
{
    double got = -1;
    enum eso__retry_after k = eso__retry_after_parse(v, now, &got);
    cr_assert_eq(k, kind, "'%s': kind %d, want %d", v ? v : "(null)", k, kind);
    if (kind == ESO__RA_SECONDS || kind == ESO__RA_DATE)
        cr_assert_float_eq(got, secs, 1e-9, "'%s': %f s, want %f", v, got, secs);
}

Test(retry_after, delta_seconds)
{
    expect("0", 0, ESO__RA_SECONDS, 0);
    expect("1", 0, ESO__RA_SECONDS, 1);
    expect("120", 0, ESO__RA_SECONDS, 120);
    expect("  7  ", 0, ESO__RA_SECONDS, 7);
    expect("1.5", 0, ESO__RA_SECONDS, 1.5);
}

Test(retry_after, huge_values_saturate)
{
    expect("99999999999999999999999", 0, ESO__RA_SECONDS, 1e9);
    expect("1000000001", 0, ESO__RA_SECONDS, 1e9);
}

Test(retry_after, absent_and_garbage)
{
    expect(NULL, 0, ESO__RA_ABSENT, 0);
    expect("", 0, ESO__RA_ABSENT, 0);
    expect("   ", 0, ESO__RA_ABSENT, 0);
    expect("-5", 0, ESO__RA_INVALID, 0);
    expect("-0", 0, ESO__RA_INVALID, 0);
    expect("abc", 0, ESO__RA_INVALID, 0);
    expect("5s", 0, ESO__RA_INVALID, 0);
    expect("1e3", 0, ESO__RA_INVALID, 0);
    expect("1.", 0, ESO__RA_INVALID, 0);
    expect("0x10", 0, ESO__RA_INVALID, 0);
    expect("inf", 0, ESO__RA_INVALID, 0);
    expect("nan", 0, ESO__RA_INVALID, 0);
    expect("Sun, 06 Nov 1994 08:49:37 UTC", 0, ESO__RA_INVALID, 0);
    expect("Sun, 32 Nov 1994 08:49:37 GMT", 0, ESO__RA_INVALID, 0);
    expect("Sun, 06 Foo 1994 08:49:37 GMT", 0, ESO__RA_INVALID, 0);
    expect("Sun, 06 Nov 1994 25:49:37 GMT", 0, ESO__RA_INVALID, 0);
    expect("Sun, 06 Nov 1994 08:49:37 GMT trailing", 0, ESO__RA_INVALID, 0);
}

/* curl_getdate() takes all of these (other zones and layouts, six words at most); an
 * HTTP-date is none of them. */
Test(retry_after, only_the_three_http_date_forms)
{
    expect("Sun, 06 Nov 1994 08:49:37 +0100", 0, ESO__RA_INVALID, 0);
    expect("Sun, 06 Nov 1994 08:49:37 PST", 0, ESO__RA_INVALID, 0);
    expect("Sun, 06 Nov 1994 08:49:37", 0, ESO__RA_INVALID, 0);
    expect("Sun 06 Nov 1994 08:49:37 GMT", 0, ESO__RA_INVALID, 0);
    expect("Sunday, 06 Nov 1994 08:49:37 GMT", 0, ESO__RA_INVALID, 0);
    expect("Sun, 6 Nov 1994 08:49:37 GMT", 0, ESO__RA_INVALID, 0);
    expect("06 Nov 1994 08:49:37 GMT", 0, ESO__RA_INVALID, 0);
    expect("Sun, 06 Nov 1994 08:49:37 GMT GMT", 0, ESO__RA_INVALID, 0);
    expect("Sun, 06 Nov 1994 08:49:37 GMT\tx", 0, ESO__RA_INVALID, 0);
    /* asctime's day may be written with its zero (RFC 9110: 2DIGIT / SP DIGIT). */
    expect("Sun Nov 06 08:49:37 1994", T1994 - 5, ESO__RA_DATE, 5);
    expect("  Sun, 06 Nov 1994 08:49:37 GMT\t", T1994 - 5, ESO__RA_DATE, 5);
}

Test(retry_after, imf_fixdate)
{
    expect("Sun, 06 Nov 1994 08:49:37 GMT", T1994 - 30, ESO__RA_DATE, 30);
    expect("Sun, 06 Nov 1994 08:49:37 GMT", T1994, ESO__RA_DATE, 0);
    /* A date in the past means "now". */
    expect("Wed, 21 Oct 2015 07:28:00 GMT", INT64_C(1700000000), ESO__RA_DATE, 0);
}

Test(retry_after, rfc850_and_asctime)
{
    expect("Sunday, 06-Nov-94 08:49:37 GMT", T1994 - 10, ESO__RA_DATE, 10);
    expect("Sun Nov  6 08:49:37 1994", T1994 - 20, ESO__RA_DATE, 20);
    expect("Sun Nov 16 08:49:37 1994", T1994, ESO__RA_DATE, 10 * 86400);
}

Test(retry_after, http_date_epoch_arithmetic)
{
    int64_t t = 0;
    cr_assert_eq(eso__http_date_parse("Thu, 01 Jan 1970 00:00:00 GMT", &t), 0, "epoch parses");
    cr_assert_eq(t, 0, "epoch is 0");
    cr_assert_eq(eso__http_date_parse("Tue, 29 Feb 2000 12:00:00 GMT", &t), 0, "leap day");
    cr_assert_eq(t, INT64_C(951825600), "2000-02-29T12:00:00Z");
    cr_assert_eq(eso__http_date_parse("Fri, 31 Dec 2099 23:59:59 GMT", &t), 0, "far future");
    cr_assert_eq(t, INT64_C(4102444799), "2099-12-31T23:59:59Z");
}
