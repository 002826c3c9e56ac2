/* The transport: libcurl attempts with per-phase timeouts and a keep-alive pool. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "transport_private.h"

bool eso__request_shrink(struct eso__request *r, uint64_t elapsed)
{
    if (r->deadline_left_ns == 0 || elapsed == 0)
        return true;
    if (elapsed >= r->deadline_left_ns)
        return false;
    uint64_t left = r->deadline_left_ns - elapsed;
    uint64_t *timers[] = {&r->timeout_ns, &r->connect_timeout_ns, &r->read_timeout_ns,
                          &r->write_timeout_ns};
    for (size_t i = 0; i < sizeof timers / sizeof *timers; i++) {
        if (*timers[i] == 0 || *timers[i] > left)
            *timers[i] = left;
    }
    r->deadline_left_ns = left;
    return true;
}

size_t eso__request_max_body(const struct eso__request *r, size_t transport_max)
{
    return r->max_body != 0 && r->max_body < transport_max ? r->max_body : transport_max;
}

void eso__response_finish(struct eso__response *r)
{
    if (r == NULL)
        return;
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

/* ---- one transfer ---- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct eso__xfer *x = ud;
    size_t n = size * nmemb;
    x->last_rx_ns = eso__clock_now(x->clk);
    x->got_bytes = true;
    if (n > x->max_body - x->body_len) {
        x->resp->too_large = true;
        x->too_large = "body";
        return 0;
    }
    if (x->body_len + n + 1 > x->body_cap) {
        size_t cap = x->body_cap ? x->body_cap : 4096;
        while (cap < x->body_len + n + 1)
            cap *= 2;
        if (cap > x->max_body + 1)
            cap = x->max_body + 1;
        char *p = realloc(x->resp->body, cap);
        if (p == NULL)
            return 0;
        x->resp->body = p;
        x->body_cap = cap;
    }
    memcpy(x->resp->body + x->body_len, data, n);
    x->body_len += n;
    x->resp->body[x->body_len] = '\0';
    x->resp->body_len = x->body_len;
    return n;
}

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
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after 1xx): forget headers of the previous one. */
        x->resp->has_retry_after = false;
        x->resp->retry_after[0] = '\0';
        x->in_headers = true;
        return n;
    }
    if (n <= 2 && (data[0] == '\r' || data[0] == '\n')) {
        x->in_headers = false; /* the blank line: this response's headers are complete */
        return n;
    }
    static const char name[] = "retry-after:";
    if (n > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
        const char *v = data + sizeof name - 1;
        size_t len = n - (sizeof name - 1);
        while (len > 0 && (*v == ' ' || *v == '\t')) {
            v++;
            len--;
        }
        while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
            len--;
        if (len >= sizeof x->resp->retry_after) {
            /* No valid value is this long; a cut one could read as another (a long run
             * of zeros before a 5 as 0 s): treat it as absent. */
            x->resp->has_retry_after = false;
            x->resp->retry_after[0] = '\0';
            return n;
        }
        memcpy(x->resp->retry_after, v, len);
        x->resp->retry_after[len] = '\0';
        x->resp->has_retry_after = true;
    }
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

long eso__ms_ceil(uint64_t ns)
{
    if (ns == 0 || ns == UINT64_MAX)
        return 0;
    /* Not (ns + 999999) / 1e6: a limit near UINT64_MAX (no deadline, read early on a
     * clock that starts at 0) would wrap to a 1 ms timeout. */
    uint64_t ms = ns / 1000000u + (ns % 1000000u != 0);
    return ms > (uint64_t)LONG_MAX / 2 ? LONG_MAX / 2 : (long)ms;
}

static int append_header(struct curl_slist **list, const char *line)
{
    struct curl_slist *n = curl_slist_append(*list, line);
    if (n == NULL)
        return ESO_OUT_OF_MEMORY;
    *list = n;
    return 0;
}

