/*
 * Carrying out a plan on the wire: plain answers, no answer at all (drop, reset,
 * hang), and answers that break part-way (truncate) or crawl (drip).
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "clock_private.h"
#include "faults_private.h"
#include "handle_private.h"
#include "request_private.h"
#include "wire_note_private.h"

int esomock__connection_fd(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info != NULL ? (int)info->connect_fd : -1;
}

/*
 * Abort the connection with a TCP RST now. libmicrohttpd shuts the write side down
 * (a FIN) before it closes, so SO_LINGER alone would never show a reset; connect()
 * with AF_UNSPEC disconnects the socket at once, sending RST, and leaves the
 * descriptor for libmicrohttpd to close as usual.
 */
static void reset_now(struct MHD_Connection *connection)
{
    int fd = esomock__connection_fd(connection);
    if (fd < 0)
        return;
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    if (connect(fd, &unspec, sizeof(unspec)) != 0) {
        struct linger hard = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    }
}

static void add_headers(struct MHD_Response *response, const struct esomock_reply *reply)
{
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            reply->content_type != NULL ? reply->content_type : "application/json");
    for (size_t i = 0; i < reply->header_count; i++)
        MHD_add_response_header(response, reply->headers[i].name, reply->headers[i].value);
}

/* A step's Retry-After date, then what the journal notes about the answer (wire_note.c). */
static void note_answer(struct esomock_request *req)
{
    if (req->route == ESOMOCK_ROUTE_ADMIN)
        return;
    double now_s = esomock__wire_wall_s();
    const struct esomock_step *step = req->plan.step;
    if (step != NULL && step->retry_after_date) {
        char date[40];
        esomock__wire_http_date((long long)ceil(now_s + step->retry_after_date_s), date,
                                sizeof(date));
        esomock__reply_header(&req->reply, "Retry-After", date);
    }
    esomock__wire_note_answer(&req->entry, &req->reply, now_s);
}

static enum MHD_Result queue(struct esomock_request *req, struct MHD_Response *response)
{
    if (response == NULL)
        return MHD_NO;
    note_answer(req);
    add_headers(response, &req->reply);
    enum MHD_Result ok = MHD_queue_response(req->connection, (unsigned)req->reply.status, response);
    MHD_destroy_response(response);
    if (ok != MHD_YES)
        return ok;
    req->phase = ESOMOCK_PHASE_ANSWERED;
    /* A whole answer is handed over now; a streamed one when its reader ends it. */
    if (!req->streamed)
        req->sent_ms = esomock__now_ms();
    return ok;
}

