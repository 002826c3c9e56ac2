/* Status codes returned by every libesomock function. */
#ifndef ESOMOCK_ERROR_H
#define ESOMOCK_ERROR_H

#include <esomock/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Append-only: codes are part of the ABI. Never remove or renumber one.
 */
enum esomock_status {
    ESOMOCK_OK = 0,
    ESOMOCK_BAD_ARGUMENT = 1, /* NULL handle, out-of-range option, bad flag value */
    ESOMOCK_OUT_OF_MEMORY = 2,
    ESOMOCK_IO = 3,               /* a file or directory could not be read */
    ESOMOCK_FIXTURE_INVALID = 4,  /* a fixture file is not valid JSON or has the wrong shape */
    ESOMOCK_BIND_FAILED = 5,      /* the listening socket could not be opened */
    ESOMOCK_DAEMON_FAILED = 6,    /* libmicrohttpd refused to start */
    ESOMOCK_SCENARIO_INVALID = 7, /* a scenario failed validation */
    ESOMOCK_NOT_FOUND = 8,        /* a named item (fixture, rule) does not exist */
    ESOMOCK_UNSUPPORTED = 9,      /* the feature is not available in this build */
    ESOMOCK_WORLD_INVALID = 10,   /* a world file failed validation */
};

/* Room for one line of esomock_problems_text() (source, path and message); a caller that
 * keeps a line in a fixed buffer (eso-scenario's fixture does) cuts it to fit. */
#define ESOMOCK_ERROR_SIZE 512

/**
 * A short, static, English description of @p status.
 * @return a string owned by the library, valid forever; never NULL.
 */
ESOMOCK_API const char *esomock_strerror(enum esomock_status status);

#ifdef __cplusplus
}
#endif

#endif
