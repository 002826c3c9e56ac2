/*
 * libFuzzer target: libesologs' string safety (client/text.c, client/events.c): secret
 * redaction, "Bearer"/"Basic" credential scrubbing, the UTF-8 helpers, and the detail
 * pipeline of eso__emit that chains them.
 *
 * Input: one byte picking the buffer size, then SECRET '\0' TEXT (neither can hold a NUL;
 * without a NUL the whole rest is TEXT and the secret is empty). TEXT is copied into a
 * heap buffer of exactly that size, cut at the end like a detail string, so ASan sees any
 * write past it and the helpers meet cut secrets and cut UTF-8 characters.
 *
 * Invariants (abort() on violation, with a note on stderr):
 *   every helper leaves a NUL inside its buffer;
 *   eso__redact: a secret of ESO__REDACT_ANYWHERE_LEN or more characters occurs nowhere in
 *     the output, and a secret occurrence cut by the buffer's end leaves no prefix of
 *     ESO__REDACT_ANYWHERE_LEN / 2 or more characters at the end; a shorter secret occurs
 *     nowhere as a whole word (occurrences made with the "[redacted]" mark's own
 *     characters, or next to a mark, say nothing about the original text: not counted);
 *   eso__redact_schemes (alone, after eso__redact as call.c does, and in eso__emit): no
 *     "Bearer "/"Basic " (any case, not inside a word, not right after a mark) is followed
 *     by 8 or more credential characters;
 *   eso__utf8_seq agrees with an independent decoder at every position;
 *   eso__utf8_sanitize: the output is well-formed UTF-8 and equals the input when that
 *     was already well-formed and fits; eso__utf8_trim and eso__fmt cut a well-formed
 *     text exactly at the last whole character that fits;
 *   eso__escape_controls (alone, and in eso__emit's detail and eso_event_format_text's
 *     line): the output is well-formed UTF-8 without a C0/C1 control, DEL, U+2028/U+2029
 *     or a bidirectional formatting character (no line can be forged), and equals the
 *     input when that had none of them, was well-formed and fits.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <esologs/client.h>

#include "events_private.h"
#include "redact_private.h"
#include "text_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char MARK[] = "[redacted]";
#define MARK_LEN (sizeof MARK - 1)

/* Buffer sizes: tiny ones cut everything, ESO_DETAIL_SIZE is the library's own, and
 * past 1024 eso__utf8_sanitize stops using the whole buffer. */
static const size_t SIZES[] = {1,   2,   3,   4,   5,   6,   7,    8,    9,    10,  11,
                               12,  13,  16,  17,  19,  20,  24,   31,   32,   40,  64,
                               100, 128, 255, 256, 257, 512, 1023, 1024, 1025, 2048};

static void fail(const char *what, const char *secret, const char *out)
{
    fprintf(stderr,
            "fuzz-client-text: invariant violated: %s\n  secret: \"%s\"\n  output: \"%s\"\n", what,
            secret != NULL ? secret : "", out != NULL ? out : "");
    abort();
}

/* A heap buffer of exactly @p size bytes holding @p text cut to fit (no UTF-8 care). */
static char *cut_copy(const char *text, size_t size)
{
    char *buf = malloc(size);
    if (buf == NULL)
        abort();
    size_t n = strlen(text);
    if (n > size - 1)
        n = size - 1;
    memcpy(buf, text, n);
    buf[n] = '\0';
    return buf;
}

static void check_terminated(const char *buf, size_t size, const char *what)
{
    if (memchr(buf, '\0', size) == NULL)
        fail(what, NULL, NULL);
}

/* ---- An independent UTF-8 decoder (RFC 3629: no overlongs, surrogates, > U+10FFFF). ---- */

/* Length of the well-formed character at @p s (n bytes available), 0 if there is none. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        len = 2;
        cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_char(p + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

/* The longest prefix of well-formed @p s that ends at a character boundary and is at most
 * @p max bytes long. */
static size_t utf8_boundary(const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t len = utf8_char(p + i, n - i);
        if (len == 0 || i + len > max)
            break;
        i += len;
    }
    return i;
}

/* The first character an escaped text must not hold (its offset), or -1: decoded here,
 * independently of text.c. */
static long first_control(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_char(p + i, n - i);
        if (len == 0)
            return (long)i;
        uint32_t cp = p[i];
        if (len > 1) {
            cp = p[i] & (0xff >> (len + 1));
            for (size_t k = 1; k < len; k++)
                cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
            cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return (long)i;
        i += len;
    }
    return -1;
}

