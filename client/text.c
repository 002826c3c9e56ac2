/* Bounded text helpers. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text_private.h"

size_t eso__utf8_seq(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; /* no overlong forms */
        else if (c == 0xed)
            hi = 0x9f; /* no UTF-16 surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; /* nothing past U+10FFFF */
    } else {
        return 0;
    }
    if (p[1] < lo || p[1] > hi)
        return 0;
    /* The terminating NUL is no continuation byte, so a cut sequence fails here. */
    for (size_t i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    }
    return n;
}

void eso__utf8_trim(char *buf)
{
    size_t len = strlen(buf);
    /* A cut character is at most 3 bytes of a 4-byte sequence: look back that far. */
    for (size_t back = 1; back <= 3 && back <= len; back++) {
        unsigned char c = (unsigned char)buf[len - back];
        if (c < 0x80)
            return;
        if (c >= 0xc0) {
            if (eso__utf8_seq(buf + len - back) == 0)
                buf[len - back] = '\0';
            return;
        }
    }
}

/* Whether NUL-terminated @p buf, in a buffer of @p size bytes, is printable ASCII that the
 * 1024-byte passes below would leave as it is. */
static bool plain(const char *buf, size_t size)
{
    if (size > 1024)
        return false;
    for (const unsigned char *p = (const unsigned char *)buf; *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7e)
            return false;
    }
    return true;
}

void eso__utf8_sanitize(char *buf, size_t size)
{
    if (buf == NULL || size == 0 || plain(buf, size))
        return;
    char tmp[1024];
    size_t cap = size < sizeof tmp ? size : sizeof tmp;
    size_t o = 0;
    for (const char *p = buf; *p != '\0';) {
        size_t n = eso__utf8_seq(p);
        const char *src = n > 0 ? p : "\xef\xbf\xbd"; /* U+FFFD for each bad byte */
        size_t len = n > 0 ? n : 3;
        if (o + len + 1 > cap)
            break; /* whole characters only */
        memcpy(tmp + o, src, len);
        o += len;
        p += n > 0 ? n : 1;
    }
    tmp[o] = '\0';
    memcpy(buf, tmp, o + 1);
}

/* Code point of the well-formed sequence of @p n bytes at @p p. */
static unsigned decode(const unsigned char *p, size_t n)
{
    static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    unsigned cp = p[0] & lead_mask[n];
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (p[i] & 0x3fu);
    return cp;
}

/* Characters that move the cursor, end a line, or reorder what a terminal shows. */
static bool is_control(unsigned cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
           cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

size_t eso__control_escape(const char *s, size_t *len, char out[8])
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = eso__utf8_seq(s);
    *len = n > 0 ? n : 1;
    out[0] = '\0';
    if (n == 0) {
        memcpy(out, "\xef\xbf\xbd", 4); /* U+FFFD for a byte that is no character */
        return 3;
    }
    unsigned cp = decode(p, n);
    if (!is_control(cp))
        return 0;
    switch (cp) {
    case '\n':
        return (size_t)snprintf(out, 8, "\\n");
    case '\r':
        return (size_t)snprintf(out, 8, "\\r");
    case '\t':
        return (size_t)snprintf(out, 8, "\\t");
    default:
        return (size_t)snprintf(out, 8, cp < 0x80 ? "\\x%02x" : "\\u%04x", cp);
    }
}

void eso__escape_controls(char *buf, size_t size)
{
    if (buf == NULL || size == 0 || plain(buf, size))
        return;
    char tmp[1024];
    size_t cap = size < sizeof tmp ? size : sizeof tmp;
    size_t o = 0;
    for (const char *p = buf; *p != '\0';) {
        char esc[8];
        size_t len = 0;
        size_t elen = eso__control_escape(p, &len, esc);
        const char *src = elen > 0 ? esc : p;
        size_t n = elen > 0 ? elen : len;
        if (o + n + 1 > cap)
            break; /* whole characters and escapes only */
        memcpy(tmp + o, src, n);
        o += n;
        p += len;
    }
    tmp[o] = '\0';
    memcpy(buf, tmp, o + 1);
}

size_t eso__b64token_span(const char *s)
{
    size_t i = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");
    return i == 0 ? 0 : i + strspn(s + i, "=");
}

void eso__fmt(char *buf, size_t size, const char *fmt, ...)
{
    if (buf == NULL || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= size)
        eso__utf8_trim(buf);
}
