/* eso_batch: many calls at once on the multi driver, with a concurrency limit. */
#include <string.h>

#include "call_private.h"
#include "client_private.h"
#include "driver_private.h"

#define DEFAULT_CONCURRENCY 8u

struct batch {
    struct eso_client *c;
    struct eso_batch_item *items;
};

static bool start_item(void *userdata, size_t i, struct eso__call *call)
{
    struct batch *b = userdata;
    struct eso_batch_item *it = &b->items[i];
    return eso__call_init(call, b->c, it->operation, it->document, it->variables, &it->result) ==
           ESO_OK;
}

enum eso_status eso_batch(struct eso_client *c, struct eso_batch_item *items, size_t count,
                          unsigned concurrency)
{
    if (c == NULL || (count > 0 && items == NULL))
        return ESO_BAD_ARGUMENT;
    for (size_t i = 0; i < count; i++) {
        for (size_t k = 0; k < sizeof items[i].reserved / sizeof *items[i].reserved; k++) {
            if (items[i].reserved[k] != NULL)
                return ESO_BAD_ARGUMENT; /* a later version's input: refused, not dropped */
        }
    }
    for (size_t i = 0; i < count; i++)
        memset(&items[i].result, 0, sizeof items[i].result);
    if (count == 0)
        return ESO_OK;
    unsigned n = concurrency != 0 ? concurrency : DEFAULT_CONCURRENCY;
    if (n > c->max_connections)
        n = c->max_connections;
    if (n > count)
        n = (unsigned)count;
    /* A batch has no deadline of its own: a single call's bounds the refresh. */
    eso__client_refresh_points(c, NULL, NULL,
                               eso__sat_add(eso__clock_now(&c->clock), c->deadline_ns));
    struct batch b = {.c = c, .items = items};
    struct eso__call_source src = {.count = count, .start = start_item, .userdata = &b};
    if (eso__drive_multi(c, &src, n) != 0) {
        for (size_t i = 0; i < count; i++) {
            items[i].result.status = ESO_OUT_OF_MEMORY;
            items[i].result.cause = ESO_OUT_OF_MEMORY;
        }
        return ESO_OUT_OF_MEMORY;
    }
    return ESO_OK;
}
