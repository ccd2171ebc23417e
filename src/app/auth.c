/* SPDX-License-Identifier: MIT */
/* Accounts: users with Argon2id passwords, sign-in in a read, a check and (for a success) a
 * write, sessions with CSRF tokens derived from them, API tokens, and idempotency records.
 * Secrets are random 32-byte values shown once as hex; the store keeps only their SHA-256. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acsa_assert.h"
#include "alloc.h"
#include "app_int.h"

_Static_assert(crypto_pwhash_STRBYTES <= ACSA_PASSWORD_HASH_SIZE,
               "an encoded Argon2id hash fits the stored column");

#define SECRET_BYTES 32
#define SECRET_HEX_LENGTH (SECRET_BYTES * 2)

/* The one answer to a wrong user name or a wrong password, so neither tells which. */
#define WRONG_LOGIN "username or password is wrong"

/* ---- Secrets -------------------------------------------------------------------------- */

static void new_secret(char out[ACSA_SECRET_TEXT_SIZE])
{
    unsigned char bytes[SECRET_BYTES];
    randombytes_buf(bytes, sizeof(bytes));
    sodium_bin2hex(out, ACSA_SECRET_TEXT_SIZE, bytes, sizeof(bytes));
    sodium_memzero(bytes, sizeof(bytes));
}

/* Whether text looks like a secret acsa handed out: 64 lowercase hex digits. */
static bool secret_shape(const char *text)
{
    size_t n = 0;
    for (; text != NULL && text[n] != '\0' && n <= SECRET_HEX_LENGTH; n++) {
        char c = text[n];
        if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
            return false;
        }
    }
    return n == SECRET_HEX_LENGTH;
}

/* The SHA-256 of a secret's text, as the store keeps it. */
static void secret_hash(const char *secret, char out[ACSA_SECRET_TEXT_SIZE])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)secret, strlen(secret));
    sodium_bin2hex(out, ACSA_SECRET_TEXT_SIZE, digest, sizeof(digest));
}

/* The store key of a secret: its hash; false (and "") for a text acsa never handed out. */
static bool secret_key(const char *secret, char out[ACSA_SECRET_TEXT_SIZE])
{
    out[0] = '\0';
    if (!secret_shape(secret)) {
        return false;
    }
    secret_hash(secret, out);
    return true;
}

static enum acsa_rc hash_password(const char *password, char out[ACSA_PASSWORD_HASH_SIZE],
                                  struct acsa_error *err)
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory hashing the password");
    }
    return ACSA_OK;
}

/* ---- Validation ----------------------------------------------------------------------- */

static bool username_valid(const char *username)
{
    size_t n = 0;
    for (; username != NULL && username[n] != '\0'; n++) {
        char c = username[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
        if (!ok) {
            return false;
        }
    }
    return n > 0 && n < ACSA_USERNAME_SIZE;
}

static enum acsa_rc check_username(const char *username, struct acsa_error *err)
{
    if (username == NULL || username[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "username", "username: is required");
    }
    if (strlen(username) >= ACSA_USERNAME_SIZE) {
        return acsa_error_set(err, ACSA_EUSAGE, "username", "username: longer than %d "
                              "characters", ACSA_USERNAME_SIZE - 1);
    }
    if (!username_valid(username)) {
        return acsa_error_set(err, ACSA_EUSAGE, "username", "username: \"%.*s\" may contain "
                              "only a-z, 0-9, '.', '_' and '-'", ACSA_QUOTE_MAX, username);
    }
    return ACSA_OK;
}

/* A required one-line text shorter than size. */
static enum acsa_rc check_line(const char *field, const char *text, size_t size,
                               struct acsa_error *err)
{
    enum acsa_rc rc = acsa__app_check_name(field, text, size, err);
    for (size_t i = 0; rc == ACSA_OK && text[i] != '\0'; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20u || c == 0x7fu) {
            rc = acsa_error_set(err, ACSA_EUSAGE, field, "%s: must not contain control "
                                "characters", field);
        }
    }
    return rc;
}

