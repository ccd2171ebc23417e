/* SPDX-License-Identifier: MIT */
/* The agreement's lifecycle in SQLite: amendments (versions from a date, append-only), notice
 * and termination, and the service of a unit (migration 4). */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "alloc.h"
#include "store_sqlite_int.h"

enum acsa_rc acsa__sqlite_agreement_version_add_by(struct acsa_store *store,
                                                   const struct acsa_agreement *agreement,
                                                   int32_t effective_day,
                                                   const char *canonical_json,
                                                   const char *source_json, const char *party,
                                                   struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(agreement->id), INT(effective_day),
                                                TEXT(canonical_json), TEXT(source_json),
                                                TEXT(party)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_AGREEMENT_VERSION_ADD,
        "INSERT INTO agreement_versions (agreement_id, effective_day, canonical_json, "
        "source_json, entered_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        /* A second version on one day is a storage failure, not an answer. */
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

static enum acsa_rc version_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct version_out *out = ctx;
    *out->effective_day = (int32_t)acsa__sqlite_col_int(row, 0);
    if (out->entered_by != NULL) {
        acsa__sqlite_col_text(row, 2, out->entered_by, ACSA_NATION_SIZE);
    }
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    const char *text = (const char *)sqlite3_column_text(row->stmt, 1);
    int length = sqlite3_column_bytes(row->stmt, 1);
    if (text == NULL || length < 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: a stored version of agreement "
                              "\"%s\" has no text", out->id);
    }
    return out->cb(out->ctx, out->id, text, (size_t)length, err);
}

enum acsa_rc acsa__sqlite_agreement_version_get(struct acsa_store *store, const char *id,
                                                uint32_t index, acsa_agreement_json_cb cb,
                                                void *ctx, int32_t *out_effective_day,
                                                char *entered_by, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(id), INT(index)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_AGREEMENT_VERSION_GET,
        "SELECT effective_day, canonical_json, entered_by FROM agreement_versions "
        "WHERE agreement_id = ?1 ORDER BY effective_day, id LIMIT 1 OFFSET ?2",
        values);
    struct version_out out = {id, cb, ctx, out_effective_day, entered_by};
    int64_t rows = 0;
    enum acsa_rc rc = acsa__sqlite_run_query(acsa__sqlite_of(store), &st, version_row, &out,
                                             &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" has no version "
                            "%u", id, (unsigned)index + 2);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_agreement_event_add(struct acsa_store *store, const char *id,
                                              const char *kind, int32_t day, const char *party,
                                              const char *reason, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(id), TEXT(kind), INT(day), TEXT(party),
                                                TEXT(reason)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_AGREEMENT_EVENT_ADD,
        "INSERT INTO agreement_events (agreement_id, kind, day, party, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
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

static enum acsa_rc event_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct event_out *out = ctx;
    *out->day = (int32_t)acsa__sqlite_col_int(row, 0);
    acsa__sqlite_col_text(row, 1, out->party, ACSA_NATION_SIZE);
    acsa__sqlite_col_text(row, 2, out->reason, ACSA_TEXT_SIZE);
    return acsa__sqlite_row_check(row, err);
}

enum acsa_rc acsa__sqlite_agreement_event_get(struct acsa_store *store, const char *id,
                                              const char *kind, int32_t *out_day, char *party,
                                              char *reason, struct acsa_error *err)
{
    *out_day = ACSA_DATE_NONE;
    party[0] = '\0';
    reason[0] = '\0';
    const struct acsa__sqlite_value values[] = {TEXT(id), TEXT(kind)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_AGREEMENT_EVENT_GET,
        "SELECT day, party, reason FROM agreement_events WHERE agreement_id = ?1 AND kind = ?2",
        values);
    struct event_out out = {out_day, party, reason};
    int64_t rows = 0;
    ACSA_TRY(acsa__sqlite_run_query(acsa__sqlite_of(store), &st, event_row, &out, &rows, err));
    return rows == 0 ? ACSA_ENOTFOUND : ACSA_OK; /* err untouched, as promised. */
}

static enum acsa_rc service_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    acsa__sqlite_col_text(row, 0, ctx, ACSA_CODE_SIZE);
    return acsa__sqlite_row_check(row, err);
}

enum acsa_rc acsa__sqlite_unit_service_set(struct acsa_store *store, int64_t id,
                                           const char *service, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(service), INT(id)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_UNIT_SERVICE_SET, "UPDATE units SET service = ?1 WHERE id = ?2", values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

enum acsa_rc acsa__sqlite_unit_service_get(struct acsa_store *store, int64_t id, char *service,
                                           struct acsa_error *err)
{
    service[0] = '\0';
    const struct acsa__sqlite_value values[] = {INT(id)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_UNIT_SERVICE_GET, "SELECT service FROM units WHERE id = ?1", values);
    int64_t rows = 0;
    enum acsa_rc rc = acsa__sqlite_run_query(acsa__sqlite_of(store), &st, service_row, service,
                                             &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "id", "id: %lld not found", (long long)id);
    }
    return rc;
}
