/* SPDX-License-Identifier: MIT */
/* Dated grants of officials in the SQLite store. A grant row is written once; only its
 * revocation is recorded on it later, so the history of an official's authority stays whole.
 * Statements are prepared per call (ACSA__SQLITE_ONCE): grants change and are read a few times
 * per command. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "store_sqlite_int.h"

/* Writes the official, if new, and the grant. */
static enum acsa_rc insert_grant(struct acsa_store_sqlite *s, const struct acsa_grant *g,
                                 const char *origin, int64_t origin_id, struct acsa_error *err)
{
    /* The official row is what users (approvers) are checked against; it is made once. */
    const struct acsa__sqlite_value official[] = {TEXT(g->party), TEXT(g->name)};
    const struct acsa__sqlite_statement add_official = STATEMENT_PLAIN(
        ACSA__SQLITE_ONCE,
        "INSERT INTO officials (party, name) VALUES (?1, ?2) ON CONFLICT (party, name) DO NOTHING",
        official);
    ACSA_TRY(acsa__sqlite_run_write(s, &add_official, NULL, err));
    const struct acsa__sqlite_value values[] = {
        TEXT(g->party),
        TEXT(g->name),
        TEXT(g->title),
        TEXT(g->agreement_id),
        TEXT(g->currency.code),
        INT(g->currency.exponent),
        INT(g->limit_minor),
        DAY(g->from_day),
        DAY(g->to_day),
        DAY(g->revoked_day),
        TEXT(g->revoke_reason),
        OPT_TEXT(origin),
        INT_IF(origin != NULL, origin_id),
    };
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_ONCE,
        "INSERT INTO grants (party, name, title, agreement_id, currency, exponent, limit_minor, "
        "from_day, to_day, revoked_day, revoke_reason, origin, origin_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        values);
    return acsa__sqlite_run_write(s, &st, NULL, err);
}

enum acsa_rc acsa__sqlite_grant_add(struct acsa_store *store, const struct acsa_grant *grant,
                                    const char *origin, int64_t origin_id, int64_t *out_id,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(grant != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    *out_id = 0;
    ACSA_TRY(acsa__sqlite_savepoint(s, err));
    enum acsa_rc rc = insert_grant(s, grant, origin, origin_id, err);
    int64_t id = rc == ACSA_OK ? sqlite3_last_insert_rowid(s->db) : 0;
    rc = acsa__sqlite_finish(s, rc, err);
    *out_id = rc == ACSA_OK ? id : 0;
    return rc;
}

enum acsa_rc acsa__sqlite_grant_revoke(struct acsa_store *store, int64_t id, int32_t day,
                                       const char *reason, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(id), DAY(day), TEXT(reason)};
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_ONCE,
        "UPDATE grants SET revoked_day = ?2, revoke_reason = ?3 "
        "WHERE id = ?1 AND revoked_day IS NULL",
        values);
    int64_t changed = 0;
    ACSA_TRY(acsa__sqlite_run_write(acsa__sqlite_of(store), &st, &changed, err));
    if (changed == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "grant",
                              "grant %lld: not found or revoked already", (long long)id);
    }
    return ACSA_OK;
}

static enum acsa_rc grant_row(struct acsa__sqlite_row *row, struct acsa_grant *g, char *origin,
                              int64_t *origin_id, struct acsa_error *err)
{
    memset(g, 0, sizeof(*g));
    g->id = acsa__sqlite_col_int(row, 0);
    acsa__sqlite_col_text(row, 1, g->party, sizeof(g->party));
    acsa__sqlite_col_text(row, 2, g->name, sizeof(g->name));
    acsa__sqlite_col_text(row, 3, g->title, sizeof(g->title));
    acsa__sqlite_col_text(row, 4, g->agreement_id, sizeof(g->agreement_id));
    acsa__sqlite_col_text(row, 5, g->currency.code, sizeof(g->currency.code));
    g->currency.exponent = (uint8_t)acsa__sqlite_col_u32(row, 6, ACSA_STORE_EXPONENT_MAX);
    g->limit_minor = acsa__sqlite_col_int(row, 7);
    g->from_day = acsa__sqlite_col_day(row, 8);
    g->to_day = acsa__sqlite_col_day(row, 9);
    g->revoked_day = acsa__sqlite_col_day(row, 10);
    acsa__sqlite_col_text(row, 11, g->revoke_reason, sizeof(g->revoke_reason));
    origin[0] = '\0';
    if (sqlite3_column_type(row->stmt, 12) != SQLITE_NULL) {
        acsa__sqlite_col_text(row, 12, origin, ACSA_NATION_SIZE);
    }
    *origin_id = acsa__sqlite_col_opt_int(row, 13);
    return acsa__sqlite_row_check(row, err);
}

struct grant_scan {
    acsa_grant_cb cb;
    void *ctx;
};

static enum acsa_rc grant_scan_row(void *ctx, struct acsa__sqlite_row *row,
                                   struct acsa_error *err)
{
    const struct grant_scan *scan = ctx;
    struct acsa_grant g;
    char origin[ACSA_NATION_SIZE];
    int64_t origin_id = 0;
    ACSA_TRY(grant_row(row, &g, origin, &origin_id, err));
    return scan->cb(scan->ctx, &g, origin, origin_id);
}

enum acsa_rc acsa__sqlite_grant_list(struct acsa_store *store, const char *party,
                                     const char *name, int32_t as_of_day, acsa_grant_cb cb,
                                     void *ctx, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {OPT_TEXT(party), OPT_TEXT(name),
                                                DAY(as_of_day)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_ONCE,
        "SELECT id, party, name, title, agreement_id, currency, exponent, limit_minor, "
        "from_day, to_day, revoked_day, revoke_reason, origin, origin_id FROM grants "
        "WHERE (?1 IS NULL OR party = ?1) AND (?2 IS NULL OR name = ?2) AND (?3 IS NULL OR "
        "(from_day <= ?3 AND (to_day IS NULL OR to_day >= ?3) AND "
        "(revoked_day IS NULL OR revoked_day > ?3))) ORDER BY party, name, from_day, id",
        values);
    struct grant_scan scan = {cb, ctx};
    /* A bind that failed is an error, not "no grant": the runner reports it. */
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, grant_scan_row, &scan, NULL,
                                  err);
}

static enum acsa_rc id_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    (void)err;
    *(int64_t *)ctx = sqlite3_column_int64(row->stmt, 0);
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_grant_find(struct acsa_store *store, const char *origin,
                                     int64_t origin_id, int64_t *out_id, struct acsa_error *err)
{
    *out_id = 0;
    const struct acsa__sqlite_value values[] = {TEXT(origin), INT(origin_id)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_ONCE, "SELECT id FROM grants WHERE origin = ?1 AND origin_id = ?2",
        values);
    int64_t rows = 0;
    ACSA_TRY(acsa__sqlite_run_query(acsa__sqlite_of(store), &st, id_row, out_id, &rows, err));
    if (rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "grant", "grant %s/%lld is not known here",
                              origin, (long long)origin_id);
    }
    return ACSA_OK;
}
