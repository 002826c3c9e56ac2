/*
 * Property tests: documents generated from the ESO Logs schema with a seed (every
 * root field; every scalar and enum field reachable within depth 3; random
 * aliases, inline fragments and named fragments; required arguments as literals
 * or variables), executed with generated data. Every answer must have exactly
 * its selection set, type-correct (gql_shape_check: no key missing or extra),
 * and the same bytes on a second run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "gql.h"
#include "gql_test_util.h"

#define DOCS 120
#define MAX_DEPTH 3

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

struct gen {
    struct rng rng;
    struct gql_buf doc;
    struct gql_buf frags;
    int nalias;
    int nfrag;
};

/* A literal of the argument's type. */
static void literal(struct gen *g, const struct gql_type_ref *ref, struct gql_buf *b)
{
    const struct gql_type *t = gql_type_ref_named(ref);
    char tmp[64];

    if (gql_type_ref_is_non_null(ref)) {
        literal(g, gql_type_ref_of(ref), b);
        return;
    }
    if (gql_type_ref_is_list(ref)) {
        gql_buf_puts(b, "[");
        literal(g, gql_type_ref_of(ref), b);
        gql_buf_puts(b, "]");
        return;
    }
    if (gql_type_kind(t) == GQL_ENUM) {
        gql_buf_puts(b, gql_type_enum_at(t, next(&g->rng) % gql_type_enum_count(t)));
    } else if (strcmp(gql_type_name(t), "Int") == 0) {
        snprintf(tmp, sizeof(tmp), "%d", (int)(next(&g->rng) % 5000) + 1);
        gql_buf_puts(b, tmp);
    } else if (strcmp(gql_type_name(t), "Float") == 0) {
        snprintf(tmp, sizeof(tmp), "%d.5", (int)(next(&g->rng) % 5000));
        gql_buf_puts(b, tmp);
    } else if (strcmp(gql_type_name(t), "Boolean") == 0) {
        gql_buf_puts(b, next(&g->rng) % 2 ? "true" : "false");
    } else {
        snprintf(tmp, sizeof(tmp), "\"k%d\"", (int)(next(&g->rng) % 1000));
        gql_buf_puts(b, tmp);
    }
}

static void selection(struct gen *g, const struct gql_type *t, int depth, bool all,
                      struct gql_buf *b);

static void field(struct gen *g, const struct gql_field *f, int depth, bool all, struct gql_buf *b)
{
    const struct gql_type *ft = gql_type_ref_named(gql_field_type(f));
    size_t i;
    bool first = true;
    char alias[32];

    if (gql_type_is_composite(ft) && depth >= MAX_DEPTH)
        return;
    if (next(&g->rng) % 4 == 0) {
        snprintf(alias, sizeof(alias), "a%d: ", g->nalias++);
        gql_buf_puts(b, alias);
    }
    gql_buf_puts(b, gql_field_name(f));
    for (i = 0; i < gql_field_arg_count(f); i++) {
        const struct gql_input_value *a = gql_field_arg_at(f, i);
        bool required = gql_type_ref_is_non_null(gql_input_value_type(a));

        if (!required && next(&g->rng) % 3 != 0)
            continue;
        gql_buf_puts(b, first ? "(" : ", ");
        first = false;
        gql_buf_puts(b, gql_input_value_name(a));
        gql_buf_puts(b, ": ");
        literal(g, gql_input_value_type(a), b);
    }
    if (!first)
        gql_buf_puts(b, ")");
    if (gql_type_is_composite(ft))
        selection(g, ft, depth + 1, all, b);
    gql_buf_puts(b, " ");
}

/* A selection set of t: every leaf (all) or a random part, objects below depth, sometimes
 * through an inline or a named fragment. */
static void selection(struct gen *g, const struct gql_type *t, int depth, bool all,
                      struct gql_buf *b)
{
    size_t n = gql_type_field_count(t);
    size_t i;
    size_t picked = 0;
    unsigned how = (unsigned)(next(&g->rng) % 5);

