/* SPDX-License-Identifier: MIT */
/* The SQLite backend of the store: opening and configuring the connection, transactions, node
 * settings, and the statement cache, binding and column helpers the other store_sqlite_*.c
 * files share. The vtable that ties the backend together is defined here. */
#include <fcntl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acsa_assert.h"
#include "alloc.h"
#include "date.h"
#include "store_copy_int.h"
#include "store_sqlite_int.h"

/* ---- Errors --------------------------------------------------------------------------- */

enum acsa_rc acsa__sqlite_fail(struct acsa_store_sqlite *s, struct acsa_error *err)
{
    ACSA_ASSERT(s != NULL);
    ACSA_ASSERT(s->db != NULL);
    int code = sqlite3_errcode(s->db);
    enum acsa_rc rc = (code & 0xff) == SQLITE_NOMEM ? ACSA_ENOMEM : ACSA_ESTORAGE;
    return acsa_error_set(err, rc, "", "storage: %s", sqlite3_errmsg(s->db));
}

bool acsa__sqlite_key_copy(char *dst, size_t size, const char *src)
{
    ACSA_ASSERT(size > 0);
    size_t length = strlen(src);
    if (length >= size) {
        dst[0] = '\0';
        return false;
    }
    memcpy(dst, src, length + 1);
    return true;
}

bool acsa__sqlite_is_unique(int code)
{
    /* Extended result codes are on (see open), so step returns the precise constraint. */
    return code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY;
}

bool acsa__sqlite_is_foreign_key(int code)
{
    return code == SQLITE_CONSTRAINT_FOREIGNKEY;
}

/* ---- Statement cache ------------------------------------------------------------------ */

bool acsa__sqlite_transaction_lost(const struct acsa_store_sqlite *s)
{
    /* After SQLITE_NOMEM, SQLITE_FULL or SQLITE_IOERR in a statement, SQLite may roll the
     * whole transaction back on its own. The caller, which may have taken the error for a
     * refusal, must not go on writing: each statement would commit alone, half a command. */
    return s->depth > 0 && sqlite3_get_autocommit(s->db) != 0;
}

static enum acsa_rc lost(struct acsa_error *err)
{
    return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: the transaction was rolled back "
                          "after an earlier failure");
}

enum acsa_rc acsa__sqlite_acquire(struct acsa_store_sqlite *s, enum acsa__sqlite_slot slot,
                                  const char *sql, sqlite3_stmt **out_stmt,
                                  struct acsa_error *err)
{
    ACSA_ASSERT((unsigned)slot < ACSA__SQLITE_SLOT_COUNT);
    ACSA_ASSERT(sql != NULL);
    *out_stmt = NULL;
    if (acsa__sqlite_transaction_lost(s)) {
        return lost(err);
    }
    if (!s->in_use[slot] && s->stmts[slot] != NULL) {
        s->in_use[slot] = true;
        *out_stmt = s->stmts[slot];
        return ACSA_OK;
    }
    sqlite3_stmt *stmt = NULL;
    int code = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
    if (code != SQLITE_OK) {
        return acsa__sqlite_fail(s, err);
    }
    if (!s->in_use[slot]) {
        /* The first use fills the slot; a nested use (slot held by an outer scan) keeps its
         * private statement, which release finalizes. */
        s->stmts[slot] = stmt;
        s->in_use[slot] = true;
    }
    *out_stmt = stmt;
    return ACSA_OK;
}

void acsa__sqlite_release(struct acsa_store_sqlite *s, enum acsa__sqlite_slot slot,
                          sqlite3_stmt *stmt)
{
    ACSA_ASSERT((unsigned)slot < ACSA__SQLITE_SLOT_COUNT);
    if (stmt == NULL) {
        return;
    }
    if (stmt != s->stmts[slot]) {
        sqlite3_finalize(stmt);
        return;
    }
    ACSA_ASSERT(s->in_use[slot]);
    /* The step result was already handled, so the code reset repeats is of no interest. */
    (void)sqlite3_reset(stmt);
    (void)sqlite3_clear_bindings(stmt);
    s->in_use[slot] = false;
}

/* ---- Savepoints ----------------------------------------------------------------------- */

/* A multi-row write inside begin_write needs no savepoint of its own: the caller's level
 * rolls the whole command back on failure (every caller does), and a savepoint per write
 * would copy each page it touches into the statement journal once more. Outside begin_write
 * the savepoint is what keeps the rows of one write together. */
