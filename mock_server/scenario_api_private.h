/* Putting scenarios in force on a running server (scenario_api.c), for its other modules. */
#ifndef ESOMOCK_SCENARIO_API_PRIVATE_H
#define ESOMOCK_SCENARIO_API_PRIVATE_H

#include <stddef.h>

#include <esomock/error.h>
#include <esomock/problems.h>

struct esomock_server;

/*
 * Validate and install scenario @p json (len bytes) named @p source; on failure @p problems
 * (may be NULL) says why and the scenario in force is unchanged.
 */
enum esomock_status esomock__load_scenario_text(struct esomock_server *srv, const char *json,
                                                size_t len, const char *source,
                                                struct esomock_problems *problems);

/*
 * --watch's reload function (watch_private.h): put the file's new text in force, or keep
 * the scenario in force; either way say on the log what came of it. @p context is the server.
 */
void esomock__scenario_reload(void *context, const char *path, const char *text, size_t len);

#endif
