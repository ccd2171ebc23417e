/* SPDX-License-Identifier: MIT */
/* The part of the whole-node copy both backends share (store_copy.h, store_copy_int.h): the
 * tables the copy knows, the SQL built from catalog names, and a table's description. */
#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "alloc.h"
#include "store_copy_int.h"

/* Every table of a node, in the order the copy writes them: a table comes after every table
 * it refers to. A new table (a migration of either backend) goes here too; until it does, a
 * copy from a store that has it is refused, naming it. */
static const char *const known_tables[] = {
    "meta", "agreements", "units", "officials", "official_limits", "activities",
    "order_sequences", "orders", "order_lines", "events", "postings", "users", "sessions",
    "api_tokens", "login_failures", "idempotency", "audit", "peers", "batches", "records",
    "quarantine", "invoices", "invoice_sequences", "grants", "agreement_versions",
    "agreement_events", "quarantine_decisions", "peer_snapshots",
    "document_blobs", "documents",
};

const char *const *acsa_store_copy_tables(size_t *out_count)
{
    *out_count = sizeof(known_tables) / sizeof(known_tables[0]);
    return known_tables;
}

bool acsa_store_copy_known(const char *table)
{
    for (size_t i = 0; i < sizeof(known_tables) / sizeof(known_tables[0]); i++) {
        if (strcmp(known_tables[i], table) == 0) {
            return true;
        }
    }
    return false;
}

bool acsa_store_copy_derived(const char *table)
{
    return strcmp(table, "balances") == 0;
}

bool acsa__copy_name_ok(const char *name)
{
    size_t length = strlen(name);
    if (length == 0 || length >= ACSA_COPY_NAME_SIZE || (name[0] >= '0' && name[0] <= '9')) {
        return false;
    }
    for (size_t i = 0; i < length; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

/* ---- SQL text --------------------------------------------------------------------------- */

void acsa__copy_sql_init(struct acsa__copy_sql *sql)
{
    memset(sql, 0, sizeof(*sql));
}

void acsa__copy_sql_free(struct acsa__copy_sql *sql)
{
    acsa_free(sql->text);
    acsa__copy_sql_init(sql);
}

void acsa__copy_sql_add(struct acsa__copy_sql *sql, const char *text)
{
    size_t length = strlen(text);
    if (sql->failed) {
        return;
    }
    if (sql->len + length + 1 > sql->cap) {
        size_t cap = sql->cap > 0 ? sql->cap : 256;
        while (cap < sql->len + length + 1) {
            cap *= 2;
        }
        char *grown = acsa_realloc(sql->text, cap);
        if (grown == NULL) {
            sql->failed = true;
            return;
        }
        sql->text = grown;
        sql->cap = cap;
    }
    memcpy(sql->text + sql->len, text, length + 1);
    sql->len += length;
}

void acsa__copy_sql_name(struct acsa__copy_sql *sql, const char *name)
{
    /* Only plain names reach here (describe checks them); quoting keeps words like "key",
     * "count" or "position" names. */
    ACSA_ASSERT(acsa__copy_name_ok(name));
    acsa__copy_sql_add(sql, "\"");
    acsa__copy_sql_add(sql, name);
    acsa__copy_sql_add(sql, "\"");
}

enum acsa_rc acsa__copy_sql_check(const struct acsa__copy_sql *sql, struct acsa_error *err)
{
    if (sql->failed || sql->text == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    return ACSA_OK;
}

static void add_columns(struct acsa__copy_sql *sql, const struct acsa_copy_table *table)
{
    for (uint32_t i = 0; i < table->column_count; i++) {
        acsa__copy_sql_add(sql, i > 0 ? ", " : "");
        acsa__copy_sql_name(sql, table->columns[i]);
    }
}

void acsa__copy_sql_select(struct acsa__copy_sql *sql, const struct acsa_copy_table *table)
{
    acsa__copy_sql_add(sql, "SELECT ");
    add_columns(sql, table);
    acsa__copy_sql_add(sql, " FROM ");
    acsa__copy_sql_name(sql, table->name);
    acsa__copy_sql_add(sql, " ORDER BY ");
    for (uint32_t i = 0; i < table->key_count; i++) {
        acsa__copy_sql_add(sql, i > 0 ? ", " : "");
        acsa__copy_sql_name(sql, table->columns[table->key[i]]);
    }
}

void acsa__copy_sql_count(struct acsa__copy_sql *sql, const char *table)
{
    acsa__copy_sql_add(sql, "SELECT count(*) FROM ");
    acsa__copy_sql_name(sql, table);
}

void acsa__copy_sql_copy_in(struct acsa__copy_sql *sql, const struct acsa_copy_table *table)
{
    acsa__copy_sql_add(sql, "COPY ");
    acsa__copy_sql_name(sql, table->name);
    acsa__copy_sql_add(sql, " (");
    add_columns(sql, table);
    acsa__copy_sql_add(sql, ") FROM STDIN");
}

/* ---- Describing a table ------------------------------------------------------------------ */

#define KEY_UNSET UINT32_MAX

enum acsa_rc acsa__copy_describe_begin(struct acsa_copy_table *out, const char *table,
                                       struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < ACSA_COPY_COLUMNS_MAX; i++) {
        out->key[i] = KEY_UNSET;
    }
    if (!acsa__copy_name_ok(table)) {
        return acsa_error_set(err, ACSA_ESTORAGE, "table", "storage: table name \"%.64s\" is "
                              "not a plain name; the copy does not take it", table);
    }
    snprintf(out->name, sizeof(out->name), "%s", table);
    return ACSA_OK;
}

enum acsa_rc acsa__copy_describe_column(struct acsa_copy_table *out, const char *column,
                                        uint32_t key_position, struct acsa_error *err)
{
    if (!acsa__copy_name_ok(column)) {
        return acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: column \"%.64s\" of "
                              "table %s is not a plain name; the copy does not take it",
                              column, out->name);
    }
    if (out->column_count >= ACSA_COPY_COLUMNS_MAX || key_position > ACSA_COPY_COLUMNS_MAX) {
        return acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: table %s has more than "
                              "%d columns; the copy takes at most that many", out->name,
                              ACSA_COPY_COLUMNS_MAX);
    }
    uint32_t index = out->column_count++;
    snprintf(out->columns[index], sizeof(out->columns[index]), "%s", column);
    if (key_position > 0) {
        out->key[key_position - 1] = index;
        out->key_count = key_position > out->key_count ? key_position : out->key_count;
    }
    return ACSA_OK;
}

enum acsa_rc acsa__copy_describe_done(struct acsa_copy_table *out, struct acsa_error *err)
{
    bool whole = out->key_count > 0;
    for (uint32_t i = 0; i < out->key_count; i++) {
        whole = whole && out->key[i] != KEY_UNSET;
    }
    if (out->column_count == 0 || !whole) {
        return acsa_error_set(err, ACSA_ESTORAGE, "table", "storage: table %s has no primary "
                              "key; the copy reads every table in key order", out->name);
    }
    return ACSA_OK;
}
