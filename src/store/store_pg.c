/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend of the store: the connection, transactions, node settings and the
 * vtable that ties the store_pg_*.c files together. */
#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "alloc.h"
#include "store_copy_int.h"
#include "store_pg_int.h"

bool acsa_store_pg_uri(const char *text)
{
    return text != NULL &&
           (strncmp(text, "postgresql://", 13) == 0 || strncmp(text, "postgres://", 11) == 0);
}

/* ---- Transactions --------------------------------------------------------------------- */

static enum acsa_rc lost(const struct acsa_store_pg *s, struct acsa_error *err)
{
    if (PQstatus(s->conn) == CONNECTION_BAD) {
        return acsa_error_set(err, ACSA_EUNAVAILABLE, "database", "storage: the database "
                              "cannot be reached: the transaction is lost");
    }
    return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: the transaction was rolled back "
                          "after an earlier failure");
}

/* Whether the server aborted the transaction the handle still counts as open. */
static bool transaction_lost(const struct acsa_store_pg *s)
{
    return s->depth > 0 && PQtransactionStatus(s->conn) != PQTRANS_INTRANS;
}

/* The outermost level takes the write lock before anything else, as SQLite's BEGIN IMMEDIATE
 * does: a command never fails half-way because another writer got in between its reads and
 * its first write, and every process on the database writes one after the other. */
static enum acsa_rc begin_locked(struct acsa_store_pg *s, struct acsa_error *err)
{
    acsa__pg_cache_clear(s);
    static const char begin[] = "BEGIN; SELECT pg_advisory_xact_lock(" ACSA__PG_WRITE_LOCK ")";
    ACSA_TRY(acsa__pg_connected(s, err));
    enum acsa_rc rc = acsa__pg_exec(s, begin, err);
    if (rc != ACSA_OK && PQstatus(s->conn) == CONNECTION_BAD) {
        ACSA_TRY(acsa__pg_reconnect(s, err));
        rc = acsa__pg_exec(s, begin, err);
    }
    s->in_transaction = rc == ACSA_OK;
    if (rc != ACSA_OK && PQtransactionStatus(s->conn) != PQTRANS_IDLE) {
        acsa__pg_exec_quiet(s, "ROLLBACK");
    }
    return rc;
}

static enum acsa_rc level_sql(struct acsa_store_pg *s, const char *verb, unsigned level,
                              struct acsa_error *err)
{
    char sql[48];
    snprintf(sql, sizeof(sql), "%s s%u", verb, level - 1);
    return acsa__pg_exec(s, sql, err);
}

static void level_quiet(struct acsa_store_pg *s, const char *verb, unsigned level)
{
    struct acsa_error ignored;
    if (level_sql(s, verb, level, &ignored) != ACSA_OK) {
        return; /* Undoing after a failure: the failure is what the caller reports. */
    }
}

/* Opens level depth + 1 inside the transaction: on the savepoint of the level below when
 * nothing was written since it was made (struct acsa__pg_level), else on one of its own. */
static enum acsa_rc level_open(struct acsa_store_pg *s, struct acsa_error *err)
{
    unsigned level = s->depth + 1;
    if (level > ACSA_STORE_PG_LEVELS_MAX) {
        return acsa_error_set(err, ACSA_ELIMIT, "", "storage: transactions nest at most %d "
                              "deep", ACSA_STORE_PG_LEVELS_MAX);
    }
    struct acsa__pg_level *next = &s->levels[level];
    unsigned below = s->depth >= 2 ? s->levels[s->depth].mark : 0;
    if (below >= 2 && s->levels[below].writes == s->writes) {
        next->mark = below;
        return ACSA_OK;
    }
    ACSA_TRY(level_sql(s, "SAVEPOINT", level, err));
    next->mark = level;
    next->writes = s->writes;
    return ACSA_OK;
}

static enum acsa_rc store_begin_write(struct acsa_store *store, struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    if (transaction_lost(s)) {
        return lost(s, err);
    }
    ACSA_TRY(s->depth == 0 ? begin_locked(s, err) : level_open(s, err));
    s->depth++;
    return ACSA_OK;
}