enum acsa_rc acsa__sqlite_savepoint(struct acsa_store_sqlite *s, struct acsa_error *err)
{
    if (s->depth > 0) {
        return ACSA_OK;
    }
    if (sqlite3_exec(s->db, "SAVEPOINT acsa_write", NULL, NULL, NULL) != SQLITE_OK) {
        return acsa__sqlite_fail(s, err);
    }
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_finish(struct acsa_store_sqlite *s, enum acsa_rc rc,
                                 struct acsa_error *err)
{
    if (s->depth > 0) {
        return rc;
    }
    if (rc != ACSA_OK) {
        /* err already describes the failure; the rollback's own error would only hide it. */
        (void)sqlite3_exec(s->db, "ROLLBACK TO acsa_write", NULL, NULL, NULL);
        (void)sqlite3_exec(s->db, "RELEASE acsa_write", NULL, NULL, NULL);
        return rc;
    }
    if (sqlite3_exec(s->db, "RELEASE acsa_write", NULL, NULL, NULL) != SQLITE_OK) {
        enum acsa_rc failed = acsa__sqlite_fail(s, err);
        (void)sqlite3_exec(s->db, "ROLLBACK TO acsa_write", NULL, NULL, NULL);
        (void)sqlite3_exec(s->db, "RELEASE acsa_write", NULL, NULL, NULL);
        return failed;
    }
    return ACSA_OK;
}

/* ---- Binding -------------------------------------------------------------------------- */

void acsa__sqlite_bind_init(struct acsa__sqlite_bind *b, sqlite3_stmt *stmt)
{
    ACSA_ASSERT(stmt != NULL);
    b->stmt = stmt;
    b->rc = SQLITE_OK;
}

void acsa__sqlite_bind_text(struct acsa__sqlite_bind *b, int index, const char *text)
{
    if (b->rc != SQLITE_OK) {
        return;
    }
    if (text == NULL) {
        b->rc = sqlite3_bind_null(b->stmt, index);
        return;
    }
    b->rc = sqlite3_bind_text(b->stmt, index, text, -1, SQLITE_TRANSIENT);
}

void acsa__sqlite_bind_opt_text(struct acsa__sqlite_bind *b, int index, const char *text)
{
    bool empty = text == NULL || text[0] == '\0';
    acsa__sqlite_bind_text(b, index, empty ? NULL : text);
}

void acsa__sqlite_bind_int(struct acsa__sqlite_bind *b, int index, int64_t value)
{
    if (b->rc != SQLITE_OK) {
        return;
    }
    b->rc = sqlite3_bind_int64(b->stmt, index, value);
}

void acsa__sqlite_bind_opt_int(struct acsa__sqlite_bind *b, int index, int64_t value)
{
    if (b->rc != SQLITE_OK) {
        return;
    }
    if (value == 0) {
        b->rc = sqlite3_bind_null(b->stmt, index);
        return;
    }
    b->rc = sqlite3_bind_int64(b->stmt, index, value);
}

void acsa__sqlite_bind_day(struct acsa__sqlite_bind *b, int index, int32_t day)
{
    if (day == ACSA_DATE_NONE) {
        acsa__sqlite_bind_text(b, index, NULL);
        return;
    }
    char text[ACSA_DATE_TEXT_SIZE];
    acsa__sqlite_bind_text(b, index, acsa_date_format(day, text));
}

/* ---- Reading -------------------------------------------------------------------------- */

void acsa__sqlite_row_init(struct acsa__sqlite_row *row, sqlite3_stmt *stmt)
{
    ACSA_ASSERT(stmt != NULL);
    row->stmt = stmt;
    row->bad_column = -1;
}

static void row_bad(struct acsa__sqlite_row *row, int column)
{
    if (row->bad_column < 0) {
        row->bad_column = column;
    }
}

void acsa__sqlite_col_text(struct acsa__sqlite_row *row, int column, char *buf, size_t size)
{
    ACSA_ASSERT(size > 0);
    buf[0] = '\0';
    int type = sqlite3_column_type(row->stmt, column);
    if (type == SQLITE_NULL) {
        return;
    }
    if (type != SQLITE_TEXT) {
        row_bad(row, column);
        return;
    }
    const unsigned char *text = sqlite3_column_text(row->stmt, column);
    int length = sqlite3_column_bytes(row->stmt, column);
    /* A text that does not fit its field would be cut silently: report it instead. */
    if (text == NULL || length < 0 || (size_t)length >= size) {
        row_bad(row, column);
        return;
    }
    memcpy(buf, text, (size_t)length);
    buf[length] = '\0';
}

int64_t acsa__sqlite_col_int(struct acsa__sqlite_row *row, int column)
{
    if (sqlite3_column_type(row->stmt, column) != SQLITE_INTEGER) {
        row_bad(row, column);
        return 0;
    }
    return sqlite3_column_int64(row->stmt, column);
}

int64_t acsa__sqlite_col_opt_int(struct acsa__sqlite_row *row, int column)
{
    if (sqlite3_column_type(row->stmt, column) == SQLITE_NULL) {
        return 0;
    }
    return acsa__sqlite_col_int(row, column);
}

uint32_t acsa__sqlite_col_u32(struct acsa__sqlite_row *row, int column, uint32_t max)
{
    int64_t value = acsa__sqlite_col_opt_int(row, column);
    if (value < 0 || value > (int64_t)max) {
        row_bad(row, column);
        return 0;
    }
    return (uint32_t)value;
}

int32_t acsa__sqlite_col_day(struct acsa__sqlite_row *row, int column)
{
    if (sqlite3_column_type(row->stmt, column) == SQLITE_NULL) {
        return ACSA_DATE_NONE;
    }
    char text[ACSA_DATE_TEXT_SIZE];
    acsa__sqlite_col_text(row, column, text, sizeof(text));
    int32_t day = ACSA_DATE_NONE;
    if (acsa_date_parse(text, "", &day, NULL) != ACSA_OK) {
        row_bad(row, column);
        return ACSA_DATE_NONE;
    }
    return day;
}

enum acsa_state acsa__sqlite_col_state(struct acsa__sqlite_row *row, int column)
{
    enum acsa_state state = ACSA_STATE_DRAFT;
    if (sqlite3_column_type(row->stmt, column) == SQLITE_NULL) {
        return state;
    }
    char text[ACSA_CODE_SIZE];
    acsa__sqlite_col_text(row, column, text, sizeof(text));
    if (!acsa_state_parse(text, &state)) {
        row_bad(row, column);
    }
    return state;
}

enum acsa_step acsa__sqlite_col_step(struct acsa__sqlite_row *row, int column)
{
    char text[ACSA_CODE_SIZE];
    acsa__sqlite_col_text(row, column, text, sizeof(text));
    enum acsa_step step = ACSA_STEP_CREATE;
    if (!acsa_step_parse(text, &step)) {
        row_bad(row, column);
    }
    return step;
}

enum acsa_method acsa__sqlite_col_method(struct acsa__sqlite_row *row, int column)
{
    char text[ACSA_CODE_SIZE];
    acsa__sqlite_col_text(row, column, text, sizeof(text));
    enum acsa_method method = ACSA_METHOD_CASH;
    if (!acsa_method_parse(text, &method)) {
        row_bad(row, column);
    }
    return method;
}

enum acsa_account acsa__sqlite_col_account(struct acsa__sqlite_row *row, int column)
{
    char text[ACSA_CODE_SIZE];
    acsa__sqlite_col_text(row, column, text, sizeof(text));
    enum acsa_account account = ACSA_ACCOUNT_RECEIVABLE_CASH;
    if (!acsa_account_parse(text, &account)) {
        row_bad(row, column);
    }
    return account;
}

bool acsa__sqlite_col_flag(struct acsa__sqlite_row *row, int column)
{
    int64_t value = acsa__sqlite_col_int(row, column);
    if (value != 0 && value != 1) {
        row_bad(row, column);
    }
    return value == 1;
}

enum acsa_role acsa__sqlite_col_role(struct acsa__sqlite_row *row, int column)
{
    char text[ACSA_CODE_SIZE];
    acsa__sqlite_col_text(row, column, text, sizeof(text));
    enum acsa_role role = ACSA_ROLE_AUDITOR;
    if (!acsa_role_parse(text, &role)) {
        row_bad(row, column);
    }
    return role;
}

enum acsa_rc acsa__sqlite_row_check(const struct acsa__sqlite_row *row, struct acsa_error *err)
{
    if (row->bad_column < 0) {
        return ACSA_OK;
    }
    /* sqlite3_column_table_name would name the table too, but needs a build option
     * (SQLITE_ENABLE_COLUMN_METADATA) that not every system library has. */
    const char *column = sqlite3_column_name(row->stmt, row->bad_column);
    return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: stored column \"%s\" holds an "
                          "invalid value", column != NULL ? column : "?");
}

