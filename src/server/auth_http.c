/* SPDX-License-Identifier: MIT */
/* Who is asking: an API token (Authorization: Bearer) or the session cookie acsa_session,
 * looked up on the thread's read connection, and the CSRF check of cookie-authenticated
 * writes. The secrets are compared in constant time by the application layer and here.
 * Each thread keeps the tokens it resolved for a second (see token_user). */
#include "server_int.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define BEARER "Bearer "

/* A token a thread has resolved, keyed by a hash of it (no secret is kept). An entry holds
 * for TOKEN_KEPT_US at most, and not past a revocation or a disabled user this server has
 * committed since it was read (auth_generation); a change made by another process (acsa
 * token revoke on the node's machine) reaches the server within TOKEN_KEPT_US. */
#define TOKENS_KEPT 8
#define TOKEN_KEPT_US 1000000
struct kept_token {
    unsigned char key[crypto_generichash_BYTES];
    struct acsa_user user;
    int64_t until_us;           /* Monotonic; 0: an empty entry. */
    unsigned generation;        /* auth_generation before the token was read. */
};
static _Thread_local struct kept_token kept_tokens[TOKENS_KEPT];
static _Thread_local unsigned kept_next;
static atomic_uint auth_generation;

void acsa__server_http_auth_changed(void)
{
    atomic_fetch_add(&auth_generation, 1u);
}

/* Resolves token to *user from the thread's entries or the database (then kept). */
static bool token_user(struct request *req, const char *token, struct acsa_user *user)
{
    unsigned char key[crypto_generichash_BYTES];
    crypto_generichash(key, sizeof(key), (const unsigned char *)token, strlen(token), NULL, 0);
    unsigned generation = atomic_load(&auth_generation);
    for (unsigned i = 0; i < TOKENS_KEPT; i++) {
        struct kept_token *k = &kept_tokens[i];
        if (k->until_us > req->started_us && k->generation == generation &&
            sodium_memcmp(k->key, key, sizeof(key)) == 0) {
            *user = k->user;
            return true;
        }
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_token_user(acsa__server_reader(req), token, user, &err);
    if (rc != ACSA_OK) {
        req->auth_unavailable = rc != ACSA_ENOTFOUND;
        return false;
    }
    struct kept_token *k = &kept_tokens[kept_next++ % TOKENS_KEPT];
    memcpy(k->key, key, sizeof(key));
    k->user = *user;
    k->until_us = req->started_us + TOKEN_KEPT_US;
    k->generation = generation;
    return true;
}

static bool secret_shape(const char *text)
{
    size_t length = strlen(text);
    return length > 0 && length < ACSA_SECRET_TEXT_SIZE;
}

bool acsa__server_http_authenticate(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_app *app = acsa__server_reader(req);
    const char *authorization = acsa__server_header(req, "Authorization");
    req->signed_in = false;
    req->auth_unavailable = false;
    req->by_cookie = false;
    if (authorization != NULL && strncmp(authorization, BEARER, strlen(BEARER)) == 0) {
        const char *token = authorization + strlen(BEARER);
        req->signed_in = secret_shape(token) && token_user(req, token, &req->user);
        return req->signed_in;
    }
    const char *session = acsa__server_cookie(req, "acsa_session");
    if (session == NULL || !secret_shape(session)) {
        return false;
    }
    enum acsa_rc rc = acsa_app_session_user(app, session, (int64_t)time(NULL), &req->user,
                                            req->csrf, &err);
    if (rc != ACSA_OK) {
        req->auth_unavailable = rc != ACSA_ENOTFOUND;
        return false;
    }
    snprintf(req->session, sizeof(req->session), "%s", session);
    req->signed_in = true;
    req->by_cookie = true;
    return true;
}

bool acsa__server_http_csrf_ok(struct request *req, const char *expected)
{
    const char *given = acsa__server_header(req, "X-CSRF-Token");
    size_t length = strlen(expected);
    if (given == NULL || length == 0 || strlen(given) != length) {
        return false;
    }
    return sodium_memcmp(given, expected, length) == 0;
}
