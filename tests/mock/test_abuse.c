/*
 * Hostile clients and hostile files: the server keeps answering everyone else,
 * never crashes, and keeps every journal entry it reported.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <esomock/journal.h>
#include <esomock/scenario.h>

#include "mock_test_util.h"
#include "admin_private.h"

static struct esomock_server *srv;

/* Before any thread: curl's global init is not thread-safe everywhere. */
static void init_curl(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
}

static void stop(void)
{
    esomock_server_stop(srv);
    srv = NULL;
    curl_global_cleanup();
}

TestSuite(abuse, .init = init_curl, .fini = stop, .timeout = 120);

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Longest a normal call may take while an attack runs, in real ms: generous for a loaded
 * 2-core machine, and valgrind slows everything tens of times. */
static double answer_bound_ms(void)
{
    return under_valgrind() ? 20000 : 2000;
}

static int connect_raw(void)
{
    return connect_loopback(esomock_server_port(srv));
}

/* send() without SIGPIPE: a server that closed the connection must fail the test, not kill it. */
static ssize_t send_all(int fd, const void *buf, size_t len)
{
    return send(fd, buf, len, MSG_NOSIGNAL);
}

/* A normal GraphQL call must still answer promptly (bounded by a 5 s client timeout). */
static void assert_still_serving(const char *when)
{
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));
    struct http_result res;
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    http_perform(
        &(struct http_request){
            .url = url,
            .body = "{\"query\":\"query getZones { worldData { zones { id name } } }\"}",
            .headers = headers,
            .timeout_ms = 5000},
        &res);
    cr_assert_eq(res.curl_code, CURLE_OK, "%s: %s", when, res.curl_error);
    cr_assert_eq(res.status, 200, "%s", when);
    http_result_free(&res);
}

/*
 * Another client, calling normally on its own thread while an attack runs: every call must
 * answer 200 within answer_bound_ms(). It records; the test's thread asserts (cr_assert must
 * not run on another thread). Calls carry X-Request-Id "check-N" so the journal can be
 * checked against them.
 */
struct checker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    unsigned sent;   /* calls made */
    unsigned ok;     /* answered 200 within the bound */
    double worst_ms; /* slowest answer */
    char first_error[CURL_ERROR_SIZE + 64];
};

static void *checker_main(void *arg)
{
    struct checker *c = arg;
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));
    pthread_mutex_lock(&c->lock);
    /* At least one call, even when the attack ended before the thread got going. */
    while (!c->stop || c->sent == 0) {
        unsigned n = ++c->sent;
        pthread_mutex_unlock(&c->lock);
        char id[48];
        snprintf(id, sizeof(id), "X-Request-Id: check-%u", n);
        const char *const headers[] = {"Authorization: Bearer t", id, NULL};
        struct http_result res;
        http_perform(
            &(struct http_request){
                .url = url,
                .body = "{\"query\":\"query getZones { worldData { zones { id name } } }\"}",
                .headers = headers,
                .timeout_ms = (long)answer_bound_ms() * 2},
            &res);
        pthread_mutex_lock(&c->lock);
        bool good =
            res.curl_code == CURLE_OK && res.status == 200 && res.elapsed_ms <= answer_bound_ms();
        c->ok += good;
        c->worst_ms = res.elapsed_ms > c->worst_ms ? res.elapsed_ms : c->worst_ms;
        if (!good && c->first_error[0] == '\0')
            snprintf(c->first_error, sizeof(c->first_error), "call %u: HTTP %ld after %.0f ms: %s",
                     n, res.status, res.elapsed_ms, res.curl_error);
        http_result_free(&res);
        /* Pace the calls (20 ms apart) so the attack keeps its share of the two cores; a
         * stop request ends the wait at once. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 20 * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!c->stop && pthread_cond_timedwait(&c->cond, &c->lock, &until) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

static void checker_start(struct checker *c)
{
    *c = (struct checker){.stop = false};
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    cr_assert_eq(pthread_create(&c->thread, NULL, checker_main, c), 0);
}

/* Stop the checker (after its first call) and assert every call it made during @p attack was
 * answered in time, and that it made at least @p min_calls. */
static void checker_stop(struct checker *c, const char *attack, unsigned min_calls)
{
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->lock);
    cr_log_info("%s: %u calls beside it, slowest %.1f ms", attack, c->sent, c->worst_ms);
    cr_assert_geq(c->sent, min_calls, "%s: only %u calls during the attack", attack, c->sent);
    cr_assert_eq(c->ok, c->sent, "%s: %u of %u calls answered 200 within %.0f ms; %s", attack,
                 c->ok, c->sent, answer_bound_ms(), c->first_error);
}

