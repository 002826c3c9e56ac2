/*
 * What one attempt sends and what comes back: the request (borrowed pointers and the
 * limits in force) and the response (status, body, timing, what libcurl did unseen).
 * Both transports, libcurl and the caller's hook, fill the same response.
 */
#ifndef ESOLOGS_REQUEST_PRIVATE_H
#define ESOLOGS_REQUEST_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

/* The name of the header line eso__request.auth_line starts with. */
#define ESO__AUTH_PREFIX "Authorization: "

/* One request; every pointer borrowed for the transfer. Limits in applied ns, 0 = none. */
struct eso__request {
    const char *url;
    bool form;             /* application/x-www-form-urlencoded; else application/json */
    const char *auth_line; /* the whole header line, ESO__AUTH_PREFIX "Bearer ..."; NULL = none */
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

/* The Content-Type of @p r. */
const char *eso__request_content_type(const struct eso__request *r);

/* The Authorization header's value of @p r (after its name), or NULL. */
const char *eso__request_authorization(const struct eso__request *r);

/*
 * @p elapsed ns of the call's time went by before @p r could start (a pool or token
 * wait): cut every limit to what is left of deadline_left_ns. Returns false when nothing
 * is left. A request without a deadline (0) is left as it is.
 */
bool eso__request_shrink(struct eso__request *r, uint64_t elapsed);

/* The body limit of @p r: its own when set and lower, else @p transport_max. */
size_t eso__request_max_body(const struct eso__request *r, size_t transport_max);

/* What came back. */
struct eso__response {
    int curl_code;
    char error[CURL_ERROR_SIZE];
    const char *timeout_phase; /* "connect", "read", "write", "total", "pool" or NULL */
    long http_status;
    char *body; /* NUL-terminated; NULL when none. Heap memory of the response (freed by
                   eso__response_finish), or lent: see body_lent */
    size_t body_len;
    bool body_lent; /* body is the transfer's buffer, valid until its handle's next transfer */
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

/* A response for a transfer that could not be tried: @p code (a CURLcode) and @p error. */
void eso__response_fail(struct eso__response *r, int code, const char *error);

void eso__response_finish(struct eso__response *r);

/* A limit in ns as libcurl's ms (rounded up; 0 and UINT64_MAX = none, i.e. 0). */
long eso__ms_ceil(uint64_t ns);

#endif
