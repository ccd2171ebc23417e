/* SPDX-License-Identifier: MIT */
/* Sessions, users and API tokens: who is signed in, sign out (signing in is signin.c); the
 * users of the node; a user's tokens. Writes are writer jobs. */
#include "server_int.h"
#include "alloc.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COOKIE_ATTRIBUTES "HttpOnly; SameSite=Strict; Path=/"

/* ---- Session -------------------------------------------------------------------------- */

static json_t *session_json(const struct acsa_user *user, const char *csrf)
{
    return json_pack("{s:o, s:o}", "user", acsa_user_json(user), "csrf_token",
                     csrf[0] != '\0' ? json_string(csrf) : json_null());
}

void acsa__server_route_session_get(struct request *req)
{
    acsa__server_response_json(req, 200, session_json(&req->user, req->by_cookie ? req->csrf : ""));
}

static enum acsa_rc logout_job(struct acsa_app *app, struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_logout(app, req->session, &err);
    if (rc != ACSA_OK && rc != ACSA_ENOTFOUND) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_empty(req, 204);
    acsa__server_response_header(req, "Set-Cookie",
                                 "acsa_session=; " COOKIE_ATTRIBUTES "; Max-Age=0%s",
                                 acsa__server_tls(req->server) ? "; Secure" : "");
    return ACSA_OK;
}

void acsa__server_route_session_delete(struct request *req)
{
    if (!req->by_cookie) {
        acsa__server_response_empty(req, 204); /* A token is revoked at DELETE /api/tokens/{id}. */
        return;
    }
    acsa__server_submit(req, logout_job, NULL, NULL);
}

/* ---- Users ---------------------------------------------------------------------------- */

static enum acsa_rc user_row(void *ctx, const struct acsa_user *user)
{
    return acsa__server_page_offer(ctx, user->username, acsa_user_json(user));
}

void acsa__server_route_users_list(struct request *req)
{
    struct page page;
    acsa__server_page_init(&page, true);
    struct json_in_field query[] = {PAGE_QUERY(&page)};
    if (!acsa__server_query_parse(req, query, sizeof(query) / sizeof(query[0]))) {
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_user_list(acsa__server_reader(req), user_row, &page, &err);
    acsa__server_page_respond(req, &page, rc, &err, NULL);
}

struct user_args {
    struct acsa_user user;
    char password[ACSA_PASSWORD_MAX + 1];
};

static enum acsa_rc user_add_job(struct acsa_app *app, struct request *req)
{
    struct user_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_user_add(app, &args->user, args->password, &args->user.id, &err);
    sodium_memzero(args->password, sizeof(args->password));
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_json(req, 201, acsa_user_json(&args->user));
    acsa__server_response_header(req, "Location", "/api/users/%s", args->user.username);
    return ACSA_OK;
}

void acsa__server_route_users_create(struct request *req)
{
    struct user_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    struct acsa_user *u = &args->user;
    struct json_in_field fields[] = {
        JIN("username", JIN_TEXT, true, u->username, sizeof(u->username)),
        JIN("display_name", JIN_TEXT, true, u->display_name, sizeof(u->display_name)),
        JIN("password", JIN_TEXT, true, args->password, sizeof(args->password)),
        JIN("role", JIN_ROLE, true, &u->role, 0),
        JIN("party", JIN_NATION, true, u->party, 0),
        JIN("unit_id", JIN_ID, false, &u->unit_id, 0),
    };
    if (!acsa__server_json_in_request(req, fields, sizeof(fields) / sizeof(fields[0]), NULL)) {
        acsa_free(args);
        return;
    }
    snprintf(req->audit_object, sizeof(req->audit_object), "user:%s", u->username);
    acsa__server_submit(req, user_add_job, NULL, args);
}

/* Disables the user, then reads the account back as stored. */
static enum acsa_rc user_disable_and_read(struct acsa_app *app, const char *username,
                                          struct acsa_user *user, struct acsa_error *err)
{
    ACSA_TRY(acsa_app_user_disable(app, username, err));
    return acsa_app_user_get(app, username, user, err);
}

static enum acsa_rc user_disable_job(struct acsa_app *app, struct request *req)
{
    struct acsa_user user;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = user_disable_and_read(app, req->params[0], &user, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_json(req, 200, acsa_user_json(&user));
    return ACSA_OK;
}

void acsa__server_route_users_disable(struct request *req)
{
    if (!acsa__server_json_in_request(req, NULL, 0, NULL)) {
        return;
    }
    snprintf(req->audit_object, sizeof(req->audit_object), "user:%.80s", req->params[0]);
    req->changes_auth = true;
    acsa__server_submit(req, user_disable_job, NULL, NULL);
}

/* ---- Tokens --------------------------------------------------------------------------- */

static enum acsa_rc token_row(void *ctx, const struct acsa_token_info *token)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)token->id);
    return acsa__server_page_offer(ctx, key, acsa_token_json(token));
}

