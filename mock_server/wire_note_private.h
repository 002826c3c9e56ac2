/*
 * What the journal notes about an answer for a judge of the client (esomock/wire.h): the
 * Retry-After it carried and the wait that means, and whether its body holds GraphQL errors.
 * And the one Retry-After the server makes up itself: a date N seconds ahead.
 */
#ifndef ESOMOCK_WIRE_NOTE_PRIVATE_H
#define ESOMOCK_WIRE_NOTE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <esomock/journal.h>

#include "reply_private.h"

/*
 * Fill @p e's retry_after, retry_after_s and graphql_errors from @p reply, about to be sent at
 * wall-clock time @p now_s (seconds since the epoch, with fraction).
 */
void esomock__wire_note_answer(struct esomock_journal_entry *e, const struct esomock_reply *reply,
                               double now_s);

/* The wait a Retry-After value asks for at wall time @p now_s, in seconds; -1 when not
 * understood. Delta-seconds (digits, optionally a fraction) or an HTTP-date in any of the
 * three forms of RFC 9110; a date past is 0. */
double esomock__wire_retry_after_seconds(const char *value, double now_s);

/* @p unix_s (whole seconds since the epoch) as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). */
void esomock__wire_http_date(long long unix_s, char *buf, size_t size);

/* Whether @p body (@p len bytes) is a JSON object with a top-level member "errors". */
bool esomock__wire_has_errors(const char *body, size_t len);

/* Wall-clock seconds since the epoch, with fraction. */
double esomock__wire_wall_s(void);

#endif