int eso__xfer_setup(struct eso__xfer *x, CURL *easy, const struct eso__request *req,
                    struct eso__response *resp, const struct eso__clock *clk, size_t max_body,
                    const char *user_agent)
{
    int rc = ESO_OUT_OF_MEMORY;
    char *auth = NULL;
    memset(x, 0, sizeof *x);
    memset(resp, 0, sizeof *resp);
    x->easy = easy;
    x->resp = resp;
    x->clk = clk;
    x->max_body = max_body;
    x->read_timeout_ns = req->read_timeout_ns;
    x->write_timeout_ns = req->write_timeout_ns;

    char ct[128];
    snprintf(ct, sizeof ct, "Content-Type: %s", req->content_type);
    if (append_header(&x->headers, ct) != 0 ||
        append_header(&x->headers, "Accept: application/json") != 0 ||
        append_header(&x->headers, "Expect:") != 0)
        goto out;
    if (req->request_id != NULL) {
        char line[96];
        snprintf(line, sizeof line, "X-Request-Id: %s", req->request_id);
        if (append_header(&x->headers, line) != 0)
            goto out;
        snprintf(line, sizeof line, "X-Attempt: %u", req->attempt);
        if (append_header(&x->headers, line) != 0)
            goto out;
    }
    if (req->authorization != NULL) {
        size_t len = strlen(req->authorization) + sizeof "Authorization: ";
        auth = malloc(len);
        if (auth == NULL)
            goto out;
        snprintf(auth, len, "Authorization: %s", req->authorization);
        int arc = append_header(&x->headers, auth);
        explicit_bzero(auth, len);
        if (arc != 0)
            goto out;
    }

    curl_easy_reset(easy);
    curl_easy_setopt(easy, CURLOPT_URL, req->url);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, x->headers);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, user_agent);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, resp->error);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
    curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(easy, CURLOPT_PREREQDATA, x);
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, req->fresh_connect ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, eso__ms_ceil(req->timeout_ns));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, eso__ms_ceil(req->connect_timeout_ns));

    x->body_len = 0;
    x->start_ns = eso__clock_now(clk);
    x->phase_ns = x->start_ns;
    rc = 0;
out:
    free(auth);
    if (rc != 0) {
        curl_slist_free_all(x->headers);
        x->headers = NULL;
    }
    return rc;
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
    /* After the transfer: libcurl writes its own words into the error buffer until then. */
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
}

void eso__xfer_cleanup(struct eso__xfer *x)
{
    if (x->easy != NULL) {
        curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, NULL);
    }
    curl_slist_free_all(x->headers);
    x->headers = NULL;
}

int eso__poll_ms(uint64_t now, uint64_t next_ns, int cap_ms)
{
    if (next_ns <= now)
        return 0;
    /* Rounded up without adding first: next_ns may be UINT64_MAX ("no timer"), and
     * UINT64_MAX - now + 999999 wraps to a 0 ms poll, a busy loop, when now is small. */
    uint64_t d = next_ns - now;
    uint64_t ms = d / 1000000u + (d % 1000000u != 0);
    return ms > (uint64_t)cap_ms ? cap_ms : (int)ms;
}

/* ---- the pool ---- */

static void lane_free(struct eso__lane *l)
{
    if (l == NULL)
        return;
    curl_multi_cleanup(l->multi);
    curl_easy_cleanup(l->easy);
    free(l);
}

static struct eso__lane *lane_new(void)
{
    struct eso__lane *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->easy = curl_easy_init();
    l->multi = curl_multi_init();
    if (l->easy == NULL || l->multi == NULL) {
        lane_free(l);
        return NULL;
    }
    curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, 1L);
    return l;
}

static int pool_acquire(struct eso__pool *p, uint64_t timeout_ns, struct eso__lane **out)
{
    int rc = ESO_POOL_TIMEOUT;
    struct timespec until;
    bool timed = timeout_ns != UINT64_MAX;
    if (timed)
        eso__monotonic_after(&until, timeout_ns);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->idle != NULL) {
            *out = p->idle;
            p->idle = p->idle->next;
            p->idle_count--;
            rc = 0;
            break;
        }
        if (p->total < p->max_total) {
            p->total++;
            pthread_mutex_unlock(&p->lock);
            struct eso__lane *l = lane_new();
            pthread_mutex_lock(&p->lock);
            if (l == NULL) {
                p->total--;
                pthread_cond_signal(&p->cond);
                rc = ESO_OUT_OF_MEMORY;
                break;
            }
            *out = l;
            rc = 0;
            break;
        }
        int w = timed ? pthread_cond_timedwait(&p->cond, &p->lock, &until)
                      : pthread_cond_wait(&p->cond, &p->lock);
        if (w == ETIMEDOUT) {
            rc = ESO_POOL_TIMEOUT;
            break;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

static void pool_release(struct eso__pool *p, struct eso__lane *l)
{
    struct eso__lane *drop = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->idle_count < p->max_idle) {
        l->next = p->idle;
        p->idle = l;
        p->idle_count++;
    } else {
        drop = l;
        p->total--;
    }
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    lane_free(drop);
}

