/* Bounded text helpers. */
#include <stdarg.h>
#include <stdio.h>

#include "text_private.h"

void eso__fmt(char *buf, size_t size, const char *fmt, ...)
{
    if (buf == NULL || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}