/*
 * Nothing the server reported is lost: the journal (admin requests included) holds sequence
 * numbers 1..n without a gap, nothing was pushed out of the ring, and every checker call is
 * there once. @return the number of entries.
 */
static size_t assert_journal_whole(const struct checker *c, const char *attack)
{
    struct esomock_journal_entry *e = NULL;
    size_t n = 0;
    cr_assert_eq(esomock_server_journal(
                     srv, &(struct esomock_journal_filter){.include_admin = true}, &e, &n),
                 ESOMOCK_OK);
    cr_assert_eq(esomock_server_journal_dropped(srv), 0, "%s: the ring dropped entries", attack);
    unsigned checks = 0;
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(e[i].seq, i + 1, "%s: entry %zu has seq %llu: a gap or a duplicate", attack, i,
                     (unsigned long long)e[i].seq);
        checks += strncmp(e[i].request_id, "check-", 6) == 0;
    }
    free(e);
    cr_assert_eq(checks, c->sent, "%s: %u checker calls journaled, %u made", attack, checks,
                 c->sent);
    return n;
}

Test(abuse, slowloris_clients_do_not_starve_others)
{
    /* 100 clients send a request line, then trickle its headers one byte per 100 ms for 1.5 s
     * (deliberate pacing: it is the attack), against two worker threads, while another client
     * keeps calling. */
    struct esomock_options opts = {.threads = 2};
    srv = start_server(&opts);
    enum { SLOW = 100, BYTES = 15, PACE_MS = 100 };
    static const char line[] = "POST /api/v2/client HTTP/1.1\r\n";
    static const char headers[] = "Host: 127.0.0.1\r\nAuthorization: Bearer t\r\n";
    int fds[SLOW];
    for (int i = 0; i < SLOW; i++) {
        fds[i] = connect_raw();
        cr_assert_eq(send_all(fds[i], line, sizeof(line) - 1), (ssize_t)(sizeof(line) - 1));
    }
    struct checker c;
    checker_start(&c);
    double started = now_ms();
    for (int b = 0; b < BYTES; b++) {
        for (int i = 0; i < SLOW; i++)
            cr_assert_eq(send_all(fds[i], &headers[b], 1), 1, "slow client %d, byte %d: %s", i, b,
                         strerror(errno));
        nanosleep(&(struct timespec){.tv_nsec = PACE_MS * 1000000L}, NULL);
    }
    double trickled_ms = now_ms() - started;
    checker_stop(&c, "slowloris", 3);
    cr_assert_geq(trickled_ms, BYTES * PACE_MS, "the trickle lasted %.0f ms", trickled_ms);
    for (int i = 0; i < SLOW; i++)
        close(fds[i]);
    /* The slow clients never finished their headers: only the checker's calls are there. */
    size_t n = assert_journal_whole(&c, "slowloris");
    cr_assert_eq(n, c.sent, "%zu entries for %u calls", n, c.sent);
}

/* Read from @p fd until the end of a response's head or @p timeout_ms; the bytes read. */
static size_t read_head(int fd, char *buf, size_t size, int timeout_ms)
{
    size_t len = 0;
    double deadline = now_ms() + timeout_ms;
    while (len + 1 < size && strstr(buf, "\r\n\r\n") == NULL) {
        int left = (int)(deadline - now_ms());
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) != 1)
            break;
        ssize_t got = recv(fd, buf + len, size - 1 - len, 0);
        if (got <= 0)
            break;
        len += (size_t)got;
        buf[len] = '\0';
    }
    return len;
}

