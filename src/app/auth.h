/* SPDX-License-Identifier: MIT */
/* Users, passwords, sessions, API tokens, the tamper-evident audit log and idempotency
 * records: the application side of accounts and accountability, shared by the CLI and the
 * server. Secrets are stored only as hashes (Argon2id for passwords, SHA-256 for session and
 * API tokens); the clear token is returned once, to its owner. */
#ifndef ACSA_AUTH_H
#define ACSA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/authz.h"
#include "../core/rc.h"
#include "app.h"

/* ACSA_SECRET_TEXT_SIZE (32 random bytes as hex, plus NUL), ACSA_AUDIT_TEXT_SIZE, struct
 * acsa_token_info, struct acsa_audit_record and the callback types acsa_user_cb,
 * acsa_token_cb and acsa_audit_cb are declared in ../store/store.h (included by app.h),
 * because the store keeps these records too. */
#define ACSA_PASSWORD_MIN 12          /* Characters. */
#define ACSA_PASSWORD_MAX 256         /* Bytes. */
#define ACSA_SESSION_SECONDS 28800    /* Sessions last 8 hours. */
#define ACSA_LOGIN_FAILURES_MAX 5     /* Failed sign-ins before the lock. */
#define ACSA_LOGIN_LOCK_SECONDS 900   /* Window and lock, 15 minutes. */
#define ACSA_IDEMPOTENCY_KEY_SIZE 65  /* 1-64 characters [A-Za-z0-9_-], plus NUL. */

/** Who the following commands are recorded as in the audit log: a username, or
 * "cli:<login>" for the command line. Copied. */
void acsa_app_set_actor(struct acsa_app *app, const char *actor);

/** Nestable transactions for callers that group several commands (the server's writer, and
 * a command plus its idempotency record): the outermost begin is BEGIN IMMEDIATE, inner ones
 * are savepoints; every application command is itself such a nested unit. */
