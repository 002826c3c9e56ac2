/*
 * The upstream client behind --proxy (proxy_private.h): one thread, one libcurl multi
 * handle, eso-mock's own token, and every forwarded request as a small state machine:
 * queued -> waiting for a token -> in flight -> (401 once: waiting for a fresh token ->
 * in flight) -> finished, its connection resumed.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <esomock/version.h>

#include "clock_private.h"
#include "error_private.h"
#include "proxy_private.h"

/* A token's answer is small; more than this is not a token endpoint. */
#define TOKEN_ANSWER_MAX (64u * 1024u)
/* A token is used until this fraction of its lifetime has passed. */
#define TOKEN_LIFETIME_USED 0.9
/* Cap on how long the thread sleeps when nothing is due (it wakes for any event anyway). */
#define POLL_MS 1000

struct token_fetch {
    CURL *easy;
    char *answer;
    size_t len, cap;
    bool too_big;
    char curl_error[CURL_ERROR_SIZE];
};

struct esomock_proxy {
    /* set at create, read-only after */
    char *graphql_url;
    char *token_url;
    char *shown_token_url; /* token_url without user:password@, for messages */
    char *client_id;
    char *client_secret;
    unsigned timeout_ms;
    FILE *log;
    char user_agent[64];
    CURLM *multi;
    int epoll_fd; /* the clients of calls in progress, watched for hanging up */

    pthread_t thread;
    bool thread_started;

    pthread_mutex_t lock; /* guards the queue, stopping and the token's value */
    struct esomock_upstream_call *queue_head, *queue_tail;
    bool stopping;
    char token[ESOMOCK_UPSTREAM_TOKEN_MAX + 1]; /* "" when none */
    char previous_token[ESOMOCK_UPSTREAM_TOKEN_MAX + 1];
    unsigned fetches;

    /* the thread's own */
    struct esomock_upstream_call *calls; /* in progress (waiting for a token or in flight) */
    bool token_valid;
    double token_refresh_at_ms;
    unsigned token_generation;
    struct token_fetch fetch; /* easy != NULL while a fetch is in flight */
};

static void say(struct esomock_proxy *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(struct esomock_proxy *p, const char *fmt, ...)
{
    if (p->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("eso-mock: proxy: ", p->log);
    vfprintf(p->log, fmt, ap);
    fputc('\n', p->log);
    fflush(p->log);
    va_end(ap);
}

/* Copy @p src into dst[size] keeping printable ASCII only (upstream text reaches JSON). */
static void copy_printable(char *dst, size_t size, const char *src, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len && src[i] != '\0' && n + 1 < size; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[n] = '\0';
}

static void wipe_free(char *s)
{
    if (s != NULL) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

/* Free a header list, wiping it: it carries a bearer token. */
static void free_headers(struct curl_slist *list)
{
    for (struct curl_slist *h = list; h != NULL; h = h->next)
        explicit_bzero(h->data, strlen(h->data));
    curl_slist_free_all(list);
}

/* ---- answers into bounded buffers ---------------------------------------------------------- */

static size_t on_call_data(char *data, size_t size, size_t nmemb, void *user)
{
    struct esomock_upstream_call *call = user;
    size_t n = size * nmemb;
    if (n > ESOMOCK_UPSTREAM_MAX_ANSWER - call->answer_len) {
        call->too_big = true;
        return 0; /* CURLE_WRITE_ERROR */
    }
    if (call->answer_len + n + 1 > call->answer_cap) {
        size_t cap = call->answer_cap ? call->answer_cap : 16384;
        while (cap < call->answer_len + n + 1)
            cap *= 2;
        char *grown = realloc(call->answer, cap);
        if (grown == NULL) {
            call->too_big = true;
            return 0;
        }
        call->answer = grown;
        call->answer_cap = cap;
    }
    memcpy(call->answer + call->answer_len, data, n);
    call->answer_len += n;
    call->answer[call->answer_len] = '\0';
    return n;
}

static size_t on_token_data(char *data, size_t size, size_t nmemb, void *user)
{
    struct token_fetch *f = user;
    size_t n = size * nmemb;
    if (n > TOKEN_ANSWER_MAX - f->len) {
        f->too_big = true;
        return 0;
    }
    if (f->answer == NULL) {
        f->answer = malloc(TOKEN_ANSWER_MAX + 1);
        if (f->answer == NULL) {
            f->too_big = true;
            return 0;
        }
        f->cap = TOKEN_ANSWER_MAX + 1;
    }
    memcpy(f->answer + f->len, data, n);
    f->len += n;
    f->answer[f->len] = '\0';
    return n;
}

/* Options every transfer shares: bounded, no signals, http(s) only, no redirects. */
static void common_options(struct esomock_proxy *p, CURL *easy, char *errbuf)
{
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)p->timeout_ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long)p->timeout_ms);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, p->user_agent);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, ""); /* what libcurl decodes */
    errbuf[0] = '\0';
}

