/*
 * The problem list inside (esomock/problems.h): which file is being read, how many of its
 * problems were kept and how many were errors, so a loader can tell whether the file passed.
 */
#ifndef ESOMOCK_PROBLEMS_PRIVATE_H
#define ESOMOCK_PROBLEMS_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <esomock/error.h>
#include <esomock/problems.h>

/* A message and a JSON path are cut to these many bytes (the path ends in "..." then). */
#define ESOMOCK_PROBLEM_MESSAGE_SIZE 320
#define ESOMOCK_PROBLEM_PATH_SIZE 160

struct esomock_problems {
    struct esomock_problem *items; /* strings owned */
    size_t count;
    size_t cap;
    bool counting_only; /* a loader's own list when its caller passed none: nothing is kept */
    bool oom;           /* an entry was lost for want of memory */
    size_t left_out;    /* entries past ESOMOCK_PROBLEMS_MAX */
    /* The file being read (between esomock__problems_begin and _end). */
    char *source;
    size_t source_kept;   /* its entries kept */
    size_t source_hidden; /* its problems past ESOMOCK_PROBLEMS_PER_SOURCE */
    size_t source_errors; /* its errors (not notes), kept or not */
};

/* A list on the stack that keeps nothing but the counts, for a caller that passed NULL. */
#define ESOMOCK__PROBLEMS_COUNTING ((struct esomock_problems){.counting_only = true})

/* From now on problems are @p source's (NULL: "<scenario>"); its counts start at 0. */
void esomock__problems_begin(struct esomock_problems *p, const char *source);

/* @p source is read: add "N more problems not shown" when some were. */
void esomock__problems_end(struct esomock_problems *p);

/* Errors (not notes) of the file being read, kept or not. */
size_t esomock__problems_errors(const struct esomock_problems *p);

/* The file being read has no room left for detail (its next problems are only counted). */
bool esomock__problems_full(const struct esomock_problems *p);

/* Add an entry for the file being read. */
void esomock__problems_vadd(struct esomock_problems *p, bool note, const char *path,
                            const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
void esomock__problems_error(struct esomock_problems *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Free what a stack list (ESOMOCK__PROBLEMS_COUNTING) holds. */
void esomock__problems_finish(struct esomock_problems *p);

#endif
