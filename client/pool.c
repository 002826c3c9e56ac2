/* The connection pool of single calls. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <esologs/status.h>

#include "pool_private.h"

static void lane_free(struct eso__lane *l)
{
    if (l == NULL)
        return;
    curl_multi_cleanup(l->multi);
    eso__xfer_finish(&l->xfer);
    free(l);
}

static struct eso__lane *lane_new(const struct eso__pool *p)
{
    struct eso__lane *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    if (eso__xfer_init(&l->xfer, p->user_agent, p->clk) != 0) {
        free(l);
        return NULL;
    }
    l->multi = curl_multi_init();
    if (l->multi == NULL) {
        lane_free(l);
        return NULL;
    }
    curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, 1L);
    return l;
}

void eso__pool_init(struct eso__pool *p, unsigned max_total, unsigned max_idle,
                    const char *user_agent, const struct eso__clock *clk)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &attr);
    pthread_condattr_destroy(&attr);
    p->max_total = max_total;
    p->max_idle = max_idle < max_total ? max_idle : max_total;
    p->user_agent = user_agent;
    p->clk = clk;
}

void eso__pool_finish(struct eso__pool *p)
{
    struct eso__lane *l = p->idle;
    while (l != NULL) {
        struct eso__lane *next = l->next;
        lane_free(l);
        l = next;
    }
    p->idle = NULL;
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
}

int eso__pool_acquire(struct eso__pool *p, uint64_t timeout_ns, struct eso__lane **out)
{
    int rc = ESO_POOL_TIMEOUT;
    struct timespec until;
    bool timed = timeout_ns != UINT64_MAX;
    if (timed)
        eso__monotonic_after(&until, timeout_ns);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->idle != NULL) {
            *out = p->idle;
            p->idle = p->idle->next;
            p->idle_count--;
            rc = 0;
            break;
        }
        if (p->total < p->max_total) {
            p->total++;
            pthread_mutex_unlock(&p->lock);
            struct eso__lane *l = lane_new(p);
            pthread_mutex_lock(&p->lock);
            if (l == NULL) {
                p->total--;
                pthread_cond_signal(&p->cond);
                rc = ESO_OUT_OF_MEMORY;
                break;
            }
            *out = l;
            rc = 0;
            break;
        }
        int w = timed ? pthread_cond_timedwait(&p->cond, &p->lock, &until)
                      : pthread_cond_wait(&p->cond, &p->lock);
        if (w == ETIMEDOUT) {
            rc = ESO_POOL_TIMEOUT;
            break;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void eso__pool_release(struct eso__pool *p, struct eso__lane *l)
{
    struct eso__lane *drop = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->idle_count < p->max_idle) {
        l->next = p->idle;
        p->idle = l;
        p->idle_count++;
    } else {
        drop = l;
        p->total--;
    }
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    lane_free(drop);
}
