#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock_private.h"
#include "timer_private.h"

struct esomock_timer {
    pthread_mutex_t lock;
    pthread_t thread;
    int epoll_fd;
    int wake_fd;   /* eventfd: a new earliest deadline, or stop */
    bool stopping; /* no new waits; resume everything */
    bool thread_started;
    struct esomock_timer_entry **heap; /* min-heap on at_ms */
    size_t count;
    size_t cap;
};

/* ---- min-heap ---------------------------------------------------------------------------- */

static void heap_swap(struct esomock_timer *t, size_t a, size_t b)
{
    struct esomock_timer_entry *tmp = t->heap[a];
    t->heap[a] = t->heap[b];
    t->heap[b] = tmp;
    t->heap[a]->heap_index = a;
    t->heap[b]->heap_index = b;
}

static void heap_up(struct esomock_timer *t, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (t->heap[parent]->at_ms <= t->heap[i]->at_ms)
            break;
        heap_swap(t, parent, i);
        i = parent;
    }
}

static void heap_down(struct esomock_timer *t, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, min = i;
        if (l < t->count && t->heap[l]->at_ms < t->heap[min]->at_ms)
            min = l;
        if (r < t->count && t->heap[r]->at_ms < t->heap[min]->at_ms)
            min = r;
        if (min == i)
            return;
        heap_swap(t, i, min);
        i = min;
    }
}

static void heap_remove(struct esomock_timer *t, struct esomock_timer_entry *e)
{
    size_t i = e->heap_index;
    t->count--;
    if (i != t->count) {
        t->heap[i] = t->heap[t->count];
        t->heap[i]->heap_index = i;
        heap_down(t, i);
        heap_up(t, i);
    }
}

/* ---- waking ------------------------------------------------------------------------------ */

/* Called with the lock held: forget @p e and hand its connection back to libmicrohttpd. */
static void wake(struct esomock_timer *t, struct esomock_timer_entry *e, enum esomock_wake reason)
{
    heap_remove(t, e);
    if (e->watch_fd >= 0)
        epoll_ctl(t->epoll_fd, EPOLL_CTL_DEL, e->watch_fd, NULL);
    e->armed = false;
    e->reason = reason;
    e->woke_ms = esomock__now_ms();
    MHD_resume_connection(e->connection);
}

static void drain_eventfd(int fd)
{
    uint64_t value;
    while (read(fd, &value, sizeof(value)) == (ssize_t)sizeof(value))
        ;
}

static void *timer_main(void *arg)
{
    struct esomock_timer *t = arg;
    struct epoll_event events[64];
    for (;;) {
        pthread_mutex_lock(&t->lock);
        if (t->stopping && t->count == 0) {
            pthread_mutex_unlock(&t->lock);
            return NULL;
        }
        int timeout_ms = -1;
        if (t->count > 0) {
            /* Scenario delays reach 1e10 ms, past int; a capped wait just loops again. */
            double wait = t->heap[0]->at_ms - esomock__now_ms();
            timeout_ms = wait <= 0 ? 0 : wait >= 60000.0 ? 60000 : (int)ceil(wait);
        }
        pthread_mutex_unlock(&t->lock);

        int n = epoll_wait(t->epoll_fd, events, 64, timeout_ms);
        pthread_mutex_lock(&t->lock);
        for (int i = 0; i < n; i++) {
            struct esomock_timer_entry *e = events[i].data.ptr;
            if (e == NULL) {
                drain_eventfd(t->wake_fd);
                continue;
            }
            /* An entry woken earlier in this batch may have been re-armed by now; only a
             * hang-up on a still-armed entry counts. */
            if (e->armed && e->watch_fd >= 0)
                wake(t, e, ESOMOCK_WAKE_PEER_GONE);
        }
        double now = esomock__now_ms();
        while (t->count > 0 && (t->stopping || t->heap[0]->at_ms <= now))
            wake(t, t->heap[0], t->stopping ? ESOMOCK_WAKE_SHUTDOWN : ESOMOCK_WAKE_DEADLINE);
        pthread_mutex_unlock(&t->lock);
    }
}

/* ---- public ------------------------------------------------------------------------------ */

struct esomock_timer *esomock__timer_create(void)
{
    struct esomock_timer *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    pthread_mutex_init(&t->lock, NULL);
    t->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    t->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (t->epoll_fd < 0 || t->wake_fd < 0)
        goto fail;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, t->wake_fd, &ev) != 0)
        goto fail;
    if (pthread_create(&t->thread, NULL, timer_main, t) != 0)
        goto fail;
    t->thread_started = true;
    return t;
fail:
    esomock__timer_destroy(t);
    return NULL;
}

static void poke(struct esomock_timer *t)
{
    uint64_t one = 1;
    ssize_t ignored = write(t->wake_fd, &one, sizeof(one));
    (void)ignored; /* a full eventfd already means "wake up" */
}

bool esomock__timer_suspend_until(struct esomock_timer *t, struct esomock_timer_entry *entry,
                                  struct MHD_Connection *connection, double at_ms, int watch_fd)
{
    pthread_mutex_lock(&t->lock);
    if (t->stopping) {
        pthread_mutex_unlock(&t->lock);
        return false;
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct esomock_timer_entry **grown = realloc(t->heap, cap * sizeof(*grown));
        if (grown == NULL) {
            pthread_mutex_unlock(&t->lock);
            return false;
        }
        t->heap = grown;
        t->cap = cap;
    }
    /* Suspend under the lock so the thread cannot resume a connection before it is suspended. */
    MHD_suspend_connection(connection);
    entry->at_ms = at_ms;
    entry->watch_fd = watch_fd;
    entry->connection = connection;
    entry->armed = true;
    entry->reason = ESOMOCK_WAKE_DEADLINE;
    entry->heap_index = t->count;
    t->heap[t->count++] = entry;
    heap_up(t, entry->heap_index);
    if (watch_fd >= 0) {
        struct epoll_event ev = {.events = EPOLLRDHUP | EPOLLHUP | EPOLLERR, .data.ptr = entry};
        if (epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, watch_fd, &ev) != 0)
            entry->watch_fd = -1; /* still released at the deadline */
    }
    bool earliest = entry->heap_index == 0;
    pthread_mutex_unlock(&t->lock);
    if (earliest)
        poke(t);
    return true;
}

size_t esomock__timer_waiting(struct esomock_timer *t)
{
    pthread_mutex_lock(&t->lock);
    size_t n = t->count;
    pthread_mutex_unlock(&t->lock);
    return n;
}

void esomock__timer_shutdown(struct esomock_timer *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    t->stopping = true;
    while (t->count > 0)
        wake(t, t->heap[0], ESOMOCK_WAKE_SHUTDOWN);
    pthread_mutex_unlock(&t->lock);
    if (t->wake_fd >= 0)
        poke(t);
}

void esomock__timer_destroy(struct esomock_timer *t)
{
    if (t == NULL)
        return;
    esomock__timer_shutdown(t);
    if (t->thread_started)
        pthread_join(t->thread, NULL);
    if (t->epoll_fd >= 0)
        close(t->epoll_fd);
    if (t->wake_fd >= 0)
        close(t->wake_fd);
    pthread_mutex_destroy(&t->lock);
    free(t->heap);
    free(t);
}