void acsa__server_route_tokens_list(struct request *req)
{
    struct page page;
    acsa__server_page_init(&page, true);
    struct json_in_field query[] = {PAGE_QUERY(&page)};
    if (!acsa__server_query_parse(req, query, sizeof(query) / sizeof(query[0]))) {
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_token_list(acsa__server_reader(req), req->user.username,
                                          token_row, &page, &err);
    acsa__server_page_respond(req, &page, rc, &err, NULL);
}

struct token_args {
    char name[ACSA_NAME_SIZE];
    int64_t id;                      /* DELETE: the token to revoke. */
    bool found;
};

/* A response with the secret is never stored (the writer keeps no "no-store" response):
 * under an Idempotency-Key, a replay is answered 409 naming the token, without its secret. */
static enum acsa_rc token_replay_put(struct acsa_app *app, struct request *req, int64_t id)
{
    if (req->idempotency_key[0] == '\0') {
        return ACSA_OK;
    }
    char detail[ACSA_ERROR_MESSAGE_SIZE];
    snprintf(detail, sizeof(detail), "Idempotency-Key: this request already created token "
             "%lld; its secret is shown only once (revoke it with DELETE /api/tokens/%lld and "
             "create another)", (long long)id, (long long)id);
    json_t *doc = json_pack("{s:s, s:s, s:i, s:s, s:s, s:I}",
                            "type", SERVER_PROBLEM_BASE "exists",
                            "title", "Already exists", "status", 409, "detail", detail,
                            "field", "Idempotency-Key", "id", (json_int_t)id);
    size_t size = 0;
    char *body = doc != NULL ? acsa__server_json_text(doc, &size) : NULL;
    json_decref(doc);
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = body == NULL ? acsa_error_set(&err, ACSA_ENOMEM, NULL, "out of memory")
                                   : acsa_app_idempotency_put(app, req->user.id,
                                                              req->idempotency_key,
                                                              req->request_hash, 409, body,
                                                              &err);
    acsa_free(body);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
    }
    return rc;
}

static enum acsa_rc token_create_job(struct acsa_app *app, struct request *req)
{
    struct token_args *args = req->job_args;
    char token[ACSA_SECRET_TEXT_SIZE];
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_token_create(app, req->user.username, args->name,
                                            (int64_t)time(NULL), token, &args->id, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_json(req, 201,
                               json_pack("{s:I, s:s, s:s}", "id", (json_int_t)args->id, "name",
                                         args->name, "token", token));
    acsa__server_response_header(req, "Cache-Control", "no-store");
    sodium_memzero(token, sizeof(token));
    return token_replay_put(app, req, args->id);
}

void acsa__server_route_tokens_create(struct request *req)
{
    struct token_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    struct json_in_field fields[] = {
        JIN("name", JIN_TEXT, true, args->name, sizeof(args->name)),
    };
    if (!acsa__server_json_in_request(req, fields, 1, NULL)) {
        acsa_free(args);
        return;
    }
    acsa__server_submit(req, token_create_job, NULL, args);
}

static enum acsa_rc token_find(void *ctx, const struct acsa_token_info *token)
{
    struct token_args *args = ctx;
    args->found = args->found || (token->id == args->id && !token->revoked);
    return ACSA_OK;
}

/* Revokes token args->id when it is among those the user may see (a manager sees every
 * token); args->found says whether it was. */
static enum acsa_rc token_revoke_seen(struct acsa_app *app, const struct acsa_user *user,
                                      struct token_args *args, struct acsa_error *err)
{
    bool manager = acsa_authz_action(user, ACSA_ACTION_MANAGE_USERS);
    ACSA_TRY(acsa_app_token_list(app, manager ? "" : user->username, token_find, args, err));
    if (!args->found) {
        return ACSA_OK;
    }
    return acsa_app_token_revoke(app, args->id, err);
}

static enum acsa_rc token_revoke_job(struct acsa_app *app, struct request *req)
{
    struct token_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = token_revoke_seen(app, &req->user, args, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    if (!args->found) {
        acsa_error_set(&err, ACSA_ENOTFOUND, "id", "id: no token %lld of yours",
                       (long long)args->id);
        return acsa__server_job_refuse(app, req, 404, &err);
    }
    acsa__server_response_empty(req, 204);
    return ACSA_OK;
}

void acsa__server_route_tokens_delete(struct request *req)
{
    struct token_args *args = acsa_calloc(1, sizeof(*args));
    struct json_in_field id = JIN("id", JIN_ID, true, NULL, 0);
    struct acsa_error err;
    acsa_error_clear(&err);
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    id.target = &args->id;
    snprintf(req->audit_object, sizeof(req->audit_object), "token:%.40s", req->params[0]);
    if (!acsa__server_json_in_request(req, NULL, 0, NULL)) {
        acsa_free(args);
        return;
    }
    if (acsa__server_json_in_value(&id, req->params[0], &err) != ACSA_OK) {
        acsa_free(args);
        acsa__server_refuse(req, 404, &err);
        return;
    }
    req->changes_auth = true;
    acsa__server_submit(req, token_revoke_job, NULL, args);
}
