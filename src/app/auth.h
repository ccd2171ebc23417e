/* SPDX-License-Identifier: MIT */
/* Users, passwords, sessions, API tokens, the tamper-evident audit log and idempotency
 * records: the application side of accounts and accountability, shared by the CLI and the
 * server. Secrets are stored only as hashes (Argon2id for passwords, SHA-256 for session and
 * API tokens; a session's CSRF token is derived from its token, never stored); the clear
 * token is returned once, to its owner. */
#ifndef ACSA_AUTH_H
#define ACSA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authz.h"
#include "rc.h"
#include "app.h"
#include "app_limits.h"

/* ACSA_SECRET_TEXT_SIZE (32 random bytes as hex, plus NUL), ACSA_AUDIT_TEXT_SIZE, struct
 * acsa_token_info, struct acsa_audit_record and the callback types acsa_user_cb,
 * acsa_token_cb and acsa_audit_cb are declared in ../store/store.h (included by app.h),
 * because the store keeps these records too. */

/** Who the following commands are recorded as in the audit log: a username, or
 * "cli:<login>" for the command line. Copied. */
void acsa_app_set_actor(struct acsa_app *app, const char *actor);

/** Nestable transactions for callers that group several commands (the server's writer, and
 * a command plus its idempotency record): the outermost begin is BEGIN IMMEDIATE, inner ones
 * are savepoints; every application command is itself such a nested unit. */
ACSA_NODISCARD enum acsa_rc acsa_app_begin(struct acsa_app *app, struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_commit(struct acsa_app *app, struct acsa_error *err);
void acsa_app_rollback(struct acsa_app *app);

/** Makes app a reader: from now on acsa_app_begin refuses (ESTORAGE), so that a write that
 * should have gone through the server's one writer fails loudly instead of racing it. */
void acsa_app_read_only(struct acsa_app *app);

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
/** Disables a user and ends their sessions and tokens. The last enabled programme officer
 * cannot be disabled (ACSA_EREFUSED naming "username"): nobody could manage users after. */
ACSA_NODISCARD enum acsa_rc acsa_app_user_disable(struct acsa_app *app, const char *username,
                                                  struct acsa_error *err);

/* Signing in comes in halves, so that the slow password check (Argon2id) runs outside any
 * transaction and, in the server, off the writer thread: a read (acsa_app_login_lookup), the
 * check (acsa_password_check, no storage), and for a success only, a write
 * (acsa_app_session_open). A failed sign-in writes nothing: the server counts failures in
 * memory (throttle.h) and audits a summary (acsa_app_audit_signin_failures). */

/** Reads the user of username and their password hash into out_hash (ACSA_PASSWORD_HASH_SIZE
 * bytes); for a name no user has, *out_user is zeroed and out_hash is "". ACSA_OK either way:
 * only a storage error fails. */
ACSA_NODISCARD enum acsa_rc acsa_app_login_lookup(struct acsa_app *app, const char *username,
                                                  struct acsa_user *out_user, char *out_hash,
                                                  struct acsa_error *err);
/** Whether password matches hash. An empty hash (no such user) costs the same time and is
 * false, so the delay does not tell which names exist. */
bool acsa_password_check(const char *hash, const char *password);
/** Whether a looked-up user may sign in: found, enabled, and the password matched. A disabled
 * user is refused exactly as a wrong password is. */
bool acsa_login_allowed(const struct acsa_user *user, bool password_ok);
/** The write half of a successful sign-in at now_s: a new session for user (looked up and
 * allowed), its token and CSRF token into out_session and out_csrf; audited as
 * "session.create" with the actor last set with acsa_app_set_actor. */
ACSA_NODISCARD enum acsa_rc acsa_app_session_open(struct acsa_app *app,
                                                  const struct acsa_user *user, int64_t now_s,
                                                  char out_session[ACSA_SECRET_TEXT_SIZE],
                                                  char out_csrf[ACSA_SECRET_TEXT_SIZE],
                                                  struct acsa_error *err);
/** One audit record ("session.failures", object "session") summarising failed sign-ins. */
ACSA_NODISCARD enum acsa_rc acsa_app_audit_signin_failures(struct acsa_app *app,
                                                           uint64_t failures,
                                                           uint64_t throttled,
                                                           uint64_t addresses,
                                                           struct acsa_error *err);

/** The three halves in one (the CLI and tests): signs in at now_s. A wrong name, a wrong
 * password and a disabled user all get ACSA_EREFUSED with the same message ("username or
 * password is wrong") and write nothing. On success fills the new session token, its CSRF
 * token and the user. */
ACSA_NODISCARD enum acsa_rc acsa_app_login(struct acsa_app *app, const char *username,
                                           const char *password, int64_t now_s,
                                           char out_session[ACSA_SECRET_TEXT_SIZE],
                                           char out_csrf[ACSA_SECRET_TEXT_SIZE],
                                           struct acsa_user *out_user, struct acsa_error *err);
/** The CSRF token of a session: derived from its token (a keyed hash), so that no copy of it
 * needs to be stored. */
void acsa_session_csrf(const char *session, char out_csrf[ACSA_SECRET_TEXT_SIZE]);
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
 * frees with acsa_free()), ACSA_ENOTFOUND if none or older than ACSA_IDEMPOTENCY_SECONDS,
 * ACSA_EREFUSED if the key was used with a different request_hash. */
ACSA_NODISCARD enum acsa_rc acsa_app_idempotency_get(struct acsa_app *app, int64_t user_id,
                                                     const char *key, const char *request_hash,
                                                     int *out_status, char **out_body,
                                                     struct acsa_error *err);
/** Stores the response inside the current transaction, and deletes the stored responses
 * older than ACSA_IDEMPOTENCY_SECONDS. */
ACSA_NODISCARD enum acsa_rc acsa_app_idempotency_put(struct acsa_app *app, int64_t user_id,
                                                     const char *key, const char *request_hash,
                                                     int status, const char *body,
                                                     struct acsa_error *err);

#endif