/* "what libcurl says: its detail" in out[size]. */
static void describe(char *out, size_t size, CURLcode rc, const char *detail)
{
    char text[256];
    if (detail[0] != '\0')
        snprintf(text, sizeof(text), "%s: %s", curl_easy_strerror(rc), detail);
    else
        snprintf(text, sizeof(text), "%s", curl_easy_strerror(rc));
    copy_printable(out, size, text, strlen(text));
}

/* ---- the calls in progress ------------------------------------------------------------------ */

static void link_call(struct esomock_proxy *p, struct esomock_upstream_call *call)
{
    call->prev = NULL;
    call->next = p->calls;
    if (p->calls != NULL)
        p->calls->prev = call;
    p->calls = call;
}

static void unlink_call(struct esomock_proxy *p, struct esomock_upstream_call *call)
{
    if (call->prev != NULL)
        call->prev->next = call->next;
    else
        p->calls = call->next;
    if (call->next != NULL)
        call->next->prev = call->prev;
    call->prev = call->next = NULL;
}

/* Drop the forward in flight, if any. */
static void drop_transfer(struct esomock_proxy *p, struct esomock_upstream_call *call)
{
    if (call->easy != NULL) {
        curl_multi_remove_handle(p->multi, call->easy);
        curl_easy_cleanup(call->easy);
        call->easy = NULL;
    }
    free_headers(call->headers);
    call->headers = NULL;
}

/* The call is over: set its outputs and hand its connection back. Never touch it after. */
static void finish(struct esomock_proxy *p, struct esomock_upstream_call *call,
                   enum esomock_upstream_outcome outcome)
{
    drop_transfer(p, call);
    if (call->watched)
        epoll_ctl(p->epoll_fd, EPOLL_CTL_DEL, call->client_fd, NULL);
    call->watched = false;
    unlink_call(p, call);
    call->outcome = outcome;
    call->ms = esomock__now_ms() - call->started_ms;
    if (outcome != ESOMOCK_UPSTREAM_ANSWERED) {
        free(call->answer);
        call->answer = NULL;
        call->answer_len = 0;
    }
    if (outcome == ESOMOCK_UPSTREAM_FAILED || outcome == ESOMOCK_UPSTREAM_TIMEOUT)
        say(p, "%s%s%s", call->error, call->request_id != NULL ? "; X-Request-Id " : "",
            call->request_id != NULL ? call->request_id : "");
    MHD_resume_connection(call->connection);
}

/* Send the call's body upstream with the token in force. */
static void send_call(struct esomock_proxy *p, struct esomock_upstream_call *call)
{
    CURL *easy = curl_easy_init();
    struct curl_slist *headers = NULL;
    char line[ESOMOCK_UPSTREAM_TOKEN_MAX + 64];
    bool ok = easy != NULL;
    pthread_mutex_lock(&p->lock);
    snprintf(line, sizeof(line), "Authorization: Bearer %s", p->token);
    pthread_mutex_unlock(&p->lock);
    struct curl_slist *h = curl_slist_append(NULL, line);
    explicit_bzero(line, sizeof(line));
    ok = ok && h != NULL;
    headers = h;
    const char *fixed[] = {"Content-Type: application/json", "Accept: application/json", "Expect:"};
    for (size_t i = 0; ok && i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        h = curl_slist_append(headers, fixed[i]);
        ok = h != NULL;
        headers = ok ? h : headers;
    }
    if (ok && call->request_id != NULL) {
        snprintf(line, sizeof(line), "X-Request-Id: %s", call->request_id);
        h = curl_slist_append(headers, line);
        ok = h != NULL;
        headers = ok ? h : headers;
    }
    call->headers = headers;
    if (!ok) {
        if (easy != NULL)
            curl_easy_cleanup(easy);
        snprintf(call->error, sizeof(call->error), "out of memory while forwarding");
        finish(p, call, ESOMOCK_UPSTREAM_FAILED);
        return;
    }
    free(call->answer);
    call->answer = NULL;
    call->answer_len = call->answer_cap = 0;
    call->too_big = false;
    common_options(p, easy, call->curl_error);
    curl_easy_setopt(easy, CURLOPT_URL, p->graphql_url);
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call->body != NULL ? call->body : "");
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, call->headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_call_data);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, call);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, call);
    call->easy = easy;
    call->waiting_token = false;
    call->token_generation = p->token_generation;
    call->attempts++;
    if (curl_multi_add_handle(p->multi, easy) != CURLM_OK) {
        snprintf(call->error, sizeof(call->error), "libcurl refused the transfer");
        finish(p, call, ESOMOCK_UPSTREAM_FAILED);
    }
}

