/* SPDX-License-Identifier: MIT */
/* Accounts and accountability in the SQLite store: users, sessions, API tokens, idempotency
 * records and the append-only audit log. Every statement goes through two runners (one for
 * writes, one for queries) over a list of values to bind. The table login_failures of
 * migration 2 is no longer used (sign-in failures are counted in memory); dropping it would
 * take a migration of its own. */
#include <stdlib.h>
#include <string.h>

#include "acsa_assert.h"
#include "alloc.h"
#include "store_sqlite_int.h"

/* ---- Users ---------------------------------------------------------------------------- */

#define USER_COLUMNS \
    "u.id, u.username, u.display_name, u.role, u.party, u.unit_id, u.disabled"
#define USER_COLUMN_COUNT 7

/* Where a user row goes, with one more column after the user's (or none). */
struct user_out {
    struct acsa_user *user;
    char *extra;            /* NULL, or the buffer for the column after the user's. */
    size_t extra_size;
    acsa_user_cb cb;        /* For lists: called with each user. */
    void *ctx;
};

static enum acsa_rc user_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct user_out *out = ctx;
    struct acsa_user *u = out->user;
    memset(u, 0, sizeof(*u));
    u->id = acsa__sqlite_col_int(row, 0);
    acsa__sqlite_col_text(row, 1, u->username, sizeof(u->username));
    acsa__sqlite_col_text(row, 2, u->display_name, sizeof(u->display_name));
    u->role = acsa__sqlite_col_role(row, 3);
    acsa__sqlite_col_text(row, 4, u->party, sizeof(u->party));
    u->unit_id = acsa__sqlite_col_opt_int(row, 5);
    u->disabled = acsa__sqlite_col_flag(row, 6);
    if (out->extra != NULL) {
        acsa__sqlite_col_text(row, USER_COLUMN_COUNT, out->extra, out->extra_size);
    }
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return out->cb != NULL ? out->cb(out->ctx, u) : ACSA_OK;
}

enum acsa_rc acsa__sqlite_user_add(struct acsa_store *store, const struct acsa_user *user,
                                   const char *password_hash, int64_t created_s,
                                   int64_t *out_id, struct acsa_error *err)
{
    ACSA_ASSERT((unsigned)user->role < ACSA_ROLE_COUNT);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    *out_id = 0;
    const struct acsa__sqlite_value values[] = {
        TEXT(user->username), TEXT(user->display_name), TEXT(acsa_role_name(user->role)),
        TEXT(user->party),    INT(user->unit_id),       TEXT(password_hash),
        INT(created_s),
    };
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_USER_ADD,
        "INSERT INTO users (username, display_name, role, party, unit_id, password_hash, "
        "created_s) VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), ?6, ?7)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(s, &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, rc, "username", "username: user \"%s\" already exists",
                              user->username);
    }
    if (rc == ACSA_OK) {
        *out_id = sqlite3_last_insert_rowid(s->db);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_user_get(struct acsa_store *store, const char *username,
                                   struct acsa_user *out, char *password_hash,
                                   struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(username)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_USER_GET,
        "SELECT " USER_COLUMNS ", u.password_hash FROM users u WHERE u.username = ?1", values);
    struct user_out result = {out, password_hash, ACSA_PASSWORD_HASH_SIZE, NULL, NULL};
    char what[ACSA_USERNAME_SIZE + 16];
    snprintf(what, sizeof(what), "user \"%.*s\"", ACSA_USERNAME_SIZE - 1, username);
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, user_row, &result, what, err);
}

enum acsa_rc acsa__sqlite_user_list(struct acsa_store *store, acsa_user_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    const struct acsa__sqlite_statement st = STATEMENT_BARE(
        ACSA__SQLITE_USER_LIST, "SELECT " USER_COLUMNS " FROM users u ORDER BY u.username");
    struct acsa_user user;
    struct user_out result = {&user, NULL, 0, cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, user_row, &result, NULL, err);
}

