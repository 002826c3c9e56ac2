/* Auth: bearer token or cached client-credentials token. */
#include <errno.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <esologs/options.h>

#include "auth_private.h"
#include "redact_private.h"
#include "text_private.h"

static void wipe_free(char *s)
{
    if (s == NULL)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

/* A new heap string: ESO__AUTH_PREFIX, @p scheme, @p value. */
static char *auth_line(const char *scheme, const char *value)
{
    size_t len = sizeof ESO__AUTH_PREFIX - 1 + strlen(scheme) + strlen(value) + 1;
    char *s = malloc(len);
    if (s != NULL)
        snprintf(s, len, "%s%s%s", ESO__AUTH_PREFIX, scheme, value);
    return s;
}

/* "Basic " + base64(id:secret) as a header line (RFC 7617), or NULL when out of memory. */
static char *basic_line(const char *client_id, const char *client_secret)
{
    char *line = NULL;
    size_t plen = strlen(client_id) + 1 + strlen(client_secret);
    char *pair = malloc(plen + 1);
    size_t b64len = 4 * ((plen + 2) / 3) + 1;
    char *b64 = malloc(b64len);
    if (pair == NULL || b64 == NULL)
        goto out;
    snprintf(pair, plen + 1, "%s:%s", client_id, client_secret);
    /* libc's encoder (resolv.h); -1 only when the output does not fit, and it does. */
    if (b64_ntop((const unsigned char *)pair, plen, b64, b64len) < 0)
        goto out;
    line = auth_line("Basic ", b64);
out:
    wipe_free(pair);
    wipe_free(b64);
    return line;
}

int eso__auth_init(struct eso__auth *a, const char *bearer, const char *client_id,
                   const char *client_secret, const char *token_url, double scale,
                   uint64_t margin_ns)
{
    int rc = ESO_OUT_OF_MEMORY;
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&a->cond, &attr);
    pthread_condattr_destroy(&attr);
    a->scale = scale;
    a->margin_ns = margin_ns;
    a->token_url = strdup(token_url);
    if (a->token_url == NULL)
        goto out;
    if (bearer != NULL && *bearer != '\0') {
        a->mode = ESO__AUTH_BEARER;
        a->bearer_line = auth_line("Bearer ", bearer);
        a->secret = strdup(bearer);
        if (a->bearer_line == NULL || a->secret == NULL)
            goto out;
    } else if (client_id != NULL && *client_id != '\0' && client_secret != NULL &&
               *client_secret != '\0') {
        a->mode = ESO__AUTH_CLIENT_CREDENTIALS;
        a->basic_line = basic_line(client_id, client_secret);
        a->secret = strdup(client_secret);
        if (a->basic_line == NULL || a->secret == NULL)
            goto out;
    } else {
        a->mode = ESO__AUTH_NONE;
    }
    rc = 0;
out:
    if (rc != 0)
        eso__auth_finish(a);
    return rc;
}

void eso__auth_finish(struct eso__auth *a)
{
    wipe_free(a->bearer_line);
    wipe_free(a->basic_line);
    wipe_free(a->secret);
    wipe_free(a->token);
    free(a->token_url);
    a->bearer_line = a->basic_line = a->secret = a->token = a->token_url = NULL;
    pthread_cond_destroy(&a->cond);
    pthread_mutex_destroy(&a->lock);
}

void eso__auth_scrub(void *auth, char *buf, size_t size)
{
    struct eso__auth *a = auth;
    pthread_mutex_lock(&a->lock);
    eso__redact(buf, size, a->secret);
    eso__redact(buf, size, a->token);
    pthread_mutex_unlock(&a->lock);
}

bool eso__auth_invalidate(struct eso__auth *a, uint64_t generation)
{
    if (a->mode != ESO__AUTH_CLIENT_CREDENTIALS)
        return false;
    pthread_mutex_lock(&a->lock);
    if (a->generation == generation && a->token != NULL) {
        wipe_free(a->token);
        a->token = NULL;
    }
    pthread_mutex_unlock(&a->lock);
    return true;
}

