/* SPDX-License-Identifier: MIT */
/* The PostgreSQL end of the whole-node copy (store_copy.h): its tables, columns and keys from
 * PostgreSQL's catalog, its rows read in binary in single-row mode (memory stays flat on a
 * large node), and the bulk write: multi-row INSERTs through prepared statements, then the
 * table's identity moved past the ids written. Also the check that a database is empty before
 * a copy gives it the schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/acsa_assert.h"
#include "../util/alloc.h"
#include "store_copy_int.h"
#include "store_pg_int.h"

/* Type oids PostgreSQL fixes for its built-in types (pg_type.dat). */
#define OID_BYTEA 17u
#define OID_INT8 20u
#define OID_INT2 21u
#define OID_INT4 23u
#define OID_TEXT 25u
#define OID_VARCHAR 1043u

/* Most values one INSERT binds (PostgreSQL's limit is 65535) and most rows it carries. */
#define BATCH_PARAMS_MAX 30000u
#define BATCH_ROWS_MAX 1000u

/* The table named, in the schema acsa's tables live in. */
#define TABLE_OID "(SELECT c.oid FROM pg_class c WHERE c.relname = $1 " \
                  "AND c.relnamespace = current_schema()::regnamespace)"

/* A catalog query with text parameters; *out_res is the result on ACSA_OK. */
static enum acsa_rc query(struct acsa_store_pg *s, const char *sql, int count,
                          const char *const *values, PGresult **out_res, struct acsa_error *err)
{
    PGresult *res = PQexecParams(s->conn, sql, count, NULL, values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        enum acsa_rc rc = acsa__pg_fail(s, res, err);
        PQclear(res);
        *out_res = NULL;
        return rc;
    }
    *out_res = res;
    return ACSA_OK;
}

static enum acsa_rc copy_tables(struct acsa_store *store, acsa_copy_name_cb cb, void *ctx,
                                struct acsa_error *err)
{
    PGresult *res = NULL;
    enum acsa_rc rc = query(acsa__pg_of(store),
                            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                            "AND tablename <> 'schema_migrations' ORDER BY tablename",
                            0, NULL, &res, err);
    for (int i = 0; rc == ACSA_OK && i < PQntuples(res); i++) {
        rc = cb(ctx, PQgetvalue(res, i, 0));
    }
    PQclear(res);
    return rc;
}

static enum acsa_rc copy_describe(struct acsa_store *store, const char *table,
                                  struct acsa_copy_table *out, struct acsa_error *err)
{
    enum acsa_rc rc = acsa__copy_describe_begin(out, table, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    const char *values[1] = {table};
    PGresult *res = NULL;
    rc = query(acsa__pg_of(store),
               "SELECT a.attname, coalesce((SELECT k.n FROM pg_index i, "
               "unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) WHERE i.indrelid = a.attrelid "
               "AND i.indisprimary AND k.attnum = a.attnum), 0) "
               "FROM pg_attribute a WHERE a.attrelid = " TABLE_OID " "
               "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
               1, values, &res, err);
    int rows = rc == ACSA_OK ? PQntuples(res) : 0;
    for (int i = 0; rc == ACSA_OK && i < rows; i++) {
        long position = strtol(PQgetvalue(res, i, 1), NULL, 10);
        rc = acsa__copy_describe_column(out, PQgetvalue(res, i, 0),
                                        position > 0 && position <= ACSA_COPY_COLUMNS_MAX + 1
                                            ? (uint32_t)position : 0,
                                        err);
    }
    PQclear(res);
    if (rc == ACSA_OK && rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "table", "table %s not found", table);
    }
    return rc == ACSA_OK ? acsa__copy_describe_done(out, err) : rc;
}

