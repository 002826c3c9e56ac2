/*
 * Secrets never leak: a run with real-looking credentials, through faults and auth
 * failures, then every log, journal, admin answer, metric and client event is searched
 * for the client secret, its Basic encoding and the bearer token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <esoharness/fixture.h>

#include "http_helper.h"

#define CLIENT_ID "esologs-client-4f9a1c2e7b"
#define CLIENT_SECRET "Zx7Qp2Lm9Rt4Vw8Yb3Nc6Hd1Kf5Gs0Ej"
/* base64("esologs-client-4f9a1c2e7b:Zx7Qp2Lm9Rt4Vw8Yb3Nc6Hd1Kf5Gs0Ej"), as sent in Basic auth */
#define BASIC_VALUE                                                                                \
    "ZXNvbG9ncy1jbGllbnQtNGY5YTFjMmU3YjpaeDdRcDJMbTlSdDRWdzhZYjNOYzZIZDFLZjVHczBFag=="
#define BEARER "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlc28tbG9ncyJ9.Qw3rT5yU7iO9pA1sD3fG5hJ7kL9"

struct capture {
    char *text;
    size_t len;
    FILE *f;
};

static void capture_open(struct capture *c)
{
    c->text = NULL;
    c->len = 0;
    c->f = open_memstream(&c->text, &c->len);
    cr_assert_not_null(c->f);
}

static void assert_clean(const char *what, const char *text)
{
    cr_assert_not_null(text, "%s captured", what);
    static const char *const secrets[] = {CLIENT_SECRET, BASIC_VALUE, BEARER};
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        cr_assert_null(strstr(text, secrets[i]), "%s contains secret #%zu", what, i);
    /* A prefix is enough to rebuild a secret: no 12-byte piece of one may appear either. */
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
        char piece[13];
        memcpy(piece, secrets[i] + 4, 12);
        piece[12] = '\0';
        cr_assert_null(strstr(text, piece), "%s contains part of secret #%zu", what, i);
    }
}

static void run_calls(struct eso_client *client)
{
    const char *ops[] = {"getZones", "getGuildById", "getRateLimitData", "getZones"};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        cJSON *vars =
            strcmp(ops[i], "getGuildById") == 0 ? cJSON_Parse("{\"guildId\":3468}") : NULL;
        struct eso_result res = {0};
        eso_query(client, ops[i], NULL, vars, &res);
        assert_clean("a result's detail", res.detail);
        char *errors = res.errors != NULL ? cJSON_PrintUnformatted(res.errors) : NULL;
        if (errors != NULL)
            assert_clean("a result's errors", errors);
        free(errors);
        eso_result_finish(&res);
        cJSON_Delete(vars);
    }
}

Test(secrets, never_in_logs_journals_events_or_admin_answers, .timeout = 60)
{
    struct capture server_log, journal, json_events, text_events;
    capture_open(&server_log);
    capture_open(&journal);
    capture_open(&json_events);
    capture_open(&text_events);

    /* The credential flow, with faults and a token refresh in the mix. */
    struct esomock_options server = {
        .client_id = CLIENT_ID,
        .client_secret = CLIENT_SECRET,
        .log = server_log.f,
        .journal = journal.f,
    };
    struct eso_options client = {
        .client_id = CLIENT_ID,
        .client_secret = CLIENT_SECRET,
        .max_attempts = 3,
        .initial_delay_ms = 10,
        .on_event = eso_event_log_json,
        .event_userdata = json_events.f,
    };
    struct eso_fixture *fx = eso_fixture_start(&(struct eso_fixture_options){
        .scenario_json =
            "{\"name\":\"secrets\",\"settings\":{\"strict_auth\":true,\"token_ttl_s\":1},"
            "\"rules\":[{\"match\":{\"operation\":\"getZones\"},\"script\":["
            "{\"action\":\"respond\",\"status\":503,\"times\":1},{\"action\":\"drop\",\"times\":1},"
            "{\"action\":\"pass\"}]}]}",
        .time_scale = 0.02,
        .server = &server,
        .client = &client,
    });
    run_calls(eso_fixture_client(fx));

    /* A caller-supplied bearer token the strict server refuses: the 401 path. */
    struct eso_options bearer_client = {
        .api_url = eso_fixture_api_url(fx),
        .bearer_token = BEARER,
        .max_attempts = 2,
        .on_event = eso_event_log_text,
        .event_userdata = text_events.f,
    };
    struct eso_client *second = NULL;
    cr_assert_eq(eso_client_create(&bearer_client, &second, NULL), ESO_OK);
    struct eso_result res = {0};
    cr_assert_eq(eso_query(second, "getZones", NULL, NULL, &res), ESO_UNAUTHORIZED,
                 "the made-up token is refused");
    assert_clean("the 401 result", res.detail);
    eso_result_finish(&res);
    eso_client_destroy(second);

    /* What the admin API would show anyone who asks. */
    const char *paths[] = {"/__admin/requests?include_admin=1", "/__admin/scenario",
                           "/__admin/metrics"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char url[256];
        snprintf(url, sizeof(url), "%s%s", esomock_server_url(eso_fixture_server(fx)), paths[i]);
        struct http_result answer;
        http_perform(&(struct http_request){.url = url}, &answer);
        cr_assert_eq(answer.status, 200, "%s", paths[i]);
        assert_clean(paths[i], answer.body);
        http_result_free(&answer);
    }
    char *metrics = esomock_server_metrics(eso_fixture_server(fx));
    assert_clean("metrics", metrics);
    free(metrics);

    eso_fixture_stop(fx);
    fclose(server_log.f);
    fclose(journal.f);
    fclose(json_events.f);
    fclose(text_events.f);
    cr_assert_gt(server_log.len, 0, "the server logged the run");
    cr_assert_gt(journal.len, 0, "the journal file has the run");
    cr_assert_gt(json_events.len, 0, "the client emitted events");
    cr_assert_gt(text_events.len, 0, "the second client emitted events");
    assert_clean("the server log", server_log.text);
    assert_clean("the journal file", journal.text);
    assert_clean("the JSON event log", json_events.text);
    assert_clean("the text event log", text_events.text);
    cr_assert_not_null(strstr(json_events.text, "token_fetch"), "tokens were fetched");
    free(server_log.text);
    free(journal.text);
    free(json_events.text);
    free(text_events.text);
}
