/* SPDX-License-Identifier: MIT */
/* Reference data of the PostgreSQL store: agreements (kept as canonical JSON), units, officials
 * with their approval limits, and activities; the same answers as store_sqlite_ref.c. */
#include <string.h>

#include "acsa_assert.h"
#include "alloc.h"
#include "store_pg_int.h"

/* ---- Agreements ----------------------------------------------------------------------- */

enum acsa_rc acsa__pg_agreement_put(struct acsa_store *store,
                                    const struct acsa_agreement *agreement,
                                    const char *canonical_json, const char *source_json,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL);
    ACSA_ASSERT(agreement->id[0] != '\0');
    ACSA_ASSERT(canonical_json != NULL);
    const struct acsa__pg_value values[] = {
        PG_TEXT(agreement->id), PG_TEXT(agreement->parties[0]), PG_TEXT(agreement->parties[1]),
        PG_TEXT(agreement->title), PG_DAY(agreement->effective_from_day),
        PG_TEXT(canonical_json), PG_TEXT(source_json)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_AGREEMENT_PUT,
        "INSERT INTO agreements (id, party_a, party_b, title, effective_from, source_json, "
        "loaded_json) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (id) DO UPDATE SET party_a = excluded.party_a, "
        "party_b = excluded.party_b, title = excluded.title, "
        "effective_from = excluded.effective_from, source_json = excluded.source_json, "
        "loaded_json = excluded.loaded_json",
        values);
    return acsa__pg_run_write(acsa__pg_of(store), &st, NULL, NULL, err);
}

struct agreement_scan {
    acsa_agreement_json_cb cb;
    void *ctx;
};

/* Hands the canonical JSON in column 1 (the id in column 0) to the caller. */
static enum acsa_rc agreement_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    const struct agreement_scan *scan = ctx;
    size_t length = 0;
    const char *text = acsa__pg_col_raw(row, 1, &length);
    return scan->cb(scan->ctx, acsa__pg_col_raw(row, 0, NULL), text, length, err);
}

enum acsa_rc acsa__pg_agreement_get(struct acsa_store *store, const char *id,
                                    acsa_agreement_json_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(id != NULL);
    ACSA_ASSERT(cb != NULL);
    char key[ACSA_ID_SIZE];
    bool fits = acsa__pg_key_copy(key, sizeof(key), id);
    const struct acsa__pg_value values[] = {PG_TEXT(key)};
    const struct acsa__pg_statement st = PG_STATEMENT_CACHED(
        ACSA__PG_AGREEMENT_GET, "SELECT id, source_json FROM agreements WHERE id = $1", values);
    struct agreement_scan scan = {cb, ctx};
    int64_t rows = 0;
    enum acsa_rc rc = fits ? acsa__pg_run_query(acsa__pg_of(store), &st, agreement_each, &scan,
                                                &rows, err)
                           : ACSA_OK;
    if (rc == ACSA_OK && rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" not found",
                              fits ? key : id);
    }
    return rc;
}

enum acsa_rc acsa__pg_agreement_list(struct acsa_store *store, acsa_agreement_json_cb cb,
                                     void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct agreement_scan scan = {cb, ctx};
    const struct acsa__pg_statement st = PG_STATEMENT0(
        ACSA__PG_AGREEMENT_LIST, "SELECT id, source_json FROM agreements ORDER BY id");
    return acsa__pg_run_query(acsa__pg_of(store), &st, agreement_each, &scan, NULL, err);
}

/* ---- Units ---------------------------------------------------------------------------- */

enum acsa_rc acsa__pg_unit_add(struct acsa_store *store, const char *party, const char *name,
                               int64_t *out_id, struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL);
    ACSA_ASSERT(name != NULL);
    int64_t id = 0;
    const struct acsa__pg_value values[] = {PG_TEXT(party), PG_TEXT(name)};
    const struct acsa__pg_statement st = PG_STATEMENT_UNIQUE(
        ACSA__PG_UNIT_ADD,
        "INSERT INTO units (party, name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id",
        values);
    enum acsa_rc rc = acsa__pg_run_write(acsa__pg_of(store), &st, NULL, &id, err);
    if (rc == ACSA_EEXISTS) {
        rc = acsa_error_set(err, ACSA_EEXISTS, "unit", "unit \"%s\" of %s already exists", name,
                            party);
    }
    if (out_id != NULL) {
        *out_id = rc == ACSA_OK ? id : 0;
    }
    return rc;
}

struct unit_out {
    char *party;
    char *name;
};

