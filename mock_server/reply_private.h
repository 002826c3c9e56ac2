/* What the server will send for one request, built before it touches libmicrohttpd. */
#ifndef ESOMOCK_REPLY_PRIVATE_H
#define ESOMOCK_REPLY_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#define ESOMOCK_REPLY_MAX_HEADERS 16

struct esomock_header {
    char *name;
    char *value;
};

struct esomock_reply {
    int status;               /* 0: nothing decided yet */
    const char *content_type; /* static string */
    char *body;               /* owned when body_owned */
    size_t body_len;
    bool body_owned;
    struct esomock_header headers[ESOMOCK_REPLY_MAX_HEADERS];
    size_t header_count;
};

/* Free what the reply owns and zero it. */
void esomock__reply_clear(struct esomock_reply *reply);

/* Send @p body (not copied: it must outlive the reply, e.g. a fixture's). */
void esomock__reply_borrowed(struct esomock_reply *reply, int status, const char *body, size_t len);

/* Send a heap buffer; the reply takes ownership of @p body (freed with free()). */
void esomock__reply_owned(struct esomock_reply *reply, int status, char *body, size_t len);

/* Serialise @p json (still owned by the caller) as the body. */
void esomock__reply_json(struct esomock_reply *reply, int status, const void *json);

/*
 * A GraphQL-style error body: {"errors":[{"message":...,"extensions":{"code":...}}],"data":null}.
 * @p code is the extensions.code (e.g. "BAD_REQUEST"); the message is printf-formatted.
 */
void esomock__reply_error(struct esomock_reply *reply, int status, const char *code,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Add a response header (copied). Beyond ESOMOCK_REPLY_MAX_HEADERS it is dropped. */
void esomock__reply_header(struct esomock_reply *reply, const char *name, const char *value);

#endif
