/* The fallback cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esologs/status.h>

#include "cache_private.h"

struct eso__cache_entry {
    struct eso__cache_entry *next;
    char *key;
    cJSON *data;
    uint64_t stored_ns;
};

static void entry_free(struct eso__cache_entry *e)
{
    if (e == NULL)
        return;
    free(e->key);
    cJSON_Delete(e->data);
    free(e);
}

void eso__cache_init(struct eso__cache *c, bool enabled, uint64_t max_age_ns, unsigned max_entries)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->enabled = enabled;
    c->max_age_ns = max_age_ns;
    c->max_entries = max_entries > 0 ? max_entries : 1;
}

void eso__cache_clear(struct eso__cache *c)
{
    pthread_mutex_lock(&c->lock);
    struct eso__cache_entry *e = c->head;
    c->head = NULL;
    c->count = 0;
    pthread_mutex_unlock(&c->lock);
    while (e != NULL) {
        struct eso__cache_entry *next = e->next;
        entry_free(e);
        e = next;
    }
}

void eso__cache_finish(struct eso__cache *c)
{
    eso__cache_clear(c);
    pthread_mutex_destroy(&c->lock);
}

/* Sort an object's members by key, recursively (insertion sort on the list). */
static void canonicalise(cJSON *item)
{
    for (cJSON *ch = item->child; ch != NULL; ch = ch->next)
        canonicalise(ch);
    if (!cJSON_IsObject(item) || item->child == NULL)
        return;
    cJSON *sorted = NULL;
    cJSON *ch = item->child;
    while (ch != NULL) {
        cJSON *next = ch->next;
        cJSON **pp = &sorted;
        while (*pp != NULL && strcmp((*pp)->string, ch->string) <= 0)
            pp = &(*pp)->next;
        ch->next = *pp;
        *pp = ch;
        ch = next;
    }
    /* Relink prev pointers the cJSON way: head->prev is the tail. */
    cJSON *prev = NULL;
    for (cJSON *p = sorted; p != NULL; p = p->next) {
        p->prev = prev;
        prev = p;
    }
    sorted->prev = prev;
    item->child = sorted;
}

/* FNV-1a, 64 bits: tells documents apart in a key; not a security boundary. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        h ^= *p;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

char *eso__cache_key(const char *operation, const char *document, const cJSON *variables)
{
    char *printed = NULL;
    char *key = NULL;
    if (variables != NULL) {
        cJSON *copy = cJSON_Duplicate(variables, true);
        if (copy == NULL)
            return NULL;
        canonicalise(copy);
        printed = cJSON_PrintUnformatted(copy);
        cJSON_Delete(copy);
        if (printed == NULL)
            return NULL;
    }
    const char *vars = printed != NULL ? printed : "{}";
    /* Two custom documents may share an operation name: the document is part of the key. */
    uint64_t doc = document != NULL ? fnv1a(document) : 0;
    size_t len = strlen(operation) + 1 + 16 + 1 + strlen(vars) + 1;
    key = malloc(len);
    if (key != NULL)
        snprintf(key, len, "%s\n%016llx\n%s", operation, (unsigned long long)doc, vars);
    cJSON_free(printed);
    return key;
}

int eso__cache_store(struct eso__cache *c, const char *key, const cJSON *data, uint64_t now)
{
    int rc = ESO_OUT_OF_MEMORY;
    struct eso__cache_entry *fresh = calloc(1, sizeof *fresh);
    struct eso__cache_entry *drop = NULL;
    if (fresh == NULL)
        goto out;
    fresh->key = strdup(key);
    fresh->data = data != NULL ? cJSON_Duplicate(data, true) : cJSON_CreateNull();
    if (fresh->key == NULL || fresh->data == NULL)
        goto out;
    fresh->stored_ns = now;

    pthread_mutex_lock(&c->lock);
    /* Replace an older entry of the same key; else evict the oldest when full. */
    struct eso__cache_entry **pp = &c->head;
    while (*pp != NULL && strcmp((*pp)->key, key) != 0)
        pp = &(*pp)->next;
    if (*pp != NULL) {
        drop = *pp;
        *pp = drop->next;
        c->count--;
    } else if (c->count >= c->max_entries) {
        pp = &c->head;
        while ((*pp)->next != NULL)
            pp = &(*pp)->next;
        drop = *pp;
        *pp = NULL;
        c->count--;
    }
    fresh->next = c->head;
    c->head = fresh;
    c->count++;
    pthread_mutex_unlock(&c->lock);
    fresh = NULL;
    rc = 0;
out:
    entry_free(fresh);
    entry_free(drop);
    return rc;
}

bool eso__cache_lookup(struct eso__cache *c, const char *key, uint64_t now, cJSON **data_out,
                       uint64_t *age_out)
{
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    for (struct eso__cache_entry *e = c->head; e != NULL; e = e->next) {
        if (strcmp(e->key, key) != 0)
            continue;
        uint64_t age = now >= e->stored_ns ? now - e->stored_ns : 0;
        if (age > c->max_age_ns)
            break;
        cJSON *copy = cJSON_Duplicate(e->data, true);
        if (copy == NULL)
            break;
        *data_out = copy;
        *age_out = age;
        hit = true;
        break;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}
