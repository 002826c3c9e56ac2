/*
 * What a running server saw, for the C API (esomock/journal.h, esomock_server_metrics) and
 * the admin API: copies of the journal, waits on it, and the metrics page.
 */
#include <stdatomic.h>

#include <esomock/journal.h>
#include <esomock/server.h>

#include "handle_private.h"
#include "journal_private.h"
#include "metrics_private.h"
#include "observe_private.h"
#include "ratelimit_private.h"
#include "timer_private.h"

enum esomock_status esomock_server_journal(struct esomock_server *srv,
                                           const struct esomock_journal_filter *filter,
                                           struct esomock_journal_entry **out, size_t *count)
{
    if (srv == NULL || out == NULL || count == NULL)
        return ESOMOCK_BAD_ARGUMENT;
    if (esomock__journal_copy(&srv->journal, filter, out, count) != 0)
        return ESOMOCK_OUT_OF_MEMORY;
    return ESOMOCK_OK;
}

size_t esomock_server_wait_for_requests(struct esomock_server *srv,
                                        const struct esomock_journal_filter *filter, size_t count,
                                        bool completed, unsigned timeout_ms)
{
    if (srv == NULL)
        return 0;
    return esomock__journal_wait(&srv->journal, filter, count, completed, timeout_ms);
}

void esomock_server_journal_clear(struct esomock_server *srv)
{
    if (srv != NULL)
        esomock__journal_clear(&srv->journal);
}

uint64_t esomock_server_journal_dropped(struct esomock_server *srv)
{
    return srv != NULL ? esomock__journal_dropped(&srv->journal, NULL) : 0;
}

char *esomock__metrics_page(struct esomock_server *srv)
{
    struct esomock_budget b = esomock__ratelimit_snapshot(&srv->ratelimit);
    struct esomock_gauges g = {
        .in_flight = atomic_load(&srv->in_flight),
        .waiting = esomock__timer_waiting(srv->timer),
        .points_remaining = b.limit_per_hour - b.spent,
        .points_limit = b.limit_per_hour,
        .journal_dropped = esomock__journal_dropped(&srv->journal, NULL),
    };
    return esomock__metrics_render(&srv->metrics, &g);
}

char *esomock_server_metrics(struct esomock_server *srv)
{
    return srv != NULL ? esomock__metrics_page(srv) : NULL;
}
