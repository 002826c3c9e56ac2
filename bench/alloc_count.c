/*
 * The interposers stand alone in this file so that nothing else in the benches is
 * called by every file that allocates.
 */
#include "alloc_count.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h> /* the prototypes this file defines */

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

/* Only the measuring thread turns counting on; the server's threads never do. */
static _Thread_local bool counting;
static _Thread_local struct alloc_count counted;

void *malloc(size_t size)
{
    if (counting) {
        counted.calls++;
        counted.bytes += size;
    }
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    if (counting) {
        counted.calls++;
        counted.bytes += n * size;
    }
    return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
    if (counting) {
        counted.calls++;
        counted.bytes += size;
    }
    return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
    __libc_free(ptr);
}

void alloc_count_start(void)
{
    counted = (struct alloc_count){0};
    counting = true;
}

struct alloc_count alloc_count_stop(void)
{
    counting = false;
    return counted;
}
