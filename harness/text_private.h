/* Text for a terminal or a log: what a server or a scenario file says, made inert. */
#ifndef ESOHARNESS_TEXT_PRIVATE_H
#define ESOHARNESS_TEXT_PRIVATE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Copy @p in to @p out (@p size bytes, always terminated when size > 0) so that it
 * stays on its line and sends a terminal nothing: \n \r \t become "\n" "\r" "\t",
 * other C0 controls and DEL "\xHH", C1 controls (U+0080 to U+009F) "\u00HH", and a
 * byte that is not part of valid UTF-8 "\xHH". Other UTF-8 passes unchanged. A
 * backslash stays as it is: libesologs escapes its details the same way, so a detail
 * is not escaped twice. Cut before an escape or a character that does not fit. NULL
 * @p in is "". Returns @p out.
 */
const char *esoh__text_escape(const char *in, char *out, size_t size);

/* Write @p in to @p f escaped as esoh__text_escape() does, without a length limit. */
void esoh__text_put(FILE *f, const char *in);

/* Write each line of @p in (a multi-line message of our own or eso-mock's, whose lines are
 * trusted to be lines) to @p f escaped, each ended by a newline and all but the first
 * preceded by @p indent (NULL = none). */
void esoh__text_put_lines(FILE *f, const char *in, const char *indent);

/* Write @p in (NULL = "") to @p f as text for HTML or XML content or a quoted attribute:
 * & < > " ' escaped, a byte that is not part of valid UTF-8 as U+FFFD, and a C0 control not
 * in @p kept_controls as @p replacement. */
void esoh__markup_put(FILE *f, const char *in, const char *kept_controls, char replacement);

#endif
