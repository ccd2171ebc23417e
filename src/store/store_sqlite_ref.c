/* SPDX-License-Identifier: MIT */
/* Reference data of the SQLite store: agreements (kept as canonical JSON), units, officials
 * with their approval limits, and activities. Orders refer to all of them. */
#include <stdlib.h>
#include <string.h>

#include "acsa_assert.h"
#include "alloc.h"
#include "store_sqlite_int.h"

/* ---- Agreements ----------------------------------------------------------------------- */

enum acsa_rc acsa__sqlite_agreement_put(struct acsa_store *store,
                                        const struct acsa_agreement *agreement,
                                        const char *canonical_json, const char *source_json,
                                        struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL);
    ACSA_ASSERT(agreement->id[0] != '\0');
    ACSA_ASSERT(canonical_json != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_AGREEMENT_PUT,
        "INSERT INTO agreements (id, party_a, party_b, title, effective_from, source_json, "
        "loaded_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (id) DO UPDATE SET party_a = excluded.party_a, "
        "party_b = excluded.party_b, title = excluded.title, "
        "effective_from = excluded.effective_from, source_json = excluded.source_json, "
        "loaded_json = excluded.loaded_json",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, agreement->id);
    acsa__sqlite_bind_text(&b, 2, agreement->parties[0]);
    acsa__sqlite_bind_text(&b, 3, agreement->parties[1]);
    acsa__sqlite_bind_text(&b, 4, agreement->title);
    acsa__sqlite_bind_day(&b, 5, agreement->effective_from_day);
    acsa__sqlite_bind_text(&b, 6, canonical_json);
    acsa__sqlite_bind_text(&b, 7, source_json);
    if (b.rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_AGREEMENT_PUT, stmt);
    return rc;
}

/* Hands the canonical JSON in column of the current row to cb. */
static enum acsa_rc agreement_hand(sqlite3_stmt *stmt, int column, const char *id,
                                   acsa_agreement_json_cb cb, void *ctx, struct acsa_error *err)
{
    const char *text = (const char *)sqlite3_column_text(stmt, column);
    int length = sqlite3_column_bytes(stmt, column);
    if (text == NULL || length < 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: stored agreement \"%s\" has no "
                              "text", id);
    }
    return cb(ctx, id, text, (size_t)length, err);
}

enum acsa_rc acsa__sqlite_agreement_get(struct acsa_store *store, const char *id,
                                        acsa_agreement_json_cb cb, void *ctx,
                                        struct acsa_error *err)
{
    ACSA_ASSERT(id != NULL);
    ACSA_ASSERT(cb != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    char key[ACSA_ID_SIZE];
    if (!acsa__sqlite_key_copy(key, sizeof(key), id)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" not found",
                              id);
    }
    id = key;
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, ACSA__SQLITE_AGREEMENT_GET,
                                           "SELECT source_json FROM agreements WHERE id = ?1",
                                           &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, id);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_ROW) {
        rc = agreement_hand(stmt, 0, id, cb, ctx, err);
    } else if (code == SQLITE_DONE) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" not found", id);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_AGREEMENT_GET, stmt);
    return rc;
}

/* The canonical JSON is the only complete record of an agreement; the other columns exist
 * for people querying the database. */
enum acsa_rc acsa__sqlite_agreement_list(struct acsa_store *store, acsa_agreement_json_cb cb,
                                         void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, ACSA__SQLITE_AGREEMENT_LIST,
                                           "SELECT id, source_json FROM agreements ORDER BY id",
                                           &stmt, err);
    while (rc == ACSA_OK) {
        int code = sqlite3_step(stmt);
        if (code == SQLITE_DONE) {
            break;
        }
        if (code != SQLITE_ROW) {
            rc = acsa__sqlite_fail(s, err);
            break;
        }
        const char *id = (const char *)sqlite3_column_text(stmt, 0);
        rc = agreement_hand(stmt, 1, id != NULL ? id : "?", cb, ctx, err);
    }
    if (stmt != NULL) {
        acsa__sqlite_release(s, ACSA__SQLITE_AGREEMENT_LIST, stmt);
    }
    return rc;
}

/* ---- Units ---------------------------------------------------------------------------- */

