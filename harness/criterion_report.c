/*
 * Criterion's assertion macros take their location from where they are written;
 * the harness fails tests on its callers' behalf, so it sends the report itself with
 * the caller's location (criterion_send_assert is what cr_assert_impl calls), then
 * ends the test as a failed cr_assert does.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <criterion/abort.h>
#include <criterion/event.h>
#include <criterion/stats.h>

#include "criterion_report_private.h"

/* Room for a failure message (Criterion copies it when it sends the report). */
#define MESSAGE_SIZE 1024

_Noreturn void esoh__fail_at(const char *file, int line, const char *fmt, ...)
{
    char message[MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    struct criterion_assert_stats stats = {
        .message = message,
        .passed = false,
        .line = line > 0 ? (unsigned)line : 0,
        .file = file != NULL ? file : __FILE__,
    };
    criterion_send_assert(&stats);
    criterion_abort_test();
    abort(); /* not reached: criterion_abort_test leaves the test */
}
