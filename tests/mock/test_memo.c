/* The memo of request bodies (memo.c): lookups by bytes, bounds, recency, references. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "memo_private.h"

struct value {
    struct esomock_memo_item item;
    char *key;
    int *destroyed; /* counts destroys */
};

static void value_destroy(struct esomock_memo_item *item)
{
    struct value *v = (struct value *)item;
    (*v->destroyed)++;
    free(v->key);
    free(v);
}

static struct value *make(const char *key, size_t bytes, int *destroyed)
{
    struct value *v = calloc(1, sizeof(*v));
    cr_assert_not_null(v);
    esomock__memo_item_init(&v->item);
    v->key = strdup(key);
    v->destroyed = destroyed;
    v->item.key = v->key;
    v->item.key_len = strlen(key);
    v->item.hash = esomock__memo_hash(key, strlen(key));
    v->item.bytes = bytes;
    v->item.destroy = value_destroy;
    return v;
}

static struct value *get(struct esomock_memo *m, const char *key)
{
    return (struct value *)esomock__memo_get(m, key, strlen(key),
                                             esomock__memo_hash(key, strlen(key)));
}

Test(memo, finds_by_every_byte_and_counts)
{
    int destroyed = 0;
    struct esomock_memo *m = esomock__memo_create(8, 1 << 20);
    struct value *a = make("{\"query\":\"{ a }\"}", 10, &destroyed);
    esomock__memo_put(m, &a->item);
    esomock__memo_unref(&a->item);
    struct value *got = get(m, "{\"query\":\"{ a }\"}");
    cr_assert_eq(got, a);
    esomock__memo_unref(&got->item);
    cr_assert_null(get(m, "{\"query\":\"{ b }\"}"), "one byte differs");
    cr_assert_null(get(m, "{\"query\":\"{ a }\"} "), "one byte more");
    struct esomock_memo_stats st;
    esomock__memo_stats(m, &st);
    cr_assert_eq(st.hits, 1);
    cr_assert_eq(st.misses, 2);
    cr_assert_eq(st.items, 1);
    cr_assert_eq(destroyed, 0);
    esomock__memo_destroy(m);
    cr_assert_eq(destroyed, 1, "the memo released its value");
}

Test(memo, the_least_recently_used_goes_first_and_bounds_hold)
{
    int destroyed = 0;
    struct esomock_memo *m = esomock__memo_create(3, 1600);
    const char *keys[] = {"k0", "k1", "k2"};
    for (int i = 0; i < 3; i++) {
        struct value *v = make(keys[i], 100, &destroyed);
        esomock__memo_put(m, &v->item);
        esomock__memo_unref(&v->item);
    }
    struct value *k0 = get(m, "k0"); /* k0 is now the most recent */
    esomock__memo_unref(&k0->item);
    struct value *k3 = make("k3", 100, &destroyed);
    esomock__memo_put(m, &k3->item);
    esomock__memo_unref(&k3->item);
    cr_assert_null(get(m, "k1"), "k1 was the least recently used");
    struct value *still = get(m, "k0");
    cr_assert_not_null(still);
    esomock__memo_unref(&still->item);
    cr_assert_eq(destroyed, 1);

    /* Over a sixteenth of max_bytes: not kept. */
    struct value *big = make("big", 101, &destroyed);
    esomock__memo_put(m, &big->item);
    cr_assert_null(get(m, "big"));
    esomock__memo_unref(&big->item);
    cr_assert_eq(destroyed, 2);

    /* The byte bound evicts as the count does. */
    for (int i = 0; i < 20; i++) {
        char key[16];
        snprintf(key, sizeof(key), "n%d", i);
        struct value *v = make(key, 100, &destroyed);
        esomock__memo_put(m, &v->item);
        esomock__memo_unref(&v->item);
    }
    struct esomock_memo_stats st;
    esomock__memo_stats(m, &st);
    cr_assert_leq(st.items, 3);
    cr_assert_leq(st.bytes, 1600);
    esomock__memo_destroy(m);
    cr_assert_eq(destroyed, 2 + 20 + 3);
}

Test(memo, an_evicted_value_lives_while_held_and_a_second_put_keeps_the_first)
{
    int destroyed = 0;
    struct esomock_memo *m = esomock__memo_create(1, 1 << 20);
    struct value *a = make("a", 1, &destroyed);
    esomock__memo_put(m, &a->item);
    struct value *again = make("a", 1, &destroyed);
    esomock__memo_put(m, &again->item);
    esomock__memo_unref(&again->item);
    cr_assert_eq(destroyed, 1, "the second value of one key is not kept");
    cr_assert_eq(get(m, "a"), a);
    esomock__memo_unref(&a->item);
    struct value *b = make("b", 1, &destroyed);
    esomock__memo_put(m, &b->item); /* evicts a, which the caller still holds */
    esomock__memo_unref(&b->item);
    cr_assert_eq(destroyed, 1);
    cr_assert_str_eq(a->key, "a");
    esomock__memo_unref(&a->item);
    cr_assert_eq(destroyed, 2);
    esomock__memo_destroy(m);
    cr_assert_eq(destroyed, 3);
}

Test(memo, the_hash_sees_every_byte)
{
    char a[100], b[100];
    memset(a, 'x', sizeof(a));
    memcpy(b, a, sizeof(b));
    uint64_t h = esomock__memo_hash(a, sizeof(a));
    for (size_t i = 0; i < sizeof(a); i++) {
        b[i] = 'y';
        cr_assert_neq(esomock__memo_hash(b, sizeof(b)), h, "byte %zu", i);
        b[i] = 'x';
    }
    cr_assert_neq(esomock__memo_hash(a, 99), h, "the length");
}
