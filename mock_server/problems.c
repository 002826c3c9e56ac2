/* The problem list (esomock/problems.h, problems_private.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "problems_private.h"

struct esomock_problems *esomock_problems_create(void)
{
    return calloc(1, sizeof(struct esomock_problems));
}

static void free_items(struct esomock_problems *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free((char *)p->items[i].source);
        free((char *)p->items[i].path);
        free((char *)p->items[i].message);
    }
    free(p->items);
    p->items = NULL;
    p->count = p->cap = 0;
}

void esomock__problems_finish(struct esomock_problems *p)
{
    free_items(p);
    free(p->source);
    p->source = NULL;
}

void esomock_problems_destroy(struct esomock_problems *problems)
{
    if (problems == NULL)
        return;
    esomock__problems_finish(problems);
    free(problems);
}

void esomock_problems_clear(struct esomock_problems *problems)
{
    if (problems == NULL)
        return;
    free_items(problems);
    problems->oom = false;
    problems->left_out = 0;
}

size_t esomock_problems_count(const struct esomock_problems *problems)
{
    return problems != NULL ? problems->count : 0;
}

const struct esomock_problem *esomock_problems_get(const struct esomock_problems *problems,
                                                   size_t index)
{
    if (problems == NULL || index >= problems->count)
        return NULL;
    return &problems->items[index];
}

/* Keep one entry; false (and the list marked) when out of memory. */
static bool keep(struct esomock_problems *p, const char *source, const char *path,
                 const char *message, bool note)
{
    if (p->count == ESOMOCK_PROBLEMS_MAX) {
        p->left_out++;
        return false;
    }
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        cap = cap < ESOMOCK_PROBLEMS_MAX ? cap : ESOMOCK_PROBLEMS_MAX;
        struct esomock_problem *items = realloc(p->items, cap * sizeof(*items));
        if (items == NULL) {
            p->oom = true;
            return false;
        }
        p->items = items;
        p->cap = cap;
    }
    struct esomock_problem e = {
        .source = strdup(source),
        .path = strdup(path),
        .message = strdup(message),
        .note = note,
    };
    if (e.source == NULL || e.path == NULL || e.message == NULL) {
        free((char *)e.source);
        free((char *)e.path);
        free((char *)e.message);
        p->oom = true;
        return false;
    }
    p->items[p->count++] = e;
    return true;
}

void esomock__problems_begin(struct esomock_problems *p, const char *source)
{
    free(p->source);
    p->source = strdup(source != NULL ? source : "<scenario>");
    if (p->source == NULL)
        p->oom = true;
    p->source_kept = p->source_hidden = p->source_errors = 0;
}

static const char *current_source(const struct esomock_problems *p)
{
    return p->source != NULL ? p->source : "";
}

void esomock__problems_end(struct esomock_problems *p)
{
    if (p->source_hidden > 0 && !p->counting_only) {
        char message[64];
        snprintf(message, sizeof(message), "%zu more problems not shown", p->source_hidden);
        keep(p, current_source(p), "", message, false);
    }
    p->source_hidden = 0;
}

size_t esomock__problems_errors(const struct esomock_problems *p)
{
    return p->source_errors;
}

bool esomock__problems_full(const struct esomock_problems *p)
{
    return p->source_kept >= ESOMOCK_PROBLEMS_PER_SOURCE;
}

void esomock__problems_vadd(struct esomock_problems *p, bool note, const char *path,
                            const char *fmt, va_list ap)
{
    if (!note)
        p->source_errors++;
    if (p->counting_only)
        return;
    if (esomock__problems_full(p)) {
        p->source_hidden++;
        return;
    }
    char where[ESOMOCK_PROBLEM_PATH_SIZE], message[ESOMOCK_PROBLEM_MESSAGE_SIZE];
    snprintf(where, sizeof(where), "%s", path != NULL ? path : "");
    vsnprintf(message, sizeof(message), fmt, ap);
    p->source_kept++;
    keep(p, current_source(p), where, message, note);
}

void esomock__problems_error(struct esomock_problems *p, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    esomock__problems_vadd(p, false, path, fmt, ap);
    va_end(ap);
}

void esomock_problems_add(struct esomock_problems *problems, const char *path, const char *fmt, ...)
{
    if (problems == NULL || fmt == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    esomock__problems_vadd(problems, false, path, fmt, ap);
    va_end(ap);
}

void esomock_problems_note(struct esomock_problems *problems, const char *path, const char *fmt,
                           ...)
{
    if (problems == NULL || fmt == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    esomock__problems_vadd(problems, true, path, fmt, ap);
    va_end(ap);
}

char *esomock_problems_text(const struct esomock_problems *problems)
{
    if (problems == NULL)
        return NULL;
    size_t cap = 64;
    for (size_t i = 0; i < problems->count; i++) {
        const struct esomock_problem *e = &problems->items[i];
        cap += strlen(e->source) + strlen(e->path) + strlen(e->message) + 6;
    }
    char *text = malloc(cap);
    if (text == NULL)
        return NULL;
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < problems->count; i++) {
        const struct esomock_problem *e = &problems->items[i];
        const char *sep = e->source[0] != '\0' ? ": " : "";
        used +=
            (size_t)snprintf(text + used, cap - used, "%s%s%s%s%s%s", used ? "\n" : "", e->source,
                             sep, e->path, e->path[0] != '\0' ? ": " : "", e->message);
    }
    if (problems->left_out > 0)
        snprintf(text + used, cap - used, "%s%zu more problems not shown", used ? "\n" : "",
                 problems->left_out);
    return text;
}