static enum acsa_rc store_commit(struct acsa_store *store, struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    if (transaction_lost(s)) {
        return lost(s, err);
    }
    if (s->depth == 0) {
        /* PostgreSQL only warns about this; it is a caller's mistake, reported as in SQLite. */
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: cannot commit - no transaction "
                              "is active");
    }
    if (s->depth <= 1) {
        acsa__pg_cache_clear(s);
        s->in_transaction = false;
        enum acsa_rc rc = acsa__pg_exec(s, "COMMIT", err);
        if (rc == ACSA_OK) {
            s->depth = 0;
        }
        return rc;
    }
    /* A level on the savepoint of the one below leaves it to that one. */
    if (s->levels[s->depth].mark == s->depth) {
        ACSA_TRY(level_sql(s, "RELEASE SAVEPOINT", s->depth, err));
    }
    s->depth--;
    return ACSA_OK;
}

static void store_rollback(struct acsa_store *store)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    /* What the undone writes had put in the cache goes with them. */
    acsa__pg_cache_clear(s);
    PGTransactionStatusType status = PQtransactionStatus(s->conn);
    bool open = status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
    if (s->depth > 1 && open) {
        /* Undo the level's writes, then end it: ROLLBACK TO keeps the savepoint open, for
         * the level below when it is that level's. */
        unsigned mark = s->levels[s->depth].mark;
        level_quiet(s, "ROLLBACK TO SAVEPOINT", mark);
        if (mark == s->depth) {
            level_quiet(s, "RELEASE SAVEPOINT", mark);
        } else {
            s->levels[mark].writes = s->writes; /* Back where it was made: nothing written. */
        }
    } else if (open) {
        acsa__pg_exec_quiet(s, "ROLLBACK");
    }
    /* A transaction lost with its connection still unwinds level by level: the levels
     * below answer their commit with the loss (transaction_lost), never as if none were
     * open. */
    if (s->depth > 0) {
        s->depth--;
    }
    s->in_transaction = s->depth > 0 && open;
}

enum acsa_rc acsa__pg_savepoint(struct acsa_store_pg *s, struct acsa_error *err)
{
    return s->depth > 0 ? ACSA_OK : begin_locked(s, err);
}

enum acsa_rc acsa__pg_finish(struct acsa_store_pg *s, enum acsa_rc rc, struct acsa_error *err)
{
    if (s->depth > 0) {
        return rc;
    }
    s->in_transaction = false;
    if (rc != ACSA_OK) {
        acsa__pg_exec_quiet(s, "ROLLBACK");
        return rc;
    }
    return acsa__pg_exec(s, "COMMIT", err);
}

/* ---- Node settings -------------------------------------------------------------------- */

struct meta_ctx {
    char *value;
    size_t size;
    const char *key;
};

static enum acsa_rc meta_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct meta_ctx *m = ctx;
    acsa__pg_col_text(row, 0, m->value, m->size);
    if (row->bad_column >= 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "key",
                              "storage: setting \"%s\" is longer than %zu bytes", m->key,
                              m->size - 1);
    }
    return ACSA_OK;
}

static enum acsa_rc store_meta_get(struct acsa_store *store, const char *key, char *value,
                                   size_t value_size, struct acsa_error *err)
{
    ACSA_ASSERT(key != NULL);
    ACSA_ASSERT(value != NULL && value_size > 0);
    value[0] = '\0';
    const struct acsa__pg_value values[] = {PG_TEXT(key)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_META_GET, "SELECT value FROM meta WHERE key = $1", values);
    struct meta_ctx ctx = {value, value_size, key};
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store), &st, meta_row, &ctx, &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        /* Never set is ENOTFOUND, not "": the caller tells "not initialised" from empty. */
        return acsa_error_set(err, ACSA_ENOTFOUND, "key", "setting \"%s\" not found", key);
    }
    return rc;
}

static enum acsa_rc store_meta_set(struct acsa_store *store, const char *key, const char *value,
                                   struct acsa_error *err)
{
    ACSA_ASSERT(key != NULL);
    ACSA_ASSERT(value != NULL);
    const struct acsa__pg_value values[] = {PG_TEXT(key), PG_TEXT(value)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_META_SET,
        "INSERT INTO meta (key, value) VALUES ($1, $2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        values);
    return acsa__pg_run_write(acsa__pg_of(store), &st, NULL, NULL, err);
}

/* ---- Open and close ------------------------------------------------------------------- */

static void store_close(struct acsa_store *store)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    acsa__pg_cache_clear(s);
    if (s->conn != NULL) {
        PQfinish(s->conn);
    }
    acsa_free(s);
}

