/*
 * bench-latency: send N identical POSTs (or GETs) at a fixed concurrency on one
 * libcurl multi handle and report each request's latency as libcurl measured it
 * (CURLINFO_TOTAL_TIME_T, microseconds). Built for the fault-fidelity bench: with a
 * delay of D ms injected by the server, latency - D is the error of the delay.
 *
 *   bench-latency --url URL [--body FILE] [--header 'Name: value']... [-n N] [-c C]
 *                 [--timeout-ms T] [--max-seconds S] [--samples FILE]
 *
 * Prints one JSON object on stdout: counts by HTTP status, transport errors, the
 * wall time, and min/p50/p90/p99/max/mean latency in milliseconds. --samples writes
 * every latency (ms, one per line, in completion order). Exit status 0 when every
 * request got an HTTP answer, 1 otherwise, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#define MAX_BODY_BYTES (1024u * 1024u)
#define MAX_REQUESTS 1000000ul
#define MAX_CONCURRENCY 4096ul
#define MAX_HEADERS 32
/* HTTP statuses are counted in a table indexed by status; anything else is "other". */
#define STATUS_SLOTS 600

struct run {
    const char *url;
    const char *body; /* NULL = GET */
    size_t body_len;
    struct curl_slist *headers;
    unsigned long requests;
    unsigned long concurrency;
    long timeout_ms;
    double max_seconds;

    unsigned long started;
    unsigned long finished;
    unsigned long answered; /* got an HTTP status */
    unsigned long status[STATUS_SLOTS];
    unsigned long status_other;
    unsigned long transport_errors;
    char first_error[CURL_ERROR_SIZE]; /* the first transport error, for the report */
    double *latency_ms;                /* one per finished request with an answer */
};

static size_t discard(char *data, size_t size, size_t nmemb, void *userdata)
{
    (void)data;
    (void)userdata;
    return size * nmemb;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted @p v (n > 0). */
static double percentile(const double *v, size_t n, double p)
{
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

static CURL *make_handle(const struct run *r)
{
    CURL *easy = curl_easy_init();
    if (easy == NULL)
        return NULL;
    curl_easy_setopt(easy, CURLOPT_URL, r->url);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    if (r->body != NULL) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    return easy;
}

static void record(struct run *r, CURL *easy, CURLcode result, const char *errbuf)
{
    r->finished++;
    if (result != CURLE_OK) {
        if (r->transport_errors++ == 0)
            snprintf(r->first_error, sizeof(r->first_error), "%s: %s", curl_easy_strerror(result),
                     errbuf);
        return;
    }
    long code = 0;
    curl_off_t total_us = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
    if (code > 0 && code < STATUS_SLOTS)
        r->status[code]++;
    else
        r->status_other++;
    r->latency_ms[r->answered++] = (double)total_us / 1000.0;
}

/* Run the requests; returns false only when libcurl itself failed. */
static bool run_all(struct run *r)
{
    bool ok = false;
    size_t n_handles = r->concurrency < r->requests ? r->concurrency : r->requests;
    CURLM *multi = curl_multi_init();
    CURL **handles = calloc(n_handles, sizeof(*handles));
    char(*errbufs)[CURL_ERROR_SIZE] = calloc(n_handles, sizeof(*errbufs));
    if (multi == NULL || handles == NULL || errbufs == NULL)
        goto out;
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)n_handles);
    for (size_t i = 0; i < n_handles; i++) {
        handles[i] = make_handle(r);
        if (handles[i] == NULL)
            goto out;
        curl_easy_setopt(handles[i], CURLOPT_ERRORBUFFER, errbufs[i]);
        curl_easy_setopt(handles[i], CURLOPT_PRIVATE, errbufs[i]);
        if (curl_multi_add_handle(multi, handles[i]) != CURLM_OK)
            goto out;
        r->started++;
    }

    double deadline = now_s() + r->max_seconds;
    int running = 1;
    while (r->finished < r->started) {
        if (curl_multi_perform(multi, &running) != CURLM_OK)
            goto out;
        int left = 0;
        for (;;) {
            CURLMsg *msg = curl_multi_info_read(multi, &left);
            if (msg == NULL)
                break;
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *easy = msg->easy_handle;
            CURLcode result = msg->data.result;
            char *errbuf = NULL;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, &errbuf);
            record(r, easy, result, errbuf);
            curl_multi_remove_handle(multi, easy);
            if (r->started < r->requests && now_s() < deadline) {
                errbuf[0] = '\0';
                if (curl_multi_add_handle(multi, easy) != CURLM_OK)
                    goto out;
                r->started++;
            }
        }
        if (r->finished >= r->started)
            break;
        if (now_s() > deadline + (double)r->timeout_ms / 1000.0 + 1.0)
            break; /* Bounded: the timeout of every transfer has passed; give up on stragglers. */
        if (curl_multi_poll(multi, NULL, 0, 50, NULL) != CURLM_OK)
            goto out;
    }
    ok = true;