static enum acsa_rc check_password(const char *password, struct acsa_error *err)
{
    size_t bytes = password != NULL ? strlen(password) : 0;
    size_t characters = 0;
    for (size_t i = 0; i < bytes; i++) {
        characters += ((unsigned char)password[i] & 0xc0u) != 0x80u;
    }
    if (characters < ACSA_PASSWORD_MIN) {
        return acsa_error_set(err, ACSA_EUSAGE, "password", "password: shorter than %d "
                              "characters", ACSA_PASSWORD_MIN);
    }
    if (bytes > ACSA_PASSWORD_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "password", "password: longer than %d bytes",
                              ACSA_PASSWORD_MAX);
    }
    return ACSA_OK;
}

/* What can be checked of a new user without the store. */
static enum acsa_rc check_user_fields(const struct acsa_user *user, const char *password,
                                      struct acsa_error *err)
{
    ACSA_TRY(check_username(user->username, err));
    ACSA_TRY(check_line("display_name", user->display_name, ACSA_NAME_SIZE, err));
    if ((unsigned)user->role >= ACSA_ROLE_COUNT) {
        return acsa_error_set(err, ACSA_EUSAGE, "role", "role: %d is not a role", user->role);
    }
    ACSA_TRY(acsa__app_check_party(user->party, err));
    if (user->unit_id < 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "unit_id", "unit_id: must not be negative");
    }
    bool needs_unit = user->role == ACSA_ROLE_REQUESTER ||
                      user->role == ACSA_ROLE_SUPPLIER_CLERK;
    if (needs_unit && user->unit_id == 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "unit_id", "unit_id: a %s needs a unit of %s",
                              acsa_role_name(user->role), user->party);
    }
    return check_password(password, err);
}

/* A new user's fields checked and the password hashed: the slow hash runs before the write
 * lock is taken. */
static enum acsa_rc prepare_user(const struct acsa_user *user, const char *password,
                                 char hash[ACSA_PASSWORD_HASH_SIZE], struct acsa_error *err)
{
    ACSA_TRY(check_user_fields(user, password, err));
    return hash_password(password, hash, err);
}

/* What the store must confirm: the unit, and the official an approver acts as. */
static enum acsa_rc check_user_references(struct acsa_app *app, const struct acsa_user *user,
                                          struct acsa_error *err)
{
    enum acsa_rc rc = acsa__app_check_unit(app, "unit_id", user->unit_id, user->party, err);
    if (rc != ACSA_OK || user->role != ACSA_ROLE_APPROVER) {
        return rc;
    }
    struct acsa_official official;
    rc = LEDGER(app)->official_get(app->store, user->party, user->display_name, &official, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_EREFUSED, "display_name",
                              "display_name: an approver needs an official of %s named \"%s\", "
                              "whose approval limits apply (add one with acsa official add)",
                              user->party, user->display_name);
    }
    return rc;
}

static void user_object(char object[ACSA__APP_OBJECT_SIZE], const char *username)
{
    char text[ACSA__APP_OBJECT_SIZE];
    snprintf(text, sizeof(text), "user:%.*s", ACSA_USERNAME_SIZE - 1,
             username != NULL ? username : "");
    acsa__app_text_copy(object, ACSA__APP_OBJECT_SIZE, text);
}

/* ---- Users ---------------------------------------------------------------------------- */

enum acsa_rc acsa_app_user_add(struct acsa_app *app, const struct acsa_user *user,
                               const char *password, int64_t *out_id, struct acsa_error *err)
{
    *out_id = 0;
    char object[ACSA__APP_OBJECT_SIZE];
    user_object(object, user->username);
    char hash[ACSA_PASSWORD_HASH_SIZE];
    enum acsa_rc rc = prepare_user(user, password, hash, err);
    if (rc != ACSA_OK) {
        return acsa__app_refused(app, rc, "user.add", object, err);
    }
    rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = check_user_references(app, user, err);
    if (rc == ACSA_OK) {
        rc = ACCOUNTS(app)->user_add(app->store, user, hash, (int64_t)time(NULL), out_id, err);
    }
    rc = acsa__app_finish(app, rc, "user.add", object, err);
    if (rc != ACSA_OK) {
        *out_id = 0;
    }
    return rc;
}

enum acsa_rc acsa_app_user_list(struct acsa_app *app, acsa_user_cb cb, void *ctx,
                                struct acsa_error *err)
{
    return ACCOUNTS(app)->user_list(app->store, cb, ctx, err);
}

