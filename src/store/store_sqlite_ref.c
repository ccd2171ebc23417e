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
    const struct acsa__sqlite_value values[] = {
        TEXT(agreement->id),    TEXT(agreement->parties[0]),     TEXT(agreement->parties[1]),
        TEXT(agreement->title), DAY(agreement->effective_from_day), TEXT(canonical_json),
        TEXT(source_json)};
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_AGREEMENT_PUT,
        "INSERT INTO agreements (id, party_a, party_b, title, effective_from, source_json, "
        "loaded_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (id) DO UPDATE SET party_a = excluded.party_a, "
        "party_b = excluded.party_b, title = excluded.title, "
        "effective_from = excluded.effective_from, source_json = excluded.source_json, "
        "loaded_json = excluded.loaded_json",
        values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

struct agreement_out {
    const char *id; /* The agreement asked for, or NULL: each row names its own. */
    acsa_agreement_json_cb cb;
    void *ctx;
};

/* Hands the canonical JSON of the current row (id, then the JSON, in its last column) to cb. */
static enum acsa_rc agreement_row(void *ctx, struct acsa__sqlite_row *row,
                                  struct acsa_error *err)
{
    const struct agreement_out *out = ctx;
    int column = 0;
    const char *id = out->id;
    if (id == NULL) {
        const char *stored = (const char *)sqlite3_column_text(row->stmt, 0);
        id = stored != NULL ? stored : "?";
        column = 1;
    }
    const char *text = (const char *)sqlite3_column_text(row->stmt, column);
    int length = sqlite3_column_bytes(row->stmt, column);
    if (text == NULL || length < 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: stored agreement \"%s\" has no "
                              "text", id);
    }
    return out->cb(out->ctx, id, text, (size_t)length, err);
}

enum acsa_rc acsa__sqlite_agreement_get(struct acsa_store *store, const char *id,
                                        acsa_agreement_json_cb cb, void *ctx,
                                        struct acsa_error *err)
{
    ACSA_ASSERT(id != NULL);
    ACSA_ASSERT(cb != NULL);
    char key[ACSA_ID_SIZE];
    if (!acsa__sqlite_key_copy(key, sizeof(key), id)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" not found",
                              id);
    }
    const struct acsa__sqlite_value values[] = {TEXT(key)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_AGREEMENT_GET, "SELECT source_json FROM agreements WHERE id = ?1", values);
    struct agreement_out out = {key, cb, ctx};
    int64_t rows = 0;
    enum acsa_rc rc = acsa__sqlite_run_query(acsa__sqlite_of(store), &st, agreement_row, &out,
                                             &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" not found", key);
    }
    return rc;
}

/* The canonical JSON is the only complete record of an agreement; the other columns exist
 * for people querying the database. */
enum acsa_rc acsa__sqlite_agreement_list(struct acsa_store *store, acsa_agreement_json_cb cb,
                                         void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    const struct acsa__sqlite_statement st = STATEMENT_BARE(
        ACSA__SQLITE_AGREEMENT_LIST, "SELECT id, source_json FROM agreements ORDER BY id");
    struct agreement_out out = {NULL, cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, agreement_row, &out, NULL, err);
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
    const struct acsa__sqlite_value values[] = {TEXT(party), TEXT(name)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_UNIT_ADD, "INSERT INTO units (party, name) VALUES (?1, ?2)", values);
    enum acsa_rc rc = acsa__sqlite_run_write(s, &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, ACSA_EEXISTS, "unit", "unit \"%s\" of %s already exists",
                              name, party);
    }
    if (rc == ACSA_OK && out_id != NULL) {
        *out_id = sqlite3_last_insert_rowid(s->db);
    }
    return rc;
}

struct unit_out {
    char *party;
    char *name;
};

static enum acsa_rc unit_get_row(void *ctx, struct acsa__sqlite_row *row,
                                 struct acsa_error *err)
{
    struct unit_out *out = ctx;
    acsa__sqlite_col_text(row, 0, out->party, ACSA_NATION_SIZE);
    acsa__sqlite_col_text(row, 1, out->name, ACSA_NAME_SIZE);
    return acsa__sqlite_row_check(row, err);
}

