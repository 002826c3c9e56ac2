/*
 * A port that never accepts: its listen queue is kept full, so new connections
 * stay in SYN-SENT and a client sees a real connect timeout (curl 28 while
 * connecting), which no HTTP-level fault can produce.
 */
#ifndef ESOMOCK_BLACKHOLE_PRIVATE_H
#define ESOMOCK_BLACKHOLE_PRIVATE_H

#include <stdint.h>

#include <esomock/error.h>

#define ESOMOCK_BLACKHOLE_FILLERS 2

struct esomock_blackhole {
    int listen_fd;
    int fillers[ESOMOCK_BLACKHOLE_FILLERS];
    uint16_t port;
};

/* Mark every socket closed (-1) without closing anything: call before open or close. */
void esomock__blackhole_init(struct esomock_blackhole *bh);

/* Open the port on @p host (numeric) and fill its queue. @p err gets ESOMOCK_ERROR_SIZE bytes. */
enum esomock_status esomock__blackhole_open(struct esomock_blackhole *bh, const char *host,
                                            char *err);

/* Close every socket; safe on a zeroed or closed blackhole. */
void esomock__blackhole_close(struct esomock_blackhole *bh);

#endif
