/*
 * docs/admin-api.md lists every admin route the server has, with its parameters, and nothing
 * else: the page is read and compared with admin.c's route table, and every route it documents
 * is requested on a live server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_private.h"
#include "journal_private.h"
#include "mock_test_util.h"

static char *page;

static void load_page(void)
{
    const char *root = getenv("ESO_SOURCE_ROOT");
    cr_assert_not_null(root, "ESO_SOURCE_ROOT is set by meson (or tests/support's defaults)");
    char path[1024];
    snprintf(path, sizeof(path), "%s/docs/admin-api.md", root);
    page = read_text_file(path);
    cr_assert_not_null(page, "cannot read %s", path);
}

static void free_page(void)
{
    free(page);
    page = NULL;
}

TestSuite(admin_docs, .init = load_page, .fini = free_page, .timeout = 30);

/* The text of the section under "### METHOD PATH" (up to the next heading), or NULL. */
static char *section(const char *method, const char *path)
{
    char heading[256];
    snprintf(heading, sizeof(heading), "\n### %s %s\n", method, path);
    const char *start = strstr(page, heading);
    if (start == NULL)
        return NULL;
    start += strlen(heading);
    const char *end = strstr(start, "\n#");
    size_t len = end != NULL ? (size_t)(end - start) : strlen(start);
    char *text = malloc(len + 1);
    cr_assert_not_null(text);
    memcpy(text, start, len);
    text[len] = '\0';
    return text;
}

Test(admin_docs, every_route_is_documented_with_its_parameters)
{
    struct esomock_admin_route_info route;
    size_t n = 0;
    for (; esomock__admin_route(n, &route); n++) {
        char *text = section(route.method, route.path);
        cr_assert_not_null(text, "docs/admin-api.md has no \"### %s %s\" section", route.method,
                           route.path);
        if (route.params[0] == NULL)
            cr_assert(strstr(text, "Parameters: none") != NULL,
                      "%s %s takes no parameters: the page must say so", route.method, route.path);
        for (size_t p = 0; route.params[p] != NULL; p++) {
            char quoted[64];
            snprintf(quoted, sizeof(quoted), "| `%s` |", route.params[p]);
            cr_assert(strstr(text, quoted) != NULL, "%s %s: parameter %s is not in its table",
                      route.method, route.path, route.params[p]);
        }
        free(text);
    }
    cr_assert_geq(n, 8, "the route table is there");
}

/* Whether METHOD PATH is in admin.c's table. */
static bool is_route(const char *method, const char *path)
{
    struct esomock_admin_route_info route;
    for (size_t i = 0; esomock__admin_route(i, &route); i++) {
        if (strcmp(route.method, method) == 0 && strcmp(route.path, path) == 0)
            return true;
    }
    return false;
}

Test(admin_docs, every_documented_route_exists_and_answers)
{
    struct esomock_server *srv = start_server(NULL);
    size_t documented = 0;
    for (const char *h = strstr(page, "\n### "); h != NULL; h = strstr(h + 1, "\n### ")) {
        char method[16], path[128];
        if (sscanf(h, "\n### %15s %127s", method, path) != 2 || strncmp(path, "/__admin/", 9) != 0)
            continue;
        documented++;
        cr_assert(is_route(method, path), "the page documents %s %s, which the server lacks",
                  method, path);
        char url[256];
        snprintf(url, sizeof(url), "%s%s", esomock_server_url(srv), path);
        const char *body = strcmp(method, "POST") == 0 && strcmp(path, "/__admin/scenario") == 0
                               ? "{\"name\":\"docs\",\"rules\":[]}"
                               : NULL;
        struct http_result res;
        http_perform(&(struct http_request){.method = method, .url = url, .body = body}, &res);
        cr_assert_eq(res.curl_code, CURLE_OK, "%s %s: %s", method, path, res.curl_error);
        cr_assert_eq(res.status, 200, "%s %s answers %ld: %s", method, path, res.status, res.body);
        http_result_free(&res);
    }
    struct esomock_admin_route_info route;
    size_t routes = 0;
    while (esomock__admin_route(routes, &route))
        routes++;
    cr_assert_eq(documented, routes, "%zu routes documented, %zu in the server", documented,
                 routes);
    esomock_server_stop(srv);
}

/* Every member of a journal entry has its row in "## The journal entry", and nothing more. */
Test(admin_docs, every_journal_field_is_documented)
{
    const char *start = strstr(page, "\n## The journal entry\n");
    cr_assert_not_null(start, "docs/admin-api.md has no \"## The journal entry\" section");
    const char *end = strstr(start + 1, "\n## ");
    size_t len = end != NULL ? (size_t)(end - start) : strlen(start);
    char *text = strndup(start, len);
    struct esomock_journal_entry e = {.seq = 1};
    cJSON *json = esomock__journal_entry_json(&e);
    size_t members = 0;
    for (cJSON *m = json->child; m != NULL; m = m->next, members++) {
        char row[96], among[96];
        snprintf(row, sizeof(row), "\n| `%s` |", m->string);
        snprintf(among, sizeof(among), "`%s`, `", m->string);
        char tail[96];
        snprintf(tail, sizeof(tail), ", `%s` |", m->string);
        cr_assert(strstr(text, row) != NULL || strstr(text, among) != NULL ||
                      strstr(text, tail) != NULL,
                  "journal field %s has no row in the table", m->string);
    }
    size_t rows = 0;
    for (const char *r = strstr(text, "\n| `"); r != NULL; r = strstr(r + 1, "\n| `")) {
        for (const char *c = r + 3; *c != '\n' && *c != '\0'; c++) {
            if (*c == '|')
                break;
            if (*c == '`' && c[1] != ',' && c[1] != ' ' && c[1] != '|')
                rows++; /* an opening backquote: one documented name */
        }
    }
    cr_assert_eq(rows, members, "%zu names in the table, %zu members in an entry", rows, members);
    cJSON_Delete(json);
    free(text);
}
