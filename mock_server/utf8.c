#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "utf8_private.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* The length of the well-formed UTF-8 sequence at @p s (at most @p left bytes), or 0. */
static size_t sequence_length(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned cp, min;
    if ((c & 0xe0) == 0xc0) {
        n = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* True for a byte copied as is: ASCII but NUL (and, printable, but a control byte). */
static bool plain(unsigned char c, bool printable)
{
    return c != 0 && c < 0x80 && !(printable && (c < 0x20 || c == 0x7f));
}

static size_t copy(char *dst, size_t size, const char *src, size_t len, bool printable)
{
    size_t o = 0, i = 0;
    if (size == 0)
        return 0;
    const unsigned char *s = (const unsigned char *)src;
    while (i < len && s[i] != '\0') {
        /* A run of plain ASCII goes in one copy: most text is that. */
        size_t run = 0;
        while (i + run < len && plain(s[i + run], printable))
            run++;
        if (run > 0) {
            bool cut = o + run + 1 > size;
            if (cut)
                run = size - 1 - o;
            memcpy(dst + o, s + i, run);
            o += run;
            i += run;
            if (cut)
                break;
            continue;
        }
        size_t n = sequence_length(s + i, len - i);
        const char *piece = (const char *)s + i;
        size_t piece_len = n;
        char escaped[8];
        if (n == 0) {
            piece = replacement;
            piece_len = sizeof(replacement) - 1;
            n = 1;
        } else if (printable && n == 1) {
            piece_len = (size_t)snprintf(escaped, sizeof(escaped), "\\x%02x", s[i]);
            piece = escaped;
        }
        if (o + piece_len + 1 > size)
            break; /* whole characters only */
        memcpy(dst + o, piece, piece_len);
        o += piece_len;
        i += n;
    }
    dst[o] = '\0';
    return o;
}

size_t esomock__utf8_copy(char *dst, size_t size, const char *src, size_t len)
{
    return copy(dst, size, src, len, false);
}

size_t esomock__utf8_printable(char *dst, size_t size, const char *src)
{
    return copy(dst, size, src, strlen(src), true);
}

const char *esomock__utf8_invalid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = sequence_length(u + i, len - i);
        if (n == 0)
            return s + i;
        i += n;
    }
    return NULL;
}