/* ---- Transactions --------------------------------------------------------------------- */

/* For constant statements without values (transactions, PRAGMAs), which gain nothing from
 * being prepared and cached. */
static enum acsa_rc exec_sql(struct acsa_store_sqlite *s, const char *sql,
                             struct acsa_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        return acsa__sqlite_fail(s, err);
    }
    return ACSA_OK;
}

/* Savepoint names by nesting level: level 1 is the transaction itself, level n > 1 the
 * savepoint "s<n-1>". The statements of the first levels are kept prepared. */
static enum acsa_rc exec_level(struct acsa_store_sqlite *s, enum acsa__sqlite_level_verb verb,
                               unsigned level, struct acsa_error *err)
{
    static const char *const verbs[ACSA__SQLITE_LEVEL_VERBS] = {"SAVEPOINT", "RELEASE",
                                                                "ROLLBACK TO"};
    ACSA_ASSERT(level >= 2);
    bool kept = level - 2 < ACSA__SQLITE_LEVELS_KEPT;
    sqlite3_stmt **stmt = kept ? &s->levels[verb][level - 2] : NULL;
    if (!kept || *stmt == NULL) {
        char sql[48];
        snprintf(sql, sizeof(sql), "%s s%u", verbs[verb], level - 1);
        if (!kept) {
            return exec_sql(s, sql, err);
        }
        if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK) {
            return acsa__sqlite_fail(s, err);
        }
    }
    return acsa__sqlite_run_kept(s, *stmt, err);
}

