/*
 * bench-world: what the data world costs (docs/world.md). In process, through the fixture
 * resolver with the default world behind the default fixtures:
 *   1. a guild lookup answered by a fixture (guild 3468) against one the world generates
 *      (ids past the fixtures'), per lookup, the document cache warm;
 *   2. the resident set before and after N distinct character ids looked up (default
 *      1,000,000): the world keeps nothing per key, so it should stay flat.
 *
 *   bench-world FIXTURES [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_private.h"
#include "fixtures_private.h"
#include "gql.h"
#include "ratelimit_private.h"
#include "resolver_private.h"
#include "world_private.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* VmRSS of this process in KiB, or -1. */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    return kib;
}

struct ctx {
    const struct gql_schema *schema;
    struct gql_cache *cache;
    const struct esomock_fixture_set *fixtures;
    const struct esomock_data_source *world;
    struct esomock_ratelimit rl;
};

/* One lookup of @p query with {"id": id}; false on any failure. */
static bool lookup(struct ctx *c, const char *query, long id)
{
    char vars_text[64];
    snprintf(vars_text, sizeof(vars_text), "{\"id\":%ld}", id);
    cJSON *vars = cJSON_Parse(vars_text);
    struct gql_request req = {.query = query, .query_len = strlen(query), .variables = vars};
    struct gql_prepared *p = NULL;
    struct gql_buf out;
    gql_buf_init(&out, 0);
    bool ok = gql_prepare(c->schema, c->cache, &req, &p, &out) == GQL_OK;
    if (ok) {
        struct esomock_answer a = {.fixtures = c->fixtures, .world = c->world, .ratelimit = &c->rl};
        ok = esomock__answer_execute(&a, p, &out) == GQL_OK && strstr(out.data, "null") == NULL;
    }
    gql_prepared_destroy(p);
    gql_buf_finish(&out);
    cJSON_Delete(vars);
    return ok;
}

static double per_lookup_us(struct ctx *c, const char *query, long first, long step, int n)
{
    double t0 = now_us();
    for (int i = 0; i < n; i++) {
        if (!lookup(c, query, first + step * i)) {
            fprintf(stderr, "bench-world: lookup of %ld failed\n", first + step * i);
            exit(1);
        }
    }
    return (now_us() - t0) / n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: bench-world FIXTURES [N]\n", stderr);
        return 2;
    }
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct ctx c = {0};
    c.schema = esomock__api_schema(err);
    struct esomock_fixture_set *fixtures = NULL;
    if (c.schema == NULL || esomock__fixtures_load(argv[1], &fixtures, err) != ESOMOCK_OK) {
        fprintf(stderr, "bench-world: %s\n", err);
        return 1;
    }
    c.fixtures = fixtures;
    c.cache = gql_cache_create(0, 0);
    esomock__ratelimit_init(&c.rl, NULL, 1.0);
    struct esomock_world_config config;
    esomock__world_config_defaults(&config);
    double t0 = now_us();
    struct esomock_world *world = esomock__world_create(&config, fixtures, c.schema, err);
    double made_us = now_us() - t0;
    esomock__world_config_finish(&config);
    if (world == NULL) {
        fprintf(stderr, "bench-world: %s\n", err);
        return 1;
    }
    c.world = esomock__world_source(world);

    static const char guild[] =
        "query g($id: Int!) { guildData { guild(id: $id) { id name description faction { id "
        "name } server { id name slug region { id name } } } } }";
    static const char character[] =
        "query c($id: Int!) { characterData { character(id: $id) { id name classID server { "
        "slug } guilds { id name } } } }";
    const int rounds = 20000;
    per_lookup_us(&c, guild, 3468, 0, 1000); /* warm the caches */
    per_lookup_us(&c, guild, 100, 1, 1000);
    double fixture_us = per_lookup_us(&c, guild, 3468, 0, rounds);
    double world_us = per_lookup_us(&c, guild, 1000, 0, rounds);
    double world_distinct_us = per_lookup_us(&c, guild, 1000, 1, 10000);
    printf("world made in %.0f us (default world, 78 fixtures indexed)\n", made_us);
    printf("guild lookup, fixture guild 3468:      %.2f us\n", fixture_us);
    printf("guild lookup, world guild 1000:        %.2f us (%.2fx)\n", world_us,
           world_us / fixture_us);
    printf("guild lookup, 10000 distinct world ids: %.2f us (%.2fx)\n", world_distinct_us,
           world_distinct_us / fixture_us);

    long before = rss_kib();
    t0 = now_us();
    for (long i = 0; i < n; i++) {
        if (!lookup(&c, character, 1 + (i * 7919) % 10000000)) {
            fprintf(stderr, "bench-world: character lookup %ld failed\n", i);
            return 1;
        }
    }
    double elapsed = now_us() - t0;
    long after = rss_kib();
    printf("%ld distinct character lookups: %.2f us each; RSS %ld KiB -> %ld KiB (%+ld KiB)\n", n,
           elapsed / (double)n, before, after, after - before);

    esomock__world_destroy(world);
    esomock__ratelimit_finish(&c.rl);
    gql_cache_destroy(c.cache);
    esomock__fixtures_free(fixtures);
    return 0;
}
