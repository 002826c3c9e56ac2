#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <cjson/cJSON.h>

#include "auth_private.h"
#include "clock_private.h"

/* One issued token, in a hash chain. */
struct issued_token {
    struct issued_token *next;
    double expires_at_ms; /* monotonic */
    char value[ESOMOCK_TOKEN_LEN + 1];
};

struct esomock_auth {
    pthread_mutex_t lock;
    bool strict;
    unsigned ttl_s;
    double time_scale;
    char *client_id;
    char *client_secret;
    /* Every token issued and not yet swept, hashed by value; the table doubles as it fills. */
    struct issued_token **buckets;
    size_t bucket_count; /* 0 or a power of two */
    size_t count;
    size_t max_tokens;
};

struct esomock_auth *esomock__auth_create(const struct esomock_auth_options *opts)
{
    struct esomock_auth *auth = calloc(1, sizeof(*auth));
    if (auth == NULL)
        return NULL;
    pthread_mutex_init(&auth->lock, NULL);
    auth->client_id = opts->client_id != NULL ? strdup(opts->client_id) : NULL;
    auth->client_secret = opts->client_secret != NULL ? strdup(opts->client_secret) : NULL;
    if ((opts->client_id != NULL && auth->client_id == NULL) ||
        (opts->client_secret != NULL && auth->client_secret == NULL)) {
        esomock__auth_destroy(auth);
        return NULL;
    }
    auth->strict = opts->strict;
    auth->ttl_s = opts->ttl_s ? opts->ttl_s : 3600;
    auth->time_scale = opts->time_scale > 0 ? opts->time_scale : 1.0;
    auth->max_tokens = opts->max_tokens ? opts->max_tokens : ESOMOCK_AUTH_MAX_TOKENS;
    return auth;
}

void esomock__auth_destroy(struct esomock_auth *auth)
{
    if (auth == NULL)
        return;
    for (size_t i = 0; i < auth->bucket_count; i++) {
        struct issued_token *t = auth->buckets[i];
        while (t != NULL) {
            struct issued_token *next = t->next;
            free(t);
            t = next;
        }
    }
    free(auth->buckets);
    pthread_mutex_destroy(&auth->lock);
    free(auth->client_id);
    if (auth->client_secret != NULL)
        explicit_bzero(auth->client_secret, strlen(auth->client_secret));
    free(auth->client_secret);
    free(auth);
}

/* FNV-1a of a token value (whatever a client sends). */
static size_t token_hash(const char *value)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *c = (const unsigned char *)value; *c != '\0'; c++) {
        h ^= *c;
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

/* Double the table (the lock is held); false when out of memory (the old one stays). */
static bool grow(struct esomock_auth *auth)
{
    size_t count = auth->bucket_count ? auth->bucket_count * 2 : 64;
    struct issued_token **buckets = calloc(count, sizeof(*buckets));
    if (buckets == NULL)
        return false;
    for (size_t i = 0; i < auth->bucket_count; i++) {
        struct issued_token *t = auth->buckets[i];
        while (t != NULL) {
            struct issued_token *next = t->next;
            size_t b = token_hash(t->value) & (count - 1);
            t->next = buckets[b];
            buckets[b] = t;
            t = next;
        }
    }
    free(auth->buckets);
    auth->buckets = buckets;
    auth->bucket_count = count;
    return true;
}

/*
 * Forget expired tokens (the lock is held). Until the store is full they stay, so a client
 * sending one hears "expired" rather than "invalid". Returns the soonest expiry among the
 * tokens kept (monotonic ms), or 0 when none is left.
 */
static double sweep_expired(struct esomock_auth *auth, double now_ms)
{
    double soonest = 0;
    for (size_t i = 0; i < auth->bucket_count; i++) {
        struct issued_token **link = &auth->buckets[i];
        while (*link != NULL) {
            struct issued_token *t = *link;
            if (t->expires_at_ms <= now_ms) {
                *link = t->next;
                free(t);
                auth->count--;
                continue;
            }
            if (soonest == 0 || t->expires_at_ms < soonest)
                soonest = t->expires_at_ms;
            link = &t->next;
        }
    }
    return soonest;
}

static struct issued_token *find(struct esomock_auth *auth, const char *value)
{
    if (auth->bucket_count == 0)
        return NULL;
    struct issued_token *t = auth->buckets[token_hash(value) & (auth->bucket_count - 1)];
    while (t != NULL && strcmp(t->value, value) != 0)
        t = t->next;
    return t;
}

void esomock__auth_set_ttl(struct esomock_auth *auth, unsigned ttl_s)
{
    if (ttl_s == 0)
        return;
    pthread_mutex_lock(&auth->lock);
    auth->ttl_s = ttl_s;
    pthread_mutex_unlock(&auth->lock);
}

void esomock__auth_set_time_scale(struct esomock_auth *auth, double time_scale)
{
    pthread_mutex_lock(&auth->lock);
    auth->time_scale = time_scale > 0 ? time_scale : 1.0;
    pthread_mutex_unlock(&auth->lock);
}

void esomock__auth_set_strict(struct esomock_auth *auth, bool strict)
{
    pthread_mutex_lock(&auth->lock);
    auth->strict = strict;
    pthread_mutex_unlock(&auth->lock);
}

static int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Decode base64 (padding optional) into @p out; false when malformed or too long. */
static bool base64_decode(const char *in, char *out, size_t out_size)
{
    size_t n = 0;
    unsigned bits = 0, acc = 0;
    for (const char *p = in; *p != '\0' && *p != '='; p++) {
        int v = base64_value((unsigned char)*p);
        if (v < 0)
            return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n + 1 >= out_size)
                return false;
            out[n++] = (char)((acc >> bits) & 0xFF);
        }
    }
    out[n] = '\0';
    return memchr(out, '\0', n) == NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Find form field @p key in an application/x-www-form-urlencoded body and
 * URL-decode its value into @p out. False when absent or too long.
 */
