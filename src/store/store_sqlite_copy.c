/* SPDX-License-Identifier: MIT */
/* The SQLite end of the whole-node copy (store_copy.h): its tables, columns and keys from
 * SQLite's own catalog, and its rows as typed values. A SQLite store is a copy's source only. */
#include <string.h>

#include "store_copy_int.h"
#include "store_sqlite_int.h"

/* Runs a statement of built or catalog SQL, prepared for this run alone, with param (if not
 * NULL) bound to ?1: each row to fn until it returns something other than ACSA_OK. */
static enum acsa_rc run(struct acsa_store_sqlite *s, const char *sql, const char *param,
                        acsa__sqlite_row_fn fn, void *ctx, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(param)};
    const struct acsa__sqlite_statement st = {ACSA__SQLITE_ONCE, sql, values,
                                              param != NULL ? COUNT(values) : 0,
                                              ACSA__SQLITE_KEYS_UNIQUE};
    return acsa__sqlite_run_query(s, &st, fn, ctx, NULL, err);
}

static const char *column_text(sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    return text != NULL ? (const char *)text : "";
}

struct names_ctx {
    acsa_copy_name_cb cb;
    void *ctx;
};

static enum acsa_rc name_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    (void)err;
    struct names_ctx *n = ctx;
    return n->cb(n->ctx, column_text(row->stmt, 0));
}

static enum acsa_rc copy_tables(struct acsa_store *store, acsa_copy_name_cb cb, void *ctx,
                                struct acsa_error *err)
{
    /* SQLite's own tables (sqlite_sequence, sqlite_stat1) and the migration ledger are the
     * engine's, not the node's; the balances are derived (acsa_store_copy_derived). */
    struct names_ctx n = {cb, ctx};
    return run(acsa__sqlite_of(store),
               "SELECT name FROM sqlite_master WHERE type = 'table' "
               "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations' "
               "AND name <> 'balances' "
               "ORDER BY name",
               NULL, name_row, &n, err);
}

static enum acsa_rc column_row(void *ctx, struct acsa__sqlite_row *row,
                               struct acsa_error *err)
{
    sqlite3_stmt *stmt = row->stmt;
    int64_t position = sqlite3_column_int64(stmt, 1);
    return acsa__copy_describe_column(ctx, column_text(stmt, 0),
                                      position > 0 && position <= ACSA_COPY_COLUMNS_MAX + 1
                                          ? (uint32_t)position : 0,
                                      err);
}

static enum acsa_rc copy_describe(struct acsa_store *store, const char *table,
                                  struct acsa_copy_table *out, struct acsa_error *err)
{
    enum acsa_rc rc = acsa__copy_describe_begin(out, table, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = run(acsa__sqlite_of(store), "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid",
             table, column_row, out, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (out->column_count == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "table", "table %s not found", table);
    }
    return acsa__copy_describe_done(out, err);
}

static enum acsa_rc count_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    (void)err;
    *(int64_t *)ctx = sqlite3_column_int64(row->stmt, 0);
    return ACSA_OK;
}

static enum acsa_rc copy_count(struct acsa_store *store, const char *table, int64_t *out_rows,
                               struct acsa_error *err)
{
    *out_rows = 0;
    if (!acsa__copy_name_ok(table)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "table", "table %.64s not found", table);
    }
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_count(&sql, table);
    enum acsa_rc rc = acsa__copy_sql_check(&sql, err);
    if (rc == ACSA_OK) {
        rc = run(acsa__sqlite_of(store), sql.text, NULL, count_row, out_rows, err);
    }
    acsa__copy_sql_free(&sql);
    return rc;
}

struct read_ctx {
    const struct acsa_copy_table *table;
    acsa_copy_row_cb cb;
    void *ctx;
    struct acsa_copy_value values[ACSA_COPY_COLUMNS_MAX];
};

static enum acsa_rc read_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct read_ctx *r = ctx;
    sqlite3_stmt *stmt = row->stmt;
    for (uint32_t i = 0; i < r->table->column_count; i++) {
        struct acsa_copy_value *v = &r->values[i];
        memset(v, 0, sizeof(*v));
        int column = (int)i;
        switch (sqlite3_column_type(stmt, column)) {
        case SQLITE_NULL:
            v->type = ACSA_COPY_NULL;
            break;
        case SQLITE_INTEGER:
            v->type = ACSA_COPY_INT;
            v->number = sqlite3_column_int64(stmt, column);
            break;
        case SQLITE_TEXT:
            v->type = ACSA_COPY_TEXT;
            v->bytes = sqlite3_column_text(stmt, column);
            v->len = (size_t)sqlite3_column_bytes(stmt, column);
            break;
        case SQLITE_BLOB:
            v->type = ACSA_COPY_BLOB;
            v->bytes = sqlite3_column_blob(stmt, column);
            v->len = (size_t)sqlite3_column_bytes(stmt, column);
            break;
        default:
            /* No column of the schema holds a real number: one here was put by hand. */
            return acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: %s.%s holds a "
                                  "floating-point value, which no acsa column holds",
                                  r->table->name, r->table->columns[i]);
        }
    }
    return r->cb(r->ctx, r->values, r->table->column_count, err);
}

static enum acsa_rc copy_read(struct acsa_store *store, const struct acsa_copy_table *table,
                              acsa_copy_row_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_select(&sql, table);
    enum acsa_rc rc = acsa__copy_sql_check(&sql, err);
    struct read_ctx r = {table, cb, ctx, {{0}}};
    if (rc == ACSA_OK) {
        rc = run(acsa__sqlite_of(store), sql.text, NULL, read_row, &r, err);
    }
    acsa__copy_sql_free(&sql);
    return rc;
}

const struct acsa_store_copy_vtbl acsa__sqlite_copy_vtbl = {
    .tables = copy_tables,
    .describe = copy_describe,
    .count = copy_count,
    .read = copy_read,
    .write = NULL, /* A copy's target is a PostgreSQL database. */
    .backup = acsa__sqlite_backup,
    .check = acsa__sqlite_check,
};