    gql_buf_puts(b, "{ ");
    if (next(&g->rng) % 6 == 0)
        gql_buf_puts(b, "__typename ");
    if (how == 1) {
        gql_buf_puts(b, "... on ");
        gql_buf_puts(b, gql_type_name(t));
        gql_buf_puts(b, " { ");
    } else if (how == 2 && g->nfrag < 40) {
        char name[32];

        snprintf(name, sizeof(name), "F%d", g->nfrag++);
        gql_buf_puts(b, "...");
        gql_buf_puts(b, name);
        gql_buf_puts(b, " }");
        {
            struct gql_buf inner;

            /* The fragment's own selection first: it may define fragments too. */
            gql_buf_init(&inner, 0);
            selection(g, t, depth, all, &inner);
            gql_buf_puts(&g->frags, "\nfragment ");
            gql_buf_puts(&g->frags, name);
            gql_buf_puts(&g->frags, " on ");
            gql_buf_puts(&g->frags, gql_type_name(t));
            gql_buf_puts(&g->frags, " ");
            gql_buf_append(&g->frags, inner.data, inner.len);
            gql_buf_finish(&inner);
        }
        return;
    }
    for (i = 0; i < n; i++) {
        const struct gql_field *f = gql_type_field_at(t, i);
        const struct gql_type *ft = gql_type_ref_named(gql_field_type(f));
        bool leaf = gql_type_is_leaf(ft);

        if (!all && next(&g->rng) % 3 != 0)
            continue;
        if (!leaf && depth + 1 > MAX_DEPTH)
            continue;
        if (!leaf && !all && next(&g->rng) % 2 == 0)
            continue;
        field(g, f, depth, all, b);
        picked++;
    }
    if (picked == 0)
        gql_buf_puts(b, "__typename ");
    if (how == 1)
        gql_buf_puts(b, "} ");
    gql_buf_puts(b, "}");
}

static void check_document(const char *doc, int index)
{
    struct gql_request req = {0};
    struct gql_prepared *p = NULL;
    struct gql_buf out1;
    struct gql_buf out2;
    struct gql_buf errors;
    struct gql_exec_options opts = {0};
    cJSON *answer;
    size_t problems;

    req.query = doc;
    req.query_len = strlen(doc);
    gql_buf_init(&errors, 0);
    cr_assert_eq(gql_prepare(eso_schema(), NULL, &req, &p, &errors), GQL_OK,
                 "document %d does not validate: %s\n%s", index,
                 errors.data != NULL ? errors.data : "", doc);
    gql_buf_finish(&errors);
    opts.seed = (uint64_t)index;
    gql_buf_init(&out1, 0);
    gql_buf_init(&out2, 0);
    cr_assert_eq(gql_execute(p, &opts, &out1), GQL_OK);
    cr_assert_eq(gql_execute(p, &opts, &out2), GQL_OK);
    cr_assert_str_eq(out1.data, out2.data, "document %d: a second run differs", index);
    answer = cJSON_Parse(out1.data);
    cr_assert_not_null(answer, "document %d: the answer is not JSON", index);
    cr_assert_null(cJSON_GetObjectItemCaseSensitive(answer, "errors"), "document %d: %s", index,
                   out1.data);
    problems = gql_shape_check(p, cJSON_GetObjectItemCaseSensitive(answer, "data"), NULL);
    cr_assert_eq(problems, 0, "document %d: %zu shape problems\n%s\n%s", index, problems, doc,
                 out1.data);
    cJSON_Delete(answer);
    gql_buf_finish(&out1);
    gql_buf_finish(&out2);
    gql_prepared_destroy(p);
}

static char *make_document(uint64_t seed, const struct gql_field *root_field, bool all)
{
    struct gen g;
    struct gql_buf b;
    const struct gql_type *query = gql_schema_query_type(eso_schema());
    char *text;

    memset(&g, 0, sizeof(g));
    g.rng.s = seed * 2654435761u + 1;
    gql_buf_init(&g.doc, 0);
    gql_buf_init(&g.frags, 0);
    gql_buf_init(&b, 0);
    gql_buf_puts(&b, "query generated { ");
    if (root_field != NULL) {
        field(&g, root_field, 1, all, &b);
    } else {
        size_t i;

        for (i = 0; i < gql_type_field_count(query); i++)
            if (next(&g.rng) % 2 == 0)
                field(&g, gql_type_field_at(query, i), 1, all, &b);
        gql_buf_puts(&b, "__typename ");
    }
    gql_buf_puts(&b, "}");
    gql_buf_append(&b, g.frags.data != NULL ? g.frags.data : "", g.frags.len);
    text = strdup(b.data);
    gql_buf_finish(&b);
    gql_buf_finish(&g.frags);
    gql_buf_finish(&g.doc);
    return text;
}

Test(properties, every_root_field_and_leaf_within_depth_3)
{
    const struct gql_type *query = gql_schema_query_type(eso_schema());
    size_t i;

    for (i = 0; i < gql_type_field_count(query); i++) {
        char *doc = make_document(i + 1, gql_type_field_at(query, i), true);

        check_document(doc, (int)i);
        free(doc);
    }
}

Test(properties, random_documents_with_aliases_and_fragments)
{
    int i;

    for (i = 0; i < DOCS; i++) {
        char *doc = make_document((uint64_t)i + 1000, NULL, false);

        check_document(doc, i);
        free(doc);
    }
}