/* Whether the database file was removed or renamed since it was opened: the connection then
 * writes to a file its path no longer names, and everything written is lost when it closes. */
static bool file_moved(struct acsa_store_sqlite *s)
{
    int moved = 0;
    return sqlite3_file_control(s->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK &&
           moved != 0;
}

static enum acsa_rc store_begin_write(struct acsa_store *store, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    if (acsa__sqlite_transaction_lost(s)) {
        return lost(err); /* A savepoint now would open a transaction of its own. */
    }
    if (s->depth == 0 && file_moved(s)) {
        return acsa_error_set(err, ACSA_EUNAVAILABLE, "database", "storage: the database file "
                              "was removed or replaced since it was opened: nothing is written "
                              "to it (put it back, or restart on the right file)");
    }
    /* IMMEDIATE takes the write lock now, so a command never fails half-way through because
     * another writer got in between its reads and its first write. */
    enum acsa_rc rc = s->depth == 0 ? exec_sql(s, "BEGIN IMMEDIATE", err)
                                    : exec_level(s, ACSA__SQLITE_SAVEPOINT, s->depth + 1, err);
    if (rc == ACSA_OK) {
        s->depth++;
    }
    return rc;
}

static enum acsa_rc store_commit(struct acsa_store *store, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    if (s->depth <= 1) {
        /* A failed COMMIT leaves the transaction open for the caller's rollback; without a
         * transaction SQLite reports the misuse. */
        enum acsa_rc rc = exec_sql(s, "COMMIT", err);
        if (rc == ACSA_OK) {
            s->depth = 0;
        }
        return rc;
    }
    enum acsa_rc rc = exec_level(s, ACSA__SQLITE_RELEASE, s->depth, err);
    if (rc == ACSA_OK) {
        s->depth--;
    }
    return rc;
}

static void store_rollback(struct acsa_store *store)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    bool open = sqlite3_get_autocommit(s->db) == 0;
    if (s->depth > 1 && open) {
        /* Undo the level's writes, then end it: ROLLBACK TO keeps the savepoint open. */
        (void)exec_level(s, ACSA__SQLITE_ROLLBACK_TO, s->depth, NULL);
        (void)exec_level(s, ACSA__SQLITE_RELEASE, s->depth, NULL);
    } else if (s->depth <= 1 && open) {
        /* SQLite may already have rolled back (after SQLITE_FULL, for instance); a rollback
         * without a transaction would only report that. */
        (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (s->depth > 0) {
        s->depth--;
    }
    if (!open) {
        s->depth = 0;
    }
}

/* ---- Node settings -------------------------------------------------------------------- */

struct meta_out {
    const char *key;
    char *value;
    size_t value_size;
};

static enum acsa_rc meta_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct meta_out *out = ctx;
    acsa__sqlite_col_text(row, 0, out->value, out->value_size);
    if (row->bad_column >= 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "key",
                              "storage: setting \"%s\" is longer than %zu bytes", out->key,
                              out->value_size - 1);
    }
    return ACSA_OK;
}

