/* The runner's output: a timeline of what client and server did, and the checks. */
#ifndef ESOHARNESS_TIMELINE_PRIVATE_H
#define ESOHARNESS_TIMELINE_PRIVATE_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include <esoharness/fixture.h>

struct esoh__check {
    char label[96]; /* which call (or "run", or a wire expectation's calls) */
    char what[48];  /* outcome, attempts, elapsed_ms, breaker, wire.attempts... */
    char expected[160];
    char got[256];
    bool passed;
    bool wire;           /* a wire expectation's verdict */
    size_t expectation;  /* with wire: its index in wire.expect */
    char behaviour[128]; /* with wire: the expectation's behaviour */
    char hint[192];      /* with wire: what to change in the client, when it failed */
};

/* Which call a client call_id belongs to, for labels. */
struct esoh__call_label {
    unsigned long long call_id;
    char label[96];
};

enum esoh__call_state {
    ESOH__CALL_ANSWERED = 0, /* the client said how it ended */
    ESOH__CALL_NO_ANSWER,    /* the client said nothing within the bound, or died */
    ESOH__CALL_NOT_MADE,     /* the client had stopped answering before it was due */
};

/* One call the client was asked to make, as the runner saw it. */
struct esoh__call_record {
    char label[96];             /* "call 2 getZones", "during the outage #3" */
    unsigned group;             /* its entry in expect.calls, 1-based */
    const char *name;           /* that entry's name, or NULL; borrowed from the plan */
    const char *operation;      /* borrowed from the plan */
    char request_id[128];       /* its X-Request-Id, as long as the journal keeps; "" unknown */
    unsigned long long call_id; /* libesologs' call id; 0 for an adapter */
    unsigned number;            /* the call's number in the adapter protocol, 1-based */
    double start_ms;            /* journal clock: real ms since the scenario started */
    double end_ms;              /* same clock; < 0: no answer */
    enum esoh__call_state state;
    bool ok;
    char outcome[48]; /* "ok", libesologs' status name, or the adapter's error class */
    char detail[256]; /* the error's message */
};

struct esoh__timeline_input {
    const char *name;
    const char *description;
    const char *path;
    double time_scale;
    const char *client; /* "libesologs", or the adapter's command */
    const struct esoh_fixture_event *events;
    size_t event_count;
    double events_offset_ms; /* add to an event's at_ms for the journal's clock */
    const struct esomock_journal_entry *journal; /* every API request of the run */
    size_t journal_count;
    const long *call_of; /* per journal entry: its call's index in calls, or -1; may be NULL */
    const struct esoh__call_record *calls;
    size_t call_count;
    const struct esoh__call_label *labels;
    size_t label_count;
    const struct esoh__check *checks;
    size_t check_count;
    bool passed;
    double wall_ms;
    const char *setup_error;    /* the run could not start; NULL otherwise */
    const char *adapter_status; /* how the adapter ended, or NULL */
    const char *adapter_stderr; /* what it wrote on stderr, or NULL */
};

/* Print the timeline and the verdicts as text. With @p quiet only the verdict and failures. */
void esoh__timeline_print_text(FILE *out, const struct esoh__timeline_input *in, bool quiet);

/*
 * The same as one JSON object (the --json line and what the HTML report draws); the caller
 * frees it with cJSON_Delete.
 */
cJSON *esoh__timeline_json(const struct esoh__timeline_input *in);

#endif