enum acsa_rc acsa__sqlite_unit_add(struct acsa_store *store, const char *party, const char *name,
                                   int64_t *out_id, struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL);
    ACSA_ASSERT(name != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    if (out_id != NULL) {
        *out_id = 0;
    }
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, ACSA__SQLITE_UNIT_ADD,
                                           "INSERT INTO units (party, name) VALUES (?1, ?2)",
                                           &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, party);
    acsa__sqlite_bind_text(&b, 2, name);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_DONE) {
        if (out_id != NULL) {
            *out_id = sqlite3_last_insert_rowid(s->db);
        }
    } else if (acsa__sqlite_is_unique(code)) {
        rc = acsa_error_set(err, ACSA_EEXISTS, "unit", "unit \"%s\" of %s already exists", name,
                            party);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_UNIT_ADD, stmt);
    return rc;
}

enum acsa_rc acsa__sqlite_unit_get(struct acsa_store *store, int64_t id, char *party, char *name,
                                   struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL);
    ACSA_ASSERT(name != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    party[0] = '\0';
    name[0] = '\0';
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, ACSA__SQLITE_UNIT_GET,
                                           "SELECT party, name FROM units WHERE id = ?1", &stmt,
                                           err);
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
        acsa__sqlite_col_text(&row, 0, party, ACSA_NATION_SIZE);
        acsa__sqlite_col_text(&row, 1, name, ACSA_NAME_SIZE);
        rc = acsa__sqlite_row_check(&row, err);
    } else if (code == SQLITE_DONE) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "unit", "unit %lld not found", (long long)id);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_UNIT_GET, stmt);
    return rc;
}

static enum acsa_rc unit_row(sqlite3_stmt *stmt, acsa_unit_cb cb, void *ctx,
                             struct acsa_error *err)
{
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    struct acsa__sqlite_row row;
    acsa__sqlite_row_init(&row, stmt);
    int64_t id = acsa__sqlite_col_int(&row, 0);
    acsa__sqlite_col_text(&row, 1, party, sizeof(party));
    acsa__sqlite_col_text(&row, 2, name, sizeof(name));
    enum acsa_rc rc = acsa__sqlite_row_check(&row, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    return cb(ctx, id, party, name);
}

/* By party and name, the order a person scans a list of units in. */
enum acsa_rc acsa__sqlite_unit_list(struct acsa_store *store, acsa_unit_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_UNIT_LIST, "SELECT id, party, name FROM units ORDER BY party, name",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    for (;;) {
        int code = sqlite3_step(stmt);
        if (code == SQLITE_DONE) {
            break;
        }
        rc = code == SQLITE_ROW ? unit_row(stmt, cb, ctx, err) : acsa__sqlite_fail(s, err);
        if (rc != ACSA_OK) {
            break;
        }
    }
    acsa__sqlite_release(s, ACSA__SQLITE_UNIT_LIST, stmt);
    return rc;
}

/* ---- Officials ------------------------------------------------------------------------ */

/* Runs a statement that returns nothing, with the two texts bound to ?1 and ?2. */
static enum acsa_rc exec_two_texts(struct acsa_store_sqlite *s, enum acsa__sqlite_slot slot,
                                   const char *sql, const char *first, const char *second,
                                   struct acsa_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, slot, sql, &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, first);
    acsa__sqlite_bind_text(&b, 2, second);
    if (b.rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, slot, stmt);
    return rc;
}

/* The id of an existing official, or ENOTFOUND. */
static enum acsa_rc official_id(struct acsa_store_sqlite *s, const char *party, const char *name,
                                int64_t *out_id, struct acsa_error *err)
{
    *out_id = 0;
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_OFFICIAL_ID, "SELECT id FROM officials WHERE party = ?1 AND name = ?2",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, party);
    acsa__sqlite_bind_text(&b, 2, name);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_ROW) {
        *out_id = sqlite3_column_int64(stmt, 0);
    } else if (code == SQLITE_DONE) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "official", "official \"%s\" of %s not found",
                            name, party);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_OFFICIAL_ID, stmt);
    return rc;
}

/* Refuses a limit in one more currency than struct acsa_official can hold. */
static enum acsa_rc check_limit_room(struct acsa_store_sqlite *s, int64_t id, const char *party,
                                     const char *name, const char *currency,
                                     struct acsa_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_LIMIT_COUNT,
        "SELECT count(*), coalesce(sum(currency = ?2), 0) FROM official_limits "
        "WHERE official_id = ?1",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_int(&b, 1, id);
    acsa__sqlite_bind_text(&b, 2, currency);
    if (b.rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
        rc = acsa__sqlite_fail(s, err);
    } else if (sqlite3_column_int64(stmt, 1) == 0 &&
               sqlite3_column_int64(stmt, 0) >= ACSA_OFFICIAL_LIMITS_MAX) {
        rc = acsa_error_set(err, ACSA_EUSAGE, "currency",
                            "currency: official \"%s\" of %s already has limits in %d "
                            "currencies, the most one official can hold",
                            name, party, ACSA_OFFICIAL_LIMITS_MAX);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_LIMIT_COUNT, stmt);
    return rc;
}