/* A setting that was never set is ENOTFOUND, not "": the caller tells "not initialised" from
 * an empty value (acsa init sets nation before anything else runs). */
static enum acsa_rc store_meta_get(struct acsa_store *store, const char *key, char *value,
                                   size_t value_size, struct acsa_error *err)
{
    ACSA_ASSERT(key != NULL);
    ACSA_ASSERT(value != NULL && value_size > 0);
    value[0] = '\0';
    const struct acsa__sqlite_value values[] = {TEXT(key)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_META_GET, "SELECT value FROM meta WHERE key = ?1", values);
    struct meta_out out = {key, value, value_size};
    int64_t rows = 0;
    enum acsa_rc rc = acsa__sqlite_run_query(acsa__sqlite_of(store), &st, meta_row, &out, &rows,
                                             err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "key", "setting \"%s\" not found", key);
    }
    return rc;
}

static enum acsa_rc store_meta_set(struct acsa_store *store, const char *key, const char *value,
                                   struct acsa_error *err)
{
    ACSA_ASSERT(key != NULL);
    ACSA_ASSERT(value != NULL);
    const struct acsa__sqlite_value values[] = {TEXT(key), TEXT(value)};
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_META_SET,
        "INSERT INTO meta (key, value) VALUES (?1, ?2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

/* ---- Open and close ------------------------------------------------------------------- */

/* Also undoes a failed open, so it copes with a handle whose connection never opened. */
static void store_close(struct acsa_store *store)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    for (unsigned i = 0; i < ACSA__SQLITE_SLOT_COUNT; i++) {
        /* A slot still in use means a scan is running: closing under it is a caller bug. */
        ACSA_ASSERT(!s->in_use[i]);
        sqlite3_finalize(s->stmts[i]);
        s->stmts[i] = NULL;
    }
    for (unsigned v = 0; v < ACSA__SQLITE_LEVEL_VERBS; v++) {
        for (unsigned i = 0; i < ACSA__SQLITE_LEVELS_KEPT; i++) {
            sqlite3_finalize(s->levels[v][i]);
        }
    }
    /* close_v2 never fails with SQLITE_BUSY; it closes once nothing refers to the handle. */
    (void)sqlite3_close_v2(s->db);
    acsa_free(s);
}

static const struct acsa_store_ledger sqlite_ledger = {
    .agreement_put = acsa__sqlite_agreement_put,
    .agreement_get = acsa__sqlite_agreement_get,
    .agreement_list = acsa__sqlite_agreement_list,
    .unit_add = acsa__sqlite_unit_add,
    .unit_get = acsa__sqlite_unit_get,
    .unit_list = acsa__sqlite_unit_list,
    .official_set_limit = acsa__sqlite_official_set_limit,
    .official_get = acsa__sqlite_official_get,
    .official_list = acsa__sqlite_official_list,
    .activity_add = acsa__sqlite_activity_add,
    .activity_get = acsa__sqlite_activity_get,
    .activity_list = acsa__sqlite_activity_list,
    .order_next_sequence = acsa__sqlite_order_next_sequence,
    .order_insert = acsa__sqlite_order_insert,
    .order_get = acsa__sqlite_order_get,
    .order_update = acsa__sqlite_order_update,
    .order_list = acsa__sqlite_order_list,
    .event_list = acsa__sqlite_event_list,
    .balance = acsa__sqlite_balance,
    .last_event_id = acsa__sqlite_last_event_id,
    .invoice_next_sequence = acsa__sqlite_invoice_next_sequence,
    .grant_add = acsa__sqlite_grant_add,
    .grant_revoke = acsa__sqlite_grant_revoke,
    .grant_list = acsa__sqlite_grant_list,
    .grant_find = acsa__sqlite_grant_find,
    .agreement_version_get = acsa__sqlite_agreement_version_get,
    .agreement_event_add = acsa__sqlite_agreement_event_add,
    .agreement_event_get = acsa__sqlite_agreement_event_get,
    .unit_service_set = acsa__sqlite_unit_service_set,
    .unit_service_get = acsa__sqlite_unit_service_get,
    .agreement_version_add_by = acsa__sqlite_agreement_version_add_by,
    .statement = acsa__sqlite_statement,
    .order_totals = acsa__sqlite_order_totals,
    .order_line_list = acsa__sqlite_order_line_list,
    .posting_list = acsa__sqlite_posting_list,
};

