/* SPDX-License-Identifier: MIT */
/* Deadlines of connections and the slots of large bodies (connections.c); the limits are in
 * server_int.h. Apart from server_int.h because it speaks libmicrohttpd's types. */
#ifndef ACSA_SERVER_CONNECTIONS_H
#define ACSA_SERVER_CONNECTIONS_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdio.h>

#include "server_int.h"

/* What a connection is doing, which sets its deadline. */
enum acsa__server_conn_phase {
    CONN_HEADERS,      /* Request line and headers: SERVER_HEADER_DEADLINE_S from accept or
                          from the end of the previous request. */
    CONN_BODY,         /* The body: SERVER_BODY_DEADLINE_S from the end of the headers. */
    CONN_LARGE_BODY,   /* A body past SERVER_BODY_MAX: SERVER_LARGE_BODY_DEADLINE_S. */
    CONN_HANDLING,     /* Handled and answered: no deadline (the idle timeout applies). */
};

struct conns;
struct conn;

ACSA_NODISCARD enum acsa_rc acsa__server_conns_start(struct conns **out, struct acsa_error *err);
void acsa__server_conns_stop(struct conns *conns);              /* After the daemon has stopped. */
/* MHD_OPTION_NOTIFY_CONNECTION, with the conns as its closure. */
void acsa__server_conns_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                  enum MHD_ConnectionNotificationCode code);
/* Shuts the socket of every connection past its deadline; run every SERVER_SWEEP_MS. */
void acsa__server_conns_sweep(struct conns *conns);
/* The connection's state (NULL if it has none; the functions below then do nothing). */
struct conn *acsa__server_conn_of(struct MHD_Connection *connection);
void acsa__server_conn_phase(struct conn *conn, enum acsa__server_conn_phase phase);
bool acsa__server_conn_expired(struct conn *conn);
/* A slot for a body larger than SERVER_BODY_MAX; false if all are taken. */
bool acsa__server_conns_large_body_take(struct conns *conns);
void acsa__server_conns_large_body_give(struct conns *conns);
/* Raises the soft limit on open files to the hard one, and returns how many connections fit
 * (SERVER_CONNECTIONS_MAX unless the open files do not allow it, which is said on log). */
unsigned acsa__server_conns_limit(uint32_t threads, FILE *log);

#endif
