/* Redaction of secrets in text that leaves the library. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "redact_private.h"

/*
 * Word characters for the boundary rule of short secrets. '=', '+', '/' and ':'
 * are separators here: secrets sit next to them in "secret=...", "id:secret" and
 * base64 text, and a boundary rule that counted them as part of the word let such
 * secrets through.
 */
static bool is_word_char(char c)
{
    return c != '\0' && (isalnum((unsigned char)c) || strchr("-._~", c) != NULL);
}

/* Replace buf[pos, pos + len) by the mark, keeping what fits of the tail; returns the end. */
static size_t splice_mark(char *buf, size_t size, size_t pos, size_t len)
{
    static const char mark[] = "[redacted]";
    char *p = buf + pos;
    size_t tail = strlen(p + len);
    size_t room = size - pos - 1;
    size_t mlen = sizeof mark - 1 < room ? sizeof mark - 1 : room;
    size_t keep = tail < room - mlen ? tail : room - mlen;
    memmove(p + mlen, p + len, keep);
    memcpy(p, mark, mlen);
    p[mlen + keep] = '\0';
    return pos + mlen;
}

void eso__redact(char *buf, size_t size, const char *secret)
{
    if (secret == NULL || *secret == '\0' || buf == NULL || size == 0)
        return;
    size_t slen = strlen(secret);
    /* A secret this long never occurs by chance: redact it wherever it appears. Shorter
     * ones only as whole words, so a 1-character test token does not eat every "t". */
    bool anywhere = slen >= ESO__REDACT_ANYWHERE_LEN;
    bool full = strlen(buf) + 1 >= size; /* maybe cut: see the end */
    size_t from = 0;
    char *p = strstr(buf, secret);
    while (p != NULL) {
        size_t pos = (size_t)(p - buf);
        if (!anywhere && ((pos > 0 && is_word_char(p[-1])) || is_word_char(p[slen]))) {
            p = strstr(p + 1, secret);
            continue;
        }
        from = splice_mark(buf, size, pos, slen);
        p = strstr(buf + from, secret);
    }
    /* A mark longer than the secret may itself have pushed the tail out of the buffer,
     * cutting a later copy of the secret short. */
    if (!anywhere || !(full || strlen(buf) + 1 >= size))
        return;
    /* A detail cut to its buffer may end in the first part of a secret: drop that too. */
    size_t blen = strlen(buf + from) + from;
    for (size_t k = slen - 1; k >= ESO__REDACT_ANYWHERE_LEN / 2; k--) {
        if (blen - from >= k && memcmp(buf + blen - k, secret, k) == 0) {
            splice_mark(buf, size, blen - k, k);
            break;
        }
    }
}

/* A credential after "Bearer "/"Basic ": the length of its b64token characters and
 * optional '=' padding at @p s (at most @p n), or 0 when it is not shaped like one (short
 * and a plain word), so prose such as "a bearer token" stays. Whatever follows the token
 * (a bracket, '&', '>'...) ends it rather than hiding it. */
static size_t token_length(const char *s, size_t n)
{
    size_t i = 0;
    bool plain_word = true;
    while (i < n && (isalnum((unsigned char)s[i]) || strchr("-._~+/", s[i]) != NULL)) {
        if (!isalpha((unsigned char)s[i]))
            plain_word = false;
        i++;
    }
    if (i == 0)
        return 0;
    while (i < n && s[i] == '=') {
        plain_word = false;
        i++;
    }
    return i >= ESO__REDACT_ANYWHERE_LEN || !plain_word ? i : 0;
}

void eso__redact_schemes(char *buf, size_t size)
{
    static const char *const schemes[] = {"bearer ", "basic "};
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
        size_t plen = strlen(schemes[i]);
        if (strcasestr(buf, schemes[i]) == NULL)
            continue; /* the common case, one pass */
        for (size_t pos = 0; buf[pos] != '\0'; pos++) {
            if (strncasecmp(buf + pos, schemes[i], plen) != 0 ||
                (pos > 0 && isalnum((unsigned char)buf[pos - 1])))
                continue;
            char *cred = buf + pos + plen;
            size_t n = token_length(cred, strcspn(cred, " \t\r\n\",';)"));
            if (n == 0 || strncmp(cred, "[redacted]", 10) == 0)
                continue;
            char secret[512];
            snprintf(secret, sizeof secret, "%.*s", (int)n, cred);
            splice_mark(buf, size, pos + plen, n);
            /* The same credential elsewhere in the text, without its scheme. */
            eso__redact(buf, size, secret);
            explicit_bzero(secret, sizeof secret);
            /* That may have shortened the text before @p pos too: scan again from the
             * start (what is redacted already is skipped), or a later credential could
             * be jumped over. Each pass redacts one, so this ends. */
            pos = (size_t)-1;
        }
    }
}
