/*
 * bench-gql: how long eso-mock's GraphQL engine takes per document, for each of
 * the 39 query documents (client/queries, with the variables of the conformance
 * corpus): parse + validate + coerce + execute of a first-seen document (no
 * cache), and the same with the document cache warm (coerce + execute).
 * Data is generated (no fixtures), as for a document no fixture answers.
 * With FIXTURES (a fixture directory), also the way eso-mock answers a first-seen
 * document: parse + validate + coerce, then execute with the fixture resolver
 * (resolver.c) and the variables of one of the operation's own fixtures.
 *
 *   bench-gql SCHEMA SOURCE_ROOT CORPUS.json [ITERATIONS [FIXTURES]]
 *
 * Prints p50/p99 in microseconds per document and over all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "fixtures_private.h"
#include "gql.h"
#include "ratelimit_private.h"
#include "resolver_private.h"

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf != NULL)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return x < y ? -1 : (x > y ? 1 : 0);
}

static double pct(double *v, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);

    return v[i < n ? i : n - 1];
}

/* One request: prepare (through cache, which may be NULL) and execute. */
static double one(const struct gql_schema *s, struct gql_cache *cache, const char *q,
                  const cJSON *vars, size_t *bytes)
{
    struct gql_request req = {0};
    struct gql_prepared *p = NULL;
    struct gql_buf out;
    struct gql_exec_options opts = {0};
    double t0;
    double t1;

    req.query = q;
    req.query_len = strlen(q);
    req.variables = vars;
    gql_buf_init(&out, 0);
    t0 = now_us();
    if (gql_prepare(s, cache, &req, &p, &out) == GQL_OK)
        gql_execute(p, &opts, &out);
    gql_prepared_destroy(p);
    t1 = now_us();
    *bytes = out.len;
    gql_buf_finish(&out);
    return t1 - t0;
}

/* One first-seen request as eso-mock answers it: prepare, then the fixture resolver. */
static double one_fixture(const struct gql_schema *s, const struct esomock_fixture_set *set,
                          struct esomock_ratelimit *rl, const char *q, const char *op,
                          const cJSON *vars, size_t *bytes)
{
    struct gql_request req = {0};
    struct gql_prepared *p = NULL;
    struct gql_buf out;
    double t0;
    double t1;

    req.query = q;
    req.query_len = strlen(q);
    req.operation_name = op;
    req.variables = vars;
    gql_buf_init(&out, 0);
    t0 = now_us();
    if (gql_prepare(s, NULL, &req, &p, &out) == GQL_OK) {
        struct esomock_answer a = {.fixtures = set, .ratelimit = rl};

        a.envelope = esomock__answer_envelope(set, p, op, vars, false);
        esomock__answer_execute(&a, p, &out);
    }
    gql_prepared_destroy(p);
    t1 = now_us();
    *bytes = out.len;
    gql_buf_finish(&out);
    return t1 - t0;
}

/* The variables of @p op's first fixture with variables (file order), or NULL. */
static const cJSON *fixture_variables(const struct esomock_fixture_set *set, const char *op)
{
    for (size_t i = 0; i < set->count; i++)
        if (set->items[i].operation != NULL && strcmp(set->items[i].operation, op) == 0 &&
            set->items[i].variables != NULL)
            return set->items[i].variables;
    return NULL;
}

