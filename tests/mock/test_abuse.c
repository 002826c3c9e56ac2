/*
 * Hostile clients and hostile files: the server keeps answering everyone else,
 * never crashes, and keeps every journal entry it reported.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <esomock/journal.h>
#include <esomock/scenario.h>

#include "mock_test_util.h"
#include "scenario_private.h"
#include "server_private.h"

static struct esomock_server *srv;

static void stop(void)
{
    esomock_server_stop(srv);
    srv = NULL;
}

TestSuite(abuse, .fini = stop, .timeout = 120);

static int connect_raw(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(esomock_server_port(srv))};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0, "connect");
    return fd;
}

/* A normal GraphQL call must still answer promptly (bounded by a 5 s client timeout). */
static void assert_still_serving(const char *when)
{
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));
    struct http_result res;
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    http_perform(&(struct http_request){.url = url,
                                        .body = "{\"query\":\"query getZones { x }\"}",
                                        .headers = headers,
                                        .timeout_ms = 5000},
                 &res);
    cr_assert_eq(res.curl_code, CURLE_OK, "%s: %s", when, res.curl_error);
    cr_assert_eq(res.status, 200, "%s", when);
    http_result_free(&res);
}

Test(abuse, slowloris_clients_do_not_starve_others)
{
    /* Two worker threads, 200 clients that each sent half a request line and went quiet. */
    struct esomock_options opts = {.threads = 2};
    srv = start_server(&opts);
    enum { SLOW = 200 };
    int fds[SLOW];
    for (int i = 0; i < SLOW; i++) {
        fds[i] = connect_raw();
        const char partial[] = "POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthori";
        cr_assert_eq(write(fds[i], partial, sizeof(partial) - 1), (ssize_t)(sizeof(partial) - 1));
    }
    for (int i = 0; i < 20; i++)
        assert_still_serving("beside 200 slowloris connections");
    /* One more byte each, as a slowloris does: still nobody else waits. */
    for (int i = 0; i < SLOW; i++)
        cr_assert_eq(write(fds[i], "z", 1), 1);
    assert_still_serving("after the trickle");
    for (int i = 0; i < SLOW; i++)
        close(fds[i]);
    size_t n = 0;
    struct esomock_journal_entry *e = NULL;
    cr_assert_eq(esomock_server_journal(srv, NULL, &e, &n), ESOMOCK_OK);
    cr_assert_eq(n, 21, "the 21 complete requests are journaled, nothing lost (%zu)", n);
    free(e);
}

Test(abuse, ten_thousand_connections_opened_and_dropped)
{
    /* Under this flood libmicrohttpd 0.9.75 misses some peers' FIN while it waits for the
     * rest of a body, and keeps those connections until the idle timeout: keep it short. */
    struct esomock_options opts = {.idle_timeout_s = 2};
    srv = start_server(&opts);
    for (int i = 0; i < 10000; i++) {
        int fd = connect_raw();
        if (i % 3 == 0) {
            /* Some go away mid-request, as a crashing client does. */
            const char partial[] = "POST /api/v2/client HTTP/1.1\r\nContent-Length: 100\r\n\r\n{";
            cr_assert_eq(write(fd, partial, sizeof(partial) - 1), (ssize_t)(sizeof(partial) - 1));
        }
        close(fd);
    }
    for (int i = 0; i < 10; i++)
        assert_still_serving("after 10000 dropped connections");
    /* Whatever arrived as a request (some of the mid-body ones) is journaled and ends up
     * completed or aborted: nothing is lost and nothing stays in flight. */
    size_t arrived = 0;
    struct esomock_journal_entry *e = NULL;
    cr_assert_eq(esomock_server_journal(srv, NULL, &e, &arrived), ESOMOCK_OK);
    for (size_t i = 1; i < arrived; i++)
        cr_assert_gt(e[i].seq, e[i - 1].seq, "entries in order, no duplicates");
    free(e);
    cr_assert_geq(arrived, 10, "at least the 10 normal requests");
    size_t settled = esomock_server_wait_for_requests(srv, NULL, arrived, true, 20000);
    cr_assert_geq(settled, arrived, "every request that arrived ended (%zu of %zu)", settled,
                  arrived);
}

Test(abuse, deeply_nested_json_is_refused_not_recursed)
{
    srv = start_server(NULL);
    size_t depth = 200000;
    char *body = malloc(depth * 2 + 64);
    size_t len = (size_t)sprintf(body, "{\"query\":\"query getZones { x }\",\"variables\":");
    memset(body + len, '[', depth);
    len += depth;
    memset(body + len, ']', depth);
    len += depth;
    body[len++] = '}';
    body[len] = '\0';
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));
    struct http_result res;
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    http_perform(
        &(struct http_request){.url = url, .body = body, .body_len = len, .headers = headers},
        &res);
    cr_assert_eq(res.status, 400, "%ld", res.status);
    cJSON *json = parse_body(&res);
    cr_assert(strstr(first_error_message(json), "not valid JSON") != NULL);
    cJSON_Delete(json);
    http_result_free(&res);
    free(body);
    assert_still_serving("after the nested body");
}