/* ---- Oracles for the redaction ---- */

/*
 * covered[i] for each byte of @p out that belongs to a "[redacted]" mark: every whole mark
 * (literal ones of the input too: they only make the oracle more lenient) and a cut mark
 * (a proper prefix of it) at the very end of the output.
 */
static void mark_coverage(const char *out, size_t len, bool *covered)
{
    memset(covered, 0, len + 1);
    for (const char *m = strstr(out, MARK); m != NULL; m = strstr(m + 1, MARK))
        memset(covered + (m - out), 1, MARK_LEN);
    for (size_t k = MARK_LEN - 1; k >= 1; k--) {
        if (k <= len && memcmp(out + len - k, MARK, k) == 0) {
            memset(covered + len - k, 1, k);
            break;
        }
    }
}

static bool any_covered(const bool *covered, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (covered[i])
            return true;
    }
    return false;
}

/* eso__redact's word characters (events.c); documented: alnum and "-._~". */
static bool word_char(char c)
{
    return c != '\0' && (isalnum((unsigned char)c) || strchr("-._~", c) != NULL);
}

/* Where the first @p k bytes of @p needle occur in @p hay (at or after @p from), or -1. */
static long find_prefix(const char *hay, size_t hay_len, size_t from, const char *needle, size_t k)
{
    for (size_t j = from; j + k <= hay_len; j++) {
        if (memcmp(hay + j, needle, k) == 0)
            return (long)j;
    }
    return -1;
}

/*
 * @p in: the buffer as handed to eso__redact (the text cut to the buffer); @p full_text:
 * the uncut text (@p in is a prefix of it); @p out: the result, in a buffer of @p size.
 * Outside the marks the output is pieces of @p in, in order, one mark between two pieces.
 */
static void check_redact(const char *secret, const char *full_text, const char *in, const char *out,
                         size_t size)
{
    size_t slen = strlen(secret), len = strlen(out);
    if (slen == 0)
        return;
    bool *covered = malloc(len + 1);
    if (covered == NULL)
        abort();
    mark_coverage(out, len, covered);

    for (const char *p = strstr(out, secret); p != NULL; p = strstr(p + 1, secret)) {
        size_t i = (size_t)(p - out);
        if (slen >= ESO__REDACT_ANYWHERE_LEN) {
            if (!any_covered(covered, i, i + slen))
                fail("eso__redact: a long secret is still in the output", secret, out);
            continue;
        }
        /* Whole words only. Judged where the occurrence and both its neighbours are text
         * of the input: a mark's bracket is a boundary the input did not have, and the end
         * of a full buffer may be a cut rather than the end of a word. */
        size_t lo = i > 0 ? i - 1 : 0, hi = i + slen < len ? i + slen + 1 : len;
        if (any_covered(covered, lo, hi))
            continue;
        if (i + slen == len && len + 1 >= size)
            continue;
        if ((i == 0 || !word_char(out[i - 1])) && !word_char(out[i + slen]))
            fail("eso__redact: a short secret is still in the output as a whole word", secret, out);
    }

    /*
     * A cut secret: the output ends with its first k characters (k >= ANYWHERE_LEN / 2,
     * outside the marks). That tail is text of @p in; when every occurrence of it in @p in
     * begins a whole occurrence of the secret in the uncut text, the tail is one of them,
     * cut by the end of the buffer (by the copy or by a mark longer than what it replaced).
     */
    if (slen >= ESO__REDACT_ANYWHERE_LEN) {
        size_t in_len = strlen(in), full_len = strlen(full_text);
        for (size_t k = slen - 1; k >= ESO__REDACT_ANYWHERE_LEN / 2; k--) {
            if (k > len || memcmp(out + len - k, secret, k) != 0 ||
                any_covered(covered, len - k, len))
                continue;
            bool always_secret = true;
            for (long j = find_prefix(in, in_len, 0, secret, k); j >= 0;
                 j = find_prefix(in, in_len, (size_t)j + 1, secret, k)) {
                if ((size_t)j + slen > full_len || memcmp(full_text + j, secret, slen) != 0) {
                    always_secret = false;
                    break;
                }
            }
            if (always_secret)
                fail("eso__redact: a cut secret left its first characters at the end", secret, out);
        }
    }
    free(covered);
}

/* Characters of a b64token credential (RFC 6750), as events.c reads them. */
static bool token_char(char c)
{
    return c != '\0' && (isalnum((unsigned char)c) || strchr("-._~+/", c) != NULL);
}

