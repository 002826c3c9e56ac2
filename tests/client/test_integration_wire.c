/*
 * libesologs against a raw socket server sending what no valid server sends, at sizes
 * a scenario cannot hold: the client names what happened (too large), with the right
 * transience and exit code, instead of "connection reset" or "out of memory".
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "client_test_util.h"
#include "wire_server.h"

static struct wire_server *ws;
static struct eso_client *cli;
static struct eso_result res;
static struct recorder rec;
static struct eso_options opts;
static char url[128];

static void start(enum wire_answer answer)
{
    ws = wire_server_start(answer);
    cr_assert_not_null(ws, "wire server");
    snprintf(url, sizeof url, "%s/api/v2/client", wire_server_url(ws));
    memset(&opts, 0, sizeof opts);
    opts.api_url = url;
    opts.bearer_token = "t";
    opts.time_scale = 1.0;
    opts.jitter = ESO_JITTER_NONE;
    opts.initial_delay_ms = 10;
    opts.on_event = recorder_fn;
    opts.event_userdata = &rec;
    memset(&rec, 0, sizeof rec);
}

static void create(void)
{
    char err[ESO_DETAIL_SIZE] = "";
    cr_assert_eq(eso_client_create(&opts, &cli, err), ESO_OK, "client: %s", err);
}

static void teardown(void)
{
    eso_result_finish(&res);
    eso_client_destroy(cli);
    cli = NULL;
    wire_server_stop(ws);
    ws = NULL;
}

TestSuite(wire, .fini = teardown, .timeout = 30);

/* Issue 14.13: endless response headers were a "connection reset" (exit 5, retried). */
Test(wire, endless_response_headers_are_too_large_not_a_reset)
{
    start(WIRE_ENDLESS_HEADERS);
    create();
    enum eso_status st = eso_get_zones(cli, &res);
    cr_assert_eq(st, ESO_RESPONSE_TOO_LARGE, "%s: %s", eso_status_name(st), res.detail);
    cr_assert(strstr(res.detail, "response headers over") != NULL, "says what: %s", res.detail);
    cr_assert_eq(res.attempts, 1, "permanent: not retried");
    cr_assert_eq(wire_server_connections(ws), 1, "one request on the wire");
    cr_assert(!eso_status_is_transient(st), "permanent");
    cr_assert_eq(eso_status_exit_code(st), 9, "exit 9 (oversized response)");
}

/* Issue 14.13: a header line past libcurl's 100 KB limit was "out of memory" (exit 1). */
Test(wire, header_line_over_libcurls_limit_is_too_large_not_out_of_memory)
{
    start(WIRE_LONG_HEADER);
    create();
    enum eso_status st = eso_get_zones(cli, &res);
    cr_assert_eq(st, ESO_RESPONSE_TOO_LARGE, "%s: %s", eso_status_name(st), res.detail);
    cr_assert(strstr(res.detail, "header line") != NULL, "says what: %s", res.detail);
    cr_assert_eq(res.attempts, 1, "not retried");
}

/* Issue 14.13: a 4 MB token answer was taken, and the API request carrying it failed in
 * libcurl as "out of memory" (exit 1). */
Test(wire, huge_token_answer_is_too_large_not_out_of_memory)
{
    start(WIRE_HUGE_TOKEN);
    char token_url[128];
    snprintf(token_url, sizeof token_url, "%s/oauth/token", wire_server_url(ws));
    opts.bearer_token = NULL;
    opts.client_id = "id";
    opts.client_secret = "secret";
    opts.token_url = token_url;
    create();
    enum eso_status st = eso_get_zones(cli, &res);
    cr_assert_eq(st, ESO_RESPONSE_TOO_LARGE, "%s: %s", eso_status_name(st), res.detail);
    cr_assert(strstr(res.detail, "token endpoint") != NULL, "says where: %s", res.detail);
    cr_assert_eq(wire_server_connections(ws), 1, "the token request only, not retried");
    const struct rec_event *f = recorder_find(&rec, ESO_EV_TOKEN_FETCH, 0);
    cr_assert(f != NULL && f->status == ESO_RESPONSE_TOO_LARGE, "token_fetch event: %s",
              f != NULL ? f->json : "none");
    cr_assert_eq(eso_status_exit_code(st), 9, "exit 9");
}
