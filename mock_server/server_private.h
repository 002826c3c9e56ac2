/* The server handle and per-request state shared by the server's modules. */
#ifndef ESOMOCK_SERVER_PRIVATE_H
#define ESOMOCK_SERVER_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>

#include <esomock/journal.h>
#include <esomock/server.h>

#include "admin_private.h"
#include "auth_private.h"
#include "blackhole_private.h"
#include "fixtures_private.h"
#include "graphql_private.h"
#include "journal_private.h"
#include "metrics_private.h"
#include "ratelimit_private.h"
#include "reply_private.h"
#include "run_private.h"
#include "timer_private.h"

enum esomock_route {
    ESOMOCK_ROUTE_NOT_FOUND,
    ESOMOCK_ROUTE_GRAPHQL,
    ESOMOCK_ROUTE_TOKEN,
    ESOMOCK_ROUTE_ADMIN,
};

/* Settings in force: the server's options, overridden by the scenario's where it sets them. */
struct esomock_effective {
    double time_scale;  /* real ms per scenario ms */
    double hang_max_ms; /* scenario ms */
    unsigned max_requests_per_connection;
};

/*
 * What stat says of a watched file. Any difference means an edit: a new inode (an atomic
 * rename), a new ctime (which no tool can set back, unlike the mtime that cp -p, rsync -t and
 * touch -r restore), a new size or mtime.
 */
struct esomock_watch_stamp {
    bool exists;
    bool regular;
    dev_t dev;
    ino_t ino;
    long long size;
    struct timespec mtime;
    struct timespec ctime;
};

struct esomock_server {
    struct MHD_Daemon *daemon;
    uint16_t port;
    char url[96];
    char blackhole_url[96];
    char *host;
    char *fixtures_dir;
    char *admin_token;
    struct esomock_fixture_set *fixtures;
    const struct gql_schema *schema;   /* the API's schema (api.c's, shared) */
    struct gql_cache *gql_cache;       /* parsed and validated documents */
    struct esomock_memo *request_memo; /* request bodies seen, with their answers, or NULL */
    size_t request_memo_entries;
    struct esomock_graphql graphql; /* what the API routes use of the above */
    bool strict_fixtures;
    struct esomock_auth *auth;
    struct esomock_timer *timer;
    struct esomock_journal journal;
    bool journal_ready;
    struct esomock_metrics metrics;
    struct esomock_ratelimit ratelimit;
    struct esomock_blackhole blackhole;
    size_t max_body_bytes;
    FILE *log;
    double started_ms; /* monotonic, for log lines */
    atomic_uint_fast64_t next_seq;
    atomic_uint_fast64_t in_flight;

    /* What the options said, for settings a scenario may override and a clear restores. */
    double opts_time_scale; /* 0 = not fixed by the options */
    bool opts_strict_auth;
    unsigned opts_token_ttl_s;
    bool opts_has_seed;
    uint64_t opts_seed;

    pthread_mutex_t scenario_lock; /* guards run, effective and epoch_ms */
    struct esomock_run *run;       /* NULL: no scenario, normal answers */
    struct esomock_effective effective;
    double epoch_ms;   /* monotonic time the scenario in force started */
    bool listen_tuned; /* the listening socket is set up for slow_read (guarded by the lock) */

    /* --watch */
    char *watch_path;
    struct esomock_watch_stamp watch_stamp; /* the file as last loaded, so no edit slips in */
    uint64_t watch_hash;                    /* its content's hash, for edits stat cannot see */
    pthread_t watch_thread;
    bool watch_started;
    pthread_mutex_t watch_lock;
    pthread_cond_t watch_cond;
    bool watch_stop;
};

enum esomock_phase {
    ESOMOCK_PHASE_RECEIVING, /* headers and body arriving */
    ESOMOCK_PHASE_DELAYING,  /* suspended until the step's delay ends */
    ESOMOCK_PHASE_HANGING,   /* suspended with no answer until the client leaves or the bound */
    ESOMOCK_PHASE_ANSWERED,  /* a response is queued (or streaming) */
};

