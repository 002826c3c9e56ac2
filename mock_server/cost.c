/*
 * Query cost (cost_private.h). Each field counts 1 plus its selection; a paginated field
 * (one with a `limit`) counts its selection once per row it may return (the limit, or its
 * default from the schema's comment); fields that read a report's events or compute tables
 * and rankings add their weight. Points are the complexity in hundreds, at least 1 for a
 * document that fetches any data.
 */
#include <math.h>
#include <string.h>

#include "cost_private.h"
#include "world_page_private.h"

struct weigh {
    bool data;         /* the document fetches data (not only rateLimitData or the schema) */
    bool check_limits; /* the world answers: a limit out of its bounds is rejected */
    bool charge;       /* weigh what is charged: a rejected field costs nothing */
    bool rejected;     /* a field was rejected */
    size_t accepted;   /* fields of the current namespace that answer */
    size_t refused;    /* fields of the current namespace that were rejected */
};

/* Whether the world rejects @p f for its limit (world_page.c's check, before it runs). */
static bool limit_rejected(const struct gql_walk_field *f)
{
    const struct gql_value *limit = gql_value_get(f->args, "limit");
    if (limit == NULL || gql_value_kind(limit) != GQL_VALUE_INT)
        return false;
    struct esomock_wlimit l = esomock__wlimit_parse(f->field);
    return l.found && (gql_value_int(limit) < l.lo || gql_value_int(limit) > l.hi);
}

/* Extra weight of the fields that cost the API work beyond a lookup. */
static double heavy(const char *type, const char *field)
{
    static const struct {
        const char *type, *field;
        double weight;
    } table[] = {
        {"Report", "table", 200},
        {"Report", "graph", 200},
        {"Report", "rankings", 100},
        {"Report", "playerDetails", 100},
        {"Character", "encounterRankings", 100},
        {"Character", "zoneRankings", 100},
        {"Encounter", "characterRankings", 100},
        {"Encounter", "fightRankings", 100},
        {"ProgressRaceData", "progressRace", 50},
        {"ProgressRaceData", "detailedComposition", 50},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(table[i].type, type) == 0 && strcmp(table[i].field, field) == 0)
            return table[i].weight;
    }
    return 0;
}

static double field_weight(void *user, const struct gql_walk_field *f, double children)
{
    struct weigh *w = user;
    const char *name = gql_field_name(f->field);
    const char *type = gql_type_name(f->parent_type);
    if (f->depth == 0) {
        size_t accepted = w->accepted, refused = w->refused;
        w->accepted = w->refused = 0;
        /* The budget is free to read; the namespaces cost only what they fetch. */
        if (strcmp(name, "rateLimitData") == 0)
            return 0; /* its own fields were weighed already: they are not data */
        /* A namespace whose every field was rejected fetches nothing. */
        if (accepted > 0 || refused == 0)
            w->data = true;
        return children;
    }
    if (gql_field_arg(f->field, "limit") == NULL) {
        w->accepted += f->depth == 1;
        return 1 + heavy(type, name) + children;
    }
    if (w->check_limits && limit_rejected(f)) {
        /* Answered null with the limit's error: charged nothing, as a document refused by
         * validation is not. The complexity still counts the rows asked, so an absurd limit
         * is refused for its complexity first. */
        w->rejected = true;
        w->refused += f->depth == 1;
        if (w->charge)
            return 0;
    } else {
        w->accepted += f->depth == 1;
    }
    /* The rows it may return: the limit asked (as asked: an absurd one is refused here), or
     * the default the schema's comment gives. */
    double rows = 0;
    const struct gql_value *limit = gql_value_get(f->args, "limit");
    if (limit != NULL && gql_value_kind(limit) == GQL_VALUE_INT) {
        rows = gql_value_float(limit);
        if (rows < 0)
            rows = 0;
    } else {
        struct esomock_wlimit l = esomock__wlimit_parse(f->field);
        rows = l.found ? (double)l.def : 100;
    }
    if (strcmp(type, "Report") == 0 && strcmp(name, "events") == 0)
        return 1 + rows + children; /* every event is read, whatever is selected of them */
    return 1 + rows * children;
}

bool esomock__query_cost(const struct gql_prepared *prepared, bool check_limits,
                         struct esomock_cost *out)
{
    struct weigh w = {.check_limits = check_limits};
    struct gql_walker walker = {.field = field_weight, .user = &w};
    double c = gql_prepared_walk(prepared, &walker);
    if (c < 0)
        return false;
    out->complexity = c;
    out->rejected = false;
    double charged = c;
    if (w.rejected) {
        /* Weigh again without the rejected fields: what the answer holds is what is charged. */
        w = (struct weigh){.check_limits = true, .charge = true};
        charged = gql_prepared_walk(prepared, &walker);
        if (charged < 0)
            return false;
        out->rejected = !w.data;
    }
    out->points = !w.data          ? 0
                  : isinf(charged) ? INFINITY
                                   : fmax(1, ceil(charged / ESOMOCK_COMPLEXITY_PER_POINT));
    return true;
}
