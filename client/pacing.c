/* Pacing between request starts. */
#include "clock_private.h"
#include "pacing_private.h"

void eso__pacing_init(struct eso__pacing *p, uint64_t min_interval_ns, bool points_aware,
                      unsigned reserve_pct, double scale)
{
    pthread_mutex_init(&p->lock, NULL);
    p->min_interval_ns = min_interval_ns;
    p->points_aware = points_aware;
    p->reserve_pct = reserve_pct > 100 ? 100 : reserve_pct;
    p->scale = scale;
    p->have_last = false;
    p->last_start_ns = 0;
    p->have_points = false;
    p->refreshing = false;
    p->refresh_not_before_ns = 0;
}

void eso__pacing_finish(struct eso__pacing *p)
{
    pthread_mutex_destroy(&p->lock);
}

/* Caller holds the lock. */
static uint64_t points_interval_locked(struct eso__pacing *p, uint64_t now)
{
    if (!p->points_aware || !p->have_points)
        return 0;
    if (now >= p->reset_at_ns) {
        /* The hour rolled over: a fresh budget, nothing learnt about it yet. */
        p->have_points = false;
        return 0;
    }
    uint64_t left_ns = p->reset_at_ns - now;
    double usable = p->limit_per_hour * (100.0 - p->reserve_pct) / 100.0;
    double left_points = usable - p->spent - p->local_spent;
    if (left_points < 1.0)
        return left_ns; /* nothing left: wait for the reset */
    return (uint64_t)((double)left_ns / left_points);
}

uint64_t eso__pacing_points_interval(struct eso__pacing *p, uint64_t now)
{
    pthread_mutex_lock(&p->lock);
    uint64_t d = points_interval_locked(p, now);
    pthread_mutex_unlock(&p->lock);
    return d;
}

uint64_t eso__pacing_reserve(struct eso__pacing *p, uint64_t now, uint64_t limit_ns)
{
    pthread_mutex_lock(&p->lock);
    uint64_t interval = p->min_interval_ns;
    uint64_t pts = points_interval_locked(p, now);
    if (pts > interval)
        interval = pts;
    uint64_t start = now;
    if (p->have_last && interval > 0) {
        uint64_t next = eso__sat_add(p->last_start_ns, interval);
        if (next > start)
            start = next;
    }
    uint64_t wait = start - now;
    if (wait > limit_ns) {
        pthread_mutex_unlock(&p->lock);
        return UINT64_MAX;
    }
    p->have_last = true;
    p->last_start_ns = start;
    if (p->have_points)
        p->local_spent += 1.0;
    pthread_mutex_unlock(&p->lock);
    return wait;
}

void eso__pacing_observe(struct eso__pacing *p, uint64_t now, double limit_per_hour, double spent,
                         double reset_in_s)
{
    pthread_mutex_lock(&p->lock);
    p->have_points = true;
    p->observed_at_ns = now;
    p->limit_per_hour = limit_per_hour;
    p->spent = spent;
    p->reset_at_ns = eso__sat_add(now, eso__scale_s(p->scale, reset_in_s));
    p->local_spent = 0;
    pthread_mutex_unlock(&p->lock);
}

bool eso__pacing_refresh_begin(struct eso__pacing *p, uint64_t now, uint64_t max_age_ns)
{
    pthread_mutex_lock(&p->lock);
    /* @p now was read before the lock: another thread may have observed since (later). */
    bool stale =
        !p->have_points || (now > p->observed_at_ns && now - p->observed_at_ns > max_age_ns);
    bool go = p->points_aware && stale && !p->refreshing && now >= p->refresh_not_before_ns;
    if (go)
        p->refreshing = true;
    pthread_mutex_unlock(&p->lock);
    return go;
}

bool eso__pacing_refresh_end(struct eso__pacing *p, uint64_t started, uint64_t now, bool answered,
                             uint64_t backoff_ns)
{
    pthread_mutex_lock(&p->lock);
    bool ok = answered && p->have_points && p->observed_at_ns >= started;
    p->refreshing = false;
    p->refresh_not_before_ns = ok ? 0 : eso__sat_add(now, backoff_ns);
    pthread_mutex_unlock(&p->lock);
    return ok;
}
