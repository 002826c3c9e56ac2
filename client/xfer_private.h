/*
 * One libcurl transfer: an easy handle kept across transfers (so its options are set
 * once and its connection stays alive), per-phase timeouts (libcurl's connect and total
 * timers, our own read and write idle timers with ms precision), a bounded response
 * body and header block, the Retry-After header, and the requests libcurl resends
 * unseen. Whoever owns the handle (a pool lane, a batch slot) drives it on a multi.
 */
#ifndef ESOLOGS_XFER_PRIVATE_H
#define ESOLOGS_XFER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "clock_private.h"
#include "request_private.h"

/* Request header lines: Content-Type, Accept, Expect, X-Request-Id, X-Attempt, Authorization. */
#define ESO__XFER_HEADERS 6

struct eso__xfer {
    CURL *easy; /* owned; its options beyond the per-request ones are set once */
    const struct eso__clock *clk;
    const char *url; /* the URL libcurl holds (borrowed from the client, so stable) */
    /* The request header list lives here: libcurl reads it at each transfer's start. */
    struct curl_slist headers[ESO__XFER_HEADERS];
    char request_id_line[80];
    char attempt_line[32];
    char errbuf[CURL_ERROR_SIZE];
    /* The response body, lent to each response: kept across transfers (a call makes no
     * allocation for it), dropped before a transfer when a big answer grew it. */
    char *buf;
    size_t buf_cap;
    /* The transfer in progress. */
    struct eso__response *resp;
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

/*
 * Make @p x's easy handle and set what every transfer shares (@p user_agent is copied by
 * libcurl). @p x must not move afterwards: libcurl keeps pointers into it. 0 or
 * ESO_OUT_OF_MEMORY.
 */
int eso__xfer_init(struct eso__xfer *x, const char *user_agent, const struct eso__clock *clk);

/* Close the handle (and its connection). A zeroed or finished @p x is a no-op. */
void eso__xfer_finish(struct eso__xfer *x);

/*
 * Set @p x up for @p req, whose outcome goes to @p resp (zeroed here). Allocates nothing;
 * every pointer of @p req must stay valid until eso__xfer_done(). The response's body is
 * lent from @p x: valid until the next eso__xfer_start() or eso__xfer_finish().
 */
void eso__xfer_start(struct eso__xfer *x, const struct eso__request *req,
                     struct eso__response *resp, size_t max_body);

/* The transfer set up by eso__xfer_start() never ran (its multi refused it). */
void eso__xfer_cancel(struct eso__xfer *x);

/*
 * Run our own read/write idle timers at @p now. Returns true when one fired (the
 * caller removes the transfer and calls eso__xfer_done with CURLE_OPERATION_TIMEDOUT).
 * Sets *next_ns to when the next check is due (UINT64_MAX = none).
 */
bool eso__xfer_tick(struct eso__xfer *x, uint64_t now, uint64_t *next_ns);

/* The transfer ended with @p code: fill the response from libcurl's info. */
void eso__xfer_done(struct eso__xfer *x, CURLcode code);

#endif