/* Start the token fetch unless one is in flight. */
static void fetch_token(struct esomock_proxy *p)
{
    struct token_fetch *f = &p->fetch;
    if (f->easy != NULL)
        return;
    f->len = 0;
    f->too_big = false;
    f->easy = curl_easy_init();
    if (f->easy == NULL)
        return; /* the waiters fail below */
    common_options(p, f->easy, f->curl_error);
    curl_easy_setopt(f->easy, CURLOPT_URL, p->token_url);
    curl_easy_setopt(f->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(f->easy, CURLOPT_USERNAME, p->client_id);
    curl_easy_setopt(f->easy, CURLOPT_PASSWORD, p->client_secret);
    curl_easy_setopt(f->easy, CURLOPT_POSTFIELDS, "grant_type=client_credentials");
    curl_easy_setopt(f->easy, CURLOPT_WRITEFUNCTION, on_token_data);
    curl_easy_setopt(f->easy, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(f->easy, CURLOPT_PRIVATE, NULL);
    if (curl_multi_add_handle(p->multi, f->easy) != CURLM_OK) {
        curl_easy_cleanup(f->easy);
        f->easy = NULL;
    }
}

/* Every call waiting for a token fails with @p why. */
static void fail_waiters(struct esomock_proxy *p, enum esomock_upstream_outcome outcome,
                         const char *why)
{
    struct esomock_upstream_call *next;
    for (struct esomock_upstream_call *c = p->calls; c != NULL; c = next) {
        next = c->next;
        if (!c->waiting_token)
            continue;
        c->waiting_token = false;
        copy_printable(c->error, sizeof(c->error), why, strlen(why));
        finish(p, c, outcome);
    }
}

/* A call needs the upstream: with a token in force now, else after the next fetch. */
static void start_call(struct esomock_proxy *p, struct esomock_upstream_call *call)
{
    if (p->token_valid && esomock__now_ms() < p->token_refresh_at_ms) {
        send_call(p, call);
        return;
    }
    p->token_valid = false;
    call->waiting_token = true;
    call->token_fetched = true;
    fetch_token(p);
    if (p->fetch.easy == NULL) {
        char why[192];
        snprintf(why, sizeof(why), "cannot start the token fetch from %s", p->shown_token_url);
        fail_waiters(p, ESOMOCK_UPSTREAM_FAILED, why);
    }
}

/* The OAuth error code of a refused token request, made printable ("" when none). */
static void oauth_error(const char *answer, char *out, size_t size)
{
    out[0] = '\0';
    cJSON *json = answer != NULL ? cJSON_Parse(answer) : NULL;
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(json, "error");
    if (cJSON_IsString(error)) {
        size_t n = 0;
        for (const char *c = error->valuestring; *c != '\0' && n + 1 < size && n < 40; c++) {
            if (isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.')
                out[n++] = *c;
        }
        out[n] = '\0';
    }
    cJSON_Delete(json);
}

/* Take a token answer: true with the token in force, else @p why says what was wrong. */
static bool take_token(struct esomock_proxy *p, const char *answer, char *why, size_t size)
{
    cJSON *json = answer != NULL ? cJSON_Parse(answer) : NULL;
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(json, "access_token");
    const cJSON *expires = cJSON_GetObjectItemCaseSensitive(json, "expires_in");
    bool ok = cJSON_IsString(token) && token->valuestring[0] != '\0' &&
              strlen(token->valuestring) <= ESOMOCK_UPSTREAM_TOKEN_MAX;
    for (const char *c = ok ? token->valuestring : ""; *c != '\0' && ok; c++)
        ok = *c > 0x20 && *c < 0x7f; /* it goes into a header line */
    if (!ok) {
        snprintf(why, size, "the token endpoint %s answered without a usable access_token",
                 p->shown_token_url);
    } else {
        double lifetime_s = cJSON_IsNumber(expires) ? expires->valuedouble : 3600.0;
        if (!(lifetime_s > 0))
            lifetime_s = 0;
        pthread_mutex_lock(&p->lock);
        memcpy(p->previous_token, p->token, sizeof(p->token));
        snprintf(p->token, sizeof(p->token), "%s", token->valuestring);
        p->fetches++;
        unsigned fetches = p->fetches;
        pthread_mutex_unlock(&p->lock);
        p->token_valid = true;
        p->token_generation++;
        p->token_refresh_at_ms = esomock__now_ms() + lifetime_s * 1000.0 * TOKEN_LIFETIME_USED;
        say(p, "token %u fetched from %s (expires in %.0f s)", fetches, p->shown_token_url,
            lifetime_s);
        explicit_bzero(token->valuestring, strlen(token->valuestring));
    }
    cJSON_Delete(json);
    return ok;
}

static void token_done(struct esomock_proxy *p, CURLcode rc)
{
    struct token_fetch *f = &p->fetch;
    long status = 0;
    curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(p->multi, f->easy);
    curl_easy_cleanup(f->easy);
    f->easy = NULL;
    char why[192] = "";
    enum esomock_upstream_outcome failed = ESOMOCK_UPSTREAM_FAILED;
    bool ok = false;
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        failed = ESOMOCK_UPSTREAM_TIMEOUT;
        snprintf(why, sizeof(why), "the token endpoint %s did not answer within %u ms",
                 p->shown_token_url, p->timeout_ms);
    } else if (rc != CURLE_OK) {
        char detail[160];
        describe(detail, sizeof(detail), rc, f->too_big ? "answer too large" : f->curl_error);
        snprintf(why, sizeof(why), "token endpoint %s: %s", p->shown_token_url, detail);
    } else if (status != 200) {
        char code[48];
        oauth_error(f->answer, code, sizeof(code));
        snprintf(why, sizeof(why), "the token endpoint %s answered HTTP %ld%s%s%s",
                 p->shown_token_url, status, code[0] ? " (" : "", code, code[0] ? ")" : "");
    } else {
        ok = take_token(p, f->answer, why, sizeof(why));
    }
    if (f->answer != NULL)
        explicit_bzero(f->answer, f->len);
    f->len = 0;
    if (!ok) {
        fail_waiters(p, failed, why);
        return;
    }
    /* Every waiter goes on now; send_call may finish (unlink) the one it is given. */
    struct esomock_upstream_call *next;
    for (struct esomock_upstream_call *c = p->calls; c != NULL; c = next) {
        next = c->next;
        if (c->waiting_token)
            send_call(p, c);
    }
}

/* Static names for the Content-Types passed on (the reply keeps a static string). */
static const char *content_type_of(CURL *easy)
{
    static const char *const known[] = {"application/json", "application/graphql-response+json",
                                        "text/html", "text/plain"};
    char *type = NULL;
    curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
    if (type == NULL)
        return "application/json";
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strncasecmp(type, known[i], strlen(known[i])) == 0)
            return known[i];
    }
    return "application/octet-stream";
}

