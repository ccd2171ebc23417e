/* SPDX-License-Identifier: MIT */
/* Dated grants of officials in the SQLite store. A grant row is written once; only its
 * revocation is recorded on it later, so the history of an official's authority stays whole.
 * Statements are prepared per call: grants change and are read a few times per command. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "store_sqlite_int.h"

static enum acsa_rc prepare(struct acsa_store_sqlite *s, const char *sql, sqlite3_stmt **out,
                            struct acsa_error *err)
{
    *out = NULL;
    return sqlite3_prepare_v2(s->db, sql, -1, out, NULL) == SQLITE_OK ? ACSA_OK
                                                                      : acsa__sqlite_fail(s, err);
}

/* Runs stmt (bound by b) to its end. */
static enum acsa_rc run(struct acsa_store_sqlite *s, sqlite3_stmt *stmt,
                        const struct acsa__sqlite_bind *b, struct acsa_error *err)
{
    enum acsa_rc rc = ACSA_OK;
    if (b->rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    sqlite3_finalize(stmt);
    return rc;
}

static enum acsa_rc insert_grant(struct acsa_store_sqlite *s, const struct acsa_grant *g,
                                 const char *origin, int64_t origin_id, struct acsa_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = prepare(s,
        "INSERT INTO grants (party, name, title, agreement_id, currency, exponent, limit_minor, "
        "from_day, to_day, revoked_day, revoke_reason, origin, origin_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, g->party);
    acsa__sqlite_bind_text(&b, 2, g->name);
    acsa__sqlite_bind_text(&b, 3, g->title);
    acsa__sqlite_bind_text(&b, 4, g->agreement_id);
    acsa__sqlite_bind_text(&b, 5, g->currency.code);
    acsa__sqlite_bind_int(&b, 6, g->currency.exponent);
    acsa__sqlite_bind_int(&b, 7, g->limit_minor);
    acsa__sqlite_bind_day(&b, 8, g->from_day);
    acsa__sqlite_bind_day(&b, 9, g->to_day);
    acsa__sqlite_bind_day(&b, 10, g->revoked_day);
    acsa__sqlite_bind_text(&b, 11, g->revoke_reason);
    acsa__sqlite_bind_opt_text(&b, 12, origin);
    if (origin != NULL) {
        acsa__sqlite_bind_int(&b, 13, origin_id);
    } else {
        acsa__sqlite_bind_text(&b, 13, NULL);
    }
    return run(s, stmt, &b, err);
}

enum acsa_rc acsa__sqlite_grant_add(struct acsa_store *store, const struct acsa_grant *grant,
                                    const char *origin, int64_t origin_id, int64_t *out_id,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(grant != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    *out_id = 0;
    enum acsa_rc rc = acsa__sqlite_savepoint(s, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    /* The official row is what users (approvers) are checked against; it is made once. */
    sqlite3_stmt *stmt = NULL;
    rc = prepare(s, "INSERT INTO officials (party, name) VALUES (?1, ?2) "
                 "ON CONFLICT (party, name) DO NOTHING", &stmt, err);
    if (rc == ACSA_OK) {
        struct acsa__sqlite_bind b;
        acsa__sqlite_bind_init(&b, stmt);
        acsa__sqlite_bind_text(&b, 1, grant->party);
        acsa__sqlite_bind_text(&b, 2, grant->name);
        rc = run(s, stmt, &b, err);
    }
    rc = rc == ACSA_OK ? insert_grant(s, grant, origin, origin_id, err) : rc;
    int64_t id = rc == ACSA_OK ? sqlite3_last_insert_rowid(s->db) : 0;
    rc = acsa__sqlite_finish(s, rc, err);
    *out_id = rc == ACSA_OK ? id : 0;
    return rc;
}

enum acsa_rc acsa__sqlite_grant_revoke(struct acsa_store *store, int64_t id, int32_t day,
                                       const char *reason, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = prepare(s, "UPDATE grants SET revoked_day = ?2, revoke_reason = ?3 "
                              "WHERE id = ?1 AND revoked_day IS NULL", &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_int(&b, 1, id);
    acsa__sqlite_bind_day(&b, 2, day);
    acsa__sqlite_bind_text(&b, 3, reason);
    rc = run(s, stmt, &b, err);
    if (rc == ACSA_OK && sqlite3_changes(s->db) == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "grant",
                            "grant %lld: not found or revoked already", (long long)id);
    }
    return rc;
}

static enum acsa_rc grant_row(sqlite3_stmt *stmt, struct acsa_grant *g, char *origin,
                              int64_t *origin_id, struct acsa_error *err)
{
    struct acsa__sqlite_row row;
    acsa__sqlite_row_init(&row, stmt);
    memset(g, 0, sizeof(*g));
    g->id = acsa__sqlite_col_int(&row, 0);
    acsa__sqlite_col_text(&row, 1, g->party, sizeof(g->party));
    acsa__sqlite_col_text(&row, 2, g->name, sizeof(g->name));
    acsa__sqlite_col_text(&row, 3, g->title, sizeof(g->title));
    acsa__sqlite_col_text(&row, 4, g->agreement_id, sizeof(g->agreement_id));
    acsa__sqlite_col_text(&row, 5, g->currency.code, sizeof(g->currency.code));
    g->currency.exponent = (uint8_t)acsa__sqlite_col_u32(&row, 6, ACSA_STORE_EXPONENT_MAX);
    g->limit_minor = acsa__sqlite_col_int(&row, 7);
    g->from_day = acsa__sqlite_col_day(&row, 8);
    g->to_day = acsa__sqlite_col_day(&row, 9);
    g->revoked_day = acsa__sqlite_col_day(&row, 10);
    acsa__sqlite_col_text(&row, 11, g->revoke_reason, sizeof(g->revoke_reason));
    origin[0] = '\0';
    if (sqlite3_column_type(stmt, 12) != SQLITE_NULL) {
        acsa__sqlite_col_text(&row, 12, origin, ACSA_NATION_SIZE);
    }
    *origin_id = acsa__sqlite_col_opt_int(&row, 13);
    return acsa__sqlite_row_check(&row, err);
}

enum acsa_rc acsa__sqlite_grant_list(struct acsa_store *store, const char *party,
                                     const char *name, int32_t as_of_day, acsa_grant_cb cb,
                                     void *ctx, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = prepare(s,
        "SELECT id, party, name, title, agreement_id, currency, exponent, limit_minor, "
        "from_day, to_day, revoked_day, revoke_reason, origin, origin_id FROM grants "
        "WHERE (?1 IS NULL OR party = ?1) AND (?2 IS NULL OR name = ?2) AND (?3 IS NULL OR "
        "(from_day <= ?3 AND (to_day IS NULL OR to_day >= ?3) AND "
        "(revoked_day IS NULL OR revoked_day > ?3))) ORDER BY party, name, from_day, id",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_opt_text(&b, 1, party);
    acsa__sqlite_bind_opt_text(&b, 2, name);
    acsa__sqlite_bind_day(&b, 3, as_of_day);
    int code = SQLITE_ROW;
    if (b.rc != SQLITE_OK) {
        rc = acsa__sqlite_fail(s, err); /* A bind that failed is an error, not "no grant". */
    }
    struct acsa_grant g;
    char origin[ACSA_NATION_SIZE];
    int64_t origin_id = 0;
    while (rc == ACSA_OK && code == SQLITE_ROW) {
        code = sqlite3_step(stmt);
        if (code == SQLITE_ROW) {
            rc = grant_row(stmt, &g, origin, &origin_id, err);
            rc = rc == ACSA_OK ? cb(ctx, &g, origin, origin_id) : rc;
        } else if (code != SQLITE_DONE) {
            rc = acsa__sqlite_fail(s, err);
        }
    }
    sqlite3_finalize(stmt);
    return rc;
}

enum acsa_rc acsa__sqlite_grant_find(struct acsa_store *store, const char *origin,
                                     int64_t origin_id, int64_t *out_id, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    *out_id = 0;
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = prepare(s, "SELECT id FROM grants WHERE origin = ?1 AND origin_id = ?2",
                              &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, origin);
    acsa__sqlite_bind_int(&b, 2, origin_id);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_ROW) {
        *out_id = sqlite3_column_int64(stmt, 0);
    } else if (code == SQLITE_DONE) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "grant", "grant %s/%lld is not known here",
                            origin, (long long)origin_id);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    sqlite3_finalize(stmt);
    return rc;
}
