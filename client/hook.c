/* The transport hook adapter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <esologs/status.h>

#include "hook_private.h"

static uint64_t limit(uint64_t ns)
{
    return ns == UINT64_MAX ? 0 : ns;
}

int eso__hook_perform(const struct eso_transport *hook, const struct eso__clock *clk,
                      size_t max_body, const struct eso__request *req, struct eso__response *resp)
{
    memset(resp, 0, sizeof *resp);
    struct eso_http_request hreq = {
        .url = req->url,
        .content_type = eso__request_content_type(req),
        .authorization = eso__request_authorization(req),
        .body = req->body,
        .body_len = req->body_len,
        .operation = req->operation != NULL ? req->operation : "",
        .request_id = req->request_id != NULL ? req->request_id : "",
        .token_request = req->token_request,
        .attempt = req->attempt,
        .timeout_ns = limit(req->timeout_ns),
        .connect_timeout_ns = limit(req->connect_timeout_ns),
        .read_timeout_ns = limit(req->read_timeout_ns),
        .write_timeout_ns = limit(req->write_timeout_ns),
    };
    struct eso_http_response hresp;
    memset(&hresp, 0, sizeof hresp);
    uint64_t start = eso__clock_now(clk);
    int hrc = hook->perform(hook->userdata, &hreq, &hresp);
    resp->duration_ns = eso__clock_now(clk) - start;
    if (hrc != 0) {
        snprintf(resp->error, sizeof resp->error, "transport hook failed (%d)", hrc);
        resp->curl_code = -1;
        return 0;
    }
    resp->curl_code = hresp.curl_code;
    resp->http_status = hresp.curl_code == 0 ? hresp.http_status : 0;
    resp->reused = hresp.reused_connection;
    resp->request_sent = hresp.curl_code == 0 || hresp.request_sent;
    if (hresp.curl_code == CURLE_OPERATION_TIMEDOUT)
        resp->timeout_phase = hresp.request_sent ? "read" : "connect";
    if (hresp.curl_code != 0)
        snprintf(resp->error, sizeof resp->error, "%s",
                 hresp.error != NULL ? hresp.error : curl_easy_strerror((CURLcode)hresp.curl_code));
    if (hresp.retry_after != NULL && strlen(hresp.retry_after) < sizeof resp->retry_after) {
        snprintf(resp->retry_after, sizeof resp->retry_after, "%s", hresp.retry_after);
        resp->has_retry_after = true;
    }
    size_t cap = eso__request_max_body(req, max_body);
    if (hresp.body != NULL && hresp.body_len > 0) {
        if (hresp.body_len > cap) {
            resp->too_large = true;
            resp->curl_code = CURLE_WRITE_ERROR;
            resp->http_status = 0;
            snprintf(resp->error, sizeof resp->error, "response body over %zu bytes", cap);
            return 0;
        }
        resp->body = malloc(hresp.body_len + 1);
        if (resp->body == NULL)
            return ESO_OUT_OF_MEMORY;
        memcpy(resp->body, hresp.body, hresp.body_len);
        resp->body[hresp.body_len] = '\0';
        resp->body_len = hresp.body_len;
    }
    return 0;
}
