/*
 * Auth: a caller-supplied bearer token, or an OAuth client-credentials token fetched
 * from the token URL (HTTP Basic + grant_type=client_credentials), cached until shortly
 * before expiry, dropped on a 401. This module decides and keeps the token; it does no
 * I/O: a call that must fetch is handed the request to send (its driver performs it,
 * eso__auth_fetch_end takes the answer). One fetch at a time: the others wait for it,
 * blocked (eso__auth_wait) or woken by a waiter (a multi driver). Thread-safe.
 */
#ifndef ESOLOGS_AUTH_PRIVATE_H
#define ESOLOGS_AUTH_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <esologs/status.h>

#include "classify_private.h"
#include "request_private.h"

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

/* Told when a token fetch ends (another thread's too): a multi driver's wake-up. */
struct eso__auth_waiter {
    void (*wake)(void *userdata); /* called under the auth lock: it must not call back */
    void *userdata;
    struct eso__auth_waiter *next;
};

struct eso__auth {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    enum eso__auth_mode mode;
    char *bearer_line; /* ESO__AUTH_PREFIX "Bearer <token>" in BEARER mode */
    char *basic_line;  /* ESO__AUTH_PREFIX "Basic base64(id:secret)" */
    char *secret;      /* for scrubbing only */
    char *token_url;
    double scale;
    uint64_t margin_ns;
    char *token; /* current access token, NULL = none */
    uint64_t token_expires_ns;
    uint64_t generation; /* bumped per new token */
    bool fetching;
    struct eso__auth_waiter *waiters;
};

/* What a token fetch did, for the TOKEN_FETCH event. */
struct eso__token_fetch {
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

/* What a call that needs the Authorization header is to do. */
enum eso__token_step {
    ESO__TOKEN_READY = 0, /* send the header line given */
    ESO__TOKEN_FETCH = 1, /* no usable token and no fetch under way: the caller fetches now,
                             and must end it with eso__auth_fetch_end or _abandon */
    ESO__TOKEN_BUSY = 2,  /* another call is fetching: wait for it, then ask again */
    ESO__TOKEN_FAIL = 3,  /* no credentials (or out of memory): @p v says so */
};

/*
 * The header line to send at @p now. READY sets *line (valid until the caller frees
 * *owned, when that is set: a copy to wipe and free(); else the client's own line) and
 * *generation. FAIL fills @p v.
 */
enum eso__token_step eso__auth_acquire(struct eso__auth *a, uint64_t now, const char **line,
                                       char **owned, uint64_t *generation, struct eso__verdict *v);

/* Fill the token request into @p req (its limits are the caller's). Pointers are @p a's. */
void eso__auth_token_request(const struct eso__auth *a, struct eso__request *req);

/*
 * The fetcher's token request ended at @p now with @p resp. On ESO_OK the token is
 * stored and *line_out (heap, wipe and free() it) and *generation_out are set; else @p v
 * says why (status, retry class, breaker outcome, detail). @p fetch always reports the
 * fetch. Either way the fetch is over: waiting calls are told.
 */
enum eso_status eso__auth_fetch_end(struct eso__auth *a, uint64_t now,
                                    const struct eso__response *resp, char **line_out,
                                    uint64_t *generation_out, struct eso__verdict *v,
                                    struct eso__token_fetch *fetch);

/* The fetcher ended without a response (its call went away): waiting calls are told. */
void eso__auth_fetch_abandon(struct eso__auth *a);

/*
 * Block while a fetch is under way, at most @p timeout_ns of real time (UINT64_MAX = no
 * limit). Returns at once when none is.
 */
void eso__auth_wait(struct eso__auth *a, uint64_t timeout_ns);

/* Have @p w told of the end of every fetch until eso__auth_unwatch(). */
void eso__auth_watch(struct eso__auth *a, struct eso__auth_waiter *w);
void eso__auth_unwatch(struct eso__auth *a, struct eso__auth_waiter *w);

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

#endif
