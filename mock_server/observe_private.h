/* What a running server saw (observe.c), for the admin API. */
#ifndef ESOMOCK_OBSERVE_PRIVATE_H
#define ESOMOCK_OBSERVE_PRIVATE_H

struct esomock_server;

/* The metrics page (Prometheus text), malloc'd for the caller to free; NULL when out of memory. */
char *esomock__metrics_page(struct esomock_server *srv);

#endif