static enum acsa_rc unit_one(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct unit_out *out = ctx;
    acsa__pg_col_text(row, 0, out->party, ACSA_NATION_SIZE);
    acsa__pg_col_text(row, 1, out->name, ACSA_NAME_SIZE);
    return acsa__pg_row_check(row, err);
}

enum acsa_rc acsa__pg_unit_get(struct acsa_store *store, int64_t id, char *party, char *name,
                               struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL);
    ACSA_ASSERT(name != NULL);
    party[0] = '\0';
    name[0] = '\0';
    struct unit_out out = {party, name};
    const struct acsa__pg_value values[] = {PG_INT(id)};
    const struct acsa__pg_statement st = PG_STATEMENT_CACHED(
        ACSA__PG_UNIT_GET, "SELECT party, name FROM units WHERE id = $1", values);
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store), &st, unit_one, &out, &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "unit", "unit %lld not found", (long long)id);
    }
    return rc;
}

struct unit_scan {
    acsa_unit_cb cb;
    void *ctx;
};

static enum acsa_rc unit_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct unit_scan *scan = ctx;
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    int64_t id = acsa__pg_col_int(row, 0);
    acsa__pg_col_text(row, 1, party, sizeof(party));
    acsa__pg_col_text(row, 2, name, sizeof(name));
    ACSA_TRY(acsa__pg_row_check(row, err));
    return scan->cb(scan->ctx, id, party, name);
}

enum acsa_rc acsa__pg_unit_list(struct acsa_store *store, acsa_unit_cb cb, void *ctx,
                                struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct unit_scan scan = {cb, ctx};
    const struct acsa__pg_statement st = PG_STATEMENT0(
        ACSA__PG_UNIT_LIST, "SELECT id, party, name FROM units ORDER BY party, name");
    return acsa__pg_run_query(acsa__pg_of(store), &st, unit_each, &scan, NULL, err);
}

/* ---- Officials ------------------------------------------------------------------------ */

/* The id of an official, how many currencies it has limits in, and whether one is this. */
struct official_room {
    int64_t id;
    int64_t count;
    int64_t has_currency;
};

static enum acsa_rc room_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct official_room *room = ctx;
    room->id = acsa__pg_col_int(row, 0);
    room->count = acsa__pg_col_int(row, 1);
    room->has_currency = acsa__pg_col_int(row, 2);
    return acsa__pg_row_check(row, err);
}

/* An upsert of the official by (party, name), the check that one more currency fits struct
 * acsa_official, then the upsert of the limit: setting a limit twice replaces it and the
 * official keeps its id. */
static enum acsa_rc official_set_limit(struct acsa_store_pg *s, const char *party,
                                       const char *name, const struct acsa_currency *currency,
                                       int64_t limit_minor, int64_t *out_id,
                                       struct acsa_error *err)
{
    *out_id = 0;
    const struct acsa__pg_value names[] = {PG_TEXT(party), PG_TEXT(name)};
    const struct acsa__pg_statement add = PG_STATEMENT(
        ACSA__PG_OFFICIAL_ADD,
        "INSERT INTO officials (party, name) VALUES ($1, $2) ON CONFLICT (party, name) "
        "DO NOTHING", names);
    ACSA_TRY(acsa__pg_run_write(s, &add, NULL, NULL, err));
    const struct acsa__pg_value keys[] = {PG_TEXT(party), PG_TEXT(name), PG_TEXT(currency->code)};
    const struct acsa__pg_statement find = PG_STATEMENT(
        ACSA__PG_OFFICIAL_ID,
        "SELECT o.id, count(l.currency), count(l.currency) FILTER (WHERE l.currency = $3) "
        "FROM officials o LEFT JOIN official_limits l ON l.official_id = o.id "
        "WHERE o.party = $1 AND o.name = $2 GROUP BY o.id",
        keys);
    struct official_room room = {0, 0, 0};
    enum acsa_rc rc = acsa__pg_run_get(s, &find, room_row, &room, "official", err);
    *out_id = room.id;
    ACSA_TRY(rc);
    if (room.has_currency == 0 && room.count >= ACSA_OFFICIAL_LIMITS_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "currency",
                              "currency: official \"%s\" of %s already has limits in %d "
                              "currencies, the most one official can hold",
                              name, party, ACSA_OFFICIAL_LIMITS_MAX);
    }
    const struct acsa__pg_value limit[] = {PG_INT(room.id), PG_TEXT(currency->code),
                                           PG_INT(currency->exponent), PG_INT(limit_minor)};
    const struct acsa__pg_statement set = PG_STATEMENT(
        ACSA__PG_LIMIT_SET,
        "INSERT INTO official_limits (official_id, currency, exponent, limit_minor) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (official_id, currency) DO UPDATE SET "
        "exponent = excluded.exponent, limit_minor = excluded.limit_minor",
        limit);
    return acsa__pg_run_write(s, &set, NULL, NULL, err);
}

