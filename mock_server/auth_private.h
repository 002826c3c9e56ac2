/* OAuth client-credentials token issue and bearer-token checks. */
#ifndef ESOMOCK_AUTH_PRIVATE_H
#define ESOMOCK_AUTH_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "reply_private.h"

/*
 * Most unexpired tokens held at once. Every token is kept until it expires (expired ones are
 * swept when the store is full), so a live token is never forgotten; past the cap the token
 * endpoint answers 503 temporarily_unavailable instead of issuing one (docs/mock.md).
 */
#define ESOMOCK_AUTH_MAX_TOKENS 100000u
#define ESOMOCK_TOKEN_LEN 40

struct esomock_auth_options {
    bool strict;               /* accept only tokens issued here and not expired */
    unsigned ttl_s;            /* expires_in of issued tokens, scenario seconds */
    double time_scale;         /* real ms per scenario ms */
    const char *client_id;     /* required id, or NULL for any non-empty */
    const char *client_secret; /* required secret, or NULL for any non-empty */
    size_t max_tokens;         /* unexpired tokens held at most; 0 = ESOMOCK_AUTH_MAX_TOKENS */
};

enum esomock_bearer {
    ESOMOCK_BEARER_OK,
    ESOMOCK_BEARER_MISSING,    /* no Authorization header */
    ESOMOCK_BEARER_NOT_BEARER, /* some other scheme, or an empty token */
    ESOMOCK_BEARER_UNKNOWN,    /* strict mode: never issued here */
    ESOMOCK_BEARER_EXPIRED,    /* strict mode: issued, but past its lifetime */
};

struct esomock_auth;

/* Create a token store; NULL on allocation failure. Free with esomock__auth_destroy(). */
struct esomock_auth *esomock__auth_create(const struct esomock_auth_options *opts);

/* Free the store; NULL is a no-op. */
void esomock__auth_destroy(struct esomock_auth *auth);

/* Change the lifetime of tokens issued from now on (scenario seconds; 0 keeps the current one). */
void esomock__auth_set_ttl(struct esomock_auth *auth, unsigned ttl_s);

/* Change the time scale applied to token lifetimes from now on. */
void esomock__auth_set_time_scale(struct esomock_auth *auth, double time_scale);

/* Switch strict checking on or off. */
void esomock__auth_set_strict(struct esomock_auth *auth, bool strict);

/*
 * Answer POST /oauth/token. @p authorization is the request's Authorization header
 * (may be NULL); @p body the form body. Fills @p reply with the token JSON or the
 * OAuth error JSON (400 unsupported_grant_type / invalid_request, 401 invalid_client,
 * 503 temporarily_unavailable when the store holds max_tokens unexpired tokens).
 */
void esomock__auth_token_request(struct esomock_auth *auth, const char *authorization,
                                 const char *body, size_t body_len, struct esomock_reply *reply);

/* Check a request's Authorization header (may be NULL). */
enum esomock_bearer esomock__auth_check(struct esomock_auth *auth, const char *authorization);

/* A human sentence for a failed check, for the 401 body. */
const char *esomock__bearer_message(enum esomock_bearer result);

#endif
