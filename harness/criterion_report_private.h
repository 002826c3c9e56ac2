/* Failing a Criterion test at the caller's file and line, not the harness's. */
#ifndef ESOHARNESS_CRITERION_REPORT_PRIVATE_H
#define ESOHARNESS_CRITERION_REPORT_PRIVATE_H

/*
 * Report a failed assertion with message @p fmt at @p file:@p line (NULL = this
 * harness source), then end the test as cr_assert does. Call it from the test's
 * own thread. @p file is borrowed until the report is sent.
 */
__attribute__((format(printf, 3, 4))) _Noreturn void esoh__fail_at(const char *file, int line,
                                                                   const char *fmt, ...);

#endif
