/*
 * Auth: a caller-supplied bearer token, or an OAuth client-credentials token
 * fetched from the token URL (HTTP Basic + grant_type=client_credentials),
 * cached until shortly before expiry, dropped on a 401. One fetch at a time
 * (other threads wait for it). Thread-safe.
 */
#ifndef ESOLOGS_AUTH_PRIVATE_H
#define ESOLOGS_AUTH_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <esologs/status.h>

#include "classify_private.h"
#include "transport_private.h"

/* Largest access token accepted (bytes). Real ones are JWTs of 1-2 KB; servers refuse
 * request headers past 8-16 KB, and libcurl a request head past 1 MB (as "out of memory"). */
#define ESO__TOKEN_MAX_BYTES 8192
/* Largest token endpoint answer read (bytes): a few hundred are real. */
#define ESO__TOKEN_ANSWER_MAX_BYTES 65536

enum eso__auth_mode {
    ESO__AUTH_NONE = 0,   /* no credentials: calls fail with ESO_NO_CREDENTIALS */
    ESO__AUTH_BEARER = 1, /* the caller's token */
    ESO__AUTH_CLIENT_CREDENTIALS = 2,
};

struct eso__auth {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    enum eso__auth_mode mode;
    char *bearer_header; /* "Bearer <token>" for BEARER mode */
    char *basic_header;  /* "Basic base64(id:secret)" */
    char *secret;        /* for scrubbing only */
    char *token_url;
    double scale;
    uint64_t margin_ns;
    char *token; /* current access token, NULL = none */
    uint64_t token_expires_ns;
    uint64_t generation; /* bumped per new token */
    bool fetching;
};

/* What a token fetch did, for the TOKEN_FETCH event. */
struct eso__token_fetch {
    bool happened;
    enum eso_status status;
    long http_status;
    int curl_code;
    uint64_t duration_ns;
    char detail[ESO_DETAIL_SIZE];
    bool has_retry_after; /* the token endpoint sent Retry-After (429, 503) */
    char retry_after[128];
};

/* 0 or ESO_OUT_OF_MEMORY. Strings are copied. */
int eso__auth_init(struct eso__auth *a, const char *bearer, const char *client_id,
                   const char *client_secret, const char *token_url, double scale,
                   uint64_t margin_ns);
void eso__auth_finish(struct eso__auth *a);

/*
 * The Authorization header value to send now: the cached token, or a fresh one
 * fetched through @p t with the attempt limits of @p limits. On ESO_OK sets
 * *header_out (heap, wipe and free() it) and *generation_out. On failure fills
 * @p v (status, retry class, detail) from the token endpoint's answer. @p fetch
 * reports a fetch when one happened.
 */
enum eso_status eso__auth_header(struct eso__auth *a, struct eso__transport *t,
                                 const struct eso__request *limits, uint64_t now, char **header_out,
                                 uint64_t *generation_out, struct eso__verdict *v,
                                 struct eso__token_fetch *fetch);

/* Drop the token of @p generation after a 401. Returns true if a refresh is possible. */
bool eso__auth_invalidate(struct eso__auth *a, uint64_t generation);

/* Scrub the secret and the current token out of @p buf (an events scrub hook). */
void eso__auth_scrub(void *auth, char *buf, size_t size);

/*
 * Parse a token endpoint answer: on ESO_OK sets *token (heap, free() after scrubbing)
 * and *lifetime_s (expires_in, or 3600 when absent); otherwise fills @p v. The token
 * goes into a request header, so it must be an RFC 6750 b64token of at most
 * ESO__TOKEN_MAX_BYTES (else ESO_PROTOCOL_ERROR / ESO_RESPONSE_TOO_LARGE), and a
 * token_type, when present, must be "Bearer" (any case).
 */
enum eso_status eso__auth_parse_token(const struct eso__response *r, char **token,
                                      double *lifetime_s, struct eso__verdict *v);

/* Base64 of @p len bytes into a new heap string (NULL when out of memory). */
char *eso__base64(const unsigned char *data, size_t len);

#endif
