/* Counters for GET /__admin/metrics, in the Prometheus text format. */
#ifndef ESOMOCK_METRICS_PRIVATE_H
#define ESOMOCK_METRICS_PRIVATE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario_private.h"

/* Distinct operations tracked; more are counted under "other" so memory stays bounded. */
#define ESOMOCK_METRICS_MAX_OPERATIONS 128
#define ESOMOCK_ACTION_COUNT (ESOMOCK_ACTION_SLOW_READ + 1)
/* Fault kinds: the actions, then "delay" (a pass step with a delay), as journals name them. */
#define ESOMOCK_FAULT_KIND_DELAY ESOMOCK_ACTION_COUNT
#define ESOMOCK_FAULT_KIND_COUNT (ESOMOCK_ACTION_COUNT + 1)

/* Labels for requests with no GraphQL operation, so their faults are counted too. */
#define ESOMOCK_METRICS_TOKEN "(token)"       /* POST /oauth/token */
#define ESOMOCK_METRICS_NO_OPERATION "(none)" /* a GraphQL request with no operation */
#define ESOMOCK_METRICS_UNROUTED "(unrouted)" /* 404 and 405 answers */

struct esomock_op_counters {
    char name[129];
    uint64_t requests;
    uint64_t faults[ESOMOCK_FAULT_KIND_COUNT]; /* by kind */
};

struct esomock_metrics {
    pthread_mutex_t lock;
    struct esomock_op_counters ops[ESOMOCK_METRICS_MAX_OPERATIONS + 1]; /* last: "other" */
    size_t op_count;
    uint64_t by_status_class[6]; /* index status / 100; [0] = no status sent */
    uint64_t rate_limited;
    uint64_t unauthorized;
};

void esomock__metrics_init(struct esomock_metrics *m);
void esomock__metrics_finish(struct esomock_metrics *m);

/* Count one finished request under @p operation (a name or one of the labels above);
 * @p step is the scripted step applied, NULL when none. */
void esomock__metrics_count(struct esomock_metrics *m, const char *operation,
                            const struct esomock_step *step, int status);

void esomock__metrics_count_rate_limited(struct esomock_metrics *m);
void esomock__metrics_count_unauthorized(struct esomock_metrics *m);

/* Gauges that live elsewhere, sampled when the text is made. */
struct esomock_gauges {
    uint64_t in_flight;
    uint64_t waiting; /* suspended by delays, hangs, drips */
    double points_remaining;
    double points_limit;
    uint64_t journal_dropped;
};

/* The metrics page; a malloc'd string the caller frees, or NULL when out of memory. */
char *esomock__metrics_render(struct esomock_metrics *m, const struct esomock_gauges *g);

#endif