static void call_done(struct esomock_proxy *p, struct esomock_upstream_call *call, CURLcode rc)
{
    long status = 0;
    curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
    call->status = (int)status;
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(call->error, sizeof(call->error), "the upstream did not answer within %u ms",
                 p->timeout_ms);
        finish(p, call, ESOMOCK_UPSTREAM_TIMEOUT);
        return;
    }
    if (rc != CURLE_OK) {
        if (call->too_big)
            snprintf(call->error, sizeof(call->error),
                     "the upstream's answer is larger than %u bytes", ESOMOCK_UPSTREAM_MAX_ANSWER);
        else
            describe(call->error, sizeof(call->error), rc, call->curl_error);
        finish(p, call, ESOMOCK_UPSTREAM_FAILED);
        return;
    }
    if (status == 401) {
        if (!call->retried) {
            /* The token may have been revoked or expired early: one fresh token, one retry. */
            call->retried = true;
            if (p->token_valid && call->token_generation == p->token_generation)
                p->token_valid = false;
            drop_transfer(p, call);
            start_call(p, call);
            return;
        }
        snprintf(call->error, sizeof(call->error),
                 "the upstream refused eso-mock's token twice (HTTP 401): check ESOLOGS_ID "
                 "and ESOLOGS_SECRET");
        finish(p, call, ESOMOCK_UPSTREAM_FAILED);
        return;
    }
    call->content_type = content_type_of(call->easy);
    struct curl_header *h = NULL;
    if (curl_easy_header(call->easy, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK &&
        h != NULL && h->value != NULL)
        copy_printable(call->retry_after, sizeof(call->retry_after), h->value, strlen(h->value));
    if (call->answer == NULL) {
        call->answer = strdup("");
        call->answer_len = 0;
    }
    finish(p, call, call->answer != NULL ? ESOMOCK_UPSTREAM_ANSWERED : ESOMOCK_UPSTREAM_FAILED);
}

