/* SPDX-License-Identifier: MIT */
/* TLS credentials replaceable while the server runs (tls_creds.h), with GnuTLS, the library
 * libmicrohttpd does its TLS with. */
#include "tls_creds.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

#define CHAIN_MAX 8u

struct creds {
    gnutls_pcert_st chain[CHAIN_MAX];
    unsigned count;
    gnutls_privkey_t key;
    struct creds *older;     /* The pair this one replaced, kept until the end. */
};

static _Atomic(struct creds *) current;
static pthread_mutex_t replacing = PTHREAD_MUTEX_INITIALIZER;

static void creds_free(struct creds *c)
{
    for (unsigned i = 0; i < c->count; i++) {
        gnutls_pcert_deinit(&c->chain[i]);
    }
    if (c->key != NULL) {
        gnutls_privkey_deinit(c->key);
    }
    acsa_free(c);
}

/* The DER of a public key (data to gnutls_free). */
static int public_der(gnutls_pubkey_t key, gnutls_datum_t *out)
{
    return gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, out);
}

/* Whether key is the private key of the certificate's public key. */
static bool key_matches(const struct creds *c)
{
    gnutls_pubkey_t derived = NULL;
    gnutls_datum_t a = {NULL, 0};
    gnutls_datum_t b = {NULL, 0};
    bool same = gnutls_pubkey_init(&derived) == 0 &&
                gnutls_pubkey_import_privkey(derived, c->key, 0, 0) == 0 &&
                public_der(derived, &a) == 0 && public_der(c->chain[0].pubkey, &b) == 0 &&
                a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
    gnutls_free(a.data);
    gnutls_free(b.data);
    if (derived != NULL) {
        gnutls_pubkey_deinit(derived);
    }
    return same;
}

static bool creds_load(struct creds *c, const char *cert_pem, const char *key_pem, char *why,
                       size_t why_size)
{
    gnutls_datum_t cert = {(unsigned char *)(uintptr_t)cert_pem, (unsigned)strlen(cert_pem)};
    gnutls_datum_t key = {(unsigned char *)(uintptr_t)key_pem, (unsigned)strlen(key_pem)};
    unsigned count = CHAIN_MAX;
    int code = gnutls_pcert_list_import_x509_raw(c->chain, &count, &cert, GNUTLS_X509_FMT_PEM,
                                                 0);
    if (code < 0 || count == 0) {
        snprintf(why, why_size, "--tls-cert: not a PEM certificate chain of at most %u: %s",
                 CHAIN_MAX, gnutls_strerror(code));
        return false;
    }
    c->count = count;
    code = gnutls_privkey_init(&c->key);
    if (code == 0) {
        code = gnutls_privkey_import_x509_raw(c->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0);
    }
    if (code < 0) {
        snprintf(why, why_size, "--tls-key: not a PEM private key: %s", gnutls_strerror(code));
        return false;
    }
    if (!key_matches(c)) {
        snprintf(why, why_size, "--tls-key: the key is not the certificate's");
        return false;
    }
    return true;
}

bool acsa__tls_creds_set(const char *cert_pem, const char *key_pem, char *why, size_t why_size)
{
    struct creds *c = acsa_calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    if (!creds_load(c, cert_pem, key_pem, why, why_size)) {
        creds_free(c);
        return false;
    }
    pthread_mutex_lock(&replacing);
    c->older = atomic_load(&current);
    atomic_store(&current, c);
    pthread_mutex_unlock(&replacing);
    return true;
}

/* gnutls_certificate_retrieve_function2: the current pair, for every handshake. */
static int retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs,
                    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
                    gnutls_pcert_st **pcert, unsigned int *pcert_length,
                    gnutls_privkey_t *privkey)
{
    (void)session;
    (void)req_ca_rdn;
    (void)nreqs;
    (void)pk_algos;
    (void)pk_algos_length;
    struct creds *c = atomic_load(&current);
    if (c == NULL) {
        return -1;
    }
    *pcert = c->chain;
    *pcert_length = c->count;
    *privkey = c->key;
    return 0;
}

void *acsa__tls_creds_callback(void)
{
    static gnutls_certificate_retrieve_function2 *const fn = retrieve;
    return (void *)(uintptr_t)fn;
}

void acsa__tls_creds_free(void)
{
    pthread_mutex_lock(&replacing);
    struct creds *c = atomic_exchange(&current, NULL);
    pthread_mutex_unlock(&replacing);
    while (c != NULL) {
        struct creds *older = c->older;
        creds_free(c);
        c = older;
    }
}
