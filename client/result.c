/* The outcome of a call (<esologs/result.h>): what it owns and how to take it. */
#include <string.h>

#include <esologs/result.h>

void eso_result_finish(struct eso_result *res)
{
    if (res == NULL)
        return;
    cJSON_Delete(res->data);
    cJSON_Delete(res->errors);
    memset(res, 0, sizeof *res);
}

cJSON *eso_result_take_data(struct eso_result *res)
{
    if (res == NULL)
        return NULL;
    cJSON *d = res->data;
    res->data = NULL;
    return d;
}

/*
 * Points-aware pacing learns the hourly budget before the first call and every
 * minute. The refresh serves the caller's call, so it lives inside that call's
 * deadline (at most half of what is left, leaving the rest to the call), sends one
 * request (no retries: in an outage it must not double the load), stays away from a
 * breaker that is not closed, and after a failure waits a refresh interval.
 */
