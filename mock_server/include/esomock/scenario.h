/*
 * Scenarios: fault scripts for a running eso-mock (format: scenarios/README.md,
 * schema: scenarios/schema.json). The same operations as the admin API.
 * Thread safety: any thread, any time; requests in flight finish with the
 * scenario they started with.
 */
#ifndef ESOMOCK_SCENARIO_H
#define ESOMOCK_SCENARIO_H

#include <stddef.h>

#include <esomock/error.h>
#include <esomock/export.h>
#include <esomock/problems.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct esomock_server;

/*
 * Sections other programs own. A scenario file may carry, beside the fault script the mock
 * plays, top-level sections for other programs: eso-scenario's `expect` (the calls a client
 * makes and what must come of them). libesomock does not know their vocabulary; the program
 * that does registers a checker for its section, and the loader hands it the section.
 * A top-level key that neither the format nor a registered section knows is an error.
 */

/**
 * Check one section: add a problem for each mistake with esomock_problems_add(problems,
 * PATH, ...), PATH starting with @p path (the section's key); each refuses the file.
 * @param section  the section's value; borrowed for the call.
 * @param context  the esomock_section's context.
 * Called on the thread that loads or checks the file; a server's loads (admin API, --watch,
 * the C API) may call it from several threads at once, so it must be thread-safe.
 */
typedef void esomock_section_check_fn(const struct cJSON *section, const char *path,
                                      struct esomock_problems *problems, void *context);

struct esomock_section {
    const char *key;                 /* the top-level key, e.g. "expect" */
    esomock_section_check_fn *check; /* NULL: accepted unchecked; a note on the problem list
                                        says so ("expect: not checked here; ...") */
    void *context;                   /* handed to check; borrowed */
    const char *checked_by;          /* with check NULL: what checks it, ending the note
                                        ("eso-scenario check validates it"); NULL = nothing */
};

/* A file may have at most this many registered sections. */
#define ESOMOCK_MAX_SECTIONS 16u

/**
 * Validate and put scenario @p json (len bytes; NUL-terminated or not) in force,
 * with fresh script counters, windows and budget. Sections are checked by the checkers of
 * the server's options (esomock_options.sections).
 * @param json      borrowed; the server copies what it needs.
 * @param source    a name for messages (a file name, "<inline>"); NULL = "<inline>".
 * @param problems  optional (the caller's, from esomock_problems_create()); receives each
 *                  problem ("SOURCE: PATH: message" as esomock_problems_text() joins them),
 *                  and notes.
 * @return ESOMOCK_OK; on any error the scenario in force is unchanged.
 */
ESOMOCK_API enum esomock_status esomock_server_load_scenario(struct esomock_server *server,
                                                             const char *json, size_t len,
                                                             const char *source,
                                                             struct esomock_problems *problems);

/** As esomock_server_load_scenario(), reading the file at @p path (borrowed). */
ESOMOCK_API enum esomock_status
esomock_server_load_scenario_file(struct esomock_server *server, const char *path,
                                  struct esomock_problems *problems);

/**
 * The scenario in force, as GET /__admin/scenario serves it:
 * {"source": FILE, "name": NAME, "scenario": {the document}, "rule_matches": {RULE: N, ...}},
 * or {"scenario":null} when there is none. Secrets in the document (Authorization, Cookie
 * and other token-like header values, the harness's bearer_token) read "[redacted]".
 * @return a malloc'd, NUL-terminated JSON string the caller frees with free();
 *         NULL for a NULL handle or when out of memory.
 */
ESOMOCK_API char *esomock_server_scenario_json(struct esomock_server *server);

/** Remove the scenario in force: every request gets its normal answer. NULL is a no-op. */
ESOMOCK_API void esomock_server_clear_scenario(struct esomock_server *server);

/** Rewind the scenario in force (scripts, windows, random streams) and the points budget. */
ESOMOCK_API void esomock_server_reset(struct esomock_server *server);

/* How to check files without a server. `= {0}` checks as a server with default options. */
struct esomock_check_options {
    const char *fixtures_dir;               /* fixture names are checked against it;
                                               NULL = esomock_default_fixtures_dir() */
    const struct esomock_section *sections; /* as esomock_options.sections; borrowed */
    size_t section_count;
};

/**
 * Validate scenario files without serving, by the rules a server with the same sections
 * applies when it loads them.
 * @param paths     @p count file names; borrowed.
 * @param opts      NULL = `{0}`.
 * @param problems  optional; receives each file's problems and notes: a file with sections
 *                  nobody checks gets a note per section, a JSON Schema document (the
 *                  format's, scenarios/schema.json) is skipped with a note.
 * @param checked   optional; receives how many files were scenarios (not skipped).
 * @return ESOMOCK_OK when every file is valid, else the first failure's status
 *         (ESOMOCK_BAD_ARGUMENT for bad options: the problem list says which).
 */
ESOMOCK_API enum esomock_status
esomock_check_scenario_files(const char *const *paths, size_t count,
                             const struct esomock_check_options *opts,
                             struct esomock_problems *problems, size_t *checked);

#ifdef __cplusplus
}
#endif

#endif
