/*
 * Secrets never leak: a run with real-looking credentials, through faults and auth
 * failures, then every log, journal, admin answer, metric and client event is searched
 * for the client secret, its Basic encoding, a caller's bearer token and the access
 * tokens eso-mock issued to the client (read on the wire by a relay).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <esoharness/fixture.h>

#include "http_helper.h"

#define CLIENT_ID "esologs-client-4f9a1c2e7b"
#define CLIENT_SECRET "Zx7Qp2Lm9Rt4Vw8Yb3Nc6Hd1Kf5Gs0Ej"
/* base64("esologs-client-4f9a1c2e7b:Zx7Qp2Lm9Rt4Vw8Yb3Nc6Hd1Kf5Gs0Ej"), as sent in Basic auth */
#define BASIC_VALUE                                                                                \
    "ZXNvbG9ncy1jbGllbnQtNGY5YTFjMmU3YjpaeDdRcDJMbTlSdDRWdzhZYjNOYzZIZDFLZjVHczBFag=="
#define BEARER "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlc28tbG9ncyJ9.Qw3rT5yU7iO9pA1sD3fG5hJ7kL9"

/* Tokens live 1 scenario second: 200 ms of real time at this scale, long enough that the
 * strict server accepts some of them however loaded the machine (at 0.02, 20 ms, a stall could
 * expire every one before use). */
#define SECRETS_SCALE 0.2

struct capture {
    char *text;
    size_t len;
    FILE *f;
};

static void capture_open(struct capture *c)
{
    c->text = NULL;
    c->len = 0;
    c->f = open_memstream(&c->text, &c->len);
    cr_assert_not_null(c->f);
}

/*
 * A relay in front of eso-mock's token endpoint: the client's token requests pass through
 * unchanged and the relay keeps the server's answers, so the test learns the access tokens
 * the client was issued, and then sent, with no hook in the client.
 */
#define RELAY_MAX_CONNS 64

struct relay {
    int listen_fd;
    uint16_t port;
    uint16_t upstream_port;
    pthread_t acceptor;
    pthread_mutex_t lock;
    pthread_t conns[RELAY_MAX_CONNS];
    size_t conn_count;
    char answers[64 * 1024]; /* server-to-client bytes, cut at the size (token answers are small) */
    size_t answers_len;
};

struct relay_conn {
    struct relay *relay;
    int client_fd;
};

static void relay_record(struct relay *r, const char *buf, size_t len)
{
    pthread_mutex_lock(&r->lock);
    size_t room = sizeof(r->answers) - 1 - r->answers_len;
    size_t n = len < room ? len : room;
    memcpy(r->answers + r->answers_len, buf, n);
    r->answers_len += n;
    r->answers[r->answers_len] = '\0';
    pthread_mutex_unlock(&r->lock);
}

/* Copy what @p from has to @p to; false at the end of the stream or on an error. */
static bool relay_pass(struct relay *r, int from, int to, bool record)
{
    char buf[8192];
    ssize_t n = recv(from, buf, sizeof(buf), 0);
    if (n <= 0)
        return false;
    if (record)
        relay_record(r, buf, (size_t)n);
    return send(to, buf, (size_t)n, MSG_NOSIGNAL) == n;
}

