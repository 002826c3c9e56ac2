/*
 * bench-baseline-server: the machine's ceiling for the throughput bench. A minimal
 * libmicrohttpd server, configured like eso-mock (internal epoll threads, a pool of
 * N threads, suspend/resume allowed) that reads and discards every request body and
 * answers 200 with the same fixed bytes every time. Whatever eso-mock spends above
 * this is eso-mock's own work: parsing, matching, the journal, metrics.
 *
 *   bench-baseline-server --body FILE [--port N] [--port-file FILE] [--threads N]
 *
 * The first line on stdout is "listening on http://127.0.0.1:PORT"; SIGINT or
 * SIGTERM stops it.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>

/* The body is a canned answer: keep it small enough that nobody mistakes this for a file server. */
#define MAX_BODY_BYTES (1024u * 1024u)

struct baseline {
    struct MHD_Response *response; /* shared by every request; MHD counts its references */
};

/* Marker stored in *req_cls once the first call for a request has been seen. */
static int request_seen;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct baseline *b = cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload_data;
    if (*req_cls == NULL) {
        /* First call: headers only. Ask for the body. */
        *req_cls = &request_seen;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        /* Discard the body, as a mock that ignored it would. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(connection, MHD_HTTP_OK, b->response);
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

static bool parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    if (text == NULL || text[0] == '\0' || text[0] == '-')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static void usage(FILE *to)
{
    fputs("Usage: bench-baseline-server --body FILE [--port N] [--port-file FILE] [--threads N]\n"
          "Answer every request on 127.0.0.1 with 200 and the bytes of FILE\n"
          "(Content-Type: application/json). Port 0 (the default) picks a free one.\n",
          to);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"body", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"port-file", required_argument, NULL, 'f'},
        {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *body_path = NULL, *port_file = NULL;
    unsigned long port = 0, threads = 2;
    for (;;) {
        int c = getopt_long(argc, argv, "", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'b':
            body_path = optarg;
            break;
        case 'p':
            if (!parse_uint(optarg, 65535, &port))
                goto usage_error;
            break;
        case 'f':
            port_file = optarg;
            break;
        case 't':
            if (!parse_uint(optarg, 256, &threads) || threads == 0)
                goto usage_error;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            goto usage_error;
        }
    }
    if (body_path == NULL || optind != argc)
        goto usage_error;

    int rc = 1;
    struct baseline b = {0};
    struct MHD_Daemon *daemon = NULL;
    size_t body_len = 0;
    char *body = read_file(body_path, &body_len);
    if (body == NULL) {
        fprintf(stderr, "bench-baseline-server: cannot read %s (missing, or over %u bytes)\n",
                body_path, MAX_BODY_BYTES);
        return 1;
    }
    b.response = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
    if (b.response == NULL ||
        MHD_add_response_header(b.response, "Content-Type", "application/json") != MHD_YES) {
        fputs("bench-baseline-server: out of memory\n", stderr);
        goto out_body;
    }

    /* Block the stop signals before MHD starts its threads, so only sigwait() sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, (uint16_t)port,
        NULL, NULL, on_request, &b, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT, 4096u,
        MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "bench-baseline-server: cannot listen on 127.0.0.1 port %lu\n", port);
        goto out_response;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned bound = info != NULL ? info->port : (unsigned)port;
    if (port_file != NULL) {
        FILE *f = fopen(port_file, "w");
        if (f == NULL || fprintf(f, "%u\n", bound) < 0 || fclose(f) != 0) {
            fprintf(stderr, "bench-baseline-server: cannot write %s\n", port_file);
            goto out_daemon;
        }
    }
    printf("listening on http://127.0.0.1:%u\n", bound);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    rc = 0;
out_daemon:
    MHD_stop_daemon(daemon);
out_response:
    MHD_destroy_response(b.response);
out_body:
    free(body);
    return rc;

usage_error:
    usage(stderr);
    return 2;
}