/* ---- the thread ----------------------------------------------------------------------------- */

static void watch_client(struct esomock_proxy *p, struct esomock_upstream_call *call)
{
    if (call->client_fd < 0)
        return;
    struct epoll_event ev = {.events = EPOLLRDHUP | EPOLLHUP | EPOLLERR, .data.ptr = call};
    call->watched = epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, call->client_fd, &ev) == 0;
}

/* Clients that hung up: cancel their calls. */
static void reap_gone_clients(struct esomock_proxy *p)
{
    struct epoll_event events[64];
    int n = epoll_wait(p->epoll_fd, events, 64, 0);
    for (int i = 0; i < n; i++) {
        struct esomock_upstream_call *call = events[i].data.ptr;
        snprintf(call->error, sizeof(call->error),
                 "the client hung up before the upstream "
                 "answered");
        finish(p, call, ESOMOCK_UPSTREAM_CLIENT_GONE);
    }
}

static void finish_all(struct esomock_proxy *p, struct esomock_upstream_call *queued)
{
    while (queued != NULL) {
        struct esomock_upstream_call *next = queued->next;
        link_call(p, queued);
        queued = next;
    }
    while (p->calls != NULL)
        finish(p, p->calls, ESOMOCK_UPSTREAM_STOPPING);
    if (p->fetch.easy != NULL) {
        curl_multi_remove_handle(p->multi, p->fetch.easy);
        curl_easy_cleanup(p->fetch.easy);
        p->fetch.easy = NULL;
    }
}

static void *proxy_main(void *arg)
{
    struct esomock_proxy *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        struct esomock_upstream_call *queued = p->queue_head;
        p->queue_head = p->queue_tail = NULL;
        bool stopping = p->stopping;
        pthread_mutex_unlock(&p->lock);
        if (stopping) {
            finish_all(p, queued);
            return NULL;
        }
        while (queued != NULL) {
            struct esomock_upstream_call *next = queued->next;
            link_call(p, queued);
            watch_client(p, queued);
            start_call(p, queued);
            queued = next;
        }
        int running = 0;
        curl_multi_perform(p->multi, &running);
        CURLMsg *msg;
        int left = 0;
        while ((msg = curl_multi_info_read(p->multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *easy = msg->easy_handle;
            CURLcode rc = msg->data.result;
            struct esomock_upstream_call *call = NULL;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&call);
            if (easy == p->fetch.easy)
                token_done(p, rc);
            else if (call != NULL)
                call_done(p, call, rc);
        }
        struct curl_waitfd clients = {.fd = p->epoll_fd, .events = CURL_WAIT_POLLIN};
        curl_multi_poll(p->multi, &clients, 1, POLL_MS, NULL);
        if (clients.revents != 0)
            reap_gone_clients(p);
    }
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

static bool is_http_url(const char *url)
{
    return url != NULL && ((strncasecmp(url, "http://", 7) == 0 && url[7] != '\0') ||
                           (strncasecmp(url, "https://", 8) == 0 && url[8] != '\0'));
}

/* @p url without the user:password@ it may carry (a URL shown in messages and answers). */
static char *shown_url(const char *url)
{
    const char *authority = strstr(url, "://");
    authority = authority != NULL ? authority + 3 : url;
    size_t host_len = strcspn(authority, "/?#");
    const char *at = memchr(authority, '@', host_len);
    size_t prefix = (size_t)(authority - url);
    const char *rest = at != NULL ? at + 1 : authority;
    size_t size = prefix + strlen(rest) + 1;
    char *shown = malloc(size);
    if (shown != NULL)
        snprintf(shown, size, "%.*s%s", (int)prefix, url, rest);
    return shown;
}

/* @p base without trailing slashes, then @p suffix. */
static char *join_url(const char *base, const char *suffix)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    size_t size = n + strlen(suffix) + 1;
    char *url = malloc(size);
    if (url != NULL)
        snprintf(url, size, "%.*s%s", (int)n, base, suffix);
    return url;
}

