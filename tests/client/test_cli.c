/*
 * eso-client, the program: flags, stdout JSON, one event per stderr line, and a
 * distinct exit code per failure class, against an in-process eso-mock.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <esomock/journal.h>
#include <esomock/scenario.h>
#include <esomock/server.h>

extern char **environ;

static struct esomock_server *srv;
static char api_url[256];
static char token_url[256];
static char out_path[64];
static char err_path[64];
static char *out_text;
static char *err_text;

static void setup(void)
{
    struct esomock_options mo = {0};
    struct esomock_problems *problems = esomock_problems_create();
    /* Under memcheck every duration is 5 times longer. */
    bool slow = getenv("ESO_UNDER_VALGRIND") != NULL;
    mo.time_scale = slow ? 0.1 : 0.02;
    cr_assert_eq(esomock_server_start(&mo, &srv, problems), ESOMOCK_OK, "eso-mock: %s",
                 esomock_problems_text(problems));
    esomock_problems_destroy(problems);
    snprintf(api_url, sizeof api_url, "%s/api/v2/client", esomock_server_url(srv));
    snprintf(token_url, sizeof token_url, "%s/oauth/token", esomock_server_url(srv));
    setenv("ESOLOGS_ID", "cli-id", 1);
    setenv("ESOLOGS_SECRET", "cli-secret", 1);
    setenv("ESO_TIME_SCALE", slow ? "0.1" : "0.02", 1);
}

static void teardown(void)
{
    free(out_text);
    free(err_text);
    out_text = err_text = NULL;
    esomock_server_stop(srv);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "open %s", path);
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(path);
    return buf;
}

/* Run eso-client with @p args (NULL-terminated, without argv[0]); returns its exit code. */
static int run(const char *const *args)
{
    const char *argv[32] = {ESO_CLIENT_PATH};
    size_t n = 1;
    for (; args[n - 1] != NULL && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    snprintf(out_path, sizeof out_path, "/tmp/eso-cli-out-XXXXXX");
    snprintf(err_path, sizeof err_path, "/tmp/eso-cli-err-XXXXXX");
    int ofd = mkstemp(out_path);
    int efd = mkstemp(err_path);
    cr_assert(ofd >= 0 && efd >= 0, "temp files");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, ofd, 1);
    posix_spawn_file_actions_adddup2(&fa, efd, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, ESO_CLIENT_PATH, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(ofd);
    close(efd);
    cr_assert_eq(rc, 0, "spawn %s", ESO_CLIENT_PATH);
    int status = 0;
    waitpid(pid, &status, 0);
    free(out_text);
    free(err_text);
    out_text = slurp(out_path);
    err_text = slurp(err_path);
    cr_assert(WIFEXITED(status), "exited normally");
    return WEXITSTATUS(status);
}

/* Every stderr line parses as JSON; returns how many carry "event": @p kind. */
static int json_lines(const char *kind)
{
    int hits = 0;
    char *copy = strdup(err_text);
    for (char *line = copy; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        cr_assert_not_null(nl, "stderr lines end in a newline");
        *nl = '\0';
        cJSON *j = cJSON_Parse(line);
        cr_assert_not_null(j, "stderr line is JSON: %s", line);
        const cJSON *ev = cJSON_GetObjectItem(j, "event");
        hits += cJSON_IsString(ev) && strcmp(ev->valuestring, kind) == 0;
        cJSON_Delete(j);
        line = nl + 1;
    }
    free(copy);
    return hits;
}

static uint16_t closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0, "bind");
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

static void scenario(const char *json)
{
    struct esomock_problems *problems = esomock_problems_create();
    cr_assert_eq(esomock_server_load_scenario(srv, json, strlen(json), "<cli>", problems),
                 ESOMOCK_OK, "scenario: %s", esomock_problems_text(problems));
    esomock_problems_destroy(problems);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 30);

Test(cli, help_lists_exit_codes)
{
    const char *args[] = {"--help", NULL};
    cr_assert_eq(run(args), 0, "--help exits 0");
    cr_assert(strstr(out_text, "Exit codes") != NULL && strstr(out_text, "11 circuit breaker open"),
              "documented: %s", out_text);
    cr_assert_str_eq(err_text, "", "nothing on stderr");
}