/* Runs built SQL that returns one value (a count, a flag) into *out_text's first bytes. */
static enum acsa_rc one_value(struct acsa_store_pg *s, struct acsa__copy_sql *sql, char *out,
                              size_t size, struct acsa_error *err)
{
    out[0] = '\0';
    enum acsa_rc rc = acsa__copy_sql_check(sql, err);
    PGresult *res = NULL;
    rc = rc == ACSA_OK ? query(s, sql->text, 0, NULL, &res, err) : rc;
    if (rc == ACSA_OK && PQntuples(res) == 1) {
        snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    acsa__copy_sql_free(sql);
    return rc;
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
    char text[ACSA__PG_INT_TEXT_SIZE];
    enum acsa_rc rc = one_value(acsa__pg_of(store), &sql, text, sizeof(text), err);
    *out_rows = rc == ACSA_OK ? strtoll(text, NULL, 10) : 0;
    return rc;
}

/* Whether table holds any row. */
static enum acsa_rc has_rows(struct acsa_store_pg *s, const char *table, bool *out,
                             struct acsa_error *err)
{
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_add(&sql, "SELECT EXISTS (SELECT 1 FROM ");
    acsa__copy_sql_name(&sql, table);
    acsa__copy_sql_add(&sql, ")");
    char text[8];
    enum acsa_rc rc = one_value(s, &sql, text, sizeof(text), err);
    *out = text[0] == 't';
    return rc;
}

/* ---- Reading ------------------------------------------------------------------------------ */

static uint64_t big_endian(const uint8_t *p, size_t len)
{
    uint64_t value = 0;
    for (size_t i = 0; i < len; i++) {
        value = value << 8 | p[i];
    }
    return value;
}

static enum acsa_rc read_value(const PGresult *res, const struct acsa_copy_table *table,
                               int column, struct acsa_copy_value *v, struct acsa_error *err)
{
    memset(v, 0, sizeof(*v));
    if (PQgetisnull(res, 0, column)) {
        v->type = ACSA_COPY_NULL;
        return ACSA_OK;
    }
    const uint8_t *bytes = (const uint8_t *)PQgetvalue(res, 0, column);
    int length = PQgetlength(res, 0, column);
    size_t len = length > 0 ? (size_t)length : 0;
    Oid type = PQftype(res, column);
    if (type == OID_INT8 || type == OID_INT4 || type == OID_INT2) {
        if (len != 8 && len != 4 && len != 2) {
            type = 0;
        } else {
            /* Sign-extend the big-endian two's complement of 2, 4 or 8 bytes. */
            uint64_t raw = big_endian(bytes, len);
            unsigned shift = (unsigned)(64 - 8 * len);
            v->type = ACSA_COPY_INT;
            v->number = shift > 0 ? (int64_t)(raw << shift) >> shift : (int64_t)raw;
            return ACSA_OK;
        }
    }
    if (type == OID_TEXT || type == OID_VARCHAR || type == OID_BYTEA) {
        v->type = type == OID_BYTEA ? ACSA_COPY_BLOB : ACSA_COPY_TEXT;
        v->bytes = bytes;
        v->len = len;
        return ACSA_OK;
    }
    return acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: %s.%s has a type the copy "
                          "does not read (oid %u)", table->name,
                          table->columns[column], (unsigned)PQftype(res, column));
}

static enum acsa_rc copy_read(struct acsa_store *store, const struct acsa_copy_table *table,
                              acsa_copy_row_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_select(&sql, table);
    enum acsa_rc rc = acsa__copy_sql_check(&sql, err);
    if (rc != ACSA_OK) {
        acsa__copy_sql_free(&sql);
        return rc;
    }
    /* Binary results: integers as 8 bytes, text and bytea as they are. */
    if (PQsendQueryParams(s->conn, sql.text, 0, NULL, NULL, NULL, NULL, 1) == 0 ||
        PQsetSingleRowMode(s->conn) == 0) {
        rc = acsa__pg_fail(s, NULL, err);
    }
    acsa__copy_sql_free(&sql);
    struct acsa_copy_value values[ACSA_COPY_COLUMNS_MAX];
    bool sent = rc == ACSA_OK;
    PGresult *res = NULL;
    /* Every result is taken, after a failure too, so the connection is ready again. */
    while (sent && (res = PQgetResult(s->conn)) != NULL) {
        ExecStatusType status = PQresultStatus(res);
        if (rc == ACSA_OK && status == PGRES_SINGLE_TUPLE) {
            for (int c = 0; rc == ACSA_OK && c < (int)table->column_count; c++) {
                rc = read_value(res, table, c, &values[c], err);
            }
            rc = rc == ACSA_OK ? cb(ctx, values, table->column_count, err) : rc;
        } else if (rc == ACSA_OK && status != PGRES_TUPLES_OK) {
            rc = acsa__pg_fail(s, res, err);
        }
        PQclear(res);
    }
    return rc;
}

/* ---- Writing ------------------------------------------------------------------------------ */

/* The rows of one INSERT: each value's text or bytes at an offset of data (offsets, not
 * pointers, as data grows). */
struct batch {
    struct acsa_store_pg *s;
    const struct acsa_copy_table *table;
    uint32_t rows_max;      /* Rows of a full batch. */
    uint32_t rows;          /* Rows held. */
    bool full_prepared;     /* The statement of a full batch is prepared. */
    int64_t written;
    size_t *offsets;        /* Per value; SIZE_MAX for NULL. */
    int *lengths;
    int *formats;
    const char **values;
    char *data;
    size_t used;
    size_t cap;
};

#define FULL_NAME "acsa_copy_full"
#define TAIL_NAME "acsa_copy_tail"

static enum acsa_rc nomem(struct acsa_error *err)
{
    return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
}

