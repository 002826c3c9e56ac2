/* A raw HTTP server for client tests (see wire_server.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "wire_server.h"

#define TOKEN_BYTES (4u << 20)

struct wire_server {
    int listen_fd;
    pthread_mutex_t lock;
    int conn_fd; /* the connection being served, -1 when none (under lock) */
    atomic_bool stopping;
    atomic_size_t connections;
    enum wire_answer answer;
    pthread_t thread;
    char url[64];
};

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Read the request head and its Content-Length body (bounded; errors end it early). */
static void read_request(int fd)
{
    char buf[16384];
    size_t len = 0;
    char *end = NULL;
    while (len < sizeof buf - 1) {
        ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (r <= 0)
            return;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end != NULL)
            break;
    }
    if (end == NULL)
        return;
    size_t body = 0;
    for (char *line = buf; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "Content-Length:", 15) == 0)
            body = strtoul(line + 15, NULL, 10);
    }
    size_t have = len - (size_t)(end + 4 - buf);
    while (have < body) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0)
            return;
        have += (size_t)r;
    }
}

static void answer(struct wire_server *ws, int fd)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    if (!send_all(fd, head, sizeof head - 1))
        return;
    switch (ws->answer) {
    case WIRE_ENDLESS_HEADERS:
        for (unsigned long i = 0; !atomic_load(&ws->stopping); i++) {
            char line[96];
            int n = snprintf(line, sizeof line, "X-Filler-%lu: %s\r\n", i,
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
            if (!send_all(fd, line, (size_t)n))
                return;
        }
        return;
    case WIRE_LONG_HEADER: {
        size_t n = 300000;
        char *line = malloc(n + 16);
        if (line == NULL)
            return;
        memcpy(line, "X-Long: ", 8);
        memset(line + 8, 'a', n);
        memcpy(line + 8 + n, "\r\n\r\n", 4);
        send_all(fd, line, n + 12);
        free(line);
        return;
    }
    case WIRE_HUGE_TOKEN: {
        static const char pre[] = "{\"token_type\":\"Bearer\",\"expires_in\":3600,"
                                  "\"access_token\":\"";
        static const char post[] = "\"}";
        size_t body = sizeof pre - 1 + TOKEN_BYTES + sizeof post - 1;
        char *buf = malloc(body + 128);
        if (buf == NULL)
            return;
        int h = snprintf(buf, 128, "Content-Length: %zu\r\n\r\n", body);
        char *p = buf + h;
        memcpy(p, pre, sizeof pre - 1);
        memset(p + sizeof pre - 1, 'a', TOKEN_BYTES);
        memcpy(p + sizeof pre - 1 + TOKEN_BYTES, post, sizeof post - 1);
        send_all(fd, buf, (size_t)h + body);
        free(buf);
        return;
    }
    }
}

static void *serve(void *arg)
{
    struct wire_server *ws = arg;
    for (;;) {
        int fd = accept(ws->listen_fd, NULL, NULL);
        if (fd < 0 || atomic_load(&ws->stopping)) {
            if (fd >= 0)
                close(fd);
            return NULL;
        }
        atomic_fetch_add(&ws->connections, 1);
        /* Never stuck on a client that neither reads nor goes away. */
        struct timeval tv = {.tv_sec = 5};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        pthread_mutex_lock(&ws->lock);
        ws->conn_fd = fd;
        pthread_mutex_unlock(&ws->lock);
        read_request(fd);
        answer(ws, fd);
        pthread_mutex_lock(&ws->lock);
        ws->conn_fd = -1;
        close(fd);
        pthread_mutex_unlock(&ws->lock);
    }
}

struct wire_server *wire_server_start(enum wire_answer answer_kind)
{
    struct wire_server *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return NULL;
    ws->answer = answer_kind;
    ws->conn_fd = -1;
    pthread_mutex_init(&ws->lock, NULL);
    ws->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (ws->listen_fd < 0 || bind(ws->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(ws->listen_fd, 16) != 0 ||
        getsockname(ws->listen_fd, (struct sockaddr *)&a, &alen) != 0 ||
        pthread_create(&ws->thread, NULL, serve, ws) != 0) {
        if (ws->listen_fd >= 0)
            close(ws->listen_fd);
        pthread_mutex_destroy(&ws->lock);
        free(ws);
        return NULL;
    }
    snprintf(ws->url, sizeof ws->url, "http://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    return ws;
}

const char *wire_server_url(const struct wire_server *ws)
{
    return ws->url;
}

size_t wire_server_connections(struct wire_server *ws)
{
    return atomic_load(&ws->connections);
}

void wire_server_stop(struct wire_server *ws)
{
    if (ws == NULL)
        return;
    atomic_store(&ws->stopping, true);
    shutdown(ws->listen_fd, SHUT_RDWR); /* wakes accept() */
    pthread_mutex_lock(&ws->lock);
    if (ws->conn_fd >= 0)
        shutdown(ws->conn_fd, SHUT_RDWR); /* and a send() or recv() on the current one */
    pthread_mutex_unlock(&ws->lock);
    pthread_join(ws->thread, NULL);
    close(ws->listen_fd);
    pthread_mutex_destroy(&ws->lock);
    free(ws);
}
