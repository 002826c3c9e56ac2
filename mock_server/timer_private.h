/*
 * The wake-up thread behind delays, hangs and drips: a suspended connection
 * holds no worker thread; this thread resumes it at its deadline, or as soon
 * as its client hangs up (for hangs), so that 1000 hung connections cost
 * memory, not threads.
 */
#ifndef ESOMOCK_TIMER_PRIVATE_H
#define ESOMOCK_TIMER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

enum esomock_wake {
    ESOMOCK_WAKE_DEADLINE,  /* the scheduled time came */
    ESOMOCK_WAKE_PEER_GONE, /* the client closed its end while we waited */
    ESOMOCK_WAKE_SHUTDOWN,  /* the server is stopping */
};

/* Embedded in the request that waits; the timer never allocates or frees it. */
struct esomock_timer_entry {
    double at_ms; /* monotonic deadline */
    int watch_fd; /* >= 0: also wake when this socket's peer hangs up */
    size_t heap_index;
    bool armed;
    enum esomock_wake reason; /* why it woke, set before the connection is resumed */
    double woke_ms;           /* monotonic time it woke (the client's leaving, for PEER_GONE) */
    struct MHD_Connection *connection;
};

struct esomock_timer;

/* Start the wake-up thread; NULL when it cannot. Free with esomock__timer_destroy(). */
struct esomock_timer *esomock__timer_create(void);

/*
 * Suspend @p connection (the caller is in one of its libmicrohttpd callbacks) and
 * resume it at @p at_ms, or earlier when @p watch_fd (>= 0) sees its peer hang up.
 * Returns false without suspending when the timer is shutting down.
 */
bool esomock__timer_suspend_until(struct esomock_timer *timer, struct esomock_timer_entry *entry,
                                  struct MHD_Connection *connection, double at_ms, int watch_fd);

/* Number of connections currently waiting. */
size_t esomock__timer_waiting(struct esomock_timer *timer);

/*
 * Resume every waiting connection with ESOMOCK_WAKE_SHUTDOWN and refuse new waits.
 * Call before MHD_stop_daemon(), which cannot stop with suspended connections.
 */
void esomock__timer_shutdown(struct esomock_timer *timer);

/* Stop the thread and free the timer (shutting it down first if needed); NULL is a no-op. */
void esomock__timer_destroy(struct esomock_timer *timer);

#endif
