/*
 * Redaction: secrets (the client secret, access and bearer tokens) out of text that
 * leaves the library (result details, event details), including a credential a server
 * echoes after "Bearer "/"Basic ". In place, within the text's buffer.
 */
#ifndef ESOLOGS_REDACT_PRIVATE_H
#define ESOLOGS_REDACT_PRIVATE_H

#include <stddef.h>

/* Secrets at least this long are redacted wherever they appear, even inside words. */
#define ESO__REDACT_ANYWHERE_LEN 8

/*
 * Replace @p secret (when non-empty) in @p buf by "[redacted]": every occurrence when
 * it has ESO__REDACT_ANYWHERE_LEN or more characters (and a prefix of it cut off at
 * the end of @p buf), else whole words only (word characters: alnum and "-._~").
 */
void eso__redact(char *buf, size_t size, const char *secret);

/*
 * Replace a token-shaped credential after "Bearer " / "Basic " (any case) by
 * "[redacted]", with its other occurrences; prose like "a bearer token" stays.
 */
void eso__redact_schemes(char *buf, size_t size);

#endif