static const struct acsa_store_accounts sqlite_accounts = {
    .user_add = acsa__sqlite_user_add,
    .user_get = acsa__sqlite_user_get,
    .user_list = acsa__sqlite_user_list,
    .user_disable = acsa__sqlite_user_disable,
    .session_add = acsa__sqlite_session_add,
    .session_get = acsa__sqlite_session_get,
    .session_delete = acsa__sqlite_session_delete,
    .session_purge = acsa__sqlite_session_purge,
    .token_add = acsa__sqlite_token_add,
    .token_user = acsa__sqlite_token_user,
    .token_get = acsa__sqlite_token_get,
    .token_revoke = acsa__sqlite_token_revoke,
    .token_list = acsa__sqlite_token_list,
    .idempotency_get = acsa__sqlite_idempotency_get,
    .idempotency_put = acsa__sqlite_idempotency_put,
    .idempotency_purge = acsa__sqlite_idempotency_purge,
    .audit_last = acsa__sqlite_audit_last,
    .audit_append = acsa__sqlite_audit_append,
    .audit_list = acsa__sqlite_audit_list,
};

static const struct acsa_store_sync sqlite_sync = {
    .peer_put = acsa__sqlite_peer_put,
    .peer_get = acsa__sqlite_peer_get,
    .peer_list = acsa__sqlite_peer_list,
    .peer_advance = acsa__sqlite_peer_advance,
    .record_append = acsa__sqlite_record_append,
    .record_get = acsa__sqlite_record_get,
    .record_last_seq = acsa__sqlite_record_last_seq,
    .record_scan = acsa__sqlite_record_scan,
    .chain_head = acsa__sqlite_chain_head,
    .record_in_chain = acsa__sqlite_record_in_chain,
    .record_list = acsa__sqlite_record_list,
    .batch_add = acsa__sqlite_batch_add,
    .quarantine_add = acsa__sqlite_quarantine_add,
    .quarantine_list = acsa__sqlite_quarantine_list,
    .ref_bind = acsa__sqlite_ref_bind,
    .ref_find = acsa__sqlite_ref_find,
    .ref_origin = acsa__sqlite_ref_origin,
    .ref_by_name = acsa__sqlite_ref_by_name,
    .order_fingerprints = acsa__sqlite_order_fingerprints,
    .chain_head_set = acsa__sqlite_chain_head_set,
    .quarantine_select = acsa__sqlite_quarantine_select,
    .quarantine_decide = acsa__sqlite_quarantine_decide,
    .batch_of_record = acsa__sqlite_batch_of_record,
    .snapshot_put = acsa__sqlite_snapshot_put,
    .snapshot_get = acsa__sqlite_snapshot_get,
    .document_add = acsa__sqlite_document_add,
    .document_get = acsa__sqlite_document_get,
    .document_list = acsa__sqlite_document_list,
    .blob_put = acsa__sqlite_blob_put,
    .blob_get = acsa__sqlite_blob_get,
};

static const struct acsa_store_vtbl sqlite_vtbl = {
    .version = ACSA_STORE_INTERFACE_VERSION,
    .close = store_close,
    .begin_write = store_begin_write,
    .commit = store_commit,
    .rollback = store_rollback,
    .meta_get = store_meta_get,
    .meta_set = store_meta_set,
    .ledger = &sqlite_ledger,
    .accounts = &sqlite_accounts,
    .sync = &sqlite_sync,
    .copy = &acsa__sqlite_copy_vtbl,
};

