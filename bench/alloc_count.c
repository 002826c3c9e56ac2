/*
 * Allocation counting (alloc_count.h): link-time interposition of the allocator.
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

/*
 * The interposers are named counting_* and exported as malloc, calloc, realloc and free
 * by alias: the executable's definitions win over libc's for every caller in the
 * process, libesologs, libcurl and cJSON included.
 */
static void *counting_malloc(size_t size)
{
    if (counting) {
        counted.calls++;
        counted.bytes += size;
    }
    return __libc_malloc(size);
}

static void *counting_calloc(size_t n, size_t size)
{
    if (counting) {
        counted.calls++;
        counted.bytes += n * size;
    }
    return __libc_calloc(n, size);
}

static void *counting_realloc(void *ptr, size_t size)
{
    if (counting) {
        counted.calls++;
        counted.bytes += size;
    }
    return __libc_realloc(ptr, size);
}

static void counting_free(void *ptr)
{
    __libc_free(ptr);
}

void *malloc(size_t size) __attribute__((alias("counting_malloc")));
void *calloc(size_t n, size_t size) __attribute__((alias("counting_calloc")));
void *realloc(void *ptr, size_t size) __attribute__((alias("counting_realloc")));
void free(void *ptr) __attribute__((alias("counting_free")));

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
