/* SPDX-License-Identifier: MIT */
/* The HTTP server of acsa (`acsa serve`): the JSON API of docs/API.md, the web UI, /healthz
 * and /metrics on one node database. Reads run on the HTTP threads, each with its own read
 * connection; every write goes through one writer thread that commits in batches. */
#ifndef ACSA_SERVER_H
#define ACSA_SERVER_H

#include <stdint.h>
#include <stdio.h>

#include "rc.h"
#include "server_limits.h"


/* What `acsa serve` was asked for. */
struct acsa_server_config {
    const char *db_uri;                     /* The node database: a path, sqlite:PATH or
                                               postgresql://... (opened per thread). */
    char address[ACSA_SERVER_ADDRESS_SIZE];  /* IPv4 or IPv6 literal, without brackets. */
    uint16_t port;                           /* 0: any free port (printed when listening). */
    const char *tls_cert_path;               /* PEM certificate, or NULL for plain HTTP. */
    const char *tls_key_path;                /* PEM key, with tls_cert_path. */
    uint32_t threads;                        /* HTTP threads, 1..ACSA_SERVER_THREADS_MAX. */
    uint32_t queue;                          /* Write jobs waiting, 1..ACSA_SERVER_QUEUE_MAX. */
    uint32_t sync_every_s;                   /* Sync with every partner node this often; 0:
                                                never on its own. */
    uint32_t convert_every_s;                /* Convert overdue in-kind obligations under the
                                                automatic rule this often (a day by default);
                                                0: never on its own. */
};

/** Serves until SIGTERM or SIGINT, then stops accepting, lets requests in flight finish,
 * drains the write queue, closes the databases and returns ACSA_OK. Prints "acsa: listening
 * on http(s)://ADDR:PORT" to log when ready and one JSON line per request. ACSA_ENOTFOUND or
 * ACSA_EUSAGE if the database cannot be opened, ACSA_EUSAGE for unreadable TLS files,
 * ACSA_ESTORAGE if the socket cannot be bound; err says why. Call once per process. */
ACSA_NODISCARD enum acsa_rc acsa_server_run(const struct acsa_server_config *config, FILE *log,
                                            struct acsa_error *err);

/** Prints the served routes, "METHOD PATTERN" per line, in table order. */
void acsa_server_routes_print(FILE *file);

#endif
