/* The runner's output: a timeline of what client and server did, and the checks. */
#ifndef ESOHARNESS_TIMELINE_PRIVATE_H
#define ESOHARNESS_TIMELINE_PRIVATE_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include <esoharness/fixture.h>

struct esoh__check {
    char label[96]; /* which call (or "run") */
    char what[48];  /* outcome, attempts, elapsed_ms, breaker... */
    char expected[160];
    char got[160];
    bool passed;
};

/* Which call a client call_id belongs to, for labels. */
struct esoh__call_label {
    unsigned long long call_id;
    char label[96];
};

struct esoh__timeline_input {
    const char *name;
    const char *description;
    const char *path;
    double time_scale;
    const struct esoh_fixture_event *events;
    size_t event_count;
    const struct esomock_journal_entry *journal; /* GraphQL entries of the run */
    size_t journal_count;
    const struct esoh__call_label *labels;
    size_t label_count;
    const struct esoh__check *checks;
    size_t check_count;
    bool passed;
    double wall_ms;
    const char *setup_error; /* the run could not start; NULL otherwise */
};

/* Print the timeline and the verdicts as text. With @p quiet only the verdict and failures. */
void esoh__timeline_print_text(FILE *out, const struct esoh__timeline_input *in, bool quiet);

/* The same as one JSON object; the caller frees it with cJSON_Delete. */
cJSON *esoh__timeline_json(const struct esoh__timeline_input *in);

#endif
