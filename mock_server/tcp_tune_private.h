/*
 * Socket tuning for slow_read. Reading slowly is not enough on loopback: with a 64 KiB MSS a
 * client's send buffer grows to 4 MiB and the server's receive buffer takes hundreds of KB
 * more, so a whole body is taken at once. While a scenario with slow_read is in force the
 * listening socket offers an Ethernet-sized MSS and a tiny receive buffer, which new
 * connections inherit from the handshake on; an older keep-alive connection gets the small
 * buffer when slow_read picks it (docs/mock.md).
 */
#ifndef ESOMOCK_TCP_TUNE_PRIVATE_H
#define ESOMOCK_TCP_TUNE_PRIVATE_H

#include <stdbool.h>

#include <microhttpd.h>

/*
 * Tune @p daemon's listening socket for slow_read (small MSS and receive buffer) or back;
 * *@p tuned says how it is set now. No-op with no daemon, or untuned and not for slow_read.
 */
void esomock__listen_tune(struct MHD_Daemon *daemon, bool *tuned, bool slow_read);

/* Shrink @p conn's receive buffer so its client's writes really stall (best effort). */
void esomock__connection_shrink_receive_buffer(struct MHD_Connection *conn);

#endif
