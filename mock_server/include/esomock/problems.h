/*
 * Problems: the one way libesomock says what went wrong, and where. Every function that can
 * refuse something (start a server, load or check a scenario) takes a problem list the
 * caller created, and appends to it one entry per problem: the file (or "<inline>",
 * "<admin>"), the JSON path of the value at fault, and a message. A scenario with 12
 * mistakes gives 12 entries, each with its path, as `eso-mock check` prints them.
 *
 * A list may also hold notes: not problems, but what the caller should know about a file
 * that passed (a section this program does not check). The function's return value says
 * whether it succeeded; the list only explains.
 *
 * Thread safety: one list, one thread at a time. Different lists are independent.
 */
#ifndef ESOMOCK_PROBLEMS_H
#define ESOMOCK_PROBLEMS_H

#include <stdbool.h>
#include <stddef.h>

#include <esomock/export.h>

#ifdef __cplusplus
extern "C" {
#endif

struct esomock_problems;

/* One entry. Every string is owned by the list: valid until it is cleared or destroyed. */
struct esomock_problem {
    const char *source;  /* the file, "<inline>", "<admin>"; "" when no file is concerned */
    const char *path;    /* JSON path of the value at fault ("rules[2].script[0].action",
                            "settings.time_scale"); "" for the file as a whole */
    const char *message; /* one line of English, saying what was expected and found */
    bool note;           /* true: not a problem, something to know (the file still passed) */
};

/*
 * Per file, the first 32 problems are kept in detail; past them an entry "N more problems
 * not shown" counts the rest. A list holds at most 10000 entries in all.
 */
#define ESOMOCK_PROBLEMS_PER_SOURCE 32u
#define ESOMOCK_PROBLEMS_MAX 10000u

/**
 * A new, empty list.
 * @return a list the caller frees with esomock_problems_destroy(); NULL when out of memory.
 */
ESOMOCK_API struct esomock_problems *esomock_problems_create(void);

/** Free @p problems and every string it handed out. NULL is a no-op. */
ESOMOCK_API void esomock_problems_destroy(struct esomock_problems *problems);

/** Forget every entry (the strings they handed out become invalid). NULL is a no-op. */
ESOMOCK_API void esomock_problems_clear(struct esomock_problems *problems);

/** @return the number of entries, notes included; 0 for NULL. */
ESOMOCK_API size_t esomock_problems_count(const struct esomock_problems *problems);

/**
 * Entry @p index, oldest first.
 * @return a pointer owned by the list, valid until it is cleared or destroyed; NULL past the
 *         last entry or for NULL.
 */
ESOMOCK_API const struct esomock_problem *
esomock_problems_get(const struct esomock_problems *problems, size_t index);

/**
 * Every entry as one line, "SOURCE: PATH: message" (without "PATH: " when the path is
 * empty), lines joined by "\n", no newline at the end.
 * @return a malloc'd string the caller frees with free() ("" for an empty list); NULL when
 *         out of memory or for NULL.
 */
ESOMOCK_API char *esomock_problems_text(const struct esomock_problems *problems);

/**
 * Add a problem at @p path (NULL or "" for the whole file) of the file being checked. For
 * section checkers (esomock/scenario.h): the source is the file whose section is checked,
 * and the file is refused. printf-style @p fmt; the message is cut at 320 bytes.
 */
ESOMOCK_API void esomock_problems_add(struct esomock_problems *problems, const char *path,
                                      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** As esomock_problems_add(), for a note: the file is not refused for it. */
ESOMOCK_API void esomock_problems_note(struct esomock_problems *problems, const char *path,
                                       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif
