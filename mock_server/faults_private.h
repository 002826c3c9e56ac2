/*
 * Carrying out a plan on the wire (faults.c): a plain answer, none at all (drop, reset,
 * hang), or one that breaks part-way (truncate) or crawls (drip).
 */
#ifndef ESOMOCK_FAULTS_PRIVATE_H
#define ESOMOCK_FAULTS_PRIVATE_H

#include <microhttpd.h>

struct esomock_request;
struct esomock_server;

/* Carry out req->plan on the connection; the return value goes back to libmicrohttpd. */
enum MHD_Result esomock__faults_act(struct esomock_server *srv, struct esomock_request *req);

/* Queue req->reply as a plain response. */
enum MHD_Result esomock__queue_reply(struct esomock_request *req);

/* The connection's socket, or -1. */
int esomock__connection_fd(struct MHD_Connection *connection);

#endif
