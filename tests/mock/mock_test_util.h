/* Shared by the eso-mock test files: start a server per test, parse JSON answers. */
#ifndef ESO_MOCK_TEST_UTIL_H
#define ESO_MOCK_TEST_UTIL_H

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <esomock/problems.h>
#include <esomock/scenario.h>
#include <esomock/journal.h>
#include <esomock/server.h>

#include "http_helper.h"

/* Remove the scratch directory @p dir (a mkdtemp() path of the test's own) and all in it. */
static inline void remove_scratch_dir(const char *dir)
{
    char cmd[128];
    cr_assert_lt((size_t)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir), sizeof(cmd));
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* Set by meson's valgrind test setup: memcheck runs everything 20-50 times slower. */
static inline bool under_valgrind(void)
{
    return getenv("ESO_UNDER_VALGRIND") != NULL;
}

/*
 * A problem list for a call under test, and its text. Both stay reachable until the test's
 * process ends (Criterion runs each test in its own), so a test need not free them.
 */
static inline struct esomock_problems *test_problems(void)
{
    static struct esomock_problems *kept[64];
    static size_t count;
    if (count == sizeof(kept) / sizeof(kept[0])) {
        for (size_t i = 0; i < count; i++)
            esomock_problems_destroy(kept[i]);
        count = 0;
    }
    struct esomock_problems *p = esomock_problems_create();
    cr_assert_not_null(p);
    kept[count++] = p;
    return p;
}

static inline const char *problems_text(const struct esomock_problems *p)
{
    static char *kept[64];
    static size_t count;
    if (count == sizeof(kept) / sizeof(kept[0])) {
        for (size_t i = 0; i < count; i++)
            free(kept[i]);
        count = 0;
    }
    char *text = esomock_problems_text(p);
    cr_assert_not_null(text);
    kept[count++] = text;
    return text;
}

/* eso-scenario's `expect` section, accepted unchecked as eso-mock accepts it. */
static const struct esomock_section expect_unchecked = {
    .key = "expect", .checked_by = "eso-scenario check validates it"};

/* Start a server with @p opts (NULL = defaults) or fail the test with the server's message. */
static inline struct esomock_server *start_server(const struct esomock_options *opts)
{
    struct esomock_problems *problems = test_problems();
    struct esomock_server *srv = NULL;
    enum esomock_status rc = esomock_server_start(opts, &srv, problems);
    cr_assert_eq(rc, ESOMOCK_OK, "server did not start: %s: %s", esomock_strerror(rc),
                 problems_text(problems));
    return srv;
}

/*
 * The journal once @p n requests have completed (bounded wait, no sleep): exactly @p n
 * entries, oldest first. The caller frees it with free().
 */
static inline struct esomock_journal_entry *completed_journal(struct esomock_server *srv, size_t n)
{
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, n, true, 30000), n,
                 "%zu requests completed", n);
    struct esomock_journal_entry *e = NULL;
    size_t count = 0;
    cr_assert_eq(esomock_server_journal(srv, NULL, &e, &count), ESOMOCK_OK);
    cr_assert_eq(count, n, "the journal holds %zu entries, not %zu", count, n);
    return e;
}

/*
 * The body of a request for operation @p op as a real client sends it: the client's own
 * document (client/queries/<op>.graphql), operationName and @p variables (JSON text, or NULL
 * for none). The caller frees it with free().
 */
static inline char *operation_body(const char *op, const char *variables)
{
    const char *root = getenv("ESO_SOURCE_ROOT");
    cr_assert_not_null(root, "ESO_SOURCE_ROOT is set by meson (or tests/support's defaults)");
    char path[512];
    snprintf(path, sizeof(path), "%s/client/queries/%s.graphql", root, op);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "no document %s", path);
    char doc[16384];
    size_t n = fread(doc, 1, sizeof(doc) - 1, f);
    fclose(f);
    doc[n] = '\0';
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "query", doc);
    cJSON_AddStringToObject(body, "operationName", op);
    if (variables != NULL) {
        cJSON *vars = cJSON_Parse(variables);
        cr_assert_not_null(vars, "variables are not JSON: %s", variables);
        cJSON_AddItemToObject(body, "variables", vars);
    }
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    cr_assert_not_null(text);
    return text;
}