enum acsa_rc acsa__sqlite_unit_get(struct acsa_store *store, int64_t id, char *party, char *name,
                                   struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL);
    ACSA_ASSERT(name != NULL);
    party[0] = '\0';
    name[0] = '\0';
    const struct acsa__sqlite_value values[] = {INT(id)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_UNIT_GET, "SELECT party, name FROM units WHERE id = ?1", values);
    struct unit_out out = {party, name};
    int64_t rows = 0;
    enum acsa_rc rc = acsa__sqlite_run_query(acsa__sqlite_of(store), &st, unit_get_row, &out,
                                             &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "unit", "unit %lld not found", (long long)id);
    }
    return rc;
}

struct unit_scan {
    acsa_unit_cb cb;
    void *ctx;
};

static enum acsa_rc unit_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    const struct unit_scan *scan = ctx;
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    int64_t id = acsa__sqlite_col_int(row, 0);
    acsa__sqlite_col_text(row, 1, party, sizeof(party));
    acsa__sqlite_col_text(row, 2, name, sizeof(name));
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return scan->cb(scan->ctx, id, party, name);
}

/* By party and name, the order a person scans a list of units in. */
enum acsa_rc acsa__sqlite_unit_list(struct acsa_store *store, acsa_unit_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    const struct acsa__sqlite_statement st = STATEMENT_BARE(
        ACSA__SQLITE_UNIT_LIST, "SELECT id, party, name FROM units ORDER BY party, name");
    struct unit_scan scan = {cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, unit_row, &scan, NULL, err);
}

/* ---- Officials ------------------------------------------------------------------------ */

static enum acsa_rc id_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    (void)err;
    *(int64_t *)ctx = sqlite3_column_int64(row->stmt, 0);
    return ACSA_OK;
}

/* The id of an existing official, or ENOTFOUND. */
static enum acsa_rc official_id(struct acsa_store_sqlite *s, const char *party, const char *name,
                                int64_t *out_id, struct acsa_error *err)
{
    *out_id = 0;
    const struct acsa__sqlite_value values[] = {TEXT(party), TEXT(name)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_OFFICIAL_ID, "SELECT id FROM officials WHERE party = ?1 AND name = ?2",
        values);
    int64_t rows = 0;
    ACSA_TRY(acsa__sqlite_run_query(s, &st, id_row, out_id, &rows, err));
    if (rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "official", "official \"%s\" of %s not found",
                              name, party);
    }
    return ACSA_OK;
}

/* The official's limits: how many, and whether one is in the currency asked about. */
struct limit_room {
    int64_t count;
    int64_t in_currency;
};

static enum acsa_rc limit_room_row(void *ctx, struct acsa__sqlite_row *row,
                                   struct acsa_error *err)
{
    (void)err;
    struct limit_room *room = ctx;
    room->count = sqlite3_column_int64(row->stmt, 0);
    room->in_currency = sqlite3_column_int64(row->stmt, 1);
    return ACSA_OK;
}

/* Refuses a limit in one more currency than struct acsa_official can hold. */
static enum acsa_rc check_limit_room(struct acsa_store_sqlite *s, int64_t id, const char *party,
                                     const char *name, const char *currency,
                                     struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(id), TEXT(currency)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_LIMIT_COUNT,
        "SELECT count(*), coalesce(sum(currency = ?2), 0) FROM official_limits "
        "WHERE official_id = ?1",
        values);
    struct limit_room room = {0, 0};
    int64_t rows = 0;
    ACSA_TRY(acsa__sqlite_run_query(s, &st, limit_room_row, &room, &rows, err));
    if (rows == 0) {
        return acsa__sqlite_fail(s, err); /* An aggregate always has its row. */
    }
    if (room.in_currency == 0 && room.count >= ACSA_OFFICIAL_LIMITS_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "currency",
                              "currency: official \"%s\" of %s already has limits in %d "
                              "currencies, the most one official can hold",
                              name, party, ACSA_OFFICIAL_LIMITS_MAX);
    }
    return ACSA_OK;
}

static enum acsa_rc limit_set(struct acsa_store_sqlite *s, int64_t id,
                              const struct acsa_currency *currency, int64_t limit_minor,
                              struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(id), TEXT(currency->code),
                                                INT(currency->exponent), INT(limit_minor)};
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_LIMIT_SET,
        "INSERT INTO official_limits (official_id, currency, exponent, limit_minor) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (official_id, currency) DO UPDATE SET "
        "exponent = excluded.exponent, limit_minor = excluded.limit_minor",
        values);
    return acsa__sqlite_run_write(s, &st, NULL, err);
}

/* An upsert of the official by (party, name) and then of the limit by currency, so setting a
 * limit twice replaces it and the official keeps its id. */
