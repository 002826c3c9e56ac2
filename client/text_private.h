/* Bounded text helpers. */
#ifndef ESOLOGS_TEXT_PRIVATE_H
#define ESOLOGS_TEXT_PRIVATE_H

#include <stddef.h>

/*
 * snprintf into a fixed buffer where truncation is intended (detail strings); a cut
 * never leaves half a UTF-8 character at the end.
 */
void eso__fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Length of the well-formed UTF-8 sequence @p s starts with (1 for ASCII), 0 if invalid. */
size_t eso__utf8_seq(const char *s);

/* Drop an incomplete UTF-8 sequence at the end of NUL-terminated @p buf (a cut). */
void eso__utf8_trim(char *buf);

/*
 * Make NUL-terminated @p buf (of @p size bytes, at most 1024 used) well-formed UTF-8:
 * each invalid byte becomes U+FFFD, and what no longer fits is cut at a character.
 */
void eso__utf8_sanitize(char *buf, size_t size);

/*
 * Text that reaches a terminal or a log line must not carry what moves the cursor, ends
 * a line or reorders the display: C0 controls, DEL, C1 controls (U+0080-U+009F), U+2028,
 * U+2029 and the bidirectional formatting characters. For the character at @p s, sets
 * *len to its byte length (1 for an invalid byte) and writes its escape into @p out
 * (\n, \r, \t, \xHH, \uHHHH; U+FFFD for an invalid byte): returns the escape's length,
 * or 0 when the character stays as it is.
 */
size_t eso__control_escape(const char *s, size_t *len, char out[8]);

/*
 * Escape every such character of NUL-terminated @p buf in place (of @p size bytes, at
 * most 1024 used); what no longer fits is cut at a whole character or escape.
 */
void eso__escape_controls(char *buf, size_t size);

/*
 * Length of the RFC 6750 b64token at the start of @p s: ALPHA / DIGIT / "-._~+/" then
 * any '=' padding; 0 when none. A whole string is one when this equals its length.
 */
size_t eso__b64token_span(const char *s);

#endif
