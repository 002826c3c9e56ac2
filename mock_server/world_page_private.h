/*
 * Lists, pages and filters of the world (world_page.c; docs/world.md, "Lists and pages").
 *
 * A world list is an enumeration computed from the world's permutations: ids of a range, a
 * server's guilds, a guild's members, a server's characters, reports by owner, zone, tag
 * and time. Its rows never repeat, and the i-th row, the count and a key's position are
 * each a few hashes. A view puts a fixture's page in front where one applies: its rows
 * keep their positions, the world fills the others without repeating them, and the total
 * is the fixture's (or fewer when the world has fewer rows). The entities the fixtures hold
 * and place in the list where the world does not (a guild the fixtures put on this server,
 * a guild outside the world's range) come first among the world's rows, in id order, so a
 * filtered list holds exactly the rows of the whole list that pass its filter. On a report
 * search the fixtures' reports that pass it by their own fields stand among the world's
 * rows where their start puts them (newest first). Pages cut a view as Laravel's
 * LengthAwarePaginator does.
 */
#ifndef ESOMOCK_WORLD_PAGE_PRIVATE_H
#define ESOMOCK_WORLD_PAGE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "gql.h"
#include "world_private.h"

enum esomock_wlist_kind {
    WL_EMPTY,
    WL_RANGE,             /* ids of a ranged type, ascending */
    WL_SERVER_GUILDS,     /* a server's guilds */
    WL_MEMBERS,           /* a guild's members */
    WL_SERVER_CHARACTERS, /* a server's characters */
    WL_REPORTS,           /* reports, newest first, by owner, zone, tag and time */
    WL_CHARACTER_REPORTS, /* the reports a character took part in */
};

/*
 * A report search's arguments as the client gave them (ids, not table indices), checked
 * against the fixtures' own reports, which the world's permutations do not place.
 */
struct esomock_wsearch {
    bool on;                  /* a report list: reportData.reports, attendance, recentReports */
    int64_t guild, tag, user; /* 0: any; user: a personal report of that user */
    int64_t character;        /* 0: any; else its fixture players name this character */
    int64_t zone, game_zone;  /* 0: any */
    bool has_t0, has_t1;      /* startTime <= a report's start <= endTime */
    double t0, t1;
};

struct esomock_wlist {
    enum esomock_wlist_kind kind;
    enum esomock_wtype type; /* WL_RANGE */
    int server;              /* WL_SERVER_* */
    int64_t guild;           /* WL_MEMBERS */
    bool has_owner;          /* WL_REPORTS, WL_CHARACTER_REPORTS: the owner's reports only */
    struct esomock_owner owner;
    int zone;           /* zone table index; -1: any */
    int64_t tag;        /* a guild tag id; 0: any */
    int64_t n_lo, n_hi; /* WL_REPORTS: report indices [n_lo, n_hi) (the time window) */
    int64_t roster_pos, roster_total; /* WL_CHARACTER_REPORTS: the character in its guild */
    struct esomock_wsearch search;    /* a report search's own arguments */
};

/* A list seen as one sequence: a fixture's rows at their positions, the world's elsewhere. */
struct esomock_wview {
    const struct esomock_world *w;
    struct esomock_wlist list;
    int64_t raw;       /* the world list's length */
    int64_t *excluded; /* sorted raw indices not shown (missing keys, fixture rows...) */
    size_t nexcluded;
    int64_t *extras; /* keys the fixtures put in the list and the world does not, ascending */
    size_t nextras;
    /*
     * A report search's extras are the fixtures' reports (extra_json, newest first), each
     * after extra_before[i] of the world's shown rows; NULL for other lists (keys, first).
     */
    const cJSON **extra_json;
    int64_t *extra_before;
    const cJSON *rows; /* the fixture's rows (an array), or NULL */
    int64_t from;      /* position of the first of them */
    int64_t nrows;
    int64_t total;
};

/*
 * Make the view of @p list with @p window (a fixture's page: an object with "data" and
 * "total", or NULL) in @p exec's memory. false without memory.
 */
bool esomock__wview_init(struct esomock_wview *v, const struct esomock_world *w,
                         const struct esomock_wlist *list, const cJSON *window,
                         struct gql_exec *exec);

/* The row at position @p p (< total): a fixture row in *json, else a world key in *key. */
void esomock__wview_at(const struct esomock_wview *v, int64_t p, const cJSON **json, int64_t *key);

/* Whether the row at position @p p is a fixture report placed by its own fields (an extra). */
bool esomock__wview_is_extra(const struct esomock_wview *v, int64_t p);

/* The position of world key @p key (or of a fixture row with that key), or -1. */
int64_t esomock__wview_position(const struct esomock_wview *v, int64_t key);

/* The raw world list: its length, its i-th key, and a key's raw index (-1: not in it). */
int64_t esomock__wlist_count(const struct esomock_world *w, const struct esomock_wlist *l);
int64_t esomock__wlist_key(const struct esomock_world *w, const struct esomock_wlist *l, int64_t i);
int64_t esomock__wlist_index(const struct esomock_world *w, const struct esomock_wlist *l,
                             int64_t key);

/* Whether a report passes a list's filters (owner, zone, tag, time, roster). */
bool esomock__wlist_report_matches(const struct esomock_world *w, const struct esomock_wlist *l,
                                   int64_t n);

/* The members view of @p guild (with its fixture page) in @p exec's memory. */
bool esomock__wview_members(struct esomock_wview *v, const struct esomock_world *w, int64_t guild,
                            struct gql_exec *exec);

/* A page of a view as Laravel's LengthAwarePaginator cuts it. */
struct esomock_wpaging {
    int64_t total, per_page, current_page, last_page;
    int64_t offset, count; /* the rows of this page: positions [offset, offset + count) */
    bool has_more;
};

void esomock__wpaging(int64_t total, int64_t per_page, int64_t page, struct esomock_wpaging *out);

/* A `limit` argument's bounds and default, read from its field's schema comment. */
struct esomock_wlimit {
    bool found;
    int64_t lo, hi, def;
};

/* Parse the bounds of @p field's limit argument from its comment. */
struct esomock_wlimit esomock__wlimit_parse(const struct gql_field *field);

/*
 * Check limit and page of @p args against @p limit: on success *per_page and *page are the
 * values to use; otherwise the message (the API's wording) goes to msg[size].
 */
bool esomock__wlimit_check(const struct esomock_wlimit *limit, const struct gql_value *args,
                           int64_t *per_page, int64_t *page, char *msg, size_t size);

#endif
