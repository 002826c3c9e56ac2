/* What the runner needs of a fixture beyond its public API. */
#ifndef ESOHARNESS_FIXTURE_PRIVATE_H
#define ESOHARNESS_FIXTURE_PRIVATE_H

#include <esoharness/fixture.h>

/* The monotonic time (ms, CLOCK_MONOTONIC) events' at_ms count from. */
double esoh__fixture_started_ms(const struct esoh_fixture *fx);

#endif