enum MHD_Result esomock__queue_reply(struct esomock_request *req)
{
    struct esomock_reply *reply = &req->reply;
    struct MHD_Response *response = MHD_create_response_from_buffer(
        reply->body_len, reply->body,
        reply->body_owned ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    return queue(req, response);
}

/* truncate: the declared length is the whole body; the connection ends after stream_stop bytes. */
static ssize_t read_truncated(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct esomock_request *req = cls;
    if (pos >= req->stream_stop) {
        bool reset = req->plan.step != NULL && req->plan.step->truncate_end == ESOMOCK_END_RESET;
        if (reset)
            reset_now(req->connection);
        req->sent_ms = esomock__now_ms();
        esomock__close_on_purpose(req,
                                  "truncate: connection %s after %zu of %zu body bytes, as the "
                                  "scenario says",
                                  reset ? "reset (TCP RST)" : "closed", req->stream_stop,
                                  req->reply.body_len);
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = req->stream_stop - (size_t)pos;
    n = n < max ? n : max;
    memcpy(buf, req->reply.body + pos, n);
    req->bytes_sent += n;
    return (ssize_t)n;
}

/* drip: chunk_bytes per interval; between chunks the connection is parked, not a thread. */
static ssize_t read_drip(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct esomock_request *req = cls;
    struct esomock_server *srv = req->server;
    if (pos >= req->reply.body_len) {
        if (req->sent_ms == 0) /* an empty body: nothing to drip */
            req->sent_ms = esomock__now_ms();
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    /* Woken early: the client left during the pause, or the server is stopping. */
    if (req->wait.reason != ESOMOCK_WAKE_DEADLINE) {
        esomock__close_on_purpose(req, "drip: %s", esomock__wake_reason_text(req));
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    double now = esomock__now_ms();
    if (now < req->next_chunk_ms) {
        /* Parked between chunks, watching the socket as a hang does: a client that gives up
         * frees its connection now, not when the next chunk is due. */
        if (!esomock__timer_suspend_until(srv->timer, &req->wait, req->connection,
                                          req->next_chunk_ms,
                                          esomock__connection_fd(req->connection))) {
            esomock__close_on_purpose(req, "drip: the server is stopping; connection released");
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        return 0;
    }
    const struct esomock_step *step = req->plan.step;
    size_t n = req->reply.body_len - (size_t)pos;
    n = n < step->chunk_bytes ? n : step->chunk_bytes;
    n = n < max ? n : max;
    memcpy(buf, req->reply.body + pos, n);
    req->bytes_sent += n;
    req->next_chunk_ms = now + step->interval_ms * req->effective.time_scale;
    if ((size_t)pos + n == req->reply.body_len)
        req->sent_ms = now;
    return (ssize_t)n;
}

static enum MHD_Result stream(struct esomock_request *req, MHD_ContentReaderCallback reader)
{
    req->streamed = true;
    struct MHD_Response *response =
        MHD_create_response_from_callback(req->reply.body_len, 4096, reader, req, NULL);
    return queue(req, response);
}

enum MHD_Result esomock__faults_act(struct esomock_server *srv, struct esomock_request *req)
{
    const struct esomock_step *step = req->plan.step;
    switch (req->plan.action) {
    case ESOMOCK_ACTION_PASS:
    case ESOMOCK_ACTION_RESPOND:
    case ESOMOCK_ACTION_MALFORMED:
    case ESOMOCK_ACTION_EMPTY:
    case ESOMOCK_ACTION_SLOW_READ:
        return esomock__queue_reply(req);
    case ESOMOCK_ACTION_DROP:
        req->phase = ESOMOCK_PHASE_ANSWERED;
        req->sent_ms = esomock__now_ms();
        esomock__close_on_purpose(req, "drop: connection closed without an answer, as the "
                                       "scenario says");
        return MHD_NO; /* libmicrohttpd closes the connection without a response */
    case ESOMOCK_ACTION_RESET:
        req->phase = ESOMOCK_PHASE_ANSWERED;
        reset_now(req->connection);
        req->sent_ms = esomock__now_ms();
        esomock__close_on_purpose(req, "reset: connection closed with a TCP RST, as the "
                                       "scenario says");
        return MHD_NO;
    case ESOMOCK_ACTION_HANG: {
        double bound = step->hang_max_ms > 0 ? step->hang_max_ms : req->effective.hang_max_ms;
        req->phase = ESOMOCK_PHASE_HANGING;
        if (!esomock__timer_suspend_until(srv->timer, &req->wait, req->connection,
                                          esomock__now_ms() + bound * req->effective.time_scale,
                                          esomock__connection_fd(req->connection))) {
            esomock__close_on_purpose(req, "hang: the server is stopping; connection released");
            return MHD_NO;
        }
        return MHD_YES;
    }
    case ESOMOCK_ACTION_TRUNCATE:
        /* A truncate always truncates: "bytes" at or past the end cut the last byte instead
         * (the journal's bytes_sent shows it), so the client never gets a whole body. */
        req->stream_stop = step->truncate_bytes < req->reply.body_len ? step->truncate_bytes
                           : req->reply.body_len > 0                  ? req->reply.body_len - 1
                                                                      : 0;
        return stream(req, read_truncated);
    case ESOMOCK_ACTION_DRIP:
        req->next_chunk_ms = 0;
        return stream(req, read_drip);
    }
    return MHD_NO;
}
