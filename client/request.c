/* What one attempt sends and what comes back. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request_private.h"

const char *eso__request_content_type(const struct eso__request *r)
{
    return r->form ? "application/x-www-form-urlencoded" : "application/json";
}

const char *eso__request_authorization(const struct eso__request *r)
{
    return r->auth_line != NULL ? r->auth_line + sizeof ESO__AUTH_PREFIX - 1 : NULL;
}

bool eso__request_shrink(struct eso__request *r, uint64_t elapsed)
{
    if (r->deadline_left_ns == 0 || elapsed == 0)
        return true;
    if (elapsed >= r->deadline_left_ns)
        return false;
    uint64_t left = r->deadline_left_ns - elapsed;
    uint64_t *timers[] = {&r->timeout_ns, &r->connect_timeout_ns, &r->read_timeout_ns,
                          &r->write_timeout_ns};
    for (size_t i = 0; i < sizeof timers / sizeof *timers; i++) {
        if (*timers[i] == 0 || *timers[i] > left)
            *timers[i] = left;
    }
    r->deadline_left_ns = left;
    return true;
}

size_t eso__request_max_body(const struct eso__request *r, size_t transport_max)
{
    return r->max_body != 0 && r->max_body < transport_max ? r->max_body : transport_max;
}

void eso__response_fail(struct eso__response *r, int code, const char *error)
{
    memset(r, 0, sizeof *r);
    r->curl_code = code;
    snprintf(r->error, sizeof r->error, "%s", error);
}

void eso__response_finish(struct eso__response *r)
{
    if (r == NULL)
        return;
    if (!r->body_lent)
        free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

long eso__ms_ceil(uint64_t ns)
{
    if (ns == 0 || ns == UINT64_MAX)
        return 0;
    /* Not (ns + 999999) / 1e6: a limit near UINT64_MAX (no deadline, read early on a
     * clock that starts at 0) would wrap to a 1 ms timeout. */
    uint64_t ms = ns / 1000000u + (ns % 1000000u != 0);
    return ms > (uint64_t)LONG_MAX / 2 ? LONG_MAX / 2 : (long)ms;
}