Test(abuse, non_utf8_bytes_are_answered_and_journaled_as_valid_json)
{
    srv = start_server(NULL);
    static const char body[] = "{\"query\":\"query getGuildByName { x }\",\"variables\":"
                               "{\"name\":\"\xff\xfe\xc3\x28\",\"serverSlug\":\"\x80\"}}";
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));
    struct http_result res;
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    http_perform(&(struct http_request){.url = url, .body = body, .headers = headers}, &res);
    cr_assert(res.status == 200 || res.status == 400, "answered: %ld", res.status);
    http_result_free(&res);
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 1, true, 5000), 1);
    snprintf(url, sizeof(url), "%s/__admin/requests", esomock_server_url(srv));
    http_perform(&(struct http_request){.url = url}, &res);
    cr_assert_eq(res.status, 200);
    cJSON *json = parse_body(&res);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(json, "requests")), 1);
    cJSON_Delete(json);
    http_result_free(&res);
}

Test(abuse, scenario_with_100000_rules_is_refused_with_bounded_work)
{
    srv = start_server(NULL);
    const char rule[] = "{\"script\":[{\"action\":\"pass\"}]},";
    size_t count = 100000;
    size_t len = 0;
    char *text = malloc(count * (sizeof(rule) - 1) + 64);
    len += (size_t)sprintf(text, "{\"name\":\"huge\",\"rules\":[");
    for (size_t i = 0; i < count; i++) {
        memcpy(text + len, rule, sizeof(rule) - 1);
        len += sizeof(rule) - 1;
    }
    text[len - 1] = ']';
    text[len++] = '}';
    text[len] = '\0';
    char err[ESOMOCK_ERROR_SIZE] = "";
    cr_assert_eq(esomock_server_load_scenario(srv, text, len, "huge", err),
                 ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(err, "rules") != NULL, "%s", err);
    free(text);
    assert_still_serving("after refusing the scenario");
}

Test(abuse, scenario_file_of_100_mb_is_refused_before_reading)
{
    srv = start_server(NULL);
    char path[] = "/tmp/esomock-100mb-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, 100L * 1024 * 1024), 0, "a sparse 100 MB file");
    close(fd);
    char err[ESOMOCK_ERROR_SIZE] = "";
    cr_assert_neq(esomock_server_load_scenario_file(srv, path, err), ESOMOCK_OK);
    cr_assert(strstr(err, "over the limit") != NULL, "%s", err);
    remove(path);
}

Test(abuse, admin_api_refuses_non_loopback_clients_without_the_token)
{
    struct sockaddr_in remote = {.sin_family = AF_INET};
    inet_pton(AF_INET, "192.0.2.10", &remote.sin_addr); /* TEST-NET-1: never routed */
    struct sockaddr_in local = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
    struct sockaddr_in6 local6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    struct sockaddr_in6 mapped = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
    struct sockaddr_in6 remote6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "2001:db8::1", &remote6.sin6_addr);

    cr_assert(esomock__admin_allowed((struct sockaddr *)&local, NULL, NULL));
    cr_assert(esomock__admin_allowed((struct sockaddr *)&local6, NULL, NULL));
    cr_assert(esomock__admin_allowed((struct sockaddr *)&mapped, NULL, NULL));
    cr_assert_not(esomock__admin_allowed((struct sockaddr *)&remote, NULL, NULL));
    cr_assert_not(esomock__admin_allowed((struct sockaddr *)&remote6, NULL, NULL));
    cr_assert_not(esomock__admin_allowed((struct sockaddr *)&remote, "Bearer s3cret", NULL),
                  "no token configured: no way in from outside");
    cr_assert_not(esomock__admin_allowed((struct sockaddr *)&remote, "Bearer wrong", "s3cret"));
    cr_assert_not(esomock__admin_allowed((struct sockaddr *)&remote, "Bearer s3cre", "s3cret"));
    cr_assert_not(esomock__admin_allowed((struct sockaddr *)&remote, "Basic s3cret", "s3cret"));
    cr_assert(esomock__admin_allowed((struct sockaddr *)&remote, "Bearer s3cret", "s3cret"));
    cr_assert_not(esomock__admin_allowed(NULL, NULL, NULL), "unknown peer: refused");
}

Test(abuse, header_flood_gets_an_error_not_a_crash)
{
    srv = start_server(NULL);
    int fd = connect_raw();
    char line[1024];
    memset(line, 'a', sizeof(line));
    const char start[] = "POST /api/v2/client HTTP/1.1\r\nHost: x\r\n";
    cr_assert_eq(write(fd, start, sizeof(start) - 1), (ssize_t)(sizeof(start) - 1));
    /* 64 KiB of one header: over libmicrohttpd's per-connection memory. */
    const char name[] = "X-Big: ";
    cr_assert_eq(write(fd, name, sizeof(name) - 1), (ssize_t)(sizeof(name) - 1));
    for (int i = 0; i < 64; i++) {
        if (write(fd, line, sizeof(line)) != (ssize_t)sizeof(line))
            break; /* the server may close early: fine */
    }
    close(fd);
    assert_still_serving("after a header flood");
}
