/* SPDX-License-Identifier: MIT */
/* The agreement's lifecycle in the PostgreSQL store (as store_sqlite_life.c): amendments
 * (versions from a date, append-only), notice and termination, and the service of a unit. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "alloc.h"
#include "store_pg_int.h"

enum acsa_rc acsa__pg_agreement_version_add_by(struct acsa_store *store,
                                               const struct acsa_agreement *agreement,
                                               int32_t effective_day, const char *canonical_json,
                                               const char *source_json, const char *party,
                                               struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {PG_TEXT(agreement->id), PG_INT(effective_day),
                                            PG_TEXT(canonical_json), PG_TEXT(source_json),
                                            PG_TEXT(party)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_AGREEMENT_VERSION_ADD,
        "INSERT INTO agreement_versions (agreement_id, effective_day, canonical_json, "
        "source_json, entered_by) VALUES ($1, $2, $3, $4, $5)",
        values);
    enum acsa_rc rc = acsa__pg_run_write(acsa__pg_of(store), &st, NULL, NULL, err);
    if (rc == ACSA_EEXISTS) {
        /* As in SQLite, a second version on one day is a storage failure, not an answer. */
        rc = acsa_error_set(err, ACSA_ESTORAGE, "", "storage: agreement \"%s\" already has a "
                            "version from that day", agreement->id);
    }
    return rc;
}

struct version_out {
    const char *id;
    acsa_agreement_json_cb cb;
    void *ctx;
    int32_t *effective_day;
    char *entered_by;
};

static enum acsa_rc version_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct version_out *out = ctx;
    *out->effective_day = (int32_t)acsa__pg_col_int(row, 0);
    if (out->entered_by != NULL) {
        acsa__pg_col_text(row, 2, out->entered_by, ACSA_NATION_SIZE);
    }
    ACSA_TRY(acsa__pg_row_check(row, err));
    size_t length = 0;
    const char *text = acsa__pg_col_raw(row, 1, &length);
    return out->cb(out->ctx, out->id, text, length, err);
}

enum acsa_rc acsa__pg_agreement_version_get(struct acsa_store *store, const char *id,
                                            uint32_t index, acsa_agreement_json_cb cb,
                                            void *ctx, int32_t *out_effective_day,
                                            char *entered_by, struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {PG_TEXT(id), PG_INT(index)};
    const struct acsa__pg_statement st = PG_STATEMENT_CACHED(
        ACSA__PG_AGREEMENT_VERSION_GET,
        "SELECT effective_day, canonical_json, entered_by FROM agreement_versions "
        "WHERE agreement_id = $1 ORDER BY effective_day, id LIMIT 1 OFFSET $2",
        values);
    struct version_out result = {id, cb, ctx, out_effective_day, entered_by};
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store), &st, version_row, &result, &rows,
                                         err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" has no version "
                            "%u", id, (unsigned)index + 2);
    }
    return rc;
}

enum acsa_rc acsa__pg_agreement_event_add(struct acsa_store *store, const char *id,
                                          const char *kind, int32_t day, const char *party,
                                          const char *reason, struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {PG_TEXT(id), PG_TEXT(kind), PG_INT(day),
                                            PG_TEXT(party), PG_TEXT(reason)};
    const struct acsa__pg_statement st = PG_STATEMENT_UNIQUE(
        ACSA__PG_AGREEMENT_EVENT_ADD,
        "INSERT INTO agreement_events (agreement_id, kind, day, party, reason) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        values);
    enum acsa_rc rc = acsa__pg_run_write(acsa__pg_of(store), &st, NULL, NULL, err);
    if (rc == ACSA_EEXISTS) {
        rc = acsa_error_set(err, ACSA_EEXISTS, kind, "%s: agreement %s already has one", kind,
                            id);
    }
    return rc;
}

struct event_out {
    int32_t *day;
    char *party;
    char *reason;
};

static enum acsa_rc event_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct event_out *out = ctx;
    *out->day = (int32_t)acsa__pg_col_int(row, 0);
    acsa__pg_col_text(row, 1, out->party, ACSA_NATION_SIZE);
    acsa__pg_col_text(row, 2, out->reason, ACSA_TEXT_SIZE);
    return acsa__pg_row_check(row, err);
}

/* None is ENOTFOUND with err untouched, as the interface says. */
enum acsa_rc acsa__pg_agreement_event_get(struct acsa_store *store, const char *id,
                                          const char *kind, int32_t *out_day, char *party,
                                          char *reason, struct acsa_error *err)
{
    *out_day = ACSA_DATE_NONE;
    party[0] = '\0';
    reason[0] = '\0';
    const struct acsa__pg_value values[] = {PG_TEXT(id), PG_TEXT(kind)};
    const struct acsa__pg_statement st = PG_STATEMENT_CACHED(
        ACSA__PG_AGREEMENT_EVENT_GET,
        "SELECT day, party, reason FROM agreement_events WHERE agreement_id = $1 AND kind = $2",
        values);
    struct event_out result = {out_day, party, reason};
    int64_t rows = 0;
    ACSA_TRY(acsa__pg_run_query(acsa__pg_of(store), &st, event_row, &result, &rows, err));
    return rows == 0 ? ACSA_ENOTFOUND : ACSA_OK;
}

enum acsa_rc acsa__pg_unit_service_set(struct acsa_store *store, int64_t id,
                                       const char *service, struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {PG_TEXT(service), PG_INT(id)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_UNIT_SERVICE_SET, "UPDATE units SET service = $1 WHERE id = $2", values);
    return acsa__pg_run_write(acsa__pg_of(store), &st, NULL, NULL, err);
}

struct text_out {
    char *buf;
    size_t size;
};

static enum acsa_rc text_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct text_out *out = ctx;
    acsa__pg_col_text(row, 0, out->buf, out->size);
    return acsa__pg_row_check(row, err);
}

enum acsa_rc acsa__pg_unit_service_get(struct acsa_store *store, int64_t id, char *service,
                                       struct acsa_error *err)
{
    service[0] = '\0';
    const struct acsa__pg_value values[] = {PG_INT(id)};
    const struct acsa__pg_statement st = PG_STATEMENT_CACHED(
        ACSA__PG_UNIT_SERVICE_GET, "SELECT service FROM units WHERE id = $1", values);
    struct text_out result = {service, ACSA_CODE_SIZE};
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store), &st, text_row, &result, &rows,
                                         err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "id", "id: %lld not found", (long long)id);
    }
    return rc;
}