Test(abuse, body_over_the_limit_is_refused_at_once)
{
    srv = start_server(NULL); /* the default limit: 1 MiB */
    struct checker c;
    checker_start(&c);

    /* A declared 2 GB body, none of it sent: 413 at once, without waiting to read it. */
    int fd = connect_raw();
    static const char head[] = "POST /api/v2/client HTTP/1.1\r\nHost: x\r\n"
                               "Authorization: Bearer t\r\nContent-Type: application/json\r\n"
                               "Content-Length: 2000000000\r\n\r\n";
    double started = now_ms();
    cr_assert_eq(send_all(fd, head, sizeof(head) - 1), (ssize_t)(sizeof(head) - 1));
    char answer[1024] = "";
    read_head(fd, answer, sizeof(answer), (int)answer_bound_ms());
    double took = now_ms() - started;
    close(fd);
    cr_assert_eq(strncmp(answer, "HTTP/1.1 413", 12), 0, "a declared 2 GB body: %.200s", answer);
    cr_assert_leq(took, answer_bound_ms(), "answered in %.0f ms", took);

    checker_stop(&c, "bodies over the limit", 1);
    size_t before = assert_journal_whole(&c, "bodies over the limit");

    /* A body 1 byte over the limit, sent in full: 413 too. */
    size_t len = 1024 * 1024 + 1;
    char *body = malloc(len + 1);
    memset(body, ' ', len);
    body[0] = '{';
    body[len - 1] = '}';
    body[len] = '\0';
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    struct http_result res;
    http_perform(
        &(struct http_request){.url = url, .body = body, .body_len = len, .headers = headers},
        &res);
    free(body);
    /* The server answers as soon as the body passes the limit and closes: a client still
     * sending may meet that close (EPIPE, reset) before it reads the answer, so what the
     * server sent is read from the journal. */
    cr_assert(res.status == 413 || res.curl_code == CURLE_SEND_ERROR ||
                  res.curl_code == CURLE_RECV_ERROR,
              "1 MiB + 1 byte: %ld %s", res.status, res.curl_error);
    http_result_free(&res);
    struct esomock_journal_filter after = {.since_seq = before, .include_admin = true};
    cr_assert_geq(
        esomock_server_wait_for_requests(srv, &after, 1, true, (unsigned)answer_bound_ms()), 1,
        "the oversized request was journaled");
    struct esomock_journal_entry *e = NULL;
    size_t n = 0;
    cr_assert_eq(esomock_server_journal(srv, &after, &e, &n), ESOMOCK_OK);
    cr_assert_eq(n, 1, "one request after the others");
    cr_assert_eq(e[0].status, 413, "1 MiB + 1 byte: the server sent %d", e[0].status);
    free(e);
}

Test(abuse, ten_thousand_connections_opened_and_dropped)
{
    /* Under this flood libmicrohttpd 0.9.75 misses some peers' FIN while it waits for the
     * rest of a body, and keeps those connections until the idle timeout: keep it short. */
    struct esomock_options opts = {.idle_timeout_s = 2};
    srv = start_server(&opts);
    struct checker c;
    checker_start(&c);
    for (int i = 0; i < 10000; i++) {
        int fd = connect_raw();
        if (i % 3 == 0) {
            /* Some go away mid-request, as a crashing client does. */
            const char partial[] = "POST /api/v2/client HTTP/1.1\r\nContent-Length: 100\r\n\r\n{";
            cr_assert_eq(send_all(fd, partial, sizeof(partial) - 1),
                         (ssize_t)(sizeof(partial) - 1));
        }
        close(fd);
    }
    checker_stop(&c, "10000 dropped connections", 1);
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
    assert_journal_whole(&c, "10000 dropped connections");
}

Test(abuse, deeply_nested_json_is_refused_not_recursed)
{
    srv = start_server(NULL);
    struct checker c;
    checker_start(&c);
    size_t depth = 200000;
    char *body = malloc(depth * 2 + 128);
    size_t len = (size_t)sprintf(
        body, "{\"query\":\"query getZones { worldData { zones { id name } } }\",\"variables\":");
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
    checker_stop(&c, "nested JSON", 1);
    assert_journal_whole(&c, "nested JSON");
}

Test(abuse, non_utf8_bytes_are_answered_and_journaled_as_valid_json)
{
    srv = start_server(NULL);
    struct checker c;
    checker_start(&c);
    static const char body[] =
        "{\"query\":\"query getGuildByName($name: String, $serverSlug: String) { guildData { "
        "guild(name: $name, serverSlug: $serverSlug) { id name } } }\",\"variables\":"
        "{\"name\":\"\xff\xfe\xc3\x28\",\"serverSlug\":\"\x80\"}}";
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));
    struct http_result res;
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    http_perform(&(struct http_request){.url = url, .body = body, .headers = headers}, &res);
    cr_assert(res.status == 200 || res.status == 400, "answered: %ld", res.status);
    http_result_free(&res);
    checker_stop(&c, "non-UTF-8 bytes", 1);
    size_t n = assert_journal_whole(&c, "non-UTF-8 bytes");
    cr_assert_eq(n, c.sent + 1, "the odd request is journaled once, beside the checker's calls");
    /* The admin API shows the whole journal as JSON that parses. */
    cJSON *json = admin_journal_json(srv);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(json, "requests")), (int)n);
    cJSON_Delete(json);
}

Test(abuse, scenario_with_100000_rules_is_refused_with_bounded_work)
{
    srv = start_server(NULL);
    struct checker c;
    checker_start(&c);
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
    struct esomock_problems *err = test_problems();
    cr_assert_eq(esomock_server_load_scenario(srv, text, len, "huge", err),
                 ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(problems_text(err), "rules") != NULL, "%s", problems_text(err));
    free(text);
    checker_stop(&c, "a scenario of 100000 rules", 1);
    assert_journal_whole(&c, "a scenario of 100000 rules");
}