out:
    if (handles != NULL) {
        for (size_t i = 0; i < n_handles; i++) {
            if (handles[i] != NULL) {
                curl_multi_remove_handle(multi, handles[i]);
                curl_easy_cleanup(handles[i]);
            }
        }
    }
    free(handles);
    free(errbufs);
    curl_multi_cleanup(multi);
    return ok;
}

/* Print @p s as a JSON string (quotes included). */
static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void report(struct run *r, double wall_s)
{
    printf("{\"requests\":%lu,\"concurrency\":%lu,\"started\":%lu,\"finished\":%lu,"
           "\"answered\":%lu,\"transport_errors\":%lu,\"wall_s\":%.6f,\"status\":{",
           r->requests, r->concurrency, r->started, r->finished, r->answered, r->transport_errors,
           wall_s);
    bool first = true;
    for (int code = 0; code < STATUS_SLOTS; code++) {
        if (r->status[code] == 0)
            continue;
        printf("%s\"%d\":%lu", first ? "" : ",", code, r->status[code]);
        first = false;
    }
    if (r->status_other > 0)
        printf("%s\"other\":%lu", first ? "" : ",", r->status_other);
    printf("},\"first_error\":");
    print_json_string(r->first_error);
    if (r->answered > 0) {
        double sum = 0;
        for (size_t i = 0; i < r->answered; i++)
            sum += r->latency_ms[i];
        double *sorted = malloc(r->answered * sizeof(*sorted));
        if (sorted != NULL) {
            memcpy(sorted, r->latency_ms, r->answered * sizeof(*sorted));
            qsort(sorted, r->answered, sizeof(*sorted), compare_double);
            printf(",\"latency_ms\":{\"min\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
                   "\"max\":%.3f,\"mean\":%.3f}",
                   sorted[0], percentile(sorted, r->answered, 50),
                   percentile(sorted, r->answered, 90), percentile(sorted, r->answered, 99),
                   sorted[r->answered - 1], sum / (double)r->answered);
            free(sorted);
        }
    }
    printf("}\n");
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
    size_t n = fread(data, 1, MAX_BODY_BYTES + 1, f);
    if (ferror(f) || n > MAX_BODY_BYTES) {
        free(data);
        data = NULL;
        goto out;
    }
    data[n] = '\0';
    *len = n;
out:
    fclose(f);
    return data;
}