enum eso__token_step eso__auth_acquire(struct eso__auth *a, uint64_t now, const char **line,
                                       char **owned, uint64_t *generation, struct eso__verdict *v)
{
    *owned = NULL;
    if (a->mode == ESO__AUTH_NONE) {
        v->breaker = ESO__OUTCOME_IGNORED;
        v->status = ESO_NO_CREDENTIALS;
        v->retry_class = 0;
        v->reason = "no_credentials";
        snprintf(v->detail, sizeof v->detail,
                 "set a bearer token, client id/secret, or ESOLOGS_ID and ESOLOGS_SECRET");
        return ESO__TOKEN_FAIL;
    }
    if (a->mode == ESO__AUTH_BEARER) {
        /* Set at create and never changed: no copy, no lock. */
        *line = a->bearer_line;
        *generation = 0;
        return ESO__TOKEN_READY;
    }
    enum eso__token_step step = ESO__TOKEN_BUSY;
    pthread_mutex_lock(&a->lock);
    if (a->fetching)
        goto out;
    if (a->token != NULL && now < a->token_expires_ns) {
        /* A copy: another thread may replace or drop the token while this one sends it. */
        char *copy = auth_line("Bearer ", a->token);
        if (copy == NULL) {
            step = ESO__TOKEN_FAIL;
            v->status = ESO_OUT_OF_MEMORY;
            v->retry_class = 0;
            v->breaker = ESO__OUTCOME_IGNORED;
            v->reason = "out_of_memory";
            snprintf(v->detail, sizeof v->detail, "no memory for a copy of the access token");
            goto out;
        }
        *owned = copy;
        *line = copy;
        *generation = a->generation;
        step = ESO__TOKEN_READY;
        goto out;
    }
    a->fetching = true;
    step = ESO__TOKEN_FETCH;
out:
    pthread_mutex_unlock(&a->lock);
    return step;
}

void eso__auth_token_request(const struct eso__auth *a, struct eso__request *req)
{
    static const char body[] = "grant_type=client_credentials";
    req->url = a->token_url;
    req->form = true;
    req->auth_line = a->basic_line;
    req->body = body;
    req->body_len = sizeof body - 1;
    req->token_request = true;
    req->operation = "";
    req->request_id = NULL;
    req->max_body = ESO__TOKEN_ANSWER_MAX_BYTES;
}

/* The fetch is over, whatever its outcome: wake every call waiting for it. Lock held. */
static void fetch_over_locked(struct eso__auth *a)
{
    a->fetching = false;
    pthread_cond_broadcast(&a->cond);
    for (struct eso__auth_waiter *w = a->waiters; w != NULL; w = w->next)
        w->wake(w->userdata);
}

void eso__auth_fetch_abandon(struct eso__auth *a)
{
    pthread_mutex_lock(&a->lock);
    fetch_over_locked(a);
    pthread_mutex_unlock(&a->lock);
}

void eso__auth_wait(struct eso__auth *a, uint64_t timeout_ns)
{
    struct timespec until;
    eso__monotonic_after(&until, timeout_ns);
    pthread_mutex_lock(&a->lock);
    while (a->fetching) {
        if (pthread_cond_timedwait(&a->cond, &a->lock, &until) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&a->lock);
}

void eso__auth_watch(struct eso__auth *a, struct eso__auth_waiter *w)
{
    pthread_mutex_lock(&a->lock);
    w->next = a->waiters;
    a->waiters = w;
    pthread_mutex_unlock(&a->lock);
}

void eso__auth_unwatch(struct eso__auth *a, struct eso__auth_waiter *w)
{
    pthread_mutex_lock(&a->lock);
    for (struct eso__auth_waiter **pp = &a->waiters; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    pthread_mutex_unlock(&a->lock);
}

/* Fill @p v for a token endpoint answer that cannot be used; returns @p st. */
static enum eso_status token_refused(struct eso__verdict *v, enum eso_status st, const char *reason)
{
    v->status = st;
    v->retry_class = 0;
    v->breaker = ESO__OUTCOME_IGNORED;
    v->reason = reason;
    return st;
}

enum eso_status eso__auth_parse_token(const struct eso__response *r, char **token,
                                      double *lifetime_s, struct eso__verdict *v)
{
    cJSON *root = r->body != NULL ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "access_token");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "token_type");
    enum eso_status st = ESO_MALFORMED_JSON;
    if (!cJSON_IsString(tok) || tok->valuestring[0] == '\0') {
        v->status = ESO_MALFORMED_JSON;
        v->retry_class = ESO_RETRY_MALFORMED;
        v->breaker = ESO__OUTCOME_IGNORED;
        v->reason = "token_malformed";
        snprintf(v->detail, sizeof v->detail, "token endpoint: HTTP %ld without access_token",
                 r->http_status);
        goto out;
    }
    /* The token is sent back in an Authorization header: anything but b64token
     * characters could end that header and add others (CR LF), so it is refused. */
    size_t len = strlen(tok->valuestring);
    if (len > ESO__TOKEN_MAX_BYTES) {
        st = token_refused(v, ESO_RESPONSE_TOO_LARGE, "token_too_large");
        snprintf(v->detail, sizeof v->detail,
                 "token endpoint: access_token of %zu bytes is over the %d-byte limit", len,
                 ESO__TOKEN_MAX_BYTES);
        goto out;
    }
    size_t span = eso__b64token_span(tok->valuestring);
    if (span != len) {
        st = token_refused(v, ESO_PROTOCOL_ERROR, "token_invalid");
        snprintf(v->detail, sizeof v->detail,
                 "token endpoint: access_token is not an RFC 6750 bearer token (byte 0x%02x at "
                 "offset %zu)",
                 (unsigned char)tok->valuestring[span], span);
        goto out;
    }
    if (type != NULL && (!cJSON_IsString(type) || strcasecmp(type->valuestring, "Bearer") != 0)) {
        st = token_refused(v, ESO_PROTOCOL_ERROR, "token_type_unsupported");
        eso__fmt(v->detail, sizeof v->detail, "token endpoint: token_type %s%.40s%s is not Bearer",
                 cJSON_IsString(type) ? "\"" : "(not a string)",
                 cJSON_IsString(type) ? type->valuestring : "", cJSON_IsString(type) ? "\"" : "");
        goto out;
    }
    *token = strdup(tok->valuestring);
    if (*token == NULL) {
        st = ESO_OUT_OF_MEMORY;
        v->status = st;
        v->reason = "out_of_memory";
        v->breaker = ESO__OUTCOME_IGNORED;
        snprintf(v->detail, sizeof v->detail, "no memory for the access token");
        goto out;
    }
    *lifetime_s = cJSON_IsNumber(exp) && exp->valuedouble > 0 ? exp->valuedouble : 3600.0;
    st = ESO_OK;
out:
    if (root != NULL && tok != NULL && cJSON_IsString(tok))
        explicit_bzero(tok->valuestring, strlen(tok->valuestring));
    cJSON_Delete(root);
    return st;
}