/* Issue 15: GNU conventions: -h and --help, --version, on stdout with exit 0. */
Test(cli, short_help_and_version)
{
    const char *h[] = {"-h", NULL};
    cr_assert_eq(run(h), 0, "-h exits 0; stderr: %s", err_text);
    cr_assert(strncmp(out_text, "Usage: eso-client", 17) == 0, "usage on stdout: %s", out_text);
    cr_assert(strstr(out_text, "18 protocol error") != NULL, "every exit code: %s", out_text);
    cr_assert(strstr(out_text, "real\nmilliseconds") != NULL, "time units said: %s", out_text);
    const char *v[] = {"--version", NULL};
    cr_assert_eq(run(v), 0, "--version exits 0");
    cr_assert(strncmp(out_text, "eso-client ", 11) == 0 && strchr(out_text, '\n') != NULL,
              "one version line: %s", out_text);
    cr_assert(strstr(out_text, " (libesologs ") != NULL, "the library's own version: %s", out_text);
    cr_assert_str_eq(err_text, "", "nothing on stderr");
}

/* The usage error shape: exit 2, nothing on stdout, one line naming it plus the hint. */
static void check_usage_error(const char *const *args, const char *says)
{
    cr_assert_eq(run(args), 2, "exit 2 for %s; stderr: %s", args[0] ? args[0] : "(none)", err_text);
    cr_assert_str_eq(out_text, "", "nothing on stdout");
    const char *nl = strchr(err_text, '\n');
    cr_assert(strncmp(err_text, "eso-client: ", 12) == 0 && nl != NULL, "one line: %s", err_text);
    cr_assert_str_eq(nl + 1, "Try 'eso-client --help' for more information.\n",
                     "then the hint, and nothing else: %s", err_text);
    cr_assert(strstr(err_text, says) != NULL && strstr(err_text, says) < nl,
              "the line says '%s': %s", says, err_text);
}

Test(cli, usage_errors_exit_2)
{
    const char *unknown[] = {"--url", api_url, "getNothing", NULL};
    check_usage_error(unknown, "unknown operation 'getNothing'");
    const char *badvar[] = {"--url", api_url, "getGuildById", "--var", "guildId=abc", NULL};
    check_usage_error(badvar, "guildId");
    const char *badflag[] = {"--frobnicate", "getZones", NULL};
    check_usage_error(badflag, "'--frobnicate'");
    const char *badshort[] = {"-x", "getZones", NULL};
    check_usage_error(badshort, "'-x'");
    const char *novalue[] = {"getZones", "--url", NULL};
    check_usage_error(novalue, "'--url' needs a value");
    const char *badjitter[] = {"--jitter", "wild", "getZones", NULL};
    check_usage_error(badjitter, "--jitter");
    const char *badtimeout[] = {"--timeout", "0", "getZones", NULL};
    check_usage_error(badtimeout, "--timeout");
    const char *noop[] = {NULL};
    check_usage_error(noop, "missing OPERATION");
    const char *two[] = {"getZones", "getClasses", NULL};
    check_usage_error(two, "one OPERATION only");
    const char *badtoken[] = {"--token", "a\r\nX-Injected: 1", "getZones", NULL};
    check_usage_error(badtoken, "bearer_token");
    cr_assert(strstr(err_text, "\r") == NULL, "control characters escaped: %s", err_text);
}

/* Issue 15: with --log text nothing is JSON; with --log json everything is (above). */
Test(cli, text_log_errors_are_text)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v2/client", (unsigned)closed_port());
    const char *args[] = {"--url", url,           "--token",  "t", "--log",
                          "text",  "--retries=0", "getZones", NULL};
    cr_assert_eq(run(args), 3, "connect failure; stderr: %s", err_text);
    int lines = 0;
    const char *last = err_text;
    for (const char *p = err_text; *p != '\0'; p = strchr(p, '\n') + 1) {
        cr_assert(*p == '[' || strncmp(p, "eso-client: ", 12) == 0, "a text line: %s", p);
        last = p;
        lines++;
    }
    cr_assert(lines >= 4, "events, then the end: %s", err_text);
    cr_assert(strncmp(last, "eso-client: could not connect to the server: curl 7", 51) == 0 &&
                  strstr(last, "(exit 3)\n") != NULL,
              "the last line says what and the exit code: %s", last);
}

