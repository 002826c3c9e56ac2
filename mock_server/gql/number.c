/* Numbers as JavaScript's Number#toString writes them (graphql-js's messages, JSON.stringify). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number_private.h"

/* Digits of u into out (no sign), returning their count. */
static size_t write_digits(uint64_t u, char *out)
{
    char rev[24];
    size_t r = 0;
    size_t i;

    do {
        rev[r++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u > 0);
    for (i = 0; i < r; i++)
        out[i] = rev[r - 1 - i];
    return r;
}

/*
 * The common numbers without printf: an integer below 1e15, or a decimal of at most 15
 * significant digits and 8 decimals at or above 1e-5. Such a decimal is the only one of at
 * most 15 digits that reads back as value (DBL_DIG), so it is the shortest, as JavaScript
 * writes it. Returns false for the others.
 */
static bool js_number_fast(double value, char *out, size_t size)
{
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    double a = fabs(value);
    char tmp[40];
    size_t len = 0;
    int k;

    if (!(a < 1e15) || size < sizeof(tmp))
        return false;
    if (value < 0)
        tmp[len++] = '-';
    if (a == floor(a)) {
        len += write_digits((uint64_t)a, tmp + len);
        memcpy(out, tmp, len);
        out[len] = '\0';
        return true;
    }
    if (a < 1e-5)
        return false;
    for (k = 1; k <= 8; k++) {
        double m = a * pow10[k];
        char digits[24];
        size_t n;
        size_t whole;

        if (m >= 1e15)
            return false;
        if (m != floor(m))
            continue;
        /* Rounding in the product may land on a later k (a trailing zero) or elsewhere. */
        if (fmod(m, 10) == 0 || m / pow10[k] != a)
            return false;
        n = write_digits((uint64_t)m, digits);
        whole = n > (size_t)k ? n - (size_t)k : 0;
        if (whole == 0) {
            tmp[len++] = '0';
            tmp[len++] = '.';
            for (size_t z = n; z < (size_t)k; z++)
                tmp[len++] = '0';
            memcpy(tmp + len, digits, n);
            len += n;
        } else {
            memcpy(tmp + len, digits, whole);
            len += whole;
            tmp[len++] = '.';
            memcpy(tmp + len, digits + whole, (size_t)k);
            len += (size_t)k;
        }
        memcpy(out, tmp, len);
        out[len] = '\0';
        return true;
    }
    return false;
}

void gql_js_number(double value, char *out, size_t size)
{
    char digits[32];
    char tmp[40];
    int exp10 = 0;
    int k = 0;
    int prec;
    int n;
    size_t len = 0;
    bool neg = false;

    if (isnan(value)) {
        snprintf(out, size, "NaN");
        return;
    }
    if (isinf(value)) {
        snprintf(out, size, value < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (value == 0) {
        snprintf(out, size, "0");
        return;
    }
    if (js_number_fast(value, out, size))
        return;
    if (value < 0) {
        neg = true;
        value = -value;
    }
    if (value < 1e15 && floor(value) == value) {
        /* An integer: its digits, without printf. */
        uint64_t u = (uint64_t)value;
        char rev[24];
        int r = 0;

        while (u > 0) {
            rev[r++] = (char)('0' + (int)(u % 10));
            u /= 10;
        }
        exp10 = r - 1;
        while (r > 0)
            digits[k++] = rev[--r];
        while (k > 1 && digits[k - 1] == '0')
            k--;
        digits[k] = '\0';
    } else {
        /* The shortest digits that read back as the same double: a double with at most
         * 15 significant digits (DBL_DIG) prints them at precision 15, trailing zeros
         * aside; otherwise 16 or 17 digits. Subnormals are tried from 1 digit up. */
        const char *e;
        const char *c;

        /* A subnormal has fewer significant bits: its shortest may be under 15 digits. */
        for (prec = value < 2.2250738585072014e-308 ? 1 : 15; prec <= 17; prec++) {
            snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, value);
            if (prec == 17 || strtod(tmp, NULL) == value)
                break;
        }
        e = strchr(tmp, 'e');
        exp10 = (int)strtol(e + 1, NULL, 10);
        for (c = tmp; c < e; c++)
            if (*c >= '0' && *c <= '9')
                digits[k++] = *c;
        while (k > 1 && digits[k - 1] == '0')
            k--;
        digits[k] = '\0';
    }
    n = exp10 + 1; /* the decimal point sits after n digits */
    if (neg)
        tmp[len++] = '-';
    if (k <= n && n <= 21) {
        memcpy(tmp + len, digits, (size_t)k);
        len += (size_t)k;
        for (int i = 0; i < n - k; i++)
            tmp[len++] = '0';
    } else if (0 < n && n <= 21) {
        memcpy(tmp + len, digits, (size_t)n);
        len += (size_t)n;
        tmp[len++] = '.';
        memcpy(tmp + len, digits + n, (size_t)(k - n));
        len += (size_t)(k - n);
    } else if (-6 < n && n <= 0) {
        tmp[len++] = '0';
        tmp[len++] = '.';
        for (int i = 0; i < -n; i++)
            tmp[len++] = '0';
        memcpy(tmp + len, digits, (size_t)k);
        len += (size_t)k;
    } else {
        tmp[len++] = digits[0];
        if (k > 1) {
            tmp[len++] = '.';
            memcpy(tmp + len, digits + 1, (size_t)(k - 1));
            len += (size_t)(k - 1);
        }
        len += (size_t)snprintf(tmp + len, sizeof(tmp) - len, "e%c%d", n - 1 < 0 ? '-' : '+',
                                abs(n - 1));
    }
    tmp[len] = '\0';
    if (size > 0) {
        if (len >= size)
            len = size - 1;
        memcpy(out, tmp, len);
        out[len] = '\0';
    }
}
