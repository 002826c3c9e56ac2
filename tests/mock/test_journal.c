/*
 * The journal's promises: the JSON-lines file gets every completed request whatever the ring
 * does, polling the admin API never pushes out what it polls for, and every line and admin
 * answer is valid UTF-8 JSON whatever bytes the client sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esomock/journal.h>
#include <esomock/scenario.h>

#include "mock_test_util.h"

static struct esomock_server *srv;

static void stop(void)
{
    esomock_server_stop(srv);
    srv = NULL;
}

TestSuite(journal, .fini = stop, .timeout = 60);

static long call(const char *method, const char *path, const char *body, struct http_result *res)
{
    char url[512];
    snprintf(url, sizeof(url), "%s%s", esomock_server_url(srv), path);
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    http_perform(
        &(struct http_request){.method = method, .url = url, .body = body, .headers = headers},
        res);
    cr_assert_eq(res->curl_code, CURLE_OK, "%s %s: %s", method, path, res->curl_error);
    return res->status;
}

static long call_status(const char *method, const char *path, const char *body)
{
    struct http_result res;
    long status = call(method, path, body, &res);
    http_result_free(&res);
    return status;
}

static const char zones[] = "{\"query\":\"query getZones { worldData { zones { id name } } }\"}";

/* A journal file in /tmp; the caller closes it and removes @p path. */
static FILE *journal_file(char *path)
{
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    return f;
}

/* Parse the JSON lines of @p path into an array (the caller frees it with cJSON_Delete);
 * every line must be valid UTF-8 and JSON. */
static cJSON *read_journal_lines(const char *path)
{
    char *text = read_text_file(path);
    cr_assert_not_null(text, "read %s", path);
    cr_assert(utf8_valid(text, strlen(text)), "the journal file is not valid UTF-8");
    cJSON *lines = cJSON_CreateArray();
    for (char *line = text; *line != '\0';) {
        char *eol = strchr(line, '\n');
        cr_assert_not_null(eol, "every line ends: %s", line);
        *eol = '\0';
        cJSON *entry = cJSON_Parse(line);
        cr_assert_not_null(entry, "a line is not JSON: %s", line);
        cJSON_AddItemToArray(lines, entry);
        line = eol + 1;
    }
    free(text);
    return lines;
}

static cJSON *line_with_request_id(cJSON *lines, const char *id)
{
    cJSON *line;
    cJSON_ArrayForEach(line, lines)
    {
        cJSON *rid = cJSON_GetObjectItem(line, "request_id");
        if (cJSON_IsString(rid) && strcmp(rid->valuestring, id) == 0)
            return line;
    }
    return NULL;
}

/*
 * A request whose body is still to come is in flight while the ring overflows (capacity 3)
 * and while DELETE /__admin/requests clears it; when it completes, its line still reaches the
 * file, beside every other request's.
 */
Test(journal, file_gets_requests_in_flight_across_a_clear_and_a_ring_overflow)
{
    char path[] = "/tmp/esomock-journal-XXXXXX";
    FILE *f = journal_file(path);
    srv = start_server(&(struct esomock_options){.journal = f, .journal_capacity = 3});

    int fd = connect_loopback(esomock_server_port(srv));
    char head[256];
    snprintf(head, sizeof(head),
             "POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
             "X-Request-Id: held\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n",
             sizeof(zones) - 1);
    send_text(fd, head, 0);
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 1, false, 10000), 1,
                 "the held request arrived");

    for (int i = 0; i < 5; i++)
        cr_assert_eq(call_status("POST", "/api/v2/client", zones), 200);
    cr_assert_eq(call_status("DELETE", "/__admin/requests", NULL), 200);
    cr_assert_eq(call_status("POST", "/api/v2/client", zones), 200);

    send_text(fd, zones, sizeof(zones) - 1);
    char answer[16384];
    bool closed = false;
    recv_until(fd, answer, sizeof(answer), NULL, 10000, &closed); /* the whole answer */
    cr_assert_eq(strncmp(answer, "HTTP/1.1 200", 12), 0, "the held request: %.200s", answer);
    cr_assert(closed, "the server closed after the answer (Connection: close)");
    close(fd);
    stop(); /* every request has ended once the server has stopped */
    fclose(f);

    cJSON *lines = read_journal_lines(path);
    cr_assert_eq(cJSON_GetArraySize(lines), 8, "1 held + 6 calls + the DELETE");
    bool seen[9] = {false};
    cJSON *line;
    cJSON_ArrayForEach(line, lines)
    {
        int seq = cJSON_GetObjectItem(line, "seq")->valueint;
        cr_assert(seq >= 1 && seq <= 8 && !seen[seq], "seq %d once", seq);
        seen[seq] = true;
    }
    cJSON *held = line_with_request_id(lines, "held");
    cr_assert_not_null(held, "the held request's line is in the file");
    cr_assert_str_eq(cJSON_GetObjectItem(held, "state")->valuestring, "completed");
    cr_assert_eq(cJSON_GetObjectItem(held, "status")->valueint, 200);
    cr_assert_str_eq(cJSON_GetObjectItem(held, "operation")->valuestring, "getZones");
    cJSON_Delete(lines);
    remove(path);
}

