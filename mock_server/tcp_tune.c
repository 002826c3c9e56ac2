/* Socket tuning for slow_read (tcp_tune_private.h). */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "tcp_tune_private.h"

/*
 * An Ethernet-sized MSS and a tiny receive buffer (Linux doubles the value). Measured on
 * Linux 6.18: a client's send stalls after about 45-60 KB of body (docs/mock.md).
 */
#define SLOW_READ_MSS 1460
#define SLOW_READ_RCVBUF 2048
/* Afterwards: Linux caps it at net.core.rmem_max (then doubles it), ample for loopback. */
#define RESTORED_RCVBUF (4 * 1024 * 1024)

/*
 * slow_read: shrink the socket's receive buffer, so the kernel cannot take in the whole
 * body on the server's behalf (by default it holds hundreds of KB) and the client's
 * writes really stall. Best effort: the answer is the same without it.
 */
void esomock__connection_shrink_receive_buffer(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL)
        return;
    int size = SLOW_READ_RCVBUF;
    (void)setsockopt(info->connect_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

void esomock__listen_tune(struct MHD_Daemon *daemon, bool *tuned, bool slow_read)
{
    if (daemon == NULL || (!slow_read && !*tuned))
        return;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_LISTEN_FD);
    if (info == NULL)
        return;
    /* Accepted sockets inherit both, from the handshake on: before libmicrohttpd (maybe late
     * under load) has accepted the connection, let alone read a header. MSS 0 restores the
     * route's; SO_RCVBUF cannot go back to autotuning, so it becomes a generous fixed size. */
    int mss = slow_read ? SLOW_READ_MSS : 0;
    int rcvbuf = slow_read ? SLOW_READ_RCVBUF : RESTORED_RCVBUF;
    (void)setsockopt(info->listen_fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
    (void)setsockopt(info->listen_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    *tuned = slow_read;
}
