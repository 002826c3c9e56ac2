/* Bounded text helpers. */
#ifndef ESOLOGS_TEXT_PRIVATE_H
#define ESOLOGS_TEXT_PRIVATE_H

#include <stddef.h>

/* snprintf into a fixed buffer where truncation is intended (detail strings). */
void eso__fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