/* Judge the token endpoint's answer; on ESO_OK *token and *lifetime_s are set. */
static enum eso_status judge(const struct eso__response *resp, char **token, double *lifetime_s,
                             struct eso__verdict *v)
{
    if (eso__classify_transport(resp, v)) {
        if (resp->too_large)
            eso__fmt(v->detail, sizeof v->detail, "token endpoint: %s", resp->error);
        return v->status;
    }
    long hs = resp->http_status;
    if (hs == 200)
        return eso__auth_parse_token(resp, token, lifetime_s, v);
    if (hs == 429) {
        v->status = ESO_RATE_LIMITED;
        v->retry_class = ESO_RETRY_429;
        v->reason = "token_http_429";
    } else if (hs >= 500 && hs <= 599) {
        v->status = ESO_SERVER_ERROR;
        v->retry_class = hs == 502   ? ESO_RETRY_502
                         : hs == 503 ? ESO_RETRY_503
                         : hs == 504 ? ESO_RETRY_504
                         : hs == 500 ? ESO_RETRY_500
                                     : ESO_RETRY_5XX_OTHER;
        v->reason = "token_http_5xx";
    } else {
        v->status = ESO_AUTH_FAILED;
        v->retry_class = 0;
        v->reason = "token_refused";
    }
    /* The token endpoint is the same service: its 5xx count against the breaker too. */
    v->breaker = v->status == ESO_SERVER_ERROR ? ESO__OUTCOME_FAILURE : ESO__OUTCOME_IGNORED;
    snprintf(v->detail, sizeof v->detail, "token endpoint: HTTP %ld", hs);
    return v->status;
}

enum eso_status eso__auth_fetch_end(struct eso__auth *a, uint64_t now,
                                    const struct eso__response *resp, char **line_out,
                                    uint64_t *generation_out, struct eso__verdict *v,
                                    struct eso__token_fetch *fetch)
{
    char *token = NULL;
    double lifetime_s = 0;
    memset(fetch, 0, sizeof *fetch);
    fetch->http_status = resp->http_status;
    fetch->curl_code = resp->curl_code;
    fetch->duration_ns = resp->duration_ns;
    if (resp->has_retry_after) {
        fetch->has_retry_after = true;
        snprintf(fetch->retry_after, sizeof fetch->retry_after, "%s", resp->retry_after);
    }
    enum eso_status st = judge(resp, &token, &lifetime_s, v);

    pthread_mutex_lock(&a->lock);
    if (st == ESO_OK) {
        uint64_t life = eso__scale_s(a->scale, lifetime_s);
        uint64_t margin = a->margin_ns < life / 2 ? a->margin_ns : life / 2;
        wipe_free(a->token);
        a->token = token;
        token = NULL;
        a->token_expires_ns = eso__sat_add(now, life - margin);
        a->generation++;
        *line_out = auth_line("Bearer ", a->token);
        *generation_out = a->generation;
        if (*line_out == NULL) {
            st = ESO_OUT_OF_MEMORY;
            v->status = st;
            v->reason = "out_of_memory";
            v->breaker = ESO__OUTCOME_IGNORED;
            snprintf(v->detail, sizeof v->detail, "no memory for a copy of the access token");
        }
    }
    fetch_over_locked(a);
    pthread_mutex_unlock(&a->lock);
    wipe_free(token);
    fetch->status = st;
    snprintf(fetch->detail, sizeof fetch->detail, "%s", st == ESO_OK ? "" : v->detail);
    return st;
}