static bool batch_reserve(struct batch *b, size_t more)
{
    if (b->used + more <= b->cap) {
        return true;
    }
    size_t cap = b->cap > 0 ? b->cap : 65536;
    while (cap < b->used + more) {
        cap *= 2;
    }
    char *grown = acsa_realloc(b->data, cap);
    if (grown == NULL) {
        return false;
    }
    b->data = grown;
    b->cap = cap;
    return true;
}

static enum acsa_rc prepare(struct batch *b, const char *name, uint32_t rows,
                            struct acsa_error *err)
{
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_insert(&sql, b->table, rows);
    enum acsa_rc rc = acsa__copy_sql_check(&sql, err);
    if (rc == ACSA_OK) {
        PGresult *res = PQprepare(b->s->conn, name, sql.text, 0, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            rc = acsa__pg_fail(b->s, res, err);
        }
        PQclear(res);
    }
    acsa__copy_sql_free(&sql);
    return rc;
}

static enum acsa_rc batch_flush(struct batch *b, struct acsa_error *err)
{
    if (b->rows == 0) {
        return ACSA_OK;
    }
    bool full = b->rows == b->rows_max;
    enum acsa_rc rc = ACSA_OK;
    if (full && !b->full_prepared) {
        rc = prepare(b, FULL_NAME, b->rows, err);
        b->full_prepared = rc == ACSA_OK;
    } else if (!full) {
        rc = prepare(b, TAIL_NAME, b->rows, err);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    size_t count = (size_t)b->rows * b->table->column_count;
    for (size_t i = 0; i < count; i++) {
        b->values[i] = b->offsets[i] == SIZE_MAX ? NULL : b->data + b->offsets[i];
    }
    PGresult *res = PQexecPrepared(b->s->conn, full ? FULL_NAME : TAIL_NAME, (int)count,
                                   b->values, b->lengths, b->formats, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = acsa__pg_fail(b->s, res, err);
    }
    PQclear(res);
    if (!full) {
        acsa__pg_exec_quiet(b->s, "DEALLOCATE " TAIL_NAME);
    }
    b->written += b->rows;
    b->rows = 0;
    b->used = 0;
    return rc;
}

static enum acsa_rc batch_row(void *ctx, const struct acsa_copy_value *values, uint32_t count,
                              struct acsa_error *err)
{
    struct batch *b = ctx;
    ACSA_ASSERT(count == b->table->column_count);
    size_t base = (size_t)b->rows * count;
    for (uint32_t c = 0; c < count; c++) {
        const struct acsa_copy_value *v = &values[c];
        size_t i = base + c;
        b->formats[i] = 0;
        b->lengths[i] = 0;
        b->offsets[i] = SIZE_MAX;
        if (v->type == ACSA_COPY_NULL) {
            continue;
        }
        if (v->len > INT32_MAX - 1 || !batch_reserve(b, v->len + ACSA__PG_INT_TEXT_SIZE)) {
            return nomem(err);
        }
        char *at = b->data + b->used;
        b->offsets[i] = b->used;
        if (v->type == ACSA_COPY_INT) {
            int written = snprintf(at, ACSA__PG_INT_TEXT_SIZE, "%lld", (long long)v->number);
            b->used += (size_t)written + 1;
        } else {
            /* Text as text (PostgreSQL checks it is UTF-8), blobs as binary. */
            if (v->len > 0) {
                memcpy(at, v->bytes, v->len);
            }
            at[v->len] = '\0';
            b->used += v->len + 1;
            if (v->type == ACSA_COPY_BLOB) {
                b->formats[i] = 1;
                b->lengths[i] = (int)v->len;
            } else if (memchr(at, '\0', v->len) != NULL) {
                return acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: %s.%s holds a "
                                      "text with a NUL byte, which PostgreSQL does not store",
                                      b->table->name, b->table->columns[c]);
            }
        }
    }
    b->rows++;
    return b->rows == b->rows_max ? batch_flush(b, err) : ACSA_OK;
}

