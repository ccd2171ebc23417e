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
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_AGREEMENT_VERSION_ADD,
        "INSERT INTO agreement_versions (agreement_id, effective_day, canonical_json, "
        "source_json, entered_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, agreement->id);
    acsa__sqlite_bind_int(&b, 2, effective_day);
    acsa__sqlite_bind_text(&b, 3, canonical_json);
    acsa__sqlite_bind_text(&b, 4, source_json);
    acsa__sqlite_bind_text(&b, 5, party);
    if (b.rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_AGREEMENT_VERSION_ADD, stmt);
    return rc;
}

enum acsa_rc acsa__sqlite_agreement_version_get(struct acsa_store *store, const char *id,
                                                uint32_t index, acsa_agreement_json_cb cb,
                                                void *ctx, int32_t *out_effective_day,
                                                char *entered_by, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_AGREEMENT_VERSION_GET,
        "SELECT effective_day, canonical_json, entered_by FROM agreement_versions "
        "WHERE agreement_id = ?1 "
        "ORDER BY effective_day, id LIMIT 1 OFFSET ?2",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, id);
    acsa__sqlite_bind_int(&b, 2, index);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_ROW) {
        *out_effective_day = (int32_t)sqlite3_column_int64(stmt, 0);
        if (entered_by != NULL) {
            struct acsa__sqlite_row row;
            acsa__sqlite_row_init(&row, stmt);
            acsa__sqlite_col_text(&row, 2, entered_by, ACSA_NATION_SIZE);
            rc = acsa__sqlite_row_check(&row, err);
        }
        const char *text = (const char *)sqlite3_column_text(stmt, 1);
        int length = sqlite3_column_bytes(stmt, 1);
        if (rc == ACSA_OK && (text == NULL || length < 0)) {
            rc = acsa_error_set(err, ACSA_ESTORAGE, "", "storage: a stored version of agreement "
                                "\"%s\" has no text", id);
        }
        rc = rc == ACSA_OK ? cb(ctx, id, text, (size_t)length, err) : rc;
    } else if (code == SQLITE_DONE) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" has no version "
                            "%u", id, (unsigned)index + 2);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_AGREEMENT_VERSION_GET, stmt);
    return rc;
}

enum acsa_rc acsa__sqlite_agreement_event_add(struct acsa_store *store, const char *id,
                                              const char *kind, int32_t day, const char *party,
                                              const char *reason, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_AGREEMENT_EVENT_ADD,
        "INSERT INTO agreement_events (agreement_id, kind, day, party, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, id);
    acsa__sqlite_bind_text(&b, 2, kind);
    acsa__sqlite_bind_int(&b, 3, day);
    acsa__sqlite_bind_text(&b, 4, party);
    acsa__sqlite_bind_text(&b, 5, reason);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (acsa__sqlite_is_unique(code)) {
        rc = acsa_error_set(err, ACSA_EEXISTS, kind, "%s: agreement %s already has one", kind,
                            id);
    } else if (code != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_AGREEMENT_EVENT_ADD, stmt);
    return rc;
}

enum acsa_rc acsa__sqlite_agreement_event_get(struct acsa_store *store, const char *id,
                                              const char *kind, int32_t *out_day, char *party,
                                              char *reason, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    *out_day = ACSA_DATE_NONE;
    party[0] = '\0';
    reason[0] = '\0';
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_AGREEMENT_EVENT_GET,
        "SELECT day, party, reason FROM agreement_events WHERE agreement_id = ?1 AND kind = ?2",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, id);
    acsa__sqlite_bind_text(&b, 2, kind);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_ROW) {
        struct acsa__sqlite_row row;
        acsa__sqlite_row_init(&row, stmt);
        *out_day = (int32_t)acsa__sqlite_col_int(&row, 0);
        acsa__sqlite_col_text(&row, 1, party, ACSA_NATION_SIZE);
        acsa__sqlite_col_text(&row, 2, reason, ACSA_TEXT_SIZE);
        rc = acsa__sqlite_row_check(&row, err);
    } else if (code == SQLITE_DONE) {
        rc = ACSA_ENOTFOUND;
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_AGREEMENT_EVENT_GET, stmt);
    return rc;
}

/* One column of one row by id: the unit's service. */
static enum acsa_rc column_set(struct acsa_store *store, enum acsa__sqlite_slot slot,
                               const char *sql, int64_t id, const char *text,
                               struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, slot, sql, &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, text);
    acsa__sqlite_bind_int(&b, 2, id);
    if (b.rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, slot, stmt);
    return rc;
}

static enum acsa_rc column_get(struct acsa_store *store, enum acsa__sqlite_slot slot,
                               const char *sql, int64_t id, char *buf, size_t size,
                               struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    buf[0] = '\0';
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, slot, sql, &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_int(&b, 1, id);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_ROW) {
        struct acsa__sqlite_row row;
        acsa__sqlite_row_init(&row, stmt);
        acsa__sqlite_col_text(&row, 0, buf, size);
        rc = acsa__sqlite_row_check(&row, err);
    } else if (code == SQLITE_DONE) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "id", "id: %lld not found", (long long)id);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, slot, stmt);
    return rc;
}

enum acsa_rc acsa__sqlite_unit_service_set(struct acsa_store *store, int64_t id,
                                           const char *service, struct acsa_error *err)
{
    return column_set(store, ACSA__SQLITE_UNIT_SERVICE_SET,
                      "UPDATE units SET service = ?1 WHERE id = ?2", id, service, err);
}

enum acsa_rc acsa__sqlite_unit_service_get(struct acsa_store *store, int64_t id, char *service,
                                           struct acsa_error *err)
{
    return column_get(store, ACSA__SQLITE_UNIT_SERVICE_GET,
                      "SELECT service FROM units WHERE id = ?1", id, service, ACSA_CODE_SIZE,
                      err);
}

