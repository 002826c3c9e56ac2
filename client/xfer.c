/* One libcurl transfer on a reusable easy handle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <esologs/status.h>

#include "xfer_private.h"

/* Header lines every request carries (libcurl only reads them; not const for its type). */
static char json_line[] = "Content-Type: application/json";
static char form_line[] = "Content-Type: application/x-www-form-urlencoded";
static char accept_line[] = "Accept: application/json";
static char expect_line[] = "Expect:"; /* no "100-continue" round trip before the body */

/* A body buffer up to this size is kept for the next transfer; a bigger one is let go. */
#define KEEP_BUFFER_BYTES (64u * 1024u)

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct eso__xfer *x = ud;
    size_t n = size * nmemb;
    x->last_rx_ns = eso__clock_now(x->clk);
    x->got_bytes = true;
    struct eso__response *r = x->resp;
    if (n > x->max_body - r->body_len) {
        r->too_large = true;
        x->too_large = "body";
        return 0;
    }
    if (r->body_len + n + 1 > x->buf_cap) {
        size_t cap = x->buf_cap ? x->buf_cap : 4096;
        while (cap < r->body_len + n + 1)
            cap *= 2;
        if (cap > x->max_body + 1)
            cap = x->max_body + 1;
        char *p = realloc(x->buf, cap);
        if (p == NULL)
            return 0;
        x->buf = p;
        x->buf_cap = cap;
    }
    r->body = x->buf;
    r->body_lent = true;
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return n;
}

/* Counts header bytes against their limit and follows where a header block ends; the
 * headers themselves are read after the transfer (curl_easy_header). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    struct eso__xfer *x = ud;
    size_t n = size * nmemb;
    x->last_rx_ns = eso__clock_now(x->clk);
    x->got_bytes = true;
    x->header_bytes += n;
    if (x->header_bytes > ESO__MAX_HEADER_BYTES) {
        /* Endless headers: stop reading them, and say so (not "connection reset"). */
        x->resp->too_large = true;
        x->too_large = "headers";
        return 0;
    }
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
        x->in_headers = true; /* a status line: a response (maybe a 1xx) begins */
    else if (n <= 2 && (data[0] == '\r' || data[0] == '\n'))
        x->in_headers = false; /* the blank line: this response's headers are complete */
    return n;
}

/*
 * Called by libcurl right before it sends a request on a connection, including the
 * resend it does on its own when a reused connection died unanswered: a second call
 * is how that otherwise invisible attempt is seen (no VERBOSE/DEBUGFUNCTION needed).
 */
static int on_prereq(void *ud, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
                     int conn_local_port)
{
    struct eso__xfer *x = ud;
    x->prereqs++;
    return CURL_PREREQFUNC_OK;
}

int eso__xfer_init(struct eso__xfer *x, const char *user_agent, const struct eso__clock *clk)
{
    memset(x, 0, sizeof *x);
    x->clk = clk;
    x->easy = curl_easy_init();
    if (x->easy == NULL)
        return ESO_OUT_OF_MEMORY;
    CURL *e = x->easy;
    if (curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK) {
        eso__xfer_finish(x);
        return ESO_OUT_OF_MEMORY;
    }
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, x);
    return 0;
}

void eso__xfer_finish(struct eso__xfer *x)
{
    if (x == NULL)
        return;
    free(x->buf);
    x->buf = NULL;
    x->buf_cap = 0;
    if (x->easy == NULL)
        return;
    curl_easy_cleanup(x->easy);
    x->easy = NULL;
}

/* Link the header lines in use, in order; returns the head. */
static struct curl_slist *link_headers(struct eso__xfer *x, char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        x->headers[i].data = lines[i];
        x->headers[i].next = i + 1 < n ? &x->headers[i + 1] : NULL;
    }
    return &x->headers[0];
}

void eso__xfer_start(struct eso__xfer *x, const struct eso__request *req,
                     struct eso__response *resp, size_t max_body)
{
    CURL *e = x->easy;
    memset(resp, 0, sizeof *resp);
    x->resp = resp;
    if (x->buf_cap > KEEP_BUFFER_BYTES) {
        free(x->buf);
        x->buf = NULL;
        x->buf_cap = 0;
    }
    x->max_body = max_body;
    x->read_timeout_ns = req->read_timeout_ns;
    x->write_timeout_ns = req->write_timeout_ns;
    x->last_rx_ns = x->last_tx_ns = 0;
    x->uploaded = 0;
    x->connected = x->sent = x->got_bytes = x->in_headers = false;
    x->header_bytes = 0;
    x->prereqs = 0;
    x->local_timeout = NULL;
    x->too_large = NULL;
    x->errbuf[0] = '\0';

    /* A hand-built list in @p x: no allocation per request, and nothing to free. The
     * Authorization line is the caller's (a secret: never copied). */
    char *lines[ESO__XFER_HEADERS];
    size_t n = 0;
    lines[n++] = req->form ? form_line : json_line;
    lines[n++] = accept_line;
    lines[n++] = expect_line;
    if (req->request_id != NULL) {
        snprintf(x->request_id_line, sizeof x->request_id_line, "X-Request-Id: %s",
                 req->request_id);
        snprintf(x->attempt_line, sizeof x->attempt_line, "X-Attempt: %u", req->attempt);
        lines[n++] = x->request_id_line;
        lines[n++] = x->attempt_line;
    }
    if (req->auth_line != NULL)
        lines[n++] = (char *)req->auth_line;

    /* The URL is set only when it changes: libcurl copies it on every set. */
    if (x->url != req->url) {
        curl_easy_setopt(e, CURLOPT_URL, req->url);
        x->url = req->url;
    }
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, link_headers(x, lines, n));
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, req->fresh_connect ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, eso__ms_ceil(req->timeout_ns));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, eso__ms_ceil(req->connect_timeout_ns));

    x->start_ns = eso__clock_now(x->clk);
    x->phase_ns = x->start_ns;
}

