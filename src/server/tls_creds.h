/* SPDX-License-Identifier: MIT */
/* The server's TLS certificate and key, replaceable while it serves (SIGHUP): libmicrohttpd
 * asks for them through a certificate callback at each new handshake, and gets the pair
 * current then. A connection keeps the pair it shook hands with; a pair replaced is kept until
 * the server stops, so no connection loses what it holds. */
#ifndef ACSA_SERVER_TLS_CREDS_H
#define ACSA_SERVER_TLS_CREDS_H

#include <stdbool.h>
#include <stddef.h>

/** Makes the pair of cert_pem (a chain, leaf first) and key_pem the one new handshakes get.
 * False, with the reason in why, if either does not parse or the key is not the certificate's;
 * the current pair stays. */
bool acsa__tls_creds_set(const char *cert_pem, const char *key_pem, char *why, size_t why_size);

/** The certificate callback to give libmicrohttpd (MHD_OPTION_HTTPS_CERT_CALLBACK). */
void *acsa__tls_creds_callback(void);

/** Frees every pair, current and replaced (after the daemon has stopped). */
void acsa__tls_creds_free(void);

#endif