/* Admin requests have a ring of their own: 40 polls of a 20-entry journal keep the entry. */
Test(journal, polling_never_pushes_out_what_it_polls_for)
{
    srv = start_server(&(struct esomock_options){.journal_capacity = 20});
    cr_assert_eq(call_status("POST", "/api/v2/client", zones), 200);
    for (int i = 0; i < 40; i++) {
        struct http_result res;
        cr_assert_eq(call("GET", "/__admin/requests", NULL, &res), 200);
        cJSON *json = parse_body(&res);
        cr_assert_eq(cJSON_GetObjectItem(json, "count")->valueint, 1, "poll %d: %s", i + 1,
                     res.body);
        cr_assert_eq(cJSON_GetObjectItem(json, "dropped")->valueint, i + 1 > 20 ? i + 1 - 20 : 0,
                     "poll %d: only admin entries are pushed out: %s", i + 1, res.body);
        cJSON_Delete(json);
        http_result_free(&res);
    }
    /* The admin ring is bounded too, and says what it dropped. */
    struct http_result res;
    call("GET", "/__admin/requests?include_admin=1", NULL, &res);
    cJSON *json = parse_body(&res);
    cr_assert_eq(cJSON_GetObjectItem(json, "count")->valueint, 21, "1 + the newest 20 polls");
    cr_assert_eq(cJSON_GetObjectItem(json, "dropped_admin")->valueint, 21, "%s", res.body);
    cJSON *list = cJSON_GetObjectItem(json, "requests");
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "seq")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "seq")->valueint, 23,
                 "merged in seq order");
    cJSON_Delete(json);
    http_result_free(&res);
}

/*
 * The ring's slots grow as entries arrive (64, 128, then the capacity): past the capacity it
 * still keeps the newest entries, in seq order, and counts the rest as dropped.
 */
Test(journal, a_ring_grown_to_its_capacity_keeps_the_newest_in_order)
{
    srv = start_server(&(struct esomock_options){.journal_capacity = 150});
    for (int i = 0; i < 200; i++)
        cr_assert_eq(call_status("POST", "/api/v2/client", zones), 200, "request %d", i + 1);
    struct http_result res;
    cr_assert_eq(call("GET", "/__admin/requests", NULL, &res), 200);
    cJSON *json = parse_body(&res);
    cr_assert_eq(cJSON_GetObjectItem(json, "count")->valueint, 150, "%.200s", res.body);
    cr_assert_eq(cJSON_GetObjectItem(json, "dropped")->valueint, 50, "%.200s", res.body);
    cJSON *list = cJSON_GetObjectItem(json, "requests");
    cr_assert_eq(cJSON_GetArraySize(list), 150);
    for (int i = 0; i < 150; i++) {
        cJSON *seq = cJSON_GetObjectItem(cJSON_GetArrayItem(list, i), "seq");
        cr_assert_eq(seq->valueint, 51 + i, "entry %d: the newest 150 in seq order", i);
    }
    cJSON_Delete(json);
    http_result_free(&res);
}

/* Send @p request on a new connection and read its answer until the server closes or 10 s. */
static void raw_exchange(const char *request, size_t len, char *answer, size_t size)
{
    int fd = connect_loopback(esomock_server_port(srv));
    send_text(fd, request, len);
    recv_until(fd, answer, size, NULL, 10000, NULL);
    close(fd);
}

/* The body of an HTTP answer, checked to be valid UTF-8 and JSON. */
static void assert_answer_is_utf8_json(const char *answer, const char *what)
{
    const char *body = strstr(answer, "\r\n\r\n");
    cr_assert_not_null(body, "%s: an answer: %.200s", what, answer);
    body += 4;
    cr_assert(utf8_valid(body, strlen(body)), "%s: the body is not UTF-8: %s", what, body);
    cJSON *json = cJSON_Parse(body);
    cr_assert_not_null(json, "%s: the body is not JSON: %s", what, body);
    cJSON_Delete(json);
}