/* Parse a response body as JSON or fail the test; the caller frees with cJSON_Delete. */
static inline cJSON *parse_body(const struct http_result *res)
{
    cJSON *json = cJSON_Parse(res->body);
    cr_assert_not_null(json, "body is not JSON: %.300s", res->body);
    return json;
}

/* GET /__admin/requests of @p srv (200, or fail the test) as JSON; free with cJSON_Delete. */
static inline cJSON *admin_journal_json(struct esomock_server *srv)
{
    char url[256];
    snprintf(url, sizeof(url), "%s/__admin/requests", esomock_server_url(srv));
    struct http_result res;
    http_perform(&(struct http_request){.url = url}, &res);
    cr_assert_eq(res.status, 200, "GET /__admin/requests: %ld %.300s", res.status, res.body);
    cJSON *json = parse_body(&res);
    http_result_free(&res);
    return json;
}

/* The message of errors[0] in a GraphQL-style error body, or fail the test. */
static inline const char *first_error_message(cJSON *json)
{
    cJSON *errors = cJSON_GetObjectItemCaseSensitive(json, "errors");
    cr_assert(cJSON_IsArray(errors) && cJSON_GetArraySize(errors) > 0, "no errors array");
    cJSON *message = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(errors, 0), "message");
    cr_assert(cJSON_IsString(message), "errors[0].message is not a string");
    return message->valuestring;
}

/* A scenario with @p n problems (the caller frees it), one per rule: rules[i].script[0].action is
 * unknown. */
static inline char *scenario_with_errors(int n)
{
    size_t cap = 64 + (size_t)n * 64;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    size_t used = (size_t)snprintf(text, cap, "{\"name\":\"many\",\"rules\":[");
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, cap - used,
                                 "%s{\"script\":[{\"action\":\"explode%d\"}]}", i ? "," : "", i);
    snprintf(text + used, cap - used, "]}");
    return text;
}

/* True when @p text names every rules[i].script[0].action for i < n. */
static inline void assert_names_every_error(const char *text, int n)
{
    for (int i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof(path), "rules[%d].script[0].action", i);
        cr_assert(strstr(text, path) != NULL, "problem %d (%s) missing from:\n%s", i, path, text);
    }
}

/* A raw TCP connection to 127.0.0.1:@p port (the caller closes it), or fail the test. */
static inline int connect_loopback(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0, "connect");
    return fd;
}

static inline double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Send all of @p text on @p fd (no SIGPIPE), or fail the test. */
static inline void send_text(int fd, const char *text, size_t len)
{
    if (len == 0)
        len = strlen(text);
    while (len > 0) {
        ssize_t n = send(fd, text, len, MSG_NOSIGNAL);
        cr_assert_gt(n, 0, "send failed");
        text += n;
        len -= (size_t)n;
    }
}

/*
 * Read from @p fd into @p buf (NUL-terminated) until the peer closes, @p until appears (when
 * not NULL), or @p timeout_ms passes. Returns the bytes read; *@p closed says whether the peer
 * closed (EOF or reset).
 */
static inline size_t recv_until(int fd, char *buf, size_t size, const char *until, int timeout_ms,
                                bool *closed)
{
    size_t len = 0;
    double deadline = mono_ms() + timeout_ms;
    buf[0] = '\0';
    if (closed != NULL)
        *closed = false;
    while (len + 1 < size && (until == NULL || strstr(buf, until) == NULL)) {
        int left = (int)(deadline - mono_ms());
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) != 1)
            break;
        ssize_t got = recv(fd, buf + len, size - 1 - len, 0);
        if (got <= 0) {
            if (closed != NULL)
                *closed = true;
            break;
        }
        len += (size_t)got;
        buf[len] = '\0';
    }
    return len;
}

/* True when @p s (len bytes) is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates). */
static inline bool utf8_valid(const char *s, size_t len)
{
    static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned cp;
        if (c < 0x80) {
            n = 0;
            cp = c;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) < n + 1)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

#endif