enum acsa_rc acsa_app_user_get(struct acsa_app *app, const char *username,
                               struct acsa_user *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!username_valid(username)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "username", "username: user \"%.*s\" not "
                              "found", ACSA_QUOTE_MAX, username != NULL ? username : "");
    }
    enum acsa_rc rc = ACCOUNTS(app)->user_get(app->store, username, out, NULL, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, rc, "username", "username: user \"%s\" not found", username);
    }
    return rc;
}

/* Refuses to disable user if they are the last enabled programme officer. */
struct officers {
    int64_t enabled;
};

static enum acsa_rc count_officer(void *ctx, const struct acsa_user *user)
{
    struct officers *o = ctx;
    o->enabled += user->role == ACSA_ROLE_PROGRAMME_OFFICER && !user->disabled;
    return ACSA_OK;
}

static enum acsa_rc check_not_last_officer(struct acsa_app *app, const struct acsa_user *user,
                                           struct acsa_error *err)
{
    if (user->role != ACSA_ROLE_PROGRAMME_OFFICER || user->disabled) {
        return ACSA_OK;
    }
    struct officers o = {0};
    enum acsa_rc rc = ACCOUNTS(app)->user_list(app->store, count_officer, &o, err);
    if (rc == ACSA_OK && o.enabled <= 1) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "username", "username: \"%s\" is the last "
                            "enabled programme officer; add another before disabling this one",
                            user->username);
    }
    return rc;
}

/* The user found, not the last officer, and disabled. */
static enum acsa_rc disable_user(struct acsa_app *app, const char *username,
                                 struct acsa_error *err)
{
    struct acsa_user user;
    ACSA_TRY(acsa_app_user_get(app, username, &user, err));
    ACSA_TRY(check_not_last_officer(app, &user, err));
    return ACCOUNTS(app)->user_disable(app->store, user.id, err);
}

enum acsa_rc acsa_app_user_disable(struct acsa_app *app, const char *username,
                                   struct acsa_error *err)
{
    char object[ACSA__APP_OBJECT_SIZE];
    user_object(object, username);
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = disable_user(app, username, err);
    return acsa__app_finish(app, rc, "user.disable", object, err);
}

/* ---- Signing in ----------------------------------------------------------------------- */

enum acsa_rc acsa_app_login_lookup(struct acsa_app *app, const char *username,
                                   struct acsa_user *out_user, char *out_hash,
                                   struct acsa_error *err)
{
    memset(out_user, 0, sizeof(*out_user));
    out_hash[0] = '\0';
    if (!username_valid(username)) {
        return ACSA_OK; /* No user can have this name. */
    }
    enum acsa_rc rc = ACCOUNTS(app)->user_get(app->store, username, out_user, out_hash, err);
    if (rc == ACSA_ENOTFOUND) {
        acsa_error_clear(err);
        memset(out_user, 0, sizeof(*out_user));
        out_hash[0] = '\0';
        return ACSA_OK;
    }
    return rc;
}

bool acsa_password_check(const char *hash, const char *password)
{
    bool usable = password != NULL && strlen(password) <= ACSA_PASSWORD_MAX;
    const char *tried = usable ? password : "";
    if (hash == NULL || hash[0] == '\0') {
        /* As costly as a check: a hash made with the same limits. */
        char ignored[ACSA_PASSWORD_HASH_SIZE];
        struct acsa_error err;
        acsa_error_clear(&err);
        enum acsa_rc rc = hash_password(tried, ignored, &err);
        (void)rc; /* False whether or not the stand-in could be made. */
        return false;
    }
    return crypto_pwhash_str_verify(hash, tried, strlen(tried)) == 0 && usable;
}

bool acsa_login_allowed(const struct acsa_user *user, bool password_ok)
{
    return password_ok && user->id != 0 && !user->disabled;
}

void acsa_session_csrf(const char *session, char out_csrf[ACSA_SECRET_TEXT_SIZE])
{
    static const char purpose[] = "acsa csrf token v1";
    unsigned char digest[SECRET_BYTES];
    size_t length = strlen(session);
    length = length > crypto_generichash_KEYBYTES_MAX ? crypto_generichash_KEYBYTES_MAX : length;
    crypto_generichash(digest, sizeof(digest), (const unsigned char *)purpose,
                       sizeof(purpose) - 1, (const unsigned char *)session, length);
    sodium_bin2hex(out_csrf, ACSA_SECRET_TEXT_SIZE, digest, sizeof(digest));
    sodium_memzero(digest, sizeof(digest));
}

