/*
 * bench-client-overhead: what libesologs costs on top of bare libcurl, against an
 * in-process eso-mock answering the same ~1 KB fixture.
 *
 *   bench-client-overhead --body FILE [--calls N] [--batch N]
 *
 * FILE is the POST body the bare libcurl baseline sends: the same document,
 * operationName and variables libesologs sends for getReportEvents. Measured, one
 * call at a time on one thread, after a warm-up:
 *   - bare libcurl easy POST on a kept-alive connection (the floor), and the same
 *     plus cJSON_Parse of the answer (what any client must do with it);
 *   - eso_query() with the full pipeline (breaker, pacing, retry policy, classify);
 *     these three interleaved, in rounds, so the ratios compare the same moments;
 *   - eso_query() failing fast on an open breaker;
 *   - eso_batch() throughput on the multi interface at concurrency 1, 8 and 64.
 * Allocations per call are counted by alloc_count.c, on the measuring thread only,
 * so the in-process server's own allocations on its threads do not count.
 *
 * Prints one JSON object (header, rows, notes, raw numbers) for bench/bench.py.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <esologs/client.h>
#include <esomock/server.h>

#include "alloc_count.h"

#define OPERATION "getReportEvents"
#define REPORT_CODE "a1B2c3D4e5F6g7H8"
#define TOKEN "bench-token"
#define MAX_BODY_BYTES (1024u * 1024u)
#define MAX_ANSWER_BYTES (16u * 1024u * 1024u)
#define WARMUP_CALLS 200u
#define MAX_CALLS 1000000ul

/* ---- timing ------------------------------------------------------------------------------ */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct stats {
    double p50, p99, mean; /* microseconds */
    unsigned long ok;      /* calls that returned what was expected */
    struct alloc_count allocs;
};

/* Sort @p v in place and fill p50/p99/mean (nearest rank). */
static void summarise(double *v, size_t n, struct stats *s)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    qsort(v, n, sizeof(*v), compare_double);
    size_t r50 = (size_t)ceil(0.50 * (double)n), r99 = (size_t)ceil(0.99 * (double)n);
    s->p50 = v[(r50 ? r50 : 1) - 1];
    s->p99 = v[(r99 ? r99 : 1) - 1];
    s->mean = sum / (double)n;
}

/* ---- bare libcurl ------------------------------------------------------------------------- */

struct buffer {
    char *data;
    size_t len;
    size_t cap;
};

static size_t collect(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct buffer *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n + 1 > MAX_ANSWER_BYTES)
        return 0;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (grown == NULL)
            return 0;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* A kept-alive libcurl easy handle POSTing the body, the floor of every measure. */
struct bare {
    CURL *easy;
    struct curl_slist *headers;
    struct buffer answer;
};

