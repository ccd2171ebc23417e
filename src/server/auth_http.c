/* SPDX-License-Identifier: MIT */
/* Who is asking: an API token (Authorization: Bearer) or the session cookie acsa_session,
 * looked up on the thread's read connection, and the CSRF check of cookie-authenticated
 * writes. The secrets are compared in constant time by the application layer and here. */
#include "server_int.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#define BEARER "Bearer "

static bool secret_shape(const char *text)
{
    size_t length = strlen(text);
    return length > 0 && length < ACSA_SECRET_TEXT_SIZE;
}

bool http_authenticate(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_app *app = server_reader(req);
    const char *authorization = server_header(req, "Authorization");
    req->signed_in = false;
    req->by_cookie = false;
    if (authorization != NULL && strncmp(authorization, BEARER, strlen(BEARER)) == 0) {
        const char *token = authorization + strlen(BEARER);
        req->signed_in = secret_shape(token) &&
                         acsa_app_token_user(app, token, &req->user, &err) == ACSA_OK;
        return req->signed_in;
    }
    const char *session = server_cookie(req, "acsa_session");
    if (session == NULL || !secret_shape(session)) {
        return false;
    }
    enum acsa_rc rc = acsa_app_session_user(app, session, (int64_t)time(NULL), &req->user,
                                            req->csrf, &err);
    if (rc != ACSA_OK) {
        return false;
    }
    snprintf(req->session, sizeof(req->session), "%s", session);
    req->signed_in = true;
    req->by_cookie = true;
    return true;
}

bool http_csrf_ok(struct request *req, const char *expected)
{
    const char *given = server_header(req, "X-CSRF-Token");
    size_t length = strlen(expected);
    if (given == NULL || length == 0 || strlen(given) != length) {
        return false;
    }
    return sodium_memcmp(given, expected, length) == 0;
}