enum acsa_rc acsa__pg_official_set_limit(struct acsa_store *store, const char *party,
                                         const char *name, const struct acsa_currency *currency,
                                         int64_t limit_minor, int64_t *out_id,
                                         struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL && name != NULL);
    ACSA_ASSERT(currency != NULL);
    struct acsa_store_pg *s = acsa__pg_of(store);
    int64_t id = 0;
    /* Creating the official and setting the limit succeed or fail together. */
    enum acsa_rc rc = acsa__pg_savepoint(s, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = official_set_limit(s, party, name, currency, limit_minor, &id, err);
    rc = acsa__pg_finish(s, rc, err);
    if (out_id != NULL) {
        *out_id = rc == ACSA_OK ? id : 0;
    }
    return rc;
}

/* One row per limit (or one with NULL limit columns for an official without limits), one
 * official's rows adjacent. */
#define OFFICIAL_COLUMNS                                                                   \
    "SELECT o.id, o.party, o.name, l.currency, l.exponent, l.limit_minor "                \
    "FROM officials o LEFT JOIN official_limits l ON l.official_id = o.id "

/* Officials are streamed: one is complete when the next one's first row arrives, or at the
 * end. cb NULL keeps the one official (get). */
struct official_scan {
    acsa_official_cb cb;
    void *ctx;
    struct acsa_official current;
};

static enum acsa_rc official_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct official_scan *scan = ctx;
    struct acsa_official *official = &scan->current;
    int64_t id = acsa__pg_col_int(row, 0);
    if (id != official->id) {
        if (official->id != 0 && scan->cb != NULL) {
            enum acsa_rc rc = scan->cb(scan->ctx, official);
            if (rc != ACSA_OK) {
                return rc;
            }
        }
        memset(official, 0, sizeof(*official));
        official->id = id;
        acsa__pg_col_text(row, 1, official->party, sizeof(official->party));
        acsa__pg_col_text(row, 2, official->name, sizeof(official->name));
    }
    if (!acsa__pg_col_null(row, 3)) {
        uint32_t i = official->limit_count;
        if (i >= ACSA_OFFICIAL_LIMITS_MAX) {
            return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: official %lld has more "
                                  "than %d limits", (long long)id, ACSA_OFFICIAL_LIMITS_MAX);
        }
        acsa__pg_col_text(row, 3, official->limit_currency[i].code, ACSA_CURRENCY_SIZE);
        official->limit_currency[i].exponent =
            (uint8_t)acsa__pg_col_u32(row, 4, ACSA_STORE_EXPONENT_MAX);
        official->limit_minor[i] = acsa__pg_col_int(row, 5);
        official->limit_count = i + 1;
    }
    return acsa__pg_row_check(row, err);
}

enum acsa_rc acsa__pg_official_get(struct acsa_store *store, const char *party,
                                   const char *name, struct acsa_official *out,
                                   struct acsa_error *err)
{
    ACSA_ASSERT(party != NULL && name != NULL);
    ACSA_ASSERT(out != NULL);
    struct official_scan *scan = acsa_calloc(1, sizeof(*scan));
    if (scan == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    const struct acsa__pg_value values[] = {PG_TEXT(party), PG_TEXT(name)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_OFFICIAL_GET,
        OFFICIAL_COLUMNS "WHERE o.party = $1 AND o.name = $2 ORDER BY l.currency", values);
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store), &st, official_each, scan, NULL,
                                         err);
    if (rc == ACSA_OK && scan->current.id == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "official", "official \"%s\" of %s not found",
                            name, party);
    }
    /* party and name may point into out: copied only now. */
    if (rc == ACSA_OK) {
        *out = scan->current;
    } else {
        memset(out, 0, sizeof(*out));
    }
    acsa_free(scan);
    return rc;
}

enum acsa_rc acsa__pg_official_list(struct acsa_store *store, acsa_official_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct official_scan *scan = acsa_calloc(1, sizeof(*scan));
    if (scan == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    scan->cb = cb;
    scan->ctx = ctx;
    const struct acsa__pg_statement st = PG_STATEMENT0(
        ACSA__PG_OFFICIAL_LIST,
        OFFICIAL_COLUMNS "ORDER BY o.party, o.name, o.id, l.currency");
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store), &st, official_each, scan, NULL,
                                         err);
    if (rc == ACSA_OK && scan->current.id != 0) {
        rc = cb(ctx, &scan->current);
    }
    acsa_free(scan);
    return rc;
}

