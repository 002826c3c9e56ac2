#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "blackhole_private.h"

void esomock__blackhole_init(struct esomock_blackhole *bh)
{
    bh->listen_fd = -1;
    for (int i = 0; i < ESOMOCK_BLACKHOLE_FILLERS; i++)
        bh->fillers[i] = -1;
    bh->port = 0;
}

enum esomock_status esomock__blackhole_open(struct esomock_blackhole *bh, const char *host,
                                            char *err)
{
    esomock__blackhole_init(bh);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *ai = NULL;
    if (getaddrinfo(host, "0", &hints, &ai) != 0 || ai == NULL) {
        snprintf(err, ESOMOCK_ERROR_SIZE, "blackhole: cannot resolve %s", host);
        return ESOMOCK_BIND_FAILED;
    }
    struct sockaddr_storage addr;
    socklen_t len = (socklen_t)ai->ai_addrlen;
    bh->listen_fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    /* Backlog 0: the kernel's accept queue holds one connection, then drops SYNs. */
    bool ok = bh->listen_fd >= 0 && bind(bh->listen_fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
              listen(bh->listen_fd, 0) == 0 &&
              getsockname(bh->listen_fd, (struct sockaddr *)&addr, &len) == 0;
    freeaddrinfo(ai);
    if (!ok) {
        snprintf(err, ESOMOCK_ERROR_SIZE, "blackhole: cannot listen on %s: %s", host,
                 strerror(errno));
        esomock__blackhole_close(bh);
        return ESOMOCK_BIND_FAILED;
    }
    bh->port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                : ((struct sockaddr_in *)&addr)->sin_port);
    /* A wildcard bind is reached through loopback. */
    if (addr.ss_family == AF_INET && ((struct sockaddr_in *)&addr)->sin_addr.s_addr == 0)
        ((struct sockaddr_in *)&addr)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (addr.ss_family == AF_INET6 &&
        IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&addr)->sin6_addr))
        ((struct sockaddr_in6 *)&addr)->sin6_addr = in6addr_loopback;
    for (int i = 0; i < ESOMOCK_BLACKHOLE_FILLERS; i++) {
        bh->fillers[i] = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (bh->fillers[i] < 0)
            continue;
        /* Non-blocking: the first completes into the queue, the rest wait in SYN-SENT. */
        if (connect(bh->fillers[i], (struct sockaddr *)&addr, len) != 0 && errno != EINPROGRESS) {
            close(bh->fillers[i]);
            bh->fillers[i] = -1;
        }
    }
    return ESOMOCK_OK;
}

void esomock__blackhole_close(struct esomock_blackhole *bh)
{
    for (int i = 0; i < ESOMOCK_BLACKHOLE_FILLERS; i++) {
        if (bh->fillers[i] >= 0)
            close(bh->fillers[i]);
    }
    if (bh->listen_fd >= 0)
        close(bh->listen_fd);
    esomock__blackhole_init(bh);
}
