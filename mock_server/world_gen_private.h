/*
 * The world's answers (world_gen.c, world_report.c): the data source the fixture resolver
 * asks for a field no fixture answers, the fields of the world's objects, and the fields a
 * fixture's object lacks (filled from the same entity in the world). Objects are handles
 * allocated in the execution's memory: nothing outlives the request.
 */
#ifndef ESOMOCK_WORLD_GEN_PRIVATE_H
#define ESOMOCK_WORLD_GEN_PRIVATE_H

#include <string.h>

#include "world_page_private.h"
#include "world_private.h"

/* Fights of a generated report at most. */
#define ESOMOCK_WORLD_MAX_FIGHTS 16

/* A world object: what GQL_SOURCE_HANDLE points to. */
struct esomock_wnode {
    struct esomock_handle head; /* owner: the world's data source */
    enum esomock_wobj kind;
    int64_t id;       /* the entity's id; a report's index, -1 for a report the world lacks */
    const char *code; /* a report's code */
    int64_t a, b, c;  /* what the kind needs besides (see world_gen.c) */
    const void *ptr;  /* a view, a page's rows, a report's layout */
    struct esomock_wpaging paging; /* WO_PAGE */
    enum esomock_wobj row;         /* WO_PAGE: its rows' object */
    const cJSON *json;             /* WO_EVENT_PAGINATOR: the events */
    double next;                   /* WO_EVENT_PAGINATOR: nextPageTimestamp, < 0 for null */
};

/* One fight of a generated report. */
struct esomock_wfight {
    int encounter; /* 0: trash */
    bool kill;
    double start, end; /* ms from the report's start */
    double boss_pct, fight_pct;
};

/* How a generated report went: its zone, difficulty, fights. */
struct esomock_wlayout {
    int zone;       /* a zone id */
    int difficulty; /* 120, 121, 122 */
    size_t nfights;
    struct esomock_wfight fights[ESOMOCK_WORLD_MAX_FIGHTS];
    double length; /* ms from the report's start to its end */
};

/* The field being answered, and its arguments (world_gen.c, world_report.c). */
static inline bool is(const struct gql_field_info *info, const char *name)
{
    return strcmp(info->field_name, name) == 0;
}

/* An argument's value when it is given and not null. */
static inline const struct gql_value *arg(const struct gql_field_info *info, const char *name)
{
    const struct gql_value *v = gql_value_get(info->args, name);
    return v != NULL && gql_value_kind(v) != GQL_VALUE_NULL ? v : NULL;
}

static inline bool arg_int(const struct gql_field_info *info, const char *name, int64_t *out)
{
    const struct gql_value *v = arg(info, name);
    if (v == NULL || gql_value_kind(v) != GQL_VALUE_INT)
        return false;
    *out = gql_value_int(v);
    return true;
}

static inline const char *arg_string(const struct gql_field_info *info, const char *name)
{
    const struct gql_value *v = arg(info, name);
    return v != NULL ? gql_value_string(v) : NULL;
}

/* Set up the world's data source and field table; false with @p err on failure. */
bool esomock__wgen_init(struct esomock_world *w, char *err);
void esomock__wgen_finish(struct esomock_world *w);

/* A report's hash key: its index for a world report, else a hash of its code. */
uint64_t esomock__wreport_key(const struct esomock_world *w, int64_t n, const char *code);
/* The layout of the report with hash key @p key in zone @p zone. */
void esomock__wreport_layout(const struct esomock_world *w, uint64_t key, int zone,
                             struct esomock_wlayout *out);

/* A player of a report's roster: a world character or a fixture's row. */
struct esomock_wplayer {
    int64_t id;        /* the character id */
    const cJSON *json; /* the fixture's row, or NULL */
};

/* The roster of report @p r (a WO_REPORT node): at most ESOMOCK_WORLD_ROSTER players. */
size_t esomock__wreport_roster(const struct esomock_world *w, const struct esomock_wnode *r,
                               struct gql_exec *exec, struct esomock_wplayer *out);

/* What a player shows: its name, class id, account and server (static or execution memory). */
struct esomock_wplayer_info {
    const char *name;
    const char *account;
    int class_id;
    int server;
};
void esomock__wplayer_info(const struct esomock_world *w, const struct esomock_wplayer *p,
                           struct gql_exec *exec, struct esomock_wplayer_info *out);

/* A character's class, account, name: generated values (not the fixtures'). */
int esomock__wcharacter_class(const struct esomock_world *w, int64_t id);
/* A character's server: the fixtures' when they say, else the world's. */
int esomock__wcharacter_server(const struct esomock_world *w, int64_t id);
void esomock__wcharacter_name(const struct esomock_world *w, int64_t id, char *out, size_t size);

/*
 * Whether a fixture report (its fixture objects @p objs) names character @p id among its
 * players: its playerDetails lists a player of the character's name on its server.
 */
bool esomock__wreport_names_character(const struct esomock_world *w, const cJSON *const *objs,
                                      size_t count, int64_t id);

/* JSON fields of reports (world_report.c): events, graph, table, rankings, player details. */
void esomock__wreport_field(const struct esomock_world *w, const struct esomock_wnode *r,
                            const struct gql_field_info *info, struct gql_source *out);
/* Fields of a report's fights, master data, actors and phases (world_report.c). */
void esomock__wreport_part(const struct esomock_world *w, const struct esomock_wnode *node,
                           const struct gql_field_info *info, struct gql_source *out);
/* Rankings of a character or an encounter (JSON). */
void esomock__wrankings(const struct esomock_world *w, const struct esomock_wnode *node,
                        const struct gql_field_info *info, struct gql_source *out);

/* A new node of @p kind in the execution's memory, or NULL. */
struct esomock_wnode *esomock__wnode(const struct esomock_world *w, struct gql_exec *exec,
                                     enum esomock_wobj kind, int64_t id);

/* Answer an entity: the fixtures' object when they hold one, else a world node. */
void esomock__wentity(const struct esomock_world *w, const struct gql_field_info *info,
                      enum esomock_wobj kind, int64_t id, const char *code, struct gql_source *out);

/* A list of @p count items of kind @p item, each made by list_item from ids[i]. */
void esomock__wlist_out(const struct esomock_world *w, const struct gql_field_info *info,
                        enum esomock_wobj item, const int64_t *ids, size_t count,
                        const struct esomock_wnode *parent, struct gql_source *out);

/* Output helpers. */
void esomock__out_error(struct gql_source *out, struct gql_exec *exec, const char *message);
void esomock__out_string(struct gql_source *out, struct gql_exec *exec, const char *s);

#endif
