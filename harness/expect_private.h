/* The `expect` section of a scenario: its check (for eso-mock's loader) and its run plan. */
#ifndef ESOHARNESS_EXPECT_PRIVATE_H
#define ESOHARNESS_EXPECT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <esologs/esologs.h>
#include <esomock/problems.h>
#include <esomock/scenario.h>

#define ESOH__EXPECT_MAX_CALLS 256
#define ESOH__EXPECT_MAX_LIST 64

/* A number or an inclusive [min, max] range; unset when the scenario does not ask. */
struct esoh__range {
    bool set;
    double min;
    double max;
};

struct esoh__call_plan {
    char label[96];         /* "call 2 getGuildById" or the call's name */
    const char *name;       /* the call's name, or NULL; borrowed */
    const char *operation;  /* borrowed from the parsed JSON */
    const char *document;   /* the query to send; NULL = libesologs' registry's; borrowed */
    const cJSON *variables; /* borrowed; NULL = none */
    unsigned repeat;        /* sequential runs; with concurrency > 1, the batch size */
    unsigned concurrency;   /* 1 = sequential */
    double wait_ms;         /* scenario ms to wait before the call */
    double spacing_ms;      /* scenario ms to wait before each repeat after the first */
    bool outcome_set;
    enum eso_status outcome;
    struct esoh__range attempts;
    struct esoh__range server_requests;
    struct esoh__range elapsed_ms; /* scenario ms */
    int from_cache;                /* -1 unset, 0, 1 */
    const char *faults[ESOH__EXPECT_MAX_LIST];
    size_t fault_count;
    bool faults_set;
};

struct esoh__counter_check {
    const char *name; /* a struct eso_counters field name */
    struct esoh__range range;
};

/* How long a client adapter may take over one call when the scenario does not say. */
#define ESOH__DEFAULT_CALL_BOUND_MS 300000.0

struct esoh__run_plan {
    double time_scale;         /* 0 = not set */
    double call_bound_ms;      /* scenario ms an adapter has to answer a call */
    struct eso_options client; /* strings borrowed from the parsed JSON */
    struct esoh__call_plan calls[ESOH__EXPECT_MAX_CALLS];
    size_t call_count;
    const char *breaker[ESOH__EXPECT_MAX_LIST];
    size_t breaker_count;
    bool breaker_set;
    struct esoh__counter_check counters[ESOH__EXPECT_MAX_LIST];
    size_t counter_count;
};

/*
 * Check the `expect` section @p section at JSON path @p path (an esomock_section_check_fn):
 * every mistake goes to @p problems with its path, in libesologs' vocabulary (status names,
 * operations, jitters, breaker states, counters). @p context is unused.
 */
void esoh__expect_check(const struct cJSON *section, const char *path,
                        struct esomock_problems *problems, void *context);

/* The `expect` section, for esomock_options.sections and esomock_check_options.sections. */
extern const struct esomock_section esoh__expect_section;

/*
 * Build @p plan from @p expect (borrowed: it must outlive the plan), which passed
 * esoh__expect_check(). Returns -1 with the reason in @p err when the section is absent
 * or has no calls (a scenario eso-mock plays, but not one the runner can).
 */
int esoh__expect_plan(const cJSON *expect, struct esoh__run_plan *plan, char *err, size_t err_size);

/* The value of counter @p name in @p counters; false when no such counter exists. */
bool esoh__counter_value(const struct eso_counters *counters, const char *name, double *out);

/* True when @p name is an outcome the client can report (an eso_status name). */
bool esoh__outcome_from_name(const char *name, enum eso_status *out);

#endif