Test(journal, lines_and_answers_are_utf8_json_whatever_bytes_came_in)
{
    char path[] = "/tmp/esomock-journal-utf8-XXXXXX";
    FILE *f = journal_file(path);
    FILE *log = tmpfile();
    srv = start_server(&(struct esomock_options){.journal = f, .log = log});
    char answer[16384];

    /* An X-Request-Id whose 127-byte cut falls inside a two-byte character. */
    char id[160];
    memset(id, 'a', 126);
    snprintf(id + 126, sizeof(id) - 126, "\xc3\xa9tail");
    char request[4096];
    int n = snprintf(request, sizeof(request),
                     "POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                     "Connection: close\r\nX-Request-Id: %s\r\nContent-Length: %zu\r\n\r\n%s",
                     id, sizeof(zones) - 1, zones);
    raw_exchange(request, (size_t)n, answer, sizeof(answer));
    cr_assert_eq(strncmp(answer, "HTTP/1.1 200", 12), 0, "%.100s", answer);

    /* Raw 0xFF bytes in a header value. */
    n = snprintf(request, sizeof(request),
                 "POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                 "Connection: close\r\nX-Request-Id: \xff\xfe-raw\r\nContent-Length: %zu\r\n\r\n%s",
                 sizeof(zones) - 1, zones);
    raw_exchange(request, (size_t)n, answer, sizeof(answer));
    cr_assert_eq(strncmp(answer, "HTTP/1.1 200", 12), 0, "%.100s", answer);

    /* %FF (and a newline) in a path: the 404 quotes it. */
    static const char bad_path[] = "GET /api/v2/%FF%0Afake-log-line HTTP/1.1\r\nHost: x\r\n"
                                   "Connection: close\r\n\r\n";
    raw_exchange(bad_path, sizeof(bad_path) - 1, answer, sizeof(answer));
    cr_assert_eq(strncmp(answer, "HTTP/1.1 404", 12), 0, "%.100s", answer);
    assert_answer_is_utf8_json(answer, "the 404 for %FF");

    /* Variables with a raw 0xFF, and long enough that the journal cuts them mid-character. */
    char body[2048];
    size_t used = (size_t)snprintf(
        body, sizeof(body),
        "{\"query\":\"query getGuildByName($name: String, $serverSlug: String) { guildData { "
        "guild(name: $name, serverSlug: $serverSlug) { id name } } }\",\"variables\":"
        "{\"name\":\"\xff");
    for (int i = 0; i < 600; i++)
        used += (size_t)snprintf(body + used, sizeof(body) - used, "\xc3\xa9");
    used += (size_t)snprintf(body + used, sizeof(body) - used, "\"}}");
    n = snprintf(request, sizeof(request),
                 "POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                 "Connection: close\r\nContent-Length: %zu\r\n\r\n%s",
                 used, body);
    raw_exchange(request, (size_t)n, answer, sizeof(answer));
    cr_assert_neq(answer[0], '\0', "answered");

    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 4, true, 10000), 4);
    struct http_result res;
    call("GET", "/__admin/requests?include_admin=1", NULL, &res);
    cr_assert(utf8_valid(res.body, res.body_len), "GET /__admin/requests: %s", res.body);
    cJSON *json = parse_body(&res);
    cr_assert_eq(cJSON_GetObjectItem(json, "count")->valueint, 5);
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(json, "requests"), 0);
    cr_assert_eq(strlen(cJSON_GetObjectItem(first, "request_id")->valuestring), 126,
                 "cut before the character that did not fit");
    cJSON_Delete(json);
    http_result_free(&res);

    stop();
    fclose(f);
    cJSON *lines = read_journal_lines(path); /* asserts UTF-8 and JSON */
    cr_assert_eq(cJSON_GetArraySize(lines), 5);
    cJSON_Delete(lines);
    remove(path);

    /* The decoded newline did not start a line of its own in the request log. */
    rewind(log);
    char text[8192];
    size_t len = fread(text, 1, sizeof(text) - 1, log);
    text[len] = '\0';
    fclose(log);
    cr_assert(utf8_valid(text, len), "the log is UTF-8: %s", text);
    cr_assert_null(strstr(text, "\nfake-log-line"), "a forged line: %s", text);
    cr_assert(strstr(text, "\\x0afake-log-line") != NULL, "the newline is escaped: %s", text);
}