static enum acsa_rc limit_set(struct acsa_store_sqlite *s, int64_t id,
                              const struct acsa_currency *currency, int64_t limit_minor,
                              struct acsa_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_LIMIT_SET,
        "INSERT INTO official_limits (official_id, currency, exponent, limit_minor) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (official_id, currency) DO UPDATE SET "
        "exponent = excluded.exponent, limit_minor = excluded.limit_minor",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_int(&b, 1, id);
    acsa__sqlite_bind_text(&b, 2, currency->code);
    acsa__sqlite_bind_int(&b, 3, currency->exponent);
    acsa__sqlite_bind_int(&b, 4, limit_minor);
    if (b.rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_LIMIT_SET, stmt);
    return rc;
}

/* An upsert of the official by (party, name) and then of the limit by currency, so setting a
 * limit twice replaces it and the official keeps its id. */
static enum acsa_rc official_set_limit(struct acsa_store_sqlite *s, const char *party,
                                       const char *name, const struct acsa_currency *currency,
                                       int64_t limit_minor, int64_t *out_id,
                                       struct acsa_error *err)
{
    enum acsa_rc rc = exec_two_texts(s, ACSA__SQLITE_OFFICIAL_ADD,
                                     "INSERT INTO officials (party, name) VALUES (?1, ?2) "
                                     "ON CONFLICT (party, name) DO NOTHING",
                                     party, name, err);
    if (rc == ACSA_OK) {
        rc = official_id(s, party, name, out_id, err);
    }
    if (rc == ACSA_OK) {
        rc = check_limit_room(s, *out_id, party, name, currency->code, err);
    }
    if (rc == ACSA_OK) {
        rc = limit_set(s, *out_id, currency, limit_minor, err);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_official_set_limit(struct acsa_store *store, const char *party,
                                             const char *name,
                                             const struct acsa_currency *currency,
                                             int64_t limit_minor, int64_t *out_id,
                                             struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL && name != NULL);
    ACSA_ASSERT(currency != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    int64_t id = 0;
    /* Creating the official and setting the limit succeed or fail together. */
    enum acsa_rc rc = acsa__sqlite_savepoint(s, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = official_set_limit(s, party, name, currency, limit_minor, &id, err);
    rc = acsa__sqlite_finish(s, rc, err);
    if (out_id != NULL) {
        *out_id = rc == ACSA_OK ? id : 0;
    }
    return rc;
}

/* The columns official_get and official_list read: one row per limit (or one row with NULL
 * limit columns for an official without limits), ordered so one official's rows are adjacent. */
#define OFFICIAL_COLUMNS                                                                   \
    "SELECT o.id, o.party, o.name, l.currency, l.exponent, l.limit_minor "                \
    "FROM officials o LEFT JOIN official_limits l ON l.official_id = o.id "

/* Adds the current row to *official, starting it afresh when the row is of another official.
 * *out_new says that a different official began, so a list emits the previous one first. */
static enum acsa_rc official_row(sqlite3_stmt *stmt, struct acsa_official *official,
                                 struct acsa_official *previous, bool *out_new,
                                 struct acsa_error *err)
{
    struct acsa__sqlite_row row;
    acsa__sqlite_row_init(&row, stmt);
    int64_t id = acsa__sqlite_col_int(&row, 0);
    *out_new = id != official->id;
    if (*out_new) {
        *previous = *official;
        memset(official, 0, sizeof(*official));
        official->id = id;
        acsa__sqlite_col_text(&row, 1, official->party, sizeof(official->party));
        acsa__sqlite_col_text(&row, 2, official->name, sizeof(official->name));
    }
    if (sqlite3_column_type(stmt, 3) != SQLITE_NULL) {
        uint32_t i = official->limit_count;
        if (i >= ACSA_OFFICIAL_LIMITS_MAX) {
            return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: official %lld has more "
                                  "than %d limits", (long long)id, ACSA_OFFICIAL_LIMITS_MAX);
        }
        acsa__sqlite_col_text(&row, 3, official->limit_currency[i].code, ACSA_CURRENCY_SIZE);
        official->limit_currency[i].exponent =
            (uint8_t)acsa__sqlite_col_u32(&row, 4, ACSA_STORE_EXPONENT_MAX);
        official->limit_minor[i] = acsa__sqlite_col_int(&row, 5);
        official->limit_count = i + 1;
    }
    return acsa__sqlite_row_check(&row, err);
}

static enum acsa_rc official_read(struct acsa_store_sqlite *s, sqlite3_stmt *stmt,
                                  const char *party, const char *name, struct acsa_official *out,
                                  struct acsa_error *err)
{
    struct acsa_official previous;
    for (;;) {
        int code = sqlite3_step(stmt);
        if (code == SQLITE_DONE) {
            break;
        }
        if (code != SQLITE_ROW) {
            return acsa__sqlite_fail(s, err);
        }
        bool is_new = false;
        enum acsa_rc rc = official_row(stmt, out, &previous, &is_new, err);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    if (out->id == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "official", "official \"%s\" of %s not found",
                              name, party);
    }
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_official_get(struct acsa_store *store, const char *party,
                                       const char *name, struct acsa_official *out,
                                       struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL && name != NULL);
    ACSA_ASSERT(out != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    char party_key[ACSA_NATION_SIZE];
    char name_key[ACSA_NAME_SIZE];
    if (!acsa__sqlite_key_copy(party_key, sizeof(party_key), party) ||
        !acsa__sqlite_key_copy(name_key, sizeof(name_key), name)) {
        acsa_error_set(err, ACSA_ENOTFOUND, "official", "official \"%s\" of %s not found", name,
                       party);
        memset(out, 0, sizeof(*out));
        return ACSA_ENOTFOUND;
    }
    party = party_key;
    name = name_key;
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_OFFICIAL_GET,
        OFFICIAL_COLUMNS "WHERE o.party = ?1 AND o.name = ?2 ORDER BY l.currency", &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_text(&b, 1, party);
    acsa__sqlite_bind_text(&b, 2, name);
    rc = b.rc == SQLITE_OK ? official_read(s, stmt, party, name, out, err)
                           : acsa__sqlite_fail(s, err);
    acsa__sqlite_release(s, ACSA__SQLITE_OFFICIAL_GET, stmt);
    if (rc != ACSA_OK) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

/* Streams officials: one is complete when the next one's first row arrives, or at the end. */
static enum acsa_rc official_scan(struct acsa_store_sqlite *s, sqlite3_stmt *stmt,
                                  acsa_official_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_official current;
    struct acsa_official previous;
    memset(&current, 0, sizeof(current));
    for (;;) {
        int code = sqlite3_step(stmt);
        if (code == SQLITE_DONE) {
            break;
        }
        if (code != SQLITE_ROW) {
            return acsa__sqlite_fail(s, err);
        }
        bool is_new = false;
        enum acsa_rc rc = official_row(stmt, &current, &previous, &is_new, err);
        if (rc == ACSA_OK && is_new && previous.id != 0) {
            rc = cb(ctx, &previous);
        }
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    return current.id != 0 ? cb(ctx, &current) : ACSA_OK;
}

enum acsa_rc acsa__sqlite_official_list(struct acsa_store *store, acsa_official_cb cb,
                                        void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_OFFICIAL_LIST,
        OFFICIAL_COLUMNS "ORDER BY o.party, o.name, o.id, l.currency", &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = official_scan(s, stmt, cb, ctx, err);
    acsa__sqlite_release(s, ACSA__SQLITE_OFFICIAL_LIST, stmt);
    return rc;
}

/* ---- Activities ----------------------------------------------------------------------- */

static void activity_bind(struct acsa__sqlite_bind *b, const struct acsa_activity *activity)
{
    acsa__sqlite_bind_text(b, 1, activity->agreement_id);
    acsa__sqlite_bind_text(b, 2, activity->name);
    acsa__sqlite_bind_text(b, 3, activity->type);
    acsa__sqlite_bind_day(b, 4, activity->from_day);
    acsa__sqlite_bind_day(b, 5, activity->to_day);
    acsa__sqlite_bind_text(b, 6, activity->place);
    acsa__sqlite_bind_text(b, 7, activity->reason);
}

enum acsa_rc acsa__sqlite_activity_add(struct acsa_store *store,
                                       const struct acsa_activity *activity, int64_t *out_id,
                                       struct acsa_error *err)
{
    ACSA_ASSERT(activity != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    if (out_id != NULL) {
        *out_id = 0;
    }
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_ACTIVITY_ADD,
        "INSERT INTO activities (agreement_id, name, type, from_day, to_day, place, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    activity_bind(&b, activity);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_DONE) {
        if (out_id != NULL) {
            *out_id = sqlite3_last_insert_rowid(s->db);
        }
    } else if (acsa__sqlite_is_unique(code)) {
        rc = acsa_error_set(err, ACSA_EEXISTS, "name",
                            "activity \"%s\" under agreement %s already exists", activity->name,
                            activity->agreement_id);
    } else if (acsa__sqlite_is_foreign_key(code)) {
        /* The agreement is the activity's only reference. */
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" not found",
                            activity->agreement_id);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_ACTIVITY_ADD, stmt);
    return rc;
}

#define ACTIVITY_COLUMNS "SELECT id, agreement_id, name, type, from_day, to_day, place, reason "

/* Reads the ACTIVITY_COLUMNS of the current row; used by get and list alike. */
static enum acsa_rc activity_read(sqlite3_stmt *stmt, struct acsa_activity *out,
                                  struct acsa_error *err)
{
    struct acsa__sqlite_row row;
    acsa__sqlite_row_init(&row, stmt);
    memset(out, 0, sizeof(*out));
    out->id = acsa__sqlite_col_int(&row, 0);
    acsa__sqlite_col_text(&row, 1, out->agreement_id, sizeof(out->agreement_id));
    acsa__sqlite_col_text(&row, 2, out->name, sizeof(out->name));
    acsa__sqlite_col_text(&row, 3, out->type, sizeof(out->type));
    out->from_day = acsa__sqlite_col_day(&row, 4);
    out->to_day = acsa__sqlite_col_day(&row, 5);
    acsa__sqlite_col_text(&row, 6, out->place, sizeof(out->place));
    acsa__sqlite_col_text(&row, 7, out->reason, sizeof(out->reason));
    return acsa__sqlite_row_check(&row, err);
}

enum acsa_rc acsa__sqlite_activity_get(struct acsa_store *store, int64_t id,
                                       struct acsa_activity *out, struct acsa_error *err)
{
    ACSA_ASSERT(out != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, ACSA__SQLITE_ACTIVITY_GET,
                                           ACTIVITY_COLUMNS "FROM activities WHERE id = ?1",
                                           &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_int(&b, 1, id);
    int code = b.rc == SQLITE_OK ? sqlite3_step(stmt) : b.rc;
    if (code == SQLITE_ROW) {
        rc = activity_read(stmt, out, err);
    } else if (code == SQLITE_DONE) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "activity", "activity %lld not found",
                            (long long)id);
    } else {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, ACSA__SQLITE_ACTIVITY_GET, stmt);
    return rc;
}

static enum acsa_rc activity_scan(struct acsa_store_sqlite *s, sqlite3_stmt *stmt,
                                  acsa_activity_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_activity activity;
    for (;;) {
        int code = sqlite3_step(stmt);
        if (code == SQLITE_DONE) {
            return ACSA_OK;
        }
        if (code != SQLITE_ROW) {
            return acsa__sqlite_fail(s, err);
        }
        enum acsa_rc rc = activity_read(stmt, &activity, err);
        if (rc == ACSA_OK) {
            rc = cb(ctx, &activity);
        }
        if (rc != ACSA_OK) {
            return rc;
        }
    }
}

enum acsa_rc acsa__sqlite_activity_list(struct acsa_store *store, const char *agreement_id,
                                        acsa_activity_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    sqlite3_stmt *stmt = NULL;
    /* NULL or "" lists the activities of every agreement. */
    enum acsa_rc rc = acsa__sqlite_acquire(
        s, ACSA__SQLITE_ACTIVITY_LIST,
        ACTIVITY_COLUMNS "FROM activities WHERE (?1 IS NULL OR agreement_id = ?1) "
                         "ORDER BY from_day, id",
        &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    acsa__sqlite_bind_opt_text(&b, 1, agreement_id);
    rc = b.rc == SQLITE_OK ? activity_scan(s, stmt, cb, ctx, err) : acsa__sqlite_fail(s, err);
    acsa__sqlite_release(s, ACSA__SQLITE_ACTIVITY_LIST, stmt);
    return rc;
}