/*
 * No "Bearer "/"Basic " (any case, not the end of a longer word, as events.c reads it) before
 * 8 or more credential characters. A scheme right after a mark is not judged: the text the
 * mark replaced may have made it part of a longer word, which events.c rightly skips.
 */
static void check_schemes(const char *out, const char *what)
{
    static const char *const schemes[] = {"bearer ", "basic "};
    for (size_t pos = 0; out[pos] != '\0'; pos++) {
        if (pos > 0 && isalnum((unsigned char)out[pos - 1]))
            continue;
        if (pos >= MARK_LEN && memcmp(out + pos - MARK_LEN, MARK, MARK_LEN) == 0)
            continue;
        for (size_t s = 0; s < sizeof schemes / sizeof *schemes; s++) {
            size_t plen = strlen(schemes[s]);
            if (strncasecmp(out + pos, schemes[s], plen) != 0)
                continue;
            size_t n = 0;
            while (token_char(out[pos + plen + n]))
                n++;
            if (n >= 8)
                fail(what, NULL, out);
        }
    }
}

/* ---- The eso__emit pipeline: scrub (as the auth module does), schemes, sanitize ---- */

struct emit_ctx {
    const char *secret;
    bool called;
};

static void emit_scrub(void *ud, char *buf, size_t size)
{
    eso__redact(buf, size, ((struct emit_ctx *)ud)->secret);
}

static void emit_cb(const struct eso_event *ev, void *ud)
{
    struct emit_ctx *ctx = ud;
    ctx->called = true;
    if (ev->detail == NULL || strnlen(ev->detail, ESO_DETAIL_SIZE) >= ESO_DETAIL_SIZE)
        fail("eso__emit: detail not NUL-terminated within ESO_DETAIL_SIZE", ctx->secret, NULL);
    if (!utf8_valid(ev->detail))
        fail("eso__emit: detail is not well-formed UTF-8", ctx->secret, ev->detail);
    check_schemes(ev->detail, "eso__emit: a Bearer/Basic credential left in the detail");
    if (first_control(ev->detail) >= 0)
        fail("eso__emit: a control character left in the detail", ctx->secret, ev->detail);
    char line[4096];
    size_t need = eso_event_format_text(ev, line, sizeof line);
    if (need < sizeof line && first_control(line) >= 0)
        fail("eso_event_format_text: a control character in the line", ctx->secret, line);
}

/* ---- The UTF-8 helpers ---- */