/* Moves each identity column's generator past the largest id written. */
static enum acsa_rc identities_reset(struct acsa_store_pg *s, const char *table,
                                     struct acsa_error *err)
{
    const char *values[1] = {table};
    PGresult *res = NULL;
    enum acsa_rc rc = query(s, "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = "
                               TABLE_OID " AND a.attidentity <> '' AND NOT a.attisdropped",
                            1, values, &res, err);
    for (int i = 0; rc == ACSA_OK && i < PQntuples(res); i++) {
        const char *column = PQgetvalue(res, i, 0);
        if (!acsa__copy_name_ok(column)) {
            rc = acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: identity column of %s "
                                "is not a plain name", table);
            break;
        }
        struct acsa__copy_sql sql;
        acsa__copy_sql_init(&sql);
        acsa__copy_sql_add(&sql, "SELECT setval(pg_get_serial_sequence($1, $2), "
                                 "coalesce((SELECT max(");
        acsa__copy_sql_name(&sql, column);
        acsa__copy_sql_add(&sql, ") FROM ");
        acsa__copy_sql_name(&sql, table);
        acsa__copy_sql_add(&sql, "), 0) + 1, false)");
        rc = acsa__copy_sql_check(&sql, err);
        const char *params[2] = {table, column};
        PGresult *set = NULL;
        rc = rc == ACSA_OK ? query(s, sql.text, 2, params, &set, err) : rc;
        PQclear(set);
        acsa__copy_sql_free(&sql);
    }
    PQclear(res);
    return rc;
}

static enum acsa_rc copy_write(struct acsa_store *store, const struct acsa_copy_table *table,
                               acsa_copy_source_fn source, void *source_ctx, int64_t *out_rows,
                               struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    *out_rows = 0;
    ACSA_ASSERT(s->depth > 0 && table->column_count > 0);
    bool taken = false;
    enum acsa_rc rc = has_rows(s, table->name, &taken, err);
    if (rc == ACSA_OK && taken) {
        return acsa_error_set(err, ACSA_EEXISTS, "to", "database \"%s\" is not empty: table %s "
                              "has rows", PQdb(s->conn), table->name);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    struct batch b;
    memset(&b, 0, sizeof(b));
    b.s = s;
    b.table = table;
    b.rows_max = BATCH_PARAMS_MAX / table->column_count;
    b.rows_max = b.rows_max > BATCH_ROWS_MAX ? BATCH_ROWS_MAX : b.rows_max;
    size_t count = (size_t)b.rows_max * table->column_count;
    b.offsets = acsa_calloc(count, sizeof(*b.offsets));
    b.lengths = acsa_calloc(count, sizeof(*b.lengths));
    b.formats = acsa_calloc(count, sizeof(*b.formats));
    b.values = acsa_calloc(count, sizeof(*b.values));
    if (b.offsets == NULL || b.lengths == NULL || b.formats == NULL || b.values == NULL) {
        rc = nomem(err);
    }
    rc = rc == ACSA_OK ? source(source_ctx, batch_row, &b, err) : rc;
    rc = rc == ACSA_OK ? batch_flush(&b, err) : rc;
    if (b.full_prepared) {
        acsa__pg_exec_quiet(s, "DEALLOCATE " FULL_NAME);
    }
    rc = rc == ACSA_OK ? identities_reset(s, table->name, err) : rc;
    *out_rows = b.written;
    acsa_free(b.offsets);
    acsa_free(b.lengths);
    acsa_free(b.formats);
    acsa_free(b.values);
    acsa_free(b.data);
    return rc;
}

const struct acsa_store_copy_vtbl acsa__pg_copy_vtbl = {
    .tables = copy_tables,
    .describe = copy_describe,
    .count = copy_count,
    .read = copy_read,
    .write = copy_write,
};

/* ---- An empty database -------------------------------------------------------------------- */

enum acsa_rc acsa__pg_copy_check_empty(struct acsa_store *store, struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    PGresult *res = NULL;
    /* Every relation outside PostgreSQL's own schemas; acsa's own tables (a schema given by
     * an earlier copy that failed) count as empty while they hold no row. */
    enum acsa_rc rc = query(s, "SELECT n.nspname, c.relname, n.nspname = current_schema() "
                               "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                               "AND n.nspname <> 'information_schema' "
                               "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 3 DESC, 1, 2",
                            0, NULL, &res, err);
    for (int i = 0; rc == ACSA_OK && i < PQntuples(res); i++) {
        const char *schema = PQgetvalue(res, i, 0);
        const char *name = PQgetvalue(res, i, 1);
        bool ours = PQgetvalue(res, i, 2)[0] == 't' &&
                    (acsa_store_copy_known(name) || strcmp(name, "schema_migrations") == 0);
        if (!ours) {
            rc = acsa_error_set(err, ACSA_EEXISTS, "to", "database \"%s\" is not empty: it has "
                                "table %s.%s; acsa migrate copies into an empty database only",
                                PQdb(s->conn), schema, name);
            break;
        }
        bool taken = false;
        rc = strcmp(name, "schema_migrations") == 0 ? ACSA_OK : has_rows(s, name, &taken, err);
        if (rc == ACSA_OK && taken) {
            rc = acsa_error_set(err, ACSA_EEXISTS, "to", "database \"%s\" is not empty: table "
                                "%s has rows; acsa migrate copies into an empty database only",
                                PQdb(s->conn), name);
        }
    }
    PQclear(res);
    return rc;
}