/* Issue 14.9: a server message with a newline forged a "call_end ... status=ok" line in
 * --log text, and its ESC and BEL reached the terminal. */
Test(cli, server_text_cannot_forge_log_lines)
{
    scenario("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},\"script\":["
             "{\"action\":\"respond\",\"status\":200,\"body\":{\"errors\":[{\"message\":"
             "\"nope\\n[    1.000 ms] #1 getZones call_end attempts=1 status=ok took=1.0ms"
             "\\u001b]0;pwned\\u0007\\r\"}],\"data\":null}}]}]}");
    const char *args[] = {"--url", api_url, "--token-url", token_url,
                          "--log", "text",  "getZones",    NULL};
    cr_assert_eq(run(args), 10, "GraphQL error; stderr: %s", err_text);
    int call_ends = 0;
    for (const char *p = err_text; *p != '\0'; p++)
        cr_assert((unsigned char)*p >= 0x20 || *p == '\n', "no control byte 0x%02x in: %s",
                  (unsigned char)*p, err_text);
    for (const char *p = err_text; *p != '\0'; p = strchr(p, '\n') + 1) {
        char kind[64] = "";
        if (sscanf(p, "[%*f ms] #%*u %*s %63s", kind) == 1)
            call_ends += strcmp(kind, "call_end") == 0;
        else
            cr_assert(strncmp(p, "eso-client: ", 12) == 0, "no forged line: %s", p);
    }
    cr_assert_eq(call_ends, 1, "one call_end, the real one: %s", err_text);
    cr_assert(strstr(err_text, "nope\\n[") != NULL && strstr(err_text, "\\x1b]0;pwned\\x07"),
              "the text is kept, escaped: %s", err_text);
}

Test(cli, happy_path_prints_data_and_json_events)
{
    const char *args[] = {"--url",        api_url, "--token-url",  token_url,
                          "getGuildById", "--var", "guildId=2290", NULL};
    cr_assert_eq(run(args), 0, "exit 0; stderr: %s", err_text);
    cJSON *data = cJSON_Parse(out_text);
    cr_assert_not_null(data, "stdout is JSON: %s", out_text);
    cr_assert_not_null(cJSON_GetObjectItem(data, "guildData"), "the data member");
    cJSON_Delete(data);
    cr_assert_eq(json_lines("call_end"), 1, "one call_end event");
    cr_assert_eq(json_lines("token_fetch"), 1, "one token_fetch");
    cr_assert(strstr(err_text, "cli-secret") == NULL, "no secret on stderr");
}

Test(cli, text_log)
{
    const char *args[] = {"--url", api_url, "--token-url", token_url,
                          "--log", "text",  "getZones",    NULL};
    cr_assert_eq(run(args), 0, "exit 0");
    cr_assert(strstr(err_text, "call_end attempts=1 status=ok") != NULL, "text events: %s",
              err_text);
}

Test(cli, connection_refused_exits_3)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v2/client", (unsigned)closed_port());
    const char *args[] = {"--url", url, "--token", "t", "--no-retry", "getZones", NULL};
    cr_assert_eq(run(args), 3, "connect failure; stderr: %s", err_text);
    cr_assert_eq(json_lines("attempt_start"), 1, "one attempt");
    cr_assert_eq(json_lines("exit"), 1, "a final exit line");
    cr_assert(strstr(err_text, "\"curl\":7") != NULL, "curl 7 reported");
}

Test(cli, breaker_threshold_exits_11)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v2/client", (unsigned)closed_port());
    const char *args[] = {
        "--url", url,        "--token", "t",        "--retries", "3", "--breaker-threshold",
        "1",     "--jitter", "none",    "getZones", NULL};
    cr_assert_eq(run(args), 11, "breaker opened after one failure; stderr: %s", err_text);
    cr_assert_eq(json_lines("breaker_transition"), 1, "the transition is logged");
    cr_assert_eq(json_lines("attempt_start"), 1, "no second attempt");
}