static void check_utf8(const char *text, size_t size, uint8_t pick)
{
    /* eso__utf8_seq against the independent decoder, at every position. */
    size_t tlen = strlen(text);
    for (size_t i = 0; i < tlen; i++) {
        size_t want = utf8_char((const unsigned char *)text + i, tlen - i);
        if (eso__utf8_seq(text + i) != want)
            fail("eso__utf8_seq disagrees with the reference decoder", NULL, text + i);
    }

    char *buf = cut_copy(text, size);
    bool was_valid = utf8_valid(buf);
    char *before = strdup(buf);
    if (before == NULL)
        abort();
    eso__utf8_sanitize(buf, size);
    size_t cap = size < 1024 ? size : 1024;
    if (memchr(buf, '\0', cap) == NULL)
        fail("eso__utf8_sanitize: no NUL within the buffer's first min(size, 1024) bytes", NULL,
             NULL);
    if (!utf8_valid(buf))
        fail("eso__utf8_sanitize: output is not well-formed UTF-8", NULL, buf);
    if (was_valid && strlen(before) < cap && strcmp(before, buf) != 0)
        fail("eso__utf8_sanitize: changed well-formed text that fits", NULL, buf);
    free(before);

    /* A second pass has nothing left to do. */
    char *again = strdup(buf);
    if (again == NULL)
        abort();
    eso__utf8_sanitize(again, strlen(again) + 1);
    if (strcmp(again, buf) != 0)
        fail("eso__utf8_sanitize: not idempotent", NULL, again);
    free(again);

    /* eso__utf8_trim on well-formed text cut anywhere: exactly the last whole character. */
    size_t vlen = strlen(buf);
    size_t cuts[] = {vlen, vlen - (vlen >= 1), vlen - 2 * (vlen >= 2), vlen - 3 * (vlen >= 3),
                     vlen > 0 ? pick % (vlen + 1) : 0};
    for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
        char *t = malloc(cuts[c] + 1);
        if (t == NULL)
            abort();
        memcpy(t, buf, cuts[c]);
        t[cuts[c]] = '\0';
        eso__utf8_trim(t);
        size_t want = utf8_boundary(buf, cuts[c]);
        if (strlen(t) != want || memcmp(t, buf, want) != 0)
            fail("eso__utf8_trim: not cut at the last whole character", NULL, t);
        free(t);
    }

    /* eso__escape_controls on the raw cut text: safe to print, and a no-op on safe text. */
    char *esc = cut_copy(text, size);
    bool plain = utf8_valid(esc) && first_control(esc) < 0;
    char *orig = strdup(esc);
    if (orig == NULL)
        abort();
    eso__escape_controls(esc, size);
    if (memchr(esc, '\0', cap) == NULL)
        fail("eso__escape_controls: no NUL within the buffer's first min(size, 1024) bytes", NULL,
             NULL);
    if (!utf8_valid(esc) || first_control(esc) >= 0)
        fail("eso__escape_controls: output is not safe, well-formed text", NULL, esc);
    if (plain && strlen(orig) < cap && strcmp(orig, esc) != 0)
        fail("eso__escape_controls: changed text that needed nothing", NULL, esc);
    free(orig);
    free(esc);

    /* eso__fmt truncating well-formed text: same, within its buffer. */
    char *f = malloc(size);
    if (f == NULL)
        abort();
    eso__fmt(f, size, "%s", buf);
    check_terminated(f, size, "eso__fmt: no NUL within the buffer");
    size_t want = utf8_boundary(buf, size - 1);
    if (strlen(f) != want || memcmp(f, buf, want) != 0)
        fail("eso__fmt: not cut at the last whole character that fits", NULL, f);
    free(f);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t pick = data[0];
    size_t bufsize = SIZES[pick % (sizeof SIZES / sizeof *SIZES)];
    data++;
    size--;

    /* SECRET '\0' TEXT, each a C string. */
    const uint8_t *nul = memchr(data, '\0', size);
    size_t secret_len = nul != NULL ? (size_t)(nul - data) : 0;
    const uint8_t *text_start = nul != NULL ? nul + 1 : data;
    size_t text_avail = size - (size_t)(text_start - data);
    const uint8_t *text_nul = memchr(text_start, '\0', text_avail);
    size_t text_len = text_nul != NULL ? (size_t)(text_nul - text_start) : text_avail;
    char *secret = malloc(secret_len + 1);
    char *text = malloc(text_len + 1);
    if (secret == NULL || text == NULL)
        abort();
    memcpy(secret, data, secret_len);
    secret[secret_len] = '\0';
    memcpy(text, text_start, text_len);
    text[text_len] = '\0';

    /* eso__redact */
    char *in = cut_copy(text, bufsize);
    char *buf = cut_copy(text, bufsize);
    eso__redact(buf, bufsize, secret);
    check_terminated(buf, bufsize, "eso__redact: no NUL within the buffer");
    check_redact(secret, text, in, buf, bufsize);
    free(buf);
    free(in);

    /* eso__redact_schemes */
    buf = cut_copy(text, bufsize);
    eso__redact_schemes(buf, bufsize);
    check_terminated(buf, bufsize, "eso__redact_schemes: no NUL within the buffer");
    check_schemes(buf, "eso__redact_schemes: a Bearer/Basic credential left in the output");
    free(buf);

    /* What call.c does to a result's detail: the auth scrub, then the schemes. */
    buf = cut_copy(text, bufsize);
    eso__redact(buf, bufsize, secret);
    eso__redact_schemes(buf, bufsize);
    check_terminated(buf, bufsize, "eso__redact + eso__redact_schemes: no NUL within the buffer");
    check_schemes(buf, "eso__redact + eso__redact_schemes: a Bearer/Basic credential left");
    free(buf);

    /* eso__emit's detail pipeline, in its own ESO_DETAIL_SIZE buffer. */
    struct emit_ctx ctx = {.secret = secret};
    struct eso__events events;
    eso__events_init(&events, emit_cb, &ctx);
    events.scrub = emit_scrub;
    events.scrub_ud = &ctx;
    struct eso_event ev = {.kind = ESO_EV_GIVE_UP, .status = ESO_OK, .detail = text};
    eso__emit(&events, &ev);
    if (!ctx.called)
        fail("eso__emit: the callback was not called", secret, NULL);

    /* The UTF-8 helpers, on the text as it came. */
    check_utf8(text, bufsize, secret_len > 0 ? (uint8_t)secret[0] : pick);

    free(text);
    free(secret);
    return 0;
}
