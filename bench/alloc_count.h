/*
 * Allocation counting for the benches: malloc, calloc and realloc are interposed in
 * the executable that links alloc_count.c (glibc forwards them to __libc_*), and count
 * only on a thread that called alloc_count_start(), so an in-process server's own
 * threads never count.
 */
#ifndef ESO_BENCH_ALLOC_COUNT_H
#define ESO_BENCH_ALLOC_COUNT_H

#include <stdint.h>

struct alloc_count {
    uint64_t calls; /* malloc, calloc, and realloc that allocate */
    uint64_t bytes;
};

/* Zero this thread's count and start counting on it. */
void alloc_count_start(void);

/* Stop counting on this thread; returns what was counted since alloc_count_start(). */
struct alloc_count alloc_count_stop(void);

#endif