static enum acsa_rc configure(struct acsa_store_sqlite *s, unsigned flags,
                              struct acsa_error *err)
{
    /* Extended codes tell a UNIQUE violation (EEXISTS) from other constraint failures. */
    (void)sqlite3_extended_result_codes(s->db, 1);
    /* busy_timeout is set already (see open_database). WAL lets reports read while a command
     * writes. FULL syncs every commit: a settled payment must survive a power cut; FAST trades
     * that for speed in bulk loads. temp_store = FILE: the sort of a large report (its ORDER
     * BY or GROUP BY) spills to a temporary file past the page cache, so a report's memory
     * stays flat however many orders there are (with MEMORY the yearly summary of 1M orders
     * held 242 MB); a command's savepoint undo records (the statement journal) still stay in
     * memory up to SQLite's 64 KiB spill threshold, which one step never reaches. */
    const char *pragmas[] = {
        "PRAGMA journal_mode = WAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA temp_store = FILE",
        (flags & ACSA_STORE_BULK_LOAD) != 0 ? "PRAGMA synchronous = NORMAL"
                                       : "PRAGMA synchronous = FULL",
    };
    for (size_t i = 0; i < sizeof(pragmas) / sizeof(pragmas[0]); i++) {
        enum acsa_rc rc = exec_sql(s, pragmas[i], err);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    return ACSA_OK;
}

static bool file_missing(const char *path)
{
    /* ":memory:" names no file; anything else that cannot be found is missing. Other access
     * failures (permissions) are left to SQLite, whose message is more precise. */
    if (strcmp(path, ":memory:") == 0) {
        return false;
    }
    return access(path, F_OK) != 0 && errno == ENOENT;
}

/* A new database file is made here, readable by its owner only, before SQLite opens it:
 * SQLite gives its -wal and -shm files the database's mode, so they are private too. The
 * file holds password hashes, orders and the audit log. */
static enum acsa_rc create_private(const char *path, struct acsa_error *err)
{
    if (!file_missing(path)) {
        return ACSA_OK;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0 && errno != EEXIST) {
        return acsa_error_set(err, ACSA_ESTORAGE, "database", "storage: cannot create \"%s\": "
                              "%s", path, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    return ACSA_OK;
}

static enum acsa_rc open_database(struct acsa_store_sqlite *s, const char *path, unsigned flags,
                            struct acsa_error *err)
{
    int open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if ((flags & ACSA_STORE_CREATE) != 0) {
        open_flags |= SQLITE_OPEN_CREATE;
        enum acsa_rc rc = create_private(path, err);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    int code = sqlite3_open_v2(path, &s->db, open_flags, NULL);
    if (s->db == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory opening \"%s\"",
                              path);
    }
    if (code != SQLITE_OK) {
        return acsa_error_set(err, ACSA_ESTORAGE, "database", "storage: cannot open \"%s\": %s",
                              path, sqlite3_errmsg(s->db));
    }
    /* busy_timeout first, so that switching to WAL waits for a concurrent opener; 5 s covers
     * another CLI command, and past that a user would rather see the error. A database that
     * must exist is checked before anything writes to it: a file acsa did not create (empty,
     * or another program's) is left exactly as it was. */
    ACSA_TRY(exec_sql(s, "PRAGMA busy_timeout = 5000", err));
    if ((flags & ACSA_STORE_CREATE) == 0) {
        ACSA_TRY(acsa__sqlite_check_created(s, path, err));
    }
    ACSA_TRY(configure(s, flags, err));
    return acsa__sqlite_migrate(s, err);
}

/* Before SQLite initialises, once per process: no memory statistics (acsa reads none), so
 * that an allocation does not take the global mutex every connection in the process shares. */
static void sqlite_configure_once(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* SQLITE_MISUSE if too late: harmless. */
}

enum acsa_rc acsa_store_sqlite_open(const char *path, unsigned flags,
                                    struct acsa_store **out_store, struct acsa_error *err)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    (void)pthread_once(&configured, sqlite_configure_once);
    ACSA_ASSERT(out_store != NULL);
    *out_store = NULL;
    if (path == NULL || path[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "database", "database: no path given");
    }
    /* Checked before SQLite sees the path, so that a mistyped path is never created and the
     * message can tell the user what to do. */
    if ((flags & ACSA_STORE_CREATE) == 0 && file_missing(path)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "database",
                              "database \"%s\" does not exist (run \"acsa init\" first)", path);
    }
    struct acsa_store_sqlite *s = acsa_calloc(1, sizeof(*s));
    if (s == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    s->base.vtbl = &sqlite_vtbl;
    enum acsa_rc rc = open_database(s, path, flags, err);
    if (rc != ACSA_OK) {
        store_close(&s->base);
        return rc;
    }
    *out_store = &s->base;
    return ACSA_OK;
}
