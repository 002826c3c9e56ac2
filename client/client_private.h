/* The client's face (client.c): what runs calls of its own on behalf of others. */
#ifndef ESOLOGS_CLIENT_PRIVATE_H
#define ESOLOGS_CLIENT_PRIVATE_H

#include <stdint.h>

#include "handle_private.h"

/*
 * Refresh points-aware pacing's rateLimitData when stale (not for getRateLimitData
 * itself): one request, finished by @p deadline_ns (at most half the time left),
 * run as a call of its own whose call_start/call_end carry reason "pacing_refresh",
 * then reported as ESO_EV_PACING_REFRESH on @p parent's call (NULL = none).
 */
struct eso__call;
void eso__client_refresh_points(struct eso_client *c, const char *operation,
                                const struct eso__call *parent, uint64_t deadline_ns);

#endif
