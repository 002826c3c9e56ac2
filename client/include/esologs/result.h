/*
 * The outcome of one call (eso_query(), the typed calls, a batch's items).
 *
 * Thread safety: a struct eso_result belongs to one thread at a time.
 */
#ifndef ESOLOGS_RESULT_H
#define ESOLOGS_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <esologs/export.h>
#include <esologs/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Size of error detail buffers (eso_result.detail, eso_client_create's err). */
#define ESO_DETAIL_SIZE 256

/*
 * The outcome of one call. Caller storage: the call fills every field on every
 * return (success or not), and eso_result_finish() releases what it owns.
 */
struct eso_result {
    enum eso_status status;       /* the call's status, equal to its return value */
    cJSON *data;                  /* the parsed "data" member (also partial data next to errors);
                                     owned by the result; NULL when absent or JSON null */
    cJSON *errors;                /* the "errors" array; owned by the result; NULL when none */
    long http_status;             /* HTTP status of the last attempt; 0 when none */
    int curl_code;                /* CURLcode of the last attempt; 0 when none */
    unsigned attempts;            /* requests sent to the API endpoint (token requests excluded) */
    double elapsed_ms;            /* the whole call, waits included (real ms, not scaled back) */
    bool from_cache;              /* data is a stale copy from the fallback cache */
    double cache_age_ms;          /* its age when from_cache */
    enum eso_status cause;        /* the last attempt's own status: differs from status when the
                                     cache answered or a breaker/budget/deadline ended the call */
    char detail[ESO_DETAIL_SIZE]; /* curl message, HTTP status or first GraphQL error; "" on success
                                   */
    uint64_t reserved[8]; /* zeroed by every call: room for later fields (see "Reserved space",
                             options.h) */
};

/**
 * Release what @p res owns (data, errors) and zero it. NULL is a no-op; calling it
 * twice is safe.
 */
ESO_API void eso_result_finish(struct eso_result *res);

/**
 * Take ownership of res->data: the caller frees it with cJSON_Delete().
 * @return the data (may be NULL); res->data is NULL afterwards.
 */
ESO_API cJSON *eso_result_take_data(struct eso_result *res);

#ifdef __cplusplus
}
#endif

#endif