ACSA_NODISCARD enum acsa_rc acsa_app_begin(struct acsa_app *app, struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_commit(struct acsa_app *app, struct acsa_error *err);
void acsa_app_rollback(struct acsa_app *app);

/** Adds a user. user->username (1-63 of [a-z0-9._-]), display_name, role, party and unit_id
 * are used (unit must exist and belong to party when not 0; requester and supplier-clerk need
 * a unit; approver needs an official of party with display_name). password: 12-256 bytes.
 * ACSA_EEXISTS, ACSA_EUSAGE, ACSA_EREFUSED, ACSA_ENOTFOUND with err naming the field. */
ACSA_NODISCARD enum acsa_rc acsa_app_user_add(struct acsa_app *app, const struct acsa_user *user,
                                              const char *password, int64_t *out_id,
                                              struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_user_list(struct acsa_app *app, acsa_user_cb cb, void *ctx,
                                               struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_user_get(struct acsa_app *app, const char *username,
                                              struct acsa_user *out, struct acsa_error *err);
/** Disables a user and ends their sessions and tokens. */
ACSA_NODISCARD enum acsa_rc acsa_app_user_disable(struct acsa_app *app, const char *username,
                                                  struct acsa_error *err);

/** Signs in at now_s (Unix seconds). Wrong name or password: ACSA_EREFUSED with the same
 * message for both ("username or password is wrong"); more than ACSA_LOGIN_FAILURES_MAX
 * failures within the window: ACSA_ETHROTTLED. Every attempt is audited. On success fills
 * the new session token, its CSRF token and the user. The right password of a disabled user:
 * ACSA_EREFUSED, "username: user "<name>" is disabled". The audit record ("session.create",
 * object "user:<name>") carries the actor last set with acsa_app_set_actor, so set one for
 * anonymous requests first. */
ACSA_NODISCARD enum acsa_rc acsa_app_login(struct acsa_app *app, const char *username,
                                           const char *password, int64_t now_s,
                                           char out_session[ACSA_SECRET_TEXT_SIZE],
                                           char out_csrf[ACSA_SECRET_TEXT_SIZE],
                                           struct acsa_user *out_user, struct acsa_error *err);
/** The user of a live session, and its CSRF token. ACSA_ENOTFOUND if unknown or expired. */
ACSA_NODISCARD enum acsa_rc acsa_app_session_user(struct acsa_app *app, const char *session,
                                                  int64_t now_s, struct acsa_user *out_user,
                                                  char out_csrf[ACSA_SECRET_TEXT_SIZE],
                                                  struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_logout(struct acsa_app *app, const char *session,
                                            struct acsa_error *err);

/** Creates an API token for username (an enabled user; name 1-95 characters); out_token is
 * the clear secret, shown once. */
ACSA_NODISCARD enum acsa_rc acsa_app_token_create(struct acsa_app *app, const char *username,
                                                  const char *name, int64_t now_s,
                                                  char out_token[ACSA_SECRET_TEXT_SIZE],
                                                  int64_t *out_id, struct acsa_error *err);
/** The (enabled) user an unrevoked token belongs to; ACSA_ENOTFOUND otherwise. */
ACSA_NODISCARD enum acsa_rc acsa_app_token_user(struct acsa_app *app, const char *token,
                                                struct acsa_user *out_user,
                                                struct acsa_error *err);
/** One token (never the secret), for checking its owner before a revoke. ACSA_ENOTFOUND if
 * there is no such token. */
ACSA_NODISCARD enum acsa_rc acsa_app_token_get(struct acsa_app *app, int64_t id,
                                               struct acsa_token_info *out,
                                               struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_token_revoke(struct acsa_app *app, int64_t id,
                                                  struct acsa_error *err);
/** Tokens of username ("" for all users). */
ACSA_NODISCARD enum acsa_rc acsa_app_token_list(struct acsa_app *app, const char *username,
                                                acsa_token_cb cb, void *ctx,
                                                struct acsa_error *err);

/** Appends one record inside the current transaction (or its own if none is open). Every
 * mutating application command already records itself; front ends call this for what never
 * reaches a command (a request refused by authorisation, say). */
ACSA_NODISCARD enum acsa_rc acsa_app_audit(struct acsa_app *app, const char *action,
                                           const char *object, enum acsa_rc outcome,
                                           const char *detail, struct acsa_error *err);
/** Records with id > after_id, oldest first, at most limit. */
ACSA_NODISCARD enum acsa_rc acsa_app_audit_list(struct acsa_app *app, int64_t after_id,
                                                uint32_t limit, acsa_audit_cb cb, void *ctx,
                                                struct acsa_error *err);

struct acsa_audit_verdict {
    bool ok;                       /* The whole chain recomputes. */
    int64_t records;               /* Records checked. */
    int64_t first_broken_id;       /* 0 when ok. */
    char reason[ACSA_AUDIT_TEXT_SIZE]; /* Why that record is broken. */
};
/** Recomputes the chain from the first record; streams, memory flat. */
ACSA_NODISCARD enum acsa_rc acsa_app_audit_verify(struct acsa_app *app,
                                                  struct acsa_audit_verdict *out,
                                                  struct acsa_error *err);

/** A stored response for (user_id, key): ACSA_OK with *out_status and *out_body (caller
 * frees with acsa_free()), ACSA_ENOTFOUND if none, ACSA_EREFUSED if the key was used with a
 * different request_hash. */
ACSA_NODISCARD enum acsa_rc acsa_app_idempotency_get(struct acsa_app *app, int64_t user_id,
                                                     const char *key, const char *request_hash,
                                                     int *out_status, char **out_body,
                                                     struct acsa_error *err);
/** Stores the response inside the current transaction. */
ACSA_NODISCARD enum acsa_rc acsa_app_idempotency_put(struct acsa_app *app, int64_t user_id,
                                                     const char *key, const char *request_hash,
                                                     int status, const char *body,
                                                     struct acsa_error *err);

#endif
