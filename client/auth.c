/* Auth: bearer token or cached client-credentials token. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <esologs/options.h>

#include "auth_private.h"
#include "events_private.h"
#include "text_private.h"

char *eso__base64(const unsigned char *data, size_t len)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t out_len = 4 * ((len + 2) / 3);
    char *out = malloc(out_len + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        out[o++] = tbl[(v >> 18) & 63];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? tbl[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static void wipe_free(char *s)
{
    if (s == NULL)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

static char *prefixed(const char *prefix, const char *value)
{
    size_t len = strlen(prefix) + strlen(value) + 1;
    char *s = malloc(len);
    if (s != NULL)
        snprintf(s, len, "%s%s", prefix, value);
    return s;
}

int eso__auth_init(struct eso__auth *a, const char *bearer, const char *client_id,
                   const char *client_secret, const char *token_url, double scale,
                   uint64_t margin_ns)
{
    int rc = ESO_OUT_OF_MEMORY;
    char *pair = NULL;
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
        a->bearer_header = prefixed("Bearer ", bearer);
        a->secret = strdup(bearer);
        if (a->bearer_header == NULL || a->secret == NULL)
            goto out;
    } else if (client_id != NULL && *client_id != '\0' && client_secret != NULL &&
               *client_secret != '\0') {
        a->mode = ESO__AUTH_CLIENT_CREDENTIALS;
        size_t len = strlen(client_id) + 1 + strlen(client_secret) + 1;
        pair = malloc(len);
        if (pair == NULL)
            goto out;
        snprintf(pair, len, "%s:%s", client_id, client_secret);
        char *b64 = eso__base64((const unsigned char *)pair, strlen(pair));
        if (b64 == NULL)
            goto out;
        a->basic_header = prefixed("Basic ", b64);
        wipe_free(b64);
        a->secret = strdup(client_secret);
        if (a->basic_header == NULL || a->secret == NULL)
            goto out;
    } else {
        a->mode = ESO__AUTH_NONE;
    }
    rc = 0;
out:
    wipe_free(pair);
    if (rc != 0)
        eso__auth_finish(a);
    return rc;
}

void eso__auth_finish(struct eso__auth *a)
{
    wipe_free(a->bearer_header);
    wipe_free(a->basic_header);
    wipe_free(a->secret);
    wipe_free(a->token);
    free(a->token_url);
    a->bearer_header = a->basic_header = a->secret = a->token = a->token_url = NULL;
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

/* One token request; the caller is the single fetcher. */
static enum eso_status fetch_token(struct eso__auth *a, struct eso__transport *t,
                                   const struct eso__request *limits, char **token,
                                   double *lifetime_s, struct eso__verdict *v,
                                   struct eso__token_fetch *fetch)
{
    static const char body[] = "grant_type=client_credentials";
    struct eso__request req = *limits;
    req.url = a->token_url;
    req.content_type = "application/x-www-form-urlencoded";
    req.authorization = a->basic_header;
    req.body = body;
    req.body_len = sizeof body - 1;
    req.token_request = true;
    req.operation = "";
    req.max_body = ESO__TOKEN_ANSWER_MAX_BYTES;
    struct eso__response resp;
    enum eso_status st = ESO_OUT_OF_MEMORY;
    if (eso__transport_perform(t, &req, &resp) != 0) {
        v->status = st;
        goto out;
    }
    fetch->happened = true;
    fetch->http_status = resp.http_status;
    fetch->curl_code = resp.curl_code;
    fetch->duration_ns = resp.duration_ns;
    if (resp.has_retry_after) {
        fetch->has_retry_after = true;
        snprintf(fetch->retry_after, sizeof fetch->retry_after, "%s", resp.retry_after);
    }
    if (eso__classify_transport(&resp, v)) {
        if (resp.too_large)
            eso__fmt(v->detail, sizeof v->detail, "token endpoint: %s", resp.error);
        st = v->status;
        goto out;
    }
    long hs = resp.http_status;
    if (hs == 200) {
        st = eso__auth_parse_token(&resp, token, lifetime_s, v);
        goto out;
    }
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
    st = v->status;
out:
    fetch->status = st;
    snprintf(fetch->detail, sizeof fetch->detail, "%s", st == ESO_OK ? "" : v->detail);
    if (resp.body != NULL)
        explicit_bzero(resp.body, resp.body_len);
    eso__response_finish(&resp);
    return st;
}

