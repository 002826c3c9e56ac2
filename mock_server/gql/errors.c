/* The error list shared by validation, coercion and execution. */
#include <stdio.h>
#include <string.h>

#include "errors_private.h"
#include "lexer_private.h"

void gql_errors_init(struct gql_errors *errs, struct gql_arena *arena, const char *src, size_t len)
{
    memset(errs, 0, sizeof(*errs));
    errs->arena = arena;
    errs->src = src;
    errs->len = len;
}

struct gql_error *gql_errors_add(struct gql_errors *errs, const char *message,
                                 const uint32_t *offsets, size_t n)
{
    struct gql_error *e = gql_arena_alloc(errs->arena, sizeof(*e));

    if (e == NULL) {
        errs->no_memory = true;
        return NULL;
    }
    e->message = gql_arena_strdup(errs->arena, message);
    if (n > 0) {
        e->offsets = gql_arena_alloc(errs->arena, n * sizeof(*e->offsets));
        if (e->offsets != NULL) {
            memcpy(e->offsets, offsets, n * sizeof(*e->offsets));
            e->nlocs = n;
        }
    }
    if (e->message == NULL || (n > 0 && e->offsets == NULL)) {
        errs->no_memory = true;
        return NULL;
    }
    if (errs->last != NULL)
        errs->last->next = e;
    else
        errs->first = e;
    errs->last = e;
    errs->count++;
    return e;
}

void gql_error_set_path(struct gql_errors *errs, struct gql_error *err, const struct gql_path *path)
{
    const struct gql_path *p;
    size_t n = 0;
    size_t i;

    if (err == NULL || path == NULL)
        return;
    for (p = path; p != NULL; p = p->prev)
        n++;
    err->path = gql_arena_alloc(errs->arena, (n ? n : 1) * sizeof(*err->path));
    if (err->path == NULL) {
        errs->no_memory = true;
        return;
    }
    err->npath = n;
    for (p = path, i = n; p != NULL; p = p->prev) {
        i--;
        err->path[i].key = p->key;
        err->path[i].index = p->index;
    }
}

void gql_errors_write(const struct gql_errors *errs, struct gql_buf *buf)
{
    const struct gql_error *e;

    gql_buf_puts(buf, "[");
    for (e = errs->first; e != NULL; e = e->next) {
        size_t i;
        char num[64];

        if (e != errs->first)
            gql_buf_puts(buf, ",");
        gql_buf_puts(buf, "{\"message\":");
        gql_buf_json_string(buf, e->message, strlen(e->message));
        if (e->nlocs > 0) {
            gql_buf_puts(buf, ",\"locations\":[");
            for (i = 0; i < e->nlocs; i++) {
                uint32_t line;
                uint32_t col;

                gql_source_location(errs->src, errs->len, e->offsets[i], &line, &col);
                snprintf(num, sizeof(num), "%s{\"line\":%u,\"column\":%u}", i > 0 ? "," : "", line,
                         col);
                gql_buf_puts(buf, num);
            }
            gql_buf_puts(buf, "]");
        }
        if (e->path != NULL) {
            gql_buf_puts(buf, ",\"path\":[");
            for (i = 0; i < e->npath; i++) {
                if (i > 0)
                    gql_buf_puts(buf, ",");
                if (e->path[i].key != NULL) {
                    gql_buf_json_string(buf, e->path[i].key, strlen(e->path[i].key));
                } else {
                    snprintf(num, sizeof(num), "%zu", e->path[i].index);
                    gql_buf_puts(buf, num);
                }
            }
            gql_buf_puts(buf, "]");
        }
        gql_buf_puts(buf, ",\"extensions\":{\"category\":");
        gql_buf_json_string(buf, e->category != NULL ? e->category : "graphql",
                            strlen(e->category != NULL ? e->category : "graphql"));
        gql_buf_puts(buf, "}}");
    }
    gql_buf_puts(buf, "]");
}