static void *relay_conn_main(void *arg)
{
    struct relay_conn *c = arg;
    int up = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(c->relay->upstream_port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (up < 0 || connect(up, (struct sockaddr *)&addr, sizeof(addr)) != 0)
        goto out;
    struct pollfd p[2] = {{.fd = c->client_fd, .events = POLLIN}, {.fd = up, .events = POLLIN}};
    /* Until either side closes (the client's keep-alive ends with eso_client_destroy); the
     * 10 s poll limit only keeps a broken run from hanging to the test's timeout. */
    for (;;) {
        int ready = poll(p, 2, 10000);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        if (p[0].revents != 0 && !relay_pass(c->relay, c->client_fd, up, false))
            break;
        if (p[1].revents != 0 && !relay_pass(c->relay, up, c->client_fd, true))
            break;
    }
out:
    if (up >= 0)
        close(up);
    close(c->client_fd);
    free(c);
    return NULL;
}

static void *relay_accept_main(void *arg)
{
    struct relay *r = arg;
    for (;;) {
        int fd = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            break; /* relay_stop() shut the socket down */
        struct relay_conn *c = malloc(sizeof(*c));
        pthread_mutex_lock(&r->lock);
        bool room = c != NULL && r->conn_count < RELAY_MAX_CONNS;
        if (room) {
            *c = (struct relay_conn){.relay = r, .client_fd = fd};
            room = pthread_create(&r->conns[r->conn_count], NULL, relay_conn_main, c) == 0;
            r->conn_count += room;
        }
        pthread_mutex_unlock(&r->lock);
        if (!room) {
            free(c);
            close(fd);
        }
    }
    return NULL;
}

static void relay_start(struct relay *r, uint16_t upstream_port)
{
    memset(r, 0, sizeof(*r));
    r->upstream_port = upstream_port;
    pthread_mutex_init(&r->lock, NULL);
    r->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(r->listen_fd, 0, "socket: %s", strerror(errno));
    struct sockaddr_in addr = {.sin_family = AF_INET}; /* port 0: any free one */
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    cr_assert_eq(bind(r->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    cr_assert_eq(listen(r->listen_fd, 16), 0);
    cr_assert_eq(getsockname(r->listen_fd, (struct sockaddr *)&addr, &len), 0);
    r->port = ntohs(addr.sin_port);
    cr_assert_eq(pthread_create(&r->acceptor, NULL, relay_accept_main, r), 0);
}

/* Stop accepting and wait for every relayed connection to end (close the client first). */
static void relay_stop(struct relay *r)
{
    shutdown(r->listen_fd, SHUT_RDWR); /* wakes accept() */
    pthread_join(r->acceptor, NULL);
    close(r->listen_fd);
    for (size_t i = 0; i < r->conn_count; i++)
        pthread_join(r->conns[i], NULL);
    pthread_mutex_destroy(&r->lock);
}

#define MAX_TOKENS 16
#define TOKEN_SIZE 128

/* The access tokens in the relayed token answers, in order; their count. */
static size_t issued_tokens(const struct relay *r, char tokens[][TOKEN_SIZE], size_t max)
{
    size_t n = 0;
    const char *p = r->answers;
    while (n < max && (p = strstr(p, "\"access_token\"")) != NULL) {
        p += strlen("\"access_token\"");
        p += strspn(p, " \t:");
        if (*p != '"')
            continue;
        size_t len = strcspn(++p, "\"");
        if (len == 0 || len >= TOKEN_SIZE || p[len] != '"')
            continue;
        memcpy(tokens[n], p, len);
        tokens[n++][len] = '\0';
        p += len;
    }
    return n;
}

/* What no output may contain: the fixed secrets, then the issued tokens. */
static const char *needles[3 + MAX_TOKENS] = {CLIENT_SECRET, BASIC_VALUE, BEARER};
static size_t needle_count = 3;

static void assert_clean(const char *what, const char *text)
{
    cr_assert_not_null(text, "%s captured", what);
    for (size_t i = 0; i < needle_count; i++)
        cr_assert_null(strstr(text, needles[i]), "%s contains secret #%zu", what, i);
    /* A prefix is enough to rebuild a secret: no 12-byte piece of one may appear either. */
    for (size_t i = 0; i < needle_count; i++) {
        char piece[13];
        memcpy(piece, needles[i] + 4, 12);
        piece[12] = '\0';
        cr_assert_null(strstr(text, piece), "%s contains part of secret #%zu", what, i);
    }
}

/* Make calls through the faults; each result's detail and errors go to @p results, searched
 * once the issued tokens are known. */
static void run_calls(struct eso_client *client, FILE *results)
{
    const char *ops[] = {"getZones", "getGuildById", "getRateLimitData", "getZones"};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        cJSON *vars =
            strcmp(ops[i], "getGuildById") == 0 ? cJSON_Parse("{\"guildId\":3468}") : NULL;
        struct eso_result res = {0};
        eso_query(client, ops[i], NULL, vars, &res);
        char *errors = res.errors != NULL ? cJSON_PrintUnformatted(res.errors) : NULL;
        fprintf(results, "%s\n%s\n", res.detail, errors != NULL ? errors : "");
        free(errors);
        eso_result_finish(&res);
        cJSON_Delete(vars);
    }
}

Test(secrets, never_in_logs_journals_events_or_admin_answers, .timeout = 60)
{
    struct capture server_log, journal, json_events, text_events, results;
    capture_open(&server_log);
    capture_open(&journal);
    capture_open(&json_events);
    capture_open(&text_events);
    capture_open(&results);

    /* The credential flow, with faults and a token refresh in the mix. */
    struct esomock_options server = {
        .client_id = CLIENT_ID,
        .client_secret = CLIENT_SECRET,
        .log = server_log.f,
        .journal = journal.f,
    };
    struct esoh_fixture *fx = esoh_fixture_start(&(struct esoh_fixture_options){
        .scenario_json =
            "{\"name\":\"secrets\",\"settings\":{\"strict_auth\":true,\"token_ttl_s\":1},"
            "\"rules\":[{\"match\":{\"operation\":\"getZones\"},\"script\":["
            "{\"action\":\"respond\",\"status\":503,\"times\":1},{\"action\":\"drop\",\"times\":1},"
            "{\"action\":\"pass\"}]}]}",
        .time_scale = SECRETS_SCALE,
        .server = &server,
        .no_client = true,
    });
    struct esomock_server *srv = esoh_fixture_server(fx);
    struct relay relay;
    relay_start(&relay, esomock_server_port(srv));
    char api_url[160], token_url[160];
    snprintf(api_url, sizeof(api_url), "%s/api/v2/client", esomock_server_url(srv));
    snprintf(token_url, sizeof(token_url), "http://127.0.0.1:%u/oauth/token", (unsigned)relay.port);
    struct eso_options client = {
        .api_url = api_url,
        .token_url = token_url, /* through the relay, which reads the issued tokens */
        .client_id = CLIENT_ID,
        .client_secret = CLIENT_SECRET,
        .max_attempts = 3,
        .initial_delay_ms = 10,
        .time_scale = SECRETS_SCALE,
        .on_event = eso_event_log_json,
        .event_userdata = json_events.f,
    };
    struct eso_client *first = NULL;
    cr_assert_eq(eso_client_create(&client, &first, NULL), ESO_OK);
    run_calls(first, results.f);
    struct eso_counters counters;
    eso_client_counters(first, &counters);
    eso_client_destroy(first);
    relay_stop(&relay);

    /* The tokens the client was issued, and used: the strict server took them. */
    char tokens[MAX_TOKENS][TOKEN_SIZE];
    size_t token_count = issued_tokens(&relay, tokens, MAX_TOKENS);
    cr_assert_geq(token_count, 1, "the relay saw the token answers: %.500s", relay.answers);
    cr_assert_leq(token_count, counters.token_fetches, "one token per fetch at most");
    for (size_t i = 0; i < token_count; i++) {
        cr_assert_geq(strlen(tokens[i]), 16, "a token long enough to search for: %s", tokens[i]);
        needles[needle_count++] = tokens[i];
    }
    size_t n = 0, accepted = 0;
    struct esomock_journal_entry *e = esoh_fixture_journal(fx, NULL, &n);
    for (size_t i = 0; i < n; i++)
        accepted += e[i].status == 200;
    free(e);
    cr_assert_geq(accepted, 1, "the strict server accepted the issued tokens");

    /* A caller-supplied bearer token the strict server refuses: the 401 path. */
    struct eso_options bearer_client = {
        .api_url = api_url,
        .bearer_token = BEARER,
        .max_attempts = 2,
        .on_event = eso_event_log_text,
        .event_userdata = text_events.f,
    };
    struct eso_client *second = NULL;
    cr_assert_eq(eso_client_create(&bearer_client, &second, NULL), ESO_OK);
    struct eso_result res = {0};
    cr_assert_eq(eso_query(second, "getZones", NULL, NULL, &res), ESO_UNAUTHORIZED,
                 "the made-up token is refused");
    assert_clean("the 401 result", res.detail);
    eso_result_finish(&res);
    eso_client_destroy(second);

    /* What the admin API would show anyone who asks. */
    const char *paths[] = {"/__admin/requests?include_admin=1", "/__admin/scenario",
                           "/__admin/metrics"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char url[256];
        snprintf(url, sizeof(url), "%s%s", esomock_server_url(esoh_fixture_server(fx)), paths[i]);
        struct http_result answer;
        http_perform(&(struct http_request){.url = url}, &answer);
        cr_assert_eq(answer.status, 200, "%s", paths[i]);
        assert_clean(paths[i], answer.body);
        http_result_free(&answer);
    }
    char *metrics = esomock_server_metrics(esoh_fixture_server(fx));
    assert_clean("metrics", metrics);
    free(metrics);

    esoh_fixture_stop(fx);
    fclose(server_log.f);
    fclose(journal.f);
    fclose(json_events.f);
    fclose(text_events.f);
    fclose(results.f);
    cr_assert_gt(server_log.len, 0, "the server logged the run");
    cr_assert_gt(journal.len, 0, "the journal file has the run");
    cr_assert_gt(json_events.len, 0, "the client emitted events");
    cr_assert_gt(text_events.len, 0, "the second client emitted events");
    assert_clean("the server log", server_log.text);
    assert_clean("the journal file", journal.text);
    assert_clean("the JSON event log", json_events.text);
    assert_clean("the text event log", text_events.text);
    assert_clean("the results' details and errors", results.text);
    cr_assert_not_null(strstr(json_events.text, "token_fetch"), "tokens were fetched");
    free(server_log.text);
    free(journal.text);
    free(json_events.text);
    free(text_events.text);
    free(results.text);
}