static int64_t store_last_event_id(struct acsa_store *store)
{
    return acsa__pg_of(store)->last_event_id;
}

static const struct acsa_store_ledger pg_ledger = {
    .agreement_put = acsa__pg_agreement_put,
    .agreement_get = acsa__pg_agreement_get,
    .agreement_list = acsa__pg_agreement_list,
    .unit_add = acsa__pg_unit_add,
    .unit_get = acsa__pg_unit_get,
    .unit_list = acsa__pg_unit_list,
    .official_set_limit = acsa__pg_official_set_limit,
    .official_get = acsa__pg_official_get,
    .official_list = acsa__pg_official_list,
    .activity_add = acsa__pg_activity_add,
    .activity_get = acsa__pg_activity_get,
    .activity_list = acsa__pg_activity_list,
    .order_next_sequence = acsa__pg_order_next_sequence,
    .order_insert = acsa__pg_order_insert,
    .order_get = acsa__pg_order_get,
    .order_update = acsa__pg_order_update,
    .order_list = acsa__pg_order_list,
    .event_list = acsa__pg_event_list,
    .balance = acsa__pg_balance,
    .last_event_id = store_last_event_id,
    .invoice_next_sequence = acsa__pg_invoice_next_sequence,
    .grant_add = acsa__pg_grant_add,
    .grant_revoke = acsa__pg_grant_revoke,
    .grant_list = acsa__pg_grant_list,
    .grant_find = acsa__pg_grant_find,
    .agreement_version_get = acsa__pg_agreement_version_get,
    .agreement_event_add = acsa__pg_agreement_event_add,
    .agreement_event_get = acsa__pg_agreement_event_get,
    .unit_service_set = acsa__pg_unit_service_set,
    .unit_service_get = acsa__pg_unit_service_get,
    .agreement_version_add_by = acsa__pg_agreement_version_add_by,
    .statement = acsa__pg_statement,
    .order_totals = acsa__pg_order_totals,
    .order_line_list = acsa__pg_order_line_list,
    .posting_list = acsa__pg_posting_list,
};

static const struct acsa_store_accounts pg_accounts = {
    .user_add = acsa__pg_user_add,
    .user_get = acsa__pg_user_get,
    .user_list = acsa__pg_user_list,
    .user_disable = acsa__pg_user_disable,
    .session_add = acsa__pg_session_add,
    .session_get = acsa__pg_session_get,
    .session_delete = acsa__pg_session_delete,
    .session_purge = acsa__pg_session_purge,
    .token_add = acsa__pg_token_add,
    .token_user = acsa__pg_token_user,
    .token_get = acsa__pg_token_get,
    .token_revoke = acsa__pg_token_revoke,
    .token_list = acsa__pg_token_list,
    .idempotency_get = acsa__pg_idempotency_get,
    .idempotency_put = acsa__pg_idempotency_put,
    .idempotency_purge = acsa__pg_idempotency_purge,
    .audit_last = acsa__pg_audit_last,
    .audit_append = acsa__pg_audit_append,
    .audit_list = acsa__pg_audit_list,
};

static const struct acsa_store_sync pg_sync = {
    .peer_put = acsa__pg_peer_put,
    .peer_get = acsa__pg_peer_get,
    .peer_list = acsa__pg_peer_list,
    .peer_advance = acsa__pg_peer_advance,
    .record_append = acsa__pg_record_append,
    .record_get = acsa__pg_record_get,
    .record_last_seq = acsa__pg_record_last_seq,
    .record_scan = acsa__pg_record_scan,
    .chain_head = acsa__pg_chain_head,
    .record_in_chain = acsa__pg_record_in_chain,
    .record_list = acsa__pg_record_list,
    .batch_add = acsa__pg_batch_add,
    .quarantine_add = acsa__pg_quarantine_add,
    .quarantine_list = acsa__pg_quarantine_list,
    .ref_bind = acsa__pg_ref_bind,
    .ref_find = acsa__pg_ref_find,
    .ref_origin = acsa__pg_ref_origin,
    .ref_by_name = acsa__pg_ref_by_name,
    .order_fingerprints = acsa__pg_order_fingerprints,
    .chain_head_set = acsa__pg_chain_head_set,
    .quarantine_select = acsa__pg_quarantine_select,
    .quarantine_decide = acsa__pg_quarantine_decide,
    .batch_of_record = acsa__pg_batch_of_record,
    .snapshot_put = acsa__pg_snapshot_put,
    .snapshot_get = acsa__pg_snapshot_get,
    .document_add = acsa__pg_document_add,
    .document_get = acsa__pg_document_get,
    .document_list = acsa__pg_document_list,
    .blob_put = acsa__pg_blob_put,
    .blob_get = acsa__pg_blob_get,
};

