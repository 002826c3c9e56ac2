/* One request's helpers for the pipeline's modules (request_private.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clock_private.h"
#include "handle_private.h"
#include "request_private.h"

const char *esomock__request_header(void *request, const char *name)
{
    struct esomock_request *req = request;
    return MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND, name);
}

double esomock__request_scenario_ms(const struct esomock_request *req)
{
    double epoch;
    struct esomock_server *srv = req->server;
    pthread_mutex_lock(&srv->scenario_lock);
    epoch = srv->epoch_ms;
    pthread_mutex_unlock(&srv->scenario_lock);
    return (esomock__now_ms() - epoch) / req->effective.time_scale;
}

/* ---- closing on purpose ----------------------------------------------------------------- */

/*
 * Why this thread just made libmicrohttpd close a connection on purpose. libmicrohttpd logs
 * such a close right away, on the same thread ("Application reported internal error, closing
 * connection."); the server's logger says this instead. Completion, which follows, clears it.
 */
static _Thread_local struct {
    bool set;
    uint64_t seq;
    char why[160];
} closing;

void esomock__close_on_purpose(const struct esomock_request *req, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(closing.why, sizeof(closing.why), fmt, ap);
    va_end(ap);
    closing.seq = req->seq;
    closing.set = true;
}

const char *esomock__wake_reason_text(const struct esomock_request *req)
{
    switch (req->wait.reason) {
    case ESOMOCK_WAKE_DEADLINE:
        return "its time came";
    case ESOMOCK_WAKE_PEER_GONE:
        return "the client went away; connection released";
    case ESOMOCK_WAKE_SHUTDOWN:
        return "the server is stopping; connection released";
    }
    return "connection released";
}

bool esomock__closed_on_purpose(FILE *log, const char *msg)
{
    if (!closing.set || (strncmp(msg, "Application reported internal error", 35) != 0 &&
                         strncmp(msg, "Closing connection (application", 31) != 0))
        return false;
    closing.set = false;
    if (log != NULL) {
        fprintf(log, "eso-mock: #%llu %s\n", (unsigned long long)closing.seq, closing.why);
        fflush(log);
    }
    return true;
}

void esomock__close_on_purpose_done(void)
{
    closing.set = false;
}

/* ---- keep-alive connections ------------------------------------------------------------- */

/* Per-connection state: how many requests a keep-alive connection has carried. */
struct connection_state {
    unsigned requests;
};

void esomock__connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                                enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    (void)conn;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(struct connection_state));
    } else {
        free(*socket_context);
        *socket_context = NULL;
    }
}

bool esomock__connection_count_request(struct esomock_request *req)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct connection_state *state = info != NULL ? info->socket_context : NULL;
    if (state == NULL)
        return false;
    state->requests++;
    unsigned max = req->effective.max_requests_per_connection;
    return max > 0 && state->requests >= max;
}