/* ---- Activities ----------------------------------------------------------------------- */

enum acsa_rc acsa__pg_activity_add(struct acsa_store *store, const struct acsa_activity *activity,
                                   int64_t *out_id, struct acsa_error *err)
{
    ACSA_ASSERT(activity != NULL);
    struct acsa_store_pg *s = acsa__pg_of(store);
    int64_t id = 0;
    const struct acsa__pg_value values[] = {
        PG_TEXT(activity->agreement_id), PG_TEXT(activity->name), PG_TEXT(activity->type),
        PG_DAY(activity->from_day), PG_DAY(activity->to_day), PG_TEXT(activity->place),
        PG_TEXT(activity->reason)};
    const struct acsa__pg_statement st = PG_STATEMENT_UNIQUE(
        ACSA__PG_ACTIVITY_ADD,
        "INSERT INTO activities (agreement_id, name, type, from_day, to_day, place, reason) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id",
        values);
    struct acsa_error failed;
    acsa_error_clear(&failed);
    enum acsa_rc rc = acsa__pg_run_write(s, &st, NULL, &id, &failed);
    if (rc == ACSA_EEXISTS) {
        rc = acsa_error_set(err, ACSA_EEXISTS, "name",
                            "activity \"%s\" under agreement %s already exists", activity->name,
                            activity->agreement_id);
    } else if (rc != ACSA_OK && acsa__pg_foreign_key(s)) {
        /* The agreement is the activity's only reference. */
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "agreement", "agreement \"%s\" not found",
                            activity->agreement_id);
    } else if (rc != ACSA_OK && err != NULL) {
        *err = failed;
    }
    if (out_id != NULL) {
        *out_id = rc == ACSA_OK ? id : 0;
    }
    return rc;
}

#define ACTIVITY_COLUMNS "SELECT id, agreement_id, name, type, from_day, to_day, place, reason "

static enum acsa_rc activity_read(struct acsa__pg_row *row, struct acsa_activity *out,
                                  struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    out->id = acsa__pg_col_int(row, 0);
    acsa__pg_col_text(row, 1, out->agreement_id, sizeof(out->agreement_id));
    acsa__pg_col_text(row, 2, out->name, sizeof(out->name));
    acsa__pg_col_text(row, 3, out->type, sizeof(out->type));
    out->from_day = acsa__pg_col_day(row, 4);
    out->to_day = acsa__pg_col_day(row, 5);
    acsa__pg_col_text(row, 6, out->place, sizeof(out->place));
    acsa__pg_col_text(row, 7, out->reason, sizeof(out->reason));
    return acsa__pg_row_check(row, err);
}

static enum acsa_rc activity_one(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    return activity_read(row, ctx, err);
}

enum acsa_rc acsa__pg_activity_get(struct acsa_store *store, int64_t id,
                                   struct acsa_activity *out, struct acsa_error *err)
{
    ACSA_ASSERT(out != NULL);
    memset(out, 0, sizeof(*out));
    const struct acsa__pg_value values[] = {PG_INT(id)};
    const struct acsa__pg_statement st = PG_STATEMENT_CACHED(
        ACSA__PG_ACTIVITY_GET, ACTIVITY_COLUMNS "FROM activities WHERE id = $1", values);
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store), &st, activity_one, out, &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "activity", "activity %lld not found",
                              (long long)id);
    }
    return rc;
}

struct activity_scan {
    acsa_activity_cb cb;
    void *ctx;
};

static enum acsa_rc activity_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct activity_scan *scan = ctx;
    struct acsa_activity activity;
    ACSA_TRY(activity_read(row, &activity, err));
    return scan->cb(scan->ctx, &activity);
}

enum acsa_rc acsa__pg_activity_list(struct acsa_store *store, const char *agreement_id,
                                    acsa_activity_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct activity_scan scan = {cb, ctx};
    /* NULL or "" lists the activities of every agreement; NULL days first, as in SQLite. */
    const struct acsa__pg_value values[] = {PG_OPT_TEXT(agreement_id)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_ACTIVITY_LIST,
        ACTIVITY_COLUMNS "FROM activities WHERE ($1::text IS NULL OR agreement_id = $1) "
                         "ORDER BY from_day NULLS FIRST, id",
        values);
    return acsa__pg_run_query(acsa__pg_of(store), &st, activity_each, &scan, NULL, err);
}
