/*
 * A raw HTTP server for client tests: answers what eso-mock cannot send because it is
 * not valid HTTP or too big for a scenario (endless headers, a header line past
 * libcurl's limit, a 4 MB token answer). 127.0.0.1, port 0; one thread, one
 * connection at a time; every connection gets the same canned answer.
 */
#ifndef CLIENT_WIRE_SERVER_H
#define CLIENT_WIRE_SERVER_H

#include <stddef.h>

enum wire_answer {
    WIRE_ENDLESS_HEADERS = 0, /* "200 OK" then header lines until the client goes */
    WIRE_LONG_HEADER = 1,     /* one 300 000-byte header line */
    WIRE_HUGE_TOKEN = 2,      /* a valid token answer whose access_token is 4 MB */
};

struct wire_server;

/* Start it; returns NULL on failure. */
struct wire_server *wire_server_start(enum wire_answer answer);

/* "http://127.0.0.1:PORT", valid until wire_server_stop(). */
const char *wire_server_url(const struct wire_server *ws);

/* Connections it accepted so far. */
size_t wire_server_connections(struct wire_server *ws);

/* Stop and free (NULL is a no-op). */
void wire_server_stop(struct wire_server *ws);

#endif