static enum acsa_rc official_set_limit(struct acsa_store_sqlite *s, const char *party,
                                       const char *name, const struct acsa_currency *currency,
                                       int64_t limit_minor, int64_t *out_id,
                                       struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(party), TEXT(name)};
    const struct acsa__sqlite_statement add = STATEMENT_PLAIN(
        ACSA__SQLITE_OFFICIAL_ADD,
        "INSERT INTO officials (party, name) VALUES (?1, ?2) ON CONFLICT (party, name) DO NOTHING",
        values);
    ACSA_TRY(acsa__sqlite_run_write(s, &add, NULL, err));
    ACSA_TRY(official_id(s, party, name, out_id, err));
    ACSA_TRY(check_limit_room(s, *out_id, party, name, currency->code, err));
    return limit_set(s, *out_id, currency, limit_minor, err);
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
static enum acsa_rc official_row(struct acsa__sqlite_row *row, struct acsa_official *official,
                                 struct acsa_official *previous, bool *out_new,
                                 struct acsa_error *err)
{
    int64_t id = acsa__sqlite_col_int(row, 0);
    *out_new = id != official->id;
    if (*out_new) {
        *previous = *official;
        memset(official, 0, sizeof(*official));
        official->id = id;
        acsa__sqlite_col_text(row, 1, official->party, sizeof(official->party));
        acsa__sqlite_col_text(row, 2, official->name, sizeof(official->name));
    }
    if (sqlite3_column_type(row->stmt, 3) != SQLITE_NULL) {
        uint32_t i = official->limit_count;
        if (i >= ACSA_OFFICIAL_LIMITS_MAX) {
            return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: official %lld has more "
                                  "than %d limits", (long long)id, ACSA_OFFICIAL_LIMITS_MAX);
        }
        acsa__sqlite_col_text(row, 3, official->limit_currency[i].code, ACSA_CURRENCY_SIZE);
        official->limit_currency[i].exponent =
            (uint8_t)acsa__sqlite_col_u32(row, 4, ACSA_STORE_EXPONENT_MAX);
        official->limit_minor[i] = acsa__sqlite_col_int(row, 5);
        official->limit_count = i + 1;
    }
    return acsa__sqlite_row_check(row, err);
}

/* Officials as they are read: one is complete when the next one's first row arrives, or at
 * the end. A get has no cb and reads one official into current. */
struct official_scan {
    struct acsa_official *current;
    struct acsa_official previous;
    acsa_official_cb cb;
    void *ctx;
};

static enum acsa_rc official_scan_row(void *ctx, struct acsa__sqlite_row *row,
                                      struct acsa_error *err)
{
    struct official_scan *scan = ctx;
    bool is_new = false;
    ACSA_TRY(official_row(row, scan->current, &scan->previous, &is_new, err));
    if (scan->cb != NULL && is_new && scan->previous.id != 0) {
        return scan->cb(scan->ctx, &scan->previous);
    }
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_official_get(struct acsa_store *store, const char *party,
                                       const char *name, struct acsa_official *out,
                                       struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL && name != NULL);
    ACSA_ASSERT(out != NULL);
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
    const struct acsa__sqlite_value values[] = {TEXT(party), TEXT(name)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_OFFICIAL_GET,
        OFFICIAL_COLUMNS "WHERE o.party = ?1 AND o.name = ?2 ORDER BY l.currency", values);
    struct official_scan scan;
    memset(&scan, 0, sizeof(scan));
    scan.current = out;
    enum acsa_rc rc = acsa__sqlite_run_query(acsa__sqlite_of(store), &st, official_scan_row,
                                             &scan, NULL, err);
    if (rc == ACSA_OK && out->id == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "official", "official \"%s\" of %s not found",
                            name, party);
    }
    if (rc != ACSA_OK) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

enum acsa_rc acsa__sqlite_official_list(struct acsa_store *store, acsa_official_cb cb,
                                        void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    const struct acsa__sqlite_statement st = STATEMENT_BARE(
        ACSA__SQLITE_OFFICIAL_LIST, OFFICIAL_COLUMNS "ORDER BY o.party, o.name, o.id, l.currency");
    struct acsa_official current;
    memset(&current, 0, sizeof(current));
    struct official_scan scan;
    memset(&scan, 0, sizeof(scan));
    scan.current = &current;
    scan.cb = cb;
    scan.ctx = ctx;
    ACSA_TRY(acsa__sqlite_run_query(acsa__sqlite_of(store), &st, official_scan_row, &scan, NULL,
                                    err));
    return current.id != 0 ? cb(ctx, &current) : ACSA_OK;
}