struct esomock_proxy *esomock__proxy_create(const struct esomock_proxy_options *opts, FILE *log,
                                            char *err)
{
    if (opts == NULL || !is_http_url(opts->url)) {
        esomock__set_error(
            err, "proxy: the upstream URL must start with http:// or https:// (got \"%.200s\")",
            opts != NULL && opts->url != NULL ? opts->url : "");
        return NULL;
    }
    if (opts->token_url != NULL && !is_http_url(opts->token_url)) {
        esomock__set_error(
            err, "proxy: the token URL must start with http:// or https:// (got \"%.200s\")",
            opts->token_url);
        return NULL;
    }
    if (opts->client_id == NULL || opts->client_id[0] == '\0' || opts->client_secret == NULL ||
        opts->client_secret[0] == '\0') {
        esomock__set_error(err,
                           "proxy: eso-mock needs client credentials of its own at the upstream "
                           "(ESOLOGS_ID and ESOLOGS_SECRET)");
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        esomock__set_error(err, "proxy: libcurl could not start");
        return NULL;
    }
    struct esomock_proxy *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        curl_global_cleanup();
        esomock__set_error(err, "proxy: out of memory");
        return NULL;
    }
    p->epoll_fd = -1;
    pthread_mutex_init(&p->lock, NULL);
    p->log = log;
    p->timeout_ms = opts->timeout_ms ? opts->timeout_ms : ESOMOCK_UPSTREAM_TIMEOUT_MS;
    snprintf(p->user_agent, sizeof(p->user_agent), "eso-mock/%s (proxy)", ESOMOCK_VERSION_STR);
    p->graphql_url = join_url(opts->url, "/api/v2/client");
    p->token_url =
        opts->token_url != NULL ? strdup(opts->token_url) : join_url(opts->url, "/oauth/token");
    p->shown_token_url = p->token_url != NULL ? shown_url(p->token_url) : NULL;
    p->client_id = strdup(opts->client_id);
    p->client_secret = strdup(opts->client_secret);
    p->multi = curl_multi_init();
    p->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (p->graphql_url == NULL || p->token_url == NULL || p->shown_token_url == NULL ||
        p->client_id == NULL || p->client_secret == NULL || p->multi == NULL || p->epoll_fd < 0) {
        esomock__set_error(err, "proxy: out of memory or descriptors");
        goto fail;
    }
    if (pthread_create(&p->thread, NULL, proxy_main, p) != 0) {
        esomock__set_error(err, "proxy: cannot start its thread");
        goto fail;
    }
    p->thread_started = true;
    return p;
fail:
    esomock__proxy_destroy(p);
    return NULL;
}

