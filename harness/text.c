/*
 * Escaping for eso-scenario's text output. Server error messages, scenario names and
 * descriptions reach the timeline, the verdicts and the table; raw, a "\n" in them
 * forges a line ("PASS ...") and an ESC or BEL drives the terminal.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text_private.h"

/* Length of the valid UTF-8 sequence at @p p (1 to 4), or 0 when it is not valid. */
static size_t utf8_length(const unsigned char *p)
{
    size_t len;
    uint32_t cp;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        cp = p[0] & 0x1fu;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        cp = p[0] & 0x0fu;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        cp = p[0] & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) /* the terminating NUL fails this too */
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* One input character and what stands for it in the output. */
struct piece {
    char esc[8];      /* the escape, when there is one */
    const char *text; /* what to write: esc, or the input bytes themselves */
    size_t len;       /* bytes of text */
    size_t consumed;  /* bytes of input it stands for */
};

static void next_piece(const unsigned char *p, struct piece *out)
{
    static const char *const named[] = {['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t"};
    size_t utf8 = utf8_length(p);
    out->consumed = 1;
    out->text = out->esc;
    if (p[0] < sizeof(named) / sizeof(named[0]) && named[p[0]] != NULL) {
        out->len = (size_t)snprintf(out->esc, sizeof(out->esc), "%s", named[p[0]]);
    } else if (p[0] < 0x20 || p[0] == 0x7f || utf8 == 0) {
        out->len = (size_t)snprintf(out->esc, sizeof(out->esc), "\\x%02x", p[0]);
    } else if (utf8 == 2 && p[0] == 0xc2 && p[1] < 0xa0) { /* U+0080..U+009F: C1 controls */
        out->len = (size_t)snprintf(out->esc, sizeof(out->esc), "\\u00%02x", p[1]);
        out->consumed = 2;
    } else {
        out->text = (const char *)p;
        out->len = utf8;
        out->consumed = utf8;
    }
}

const char *esoh__text_escape(const char *in, char *out, size_t size)
{
    if (size == 0)
        return out;
    size_t used = 0;
    const unsigned char *p = (const unsigned char *)(in != NULL ? in : "");
    while (*p != '\0') {
        struct piece piece;
        next_piece(p, &piece);
        if (used + piece.len >= size)
            break;
        memcpy(out + used, piece.text, piece.len);
        used += piece.len;
        p += piece.consumed;
    }
    out[used] = '\0';
    return out;
}

void esoh__text_put(FILE *f, const char *in)
{
    const unsigned char *p = (const unsigned char *)(in != NULL ? in : "");
    while (*p != '\0') {
        struct piece piece;
        next_piece(p, &piece);
        fwrite(piece.text, 1, piece.len, f);
        p += piece.consumed;
    }
}

void esoh__text_put_lines(FILE *f, const char *in, const char *indent)
{
    const char *line = in != NULL ? in : "";
    for (bool first = true;; first = false) {
        if (!first && indent != NULL)
            fputs(indent, f);
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        while (len > 0) { /* in pieces, each ending on a character boundary */
            char piece[512];
            size_t n = len < sizeof(piece) - 1 ? len : sizeof(piece) - 1;
            while (n < len && n > 4 && ((unsigned char)line[n] & 0xc0) == 0x80)
                n--;
            memcpy(piece, line, n);
            piece[n] = '\0';
            esoh__text_put(f, piece);
            line += n;
            len -= n;
        }
        fputc('\n', f);
        if (end == NULL || end[1] == '\0')
            break;
        line = end + 1;
    }
}

void esoh__markup_put(FILE *f, const char *in, const char *kept_controls, char replacement)
{
    const unsigned char *p = (const unsigned char *)(in != NULL ? in : "");
    while (*p != '\0') {
        size_t len = 0;
        if (*p < 0x80)
            len = 1;
        else if (*p >= 0xc2 && *p <= 0xdf)
            len = 2;
        else if (*p >= 0xe0 && *p <= 0xef)
            len = 3;
        else if (*p >= 0xf0 && *p <= 0xf4)
            len = 4;
        bool valid = len > 0;
        for (size_t i = 1; valid && i < len; i++)
            valid = (p[i] & 0xc0) == 0x80;
        if (!valid) {
            fputs("\xef\xbf\xbd", f); /* U+FFFD */
            p++;
            continue;
        }
        if (len > 1) {
            fwrite(p, 1, len, f);
            p += len;
            continue;
        }
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            if (*p < 0x20 && strchr(kept_controls, *p) == NULL)
                fputc(replacement, f);
            else
                fputc(*p, f);
        }
        p++;
    }
}