/* One HTTP request, from its first header to the end of its answer. */
struct esomock_request {
    struct esomock_server *server;
    struct MHD_Connection *connection;
    bool started; /* the handler has run: seq, method and route are set */
    uint64_t seq;
    double arrived_ms; /* monotonic */
    enum esomock_route route;
    bool method_allowed;
    char method[16];
    char path[256];

    struct esomock_run *run; /* the scenario planned with (a reference), or NULL */
    struct esomock_effective effective;
    enum esomock_phase phase;
    struct esomock_plan plan;
    bool planned;      /* the header phase chose the plan: the body phase must not re-decide */
    size_t first_rule; /* otherwise, the first rule the body phase may choose */
    const struct esomock_step *slow_read; /* set when the body is to be read slowly */
    struct esomock_timer_entry wait;

    char *body; /* request body, NUL-terminated, at most max_body_bytes */
    size_t body_len;
    size_t body_cap;
    bool body_too_large;

    struct esomock_graphql_call gql; /* the GraphQL request, as graphql.c parsed it */
    struct esomock_reply reply;
    struct esomock_journal_entry entry; /* this request's journal entry; the rings hold copies */
    const char *outcome; /* journal action for answers no script chose: auth, error... */

    /* Streaming answers (truncate, drip). */
    size_t stream_stop;   /* truncate: bytes to send before cutting */
    double next_chunk_ms; /* drip: monotonic time of the next chunk */
    uint64_t bytes_sent;
    bool streamed;
};

/* Carry out req->plan on the connection (faults.c); the return value goes back to libmicrohttpd. */
enum MHD_Result esomock__faults_act(struct esomock_server *srv, struct esomock_request *req);

/*
 * The calling thread is about to make libmicrohttpd close @p req's connection on purpose
 * (return MHD_NO or end a response with an error): say @p fmt on the log instead of
 * libmicrohttpd's "Application reported internal error", which reads like a crash (server.c).
 */
void esomock__close_on_purpose(const struct esomock_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* What woke @p req's pause early, for esomock__close_on_purpose(). */
const char *esomock__wake_reason_text(const struct esomock_request *req);

/* The connection's socket, or -1 (faults.c). */
int esomock__connection_fd(struct MHD_Connection *connection);

/* Queue req->reply as a plain response (faults.c). */
enum MHD_Result esomock__queue_reply(struct esomock_request *req);

/* Count a request on its keep-alive connection; true when its answer must close it. */
bool esomock__connection_count_request(struct esomock_request *req);

/* Note @p path's current state; call before loading it, so an edit made meanwhile reloads. */
void esomock__watch_note(struct esomock_server *srv, const char *path);

/* Start/stop the thread that reloads @p path when it changes from what was noted (scenario_api.c).
 */
enum esomock_status esomock__watch_start(struct esomock_server *srv, const char *path, char *err);
void esomock__watch_stop(struct esomock_server *srv);

/*
 * Validate and install scenario @p json (len bytes) named @p source; on failure @p errors
 * lists the problems and the scenario in force is unchanged (scenario_api.c).
 */
enum esomock_status esomock__load_scenario_text(struct esomock_server *srv, const char *json,
                                                size_t len, const char *source,
                                                struct esomock_scenario_errors *errors);

/*
 * Load and install the scenario file @p path. On failure @p err (ESOMOCK_ERROR_SIZE bytes,
 * may be NULL) gets the problems cut to fit and *@p full (may be NULL) every problem, one per
 * line, malloc'd for the caller to free (NULL on success or when out of memory).
 */
enum esomock_status esomock__load_scenario_file(struct esomock_server *srv, const char *path,
                                                char *err, char **full);

/* Tune the listening socket for slow_read (small MSS) or not; no-op before the daemon runs. */
void esomock__listen_tune(struct esomock_server *srv, bool slow_read);

/* The request's header @p name, or NULL (a lookup function for match views). */
const char *esomock__request_header(void *request, const char *name);

/* Scenario ms since the scenario in force started, as seen by @p req's settings. */
double esomock__request_scenario_ms(const struct esomock_request *req);

#endif
