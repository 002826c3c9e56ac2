/*
 * --watch: a thread that looks at a scenario file every 200 ms and hands its new text to a
 * reload function when it changed. It knows files, not scenarios: what a reload means (parse,
 * install, say so on the log) is the caller's.
 */
#ifndef ESOMOCK_WATCH_PRIVATE_H
#define ESOMOCK_WATCH_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include <esomock/error.h>

/*
 * What stat says of a watched file. Any difference means an edit: a new inode (an atomic
 * rename), a new ctime (which no tool can set back, unlike the mtime that cp -p, rsync -t and
 * touch -r restore), a new size or mtime.
 */
struct esomock_watch_stamp {
    bool exists;
    bool regular;
    dev_t dev;
    ino_t ino;
    long long size;
    struct timespec mtime;
    struct timespec ctime;
};

/* Called on the watch thread with the file's new content (@p len bytes, NUL-terminated). */
typedef void esomock_watch_reload_fn(void *context, const char *path, const char *text, size_t len);

struct esomock_watch {
    char *path;
    struct esomock_watch_stamp stamp; /* the file as last loaded, so no edit slips in */
    uint64_t hash;                    /* its content's hash, for edits stat cannot see */
    FILE *log;        /* where a file that cannot be read is reported; may be NULL */
    size_t max_bytes; /* a larger file is not read */
    esomock_watch_reload_fn *reload;
    void *context;
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
};

/*
 * Set up @p w (no thread yet) for files of at most @p max_bytes; esomock__watch_finish()
 * undoes it.
 */
void esomock__watch_init(struct esomock_watch *w, FILE *log, size_t max_bytes);

/* Note @p path's current state; call before loading it, so an edit made meanwhile reloads. */
void esomock__watch_note(struct esomock_watch *w, const char *path);

/*
 * Start the thread that calls @p reload when @p path changes from what was noted. On failure
 * @p err (ESOMOCK_ERROR_SIZE bytes, may be NULL) says why.
 */
enum esomock_status esomock__watch_start(struct esomock_watch *w, const char *path,
                                         esomock_watch_reload_fn *reload, void *context, char *err);

/* Stop the thread (when started); no reload runs after it returns. */
void esomock__watch_stop(struct esomock_watch *w);

/* Stop, then free what @p w holds. */
void esomock__watch_finish(struct esomock_watch *w);

#endif
