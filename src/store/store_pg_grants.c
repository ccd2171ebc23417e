/* SPDX-License-Identifier: MIT */
/* Dated grants of officials in the PostgreSQL store (as store_sqlite_grants.c): a grant row is
 * written once; only its revocation is recorded on it later. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "store_pg_int.h"

static enum acsa_rc insert_grant(struct acsa_store_pg *s, const struct acsa_grant *g,
                                 const char *origin, int64_t origin_id, int64_t *out_id,
                                 struct acsa_error *err)
{
    struct acsa__pg_value values[] = {
        PG_TEXT(g->party), PG_TEXT(g->name), PG_TEXT(g->title), PG_TEXT(g->agreement_id),
        PG_TEXT(g->currency.code), PG_INT(g->currency.exponent), PG_INT(g->limit_minor),
        PG_DAY(g->from_day), PG_DAY(g->to_day), PG_DAY(g->revoked_day),
        PG_TEXT(g->revoke_reason), PG_OPT_TEXT(origin), PG_INT(origin_id)};
    if (origin == NULL) {
        values[12].kind = 't'; /* No origin: origin_id NULL too. */
        values[12].text = NULL;
    }
    const struct acsa__pg_statement st = PG_STATEMENT_UNIQUE(
        ACSA__PG_GRANT_INSERT,
        "INSERT INTO grants (party, name, title, agreement_id, currency, exponent, limit_minor, "
        "from_day, to_day, revoked_day, revoke_reason, origin, origin_id) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::bigint) "
        "ON CONFLICT DO NOTHING RETURNING id",
        values);
    return acsa__pg_run_write(s, &st, NULL, out_id, err);
}

enum acsa_rc acsa__pg_grant_add(struct acsa_store *store, const struct acsa_grant *grant,
                                const char *origin, int64_t origin_id, int64_t *out_id,
                                struct acsa_error *err)
{
    ACSA_ASSERT(grant != NULL);
    struct acsa_store_pg *s = acsa__pg_of(store);
    *out_id = 0;
    enum acsa_rc rc = acsa__pg_savepoint(s, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    /* The official row is what users (approvers) are checked against; it is made once. */
    const struct acsa__pg_value names[] = {PG_TEXT(grant->party), PG_TEXT(grant->name)};
    const struct acsa__pg_statement official = PG_STATEMENT(
        ACSA__PG_GRANT_OFFICIAL,
        "INSERT INTO officials (party, name) VALUES ($1, $2) "
        "ON CONFLICT (party, name) DO NOTHING", names);
    rc = acsa__pg_run_write(s, &official, NULL, NULL, err);
    int64_t id = 0;
    if (rc == ACSA_OK) {
        rc = insert_grant(s, grant, origin, origin_id, &id, err);
    }
    rc = acsa__pg_finish(s, rc, err);
    *out_id = rc == ACSA_OK ? id : 0;
    return rc;
}

enum acsa_rc acsa__pg_grant_revoke(struct acsa_store *store, int64_t id, int32_t day,
                                   const char *reason, struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {PG_INT(id), PG_DAY(day), PG_TEXT(reason)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_GRANT_REVOKE,
        "UPDATE grants SET revoked_day = $2, revoke_reason = $3 "
        "WHERE id = $1 AND revoked_day IS NULL",
        values);
    int64_t changes = 0;
    enum acsa_rc rc = acsa__pg_run_write(acsa__pg_of(store), &st, &changes, NULL, err);
    if (rc == ACSA_OK && changes == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "grant",
                            "grant %lld: not found or revoked already", (long long)id);
    }
    return rc;
}

struct grant_scan {
    acsa_grant_cb cb;
    void *ctx;
};

static enum acsa_rc grant_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct grant_scan *scan = ctx;
    struct acsa_grant g;
    memset(&g, 0, sizeof(g));
    g.id = acsa__pg_col_int(row, 0);
    acsa__pg_col_text(row, 1, g.party, sizeof(g.party));
    acsa__pg_col_text(row, 2, g.name, sizeof(g.name));
    acsa__pg_col_text(row, 3, g.title, sizeof(g.title));
    acsa__pg_col_text(row, 4, g.agreement_id, sizeof(g.agreement_id));
    acsa__pg_col_text(row, 5, g.currency.code, sizeof(g.currency.code));
    g.currency.exponent = (uint8_t)acsa__pg_col_u32(row, 6, ACSA_STORE_EXPONENT_MAX);
    g.limit_minor = acsa__pg_col_int(row, 7);
    g.from_day = acsa__pg_col_day(row, 8);
    g.to_day = acsa__pg_col_day(row, 9);
    g.revoked_day = acsa__pg_col_day(row, 10);
    acsa__pg_col_text(row, 11, g.revoke_reason, sizeof(g.revoke_reason));
    char origin[ACSA_NATION_SIZE];
    acsa__pg_col_text(row, 12, origin, sizeof(origin));
    int64_t origin_id = acsa__pg_col_opt_int(row, 13);
    ACSA_TRY(acsa__pg_row_check(row, err));
    return scan->cb(scan->ctx, &g, origin, origin_id);
}

enum acsa_rc acsa__pg_grant_list(struct acsa_store *store, const char *party, const char *name,
                                 int32_t as_of_day, acsa_grant_cb cb, void *ctx,
                                 struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {PG_OPT_TEXT(party), PG_OPT_TEXT(name),
                                            PG_DAY(as_of_day)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_GRANT_LIST,
        "SELECT id, party, name, title, agreement_id, currency, exponent, limit_minor, "
        "from_day, to_day, revoked_day, revoke_reason, origin, origin_id FROM grants "
        "WHERE ($1::text IS NULL OR party = $1) AND ($2::text IS NULL OR name = $2) AND "
        "($3::text IS NULL OR (from_day <= $3 AND (to_day IS NULL OR to_day >= $3) AND "
        "(revoked_day IS NULL OR revoked_day > $3))) ORDER BY party, name, from_day, id",
        values);
    struct grant_scan scan = {cb, ctx};
    return acsa__pg_run_query(acsa__pg_of(store), &st, grant_row, &scan, NULL, err);
}

static enum acsa_rc id_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    *(int64_t *)ctx = acsa__pg_col_int(row, 0);
    return acsa__pg_row_check(row, err);
}

enum acsa_rc acsa__pg_grant_find(struct acsa_store *store, const char *origin,
                                 int64_t origin_id, int64_t *out_id, struct acsa_error *err)
{
    *out_id = 0;
    const struct acsa__pg_value values[] = {PG_TEXT(origin), PG_INT(origin_id)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_GRANT_FIND, "SELECT id FROM grants WHERE origin = $1 AND origin_id = $2",
        values);
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store), &st, id_row, out_id, &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "grant", "grant %s/%lld is not known here",
                            origin, (long long)origin_id);
    }
    return rc;
}
