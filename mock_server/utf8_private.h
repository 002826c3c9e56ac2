/*
 * Client bytes on their way into JSON and the log: every journal line and admin answer must be
 * valid UTF-8 whatever a client sent (a header cut mid-character, raw 0xFF, %FF in a path).
 */
#ifndef ESOMOCK_UTF8_PRIVATE_H
#define ESOMOCK_UTF8_PRIVATE_H

#include <stddef.h>

/*
 * Copy @p src (@p len bytes, or up to its NUL if shorter) into @p dst (@p size > 0 bytes,
 * always NUL-terminated) as valid UTF-8: each byte that does not begin a well-formed sequence
 * (RFC 3629: no overlong forms, no surrogates) becomes U+FFFD, and a character that does not
 * fit whole is left out rather than cut. Returns the bytes written, NUL excluded.
 */
size_t esomock__utf8_copy(char *dst, size_t size, const char *src, size_t len);

/*
 * As esomock__utf8_copy(), for one-line text output (the request log): control characters
 * (C0, DEL) are written as \xNN, so client text can neither break nor forge a line.
 */
size_t esomock__utf8_printable(char *dst, size_t size, const char *src);

/* The first byte of @p s (@p len bytes) that does not begin a well-formed sequence, or NULL. */
const char *esomock__utf8_invalid(const char *s, size_t len);

#endif
