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

struct esomock_op_counters {
    char name[129];
    uint64_t requests;
    uint64_t faults[ESOMOCK_ACTION_COUNT]; /* by action; PASS counts delayed passes only */
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

/* Count one finished request. @p operation may be "" (non-GraphQL); @p faulted says whether
 * @p action was a scripted fault. */
void esomock__metrics_count(struct esomock_metrics *m, const char *operation,
                            enum esomock_action action, bool faulted, int status);

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