static const struct acsa_store_vtbl pg_vtbl = {
    .version = ACSA_STORE_INTERFACE_VERSION,
    .close = store_close,
    .begin_write = store_begin_write,
    .commit = store_commit,
    .rollback = store_rollback,
    .meta_get = store_meta_get,
    .meta_set = store_meta_set,
    .ledger = &pg_ledger,
    .accounts = &pg_accounts,
    .sync = &pg_sync,
    .copy = &acsa__pg_copy_vtbl,
};

/* Session settings the readers rely on: text in UTF-8, bytea as hex, and how long a commit
 * waits for the disk. */
static enum acsa_rc configure(struct acsa_store_pg *s, unsigned flags, struct acsa_error *err)
{
    if (PQsetClientEncoding(s->conn, "UTF8") != 0) {
        return acsa__pg_fail(s, NULL, err);
    }
    enum acsa_rc rc = acsa__pg_exec(s, "SET bytea_output = 'hex'", err);
    if (rc == ACSA_OK && (flags & ACSA_STORE_BULK_LOAD) != 0) {
        rc = acsa__pg_exec(s, "SET synchronous_commit = off", err);
    }
    return rc;
}

enum acsa_rc acsa__pg_connected(struct acsa_store_pg *s, struct acsa_error *err)
{
    if (PQstatus(s->conn) != CONNECTION_BAD || !acsa__pg_idle(s)) {
        return ACSA_OK; /* A lost transaction is the caller's failure to report. */
    }
    return acsa__pg_reconnect(s, err);
}

enum acsa_rc acsa__pg_reconnect(struct acsa_store_pg *s, struct acsa_error *err)
{
    acsa__pg_cache_clear(s);
    s->depth = 0;
    s->in_transaction = false;
    PQreset(s->conn);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        return acsa__pg_fail(s, NULL, err); /* ACSA_EUNAVAILABLE with libpq's reason. */
    }
    /* A new session: nothing is prepared on it yet. */
    memset(s->prepared, 0, sizeof(s->prepared));
    return configure(s, s->flags, err);
}

/* Connects s to uri, then configures, checks and migrates the database as flags ask. */
static enum acsa_rc store_ready(struct acsa_store_pg *s, const char *uri, unsigned flags,
                                struct acsa_error *err)
{
    s->conn = PQconnectdb(uri);
    if (s->conn == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        /* The URI may carry a password: the message names the server's answer only. */
        const char *message = PQerrorMessage(s->conn);
        return acsa_error_set(err, ACSA_EUNAVAILABLE, "database",
                              "storage: cannot connect: %.*s", (int)strcspn(message, "\n"),
                              message);
    }
    ACSA_TRY(configure(s, flags, err));
    if ((flags & ACSA_STORE_EMPTY) != 0) {
        ACSA_TRY(acsa__pg_copy_check_empty(&s->base, err));
    }
    if ((flags & ACSA_STORE_CREATE) == 0) {
        ACSA_TRY(acsa__pg_check_created(s, err));
    }
    return acsa__pg_migrate(s, err);
}

enum acsa_rc acsa_store_pg_open(const char *uri, unsigned flags, struct acsa_store **out_store,
                                struct acsa_error *err)
{
    ACSA_ASSERT(out_store != NULL);
    *out_store = NULL;
    if (!acsa_store_pg_uri(uri)) {
        return acsa_error_set(err, ACSA_EUSAGE, "database",
                              "database: not a postgresql:// URI");
    }
    struct acsa_store_pg *s = acsa_calloc(1, sizeof(*s));
    if (s == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    s->base.vtbl = &pg_vtbl;
    s->flags = flags & ACSA_STORE_BULK_LOAD;
    enum acsa_rc rc = store_ready(s, uri, flags, err);
    if (rc != ACSA_OK) {
        store_close(&s->base);
        return rc;
    }
    *out_store = &s->base;
    return ACSA_OK;
}