int eso__transport_init(struct eso__transport *t, const struct eso_transport *hook,
                        const struct eso__clock *clk, const char *user_agent, size_t max_body,
                        unsigned max_connections, unsigned max_keepalive, uint64_t pool_timeout_ns)
{
    memset(t, 0, sizeof *t);
    t->user_agent = strdup(user_agent);
    if (t->user_agent == NULL)
        return ESO_OUT_OF_MEMORY;
    t->hook = hook != NULL && hook->perform != NULL ? hook : NULL;
    t->clk = clk;
    t->max_body = max_body;
    t->pool_timeout_ns = pool_timeout_ns;
    pthread_mutex_init(&t->pool.lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->pool.cond, &attr);
    pthread_condattr_destroy(&attr);
    t->pool.max_total = max_connections;
    t->pool.max_idle = max_keepalive < max_connections ? max_keepalive : max_connections;
    return 0;
}

void eso__transport_finish(struct eso__transport *t)
{
    struct eso__lane *l = t->pool.idle;
    while (l != NULL) {
        struct eso__lane *next = l->next;
        lane_free(l);
        l = next;
    }
    t->pool.idle = NULL;
    pthread_cond_destroy(&t->pool.cond);
    pthread_mutex_destroy(&t->pool.lock);
    free(t->user_agent);
    t->user_agent = NULL;
}

int eso__transport_hook_perform(struct eso__transport *t, const struct eso__request *req,
                                struct eso__response *resp)
{
    memset(resp, 0, sizeof *resp);
    struct eso_http_request hreq = {
        .url = req->url,
        .content_type = req->content_type,
        .authorization = req->authorization,
        .body = req->body,
        .body_len = req->body_len,
        .operation = req->operation != NULL ? req->operation : "",
        .request_id = req->request_id != NULL ? req->request_id : "",
        .token_request = req->token_request,
        .attempt = req->attempt,
        .timeout_ns = req->timeout_ns == UINT64_MAX ? 0 : req->timeout_ns,
        .connect_timeout_ns = req->connect_timeout_ns == UINT64_MAX ? 0 : req->connect_timeout_ns,
        .read_timeout_ns = req->read_timeout_ns == UINT64_MAX ? 0 : req->read_timeout_ns,
        .write_timeout_ns = req->write_timeout_ns == UINT64_MAX ? 0 : req->write_timeout_ns,
    };
    struct eso_http_response hresp;
    memset(&hresp, 0, sizeof hresp);
    uint64_t start = eso__clock_now(t->clk);
    int hrc = t->hook->perform(t->hook->userdata, &hreq, &hresp);
    resp->duration_ns = eso__clock_now(t->clk) - start;
    if (hrc != 0) {
        snprintf(resp->error, sizeof resp->error, "transport hook failed (%d)", hrc);
        resp->curl_code = -1;
        return 0;
    }
    resp->curl_code = hresp.curl_code;
    resp->http_status = hresp.curl_code == 0 ? hresp.http_status : 0;
    resp->reused = hresp.reused_connection;
    resp->request_sent = hresp.curl_code == 0 || hresp.request_sent;
    if (hresp.curl_code == CURLE_OPERATION_TIMEDOUT)
        resp->timeout_phase = hresp.request_sent ? "read" : "connect";
    if (hresp.curl_code != 0)
        snprintf(resp->error, sizeof resp->error, "%s",
                 hresp.error != NULL ? hresp.error : curl_easy_strerror((CURLcode)hresp.curl_code));
    if (hresp.retry_after != NULL && strlen(hresp.retry_after) < sizeof resp->retry_after) {
        snprintf(resp->retry_after, sizeof resp->retry_after, "%s", hresp.retry_after);
        resp->has_retry_after = true;
    }
    size_t max_body = eso__request_max_body(req, t->max_body);
    if (hresp.body != NULL && hresp.body_len > 0) {
        if (hresp.body_len > max_body) {
            resp->too_large = true;
            resp->curl_code = CURLE_WRITE_ERROR;
            resp->http_status = 0;
            snprintf(resp->error, sizeof resp->error, "response body over %zu bytes", max_body);
            return 0;
        }
        resp->body = malloc(hresp.body_len + 1);
        if (resp->body == NULL)
            return ESO_OUT_OF_MEMORY;
        memcpy(resp->body, hresp.body, hresp.body_len);
        resp->body[hresp.body_len] = '\0';
        resp->body_len = hresp.body_len;
    }
    return 0;
}

