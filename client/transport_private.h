/*
 * The transport: one HTTP POST per attempt on libcurl, with per-phase timeouts
 * (connect, read, write, total), a bounded response body, and a pool of
 * keep-alive connections with a wait limit; or the caller's transport hook.
 */
#ifndef ESOLOGS_TRANSPORT_PRIVATE_H
#define ESOLOGS_TRANSPORT_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include <esologs/options.h>
#include <esologs/status.h>

#include "clock_private.h"

/* One request; every pointer borrowed for the perform call. Limits in applied ns, 0 = none. */
struct eso__request {
    const char *url;
    const char *content_type;
    const char *authorization; /* header value ("Bearer ...", "Basic ..."); NULL = none */
    const char *body;
    size_t body_len;
    const char *operation;
    const char *request_id; /* X-Request-Id; NULL = none */
    bool token_request;
    unsigned attempt;
    uint64_t timeout_ns;
    uint64_t connect_timeout_ns;
    uint64_t read_timeout_ns;
    uint64_t write_timeout_ns;
    uint64_t deadline_left_ns; /* time left before the call's deadline; 0 = none (pool wait) */
    bool fresh_connect;        /* a new connection: libcurl then cannot resend the request unseen */
    size_t max_body;           /* body limit below the transport's (token answers); 0 = its own */
};

/*
 * Response header bytes read at most, all header lines together (1xx included). Below
 * libcurl's own 300 KB limit, which it reports as a receive error (a "connection reset").
 */
#define ESO__MAX_HEADER_BYTES (256u * 1024u)

/*
 * @p elapsed ns of the call's time went by before @p r could start (a pool or token
 * wait): cut every limit to what is left of deadline_left_ns. Returns false when nothing
 * is left. A request without a deadline (0) is left as it is.
 */
bool eso__request_shrink(struct eso__request *r, uint64_t elapsed);

/* The body limit of @p r: its own when set and lower, else @p transport_max. */
size_t eso__request_max_body(const struct eso__request *r, size_t transport_max);

/* What came back. body is heap memory owned by the response (eso__response_finish). */
struct eso__response {
    int curl_code;
    char error[CURL_ERROR_SIZE];
    const char *timeout_phase; /* "connect", "read", "write", "total", "pool" or NULL */
    long http_status;
    char *body;
    size_t body_len;
    bool too_large; /* the body or the headers passed their limit; error says which */
    char retry_after[128];
    bool has_retry_after;
    bool reused;
    bool request_sent;
    uint64_t duration_ns;
    /* Times libcurl sent the request again by itself: a reused keep-alive connection
     * died without answering ("Connection died, retrying a fresh connect"). */
    unsigned hidden_resends;
    int hidden_errno; /* the socket error of the dead connection, when libcurl kept it */
};

void eso__response_finish(struct eso__response *r);

/* An in-flight transfer on an easy handle; used by the single-call and batch drivers. */
struct eso__xfer {
    CURL *easy;
    struct curl_slist *headers;
    struct eso__response *resp;
    const struct eso__clock *clk;
    size_t body_len;
    size_t body_cap;
    size_t max_body;
    uint64_t start_ns;
    uint64_t last_rx_ns;
    uint64_t last_tx_ns;
    uint64_t phase_ns; /* when the current idle phase began */
    uint64_t read_timeout_ns;
    uint64_t write_timeout_ns;
    curl_off_t uploaded;
    bool connected;
    bool sent;
    bool got_bytes;
    size_t header_bytes;       /* response header bytes so far */
    bool in_headers;           /* a status line came, the blank line ending its headers not yet */
    unsigned prereqs;          /* requests libcurl was about to send (PREREQFUNCTION calls) */
    const char *local_timeout; /* "read" / "write" when our own timer fired */
    const char *too_large;     /* "body" / "headers" when a limit stopped the transfer */
};

/* The connection pool: lanes of {easy, multi}, each keeping one connection alive. */
struct eso__lane {
    CURL *easy;
    CURLM *multi;
    struct eso__lane *next;
};

struct eso__pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct eso__lane *idle;
    unsigned idle_count;
    unsigned total;
    unsigned max_total;
    unsigned max_idle;
};

/* Everything an attempt needs from the client. */
struct eso__transport {
    struct eso__pool pool;
    const struct eso_transport *hook; /* non-NULL: no libcurl */
    const struct eso__clock *clk;
    char *user_agent;
    size_t max_body;
    uint64_t pool_timeout_ns;
};

/* 0 or an enum eso_status. */
int eso__transport_init(struct eso__transport *t, const struct eso_transport *hook,
                        const struct eso__clock *clk, const char *user_agent, size_t max_body,
                        unsigned max_connections, unsigned max_keepalive, uint64_t pool_timeout_ns);
void eso__transport_finish(struct eso__transport *t);

/*
 * Perform @p req blocking on a pooled connection (or the hook). Always fills
 * @p resp (zeroed first); returns 0, or ESO_OUT_OF_MEMORY when nothing could be tried.
 */
int eso__transport_perform(struct eso__transport *t, const struct eso__request *req,
                           struct eso__response *resp);

/* Call the hook for @p req (t->hook must be set); fills @p resp. */
int eso__transport_hook_perform(struct eso__transport *t, const struct eso__request *req,
                                struct eso__response *resp);

/* Prepare @p easy for @p req; @p resp is zeroed and receives the outcome. 0 or ESO_OUT_OF_MEMORY.
 */
int eso__xfer_setup(struct eso__xfer *x, CURL *easy, const struct eso__request *req,
                    struct eso__response *resp, const struct eso__clock *clk, size_t max_body,
                    const char *user_agent);

/*
 * Run our own read/write idle timers at @p now. Returns true when one fired (the
 * caller removes the transfer and calls eso__xfer_done with CURLE_OPERATION_TIMEDOUT).
 * Sets *next_ns to when the next check is due (UINT64_MAX = none).
 */
bool eso__xfer_tick(struct eso__xfer *x, uint64_t now, uint64_t *next_ns);

/* The transfer ended with @p code: fill the response from libcurl's info. */
void eso__xfer_done(struct eso__xfer *x, CURLcode code);

/* Free the transfer's headers; the easy handle stays. */
void eso__xfer_cleanup(struct eso__xfer *x);

/* A limit in ns as libcurl's ms (rounded up; 0 and UINT64_MAX = none, i.e. 0). */
long eso__ms_ceil(uint64_t ns);

/* Milliseconds for curl_multi_poll until @p next_ns (at least 1, at most @p cap_ms). */
int eso__poll_ms(uint64_t now, uint64_t next_ns, int cap_ms);

#endif
