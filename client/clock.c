/* Time: the injectable clock, the time scale, and scaled durations. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "clock_private.h"

uint64_t eso__real_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t real_now(void *ud)
{
    (void)ud;
    return eso__real_now_ns();
}

static void real_sleep(void *ud, uint64_t ns)
{
    (void)ud;
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                          .tv_nsec = (long)(ns % 1000000000u)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int64_t real_wall(void *ud)
{
    (void)ud;
    return (int64_t)time(NULL);
}

void eso__clock_init(struct eso__clock *clk, const struct eso_clock *user, double scale)
{
    clk->hooks.now_ns = real_now;
    clk->hooks.sleep_ns = real_sleep;
    clk->hooks.wall_s = real_wall;
    clk->hooks.userdata = NULL;
    if (user != NULL && user->now_ns != NULL && user->sleep_ns != NULL) {
        clk->hooks.now_ns = user->now_ns;
        clk->hooks.sleep_ns = user->sleep_ns;
        clk->hooks.wall_s = user->wall_s != NULL ? user->wall_s : real_wall;
        clk->hooks.userdata = user->userdata;
    }
    clk->scale = scale;
}

uint64_t eso__clock_now(const struct eso__clock *clk)
{
    return clk->hooks.now_ns(clk->hooks.userdata);
}

void eso__clock_sleep(const struct eso__clock *clk, uint64_t ns)
{
    if (ns > 0)
        clk->hooks.sleep_ns(clk->hooks.userdata, ns);
}

int64_t eso__clock_wall(const struct eso__clock *clk)
{
    return clk->hooks.wall_s(clk->hooks.userdata);
}

uint64_t eso__scale_s(double scale, double seconds)
{
    if (!(seconds > 0))
        return 0;
    double ns = seconds * scale * 1e9;
    if (!(ns < 1.8e19))
        return UINT64_MAX;
    /* Not llround(): past LLONG_MAX its result is unspecified; this conversion is exact. */
    return (uint64_t)(ns + 0.5);
}

uint64_t eso__scale_ms(double scale, uint32_t ms)
{
    if (ms == ESO_NEVER)
        return UINT64_MAX;
    return eso__scale_s(scale, (double)ms / 1000.0);
}

double eso__time_scale_env(void)
{
    const char *v = getenv("ESO_TIME_SCALE");
    if (v == NULL || *v == '\0')
        return 1.0;
    char *end = NULL;
    errno = 0;
    double d = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !isfinite(d) || d <= 0)
        return 1.0;
    return d;
}

void eso__monotonic_after(struct timespec *ts, uint64_t wait_ns)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    uint64_t ns = (uint64_t)ts->tv_nsec + wait_ns % 1000000000u;
    uint64_t secs = wait_ns / 1000000000u + ns / 1000000000u;
    /* 68 years is forever here; the cap keeps the sum below overflow. */
    if (secs > (uint64_t)INT32_MAX)
        secs = INT32_MAX;
    ts->tv_sec += (time_t)secs;
    ts->tv_nsec = (long)(ns % 1000000000u);
}

uint64_t eso__sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
