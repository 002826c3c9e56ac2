/*
 * The data world behind the fixtures (docs/world.md): a seed and a rule per entity type
 * for which keys exist, from which every key no fixture holds answers a generated entity.
 * A server takes its world from esomock_options.world_file or a scenario's settings.world;
 * this header checks world files without a server.
 * Thread safety: any thread, any time.
 */
#ifndef ESOMOCK_WORLD_H
#define ESOMOCK_WORLD_H

#include <esomock/error.h>
#include <esomock/export.h>
#include <esomock/problems.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Validate a world file without serving, by the rules a server applies at start.
 * @param path      the file (borrowed); "none" is valid (no world).
 * @param problems  optional; receives the file's problems, each with its JSON path and
 *                  what was expected there.
 * @return ESOMOCK_OK when the file is a valid world; ESOMOCK_WORLD_INVALID when it is
 *         not; ESOMOCK_BAD_ARGUMENT for a NULL path or a file that cannot be read.
 */
ESOMOCK_API enum esomock_status esomock_check_world_file(const char *path,
                                                         struct esomock_problems *problems);

#ifdef __cplusplus
}
#endif

#endif
