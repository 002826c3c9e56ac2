/*
 * The fixture resolver's plug for a data source behind the fixtures (resolver_private.h):
 * a fetched field no fixture answers reaches it, and its own handles and lists come back to
 * it whatever the document selects below them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "api_private.h"
#include "resolver_private.h"

struct guild {
    struct esomock_handle head; /* owner: the world */
    long id;
};

static struct esomock_data_source world;
static int lookups;

static void world_lookup(void *user, const char *path, const struct gql_field_info *info,
                         const cJSON *window, struct gql_source *out)
{
    (void)user;
    (void)window;
    lookups++;
    if (strcmp(path, "guildData.guild") == 0) {
        const struct gql_value *id = gql_value_get(info->args, "id");
        if (id == NULL || gql_value_int(id) > 1000) {
            out->kind = GQL_SOURCE_NULL; /* an unknown key */
            return;
        }
        struct guild *g = gql_exec_alloc(info->exec, sizeof(*g));
        g->head.owner = &world;
        g->id = (long)gql_value_int(id);
        out->kind = GQL_SOURCE_HANDLE;
        out->handle = g;
    } else if (strcmp(path, "guildData.guilds") == 0) {
        out->kind = GQL_SOURCE_ERROR;
        out->s = "limit argument must be between 1 and 100";
    }
}

static void world_resolve(void *user, const struct gql_source *parent,
                          const struct gql_field_info *info, struct gql_source *out)
{
    (void)user;
    const struct guild *g = parent->handle;
    if (strcmp(info->field_name, "name") == 0) {
        char name[64];
        snprintf(name, sizeof(name), "World guild %ld", g->id);
        out->kind = GQL_SOURCE_STRING;
        out->s = gql_exec_strdup(info->exec, name);
    } else if (strcmp(info->field_name, "tags") == 0) {
        out->kind = GQL_SOURCE_LIST;
        out->handle = (void *)g; /* the list's handle is the guild's: it starts with the head */
        out->count = 2;
    }
    /* anything else: not provided, so generated (id from the fetching argument) */
}

static void world_item(void *user, const struct gql_source *list, size_t index,
                       const struct gql_field_info *info, struct gql_source *out)
{
    (void)user;
    (void)info;
    (void)list;
    out->kind = index == 0 ? GQL_SOURCE_NULL : GQL_SOURCE_NOT_PROVIDED;
}

static char *run(struct esomock_fixture_set *set, const char *query)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    const struct gql_schema *schema = esomock__api_schema(err);
    cr_assert_not_null(schema, "%s", err);
    struct gql_request req = {.query = query, .query_len = strlen(query)};
    struct gql_prepared *p = NULL;
    struct gql_buf out;
    gql_buf_init(&out, 0);
    cr_assert_eq(gql_prepare(schema, NULL, &req, &p, &out), GQL_OK, "%s", out.data);
    struct esomock_ratelimit rl;
    esomock__ratelimit_init(&rl, NULL, 1.0);
    struct esomock_answer a = {.fixtures = set, .world = &world, .ratelimit = &rl};
    cr_assert_eq(esomock__answer_execute(&a, p, &out), GQL_OK);
    esomock__ratelimit_finish(&rl);
    gql_prepared_destroy(p);
    return out.data;
}

Test(resolver, a_data_source_answers_what_no_fixture_holds)
{
    world = (struct esomock_data_source){
        .lookup = world_lookup,
        .resolver = {.resolve = world_resolve, .list_item = world_item},
    };
    char dir[] = "/tmp/esomock-resolver-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/g5.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"field\":\"guildData.guild\",\"arguments\":{\"id\":5},\"response\":{\"data\":"
          "{\"guildData\":{\"guild\":{\"name\":\"Fixture five\"}}}}}",
          f);
    fclose(f);
    struct esomock_fixture_set *set = NULL;
    char err[ESOMOCK_ERROR_SIZE];
    cr_assert_eq(esomock__fixtures_load(dir, &set, err), ESOMOCK_OK, "%s", err);
    lookups = 0;
    char *got = run(set, "{ guildData { a: guild(id: 5) { name } b: guild(id: 7) { id name tags "
                         "{ id } } c: guild(id: 5000) { name } } }");
    cr_assert_str_eq(got, "{\"data\":{\"guildData\":{\"a\":{\"name\":\"Fixture five\"},\"b\":{"
                          "\"id\":7,\"name\":\"World guild 7\",\"tags\":[null,{\"id\":"
                          "736}]},\"c\":null}}}");
    free(got);
    cr_assert_eq(lookups, 2, "fixtures win: only guilds 7 and 5000 reach the source");
    got = run(set, "{ guildData { guilds { total } } }");
    cr_assert(strstr(got, "\"message\":\"limit argument must be between 1 and 100\"") != NULL &&
                  strstr(got, "\"path\":[\"guildData\",\"guilds\"]") != NULL,
              "%s", got);
    free(got);
    esomock__fixtures_free(set);
    remove(path);
    rmdir(dir);
}