int main(int argc, char **argv)
{
    struct gql_schema *schema = NULL;
    char err[GQL_ERROR_SIZE];
    char *text;
    cJSON *corpus;
    const cJSON *c;
    size_t iters = argc > 4 ? (size_t)strtoul(argv[4], NULL, 10) : 2000;
    double *all_cold;
    double *all_warm;
    double *all_fix;
    struct esomock_fixture_set *fixtures = NULL;
    struct esomock_ratelimit rl;
    size_t nall = 0;
    size_t docs = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: %s SCHEMA SOURCE_ROOT CORPUS.json [ITERATIONS [FIXTURES]]\n",
                argv[0]);
        return 2;
    }
    if (gql_schema_load(argv[1], &schema, err, sizeof(err)) != GQL_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    text = read_file(argv[3]);
    corpus = text != NULL ? cJSON_Parse(text) : NULL;
    free(text);
    if (corpus == NULL || iters == 0)
        return 1;
    if (argc > 5 && esomock__fixtures_load(argv[5], &fixtures, err) != ESOMOCK_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    esomock__ratelimit_init(&rl, NULL, 1.0);
    all_cold = calloc(40 * iters, sizeof(double));
    all_warm = calloc(40 * iters, sizeof(double));
    all_fix = calloc(40 * iters, sizeof(double));
    if (all_cold == NULL || all_warm == NULL || all_fix == NULL)
        return 1;
    printf("%-34s %9s %9s %9s %9s %8s %9s %9s %8s\n", "document", "cold p50", "cold p99",
           "warm p50", "warm p99", "bytes", "fixt p50", "fixt p99", "bytes");
    cJSON_ArrayForEach(c, corpus)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(c, "file");
        const cJSON *vars = cJSON_GetObjectItemCaseSensitive(c, "variables");
        struct gql_cache *cache;
        char path[4096];
        char *q;
        double *cold;
        double *warm;
        double *fix;
        size_t bytes = 0;
        size_t fix_bytes = 0;
        size_t i;

        /* The 39 documents with their required variables. */
        if (!cJSON_IsString(file) || strstr(name->valuestring, "-all-variables") != NULL ||
            docs >= 40)
            continue;
        snprintf(path, sizeof(path), "%s/%s", argv[2], file->valuestring);
        q = read_file(path);
        if (q == NULL)
            continue;
        cold = all_cold + nall;
        warm = all_warm + nall;
        fix = all_fix + nall;
        cache = gql_cache_create(16, 0);
        for (i = 0; i < iters; i++)
            cold[i] = one(schema, NULL, q, vars, &bytes);
        one(schema, cache, q, vars, &bytes);
        for (i = 0; i < iters; i++)
            warm[i] = one(schema, cache, q, vars, &bytes);
        gql_cache_destroy(cache);
        if (fixtures != NULL) {
            const char *op = name->valuestring + 7; /* "client-getX" */
            const cJSON *fv = fixture_variables(fixtures, op);

            for (i = 0; i < iters; i++)
                fix[i] = one_fixture(schema, fixtures, &rl, q, op, fv, &fix_bytes);
            qsort(fix, iters, sizeof(double), cmp);
        }
        nall += iters;
        docs++;
        qsort(cold, iters, sizeof(double), cmp);
        qsort(warm, iters, sizeof(double), cmp);
        printf("%-34s %9.1f %9.1f %9.1f %9.1f %8zu", name->valuestring + 7, pct(cold, iters, 0.5),
               pct(cold, iters, 0.99), pct(warm, iters, 0.5), pct(warm, iters, 0.99), bytes);
        if (fixtures != NULL)
            printf(" %9.1f %9.1f %8zu", pct(fix, iters, 0.5), pct(fix, iters, 0.99), fix_bytes);
        printf("\n");
        free(q);
    }
    qsort(all_cold, nall, sizeof(double), cmp);
    qsort(all_warm, nall, sizeof(double), cmp);
    printf("%-34s %9.1f %9.1f %9.1f %9.1f %8s", "all documents (us)", pct(all_cold, nall, 0.5),
           pct(all_cold, nall, 0.99), pct(all_warm, nall, 0.5), pct(all_warm, nall, 0.99), "");
    if (fixtures != NULL) {
        qsort(all_fix, nall, sizeof(double), cmp);
        printf(" %9.1f %9.1f", pct(all_fix, nall, 0.5), pct(all_fix, nall, 0.99));
    }
    printf("\nbench-gql: %zu documents x %zu iterations; first-seen p99 %.1f us generated", docs,
           iters, pct(all_cold, nall, 0.99));
    if (fixtures != NULL)
        printf(", %.1f us from fixtures", pct(all_fix, nall, 0.99));
    printf(" (target <= 100)\n");
    free(all_fix);
    esomock__ratelimit_finish(&rl);
    esomock__fixtures_free(fixtures);
    free(all_cold);
    free(all_warm);
    cJSON_Delete(corpus);
    gql_schema_destroy(schema);
    return 0;
}