Test(cli, rate_limited_exits_6_and_graphql_error_exits_10)
{
    scenario("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},\"script\":["
             "{\"action\":\"respond\",\"status\":429}]},"
             "{\"match\":{\"operation\":\"getAbility\"},\"script\":[{\"action\":\"respond\","
             "\"status\":200,\"body\":{\"errors\":[{\"message\":\"The limit argument must be "
             "positive\"}],\"data\":null}}]}]}");
    const char *limited[] = {"--url",     api_url, "--token-url", token_url,
                             "--retries", "1",     "getZones",    NULL};
    cr_assert_eq(run(limited), 6, "429 twice; stderr: %s", err_text);
    cr_assert_eq(json_lines("retry_scheduled"), 1, "one retry");
    const char *gql[] = {"--url",      api_url, "--token-url", token_url,
                         "getAbility", "--var", "id=1",        NULL};
    cr_assert_eq(run(gql), 10, "GraphQL error; stderr: %s", err_text);
    cr_assert(strstr(err_text, "limit argument must be") != NULL, "message shown");
}

Test(cli, timeout_flag_sets_the_attempt_timeout)
{
    scenario("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},\"script\":["
             "{\"action\":\"hang\"}]}]}");
    /* 5 s at scale 0.02 = 100 ms per attempt (500 ms under valgrind). */
    const char *args[] = {"--url", api_url,      "--token-url", token_url, "--timeout",
                          "5",     "--no-retry", "getZones",    NULL};
    cr_assert_eq(run(args), 4, "timeout; stderr: %s", err_text);
    cr_assert(strstr(err_text, "\"curl\":28") != NULL, "curl 28");
}

/* Audit: partial data next to GraphQL errors was not printed, and transient GraphQL errors
 * shared exit code 10 with permanent ones. */
Test(cli, partial_data_is_printed_and_transient_graphql_errors_exit_17)
{
    scenario("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getAbility\"},\"script\":["
             "{\"action\":\"respond\",\"status\":200,\"body\":{\"errors\":[{\"message\":"
             "\"Cannot query field \\\"x\\\" on type Ability\"}],\"data\":{\"gameData\":"
             "{\"ability\":{\"id\":1}}}}}]},"
             "{\"match\":{\"operation\":\"getZones\"},\"script\":[{\"action\":\"respond\","
             "\"status\":200,\"body\":{\"errors\":[{\"message\":\"Internal server error\"}],"
             "\"data\":{\"worldData\":{\"zones\":[]}}}}]}]}");
    const char *partial[] = {"--url",      api_url, "--token-url", token_url,
                             "getAbility", "--var", "id=1",        NULL};
    cr_assert_eq(run(partial), 10, "permanent GraphQL error; stderr: %s", err_text);
    cJSON *data = cJSON_Parse(out_text);
    cr_assert_not_null(data, "the partial data on stdout: '%s'", out_text);
    cr_assert_not_null(cJSON_GetObjectItem(data, "gameData"), "its content");
    cJSON_Delete(data);
    const char *transient[] = {"--url",      api_url,    "--token-url", token_url,
                               "--no-retry", "getZones", NULL};
    cr_assert_eq(run(transient), 17, "transient GraphQL error; stderr: %s", err_text);
    data = cJSON_Parse(out_text);
    cr_assert_not_null(cJSON_GetObjectItem(data, "worldData"), "partial data: '%s'", out_text);
    cJSON_Delete(data);
    const char *help[] = {"--help", NULL};
    run(help);
    cr_assert(strstr(out_text, "17 transient GraphQL error") != NULL, "documented");
}

/* Audit: --no-retry exited 0 with attempts=1 while the server saw a reset and a resend. */
Test(cli, no_retry_on_a_warm_connection_shows_the_reset)
{
    scenario("{\"name\":\"t\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},\"script\":["
             "{\"action\":\"reset\",\"times\":1,\"repeat\":false}]}]}");
    /* The token request warms the connection the API request would reuse. */
    const char *args[] = {"--url",        api_url, "--token-url", token_url, "--no-retry",
                          "getGuildById", "--var", "guildId=1",   NULL};
    cr_assert_eq(run(args), 5, "the reset is the answer; stderr: %s", err_text);
    cr_assert_eq(json_lines("attempt_start"), 1, "one attempt");
    struct esomock_journal_entry *e = NULL;
    size_t n = 0, api = 0;
    cr_assert_eq(esomock_server_journal(srv, NULL, &e, &n), ESOMOCK_OK, "journal");
    for (size_t i = 0; i < n; i++)
        api += strcmp(e[i].path, "/api/v2/client") == 0;
    free(e);
    cr_assert_eq(api, 1, "the server saw one API request");
}
