/*
 * --watch (watch_private.h): every 200 ms, any change of the file's inode, ctime, mtime or
 * size hands it to the reload function, so cp -p, rsync -t, touch -r and an atomic rename are
 * seen; for 2 s after a change its content is compared too, for edits within one coarse
 * timestamp tick. Only regular files are read, never with a blocking open, so a FIFO in its
 * place cannot stall the watcher or the server's stop.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock_private.h"
#include "fixtures_private.h"
#include "watch_private.h"

#define WATCH_INTERVAL_MS 200

/*
 * A file changed less than this long ago may change again within the same timestamp tick
 * (coarse timestamps, same size): its content is compared too until then.
 */
#define WATCH_SETTLE_S 2

static struct esomock_watch_stamp take_stamp(const char *path)
{
    struct esomock_watch_stamp stamp = {0};
    struct stat st;
    if (stat(path, &st) != 0)
        return stamp;
    stamp.exists = true;
    stamp.regular = S_ISREG(st.st_mode);
    stamp.dev = st.st_dev;
    stamp.ino = st.st_ino;
    stamp.size = (long long)st.st_size;
    stamp.mtime = st.st_mtim;
    stamp.ctime = st.st_ctim;
    return stamp;
}

static bool same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool same_stamp(const struct esomock_watch_stamp *a, const struct esomock_watch_stamp *b)
{
    return a->exists == b->exists && a->regular == b->regular && a->dev == b->dev &&
           a->ino == b->ino && a->size == b->size && same_time(a->mtime, b->mtime) &&
           same_time(a->ctime, b->ctime);
}

/* Changed so recently that another edit could share its timestamps. */
static bool settling(const struct esomock_watch_stamp *stamp)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long age = (long long)now.tv_sec - (long long)stamp->ctime.tv_sec;
    return age >= -WATCH_SETTLE_S && age <= WATCH_SETTLE_S;
}

/* FNV-1a: enough to tell two versions of a file apart. */
static uint64_t content_hash(const char *text, size_t len)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* The hash of @p path's content, or 0 when it cannot be read. */
static uint64_t file_hash(const char *path, size_t max_bytes)
{
    char *text = NULL;
    size_t len = 0;
    if (esomock__read_file(path, max_bytes, &text, &len, NULL) != ESOMOCK_OK)
        return 0;
    uint64_t h = content_hash(text, len);
    free(text);
    return h;
}

void esomock__watch_init(struct esomock_watch *w, FILE *log, size_t max_bytes)
{
    *w = (struct esomock_watch){.log = log, .max_bytes = max_bytes};
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t cond_attr;
    pthread_condattr_init(&cond_attr);
    pthread_condattr_setclock(&cond_attr, CLOCK_MONOTONIC); /* deadlines come from clock.c */
    pthread_cond_init(&w->cond, &cond_attr);
    pthread_condattr_destroy(&cond_attr);
}

void esomock__watch_note(struct esomock_watch *w, const char *path)
{
    w->stamp = take_stamp(path);
    w->hash = file_hash(path, w->max_bytes);
}

static void watch_log(struct esomock_watch *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void watch_log(struct esomock_watch *w, const char *fmt, ...)
{
    if (w->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(w->log, fmt, ap);
    va_end(ap);
    fflush(w->log);
}

/*
 * One look at the file. Any change of its stat stamp reloads it (a touch too, as before);
 * while it settles, a same-stamp edit is caught by its content. Only regular files are read,
 * and never with a blocking open, so a FIFO put in its place cannot stall the watcher (nor
 * the server's stop, which waits for it).
 */
static void watch_look(struct esomock_watch *w, struct esomock_watch_stamp *last,
                       uint64_t *last_hash)
{
    struct esomock_watch_stamp now = take_stamp(w->path);
    if (!now.exists)
        return; /* an editor's save may remove it for a moment: keep waiting */
    bool changed = !same_stamp(&now, last);
    if (!changed && !(now.regular && settling(&now)))
        return;
    *last = now;
    if (!now.regular) {
        if (changed)
            watch_log(w, "eso-mock: kept the previous scenario; %s is not a regular file\n",
                      w->path);
        return;
    }
    char err[ESOMOCK_ERROR_SIZE] = "";
    char *text = NULL;
    size_t len = 0;
    if (esomock__read_file(w->path, w->max_bytes, &text, &len, err) != ESOMOCK_OK) {
        if (changed)
            watch_log(w, "eso-mock: kept the previous scenario; %s\n", err);
        return;
    }
    uint64_t hash = content_hash(text, len);
    if (changed || hash != *last_hash) {
        *last_hash = hash;
        w->reload(w->context, w->path, text, len);
    }
    free(text);
}

static void *watch_main(void *arg)
{
    struct esomock_watch *w = arg;
    struct esomock_watch_stamp last = w->stamp;
    uint64_t last_hash = w->hash;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        struct timespec deadline = esomock__deadline_after_ms(WATCH_INTERVAL_MS);
        pthread_cond_timedwait(&w->cond, &w->lock, &deadline);
        if (w->stop)
            break;
        pthread_mutex_unlock(&w->lock);
        watch_look(w, &last, &last_hash);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

enum esomock_status esomock__watch_start(struct esomock_watch *w, const char *path,
                                         esomock_watch_reload_fn *reload, void *context, char *err)
{
    w->path = strdup(path);
    if (w->path == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    w->reload = reload;
    w->context = context;
    w->stop = false;
    if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
        if (err != NULL)
            snprintf(err, ESOMOCK_ERROR_SIZE, "cannot start the --watch thread: %s",
                     strerror(errno));
        return ESOMOCK_OUT_OF_MEMORY;
    }
    w->started = true;
    return ESOMOCK_OK;
}

void esomock__watch_stop(struct esomock_watch *w)
{
    if (w->started) {
        pthread_mutex_lock(&w->lock);
        w->stop = true;
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        w->started = false;
    }
}

void esomock__watch_finish(struct esomock_watch *w)
{
    esomock__watch_stop(w);
    free(w->path);
    w->path = NULL;
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
}
