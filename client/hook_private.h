/*
 * The transport hook adapter: a request handed to the caller's eso_transport instead of
 * libcurl, and its eso_http_response turned into the response libcurl would have given
 * (the same limits, the same meaning of every field).
 */
#ifndef ESOLOGS_HOOK_PRIVATE_H
#define ESOLOGS_HOOK_PRIVATE_H

#include <stddef.h>

#include <esologs/options.h>

#include "clock_private.h"
#include "request_private.h"

/*
 * Call @p hook for @p req; always fills @p resp (zeroed first), with the body cut at
 * eso__request_max_body(req, @p max_body). Returns 0, or ESO_OUT_OF_MEMORY when the body
 * could not be copied.
 */
int eso__hook_perform(const struct eso_transport *hook, const struct eso__clock *clk,
                      size_t max_body, const struct eso__request *req, struct eso__response *resp);

#endif
