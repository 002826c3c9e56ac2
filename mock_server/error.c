#include <stdarg.h>
#include <stdio.h>

#include <esomock/error.h>

#include "error_private.h"

const char *esomock_strerror(enum esomock_status status)
{
    switch (status) {
    case ESOMOCK_OK:
        return "success";
    case ESOMOCK_BAD_ARGUMENT:
        return "bad argument";
    case ESOMOCK_OUT_OF_MEMORY:
        return "out of memory";
    case ESOMOCK_IO:
        return "file could not be read";
    case ESOMOCK_FIXTURE_INVALID:
        return "invalid fixture";
    case ESOMOCK_BIND_FAILED:
        return "could not bind the listening socket";
    case ESOMOCK_DAEMON_FAILED:
        return "HTTP daemon failed to start";
    case ESOMOCK_SCENARIO_INVALID:
        return "invalid scenario";
    case ESOMOCK_NOT_FOUND:
        return "not found";
    case ESOMOCK_UNSUPPORTED:
        return "not supported";
    case ESOMOCK_WORLD_INVALID:
        return "invalid world";
    }
    return "unknown status";
}

void esomock__set_error(char *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ESOMOCK_ERROR_SIZE, fmt, ap);
    va_end(ap);
}