Test(abuse, scenario_file_of_100_mb_is_refused_before_reading)
{
    srv = start_server(NULL);
    char path[] = "/tmp/esomock-100mb-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, 100L * 1024 * 1024), 0, "a sparse 100 MB file");
    close(fd);
    struct esomock_problems *err = test_problems();
    cr_assert_neq(esomock_server_load_scenario_file(srv, path, err), ESOMOCK_OK);
    cr_assert(strstr(problems_text(err), "over the limit") != NULL, "%s", problems_text(err));
    remove(path);
}

Test(abuse, admin_decision_by_peer_address_and_token)
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
    struct checker c;
    checker_start(&c);
    int fd = connect_raw();
    char line[1024];
    memset(line, 'a', sizeof(line));
    const char start[] = "POST /api/v2/client HTTP/1.1\r\nHost: x\r\n";
    cr_assert_eq(send_all(fd, start, sizeof(start) - 1), (ssize_t)(sizeof(start) - 1));
    /* 64 KiB of one header: over libmicrohttpd's per-connection memory. */
    const char name[] = "X-Big: ";
    cr_assert_eq(send_all(fd, name, sizeof(name) - 1), (ssize_t)(sizeof(name) - 1));
    for (int i = 0; i < 64; i++) {
        if (send_all(fd, line, sizeof(line)) != (ssize_t)sizeof(line))
            break; /* the server may close early: fine */
    }
    close(fd);
    checker_stop(&c, "a header flood", 1);
    assert_journal_whole(&c, "a header flood");
    assert_still_serving("after a header flood");
}

/* A local IPv4 address that is not loopback (an interface that is up); false when none. */
static bool non_loopback_ipv4(char *buf, size_t size)
{
    struct ifaddrs *list = NULL;
    if (getifaddrs(&list) != 0)
        return false;
    bool found = false;
    for (struct ifaddrs *i = list; i != NULL && !found; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
            (i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0)
            continue;
        const struct sockaddr_in *in = (const struct sockaddr_in *)i->ifa_addr;
        found = inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)size) != NULL;
    }
    freeifaddrs(list);
    return found;
}

/* GET @p path on @p host at the server's port, with @p auth as Authorization (NULL = none). */
static long get_status(const char *host, const char *path, const char *auth)
{
    char url[256], header[128];
    snprintf(url, sizeof(url), "http://%s:%u%s", host, (unsigned)esomock_server_port(srv), path);
    snprintf(header, sizeof(header), "Authorization: %s", auth != NULL ? auth : "");
    const char *const headers[] = {header, NULL};
    struct http_result res;
    http_perform(&(struct http_request){.url = url, .headers = auth != NULL ? headers : NULL},
                 &res);
    cr_assert_eq(res.curl_code, CURLE_OK, "GET %s: %s", url, res.curl_error);
    long status = res.status;
    http_result_free(&res);
    return status;
}

Test(abuse, admin_refused_from_a_non_loopback_address_without_the_token)
{
    /* Bound to every address, reached through the machine's own non-loopback address: the
     * peer address the server sees is that one, not 127.0.0.1. */
    char local[INET_ADDRSTRLEN];
    if (!non_loopback_ipv4(local, sizeof(local)))
        cr_skip_test("no non-loopback IPv4 address on this machine");
    struct esomock_options opts = {.host = "0.0.0.0", .admin_token = "s3cret-admin"};
    srv = start_server(&opts);

    cr_assert_eq(get_status(local, "/__admin/requests", NULL), 403, "no token from %s", local);
    cr_assert_eq(get_status(local, "/__admin/requests", "Bearer wrong"), 403, "a wrong token");
    cr_assert_eq(get_status(local, "/__admin/requests", "Bearer s3cret-admin"), 200,
                 "the admin token lets %s in", local);
    cr_assert_eq(get_status("127.0.0.1", "/__admin/requests", NULL), 200,
                 "loopback needs no token");
    cr_assert_eq(get_status(local, "/__admin/health", NULL), 403, "every admin route is guarded");
    /* Only the admin API is guarded: the GraphQL endpoint answers from that address too. */
    char url[256];
    snprintf(url, sizeof(url), "http://%s:%u/api/v2/client", local,
             (unsigned)esomock_server_port(srv));
    struct http_result res;
    http_post_graphql(url, "{\"query\":\"query getZones { worldData { zones { id name } } }\"}",
                      &res);
    cr_assert_eq(res.status, 200, "GraphQL from %s: %ld %s", local, res.status, res.curl_error);
    http_result_free(&res);
}
