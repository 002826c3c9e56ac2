/*
 * libesomock: an in-process mock of the ESO Logs API v2 (GraphQL + OAuth).
 *
 * Thread safety: every function here may be called from any thread; the
 * server runs its own threads. One server handle must not be destroyed while
 * another thread still uses it.
 */
#ifndef ESOMOCK_SERVER_H
#define ESOMOCK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <esomock/error.h>
#include <esomock/export.h>
#include <esomock/problems.h>

#ifdef __cplusplus
extern "C" {
#endif

struct esomock_server;
struct esomock_section;
struct esomock_proxy_options;

/*
 * Server configuration. `struct esomock_options opts = {0};` is a valid,
 * sensible configuration: loopback, ephemeral port, default fixtures.
 * Read once by esomock_server_start(); the caller keeps ownership of every
 * pointer and may free them after the call returns, but for the sections' contexts
 * (borrowed until esomock_server_stop()) and the FILE streams (used, never closed).
 */
struct esomock_options {
    const char *host;         /* address to bind; NULL = "127.0.0.1" */
    uint16_t port;            /* TCP port; 0 = an ephemeral port (see esomock_server_port) */
    const char *fixtures_dir; /* directory of fixture files; NULL = the default set */
    size_t max_body_bytes;    /* largest accepted request body; 0 = 1 MiB */
    unsigned threads;         /* worker threads polling connections; 0 = 2 */
    unsigned max_connections; /* concurrent connections; 0 = 4096 (the soft open-file limit is
                                 raised to fit when the hard one allows) */
    unsigned idle_timeout_s;  /* close a connection silent this long (not one a fault holds
                                 on purpose); 0 = 120 */

    bool strict_auth;          /* true: only bearer tokens this server issued and not expired */
    unsigned token_ttl_s;      /* expires_in of issued tokens, scenario seconds; 0 = 3600 */
    const char *client_id;     /* OAuth credentials to require; NULL = accept any non-empty */
    const char *client_secret; /* as client_id; never logged */

    double time_scale; /* multiplies every duration the server applies; 0 = 1.0 */
    uint64_t seed;     /* seed for every random choice; 0 = a fixed default */

    FILE *log; /* one line per request; NULL = silent. Not closed by the server */

    size_t journal_capacity;   /* API requests kept in the journal (a ring; admin requests
                                  have their own, at most 10000); 0 = 10000 */
    FILE *journal;             /* every completed request as a JSON line, kept or not by the
                                  ring; NULL = none. Not closed */
    const char *admin_token;   /* lets non-loopback clients use /__admin/ with
                                  "Authorization: Bearer TOKEN"; NULL = loopback only */
    bool blackhole;            /* also open a port that never accepts (connect timeouts) */
    const char *scenario_file; /* scenario in force at start; NULL = none (normal answers) */
    bool watch_scenario;       /* reload scenario_file when it changes (a bad edit is refused) */
    bool strict_fixtures;      /* a selected field no fixture gives is a GraphQL error naming the
                                  fixture and the path; false: such fields are generated */
    int request_cache;         /* request bodies whose parse and answer are kept, so the same
                                  body again is answered without parsing or executing: 0 = 512,
                                  < 0 = none (every request is parsed and executed) */

    /* Top-level scenario sections other programs own (esomock/scenario.h), checked by their
     * checkers whenever this server loads a scenario (start, --watch, admin API, C API);
     * at most ESOMOCK_MAX_SECTIONS. Copied at start; each context is borrowed until stop. */
    const struct esomock_section *sections;
    size_t section_count;

    /* The data world behind the fixtures (docs/world.md): a world file (JSON), "none" for
     * fixtures alone (fields they lack are generated), NULL for the default world. */
    const char *world_file;
    /* Forward GraphQL requests no fixture answers to an upstream API, and record its answers
     * (<esomock/proxy.h>); NULL = none. With a proxy and fixtures_dir NULL, no fixtures are
     * loaded (the default set answers every id, so nothing would reach the upstream).
     * Borrowed for the call. */
    const struct esomock_proxy_options *proxy;
};

/**
 * Load the fixtures and start serving.
 * @param opts      configuration; NULL means all defaults. Borrowed for the call.
 * @param out       receives the new server; set only on ESOMOCK_OK. Free with
 *                  esomock_server_stop().
 * @param problems  optional (the caller's); receives what failed: the file and JSON position
 *                  of a bad fixture, the address that could not be bound, every problem of a
 *                  refused opts->scenario_file, each on its own entry.
 * @return ESOMOCK_OK, or the reason the server did not start (nothing is left running).
 */
ESOMOCK_API enum esomock_status esomock_server_start(const struct esomock_options *opts,
                                                     struct esomock_server **out,
                                                     struct esomock_problems *problems);

/**
 * Stop serving, release every connection (hung ones included) and free the server.
 * @param server  the handle to free; NULL is a no-op. Invalid after the call.
 */
ESOMOCK_API void esomock_server_stop(struct esomock_server *server);

/**
 * The TCP port the server listens on (the real one when opts.port was 0).
 * @return the port; 0 for a NULL handle.
 */
ESOMOCK_API uint16_t esomock_server_port(const struct esomock_server *server);

/**
 * The base URL, e.g. "http://127.0.0.1:40123".
 * @return a string owned by the server, valid until esomock_server_stop(); "" for NULL.
 */
ESOMOCK_API const char *esomock_server_url(const struct esomock_server *server);

/**
 * The fixture directory in use (the resolved default when opts.fixtures_dir was NULL).
 * @return a string owned by the server, valid until esomock_server_stop(); "" for NULL.
 */
ESOMOCK_API const char *esomock_server_fixtures_dir(const struct esomock_server *server);

/**
 * URL of the blackhole port (connections are never accepted: a client's connect times out),
 * e.g. "http://127.0.0.1:40125"; "" when opts.blackhole was false.
 * @return a string owned by the server, valid until esomock_server_stop().
 */
ESOMOCK_API const char *esomock_server_blackhole_url(const struct esomock_server *server);

/**
 * The metrics page (Prometheus text format), as GET /__admin/metrics serves it.
 * @return a malloc'd string the caller frees with free(); NULL when out of memory.
 */
ESOMOCK_API char *esomock_server_metrics(struct esomock_server *server);

/**
 * The default fixture directory this build would use: $ESOMOCK_FIXTURES when set,
 * else the source tree's scenarios/fixtures when it exists, else the installed copy.
 * @return a static string owned by the library; never NULL.
 */
ESOMOCK_API const char *esomock_default_fixtures_dir(void);

#ifdef __cplusplus
}
#endif

#endif