static enum acsa_rc user_disable_all(struct acsa_store_sqlite *s, int64_t user_id,
                                     struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(user_id)};
    const struct acsa__sqlite_statement steps[] = {
        STATEMENT(ACSA__SQLITE_USER_DISABLE, "UPDATE users SET disabled = 1 WHERE id = ?1",
                  values),
        STATEMENT(ACSA__SQLITE_USER_END_SESSIONS, "DELETE FROM sessions WHERE user_id = ?1",
                  values),
        STATEMENT(ACSA__SQLITE_USER_REVOKE_TOKENS,
                  "UPDATE api_tokens SET revoked = 1 WHERE user_id = ?1", values),
    };
    int64_t changed = 0;
    enum acsa_rc rc = acsa__sqlite_run_write(s, &steps[0], &changed, err);
    if (rc == ACSA_OK && changed == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "user", "user %lld not found",
                              (long long)user_id);
    }
    for (size_t i = 1; rc == ACSA_OK && i < COUNT(steps); i++) {
        rc = acsa__sqlite_run_write(s, &steps[i], NULL, err);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_user_disable(struct acsa_store *store, int64_t user_id,
                                       struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    enum acsa_rc rc = acsa__sqlite_savepoint(s, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    return acsa__sqlite_finish(s, user_disable_all(s, user_id, err), err);
}

/* ---- Sessions ------------------------------------------------------------------------- */

enum acsa_rc acsa__sqlite_session_add(struct acsa_store *store, const char *token_hash,
                                      int64_t user_id, const char *csrf, int64_t created_s,
                                      int64_t expires_s, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] =
        {TEXT(token_hash), INT(user_id), TEXT(csrf), INT(created_s),
                                   INT(expires_s)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_SESSION_ADD,
        "INSERT INTO sessions (token_hash, user_id, csrf, created_s, expires_s) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, rc, "session", "session already exists");
    }
    return rc;
}

enum acsa_rc acsa__sqlite_session_get(struct acsa_store *store, const char *token_hash,
                                      int64_t now_s, struct acsa_user *out_user, char *out_csrf,
                                      struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(token_hash), INT(now_s)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_SESSION_GET,
        "SELECT " USER_COLUMNS ", s.csrf FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = ?1 AND s.expires_s > ?2",
        values);
    struct user_out result = {out_user, out_csrf, ACSA_SECRET_TEXT_SIZE, NULL, NULL};
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, user_row, &result, "session", err);
}

enum acsa_rc acsa__sqlite_session_delete(struct acsa_store *store, const char *token_hash,
                                         struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(token_hash)};
    const struct acsa__sqlite_statement st = STATEMENT(ACSA__SQLITE_SESSION_DELETE,
                                          "DELETE FROM sessions WHERE token_hash = ?1", values);
    int64_t changed = 0;
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, &changed, err);
    if (rc == ACSA_OK && changed == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "session", "session not found");
    }
    return rc;
}

enum acsa_rc acsa__sqlite_session_purge(struct acsa_store *store, int64_t now_s,
                                        struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(now_s)};
    const struct acsa__sqlite_statement st = STATEMENT(ACSA__SQLITE_SESSION_PURGE,
                                          "DELETE FROM sessions WHERE expires_s <= ?1", values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

/* ---- API tokens ----------------------------------------------------------------------- */

enum acsa_rc acsa__sqlite_token_add(struct acsa_store *store, int64_t user_id, const char *name,
                                    const char *token_hash, int64_t created_s, int64_t *out_id,
                                    struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    *out_id = 0;
    const struct acsa__sqlite_value values[] =
        {INT(user_id), TEXT(name), TEXT(token_hash), INT(created_s)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_TOKEN_ADD,
        "INSERT INTO api_tokens (user_id, name, token_hash, created_s) VALUES (?1, ?2, ?3, ?4)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(s, &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, rc, "token", "token already exists");
    }
    if (rc == ACSA_OK) {
        *out_id = sqlite3_last_insert_rowid(s->db);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_token_user(struct acsa_store *store, const char *token_hash,
                                     struct acsa_user *out, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(token_hash)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_TOKEN_USER,
        "SELECT " USER_COLUMNS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = ?1 AND t.revoked = 0",
        values);
    struct user_out result = {out, NULL, 0, NULL, NULL};
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, user_row, &result, "token", err);
}

#define TOKEN_SELECT \
    "SELECT t.id, t.user_id, u.username, t.name, t.created_s, t.revoked " \
    "FROM api_tokens t JOIN users u ON u.id = t.user_id "

/* Where a token row goes. */
struct token_out {
    struct acsa_token_info *token;
    acsa_token_cb cb;       /* For lists: called with each token. */
    void *ctx;
};

static enum acsa_rc token_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct token_out *out = ctx;
    struct acsa_token_info *t = out->token;
    memset(t, 0, sizeof(*t));
    t->id = acsa__sqlite_col_int(row, 0);
    t->user_id = acsa__sqlite_col_int(row, 1);
    acsa__sqlite_col_text(row, 2, t->username, sizeof(t->username));
    acsa__sqlite_col_text(row, 3, t->name, sizeof(t->name));
    t->created_s = acsa__sqlite_col_int(row, 4);
    t->revoked = acsa__sqlite_col_flag(row, 5);
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return out->cb != NULL ? out->cb(out->ctx, t) : ACSA_OK;
}

