/*
 * gql-shape-check: check eso-mock fixtures against the ESO Logs schema and
 * the query documents they answer, with the GraphQL engine
 * (mock_server/gql) through fixture_check.c.
 *
 *   gql-shape-check --schema FILE --queries DIR FIXTURE.json...
 *
 * Prints "FIXTURE: PATH: message" per problem and a summary line. Exit status:
 * 0 when every fixture conforms, 1 when one does not (or the schema cannot be
 * loaded), 2 on a usage error.
 */
#include <stdio.h>
#include <string.h>

#include "fixture_check.h"
#include "gql.h"

/* Per-fixture state handed to the report callback. */
struct fixture_sink {
    const char *file;
};

/* Print one problem as "FILE: PATH: message". */
static void print_problem(void *user, const char *path, const char *message)
{
    const struct fixture_sink *sink = user;

    printf("%s: %s: %s\n", sink->file, path, message);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: gql-shape-check --schema FILE --queries DIR FIXTURE.json...\n"
                 "Checks that each fixture's response.data has exactly the shape its\n"
                 "operation (DIR/<operation>.graphql) selects from the schema.\n"
                 "Exit status: 0 all conform, 1 some do not, 2 usage error.\n");
}

/* Take the value of --name VALUE or --name=VALUE at argv[*i]; NULL when
 * argv[*i] is not that option. Sets *missing when the value is absent. */
static const char *option_value(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, n) != 0)
        return NULL;
    if (arg[n] == '=')
        return arg + n + 1;
    if (arg[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

int main(int argc, char **argv)
{
    struct gql_schema *schema = NULL;
    const char *schema_path = NULL;
    const char *queries_dir = NULL;
    char err[GQL_ERROR_SIZE];
    size_t total = 0;
    size_t failed = 0;
    size_t fixtures = 0;
    int first_fixture = argc;
    int rc = 2;
    int i;

    for (i = 1; i < argc; i++) {
        const char *value;
        int missing = 0;

        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--") == 0) {
            first_fixture = i + 1;
            break;
        }
        value = option_value(argc, argv, &i, "--schema", &missing);
        if (value != NULL) {
            schema_path = value;
            continue;
        }
        value = option_value(argc, argv, &i, "--queries", &missing);
        if (value != NULL) {
            queries_dir = value;
            continue;
        }
        if (missing || argv[i][0] == '-') {
            fprintf(stderr, "gql-shape-check: %s: %s\n", argv[i],
                    missing ? "needs a value" : "unknown option");
            usage(stderr);
            return 2;
        }
        first_fixture = i;
        break;
    }
    if (schema_path == NULL || queries_dir == NULL || first_fixture >= argc) {
        usage(stderr);
        return 2;
    }
    if (gql_schema_load(schema_path, &schema, err, sizeof(err)) != GQL_OK) {
        printf("%s\n", err);
        printf("gql-shape-check: the schema could not be loaded\n");
        rc = 1;
        goto out;
    }
    for (i = first_fixture; i < argc; i++) {
        struct fixture_sink sink = {argv[i]};
        struct gql_shape_report report = {0};
        size_t n;

        report.fn = print_problem;
        report.user = &sink;
        n = fixture_check_file(schema, queries_dir, argv[i], &report);
        fixtures++;
        total += n;
        if (n > 0)
            failed++;
    }
    printf("gql-shape-check: %zu fixture%s, %zu conform, %zu fail, %zu problem%s\n", fixtures,
           fixtures == 1 ? "" : "s", fixtures - failed, failed, total, total == 1 ? "" : "s");
    rc = failed > 0 ? 1 : 0;
out:
    gql_schema_destroy(schema);
    return rc;
}
