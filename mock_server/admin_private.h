/* The admin API under /__admin/ (admin.c). */
#ifndef ESOMOCK_ADMIN_PRIVATE_H
#define ESOMOCK_ADMIN_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct esomock_server;
struct esomock_request;

/* One admin route as docs/admin-api.md documents it. */
struct esomock_admin_route_info {
    const char *method;
    const char *path;
    const char *const *params; /* the query parameters it takes, NULL-terminated */
};

/* Route @p index of the admin API into @p out; false past the last one. */
bool esomock__admin_route(size_t index, struct esomock_admin_route_info *out);

/*
 * May a client at @p client use the admin API? Loopback always may; others only with
 * "Authorization: Bearer <admin_token>" when the server has one.
 */
bool esomock__admin_allowed(const struct sockaddr *client, const char *authorization,
                            const char *admin_token);

/* Answer an /__admin/ request into req->reply. */
void esomock__admin_handle(struct esomock_server *srv, struct esomock_request *req);

#endif
