/*
 * bench-world: what the data world costs (docs/world.md). In process, through the fixture
 * resolver with the default world behind the default fixtures:
 *   1. a guild lookup answered by a fixture (the 8 guilds of getGuilds) against one the
 *      world generates (12,600 distinct ids), per lookup, the document cache warm, the two
 *      alternating in blocks (medians compared: the target is 1.2x);
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

/* This thread's CPU time: time the scheduler gives other processes is not counted. */
static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

static double per_lookup_us(struct ctx *c, const char *query, const long *ids, size_t nids,
                            long first, int n)
{
    double t0 = cpu_us();
    for (int i = 0; i < n; i++) {
        long id = ids != NULL ? ids[(size_t)(first + i) % nids] : first + i;
        if (!lookup(c, query, id)) {
            fprintf(stderr, "bench-world: lookup of %ld failed\n", id);
            exit(1);
        }
    }
    return (cpu_us() - t0) / n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return v[n / 2];
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
    /*
     * Like for like: both sides send the same document with a new variables text each time
     * (parsed, coerced and executed anew), the fixture side cycling over the guilds the
     * default getGuilds fixture holds whole, the world side over distinct generated ids. On
     * a shared machine the load comes and goes, so the time is this thread's CPU time, the
     * two alternate in blocks (each block's order swapped) and the blocks' medians are
     * compared.
     */
    static const long fixture_guilds[] = {1207, 2290, 3468, 4015, 4721, 5133, 5890, 6044};
    const size_t nfixture = sizeof(fixture_guilds) / sizeof(fixture_guilds[0]);
    enum { BLOCKS = 21, PER_BLOCK = 600 };
    double fixture_b[BLOCKS], world_b[BLOCKS], same_b[BLOCKS], ratio_b[BLOCKS];
    per_lookup_us(&c, guild, fixture_guilds, nfixture, 0, 2000); /* warm the caches */
    per_lookup_us(&c, guild, NULL, 0, 100, 1000);
    for (int b = 0; b < BLOCKS; b++) {
        long first = 1000 + (long)b * PER_BLOCK; /* 1000..13599: every id once */
        if (b % 2 == 0) {
            fixture_b[b] =
                per_lookup_us(&c, guild, fixture_guilds, nfixture, (long)b * PER_BLOCK, PER_BLOCK);
            world_b[b] = per_lookup_us(&c, guild, NULL, 0, first, PER_BLOCK);
        } else {
            world_b[b] = per_lookup_us(&c, guild, NULL, 0, first, PER_BLOCK);
            fixture_b[b] =
                per_lookup_us(&c, guild, fixture_guilds, nfixture, (long)b * PER_BLOCK, PER_BLOCK);
        }
        static const long same[] = {1000};
        same_b[b] = per_lookup_us(&c, guild, same, 1, 0, PER_BLOCK / 4);
        ratio_b[b] = world_b[b] / fixture_b[b];
    }
    double fixture_us = median(fixture_b, BLOCKS), world_us = median(world_b, BLOCKS);
    double same_us = median(same_b, BLOCKS), ratio = median(ratio_b, BLOCKS);
    printf("world made in %.0f us (default world, 78 fixtures indexed)\n", made_us);
    printf("guild lookup, the 8 fixture guilds:             %.2f us\n", fixture_us);
    printf("guild lookup, %d distinct world ids:          %.2f us (%.2fx; median block %.2fx)\n",
           BLOCKS * PER_BLOCK, world_us, world_us / fixture_us, ratio);
    printf("guild lookup, world guild 1000 again and again: %.2f us (%.2fx)\n", same_us,
           same_us / fixture_us);

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