static bool form_field(const char *body, size_t len, const char *key, char *out, size_t out_size)
{
    size_t key_len = strlen(key);
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *field_end = amp != NULL ? amp : end;
        if ((size_t)(field_end - p) > key_len && strncmp(p, key, key_len) == 0 &&
            p[key_len] == '=') {
            size_t n = 0;
            for (const char *v = p + key_len + 1; v < field_end; v++) {
                char c = *v;
                if (c == '+') {
                    c = ' ';
                } else if (c == '%' && field_end - v >= 3 && hex_value(v[1]) >= 0 &&
                           hex_value(v[2]) >= 0) {
                    c = (char)(hex_value(v[1]) * 16 + hex_value(v[2]));
                    v += 2;
                }
                if (n + 1 >= out_size)
                    return false;
                out[n++] = c;
            }
            out[n] = '\0';
            return true;
        }
        p = field_end + 1;
    }
    return false;
}

static void oauth_error(struct esomock_reply *reply, int status, const char *error,
                        const char *description)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "error", error);
    cJSON_AddStringToObject(root, "error_description", description);
    esomock__reply_json(reply, status, root);
    cJSON_Delete(root);
    if (status == 401)
        esomock__reply_header(reply, "WWW-Authenticate", "Basic realm=\"esologs\"");
}

static bool credential_ok(const char *required, const char *given)
{
    if (given == NULL || given[0] == '\0')
        return false;
    return required == NULL || strcmp(required, given) == 0;
}

static void new_token_value(char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[ESOMOCK_TOKEN_LEN / 2];
    if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
        /* Tokens need not be secret in a mock; uniqueness is what matters. */
        static unsigned long counter;
        unsigned long c = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
        for (size_t i = 0; i < sizeof(raw); i++)
            raw[i] = (unsigned char)((c >> (i % 8)) * 131u + i);
    }
    for (size_t i = 0; i < sizeof(raw); i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 0xF];
    }
    out[ESOMOCK_TOKEN_LEN] = '\0';
}