bool esomock__proxy_forward(struct esomock_proxy *p, struct esomock_upstream_call *call)
{
    call->outcome = ESOMOCK_UPSTREAM_STOPPING;
    call->status = 0;
    call->answer = NULL;
    call->answer_len = call->answer_cap = 0;
    call->content_type = "application/json";
    call->retry_after[0] = call->error[0] = '\0';
    call->ms = 0;
    call->attempts = 0;
    call->token_fetched = call->waiting_token = call->retried = call->watched = false;
    call->easy = NULL;
    call->headers = NULL;
    call->prev = call->next = NULL;
    call->started_ms = esomock__now_ms();
    pthread_mutex_lock(&p->lock);
    if (p->stopping) {
        pthread_mutex_unlock(&p->lock);
        return false;
    }
    /* Suspended under the lock, so the thread cannot resume it before it is suspended. */
    MHD_suspend_connection(call->connection);
    if (p->queue_tail != NULL)
        p->queue_tail->next = call;
    else
        p->queue_head = call;
    p->queue_tail = call;
    pthread_mutex_unlock(&p->lock);
    curl_multi_wakeup(p->multi);
    return true;
}

void esomock__proxy_shutdown(struct esomock_proxy *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_mutex_unlock(&p->lock);
    if (p->thread_started) {
        curl_multi_wakeup(p->multi);
        pthread_join(p->thread, NULL);
        p->thread_started = false;
    }
}

void esomock__proxy_destroy(struct esomock_proxy *p)
{
    if (p == NULL)
        return;
    esomock__proxy_shutdown(p);
    if (p->multi != NULL)
        curl_multi_cleanup(p->multi);
    if (p->epoll_fd >= 0)
        close(p->epoll_fd);
    free(p->fetch.answer);
    explicit_bzero(p->token, sizeof(p->token));
    explicit_bzero(p->previous_token, sizeof(p->previous_token));
    pthread_mutex_destroy(&p->lock);
    free(p->graphql_url);
    free(p->token_url);
    free(p->shown_token_url);
    free(p->client_id);
    wipe_free(p->client_secret);
    free(p);
    curl_global_cleanup();
}

/* ---- what the client gets ------------------------------------------------------------------- */

void esomock__upstream_reply(struct esomock_upstream_call *call, struct esomock_reply *reply)
{
    switch (call->outcome) {
    case ESOMOCK_UPSTREAM_ANSWERED:
        esomock__reply_owned(reply, call->status, call->answer, call->answer_len);
        reply->content_type = call->content_type;
        call->answer = NULL;
        if (call->retry_after[0] != '\0')
            esomock__reply_header(reply, "Retry-After", call->retry_after);
        return;
    case ESOMOCK_UPSTREAM_TIMEOUT:
        esomock__reply_error(reply, 504, "GATEWAY_TIMEOUT", "Upstream timeout: %s", call->error);
        return;
    case ESOMOCK_UPSTREAM_FAILED:
    case ESOMOCK_UPSTREAM_CLIENT_GONE:
    case ESOMOCK_UPSTREAM_STOPPING:
        break;
    }
    esomock__reply_error(reply, 502, "BAD_GATEWAY", "Upstream failure: %s", call->error);
}

/* Shorter secrets are looked for as whole words only ("y" inside "Veteran" is no leak). */
#define SECRET_SUBSTRING_MIN 8

/* True when @p text holds @p secret: anywhere, or as a word when it is short. */
static bool holds(const char *text, size_t len, const char *secret)
{
    size_t n = strlen(secret);
    if (n == 0)
        return false;
    for (const char *at = memmem(text, len, secret, n); at != NULL;
         at = memmem(at + 1, len - (size_t)(at + 1 - text), secret, n)) {
        if (n >= SECRET_SUBSTRING_MIN)
            return true;
        bool starts = at == text || !isalnum((unsigned char)at[-1]);
        bool ends = at + n == text + len || !isalnum((unsigned char)at[n]);
        if (starts && ends)
            return true;
    }
    return false;
}

bool esomock__proxy_holds_secret(struct esomock_proxy *p, const char *text, size_t len)
{
    bool found = holds(text, len, p->client_secret);
    pthread_mutex_lock(&p->lock);
    found = found || holds(text, len, p->token) || holds(text, len, p->previous_token);
    pthread_mutex_unlock(&p->lock);
    return found;
}

unsigned esomock__proxy_token_fetches(struct esomock_proxy *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned n = p->fetches;
    pthread_mutex_unlock(&p->lock);
    return n;
}

bool esomock__proxy_current_token(struct esomock_proxy *p, char *out, size_t size)
{
    pthread_mutex_lock(&p->lock);
    bool have = p->token[0] != '\0';
    snprintf(out, size, "%s", p->token);
    pthread_mutex_unlock(&p->lock);
    return have;
}
