/* SPDX-License-Identifier: MIT */
/* The HTTP side of the server as route handlers see it, for the harnesses that call handlers
 * and the request validation directly: the functions of server.c and writer.c they call (the
 * reader connection, headers, the write queue) are defined here, and so is
 * MHD_get_connection_values, which serves the input's query string. Those objects of the
 * server library are then not linked in (the linker takes an archive member only for a symbol
 * still undefined). Jobs run as the writer runs them, inside a transaction rolled back. */
#ifndef ACSA_FUZZ_SERVER_FAKES_H
#define ACSA_FUZZ_SERVER_FAKES_H

#include "server_int.h"

#define QUERY_PAIRS_MAX 16

extern char db_uri[128];
extern struct acsa_app *app;            /* The node every request reads and writes. */
extern struct acsa_order_view *view;
extern char if_match[SERVER_HEADER_SIZE];   /* The If-Match header, "" for none. */

/** Splits query (modified in place, kept until the next call) into the pairs MHD would give. */
void query_split(char *query);

#endif