enum acsa_rc acsa_app_session_open(struct acsa_app *app, const struct acsa_user *user,
                                   int64_t now_s, char out_session[ACSA_SECRET_TEXT_SIZE],
                                   char out_csrf[ACSA_SECRET_TEXT_SIZE], struct acsa_error *err)
{
    out_session[0] = '\0';
    out_csrf[0] = '\0';
    char object[ACSA__APP_OBJECT_SIZE];
    user_object(object, user->username);
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    char session[ACSA_SECRET_TEXT_SIZE];
    char hash[ACSA_SECRET_TEXT_SIZE];
    new_secret(session);
    secret_hash(session, hash);
    rc = ACCOUNTS(app)->session_purge(app->store, now_s, err);
    if (rc == ACSA_OK) {
        /* The CSRF column keeps "": the token is derived (acsa_session_csrf). */
        rc = ACCOUNTS(app)->session_add(app->store, hash, user->id, "", now_s,
                                     now_s + ACSA_SESSION_SECONDS, err);
    }
    rc = acsa__app_finish(app, rc, "session.create", object, err);
    if (rc == ACSA_OK) {
        memcpy(out_session, session, ACSA_SECRET_TEXT_SIZE);
        acsa_session_csrf(session, out_csrf);
    }
    sodium_memzero(session, sizeof(session));
    return rc;
}

enum acsa_rc acsa_app_audit_signin_failures(struct acsa_app *app, uint64_t failures,
                                            uint64_t throttled, uint64_t addresses,
                                            struct acsa_error *err)
{
    char detail[ACSA_AUDIT_TEXT_SIZE];
    snprintf(detail, sizeof(detail), "sign-in failures: %llu from %llu addresses; %llu "
             "attempts throttled", (unsigned long long)failures,
             (unsigned long long)addresses, (unsigned long long)throttled);
    return acsa_app_audit(app, "session.failures", "session", ACSA_EREFUSED, detail, err);
}

/* The password checked against the user's hash, then a session opened. */
static enum acsa_rc login_session(struct acsa_app *app, const char *username,
                                  const char *password, int64_t now_s,
                                  char out_session[ACSA_SECRET_TEXT_SIZE],
                                  char out_csrf[ACSA_SECRET_TEXT_SIZE],
                                  struct acsa_user *out_user, struct acsa_error *err)
{
    char hash[ACSA_PASSWORD_HASH_SIZE];
    enum acsa_rc rc = acsa_app_login_lookup(app, username, out_user, hash, err);
    bool ok = rc == ACSA_OK && acsa_login_allowed(out_user, acsa_password_check(hash, password));
    sodium_memzero(hash, sizeof(hash));
    ACSA_TRY(rc);
    if (!ok) {
        return acsa_error_set(err, ACSA_EREFUSED, "password", WRONG_LOGIN);
    }
    return acsa_app_session_open(app, out_user, now_s, out_session, out_csrf, err);
}

enum acsa_rc acsa_app_login(struct acsa_app *app, const char *username, const char *password,
                            int64_t now_s, char out_session[ACSA_SECRET_TEXT_SIZE],
                            char out_csrf[ACSA_SECRET_TEXT_SIZE], struct acsa_user *out_user,
                            struct acsa_error *err)
{
    out_session[0] = '\0';
    out_csrf[0] = '\0';
    enum acsa_rc rc = login_session(app, username, password, now_s, out_session, out_csrf,
                                    out_user, err);
    if (rc != ACSA_OK) {
        memset(out_user, 0, sizeof(*out_user));
    }
    return rc;
}

/* The end of a look-up by secret: the user if rc is ACSA_OK and the user is enabled;
 * otherwise nothing (out cleared) and ACSA_ENOTFOUND with message, or the storage error. */
static enum acsa_rc enabled_user(enum acsa_rc rc, struct acsa_user *out, const char *field,
                                 const char *message, struct acsa_error *err)
{
    if (rc == ACSA_OK && !out->disabled) {
        return ACSA_OK;
    }
    memset(out, 0, sizeof(*out));
    if (rc == ACSA_OK || rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_ENOTFOUND, field, "%s", message);
    }
    return rc;
}

