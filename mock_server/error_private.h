/*
 * The fixed-size error text that the mock's loaders and start-up fill in for their callers
 * (ESOMOCK_ERROR_SIZE bytes, <esomock/error.h>).
 */
#ifndef ESOMOCK_ERROR_PRIVATE_H
#define ESOMOCK_ERROR_PRIVATE_H

/* Format into @p err (ESOMOCK_ERROR_SIZE bytes, cut to fit); nothing when @p err is NULL. */
void esomock__set_error(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
