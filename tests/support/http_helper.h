/* A blocking HTTP helper over libcurl for tests: one request, everything captured. */
#ifndef ESO_TEST_HTTP_HELPER_H
#define ESO_TEST_HTTP_HELPER_H

#include <stddef.h>

#include <curl/curl.h>

struct http_result {
    CURLcode curl_code;
    char curl_error[CURL_ERROR_SIZE];
    long status;
    char *body; /* NUL-terminated; free with http_result_free() */
    size_t body_len;
    char *headers; /* raw response header block, NUL-terminated */
    double elapsed_ms;
};

struct http_request {
    const char *method; /* NULL = GET, or POST when body is set */
    const char *url;
    const char *body;           /* NULL = none */
    size_t body_len;            /* 0 = strlen(body) */
    const char *const *headers; /* NULL-terminated "Name: value" list, may be NULL */
    const char *userpwd;        /* "id:secret" for HTTP Basic, may be NULL */
    long timeout_ms;            /* 0 = 10000: every test request is bounded */
};

/* Perform @p req; the result is always filled (curl_code says whether it worked). */
void http_perform(const struct http_request *req, struct http_result *out);

/* POST @p json to @p url with "Authorization: Bearer test-token". */
void http_post_graphql(const char *url, const char *json, struct http_result *out);

/* Value of response header @p name (case-insensitive) copied into @p buf; 0 when found. */
int http_result_header(const struct http_result *res, const char *name, char *buf, size_t size);

/* Free what @p res holds. */
void http_result_free(struct http_result *res);

/* Read a whole text file into a heap string (free()); NULL on failure. */
char *read_text_file(const char *path);

#endif