enum acsa_rc acsa_app_session_user(struct acsa_app *app, const char *session, int64_t now_s,
                                   struct acsa_user *out_user,
                                   char out_csrf[ACSA_SECRET_TEXT_SIZE], struct acsa_error *err)
{
    memset(out_user, 0, sizeof(*out_user));
    out_csrf[0] = '\0';
    char hash[ACSA_SECRET_TEXT_SIZE];
    enum acsa_rc rc = ACSA_ENOTFOUND;
    if (secret_key(session, hash)) {
        rc = ACCOUNTS(app)->session_get(app->store, hash, now_s, out_user, out_csrf, err);
    }
    rc = enabled_user(rc, out_user, "session",
                      "session: not signed in, or the session has expired", err);
    if (rc == ACSA_OK) {
        acsa_session_csrf(session, out_csrf);
    } else {
        out_csrf[0] = '\0';
    }
    return rc;
}

enum acsa_rc acsa_app_logout(struct acsa_app *app, const char *session, struct acsa_error *err)
{
    char object[ACSA__APP_OBJECT_SIZE] = "session";
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    char hash[ACSA_SECRET_TEXT_SIZE];
    (void)secret_key(session, hash); /* "" for a malformed one: found nowhere. */
    struct acsa_user user;
    char csrf[ACSA_SECRET_TEXT_SIZE];
    /* Found even when expired, so that the record names whose session ended. */
    rc = ACCOUNTS(app)->session_get(app->store, hash, INT64_MIN, &user, csrf, err);
    if (rc == ACSA_OK) {
        user_object(object, user.username);
        rc = ACCOUNTS(app)->session_delete(app->store, hash, err);
    }
    if (rc == ACSA_ENOTFOUND) {
        rc = acsa_error_set(err, rc, "session", "session: not signed in");
    }
    return acsa__app_finish(app, rc, "session.delete", object, err);
}

/* ---- API tokens ----------------------------------------------------------------------- */

/* The enabled user a token is made for. */
static enum acsa_rc token_owner(struct acsa_app *app, const char *username, const char *name,
                                struct acsa_user *out, struct acsa_error *err)
{
    ACSA_TRY(acsa_app_user_get(app, username, out, err));
    if (out->disabled) {
        return acsa_error_set(err, ACSA_EREFUSED, "username", "username: user \"%s\" is "
                              "disabled", username);
    }
    return check_line("name", name, ACSA_NAME_SIZE, err);
}

enum acsa_rc acsa_app_token_create(struct acsa_app *app, const char *username, const char *name,
                                   int64_t now_s, char out_token[ACSA_SECRET_TEXT_SIZE],
                                   int64_t *out_id, struct acsa_error *err)
{
    out_token[0] = '\0';
    *out_id = 0;
    char object[ACSA__APP_OBJECT_SIZE];
    user_object(object, username);
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa_user user;
    char token[ACSA_SECRET_TEXT_SIZE];
    char hash[ACSA_SECRET_TEXT_SIZE];
    rc = token_owner(app, username, name, &user, err);
    if (rc == ACSA_OK) {
        new_secret(token);
        secret_hash(token, hash);
        rc = ACCOUNTS(app)->token_add(app->store, user.id, name, hash, now_s, out_id, err);
    }
    if (rc == ACSA_OK) {
        size_t used = strlen(object);
        snprintf(object + used, sizeof(object) - used, "/token:%lld", (long long)*out_id);
    }
    rc = acsa__app_finish(app, rc, "token.create", object, err);
    if (rc == ACSA_OK) {
        memcpy(out_token, token, ACSA_SECRET_TEXT_SIZE);
    } else {
        *out_id = 0;
    }
    sodium_memzero(token, sizeof(token));
    return rc;
}

enum acsa_rc acsa_app_token_user(struct acsa_app *app, const char *token,
                                 struct acsa_user *out_user, struct acsa_error *err)
{
    memset(out_user, 0, sizeof(*out_user));
    char hash[ACSA_SECRET_TEXT_SIZE];
    enum acsa_rc rc = ACSA_ENOTFOUND;
    if (secret_key(token, hash)) {
        rc = ACCOUNTS(app)->token_user(app->store, hash, out_user, err);
    }
    return enabled_user(rc, out_user, "token",
                        "token: unknown or revoked, or its user is disabled", err);
}

enum acsa_rc acsa_app_token_get(struct acsa_app *app, int64_t id, struct acsa_token_info *out,
                                struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    enum acsa_rc rc = ACCOUNTS(app)->token_get(app->store, id, out, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, rc, "id", "id: token %lld not found", (long long)id);
    }
    return rc;
}