static bool parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    if (text == NULL || text[0] == '\0' || text[0] == '-')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static int usage(FILE *to, int status)
{
    fputs("Usage: bench-latency --url URL [--body FILE] [--header 'Name: value']...\n"
          "                     [-n REQUESTS] [-c CONCURRENCY] [--timeout-ms T]\n"
          "                     [--max-seconds S] [--samples FILE]\n"
          "POST FILE (GET without --body) REQUESTS times, CONCURRENCY at a time, and print\n"
          "one JSON object: statuses, errors, wall time, latency percentiles (ms).\n",
          to);
    return status;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"url", required_argument, NULL, 'u'},
        {"body", required_argument, NULL, 'b'},
        {"header", required_argument, NULL, 'H'},
        {"requests", required_argument, NULL, 'n'},
        {"concurrency", required_argument, NULL, 'c'},
        {"timeout-ms", required_argument, NULL, 't'},
        {"max-seconds", required_argument, NULL, 'm'},
        {"samples", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct run r = {.requests = 100, .concurrency = 10, .timeout_ms = 30000, .max_seconds = 120};
    const char *body_path = NULL, *samples_path = NULL;
    const char *headers[MAX_HEADERS];
    size_t header_count = 0;
    unsigned long v = 0;
    for (;;) {
        int c = getopt_long(argc, argv, "n:c:H:", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'u':
            r.url = optarg;
            break;
        case 'b':
            body_path = optarg;
            break;
        case 'H':
            if (header_count == MAX_HEADERS)
                return usage(stderr, 2);
            headers[header_count++] = optarg;
            break;
        case 'n':
            if (!parse_ulong(optarg, 1, MAX_REQUESTS, &r.requests))
                return usage(stderr, 2);
            break;
        case 'c':
            if (!parse_ulong(optarg, 1, MAX_CONCURRENCY, &r.concurrency))
                return usage(stderr, 2);
            break;
        case 't':
            if (!parse_ulong(optarg, 1, 3600000ul, &v))
                return usage(stderr, 2);
            r.timeout_ms = (long)v;
            break;
        case 'm':
            if (!parse_ulong(optarg, 1, 3600ul, &v))
                return usage(stderr, 2);
            r.max_seconds = (double)v;
            break;
        case 's':
            samples_path = optarg;
            break;
        case 'h':
            return usage(stdout, 0);
        default:
            return usage(stderr, 2);
        }
    }
    if (r.url == NULL || optind != argc)
        return usage(stderr, 2);

    int rc = 1;
    char *body = NULL;
    if (body_path != NULL) {
        body = read_file(body_path, &r.body_len);
        if (body == NULL) {
            fprintf(stderr, "bench-latency: cannot read %s (missing, or over %u bytes)\n",
                    body_path, MAX_BODY_BYTES);
            return 1;
        }
        r.body = body;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("bench-latency: curl_global_init failed\n", stderr);
        goto out_body;
    }
    /* No 100-continue round trip: it would add a wait to every POST. */
    r.headers = curl_slist_append(NULL, "Expect:");
    for (size_t i = 0; r.headers != NULL && i < header_count; i++) {
        struct curl_slist *next = curl_slist_append(r.headers, headers[i]);
        if (next == NULL) {
            curl_slist_free_all(r.headers);
            r.headers = NULL;
        }
    }
    r.latency_ms = calloc(r.requests, sizeof(*r.latency_ms));
    if (r.headers == NULL || r.latency_ms == NULL) {
        fputs("bench-latency: out of memory\n", stderr);
        goto out_curl;
    }

    double t0 = now_s();
    if (!run_all(&r)) {
        fputs("bench-latency: libcurl multi failed\n", stderr);
        goto out_curl;
    }
    report(&r, now_s() - t0);
    if (samples_path != NULL) {
        FILE *f = fopen(samples_path, "w");
        if (f == NULL) {
            fprintf(stderr, "bench-latency: cannot write %s\n", samples_path);
            goto out_curl;
        }
        for (size_t i = 0; i < r.answered; i++)
            fprintf(f, "%.3f\n", r.latency_ms[i]);
        fclose(f);
    }
    rc = r.answered == r.requests ? 0 : 1;
out_curl:
    free(r.latency_ms);
    curl_slist_free_all(r.headers);
    curl_global_cleanup();
out_body:
    free(body);
    return rc;
}
