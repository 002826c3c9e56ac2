/*
 * The transport settings of a client: what every transfer shares (user agent, body
 * limit, pool wait), the pool of single calls' connections, or the caller's hook
 * instead of libcurl. The drivers (driver.c) run transfers with them.
 */
#ifndef ESOLOGS_TRANSPORT_PRIVATE_H
#define ESOLOGS_TRANSPORT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <esologs/options.h>

#include "clock_private.h"
#include "pool_private.h"
#include "request_private.h"

struct eso__transport {
    struct eso__pool pool;
    const struct eso_transport *hook; /* non-NULL: no libcurl */
    const struct eso__clock *clk;
    char *user_agent;
    size_t max_body;
    uint64_t pool_timeout_ns;
};

/* 0 or ESO_OUT_OF_MEMORY. @p user_agent is copied; @p hook and @p clk are borrowed. */
int eso__transport_init(struct eso__transport *t, const struct eso_transport *hook,
                        const struct eso__clock *clk, const char *user_agent, size_t max_body,
                        unsigned max_connections, unsigned max_keepalive, uint64_t pool_timeout_ns);
void eso__transport_finish(struct eso__transport *t);

#endif
