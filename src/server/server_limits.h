/* SPDX-License-Identifier: MIT */
/* Every bound of the server in one place (the layers below keep theirs in their own limits
 * headers), with the relations between them checked at compile time. */
#ifndef ACSA_SERVER_LIMITS_H
#define ACSA_SERVER_LIMITS_H

#include <stdint.h>

#include "app_limits.h"

/* What `acsa serve` may be asked for. */
#define ACSA_SERVER_ADDRESS_SIZE 64
#define ACSA_SERVER_THREADS_MAX 256
#define ACSA_SERVER_QUEUE_MAX 1000000

/* What a client can make the server hold, and for how long (docs/ARCHITECTURE.md, "What a
 * client can hold"). Memory for connections is bounded by SERVER_CONNECTIONS_MAX x
 * (SERVER_CONNECTION_MEMORY + SERVER_CONNECTION_OVERHEAD + SERVER_BODY_MAX) plus
 * SERVER_LARGE_BODIES_MAX x ACSA_BATCH_BYTES_MAX; a client not signed in holds at most
 * SERVER_ANON_HOLD_MAX. */
#define SERVER_BODY_MAX (64u * 1024u)     /* Bodies of a signed-in user; larger ones get 413. */
#define SERVER_ANON_BODY_MAX (8u * 1024u) /* Bodies of a client not signed in (sign-in). */
#define SERVER_IMPORT_BODY_MAX (4u << 20)  /* A CSV of POST /api/import/orders (a large body
                                              over SERVER_BODY_MAX: it takes a slot). */
#define SERVER_LARGE_BODIES_MAX 2u        /* Partner batches over SERVER_BODY_MAX held at
                                             once, all connections together; more get 503. */
#define SERVER_CONNECTION_MEMORY (32u * 1024u)  /* libmicrohttpd's buffer of one connection:
                                                   request line, headers, reading. */
#define SERVER_CONNECTION_OVERHEAD (8u * 1024u) /* The rest of a connection: libmicrohttpd's
                                                   and this server's state of it. */
#define SERVER_ANON_HOLD_MAX (64u * 1024u)      /* All a request not signed in may hold. */
#define SERVER_CONNECTIONS_MAX 2048u      /* Open connections, all threads together. */
#define SERVER_CONNECTIONS_MIN 16u        /* Served even if open files allow fewer. */
#define SERVER_PER_ADDRESS_MAX 64u        /* Open connections from one IP address. */
#define SERVER_FILES_RESERVED 64u         /* Open files kept for other than connections. */
#define SERVER_FILES_PER_THREAD 4u        /* A read connection's database, WAL and index. */
#define SERVER_HEADER_DEADLINE_S 10u      /* Request line and headers, from accept. */
#define SERVER_BODY_DEADLINE_S 30u        /* A body, from the end of its headers. */
#define SERVER_LARGE_BODY_DEADLINE_S 300u /* A body over SERVER_BODY_MAX (a partner batch). */
#define SERVER_SWEEP_MS 250u              /* How often deadlines are checked. */
#define SERVER_TIMEOUT_S 30u              /* Idle connections are closed after this. */
#define SERVER_BATCH_MAX 512u             /* Write jobs committed together. */
/* The most the server holds for connections, all together: 272 MiB. */
#define SERVER_CONNECTIONS_HOLD_MAX                                                          \
    ((uint64_t)SERVER_CONNECTIONS_MAX *                                                      \
         (SERVER_CONNECTION_MEMORY + SERVER_CONNECTION_OVERHEAD + SERVER_BODY_MAX) +         \
     (uint64_t)SERVER_LARGE_BODIES_MAX * ACSA_BATCH_BYTES_MAX)
#define SERVER_DRAIN_MS 10000u            /* How long shutdown waits for open requests. */
#define SERVER_PARAMS_MAX 3               /* {params} of one route pattern. */
#define SERVER_PARAM_SIZE 256             /* Longest decoded path parameter, plus NUL. */
#define SERVER_HEADERS_MAX 6              /* Headers a handler adds to one response. */
#define SERVER_HEADER_SIZE 192            /* Longest such header value, plus NUL. */
#define SERVER_REQUEST_ID_SIZE 33         /* 16 random bytes as hex, plus NUL. */
#define SERVER_PAGE_DEFAULT 100u          /* Items of a list page unless ?limit= says. */
#define SERVER_PAGE_MAX 500u              /* Largest ?limit=. */
#define SERVER_CURSOR_SIZE 96             /* Longest ?cursor=, plus NUL. */

_Static_assert(SERVER_BATCH_MAX >= 1, "a batch holds at least one job");
_Static_assert(SERVER_CONNECTION_MEMORY + SERVER_CONNECTION_OVERHEAD + SERVER_ANON_BODY_MAX <=
               SERVER_ANON_HOLD_MAX, "a request not signed in holds at most 64 KiB");

/* Read connections: one per HTTP thread, and a few for the timers and the sign-in checks. */
#define SERVER_READERS_MAX (ACSA_SERVER_THREADS_MAX + 8)
#define SERVER_TLS_FILE_MAX (1024 * 1024)  /* A certificate or key file. */
#define SERVER_SIGNIN_HASHERS_MAX 4u       /* Threads checking passwords. */
#define SERVER_SIGNIN_QUEUE_MAX 64u        /* Sign-ins waiting for a check; more get 503. */
#define SERVER_SIGNIN_ADDRESS_SIZE 64      /* A client's address as text, plus NUL. */
#define SERVER_ROUTES_MAX 96               /* Metrics slots; slot 0 counts the unmatched. */
#define SERVER_SYNC_PEERS_MAX 16           /* Partner nodes --sync-every exchanges with. */
#define SERVER_SYNC_INFLIGHT_MAX 64        /* Partners with a batch POST in flight at once. */
#define SERVER_PARAM_NAME_SIZE 32          /* The name of a {param} of a pattern. */
#define SERVER_MONTHS_MAX 120              /* Months of /api/stats/monthly. */

_Static_assert(SERVER_PER_ADDRESS_MAX <= SERVER_CONNECTIONS_MAX,
               "one address cannot hold more than all");
_Static_assert(SERVER_CONNECTIONS_MIN <= SERVER_CONNECTIONS_MAX, "the floor is under the cap");
_Static_assert(SERVER_PAGE_DEFAULT <= SERVER_PAGE_MAX, "a default page is a page");
_Static_assert(SERVER_PARAM_SIZE > ACSA_NUMBER_SIZE && SERVER_PARAM_SIZE > ACSA_ID_SIZE,
               "an order number or agreement id fits a path parameter");
_Static_assert(ACSA_SERVER_ADDRESS_SIZE >= 46 && SERVER_SIGNIN_ADDRESS_SIZE >= 46,
               "an IPv6 address as text (INET6_ADDRSTRLEN) fits");
_Static_assert(SERVER_READERS_MAX > ACSA_SERVER_THREADS_MAX, "every thread gets a reader");
_Static_assert(SERVER_BATCH_MAX <= ACSA_SERVER_QUEUE_MAX, "a batch is a part of the queue");
_Static_assert(SERVER_LARGE_BODY_DEADLINE_S > SERVER_BODY_DEADLINE_S,
               "a partner batch gets longer than an API body");

#endif