/* ---- Activities ----------------------------------------------------------------------- */

enum acsa_rc acsa__sqlite_activity_add(struct acsa_store *store,
                                       const struct acsa_activity *activity, int64_t *out_id,
                                       struct acsa_error *err)
{
    ACSA_ASSERT(activity != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    if (out_id != NULL) {
        *out_id = 0;
    }
    const struct acsa__sqlite_value values[] = {
        TEXT(activity->agreement_id), TEXT(activity->name),    TEXT(activity->type),
        DAY(activity->from_day),      DAY(activity->to_day),   TEXT(activity->place),
        TEXT(activity->reason)};
    const struct acsa__sqlite_statement st = STATEMENT_REFS(
        ACSA__SQLITE_ACTIVITY_ADD,
        "INSERT INTO activities (agreement_id, name, type, from_day, to_day, place, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(s, &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, ACSA_EEXISTS, "name",
                              "activity \"%s\" under agreement %s already exists",
                              activity->name, activity->agreement_id);
    }
    if (rc == ACSA_ENOTFOUND) {
        /* The agreement is the activity's only reference. */
        return acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" not found",
                              activity->agreement_id);
    }
    if (rc == ACSA_OK && out_id != NULL) {
        *out_id = sqlite3_last_insert_rowid(s->db);
    }
    return rc;
}

#define ACTIVITY_COLUMNS "SELECT id, agreement_id, name, type, from_day, to_day, place, reason "

/* Reads the ACTIVITY_COLUMNS of the current row; used by get and list alike. */
static enum acsa_rc activity_read(struct acsa__sqlite_row *row, struct acsa_activity *out,
                                  struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    out->id = acsa__sqlite_col_int(row, 0);
    acsa__sqlite_col_text(row, 1, out->agreement_id, sizeof(out->agreement_id));
    acsa__sqlite_col_text(row, 2, out->name, sizeof(out->name));
    acsa__sqlite_col_text(row, 3, out->type, sizeof(out->type));
    out->from_day = acsa__sqlite_col_day(row, 4);
    out->to_day = acsa__sqlite_col_day(row, 5);
    acsa__sqlite_col_text(row, 6, out->place, sizeof(out->place));
    acsa__sqlite_col_text(row, 7, out->reason, sizeof(out->reason));
    return acsa__sqlite_row_check(row, err);
}

/* Reads each activity into out and hands it to cb, if any. */
struct activity_scan {
    struct acsa_activity *out;
    acsa_activity_cb cb;
    void *ctx;
};

static enum acsa_rc activity_row(void *ctx, struct acsa__sqlite_row *row,
                                 struct acsa_error *err)
{
    const struct activity_scan *scan = ctx;
    ACSA_TRY(activity_read(row, scan->out, err));
    return scan->cb != NULL ? scan->cb(scan->ctx, scan->out) : ACSA_OK;
}

enum acsa_rc acsa__sqlite_activity_get(struct acsa_store *store, int64_t id,
                                       struct acsa_activity *out, struct acsa_error *err)
{
    ACSA_ASSERT(out != NULL);
    memset(out, 0, sizeof(*out));
    const struct acsa__sqlite_value values[] = {INT(id)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_ACTIVITY_GET, ACTIVITY_COLUMNS "FROM activities WHERE id = ?1", values);
    struct activity_scan scan = {out, NULL, NULL};
    int64_t rows = 0;
    ACSA_TRY(acsa__sqlite_run_query(acsa__sqlite_of(store), &st, activity_row, &scan, &rows,
                                    err));
    if (rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "activity", "activity %lld not found",
                              (long long)id);
    }
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_activity_list(struct acsa_store *store, const char *agreement_id,
                                        acsa_activity_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    /* NULL or "" lists the activities of every agreement. */
    const struct acsa__sqlite_value values[] = {OPT_TEXT(agreement_id)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_ACTIVITY_LIST,
        ACTIVITY_COLUMNS "FROM activities WHERE (?1 IS NULL OR agreement_id = ?1) "
                         "ORDER BY from_day, id",
        values);
    struct acsa_activity activity;
    struct activity_scan scan = {&activity, cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, activity_row, &scan, NULL, err);
}
