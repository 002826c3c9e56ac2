/* The transport settings of a client. */
#include <stdlib.h>
#include <string.h>

#include <esologs/status.h>

#include "transport_private.h"

int eso__transport_init(struct eso__transport *t, const struct eso_transport *hook,
                        const struct eso__clock *clk, const char *user_agent, size_t max_body,
                        unsigned max_connections, unsigned max_keepalive, uint64_t pool_timeout_ns)
{
    memset(t, 0, sizeof *t);
    t->user_agent = strdup(user_agent);
    if (t->user_agent == NULL)
        return ESO_OUT_OF_MEMORY;
    t->hook = hook != NULL && hook->perform != NULL ? hook : NULL;
    t->clk = clk;
    t->max_body = max_body;
    t->pool_timeout_ns = pool_timeout_ns;
    eso__pool_init(&t->pool, max_connections, max_keepalive, t->user_agent, clk);
    return 0;
}

void eso__transport_finish(struct eso__transport *t)
{
    eso__pool_finish(&t->pool);
    free(t->user_agent);
    t->user_agent = NULL;
}