static bool bare_init(struct bare *b, const char *url, const char *body, size_t body_len)
{
    memset(b, 0, sizeof(*b));
    b->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (b->headers != NULL)
        b->headers = curl_slist_append(b->headers, "Authorization: Bearer " TOKEN);
    b->easy = curl_easy_init();
    if (b->headers == NULL || b->easy == NULL)
        return false;
    curl_easy_setopt(b->easy, CURLOPT_URL, url);
    curl_easy_setopt(b->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(b->easy, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(b->easy, CURLOPT_HTTPHEADER, b->headers);
    curl_easy_setopt(b->easy, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(b->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    curl_easy_setopt(b->easy, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(b->easy, CURLOPT_WRITEDATA, &b->answer);
    curl_easy_setopt(b->easy, CURLOPT_TCP_NODELAY, 1L);
    return true;
}

static void bare_finish(struct bare *b)
{
    curl_easy_cleanup(b->easy);
    curl_slist_free_all(b->headers);
    free(b->answer.data);
}

/* One POST (and with @p parse, cJSON_Parse of the answer); whether it got a 200 with data. */
static bool bare_post(struct bare *b, bool parse)
{
    b->answer.len = 0;
    CURLcode rc = curl_easy_perform(b->easy);
    long status = 0;
    curl_easy_getinfo(b->easy, CURLINFO_RESPONSE_CODE, &status);
    bool good = rc == CURLE_OK && status == 200;
    if (good && parse) {
        cJSON *json = cJSON_ParseWithLength(b->answer.data, b->answer.len);
        good = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(json, "data"));
        cJSON_Delete(json);
    }
    if (!good)
        fprintf(stderr, "bench-client-overhead: bare POST failed: %s, HTTP %ld\n",
                curl_easy_strerror(rc), status);
    return good;
}

/* ---- libesologs -------------------------------------------------------------------------- */

static bool query(struct eso_client *client, const cJSON *vars, enum eso_status want)
{
    struct eso_result res = {0};
    enum eso_status rc = eso_query(client, OPERATION, NULL, vars, &res);
    if (rc != want)
        fprintf(stderr, "bench-client-overhead: eso_query: %s (%s), wanted %s\n", eso_strerror(rc),
                res.detail, eso_strerror(want));
    eso_result_finish(&res);
    return rc == want;
}

/* What one measure runs per call; false when the call did not do what it should. */
enum measure { BARE = 0, PARSED = 1, QUERY = 2, MEASURES = 3 };

struct runner {
    struct bare *bare;
    struct eso_client *client;
    const cJSON *vars;
};

static bool run_one(const struct runner *r, enum measure m)
{
    switch (m) {
    case BARE:
        return bare_post(r->bare, false);
    case PARSED:
        return bare_post(r->bare, true);
    case QUERY:
    case MEASURES:
        break;
    }
    return query(r->client, r->vars, ESO_OK);
}

/*
 * The three networked measures, @p n calls each after a warm-up, interleaved: ROUNDS
 * rounds of n / ROUNDS calls of each, the order rotating, so a change of the machine's
 * load mid-run falls on all three alike. Latencies to lat[m] (µs); allocations counted
 * per measure on this thread.
 */
#define ROUNDS 10
static bool interleaved(const struct runner *r, unsigned long n, double *lat[MEASURES],
                        struct stats st[MEASURES])
{
    for (int m = 0; m < MEASURES; m++) {
        for (unsigned long i = 0; i < WARMUP_CALLS; i++) {
            if (!run_one(r, (enum measure)m))
                return false;
        }
        st[m] = (struct stats){0};
    }
    unsigned long done = 0;
    for (int round = 0; round < ROUNDS; round++) {
        unsigned long per = round == ROUNDS - 1 ? n - done : n / ROUNDS;
        for (int k = 0; k < MEASURES; k++) {
            enum measure m = (enum measure)((round + k) % MEASURES);
            alloc_count_start();
            for (unsigned long i = 0; i < per; i++) {
                double t0 = now_us();
                bool good = run_one(r, m);
                lat[m][done + i] = now_us() - t0;
                st[m].ok += good;
            }
            struct alloc_count a = alloc_count_stop();
            st[m].allocs.calls += a.calls;
            st[m].allocs.bytes += a.bytes;
        }
        done += per;
    }
    for (int m = 0; m < MEASURES; m++)
        summarise(lat[m], n, &st[m]);
    return true;
}

/*
 * @p n eso_query() calls after a warm-up; each must return @p want. Latencies to @p lat.
 */
static bool client_calls(struct eso_client *client, const cJSON *vars, unsigned long n,
                         unsigned long warmup, enum eso_status want, double *lat, struct stats *s)
{
    s->ok = 0;
    for (unsigned long i = 0; i < warmup + n; i++) {
        if (i == warmup)
            alloc_count_start();
        struct eso_result res = {0};
        double t0 = now_us();
        enum eso_status rc = eso_query(client, OPERATION, NULL, vars, &res);
        double t1 = now_us();
        if (i >= warmup) {
            lat[i - warmup] = t1 - t0;
            s->ok += rc == want;
        } else if (rc != want) {
            fprintf(stderr, "bench-client-overhead: eso_query: %s (%s), wanted %s\n",
                    eso_strerror(rc), res.detail, eso_strerror(want));
            eso_result_finish(&res);
            return false;
        }
        eso_result_finish(&res);
    }
    s->allocs = alloc_count_stop();
    summarise(lat, n, s);
    return true;
}

/* A port on 127.0.0.1 where nothing listens: connections to it are refused at once. */
static unsigned dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    unsigned port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* eso_batch() of @p n identical items at @p concurrency: calls per second, or < 0. */
static double batch_rate(struct eso_client *client, const cJSON *vars, size_t n,
                         unsigned concurrency, unsigned long *ok)
{
    struct eso_batch_item *items = calloc(n, sizeof(*items));
    if (items == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        items[i].operation = OPERATION;
        items[i].variables = vars;
    }
    double t0 = now_us();
    enum eso_status rc = eso_batch(client, items, n, concurrency);
    double secs = (now_us() - t0) / 1e6;
    *ok = 0;
    for (size_t i = 0; i < n; i++) {
        *ok += items[i].result.status == ESO_OK;
        eso_result_finish(&items[i].result);
    }
    free(items);
    return rc == ESO_OK && secs > 0 ? (double)n / secs : -1;
}

/* ---- output ------------------------------------------------------------------------------ */

static void print_row(bool *first, const char *what, const struct stats *s, unsigned long n,
                      const struct stats *bare, const struct stats *parsed)
{
    printf("%s\n    [\"%s\", \"%.1f\", \"%.1f\", \"%.1f\", \"%.0f\", \"%.1f\", \"%.2f\", \"%.2f\", "
           "\"%.2f\", \"%lu/%lu\"]",
           *first ? "" : ",", what, s->p50, s->p99, s->mean, 1e6 / s->mean,
           (double)s->allocs.calls / (double)n, s->p50 / bare->p50, s->p50 / parsed->p50,
           s->p99 / parsed->p99, s->ok, n);
    *first = false;
}

static char *read_file(const char *path, size_t *len)
{
    char *data = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    data = malloc(MAX_BODY_BYTES + 1);
    if (data == NULL)
        goto out;
    size_t got = fread(data, 1, MAX_BODY_BYTES + 1, f);
    if (ferror(f) || got > MAX_BODY_BYTES) {
        free(data);
        data = NULL;
        goto out;
    }
    data[got] = '\0';
    *len = got;
out:
    fclose(f);
    return data;
}

static bool parse_ulong(const char *text, unsigned long max, unsigned long *out)
{
    if (text == NULL || text[0] == '\0' || text[0] == '-')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0 || v > max)
        return false;
    *out = v;
    return true;
}

static int usage(FILE *to, int status)
{
    fputs("Usage: bench-client-overhead --body FILE [--calls N] [--batch N]\n"
          "libesologs against bare libcurl on an in-process eso-mock; prints JSON.\n",
          to);
    return status;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"body", required_argument, NULL, 'b'},
        {"calls", required_argument, NULL, 'n'},
        {"batch", required_argument, NULL, 'B'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *body_path = NULL;
    unsigned long calls = 2000, batch = 2000;
    for (;;) {
        int c = getopt_long(argc, argv, "", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'b':
            body_path = optarg;
            break;
        case 'n':
            if (!parse_ulong(optarg, MAX_CALLS, &calls))
                return usage(stderr, 2);
            break;
        case 'B':
            if (!parse_ulong(optarg, MAX_CALLS, &batch))
                return usage(stderr, 2);
            break;
        case 'h':
            return usage(stdout, 0);
        default:
            return usage(stderr, 2);
        }
    }
    if (body_path == NULL || optind != argc)
        return usage(stderr, 2);

    int rc = 1;
    size_t body_len = 0;
    char *body = read_file(body_path, &body_len);
    if (body == NULL) {
        fprintf(stderr, "bench-client-overhead: cannot read %s\n", body_path);
        return 1;
    }
    struct esomock_server *srv = NULL;
    struct eso_client *client = NULL, *broken = NULL;
    struct bare bare_handle = {0};
    cJSON *vars = cJSON_CreateObject();
    double *lat[MEASURES];
    for (int m = 0; m < MEASURES; m++)
        lat[m] = calloc(calls, sizeof(*lat[m]));
    if (vars == NULL || lat[BARE] == NULL || lat[PARSED] == NULL || lat[QUERY] == NULL ||
        cJSON_AddStringToObject(vars, "code", REPORT_CODE) == NULL)
        goto out_body;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        goto out_body;

    struct esomock_options mock_opts = {.threads = 2};
    struct esomock_problems *problems = esomock_problems_create();
    if (esomock_server_start(&mock_opts, &srv, problems) != ESOMOCK_OK) {
        char *why = esomock_problems_text(problems);
        fprintf(stderr, "bench-client-overhead: eso-mock: %s\n", why != NULL ? why : "");
        free(why);
        esomock_problems_destroy(problems);
        goto out_curl;
    }
    esomock_problems_destroy(problems);
    char url[256];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));

    struct stats st[MEASURES], failfast = {0};
    char detail[ESO_DETAIL_SIZE];
    struct eso_options opts = {0};
    opts.api_url = url;
    opts.bearer_token = TOKEN;
    if (!bare_init(&bare_handle, url, body, body_len)) {
        fputs("bench-client-overhead: libcurl easy handle\n", stderr);
        goto out_server;
    }
    if (eso_client_create(&opts, &client, detail) != ESO_OK) {
        fprintf(stderr, "bench-client-overhead: eso_client_create: %s\n", detail);
        goto out_server;
    }
    struct runner runner = {.bare = &bare_handle, .client = client, .vars = vars};
    if (!interleaved(&runner, calls, lat, st))
        goto out_server;
    struct eso_counters counters = {0};
    eso_client_counters(client, &counters);

    /* Open the breaker on a dead port (one attempt per call, a long cool-down), then time
     * the calls it refuses without touching the network. */
    char dead_url[128];
    snprintf(dead_url, sizeof(dead_url), "http://127.0.0.1:%u/api/v2/client", dead_port());
    struct eso_options bopts = {0};
    bopts.api_url = dead_url;
    bopts.bearer_token = TOKEN;
    bopts.max_attempts = 1;
    bopts.breaker_cooldown_ms = 600000;
    if (eso_client_create(&bopts, &broken, detail) != ESO_OK) {
        fprintf(stderr, "bench-client-overhead: eso_client_create (breaker): %s\n", detail);
        goto out_server;
    }
    for (int i = 0; i < 50 && eso_client_breaker_state(broken) != ESO_BREAKER_STATE_OPEN; i++) {
        struct eso_result res = {0};
        eso_query(broken, OPERATION, NULL, vars, &res);
        eso_result_finish(&res);
    }
    if (eso_client_breaker_state(broken) != ESO_BREAKER_STATE_OPEN) {
        fputs("bench-client-overhead: the breaker did not open after 50 refused calls\n", stderr);
        goto out_server;
    }
    if (!client_calls(broken, vars, calls, 10, ESO_BREAKER_OPEN, lat[BARE], &failfast))
        goto out_server;

    static const unsigned concurrency[] = {1, 8, 64};
    double rate[3];
    unsigned long batch_ok[3];
    for (size_t i = 0; i < 3; i++)
        rate[i] = batch_rate(client, vars, batch, concurrency[i], &batch_ok[i]);

    const struct stats *bare = &st[BARE], *parsed = &st[PARSED], *query = &st[QUERY];
    bool first = true;
    printf("{\n  \"header\": [\"measure\", \"p50 µs\", \"p99 µs\", \"mean µs\", \"calls/s\", "
           "\"allocs/call\", \"× bare POST (p50)\", \"× POST+parse (p50)\", "
           "\"× POST+parse (p99)\", \"ok\"],\n  \"rows\": [");
    print_row(&first, "bare libcurl easy POST, keep-alive", bare, calls, bare, parsed);
    print_row(&first, "bare POST + cJSON_Parse", parsed, calls, bare, parsed);
    print_row(&first, "eso_query (libesologs)", query, calls, bare, parsed);
    print_row(&first, "eso_query, breaker open (fail fast)", &failfast, calls, bare, parsed);
    for (size_t i = 0; i < 3; i++) {
        double mean = rate[i] > 0 ? 1e6 / rate[i] : 0;
        printf(",\n    [\"eso_batch, %zu calls, concurrency %u\", \"-\", \"-\", \"%.1f\", "
               "\"%.0f\", \"-\", \"-\", \"-\", \"-\", \"%lu/%zu\"]",
               (size_t)batch, concurrency[i], mean, rate[i], batch_ok[i], (size_t)batch);
    }
    printf("\n  ],\n  \"notes\": [\"%lu calls per measure after %u warm-up calls each, one "
           "thread, in-process eso-mock (2 threads); the three networked measures interleaved in "
           "%d rounds (rotating order), so load changes fall on all alike; allocations counted "
           "on the calling thread only (malloc/calloc/realloc interposed); eso_query connections "
           "reused %llu of %llu attempts\"],\n",
           calls, WARMUP_CALLS, ROUNDS, (unsigned long long)counters.connections_reused,
           (unsigned long long)counters.attempts);
    printf("  \"raw\": {\"bare_p50_us\": %.2f, \"parsed_p50_us\": %.2f, \"query_p50_us\": %.2f, "
           "\"bare_p99_us\": %.2f, \"parsed_p99_us\": %.2f, \"query_p99_us\": %.2f, "
           "\"ratio_p50\": %.3f, \"ratio_p99\": %.3f, \"ratio_parsed_p50\": %.3f, "
           "\"ratio_parsed_p99\": %.3f, \"breaker_open_p50_us\": %.3f, \"allocs_bare\": %.1f, "
           "\"allocs_parsed\": %.1f, \"allocs_query\": %.1f, \"alloc_bytes_query\": %.0f, "
           "\"allocs_breaker_open\": %.1f, \"batch_rate\": [%.0f, %.0f, %.0f]}\n}\n",
           bare->p50, parsed->p50, query->p50, bare->p99, parsed->p99, query->p99,
           query->p50 / bare->p50, query->p99 / bare->p99, query->p50 / parsed->p50,
           query->p99 / parsed->p99, failfast.p50, (double)bare->allocs.calls / (double)calls,
           (double)parsed->allocs.calls / (double)calls,
           (double)query->allocs.calls / (double)calls, (double)query->allocs.bytes / (double)calls,
           (double)failfast.allocs.calls / (double)calls, rate[0], rate[1], rate[2]);
    rc = 0;
out_server:
    bare_finish(&bare_handle);
    eso_client_destroy(broken);
    eso_client_destroy(client);
    esomock_server_stop(srv);
out_curl:
    curl_global_cleanup();
out_body:
    cJSON_Delete(vars);
    for (int m = 0; m < MEASURES; m++)
        free(lat[m]);
    free(body);
    return rc;
}