void esomock__auth_token_request(struct esomock_auth *auth, const char *authorization,
                                 const char *body, size_t body_len, struct esomock_reply *reply)
{
    char grant[64];
    char id[256] = "", secret[256] = "";
    bool have_basic = false;

    if (!form_field(body, body_len, "grant_type", grant, sizeof(grant))) {
        oauth_error(reply, 400, "invalid_request", "The request is missing grant_type.");
        return;
    }
    if (strcmp(grant, "client_credentials") != 0) {
        oauth_error(reply, 400, "unsupported_grant_type",
                    "Only grant_type=client_credentials is supported.");
        return;
    }
    if (authorization != NULL && strncasecmp(authorization, "Basic ", 6) == 0) {
        char decoded[520];
        const char *b64 = authorization + 6;
        while (*b64 == ' ')
            b64++;
        const char *colon = NULL;
        if (base64_decode(b64, decoded, sizeof(decoded)))
            colon = strchr(decoded, ':');
        if (colon != NULL && (size_t)(colon - decoded) < sizeof(id) &&
            strlen(colon + 1) < sizeof(secret)) {
            memcpy(id, decoded, (size_t)(colon - decoded));
            id[colon - decoded] = '\0';
            snprintf(secret, sizeof(secret), "%s", colon + 1);
            have_basic = true;
        }
        explicit_bzero(decoded, sizeof(decoded));
    }
    if (!have_basic) {
        /* RFC 6749 2.3.1 also allows the credentials in the form body. */
        form_field(body, body_len, "client_id", id, sizeof(id));
        form_field(body, body_len, "client_secret", secret, sizeof(secret));
    }
    bool ok = credential_ok(auth->client_id, id) && credential_ok(auth->client_secret, secret);
    explicit_bzero(secret, sizeof(secret));
    if (!ok) {
        oauth_error(reply, 401, "invalid_client", "Client authentication failed.");
        return;
    }

    struct issued_token *issued = calloc(1, sizeof(*issued));
    if (issued == NULL) {
        oauth_error(reply, 500, "server_error", "The mock server is out of memory.");
        return;
    }
    new_token_value(issued->value);
    pthread_mutex_lock(&auth->lock);
    double now = esomock__now_ms();
    double soonest = 0;
    if (auth->count >= auth->max_tokens)
        soonest = sweep_expired(auth, now);
    if (auth->count >= auth->max_tokens) {
        /* Forgetting a live token would turn a client's next call into a 401 it cannot
         * explain: refuse this one instead, and say when a place frees up. */
        double wait_s = ceil((soonest - now) / auth->time_scale / 1000.0);
        size_t max = auth->max_tokens;
        pthread_mutex_unlock(&auth->lock);
        free(issued);
        char description[256], retry_after[32];
        snprintf(description, sizeof(description),
                 "eso-mock holds %zu unexpired tokens, its limit; the soonest expires in %.0f "
                 "seconds (the limit of --strict-auth's token store)",
                 max, wait_s);
        oauth_error(reply, 503, "temporarily_unavailable", description);
        snprintf(retry_after, sizeof(retry_after), "%.0f", wait_s > 1 ? wait_s : 1);
        esomock__reply_header(reply, "Retry-After", retry_after);
        return;
    }
    if (auth->count >= auth->bucket_count)
        (void)grow(auth); /* best effort: chains only get longer */
    if (auth->bucket_count == 0) {
        pthread_mutex_unlock(&auth->lock);
        free(issued);
        oauth_error(reply, 500, "server_error", "The mock server is out of memory.");
        return;
    }
    unsigned ttl = auth->ttl_s;
    issued->expires_at_ms = now + (double)ttl * 1000.0 * auth->time_scale;
    size_t b = token_hash(issued->value) & (auth->bucket_count - 1);
    issued->next = auth->buckets[b];
    auth->buckets[b] = issued;
    auth->count++;
    char token[ESOMOCK_TOKEN_LEN + 1];
    memcpy(token, issued->value, sizeof(token));
    pthread_mutex_unlock(&auth->lock);

    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "token_type", "Bearer");
    cJSON_AddNumberToObject(root, "expires_in", ttl);
    cJSON_AddStringToObject(root, "access_token", token);
    esomock__reply_json(reply, 200, root);
    cJSON_Delete(root);
    esomock__reply_header(reply, "Cache-Control", "no-store");
}

enum esomock_bearer esomock__auth_check(struct esomock_auth *auth, const char *authorization)
{
    if (authorization == NULL)
        return ESOMOCK_BEARER_MISSING;
    if (strncasecmp(authorization, "Bearer ", 7) != 0)
        return ESOMOCK_BEARER_NOT_BEARER;
    const char *token = authorization + 7;
    while (*token == ' ')
        token++;
    if (*token == '\0')
        return ESOMOCK_BEARER_NOT_BEARER;

    enum esomock_bearer result = ESOMOCK_BEARER_OK;
    pthread_mutex_lock(&auth->lock);
    if (auth->strict) {
        const struct issued_token *t = find(auth, token);
        result = t == NULL                              ? ESOMOCK_BEARER_UNKNOWN
                 : esomock__now_ms() < t->expires_at_ms ? ESOMOCK_BEARER_OK
                                                        : ESOMOCK_BEARER_EXPIRED;
    }
    pthread_mutex_unlock(&auth->lock);
    return result;
}

const char *esomock__bearer_message(enum esomock_bearer result)
{
    switch (result) {
    case ESOMOCK_BEARER_OK:
        return "authorized";
    case ESOMOCK_BEARER_MISSING:
        return "Unauthenticated: missing Authorization header (expected \"Bearer <token>\")";
    case ESOMOCK_BEARER_NOT_BEARER:
        return "Unauthenticated: Authorization must be \"Bearer <token>\"";
    case ESOMOCK_BEARER_UNKNOWN:
        return "Unauthenticated: the access token is invalid";
    case ESOMOCK_BEARER_EXPIRED:
        return "Unauthenticated: the access token has expired";
    }
    return "Unauthenticated";
}
