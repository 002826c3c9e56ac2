/* Monotonic time in milliseconds and the time-scale factor applied to durations. */
#ifndef ESOMOCK_CLOCK_PRIVATE_H
#define ESOMOCK_CLOCK_PRIVATE_H

/* Milliseconds on CLOCK_MONOTONIC, with sub-millisecond fraction. */
double esomock__now_ms(void);

/* Absolute CLOCK_MONOTONIC timespec @p ms milliseconds from now. */
struct timespec esomock__deadline_after_ms(double ms);

#endif