enum acsa_rc acsa_app_token_revoke(struct acsa_app *app, int64_t id, struct acsa_error *err)
{
    char object[ACSA__APP_OBJECT_SIZE];
    snprintf(object, sizeof(object), "token:%lld", (long long)id);
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = ACCOUNTS(app)->token_revoke(app->store, id, err);
    if (rc == ACSA_ENOTFOUND) {
        rc = acsa_error_set(err, rc, "id", "id: token %lld not found", (long long)id);
    }
    return acsa__app_finish(app, rc, "token.revoke", object, err);
}

enum acsa_rc acsa_app_token_list(struct acsa_app *app, const char *username, acsa_token_cb cb,
                                 void *ctx, struct acsa_error *err)
{
    if (username != NULL && username[0] != '\0') {
        struct acsa_user user;
        enum acsa_rc rc = acsa_app_user_get(app, username, &user, err);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    return ACCOUNTS(app)->token_list(app->store, username, cb, ctx, err);
}

/* ---- Idempotency ---------------------------------------------------------------------- */

static enum acsa_rc check_idempotency(const char *key, const char *request_hash,
                                      struct acsa_error *err)
{
    size_t n = 0;
    for (; key != NULL && key[n] != '\0'; n++) {
        char c = key[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok) {
            n = ACSA_IDEMPOTENCY_KEY_SIZE;
            break;
        }
    }
    if (n == 0 || n >= ACSA_IDEMPOTENCY_KEY_SIZE) {
        return acsa_error_set(err, ACSA_EUSAGE, "Idempotency-Key", "Idempotency-Key: must be "
                              "1-%d characters of A-Z, a-z, 0-9, '_' and '-'",
                              ACSA_IDEMPOTENCY_KEY_SIZE - 1);
    }
    return acsa__app_check_name("request_hash", request_hash, ACSA_REQUEST_HASH_SIZE, err);
}

enum acsa_rc acsa_app_idempotency_get(struct acsa_app *app, int64_t user_id, const char *key,
                                      const char *request_hash, int *out_status,
                                      char **out_body, struct acsa_error *err)
{
    *out_status = 0;
    *out_body = NULL;
    ACSA_TRY(check_idempotency(key, request_hash, err));
    struct acsa_idempotency_row row;
    ACSA_TRY(ACCOUNTS(app)->idempotency_get(app->store, user_id, key, &row, err));
    if ((int64_t)time(NULL) - row.created_s >= ACSA_IDEMPOTENCY_SECONDS) {
        acsa_free(row.body); /* Expired: deleted by the next write (acsa_app_idempotency_put). */
        return ACSA_ENOTFOUND;
    }
    if (strcmp(row.request_hash, request_hash) != 0) {
        acsa_free(row.body);
        return acsa_error_set(err, ACSA_EREFUSED, "Idempotency-Key", "Idempotency-Key: \"%s\" "
                              "was already used with a different request", key);
    }
    *out_status = row.status;
    *out_body = row.body;
    return ACSA_OK;
}

/* Expired responses deleted, then this one kept. */
static enum acsa_rc idempotency_write(struct acsa_app *app, int64_t user_id, const char *key,
                                      const char *request_hash, int status, const char *body,
                                      struct acsa_error *err)
{
    int64_t now_s = (int64_t)time(NULL);
    ACSA_TRY(ACCOUNTS(app)->idempotency_purge(app->store, now_s - ACSA_IDEMPOTENCY_SECONDS + 1,
                                              err));
    return ACCOUNTS(app)->idempotency_put(app->store, user_id, key, request_hash, status,
                                          body != NULL ? body : "", now_s, err);
}

enum acsa_rc acsa_app_idempotency_put(struct acsa_app *app, int64_t user_id, const char *key,
                                      const char *request_hash, int status, const char *body,
                                      struct acsa_error *err)
{
    ACSA_TRY(check_idempotency(key, request_hash, err));
    if (status < 100 || status > 599) {
        return acsa_error_set(err, ACSA_EUSAGE, "status", "status: %d is not an HTTP status",
                              status);
    }
    ACSA_TRY(acsa_app_begin(app, err));
    enum acsa_rc rc = idempotency_write(app, user_id, key, request_hash, status, body, err);
    return acsa__app_end(app, rc, err);
}