enum acsa_rc acsa__sqlite_token_get(struct acsa_store *store, int64_t id,
                                    struct acsa_token_info *out, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(id)};
    const struct acsa__sqlite_statement st = STATEMENT(ACSA__SQLITE_TOKEN_GET,
                                          TOKEN_SELECT "WHERE t.id = ?1", values);
    struct token_out result = {out, NULL, NULL};
    char what[48];
    snprintf(what, sizeof(what), "token %lld", (long long)id);
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, token_row, &result, what, err);
}

enum acsa_rc acsa__sqlite_token_revoke(struct acsa_store *store, int64_t id,
                                       struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(id)};
    const struct acsa__sqlite_statement st = STATEMENT(ACSA__SQLITE_TOKEN_REVOKE,
                                          "UPDATE api_tokens SET revoked = 1 WHERE id = ?1",
                                          values);
    int64_t changed = 0;
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, &changed, err);
    if (rc == ACSA_OK && changed == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "id", "token %lld not found",
                              (long long)id);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_token_list(struct acsa_store *store, const char *username,
                                     acsa_token_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    bool all = username == NULL || username[0] == '\0';
    const struct acsa__sqlite_value values[] = {TEXT(all ? NULL : username)};
    const struct acsa__sqlite_statement st = STATEMENT(ACSA__SQLITE_TOKEN_LIST,
                                          TOKEN_SELECT "WHERE (?1 IS NULL OR u.username = ?1) "
                                                       "ORDER BY t.id",
                                          values);
    struct acsa_token_info token;
    struct token_out result = {&token, cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, token_row, &result, NULL, err);
}

/* ---- Idempotency ---------------------------------------------------------------------- */

static enum acsa_rc idempotency_row(void *ctx, struct acsa__sqlite_row *row,
                                    struct acsa_error *err)
{
    struct acsa_idempotency_row *out = ctx;
    acsa__sqlite_col_text(row, 0, out->request_hash, sizeof(out->request_hash));
    out->status = (int)acsa__sqlite_col_u32(row, 1, 999);
    out->created_s = acsa__sqlite_col_int(row, 3);
    enum acsa_rc rc = acsa__sqlite_row_check(row, err);
    const unsigned char *body = sqlite3_column_text(row->stmt, 2);
    int length = sqlite3_column_bytes(row->stmt, 2);
    if (rc == ACSA_OK && (body == NULL || length < 0)) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "", "storage: stored response body is "
                            "unreadable");
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    out->body = acsa_malloc((size_t)length + 1);
    if (out->body == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    memcpy(out->body, body, (size_t)length);
    out->body[length] = '\0';
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_idempotency_get(struct acsa_store *store, int64_t user_id,
                                          const char *key, struct acsa_idempotency_row *out,
                                          struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    const struct acsa__sqlite_value values[] = {INT(user_id), TEXT(key)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_IDEMPOTENCY_GET,
        "SELECT request_hash, status, body, created_s FROM idempotency "
        "WHERE user_id = ?1 AND key = ?2",
        values);
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st,
                                idempotency_row, out, "idempotency key", err);
}