/* Drive one transfer on a lane's multi handle until it ends. */
static int lane_perform(struct eso__transport *t, struct eso__lane *lane,
                        const struct eso__request *req, struct eso__response *resp)
{
    struct eso__xfer x;
    size_t max_body = eso__request_max_body(req, t->max_body);
    int rc = eso__xfer_setup(&x, lane->easy, req, resp, t->clk, max_body, t->user_agent);
    if (rc != 0)
        return rc;
    if (curl_multi_add_handle(lane->multi, lane->easy) != CURLM_OK) {
        eso__xfer_cleanup(&x);
        resp->curl_code = CURLE_FAILED_INIT;
        snprintf(resp->error, sizeof resp->error, "curl_multi_add_handle failed");
        return 0;
    }
    CURLcode result = CURLE_OK;
    for (;;) {
        int running = 0;
        CURLMcode mc = curl_multi_perform(lane->multi, &running);
        if (mc != CURLM_OK) {
            result = CURLE_FAILED_INIT;
            break;
        }
        int queued = 0;
        CURLMsg *msg = curl_multi_info_read(lane->multi, &queued);
        if (msg != NULL && msg->msg == CURLMSG_DONE) {
            result = msg->data.result;
            break;
        }
        uint64_t now = eso__clock_now(t->clk);
        uint64_t next = UINT64_MAX;
        if (eso__xfer_tick(&x, now, &next)) {
            result = CURLE_OPERATION_TIMEDOUT;
            break;
        }
        long curl_ms = -1;
        curl_multi_timeout(lane->multi, &curl_ms);
        int wait_ms = eso__poll_ms(now, next, 1000);
        if (curl_ms >= 0 && curl_ms < wait_ms)
            wait_ms = (int)curl_ms;
        curl_multi_poll(lane->multi, NULL, 0, wait_ms, NULL);
    }
    eso__xfer_done(&x, result);
    curl_multi_remove_handle(lane->multi, lane->easy);
    eso__xfer_cleanup(&x);
    return 0;
}

int eso__transport_perform(struct eso__transport *t, const struct eso__request *req,
                           struct eso__response *resp)
{
    if (t->hook != NULL)
        return eso__transport_hook_perform(t, req, resp);
    struct eso__lane *lane = NULL;
    uint64_t start = eso__clock_now(t->clk);
    /* Never wait for a connection past the call's deadline. */
    uint64_t wait = t->pool_timeout_ns;
    if (req->deadline_left_ns != 0 && req->deadline_left_ns < wait)
        wait = req->deadline_left_ns;
    int rc = pool_acquire(&t->pool, wait, &lane);
    if (rc == ESO_POOL_TIMEOUT) {
        memset(resp, 0, sizeof *resp);
        resp->curl_code = CURLE_OPERATION_TIMEDOUT;
        resp->timeout_phase = "pool";
        resp->duration_ns = eso__clock_now(t->clk) - start;
        snprintf(resp->error, sizeof resp->error, "no free connection within %.0f ms%s",
                 (double)wait / 1e6, wait < t->pool_timeout_ns ? " (the call's deadline)" : "");
        return 0;
    }
    if (rc != 0) {
        memset(resp, 0, sizeof *resp);
        return rc;
    }
    /* The wait for the lane came out of the call's time: the transfer gets what is left. */
    struct eso__request cut = *req;
    uint64_t waited = eso__clock_now(t->clk) - start;
    if (!eso__request_shrink(&cut, waited)) {
        pool_release(&t->pool, lane);
        memset(resp, 0, sizeof *resp);
        resp->curl_code = CURLE_OPERATION_TIMEDOUT;
        resp->timeout_phase = "pool";
        resp->duration_ns = waited;
        snprintf(resp->error, sizeof resp->error,
                 "a connection came free after %.0f ms, at the call's deadline",
                 (double)waited / 1e6);
        return 0;
    }
    rc = lane_perform(t, lane, &cut, resp);
    pool_release(&t->pool, lane);
    return rc;
}
