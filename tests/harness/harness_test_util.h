/* Shared by the harness's own tests: time scales that survive valgrind. */
#ifndef ESO_HARNESS_TEST_UTIL_H
#define ESO_HARNESS_TEST_UTIL_H

#include <stdbool.h>
#include <stdlib.h>

/* True under meson's valgrind setup, where code runs tens of times slower. */
static inline bool under_valgrind(void)
{
    return getenv("ESO_UNDER_VALGRIND") != NULL;
}

/* @p scale, or twenty times it under valgrind so timeouts keep their meaning. */
static inline double test_scale(double scale)
{
    return under_valgrind() ? scale * 20 : scale;
}

#endif