enum acsa_rc acsa__sqlite_idempotency_put(struct acsa_store *store, int64_t user_id,
                                          const char *key, const char *request_hash, int status,
                                          const char *body, int64_t created_s,
                                          struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(user_id),   TEXT(key),  TEXT(request_hash),
                                   INT(status),    TEXT(body), INT(created_s)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_IDEMPOTENCY_PUT,
        "INSERT INTO idempotency (user_id, key, request_hash, status, body, created_s) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, rc, "Idempotency-Key",
                              "Idempotency-Key: \"%s\" was already used", key);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_idempotency_purge(struct acsa_store *store, int64_t before_s,
                                            struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(before_s)};
    const struct acsa__sqlite_statement st = STATEMENT(ACSA__SQLITE_IDEMPOTENCY_PURGE,
                                          "DELETE FROM idempotency WHERE created_s < ?1",
                                          values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

/* ---- Audit log ------------------------------------------------------------------------ */

#define AUDIT_SELECT \
    "SELECT id, at_s, actor, action, object, outcome, detail, prev_hash, hash FROM audit "

/* Where an audit row goes. */
struct audit_out {
    struct acsa_audit_record *record;
    acsa_audit_cb cb;       /* For lists: called with each record. */
    void *ctx;
};

static enum acsa_rc audit_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct audit_out *out = ctx;
    struct acsa_audit_record *r = out->record;
    memset(r, 0, sizeof(*r));
    r->id = acsa__sqlite_col_int(row, 0);
    r->at_s = acsa__sqlite_col_int(row, 1);
    acsa__sqlite_col_text(row, 2, r->actor, sizeof(r->actor));
    acsa__sqlite_col_text(row, 3, r->action, sizeof(r->action));
    acsa__sqlite_col_text(row, 4, r->object, sizeof(r->object));
    acsa__sqlite_col_text(row, 5, r->outcome, sizeof(r->outcome));
    acsa__sqlite_col_text(row, 6, r->detail, sizeof(r->detail));
    acsa__sqlite_col_text(row, 7, r->prev_hash, sizeof(r->prev_hash));
    acsa__sqlite_col_text(row, 8, r->hash, sizeof(r->hash));
    struct acsa_error bad;
    if (acsa__sqlite_row_check(row, &bad) != ACSA_OK) {
        /* Name the record: a verification reports it as the broken one. */
        return acsa_error_set(err, ACSA_ESTORAGE, "audit", "audit record %lld: %s",
                              (long long)r->id, bad.message);
    }
    return out->cb != NULL ? out->cb(out->ctx, r) : ACSA_OK;
}

enum acsa_rc acsa__sqlite_audit_last(struct acsa_store *store, struct acsa_audit_record *out,
                                     struct acsa_error *err)
{
    const struct acsa__sqlite_statement st =
        STATEMENT_BARE(ACSA__SQLITE_AUDIT_LAST, AUDIT_SELECT "ORDER BY id DESC LIMIT 1");
    struct audit_out result = {out, NULL, NULL};
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st,
                                audit_row, &result, "audit record", err);
}

enum acsa_rc acsa__sqlite_audit_append(struct acsa_store *store,
                                       const struct acsa_audit_record *record,
                                       struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {
        INT(record->id),          INT(record->at_s),       TEXT(record->actor),
        TEXT(record->action),     TEXT(record->object),    TEXT(record->outcome),
        TEXT(record->detail),     TEXT(record->prev_hash), TEXT(record->hash),
    };
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_AUDIT_APPEND,
        "INSERT INTO audit (id, at_s, actor, action, object, outcome, detail, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, rc, "audit", "audit record %lld already exists",
                              (long long)record->id);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_audit_list(struct acsa_store *store, int64_t after_id, uint32_t limit,
                                     acsa_audit_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    /* LIMIT -1 is no limit in SQLite. */
    const struct acsa__sqlite_value values[] =
        {INT(after_id), INT(limit > 0 ? (int64_t)limit : -1)};
    const struct acsa__sqlite_statement st = STATEMENT(ACSA__SQLITE_AUDIT_LIST,
                                          AUDIT_SELECT "WHERE id > ?1 ORDER BY id LIMIT ?2",
                                          values);
    struct acsa_audit_record record;
    struct audit_out result = {&record, cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, audit_row, &result, NULL, err);
}