enum eso_status eso__auth_header(struct eso__auth *a, struct eso__transport *t,
                                 const struct eso__request *limits, uint64_t now, char **header_out,
                                 uint64_t *generation_out, struct eso__verdict *v,
                                 struct eso__token_fetch *fetch)
{
    enum eso_status st = ESO_OUT_OF_MEMORY;
    char *header = NULL;
    memset(fetch, 0, sizeof *fetch);
    if (a->mode == ESO__AUTH_NONE) {
        v->status = ESO_NO_CREDENTIALS;
        v->retry_class = 0;
        v->reason = "no_credentials";
        snprintf(v->detail, sizeof v->detail,
                 "set a bearer token, client id/secret, or ESOLOGS_ID and ESOLOGS_SECRET");
        return ESO_NO_CREDENTIALS;
    }
    if (a->mode == ESO__AUTH_BEARER) {
        header = strdup(a->bearer_header);
        if (header == NULL)
            return ESO_OUT_OF_MEMORY;
        *header_out = header;
        *generation_out = 0;
        return ESO_OK;
    }

    /* Another thread's fetch is waited for, but never past this call's deadline: that
     * fetch runs on its own call's limits, which may end later. */
    bool timed = limits->deadline_left_ns != 0 && limits->deadline_left_ns != UINT64_MAX;
    bool waiting = false, late = false;
    struct timespec until;
    pthread_mutex_lock(&a->lock);
    while (a->fetching && !late) {
        if (!waiting && timed)
            eso__monotonic_after(&until, limits->deadline_left_ns);
        waiting = true;
        if (timed)
            late = pthread_cond_timedwait(&a->cond, &a->lock, &until) == ETIMEDOUT;
        else
            pthread_cond_wait(&a->cond, &a->lock);
    }
    uint64_t at = waiting ? eso__clock_now(t->clk) : now;
    if (!a->fetching && a->token != NULL && at < a->token_expires_ns) {
        header = prefixed("Bearer ", a->token);
        *generation_out = a->generation;
        pthread_mutex_unlock(&a->lock);
        if (header == NULL)
            return ESO_OUT_OF_MEMORY;
        *header_out = header;
        return ESO_OK;
    }
    /* Waiting for another fetch used up part of the call's time: the limits shrink. */
    struct eso__request lim = *limits;
    if (late || !eso__request_shrink(&lim, at - now)) {
        pthread_mutex_unlock(&a->lock);
        v->status = ESO_DEADLINE_EXCEEDED;
        v->retry_class = 0;
        v->breaker = ESO__OUTCOME_IGNORED;
        v->reason = "deadline";
        snprintf(v->detail, sizeof v->detail,
                 "the deadline passed while another call fetched the access token");
        return ESO_DEADLINE_EXCEEDED;
    }
    a->fetching = true;
    pthread_mutex_unlock(&a->lock);

    char *token = NULL;
    double lifetime_s = 0;
    st = fetch_token(a, t, &lim, &token, &lifetime_s, v, fetch);

    pthread_mutex_lock(&a->lock);
    if (st == ESO_OK) {
        uint64_t life = eso__scale_s(a->scale, lifetime_s);
        uint64_t margin = a->margin_ns < life / 2 ? a->margin_ns : life / 2;
        uint64_t fetched_at = at + fetch->duration_ns;
        wipe_free(a->token);
        a->token = token;
        token = NULL;
        a->token_expires_ns = eso__sat_add(fetched_at, life - margin);
        a->generation++;
        header = prefixed("Bearer ", a->token);
        *generation_out = a->generation;
        if (header == NULL)
            st = ESO_OUT_OF_MEMORY;
    }
    a->fetching = false;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->lock);
    wipe_free(token);
    if (st == ESO_OK)
        *header_out = header;
    return st;
}