void eso__xfer_cancel(struct eso__xfer *x)
{
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, NULL);
    x->resp = NULL;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

bool eso__xfer_tick(struct eso__xfer *x, uint64_t now, uint64_t *next_ns)
{
    *next_ns = UINT64_MAX;
    if (!x->connected) {
        curl_off_t pre = 0;
        if (curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T, &pre) == CURLE_OK && pre > 0) {
            x->connected = true;
            x->phase_ns = now;
        }
    }
    if (x->connected && !x->sent) {
        curl_off_t up = 0;
        curl_easy_getinfo(x->easy, CURLINFO_SIZE_UPLOAD_T, &up);
        if (up > x->uploaded) {
            x->uploaded = up;
            x->last_tx_ns = now;
        }
        curl_off_t total = 0;
        curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_UPLOAD_T, &total);
        if (x->got_bytes || (total >= 0 && up >= total)) {
            x->sent = true;
            x->phase_ns = now;
        }
    }
    if (x->sent && x->read_timeout_ns != 0 && x->read_timeout_ns != UINT64_MAX) {
        uint64_t since = max_u64(x->phase_ns, x->last_rx_ns);
        uint64_t due = eso__sat_add(since, x->read_timeout_ns);
        if (now >= due) {
            x->local_timeout = "read";
            return true;
        }
        *next_ns = due;
    } else if (x->connected && !x->sent && x->write_timeout_ns != 0 &&
               x->write_timeout_ns != UINT64_MAX) {
        uint64_t since = max_u64(x->phase_ns, x->last_tx_ns);
        uint64_t due = eso__sat_add(since, x->write_timeout_ns);
        if (now >= due) {
            x->local_timeout = "write";
            return true;
        }
        *next_ns = due;
    } else if (!x->connected) {
        /* Poll for the connection to be made; libcurl's own timer bounds the connect. */
        *next_ns = now + 50000000u;
    }
    return false;
}

/* The final response's Retry-After (the last one when it came twice), when it fits. */
static void read_retry_after(struct eso__xfer *x)
{
    struct eso__response *r = x->resp;
    struct curl_header *h = NULL;
    if (curl_easy_header(x->easy, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
        return;
    if (h->amount > 1 &&
        curl_easy_header(x->easy, "Retry-After", h->amount - 1, CURLH_HEADER, -1, &h) != CURLHE_OK)
        return;
    /* No valid value is this long; a cut one could read as another (a long run of zeros
     * before a 5 as 0 s): treat it as absent. */
    size_t len = strlen(h->value);
    if (len >= sizeof r->retry_after)
        return;
    memcpy(r->retry_after, h->value, len + 1);
    r->has_retry_after = true;
}

void eso__xfer_done(struct eso__xfer *x, CURLcode code)
{
    struct eso__response *r = x->resp;
    uint64_t now = eso__clock_now(x->clk);
    r->duration_ns = now - x->start_ns;
    r->curl_code = (int)code;
    long status = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    r->http_status = code == CURLE_OK ? status : 0;
    long connects = 0;
    curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &connects);
    r->reused = connects == 0 && (code == CURLE_OK || x->connected);
    if (!x->connected) {
        curl_off_t pre = 0;
        if (curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T, &pre) == CURLE_OK && pre > 0)
            x->connected = true;
    }
    r->request_sent = code == CURLE_OK || x->sent || x->got_bytes;
    r->hidden_resends = x->prereqs > 1 ? x->prereqs - 1 : 0;
    if (r->hidden_resends > 0) {
        long os_errno = 0;
        curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno);
        r->hidden_errno = (int)os_errno;
    }
    read_retry_after(x);
    /* libcurl writes its own words into the error buffer until the transfer ends. */
    snprintf(r->error, sizeof r->error, "%s", x->errbuf);
    if (x->too_large != NULL && x->too_large[0] == 'b')
        snprintf(r->error, sizeof r->error, "response body over %zu bytes", x->max_body);
    else if (x->too_large != NULL)
        snprintf(r->error, sizeof r->error, "response headers over %u bytes",
                 ESO__MAX_HEADER_BYTES);
    if (code == CURLE_OUT_OF_MEMORY && x->in_headers && !r->too_large) {
        /* libcurl 7.x reports a response header line past its 100 KB limit
         * (CURL_MAX_HTTP_HEADER) as out of memory; one while headers are read is that. */
        r->too_large = true;
        snprintf(r->error, sizeof r->error,
                 "a response header line over libcurl's %d-byte limit (or out of memory)",
                 CURL_MAX_HTTP_HEADER);
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
        if (x->local_timeout != NULL) {
            r->timeout_phase = x->local_timeout;
            uint64_t limit = x->local_timeout[0] == 'r' ? x->read_timeout_ns : x->write_timeout_ns;
            snprintf(r->error, sizeof r->error, "%s timeout: nothing %s for %.0f ms",
                     x->local_timeout, x->local_timeout[0] == 'r' ? "received" : "sent",
                     (double)limit / 1e6);
        } else {
            r->timeout_phase = x->connected ? "total" : "connect";
        }
    }
    if (code != CURLE_OK && r->error[0] == '\0')
        snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(code));
    if (code == CURLE_OK)
        r->error[0] = '\0';
    /* Drop a non-empty error buffer's trailing newline, if any. */
    size_t len = strlen(r->error);
    if (len > 0 && r->error[len - 1] == '\n')
        r->error[len - 1] = '\0';
    /* The list points at the caller's Authorization line, which is about to go. */
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, NULL);
    x->resp = NULL;
}
